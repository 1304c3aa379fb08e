-- Who did what: index rows of the audit entries held in ledger documents (map `audit`).
-- No clinical content: ids, user names, actions and times only.
CREATE TABLE audit_entries (
    id TEXT PRIMARY KEY,
    ledger_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    user TEXT NOT NULL,
    user_id TEXT,
    node_id TEXT NOT NULL,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target TEXT NOT NULL,
    patient_id TEXT
);
CREATE INDEX audit_entries_at ON audit_entries(at);
CREATE INDEX audit_entries_patient ON audit_entries(patient_id, at);
CREATE INDEX audit_entries_user ON audit_entries(user, at);
