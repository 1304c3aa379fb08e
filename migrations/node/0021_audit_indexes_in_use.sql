-- Schema 21: the audit entries keep only the indexes a query uses. Every edit anywhere in
-- the clinic adds an audit entry to its workstation's day ledger, and every workstation
-- indexes it: each index is one more page written, encrypted and synced per received edit.
-- `audit_entries_ledger` served a way of indexing a ledger's new entries that reading the
-- ledger's new changes replaced (node/src/store/index.rs, `Known::Since`); no statement
-- reads it. `audit_entries_user` was never usable: the audit list matches users without
-- regard to case (`lower(user) = lower(?)`), which an index of `user` cannot answer, so
-- that filter walks `audit_entries_at` newest first as it did before.
DROP INDEX IF EXISTS audit_entries_ledger;
DROP INDEX IF EXISTS audit_entries_user;
