-- What was typed in a visit and not yet saved, per user: given back when that user opens
-- the visit again, so navigating away, a crash or a power cut loses nothing. Local to
-- this workstation (never synced) and inside the encrypted store like the records.
CREATE TABLE visit_drafts (
    -- The visit's id, or 'new:' || patient_id for a visit not yet saved.
    key         TEXT NOT NULL,
    -- The user's id; '' for the operator of a node without staff.
    user_key    TEXT NOT NULL,
    patient_id  TEXT NOT NULL,
    -- The form as JSON (dermis_model::encounter::EncounterForm).
    form        TEXT NOT NULL,
    kept_at     INTEGER NOT NULL,
    PRIMARY KEY (key, user_key)
) WITHOUT ROWID;
CREATE INDEX visit_drafts_patient ON visit_drafts(patient_id);
