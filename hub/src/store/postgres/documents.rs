//! Documents in the Postgres store: reading them for a plan and writing a plan's changes
//! with their index rows and change-log entries ([`Rows`]), and what the sync engine
//! reads and writes through [`DocStore`]: the change log by cursor and documents by id.

use std::collections::HashMap;

use dermis_model::ClinicId;
use dermis_sync::DocStore;
use dermis_sync::chunks::DocLimits;
use dermis_sync::store::ChangePage;
use dermis_sync::wire::{DocData, DocPush, FetchItem, IndexEntry, PushOutcome};
use sqlx::postgres::{PgPool, PgRow};
use sqlx::{PgConnection, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{CHANGES_CHANNEL, PgStore, derivations, erasure, group, pg, ts};
use crate::pool::Place;
use crate::store::planned::{self, ForPlan, Rows, Written};
use crate::store::{StoreError, decode_heads, encode_heads, i64_of, u64_of};
use dermis_sync::plan::{self as docs, Plan, StoredDoc, Write};

impl Rows for PgStore {
    fn doc_limits(&self) -> DocLimits {
        self.doc_limits
    }

    async fn doc_sizes(
        &self,
        clinic: ClinicId,
        ids: Vec<Uuid>,
    ) -> Result<HashMap<Uuid, u64>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, length(snapshot)::bigint + change_bytes FROM docs WHERE clinic_id = $1 AND id = ANY($2)",
        )
        .bind(clinic.0)
        .bind(&ids)
        .fetch_all(&self.pool)
        .await
        .map_err(pg("size documents"))?;
        let mut sizes = HashMap::new();
        for row in rows {
            let id: Uuid = row.try_get(0).map_err(pg("size documents"))?;
            let size: i64 = row.try_get(1).map_err(pg("size documents"))?;
            sizes.insert(id, u64_of(size));
        }
        Ok(sizes)
    }

    async fn read_for_plan(&self, clinic: ClinicId, ids: Vec<Uuid>) -> Result<ForPlan, StoreError> {
        // One read-only transaction: every row from the same snapshot.
        let mut tx = self.pool.begin().await.map_err(pg("begin"))?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *tx)
            .await
            .map_err(pg("begin"))?;
        let stored = select_docs(&mut tx, clinic, &ids, false).await?;
        let erased = erasure::erased_ids(&mut tx, clinic).await?;
        tx.commit().await.map_err(pg("commit"))?;
        Ok(ForPlan { stored, erased })
    }

    async fn apply_locked(
        &self,
        clinic: ClinicId,
        pushes: &[DocPush],
        place: Place<'_>,
    ) -> Result<Option<Vec<PushOutcome>>, StoreError> {
        let mut ids: Vec<Uuid> = pushes.iter().map(|p| p.doc_id).collect();
        ids.sort();
        ids.dedup();
        let mut tx = self.pool.begin().await.map_err(pg("begin"))?;
        // The same order as `write_plan`: new documents' advisory locks, then the rows.
        let existing: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM docs WHERE id = ANY($1)")
            .bind(&ids)
            .fetch_all(&mut *tx)
            .await
            .map_err(pg("read documents"))?;
        for id in ids.iter().filter(|id| !existing.contains(id)) {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await
                .map_err(pg("lock new document"))?;
        }
        let stored = select_docs(&mut tx, clinic, &ids, true).await?;
        let rules = crate::store::rules::Guarded::new(erasure::erased_ids(&mut tx, clinic).await?);
        let pushes = pushes.to_vec();
        let limits = self.doc_limits;
        let cache = place.doc_cache().clone();
        let plan = place
            .run(move || docs::plan_apply(clinic, &pushes, stored, limits, &rules, &cache))
            .await
            .map_err(|source| StoreError::Pool { source })??;
        let seqs = if plan.writes.is_empty() {
            HashMap::new()
        } else {
            write_rows(&mut tx, clinic, &plan).await?
        };
        tx.commit().await.map_err(pg("commit"))?;
        Ok(Some(plan.outcomes(&seqs)))
    }

    async fn write_plan(&self, clinic: ClinicId, plan: Plan) -> Result<Written, StoreError> {
        if plan.writes.is_empty() {
            return Ok(Written::Done(plan.outcomes(&HashMap::new())));
        }
        // Written with the plans of other sessions queued beside it ([`group`]).
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.writer
            .send(group::PlanWrite {
                clinic,
                plan,
                max: self.group_max,
                reply,
            })
            .await
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }
}

