//! The embedded store's `rm_derivations`: each document's encoded index derivation with
//! the heads it was read at, written by the projector and read for revision 6 bootstrap
//! frames (docs/SYNC.md). Cleared with the other read models (`readmodel::stored`).

use automerge::ChangeHash;
use dermis_model::ClinicId;
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::lite;
use crate::store::hooks::StoredDerivation;
use crate::store::{StoreError, encode_heads};

/// Replaces the document's derivation (`None`: removes it).
pub(super) fn write(
    conn: &Connection,
    clinic: ClinicId,
    doc_id: Uuid,
    patient: Option<Uuid>,
    derivation: Option<&StoredDerivation>,
) -> Result<(), StoreError> {
    let (c, d) = (clinic.to_string(), doc_id.to_string());
    match derivation {
        None => {
            conn.prepare_cached("DELETE FROM rm_derivations WHERE clinic_id = ?1 AND doc_id = ?2")
                .and_then(|mut s| s.execute(params![c, d]))
                .map_err(lite("clear a derivation"))?;
        }
        Some(s) => {
            conn.prepare_cached(
                "INSERT INTO rm_derivations (clinic_id, doc_id, patient_id, heads, data)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (clinic_id, doc_id) DO UPDATE SET patient_id = excluded.patient_id,
                     heads = excluded.heads, data = excluded.data",
            )
            .and_then(|mut st| {
                st.execute(params![
                    c,
                    d,
                    patient.map(|p| p.to_string()),
                    encode_heads(&s.heads),
                    s.data
                ])
            })
            .map_err(lite("keep a derivation"))?;
        }
    }
    Ok(())
}

/// Each document's derivation if stored at exactly the heads given.
pub(super) fn read(
    conn: &Connection,
    clinic: ClinicId,
    items: &[(Uuid, Vec<ChangeHash>)],
) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
    let c = clinic.to_string();
    let mut stmt = conn
        .prepare_cached(
            "SELECT heads, data FROM rm_derivations WHERE clinic_id = ?1 AND doc_id = ?2",
        )
        .map_err(lite("read derivations"))?;
    let mut out = Vec::with_capacity(items.len());
    for (doc_id, heads) in items {
        let row: Option<(Vec<u8>, Vec<u8>)> = stmt
            .query_row(params![c, doc_id.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .map_err(lite("read derivations"))?;
        let wanted = encode_heads(heads);
        out.push(row.and_then(|(stored, data)| (stored == wanted).then_some(data)));
    }
    Ok(out)
}
