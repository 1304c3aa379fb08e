-- Dermis hub store (Postgres), schema 4: hub admin users (the /admin pages and /api).
-- Numbers 0002-0003 belong to photos, jobs and webhooks.

CREATE TABLE admin_users (
    id             uuid PRIMARY KEY,
    -- Trimmed and lower-cased, so "Admin" and "admin" are one user.
    username       text NOT NULL UNIQUE,
    -- argon2id, PHC string format ($argon2id$v=19$m=...,t=...,p=...$salt$hash).
    password_hash  text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    last_login_at  timestamptz
);
