//! Sales and stock are append-only ledgers. Each node writes its own ledger documents
//! (one per node per day), so ledgers never conflict. A completed sale is immutable; a
//! refund or a void is a new entry pointing at it. Stock on hand is derived from the
//! movements, and a sale writes its OUT movements in the same edit.

use automerge::{ActorId, AutoCommit, ScalarValue, transaction::Transactable};
use serde::Serialize;

use crate::doc::{self, DocMeta, DocType, SchemaError};
use crate::validate::{ErrorCode, FieldError, ValidationErrors, text_field};
use crate::{
    ClinicId, Currency, DocId, Millis, MovementId, NodeId, PatientId, ProductId, SaleId, ShiftId,
    UserId,
};

pub mod chain;
mod read;
pub mod report;
pub mod shift;
pub mod tax;

pub use chain::{ChainLink, ChainReport};
pub use read::{LedgerPart, added_since, read_ledger, read_ledger_new, read_ledger_only};
pub use shift::{ShiftEvent, ShiftEventKind, ShiftReport};
pub use tax::TaxMode;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    In,
    Out,
    Adjust,
}

impl MovementKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            MovementKind::In => "in",
            MovementKind::Out => "out",
            MovementKind::Adjust => "adjust",
        }
    }

    pub fn parse(s: &str) -> Option<MovementKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "in" => Some(MovementKind::In),
            "out" => Some(MovementKind::Out),
            "adjust" => Some(MovementKind::Adjust),
            _ => None,
        }
    }

    /// The signed effect on stock of `qty` units of this kind. IN and OUT take a positive
    /// count; ADJUST takes a signed correction (−2 for two damaged jars).
    pub fn delta(&self, qty: i64) -> i64 {
        match self {
            MovementKind::In | MovementKind::Adjust => qty,
            MovementKind::Out => -qty,
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct StockMovement {
    pub id: MovementId,
    pub product_id: ProductId,
    pub sku: String,
    pub kind: MovementKind,
    pub qty: i64,
    pub reason: String,
    pub user: Option<String>,
    pub user_id: Option<UserId>,
    pub at: Millis,
    pub node_id: NodeId,
    pub sale_id: Option<SaleId>,
}

impl StockMovement {
    pub fn delta(&self) -> i64 {
        self.kind.delta(self.qty)
    }
}

/// Checks a stock movement as typed.
pub fn validate_movement(
    kind: MovementKind,
    qty: &str,
    reason: &str,
) -> Result<(i64, String), ValidationErrors> {
    let mut e = ValidationErrors::default();
    let qty = match qty.trim().parse::<i64>() {
        Ok(q) if kind == MovementKind::Adjust && q != 0 && q.abs() <= 1_000_000 => Some(q),
        Ok(q) if kind != MovementKind::Adjust && (1..=1_000_000).contains(&q) => Some(q),
        _ => {
            let (min, msg) = if kind == MovementKind::Adjust {
                (
                    -1_000_000,
                    "quantity must be a non-zero whole number (negative to remove stock)",
                )
            } else {
                (1, "quantity must be a whole number of at least 1")
            };
            e.push(FieldError::new("qty", ErrorCode::InvalidQuantity, msg).with_param("min", min));
            None
        }
    };
    let reason = text_field(&mut e, "reason", reason, true, 200, false);
    match (e.is_empty(), qty, reason) {
        (true, Some(q), Some(r)) => Ok((q, r)),
        _ => Err(e),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SaleKind {
    Sale,
    Refund,
    Void,
}

impl SaleKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            SaleKind::Sale => "sale",
            SaleKind::Refund => "refund",
            SaleKind::Void => "void",
        }
    }

    pub fn parse(s: &str) -> Option<SaleKind> {
        [SaleKind::Sale, SaleKind::Refund, SaleKind::Void]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    Card,
    Other,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 3] = [
        PaymentMethod::Cash,
        PaymentMethod::Card,
        PaymentMethod::Other,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Card => "card",
            PaymentMethod::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<PaymentMethod> {
        PaymentMethod::ALL
            .into_iter()
            .find(|m| m.as_str() == s.trim().to_ascii_lowercase())
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct SaleLine {
    pub product_id: ProductId,
    pub sku: String,
    pub name: String,
    pub qty: i64,
    pub unit_minor: i64,
    pub discount_minor: i64,
    pub tax_bps: u32,
    /// The tax included in `total_minor`.
    pub tax_minor: i64,
    pub total_minor: i64,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct Payment {
    pub method: PaymentMethod,
    pub amount_minor: i64,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Sale {
    pub id: SaleId,
    /// Node-scoped human number, e.g. `N3-000123`.
    pub receipt: String,
    pub kind: SaleKind,
    /// For refunds and voids: the sale they reverse.
    pub original_id: Option<SaleId>,
    pub at: Millis,
    pub cashier: Option<String>,
    pub cashier_id: Option<UserId>,
    pub node_id: NodeId,
    pub currency: Currency,
    pub lines: Vec<SaleLine>,
    /// Sum of quantity × unit price, before discounts.
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub payments: Vec<Payment>,
    pub change_minor: i64,
    /// The patient the sale was made to, when the cashier attached one.
    pub patient_id: Option<PatientId>,
    /// The cash-drawer shift open on the node when the entry was written.
    pub shift_id: Option<ShiftId>,
    /// Why a refund or void was made, as the cashier gave it (`None` for a sale, and for
    /// entries written before reasons were asked for).
    pub reason: Option<String>,
    /// The entry's place in its node's receipt chain; `None` for entries written before
    /// receipts were chained (a legacy prefix).
    pub chain: Option<ChainLink>,
}

/// A line in the cart: a product at its current price, a quantity and a discount.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CartLine {
    pub product_id: ProductId,
    pub sku: String,
    pub name: String,
    pub unit_minor: i64,
    pub tax_bps: u32,
    pub qty: i64,
    pub discount_minor: i64,
}

/// The priced cart: what a sale entry will hold, before ids and receipt are assigned.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Priced {
    pub lines: Vec<SaleLine>,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub payments: Vec<Payment>,
    pub paid_minor: i64,
    pub change_minor: i64,
}

/// Tax included in a tax-inclusive amount, rounded half away from zero (so a refund's
/// tax mirrors the sale's): amount × r / (1 + r).
pub fn included_tax(amount_minor: i64, bps: u32) -> i64 {
    let bps = i128::from(bps);
    let num = i128::from(amount_minor).abs() * bps;
    let den = 10_000 + bps;
    let tax = (2 * num + den) / (2 * den) * i128::from(amount_minor.signum());
    i64::try_from(tax).unwrap_or(i64::MAX)
}

fn overflow(field: &str) -> FieldError {
    FieldError::new(field, ErrorCode::InvalidAmount, "amount is too large")
}

/// Prices a cart whose prices include tax; see [`price_cart_with`].
pub fn price_cart(cart: &[CartLine], payments: &[Payment]) -> Result<Priced, ValidationErrors> {
    price_cart_with(cart, payments, TaxMode::Included)
}

/// Prices a cart and checks the payments, with tax included in the prices or added on
/// top of them (`mode`, the clinic's setting). Cash may be over-tendered (change is given
/// from cash); card and other payments may not exceed what is due.
pub fn price_cart_with(
    cart: &[CartLine],
    payments: &[Payment],
    mode: TaxMode,
) -> Result<Priced, ValidationErrors> {
    let mut e = ValidationErrors::default();
    if cart.is_empty() {
        e.add(
            "item",
            ErrorCode::EmptyCart,
            "a sale needs at least one item",
        );
    }
    let mut lines = Vec::with_capacity(cart.len());
    let (mut subtotal, mut discount, mut tax, mut total) = (0i64, 0i64, 0i64, 0i64);
    for (i, line) in cart.iter().enumerate() {
        if line.qty < 1 || line.qty > 100_000 {
            e.push(
                FieldError::new(
                    format!("item[{i}].qty"),
                    ErrorCode::InvalidQuantity,
                    "quantity must be at least 1",
                )
                .with_param("min", 1),
            );
            continue;
        }
        let Some(gross) = line.unit_minor.checked_mul(line.qty) else {
            e.push(overflow(&format!("item[{i}]")));
            continue;
        };
        if line.discount_minor < 0 {
            e.add(
                format!("item[{i}].discount"),
                ErrorCode::NegativeAmount,
                "discount cannot be negative",
            );
            continue;
        }
        if line.discount_minor > gross {
            e.add(
                format!("item[{i}].discount"),
                ErrorCode::DiscountTooLarge,
                "discount cannot exceed the line amount",
            );
            continue;
        }
        let Some((line_tax, line_total)) =
            tax::line_tax(gross - line.discount_minor, line.tax_bps, mode)
        else {
            e.push(overflow(&format!("item[{i}]")));
            continue;
        };
        let sums = (
            subtotal.checked_add(gross),
            discount.checked_add(line.discount_minor),
            tax.checked_add(line_tax),
            total.checked_add(line_total),
        );
        let (Some(s), Some(d), Some(t), Some(tt)) = sums else {
            e.push(overflow("total"));
            continue;
        };
        (subtotal, discount, tax, total) = (s, d, t, tt);
        lines.push(SaleLine {
            product_id: line.product_id,
            sku: line.sku.clone(),
            name: line.name.clone(),
            qty: line.qty,
            unit_minor: line.unit_minor,
            discount_minor: line.discount_minor,
            tax_bps: line.tax_bps,
            tax_minor: line_tax,
            total_minor: line_total,
        });
    }
    let mut paid = 0i64;
    let mut cash = 0i64;
    for (i, p) in payments.iter().enumerate() {
        if p.amount_minor <= 0 {
            e.add(
                format!("payment[{i}]"),
                ErrorCode::InvalidAmount,
                "a payment must be more than zero",
            );
            continue;
        }
        paid = paid.saturating_add(p.amount_minor);
        if p.method == PaymentMethod::Cash {
            cash = cash.saturating_add(p.amount_minor);
        }
    }
    let mut change = 0;
    if e.is_empty() {
        if paid < total {
            e.add(
                "payment",
                ErrorCode::InsufficientPayment,
                format!("payments cover {paid} of {total} (minor units)"),
            );
        } else {
            change = paid - total;
            if change > cash {
                e.add("payment", ErrorCode::ChangeWithoutCash, "only cash can be over-tendered; card and other payments must not exceed what is due");
            }
        }
    }
    e.into_result(Priced {
        lines,
        subtotal_minor: subtotal,
        discount_minor: discount,
        tax_minor: tax,
        total_minor: total,
        payments: payments.to_vec(),
        paid_minor: paid,
        change_minor: change,
    })
}

/// Prices a refund of `returns` (line index, quantity) from `original`, given how many of
/// each line were refunded before. Discounts are returned pro rata, rounding in favour
/// of the clinic's books (down).
pub fn price_refund(
    original: &Sale,
    returns: &[(usize, i64)],
    already: &[i64],
    method: PaymentMethod,
) -> Result<Priced, ValidationErrors> {
    let mut e = ValidationErrors::default();
    if original.kind != SaleKind::Sale {
        e.add(
            "sale",
            ErrorCode::UnknownSale,
            "only a sale can be refunded",
        );
        return Err(e);
    }
    let mut lines = Vec::new();
    let (mut subtotal, mut discount, mut tax, mut total) = (0i64, 0i64, 0i64, 0i64);
    for &(index, qty) in returns {
        let Some(line) = original.lines.get(index) else {
            e.add(
                format!("item[{index}]"),
                ErrorCode::UnknownSku,
                "no such line on the sale",
            );
            continue;
        };
        let left = line.qty - already.get(index).copied().unwrap_or(0);
        if qty < 1 || qty > left {
            e.add(
                format!("item[{index}].qty"),
                ErrorCode::RefundExceedsSale,
                format!("at most {left} can still be refunded"),
            );
            continue;
        }
        let gross = line.unit_minor * qty;
        let disc = line.discount_minor * qty / line.qty;
        // Priced the way the sale was, whatever the clinic's setting is now.
        let mode = tax::mode_of_line(
            line.qty,
            line.unit_minor,
            line.discount_minor,
            line.total_minor,
        );
        // No more than the sale's own line, which fitted: this cannot overflow.
        let (line_tax, line_total) =
            tax::line_tax(gross - disc, line.tax_bps, mode).unwrap_or((0, gross - disc));
        subtotal += gross;
        discount += disc;
        tax += line_tax;
        total += line_total;
        lines.push(SaleLine {
            qty,
            discount_minor: disc,
            tax_minor: line_tax,
            total_minor: line_total,
            ..line.clone()
        });
    }
    if lines.is_empty() && e.is_empty() {
        e.add(
            "item",
            ErrorCode::EmptyCart,
            "a refund needs at least one item",
        );
    }
    let payments = vec![Payment {
        method,
        amount_minor: total,
    }];
    e.into_result(Priced {
        lines,
        subtotal_minor: subtotal,
        discount_minor: discount,
        tax_minor: tax,
        total_minor: total,
        payments,
        paid_minor: total,
        change_minor: 0,
    })
}

/// A void of `original`: every line and payment reversed, with the change it gave, so the
/// cash a void returns is the cash the sale took.
pub fn price_void(original: &Sale) -> Priced {
    Priced {
        lines: original.lines.clone(),
        subtotal_minor: original.subtotal_minor,
        discount_minor: original.discount_minor,
        tax_minor: original.tax_minor,
        total_minor: original.total_minor,
        payments: original.payments.clone(),
        paid_minor: original.payments.iter().map(|p| p.amount_minor).sum(),
        change_minor: original.change_minor,
    }
}

/// One ledger document: one node's sales and stock movements for one day.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Ledger {
    pub id: DocId,
    pub node_id: NodeId,
    pub day: String,
    pub movements: Vec<StockMovement>,
    pub sales: Vec<Sale>,
    /// Who did what on this node that day (see [`crate::audit`]).
    pub audit: Vec<crate::audit::AuditEntry>,
    /// Cash-drawer shift events (see [`shift`]).
    pub shifts: Vec<ShiftEvent>,
}

pub fn create_ledger(
    id: DocId,
    clinic: ClinicId,
    node: NodeId,
    day: &str,
    actor: ActorId,
) -> Result<AutoCommit, SchemaError> {
    let meta = DocMeta::new(DocType::Ledger, clinic, id);
    let mut doc = doc::create(&meta, actor)?;
    doc::put_str(&mut doc, &automerge::ROOT, "node_id", &node.to_string())?;
    doc::put_str(&mut doc, &automerge::ROOT, "day", day)?;
    doc::ensure_map(&mut doc, &automerge::ROOT, "movements")?;
    doc::ensure_map(&mut doc, &automerge::ROOT, "sales")?;
    doc::ensure_map(&mut doc, &automerge::ROOT, crate::audit::AUDIT_MAP)?;
    Ok(doc)
}

type Fields = std::collections::HashMap<&'static str, automerge::hydrate::Value>;

fn text(v: &str) -> automerge::hydrate::Value {
    automerge::hydrate::Value::scalar(v)
}

fn int(v: i64) -> automerge::hydrate::Value {
    automerge::hydrate::Value::scalar(v)
}

/// Ledger entries are written once and never edited, so each is created in one batch
/// (several times faster than field by field in a ledger holding a day of sales).
fn append_entry(
    doc: &mut AutoCommit,
    map_key: &str,
    id: String,
    fields: Fields,
) -> Result<(), SchemaError> {
    let map = doc::ensure_map(doc, &automerge::ROOT, map_key)?;
    doc.batch_create_object(&map, id, &automerge::hydrate::Value::from(fields), false)?;
    Ok(())
}

pub fn append_movement(doc: &mut AutoCommit, m: &StockMovement) -> Result<(), SchemaError> {
    let mut f = Fields::new();
    f.insert("product_id", text(&m.product_id.to_string()));
    f.insert("sku", text(&m.sku));
    f.insert("kind", text(m.kind.as_str()));
    f.insert("qty", int(m.qty));
    f.insert("reason", text(&m.reason));
    if let Some(user) = &m.user {
        f.insert("user", text(user));
    }
    if let Some(id) = m.user_id {
        f.insert("user_id", text(&id.to_string()));
    }
    f.insert(
        "at",
        automerge::hydrate::Value::scalar(ScalarValue::Timestamp(m.at)),
    );
    f.insert("node_id", text(&m.node_id.to_string()));
    if let Some(sale) = m.sale_id {
        f.insert("sale_id", text(&sale.to_string()));
    }
    append_entry(doc, "movements", m.id.to_string(), f)
}

pub fn append_sale(doc: &mut AutoCommit, s: &Sale) -> Result<(), SchemaError> {
    let mut f = Fields::new();
    f.insert("receipt", text(&s.receipt));
    f.insert("kind", text(s.kind.as_str()));
    if let Some(orig) = s.original_id {
        f.insert("original_id", text(&orig.to_string()));
    }
    f.insert(
        "at",
        automerge::hydrate::Value::scalar(ScalarValue::Timestamp(s.at)),
    );
    if let Some(c) = &s.cashier {
        f.insert("cashier", text(c));
    }
    if let Some(id) = s.cashier_id {
        f.insert("cashier_id", text(&id.to_string()));
    }
    f.insert("node_id", text(&s.node_id.to_string()));
    f.insert("currency", text(s.currency.code()));
    for (key, value) in [
        ("subtotal_minor", s.subtotal_minor),
        ("discount_minor", s.discount_minor),
        ("tax_minor", s.tax_minor),
        ("total_minor", s.total_minor),
        ("change_minor", s.change_minor),
    ] {
        f.insert(key, int(value));
    }
    let lines: Vec<automerge::hydrate::Value> = s
        .lines
        .iter()
        .map(|l| {
            let mut lf = Fields::new();
            lf.insert("product_id", text(&l.product_id.to_string()));
            lf.insert("sku", text(&l.sku));
            lf.insert("name", text(&l.name));
            for (key, value) in [
                ("qty", l.qty),
                ("unit_minor", l.unit_minor),
                ("discount_minor", l.discount_minor),
                ("tax_bps", i64::from(l.tax_bps)),
                ("tax_minor", l.tax_minor),
                ("total_minor", l.total_minor),
            ] {
                lf.insert(key, int(value));
            }
            automerge::hydrate::Value::from(lf)
        })
        .collect();
    f.insert("lines", automerge::hydrate::Value::from(lines));
    let payments: Vec<automerge::hydrate::Value> = s
        .payments
        .iter()
        .map(|p| {
            let mut pf = Fields::new();
            pf.insert("method", text(p.method.as_str()));
            pf.insert("amount_minor", int(p.amount_minor));
            automerge::hydrate::Value::from(pf)
        })
        .collect();
    f.insert("payments", automerge::hydrate::Value::from(payments));
    if let Some(p) = s.patient_id {
        f.insert("patient_id", text(&p.to_string()));
    }
    if let Some(shift) = s.shift_id {
        f.insert("shift_id", text(&shift.to_string()));
    }
    if let Some(reason) = &s.reason {
        f.insert("reason", text(reason));
    }
    if let Some(link) = &s.chain {
        f.insert("chain_seq", int(link.seq));
        f.insert("prev_hash", text(&link.prev_hash));
        f.insert("hash", text(&link.hash));
    }
    append_entry(doc, "sales", s.id.to_string(), f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(unit: i64, qty: i64, discount: i64, bps: u32) -> CartLine {
        CartLine {
            product_id: ProductId::new(),
            sku: "SKU".into(),
            name: "Cream".into(),
            unit_minor: unit,
            tax_bps: bps,
            qty,
            discount_minor: discount,
        }
    }

    #[test]
    fn included_tax_rounds_half_up() {
        assert_eq!(included_tax(1200, 2000), 200);
        assert_eq!(included_tax(1000, 2000), 167);
        assert_eq!(included_tax(1, 2000), 0);
        assert_eq!(included_tax(1000, 0), 0);
        assert_eq!(included_tax(-1200, 2000), -200);
    }

    #[test]
    fn a_split_payment_with_cash_change() {
        let cart = [line(1250, 2, 100, 2000), line(800, 1, 0, 1000)];
        let pays = [
            Payment {
                method: PaymentMethod::Card,
                amount_minor: 2000,
            },
            Payment {
                method: PaymentMethod::Cash,
                amount_minor: 2000,
            },
        ];
        let p = price_cart(&cart, &pays).expect("valid");
        assert_eq!(p.subtotal_minor, 3300);
        assert_eq!(p.discount_minor, 100);
        assert_eq!(p.total_minor, 3200);
        assert_eq!(p.tax_minor, 400 + 73);
        assert_eq!(p.change_minor, 800);
    }

    #[test]
    fn tax_added_on_top_is_paid_on_top_and_refunded_the_same_way() {
        let cart = [line(1250, 2, 100, 2000), line(800, 1, 0, 1000)];
        let included = price_cart(&cart, &[]).unwrap_err();
        assert_eq!(included.0[0].code, ErrorCode::InsufficientPayment);
        let pays = [Payment {
            method: PaymentMethod::Cash,
            amount_minor: 5000,
        }];
        let p = price_cart_with(&cart, &pays, TaxMode::Added).expect("valid");
        // 2400 + 20 % = 2880; 800 + 10 % = 880.
        assert_eq!(p.subtotal_minor, 3300);
        assert_eq!(p.discount_minor, 100);
        assert_eq!(p.tax_minor, 480 + 80);
        assert_eq!(p.total_minor, 2880 + 880);
        assert_eq!(p.change_minor, 5000 - 3760);
        // The same cart with prices including tax: what it always cost.
        let same = price_cart_with(&cart, &pays, TaxMode::Included).expect("valid");
        assert_eq!(same, price_cart(&cart, &pays).expect("valid"));
        assert_eq!(same.total_minor, 3200);
        // A refund of everything returns what was paid, tax and all, in either mode.
        for priced in [p, same] {
            let sale = sale_from(priced);
            let back = price_refund(&sale, &[(0, 2), (1, 1)], &[0, 0], PaymentMethod::Cash)
                .expect("refund");
            assert_eq!(back.total_minor, sale.total_minor);
            assert_eq!(back.tax_minor, sale.tax_minor);
            let one = price_refund(&sale, &[(0, 1)], &[0, 0], PaymentMethod::Cash).expect("one");
            assert_eq!(one.total_minor * 2, sale.lines[0].total_minor);
        }
    }

    #[test]
    fn payments_must_cover_and_only_cash_gives_change() {
        let cart = [line(1000, 1, 0, 2000)];
        let short = price_cart(
            &cart,
            &[Payment {
                method: PaymentMethod::Cash,
                amount_minor: 999,
            }],
        )
        .unwrap_err();
        assert_eq!(short.0[0].code, ErrorCode::InsufficientPayment);
        let card_over = price_cart(
            &cart,
            &[Payment {
                method: PaymentMethod::Card,
                amount_minor: 1500,
            }],
        )
        .unwrap_err();
        assert_eq!(card_over.0[0].code, ErrorCode::ChangeWithoutCash);
        let empty = price_cart(&[], &[]).unwrap_err();
        assert_eq!(empty.0[0].code, ErrorCode::EmptyCart);
        let disc = price_cart(&[line(100, 1, 101, 0)], &[]).unwrap_err();
        assert_eq!(disc.0[0].code, ErrorCode::DiscountTooLarge);
        let huge = price_cart(&[line(i64::MAX, 2, 0, 0)], &[]).unwrap_err();
        assert_eq!(huge.0[0].code, ErrorCode::InvalidAmount);
    }

    fn sale_from(priced: Priced) -> Sale {
        Sale {
            id: SaleId::new(),
            receipt: "N1-000001".into(),
            kind: SaleKind::Sale,
            original_id: None,
            at: 1,
            cashier: Some("Mia".into()),
            cashier_id: None,
            node_id: NodeId::new(),
            currency: Currency::EUR,
            lines: priced.lines,
            subtotal_minor: priced.subtotal_minor,
            discount_minor: priced.discount_minor,
            tax_minor: priced.tax_minor,
            total_minor: priced.total_minor,
            payments: priced.payments,
            change_minor: priced.change_minor,
            patient_id: None,
            shift_id: None,
            reason: None,
            chain: None,
        }
    }

    /// A sale of `qty` at `unit` (20% tax) paid exactly in cash on `node`.
    fn cash_sale(node: NodeId, unit: i64, qty: i64) -> Sale {
        let priced = price_cart(
            &[line(unit, qty, 0, 2000)],
            &[Payment {
                method: PaymentMethod::Cash,
                amount_minor: unit * qty,
            }],
        )
        .expect("valid");
        Sale {
            node_id: node,
            ..sale_from(priced)
        }
    }

    #[test]
    fn refunds_are_bounded_by_what_was_sold() {
        let priced = price_cart(
            &[line(1000, 3, 300, 2000)],
            &[Payment {
                method: PaymentMethod::Card,
                amount_minor: 2700,
            }],
        )
        .expect("valid");
        let sale = sale_from(priced);
        let refund = price_refund(&sale, &[(0, 2)], &[0], PaymentMethod::Card).expect("refund");
        assert_eq!(refund.total_minor, 1800);
        assert_eq!(refund.payments[0].amount_minor, 1800);
        let too_many = price_refund(&sale, &[(0, 2)], &[2], PaymentMethod::Card).unwrap_err();
        assert_eq!(too_many.0[0].code, ErrorCode::RefundExceedsSale);
    }

    #[test]
    fn the_entries_new_changes_add_are_found_from_the_changes_alone() {
        let node = NodeId::new();
        let mut doc = create_ledger(
            DocId::new(),
            ClinicId::new(),
            node,
            "2026-12-05",
            ActorId::random(),
        )
        .expect("ledger");
        let first = cash_sale(node, 500, 1);
        append_sale(&mut doc, &first).expect("sale");
        doc.commit();
        let base = doc.get_heads();
        // Another copy of the ledger (as on the hub) adds a sale; this one a movement and
        // an audit entry; the merge brings all three.
        let mut other = doc.fork().with_actor(ActorId::random());
        let second = cash_sale(node, 500, 1);
        append_sale(&mut other, &second).expect("sale");
        other.commit();
        let movement = StockMovement {
            id: MovementId::new(),
            product_id: ProductId::new(),
            sku: "SPF50".into(),
            kind: MovementKind::In,
            qty: 3,
            reason: String::new(),
            user: None,
            user_id: None,
            at: 2,
            node_id: node,
            sale_id: None,
        };
        append_movement(&mut doc, &movement).expect("movement");
        let entry = crate::audit::AuditEntry {
            id: uuid::Uuid::now_v7().to_string(),
            at: 3,
            user: "anna".into(),
            user_id: None,
            node_id: node,
            action: crate::audit::AuditAction::View,
            target: crate::audit::AuditTarget {
                kind: "patient".into(),
                id: "p".into(),
                patient: None,
            },
            reason: None,
        };
        crate::audit::append_audit(&mut doc, &entry).expect("audit");
        doc.commit();
        doc.merge(&mut other).expect("merge");

        let mut added = added_since(&mut doc, &base).expect("changes");
        added.sort_by(|a, b| a.1.cmp(&b.1));
        let mut expected = vec![
            (LedgerPart::Sale, second.id.to_string()),
            (LedgerPart::Movement, movement.id.to_string()),
            (LedgerPart::Audit, entry.id.clone()),
        ];
        expected.sort_by(|a, b| a.1.cmp(&b.1));
        assert_eq!(added, expected);
        // Reading only those gives what reading the entries the base lacked gives.
        let only = read_ledger_only(&doc, &added).expect("read");
        let new = read_ledger_new(&doc, |part, key| {
            part == LedgerPart::Sale && key == first.id.to_string()
        })
        .expect("read");
        assert_eq!(only, new);
        assert_eq!(only.sales, vec![second]);
        assert_eq!(only.movements, vec![movement]);
        assert_eq!(only.audit, vec![entry]);
        // Nothing new since the latest heads.
        let heads = doc.get_heads();
        assert!(added_since(&mut doc, &heads).expect("changes").is_empty());
        // An id that is not in the ledger is skipped.
        let none = read_ledger_only(&doc, &[(LedgerPart::Sale, "nope".into())]).expect("read");
        assert!(none.sales.is_empty());
    }

    #[test]
    fn a_ledger_round_trips() {
        let node = NodeId::new();
        let id = DocId::new();
        let mut doc = create_ledger(id, ClinicId::new(), node, "2026-11-27", ActorId::random())
            .expect("ledger");
        let sale = cash_sale(node, 500, 2);
        append_sale(&mut doc, &sale).expect("sale");
        let mv = StockMovement {
            id: MovementId::new(),
            product_id: sale.lines[0].product_id,
            sku: "SKU".into(),
            kind: MovementKind::Out,
            qty: 2,
            reason: "sale N1-000001".into(),
            user: None,
            user_id: None,
            at: 1,
            node_id: node,
            sale_id: Some(sale.id),
        };
        append_movement(&mut doc, &mv).expect("movement");
        let ledger = read_ledger(&doc).expect("read");
        assert_eq!(ledger.sales, vec![sale.clone()]);
        assert_eq!(ledger.movements, vec![mv.clone()]);
        assert_eq!(mv.delta(), -2);

        // What a reader already has is not read again; the rest is.
        let later = Sale {
            id: SaleId::new(),
            receipt: "N1-000002".into(),
            ..sale.clone()
        };
        append_sale(&mut doc, &later).expect("sale");
        let first = sale.id.to_string();
        let moved = mv.id.to_string();
        let news = read_ledger_new(&doc, |part, key| match part {
            LedgerPart::Sale => key == first,
            LedgerPart::Movement => key == moved,
            LedgerPart::Audit | LedgerPart::Shift => false,
        })
        .expect("read");
        assert_eq!(news.sales, vec![later]);
        assert!(news.movements.is_empty());
        assert_eq!(read_ledger(&doc).expect("read").sales.len(), 2);
    }

    #[test]
    fn movement_quantities() {
        assert!(validate_movement(MovementKind::In, "0", "x").is_err());
        assert!(validate_movement(MovementKind::Adjust, "-2", "damaged").is_ok());
        assert!(validate_movement(MovementKind::Adjust, "0", "x").is_err());
        let e = validate_movement(MovementKind::Out, "two", "").unwrap_err();
        assert_eq!(
            e.0.iter().map(|e| e.code).collect::<Vec<_>>(),
            vec![ErrorCode::InvalidQuantity, ErrorCode::Required]
        );
    }
}
