-- Patient erasure on the hub. An erasure is recorded in the clinic document
-- (`erasures/<patient id>`); the transaction that stores that document records it here
-- and removes the patient document with its change history. `erased_docs` lists every
-- document an erasure removed (the patient's, then their appointments'): a push of one of
-- them is refused for good, so an erased id is never stored again. The rest (appointments,
-- webhook events, photo rows and blobs) is removed by the `erasure` job, which sets
-- `done_at`. No patient data here: ids and times only.
CREATE TABLE erasures (
    clinic_id    uuid NOT NULL REFERENCES clinics (id),
    patient_id   uuid NOT NULL,
    erased_at    timestamptz NOT NULL,
    recorded_at  timestamptz NOT NULL,
    done_at      timestamptz,
    documents    integer NOT NULL DEFAULT 0,
    blobs        integer NOT NULL DEFAULT 0,
    PRIMARY KEY (clinic_id, patient_id)
);

CREATE TABLE erased_docs (
    clinic_id   uuid NOT NULL REFERENCES clinics (id),
    doc_id      uuid NOT NULL,
    patient_id  uuid NOT NULL,
    PRIMARY KEY (clinic_id, doc_id)
);
