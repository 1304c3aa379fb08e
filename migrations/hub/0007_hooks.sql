-- Dermis hub store (Postgres), schema 7: outgoing webhooks and their deliveries, the
-- event projector (a cursor per clinic over the change log, the events it derived, stock
-- on hand per SKU, open conflicts), and the Calendly bookings already handled.

CREATE TABLE webhooks (
    id          uuid PRIMARY KEY,
    url         text NOT NULL,
    -- Subscribed event types, comma-separated (patient.created,sale.completed).
    events      text NOT NULL,
    -- NULL: every clinic.
    clinic_id   uuid REFERENCES clinics (id),
    -- The signing secret as shown once by `webhook add` (whsec_ + base64).
    secret      text NOT NULL,
    created_at  timestamptz NOT NULL
);

-- The change-log position of each clinic when the webhook was added: events revealed
-- by changes at or before it are not delivered to it. A clinic created later has no
-- row and counts from 0.
CREATE TABLE webhook_starts (
    webhook_id  uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    clinic_id   uuid NOT NULL REFERENCES clinics (id),
    seq         bigint NOT NULL,
    PRIMARY KEY (webhook_id, clinic_id)
);

-- How far the projector has read each clinic's change log; advanced in the transaction
-- that stores what it derived.
CREATE TABLE projector_cursors (
    clinic_id   uuid PRIMARY KEY REFERENCES clinics (id),
    seq         bigint NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL
);

-- Every event derived, once: `key` names what happened (patient.created:<patient id>),
-- so a change seen twice derives nothing new. `id` is the webhook-id every delivery and
-- retry of the event carries.
CREATE TABLE webhook_events (
    key         text PRIMARY KEY,
    id          text NOT NULL UNIQUE,
    clinic_id   uuid NOT NULL REFERENCES clinics (id),
    event_type  text NOT NULL,
    -- The JSON `data` of the payload: ids and non-clinical fields only.
    data        text NOT NULL,
    -- The change-log position of the document change that revealed the event.
    seq         bigint NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              bigserial PRIMARY KEY,
    event_key       text NOT NULL REFERENCES webhook_events (key),
    -- No foreign key: deliveries outlive a removed webhook, as history.
    webhook_id      uuid NOT NULL,
    url             text NOT NULL,
    state           text NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'failed', 'delivered', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    last_status     integer,
    last_error      text,
    next_attempt_at timestamptz,
    -- Whether its `webhook` job was enqueued (a crash in between is caught up).
    enqueued        boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    UNIQUE (event_key, webhook_id)
);
CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (created_at DESC);
CREATE INDEX webhook_deliveries_unenqueued ON webhook_deliveries (id) WHERE NOT enqueued;

CREATE TABLE webhook_attempts (
    id           bigserial PRIMARY KEY,
    delivery_id  bigint NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at           timestamptz NOT NULL,
    status_code  integer,
    error        text,
    duration_ms  bigint NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- Stock on hand per clinic and SKU, summed from ledger movements; each movement counts
-- once (stock_entries).
CREATE TABLE stock_levels (
    clinic_id   uuid NOT NULL REFERENCES clinics (id),
    sku         text NOT NULL,
    on_hand     bigint NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (clinic_id, sku)
);
CREATE INDEX stock_levels_negative ON stock_levels (clinic_id, sku) WHERE on_hand < 0;

CREATE TABLE stock_entries (
    clinic_id  uuid NOT NULL REFERENCES clinics (id),
    entry_id   text NOT NULL,
    PRIMARY KEY (clinic_id, entry_id)
);

-- Documents holding concurrent values of a field: the field paths only, no values.
CREATE TABLE open_conflicts (
    doc_id      uuid PRIMARY KEY,
    clinic_id   uuid NOT NULL REFERENCES clinics (id),
    doc_type    text NOT NULL,
    -- JSON array of dotted field paths.
    fields      text NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- Calendly deliveries handled (idempotency), and the appointment each invitee became.
-- A claim not `done` after a while (the hub died while handling it) may be taken again.
CREATE TABLE calendly_events (
    key         text PRIMARY KEY,
    clinic_id   uuid NOT NULL REFERENCES clinics (id),
    handled_at  timestamptz NOT NULL,
    done        boolean NOT NULL DEFAULT false
);

CREATE TABLE calendly_invitees (
    clinic_id    uuid NOT NULL REFERENCES clinics (id),
    invitee_uri  text NOT NULL,
    doc_id       uuid NOT NULL,
    PRIMARY KEY (clinic_id, invitee_uri)
);
