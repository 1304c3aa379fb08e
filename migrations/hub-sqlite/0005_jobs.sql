-- Dermis hub embedded store (SQLite), schema 5: the job queue (thumbnails, webhook
-- deliveries). Same shape as the Postgres table; times are milliseconds since the epoch.
-- Claims run in BEGIN IMMEDIATE transactions, so two processes on one file never claim
-- one job twice.

CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,
    clinic_id     TEXT,
    payload       TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'running', 'failed', 'dead', 'done')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL CHECK (max_attempts > 0),
    run_at        INTEGER NOT NULL,
    dedup_key     TEXT,
    claimed_by    TEXT,
    heartbeat_at  INTEGER,
    last_error    TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    finished_at   INTEGER
);

CREATE INDEX jobs_due ON jobs (run_at, id) WHERE state IN ('pending', 'failed');
CREATE INDEX jobs_claimed ON jobs (heartbeat_at) WHERE state = 'running';
CREATE INDEX jobs_recent ON jobs (state, updated_at DESC);
CREATE UNIQUE INDEX jobs_dedup ON jobs (dedup_key)
    WHERE dedup_key IS NOT NULL AND state IN ('pending', 'running', 'failed');
