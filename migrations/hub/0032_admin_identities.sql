-- Dermis hub store (Postgres), schema 32: how an admin is known to the OpenID Provider
-- (OIDC sign-in). An identity matches the admin whose `oidc_subject` is its `sub`, or,
-- when the provider says the address is verified, whose `email` is its email and who is
-- not bound to another subject. Both are unique; either may be empty.
ALTER TABLE admin_users ADD COLUMN oidc_subject text UNIQUE;
-- Trimmed and lower-cased.
ALTER TABLE admin_users ADD COLUMN email text UNIQUE;
