//! The embedded store: one SQLite file (`<data-dir>/hub.db`, WAL, `synchronous=FULL`)
//! for a hub run without `DATABASE_URL`. One dedicated thread owns the connection and
//! runs the store's SQL off the async runtime; callers send it closures and await the
//! answer. It runs nothing else: Automerge work goes to the pool
//! ([`crate::store::planned`]), so one heavy document never holds up every clinic's
//! queries. Every write transaction is `BEGIN IMMEDIATE`, so the command line writing
//! the same file (`node revoke`) waits its turn instead of failing.

mod admin;
mod admins;
mod api_keys;
mod audit;
mod booked;
mod calendly;
mod derivations;
mod documents;
mod erasure;
mod group;
mod hooks;
mod jobs;
mod migrate;
mod node_tokens;
mod ops;
mod projection;
mod readmodel;
mod readquery;
mod readstore;
mod staging;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use dermis_model::ClinicId;
use dermis_sync::chunks::DocLimits;
use rusqlite::Connection;
use uuid::Uuid;

use super::StoreError;
use super::planned::{DocLocks, Written};
use crate::pool::{Caller, DocPool, PoolOptions};
use dermis_sync::plan::Plan;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

#[derive(Clone, Debug)]
pub struct SqliteStore {
    jobs: std::sync::mpsc::Sender<group::Msg>,
    path: Arc<PathBuf>,
    docs: Caller,
    locks: Arc<DocLocks>,
    doc_limits: DocLimits,
    /// At most this many pushes' plans in one transaction ([`group`]).
    group_max: usize,
    group_stats: Arc<group::GroupStats>,
}

use documents::{latest, load_stored, write_in, write_plan};
pub use group::GroupStats;

fn lite(op: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
    move |source| StoreError::Sqlite { op, source }
}

fn parse_uuid(what: &'static str, text: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text).map_err(|_| StoreError::BadRow {
        what,
        value: text.chars().take(40).collect(),
    })
}

