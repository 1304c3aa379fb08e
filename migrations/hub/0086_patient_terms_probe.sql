-- A search checks a candidate patient against a common term (hub/src/readmodel/search.rs):
-- one patient's terms in term order answer that with an index range. The index it
-- replaces (clinic_id, patient_id) made Postgres read each term's whole range instead,
-- before its statistics were gathered. (The embedded store's index on a WITHOUT ROWID
-- table already holds the term.)
DROP INDEX rm_patient_terms_patient;
CREATE INDEX rm_patient_terms_patient ON rm_patient_terms (clinic_id, patient_id, term);
