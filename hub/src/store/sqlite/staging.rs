//! The embedded store's [`BlobStagingStore`]: photo uploads in progress and complete.

use dermis_model::{ClinicId, Millis};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use uuid::Uuid;

use super::{SqliteStore, lite, parse_uuid};
use crate::store::staging::{
    BlobStagingStore, Chunk, ChunkOutcome, PhotoBlob, StagedUpload, Thumbnails,
};
use crate::store::{StoreError, i64_of, u64_of};

fn staged(
    conn: &Connection,
    clinic: ClinicId,
    sha256: &str,
) -> Result<Option<StagedUpload>, StoreError> {
    let row = conn
        .query_row(
            "SELECT total, received, patient_id, photo_id, mime FROM blob_uploads
             WHERE clinic_id = ?1 AND sha256 = ?2",
            params![clinic.to_string(), sha256],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            },
        )
        .optional()
        .map_err(lite("read upload"))?;
    row.map(|(total, received, patient, photo, mime)| {
        Ok(StagedUpload {
            total: u64_of(total),
            received: u64_of(received),
            patient: parse_uuid("blob_uploads.patient_id", &patient)?,
            photo: parse_uuid("blob_uploads.photo_id", &photo)?,
            mime,
        })
    })
    .transpose()
}

fn stage(conn: &mut Connection, chunk: &Chunk, now: Millis) -> Result<ChunkOutcome, StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(lite("begin"))?;
    let clinic = chunk.clinic.to_string();
    let mut current = staged(&tx, chunk.clinic, &chunk.sha256)?;
    if let Some(up) = &current
        && up.total != chunk.total
    {
        if chunk.offset != 0 {
            return Ok(ChunkOutcome::OffsetMismatch { received: 0 });
        }
        tx.execute(
            "DELETE FROM blob_uploads WHERE clinic_id = ?1 AND sha256 = ?2",
            params![clinic, chunk.sha256],
        )
        .map_err(lite("restart upload"))?;
        current = None;
    }
    let received = match current {
        Some(up) => up.received,
        None if chunk.offset == 0 => {
            tx.execute(
                "INSERT INTO blob_uploads
                 (clinic_id, sha256, total, received, patient_id, photo_id, mime, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, ?7, ?7)",
                params![
                    clinic,
                    chunk.sha256,
                    i64_of(chunk.total),
                    chunk.patient.to_string(),
                    chunk.photo.to_string(),
                    chunk.mime,
                    now
                ],
            )
            .map_err(lite("start upload"))?;
            0
        }
        None => return Ok(ChunkOutcome::OffsetMismatch { received: 0 }),
    };
    if received != chunk.offset {
        return Ok(ChunkOutcome::OffsetMismatch { received });
    }
    let len = chunk.data.len() as u64;
    if chunk.offset + len > chunk.total || len == 0 {
        return Err(StoreError::Invalid {
            field: "chunk",
            reason: "must be non-empty and end within the announced total".into(),
        });
    }
    let staged: i64 = tx
        .query_row(
            "SELECT COALESCE(SUM(received), 0) FROM blob_uploads WHERE clinic_id = ?1",
            [&clinic],
            |r| r.get(0),
        )
        .map_err(lite("sum staged bytes"))?;
    let staged = u64_of(staged);
    if staged.saturating_add(len) > chunk.quota {
        // Returning drops the transaction: a new upload row goes too.
        return Ok(ChunkOutcome::OverQuota { staged });
    }
    tx.execute(
        "INSERT INTO blob_upload_chunks (clinic_id, sha256, \"offset\", data) VALUES (?1, ?2, ?3, ?4)",
        params![clinic, chunk.sha256, i64_of(chunk.offset), chunk.data],
    )
    .map_err(lite("store chunk"))?;
    tx.execute(
        "UPDATE blob_uploads SET received = received + ?3, updated_at = ?4
         WHERE clinic_id = ?1 AND sha256 = ?2",
        params![clinic, chunk.sha256, i64_of(len), now],
    )
    .map_err(lite("advance upload"))?;
    tx.commit().map_err(lite("commit"))?;
    Ok(ChunkOutcome::Stored {
        received: received + len,
    })
}

const PHOTO_COLUMNS: &str =
    "photo_id, patient_id, sha256, mime, size, thumbnails, error FROM photo_blobs";

/// A `photo_blobs` row as read: ids and state still text.
type PhotoRow = (String, String, String, String, i64, String, Option<String>);

