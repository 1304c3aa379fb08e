-- Dermis hub embedded store (SQLite), schema 4: hub admin users, as in
-- migrations/hub/0004_admin.sql. Times are milliseconds since the Unix epoch.

CREATE TABLE admin_users (
    id             TEXT PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    last_login_at  INTEGER
);

-- See migrations/hub/0004_admin.sql.
ALTER TABLE nodes ADD COLUMN delivered_seq INTEGER NOT NULL DEFAULT 0;
