-- Each document's index derivation (dermis_model::derivation, encoded), written by the
-- projector with the heads it was derived at, sent with bootstrap frames (docs/SYNC.md,
-- revision 6) only while the document is still at exactly those heads. patient_id lets
-- an erasure remove a patient's (and their appointments') derivations with their rows.
CREATE TABLE rm_derivations (
    clinic_id   TEXT NOT NULL,
    doc_id      TEXT NOT NULL,
    patient_id  TEXT,
    heads       BLOB NOT NULL,
    data        BLOB NOT NULL,
    PRIMARY KEY (clinic_id, doc_id)
);
CREATE INDEX rm_derivations_patient ON rm_derivations (clinic_id, patient_id);
