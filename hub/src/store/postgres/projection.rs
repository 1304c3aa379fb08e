//! The Postgres store's projection step ([`HookStore::commit_projection`]). Steps of one
//! clinic serialise on its cursor row (`FOR UPDATE`), so two hub instances never count a
//! stock movement twice or derive one event twice; events are kept once per key.
//!
//! [`HookStore::commit_projection`]: crate::store::HookStore::commit_projection

use std::collections::HashSet;

use dermis_model::{ClinicId, Millis};
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use super::{PgStore, pg, ts};
use crate::readmodel::events::{DerivedEvent, stock_negative};
use crate::store::hooks::{DocProjection, ProjectionOutcome, subscribed};
use crate::store::{StoreError, i64_of, u64_of};

struct Target {
    id: Uuid,
    events: String,
    clinic: Option<ClinicId>,
    url: String,
    start: u64,
}

fn event_id() -> String {
    format!("msg_{}", Uuid::now_v7().simple())
}

async fn keep_event(
    conn: &mut PgConnection,
    clinic: ClinicId,
    event: &DerivedEvent,
    seq: u64,
    targets: &[Target],
    now: Millis,
    outcome: &mut ProjectionOutcome,
) -> Result<(), StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO webhook_events (key, id, clinic_id, event_type, data, seq, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING",
    )
    .bind(&event.key)
    .bind(event_id())
    .bind(clinic.0)
    .bind(event.event_type.as_str())
    .bind(event.data.to_string())
    .bind(i64_of(seq))
    .bind(ts(now))
    .execute(&mut *conn)
    .await
    .map_err(pg("insert event"))?;
    if inserted.rows_affected() == 0 {
        return Ok(());
    }
    outcome.new_events += 1;
    for target in targets {
        if !subscribed(
            &target.events,
            target.clinic,
            target.start,
            clinic,
            event.event_type.as_str(),
            seq,
        ) {
            continue;
        }
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO webhook_deliveries (event_key, webhook_id, url, state, created_at, updated_at)
             VALUES ($1, $2, $3, 'pending', $4, $4) ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(&event.key)
        .bind(target.id)
        .bind(&target.url)
        .bind(ts(now))
        .fetch_optional(&mut *conn)
        .await
        .map_err(pg("insert delivery"))?;
        outcome.new_deliveries.extend(id);
    }
    Ok(())
}

