//! Cash-drawer shifts. A shift's events (open with a float, pay-ins, pay-outs, close with
//! the cash counted) are entries in the node's ledger documents, like sales, so they
//! sync and never conflict. While a shift is open on a node, the sales, refunds and
//! voids it writes carry the shift's id; the X and Z reports are computed from those
//! entries and the events alone ([`shift_report`]).
//!
//! Amounts are integer minor units of the clinic's currency. Cash taken is cash paid net
//! of the change given; a refund or void returns its cash payments net of the change
//! the original gave.

use std::collections::{BTreeMap, HashSet};

use automerge::{AutoCommit, ScalarValue};
use serde::Serialize;

use super::{Fields, PaymentMethod, Sale, SaleKind, append_entry, int, text};
use crate::doc::SchemaError;
use crate::validate::{ErrorCode, FieldError, ValidationErrors, text_field};
use crate::{Millis, NodeId, ShiftId, UserId};

/// The ledger map holding shift events.
pub const SHIFTS_MAP: &str = "shifts";

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShiftEventKind {
    /// `amount_minor` is the opening float.
    Open,
    PayIn,
    PayOut,
    /// `amount_minor` is the cash counted.
    Close,
}

impl ShiftEventKind {
    pub const ALL: [ShiftEventKind; 4] = [
        ShiftEventKind::Open,
        ShiftEventKind::PayIn,
        ShiftEventKind::PayOut,
        ShiftEventKind::Close,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            ShiftEventKind::Open => "open",
            ShiftEventKind::PayIn => "pay_in",
            ShiftEventKind::PayOut => "pay_out",
            ShiftEventKind::Close => "close",
        }
    }

    pub fn parse(s: &str) -> Option<ShiftEventKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct ShiftEvent {
    /// A UUIDv7, the entry's key in the ledger.
    pub id: String,
    pub shift_id: ShiftId,
    pub kind: ShiftEventKind,
    pub amount_minor: i64,
    pub reason: String,
    pub at: Millis,
    pub user: Option<String>,
    pub user_id: Option<UserId>,
    pub node_id: NodeId,
}

/// Checks an amount typed for a shift (`field` names it in errors): zero or more, at
/// most a billion major units.
pub fn validate_amount(field: &str, minor: i64) -> Result<i64, ValidationErrors> {
    if minor < 0 {
        return Err(ValidationErrors::single(
            field,
            ErrorCode::NegativeAmount,
            "amount cannot be negative",
        ));
    }
    if minor > 100_000_000_000 {
        return Err(ValidationErrors::single(
            field,
            ErrorCode::InvalidAmount,
            "amount is too large",
        ));
    }
    Ok(minor)
}

/// Checks a pay-in or pay-out: an amount above zero and a reason.
pub fn validate_pay(minor: i64, reason: &str) -> Result<(i64, String), ValidationErrors> {
    let mut e = ValidationErrors::default();
    let amount = match validate_amount("amount", minor) {
        Ok(0) => {
            e.push(FieldError::new(
                "amount",
                ErrorCode::InvalidAmount,
                "amount must be more than zero",
            ));
            None
        }
        Ok(a) => Some(a),
        Err(v) => {
            e.0.extend(v.0);
            None
        }
    };
    let reason = text_field(&mut e, "reason", reason, true, 200, false);
    match (e.is_empty(), amount, reason) {
        (true, Some(a), Some(r)) => Ok((a, r)),
        _ => Err(e),
    }
}

