//! The till's index reads: shifts, the ledgers a report or a chain check reads, sales by
//! receipt of any kind.

use rusqlite::{Connection, OptionalExtension};

use super::StoreError;
use super::queries::{SALE_SELECT, SaleRow, sale_row};

/// A shift event as indexed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ShiftEventRow {
    pub id: String,
    pub shift_id: String,
    pub kind: String,
    pub amount_minor: i64,
    pub reason: String,
    pub at: i64,
    pub user: Option<String>,
    pub node_id: String,
}

/// The shift open on `node_id`: its latest opening that no close followed.
pub fn open_shift(conn: &Connection, node_id: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT o.shift_id FROM shift_events o
             WHERE o.node_id = ?1 AND o.kind = 'open'
               AND NOT EXISTS (SELECT 1 FROM shift_events c WHERE c.shift_id = o.shift_id AND c.kind = 'close')
             ORDER BY o.at DESC, o.id DESC LIMIT 1",
            [node_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The shift `node_id` closed last.
pub fn last_closed_shift(conn: &Connection, node_id: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT shift_id FROM shift_events WHERE node_id = ?1 AND kind = 'close'
             ORDER BY at DESC, id DESC LIMIT 1",
            [node_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// A shift as the list of past shifts shows it: who opened and closed it, and when.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ShiftRow {
    pub shift_id: String,
    pub node_id: String,
    pub opened_at: i64,
    pub opened_by: Option<String>,
    pub closed_at: Option<i64>,
    pub closed_by: Option<String>,
}

/// The `limit` latest shifts opened on `node_id`, newest first, open or closed.
pub fn shifts(conn: &Connection, node_id: &str, limit: usize) -> Result<Vec<ShiftRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.shift_id, o.node_id, o.at, o.user, c.at, c.user FROM shift_events o
         LEFT JOIN shift_events c ON c.shift_id = o.shift_id AND c.kind = 'close'
         WHERE o.node_id = ?1 AND o.kind = 'open'
         ORDER BY o.at DESC, o.id DESC LIMIT ?2",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt.query_map(rusqlite::params![node_id, limit], |r| {
        Ok(ShiftRow {
            shift_id: r.get(0)?,
            node_id: r.get(1)?,
            opened_at: r.get(2)?,
            opened_by: r.get(3)?,
            closed_at: r.get(4)?,
            closed_by: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn shift_events(conn: &Connection, shift_id: &str) -> Result<Vec<ShiftEventRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, shift_id, kind, amount_minor, reason, at, user, node_id FROM shift_events
         WHERE shift_id = ?1 ORDER BY at, id",
    )?;
    let rows = stmt.query_map([shift_id], |r| {
        Ok(ShiftEventRow {
            id: r.get(0)?,
            shift_id: r.get(1)?,
            kind: r.get(2)?,
            amount_minor: r.get(3)?,
            reason: r.get(4)?,
            at: r.get(5)?,
            user: r.get(6)?,
            node_id: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The ledger documents holding entries of a shift.
pub fn ledgers_of_shift(conn: &Connection, shift_id: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT DISTINCT ledger_id FROM sales WHERE shift_id = ?1")?;
    let rows = stmt.query_map([shift_id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every ledger document, or those of the days `from..=to` (YYYY-MM-DD), oldest first.
pub fn ledgers(conn: &Connection, days: Option<(&str, &str)>) -> Result<Vec<String>, StoreError> {
    let (from, to) = days.unwrap_or(("", "9999-12-31"));
    let mut stmt = conn.prepare_cached(
        "SELECT doc_id FROM ledgers WHERE day >= ?1 AND day <= ?2 ORDER BY day, doc_id",
    )?;
    let rows = stmt.query_map([from, to], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A sale, refund or void by its receipt number.
pub fn entry_by_receipt(conn: &Connection, receipt: &str) -> Result<Option<SaleRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SALE_SELECT} WHERE s.receipt = ?1 ORDER BY s.at LIMIT 1"
    ))?;
    Ok(stmt.query_row([receipt.trim()], sale_row).optional()?)
}

/// The sales, refunds and voids linked to any of `patients` (a patient and those merged
/// into them), newest first, at most `limit`.
pub fn entries_of_patients(
    conn: &Connection,
    patients: &[String],
    limit: usize,
) -> Result<Vec<SaleRow>, StoreError> {
    if patients.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; patients.len()].join(", ");
    let mut stmt = conn.prepare(&format!(
        "{SALE_SELECT} WHERE s.patient_id IN ({marks}) ORDER BY s.at DESC LIMIT {limit}"
    ))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(patients), sale_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A workstation's code (`N2`) as its receipt numbers carry it, if it has sold anything
/// this node knows of: how a screen names another workstation without asking the hub.
pub fn node_code(conn: &Connection, node_id: &str) -> Result<Option<String>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT receipt FROM sales WHERE node_id = ?1 LIMIT 1")?;
    let receipt: Option<String> = stmt.query_row([node_id], |r| r.get(0)).optional()?;
    Ok(receipt.and_then(|r| r.split_once('-').map(|(code, _)| code.to_owned())))
}
