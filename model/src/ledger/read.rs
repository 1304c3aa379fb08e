//! Reading a ledger document: whole ([`read_ledger`]), or only the entries a reader does
//! not have yet ([`read_ledger_new`]).

use automerge::ReadDoc;

use super::{
    Ledger, MovementKind, Payment, PaymentMethod, Sale, SaleKind, SaleLine, ShiftEvent,
    ShiftEventKind, StockMovement,
};
use crate::doc::{self, SchemaError};
use crate::{Currency, DocType, NodeId};

/// Entries of one part of a ledger: (id, object).
type Entries = Vec<(String, automerge::ObjId)>;

fn parse_id<T: std::str::FromStr>(s: String, field: &str) -> Result<T, SchemaError> {
    s.parse().map_err(|_| SchemaError::Invalid {
        field: field.to_owned(),
    })
}

/// The map objects of the list at `key` of `obj` (absent reads as empty).
fn list_maps(
    doc: &impl ReadDoc,
    fields: &doc::Fields<'_, impl ReadDoc>,
    key: &str,
) -> Vec<automerge::ObjId> {
    // As ever, anything but a list reads as no entries.
    match fields.list(key) {
        Ok(Some(list)) => doc::list_maps(doc, &list),
        Ok(None) | Err(_) => Vec::new(),
    }
}

/// The whole ledger.
pub fn read_ledger(doc: &impl ReadDoc) -> Result<Ledger, SchemaError> {
    read_ledger_new(doc, |_, _| false)
}

/// A kind of entry a ledger holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LedgerPart {
    Movement,
    Sale,
    Audit,
    Shift,
}

/// The ledger with only the entries `known` does not already have (by kind and id).
/// Entries are append-only, so an index that holds some need not read them again: a
/// day's ledger gains an entry with every sale and chart view, and reading one costs
/// ~5 µs where listing its id costs ~0.2 µs (`cargo run --release -p dermis-model
/// --example ledger_read`).
pub fn read_ledger_new(
    doc: &impl ReadDoc,
    known: impl Fn(LedgerPart, &str) -> bool,
) -> Result<Ledger, SchemaError> {
    read_selected(doc, |part, map| {
        Ok(doc::map_entries_where(doc, map, |key| !known(part, key)))
    })
}

/// The ledger with only the entries named in `only` (ids it does not hold are skipped):
/// a lookup per entry, where [`read_ledger_new`] lists every id of the day.
pub fn read_ledger_only(
    doc: &impl ReadDoc,
    only: &[(LedgerPart, String)],
) -> Result<Ledger, SchemaError> {
    read_selected(doc, |part, map| {
        let mut out = Vec::new();
        for (_, key) in only.iter().filter(|(p, _)| *p == part) {
            if let Some(obj) = doc::entry_at(doc, map, key)? {
                out.push((key.clone(), obj));
            }
        }
        Ok(out)
    })
}

/// The entries each part's map yields through `select`, with the ledger's own fields.
fn read_selected(
    doc: &impl ReadDoc,
    select: impl Fn(LedgerPart, &automerge::ObjId) -> Result<Entries, SchemaError>,
) -> Result<Ledger, SchemaError> {
    let mut ledger = read_parts(doc, &select)?;
    let audit = new_entries(
        doc::map_at(doc, &automerge::ROOT, crate::audit::AUDIT_MAP)?,
        LedgerPart::Audit,
        &select,
    )?;
    ledger.audit = crate::audit::read_audit_objs(doc, ledger.node_id, audit)?;
    Ok(ledger)
}

/// The entries the changes after `heads` put into the ledger's maps (by part and id),
/// found from the changes alone: about 15 µs for a chart view's change in a day of 1,000
/// views, where listing the day's ids costs 230 µs. Each operation whose object is one
/// of the part maps names an entry; operations inside entries are not entries.
pub fn added_since(
    doc: &mut automerge::AutoCommit,
    heads: &[automerge::ChangeHash],
) -> Result<Vec<(LedgerPart, String)>, SchemaError> {
    let mut maps = Vec::new();
    for (part, name) in [
        (LedgerPart::Movement, "movements"),
        (LedgerPart::Sale, "sales"),
        (LedgerPart::Audit, crate::audit::AUDIT_MAP),
        (LedgerPart::Shift, super::shift::SHIFTS_MAP),
    ] {
        if let Some(automerge::ObjId::Id(counter, actor, _)) =
            doc::map_at(doc, &automerge::ROOT, name)?
        {
            maps.push((part, counter, actor));
        }
    }
    let mut added: Vec<(LedgerPart, String)> = Vec::new();
    for change in doc.get_changes(heads) {
        for op in change.decode().operations {
            let (automerge::legacy::ObjectId::Id(obj), automerge::legacy::Key::Map(key)) =
                (&op.obj, &op.key)
            else {
                continue;
            };
            let part = maps.iter().find_map(|(part, counter, actor)| {
                (obj.counter() == *counter && obj.actor() == actor).then_some(*part)
            });
            if let Some(part) = part
                && !added
                    .iter()
                    .any(|(p, k)| *p == part && k.as_str() == key.as_str())
            {
                added.push((part, key.to_string()));
            }
        }
    }
    Ok(added)
}

/// What `select` yields for `part` from its map (none when the ledger has no such map).
fn new_entries(
    map: Option<automerge::ObjId>,
    part: LedgerPart,
    select: &impl Fn(LedgerPart, &automerge::ObjId) -> Result<Entries, SchemaError>,
) -> Result<Entries, SchemaError> {
    match map {
        Some(map) => select(part, &map),
        None => Ok(Vec::new()),
    }
}

