-- API keys for /api/v1 and /fhir/r4 (`dermis-hub apikey add`): each sees exactly one
-- clinic, read or read-write. Only the SHA-256 of the secret is kept, so a copy of the
-- database lets no one call the API.
CREATE TABLE api_keys (
    id           uuid PRIMARY KEY,
    clinic_id    uuid NOT NULL REFERENCES clinics (id),
    name         text NOT NULL,
    scope        text NOT NULL CHECK (scope IN ('read', 'read-write')),
    secret_hash  text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX api_keys_clinic ON api_keys (clinic_id);

-- Every use of a key, for the audit: which route (the path template, never the ids in
-- it), the method, the answer's status and when.
CREATE TABLE api_key_uses (
    id      bigserial PRIMARY KEY,
    key_id  uuid NOT NULL REFERENCES api_keys (id),
    method  text NOT NULL,
    route   text NOT NULL,
    status  integer NOT NULL,
    at      timestamptz NOT NULL
);
CREATE INDEX api_key_uses_key ON api_key_uses (key_id, at);
