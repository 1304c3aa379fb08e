//! Postgres's appointments around now, for the part of a first sync sent before the log
//! (docs/SYNC.md, revision 8), as the embedded store's (`sqlite/booked`).

use dermis_model::{ClinicId, Millis};
use dermis_sync::boot_first::Booked;
use sqlx::PgPool;
use uuid::Uuid;

use super::pg;
use crate::store::StoreError;

/// The clinic's appointments starting in `[from, to)` and not canceled, earliest first,
/// at most `limit` (`DocStore::booked_between`).
pub(super) async fn between(
    pool: &PgPool,
    clinic: ClinicId,
    from: Millis,
    to: Millis,
    limit: usize,
) -> Result<Vec<Booked>, StoreError> {
    let rows: Vec<(Uuid, Option<Uuid>)> = sqlx::query_as(
        "SELECT id, patient_id FROM rm_appointments
         WHERE clinic_id = $1 AND start_at >= $2 AND start_at < $3 AND status <> 'canceled'
         ORDER BY start_at, id LIMIT $4",
    )
    .bind(clinic.0)
    .bind(from)
    .bind(to)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(pg("list the appointments around now"))?;
    Ok(rows
        .into_iter()
        .map(|(appointment, patient)| Booked {
            appointment,
            patient,
        })
        .collect())
}