fn photo_row(r: &Row<'_>) -> rusqlite::Result<PhotoRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

fn photo_of(row: PhotoRow) -> Result<PhotoBlob, StoreError> {
    let (photo, patient, sha256, mime, size, thumbnails, error) = row;
    Ok(PhotoBlob {
        photo: parse_uuid("photo_blobs.photo_id", &photo)?,
        patient: parse_uuid("photo_blobs.patient_id", &patient)?,
        sha256,
        mime,
        size: u64_of(size),
        thumbnails: Thumbnails::parse(&thumbnails)?,
        error,
    })
}

fn photo(
    conn: &Connection,
    clinic: ClinicId,
    photo: Uuid,
) -> Result<Option<PhotoBlob>, StoreError> {
    conn.query_row(
        &format!("SELECT {PHOTO_COLUMNS} WHERE clinic_id = ?1 AND photo_id = ?2"),
        params![clinic.to_string(), photo.to_string()],
        photo_row,
    )
    .optional()
    .map_err(lite("read photo blob"))?
    .map(photo_of)
    .transpose()
}

impl BlobStagingStore for SqliteStore {
    async fn staged_upload(
        &self,
        clinic: ClinicId,
        sha256: &str,
    ) -> Result<Option<StagedUpload>, StoreError> {
        let sha256 = sha256.to_owned();
        self.call(move |conn| staged(conn, clinic, &sha256)).await
    }

    async fn stage_chunk(&self, chunk: Chunk, now: Millis) -> Result<ChunkOutcome, StoreError> {
        self.call(move |conn| stage(conn, &chunk, now)).await
    }

    async fn staged_bytes(&self, clinic: ClinicId, sha256: &str) -> Result<Vec<u8>, StoreError> {
        let sha256 = sha256.to_owned();
        self.call(move |conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT data FROM blob_upload_chunks WHERE clinic_id = ?1 AND sha256 = ?2
                     ORDER BY \"offset\"",
                )
                .map_err(lite("read chunks"))?;
            let mut rows = stmt
                .query(params![clinic.to_string(), sha256])
                .map_err(lite("read chunks"))?;
            let mut out = Vec::new();
            while let Some(row) = rows.next().map_err(lite("read chunks"))? {
                let data: Vec<u8> = row.get(0).map_err(lite("read chunks"))?;
                out.extend_from_slice(&data);
            }
            Ok(out)
        })
        .await
    }

    async fn discard_upload(&self, clinic: ClinicId, sha256: &str) -> Result<(), StoreError> {
        let sha256 = sha256.to_owned();
        self.call(move |conn| {
            conn.execute(
                "DELETE FROM blob_uploads WHERE clinic_id = ?1 AND sha256 = ?2",
                params![clinic.to_string(), sha256],
            )
            .map_err(lite("discard upload"))?;
            Ok(())
        })
        .await
    }

    async fn complete_upload(
        &self,
        clinic: ClinicId,
        blob: &PhotoBlob,
        now: Millis,
    ) -> Result<PhotoBlob, StoreError> {
        let blob = blob.clone();
        self.call(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(lite("begin"))?;
            tx.execute(
                "INSERT INTO photo_blobs
                 (clinic_id, photo_id, patient_id, sha256, mime, size, thumbnails, error, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
                 ON CONFLICT (clinic_id, photo_id) DO NOTHING",
                params![
                    clinic.to_string(),
                    blob.photo.to_string(),
                    blob.patient.to_string(),
                    blob.sha256,
                    blob.mime,
                    i64_of(blob.size),
                    blob.thumbnails.as_str(),
                    blob.error,
                    now
                ],
            )
            .map_err(lite("record photo blob"))?;
            tx.execute(
                "DELETE FROM blob_uploads WHERE clinic_id = ?1 AND sha256 = ?2",
                params![clinic.to_string(), blob.sha256],
            )
            .map_err(lite("drop staged upload"))?;
            let row = photo(&tx, clinic, blob.photo)?.ok_or(StoreError::BadRow {
                what: "photo_blobs",
                value: "missing after insert".into(),
            })?;
            tx.commit().map_err(lite("commit"))?;
            Ok(row)
        })
        .await
    }

    async fn photo_blob(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> Result<Option<PhotoBlob>, StoreError> {
        self.call(move |conn| photo(conn, clinic, id)).await
    }

    async fn blob_by_sha(
        &self,
        clinic: ClinicId,
        sha256: &str,
    ) -> Result<Option<PhotoBlob>, StoreError> {
        let sha256 = sha256.to_owned();
        self.call(move |conn| {
            conn.query_row(
                &format!("SELECT {PHOTO_COLUMNS} WHERE clinic_id = ?1 AND sha256 = ?2 LIMIT 1"),
                params![clinic.to_string(), sha256],
                photo_row,
            )
            .optional()
            .map_err(lite("read photo blob"))?
            .map(photo_of)
            .transpose()
        })
        .await
    }

    async fn prune_stale_uploads(&self, before: Millis) -> Result<u64, StoreError> {
        self.call(move |conn| {
            let n = conn
                .execute("DELETE FROM blob_uploads WHERE updated_at < ?1", [before])
                .map_err(lite("prune uploads"))?;
            Ok(n as u64)
        })
        .await
    }

    async fn set_thumbnails(
        &self,
        clinic: ClinicId,
        id: Uuid,
        state: Thumbnails,
        error: Option<&str>,
        now: Millis,
    ) -> Result<(), StoreError> {
        let error = error.map(str::to_owned);
        self.call(move |conn| {
            conn.execute(
                "UPDATE photo_blobs SET thumbnails = ?3, error = ?4, updated_at = ?5
                 WHERE clinic_id = ?1 AND photo_id = ?2",
                params![
                    clinic.to_string(),
                    id.to_string(),
                    state.as_str(),
                    error,
                    now
                ],
            )
            .map_err(lite("record thumbnails"))?;
            Ok(())
        })
        .await
    }
}
