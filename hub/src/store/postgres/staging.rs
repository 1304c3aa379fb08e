//! The Postgres store's [`BlobStagingStore`]: photo uploads in progress and complete.
//! Two hub instances appending to one upload serialise on its row (`FOR UPDATE`).

use dermis_model::{ClinicId, Millis};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use super::{PgStore, pg, ts};
use crate::store::staging::{
    BlobStagingStore, Chunk, ChunkOutcome, PhotoBlob, StagedUpload, Thumbnails,
};
use crate::store::{StoreError, i64_of, u64_of};

fn upload_of(row: &PgRow) -> Result<StagedUpload, sqlx::Error> {
    Ok(StagedUpload {
        total: u64_of(row.try_get(0)?),
        received: u64_of(row.try_get(1)?),
        patient: row.try_get(2)?,
        photo: row.try_get(3)?,
        mime: row.try_get(4)?,
    })
}

const UPLOAD_COLUMNS: &str = "SELECT total, received, patient_id, photo_id, mime FROM blob_uploads
     WHERE clinic_id = $1 AND sha256 = $2";

const PHOTO_COLUMNS: &str =
    "SELECT photo_id, patient_id, sha256, mime, size, thumbnails, error FROM photo_blobs";

fn photo_of(row: &PgRow) -> Result<PhotoBlob, StoreError> {
    let get = || -> Result<_, sqlx::Error> {
        Ok((
            row.try_get::<Uuid, _>(0)?,
            row.try_get::<Uuid, _>(1)?,
            row.try_get::<String, _>(2)?,
            row.try_get::<String, _>(3)?,
            row.try_get::<i64, _>(4)?,
            row.try_get::<String, _>(5)?,
            row.try_get::<Option<String>, _>(6)?,
        ))
    };
    let (photo, patient, sha256, mime, size, thumbnails, error) =
        get().map_err(pg("read photo blob"))?;
    Ok(PhotoBlob {
        photo,
        patient,
        sha256,
        mime,
        size: u64_of(size),
        thumbnails: Thumbnails::parse(&thumbnails)?,
        error,
    })
}

