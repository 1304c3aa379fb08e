//! Patient identity in the index: where a merged id ends (`patient_merges`, written by
//! the clinic document's indexer), the records merged into a survivor, the appointments
//! that name a record, and what duplicate detection reads of every patient.

use dermis_model::duplicates::Candidate;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::StoreError;

/// A merged-away record: its survivor, and when and by whom it was merged.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct MergedInto {
    pub id: String,
    pub into: String,
    pub at: i64,
    pub by: String,
}

/// Where `id` was merged, if it was.
pub fn merged_into(conn: &Connection, id: &str) -> Result<Option<MergedInto>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, into_id, merged_at, merged_by FROM patient_merges WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok(MergedInto {
                id: r.get(0)?,
                into: r.get(1)?,
                at: r.get(2)?,
                by: r.get(3)?,
            })
        })
        .optional()?)
}

/// The records merged into `survivor`, oldest merge first.
pub fn merged_from(conn: &Connection, survivor: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM patient_merges WHERE into_id = ?1 ORDER BY merged_at, id",
    )?;
    let rows = stmt.query_map([survivor], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The appointments that name `patient` as stored (not resolved).
pub fn appointments_naming(conn: &Connection, patient: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT id FROM appointments WHERE patient_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map([patient], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every patient not merged away, as duplicate detection reads them.
pub fn duplicate_candidates(conn: &Connection) -> Result<Vec<Candidate>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.first_name, p.middle_name, p.last_name, p.birth_date, p.phone, p.email
         FROM patients p
         WHERE NOT EXISTS (SELECT 1 FROM patient_merges m WHERE m.id = p.id)",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Candidate {
            id: r.get(0)?,
            first_name: r.get(1)?,
            middle_name: r.get(2)?,
            last_name: r.get(3)?,
            birth_date: r.get(4)?,
            phone: r.get(5)?,
            email: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
