-- Dermis hub store (Postgres), schema 5: the job queue (thumbnails, webhook deliveries).
-- Workers claim due jobs with FOR UPDATE SKIP LOCKED, so two hub instances never run
-- one job at once; a running job's worker writes heartbeat_at, and a claim whose
-- heartbeat went stale (the instance died) is handed back to the queue.

CREATE TABLE jobs (
    id            bigserial PRIMARY KEY,
    kind          text NOT NULL,
    clinic_id     uuid,
    payload       jsonb NOT NULL,
    -- pending: never run; running: claimed; failed: waiting for a retry at run_at;
    -- dead: out of attempts, or a failure no retry can fix; done: succeeded.
    state         text NOT NULL CHECK (state IN ('pending', 'running', 'failed', 'dead', 'done')),
    -- Attempts started, including a running one.
    attempts      integer NOT NULL DEFAULT 0,
    max_attempts  integer NOT NULL CHECK (max_attempts > 0),
    run_at        timestamptz NOT NULL,
    -- At most one job not yet done or dead per key (see jobs_dedup).
    dedup_key     text,
    claimed_by    text,
    heartbeat_at  timestamptz,
    last_error    text,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    finished_at   timestamptz
);

CREATE INDEX jobs_due ON jobs (run_at, id) WHERE state IN ('pending', 'failed');
CREATE INDEX jobs_claimed ON jobs (heartbeat_at) WHERE state = 'running';
CREATE INDEX jobs_recent ON jobs (state, updated_at DESC);
CREATE UNIQUE INDEX jobs_dedup ON jobs (dedup_key)
    WHERE dedup_key IS NOT NULL AND state IN ('pending', 'running', 'failed');
