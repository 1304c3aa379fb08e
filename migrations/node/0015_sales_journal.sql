-- Schema 15: the sales journal. A refund's or void's reason, on its sale row and on its
-- audit entry; indexes so the journal's searches read index rows, never documents: by
-- product (a line's product, then its sale) and by workstation and place in its receipt
-- chain (the entry before one, to check its link; each workstation's receipt code, to
-- find a receipt by its number alone). Rows indexed before this schema keep NULL
-- reasons: none was asked for then.
ALTER TABLE sales ADD COLUMN reason TEXT;
ALTER TABLE audit_entries ADD COLUMN reason TEXT;
ALTER TABLE audit_queue ADD COLUMN reason TEXT;
CREATE INDEX sale_lines_product ON sale_lines(product_id, sale_id);
CREATE INDEX sales_chain ON sales(node_id, chain_seq);
