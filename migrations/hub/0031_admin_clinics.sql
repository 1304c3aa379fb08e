-- Dermis hub store (Postgres), schema 31: admins limited to clinics
-- (`dermis-hub admin add --username U --clinic ID`, repeatable). `all_clinics` says so
-- explicitly rather than "no rows means everything", so an admin whose clinics are all
-- gone sees nothing instead of everything.
ALTER TABLE admin_users ADD COLUMN all_clinics boolean NOT NULL DEFAULT true;

CREATE TABLE admin_clinics (
    admin_id   uuid NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
    clinic_id  uuid NOT NULL REFERENCES clinics (id),
    PRIMARY KEY (admin_id, clinic_id)
);
