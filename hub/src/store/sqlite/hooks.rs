//! The embedded store's [`HookStore`]: see `store::hooks` for what each method keeps.

use dermis_model::{ClinicId, Millis};
use rusqlite::{OptionalExtension, Row, TransactionBehavior, params};
use uuid::Uuid;

use super::{SqliteStore, lite, parse_uuid, projection};
use crate::readmodel::events::EventType;
use crate::readmodel::staff::StaffChange;
use crate::store::hooks::{
    Attempt, AttemptInfo, AttemptOutcome, AuditInfo, AuditQuery, ConflictInfo, DeliveryInfo,
    DeliveryTarget, DocProjection, HookStore, NewWebhook, ProjectionOutcome, StockInfo,
    WebhookInfo, staff_rows,
};
use crate::store::{StoreError, i64_of, u64_of};

pub(super) fn opt_clinic(text: Option<String>) -> Result<Option<ClinicId>, StoreError> {
    text.map(|t| parse_uuid("clinic_id", &t).map(ClinicId))
        .transpose()
}

fn delivery_info(r: &Row<'_>) -> rusqlite::Result<(DeliveryInfo, String, String)> {
    Ok((
        DeliveryInfo {
            id: r.get(0)?,
            event_id: r.get(1)?,
            event_type: r.get(2)?,
            clinic_id: ClinicId(Uuid::nil()),
            webhook_id: Uuid::nil(),
            url: r.get(5)?,
            state: r.get(6)?,
            attempts: u32::try_from(r.get::<_, i64>(7)?).unwrap_or(0),
            last_status: r
                .get::<_, Option<i64>>(8)?
                .and_then(|c| u16::try_from(c).ok()),
            last_error: r.get(9)?,
            next_attempt_at: r.get(10)?,
            created_at: r.get(11)?,
            updated_at: r.get(12)?,
        },
        r.get(3)?,
        r.get(4)?,
    ))
}

/// The delivery poll's statement, its limit in the text: SQLite's planner reads a bound
/// `LIMIT`, so binding it would prepare the statement again at every poll (the
/// webhook worker polls on a timer; its batch is one constant).
pub(super) fn unenqueued_sql(limit: u32) -> String {
    format!("SELECT id FROM webhook_deliveries WHERE enqueued = 0 ORDER BY id LIMIT {limit}")
}

