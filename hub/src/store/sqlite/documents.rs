//! Documents in the embedded store: reading them for a plan and writing a plan's changes
//! with their index rows and change-log entries ([`Rows`]), and what the sync engine
//! reads and writes through [`DocStore`]: the change log by cursor and documents by id.

use std::collections::HashMap;

use dermis_model::{ClinicId, Millis};
use dermis_sync::DocStore;
use dermis_sync::chunks::DocLimits;
use dermis_sync::store::ChangePage;
use dermis_sync::wire::{DocData, DocPush, FetchItem, IndexEntry, PushOutcome};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use uuid::Uuid;

use super::{SqliteStore, derivations, erasure, group, lite, parse_uuid};
use crate::store::planned::{self, ForPlan, Rows, Written};
use crate::store::{StoreError, decode_heads, encode_heads, i64_of, u64_of};
use dermis_sync::plan::{Plan, StoredDoc, Write};

pub(super) fn load_stored(
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
            conn.prepare_cached(
                "INSERT INTO docs (clinic_id, id, doc_type, snapshot, heads, seq, change_count, change_bytes, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, 0, ?6)",
            )?
            .execute(params![clinic.to_string(), id.to_string(), doc_type, snapshot, encode_heads(heads), now])?;
        }
        Write::Append { id, n, data, heads } => {
            conn.prepare_cached(
                "INSERT INTO doc_changes (doc_id, n, data, heads) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![id.to_string(), n, data, encode_heads(heads)])?;
            conn.prepare_cached(
                "UPDATE docs SET heads = ?2, change_count = ?3, change_bytes = change_bytes + ?4, updated_at = ?5
                 WHERE id = ?1",
            )?
            .execute(params![id.to_string(), encode_heads(heads), n, data.len() as i64, now])?;
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

pub(super) fn write_plan(
    conn: &mut Connection,
    clinic: ClinicId,
    plan: Plan,
) -> Result<Written, StoreError> {
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
pub(super) fn write_in(
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
        .prepare_cached("UPDATE clinics SET seq = seq + ?2 WHERE id = ?1 RETURNING seq")
        .and_then(|mut stmt| {
            stmt.query_row(params![clinic.to_string(), count], |r| r.get(0))
                .optional()
        })
        .map_err(lite("advance the change log"))?;
    let Some(top) = top else {
        return Err(StoreError::UnknownClinic { id: clinic });
    };
    let mut seqs = HashMap::new();
    for (i, write) in plan.writes.iter().enumerate() {
        let seq = top - count + 1 + i as i64;
        tx.prepare_cached("UPDATE docs SET seq = ?2 WHERE id = ?1")
            .and_then(|mut stmt| stmt.execute(params![write.id().to_string(), seq]))
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

pub(super) fn latest(conn: &Connection, clinic: ClinicId) -> Result<u64, StoreError> {
    let seq: Option<i64> = conn
        .prepare_cached("SELECT seq FROM clinics WHERE id = ?1")
        .and_then(|mut stmt| {
            stmt.query_row([clinic.to_string()], |r| r.get(0))
                .optional()
        })
        .map_err(lite("read the clinic's seq"))?;
    Ok(seq.map_or(0, u64_of))
}

/// The change log after a cursor, up to the clinic's seq, at most `limit` entries. The
/// limit is written into the statement rather than bound: SQLite's planner reads a bound
/// LIMIT, so a statement with `LIMIT ?` is prepared again at every run, cached or not (a
/// sixth of the store thread's time under twenty nodes' pushes). A node asks with its one
/// page size, so each is one cached statement.
pub(super) fn changes_page_sql(limit: usize) -> String {
    format!(
        "SELECT id, doc_type, seq, heads FROM docs
         WHERE clinic_id = ?1 AND seq > ?2 AND seq <= ?3 ORDER BY seq LIMIT {}",
        limit.min(i64::MAX as usize)
    )
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
        .prepare_cached(&changes_page_sql(limit.saturating_add(1)))
        .map_err(lite("read the change log"))?;
    let rows = stmt
        .query_map(
            params![clinic.to_string(), i64_of(cursor), i64_of(latest)],
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

    async fn booked_between(
        &mut self,
        clinic: ClinicId,
        from: Millis,
        to: Millis,
        limit: usize,
    ) -> Result<Vec<dermis_sync::boot_first::Booked>, StoreError> {
        self.call(move |conn| super::booked::between(conn, clinic, from, to, limit))
            .await
    }

    async fn latest_seq(&mut self, clinic: ClinicId) -> Result<u64, StoreError> {
        self.call(move |conn| latest(conn, clinic)).await
    }
}
