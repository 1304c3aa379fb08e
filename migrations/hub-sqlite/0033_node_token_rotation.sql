-- Dermis hub embedded store (SQLite), schema 33: node token rotation, as in
-- migrations/hub/0033_node_token_rotation.sql. Times are milliseconds since the epoch.
ALTER TABLE nodes ADD COLUMN next_token_hash TEXT;
ALTER TABLE nodes ADD COLUMN token_issued_at INTEGER;
ALTER TABLE nodes ADD COLUMN next_token_stored_at INTEGER;
CREATE UNIQUE INDEX nodes_next_token_hash ON nodes (next_token_hash);
UPDATE nodes SET token_issued_at = enrolled_at WHERE token_hash IS NOT NULL;
