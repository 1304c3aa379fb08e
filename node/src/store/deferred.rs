//! The till's and the audit trail's secondary indexes, set aside while a first sync
//! stores a clinic's history and built again once it is stored (docs/SYNC.md, "How the
//! node stores them").
//!
//! A first sync writes every sale, sale line, stock movement, shift event and audit entry
//! a clinic ever made, each into its table and into the indexes over it. An index keyed
//! by product, patient, time or receipt takes those entries in no useful order, one
//! B-tree insert each; built once over the stored rows, SQLite sorts them instead
//! (10k-patient demo, `make bench`: write phase 0.97 -> 0.66 s, building 0.19 s, catch-up
//! ~0.15 s shorter). Indexes keyed by ledger or by a node's sale chain stay: a ledger's
//! entries arrive together, so those inserts append. Only indexes the first sync does
//! not need are set aside: none is unique (no constraint is lifted), no statement that
//! stores a document reads them, and the screens a first sync must keep quick (patients,
//! search, visits, appointments, products) keep theirs. Meanwhile the till's journal,
//! stock by product and the audit list read their tables without these indexes: slower,
//! never wrong.
//!
//! Each index set aside is kept in `meta` as `deferred_index.<name>` with the statement
//! that created it, in the transaction that drops it, so a crash leaves either the index
//! or its statement. Whatever opens the store builds any index still set aside
//! ([`restore`] runs in [`super::Store::open`]), as does the sync session when its first
//! sync ends or the connection does.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use super::{Store, StoreError};

/// The indexes a first sync sets aside.
pub const DEFERRABLE: &[&str] = &[
    "audit_entries_at",
    "audit_entries_patient",
    "sale_lines_product",
    "sales_at",
    "sales_original",
    "sales_patient",
    "sales_receipt",
    "sales_shift",
    "shift_events_node",
    "shift_events_shift",
    "stock_movements_product",
];

const KEY_PREFIX: &str = "deferred_index.";

/// Rows the indexed tables may already hold for their indexes to be set aside: building
/// an index costs every row the table holds, so a store with its own history (a node
/// that worked alone before it joined, or one whose first sync only sends) keeps them.
const FEW_ROWS: i64 = 1_000;

/// The rows the tables of [`DEFERRABLE`] hold, counted up to [`FEW_ROWS`] + 1 each.
const HELD: &str = "SELECT (SELECT count(*) FROM (SELECT 1 FROM audit_entries LIMIT ?1))
     + (SELECT count(*) FROM (SELECT 1 FROM sale_lines LIMIT ?1))
     + (SELECT count(*) FROM (SELECT 1 FROM sales LIMIT ?1))
     + (SELECT count(*) FROM (SELECT 1 FROM shift_events LIMIT ?1))
     + (SELECT count(*) FROM (SELECT 1 FROM stock_movements LIMIT ?1))";

impl Store {
    /// Drops the [`DEFERRABLE`] indexes that exist, keeping the statement of each in the
    /// same transaction; returns how many were set aside now (0 when they already are, or
    /// when their tables hold more than a few rows already).
    pub fn defer_indexes(&mut self) -> Result<usize, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let held: i64 = tx.query_row(HELD, [FEW_ROWS + 1], |r| r.get(0))?;
        if held > FEW_ROWS {
            return Ok(0);
        }
        let mut set_aside = 0;
        for name in DEFERRABLE {
            let sql: Option<String> = tx
                .query_row(
                    "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?1",
                    [name],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(sql) = sql else { continue };
            tx.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)",
                [format!("{KEY_PREFIX}{name}"), sql],
            )?;
            tx.execute_batch(&format!("DROP INDEX {name}"))?;
            set_aside += 1;
        }
        tx.commit()?;
        Ok(set_aside)
    }

    /// Builds every index set aside again, in one transaction; returns how many. Only a
    /// statement that creates the index it is kept under runs.
    pub fn restore_indexes(&self) -> Result<usize, StoreError> {
        restore(&self.conn)
    }

    /// The indexes set aside now, by name.
    pub fn deferred_indexes(&self) -> Result<Vec<String>, StoreError> {
        Ok(kept(&self.conn)?
            .into_iter()
            .map(|(name, _)| name)
            .collect())
    }
}

/// Every index of the store with the statement SQLite keeps for it, by name (the
/// indexes SQLite makes for a table's keys have none and are left out).
pub fn index_statements(conn: &Connection) -> Result<Vec<(String, String)>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
    )?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<Vec<(String, String)>, _>>()?;
    Ok(rows)
}

fn kept(conn: &Connection) -> Result<Vec<(String, String)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT substr(key, length(?1) + 1), value FROM meta WHERE substr(key, 1, length(?1)) = ?1 ORDER BY key",
    )?;
    let rows = stmt
        .query_map([KEY_PREFIX], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<Vec<(String, String)>, _>>()?;
    Ok(rows)
}

