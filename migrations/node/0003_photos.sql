-- Schema 3: the photo lane. What this node owes the hub of each photo it imported, and
-- the bounded cache of images it fetched from the hub.

-- One row per photo whose original this node imported (written in the same transaction
-- as the patient document edit; photos taken on other nodes have no row).
-- state: local (nothing sent yet) | uploading | uploaded | failed (refused for good).
-- attempts counts failed tries since the last progress; it drives the backoff.
-- refusals counts the hub's permanent refusals in a row (413/415/422): at two, failed.
CREATE TABLE photo_uploads (
    photo_id         TEXT PRIMARY KEY,
    patient_id       TEXT NOT NULL,
    sha256           TEXT NOT NULL,
    size             INTEGER NOT NULL,
    acked            INTEGER NOT NULL DEFAULT 0,
    state            TEXT NOT NULL DEFAULT 'local'
                     CHECK (state IN ('local', 'uploading', 'uploaded', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    refusals         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    next_attempt_at  INTEGER NOT NULL DEFAULT 0,
    updated_at       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX photo_uploads_due ON photo_uploads(state, next_attempt_at);
CREATE INDEX photo_uploads_sha ON photo_uploads(sha256);

-- Files kept under the cache bound (DERMIS_PHOTO_CACHE_BYTES): images fetched from the
-- hub (variant full or original, in <data_dir>/cache/) and this node's own originals
-- once the hub has them (variant blob, in <data_dir>/blobs/). Least recently used go
-- first; a blob whose upload is not finished is never evicted.
CREATE TABLE photo_cache (
    sha256        TEXT NOT NULL,
    variant       TEXT NOT NULL CHECK (variant IN ('full', 'original', 'blob')),
    size          INTEGER NOT NULL,
    last_used_at  INTEGER NOT NULL,
    PRIMARY KEY (sha256, variant)
) WITHOUT ROWID;
CREATE INDEX photo_cache_lru ON photo_cache(last_used_at);
