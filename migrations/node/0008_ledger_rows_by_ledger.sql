-- Schema 8: a ledger document's stock movements and sales, found by its id, so a commit
-- to a day's ledger reads only the entries the index lacks (node/src/store/index.rs).
CREATE INDEX stock_movements_ledger ON stock_movements(ledger_id);
CREATE INDEX sales_ledger ON sales(ledger_id);