/// [`Rows::write_plan`] for one plan in a transaction of its own: the seq of each
/// written document, or `None` when a document changed since it was read.
pub(super) async fn write_plan_once(
    pool: &PgPool,
    clinic: ClinicId,
    plan: &Plan,
) -> Result<Option<HashMap<Uuid, u64>>, StoreError> {
    let mut tx = pool.begin().await.map_err(pg("begin"))?;
    let Some(seqs) = write_in(&mut tx, clinic, plan).await? else {
        return Ok(None);
    };
    tx.commit().await.map_err(pg("commit"))?;
    Ok(Some(seqs))
}

/// Writes `plan` inside the transaction (or savepoint) `conn` is in: the seq of each
/// written document, or `None`, writing nothing, when a document it was planned on
/// changed (or was erased) since it was read. The caller commits.
pub(super) async fn write_in(
    conn: &mut PgConnection,
    clinic: ClinicId,
    plan: &Plan,
) -> Result<Option<HashMap<Uuid, u64>>, StoreError> {
    let mut ids: Vec<Uuid> = plan.writes.iter().map(Write::id).collect();
    ids.sort();
    ids.dedup();
    // New documents: serialise their creation across instances (advisory locks, in
    // id order), then every written row, in id order.
    for write in &plan.writes {
        if let Write::Insert { id, .. } = write {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))")
                .bind(id.to_string())
                .execute(&mut *conn)
                .await
                .map_err(pg("lock new document"))?;
        }
    }
    let rows = sqlx::query("SELECT id, heads FROM docs WHERE id = ANY($1) ORDER BY id FOR UPDATE")
        .bind(&ids)
        .fetch_all(&mut *conn)
        .await
        .map_err(pg("lock documents"))?;
    let mut now_heads = HashMap::new();
    for row in &rows {
        let id: Uuid = row.try_get(0).map_err(pg("lock documents"))?;
        let mut heads = decode_heads(&row.try_get::<Vec<u8>, _>(1).map_err(pg("lock documents"))?);
        heads.sort();
        now_heads.insert(id, heads);
    }
    for id in &ids {
        if plan.bases.get(id) != now_heads.get(id) {
            return Ok(None);
        }
    }
    // A document erased since it was read is planned again, and refused.
    if erasure::any_erased(&mut *conn, clinic, &ids).await? {
        return Ok(None);
    }
    write_rows(conn, clinic, plan).await.map(Some)
}

