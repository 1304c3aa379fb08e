-- Dermis hub store (Postgres), schema 30: admin tokens that can be ended. Every admin
-- token (JWT) carries the token version its admin had when it was signed; each request
-- compares it with this column, so bumping it (`admin passwd`, `admin logout-all`) ends
-- every earlier token at once, and removing the admin ends them too.
ALTER TABLE admin_users ADD COLUMN token_version bigint NOT NULL DEFAULT 0;
