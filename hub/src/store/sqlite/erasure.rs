//! The embedded store's part of patient erasure (see `crate::store::erasure`): recording
//! erasures in the transaction that writes a clinic document, and the
//! [`ErasureStore`] steps of the `erasure` job. The store runs with `secure_delete`, so
//! deleted rows are overwritten in the file; [`ErasureStore::finish_erasure`] truncates
//! the WAL, which still holds the pages as they were.

use std::collections::HashSet;

use dermis_model::clinic::ErasureRecord;
use dermis_model::{ClinicId, Millis};
use dermis_sync::plan::StoredDoc;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use uuid::Uuid;

use super::{SqliteStore, lite, load_stored, parse_uuid};
use crate::store::erasure::{ErasureInfo, ErasureJob, ErasureStore};
use crate::store::{StoreError, u64_of};

/// The clinic's erased ids.
pub(super) fn erased_ids(conn: &Connection, clinic: ClinicId) -> Result<HashSet<Uuid>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT doc_id FROM erased_docs WHERE clinic_id = ?1")
        .map_err(lite("read erased ids"))?;
    let ids = stmt
        .query_map([clinic.to_string()], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(lite("read erased ids"))?;
    ids.iter()
        .map(|id| parse_uuid("erased_docs.doc_id", id))
        .collect()
}

