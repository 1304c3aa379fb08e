-- Schema 5: patient erasure. One tombstone per erased patient: who erased it, when and
-- why, and no patient data. A tombstoned id is never stored again: documents of it that
-- arrive from the hub are dropped, and a local copy with unsent edits is dropped too.
-- origin: local (erased on this node; the hub must still be told) | hub (learnt from it).
-- dropped_edits counts local edits of this patient thrown away because it was erased
-- elsewhere (its push refused by the erasure), so status can say so.
CREATE TABLE erasures (
    patient_id     TEXT PRIMARY KEY,
    erased_at      INTEGER NOT NULL,
    erased_by      TEXT NOT NULL,
    reason         TEXT NOT NULL,
    origin         TEXT NOT NULL CHECK (origin IN ('local', 'hub')),
    hub_acked      INTEGER NOT NULL DEFAULT 0,
    dropped_edits  INTEGER NOT NULL DEFAULT 0,
    -- Documents removed: the patient's and their appointments'.
    documents      INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Photo files of erased patients still to remove from the data dir (originals,
-- thumbnails, cached views): written in the erasure's transaction, emptied once the
-- files are gone, so a crash between the two leaves nothing behind for good.
CREATE TABLE erased_files (
    sha256  TEXT PRIMARY KEY
) WITHOUT ROWID;
