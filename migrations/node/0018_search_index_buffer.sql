-- Schema 18: full-text search keeps a transaction's new rows in memory and writes them out
-- as a segment whenever they outgrow `hashsize` (1 MiB by default), and every segment
-- written must later be merged into the larger ones. A first sync writes a few thousand
-- patients per transaction: about 5 MiB of search rows (every tail of a phone's digits,
-- each with its 1-3 character prefixes), so at 1 MiB each transaction made five or six
-- segments and the merges were most of the search index's cost (100k patients: half of
-- it). With 4 MiB a first sync's transaction makes one or two; an everyday edit holds a
-- few hundred bytes and never comes near either figure. The setting is kept in the table's
-- own configuration, so every connection of every process uses it.
INSERT INTO patients_fts(patients_fts, rank) VALUES ('hashsize', 4194304);
