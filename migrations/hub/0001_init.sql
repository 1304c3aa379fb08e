-- Dermis hub store (Postgres), schema 1: clinics, their documents and change log,
-- enrolled nodes and their sync sessions.

CREATE TABLE clinics (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    -- The clinic's change-log counter: bumped in the transaction that stores a change,
    -- as its last write, so seq order is commit order.
    seq         bigint NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per Automerge document: a snapshot plus the incremental changes written since
-- (doc_changes), compacted after a threshold.
CREATE TABLE docs (
    clinic_id     uuid NOT NULL REFERENCES clinics (id),
    id            uuid PRIMARY KEY,
    doc_type      text NOT NULL,
    snapshot      bytea NOT NULL,
    -- The document's heads: sorted 32-byte change hashes, concatenated.
    heads         bytea NOT NULL,
    -- The change-log position of the document's latest change.
    seq           bigint NOT NULL,
    change_count  integer NOT NULL DEFAULT 0,
    change_bytes  bigint NOT NULL DEFAULT 0,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX docs_clinic_seq ON docs (clinic_id, seq);

CREATE TABLE doc_changes (
    doc_id  uuid NOT NULL REFERENCES docs (id) ON DELETE CASCADE,
    n       integer NOT NULL,
    data    bytea NOT NULL,
    PRIMARY KEY (doc_id, n)
);

CREATE TABLE nodes (
    id                    uuid PRIMARY KEY,
    clinic_id             uuid NOT NULL REFERENCES clinics (id),
    name                  text NOT NULL,
    -- 1, 2, 3… per clinic: receipts are numbered N<number>-000123.
    number                integer NOT NULL,
    -- SHA-256 (hex) of the node token and of the one-time enrollment code.
    token_hash            text UNIQUE,
    enroll_code_hash      text UNIQUE,
    enroll_expires_at     timestamptz,
    status                text NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'active', 'revoked')),
    created_at            timestamptz NOT NULL DEFAULT now(),
    enrolled_at           timestamptz,
    -- The name the workstation gave when it enrolled.
    enrolled_name         text,
    last_seen_at          timestamptz,
    online                boolean NOT NULL DEFAULT false,
    app_version           text,
    cursor                bigint NOT NULL DEFAULT 0,
    outbox_count          bigint NOT NULL DEFAULT 0,
    outbox_bytes          bigint NOT NULL DEFAULT 0,
    outbox_oldest_age_ms  bigint NOT NULL DEFAULT 0,
    last_error            text,
    last_sync_at          timestamptz,
    UNIQUE (clinic_id, number)
);

CREATE TABLE sync_sessions (
    id          bigserial PRIMARY KEY,
    node_id     uuid NOT NULL REFERENCES nodes (id),
    started_at  timestamptz NOT NULL,
    ended_at    timestamptz,
    frames_in   bigint NOT NULL DEFAULT 0,
    frames_out  bigint NOT NULL DEFAULT 0,
    bytes_in    bigint NOT NULL DEFAULT 0,
    bytes_out   bigint NOT NULL DEFAULT 0,
    docs_in     bigint NOT NULL DEFAULT 0,
    docs_out    bigint NOT NULL DEFAULT 0,
    close_code  integer,
    error       text
);
CREATE INDEX sync_sessions_node ON sync_sessions (node_id, started_at);
