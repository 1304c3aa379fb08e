//! Reading the audit trail's index rows (`audit_entries`, written by the ledger index),
//! and the queue of entries not yet moved into a ledger document (`audit_queue`): read
//! together, so an entry shows in the trail from the moment it is recorded.

use dermis_model::audit::{AuditAction, AuditEntry, AuditTarget};
use rusqlite::types::{Type, Value};
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
    /// The reason given, for the actions that ask for one (a refund, a void).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Which entries: all of them, or those of one patient, one user, since one instant.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub patient: Option<String>,
    pub user: Option<String>,
    pub from_ms: Option<i64>,
    pub limit: usize,
}

/// Newest first, queued entries included (an entry leaves the queue in the transaction
/// that indexes it from its ledger, so it is never in both).
pub fn audit_entries(conn: &Connection, f: &AuditFilter) -> Result<Vec<AuditRow>, StoreError> {
    let mut filter = String::new();
    let mut one: Vec<Value> = Vec::new();
    if let Some(p) = &f.patient {
        filter.push_str(" AND patient_id = ?");
        one.push(p.clone().into());
    }
    if let Some(u) = &f.user {
        filter.push_str(" AND lower(user) = lower(?)");
        one.push(u.trim().to_owned().into());
    }
    if let Some(from) = f.from_ms {
        filter.push_str(" AND at >= ?");
        one.push(from.into());
    }
    let columns = "id, at, user, user_id, node_id, action, target_kind, target, patient_id, reason";
    let sql = format!(
        "SELECT {columns} FROM audit_entries WHERE 1 = 1{filter}
         UNION ALL
         SELECT {columns} FROM audit_queue WHERE 1 = 1{filter}
         ORDER BY at DESC, id DESC LIMIT ?"
    );
    let mut args = one.clone();
    args.extend(one);
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
            reason: r.get(9)?,
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

/// An entry's columns as `audit_entries` and `audit_queue` both hold them, in this order:
/// id, at, user, user_id, node_id, action, target_kind, target, patient_id, reason.
pub(super) fn entry_columns(entry: &AuditEntry) -> [Value; 10] {
    [
        entry.id.clone().into(),
        entry.at.into(),
        entry.user.clone().into(),
        entry.user_id.map(|u| u.to_string()).into(),
        entry.node_id.to_string().into(),
        entry.action.as_str().to_owned().into(),
        entry.target.kind.clone().into(),
        entry.target.id.clone().into(),
        entry.target.patient.map(|p| p.to_string()).into(),
        entry.reason.clone().into(),
    ]
}

/// Puts `entry` in the queue: one row in a table without indexes, durable when the
/// statement returns (its own transaction, or the caller's).
pub fn enqueue(conn: &Connection, entry: &AuditEntry) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO audit_queue(id, at, user, user_id, node_id, action, target_kind, target, patient_id, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params_from_iter(entry_columns(entry)))?;
    Ok(())
}

/// The queued entries, oldest first, each with its place in the queue.
pub fn queued(conn: &Connection) -> Result<Vec<(i64, AuditEntry)>, StoreError> {
    fn parsed<T: std::str::FromStr>(column: usize, text: &str) -> rusqlite::Result<T> {
        text.parse().map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                column,
                Type::Text,
                format!("not an id: {}", text.chars().take(40).collect::<String>()).into(),
            )
        })
    }
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, at, user, user_id, node_id, action, target_kind, target, patient_id, reason
         FROM audit_queue ORDER BY seq",
    )?;
    let rows = stmt.query_map([], |r| {
        let action: String = r.get(6)?;
        let user_id: Option<String> = r.get(4)?;
        let patient: Option<String> = r.get(9)?;
        Ok((
            r.get(0)?,
            AuditEntry {
                id: r.get(1)?,
                at: r.get(2)?,
                user: r.get(3)?,
                user_id: user_id.map(|u| parsed(4, &u)).transpose()?,
                node_id: parsed(5, &r.get::<_, String>(5)?)?,
                action: AuditAction::parse(&action).ok_or_else(|| {
                    rusqlite::Error::FromSqlConversionFailure(
                        6,
                        Type::Text,
                        format!("not an audit action: {action}").into(),
                    )
                })?,
                target: AuditTarget {
                    kind: r.get(7)?,
                    id: r.get(8)?,
                    patient: patient.map(|p| parsed(9, &p)).transpose()?,
                },
                reason: r.get(10)?,
            },
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Removes the queued entries up to `seq` (moved into their ledgers).
pub fn dequeue_through(conn: &Connection, seq: i64) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM audit_queue WHERE seq <= ?1")?
        .execute([seq])?;
    Ok(())
}

/// How many entries wait in the queue.
pub fn queue_len(conn: &Connection) -> Result<usize, StoreError> {
    let n: i64 = conn.query_row("SELECT count(*) FROM audit_queue", [], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}