/// Builds every index set aside again, in one transaction, and forgets its statement;
/// returns how many were built. Only a statement that creates the [`DEFERRABLE`] index
/// it is kept under runs; anything else kept under such a key is dropped with a warning
/// (the store is then as without the index: slower, not wrong).
pub(super) fn restore(conn: &Connection) -> Result<usize, StoreError> {
    let kept = kept(conn)?;
    if kept.is_empty() {
        return Ok(0);
    }
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let mut built = 0;
    for (name, sql) in kept {
        let exists = tx
            .query_row(
                "SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?1",
                [&name],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if !exists {
            if creates(&name, &sql) {
                tx.execute_batch(&sql)?;
                built += 1;
            } else {
                tracing::warn!(index = %name, "a deferred index's statement is not the one set aside; not run");
            }
        }
        tx.execute(
            "DELETE FROM meta WHERE key = ?1",
            [format!("{KEY_PREFIX}{name}")],
        )?;
    }
    tx.commit()?;
    Ok(built)
}

/// Whether `sql` is one statement creating index `name`, one of [`DEFERRABLE`].
fn creates(name: &str, sql: &str) -> bool {
    DEFERRABLE.contains(&name)
        && sql
            .strip_prefix("CREATE INDEX ")
            .and_then(|rest| rest.strip_prefix(name))
            .is_some_and(|rest| rest.starts_with(" ON ") && !rest.contains(';'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(conn: &Connection) -> Vec<(String, String)> {
        index_statements(conn).unwrap()
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("node.db")).unwrap();
        (dir, store)
    }

    #[test]
    fn indexes_set_aside_come_back_exactly_as_they_were() {
        let (_dir, mut store) = store();
        let before = schema(store.conn());
        assert!(
            DEFERRABLE
                .iter()
                .all(|name| before.iter().any(|(n, _)| n == name)),
            "every deferrable index exists in a new store"
        );
        assert_eq!(store.defer_indexes().unwrap(), DEFERRABLE.len());
        let aside = schema(store.conn());
        assert!(aside.iter().all(|(n, _)| !DEFERRABLE.contains(&n.as_str())));
        assert_eq!(store.deferred_indexes().unwrap().len(), DEFERRABLE.len());
        // Set aside twice: nothing more to drop, nothing lost.
        assert_eq!(store.defer_indexes().unwrap(), 0);
        assert_eq!(store.deferred_indexes().unwrap().len(), DEFERRABLE.len());
        assert_eq!(store.restore_indexes().unwrap(), DEFERRABLE.len());
        assert_eq!(schema(store.conn()), before);
        assert!(store.deferred_indexes().unwrap().is_empty());
        assert_eq!(store.restore_indexes().unwrap(), 0);
    }

    #[test]
    fn a_store_with_its_own_history_keeps_its_indexes() {
        let (_dir, mut store) = store();
        let before = schema(store.conn());
        fn add(store: &Store, from: i64, count: i64) {
            store
                .conn()
                .execute(
                    "WITH RECURSIVE n(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 + ?2 - 1)
                     INSERT INTO audit_entries(id, ledger_id, at, user, node_id, action, target_kind, target)
                     SELECT 'e' || i, 'l', i, 'u', 'n', 'a', 'patient', 't' FROM n",
                    [from, count],
                )
                .unwrap();
        }
        add(&store, 0, FEW_ROWS);
        // As many rows as a store may hold: still set aside.
        assert_eq!(store.defer_indexes().unwrap(), DEFERRABLE.len());
        store.restore_indexes().unwrap();
        add(&store, FEW_ROWS, 1);
        assert_eq!(store.defer_indexes().unwrap(), 0);
        assert_eq!(schema(store.conn()), before);
        assert!(store.deferred_indexes().unwrap().is_empty());
    }

    #[test]
    fn a_store_opened_with_indexes_set_aside_builds_them() {
        let (dir, mut store) = store();
        let before = schema(store.conn());
        store.defer_indexes().unwrap();
        // As after a crash during a first sync: nothing built them again.
        drop(store);
        let store = Store::open(&dir.path().join("node.db")).unwrap();
        assert_eq!(schema(store.conn()), before);
        assert!(store.deferred_indexes().unwrap().is_empty());
    }

    #[test]
    fn only_the_statement_that_creates_the_index_set_aside_runs() {
        let (_dir, mut store) = store();
        store.defer_indexes().unwrap();
        store
            .conn()
            .execute(
                "UPDATE meta SET value = 'CREATE INDEX sales_at ON sales(at); DROP TABLE patients' WHERE key = 'deferred_index.sales_at'",
                [],
            )
            .unwrap();
        store
            .conn()
            .execute(
                "UPDATE meta SET value = 'CREATE INDEX patients_x ON patients(mrn)' WHERE key = 'deferred_index.sales_receipt'",
                [],
            )
            .unwrap();
        assert_eq!(store.restore_indexes().unwrap(), DEFERRABLE.len() - 2);
        let after = schema(store.conn());
        assert!(
            after
                .iter()
                .all(|(n, _)| n != "sales_at" && n != "patients_x")
        );
        let patients: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM patients", [], |r| r.get(0))
            .unwrap();
        assert_eq!(patients, 0, "the patients table is still there");
        assert!(store.deferred_indexes().unwrap().is_empty());
    }

    #[test]
    fn the_statements_recognised_are_those_sqlite_keeps() {
        assert!(creates("sales_at", "CREATE INDEX sales_at ON sales(at)"));
        assert!(creates(
            "sales_patient",
            "CREATE INDEX sales_patient ON sales(patient_id) WHERE patient_id IS NOT NULL"
        ));
        assert!(!creates("sales_at", "CREATE INDEX sales_atx ON sales(at)"));
        assert!(!creates(
            "patients_name",
            "CREATE INDEX patients_name ON patients(last_name)"
        ));
        assert!(!creates(
            "sales_at",
            "CREATE UNIQUE INDEX sales_at ON sales(at)"
        ));
    }
}
