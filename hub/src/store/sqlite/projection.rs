//! The embedded store's projection step ([`HookStore::commit_projection`]): events kept
//! once per key and fanned out to subscribed webhooks, stock movements counted once,
//! open conflicts replaced, read-model rows replaced, the cursor advanced — one `BEGIN IMMEDIATE` transaction.
//!
//! [`HookStore::commit_projection`]: crate::store::HookStore::commit_projection

use dermis_model::{ClinicId, Millis};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use uuid::Uuid;

use super::hooks::opt_clinic;
use super::lite;
use crate::readmodel::events::{DerivedEvent, stock_negative};
use crate::store::hooks::{DocProjection, ProjectionOutcome, subscribed};
use crate::store::{StoreError, i64_of, u64_of};

/// A webhook as the projector fans events out to it.
struct Target {
    id: String,
    events: String,
    clinic: Option<ClinicId>,
    url: String,
    start: u64,
}

fn event_id() -> String {
    format!("msg_{}", Uuid::now_v7().simple())
}

/// Inserts the event when its key is new, then one delivery per subscribed webhook.
fn keep_event(
    tx: &Transaction<'_>,
    clinic: ClinicId,
    event: &DerivedEvent,
    seq: u64,
    targets: &[Target],
    now: Millis,
    outcome: &mut ProjectionOutcome,
) -> Result<(), StoreError> {
    let inserted = tx
        .prepare_cached(
            "INSERT INTO webhook_events (key, id, clinic_id, event_type, data, seq, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (key) DO NOTHING",
        )
        .and_then(|mut s| {
            s.execute(params![
                event.key,
                event_id(),
                clinic.to_string(),
                event.event_type.as_str(),
                event.data.to_string(),
                i64_of(seq),
                now
            ])
        })
        .map_err(lite("insert event"))?;
    if inserted == 0 {
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
        let id: Option<i64> = tx
            .query_row(
                "INSERT INTO webhook_deliveries (event_key, webhook_id, url, state, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'pending', ?4, ?4) ON CONFLICT DO NOTHING RETURNING id",
                params![event.key, target.id, target.url, now],
                |r| r.get(0),
            )
            .optional()
            .map_err(lite("insert delivery"))?;
        outcome.new_deliveries.extend(id);
    }
    Ok(())
}

