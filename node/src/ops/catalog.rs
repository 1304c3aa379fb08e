//! Products and stock: the catalog, stock movements (IN / OUT / ADJUST) written to this
//! node's ledger, and stock on hand derived from the ledgers.

use automerge::ActorId;
use dermis_model::clinic::Permission;
use dermis_model::ledger::{self, MovementKind, StockMovement};
use dermis_model::product::{self, ProductForm};
use dermis_model::{DocId, DocType, ErrorCode, MovementId, ProductId, ValidationErrors};

use dermis_model::audit::AuditAction;

use super::{audit, parse_id, unknown};
use crate::node::{Identity, Node, OpError, Session, doc_error};
use crate::store::Tx;
use crate::store::queries::{self, MovementRow, ProductRow};

fn tax_classes(node: &mut Node) -> Result<(dermis_model::Currency, Vec<String>), OpError> {
    let clinic = node.clinic()?;
    Ok((clinic.currency, clinic.tax_rates.keys().cloned().collect()))
}

pub fn add_product(
    node: &mut Node,
    session: &Session,
    form: &ProductForm,
) -> Result<ProductId, OpError> {
    session.require(Permission::ManageProducts)?;
    let (currency, classes) = tax_classes(node)?;
    let draft = form.validate(currency, &classes)?;
    if !queries::products_by_sku(node.store.conn(), &draft.sku)?.is_empty() {
        return Err(ValidationErrors::single(
            "sku",
            ErrorCode::DuplicateSku,
            format!("sku {} is already in the catalog", draft.sku),
        )
        .into());
    }
    let id = ProductId::new();
    let clinic = node.identity.clinic_id;
    let actor = node.actor();
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let doc = product::create_product(id, clinic, &draft, tx.now(), actor)
        .map_err(doc_error(id.into()))?;
    tx.insert(id.into(), DocType::Product, doc)?;
    audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Create,
        audit::other("product", id),
    )?;
    tx.commit()?;
    Ok(id)
}

pub fn update_product(
    node: &mut Node,
    session: &Session,
    id: ProductId,
    form: &ProductForm,
) -> Result<(), OpError> {
    session.require(Permission::ManageProducts)?;
    let (currency, classes) = tax_classes(node)?;
    let draft = form.validate(currency, &classes)?;
    let taken = queries::products_by_sku(node.store.conn(), &draft.sku)?;
    if taken.iter().any(|p| p.id != id.to_string()) {
        return Err(ValidationErrors::single(
            "sku",
            ErrorCode::DuplicateSku,
            format!("sku {} is already in the catalog", draft.sku),
        )
        .into());
    }
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let doc = tx
        .edit(id.into())?
        .ok_or_else(|| unknown("product", ErrorCode::UnknownProduct, id))?;
    product::update_product(doc, &draft).map_err(doc_error(id.into()))?;
    audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Update,
        audit::other("product", id),
    )?;
    tx.commit()?;
    Ok(())
}

pub fn products(node: &Node, _session: &Session) -> Result<Vec<ProductRow>, OpError> {
    Ok(queries::products(node.store.conn())?)
}

/// The product a SKU names. Two offline nodes may have created the same SKU; the oldest
/// product wins here and the duplicate shows in the catalog for someone to merge.
pub fn product_by_sku(node: &Node, sku: &str) -> Result<ProductRow, OpError> {
    queries::products_by_sku(node.store.conn(), sku)?
        .into_iter()
        .next()
        .ok_or_else(|| {
            ValidationErrors::single(
                "sku",
                ErrorCode::UnknownSku,
                format!("no product with sku {:?}", sku.trim()),
            )
            .into()
        })
}

/// Today's ledger document of this node inside `tx`, created when missing.
pub(crate) fn ledger_for_day(
    tx: &mut Tx<'_>,
    identity: &Identity,
    actor: &ActorId,
    day: &str,
) -> Result<DocId, OpError> {
    if let Some(id) = queries::ledger_for(tx.sql(), &identity.node_id.to_string(), day)? {
        return parse_id("ledger", &id);
    }
    let id = DocId::new();
    let doc = ledger::create_ledger(id, identity.clinic_id, identity.node_id, day, actor.clone())
        .map_err(doc_error(id))?;
    tx.insert(id, DocType::Ledger, doc)?;
    Ok(id)
}

/// The UTC day of an instant, as ledgers are partitioned.
pub fn day_of(at: dermis_model::Millis) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    dermis_model::validate::format_date(t.date())
}

pub fn move_stock(
    node: &mut Node,
    session: &Session,
    sku: &str,
    kind: MovementKind,
    qty: &str,
    reason: &str,
) -> Result<StockMovement, OpError> {
    session.require(Permission::ManageStock)?;
    let mut errors = ValidationErrors::default();
    let product = match product_by_sku(node, sku) {
        Ok(p) => Some(p),
        Err(OpError::Invalid(v)) => {
            errors.0.extend(v.0);
            None
        }
        Err(e) => return Err(e),
    };
    let checked = ledger::validate_movement(kind, qty, reason);
    if let Err(v) = &checked {
        errors.0.extend(v.0.clone());
    }
    let (Some(product), Ok((qty, reason))) = (product, checked) else {
        return Err(errors.into());
    };
    let identity = node.identity.clone();
    let actor = node.actor();
    let mut tx = node.begin(session)?;
    let at = tx.now();
    let ledger_id = ledger_for_day(&mut tx, &identity, &actor, &day_of(at))?;
    let movement = StockMovement {
        id: MovementId::new(),
        product_id: parse_id("product", &product.id)?,
        sku: product.sku,
        kind,
        qty,
        reason,
        user: Some(session.author().name),
        user_id: session.user_id(),
        at,
        node_id: identity.node_id,
        sale_id: None,
    };
    let doc = tx.edit(ledger_id)?.ok_or(OpError::NoClinic)?;
    ledger::append_movement(doc, &movement).map_err(doc_error(ledger_id))?;
    tx.commit()?;
    Ok(movement)
}

pub fn movements(node: &Node, product_id: &str, limit: usize) -> Result<Vec<MovementRow>, OpError> {
    Ok(queries::movements_of(node.store.conn(), product_id, limit)?)
}

/// Products at or below their reorder level (including negative stock from offline sales).
pub fn low_stock(node: &Node) -> Result<Vec<ProductRow>, OpError> {
    Ok(queries::products(node.store.conn())?
        .into_iter()
        .filter(|p| p.active && p.on_hand <= p.reorder_level)
        .collect())
}