pub fn append_shift_event(doc: &mut AutoCommit, e: &ShiftEvent) -> Result<(), SchemaError> {
    let mut f = Fields::new();
    f.insert("shift_id", text(&e.shift_id.to_string()));
    f.insert("kind", text(e.kind.as_str()));
    f.insert("amount_minor", int(e.amount_minor));
    f.insert("reason", text(&e.reason));
    f.insert(
        "at",
        automerge::hydrate::Value::scalar(ScalarValue::Timestamp(e.at)),
    );
    if let Some(user) = &e.user {
        f.insert("user", text(user));
    }
    if let Some(id) = e.user_id {
        f.insert("user_id", text(&id.to_string()));
    }
    f.insert("node_id", text(&e.node_id.to_string()));
    append_entry(doc, SHIFTS_MAP, e.id.clone(), f)
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct MethodTotal {
    pub method: PaymentMethod,
    /// Taken on sales (cash net of change).
    pub sales: i64,
    /// Returned on refunds and voids.
    pub refunds: i64,
    pub net: i64,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct TaxTotal {
    pub rate_bps: u32,
    /// Net amount including tax, sales less refunds and voids.
    pub gross: i64,
    pub tax: i64,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct ReportedSale {
    pub receipt: String,
    pub kind: SaleKind,
    pub at: Millis,
    pub total_minor: i64,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct PayMove {
    pub at: Millis,
    pub amount: i64,
    pub reason: String,
    pub user: Option<String>,
}

/// An X report (the shift so far) or a Z report (closed). Amounts in minor units.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct ShiftReport {
    pub shift_id: ShiftId,
    pub node_id: NodeId,
    /// "x" while the shift is open, "z" once closed.
    pub report: &'static str,
    pub opened_at: Millis,
    pub opened_by: Option<String>,
    pub closed_at: Option<Millis>,
    pub closed_by: Option<String>,
    pub opening_float: i64,
    /// Cash taken on sales, net of change given.
    pub cash_sales: i64,
    /// Cash returned on refunds and voids.
    pub cash_refunds: i64,
    pub pay_ins: i64,
    pub pay_outs: i64,
    pub expected_cash: i64,
    pub counted_cash: Option<i64>,
    /// Counted less expected: negative when cash is short.
    pub difference: Option<i64>,
    pub by_method: Vec<MethodTotal>,
    pub tax_by_rate: Vec<TaxTotal>,
    pub first_receipt: Option<String>,
    pub last_receipt: Option<String>,
    pub sales_count: usize,
    pub refunds_count: usize,
    pub voids_count: usize,
    /// Net total of sales less refunds and voids.
    pub net_total: i64,
    pub pay_in_moves: Vec<PayMove>,
    pub pay_out_moves: Vec<PayMove>,
    /// Every entry of the shift, exactly once, in receipt order.
    pub sales: Vec<ReportedSale>,
}

/// What an entry moved per payment method: cash net of change.
pub(crate) fn method_amounts(s: &Sale) -> BTreeMap<&'static str, (PaymentMethod, i64)> {
    let mut out = BTreeMap::new();
    for p in &s.payments {
        out.entry(p.method.as_str()).or_insert((p.method, 0)).1 += p.amount_minor;
    }
    if s.change_minor != 0 {
        out.entry(PaymentMethod::Cash.as_str())
            .or_insert((PaymentMethod::Cash, 0))
            .1 -= s.change_minor;
    }
    out
}

fn seq_of(s: &Sale) -> i64 {
    s.chain.as_ref().map_or(0, |c| c.seq)
}

/// The report of `shift` from its events and the entries in `sales` (any order; entries
/// of other shifts and repeats of one entry are ignored). `None` when `events` holds no
/// opening of the shift.
pub fn shift_report(shift: ShiftId, events: &[ShiftEvent], sales: &[Sale]) -> Option<ShiftReport> {
    let mut events: Vec<&ShiftEvent> = events.iter().filter(|e| e.shift_id == shift).collect();
    events.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    let mut seen_events = HashSet::new();
    events.retain(|e| seen_events.insert(e.id.clone()));
    let open = events.iter().find(|e| e.kind == ShiftEventKind::Open)?;
    let close = events.iter().find(|e| e.kind == ShiftEventKind::Close);
    let mut seen = HashSet::new();
    let mut entries: Vec<&Sale> = sales
        .iter()
        .filter(|s| s.shift_id == Some(shift) && seen.insert(s.id))
        .collect();
    entries.sort_by_key(|s| (seq_of(s), s.at, s.id));

    let mut methods: BTreeMap<&'static str, MethodTotal> = PaymentMethod::ALL
        .iter()
        .map(|m| {
            (
                m.as_str(),
                MethodTotal {
                    method: *m,
                    sales: 0,
                    refunds: 0,
                    net: 0,
                },
            )
        })
        .collect();
    let mut taxes: BTreeMap<u32, TaxTotal> = BTreeMap::new();
    let (mut sales_count, mut refunds_count, mut voids_count) = (0, 0, 0);
    let mut net_total = 0i64;
    for s in &entries {
        let sign = match s.kind {
            SaleKind::Sale => {
                sales_count += 1;
                1
            }
            SaleKind::Refund => {
                refunds_count += 1;
                -1
            }
            SaleKind::Void => {
                voids_count += 1;
                -1
            }
        };
        net_total += sign * s.total_minor;
        for (key, (_, amount)) in method_amounts(s) {
            if let Some(m) = methods.get_mut(key) {
                if sign > 0 {
                    m.sales += amount;
                } else {
                    m.refunds += amount;
                }
                m.net += sign * amount;
            }
        }
        for l in &s.lines {
            let t = taxes.entry(l.tax_bps).or_insert(TaxTotal {
                rate_bps: l.tax_bps,
                gross: 0,
                tax: 0,
            });
            t.gross += sign * l.total_minor;
            t.tax += sign * l.tax_minor;
        }
    }
    let moves = |kind: ShiftEventKind| -> Vec<PayMove> {
        events
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| PayMove {
                at: e.at,
                amount: e.amount_minor,
                reason: e.reason.clone(),
                user: e.user.clone(),
            })
            .collect()
    };
    let pay_in_moves = moves(ShiftEventKind::PayIn);
    let pay_out_moves = moves(ShiftEventKind::PayOut);
    let pay_ins: i64 = pay_in_moves.iter().map(|m| m.amount).sum();
    let pay_outs: i64 = pay_out_moves.iter().map(|m| m.amount).sum();
    let cash = methods
        .get(PaymentMethod::Cash.as_str())
        .map_or((0, 0), |m| (m.sales, m.refunds));
    let expected_cash = open.amount_minor + cash.0 - cash.1 + pay_ins - pay_outs;
    let counted_cash = close.map(|c| c.amount_minor);
    Some(ShiftReport {
        shift_id: shift,
        node_id: open.node_id,
        report: if close.is_some() { "z" } else { "x" },
        opened_at: open.at,
        opened_by: open.user.clone(),
        closed_at: close.map(|c| c.at),
        closed_by: close.and_then(|c| c.user.clone()),
        opening_float: open.amount_minor,
        cash_sales: cash.0,
        cash_refunds: cash.1,
        pay_ins,
        pay_outs,
        expected_cash,
        counted_cash,
        difference: counted_cash.map(|c| c - expected_cash),
        by_method: methods.into_values().collect(),
        tax_by_rate: taxes.into_values().collect(),
        first_receipt: entries.first().map(|s| s.receipt.clone()),
        last_receipt: entries.last().map(|s| s.receipt.clone()),
        sales_count,
        refunds_count,
        voids_count,
        net_total,
        pay_in_moves,
        pay_out_moves,
        sales: entries
            .iter()
            .map(|s| ReportedSale {
                receipt: s.receipt.clone(),
                kind: s.kind,
                at: s.at,
                total_minor: s.total_minor,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests;
