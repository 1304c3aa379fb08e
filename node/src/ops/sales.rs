//! The point of sale: price a cart, take split payments, write the sale and its stock
//! movements to this node's ledger in one transaction; refunds and voids are new entries
//! pointing at the original, never edits of it.

use dermis_model::clinic::Permission;
use dermis_model::ledger::{
    self, CartLine, MovementKind, Payment, PaymentMethod, Priced, Sale, SaleKind, StockMovement,
    chain,
};
use dermis_model::{
    ErrorCode, FieldError, MovementId, PatientId, SaleId, ShiftId, ValidationErrors,
};

use dermis_model::audit::AuditAction;

use super::catalog::{day_of, ledger_for_day, product_by_sku};
use super::{parse_id, unknown};
use crate::node::{Node, OpError, Session, doc_error};
use crate::store::pos;
use crate::store::queries::{self, SaleRow};

/// One cart line as entered: a SKU (or barcode), a quantity, a discount in minor units.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ItemInput {
    pub sku: String,
    pub qty: i64,
    pub discount_minor: i64,
}

/// Builds priced cart lines from SKUs, collecting every unknown or inactive SKU.
pub fn cart(node: &mut Node, items: &[ItemInput]) -> Result<Vec<CartLine>, OpError> {
    let clinic = node.clinic()?;
    let mut errors = ValidationErrors::default();
    let mut lines = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let product = match product_by_sku(node, &item.sku) {
            Ok(p) => p,
            Err(OpError::Invalid(_)) => {
                match queries::product_by_barcode(node.store.conn(), &item.sku)? {
                    Some(p) => p,
                    None => {
                        errors.add(
                            format!("item[{i}].sku"),
                            ErrorCode::UnknownSku,
                            format!("no product with sku or barcode {:?}", item.sku),
                        );
                        continue;
                    }
                }
            }
            Err(e) => return Err(e),
        };
        if !product.active {
            errors.add(
                format!("item[{i}].sku"),
                ErrorCode::InactiveProduct,
                format!("{} is no longer sold", product.sku),
            );
            continue;
        }
        if product.currency != clinic.currency.code() {
            errors.add(
                format!("item[{i}].sku"),
                ErrorCode::CurrencyMismatch,
                format!("{} is priced in {}", product.sku, product.currency),
            );
            continue;
        }
        lines.push(CartLine {
            product_id: parse_id("product", &product.id)?,
            sku: product.sku.clone(),
            name: product.name.clone(),
            unit_minor: product.price_minor,
            tax_bps: clinic.tax_rate(&product.tax_class).unwrap_or(0),
            qty: item.qty,
            discount_minor: item.discount_minor,
        });
    }
    Ok(errors.into_result(lines)?)
}

/// Prices the cart without writing anything (the POS screen shows this as you type).
pub fn quote(
    node: &mut Node,
    items: &[ItemInput],
    payments: &[Payment],
) -> Result<Priced, OpError> {
    let mode = node.clinic()?.tax_mode();
    let lines = cart(node, items)?;
    Ok(ledger::price_cart_with(&lines, payments, mode)?)
}

/// The node-local record of this node's receipt chain head: `seq:hash`.
pub const CHAIN_HEAD: &str = "receipt_chain_head";

/// The longest reason a refund or void takes.
pub const REASON_MAX: usize = 500;

/// A reason as given: `None` when none was (the command line's `--reason` is optional),
/// else trimmed, and refused when blank or longer than [`REASON_MAX`].
pub fn checked_reason(reason: Option<&str>) -> Result<Option<String>, OpError> {
    let Some(raw) = reason else {
        return Ok(None);
    };
    let mut errors = ValidationErrors::default();
    let text =
        dermis_model::validate::text_field(&mut errors, "reason", raw, true, REASON_MAX, false);
    Ok(errors.into_result(text)?)
}

