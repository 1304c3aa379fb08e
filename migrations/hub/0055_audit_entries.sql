-- Who did what at the clinics' workstations, from the audit entries of their ledger
-- documents (written by the projector, once per entry id). No clinical content.
CREATE TABLE audit_entries (
    clinic_id    uuid NOT NULL REFERENCES clinics (id),
    id           text NOT NULL,
    at           timestamptz NOT NULL,
    user_name    text NOT NULL,
    user_id      text,
    node_id      text NOT NULL,
    action       text NOT NULL,
    target_kind  text NOT NULL,
    target       text NOT NULL,
    patient_id   text,
    PRIMARY KEY (clinic_id, id)
);
CREATE INDEX audit_entries_clinic_at ON audit_entries (clinic_id, at DESC);
CREATE INDEX audit_entries_patient ON audit_entries (patient_id, at DESC);
CREATE INDEX audit_entries_user ON audit_entries (clinic_id, user_name, at DESC);
