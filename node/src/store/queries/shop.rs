//! Read queries of the point of sale: products with stock on hand, stock movements,
//! sales and refunds, and the day's ledger documents.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::store::StoreError;

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct ProductRow {
    pub id: String,
    pub sku: String,
    pub name: String,
    pub category: Option<String>,
    pub price_minor: i64,
    pub currency: String,
    pub barcode: Option<String>,
    pub active: bool,
    pub reorder_level: i64,
    pub tax_class: String,
    pub on_hand: i64,
}

const PRODUCT_SELECT: &str = "SELECT p.id, p.sku, p.name, p.category, p.price_minor, p.currency, p.barcode, p.active, p.reorder_level, p.tax_class,
        COALESCE((SELECT SUM(m.delta) FROM stock_movements m WHERE m.product_id = p.id), 0) FROM products p";

fn product_row(r: &Row<'_>) -> rusqlite::Result<ProductRow> {
    Ok(ProductRow {
        id: r.get(0)?,
        sku: r.get(1)?,
        name: r.get(2)?,
        category: r.get(3)?,
        price_minor: r.get(4)?,
        currency: r.get(5)?,
        barcode: r.get(6)?,
        active: r.get(7)?,
        reorder_level: r.get(8)?,
        tax_class: r.get(9)?,
        on_hand: r.get(10)?,
    })
}

/// The catalog with stock on hand derived from the ledgers, by SKU.
pub fn products(conn: &Connection) -> Result<Vec<ProductRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("{PRODUCT_SELECT} ORDER BY p.sku, p.id"))?;
    let rows = stmt.query_map([], product_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Products by SKU (more than one when two offline nodes created the same SKU).
pub fn products_by_sku(conn: &Connection, sku: &str) -> Result<Vec<ProductRow>, StoreError> {
    let mut stmt =
        conn.prepare_cached(&format!("{PRODUCT_SELECT} WHERE p.sku = ?1 ORDER BY p.id"))?;
    let rows = stmt.query_map([dermis_model::product::normalize_sku(sku)], product_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn product_by_barcode(
    conn: &Connection,
    barcode: &str,
) -> Result<Option<ProductRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{PRODUCT_SELECT} WHERE p.barcode = ?1 ORDER BY p.id LIMIT 1"
    ))?;
    Ok(stmt.query_row([barcode.trim()], product_row).optional()?)
}