fn read_parts(
    doc: &impl ReadDoc,
    select: &impl Fn(LedgerPart, &automerge::ObjId) -> Result<Entries, SchemaError>,
) -> Result<Ledger, SchemaError> {
    let root = doc::fields(doc, &automerge::ROOT)?;
    let meta = doc::expect_meta(&root, DocType::Ledger)?;
    let node_id: NodeId =
        root.required_str("node_id")?
            .parse()
            .map_err(|_| SchemaError::Invalid {
                field: "node_id".into(),
            })?;
    let mut movements = Vec::new();
    for (key, obj) in new_entries(root.map("movements")?, LedgerPart::Movement, select)? {
        let f = doc::fields(doc, &obj)?;
        let kind = f.required_str("kind")?;
        movements.push(StockMovement {
            id: parse_id(key, "movements.id")?,
            product_id: parse_id(f.required_str("product_id")?, "product_id")?,
            sku: f.required_str("sku")?,
            kind: MovementKind::parse(&kind).ok_or_else(|| SchemaError::Invalid {
                field: "kind".into(),
            })?,
            qty: f.required_i64("qty")?,
            reason: f.str("reason")?.unwrap_or_default(),
            user: f.str("user")?,
            user_id: f.str("user_id")?.and_then(|s| s.parse().ok()),
            at: f.required_i64("at")?,
            node_id: f
                .str("node_id")?
                .and_then(|s| s.parse().ok())
                .unwrap_or(node_id),
            sale_id: f.str("sale_id")?.and_then(|s| s.parse().ok()),
        });
    }
    let mut sales = Vec::new();
    for (key, obj) in new_entries(root.map("sales")?, LedgerPart::Sale, select)? {
        let f = doc::fields(doc, &obj)?;
        let mut lines = Vec::new();
        for lo in list_maps(doc, &f, "lines") {
            let l = doc::fields(doc, &lo)?;
            lines.push(SaleLine {
                product_id: parse_id(l.required_str("product_id")?, "product_id")?,
                sku: l.required_str("sku")?,
                name: l.str("name")?.unwrap_or_default(),
                qty: l.required_i64("qty")?,
                unit_minor: l.required_i64("unit_minor")?,
                discount_minor: l.required_i64("discount_minor")?,
                tax_bps: u32::try_from(l.required_i64("tax_bps")?).unwrap_or(0),
                tax_minor: l.required_i64("tax_minor")?,
                total_minor: l.required_i64("total_minor")?,
            });
        }
        let mut payments = Vec::new();
        for po in list_maps(doc, &f, "payments") {
            let p = doc::fields(doc, &po)?;
            let method = p.required_str("method")?;
            payments.push(Payment {
                method: PaymentMethod::parse(&method).ok_or_else(|| SchemaError::Invalid {
                    field: "method".into(),
                })?,
                amount_minor: p.required_i64("amount_minor")?,
            });
        }
        let kind = f.required_str("kind")?;
        sales.push(Sale {
            id: parse_id(key, "sales.id")?,
            receipt: f.required_str("receipt")?,
            kind: SaleKind::parse(&kind).ok_or_else(|| SchemaError::Invalid {
                field: "kind".into(),
            })?,
            original_id: f.str("original_id")?.and_then(|s| s.parse().ok()),
            at: f.required_i64("at")?,
            cashier: f.str("cashier")?,
            cashier_id: f.str("cashier_id")?.and_then(|s| s.parse().ok()),
            node_id: f
                .str("node_id")?
                .and_then(|s| s.parse().ok())
                .unwrap_or(node_id),
            currency: Currency::parse(&f.required_str("currency")?).map_err(|_| {
                SchemaError::Invalid {
                    field: "currency".into(),
                }
            })?,
            lines,
            subtotal_minor: f.required_i64("subtotal_minor")?,
            discount_minor: f.required_i64("discount_minor")?,
            tax_minor: f.required_i64("tax_minor")?,
            total_minor: f.required_i64("total_minor")?,
            payments,
            change_minor: f.required_i64("change_minor")?,
            patient_id: f.str("patient_id")?.and_then(|s| s.parse().ok()),
            shift_id: f.str("shift_id")?.and_then(|s| s.parse().ok()),
            reason: f.str("reason")?,
            chain: match (f.i64("chain_seq")?, f.str("prev_hash")?, f.str("hash")?) {
                (Some(seq), Some(prev_hash), Some(hash)) => Some(super::ChainLink {
                    seq,
                    prev_hash,
                    hash,
                }),
                _ => None,
            },
        });
    }
    let mut shifts = Vec::new();
    for (key, obj) in new_entries(
        root.map(super::shift::SHIFTS_MAP)?,
        LedgerPart::Shift,
        select,
    )? {
        let f = doc::fields(doc, &obj)?;
        let kind = f.required_str("kind")?;
        shifts.push(ShiftEvent {
            id: key,
            shift_id: parse_id(f.required_str("shift_id")?, "shift_id")?,
            kind: ShiftEventKind::parse(&kind).ok_or_else(|| SchemaError::Invalid {
                field: "kind".into(),
            })?,
            amount_minor: f.required_i64("amount_minor")?,
            reason: f.str("reason")?.unwrap_or_default(),
            at: f.required_i64("at")?,
            user: f.str("user")?,
            user_id: f.str("user_id")?.and_then(|s| s.parse().ok()),
            node_id: f
                .str("node_id")?
                .and_then(|s| s.parse().ok())
                .unwrap_or(node_id),
        });
    }
    Ok(Ledger {
        id: meta.id,
        node_id,
        day: root.required_str("day")?,
        movements,
        sales,
        audit: Vec::new(),
        shifts,
    })
}