/// Whether any of `ids` has been erased in the clinic.
pub(super) fn any_erased(
    conn: &Connection,
    clinic: ClinicId,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<bool, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT 1 FROM erased_docs WHERE clinic_id = ?1 AND doc_id = ?2")
        .map_err(lite("check erased ids"))?;
    for id in ids {
        let found = stmt
            .query_row(params![clinic.to_string(), id.to_string()], |_| Ok(()))
            .optional()
            .map_err(lite("check erased ids"))?;
        if found.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Removes a document of the clinic with its change rows and open conflicts; whether it
/// existed.
fn remove_doc(conn: &Connection, clinic: ClinicId, id: Uuid) -> Result<bool, StoreError> {
    let (clinic, id) = (clinic.to_string(), id.to_string());
    conn.execute("DELETE FROM doc_changes WHERE doc_id = ?1", [&id])
        .map_err(lite("erase change history"))?;
    conn.execute(
        "DELETE FROM open_conflicts WHERE clinic_id = ?1 AND doc_id = ?2",
        params![clinic, id],
    )
    .map_err(lite("erase conflicts"))?;
    let n = conn
        .execute(
            "DELETE FROM docs WHERE clinic_id = ?1 AND id = ?2",
            params![clinic, id],
        )
        .map_err(lite("erase document"))?;
    Ok(n > 0)
}

/// Records the erasures of a written plan that the hub has not recorded yet: each new
/// one lists the patient as erased, removes the patient document and queues the
/// erasure job, all in the transaction `conn` is in. Returns the patients it erased.
pub(super) fn record(
    conn: &Connection,
    clinic: ClinicId,
    erasures: &[ErasureRecord],
    now: Millis,
) -> Result<Vec<Uuid>, StoreError> {
    let mut new = Vec::new();
    for erasure in erasures {
        let patient = erasure.patient_id.0;
        let inserted = conn
            .execute(
                "INSERT INTO erasures (clinic_id, patient_id, erased_at, recorded_at)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                params![clinic.to_string(), patient.to_string(), erasure.at, now],
            )
            .map_err(lite("record erasure"))?;
        if inserted == 0 {
            continue;
        }
        new.push(patient);
        conn.execute(
            "INSERT INTO erased_docs (clinic_id, doc_id, patient_id) VALUES (?1, ?2, ?2)
             ON CONFLICT DO NOTHING",
            params![clinic.to_string(), patient.to_string()],
        )
        .map_err(lite("record erased id"))?;
        let removed = remove_doc(conn, clinic, patient)?;
        super::readmodel::erase_patient(conn, clinic, patient)?;
        conn.execute(
            "UPDATE erasures SET documents = ?3 WHERE clinic_id = ?1 AND patient_id = ?2",
            params![clinic.to_string(), patient.to_string(), i64::from(removed)],
        )
        .map_err(lite("record erasure"))?;
        super::jobs::insert_job(conn, &ErasureJob { clinic, patient }.new_job(), now)?;
    }
    Ok(new)
}

fn appointment_docs(
    conn: &mut Connection,
    clinic: ClinicId,
    after: Option<Uuid>,
    limit: usize,
) -> Result<Vec<(Uuid, StoredDoc)>, StoreError> {
    let tx = conn.transaction().map_err(lite("begin"))?;
    let ids: Vec<String> = {
        let mut stmt = tx
            .prepare_cached(
                "SELECT id FROM docs WHERE clinic_id = ?1 AND doc_type = 'appointment' AND id > ?2
                 ORDER BY id LIMIT ?3",
            )
            .map_err(lite("list appointments"))?;
        stmt.query_map(
            params![
                clinic.to_string(),
                after.map(|a| a.to_string()).unwrap_or_default(),
                i64::try_from(limit).unwrap_or(i64::MAX)
            ],
            |r| r.get(0),
        )
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(lite("list appointments"))?
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let id = parse_uuid("docs.id", &id)?;
        if let Some(doc) = load_stored(&tx, clinic, id)? {
            out.push((id, doc));
        }
    }
    Ok(out)
}

fn erase_docs(
    conn: &mut Connection,
    clinic: ClinicId,
    patient: Uuid,
    ids: &[Uuid],
) -> Result<u64, StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(lite("begin"))?;
    let mut removed = 0u64;
    for id in ids {
        tx.execute(
            "INSERT INTO erased_docs (clinic_id, doc_id, patient_id) VALUES (?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
            params![clinic.to_string(), id.to_string(), patient.to_string()],
        )
        .map_err(lite("record erased id"))?;
        tx.execute(
            "DELETE FROM calendly_invitees WHERE clinic_id = ?1 AND doc_id = ?2",
            params![clinic.to_string(), id.to_string()],
        )
        .map_err(lite("erase calendly link"))?;
        if remove_doc(&tx, clinic, *id)? {
            removed += 1;
        }
    }
    tx.execute(
        "UPDATE erasures SET documents = documents + ?3 WHERE clinic_id = ?1 AND patient_id = ?2",
        params![
            clinic.to_string(),
            patient.to_string(),
            i64::try_from(removed).unwrap_or(i64::MAX)
        ],
    )
    .map_err(lite("record erasure"))?;
    tx.commit().map_err(lite("commit"))?;
    Ok(removed)
}

fn erase_derived(
    conn: &mut Connection,
    clinic: ClinicId,
    patient: Uuid,
) -> Result<Vec<String>, StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(lite("begin"))?;
    let (c, p) = (clinic.to_string(), patient.to_string());
    // Event payloads carry ids only; the patient's id names every event about them
    // (created, encounters signed, photos ready).
    let naming = "SELECT key FROM webhook_events WHERE clinic_id = ?1 AND instr(data, ?2) > 0";
    tx.execute(
        &format!("DELETE FROM webhook_deliveries WHERE event_key IN ({naming})"),
        params![c, p],
    )
    .map_err(lite("erase webhook deliveries"))?;
    tx.execute(
        "DELETE FROM webhook_events WHERE clinic_id = ?1 AND instr(data, ?2) > 0",
        params![c, p],
    )
    .map_err(lite("erase webhook events"))?;
    let mut hashes: Vec<String> = {
        let mut stmt = tx
            .prepare(
                "SELECT sha256 FROM photo_blobs WHERE clinic_id = ?1 AND patient_id = ?2
                 UNION SELECT sha256 FROM blob_uploads WHERE clinic_id = ?1 AND patient_id = ?2",
            )
            .map_err(lite("list erased photos"))?;
        stmt.query_map(params![c, p], |r| r.get(0))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(lite("list erased photos"))?
    };
    tx.execute(
        "DELETE FROM photo_blobs WHERE clinic_id = ?1 AND patient_id = ?2",
        params![c, p],
    )
    .map_err(lite("erase photo rows"))?;
    tx.execute(
        "DELETE FROM blob_upload_chunks WHERE (clinic_id, sha256) IN
             (SELECT clinic_id, sha256 FROM blob_uploads WHERE clinic_id = ?1 AND patient_id = ?2)",
        params![c, p],
    )
    .map_err(lite("erase upload chunks"))?;
    tx.execute(
        "DELETE FROM blob_uploads WHERE clinic_id = ?1 AND patient_id = ?2",
        params![c, p],
    )
    .map_err(lite("erase uploads"))?;
    // A blob another patient's photo still names (the same picture twice) stays.
    let mut still = tx
        .prepare_cached("SELECT 1 FROM photo_blobs WHERE clinic_id = ?1 AND sha256 = ?2")
        .map_err(lite("check shared photos"))?;
    let mut released = Vec::with_capacity(hashes.len());
    for sha in hashes.drain(..) {
        let named = still
            .query_row(params![c, sha], |_| Ok(()))
            .optional()
            .map_err(lite("check shared photos"))?;
        if named.is_none() {
            released.push(sha);
        }
    }
    drop(still);
    tx.commit().map_err(lite("commit"))?;
    Ok(released)
}

