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
    (
        "0016_partial_sale_indexes",
        include_str!("../../../migrations/node/0016_partial_sale_indexes.sql"),
    ),
    (
        "0017_outbox_waiting_index",
        include_str!("../../../migrations/node/0017_outbox_waiting_index.sql"),
    ),
    (
        "0018_search_index_buffer",
        include_str!("../../../migrations/node/0018_search_index_buffer.sql"),
    ),
    (
        "0019_photo_lane_counts",
        include_str!("../../../migrations/node/0019_photo_lane_counts.sql"),
    ),
    (
        "0020_no_docs_type_index",
        include_str!("../../../migrations/node/0020_no_docs_type_index.sql"),
    ),
    (
        "0021_audit_indexes_in_use",
        include_str!("../../../migrations/node/0021_audit_indexes_in_use.sql"),
    ),
];

pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

pub fn current(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached("PRAGMA user_version")?
        .query_row([], |r| r.get(0))?)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, journal, photo_uploads, pos};

    fn sale(
        conn: &Connection,
        id: &str,
        original: Option<&str>,
        patient: Option<&str>,
        shift: Option<&str>,
    ) {
        conn.execute(
            "INSERT INTO sales(id, ledger_id, receipt, kind, original_id, at, node_id, currency,
                subtotal_minor, discount_minor, tax_minor, total_minor, change_minor, patient_id, shift_id)
             VALUES (?1, 'l1', ?1, ?2, ?3, 1, 'n1', 'EUR', 100, 0, 0, 100, 0, ?4, ?5)",
            rusqlite::params![id, if original.is_some() { "refund" } else { "sale" }, original, patient, shift],
        )
        .expect("sale");
    }

    fn plan(conn: &Connection, sql: &str, args: &[&str]) -> String {
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("plan");
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))
            .expect("plan");
        rows.map(|r| r.expect("row")).collect::<Vec<_>>().join("; ")
    }

    /// Search segments written by one transaction of `patients` patients' search rows
    /// (names, and the tails of a phone's digits, as a first sync writes them).
    fn search_segments_of_one_transaction(store: &Store, patients: i64) -> i64 {
        let conn = store.conn();
        let tx = conn.unchecked_transaction().expect("tx");
        {
            let mut insert = tx
                .prepare("INSERT INTO patients_fts(rowid, names, contacts) VALUES (?1, ?2, ?3)")
                .expect("insert");
            for rowid in 0..patients {
                let digits = format!("3374{:08}", rowid * 7919 % 100_000_000);
                let tails: Vec<&str> = (0..digits.len() - 2).map(|i| &digits[i..]).collect();
                let names = format!("anna{} petrosyan{}", rowid % 977, rowid % 331);
                let contacts = format!("{} p{rowid}@example.com mrn-{rowid:06}", tails.join(" "));
                insert
                    .execute(rusqlite::params![rowid, names, contacts])
                    .expect("row");
            }
        }
        tx.commit().expect("commit");
        conn.query_row(
            "SELECT count(DISTINCT segid) FROM patients_fts_idx",
            [],
            |r| r.get(0),
        )
        .expect("segments")
    }

    /// A store created at schema `version` and filled by `fill`, then opened, which
    /// migrates it to the latest schema; the directory lives as long as the returned guard.
    fn migrated_from(version: i64, fill: impl FnOnce(&Connection)) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("store.db");
        {
            let older = Store::create_at_version(&path, version).expect("older store");
            fill(older.conn());
        }
        let store = Store::open(&path).expect("migrated");
        (dir, store)
    }

    fn photo(conn: &Connection, id: &str, patient: &str, thumbnails_ready: i64) {
        conn.execute(
            "INSERT INTO photos(id, patient_id, sha256, mime, size, body_part, tags, taken_at, thumbnails_ready)
             VALUES (?1, ?2, ?1, 'image/jpeg', 10, 'face', '', 1, ?3)",
            rusqlite::params![id, patient, thumbnails_ready],
        )
        .expect("photo");
    }

    /// The photo lane's inputs counted the slow way, over every row.
    fn counted(conn: &Connection) -> photo_uploads::LaneInputs {
        conn.query_row(
            "SELECT (SELECT COUNT(*) FROM photos),
                    (SELECT COALESCE(SUM(thumbnails_ready), 0) FROM photos),
                    (SELECT COUNT(*) FROM photo_uploads WHERE state IN ('local', 'uploading'))",
            [],
            |r| {
                Ok(photo_uploads::LaneInputs {
                    photos: r.get(0)?,
                    thumbnails_ready: r.get(1)?,
                    waiting: r.get(2)?,
                })
            },
        )
        .expect("counted")
    }

    /// Schema 21: the audit entries lose the two indexes no statement could use; the audit
    /// list filtered by patient, by user (in any case) and by time finds the same entries,
    /// by patient still through its index.
    #[test]
    fn the_audit_list_finds_its_entries_without_the_unused_indexes() {
        use crate::store::audit::{AuditFilter, audit_entries};
        let (_dir, store) = migrated_from(20, |conn| {
            for (id, at, user, patient) in [
                ("a1", 10, "Anna", Some("p1")),
                ("a2", 20, "boris", Some("p2")),
                ("a3", 30, "anna", None),
                ("a4", 40, "Carla", Some("p1")),
            ] {
                conn.execute(
                    "INSERT INTO audit_entries(id, ledger_id, at, user, node_id, action, target_kind, target, patient_id)
                     VALUES (?1, 'l1', ?2, ?3, 'n1', 'patient.view', 'patient', 't', ?4)",
                    rusqlite::params![id, at, user, patient],
                )
                .expect("entry");
            }
        });
        let conn = store.conn();
        let gone: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index'
                 AND name IN ('audit_entries_ledger', 'audit_entries_user')",
                [],
                |r| r.get(0),
            )
            .expect("indexes");
        assert_eq!(gone, 0);
        let ids = |f: AuditFilter| -> Vec<String> {
            audit_entries(conn, &AuditFilter { limit: 10, ..f })
                .expect("list")
                .into_iter()
                .map(|r| r.id)
                .collect()
        };
        assert_eq!(ids(AuditFilter::default()), ["a4", "a3", "a2", "a1"]);
        let patient = || AuditFilter {
            patient: Some("p1".into()),
            ..AuditFilter::default()
        };
        assert_eq!(ids(patient()), ["a4", "a1"]);
        let user = AuditFilter {
            user: Some(" ANNA ".into()),
            ..AuditFilter::default()
        };
        assert_eq!(ids(user), ["a3", "a1"]);
        let since = AuditFilter {
            from_ms: Some(20),
            ..AuditFilter::default()
        };
        assert_eq!(ids(since), ["a4", "a3", "a2"]);
        let by_patient = plan(
            conn,
            "SELECT id FROM audit_entries WHERE 1 = 1 AND patient_id = ?1 ORDER BY at DESC",
            &["p1"],
        );
        assert!(
            by_patient.contains("INDEX audit_entries_patient"),
            "{by_patient}"
        );
    }

    /// Schema 20: no index of documents by type; the ids of a type are still found, in order.
    #[test]
    fn documents_of_a_type_are_found_without_an_index_of_types() {
        let (_dir, store) = migrated_from(19, |conn| {
            for (id, doc_type) in [("d3", "patient"), ("d1", "ledger"), ("d2", "patient")] {
                conn.execute(
                    "INSERT INTO docs(id, doc_type, snapshot, heads, change_count, change_bytes, rev, local_seq, updated_at)
                     VALUES (?1, ?2, x'00', x'', 0, 0, 1, 1, 1)",
                    [id, doc_type],
                )
                .expect("doc");
            }
        });
        let conn = store.conn();
        let indexes: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'docs_type'",
                [],
                |r| r.get(0),
            )
            .expect("indexes");
        assert_eq!(indexes, 0);
        assert_eq!(
            crate::store::queries::doc_ids(conn, "patient").expect("ids"),
            ["d2", "d3"]
        );
        assert_eq!(
            crate::store::queries::doc_ids(conn, "ledger").expect("ids"),
            ["d1"]
        );
    }

    /// Schema 19: the photo lane's inputs, read after every caught-up sync, come from one
    /// row the triggers keep: the same figures as counting every photo, through every kind
    /// of write (a store's own photos, a patient's photos projected again, thumbnails made,
    /// uploads moving on, an erasure), at a cost that does not grow with the photos.
    #[test]
    fn the_photo_lanes_inputs_are_kept_counts_equal_to_counting_every_photo() {
        let (_dir, store) = migrated_from(18, |conn| {
            photo(conn, "old1", "p1", 1);
            photo(conn, "old2", "p1", 0);
            photo_uploads::insert_new(conn, "old2", "p1", "old2", 10, 1).expect("upload");
        });
        let conn = store.conn();
        let read = || photo_uploads::lane_inputs(conn).expect("inputs");
        let start = read();
        assert_eq!(start, counted(conn), "the migration counts what was there");
        assert_eq!(
            (start.photos, start.thumbnails_ready, start.waiting),
            (2, 1, 1)
        );

        // Many photos, some with thumbnails; uploads of this node's own.
        for i in 0..2_000 {
            photo(conn, &format!("ph{i}"), &format!("p{}", i % 50), i % 3 % 2);
            if i % 7 == 0 {
                photo_uploads::insert_new(conn, &format!("ph{i}"), "p", "s", 10, 1)
                    .expect("upload");
            }
        }
        assert_eq!(read(), counted(conn));
        // A patient projected again: their photo rows deleted and written anew.
        conn.execute("DELETE FROM photos WHERE patient_id = 'p7'", [])
            .expect("delete");
        photo(conn, "ph7", "p7", 1);
        assert_eq!(read(), counted(conn));
        // Thumbnails made, uploads sent, one refused, one added twice.
        conn.execute(
            "UPDATE photos SET thumbnails_ready = 1 WHERE patient_id = 'p3'",
            [],
        )
        .expect("thumbnails");
        conn.execute("UPDATE photos SET thumbnails_ready = thumbnails_ready", [])
            .expect("unchanged");
        conn.execute(
            "UPDATE photo_uploads SET state = 'uploading' WHERE photo_id = 'ph0'",
            [],
        )
        .expect("uploading");
        conn.execute(
            "UPDATE photo_uploads SET state = 'uploaded' WHERE photo_id = 'ph7'",
            [],
        )
        .expect("uploaded");
        conn.execute(
            "UPDATE photo_uploads SET state = 'failed' WHERE photo_id = 'ph14'",
            [],
        )
        .expect("failed");
        conn.execute(
            "UPDATE photo_uploads SET state = 'local' WHERE photo_id = 'ph14'",
            [],
        )
        .expect("again");
        photo_uploads::insert_new(conn, "ph0", "p", "s", 10, 2).expect("again");
        assert_eq!(read(), counted(conn));
        // An erasure: the patient's photos and uploads go.
        conn.execute("DELETE FROM photos WHERE patient_id = 'p0'", [])
            .expect("erase");
        conn.execute("DELETE FROM photo_uploads WHERE photo_id LIKE 'ph%0'", [])
            .expect("erase");
        let end = read();
        assert_eq!(end, counted(conn));
        assert!(end.photos > 1_900 && end.waiting > 200, "{end:?}");

        // One row read, however many photos: counting them took a step per photo.
        let mut stmt = conn
            .prepare(photo_uploads::LANE_INPUTS_SQL)
            .expect("statement");
        stmt.query_row([], |_| Ok(())).expect("read");
        let steps = stmt.get_status(rusqlite::StatementStatus::VmStep);
        assert!(steps < 50, "{steps} virtual machine steps");
    }

    /// Schema 18: a first sync's transaction of a few thousand patients writes its search
    /// rows as one segment, not one per MiB (each one merged again later).
    #[test]
    fn a_large_transaction_writes_its_search_rows_as_one_segment() {
        let dir = tempfile::tempdir().expect("dir");
        let before = dir.path().join("v17.db");
        let v17 = Store::create_at_version(&before, 17).expect("v17");
        let segments_before = search_segments_of_one_transaction(&v17, 4_000);
        assert!(segments_before > 1, "{segments_before}");

        let path = dir.path().join("store.db");
        drop(Store::create_at_version(&path, 17).expect("v17"));
        let store = Store::open(&path).expect("migrated");
        assert_eq!(search_segments_of_one_transaction(&store, 4_000), 1);
        let found: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM patients_fts WHERE patients_fts MATCH '\"7919\"*'",
                [],
                |r| r.get(0),
            )
            .expect("search");
        assert!(found > 0);
    }

    /// Schema 17: a push's batch is read from the outbox's index in order, not by reading,
    /// joining and sorting every waiting entry; what the batch holds is unchanged.
    #[test]
    fn the_outbox_is_read_oldest_first_through_its_index() {
        let (_dir, store) = migrated_from(16, |_| {});
        let conn = store.conn();
        for (id, first_at, rejected) in [
            ("d3", 30, None),
            ("d1", 10, None),
            ("d2", 10, Some("invalid_document: no")),
            ("d4", 20, None),
        ] {
            conn.execute(
                "INSERT INTO docs(id, doc_type, snapshot, heads, change_count, change_bytes, rev, local_seq, updated_at)
                 VALUES (?1, 'patient', x'00', x'', 0, 0, 1, 1, 1)",
                [id],
            )
            .expect("doc");
            conn.execute(
                "INSERT INTO outbox(doc_id, version, bytes, first_at, last_at, rejected) VALUES (?1, 1, 1, ?2, ?2, ?3)",
                rusqlite::params![id, first_at, rejected],
            )
            .expect("outbox");
        }
        let batch = crate::store::sync_rows::outbox_waiting(conn, 2).expect("batch");
        let ids: Vec<_> = batch.iter().map(|r| r.doc_id.as_str()).collect();
        assert_eq!(ids, ["d1", "d4"], "oldest first, the refused one left out");
        let plan = plan(conn, &crate::store::sync_rows::outbox_waiting_sql(2), &[]);
        assert!(plan.contains("USING INDEX outbox_waiting"), "{plan}");
        assert!(
            !plan.contains("TEMP B-TREE"),
            "no sort of the whole outbox: {plan}"
        );
    }

    /// Schema 16 makes three sales indexes partial: a store of schema 15 keeps its sales,
    /// the lookups by those columns still find them, and still through the indexes.
    #[test]
    fn sales_indexes_hold_only_sales_with_a_value_and_are_still_searched() {
        let (_dir, store) = migrated_from(15, |conn| {
            sale(conn, "s1", None, None, None);
            sale(conn, "s2", None, Some("p1"), Some("sh1"));
            sale(conn, "r1", Some("s1"), Some("p1"), Some("sh1"));
        });
        assert_eq!(store.schema_version().expect("version"), latest());
        let conn = store.conn();

        let reversals = journal::reversals_of(conn, "s1").expect("reversals");
        assert_eq!(reversals, vec![("r1".to_owned(), "r1".to_owned())]);
        assert_eq!(
            pos::ledgers_of_shift(conn, "sh1").expect("shift"),
            vec!["l1".to_owned()]
        );
        let of_patient = pos::entries_of_patients(conn, &["p1".to_owned()], 10).expect("patient");
        let mut ids: Vec<_> = of_patient.iter().map(|s| s.id.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(ids, ["r1", "s2"]);

        // Only the sales with a value have an entry.
        for (index, column, holding) in [
            ("sales_original", "original_id", 1),
            ("sales_patient", "patient_id", 2),
            ("sales_shift", "shift_id", 2),
        ] {
            let sql: String = conn
                .query_row(
                    "SELECT sql FROM sqlite_master WHERE name = ?1",
                    [index],
                    |r| r.get(0),
                )
                .expect("index");
            assert!(
                sql.ends_with(&format!("WHERE {column} IS NOT NULL")),
                "{sql}"
            );
            let entries: i64 = conn
                .query_row(
                    &format!(
                        "SELECT count(*) FROM sales INDEXED BY {index} WHERE {column} IS NOT NULL"
                    ),
                    [],
                    |r| r.get(0),
                )
                .expect("count");
            assert_eq!(entries, holding, "{index}");
        }

        // The statements of reversals_of, ledgers_of_shift, entries_of_patients, the
        // journal's void check and an erasure's unlinking, as they are written.
        for (sql, index) in [
            (
                "SELECT id, receipt FROM sales WHERE original_id = ?1 ORDER BY at, id",
                "sales_original",
            ),
            (
                "SELECT DISTINCT ledger_id FROM sales WHERE shift_id = ?1",
                "sales_shift",
            ),
            (
                "SELECT s.id FROM sales s WHERE s.patient_id IN (?1) ORDER BY s.at DESC LIMIT 10",
                "sales_patient",
            ),
            (
                "SELECT s.id FROM sales s WHERE s.id = ?1 AND EXISTS(SELECT 1 FROM sales v WHERE v.original_id = s.id AND v.kind = 'void')",
                "sales_original",
            ),
            (
                "UPDATE sales SET patient_id = NULL WHERE patient_id = ?1",
                "sales_patient",
            ),
        ] {
            let plan = plan(conn, sql, &["x"]);
            assert!(plan.contains(&format!("INDEX {index}")), "{sql}: {plan}");
        }
    }
}
