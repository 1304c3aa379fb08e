//! Patient erasure in the node store: the tombstone table (`erasures`) and the removal of
//! a document with every row derived from it. The store runs with `secure_delete`, so
//! what is deleted here is overwritten in the file; the search index is merged so no
//! segment keeps the erased words, and the WAL is truncated after the erasure commits.
//! Which documents an erasure takes and which files it removes is decided by
//! `ops::erasure`.

use dermis_model::clinic::{self, ErasureRecord};
use dermis_model::{DocId, DocType, Millis};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Origin, Store, StoreError, Tx};

/// A patient past the retention period.
#[derive(Clone, Debug, serde::Serialize)]
pub struct DueRow {
    pub id: String,
    pub mrn: String,
    pub first_name: String,
    pub last_name: String,
    /// The last encounter's date, or none.
    pub last_visit: Option<String>,
    pub created_at: Millis,
}

/// Patients with no visit since `cutoff_date` (or none at all) and created before
/// `cutoff_millis`: those past a retention period, longest unseen first.
pub fn not_seen_since(
    conn: &Connection,
    cutoff_date: &str,
    cutoff_millis: Millis,
) -> Result<Vec<DueRow>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, mrn, first_name, last_name, last_visit, created_at FROM patients
         WHERE (last_visit IS NULL OR last_visit < ?1) AND created_at < ?2
         ORDER BY COALESCE(last_visit, ''), last_name, first_name, id",
    )?;
    let rows = stmt.query_map(params![cutoff_date, cutoff_millis], |r| {
        Ok(DueRow {
            id: r.get(0)?,
            mrn: r.get(1)?,
            first_name: r.get(2)?,
            last_name: r.get(3)?,
            last_visit: r.get(4)?,
            created_at: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Meta key set by an erasure until the WAL has been truncated after it.
const SCRUB_PENDING: &str = "erasure_scrub_pending";

/// Where this node learnt of an erasure.
#[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErasureOrigin {
    /// Erased here; the hub must still be told.
    Local,
    /// Told by the hub.
    Hub,
}

impl ErasureOrigin {
    fn as_str(self) -> &'static str {
        match self {
            ErasureOrigin::Local => "local",
            ErasureOrigin::Hub => "hub",
        }
    }
}

/// The record an erasure leaves: who, when, why, which id — and no patient data.
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize)]
pub struct Tombstone {
    pub patient_id: DocId,
    pub erased_at: Millis,
    pub erased_by: String,
    pub reason: String,
    pub origin: ErasureOrigin,
    /// Whether the hub has confirmed it holds the tombstone.
    pub hub_acked: bool,
    /// Local edits of the patient dropped because it was erased elsewhere.
    pub dropped_edits: i64,
    /// Documents removed: the patient's and their appointments'.
    pub documents: i64,
}

