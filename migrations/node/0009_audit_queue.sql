-- Schema 9: audit entries recorded on their own (a chart opened in the window) wait here,
-- durable, until they are moved into the day's ledger document in a batch
-- (node/src/ops/audit.rs, `flush_queue`): one small row per view instead of a ledger
-- change, its index rows and their pages. No indexes: the queue holds seconds of work.
CREATE TABLE audit_queue (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    at INTEGER NOT NULL,
    user TEXT NOT NULL,
    user_id TEXT,
    node_id TEXT NOT NULL,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target TEXT NOT NULL,
    patient_id TEXT
);
