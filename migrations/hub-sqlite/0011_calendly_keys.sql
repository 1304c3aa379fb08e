-- Dermis hub store (embedded SQLite), schema 11: each clinic's own Calendly webhook
-- signing key (`dermis-hub calendly key --clinic ID`). The hub must read it back to
-- check signatures, so it is stored sealed: AES-256-GCM under HUB_SECRET_KEY (or the
-- generated secret.key beside hub.db), with the clinic id bound in as associated data.
-- Format: version byte 1, 12-byte nonce, ciphertext and tag.
CREATE TABLE calendly_keys (
    clinic_id   TEXT PRIMARY KEY REFERENCES clinics (id),
    sealed      BLOB NOT NULL,
    updated_at  INTEGER NOT NULL
);
