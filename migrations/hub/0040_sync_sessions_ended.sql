-- Dermis hub store (Postgres), schema 40: `sync_sessions` rows are pruned by age
-- (HUB_SESSION_HISTORY_DAYS, the housekeeping task): ended sessions older than the
-- cutoff go, a few thousand rows per statement. This index finds them without reading
-- the whole table; open sessions (no `ended_at`) are never pruned and not indexed.
CREATE INDEX sync_sessions_ended ON sync_sessions (ended_at) WHERE ended_at IS NOT NULL;
