//! The embedded store's appointments around now, for the part of a first sync sent
//! before the log (docs/SYNC.md, revision 8): read from the `rm_appointments` read
//! model, whose patient ids already follow merges and lose erased patients.

use dermis_model::{ClinicId, Millis};
use dermis_sync::boot_first::Booked;
use rusqlite::{Connection, params};

use super::{lite, parse_uuid};
use crate::store::StoreError;

/// The clinic's appointments starting in `[from, to)` and not canceled, earliest first,
/// at most `limit` (`DocStore::booked_between`).
pub(super) fn between(
    conn: &Connection,
    clinic: ClinicId,
    from: Millis,
    to: Millis,
    limit: usize,
) -> Result<Vec<Booked>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, patient_id FROM rm_appointments
             WHERE clinic_id = ?1 AND start_at >= ?2 AND start_at < ?3 AND status <> 'canceled'
             ORDER BY start_at, id LIMIT ?4",
        )
        .map_err(lite("list the appointments around now"))?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt
        .query_map(params![clinic.to_string(), from, to, limit], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(lite("list the appointments around now"))?;
    rows.into_iter()
        .map(|(id, patient)| {
            Ok(Booked {
                appointment: parse_uuid("rm_appointments.id", &id)?,
                patient: patient
                    .map(|p| parse_uuid("rm_appointments.patient_id", &p))
                    .transpose()?,
            })
        })
        .collect()
}
