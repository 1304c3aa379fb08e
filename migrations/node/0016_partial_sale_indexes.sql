-- Schema 16: the sales indexes on columns most sales leave empty hold only the sales
-- that have a value. Most sales are not refunds or voids (original_id), many are to
-- walk-in buyers (patient_id), and sales made before the till had shifts have none
-- (shift_id). Every query on these columns compares them with a value (`=`, `IN`), which
-- implies `IS NOT NULL`, so SQLite still searches these indexes; a sale without a value
-- no longer costs an index entry when a first sync writes it.
DROP INDEX sales_original;
CREATE INDEX sales_original ON sales(original_id) WHERE original_id IS NOT NULL;
DROP INDEX sales_patient;
CREATE INDEX sales_patient ON sales(patient_id) WHERE patient_id IS NOT NULL;
DROP INDEX sales_shift;
CREATE INDEX sales_shift ON sales(shift_id) WHERE shift_id IS NOT NULL;