/// Whether `id` names an erased patient.
pub fn is_erased(conn: &Connection, id: DocId) -> Result<bool, StoreError> {
    // Asked once per document a sync receives: a cached statement, not one parsed each time.
    Ok(conn
        .prepare_cached("SELECT 1 FROM erasures WHERE patient_id = ?1")?
        .query_row([id.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Every tombstone, newest first.
pub fn tombstones(conn: &Connection) -> Result<Vec<Tombstone>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT patient_id, erased_at, erased_by, reason, origin, hub_acked, dropped_edits, documents
         FROM erasures ORDER BY erased_at DESC, patient_id",
    )?;
    let rows = stmt.query_map([], |r| {
        let id: String = r.get(0)?;
        let origin: String = r.get(4)?;
        Ok((
            id,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            origin,
            r.get::<_, i64>(5)?,
            r.get::<_, i64>(6)?,
            r.get::<_, i64>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, erased_at, erased_by, reason, origin, acked, dropped, documents) = row?;
        // A row this build did not write is skipped rather than failing every listing.
        let Ok(patient_id) = id.parse::<DocId>() else {
            continue;
        };
        out.push(Tombstone {
            patient_id,
            erased_at,
            erased_by,
            reason,
            origin: if origin == "hub" {
                ErasureOrigin::Hub
            } else {
                ErasureOrigin::Local
            },
            hub_acked: acked != 0,
            dropped_edits: dropped,
            documents,
        });
    }
    Ok(out)
}

/// The photo files a purge released: content hashes no remaining photo row names.
#[derive(Default, Debug)]
pub struct Released {
    pub sha256: Vec<String>,
}

impl Tx<'_> {
    /// Whether `id` names an erased patient (as seen inside this transaction).
    pub fn is_erased(&self, id: DocId) -> Result<bool, StoreError> {
        is_erased(&self.tx, id)
    }

    /// Records the tombstone; false when the id was already erased (the first record
    /// stays).
    pub fn record_erasure(&self, t: &Tombstone) -> Result<bool, StoreError> {
        let n = self.tx.execute(
            "INSERT OR IGNORE INTO erasures(patient_id, erased_at, erased_by, reason, origin, hub_acked, dropped_edits, documents)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                t.patient_id.to_string(),
                t.erased_at,
                t.erased_by,
                t.reason,
                t.origin.as_str(),
                i64::from(t.hub_acked),
                t.dropped_edits,
                t.documents,
            ],
        )?;
        Ok(n == 1)
    }

    /// Whether this node edited the document at or after `since` (the erasure's time:
    /// an edit made offline, unaware of it, that the erasure throws away), or still has
    /// edits of it the hub has not acknowledged. Change times are the editing node's
    /// clock, in seconds.
    fn edited_here_since(&mut self, id: DocId, since: Millis) -> Result<bool, StoreError> {
        if self.has_unsent_edits(id)? {
            return Ok(true);
        }
        let Some(actor) = self.actor.cloned() else {
            return Ok(false);
        };
        if !self.ensure_loaded(id)? {
            return Ok(false);
        }
        let Some(p) = self.pending.get_mut(&id) else {
            return Ok(false);
        };
        let since_secs = since.div_euclid(1000);
        Ok(p.doc
            .get_changes(&[])
            .iter()
            .any(|c| c.actor_id() == &actor && c.timestamp() >= since_secs))
    }

    /// Whether the document has local edits the hub has not acknowledged.
    pub fn has_unsent_edits(&self, id: DocId) -> Result<bool, StoreError> {
        Ok(self
            .tx
            .query_row(
                "SELECT 1 FROM outbox WHERE doc_id = ?1",
                [id.to_string()],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Removes the document `id` — its snapshot, its change history, its outbox entry,
    /// its conflicts and every index row derived from it (for a patient: search rows,
    /// encounters, photos, photo uploads and cache entries). Returns the photo hashes
    /// that no other photo names any more, whose files the caller removes after commit.
    pub fn purge_doc(&mut self, id: DocId) -> Result<Released, StoreError> {
        self.discard(id);
        let key = id.to_string();
        let tx = &self.tx;
        let rowid: Option<i64> = tx
            .query_row("SELECT rowid FROM patients WHERE id = ?1", [&key], |r| {
                r.get(0)
            })
            .optional()?;
        let mut released = Released::default();
        if let Some(rowid) = rowid {
            tx.execute("DELETE FROM patients_fts WHERE rowid = ?1", [rowid])?;
            tx.execute("DELETE FROM patients WHERE rowid = ?1", [rowid])?;
            let mut stmt =
                tx.prepare("SELECT DISTINCT sha256 FROM photos WHERE patient_id = ?1")?;
            let hashes: Vec<String> = stmt
                .query_map([&key], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            drop(stmt);
            tx.execute("DELETE FROM encounters WHERE patient_id = ?1", [&key])?;
            tx.execute("DELETE FROM visit_drafts WHERE patient_id = ?1", [&key])?;
            // Sales keep their lines and totals; the index forgets whose they were (the
            // ledger entry keeps only the bare id, which is never stored again).
            tx.execute(
                "UPDATE sales SET patient_id = NULL WHERE patient_id = ?1",
                [&key],
            )?;
            tx.execute("DELETE FROM photos WHERE patient_id = ?1", [&key])?;
            tx.execute("DELETE FROM photo_uploads WHERE patient_id = ?1", [&key])?;
            for sha in hashes {
                let shared: bool = tx
                    .query_row(
                        "SELECT 1 FROM photos WHERE sha256 = ?1 LIMIT 1",
                        [&sha],
                        |_| Ok(()),
                    )
                    .optional()?
                    .is_some();
                if !shared {
                    tx.execute("DELETE FROM photo_cache WHERE sha256 = ?1", [&sha])?;
                    released.sha256.push(sha);
                }
            }
        }
        tx.execute("DELETE FROM appointments WHERE id = ?1", [&key])?;
        tx.execute("DELETE FROM conflicts WHERE doc_id = ?1", [&key])?;
        tx.execute("DELETE FROM outbox WHERE doc_id = ?1", [&key])?;
        tx.execute("DELETE FROM doc_changes WHERE doc_id = ?1", [&key])?;
        tx.execute("DELETE FROM docs WHERE id = ?1", [&key])?;
        Ok(released)
    }

    /// Erases the patient `id` on this node: records the tombstone, removes the patient
    /// document and their appointments with every derived row, queues their photo files
    /// for removal ([`Store::take_erased_files`]) and merges the search index. False when
    /// `id` was erased already, or names a document that is not a patient (left alone).
    pub fn erase_patient(&mut self, t: &Tombstone) -> Result<bool, StoreError> {
        let id = t.patient_id;
        let doc_type: Option<String> = self
            .tx
            .query_row(
                "SELECT doc_type FROM docs WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        if doc_type.is_some_and(|t| t != DocType::Patient.as_str()) {
            return Ok(false);
        }
        let mut t = t.clone();
        if t.origin == ErasureOrigin::Hub && self.edited_here_since(id, t.erased_at)? {
            t.dropped_edits = 1;
        }
        if !self.record_erasure(&t)? {
            return Ok(false);
        }
        let appointments: Vec<DocId> = {
            let mut stmt = self
                .tx
                .prepare("SELECT id FROM appointments WHERE patient_id = ?1")?;
            let ids: Vec<String> = stmt
                .query_map([id.to_string()], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            ids.iter().filter_map(|s| s.parse().ok()).collect()
        };
        let mut released = self.purge_doc(id)?.sha256;
        for appointment in &appointments {
            released.extend(self.purge_doc(*appointment)?.sha256);
        }
        self.tx.execute(
            "UPDATE erasures SET documents = ?2 WHERE patient_id = ?1",
            params![id.to_string(), 1 + appointments.len() as i64],
        )?;
        for sha in released {
            self.tx.execute(
                "INSERT OR IGNORE INTO erased_files(sha256) VALUES (?1)",
                [sha],
            )?;
        }
        self.compact_search()?;
        self.set_meta(SCRUB_PENDING, "1")?;
        Ok(true)
    }

    /// Applies the erasures recorded in a clinic document this transaction writes (one
    /// received from the hub, usually): each patient not erased here yet is erased now,
    /// with unsent local edits of it dropped and counted.
    pub(super) fn apply_recorded_erasures(&mut self) -> Result<(), StoreError> {
        let clinic_docs: Vec<(DocId, Origin)> = self
            .order
            .iter()
            .filter_map(|id| {
                self.pending
                    .get(id)
                    .filter(|p| p.doc_type == DocType::Clinic)
                    .map(|p| (*id, p.origin))
            })
            .collect();
        for (clinic_id, origin) in clinic_docs {
            let records: Vec<ErasureRecord> = match self.pending.get(&clinic_id) {
                // A clinic document whose erasures do not read erases nothing; the
                // document itself is judged by the index as usual.
                Some(p) => clinic::erasures(&p.doc).unwrap_or_default(),
                None => continue,
            };
            for r in records {
                if self.is_erased(r.patient_id)? {
                    continue;
                }
                self.erase_patient(&Tombstone {
                    patient_id: r.patient_id,
                    erased_at: r.at,
                    erased_by: r.by,
                    reason: r.reason,
                    origin: if origin == Origin::Local {
                        ErasureOrigin::Local
                    } else {
                        ErasureOrigin::Hub
                    },
                    hub_acked: origin == Origin::Remote,
                    dropped_edits: 0,
                    documents: 0,
                })?;
            }
        }
        Ok(())
    }

    /// Merges the search index into one segment, so no older segment still holds the
    /// words of a deleted row.
    pub fn compact_search(&self) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO patients_fts(patients_fts) VALUES ('optimize')",
            [],
        )?;
        Ok(())
    }
}

impl Store {
    pub fn is_erased(&self, id: DocId) -> Result<bool, StoreError> {
        is_erased(&self.conn, id)
    }

    pub fn tombstones(&self) -> Result<Vec<Tombstone>, StoreError> {
        tombstones(&self.conn)
    }

    /// The photo files of erased patients still to remove; [`Store::forget_erased_file`]
    /// once each is gone.
    pub fn take_erased_files(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT sha256 FROM erased_files")?;
        let rows = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(rows)
    }

    pub fn forget_erased_file(&self, sha256: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM erased_files WHERE sha256 = ?1", [sha256])?;
        Ok(())
    }

    /// Truncates the WAL if an erasure asked for it and no reader holds it; true when
    /// nothing is left to do.
    pub fn scrub_after_erasure(&self) -> Result<bool, StoreError> {
        if self.meta(SCRUB_PENDING)?.is_none() {
            return Ok(true);
        }
        self.conn
            .execute("DELETE FROM meta WHERE key = ?1", [SCRUB_PENDING])?;
        let done = self.scrub_wal()?;
        if !done {
            self.conn.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, '1')",
                [SCRUB_PENDING],
            )?;
        }
        Ok(done)
    }

    /// After an erasure commits: copies the WAL into the database and truncates it, so
    /// the pre-erasure pages are not left in the WAL file. Another process reading at
    /// that moment keeps the WAL in use; then the pages go at the next checkpoint.
    pub fn scrub_wal(&self) -> Result<bool, StoreError> {
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        Ok(busy == 0)
    }
}
