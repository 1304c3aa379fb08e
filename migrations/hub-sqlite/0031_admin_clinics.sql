-- Dermis hub embedded store (SQLite), schema 31: admins limited to clinics, as in
-- migrations/hub/0031_admin_clinics.sql.
ALTER TABLE admin_users ADD COLUMN all_clinics INTEGER NOT NULL DEFAULT 1;

CREATE TABLE admin_clinics (
    admin_id   TEXT NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
    clinic_id  TEXT NOT NULL REFERENCES clinics (id),
    PRIMARY KEY (admin_id, clinic_id)
);
