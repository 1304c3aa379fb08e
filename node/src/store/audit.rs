//! Reading the audit trail's index rows (`audit_entries`, written by the ledger index).

use rusqlite::{Connection, params_from_iter};
use serde::Serialize;

use super::StoreError;

/// One audit entry as `audit list --json` prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditRow {
    pub id: String,
    /// RFC 3339, UTC, milliseconds.
    pub at: String,
    pub at_ms: i64,
    pub user: String,
    pub user_id: Option<String>,
    pub node: String,
    pub action: String,
    pub target_kind: String,
    pub target: String,
    pub patient: Option<String>,
}

/// Which entries: all of them, or those of one patient, one user, since one instant.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub patient: Option<String>,
    pub user: Option<String>,
    pub from_ms: Option<i64>,
    pub limit: usize,
}

/// Newest first.
pub fn audit_entries(conn: &Connection, f: &AuditFilter) -> Result<Vec<AuditRow>, StoreError> {
    let mut sql = String::from(
        "SELECT id, at, user, user_id, node_id, action, target_kind, target, patient_id
         FROM audit_entries WHERE 1 = 1",
    );
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(p) = &f.patient {
        sql.push_str(" AND patient_id = ?");
        args.push(p.clone().into());
    }
    if let Some(u) = &f.user {
        sql.push_str(" AND lower(user) = lower(?)");
        args.push(u.trim().to_owned().into());
    }
    if let Some(from) = f.from_ms {
        sql.push_str(" AND at >= ?");
        args.push(from.into());
    }
    sql.push_str(" ORDER BY at DESC, id DESC LIMIT ?");
    args.push(i64::try_from(f.limit).unwrap_or(i64::MAX).into());
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), |r| {
        let at: i64 = r.get(1)?;
        Ok(AuditRow {
            id: r.get(0)?,
            at: rfc3339(at),
            at_ms: at,
            user: r.get(2)?,
            user_id: r.get(3)?,
            node: r.get(4)?,
            action: r.get(5)?,
            target_kind: r.get(6)?,
            target: r.get(7)?,
            patient: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn rfc3339(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let f = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    t.format(&f).unwrap_or_default()
}
