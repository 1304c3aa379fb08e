//! The Postgres store's [`HookStore`]: see `store::hooks`; the projection step is in
//! `projection.rs`.

use dermis_model::{ClinicId, Millis};
use sqlx::Row;
use sqlx::postgres::PgRow;
use uuid::Uuid;

use super::{PgStore, ms, pg, projection, ts};
use crate::readmodel::events::EventType;
use crate::readmodel::staff::StaffChange;
use crate::store::hooks::{
    Attempt, AttemptInfo, AttemptOutcome, AuditInfo, AuditQuery, ConflictInfo, DeliveryInfo,
    DeliveryTarget, DocProjection, HookStore, NewWebhook, ProjectionOutcome, StockInfo,
    WebhookInfo, staff_rows,
};
use crate::store::{StoreError, i64_of, u64_of};

fn delivery_info(row: &PgRow) -> Result<DeliveryInfo, sqlx::Error> {
    Ok(DeliveryInfo {
        id: row.try_get(0)?,
        event_id: row.try_get(1)?,
        event_type: row.try_get(2)?,
        clinic_id: ClinicId(row.try_get(3)?),
        webhook_id: row.try_get(4)?,
        url: row.try_get(5)?,
        state: row.try_get(6)?,
        attempts: u32::try_from(row.try_get::<i32, _>(7)?).unwrap_or(0),
        last_status: row
            .try_get::<Option<i32>, _>(8)?
            .and_then(|c| u16::try_from(c).ok()),
        last_error: row.try_get(9)?,
        next_attempt_at: row.try_get::<Option<time::OffsetDateTime>, _>(10)?.map(ms),
        created_at: ms(row.try_get(11)?),
        updated_at: ms(row.try_get(12)?),
    })
}

impl HookStore for PgStore {
    async fn add_webhook(&self, webhook: &NewWebhook, now: Millis) -> Result<Uuid, StoreError> {
        let mut tx = self.pool().begin().await.map_err(pg("begin"))?;
        if let Some(clinic) = webhook.clinic {
            let found: Option<i32> = sqlx::query_scalar("SELECT 1 FROM clinics WHERE id = $1")
                .bind(clinic.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(pg("read clinic"))?;
            if found.is_none() {
                return Err(StoreError::UnknownClinic { id: clinic });
            }
        }
        let id = Uuid::now_v7();
        let events: Vec<&str> = webhook.events.iter().map(|e| e.as_str()).collect();
        sqlx::query(
            "INSERT INTO webhooks (id, url, events, clinic_id, secret, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(&webhook.url)
        .bind(events.join(","))
        .bind(webhook.clinic.map(|c| c.0))
        .bind(&webhook.secret)
        .bind(ts(now))
        .execute(&mut *tx)
        .await
        .map_err(pg("insert webhook"))?;
        sqlx::query(
            "INSERT INTO webhook_starts (webhook_id, clinic_id, seq)
             SELECT $1, id, seq FROM clinics WHERE $2::uuid IS NULL OR id = $2",
        )
        .bind(id)
        .bind(webhook.clinic.map(|c| c.0))
        .execute(&mut *tx)
        .await
        .map_err(pg("record webhook start"))?;
        tx.commit().await.map_err(pg("commit"))?;
        Ok(id)
    }

    async fn list_webhooks(&self) -> Result<Vec<WebhookInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, url, events, clinic_id, created_at FROM webhooks ORDER BY created_at, id",
        )
        .fetch_all(self.pool())
        .await
        .map_err(pg("list webhooks"))?;
        rows.iter()
            .map(|row| -> Result<WebhookInfo, sqlx::Error> {
                Ok(WebhookInfo {
                    id: row.try_get(0)?,
                    url: row.try_get(1)?,
                    events: row
                        .try_get::<String, _>(2)?
                        .split(',')
                        .map(str::to_owned)
                        .collect(),
                    clinic_id: row.try_get::<Option<Uuid>, _>(3)?.map(ClinicId),
                    created_at: ms(row.try_get(4)?),
                })
            })
            .collect::<Result<_, _>>()
            .map_err(pg("read webhook"))
    }

