-- Dermis hub embedded store (SQLite), schema 1: the same tables as the Postgres store
-- (migrations/hub/). Ids are UUID text, times are milliseconds since the Unix epoch (UTC).

CREATE TABLE clinics (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    -- The clinic's change-log counter, bumped in the transaction that stores a change.
    seq         INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);

CREATE TABLE docs (
    clinic_id     TEXT NOT NULL REFERENCES clinics (id),
    id            TEXT PRIMARY KEY,
    doc_type      TEXT NOT NULL,
    snapshot      BLOB NOT NULL,
    -- Sorted 32-byte change hashes, concatenated.
    heads         BLOB NOT NULL,
    seq           INTEGER NOT NULL,
    change_count  INTEGER NOT NULL DEFAULT 0,
    change_bytes  INTEGER NOT NULL DEFAULT 0,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX docs_clinic_seq ON docs (clinic_id, seq);

CREATE TABLE doc_changes (
    doc_id  TEXT NOT NULL REFERENCES docs (id) ON DELETE CASCADE,
    n       INTEGER NOT NULL,
    data    BLOB NOT NULL,
    PRIMARY KEY (doc_id, n)
) WITHOUT ROWID;

CREATE TABLE nodes (
    id                    TEXT PRIMARY KEY,
    clinic_id             TEXT NOT NULL REFERENCES clinics (id),
    name                  TEXT NOT NULL,
    number                INTEGER NOT NULL,
    token_hash            TEXT UNIQUE,
    enroll_code_hash      TEXT UNIQUE,
    enroll_expires_at     INTEGER,
    status                TEXT NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'active', 'revoked')),
    created_at            INTEGER NOT NULL,
    enrolled_at           INTEGER,
    enrolled_name         TEXT,
    last_seen_at          INTEGER,
    online                INTEGER NOT NULL DEFAULT 0,
    app_version           TEXT,
    cursor                INTEGER NOT NULL DEFAULT 0,
    outbox_count          INTEGER NOT NULL DEFAULT 0,
    outbox_bytes          INTEGER NOT NULL DEFAULT 0,
    outbox_oldest_age_ms  INTEGER NOT NULL DEFAULT 0,
    last_error            TEXT,
    last_sync_at          INTEGER,
    UNIQUE (clinic_id, number)
);

CREATE TABLE sync_sessions (
    id          INTEGER PRIMARY KEY,
    node_id     TEXT NOT NULL REFERENCES nodes (id),
    started_at  INTEGER NOT NULL,
    ended_at    INTEGER,
    frames_in   INTEGER NOT NULL DEFAULT 0,
    frames_out  INTEGER NOT NULL DEFAULT 0,
    bytes_in    INTEGER NOT NULL DEFAULT 0,
    bytes_out   INTEGER NOT NULL DEFAULT 0,
    docs_in     INTEGER NOT NULL DEFAULT 0,
    docs_out    INTEGER NOT NULL DEFAULT 0,
    close_code  INTEGER,
    error       TEXT
);
CREATE INDEX sync_sessions_node ON sync_sessions (node_id, started_at);
