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
mod derivations;
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

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use dermis_model::{ClinicId, Millis};
use dermis_sync::DocStore;
use dermis_sync::chunks::DocLimits;
use dermis_sync::store::ChangePage;
use dermis_sync::wire::{DocData, DocPush, FetchItem, IndexEntry, PushOutcome};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use uuid::Uuid;

use super::planned::{self, DocLocks, ForPlan, Rows, Written};
use super::{StoreError, decode_heads, encode_heads, i64_of, u64_of};
use crate::pool::{Caller, DocPool, PoolOptions};
use dermis_sync::plan::{Plan, StoredDoc, Write};

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

fn load_stored(
    conn: &Connection,
    clinic: ClinicId,
    id: Uuid,
) -> Result<Option<StoredDoc>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT clinic_id, doc_type, seq, heads, change_count, change_bytes, snapshot
             FROM docs WHERE id = ?1",
        )
        .and_then(|mut stmt| {
            stmt.query_row([id.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, Vec<u8>>(6)?,
                ))
            })
            .optional()
        })
        .map_err(lite("load document"))?;
    let Some((doc_clinic, doc_type, seq, heads, change_count, change_bytes, snapshot)) = row else {
        return Ok(None);
    };
    let doc_clinic = ClinicId(parse_uuid("docs.clinic_id", &doc_clinic)?);
    let own = doc_clinic == clinic;
    let (changes, change_heads) = if own {
        let mut stmt = conn
            .prepare_cached("SELECT data, heads FROM doc_changes WHERE doc_id = ?1 ORDER BY n")
            .map_err(lite("load changes"))?;
        stmt.query_map([id.to_string()], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, Option<Vec<u8>>>(1)?
                    .map_or_else(Vec::new, |h| decode_heads(&h)),
            ))
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(lite("load changes"))?
        .into_iter()
        .unzip()
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(Some(StoredDoc {
        clinic: doc_clinic,
        doc_type,
        seq: u64_of(seq),
        heads: decode_heads(&heads),
        // Another clinic's content is never handed on.
        snapshot: if own { snapshot } else { Vec::new() },
        changes,
        change_heads,
        change_count,
        change_bytes,
    }))
}

fn write_doc(
    conn: &Connection,
    clinic: ClinicId,
    write: &Write,
    now: Millis,
) -> Result<(), rusqlite::Error> {
    match write {
        Write::Insert {
            id,
            doc_type,
            snapshot,
            heads,
        } => {
            conn.execute(
                "INSERT INTO docs (clinic_id, id, doc_type, snapshot, heads, seq, change_count, change_bytes, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, 0, ?6)",
                params![clinic.to_string(), id.to_string(), doc_type, snapshot, encode_heads(heads), now],
            )?;
        }
        Write::Append { id, n, data, heads } => {
            conn.execute(
                "INSERT INTO doc_changes (doc_id, n, data, heads) VALUES (?1, ?2, ?3, ?4)",
                params![id.to_string(), n, data, encode_heads(heads)],
            )?;
            conn.execute(
                "UPDATE docs SET heads = ?2, change_count = ?3, change_bytes = change_bytes + ?4, updated_at = ?5
                 WHERE id = ?1",
                params![id.to_string(), encode_heads(heads), n, data.len() as i64, now],
            )?;
        }
        Write::Compact {
            id,
            snapshot,
            heads,
        } => {
            conn.execute(
                "DELETE FROM doc_changes WHERE doc_id = ?1",
                [id.to_string()],
            )?;
            conn.execute(
                "UPDATE docs SET snapshot = ?2, heads = ?3, change_count = 0, change_bytes = 0, updated_at = ?4
                 WHERE id = ?1",
                params![id.to_string(), snapshot, encode_heads(heads), now],
            )?;
        }
    }
    Ok(())
}