    async fn remove_webhook(&self, id: Uuid) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM webhooks WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await
            .map_err(pg("remove webhook"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn projector_lag(&self) -> Result<Vec<(ClinicId, u64, u64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.id, COALESCE(p.seq, 0), c.seq FROM clinics c
             LEFT JOIN projector_cursors p ON p.clinic_id = c.id
             WHERE c.seq > COALESCE(p.seq, 0) ORDER BY c.id",
        )
        .fetch_all(self.pool())
        .await
        .map_err(pg("read projector lag"))?;
        rows.iter()
            .map(|row| -> Result<(ClinicId, u64, u64), sqlx::Error> {
                Ok((
                    ClinicId(row.try_get(0)?),
                    u64_of(row.try_get(1)?),
                    u64_of(row.try_get(2)?),
                ))
            })
            .collect::<Result<_, _>>()
            .map_err(pg("read projector lag"))
    }

    async fn keep_derivations(
        &self,
        clinic: ClinicId,
        docs: Vec<(Uuid, Option<Uuid>, crate::store::hooks::StoredDerivation)>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await.map_err(pg("begin"))?;
        let erased = super::readmodel::erased(&mut tx, clinic).await?;
        for (doc_id, patient, d) in &docs {
            if !erased.docs.contains(doc_id)
                && !patient.is_some_and(|p| erased.patients.contains(&p))
            {
                super::derivations::write(&mut tx, clinic, *doc_id, *patient, Some(d)).await?;
            }
        }
        tx.commit().await.map_err(pg("commit"))
    }

    async fn commit_projection(
        &self,
        clinic: ClinicId,
        from: u64,
        to: u64,
        docs: &[DocProjection],
        now: Millis,
    ) -> Result<Option<ProjectionOutcome>, StoreError> {
        projection::project(self, clinic, from, to, docs, now).await
    }

    async fn unenqueued_deliveries(&self, limit: u32) -> Result<Vec<i64>, StoreError> {
        sqlx::query_scalar(
            "SELECT id FROM webhook_deliveries WHERE NOT enqueued ORDER BY id LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await
        .map_err(pg("read deliveries"))
    }

    async fn mark_enqueued(&self, ids: &[i64]) -> Result<(), StoreError> {
        sqlx::query("UPDATE webhook_deliveries SET enqueued = true WHERE id = ANY($1)")
            .bind(ids)
            .execute(self.pool())
            .await
            .map_err(pg("mark enqueued"))?;
        Ok(())
    }

    async fn delivery_target(&self, id: i64) -> Result<Option<DeliveryTarget>, StoreError> {
        let row = sqlx::query(
            "SELECT d.id, d.state, d.attempts, d.url, w.secret, e.id, e.event_type, e.data, e.created_at
             FROM webhook_deliveries d
             JOIN webhook_events e ON e.key = d.event_key
             LEFT JOIN webhooks w ON w.id = d.webhook_id
             WHERE d.id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .map_err(pg("read delivery"))?;
        let Some(row) = row else {
            return Ok(None);
        };
        let read = |row: &PgRow| -> Result<DeliveryTarget, sqlx::Error> {
            Ok(DeliveryTarget {
                id: row.try_get(0)?,
                state: row.try_get(1)?,
                attempts: u32::try_from(row.try_get::<i32, _>(2)?).unwrap_or(0),
                url: row.try_get(3)?,
                secret: row.try_get(4)?,
                event_id: row.try_get(5)?,
                event_type: row.try_get(6)?,
                data: row.try_get(7)?,
                event_at: ms(row.try_get(8)?),
            })
        };
        read(&row).map(Some).map_err(pg("read delivery"))
    }

    async fn record_attempt(
        &self,
        id: i64,
        attempt: &Attempt,
        outcome: &AttemptOutcome,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await.map_err(pg("begin"))?;
        sqlx::query(
            "INSERT INTO webhook_attempts (delivery_id, at, status_code, error, duration_ms)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(ts(attempt.at))
        .bind(attempt.status_code.map(i32::from))
        .bind(&attempt.error)
        .bind(i64_of(attempt.duration_ms))
        .execute(&mut *tx)
        .await
        .map_err(pg("record attempt"))?;
        sqlx::query(
            "UPDATE webhook_deliveries SET state = $2, attempts = attempts + 1,
                    last_status = $3, last_error = $4, next_attempt_at = $5, updated_at = $6
             WHERE id = $1",
        )
        .bind(id)
        .bind(outcome.state)
        .bind(attempt.status_code.map(i32::from))
        .bind(&attempt.error)
        .bind(outcome.next_attempt_at.map(ts))
        .bind(ts(attempt.at))
        .execute(&mut *tx)
        .await
        .map_err(pg("update delivery"))?;
        tx.commit().await.map_err(pg("commit"))
    }

    async fn recent_deliveries(
        &self,
        clinics: Option<&[ClinicId]>,
        limit: u32,
    ) -> Result<Vec<DeliveryInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.id, e.id, e.event_type, e.clinic_id, d.webhook_id, d.url, d.state,
                    d.attempts, d.last_status, d.last_error, d.next_attempt_at,
                    d.created_at, d.updated_at
             FROM webhook_deliveries d JOIN webhook_events e ON e.key = d.event_key
             WHERE $2::uuid[] IS NULL OR e.clinic_id = ANY($2)
             ORDER BY d.id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .bind(clinics.map(|ids| ids.iter().map(|c| c.0).collect::<Vec<_>>()))
        .fetch_all(self.pool())
        .await
        .map_err(pg("list deliveries"))?;
        rows.iter()
            .map(delivery_info)
            .collect::<Result<_, _>>()
            .map_err(pg("read delivery"))
    }

    async fn delivery_attempts(&self, id: i64) -> Result<Vec<AttemptInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT at, status_code, error, duration_ms FROM webhook_attempts
             WHERE delivery_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await
        .map_err(pg("list attempts"))?;
        rows.iter()
            .map(|row| -> Result<AttemptInfo, sqlx::Error> {
                Ok(AttemptInfo {
                    at: ms(row.try_get(0)?),
                    status_code: row
                        .try_get::<Option<i32>, _>(1)?
                        .and_then(|c| u16::try_from(c).ok()),
                    error: row.try_get(2)?,
                    duration_ms: u64_of(row.try_get(3)?),
                })
            })
            .collect::<Result<_, _>>()
            .map_err(pg("read attempt"))
    }

    async fn negative_stock(&self) -> Result<Vec<StockInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT clinic_id, sku, on_hand, updated_at FROM stock_levels
             WHERE on_hand < 0 ORDER BY clinic_id, sku",
        )
        .fetch_all(self.pool())
        .await
        .map_err(pg("list negative stock"))?;
        rows.iter()
            .map(|row| -> Result<StockInfo, sqlx::Error> {
                Ok(StockInfo {
                    clinic_id: ClinicId(row.try_get(0)?),
                    sku: row.try_get(1)?,
                    on_hand: row.try_get(2)?,
                    updated_at: ms(row.try_get(3)?),
                })
            })
            .collect::<Result<_, _>>()
            .map_err(pg("read stock level"))
    }