pub(super) async fn project(
    store: &PgStore,
    clinic: ClinicId,
    from: u64,
    to: u64,
    docs: &[DocProjection],
    now: Millis,
) -> Result<Option<ProjectionOutcome>, StoreError> {
    let mut tx = store.pool().begin().await.map_err(pg("begin"))?;
    // The cursor row, created when missing, then locked: concurrent steps of one
    // clinic queue here, and the later one finds the cursor moved.
    sqlx::query(
        "INSERT INTO projector_cursors (clinic_id, seq, updated_at) VALUES ($1, 0, $2)
         ON CONFLICT (clinic_id) DO NOTHING",
    )
    .bind(clinic.0)
    .bind(ts(now))
    .execute(&mut *tx)
    .await
    .map_err(pg("create projector cursor"))?;
    let cursor: i64 =
        sqlx::query_scalar("SELECT seq FROM projector_cursors WHERE clinic_id = $1 FOR UPDATE")
            .bind(clinic.0)
            .fetch_one(&mut *tx)
            .await
            .map_err(pg("lock projector cursor"))?;
    if u64_of(cursor) != from {
        return Ok(None);
    }
    let rows = sqlx::query(
        "SELECT w.id, w.events, w.clinic_id, w.url, COALESCE(s.seq, 0)
         FROM webhooks w
         LEFT JOIN webhook_starts s ON s.webhook_id = w.id AND s.clinic_id = $1
         WHERE w.clinic_id IS NULL OR w.clinic_id = $1",
    )
    .bind(clinic.0)
    .fetch_all(&mut *tx)
    .await
    .map_err(pg("read webhooks"))?;
    let targets = rows
        .iter()
        .map(|row| -> Result<Target, sqlx::Error> {
            Ok(Target {
                id: row.try_get(0)?,
                events: row.try_get(1)?,
                clinic: row.try_get::<Option<Uuid>, _>(2)?.map(ClinicId),
                url: row.try_get(3)?,
                start: u64_of(row.try_get(4)?),
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(pg("read webhooks"))?;
    // A ledger re-read for its newest sale carries every older one too: what is
    // known already is skipped with one query each, not one insert per entry.
    let keys: Vec<&str> = docs
        .iter()
        .flat_map(|d| d.events.iter().map(|e| e.key.as_str()))
        .collect();
    let known_events: HashSet<String> =
        sqlx::query_scalar("SELECT key FROM webhook_events WHERE key = ANY($1)")
            .bind(&keys)
            .fetch_all(&mut *tx)
            .await
            .map_err(pg("read known events"))?
            .into_iter()
            .collect();
    let entries: Vec<&str> = docs
        .iter()
        .flat_map(|d| d.stock.iter().map(|e| e.entry_id.as_str()))
        .collect();
    let known_entries: HashSet<String> = sqlx::query_scalar(
        "SELECT entry_id FROM stock_entries WHERE clinic_id = $1 AND entry_id = ANY($2)",
    )
    .bind(clinic.0)
    .bind(&entries)
    .fetch_all(&mut *tx)
    .await
    .map_err(pg("read counted entries"))?
    .into_iter()
    .collect();
    let mut outcome = ProjectionOutcome::default();
    let erased = if docs.iter().any(|d| d.rows.is_some()) {
        super::readmodel::erased(&mut tx, clinic).await?
    } else {
        crate::readmodel::stored::Erased::default()
    };
    for doc in docs {
        if let Some(rows) = &doc.rows {
            super::readmodel::write_doc(&mut tx, clinic, doc.doc_id, rows, &erased, now).await?;
            let kept = doc
                .derivation
                .as_ref()
                .filter(|_| !erased.gone(doc.doc_id, rows));
            super::derivations::write(&mut tx, clinic, doc.doc_id, rows.patient(), kept).await?;
        }
        for event in doc.events.iter().filter(|e| !known_events.contains(&e.key)) {
            keep_event(&mut tx, clinic, event, doc.seq, &targets, now, &mut outcome).await?;
        }
        for entry in doc
            .stock
            .iter()
            .filter(|e| !known_entries.contains(&e.entry_id))
        {
            let fresh = sqlx::query(
                "INSERT INTO stock_entries (clinic_id, entry_id) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
            )
            .bind(clinic.0)
            .bind(&entry.entry_id)
            .execute(&mut *tx)
            .await
            .map_err(pg("count stock entry"))?;
            if fresh.rows_affected() == 0 {
                continue;
            }
            let after: i64 = sqlx::query_scalar(
                "INSERT INTO stock_levels (clinic_id, sku, on_hand, updated_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (clinic_id, sku)
                 DO UPDATE SET on_hand = stock_levels.on_hand + excluded.on_hand,
                               updated_at = excluded.updated_at
                 RETURNING on_hand",
            )
            .bind(clinic.0)
            .bind(&entry.sku)
            .bind(entry.delta)
            .bind(ts(now))
            .fetch_one(&mut *tx)
            .await
            .map_err(pg("update stock level"))?;
            let before = after - entry.delta;
            if before >= 0 && after < 0 {
                let event = stock_negative(clinic, &entry.entry_id, &entry.sku, after);
                keep_event(
                    &mut tx,
                    clinic,
                    &event,
                    doc.seq,
                    &targets,
                    now,
                    &mut outcome,
                )
                .await?;
            }
        }
        if !doc.audit.is_empty() {
            keep_audit(&mut tx, clinic, &doc.audit).await?;
        }
        if !doc.receipts.is_empty() {
            keep_receipts(&mut tx, clinic, &doc.receipts).await?;
        }
        if doc.conflicts.is_empty() {
            sqlx::query("DELETE FROM open_conflicts WHERE doc_id = $1")
                .bind(doc.doc_id)
                .execute(&mut *tx)
                .await
                .map_err(pg("clear conflicts"))?;
        } else {
            let fields = serde_json::to_string(&doc.conflicts).unwrap_or_else(|_| "[]".into());
            sqlx::query(
                "INSERT INTO open_conflicts (doc_id, clinic_id, doc_type, fields, updated_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (doc_id) DO UPDATE SET fields = excluded.fields,
                                                    updated_at = excluded.updated_at",
            )
            .bind(doc.doc_id)
            .bind(clinic.0)
            .bind(&doc.doc_type)
            .bind(fields)
            .bind(ts(now))
            .execute(&mut *tx)
            .await
            .map_err(pg("record conflicts"))?;
        }
    }
    sqlx::query("UPDATE projector_cursors SET seq = $2, updated_at = $3 WHERE clinic_id = $1")
        .bind(clinic.0)
        .bind(i64_of(to))
        .bind(ts(now))
        .execute(&mut *tx)
        .await
        .map_err(pg("advance projector cursor"))?;
    tx.commit().await.map_err(pg("commit"))?;
    Ok(Some(outcome))
}

/// A ledger's audit entries, in one statement (a ledger re-read brings all of its
/// entries again; those kept already are skipped by the key).
async fn keep_audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    clinic: ClinicId,
    entries: &[dermis_model::audit::AuditEntry],
) -> Result<(), StoreError> {
    let col =
        |f: &dyn Fn(&dermis_model::audit::AuditEntry) -> Option<String>| -> Vec<Option<String>> {
            entries.iter().map(f).collect()
        };
    let at: Vec<time::OffsetDateTime> = entries.iter().map(|a| ts(a.at)).collect();
    sqlx::query(
        "INSERT INTO audit_entries (clinic_id, id, at, user_name, user_id, node_id, action,
                                    target_kind, target, patient_id)
         SELECT $1, * FROM UNNEST($2::text[], $3::timestamptz[], $4::text[], $5::text[],
                                  $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
         ON CONFLICT DO NOTHING",
    )
    .bind(clinic.0)
    .bind(col(&|a| Some(a.id.clone())))
    .bind(at)
    .bind(col(&|a| Some(a.user.clone())))
    .bind(col(&|a| a.user_id.map(|u| u.to_string())))
    .bind(col(&|a| Some(a.node_id.to_string())))
    .bind(col(&|a| Some(a.action.as_str().to_owned())))
    .bind(col(&|a| Some(a.target.kind.clone())))
    .bind(col(&|a| Some(a.target.id.clone())))
    .bind(col(&|a| a.target.patient.map(|p| p.to_string())))
    .execute(&mut **tx)
    .await
    .map_err(pg("keep audit entries"))?;
    Ok(())
}

/// The chained receipts of a ledger, once per sale id.
async fn keep_receipts(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    clinic: ClinicId,
    links: &[crate::readmodel::events::ReceiptLink],
) -> Result<(), StoreError> {
    let text = |f: &dyn Fn(&crate::readmodel::events::ReceiptLink) -> String| -> Vec<String> {
        links.iter().map(f).collect()
    };
    let seqs: Vec<i64> = links.iter().map(|r| r.link.seq).collect();
    let ok: Vec<bool> = links.iter().map(|r| r.link.content_ok).collect();
    sqlx::query(
        "INSERT INTO receipt_links (clinic_id, sale_id, node_id, seq, receipt, prev_hash, hash,
                                    content_ok)
         SELECT $1, * FROM UNNEST($2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[],
                                  $7::text[], $8::bool[])
         ON CONFLICT DO NOTHING",
    )
    .bind(clinic.0)
    .bind(text(&|r| r.sale_id.clone()))
    .bind(text(&|r| r.node_id.clone()))
    .bind(seqs)
    .bind(text(&|r| r.link.receipt.clone()))
    .bind(text(&|r| r.link.prev_hash.clone()))
    .bind(text(&|r| r.link.hash.clone()))
    .bind(ok)
    .execute(&mut **tx)
    .await
    .map_err(pg("keep receipt links"))?;
    Ok(())
}