/// The stored size of each of these documents the clinic has.
fn sizes(
    conn: &mut Connection,
    clinic: ClinicId,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, u64>, StoreError> {
    let tx = conn.transaction().map_err(lite("begin"))?;
    let mut stmt = tx
        .prepare_cached(
            "SELECT length(snapshot) + change_bytes FROM docs WHERE id = ?1 AND clinic_id = ?2",
        )
        .map_err(lite("size documents"))?;
    let mut sizes = HashMap::new();
    for id in ids {
        let size: Option<i64> = stmt
            .query_row(params![id.to_string(), clinic.to_string()], |r| r.get(0))
            .optional()
            .map_err(lite("size documents"))?;
        if let Some(size) = size {
            sizes.insert(*id, u64_of(size));
        }
    }
    Ok(sizes)
}

/// The rows of `ids` that exist, read in `tx`.
fn read_stored(
    tx: &Connection,
    clinic: ClinicId,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, StoredDoc>, StoreError> {
    let mut stored = HashMap::new();
    for id in ids {
        if let Some(doc) = load_stored(tx, clinic, id)? {
            stored.insert(id, doc);
        }
    }
    Ok(stored)
}

/// Whether every document `plan` was made on is as it was read: the same heads for
/// those it changes, still absent for those it inserts.
fn still_as_read(conn: &Connection, plan: &Plan) -> Result<bool, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT heads FROM docs WHERE id = ?1")
        .map_err(lite("check heads"))?;
    let mut heads_of = |id: Uuid| -> Result<Option<Vec<u8>>, StoreError> {
        stmt.query_row([id.to_string()], |r| r.get(0))
            .optional()
            .map_err(lite("check heads"))
    };
    for write in &plan.writes {
        let now = heads_of(write.id())?;
        let same = match (plan.bases.get(&write.id()), now) {
            (Some(base), Some(now)) => {
                let mut now = decode_heads(&now);
                now.sort();
                now == *base
            }
            (None, None) => true,
            _ => false,
        };
        if !same {
            return Ok(false);
        }
    }
    Ok(true)
}

fn write_plan(conn: &mut Connection, clinic: ClinicId, plan: Plan) -> Result<Written, StoreError> {
    if plan.writes.is_empty() {
        return Ok(Written::Done(plan.outcomes(&HashMap::new())));
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(lite("begin"))?;
    let Some(seqs) = write_in(&tx, clinic, &plan)? else {
        return Ok(Written::Stale);
    };
    tx.commit().map_err(lite("commit"))?;
    Ok(Written::Done(plan.outcomes(&seqs)))
}

/// Writes `plan` inside the write transaction (or savepoint) `tx` is in: the seq of
/// each written document, or `None`, writing nothing, when a document it was planned on
/// changed (or was erased) since it was read. The caller commits.
fn write_in(
    tx: &Connection,
    clinic: ClinicId,
    plan: &Plan,
) -> Result<Option<HashMap<Uuid, u64>>, StoreError> {
    // A document erased since it was read is planned again, and refused.
    if !still_as_read(tx, plan)?
        || erasure::any_erased(tx, clinic, plan.writes.iter().map(Write::id))?
    {
        return Ok(None);
    }
    let now = dermis_model::now_millis();
    for write in &plan.writes {
        write_doc(tx, clinic, write, now).map_err(lite("write document"))?;
    }
    let count = plan.writes.len() as i64;
    let top: Option<i64> = tx
        .query_row(
            "UPDATE clinics SET seq = seq + ?2 WHERE id = ?1 RETURNING seq",
            params![clinic.to_string(), count],
            |r| r.get(0),
        )
        .optional()
        .map_err(lite("advance the change log"))?;
    let Some(top) = top else {
        return Err(StoreError::UnknownClinic { id: clinic });
    };
    let mut seqs = HashMap::new();
    for (i, write) in plan.writes.iter().enumerate() {
        let seq = top - count + 1 + i as i64;
        tx.execute(
            "UPDATE docs SET seq = ?2 WHERE id = ?1",
            params![write.id().to_string(), seq],
        )
        .map_err(lite("set document seq"))?;
        seqs.insert(write.id(), u64_of(seq));
    }
    erasure::record(tx, clinic, &plan.erasures, now)?;
    Ok(Some(seqs))
}

impl Rows for SqliteStore {
    fn doc_limits(&self) -> DocLimits {
        self.doc_limits
    }

    async fn doc_sizes(
        &self,
        clinic: ClinicId,
        ids: Vec<Uuid>,
    ) -> Result<HashMap<Uuid, u64>, StoreError> {
        self.call(move |conn| sizes(conn, clinic, &ids)).await
    }

    async fn read_for_plan(&self, clinic: ClinicId, ids: Vec<Uuid>) -> Result<ForPlan, StoreError> {
        self.call(move |conn| {
            // One read transaction: every row from the same snapshot.
            let tx = conn.transaction().map_err(lite("begin"))?;
            Ok(ForPlan {
                stored: read_stored(&tx, clinic, ids)?,
                erased: erasure::erased_ids(&tx, clinic)?,
            })
        })
        .await
    }

    async fn write_plan(&self, clinic: ClinicId, plan: Plan) -> Result<Written, StoreError> {
        if plan.writes.is_empty() {
            return Ok(Written::Done(plan.outcomes(&HashMap::new())));
        }
        // Written with the plans of other sessions queued beside it ([`group`]).
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.jobs
            .send(group::Msg::Write(group::PlanWrite {
                clinic,
                plan,
                max: self.group_max,
                reply,
            }))
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    async fn apply_locked(
        &self,
        _: ClinicId,
        _: &[DocPush],
        _: crate::pool::Place<'_>,
    ) -> Result<Option<Vec<PushOutcome>>, StoreError> {
        Ok(None)
    }
}

/// The rows of `items`' documents of `clinic`, in order, stopping once their stored
/// bytes reach `max_bytes` (at least one item).
fn read_for_fetch(
    conn: &mut Connection,
    clinic: ClinicId,
    items: &[FetchItem],
    max_bytes: usize,
) -> Result<Vec<Option<StoredDoc>>, StoreError> {
    let tx = conn.transaction().map_err(lite("begin"))?;
    let mut out = Vec::new();
    let mut bytes = 0usize;
    for item in items {
        let doc = load_stored(&tx, clinic, item.doc_id)?.filter(|s| s.clinic == clinic);
        let size = doc.as_ref().map_or(0, |d| {
            d.snapshot.len() + d.changes.iter().map(Vec::len).sum::<usize>()
        });
        bytes = bytes.saturating_add(size);
        out.push(doc);
        if bytes >= max_bytes {
            break;
        }
    }
    Ok(out)
}

fn latest(conn: &Connection, clinic: ClinicId) -> Result<u64, StoreError> {
    let seq: Option<i64> = conn
        .query_row(
            "SELECT seq FROM clinics WHERE id = ?1",
            [clinic.to_string()],
            |r| r.get(0),
        )
        .optional()
        .map_err(lite("read the clinic's seq"))?;
    Ok(seq.map_or(0, u64_of))
}

fn changes_page(
    conn: &mut Connection,
    clinic: ClinicId,
    cursor: u64,
    limit: usize,
) -> Result<ChangePage, StoreError> {
    // One read transaction: the counter and the rows from the same snapshot.
    let tx = conn.transaction().map_err(lite("begin"))?;
    let latest = latest(&tx, clinic)?;
    let mut stmt = tx
        .prepare_cached(
            "SELECT id, doc_type, seq, heads FROM docs
             WHERE clinic_id = ?1 AND seq > ?2 AND seq <= ?3 ORDER BY seq LIMIT ?4",
        )
        .map_err(lite("read the change log"))?;
    let rows = stmt
        .query_map(
            params![
                clinic.to_string(),
                i64_of(cursor),
                i64_of(latest),
                i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX)
            ],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                ))
            },
        )
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(lite("read the change log"))?;
    let mut entries = Vec::with_capacity(rows.len());
    for (id, doc_type, seq, heads) in rows {
        entries.push(IndexEntry {
            doc_id: parse_uuid("docs.id", &id)?,
            doc_type,
            seq: u64_of(seq),
            heads: decode_heads(&heads),
        });
    }
    let more = entries.len() > limit;
    entries.truncate(limit);
    let up_to = if more {
        entries.last().map_or(cursor, |e| e.seq)
    } else {
        latest.max(cursor)
    };
    Ok(ChangePage {
        entries,
        up_to,
        more,
    })
}

