//! Schema migrations of the embedded store, embedded from `migrations/hub-sqlite/`. They
//! are only ever added, never edited; `PRAGMA user_version` records how many have run.

use rusqlite::{Connection, TransactionBehavior};

use super::lite;
use crate::store::StoreError;

/// Every migration in order; the index + 1 is the schema version it produces.
const MIGRATIONS: &[(&str, &str)] = &[(
    "0001_init",
    include_str!("../../../../migrations/hub-sqlite/0001_init.sql"),
)];

/// Runs the migrations not yet applied, each in its own transaction.
pub fn run(conn: &mut Connection) -> Result<(), StoreError> {
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate() {
        let version = index as i64 + 1;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(lite("begin migration"))?;
        // Another process may have migrated while we waited for the lock.
        let current: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(lite("read user_version"))?;
        if current >= version {
            continue;
        }
        tx.execute_batch(sql)
            .map_err(|source| StoreError::SqliteMigration { name, source })?;
        tx.pragma_update(None, "user_version", version)
            .map_err(lite("write user_version"))?;
        tx.commit().map_err(lite("commit migration"))?;
        tracing::info!(migration = name, "embedded store migrated");
    }
    Ok(())
}
