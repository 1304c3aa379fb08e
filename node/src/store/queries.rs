//! Read queries over the index tables: search, lists, stock on hand, reports. None of
//! them loads a document.

use dermis_model::text::words;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::StoreError;

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct PatientRow {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub middle_name: Option<String>,
    pub birth_date: Option<String>,
    pub sex: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub mrn: String,
    pub allergy_count: i64,
    pub encounter_count: i64,
    pub photo_count: i64,
    pub last_visit: Option<String>,
}

pub(crate) const PATIENT_COLUMNS: &str = "p.id, p.first_name, p.last_name, p.middle_name, p.birth_date, p.sex, p.phone, p.email, p.mrn, p.allergy_count, p.encounter_count, p.photo_count, p.last_visit";

pub(crate) fn patient_row(r: &Row<'_>) -> rusqlite::Result<PatientRow> {
    Ok(PatientRow {
        id: r.get(0)?,
        first_name: r.get(1)?,
        last_name: r.get(2)?,
        middle_name: r.get(3)?,
        birth_date: r.get(4)?,
        sex: r.get(5)?,
        phone: r.get(6)?,
        email: r.get(7)?,
        mrn: r.get(8)?,
        allergy_count: r.get(9)?,
        encounter_count: r.get(10)?,
        photo_count: r.get(11)?,
        last_visit: r.get(12)?,
    })
}

/// The FTS5 query for what was typed: every folded word must match as a prefix.
pub fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = words(input)
        .into_iter()
        .map(|w| format!("\"{}\"*", w.replace('"', "")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Patients matching what was typed (names, phone, email, record number), best first.
pub fn search_patients(
    conn: &Connection,
    input: &str,
    limit: usize,
) -> Result<Vec<PatientRow>, StoreError> {
    let Some(query) = fts_query(input) else {
        return Ok(Vec::new());
    };
    // Rank at most the first few hundred matches: a one-letter prefix matches tens of
    // thousands of patients, and ranking them all cost 50 ms at p99 over 50k patients.
    // Such a query is a step of typing; it only needs plausible rows until more letters come.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PATIENT_COLUMNS} FROM (SELECT rowid, rank FROM patients_fts WHERE patients_fts MATCH ?1 LIMIT 400) f
         JOIN patients p ON p.rowid = f.rowid
         WHERE NOT EXISTS (SELECT 1 FROM patient_merges m WHERE m.id = p.id)
         ORDER BY f.rank, p.rowid LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![query, limit as i64], patient_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Most recently changed patients first.
pub fn recent_patients(conn: &Connection, limit: usize) -> Result<Vec<PatientRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PATIENT_COLUMNS} FROM patients p
         WHERE NOT EXISTS (SELECT 1 FROM patient_merges m WHERE m.id = p.id)
         ORDER BY p.updated_at DESC, p.id DESC LIMIT ?1"
    ))?;
    let rows = stmt.query_map([limit as i64], patient_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn patient_by_id(conn: &Connection, id: &str) -> Result<Option<PatientRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PATIENT_COLUMNS} FROM patients p WHERE p.id = ?1"
    ))?;
    Ok(stmt.query_row([id], patient_row).optional()?)
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct EncounterRow {
    pub id: String,
    pub patient_id: String,
    pub date: String,
    pub clinician: String,
    pub complaint: String,
    pub status: String,
    pub diagnoses: Vec<String>,
}

