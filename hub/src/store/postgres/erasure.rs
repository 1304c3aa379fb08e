//! The Postgres store's part of patient erasure (see `crate::store::erasure`): recording
//! erasures in the transaction that writes a clinic document, and the
//! [`ErasureStore`] steps of the `erasure` job. Erased rows are deleted; Postgres reuses
//! their space once vacuumed (RUNBOOK, "Erasing a patient").

use std::collections::HashSet;

use dermis_model::clinic::ErasureRecord;
use dermis_model::{ClinicId, Millis};
use dermis_sync::plan::StoredDoc;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use super::{PgStore, ms, pg, select_docs, ts};
use crate::store::erasure::{ErasureInfo, ErasureJob, ErasureStore};
use crate::store::{StoreError, u64_of};

/// The clinic's erased ids.
pub(super) async fn erased_ids(
    conn: &mut PgConnection,
    clinic: ClinicId,
) -> Result<HashSet<Uuid>, StoreError> {
    let ids: Vec<Uuid> = sqlx::query_scalar("SELECT doc_id FROM erased_docs WHERE clinic_id = $1")
        .bind(clinic.0)
        .fetch_all(conn)
        .await
        .map_err(pg("read erased ids"))?;
    Ok(ids.into_iter().collect())
}

/// Whether any of `ids` has been erased in the clinic.
pub(super) async fn any_erased(
    conn: &mut PgConnection,
    clinic: ClinicId,
    ids: &[Uuid],
) -> Result<bool, StoreError> {
    let found: Option<i32> = sqlx::query_scalar(
        "SELECT 1 FROM erased_docs WHERE clinic_id = $1 AND doc_id = ANY($2) LIMIT 1",
    )
    .bind(clinic.0)
    .bind(ids)
    .fetch_optional(conn)
    .await
    .map_err(pg("check erased ids"))?;
    Ok(found.is_some())
}

/// Removes a document of the clinic with its change rows (by cascade) and open
/// conflicts; whether it existed.
async fn remove_doc(
    conn: &mut PgConnection,
    clinic: ClinicId,
    id: Uuid,
) -> Result<bool, StoreError> {
    sqlx::query("DELETE FROM open_conflicts WHERE clinic_id = $1 AND doc_id = $2")
        .bind(clinic.0)
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(pg("erase conflicts"))?;
    let n = sqlx::query("DELETE FROM docs WHERE clinic_id = $1 AND id = $2")
        .bind(clinic.0)
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(pg("erase document"))?
        .rows_affected();
    Ok(n > 0)
}

/// Records the erasures of a written plan that the hub has not recorded yet: each new
/// one lists the patient as erased, removes the patient document and queues the
/// erasure job, in the transaction `conn` is in; returns the patients it erased. A new
/// document with the patient's id takes the same advisory lock (`write_plan_once`), so
/// it cannot slip in between.
pub(super) async fn record(
    conn: &mut PgConnection,
    clinic: ClinicId,
    erasures: &[ErasureRecord],
    now: Millis,
) -> Result<Vec<Uuid>, StoreError> {
    let mut new = Vec::new();
    for erasure in erasures {
        let patient = erasure.patient_id.0;
        let inserted = sqlx::query(
            "INSERT INTO erasures (clinic_id, patient_id, erased_at, recorded_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(clinic.0)
        .bind(patient)
        .bind(ts(erasure.at))
        .bind(ts(now))
        .execute(&mut *conn)
        .await
        .map_err(pg("record erasure"))?
        .rows_affected();
        if inserted == 0 {
            continue;
        }
        new.push(patient);
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))")
            .bind(patient.to_string())
            .execute(&mut *conn)
            .await
            .map_err(pg("lock erased document"))?;
        sqlx::query(
            "INSERT INTO erased_docs (clinic_id, doc_id, patient_id) VALUES ($1, $2, $2)
             ON CONFLICT DO NOTHING",
        )
        .bind(clinic.0)
        .bind(patient)
        .execute(&mut *conn)
        .await
        .map_err(pg("record erased id"))?;
        let removed = remove_doc(conn, clinic, patient).await?;
        super::readmodel::erase_patient(conn, clinic, patient).await?;
        sqlx::query("UPDATE erasures SET documents = $3 WHERE clinic_id = $1 AND patient_id = $2")
            .bind(clinic.0)
            .bind(patient)
            .bind(i32::from(removed))
            .execute(&mut *conn)
            .await
            .map_err(pg("record erasure"))?;
        super::jobs::insert_job(conn, &ErasureJob { clinic, patient }.new_job(), now).await?;
    }
    Ok(new)
}

