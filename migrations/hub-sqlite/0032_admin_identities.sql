-- Dermis hub embedded store (SQLite), schema 32: admin identities for OIDC sign-in, as
-- in migrations/hub/0032_admin_identities.sql.
ALTER TABLE admin_users ADD COLUMN oidc_subject TEXT;
ALTER TABLE admin_users ADD COLUMN email TEXT;
CREATE UNIQUE INDEX admin_users_oidc_subject ON admin_users (oidc_subject);
CREATE UNIQUE INDEX admin_users_email ON admin_users (email);
