-- Who did what at the clinics' workstations, from the audit entries of their ledger
-- documents (written by the projector, once per entry id). No clinical content.
CREATE TABLE audit_entries (
    clinic_id    TEXT NOT NULL REFERENCES clinics (id),
    id           TEXT NOT NULL,
    at           INTEGER NOT NULL,
    user_name    TEXT NOT NULL,
    user_id      TEXT,
    node_id      TEXT NOT NULL,
    action       TEXT NOT NULL,
    target_kind  TEXT NOT NULL,
    target       TEXT NOT NULL,
    patient_id   TEXT,
    PRIMARY KEY (clinic_id, id)
);
CREATE INDEX audit_entries_clinic_at ON audit_entries (clinic_id, at DESC);
CREATE INDEX audit_entries_patient ON audit_entries (patient_id, at DESC);
CREATE INDEX audit_entries_user ON audit_entries (clinic_id, user_name, at DESC);
