-- Dermis hub store (Postgres), schema 4: hub admin users (the /admin pages and /api), and how far live
-- updates reached each node.
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

-- The change-log position up to which the hub has told the node everything (the last
-- page of an index it sent: a live update or a pull's answer). A node reports its
-- durable cursor only when it starts a pull, so a connected node would otherwise look
-- behind by what it just received; /admin shows the lag from the larger of the two.
ALTER TABLE nodes ADD COLUMN delivered_seq bigint NOT NULL DEFAULT 0;