pub(super) fn project(
    conn: &mut Connection,
    clinic: ClinicId,
    from: u64,
    to: u64,
    docs: &[DocProjection],
    now: Millis,
) -> Result<Option<ProjectionOutcome>, StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(lite("begin"))?;
    let c = clinic.to_string();
    let cursor: Option<i64> = tx
        .query_row(
            "SELECT seq FROM projector_cursors WHERE clinic_id = ?1",
            [&c],
            |r| r.get(0),
        )
        .optional()
        .map_err(lite("read projector cursor"))?;
    if u64_of(cursor.unwrap_or(0)) != from {
        return Ok(None);
    }
    let targets = {
        let mut stmt = tx
            .prepare_cached(
                "SELECT w.id, w.events, w.clinic_id, w.url, COALESCE(s.seq, 0)
                 FROM webhooks w
                 LEFT JOIN webhook_starts s ON s.webhook_id = w.id AND s.clinic_id = ?1
                 WHERE w.clinic_id IS NULL OR w.clinic_id = ?1",
            )
            .map_err(lite("read webhooks"))?;
        let rows = stmt
            .query_map([&c], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(lite("read webhooks"))?;
        rows.into_iter()
            .map(|(id, events, clinic, url, start)| {
                Ok(Target {
                    id,
                    events,
                    clinic: opt_clinic(clinic)?,
                    url,
                    start: u64_of(start),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?
    };
    let mut outcome = ProjectionOutcome::default();
    let erased = if docs.iter().any(|d| d.rows.is_some()) {
        super::readmodel::erased(&tx, clinic)?
    } else {
        crate::readmodel::stored::Erased::default()
    };
    for doc in docs {
        if let Some(rows) = &doc.rows {
            super::readmodel::write_doc(&tx, clinic, doc.doc_id, rows, &erased, now)?;
            let kept = doc
                .derivation
                .as_ref()
                .filter(|_| !erased.gone(doc.doc_id, rows));
            super::derivations::write(&tx, clinic, doc.doc_id, rows.patient(), kept)?;
        }
        for event in &doc.events {
            keep_event(&tx, clinic, event, doc.seq, &targets, now, &mut outcome)?;
        }
        for entry in &doc.stock {
            let fresh = tx
                .prepare_cached(
                    "INSERT INTO stock_entries (clinic_id, entry_id) VALUES (?1, ?2)
                     ON CONFLICT DO NOTHING",
                )
                .and_then(|mut s| s.execute(params![c, entry.entry_id]))
                .map_err(lite("count stock entry"))?;
            if fresh == 0 {
                continue;
            }
            let after: i64 = tx
                .query_row(
                    "INSERT INTO stock_levels (clinic_id, sku, on_hand, updated_at)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (clinic_id, sku)
                     DO UPDATE SET on_hand = on_hand + excluded.on_hand, updated_at = excluded.updated_at
                     RETURNING on_hand",
                    params![c, entry.sku, entry.delta, now],
                    |r| r.get(0),
                )
                .map_err(lite("update stock level"))?;
            let before = after - entry.delta;
            if before >= 0 && after < 0 {
                let event = stock_negative(clinic, &entry.entry_id, &entry.sku, after);
                keep_event(&tx, clinic, &event, doc.seq, &targets, now, &mut outcome)?;
            }
        }
        if !doc.audit.is_empty() {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO audit_entries (clinic_id, id, at, user_name, user_id, node_id,
                                                action, target_kind, target, patient_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO NOTHING",
                )
                .map_err(lite("keep audit entries"))?;
            for a in &doc.audit {
                insert
                    .execute(params![
                        c,
                        a.id,
                        a.at,
                        a.user,
                        a.user_id.map(|u| u.to_string()),
                        a.node_id.to_string(),
                        a.action.as_str(),
                        a.target.kind,
                        a.target.id,
                        a.target.patient.map(|p| p.to_string()),
                    ])
                    .map_err(lite("keep audit entry"))?;
            }
        }
        if !doc.receipts.is_empty() {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO receipt_links (clinic_id, sale_id, node_id, seq, receipt,
                                                prev_hash, hash, content_ok)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
                )
                .map_err(lite("keep receipt links"))?;
            for r in &doc.receipts {
                insert
                    .execute(params![
                        c,
                        r.sale_id,
                        r.node_id,
                        r.link.seq,
                        r.link.receipt,
                        r.link.prev_hash,
                        r.link.hash,
                        r.link.content_ok,
                    ])
                    .map_err(lite("keep receipt link"))?;
            }
        }
        if doc.conflicts.is_empty() {
            tx.prepare_cached("DELETE FROM open_conflicts WHERE doc_id = ?1")
                .and_then(|mut s| s.execute([doc.doc_id.to_string()]))
                .map_err(lite("clear conflicts"))?;
        } else {
            let fields = serde_json::to_string(&doc.conflicts).unwrap_or_else(|_| "[]".into());
            tx.execute(
                "INSERT INTO open_conflicts (doc_id, clinic_id, doc_type, fields, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (doc_id) DO UPDATE SET fields = excluded.fields, updated_at = excluded.updated_at",
                params![doc.doc_id.to_string(), c, doc.doc_type, fields, now],
            )
            .map_err(lite("record conflicts"))?;
        }
    }
    tx.prepare_cached(
        "INSERT INTO projector_cursors (clinic_id, seq, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (clinic_id) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at",
    )
    .and_then(|mut s| s.execute(params![c, i64_of(to), now]))
    .map_err(lite("advance projector cursor"))?;
    tx.commit().map_err(lite("commit"))?;
    Ok(Some(outcome))
}
