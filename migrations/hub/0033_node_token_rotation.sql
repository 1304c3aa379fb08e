-- Dermis hub store (Postgres), schema 33: node tokens that rotate over an open session
-- (NODE_TOKEN_DAYS, docs/SYNC.md revision 3). The hub offers a node a new token and
-- keeps its SHA-256 in `next_token_hash` before sending it; the token the node connected
-- with (`token_hash`) keeps working until the node first uses the new one, which then
-- replaces it. `token_issued_at` dates the token in use (enrollment or the last
-- rotation); `next_token_stored_at` records the node saying it kept the new one.
ALTER TABLE nodes ADD COLUMN next_token_hash text UNIQUE;
ALTER TABLE nodes ADD COLUMN token_issued_at timestamptz;
ALTER TABLE nodes ADD COLUMN next_token_stored_at timestamptz;
UPDATE nodes SET token_issued_at = enrolled_at WHERE token_hash IS NOT NULL;
