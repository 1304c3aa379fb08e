-- Patient erasure on the hub, as in migrations/hub/0060_erasures.sql. Times are
-- milliseconds since the Unix epoch. The store runs with `secure_delete`, so erased rows
-- are overwritten in the file, and the WAL is truncated once an erasure is done.
CREATE TABLE erasures (
    clinic_id    TEXT NOT NULL REFERENCES clinics (id),
    patient_id   TEXT NOT NULL,
    erased_at    INTEGER NOT NULL,
    recorded_at  INTEGER NOT NULL,
    done_at      INTEGER,
    documents    INTEGER NOT NULL DEFAULT 0,
    blobs        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (clinic_id, patient_id)
) WITHOUT ROWID;

CREATE TABLE erased_docs (
    clinic_id   TEXT NOT NULL REFERENCES clinics (id),
    doc_id      TEXT NOT NULL,
    patient_id  TEXT NOT NULL,
    PRIMARY KEY (clinic_id, doc_id)
) WITHOUT ROWID;
