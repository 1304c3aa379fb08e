-- Schema 10: patient merges. The clinic document records each merge (OTHER into KEEP,
-- when, by whom: model/src/merge.rs); this index holds where each merged-away id ends
-- once chains and concurrent opposite merges are resolved, rewritten whole whenever the
-- clinic document changes. Search, lists and duplicates leave merged ids out; readers
-- of a merged id show its survivor.
CREATE TABLE patient_merges (
    id         TEXT PRIMARY KEY,
    into_id    TEXT NOT NULL,
    merged_at  INTEGER NOT NULL,
    merged_by  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX patient_merges_into ON patient_merges(into_id);
