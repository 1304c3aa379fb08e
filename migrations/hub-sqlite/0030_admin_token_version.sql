-- Dermis hub embedded store (SQLite), schema 30: admin token versions, as in
-- migrations/hub/0030_admin_token_version.sql.
ALTER TABLE admin_users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;