/// The encounters of a patient and of every record merged into it.
pub fn encounters_of(conn: &Connection, patient_id: &str) -> Result<Vec<EncounterRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, patient_id, date, clinician, complaint, status, diagnoses FROM encounters
         WHERE patient_id = ?1 OR patient_id IN (SELECT id FROM patient_merges WHERE into_id = ?1)
         ORDER BY date DESC, id",
    )?;
    let rows = stmt.query_map([patient_id], |r| {
        let dx: String = r.get(6)?;
        Ok(EncounterRow {
            id: r.get(0)?,
            patient_id: r.get(1)?,
            date: r.get(2)?,
            clinician: r.get(3)?,
            complaint: r.get(4)?,
            status: r.get(5)?,
            diagnoses: dx.split_whitespace().map(str::to_owned).collect(),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A visit still a draft, with its patient's name: what the dashboard lists under "needs
/// attention" so that no note stays unsigned by oversight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DraftRow {
    pub id: String,
    pub patient_id: String,
    pub patient_name: String,
    pub date: String,
    pub clinician: String,
    pub complaint: String,
}

/// Unsigned visits, oldest first, at most `limit`.
pub fn draft_encounters(conn: &Connection, limit: usize) -> Result<Vec<DraftRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.id, e.patient_id, p.last_name || ' ' || p.first_name, e.date, e.clinician, e.complaint
         FROM encounters e JOIN patients p ON p.id = e.patient_id
         WHERE e.status = 'draft' ORDER BY e.date, e.id LIMIT ?1",
    )?;
    let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
        Ok(DraftRow {
            id: r.get(0)?,
            patient_id: r.get(1)?,
            patient_name: r.get(2)?,
            date: r.get(3)?,
            clinician: r.get(4)?,
            complaint: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Which patient holds an encounter.
pub fn patient_of_encounter(
    conn: &Connection,
    encounter_id: &str,
) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT patient_id FROM encounters WHERE id = ?1",
            [encounter_id],
            |r| r.get(0),
        )
        .optional()?)
}

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

pub(super) const SALE_SELECT: &str = "SELECT s.id, s.receipt, s.kind, s.original_id, s.at, s.cashier, s.node_id, s.currency, s.subtotal_minor,
        s.discount_minor, s.tax_minor, s.total_minor, s.change_minor,
        CASE WHEN EXISTS(SELECT 1 FROM sales v WHERE v.original_id = s.id AND v.kind = 'void') THEN 'voided' ELSE 'completed' END,
        s.patient_id, s.shift_id
        FROM sales s";

pub(super) fn sale_row(r: &Row<'_>) -> rusqlite::Result<SaleRow> {
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

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct AppointmentRow {
    pub id: String,
    pub patient_id: Option<String>,
    pub invitee_name: Option<String>,
    pub invitee_email: Option<String>,
    pub title: String,
    pub start: i64,
    pub end: i64,
    pub source: String,
    pub status: String,
    /// The clinician's user id, and their user name (filled from the clinic document by
    /// `ops::appointments::between`; the index knows only the id).
    pub clinician_id: Option<String>,
    pub clinician: Option<String>,
    pub invitee_phone: Option<String>,
    /// "Last First" of the linked patient, from the index.
    pub patient_name: Option<String>,
    pub patient_mrn: Option<String>,
    pub cancel_reason: Option<String>,
}

pub fn appointments_between(
    conn: &Connection,
    from: i64,
    to: i64,
) -> Result<Vec<AppointmentRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, COALESCE(m.into_id, a.patient_id), a.invitee_name, a.invitee_email, a.title, a.start_at,
                a.end_at, a.source, a.status, a.clinician_id, a.invitee_phone, p.last_name || ' ' || p.first_name, p.mrn,
                a.cancel_reason
         FROM appointments a LEFT JOIN patient_merges m ON m.id = a.patient_id
              LEFT JOIN patients p ON p.id = COALESCE(m.into_id, a.patient_id)
         WHERE a.start_at >= ?1 AND a.start_at < ?2 ORDER BY a.start_at, a.id",
    )?;
    let rows = stmt.query_map([from, to], |r| {
        Ok(AppointmentRow {
            id: r.get(0)?,
            patient_id: r.get(1)?,
            invitee_name: r.get(2)?,
            invitee_email: r.get(3)?,
            title: r.get(4)?,
            start: r.get(5)?,
            end: r.get(6)?,
            source: r.get(7)?,
            status: r.get(8)?,
            clinician_id: r.get(9)?,
            clinician: None,
            invitee_phone: r.get(10)?,
            patient_name: r.get(11)?,
            patient_mrn: r.get(12)?,
            cancel_reason: r.get(13)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct ConflictRow {
    pub doc_id: String,
    pub doc_type: String,
    pub path: Vec<String>,
    pub values: Vec<serde_json::Value>,
    /// Who wrote each value, where and when, in the order of `values` (empty for rows
    /// indexed before schema 13).
    pub sources: Vec<Option<ConflictSource>>,
}

pub use dermis_model::derivation::ConflictSource;

pub fn conflicts(conn: &Connection) -> Result<Vec<ConflictRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT doc_id, doc_type, path, values_json, sources_json FROM conflicts \
         ORDER BY doc_id, path",
    )?;
    let rows = stmt.query_map([], |r| {
        let path: String = r.get(2)?;
        let values: String = r.get(3)?;
        let sources: Option<String> = r.get(4)?;
        Ok(ConflictRow {
            doc_id: r.get(0)?,
            doc_type: r.get(1)?,
            path: serde_json::from_str(&path).unwrap_or_default(),
            values: serde_json::from_str(&values).unwrap_or_default(),
            sources: sources
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Default)]
pub struct OutboxStats {
    pub count: i64,
    pub bytes: i64,
    /// When the oldest change still waiting for the hub was made (ms since epoch).
    pub oldest_at: Option<i64>,
}

pub fn outbox_stats(conn: &Connection) -> Result<OutboxStats, StoreError> {
    Ok(conn.query_row(
        "SELECT COUNT(*), COALESCE(SUM(bytes), 0), MIN(first_at) FROM outbox",
        [],
        |r| {
            Ok(OutboxStats {
                count: r.get(0)?,
                bytes: r.get(1)?,
                oldest_at: r.get(2)?,
            })
        },
    )?)
}

/// A document whose local changes the hub refused: parked, with the hub's reason, until
/// someone deals with it (the changes stay on this node; later edits of it stay too).
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct RefusedDoc {
    pub doc_id: String,
    pub doc_type: String,
    /// The hub's code and reason, e.g. `forbidden: change 1a2b3c4d edits ...`.
    pub reason: String,
    /// When the document was last edited here (ms since epoch).
    pub last_edit_at: i64,
    /// What the document is to a person: the patient's, product's or appointment's name
    /// from the index tables; `None` for other kinds, shown by their type.
    pub label: Option<String>,
}

/// A readable name for the document `d.id`: the patient's, the product's or the
/// appointment's, from the index tables (NULL for other kinds, shown by their type).
const DOC_LABEL: &str = "COALESCE(
        (SELECT p.last_name || ' ' || p.first_name FROM patients p WHERE p.id = d.id),
        (SELECT pr.name || ' (' || pr.sku || ')' FROM products pr WHERE pr.id = d.id),
        (SELECT COALESCE(NULLIF(a.title, ''), a.invitee_name) FROM appointments a WHERE a.id = d.id))";

/// The documents the hub refused, most recently edited first.
pub fn refused_docs(conn: &Connection) -> Result<Vec<RefusedDoc>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT o.doc_id, d.doc_type, o.rejected, o.last_at, {DOC_LABEL}
         FROM outbox o JOIN docs d ON d.id = o.doc_id
         WHERE o.rejected IS NOT NULL ORDER BY o.last_at DESC, o.doc_id"
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok(RefusedDoc {
            doc_id: r.get(0)?,
            doc_type: r.get(1)?,
            reason: r.get(2)?,
            last_edit_at: r.get(3)?,
            label: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether a document has local changes the hub has not confirmed.
pub fn is_pending(conn: &Connection, doc_id: &str) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM outbox WHERE doc_id = ?1)",
        [doc_id],
        |r| r.get(0),
    )?)
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Default)]
pub struct Counts {
    pub documents: i64,
    pub patients: i64,
    pub encounters: i64,
    pub photos: i64,
    pub products: i64,
    pub stock_movements: i64,
    pub sales: i64,
    pub appointments: i64,
    pub conflicts: i64,
}

pub fn counts(conn: &Connection) -> Result<Counts, StoreError> {
    Ok(conn.query_row(
        "SELECT (SELECT COUNT(*) FROM docs), (SELECT COUNT(*) FROM patients), (SELECT COUNT(*) FROM encounters),
                (SELECT COUNT(*) FROM photos), (SELECT COUNT(*) FROM products), (SELECT COUNT(*) FROM stock_movements),
                (SELECT COUNT(*) FROM sales WHERE kind = 'sale'), (SELECT COUNT(*) FROM appointments), (SELECT COUNT(*) FROM conflicts)",
        [],
        |r| {
            Ok(Counts {
                documents: r.get(0)?,
                patients: r.get(1)?,
                encounters: r.get(2)?,
                photos: r.get(3)?,
                products: r.get(4)?,
                stock_movements: r.get(5)?,
                sales: r.get(6)?,
                appointments: r.get(7)?,
                conflicts: r.get(8)?,
            })
        },
    )?)
}

/// Every document id of a type, for export and re-indexing.
pub fn doc_ids(conn: &Connection, doc_type: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id FROM docs WHERE doc_type = ?1 ORDER BY id")?;
    let rows = stmt.query_map([doc_type], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn online_without_a_sign_of_life_is_stale() {
        let state = |online, alive_at, last_sync_at| SyncState {
            online,
            alive_at,
            last_sync_at,
            ..SyncState::default()
        };
        let now = 1_000_000;
        assert!(state(Some(true), Some(now - 91), None).stale(now, 90));
        assert!(!state(Some(true), Some(now - 90), None).stale(now, 90));
        assert!(
            !state(Some(true), Some(now - 500), Some(now - 10)).stale(now, 90),
            "a recent sync is a sign of life too"
        );
        assert!(state(Some(true), None, None).stale(now, 90), "never a sign");
        assert!(
            !state(Some(false), None, None).stale(now, 90),
            "offline is not stale"
        );
        assert!(!state(None, None, None).stale(now, 90));
    }

    #[test]
    fn queries_become_prefix_matches_of_folded_words() {
        assert_eq!(fts_query("Éló  pet").as_deref(), Some("\"elo\"* \"pet\"*"));
        assert_eq!(fts_query("  \"; DROP").as_deref(), Some("\"drop\"*"));
        assert_eq!(fts_query(" ,. "), None);
    }
}

/// What the sync daemon last wrote about the hub link (`sync_state` table). Every field
/// is `None` until a daemon has run: the node is then not connected to a hub.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Default)]
pub struct SyncState {
    pub online: Option<bool>,
    pub hub_url: Option<String>,
    /// When the last sync finished (ms since epoch).
    pub last_sync_at: Option<i64>,
    pub last_error: Option<String>,
    pub cursor: Option<String>,
    /// When the sync loop last connected, and last said it is alive (ms since epoch).
    pub last_connected_at: Option<i64>,
    pub alive_at: Option<i64>,
}

impl SyncState {
    /// The latest sign that a sync loop was running: a connection, a sync or a heartbeat.
    pub fn last_sign_of_life(&self) -> Option<i64> {
        [self.alive_at, self.last_sync_at, self.last_connected_at]
            .into_iter()
            .flatten()
            .max()
    }

    /// Online as last written, but no sign of life for `after_ms` before `now`: the sync
    /// loop stopped (killed, crashed) without saying so.
    pub fn stale(&self, now: i64, after_ms: i64) -> bool {
        self.online == Some(true)
            && self
                .last_sign_of_life()
                .is_none_or(|at| now.saturating_sub(at) > after_ms)
    }

    /// Whether a hub was ever configured for this node.
    pub fn has_hub(&self) -> bool {
        self.hub_url
            .as_deref()
            .is_some_and(|u| !u.trim().is_empty())
    }
}

pub fn sync_state(conn: &Connection) -> Result<SyncState, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT key, value FROM sync_state")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut state = SyncState::default();
    for row in rows {
        let (key, value) = row?;
        match key.as_str() {
            "online" => state.online = Some(value.trim() == "true"),
            "hub_url" => state.hub_url = Some(value),
            "last_sync_at" => state.last_sync_at = value.trim().parse().ok(),
            "last_error" => state.last_error = Some(value).filter(|v| !v.trim().is_empty()),
            "cursor" => state.cursor = Some(value),
            "last_connected_at" => state.last_connected_at = value.trim().parse().ok(),
            "alive_at" => state.alive_at = value.trim().parse().ok(),
            _ => {}
        }
    }
    Ok(state)
}

/// A document as the sync panel lists it: whether the hub has all of its local changes.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct DocSyncRow {
    pub id: String,
    pub doc_type: String,
    pub updated_at: i64,
    /// Local changes the hub has not confirmed yet.
    pub pending: bool,
    /// What the document is to a person: the patient's, product's or appointment's name
    /// from the index tables; `None` for other kinds, shown by their type.
    pub label: Option<String>,
}

/// The most recently written documents, newest first, with their outbox state.
pub fn recent_docs(conn: &Connection, limit: usize) -> Result<Vec<DocSyncRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT d.id, d.doc_type, d.updated_at, EXISTS(SELECT 1 FROM outbox o WHERE o.doc_id = d.id),
                {DOC_LABEL}
         FROM docs d ORDER BY d.local_seq DESC LIMIT ?1"
    ))?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(DocSyncRow {
            id: r.get(0)?,
            doc_type: r.get(1)?,
            updated_at: r.get(2)?,
            pending: r.get(3)?,
            label: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
