//! The embedded store's audit queries (`audit_entries`, written by the projection step).

use dermis_model::ClinicId;
use rusqlite::{Connection, params};

use super::lite;
use crate::store::StoreError;
use crate::store::hooks::{AuditInfo, AuditQuery};

pub(super) fn entries(
    conn: &Connection,
    clinics: Option<String>,
    q: &AuditQuery,
) -> Result<Vec<AuditInfo>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT clinic_id, id, at, user_name, user_id, node_id, action, target_kind, target, patient_id
             FROM audit_entries
             WHERE (?1 IS NULL OR clinic_id IN (SELECT value FROM json_each(?1)))
               AND (?2 IS NULL OR clinic_id = ?2)
               AND (?3 IS NULL OR lower(user_name) = lower(?3))
               AND (?4 IS NULL OR patient_id = ?4)
               AND (?5 IS NULL OR at >= ?5)
               AND (?6 IS NULL OR at < ?6)
               AND (?7 IS NULL OR at < ?7 OR (?9 IS NOT NULL AND at = ?7 AND id < ?9))
             ORDER BY at DESC, id DESC LIMIT ?8",
        )
        .map_err(lite("list audit entries"))?;
    let rows = stmt
        .query_map(
            params![
                clinics,
                q.clinic.map(|c| c.to_string()),
                q.user,
                q.patient,
                q.from,
                q.to,
                q.before,
                i64::from(q.limit),
                q.before_id
            ],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    AuditInfo {
                        clinic_id: ClinicId(uuid::Uuid::nil()),
                        id: r.get(1)?,
                        at: r.get(2)?,
                        user: r.get(3)?,
                        user_id: r.get(4)?,
                        node_id: r.get(5)?,
                        action: r.get(6)?,
                        target_kind: r.get(7)?,
                        target: r.get(8)?,
                        patient: r.get(9)?,
                    },
                ))
            },
        )
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(lite("list audit entries"))?;
    rows.into_iter()
        .map(|(clinic, mut info)| {
            info.clinic_id = clinic
                .parse()
                .map(ClinicId)
                .map_err(|_| StoreError::BadRow {
                    what: "audit_entries.clinic_id",
                    value: clinic,
                })?;
            Ok(info)
        })
        .collect()
}