async fn stage(
    conn: &mut PgConnection,
    chunk: &Chunk,
    now: Millis,
) -> Result<ChunkOutcome, StoreError> {
    // Creates the row if absent without waiting on a concurrent creator, then locks it.
    if chunk.offset == 0 {
        sqlx::query(
            "INSERT INTO blob_uploads
             (clinic_id, sha256, total, received, patient_id, photo_id, mime, created_at, updated_at)
             VALUES ($1, $2, $3, 0, $4, $5, $6, $7, $7)
             ON CONFLICT (clinic_id, sha256) DO NOTHING",
        )
        .bind(chunk.clinic.0)
        .bind(&chunk.sha256)
        .bind(i64_of(chunk.total))
        .bind(chunk.patient)
        .bind(chunk.photo)
        .bind(&chunk.mime)
        .bind(ts(now))
        .execute(&mut *conn)
        .await
        .map_err(pg("start upload"))?;
    }
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{UPLOAD_COLUMNS} FOR UPDATE")))
        .bind(chunk.clinic.0)
        .bind(&chunk.sha256)
        .fetch_optional(&mut *conn)
        .await
        .map_err(pg("lock upload"))?;
    let Some(row) = row else {
        return Ok(ChunkOutcome::OffsetMismatch { received: 0 });
    };
    let mut current = upload_of(&row).map_err(pg("read upload"))?;
    if current.total != chunk.total {
        if chunk.offset != 0 {
            return Ok(ChunkOutcome::OffsetMismatch { received: 0 });
        }
        // Announced with another size: the upload starts again.
        sqlx::query("DELETE FROM blob_upload_chunks WHERE clinic_id = $1 AND sha256 = $2")
            .bind(chunk.clinic.0)
            .bind(&chunk.sha256)
            .execute(&mut *conn)
            .await
            .map_err(pg("restart upload"))?;
        sqlx::query(
            "UPDATE blob_uploads SET total = $3, received = 0, patient_id = $4, photo_id = $5,
                    mime = $6, updated_at = $7
             WHERE clinic_id = $1 AND sha256 = $2",
        )
        .bind(chunk.clinic.0)
        .bind(&chunk.sha256)
        .bind(i64_of(chunk.total))
        .bind(chunk.patient)
        .bind(chunk.photo)
        .bind(&chunk.mime)
        .bind(ts(now))
        .execute(&mut *conn)
        .await
        .map_err(pg("restart upload"))?;
        current.received = 0;
    }
    if current.received != chunk.offset {
        return Ok(ChunkOutcome::OffsetMismatch {
            received: current.received,
        });
    }
    let len = chunk.data.len() as u64;
    if chunk.offset + len > chunk.total || len == 0 {
        return Err(StoreError::Invalid {
            field: "chunk",
            reason: "must be non-empty and end within the announced total".into(),
        });
    }
    // One clinic's chunks are checked against its quota one at a time.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1::text, 7))")
        .bind(chunk.clinic.0)
        .execute(&mut *conn)
        .await
        .map_err(pg("lock the clinic's staging"))?;
    let staged: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(received), 0)::bigint FROM blob_uploads WHERE clinic_id = $1",
    )
    .bind(chunk.clinic.0)
    .fetch_one(&mut *conn)
    .await
    .map_err(pg("sum staged bytes"))?;
    let staged = u64::try_from(staged).unwrap_or(0);
    if staged.saturating_add(len) > chunk.quota {
        return Ok(ChunkOutcome::OverQuota { staged });
    }
    sqlx::query(
        "INSERT INTO blob_upload_chunks (clinic_id, sha256, \"offset\", data) VALUES ($1, $2, $3, $4)",
    )
    .bind(chunk.clinic.0)
    .bind(&chunk.sha256)
    .bind(i64_of(chunk.offset))
    .bind(&chunk.data)
    .execute(&mut *conn)
    .await
    .map_err(pg("store chunk"))?;
    sqlx::query(
        "UPDATE blob_uploads SET received = received + $3, updated_at = $4
         WHERE clinic_id = $1 AND sha256 = $2",
    )
    .bind(chunk.clinic.0)
    .bind(&chunk.sha256)
    .bind(i64_of(len))
    .bind(ts(now))
    .execute(&mut *conn)
    .await
    .map_err(pg("advance upload"))?;
    Ok(ChunkOutcome::Stored {
        received: current.received + len,
    })
}

impl BlobStagingStore for PgStore {
    async fn staged_upload(
        &self,
        clinic: ClinicId,
        sha256: &str,
    ) -> Result<Option<StagedUpload>, StoreError> {
        let row = sqlx::query(UPLOAD_COLUMNS)
            .bind(clinic.0)
            .bind(sha256)
            .fetch_optional(self.pool())
            .await
            .map_err(pg("read upload"))?;
        row.as_ref()
            .map(upload_of)
            .transpose()
            .map_err(pg("read upload"))
    }

    async fn stage_chunk(&self, chunk: Chunk, now: Millis) -> Result<ChunkOutcome, StoreError> {
        let mut tx = self.pool().begin().await.map_err(pg("begin"))?;
        // An error returns before the commit: the transaction rolls back as it drops.
        let outcome = stage(&mut tx, &chunk, now).await?;
        if matches!(outcome, ChunkOutcome::OverQuota { .. }) {
            // Nothing of a refused chunk stays, not even a new upload's row.
            tx.rollback().await.map_err(pg("rollback"))?;
            return Ok(outcome);
        }
        tx.commit().await.map_err(pg("commit"))?;
        Ok(outcome)
    }

