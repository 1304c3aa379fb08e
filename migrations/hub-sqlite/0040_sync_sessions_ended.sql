-- Dermis hub embedded store (SQLite), schema 40: the index that prunes old sync
-- sessions, as in migrations/hub/0040_sync_sessions_ended.sql. Times are milliseconds
-- since the epoch.
CREATE INDEX sync_sessions_ended ON sync_sessions (ended_at) WHERE ended_at IS NOT NULL;