impl HookStore for SqliteStore {
    async fn add_webhook(&self, webhook: &NewWebhook, now: Millis) -> Result<Uuid, StoreError> {
        let webhook = webhook.clone();
        self.call(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(lite("begin"))?;
            if let Some(clinic) = webhook.clinic {
                let found = tx
                    .query_row(
                        "SELECT 1 FROM clinics WHERE id = ?1",
                        [clinic.to_string()],
                        |_| Ok(()),
                    )
                    .optional()
                    .map_err(lite("read clinic"))?;
                if found.is_none() {
                    return Err(StoreError::UnknownClinic { id: clinic });
                }
            }
            let id = Uuid::now_v7();
            let events: Vec<&str> = webhook.events.iter().map(|e| e.as_str()).collect();
            tx.execute(
                "INSERT INTO webhooks (id, url, events, clinic_id, secret, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    id.to_string(),
                    webhook.url,
                    events.join(","),
                    webhook.clinic.map(|c| c.to_string()),
                    webhook.secret,
                    now
                ],
            )
            .map_err(lite("insert webhook"))?;
            tx.execute(
                "INSERT INTO webhook_starts (webhook_id, clinic_id, seq)
                 SELECT ?1, id, seq FROM clinics WHERE ?2 IS NULL OR id = ?2",
                params![id.to_string(), webhook.clinic.map(|c| c.to_string())],
            )
            .map_err(lite("record webhook start"))?;
            tx.commit().map_err(lite("commit"))?;
            Ok(id)
        })
        .await
    }

    async fn list_webhooks(&self) -> Result<Vec<WebhookInfo>, StoreError> {
        self.call(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT id, url, events, clinic_id, created_at FROM webhooks ORDER BY created_at, id",
                )
                .map_err(lite("list webhooks"))?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, i64>(4)?,
                    ))
                })
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .map_err(lite("list webhooks"))?;
            rows.into_iter()
                .map(|(id, url, events, clinic, created_at)| {
                    Ok(WebhookInfo {
                        id: parse_uuid("webhooks.id", &id)?,
                        url,
                        events: events.split(',').map(str::to_owned).collect(),
                        clinic_id: opt_clinic(clinic)?,
                        created_at,
                    })
                })
                .collect()
        })
        .await
    }

    async fn remove_webhook(&self, id: Uuid) -> Result<bool, StoreError> {
        self.call(move |conn| {
            let n = conn
                .execute("DELETE FROM webhooks WHERE id = ?1", [id.to_string()])
                .map_err(lite("remove webhook"))?;
            Ok(n > 0)
        })
        .await
    }

    async fn projector_lag(&self) -> Result<Vec<(ClinicId, u64, u64)>, StoreError> {
        self.call(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT c.id, COALESCE(p.seq, 0), c.seq FROM clinics c
                     LEFT JOIN projector_cursors p ON p.clinic_id = c.id
                     WHERE c.seq > COALESCE(p.seq, 0) ORDER BY c.id",
                )
                .map_err(lite("read projector lag"))?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                })
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .map_err(lite("read projector lag"))?;
            rows.into_iter()
                .map(|(id, cursor, seq)| {
                    Ok((
                        ClinicId(parse_uuid("clinics.id", &id)?),
                        u64_of(cursor),
                        u64_of(seq),
                    ))
                })
                .collect()
        })
        .await
    }

    async fn keep_derivations(
        &self,
        clinic: ClinicId,
        docs: Vec<(Uuid, Option<Uuid>, crate::store::hooks::StoredDerivation)>,
    ) -> Result<(), StoreError> {
        self.call(move |conn| {
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(lite("begin"))?;
            let erased = super::readmodel::erased(&tx, clinic)?;
            for (doc_id, patient, d) in &docs {
                if !erased.docs.contains(doc_id)
                    && !patient.is_some_and(|p| erased.patients.contains(&p))
                {
                    super::derivations::write(&tx, clinic, *doc_id, *patient, Some(d))?;
                }
            }
            tx.commit().map_err(lite("commit"))
        })
        .await
    }

    async fn commit_projection(
        &self,
        clinic: ClinicId,
        from: u64,
        to: u64,
        docs: &[DocProjection],
        now: Millis,
    ) -> Result<Option<ProjectionOutcome>, StoreError> {
        let docs = docs.to_vec();
        self.call(move |conn| projection::project(conn, clinic, from, to, &docs, now))
            .await
    }

    async fn unenqueued_deliveries(&self, limit: u32) -> Result<Vec<i64>, StoreError> {
        self.call(move |conn| {
            let mut stmt = conn
                .prepare_cached(&unenqueued_sql(limit))
                .map_err(lite("read deliveries"))?;
            stmt.query_map([], |r| r.get(0))
                .and_then(|rows| rows.collect::<Result<Vec<i64>, _>>())
                .map_err(lite("read deliveries"))
        })
        .await
    }

    async fn mark_enqueued(&self, ids: &[i64]) -> Result<(), StoreError> {
        let ids = ids.to_vec();
        self.call(move |conn| {
            let tx = conn.transaction().map_err(lite("begin"))?;
            {
                let mut mark = tx
                    .prepare_cached("UPDATE webhook_deliveries SET enqueued = 1 WHERE id = ?1")
                    .map_err(lite("mark enqueued"))?;
                for id in ids {
                    mark.execute([id]).map_err(lite("mark enqueued"))?;
                }
            }
            tx.commit().map_err(lite("commit"))
        })
        .await
    }

    async fn delivery_target(&self, id: i64) -> Result<Option<DeliveryTarget>, StoreError> {
        self.call(move |conn| {
            conn.query_row(
                "SELECT d.id, d.state, d.attempts, d.url, w.secret, e.id, e.event_type, e.data, e.created_at
                 FROM webhook_deliveries d
                 JOIN webhook_events e ON e.key = d.event_key
                 LEFT JOIN webhooks w ON w.id = d.webhook_id
                 WHERE d.id = ?1",
                [id],
                |r| {
                    Ok(DeliveryTarget {
                        id: r.get(0)?,
                        state: r.get(1)?,
                        attempts: u32::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                        url: r.get(3)?,
                        secret: r.get(4)?,
                        event_id: r.get(5)?,
                        event_type: r.get(6)?,
                        data: r.get(7)?,
                        event_at: r.get(8)?,
                    })
                },
            )
            .optional()
            .map_err(lite("read delivery"))
        })
        .await
    }

    async fn record_attempt(
        &self,
        id: i64,
        attempt: &Attempt,
        outcome: &AttemptOutcome,
    ) -> Result<(), StoreError> {
        let attempt = attempt.clone();
        let outcome = outcome.clone();
        self.call(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(lite("begin"))?;
            tx.execute(
                "INSERT INTO webhook_attempts (delivery_id, at, status_code, error, duration_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    id,
                    attempt.at,
                    attempt.status_code,
                    attempt.error,
                    i64_of(attempt.duration_ms)
                ],
            )
            .map_err(lite("record attempt"))?;
            tx.execute(
                "UPDATE webhook_deliveries SET state = ?2, attempts = attempts + 1,
                        last_status = ?3, last_error = ?4, next_attempt_at = ?5, updated_at = ?6
                 WHERE id = ?1",
                params![
                    id,
                    outcome.state,
                    attempt.status_code,
                    attempt.error,
                    outcome.next_attempt_at,
                    attempt.at
                ],
            )
            .map_err(lite("update delivery"))?;
            tx.commit().map_err(lite("commit"))
        })
        .await
    }

    async fn recent_deliveries(
        &self,
        clinics: Option<&[ClinicId]>,
        limit: u32,
    ) -> Result<Vec<DeliveryInfo>, StoreError> {
        let clinics = clinic_filter(clinics);
        self.call(move |conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT d.id, e.id, e.event_type, e.clinic_id, d.webhook_id, d.url, d.state,
                            d.attempts, d.last_status, d.last_error, d.next_attempt_at,
                            d.created_at, d.updated_at
                     FROM webhook_deliveries d JOIN webhook_events e ON e.key = d.event_key
                     WHERE ?2 IS NULL OR e.clinic_id IN (SELECT value FROM json_each(?2))
                     ORDER BY d.id DESC LIMIT ?1",
                )
                .map_err(lite("list deliveries"))?;
            let rows = stmt
                .query_map(params![i64::from(limit), clinics], delivery_info)
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .map_err(lite("list deliveries"))?;
            rows.into_iter()
                .map(|(mut info, clinic, webhook)| {
                    info.clinic_id = ClinicId(parse_uuid("webhook_events.clinic_id", &clinic)?);
                    info.webhook_id = parse_uuid("webhook_deliveries.webhook_id", &webhook)?;
                    Ok(info)
                })
                .collect()
        })
        .await
    }

    async fn delivery_attempts(&self, id: i64) -> Result<Vec<AttemptInfo>, StoreError> {
        self.call(move |conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT at, status_code, error, duration_ms FROM webhook_attempts
                     WHERE delivery_id = ?1 ORDER BY id",
                )
                .map_err(lite("list attempts"))?;
            stmt.query_map([id], |r| {
                Ok(AttemptInfo {
                    at: r.get(0)?,
                    status_code: r
                        .get::<_, Option<i64>>(1)?
                        .and_then(|c| u16::try_from(c).ok()),
                    error: r.get(2)?,
                    duration_ms: u64_of(r.get(3)?),
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(lite("list attempts"))
        })
        .await
    }

    async fn negative_stock(&self) -> Result<Vec<StockInfo>, StoreError> {
        self.call(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT clinic_id, sku, on_hand, updated_at FROM stock_levels
                     WHERE on_hand < 0 ORDER BY clinic_id, sku",
                )
                .map_err(lite("list negative stock"))?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                })
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .map_err(lite("list negative stock"))?;
            rows.into_iter()
                .map(|(clinic, sku, on_hand, updated_at)| {
                    Ok(StockInfo {
                        clinic_id: ClinicId(parse_uuid("stock_levels.clinic_id", &clinic)?),
                        sku,
                        on_hand,
                        updated_at,
                    })
                })
                .collect()
        })
        .await
    }

    async fn open_conflicts(
        &self,
        clinics: Option<&[ClinicId]>,
        limit: u32,
    ) -> Result<Vec<ConflictInfo>, StoreError> {
        let clinics = clinic_filter(clinics);
        self.call(move |conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT clinic_id, doc_id, doc_type, fields, updated_at FROM open_conflicts
                     WHERE ?2 IS NULL OR clinic_id IN (SELECT value FROM json_each(?2))
                     ORDER BY updated_at DESC, doc_id LIMIT ?1",
                )
                .map_err(lite("list conflicts"))?;
            let rows = stmt
                .query_map(params![i64::from(limit), clinics], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, i64>(4)?,
                    ))
                })
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .map_err(lite("list conflicts"))?;
            rows.into_iter()
                .map(|(clinic, doc, doc_type, fields, updated_at)| {
                    Ok(ConflictInfo {
                        clinic_id: ClinicId(parse_uuid("open_conflicts.clinic_id", &clinic)?),
                        doc_id: parse_uuid("open_conflicts.doc_id", &doc)?,
                        doc_type,
                        fields: serde_json::from_str(&fields).unwrap_or_default(),
                        updated_at,
                    })
                })
                .collect()
        })
        .await
    }

    async fn staff_changes(
        &self,
        clinics: Option<&[ClinicId]>,
        limit: u32,
    ) -> Result<Vec<StaffChange>, StoreError> {
        let clinics = clinic_filter(clinics);
        self.call(move |conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT data FROM webhook_events
                     WHERE event_type = ?3
                       AND (?2 IS NULL OR clinic_id IN (SELECT value FROM json_each(?2)))
                     ORDER BY created_at DESC, seq DESC, key LIMIT ?1",
                )
                .map_err(lite("list staff changes"))?;
            let rows = stmt
                .query_map(
                    params![i64::from(limit), clinics, EventType::StaffChanged.as_str()],
                    |r| r.get::<_, String>(0),
                )
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .map_err(lite("list staff changes"))?;
            Ok(staff_rows(rows))
        })
        .await
    }

    async fn audit_entries(
        &self,
        clinics: Option<&[ClinicId]>,
        query: &AuditQuery,
    ) -> Result<Vec<AuditInfo>, StoreError> {
        let clinics = clinic_filter(clinics);
        let query = query.clone();
        self.call(move |conn| super::audit::entries(conn, clinics, &query))
            .await
    }

    async fn receipt_links(
        &self,
        node: Uuid,
    ) -> Result<Vec<dermis_model::ledger::chain::Link>, StoreError> {
        self.call(move |conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT seq, receipt, prev_hash, hash, content_ok FROM receipt_links
                     WHERE node_id = ?1 ORDER BY seq",
                )
                .map_err(lite("list receipt links"))?;
            stmt.query_map([node.to_string()], |r| {
                Ok(dermis_model::ledger::chain::Link {
                    seq: r.get(0)?,
                    receipt: r.get(1)?,
                    prev_hash: r.get(2)?,
                    hash: r.get(3)?,
                    content_ok: r.get(4)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(lite("list receipt links"))
        })
        .await
    }

    async fn clinic_exists(&self, clinic: ClinicId) -> Result<bool, StoreError> {
        self.call(move |conn| {
            conn.query_row(
                "SELECT 1 FROM clinics WHERE id = ?1",
                [clinic.to_string()],
                |_| Ok(()),
            )
            .optional()
            .map(|found| found.is_some())
            .map_err(lite("read clinic"))
        })
        .await
    }

    async fn clinic_count(&self) -> Result<u64, StoreError> {
        self.call(move |conn| {
            conn.query_row("SELECT count(*) FROM clinics", [], |r| r.get::<_, i64>(0))
                .map(u64_of)
                .map_err(lite("count clinics"))
        })
        .await
    }
}

/// A clinic filter as SQLite takes it: a JSON array of ids for `json_each`, or NULL for
/// every clinic.
fn clinic_filter(clinics: Option<&[ClinicId]>) -> Option<String> {
    clinics.map(|ids| {
        serde_json::Value::from(ids.iter().map(ToString::to_string).collect::<Vec<_>>()).to_string()
    })
}
