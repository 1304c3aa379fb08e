-- A change row records the document's heads after it, so a fetch from a node at that
-- version is answered with the rows after it, without loading the document
-- (sync/src/plan.rs, `fetched`). Rows written before this have none and are answered as
-- before, by loading.
ALTER TABLE doc_changes ADD COLUMN heads BLOB;
