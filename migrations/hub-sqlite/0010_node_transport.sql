-- Dermis hub store (embedded SQLite), schema 10: how each node reaches the hub, as the
-- node said on its last connection (the Dermis-Transport request header, docs/SYNC.md):
-- 'tls', 'loopback-http' or 'insecure-http'; NULL for a node too old to say.
ALTER TABLE nodes ADD COLUMN transport TEXT;
