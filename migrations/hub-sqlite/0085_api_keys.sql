-- API keys for /api/v1 and /fhir/r4 (`dermis-hub apikey add`): each sees exactly one
-- clinic, read or read-write. Only the SHA-256 of the secret is kept, so a copy of the
-- database lets no one call the API.
CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    clinic_id    TEXT NOT NULL REFERENCES clinics (id),
    name         TEXT NOT NULL,
    scope        TEXT NOT NULL CHECK (scope IN ('read', 'read-write')),
    secret_hash  TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    last_used_at INTEGER
);
CREATE INDEX api_keys_clinic ON api_keys (clinic_id);

-- Every use of a key, for the audit: which route (the path template, never the ids in
-- it), the method, the answer's status and when.
CREATE TABLE api_key_uses (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    key_id  TEXT NOT NULL REFERENCES api_keys (id),
    method  TEXT NOT NULL,
    route   TEXT NOT NULL,
    status  INTEGER NOT NULL,
    at      INTEGER NOT NULL
);
CREATE INDEX api_key_uses_key ON api_key_uses (key_id, at);
