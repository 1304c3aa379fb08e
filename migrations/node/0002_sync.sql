-- Schema 2: what the node knows about the hub, per document and overall.

-- The hub's heads as last confirmed for this document: changes after them are what
-- the hub may still lack. NULL: the hub has never confirmed this document.
ALTER TABLE docs ADD COLUMN synced_heads BLOB;
-- The hub's change-log seq of this document as last seen.
ALTER TABLE docs ADD COLUMN hub_seq INTEGER;

-- Why the hub refused a document's changes; the entry waits for the next edit.
ALTER TABLE outbox ADD COLUMN rejected TEXT;

CREATE TABLE sync_state (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;

-- One row per connection attempt, for the sync panel and for support.
CREATE TABLE sync_sessions (
    id           INTEGER PRIMARY KEY,
    started_at   INTEGER NOT NULL,
    ended_at     INTEGER,
    pushed_docs  INTEGER NOT NULL DEFAULT 0,
    pulled_docs  INTEGER NOT NULL DEFAULT 0,
    bytes_up     INTEGER NOT NULL DEFAULT 0,
    bytes_down   INTEGER NOT NULL DEFAULT 0,
    error        TEXT
);
