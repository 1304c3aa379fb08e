//! Schema migrations of the embedded store, embedded from `migrations/hub-sqlite/`. They
//! are only ever added, never edited, and listed in file-number order.
//!
//! Which migrations ran is recorded by name in `hub_migrations`, not as a count, so a
//! migration numbered below one that already ran (branches merged in another order)
//! still runs. `PRAGMA user_version` keeps the number applied, for people looking at the
//! file; a store made before `hub_migrations` existed had run the first `user_version`
//! migrations, and is recorded so on first open.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::lite;
use crate::store::StoreError;

/// Every migration, in file-number order.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_init",
        include_str!("../../../../migrations/hub-sqlite/0001_init.sql"),
    ),
    (
        "0004_admin",
        include_str!("../../../../migrations/hub-sqlite/0004_admin.sql"),
    ),
    (
        "0005_jobs",
        include_str!("../../../../migrations/hub-sqlite/0005_jobs.sql"),
    ),
    (
        "0006_photos",
        include_str!("../../../../migrations/hub-sqlite/0006_photos.sql"),
    ),
    (
        "0007_hooks",
        include_str!("../../../../migrations/hub-sqlite/0007_hooks.sql"),
    ),
    (
        "0010_node_transport",
        include_str!("../../../../migrations/hub-sqlite/0010_node_transport.sql"),
    ),
    (
        "0011_calendly_keys",
        include_str!("../../../../migrations/hub-sqlite/0011_calendly_keys.sql"),
    ),
    (
        "0030_admin_token_version",
        include_str!("../../../../migrations/hub-sqlite/0030_admin_token_version.sql"),
    ),
    (
        "0031_admin_clinics",
        include_str!("../../../../migrations/hub-sqlite/0031_admin_clinics.sql"),
    ),
    (
        "0032_admin_identities",
        include_str!("../../../../migrations/hub-sqlite/0032_admin_identities.sql"),
    ),
    (
        "0033_node_token_rotation",
        include_str!("../../../../migrations/hub-sqlite/0033_node_token_rotation.sql"),
    ),
    (
        "0040_sync_sessions_ended",
        include_str!("../../../../migrations/hub-sqlite/0040_sync_sessions_ended.sql"),
    ),
    (
        "0045_staff_changes_index",
        include_str!("../../../../migrations/hub-sqlite/0045_staff_changes_index.sql"),
    ),
    (
        "0055_audit_entries",
        include_str!("../../../../migrations/hub-sqlite/0055_audit_entries.sql"),
    ),
    (
        "0060_erasures",
        include_str!("../../../../migrations/hub-sqlite/0060_erasures.sql"),
    ),
    (
        "0065_change_heads",
        include_str!("../../../../migrations/hub-sqlite/0065_change_heads.sql"),
    ),
    (
        "0070_receipt_links",
        include_str!("../../../../migrations/hub-sqlite/0070_receipt_links.sql"),
    ),
    (
        "0080_read_models",
        include_str!("../../../../migrations/hub-sqlite/0080_read_models.sql"),
    ),
    (
        "0085_api_keys",
        include_str!("../../../../migrations/hub-sqlite/0085_api_keys.sql"),
    ),
    (
        "0091_rm_derivations",
        include_str!("../../../../migrations/hub-sqlite/0091_rm_derivations.sql"),
    ),
];

const LEDGER: &str = "CREATE TABLE IF NOT EXISTS hub_migrations (
    name        TEXT PRIMARY KEY,
    applied_at  INTEGER NOT NULL
)";

/// Runs the migrations not yet applied, each in its own transaction.
pub fn run(conn: &mut Connection) -> Result<(), StoreError> {
    {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(lite("begin migration"))?;
        tx.execute_batch(LEDGER)
            .map_err(lite("create hub_migrations"))?;
        let recorded: i64 = tx
            .query_row("SELECT count(*) FROM hub_migrations", [], |r| r.get(0))
            .map_err(lite("read hub_migrations"))?;
        let legacy: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(lite("read user_version"))?;
        if recorded == 0 && legacy > 0 {
            let count = usize::try_from(legacy).unwrap_or(0);
            for (name, _) in MIGRATIONS.iter().take(count) {
                tx.execute(
                    "INSERT INTO hub_migrations (name, applied_at) VALUES (?1, 0)",
                    [name],
                )
                .map_err(lite("record legacy migrations"))?;
            }
        }
        tx.commit().map_err(lite("commit migration"))?;
    }
    for (name, sql) in MIGRATIONS {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(lite("begin migration"))?;
        // Another process may have migrated while we waited for the lock.
        let done = tx
            .query_row(
                "SELECT 1 FROM hub_migrations WHERE name = ?1",
                [name],
                |_| Ok(()),
            )
            .optional()
            .map_err(lite("read hub_migrations"))?;
        if done.is_some() {
            continue;
        }
        tx.execute_batch(sql)
            .map_err(|source| StoreError::SqliteMigration { name, source })?;
        tx.execute(
            "INSERT INTO hub_migrations (name, applied_at) VALUES (?1, ?2)",
            params![name, dermis_model::now_millis()],
        )
        .map_err(lite("record migration"))?;
        let applied: i64 = tx
            .query_row("SELECT count(*) FROM hub_migrations", [], |r| r.get(0))
            .map_err(lite("read hub_migrations"))?;
        tx.pragma_update(None, "user_version", applied)
            .map_err(lite("write user_version"))?;
        tx.commit().map_err(lite("commit migration"))?;
        tracing::info!(migration = name, "embedded store migrated");
    }
    Ok(())
}

/// Whether every migration this build knows has run.
pub fn complete(conn: &Connection) -> Result<bool, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT 1 FROM hub_migrations WHERE name = ?1")
        .map_err(lite("read hub_migrations"))?;
    for (name, _) in MIGRATIONS {
        let found = stmt
            .query_row([name], |_| Ok(()))
            .optional()
            .map_err(lite("read hub_migrations"))?;
        if found.is_none() {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_legacy_store_is_recorded_and_a_lower_numbered_migration_still_runs() {
        let mut conn = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        // A store made by the old counter: 0001 ran, user_version 1.
        conn.execute_batch(MIGRATIONS[0].1)
            .unwrap_or_else(|e| panic!("{e}"));
        conn.pragma_update(None, "user_version", 1)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(run(&mut conn).is_ok());
        assert!(matches!(complete(&conn), Ok(true)));
        let names: Vec<String> = conn
            .prepare("SELECT name FROM hub_migrations ORDER BY name")
            .and_then(|mut s| {
                s.query_map([], |r| r.get(0))
                    .and_then(|rows| rows.collect::<Result<_, _>>())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        let expected: Vec<&str> = MIGRATIONS.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, expected);
        // Running again changes nothing.
        assert!(run(&mut conn).is_ok());
        // A migration recorded as missing is found missing.
        conn.execute("DELETE FROM hub_migrations WHERE name = '0004_admin'", [])
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(complete(&conn), Ok(false)));
    }

    #[test]
    fn the_list_is_in_file_number_order() {
        let names: Vec<&str> = MIGRATIONS.iter().map(|(n, _)| *n).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }
}
