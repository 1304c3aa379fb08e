-- Dermis node store, schema 1.
-- Documents are the truth; every other table is an index derived from them in the same
-- transaction, and can be rebuilt from the documents at any time.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per Automerge document: a compacted snapshot plus the incremental changes
-- written since (doc_changes), so an edit appends a few hundred bytes.
CREATE TABLE docs (
    id            TEXT PRIMARY KEY,
    doc_type      TEXT NOT NULL,
    snapshot      BLOB NOT NULL,
    heads         BLOB NOT NULL,
    change_count  INTEGER NOT NULL DEFAULT 0,
    change_bytes  INTEGER NOT NULL DEFAULT 0,
    -- Bumped on every write; lets a process know its cached copy is stale.
    rev           INTEGER NOT NULL DEFAULT 1,
    -- Order of local writes, for "what changed since".
    local_seq     INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX docs_type ON docs(doc_type);
CREATE INDEX docs_local_seq ON docs(local_seq);

CREATE TABLE doc_changes (
    doc_id  TEXT NOT NULL,
    n       INTEGER NOT NULL,
    data    BLOB NOT NULL,
    PRIMARY KEY (doc_id, n)
) WITHOUT ROWID;

-- Documents with local changes the hub has not acknowledged.
CREATE TABLE outbox (
    doc_id    TEXT PRIMARY KEY,
    version   INTEGER NOT NULL,
    bytes     INTEGER NOT NULL,
    first_at  INTEGER NOT NULL,
    last_at   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE patients (
    rowid            INTEGER PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    first_name       TEXT NOT NULL,
    last_name        TEXT NOT NULL,
    middle_name      TEXT,
    birth_date       TEXT,
    sex              TEXT NOT NULL,
    phone            TEXT,
    email            TEXT,
    mrn              TEXT NOT NULL,
    allergy_count    INTEGER NOT NULL,
    encounter_count  INTEGER NOT NULL,
    photo_count      INTEGER NOT NULL,
    last_visit       TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX patients_name ON patients(last_name, first_name);
CREATE INDEX patients_updated ON patients(updated_at);

-- Search text is folded in Rust (lower case, no diacritics) for every script, so the
-- tokenizer only has to split words.
CREATE VIRTUAL TABLE patients_fts USING fts5(
    names,
    contacts,
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '1 2 3'
);

CREATE TABLE encounters (
    id          TEXT PRIMARY KEY,
    patient_id  TEXT NOT NULL,
    date        TEXT NOT NULL,
    clinician   TEXT NOT NULL,
    complaint   TEXT NOT NULL,
    status      TEXT NOT NULL,
    diagnoses   TEXT NOT NULL,
    signed_at   INTEGER
) WITHOUT ROWID;
CREATE INDEX encounters_patient ON encounters(patient_id, date);

CREATE TABLE photos (
    id                TEXT PRIMARY KEY,
    patient_id        TEXT NOT NULL,
    encounter_id      TEXT,
    sha256            TEXT NOT NULL,
    mime              TEXT NOT NULL,
    size              INTEGER NOT NULL,
    body_part         TEXT NOT NULL,
    tags              TEXT NOT NULL,
    taken_at          INTEGER NOT NULL,
    thumbnails_ready  INTEGER NOT NULL,
    processing_error  TEXT
) WITHOUT ROWID;
CREATE INDEX photos_patient ON photos(patient_id, taken_at);

CREATE TABLE products (
    id             TEXT PRIMARY KEY,
    sku            TEXT NOT NULL,
    name           TEXT NOT NULL,
    category       TEXT,
    price_minor    INTEGER NOT NULL,
    currency       TEXT NOT NULL,
    barcode        TEXT,
    active         INTEGER NOT NULL,
    reorder_level  INTEGER NOT NULL,
    tax_class      TEXT NOT NULL
) WITHOUT ROWID;
-- Not unique: two offline nodes may create one SKU; that is shown, not hidden.
CREATE INDEX products_sku ON products(sku);
CREATE INDEX products_barcode ON products(barcode);

CREATE TABLE ledgers (
    doc_id   TEXT PRIMARY KEY,
    node_id  TEXT NOT NULL,
    day      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX ledgers_node_day ON ledgers(node_id, day);

CREATE TABLE stock_movements (
    id          TEXT PRIMARY KEY,
    ledger_id   TEXT NOT NULL,
    product_id  TEXT NOT NULL,
    sku         TEXT NOT NULL,
    kind        TEXT NOT NULL,
    qty         INTEGER NOT NULL,
    delta       INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    user        TEXT,
    at          INTEGER NOT NULL,
    node_id     TEXT NOT NULL,
    sale_id     TEXT
) WITHOUT ROWID;
CREATE INDEX stock_movements_product ON stock_movements(product_id, at);

CREATE TABLE sales (
    id              TEXT PRIMARY KEY,
    ledger_id       TEXT NOT NULL,
    receipt         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    original_id     TEXT,
    at              INTEGER NOT NULL,
    cashier         TEXT,
    node_id         TEXT NOT NULL,
    currency        TEXT NOT NULL,
    subtotal_minor  INTEGER NOT NULL,
    discount_minor  INTEGER NOT NULL,
    tax_minor       INTEGER NOT NULL,
    total_minor     INTEGER NOT NULL,
    change_minor    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sales_at ON sales(at);
CREATE INDEX sales_original ON sales(original_id);
CREATE INDEX sales_receipt ON sales(receipt);

CREATE TABLE sale_lines (
    sale_id         TEXT NOT NULL,
    idx             INTEGER NOT NULL,
    product_id      TEXT NOT NULL,
    sku             TEXT NOT NULL,
    name            TEXT NOT NULL,
    qty             INTEGER NOT NULL,
    unit_minor      INTEGER NOT NULL,
    discount_minor  INTEGER NOT NULL,
    tax_minor       INTEGER NOT NULL,
    total_minor     INTEGER NOT NULL,
    PRIMARY KEY (sale_id, idx)
) WITHOUT ROWID;

CREATE TABLE sale_payments (
    sale_id       TEXT NOT NULL,
    idx           INTEGER NOT NULL,
    method        TEXT NOT NULL,
    amount_minor  INTEGER NOT NULL,
    PRIMARY KEY (sale_id, idx)
) WITHOUT ROWID;

CREATE TABLE appointments (
    id             TEXT PRIMARY KEY,
    patient_id     TEXT,
    invitee_name   TEXT,
    invitee_email  TEXT,
    title          TEXT NOT NULL,
    start_at       INTEGER NOT NULL,
    end_at         INTEGER NOT NULL,
    source         TEXT NOT NULL,
    status         TEXT NOT NULL,
    external_id    TEXT
) WITHOUT ROWID;
CREATE INDEX appointments_start ON appointments(start_at);

-- Fields holding concurrent values, until someone picks one.
CREATE TABLE conflicts (
    doc_id       TEXT NOT NULL,
    path         TEXT NOT NULL,
    doc_type     TEXT NOT NULL,
    values_json  TEXT NOT NULL,
    PRIMARY KEY (doc_id, path)
) WITHOUT ROWID;
