-- The read models (hub/src/readmodel), as in migrations/hub/0080_read_models.sql: one
-- table per kind of record, every row scoped by clinic_id, kept by the projector in the
-- transaction that advances its cursor. `data` holds the record's JSON as the API
-- returns it; the other columns are what queries filter, order and total by. Times are
-- milliseconds since the Unix epoch. `patient_id` is the record a row was written for;
-- `owner` the record it answers as (its keeper after merges).
CREATE TABLE rm_patients (
    clinic_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    mrn           TEXT NOT NULL,
    fold_first    TEXT NOT NULL,
    fold_last     TEXT NOT NULL,
    birth_date    TEXT,
    phone_digits  TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    merged_into   TEXT,
    hash          TEXT NOT NULL,
    data          TEXT NOT NULL,
    PRIMARY KEY (clinic_id, id)
) WITHOUT ROWID;
CREATE INDEX rm_patients_updated ON rm_patients (clinic_id, updated_at, id);
CREATE INDEX rm_patients_mrn ON rm_patients (clinic_id, mrn);
CREATE INDEX rm_patients_first ON rm_patients (clinic_id, fold_first);
CREATE INDEX rm_patients_last ON rm_patients (clinic_id, fold_last);
CREATE INDEX rm_patients_birth ON rm_patients (clinic_id, birth_date);
CREATE INDEX rm_patients_created ON rm_patients (clinic_id, created_at);

-- Free-text search: each patient's folded words, matched by prefix.
CREATE TABLE rm_patient_terms (
    clinic_id   TEXT NOT NULL,
    term        TEXT NOT NULL,
    patient_id  TEXT NOT NULL,
    PRIMARY KEY (clinic_id, term, patient_id)
) WITHOUT ROWID;
CREATE INDEX rm_patient_terms_patient ON rm_patient_terms (clinic_id, patient_id);

CREATE TABLE rm_allergies (
    clinic_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    patient_id  TEXT NOT NULL,
    owner       TEXT NOT NULL,
    substance   TEXT NOT NULL,
    reaction    TEXT NOT NULL,
    severity    TEXT NOT NULL,
    PRIMARY KEY (clinic_id, id)
) WITHOUT ROWID;
CREATE INDEX rm_allergies_patient ON rm_allergies (clinic_id, patient_id);
CREATE INDEX rm_allergies_owner ON rm_allergies (clinic_id, owner);

CREATE TABLE rm_encounters (
    clinic_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    patient_id    TEXT NOT NULL,
    owner         TEXT NOT NULL,
    date          TEXT NOT NULL,
    clinician     TEXT NOT NULL,
    clinician_id  TEXT,
    status        TEXT NOT NULL,
    updated_at    INTEGER NOT NULL,
    hash          TEXT NOT NULL,
    data          TEXT NOT NULL,
    PRIMARY KEY (clinic_id, id)
) WITHOUT ROWID;
CREATE INDEX rm_encounters_updated ON rm_encounters (clinic_id, updated_at, id);
CREATE INDEX rm_encounters_owner ON rm_encounters (clinic_id, owner, updated_at, id);
CREATE INDEX rm_encounters_patient ON rm_encounters (clinic_id, patient_id);
CREATE INDEX rm_encounters_date ON rm_encounters (clinic_id, date);

CREATE TABLE rm_diagnoses (
    clinic_id     TEXT NOT NULL,
    encounter_id  TEXT NOT NULL,
    position      INTEGER NOT NULL,
    patient_id    TEXT NOT NULL,
    code          TEXT NOT NULL,
    label         TEXT NOT NULL,
    PRIMARY KEY (clinic_id, encounter_id, position)
) WITHOUT ROWID;
CREATE INDEX rm_diagnoses_patient ON rm_diagnoses (clinic_id, patient_id);
CREATE INDEX rm_diagnoses_code ON rm_diagnoses (clinic_id, code);

