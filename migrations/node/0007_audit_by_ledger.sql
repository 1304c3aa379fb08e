-- Schema 7: the audit entries of one ledger document, found by its id, so a commit
-- that adds an entry reads only the entries the index lacks (node/src/store/index.rs).
CREATE INDEX audit_entries_ledger ON audit_entries(ledger_id);
