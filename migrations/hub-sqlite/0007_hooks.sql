-- Dermis hub embedded store (SQLite), schema 7: webhooks, the event projector, stock and
-- conflict projections, Calendly bookings; as in migrations/hub/0007_hooks.sql. Times
-- are milliseconds since the Unix epoch.

CREATE TABLE webhooks (
    id          TEXT PRIMARY KEY,
    url         TEXT NOT NULL,
    events      TEXT NOT NULL,
    clinic_id   TEXT REFERENCES clinics (id),
    secret      TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE webhook_starts (
    webhook_id  TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    clinic_id   TEXT NOT NULL REFERENCES clinics (id),
    seq         INTEGER NOT NULL,
    PRIMARY KEY (webhook_id, clinic_id)
);

CREATE TABLE projector_cursors (
    clinic_id   TEXT PRIMARY KEY REFERENCES clinics (id),
    seq         INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE webhook_events (
    key         TEXT PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    clinic_id   TEXT NOT NULL REFERENCES clinics (id),
    event_type  TEXT NOT NULL,
    data        TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    event_key       TEXT NOT NULL REFERENCES webhook_events (key),
    webhook_id      TEXT NOT NULL,
    url             TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'failed', 'delivered', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_status     INTEGER,
    last_error      TEXT,
    next_attempt_at INTEGER,
    enqueued        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (event_key, webhook_id)
);
CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (created_at DESC);
CREATE INDEX webhook_deliveries_unenqueued ON webhook_deliveries (id) WHERE enqueued = 0;

CREATE TABLE webhook_attempts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id  INTEGER NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at           INTEGER NOT NULL,
    status_code  INTEGER,
    error        TEXT,
    duration_ms  INTEGER NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

CREATE TABLE stock_levels (
    clinic_id   TEXT NOT NULL REFERENCES clinics (id),
    sku         TEXT NOT NULL,
    on_hand     INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (clinic_id, sku)
);

CREATE TABLE stock_entries (
    clinic_id  TEXT NOT NULL REFERENCES clinics (id),
    entry_id   TEXT NOT NULL,
    PRIMARY KEY (clinic_id, entry_id)
);

CREATE TABLE open_conflicts (
    doc_id      TEXT PRIMARY KEY,
    clinic_id   TEXT NOT NULL REFERENCES clinics (id),
    doc_type    TEXT NOT NULL,
    fields      TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE calendly_events (
    key         TEXT PRIMARY KEY,
    clinic_id   TEXT NOT NULL REFERENCES clinics (id),
    handled_at  INTEGER NOT NULL,
    done        INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE calendly_invitees (
    clinic_id    TEXT NOT NULL REFERENCES clinics (id),
    invitee_uri  TEXT NOT NULL,
    doc_id       TEXT NOT NULL,
    PRIMARY KEY (clinic_id, invitee_uri)
);