CREATE TABLE rm_prescriptions (
    clinic_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    encounter_id  TEXT NOT NULL,
    patient_id    TEXT NOT NULL,
    drug          TEXT NOT NULL,
    at            INTEGER NOT NULL,
    PRIMARY KEY (clinic_id, id)
) WITHOUT ROWID;
CREATE INDEX rm_prescriptions_patient ON rm_prescriptions (clinic_id, patient_id);

CREATE TABLE rm_photos (
    clinic_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    patient_id    TEXT NOT NULL,
    owner         TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    body_part     TEXT NOT NULL,
    taken_at      INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    hash          TEXT NOT NULL,
    data          TEXT NOT NULL,
    PRIMARY KEY (clinic_id, id)
) WITHOUT ROWID;
CREATE INDEX rm_photos_updated ON rm_photos (clinic_id, updated_at, id);
CREATE INDEX rm_photos_owner ON rm_photos (clinic_id, owner, updated_at, id);
CREATE INDEX rm_photos_patient ON rm_photos (clinic_id, patient_id);

CREATE TABLE rm_products (
    clinic_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    sku         TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    hash        TEXT NOT NULL,
    data        TEXT NOT NULL,
    PRIMARY KEY (clinic_id, id)
) WITHOUT ROWID;
CREATE INDEX rm_products_updated ON rm_products (clinic_id, updated_at, id);
CREATE INDEX rm_products_sku ON rm_products (clinic_id, sku);

CREATE TABLE rm_appointments (
    clinic_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    patient_id    TEXT,
    owner         TEXT,
    start_at      INTEGER NOT NULL,
    end_at        INTEGER NOT NULL,
    status        TEXT NOT NULL,
    clinician_id  TEXT,
    updated_at    INTEGER NOT NULL,
    hash          TEXT NOT NULL,
    data          TEXT NOT NULL,
    PRIMARY KEY (clinic_id, id)
) WITHOUT ROWID;
CREATE INDEX rm_appointments_start ON rm_appointments (clinic_id, start_at, id);
CREATE INDEX rm_appointments_owner ON rm_appointments (clinic_id, owner, start_at, id);
CREATE INDEX rm_appointments_patient ON rm_appointments (clinic_id, patient_id);

-- Ledger entries never change: kept once per id, with their lines and payments.
CREATE TABLE rm_sales (
    clinic_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    kind          TEXT NOT NULL,
    at            INTEGER NOT NULL,
    patient_id    TEXT,
    owner         TEXT,
    currency      TEXT NOT NULL,
    total_minor   INTEGER NOT NULL,
    tax_minor     INTEGER NOT NULL,
    data          TEXT NOT NULL,
    PRIMARY KEY (clinic_id, id)
) WITHOUT ROWID;
CREATE INDEX rm_sales_at ON rm_sales (clinic_id, at, id);
CREATE INDEX rm_sales_owner ON rm_sales (clinic_id, owner, at, id);
CREATE INDEX rm_sales_patient ON rm_sales (clinic_id, patient_id);

CREATE TABLE rm_sale_lines (
    clinic_id     TEXT NOT NULL,
    sale_id       TEXT NOT NULL,
    position      INTEGER NOT NULL,
    product_id    TEXT NOT NULL,
    sku           TEXT NOT NULL,
    qty           INTEGER NOT NULL,
    tax_bps       INTEGER NOT NULL,
    tax_minor     INTEGER NOT NULL,
    total_minor   INTEGER NOT NULL,
    PRIMARY KEY (clinic_id, sale_id, position)
) WITHOUT ROWID;

CREATE TABLE rm_sale_payments (
    clinic_id     TEXT NOT NULL,
    sale_id       TEXT NOT NULL,
    position      INTEGER NOT NULL,
    method        TEXT NOT NULL,
    amount_minor  INTEGER NOT NULL,
    PRIMARY KEY (clinic_id, sale_id, position)
) WITHOUT ROWID;

-- Merges as the clinic document records them, resolved: every merged-away id and the
-- record it answers as.
CREATE TABLE rm_merges (
    clinic_id  TEXT NOT NULL,
    other      TEXT NOT NULL,
    keep       TEXT NOT NULL,
    PRIMARY KEY (clinic_id, other)
) WITHOUT ROWID;
