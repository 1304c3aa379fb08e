-- Schema 20: documents are no longer indexed by type. Every document written for the
-- first time (each one a first sync brings, each new document another workstation makes)
-- put an entry in `docs_type`, one more page written, encrypted and synced per received
-- edit (about 1 of 27: measured by mapping a receiving workstation's WAL frames to their
-- tables). Only `doc_ids` read it, for an export and for enrolling a standalone node,
-- which then load every one of those documents: scanning `docs` costs them little more.
DROP INDEX IF EXISTS docs_type;