fn write_entry(
    node: &mut Node,
    session: &Session,
    kind: SaleKind,
    original: Option<SaleId>,
    priced: Priced,
    patient_id: Option<PatientId>,
    reason: Option<String>,
) -> Result<Sale, OpError> {
    let clinic = node.clinic()?;
    let identity = node.identity.clone();
    let actor = node.actor();
    let who = super::audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let at = tx.now();
    let seq = tx.next_counter("receipt_seq")?;
    let receipt = format!("{}-{:06}", identity.node_code, seq);
    // While a shift is open on this node, its entries belong to it.
    let shift_id = pos::open_shift(tx.sql(), &identity.node_id.to_string())?
        .map(|id| parse_id::<ShiftId>("shift", &id))
        .transpose()?;
    let prev_hash = tx
        .meta(CHAIN_HEAD)?
        .and_then(|head| head.split_once(':').map(|(_, h)| h.to_owned()))
        .unwrap_or_else(|| chain::GENESIS.to_owned());
    let mut sale = Sale {
        id: SaleId::new(),
        receipt,
        kind,
        original_id: original,
        at,
        cashier: Some(session.author().name),
        cashier_id: session.user_id(),
        node_id: identity.node_id,
        currency: clinic.currency,
        lines: priced.lines,
        subtotal_minor: priced.subtotal_minor,
        discount_minor: priced.discount_minor,
        tax_minor: priced.tax_minor,
        total_minor: priced.total_minor,
        payments: priced.payments,
        change_minor: priced.change_minor,
        patient_id,
        shift_id,
        reason,
        chain: None,
    };
    chain::link(&mut sale, seq, &prev_hash);
    if let Some(link) = &sale.chain {
        tx.set_meta(CHAIN_HEAD, &format!("{}:{}", link.seq, link.hash))?;
    }
    let ledger_id = ledger_for_day(&mut tx, &identity, &actor, &day_of(at))?;
    let doc = tx.edit(ledger_id)?.ok_or(OpError::NoClinic)?;
    ledger::append_sale(doc, &sale).map_err(doc_error(ledger_id))?;
    // Stock goes out with a sale and back with a refund or void.
    let movement_kind = if kind == SaleKind::Sale {
        MovementKind::Out
    } else {
        MovementKind::In
    };
    for line in &sale.lines {
        let movement = StockMovement {
            id: MovementId::new(),
            product_id: line.product_id,
            sku: line.sku.clone(),
            kind: movement_kind,
            qty: line.qty,
            reason: format!("{} {}", kind.as_str(), sale.receipt),
            user: sale.cashier.clone(),
            user_id: sale.cashier_id,
            at,
            node_id: identity.node_id,
            sale_id: Some(sale.id),
        };
        ledger::append_movement(doc, &movement).map_err(doc_error(ledger_id))?;
    }
    let target = super::audit::other("sale", sale.id);
    super::audit::append_to(
        doc,
        ledger_id,
        &who,
        at,
        AuditAction::Create,
        target,
        sale.reason.clone(),
    )?;
    tx.commit()?;
    Ok(sale)
}

/// Completes a sale. Overselling is allowed (stock may go negative offline) and shows in
/// the low-stock list and on the hub; it is never silently corrected.
pub fn sell(
    node: &mut Node,
    session: &Session,
    items: &[ItemInput],
    payments: &[Payment],
    patient: Option<PatientId>,
) -> Result<Sale, OpError> {
    session.require(Permission::Sell)?;
    if let Some(p) = patient
        && queries::patient_by_id(node.store.conn(), &p.to_string())?.is_none()
    {
        return Err(unknown("patient", ErrorCode::UnknownPatient, p));
    }
    let priced = quote(node, items, payments)?;
    write_entry(node, session, SaleKind::Sale, None, priced, patient, None)
}

/// The original sale behind a receipt number, read from its ledger.
pub fn find_sale(node: &mut Node, receipt: &str) -> Result<(SaleRow, Sale), OpError> {
    let row = queries::sale_by_receipt(node.store.conn(), receipt)?
        .ok_or_else(|| unknown("receipt", ErrorCode::UnknownSale, receipt.trim()))?;
    let ledger_id = queries::ledger_of_sale(node.store.conn(), &row.id)?
        .ok_or_else(|| unknown("receipt", ErrorCode::UnknownSale, &row.receipt))?;
    let ledger_id: dermis_model::DocId = parse_id("ledger", &ledger_id)?;
    let ledger = node
        .store
        .with_doc(ledger_id, ledger::read_ledger)?
        .ok_or_else(|| unknown("receipt", ErrorCode::UnknownSale, &row.receipt))?
        .map_err(doc_error(ledger_id))?;
    let sale = ledger
        .sales
        .into_iter()
        .find(|s| s.id.to_string() == row.id)
        .ok_or_else(|| unknown("receipt", ErrorCode::UnknownSale, &row.receipt))?;
    Ok((row, sale))
}

