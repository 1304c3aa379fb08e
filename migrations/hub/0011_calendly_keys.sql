-- Dermis hub store (Postgres), schema 11: each clinic's own Calendly webhook signing
-- key (`dermis-hub calendly key --clinic ID`). The hub must read it back to check
-- signatures, so it is stored sealed: AES-256-GCM under HUB_SECRET_KEY, with the clinic
-- id bound in as associated data (a sealed key copied to another clinic's row does not
-- open). Format: version byte 1, 12-byte nonce, ciphertext and tag.
CREATE TABLE calendly_keys (
    clinic_id   uuid PRIMARY KEY REFERENCES clinics (id),
    sealed      bytea NOT NULL,
    updated_at  timestamptz NOT NULL
);
