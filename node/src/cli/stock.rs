//! `product`, `stock` and `sale`: the shop's catalogue, its stock and the till.

use dermis_model::ledger::{MovementKind, Payment, PaymentMethod};
use dermis_model::product::ProductForm;
use dermis_model::{Currency, Money, PatientId};

use super::CliError;
use super::args::{ProductCmd, SaleCmd, StockCmd};
use super::out::outln;
use super::print;

use crate::node::{Node, OpError, Session};
use crate::ops::{self, parse_id, sales::ItemInput};

use super::run::usage;

pub(super) fn product(node: &mut Node, session: &Session, cmd: ProductCmd) -> Result<(), CliError> {
    match cmd {
        ProductCmd::Add {
            sku,
            name,
            price,
            currency,
            category,
            barcode,
            reorder_level,
            tax_class,
        } => {
            let form = ProductForm {
                sku,
                name,
                price,
                currency: currency.unwrap_or_default(),
                category: category.unwrap_or_default(),
                barcode: barcode.unwrap_or_default(),
                active: true,
                reorder_level: reorder_level.unwrap_or_default(),
                tax_class: tax_class.unwrap_or_default(),
            };
            let id = ops::catalog::add_product(node, session, &form)?;
            outln!("{id}");
        }
        ProductCmd::List { json } => {
            let rows = ops::catalog::products(node, session)?;
            if json {
                print::json(&rows);
            } else {
                print::product_rows(&rows);
            }
        }
    }
    Ok(())
}

pub(super) fn stock(node: &mut Node, session: &Session, cmd: StockCmd) -> Result<(), CliError> {
    let (kind, args) = match cmd {
        StockCmd::In(a) => (MovementKind::In, a),
        StockCmd::Out(a) => (MovementKind::Out, a),
        StockCmd::Adjust(a) => (MovementKind::Adjust, a),
        StockCmd::Show { sku, json } => {
            let mut rows = ops::catalog::products(node, session)?;
            if let Some(sku) = sku {
                let wanted = dermis_model::product::normalize_sku(&sku);
                rows.retain(|r| r.sku == wanted);
                if rows.is_empty() {
                    return Err(OpError::Invalid(dermis_model::ValidationErrors::single(
                        "sku",
                        dermis_model::ErrorCode::UnknownSku,
                        format!("no product with sku {wanted:?}"),
                    ))
                    .into());
                }
            }
            if json {
                let stock: Vec<_> = rows.iter().map(|r| serde_json::json!({"sku": r.sku, "name": r.name, "on_hand": r.on_hand, "reorder_level": r.reorder_level, "product_id": r.id})).collect();
                print::json(&stock);
            } else {
                print::stock_rows(&rows);
            }
            return Ok(());
        }
    };
    let movement =
        ops::catalog::move_stock(node, session, &args.sku, kind, &args.qty, &args.reason)?;
    let on_hand = ops::catalog::product_by_sku(node, &movement.sku)?.on_hand;
    outln!("{} {on_hand}", movement.sku);
    Ok(())
}

fn parse_item(raw: &str, field: &str, currency: Currency) -> Result<ItemInput, CliError> {
    let parts: Vec<&str> = raw.split(':').collect();
    let bad = || {
        usage(
            field,
            format!("{raw:?} should be SKU:QTY or SKU:QTY:DISCOUNT"),
        )
    };
    let (sku, qty, discount) = match parts.as_slice() {
        [sku, qty] => (*sku, *qty, None),
        [sku, qty, d] => (*sku, *qty, Some(*d)),
        _ => return Err(bad()),
    };
    let qty = qty.trim().parse::<i64>().map_err(|_| bad())?;
    let discount_minor = match discount {
        Some(d) => Money::parse(d, currency)
            .map(|m| m.minor)
            .map_err(|e| usage(field, e.to_string()))?,
        None => 0,
    };
    Ok(ItemInput {
        sku: sku.to_owned(),
        qty,
        discount_minor,
    })
}

fn parse_payment(raw: &str, field: &str, currency: Currency) -> Result<Payment, CliError> {
    let (method, amount) = raw.split_once(':').ok_or_else(|| {
        usage(
            field,
            format!("{raw:?} should be METHOD:AMOUNT, e.g. cash:20.00"),
        )
    })?;
    let method = PaymentMethod::parse(method).ok_or_else(|| {
        usage(
            field,
            format!("{method:?} is not a payment method (cash, card or other)"),
        )
    })?;
    let amount = Money::parse(amount, currency).map_err(|e| usage(field, e.to_string()))?;
    Ok(Payment {
        method,
        amount_minor: amount.minor,
    })
}

pub(super) fn sale(node: &mut Node, session: &Session, cmd: SaleCmd) -> Result<(), CliError> {
    match cmd {
        SaleCmd::Verify { json } => return super::pos::verify(node, session, json),
        SaleCmd::Add {
            items,
            payments,
            patient,
        } => {
            let patient = patient
                .map(|p| parse_id::<PatientId>("patient", &p))
                .transpose()?;
            let currency = node.clinic()?.currency;
            let items = items
                .iter()
                .enumerate()
                .map(|(i, raw)| parse_item(raw, &format!("item[{i}]"), currency))
                .collect::<Result<Vec<_>, _>>()?;
            let payments = payments
                .iter()
                .enumerate()
                .map(|(i, raw)| parse_payment(raw, &format!("payment[{i}]"), currency))
                .collect::<Result<Vec<_>, _>>()?;
            let sale = ops::sales::sell(node, session, &items, &payments, patient)?;
            outln!("{}", sale.receipt);
        }
        SaleCmd::List { limit, json } => {
            let rows = ops::sales::recent(node, session, limit)?;
            if json {
                print::json(&rows);
            } else {
                print::sale_rows(&rows);
            }
        }
        SaleCmd::Void { receipt, reason } => {
            let void = ops::sales::void_because(node, session, &receipt, reason.as_deref())?;
            outln!("{}", void.receipt)
        }
        SaleCmd::Refund {
            receipt,
            items,
            method,
            reason,
        } => {
            let method = PaymentMethod::parse(&method)
                .ok_or_else(|| usage("method", "method must be cash, card or other"))?;
            let currency = node.clinic()?.currency;
            let items = items
                .iter()
                .enumerate()
                .map(|(i, raw)| {
                    parse_item(raw, &format!("item[{i}]"), currency).map(|it| (it.sku, it.qty))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let refund = ops::sales::refund_because(
                node,
                session,
                &receipt,
                &items,
                method,
                reason.as_deref(),
            )?;
            outln!("{}", refund.receipt);
        }
    }
    Ok(())
}
