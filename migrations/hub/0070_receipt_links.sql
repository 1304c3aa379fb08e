-- Each workstation's receipt chain as the hub received it: one link per chained sale,
-- refund or void (written by the projector, once per entry), with whether the entry's
-- content matched its hash on arrival. /admin checks the links per workstation.
CREATE TABLE receipt_links (
    clinic_id   uuid NOT NULL REFERENCES clinics (id),
    sale_id     text NOT NULL,
    node_id     text NOT NULL,
    seq         bigint NOT NULL,
    receipt     text NOT NULL,
    prev_hash   text NOT NULL,
    hash        text NOT NULL,
    content_ok  boolean NOT NULL,
    PRIMARY KEY (clinic_id, sale_id)
);
CREATE INDEX receipt_links_node ON receipt_links (node_id, seq);
