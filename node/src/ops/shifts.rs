//! Cash-drawer shifts on this node: open with a float, pay-ins and pay-outs, the X report
//! (the open shift so far) and the Z report (close with the cash counted). Events are
//! entries in this node's day ledger, like sales (see `dermis_model::ledger::shift`).

use dermis_model::clinic::Permission;
use dermis_model::ledger::{self, ShiftEvent, ShiftEventKind, ShiftReport, shift};
use dermis_model::{DocId, ErrorCode, ShiftId, ValidationErrors};

use super::catalog::{day_of, ledger_for_day};
use super::parse_id;
use crate::node::{Node, OpError, Session, doc_error};
use crate::store::pos::{self, ShiftEventRow};

fn no_open_shift() -> OpError {
    ValidationErrors::single(
        "shift",
        ErrorCode::NoOpenShift,
        "no shift is open on this workstation (shift open --float AMOUNT)",
    )
    .into()
}

/// The shift open on this node, if any.
pub fn open_shift(node: &Node) -> Result<Option<ShiftId>, OpError> {
    pos::open_shift(node.store.conn(), &node.identity.node_id.to_string())?
        .map(|id| parse_id("shift", &id))
        .transpose()
}

fn append(
    node: &mut Node,
    session: &Session,
    shift_id: ShiftId,
    kind: ShiftEventKind,
    amount_minor: i64,
    reason: String,
) -> Result<(), OpError> {
    let identity = node.identity.clone();
    let actor = node.actor();
    let mut tx = node.begin(session)?;
    let at = tx.now();
    let event = ShiftEvent {
        id: uuid::Uuid::now_v7().to_string(),
        shift_id,
        kind,
        amount_minor,
        reason,
        at,
        user: Some(session.author().name),
        user_id: session.user_id(),
        node_id: identity.node_id,
    };
    let ledger_id = ledger_for_day(&mut tx, &identity, &actor, &day_of(at))?;
    let doc = tx.edit(ledger_id)?.ok_or(OpError::NoClinic)?;
    shift::append_shift_event(doc, &event).map_err(doc_error(ledger_id))?;
    tx.commit()?;
    Ok(())
}

/// Opens a shift with the counted float. One shift at a time per node.
pub fn open(node: &mut Node, session: &Session, float_minor: i64) -> Result<ShiftId, OpError> {
    session.require(Permission::Sell)?;
    let float_minor = shift::validate_amount("float", float_minor)?;
    if open_shift(node)?.is_some() {
        return Err(ValidationErrors::single(
            "shift",
            ErrorCode::ShiftOpen,
            "a shift is already open on this workstation (shift close --counted AMOUNT)",
        )
        .into());
    }
    let id = ShiftId::new();
    append(
        node,
        session,
        id,
        ShiftEventKind::Open,
        float_minor,
        String::new(),
    )?;
    Ok(id)
}

/// Records cash put into (`PayIn`) or taken out of (`PayOut`) the drawer.
pub fn pay(
    node: &mut Node,
    session: &Session,
    kind: ShiftEventKind,
    amount_minor: i64,
    reason: &str,
) -> Result<(), OpError> {
    session.require(Permission::Sell)?;
    let (amount, reason) = shift::validate_pay(amount_minor, reason)?;
    let id = open_shift(node)?.ok_or_else(no_open_shift)?;
    append(node, session, id, kind, amount, reason)
}

/// The X report of the open shift.
pub fn x_report(node: &mut Node, session: &Session) -> Result<ShiftReport, OpError> {
    session.require(Permission::Sell)?;
    let id = open_shift(node)?.ok_or_else(no_open_shift)?;
    report(node, id)
}

/// Closes the open shift with the cash counted; returns its Z report.
pub fn close(
    node: &mut Node,
    session: &Session,
    counted_minor: i64,
) -> Result<ShiftReport, OpError> {
    session.require(Permission::Sell)?;
    let counted = shift::validate_amount("counted", counted_minor)?;
    let id = open_shift(node)?.ok_or_else(no_open_shift)?;
    append(
        node,
        session,
        id,
        ShiftEventKind::Close,
        counted,
        String::new(),
    )?;
    report(node, id)
}

/// A past or open shift in the list the Shift screen shows.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ShiftSummary {
    pub shift_id: ShiftId,
    pub opened_at: dermis_model::Millis,
    pub opened_by: Option<String>,
    pub closed_at: Option<dermis_model::Millis>,
    pub closed_by: Option<String>,
    pub expected_cash: i64,
    pub counted_cash: Option<i64>,
    /// Counted less expected, once closed: negative when cash was short.
    pub difference: Option<i64>,
}

/// The `limit` latest shifts of this node, newest first, each with its figures from its
/// report (a shift's difference is computed, not stored, like the rest of a Z report).
pub fn list(
    node: &mut Node,
    session: &Session,
    limit: usize,
) -> Result<Vec<ShiftSummary>, OpError> {
    session.require(Permission::Sell)?;
    let rows = pos::shifts(node.store.conn(), &node.identity.node_id.to_string(), limit)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id: ShiftId = parse_id("shift", &row.shift_id)?;
        let r = report(node, id)?;
        out.push(ShiftSummary {
            shift_id: id,
            opened_at: row.opened_at,
            opened_by: row.opened_by,
            closed_at: row.closed_at,
            closed_by: row.closed_by,
            expected_cash: r.expected_cash,
            counted_cash: r.counted_cash,
            difference: r.difference,
        });
    }
    Ok(out)
}

/// The report of any shift: X while it is open, Z once closed.
pub fn report_of(node: &mut Node, session: &Session, id: ShiftId) -> Result<ShiftReport, OpError> {
    session.require(Permission::Sell)?;
    report(node, id)
}

fn event_of(row: ShiftEventRow) -> Result<ShiftEvent, OpError> {
    Ok(ShiftEvent {
        shift_id: parse_id("shift", &row.shift_id)?,
        kind: ShiftEventKind::parse(&row.kind).ok_or_else(|| {
            OpError::Invalid(ValidationErrors::single(
                "shift",
                ErrorCode::InvalidStatus,
                format!("unknown shift event {:?}", row.kind),
            ))
        })?,
        node_id: parse_id("node", &row.node_id)?,
        id: row.id,
        amount_minor: row.amount_minor,
        reason: row.reason,
        at: row.at,
        user: row.user,
        user_id: None,
    })
}

/// The report of a shift: its events from the index, its entries from the ledgers that
/// hold them (a report needs each line's tax rate and payments).
pub fn report(node: &mut Node, id: ShiftId) -> Result<ShiftReport, OpError> {
    let key = id.to_string();
    let events = pos::shift_events(node.store.conn(), &key)?
        .into_iter()
        .map(event_of)
        .collect::<Result<Vec<_>, _>>()?;
    let mut sales = Vec::new();
    for ledger_id in pos::ledgers_of_shift(node.store.conn(), &key)? {
        let ledger_id: DocId = parse_id("ledger", &ledger_id)?;
        if let Some(read) = node.store.with_doc(ledger_id, ledger::read_ledger)? {
            let l = read.map_err(doc_error(ledger_id))?;
            sales.extend(l.sales.into_iter().filter(|s| s.shift_id == Some(id)));
        }
    }
    shift::shift_report(id, &events, &sales).ok_or_else(no_open_shift)
}
