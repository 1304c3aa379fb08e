//! Schema migrations of the node store, embedded from `migrations/node/`. They are only
//! ever added, never edited; `PRAGMA user_version` records how many have run.

use rusqlite::Connection;

use super::StoreError;

/// Every migration in order; the index + 1 is the schema version it produces.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_init",
        include_str!("../../../migrations/node/0001_init.sql"),
    ),
    (
        "0002_sync",
        include_str!("../../../migrations/node/0002_sync.sql"),
    ),
    (
        "0003_photos",
        include_str!("../../../migrations/node/0003_photos.sql"),
    ),
    (
        "0004_sign_in",
        include_str!("../../../migrations/node/0004_sign_in.sql"),
    ),
    (
        "0005_audit",
        include_str!("../../../migrations/node/0005_audit.sql"),
    ),
    (
        "0006_erasure",
        include_str!("../../../migrations/node/0006_erasure.sql"),
    ),
    (
        "0007_audit_by_ledger",
        include_str!("../../../migrations/node/0007_audit_by_ledger.sql"),
    ),
    (
        "0008_ledger_rows_by_ledger",
        include_str!("../../../migrations/node/0008_ledger_rows_by_ledger.sql"),
    ),
    (
        "0009_audit_queue",
        include_str!("../../../migrations/node/0009_audit_queue.sql"),
    ),
    (
        "0010_patient_merges",
        include_str!("../../../migrations/node/0010_patient_merges.sql"),
    ),
    (
        "0011_visit_drafts",
        include_str!("../../../migrations/node/0011_visit_drafts.sql"),
    ),
    (
        "0012_pos",
        include_str!("../../../migrations/node/0012_pos.sql"),
    ),
    (
        "0013_conflict_sources",
        include_str!("../../../migrations/node/0013_conflict_sources.sql"),
    ),
    (
        "0014_appointment_clinician",
        include_str!("../../../migrations/node/0014_appointment_clinician.sql"),
    ),
    (
        "0015_sales_journal",
        include_str!("../../../migrations/node/0015_sales_journal.sql"),
    ),
];

pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

pub fn current(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Runs the migrations after `current`, up to `target`, each in its own transaction.
pub fn run(conn: &mut Connection, target: i64) -> Result<(), StoreError> {
    let from = current(conn)?;
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate() {
        let version = index as i64 + 1;
        if version <= from || version > target {
            continue;
        }
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now >= version {
            continue;
        }
        tx.execute_batch(sql)
            .map_err(|source| StoreError::Migration { name, source })?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(migration = name, "store migrated");
    }
    Ok(())
}