impl SqliteStore {
    /// Opens (creating if needed) and migrates the store, and starts its thread.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let mut conn = Connection::open(path).map_err(lite("open"))?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(lite("busy_timeout"))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(lite("journal_mode"))?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(lite("synchronous"))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(lite("foreign_keys"))?;
        // Deleted rows are overwritten in the file, so an erased patient leaves nothing
        // behind in free pages (see `erasure`).
        conn.pragma_update(None, "secure_delete", "ON")
            .map_err(lite("secure_delete"))?;
        migrate::run(&mut conn)?;
        // The store thread runs a few dozen statements over and over (pushes, the change
        // log, the projector's read models): keep them all prepared.
        conn.set_prepared_statement_cache_capacity(128);
        let (jobs, queue) = std::sync::mpsc::channel::<group::Msg>();
        let group_stats = Arc::new(group::GroupStats::default());
        let stats = group_stats.clone();
        std::thread::Builder::new()
            .name("hub-sqlite".into())
            .spawn(move || group::serve(conn, queue, stats))
            .map_err(|source| StoreError::Thread { source })?;
        let pool =
            DocPool::new(PoolOptions::default()).map_err(|source| StoreError::Pool { source })?;
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        Ok(SqliteStore {
            jobs,
            path: Arc::new(path.to_owned()),
            docs: pool.hub(),
            locks: DocLocks::shared(&key.to_string_lossy()),
            doc_limits: DocLimits::default(),
            group_max: super::GROUP_COMMIT_MAX,
            group_stats,
        })
    }

    pub(super) fn with_group_max(&self, group_max: usize) -> SqliteStore {
        SqliteStore {
            group_max: group_max.max(1),
            ..self.clone()
        }
    }

    /// Transactions that wrote pushes, and the pushes' plans they held.
    pub fn group_stats(&self) -> (u64, u64) {
        self.group_stats.get()
    }

    /// Writes `plans` as one group ([`group::write_group`]).
    pub(super) async fn write_group(
        &self,
        plans: Vec<(ClinicId, Plan)>,
    ) -> Result<Vec<Result<Written, StoreError>>, StoreError> {
        let stats = self.group_stats.clone();
        self.call(move |conn| Ok(group::write_group(conn, plans, &stats)))
            .await
    }

    pub(super) fn with_caller(&self, docs: Caller) -> SqliteStore {
        SqliteStore {
            docs,
            ..self.clone()
        }
    }

    pub(super) fn with_limits(&self, doc_limits: DocLimits) -> SqliteStore {
        SqliteStore {
            doc_limits,
            ..self.clone()
        }
    }

    pub(super) fn docs(&self) -> &Caller {
        &self.docs
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on the store's thread.
    async fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(group::Msg::Run(Box::new(move |conn| {
                // The caller may have gone (its connection closed): nothing to tell.
                let _ = tx.send(f(conn));
            })))
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use dermis_sync::DocStore;
    use dermis_sync::plan::StoredDoc;
    use dermis_sync::wire::{DocPush, PushOutcome};

    use super::*;
    use crate::store::planned::Rows;
    use crate::store::{HookStore, HubStore};
    use dermis_model::DocType;
    use dermis_sync::conformance::{patient_doc, push, rename};

    fn plan(clinic: ClinicId, pushes: &[DocPush], stored: HashMap<Uuid, StoredDoc>) -> Plan {
        dermis_sync::plan::plan_apply(
            clinic,
            pushes,
            stored,
            DocLimits::default(),
            &super::super::rules::HubRules,
            &dermis_sync::plan::DocCache::off(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    /// How often the store's cached statement `sql` ran, and how often SQLite prepared
    /// it again: (3, 0) after three runs of one statement that stays prepared.
    async fn runs_and_reprepares(store: &SqliteStore, sql: String) -> (i32, i32) {
        store
            .call(move |conn| {
                let stmt = conn.prepare_cached(&sql).map_err(lite("test"))?;
                Ok((
                    stmt.get_status(rusqlite::StatementStatus::Run),
                    stmt.get_status(rusqlite::StatementStatus::RePrepare),
                ))
            })
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// The change log is read by every session after every push: its statement is
    /// prepared once, not again at each run (a bound `LIMIT ?` made SQLite prepare it
    /// again every time).
    #[tokio::test]
    async fn reading_the_change_log_again_does_not_prepare_its_statement_again() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut store =
            SqliteStore::open(&dir.path().join("hub.db")).unwrap_or_else(|e| panic!("{e}"));
        let clinic = ClinicId::new();
        store
            .insert_clinic(clinic, "Log", 1)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        for (cursor, name) in ["Ana", "Bea", "Cy"].into_iter().enumerate() {
            let (id, mut doc) = patient_doc(clinic, name);
            store
                .apply(clinic, &[push(id, DocType::Patient, doc.save())])
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let page = store
                .changed_since(clinic, cursor as u64, 100)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(page.entries.len(), 1);
        }
        assert_eq!(
            runs_and_reprepares(&store, documents::changes_page_sql(101)).await,
            (3, 0)
        );
    }

    #[tokio::test]
    async fn polling_for_deliveries_again_does_not_prepare_its_statement_again() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = SqliteStore::open(&dir.path().join("hub.db")).unwrap_or_else(|e| panic!("{e}"));
        for _ in 0..3 {
            let ids = store
                .unenqueued_deliveries(50)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(ids.is_empty());
        }
        assert_eq!(
            runs_and_reprepares(&store, hooks::unenqueued_sql(50)).await,
            (3, 0)
        );
    }

    #[tokio::test]
    async fn each_change_row_records_the_heads_after_it() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut store =
            SqliteStore::open(&dir.path().join("hub.db")).unwrap_or_else(|e| panic!("{e}"));
        let clinic = ClinicId::new();
        store
            .insert_clinic(clinic, "Heads", 1)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let (id, mut doc) = patient_doc(clinic, "Ana");
        store
            .apply(clinic, &[push(id, DocType::Patient, doc.save())])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut after = Vec::new();
        for name in ["Anna", "Annie"] {
            let change = rename(&mut doc, name);
            store
                .apply(clinic, &[push(id, DocType::Patient, change)])
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let mut heads = doc.get_heads();
            heads.sort();
            after.push(heads);
        }
        let stored = store
            .call(move |conn| load_stored(conn, clinic, id))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("stored"));
        assert_eq!(stored.changes.len(), 2);
        assert_eq!(stored.change_heads, after);
    }

    #[tokio::test]
    async fn a_plan_overtaken_by_another_write_is_not_written() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = SqliteStore::open(&dir.path().join("hub.db")).unwrap_or_else(|e| panic!("{e}"));
        let clinic = ClinicId::new();
        store
            .insert_clinic(clinic, "Stale", 1)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let (id, mut doc) = patient_doc(clinic, "Ana");
        let mut writer = store.clone();
        let stored_whole = push(id, DocType::Patient, doc.save());
        writer
            .apply(clinic, std::slice::from_ref(&stored_whole))
            .await
            .unwrap_or_else(|e| panic!("{e}"));

        // Planned on what was read; another write lands before it.
        let read = store
            .read_for_plan(clinic, vec![id])
            .await
            .map(|read| read.stored)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut other = doc.fork();
        let mine = rename(&mut doc, "Anna");
        let stale = plan(clinic, &[push(id, DocType::Patient, mine.clone())], read);
        let theirs = rename(&mut other, "Anne");
        writer
            .apply(clinic, &[push(id, DocType::Patient, theirs)])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let seq = writer
            .latest_seq(clinic)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            store.write_plan(clinic, stale).await,
            Ok(Written::Stale)
        ));
        assert_eq!(
            writer.latest_seq(clinic).await.ok(),
            Some(seq),
            "nothing written"
        );

        // A new document someone else created first.
        let (new_id, mut new_doc) = patient_doc(clinic, "Bo");
        let read = store
            .read_for_plan(clinic, vec![new_id])
            .await
            .map(|read| read.stored)
            .unwrap_or_else(|e| panic!("{e}"));
        let stale = plan(
            clinic,
            &[push(new_id, DocType::Patient, new_doc.save())],
            read,
        );
        writer
            .apply(clinic, &[push(new_id, DocType::Patient, new_doc.save())])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            store.write_plan(clinic, stale).await,
            Ok(Written::Stale)
        ));

        // Planned again on what is stored now, it lands and merges both edits.
        let out = writer
            .apply(clinic, &[push(id, DocType::Patient, mine)])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(out[..], [PushOutcome::Applied { .. }]), "{out:?}");
        let stored = store
            .read_for_plan(clinic, vec![id])
            .await
            .map(|read| read.stored)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut loaded = stored
            .get(&id)
            .map(|s| dermis_sync::plan::load(id, s).unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|| panic!("stored"));
        doc.merge(&mut other).unwrap_or_else(|e| panic!("{e}"));
        let mut both = loaded.get_heads();
        both.sort();
        let mut expected = doc.get_heads();
        expected.sort();
        assert_eq!(both, expected);
    }
}
