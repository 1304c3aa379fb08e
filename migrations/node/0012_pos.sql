-- Schema 12: the point of sale's till. A sale's patient, shift and place in its node's
-- receipt chain; cash-drawer shift events (open, pay-in, pay-out, close), which are
-- ledger entries like sales. Sales indexed before this schema keep NULLs: they were
-- written without these fields.
ALTER TABLE sales ADD COLUMN patient_id TEXT;
ALTER TABLE sales ADD COLUMN shift_id TEXT;
ALTER TABLE sales ADD COLUMN chain_seq INTEGER;
ALTER TABLE sale_lines ADD COLUMN tax_bps INTEGER;
CREATE INDEX sales_shift ON sales(shift_id);
CREATE INDEX sales_patient ON sales(patient_id);

CREATE TABLE shift_events (
    id          TEXT PRIMARY KEY,
    ledger_id   TEXT NOT NULL,
    shift_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    at          INTEGER NOT NULL,
    user        TEXT,
    node_id     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX shift_events_shift ON shift_events(shift_id);
CREATE INDEX shift_events_node ON shift_events(node_id, kind, at);
