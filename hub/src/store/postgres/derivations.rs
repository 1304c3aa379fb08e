//! Postgres's `rm_derivations`: each document's encoded index derivation with the heads
//! it was read at, written by the projector and read for revision 6 bootstrap frames
//! (docs/SYNC.md). Cleared with the other read models (`readmodel::stored`).

use std::collections::HashMap;

use automerge::ChangeHash;
use dermis_model::ClinicId;
use sqlx::{PgConnection, PgPool, Row};
use uuid::Uuid;

use super::pg;
use crate::store::hooks::StoredDerivation;
use crate::store::{StoreError, encode_heads};

/// Replaces the document's derivation (`None`: removes it).
pub(super) async fn write(
    conn: &mut PgConnection,
    clinic: ClinicId,
    doc_id: Uuid,
    patient: Option<Uuid>,
    derivation: Option<&StoredDerivation>,
) -> Result<(), StoreError> {
    match derivation {
        None => {
            sqlx::query("DELETE FROM rm_derivations WHERE clinic_id = $1 AND doc_id = $2")
                .bind(clinic.0)
                .bind(doc_id)
                .execute(&mut *conn)
                .await
                .map_err(pg("clear a derivation"))?;
        }
        Some(s) => {
            sqlx::query(
                "INSERT INTO rm_derivations (clinic_id, doc_id, patient_id, heads, data)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (clinic_id, doc_id) DO UPDATE SET patient_id = EXCLUDED.patient_id,
                     heads = EXCLUDED.heads, data = EXCLUDED.data",
            )
            .bind(clinic.0)
            .bind(doc_id)
            .bind(patient)
            .bind(encode_heads(&s.heads))
            .bind(&s.data)
            .execute(&mut *conn)
            .await
            .map_err(pg("keep a derivation"))?;
        }
    }
    Ok(())
}

/// Each document's derivation if stored at exactly the heads given (one query).
pub(super) async fn read(
    pool: &PgPool,
    clinic: ClinicId,
    items: &[(Uuid, Vec<ChangeHash>)],
) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
    let ids: Vec<Uuid> = items.iter().map(|(id, _)| *id).collect();
    let rows = sqlx::query(
        "SELECT doc_id, heads, data FROM rm_derivations WHERE clinic_id = $1 AND doc_id = ANY($2)",
    )
    .bind(clinic.0)
    .bind(&ids)
    .fetch_all(pool)
    .await
    .map_err(pg("read derivations"))?;
    let mut stored: HashMap<Uuid, (Vec<u8>, Vec<u8>)> = HashMap::with_capacity(rows.len());
    for row in rows {
        let id: Uuid = row.try_get(0).map_err(pg("read derivations"))?;
        let heads: Vec<u8> = row.try_get(1).map_err(pg("read derivations"))?;
        let data: Vec<u8> = row.try_get(2).map_err(pg("read derivations"))?;
        stored.insert(id, (heads, data));
    }
    Ok(items
        .iter()
        .map(|(id, heads)| {
            let (at, data) = stored.remove(id)?;
            (at == encode_heads(heads)).then_some(data)
        })
        .collect())
}