/// Writes a plan's rows and gives each written document the clinic's next seq, as the
/// last statements of the transaction `conn` is in; the seq of each.
pub(super) async fn write_rows(
    conn: &mut PgConnection,
    clinic: ClinicId,
    plan: &Plan,
) -> Result<HashMap<Uuid, u64>, StoreError> {
    let now = ts(dermis_model::now_millis());
    for write in &plan.writes {
        write_doc(&mut *conn, clinic, write, now).await?;
    }
    // Erasures the plan's clinic documents record, before the clinic's row lock below
    // (rows first, then the clinic, as every writer takes them).
    let erased = erasure::record(
        &mut *conn,
        clinic,
        &plan.erasures,
        dermis_model::now_millis(),
    )
    .await?;
    // A document this plan wrote and an erasure in it removed has no seq to take.
    let changed: Vec<Uuid> = plan
        .writes
        .iter()
        .map(Write::id)
        .filter(|id| !erased.contains(id))
        .collect();
    // The last statement before COMMIT: it takes the clinic's row lock, held until
    // the commit, so whoever takes the next seqs commits after us (seq order is
    // commit order). The notification is delivered at the commit, not before.
    let rows = sqlx::query(
        "WITH c AS (UPDATE clinics SET seq = seq + $2 WHERE id = $1 RETURNING seq),
                  d AS (UPDATE docs AS d SET seq = c.seq - $2 + v.ord
                        FROM c, unnest($3::uuid[]) WITH ORDINALITY AS v(id, ord)
                        WHERE d.id = v.id
                        RETURNING d.id, d.seq),
                  n AS (SELECT pg_notify($4, $5 || ':' || c.seq::text) FROM c)
             SELECT d.id, d.seq FROM d, n",
    )
    .bind(clinic.0)
    .bind(changed.len() as i64)
    .bind(&changed)
    .bind(CHANGES_CHANNEL)
    .bind(clinic.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(pg("advance the change log"))?;
    if rows.len() != changed.len() {
        return Err(StoreError::UnknownClinic { id: clinic });
    }
    let mut seqs = HashMap::new();
    for row in rows {
        let id: Uuid = row.try_get(0).map_err(pg("read seq"))?;
        let seq: i64 = row.try_get(1).map_err(pg("read seq"))?;
        seqs.insert(id, u64_of(seq));
    }
    Ok(seqs)
}

/// The rows of these documents, whatever their clinic (another clinic's without their
/// content), locked for update (in id order) when `lock`.
pub(super) async fn select_docs(
    conn: &mut PgConnection,
    clinic: ClinicId,
    ids: &[Uuid],
    lock: bool,
) -> Result<HashMap<Uuid, StoredDoc>, StoreError> {
    let select = "SELECT id, clinic_id, doc_type, seq, heads, change_count, change_bytes,
                CASE WHEN clinic_id = $2 THEN snapshot ELSE ''::bytea END
         FROM docs WHERE id = ANY($1)";
    let rows = if lock {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{select} ORDER BY id FOR UPDATE"
        )))
        .bind(ids)
        .bind(clinic.0)
        .fetch_all(&mut *conn)
        .await
    } else {
        sqlx::query(select)
            .bind(ids)
            .bind(clinic.0)
            .fetch_all(&mut *conn)
            .await
    }
    .map_err(pg("read documents"))?;
    let mut stored = HashMap::new();
    let mut own = Vec::new();
    for row in &rows {
        let (id, doc) = locked_row(row).map_err(pg("read document"))?;
        if doc.clinic == clinic {
            own.push(id);
        }
        stored.insert(id, doc);
    }
    load_changes(conn, &own, &mut stored).await?;
    Ok(stored)
}

pub(super) async fn notify(
    conn: &mut PgConnection,
    channel: &str,
    payload: &str,
) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(channel)
        .bind(payload)
        .execute(conn)
        .await
        .map_err(pg("notify"))?;
    Ok(())
}

pub(super) async fn load_changes(
    conn: &mut PgConnection,
    ids: &[Uuid],
    stored: &mut HashMap<Uuid, StoredDoc>,
) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let rows = sqlx::query(
        "SELECT doc_id, data, heads FROM doc_changes WHERE doc_id = ANY($1) ORDER BY doc_id, n",
    )
    .bind(ids)
    .fetch_all(conn)
    .await
    .map_err(pg("load changes"))?;
    for row in rows {
        let id: Uuid = row.try_get(0).map_err(pg("read change"))?;
        let data: Vec<u8> = row.try_get(1).map_err(pg("read change"))?;
        let heads: Option<Vec<u8>> = row.try_get(2).map_err(pg("read change"))?;
        if let Some(doc) = stored.get_mut(&id) {
            doc.changes.push(data);
            doc.change_heads
                .push(heads.map_or_else(Vec::new, |h| decode_heads(&h)));
        }
    }
    Ok(())
}