impl DocStore for SqliteStore {
    type Error = StoreError;

    async fn apply(
        &mut self,
        clinic: ClinicId,
        docs: &[DocPush],
    ) -> Result<Vec<PushOutcome>, StoreError> {
        planned::apply(self, &self.locks, &self.docs, clinic, docs).await
    }

    async fn changed_since(
        &mut self,
        clinic: ClinicId,
        cursor: u64,
        limit: usize,
    ) -> Result<ChangePage, StoreError> {
        self.call(move |conn| changes_page(conn, clinic, cursor, limit))
            .await
    }

    async fn fetch(
        &mut self,
        clinic: ClinicId,
        items: &[FetchItem],
    ) -> Result<Vec<Option<DocData>>, StoreError> {
        self.fetch_some(clinic, items, usize::MAX).await
    }

    async fn fetch_some(
        &mut self,
        clinic: ClinicId,
        items: &[FetchItem],
        max_bytes: usize,
    ) -> Result<Vec<Option<DocData>>, StoreError> {
        let mut items = items.to_vec();
        let (asked, stored) = self
            .call(move |conn| {
                let stored = read_for_fetch(conn, clinic, &items, max_bytes)?;
                items.truncate(stored.len());
                Ok((items, stored))
            })
            .await?;
        planned::answer(&self.docs, asked, stored).await
    }

    async fn derivations(
        &mut self,
        clinic: ClinicId,
        items: &[(Uuid, Vec<automerge::ChangeHash>)],
    ) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
        let items = items.to_vec();
        self.call(move |conn| derivations::read(conn, clinic, &items))
            .await
    }

    async fn latest_seq(&mut self, clinic: ClinicId) -> Result<u64, StoreError> {
        self.call(move |conn| latest(conn, clinic)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::HubStore;
    use dermis_model::DocType;
    use dermis_sync::conformance::{patient_doc, push, rename};

    fn plan(clinic: ClinicId, pushes: &[DocPush], stored: HashMap<Uuid, StoredDoc>) -> Plan {
        dermis_sync::plan::plan_apply(
            clinic,
            pushes,
            stored,
            DocLimits::default(),
            &super::super::rules::HubRules,
        )
        .unwrap_or_else(|e| panic!("{e}"))
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