impl ErasureStore for PgStore {
    async fn appointment_docs(
        &self,
        clinic: ClinicId,
        after: Option<Uuid>,
        limit: usize,
    ) -> Result<Vec<(Uuid, StoredDoc)>, StoreError> {
        let mut tx = self.pool.begin().await.map_err(pg("begin"))?;
        let ids: Vec<Uuid> = sqlx::query_scalar(
            "SELECT id FROM docs WHERE clinic_id = $1 AND doc_type = 'appointment'
                 AND ($2::uuid IS NULL OR id > $2)
             ORDER BY id LIMIT $3",
        )
        .bind(clinic.0)
        .bind(after)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&mut *tx)
        .await
        .map_err(pg("list appointments"))?;
        let mut stored = select_docs(&mut tx, clinic, &ids, false).await?;
        tx.commit().await.map_err(pg("commit"))?;
        Ok(ids
            .into_iter()
            .filter_map(|id| stored.remove(&id).map(|doc| (id, doc)))
            .collect())
    }

    async fn erase_docs(
        &self,
        clinic: ClinicId,
        patient: Uuid,
        ids: Vec<Uuid>,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(pg("begin"))?;
        let mut removed = 0u64;
        for id in &ids {
            sqlx::query(
                "INSERT INTO erased_docs (clinic_id, doc_id, patient_id) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
            )
            .bind(clinic.0)
            .bind(id)
            .bind(patient)
            .execute(&mut *tx)
            .await
            .map_err(pg("record erased id"))?;
            sqlx::query("DELETE FROM calendly_invitees WHERE clinic_id = $1 AND doc_id = $2")
                .bind(clinic.0)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(pg("erase calendly link"))?;
            if remove_doc(&mut tx, clinic, *id).await? {
                removed += 1;
            }
        }
        sqlx::query(
            "UPDATE erasures SET documents = documents + $3 WHERE clinic_id = $1 AND patient_id = $2",
        )
        .bind(clinic.0)
        .bind(patient)
        .bind(i32::try_from(removed).unwrap_or(i32::MAX))
        .execute(&mut *tx)
        .await
        .map_err(pg("record erasure"))?;
        tx.commit().await.map_err(pg("commit"))?;
        Ok(removed)
    }

    async fn erase_derived(
        &self,
        clinic: ClinicId,
        patient: Uuid,
    ) -> Result<Vec<String>, StoreError> {
        let mut tx = self.pool.begin().await.map_err(pg("begin"))?;
        let p = patient.to_string();
        // Event payloads carry ids only; the patient's id names every event about them.
        sqlx::query(
            "DELETE FROM webhook_deliveries WHERE event_key IN
                 (SELECT key FROM webhook_events WHERE clinic_id = $1 AND strpos(data, $2) > 0)",
        )
        .bind(clinic.0)
        .bind(&p)
        .execute(&mut *tx)
        .await
        .map_err(pg("erase webhook deliveries"))?;
        sqlx::query("DELETE FROM webhook_events WHERE clinic_id = $1 AND strpos(data, $2) > 0")
            .bind(clinic.0)
            .bind(&p)
            .execute(&mut *tx)
            .await
            .map_err(pg("erase webhook events"))?;
        let photos: Vec<String> = sqlx::query_scalar(
            "DELETE FROM photo_blobs WHERE clinic_id = $1 AND patient_id = $2 RETURNING sha256",
        )
        .bind(clinic.0)
        .bind(patient)
        .fetch_all(&mut *tx)
        .await
        .map_err(pg("erase photo rows"))?;
        let uploads: Vec<String> = sqlx::query_scalar(
            "DELETE FROM blob_uploads WHERE clinic_id = $1 AND patient_id = $2 RETURNING sha256",
        )
        .bind(clinic.0)
        .bind(patient)
        .fetch_all(&mut *tx)
        .await
        .map_err(pg("erase uploads"))?;
        let mut hashes: Vec<String> = photos.into_iter().chain(uploads).collect();
        hashes.sort();
        hashes.dedup();
        // A blob another patient's photo still names (the same picture twice) stays.
        let named: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT sha256 FROM photo_blobs WHERE clinic_id = $1 AND sha256 = ANY($2)",
        )
        .bind(clinic.0)
        .bind(&hashes)
        .fetch_all(&mut *tx)
        .await
        .map_err(pg("check shared photos"))?;
        tx.commit().await.map_err(pg("commit"))?;
        Ok(hashes.into_iter().filter(|h| !named.contains(h)).collect())
    }

    async fn finish_erasure(
        &self,
        clinic: ClinicId,
        patient: Uuid,
        blobs: u64,
        now: Millis,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE erasures SET done_at = $3, blobs = $4 WHERE clinic_id = $1 AND patient_id = $2",
        )
        .bind(clinic.0)
        .bind(patient)
        .bind(ts(now))
        .bind(i32::try_from(blobs).unwrap_or(i32::MAX))
        .execute(&self.pool)
        .await
        .map_err(pg("finish erasure"))?;
        Ok(())
    }

    async fn erasures(&self, clinic: Option<ClinicId>) -> Result<Vec<ErasureInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT clinic_id, patient_id, erased_at, recorded_at, done_at, documents, blobs
             FROM erasures WHERE $1::uuid IS NULL OR clinic_id = $1
             ORDER BY recorded_at DESC, patient_id",
        )
        .bind(clinic.map(|c| c.0))
        .fetch_all(&self.pool)
        .await
        .map_err(pg("list erasures"))?;
        rows.iter()
            .map(|r| {
                Ok(ErasureInfo {
                    clinic: ClinicId(r.try_get(0).map_err(pg("read erasure"))?),
                    patient: r.try_get(1).map_err(pg("read erasure"))?,
                    erased_at: ms(r.try_get(2).map_err(pg("read erasure"))?),
                    recorded_at: ms(r.try_get(3).map_err(pg("read erasure"))?),
                    done_at: r
                        .try_get::<Option<time::OffsetDateTime>, _>(4)
                        .map_err(pg("read erasure"))?
                        .map(ms),
                    documents: u64_of(i64::from(
                        r.try_get::<i32, _>(5).map_err(pg("read erasure"))?,
                    )),
                    blobs: u64_of(i64::from(
                        r.try_get::<i32, _>(6).map_err(pg("read erasure"))?,
                    )),
                })
            })
            .collect()
    }
}