pub(super) async fn write_doc(
    conn: &mut PgConnection,
    clinic: ClinicId,
    write: &Write,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    match write {
        Write::Insert {
            id,
            doc_type,
            snapshot,
            heads,
        } => {
            sqlx::query(
                "INSERT INTO docs (clinic_id, id, doc_type, snapshot, heads, seq, change_count, change_bytes, updated_at)
                 VALUES ($1, $2, $3, $4, $5, 0, 0, 0, $6)",
            )
            .bind(clinic.0)
            .bind(id)
            .bind(doc_type)
            .bind(snapshot)
            .bind(encode_heads(heads))
            .bind(now)
            .execute(conn)
            .await
            .map_err(pg("insert document"))?;
        }
        Write::Append { id, n, data, heads } => {
            sqlx::query("INSERT INTO doc_changes (doc_id, n, data, heads) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(i32::try_from(*n).unwrap_or(i32::MAX))
                .bind(data)
                .bind(encode_heads(heads))
                .execute(&mut *conn)
                .await
                .map_err(pg("insert change"))?;
            sqlx::query(
                "UPDATE docs SET heads = $2, change_count = $3, change_bytes = change_bytes + $4, updated_at = $5
                 WHERE id = $1",
            )
            .bind(id)
            .bind(encode_heads(heads))
            .bind(i32::try_from(*n).unwrap_or(i32::MAX))
            .bind(data.len() as i64)
            .bind(now)
            .execute(conn)
            .await
            .map_err(pg("update document"))?;
        }
        Write::Compact {
            id,
            snapshot,
            heads,
        } => {
            sqlx::query("DELETE FROM doc_changes WHERE doc_id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await
                .map_err(pg("compact document"))?;
            sqlx::query(
                "UPDATE docs SET snapshot = $2, heads = $3, change_count = 0, change_bytes = 0, updated_at = $4
                 WHERE id = $1",
            )
            .bind(id)
            .bind(snapshot)
            .bind(encode_heads(heads))
            .bind(now)
            .execute(conn)
            .await
            .map_err(pg("compact document"))?;
        }
    }
    Ok(())
}

impl DocStore for PgStore {
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
        // The counter first: every document with a seq up to it has committed, so a page
        // that reaches it leaves nothing behind.
        let latest = self.latest_seq(clinic).await?;
        let rows = sqlx::query(
            "SELECT id, doc_type, seq, heads FROM docs
             WHERE clinic_id = $1 AND seq > $2 AND seq <= $3
             ORDER BY seq LIMIT $4",
        )
        .bind(clinic.0)
        .bind(i64_of(cursor))
        .bind(i64_of(latest))
        .bind(i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .map_err(pg("read the change log"))?;
        let mut entries = rows
            .iter()
            .map(|row| -> Result<IndexEntry, sqlx::Error> {
                Ok(IndexEntry {
                    doc_id: row.try_get(0)?,
                    doc_type: row.try_get(1)?,
                    seq: u64_of(row.try_get(2)?),
                    heads: decode_heads(&row.try_get::<Vec<u8>, _>(3)?),
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(pg("read the change log"))?;
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
        let stored = self.read_for_fetch(clinic, items, max_bytes).await?;
        let asked = items[..stored.len()].to_vec();
        planned::answer(&self.docs, asked, stored).await
    }

    async fn derivations(
        &mut self,
        clinic: ClinicId,
        items: &[(Uuid, Vec<automerge::ChangeHash>)],
    ) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
        derivations::read(&self.pool, clinic, items).await
    }

    async fn booked_between(
        &mut self,
        clinic: ClinicId,
        from: dermis_model::Millis,
        to: dermis_model::Millis,
        limit: usize,
    ) -> Result<Vec<dermis_sync::boot_first::Booked>, StoreError> {
        super::booked::between(&self.pool, clinic, from, to, limit).await
    }

    async fn latest_seq(&mut self, clinic: ClinicId) -> Result<u64, StoreError> {
        let seq: Option<i64> = sqlx::query_scalar("SELECT seq FROM clinics WHERE id = $1")
            .bind(clinic.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(pg("read the clinic's seq"))?;
        Ok(seq.map_or(0, u64_of))
    }
}

/// A row of `SELECT id, doc_type, seq, heads, snapshot` for `clinic`.
pub(super) fn stored_row(clinic: ClinicId, row: &PgRow) -> Result<(Uuid, StoredDoc), sqlx::Error> {
    let doc = StoredDoc {
        clinic,
        doc_type: row.try_get(1)?,
        seq: u64_of(row.try_get(2)?),
        heads: decode_heads(&row.try_get::<Vec<u8>, _>(3)?),
        snapshot: row.try_get(4)?,
        changes: Vec::new(),
        change_heads: Vec::new(),
        change_count: 0,
        change_bytes: 0,
    };
    Ok((row.try_get(0)?, doc))
}

/// A row of the select in [`select_docs`].
pub(super) fn locked_row(row: &PgRow) -> Result<(Uuid, StoredDoc), sqlx::Error> {
    let doc = StoredDoc {
        clinic: ClinicId(row.try_get(1)?),
        doc_type: row.try_get(2)?,
        seq: u64_of(row.try_get(3)?),
        heads: decode_heads(&row.try_get::<Vec<u8>, _>(4)?),
        change_count: i64::from(row.try_get::<i32, _>(5)?),
        change_bytes: row.try_get(6)?,
        snapshot: row.try_get(7)?,
        changes: Vec::new(),
        change_heads: Vec::new(),
    };
    Ok((row.try_get(0)?, doc))
}