    async fn open_conflicts(
        &self,
        clinics: Option<&[ClinicId]>,
        limit: u32,
    ) -> Result<Vec<ConflictInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT clinic_id, doc_id, doc_type, fields, updated_at FROM open_conflicts
             WHERE $2::uuid[] IS NULL OR clinic_id = ANY($2)
             ORDER BY updated_at DESC, doc_id LIMIT $1",
        )
        .bind(i64::from(limit))
        .bind(clinics.map(|ids| ids.iter().map(|c| c.0).collect::<Vec<_>>()))
        .fetch_all(self.pool())
        .await
        .map_err(pg("list conflicts"))?;
        rows.iter()
            .map(|row| -> Result<ConflictInfo, sqlx::Error> {
                Ok(ConflictInfo {
                    clinic_id: ClinicId(row.try_get(0)?),
                    doc_id: row.try_get(1)?,
                    doc_type: row.try_get(2)?,
                    fields: serde_json::from_str(&row.try_get::<String, _>(3)?).unwrap_or_default(),
                    updated_at: ms(row.try_get(4)?),
                })
            })
            .collect::<Result<_, _>>()
            .map_err(pg("read conflict"))
    }

    async fn staff_changes(
        &self,
        clinics: Option<&[ClinicId]>,
        limit: u32,
    ) -> Result<Vec<StaffChange>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT data FROM webhook_events
             WHERE event_type = $3 AND ($2::uuid[] IS NULL OR clinic_id = ANY($2))
             ORDER BY created_at DESC, seq DESC, key LIMIT $1",
        )
        .bind(i64::from(limit))
        .bind(clinics.map(|ids| ids.iter().map(|c| c.0).collect::<Vec<_>>()))
        .bind(EventType::StaffChanged.as_str())
        .fetch_all(self.pool())
        .await
        .map_err(pg("list staff changes"))?;
        Ok(staff_rows(rows))
    }

    async fn audit_entries(
        &self,
        clinics: Option<&[ClinicId]>,
        q: &AuditQuery,
    ) -> Result<Vec<AuditInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT clinic_id, id, at, user_name, user_id, node_id, action, target_kind, target, patient_id
             FROM audit_entries
             WHERE ($1::uuid[] IS NULL OR clinic_id = ANY($1))
               AND ($2::uuid IS NULL OR clinic_id = $2)
               AND ($3::text IS NULL OR lower(user_name) = lower($3))
               AND ($4::text IS NULL OR patient_id = $4)
               AND ($5::timestamptz IS NULL OR at >= $5)
               AND ($6::timestamptz IS NULL OR at < $6)
               AND ($7::timestamptz IS NULL OR at < $7
                    OR ($9::text IS NOT NULL AND at = $7 AND id < $9))
             ORDER BY at DESC, id DESC LIMIT $8",
        )
        .bind(clinics.map(|ids| ids.iter().map(|c| c.0).collect::<Vec<_>>()))
        .bind(q.clinic.map(|c| c.0))
        .bind(&q.user)
        .bind(&q.patient)
        .bind(q.from.map(ts))
        .bind(q.to.map(ts))
        .bind(q.before.map(ts))
        .bind(i64::from(q.limit))
        .bind(&q.before_id)
        .fetch_all(self.pool())
        .await
        .map_err(pg("list audit entries"))?;
        rows.iter()
            .map(|row| -> Result<AuditInfo, sqlx::Error> {
                Ok(AuditInfo {
                    clinic_id: ClinicId(row.try_get(0)?),
                    id: row.try_get(1)?,
                    at: ms(row.try_get(2)?),
                    user: row.try_get(3)?,
                    user_id: row.try_get(4)?,
                    node_id: row.try_get(5)?,
                    action: row.try_get(6)?,
                    target_kind: row.try_get(7)?,
                    target: row.try_get(8)?,
                    patient: row.try_get(9)?,
                })
            })
            .collect::<Result<_, _>>()
            .map_err(pg("read audit entry"))
    }

    async fn receipt_links(
        &self,
        node: Uuid,
    ) -> Result<Vec<dermis_model::ledger::chain::Link>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, receipt, prev_hash, hash, content_ok FROM receipt_links
             WHERE node_id = $1 ORDER BY seq",
        )
        .bind(node.to_string())
        .fetch_all(self.pool())
        .await
        .map_err(pg("list receipt links"))?;
        rows.iter()
            .map(
                |row| -> Result<dermis_model::ledger::chain::Link, sqlx::Error> {
                    Ok(dermis_model::ledger::chain::Link {
                        seq: row.try_get(0)?,
                        receipt: row.try_get(1)?,
                        prev_hash: row.try_get(2)?,
                        hash: row.try_get(3)?,
                        content_ok: row.try_get(4)?,
                    })
                },
            )
            .collect::<Result<_, _>>()
            .map_err(pg("read receipt links"))
    }

    async fn clinic_exists(&self, clinic: ClinicId) -> Result<bool, StoreError> {
        let found: Option<i32> = sqlx::query_scalar("SELECT 1 FROM clinics WHERE id = $1")
            .bind(clinic.0)
            .fetch_optional(self.pool())
            .await
            .map_err(pg("read clinic"))?;
        Ok(found.is_some())
    }

    async fn clinic_count(&self) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar("SELECT count(*) FROM clinics")
            .fetch_one(self.pool())
            .await
            .map_err(pg("count clinics"))?;
        Ok(u64_of(count))
    }
}
