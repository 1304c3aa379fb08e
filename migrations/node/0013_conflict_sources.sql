-- Schema 13: who wrote each of a conflict's values, on which workstation, and when
-- (a JSON array parallel to values_json, from the changes' provenance records). Rows
-- indexed before this schema keep NULL until their document is indexed again.
ALTER TABLE conflicts ADD COLUMN sources_json TEXT;
