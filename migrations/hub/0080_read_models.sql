-- The read models (hub/src/readmodel): one table per kind of record, every row scoped
-- by clinic_id, kept by the projector in the transaction that advances its cursor (the
-- embedded store's copy is migrations/hub-sqlite/0080_read_models.sql). `data` holds
-- the record's JSON as the API returns it; the other columns are what queries filter,
-- order and total by. Times are milliseconds since the Unix epoch (bigint, as the
-- records carry them, so a cursor compares exactly). `patient_id` is the record a row
-- was written for; `owner` the record it answers as (its keeper after merges). Search
-- columns use the "C" collation so a prefix is a byte range an index answers.
CREATE TABLE rm_patients (
    clinic_id     uuid NOT NULL,
    id            uuid NOT NULL,
    mrn           text NOT NULL,
    fold_first    text COLLATE "C" NOT NULL,
    fold_last     text COLLATE "C" NOT NULL,
    birth_date    text,
    phone_digits  text NOT NULL,
    created_at    bigint NOT NULL,
    updated_at    bigint NOT NULL,
    merged_into   uuid,
    hash          text NOT NULL,
    data          text NOT NULL,
    PRIMARY KEY (clinic_id, id)
);
CREATE INDEX rm_patients_updated ON rm_patients (clinic_id, updated_at, id);
CREATE INDEX rm_patients_mrn ON rm_patients (clinic_id, mrn);
CREATE INDEX rm_patients_first ON rm_patients (clinic_id, fold_first);
CREATE INDEX rm_patients_last ON rm_patients (clinic_id, fold_last);
CREATE INDEX rm_patients_birth ON rm_patients (clinic_id, birth_date);
CREATE INDEX rm_patients_created ON rm_patients (clinic_id, created_at);

-- Free-text search: each patient's folded words, matched by prefix.
CREATE TABLE rm_patient_terms (
    clinic_id   uuid NOT NULL,
    term        text COLLATE "C" NOT NULL,
    patient_id  uuid NOT NULL,
    PRIMARY KEY (clinic_id, term, patient_id)
);
CREATE INDEX rm_patient_terms_patient ON rm_patient_terms (clinic_id, patient_id);

CREATE TABLE rm_allergies (
    clinic_id   uuid NOT NULL,
    id          uuid NOT NULL,
    patient_id  uuid NOT NULL,
    owner       uuid NOT NULL,
    substance   text NOT NULL,
    reaction    text NOT NULL,
    severity    text NOT NULL,
    PRIMARY KEY (clinic_id, id)
);
CREATE INDEX rm_allergies_patient ON rm_allergies (clinic_id, patient_id);
CREATE INDEX rm_allergies_owner ON rm_allergies (clinic_id, owner);

CREATE TABLE rm_encounters (
    clinic_id     uuid NOT NULL,
    id            uuid NOT NULL,
    patient_id    uuid NOT NULL,
    owner         uuid NOT NULL,
    date          text NOT NULL,
    clinician     text NOT NULL,
    clinician_id  uuid,
    status        text NOT NULL,
    updated_at    bigint NOT NULL,
    hash          text NOT NULL,
    data          text NOT NULL,
    PRIMARY KEY (clinic_id, id)
);
CREATE INDEX rm_encounters_updated ON rm_encounters (clinic_id, updated_at, id);
CREATE INDEX rm_encounters_owner ON rm_encounters (clinic_id, owner, updated_at, id);
CREATE INDEX rm_encounters_patient ON rm_encounters (clinic_id, patient_id);
CREATE INDEX rm_encounters_date ON rm_encounters (clinic_id, date);

CREATE TABLE rm_diagnoses (
    clinic_id     uuid NOT NULL,
    encounter_id  uuid NOT NULL,
    position      bigint NOT NULL,
    patient_id    uuid NOT NULL,
    code          text NOT NULL,
    label         text NOT NULL,
    PRIMARY KEY (clinic_id, encounter_id, position)
);
CREATE INDEX rm_diagnoses_patient ON rm_diagnoses (clinic_id, patient_id);
CREATE INDEX rm_diagnoses_code ON rm_diagnoses (clinic_id, code);

CREATE TABLE rm_prescriptions (
    clinic_id     uuid NOT NULL,
    id            uuid NOT NULL,
    encounter_id  uuid NOT NULL,
    patient_id    uuid NOT NULL,
    drug          text NOT NULL,
    at            bigint NOT NULL,
    PRIMARY KEY (clinic_id, id)
);
CREATE INDEX rm_prescriptions_patient ON rm_prescriptions (clinic_id, patient_id);

CREATE TABLE rm_photos (
    clinic_id     uuid NOT NULL,
    id            uuid NOT NULL,
    patient_id    uuid NOT NULL,
    owner         uuid NOT NULL,
    sha256        text NOT NULL,
    body_part     text NOT NULL,
    taken_at      bigint NOT NULL,
    updated_at    bigint NOT NULL,
    hash          text NOT NULL,
    data          text NOT NULL,
    PRIMARY KEY (clinic_id, id)
);
CREATE INDEX rm_photos_updated ON rm_photos (clinic_id, updated_at, id);
CREATE INDEX rm_photos_owner ON rm_photos (clinic_id, owner, updated_at, id);
CREATE INDEX rm_photos_patient ON rm_photos (clinic_id, patient_id);

CREATE TABLE rm_products (
    clinic_id   uuid NOT NULL,
    id          uuid NOT NULL,
    sku         text NOT NULL,
    updated_at  bigint NOT NULL,
    hash        text NOT NULL,
    data        text NOT NULL,
    PRIMARY KEY (clinic_id, id)
);
CREATE INDEX rm_products_updated ON rm_products (clinic_id, updated_at, id);
CREATE INDEX rm_products_sku ON rm_products (clinic_id, sku);

CREATE TABLE rm_appointments (
    clinic_id     uuid NOT NULL,
    id            uuid NOT NULL,
    patient_id    uuid,
    owner         uuid,
    start_at      bigint NOT NULL,
    end_at        bigint NOT NULL,
    status        text NOT NULL,
    clinician_id  uuid,
    updated_at    bigint NOT NULL,
    hash          text NOT NULL,
    data          text NOT NULL,
    PRIMARY KEY (clinic_id, id)
);
CREATE INDEX rm_appointments_start ON rm_appointments (clinic_id, start_at, id);
CREATE INDEX rm_appointments_owner ON rm_appointments (clinic_id, owner, start_at, id);
CREATE INDEX rm_appointments_patient ON rm_appointments (clinic_id, patient_id);

-- Ledger entries never change: kept once per id, with their lines and payments.
CREATE TABLE rm_sales (
    clinic_id     uuid NOT NULL,
    id            uuid NOT NULL,
    kind          text NOT NULL,
    at            bigint NOT NULL,
    patient_id    uuid,
    owner         uuid,
    currency      text NOT NULL,
    total_minor   bigint NOT NULL,
    tax_minor     bigint NOT NULL,
    data          text NOT NULL,
    PRIMARY KEY (clinic_id, id)
);
CREATE INDEX rm_sales_at ON rm_sales (clinic_id, at, id);
CREATE INDEX rm_sales_owner ON rm_sales (clinic_id, owner, at, id);
CREATE INDEX rm_sales_patient ON rm_sales (clinic_id, patient_id);

CREATE TABLE rm_sale_lines (
    clinic_id     uuid NOT NULL,
    sale_id       uuid NOT NULL,
    position      bigint NOT NULL,
    product_id    uuid NOT NULL,
    sku           text NOT NULL,
    qty           bigint NOT NULL,
    tax_bps       bigint NOT NULL,
    tax_minor     bigint NOT NULL,
    total_minor   bigint NOT NULL,
    PRIMARY KEY (clinic_id, sale_id, position)
);

CREATE TABLE rm_sale_payments (
    clinic_id     uuid NOT NULL,
    sale_id       uuid NOT NULL,
    position      bigint NOT NULL,
    method        text NOT NULL,
    amount_minor  bigint NOT NULL,
    PRIMARY KEY (clinic_id, sale_id, position)
);

-- Merges as the clinic document records them, resolved: every merged-away id and the
-- record it answers as.
CREATE TABLE rm_merges (
    clinic_id  uuid NOT NULL,
    other      uuid NOT NULL,
    keep       uuid NOT NULL,
    PRIMARY KEY (clinic_id, other)
);