/// Products by name, SKU or barcode fragment, for the point of sale.
pub fn find_products(
    conn: &Connection,
    input: &str,
    limit: usize,
) -> Result<Vec<ProductRow>, StoreError> {
    let pattern = format!("%{}%", input.trim().replace(['%', '_'], ""));
    let mut stmt = conn.prepare_cached(&format!(
        "{PRODUCT_SELECT} WHERE p.active AND (p.name LIKE ?1 OR p.sku LIKE ?1 OR p.barcode = ?2) ORDER BY p.name LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![pattern, input.trim(), limit as i64], product_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct MovementRow {
    pub id: String,
    pub sku: String,
    pub kind: String,
    pub qty: i64,
    pub delta: i64,
    pub reason: String,
    pub user: Option<String>,
    pub at: i64,
    pub node_id: String,
    pub sale_id: Option<String>,
}

pub fn movements_of(
    conn: &Connection,
    product_id: &str,
    limit: usize,
) -> Result<Vec<MovementRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, sku, kind, qty, delta, reason, user, at, node_id, sale_id FROM stock_movements WHERE product_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![product_id, limit as i64], |r| {
        Ok(MovementRow {
            id: r.get(0)?,
            sku: r.get(1)?,
            kind: r.get(2)?,
            qty: r.get(3)?,
            delta: r.get(4)?,
            reason: r.get(5)?,
            user: r.get(6)?,
            at: r.get(7)?,
            node_id: r.get(8)?,
            sale_id: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct SaleRow {
    pub id: String,
    pub receipt: String,
    pub kind: String,
    pub original_id: Option<String>,
    pub at: i64,
    pub cashier: Option<String>,
    pub node_id: String,
    pub currency: String,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub change_minor: i64,
    /// "completed", or "voided" once a void points at it.
    pub status: String,
    pub patient_id: Option<String>,
    pub shift_id: Option<String>,
}

pub(in crate::store) const SALE_SELECT: &str = "SELECT s.id, s.receipt, s.kind, s.original_id, s.at, s.cashier, s.node_id, s.currency, s.subtotal_minor,
        s.discount_minor, s.tax_minor, s.total_minor, s.change_minor,
        CASE WHEN EXISTS(SELECT 1 FROM sales v WHERE v.original_id = s.id AND v.kind = 'void') THEN 'voided' ELSE 'completed' END,
        s.patient_id, s.shift_id
        FROM sales s";

pub(in crate::store) fn sale_row(r: &Row<'_>) -> rusqlite::Result<SaleRow> {
    Ok(SaleRow {
        id: r.get(0)?,
        receipt: r.get(1)?,
        kind: r.get(2)?,
        original_id: r.get(3)?,
        at: r.get(4)?,
        cashier: r.get(5)?,
        node_id: r.get(6)?,
        currency: r.get(7)?,
        subtotal_minor: r.get(8)?,
        discount_minor: r.get(9)?,
        tax_minor: r.get(10)?,
        total_minor: r.get(11)?,
        change_minor: r.get(12)?,
        status: r.get(13)?,
        patient_id: r.get(14)?,
        shift_id: r.get(15)?,
    })
}

pub fn recent_sales(conn: &Connection, limit: usize) -> Result<Vec<SaleRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SALE_SELECT} ORDER BY s.at DESC, s.id DESC LIMIT ?1"
    ))?;
    let rows = stmt.query_map([limit as i64], sale_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn sale_by_receipt(conn: &Connection, receipt: &str) -> Result<Option<SaleRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SALE_SELECT} WHERE s.receipt = ?1 AND s.kind = 'sale' ORDER BY s.at LIMIT 1"
    ))?;
    Ok(stmt.query_row([receipt.trim()], sale_row).optional()?)
}

/// The ledger document holding a sale.
pub fn ledger_of_sale(conn: &Connection, sale_id: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT ledger_id FROM sales WHERE id = ?1",
            [sale_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The receipt number of a sale, refund or void.
pub fn sale_receipt(conn: &Connection, sale_id: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row("SELECT receipt FROM sales WHERE id = ?1", [sale_id], |r| {
            r.get(0)
        })
        .optional()?)
}

/// Units already refunded per line of a sale.
pub fn refunded_per_line(
    conn: &Connection,
    sale_id: &str,
    lines: usize,
) -> Result<Vec<i64>, StoreError> {
    let mut out = vec![0i64; lines];
    let mut stmt = conn.prepare_cached(
        "SELECT o.idx, SUM(l.qty) FROM sales r JOIN sale_lines l ON l.sale_id = r.id
         JOIN sale_lines o ON o.sale_id = r.original_id AND o.product_id = l.product_id
         WHERE r.original_id = ?1 AND r.kind = 'refund' GROUP BY o.idx",
    )?;
    let rows = stmt.query_map([sale_id], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
    })?;
    for row in rows {
        let (idx, qty) = row?;
        if let Some(slot) = usize::try_from(idx).ok().and_then(|i| out.get_mut(i)) {
            *slot = qty;
        }
    }
    Ok(out)
}

/// This node's ledger document for a day, if it has one.
pub fn ledger_for(
    conn: &Connection,
    node_id: &str,
    day: &str,
) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT doc_id FROM ledgers WHERE node_id = ?1 AND day = ?2 ORDER BY doc_id LIMIT 1",
            [node_id, day],
            |r| r.get(0),
        )
        .optional()?)
}
