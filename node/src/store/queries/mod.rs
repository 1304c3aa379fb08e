//! Read queries over the index tables: search, lists, stock on hand, reports. None of
//! them loads a document.

use dermis_model::text::words;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::StoreError;

mod shop;
mod sync_state;

pub use shop::{
    MovementRow, ProductRow, SaleRow, find_products, ledger_for, ledger_of_sale, movements_of,
    product_by_barcode, products, products_by_sku, recent_sales, refunded_per_line,
    sale_by_receipt, sale_receipt,
};
pub(super) use shop::{SALE_SELECT, sale_row};
pub use sync_state::{
    DocSyncRow, OutboxStats, RefusedDoc, SyncState, is_pending, outbox_stats, recent_docs,
    refused_docs, sync_state,
};

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
    fn queries_become_prefix_matches_of_folded_words() {
        assert_eq!(fts_query("Éló  pet").as_deref(), Some("\"elo\"* \"pet\"*"));
        assert_eq!(fts_query("  \"; DROP").as_deref(), Some("\"drop\"*"));
        assert_eq!(fts_query(" ,. "), None);
    }
}