fn finish(
    conn: &mut Connection,
    clinic: ClinicId,
    patient: Uuid,
    blobs: u64,
    now: Millis,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE erasures SET done_at = ?3, blobs = ?4 WHERE clinic_id = ?1 AND patient_id = ?2",
        params![
            clinic.to_string(),
            patient.to_string(),
            now,
            i64::try_from(blobs).unwrap_or(i64::MAX)
        ],
    )
    .map_err(lite("finish erasure"))?;
    // Copies the WAL into the file and empties it; readers still holding an old page keep
    // it from being truncated now, in which case the next checkpoint does.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .map_err(lite("truncate the WAL"))?;
    Ok(())
}

fn erasures(conn: &Connection, clinic: Option<ClinicId>) -> Result<Vec<ErasureInfo>, StoreError> {
    let mut stmt = conn
        .prepare(
            "SELECT clinic_id, patient_id, erased_at, recorded_at, done_at, documents, blobs
             FROM erasures WHERE ?1 IS NULL OR clinic_id = ?1
             ORDER BY recorded_at DESC, patient_id",
        )
        .map_err(lite("list erasures"))?;
    let rows = stmt
        .query_map([clinic.map(|c| c.to_string())], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, i64>(6)?,
            ))
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(lite("list erasures"))?;
    rows.into_iter()
        .map(
            |(c, p, erased_at, recorded_at, done_at, documents, blobs)| {
                Ok(ErasureInfo {
                    clinic: ClinicId(parse_uuid("erasures.clinic_id", &c)?),
                    patient: parse_uuid("erasures.patient_id", &p)?,
                    erased_at,
                    recorded_at,
                    done_at,
                    documents: u64_of(documents),
                    blobs: u64_of(blobs),
                })
            },
        )
        .collect()
}

impl ErasureStore for SqliteStore {
    async fn appointment_docs(
        &self,
        clinic: ClinicId,
        after: Option<Uuid>,
        limit: usize,
    ) -> Result<Vec<(Uuid, StoredDoc)>, StoreError> {
        self.call(move |conn| appointment_docs(conn, clinic, after, limit))
            .await
    }

    async fn erase_docs(
        &self,
        clinic: ClinicId,
        patient: Uuid,
        ids: Vec<Uuid>,
    ) -> Result<u64, StoreError> {
        self.call(move |conn| erase_docs(conn, clinic, patient, &ids))
            .await
    }

    async fn erase_derived(
        &self,
        clinic: ClinicId,
        patient: Uuid,
    ) -> Result<Vec<String>, StoreError> {
        self.call(move |conn| erase_derived(conn, clinic, patient))
            .await
    }

    async fn finish_erasure(
        &self,
        clinic: ClinicId,
        patient: Uuid,
        blobs: u64,
        now: Millis,
    ) -> Result<(), StoreError> {
        self.call(move |conn| finish(conn, clinic, patient, blobs, now))
            .await
    }

    async fn erasures(&self, clinic: Option<ClinicId>) -> Result<Vec<ErasureInfo>, StoreError> {
        self.call(move |conn| erasures(conn, clinic)).await
    }
}