    async fn staged_bytes(&self, clinic: ClinicId, sha256: &str) -> Result<Vec<u8>, StoreError> {
        let rows = sqlx::query(
            "SELECT data FROM blob_upload_chunks WHERE clinic_id = $1 AND sha256 = $2
             ORDER BY \"offset\"",
        )
        .bind(clinic.0)
        .bind(sha256)
        .fetch_all(self.pool())
        .await
        .map_err(pg("read chunks"))?;
        let mut out = Vec::new();
        for row in rows {
            let data: Vec<u8> = row.try_get(0).map_err(pg("read chunks"))?;
            out.extend_from_slice(&data);
        }
        Ok(out)
    }

    async fn discard_upload(&self, clinic: ClinicId, sha256: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM blob_uploads WHERE clinic_id = $1 AND sha256 = $2")
            .bind(clinic.0)
            .bind(sha256)
            .execute(self.pool())
            .await
            .map_err(pg("discard upload"))?;
        Ok(())
    }

    async fn complete_upload(
        &self,
        clinic: ClinicId,
        blob: &PhotoBlob,
        now: Millis,
    ) -> Result<PhotoBlob, StoreError> {
        let mut tx = self.pool().begin().await.map_err(pg("begin"))?;
        sqlx::query(
            "INSERT INTO photo_blobs
             (clinic_id, photo_id, patient_id, sha256, mime, size, thumbnails, error, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
             ON CONFLICT (clinic_id, photo_id) DO NOTHING",
        )
        .bind(clinic.0)
        .bind(blob.photo)
        .bind(blob.patient)
        .bind(&blob.sha256)
        .bind(&blob.mime)
        .bind(i64_of(blob.size))
        .bind(blob.thumbnails.as_str())
        .bind(&blob.error)
        .bind(ts(now))
        .execute(&mut *tx)
        .await
        .map_err(pg("record photo blob"))?;
        sqlx::query("DELETE FROM blob_uploads WHERE clinic_id = $1 AND sha256 = $2")
            .bind(clinic.0)
            .bind(&blob.sha256)
            .execute(&mut *tx)
            .await
            .map_err(pg("drop staged upload"))?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{PHOTO_COLUMNS} WHERE clinic_id = $1 AND photo_id = $2"
        )))
        .bind(clinic.0)
        .bind(blob.photo)
        .fetch_one(&mut *tx)
        .await
        .map_err(pg("read photo blob"))?;
        let row = photo_of(&row)?;
        tx.commit().await.map_err(pg("commit"))?;
        Ok(row)
    }

    async fn photo_blob(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> Result<Option<PhotoBlob>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{PHOTO_COLUMNS} WHERE clinic_id = $1 AND photo_id = $2"
        )))
        .bind(clinic.0)
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .map_err(pg("read photo blob"))?;
        row.as_ref().map(photo_of).transpose()
    }

    async fn blob_by_sha(
        &self,
        clinic: ClinicId,
        sha256: &str,
    ) -> Result<Option<PhotoBlob>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{PHOTO_COLUMNS} WHERE clinic_id = $1 AND sha256 = $2 LIMIT 1"
        )))
        .bind(clinic.0)
        .bind(sha256)
        .fetch_optional(self.pool())
        .await
        .map_err(pg("read photo blob"))?;
        row.as_ref().map(photo_of).transpose()
    }

    async fn prune_stale_uploads(&self, before: Millis) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM blob_uploads WHERE updated_at < $1")
            .bind(ts(before))
            .execute(self.pool())
            .await
            .map_err(pg("prune uploads"))?;
        Ok(done.rows_affected())
    }

    async fn set_thumbnails(
        &self,
        clinic: ClinicId,
        id: Uuid,
        state: Thumbnails,
        error: Option<&str>,
        now: Millis,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE photo_blobs SET thumbnails = $3, error = $4, updated_at = $5
             WHERE clinic_id = $1 AND photo_id = $2",
        )
        .bind(clinic.0)
        .bind(id)
        .bind(state.as_str())
        .bind(error)
        .bind(ts(now))
        .execute(self.pool())
        .await
        .map_err(pg("record thumbnails"))?;
        Ok(())
    }
}