pub fn void(node: &mut Node, session: &Session, receipt: &str) -> Result<Sale, OpError> {
    void_because(node, session, receipt, None)
}

/// Voids a whole sale, recording `reason` (when given) on the void's entry and on its
/// audit entry.
pub fn void_because(
    node: &mut Node,
    session: &Session,
    receipt: &str,
    reason: Option<&str>,
) -> Result<Sale, OpError> {
    session.require(Permission::VoidSale)?;
    let reason = checked_reason(reason)?;
    let (row, original) = find_sale(node, receipt)?;
    if row.status == "voided" {
        return Err(ValidationErrors::single(
            "receipt",
            ErrorCode::AlreadyVoided,
            format!("{} is already voided", row.receipt),
        )
        .into());
    }
    let refunded = queries::refunded_per_line(node.store.conn(), &row.id, original.lines.len())?;
    if refunded.iter().any(|q| *q > 0) {
        return Err(ValidationErrors::single(
            "receipt",
            ErrorCode::RefundExceedsSale,
            "a partly refunded sale cannot be voided; refund the rest",
        )
        .into());
    }
    let priced = ledger::price_void(&original);
    let patient = original.patient_id;
    write_entry(
        node,
        session,
        SaleKind::Void,
        Some(original.id),
        priced,
        patient,
        reason,
    )
}

pub fn refund(
    node: &mut Node,
    session: &Session,
    receipt: &str,
    items: &[(String, i64)],
    method: PaymentMethod,
) -> Result<Sale, OpError> {
    refund_because(node, session, receipt, items, method, None)
}

/// Refunds `items` (SKU, quantity) of a sale in `method`, recording `reason` (when given)
/// on the refund's entry and on its audit entry.
pub fn refund_because(
    node: &mut Node,
    session: &Session,
    receipt: &str,
    items: &[(String, i64)],
    method: PaymentMethod,
    reason: Option<&str>,
) -> Result<Sale, OpError> {
    session.require(Permission::Sell)?;
    let reason = checked_reason(reason)?;
    let (row, original) = find_sale(node, receipt)?;
    if row.status == "voided" {
        return Err(ValidationErrors::single(
            "receipt",
            ErrorCode::AlreadyVoided,
            format!("{} was voided", row.receipt),
        )
        .into());
    }
    let mut errors = ValidationErrors::default();
    let mut returns = Vec::new();
    for (i, (sku, qty)) in items.iter().enumerate() {
        let wanted = dermis_model::product::normalize_sku(sku);
        match original.lines.iter().position(|l| l.sku == wanted) {
            Some(index) => returns.push((index, *qty)),
            None => errors.push(FieldError::new(
                format!("item[{i}].sku"),
                ErrorCode::UnknownSku,
                format!("{wanted} is not on {}", row.receipt),
            )),
        }
    }
    errors.into_result(())?;
    let already = queries::refunded_per_line(node.store.conn(), &row.id, original.lines.len())?;
    let priced = ledger::price_refund(&original, &returns, &already, method)?;
    let patient = original.patient_id;
    write_entry(
        node,
        session,
        SaleKind::Refund,
        Some(original.id),
        priced,
        patient,
        reason,
    )
}

pub fn recent(node: &Node, session: &Session, limit: usize) -> Result<Vec<SaleRow>, OpError> {
    session.require(Permission::Sell)?;
    Ok(queries::recent_sales(node.store.conn(), limit)?)
}

/// What a patient bought (and had refunded), newest first: their own sales and those of
/// the records merged into theirs, as a merge moves sale links to the record kept.
pub fn of_patient(
    node: &Node,
    session: &Session,
    patient: PatientId,
    limit: usize,
) -> Result<Vec<SaleRow>, OpError> {
    session.require(Permission::ViewPatients)?;
    let conn = node.store.conn();
    let mut ids = vec![patient.to_string()];
    ids.extend(crate::store::merges::merged_from(conn, &ids[0])?);
    Ok(pos::entries_of_patients(conn, &ids, limit)?)
}
