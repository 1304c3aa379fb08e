//! Photo uploads in the hub database: chunks of an upload in progress (so any hub
//! instance can continue it and a restart loses nothing), and the photos whose original
//! is complete in the blob store with the state of their thumbnails. Every
//! [`super::HubStore`] implements [`BlobStagingStore`]; the HTTP side is `crate::photos`.
//!
//! Everything is keyed by clinic first: an upload or a photo of one clinic is invisible
//! under another.

use std::future::Future;

use dermis_model::{ClinicId, Millis};
use uuid::Uuid;

use super::StoreError;

/// An upload in progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StagedUpload {
    pub total: u64,
    pub received: u64,
    pub patient: Uuid,
    pub photo: Uuid,
    pub mime: String,
}

/// One chunk to append.
#[derive(Clone, Debug)]
pub struct Chunk {
    pub clinic: ClinicId,
    pub sha256: String,
    /// Where the chunk starts; it must equal what was received so far.
    pub offset: u64,
    /// The announced size of the whole blob.
    pub total: u64,
    pub patient: Uuid,
    pub photo: Uuid,
    /// Sniffed from the first chunk; later chunks carry the staged value.
    pub mime: String,
    pub data: Vec<u8>,
    /// The most bytes the clinic may hold staged across its uploads, this chunk
    /// included (`HUB_STAGING_QUOTA_BYTES`).
    pub quota: u64,
}

/// What appending a chunk did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChunkOutcome {
    /// Appended; this many bytes have now arrived.
    Stored { received: u64 },
    /// Nothing stored: the upload continues at `received` (0 when nothing is staged or
    /// the announced total changed).
    OffsetMismatch { received: u64 },
    /// Nothing stored (nor an upload started): the clinic already holds `staged` bytes
    /// and this chunk would take it past its quota.
    OverQuota { staged: u64 },
}

/// The thumbnails of a complete photo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Thumbnails {
    Pending,
    Ready,
    Failed,
}

impl Thumbnails {
    pub fn as_str(self) -> &'static str {
        match self {
            Thumbnails::Pending => "pending",
            Thumbnails::Ready => "ready",
            Thumbnails::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Result<Thumbnails, StoreError> {
        match s {
            "pending" => Ok(Thumbnails::Pending),
            "ready" => Ok(Thumbnails::Ready),
            "failed" => Ok(Thumbnails::Failed),
            other => Err(StoreError::BadRow {
                what: "photo_blobs.thumbnails",
                value: other.chars().take(20).collect(),
            }),
        }
    }
}

/// A photo whose original is in the blob store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhotoBlob {
    pub photo: Uuid,
    pub patient: Uuid,
    pub sha256: String,
    pub mime: String,
    pub size: u64,
    pub thumbnails: Thumbnails,
    pub error: Option<String>,
}

pub trait BlobStagingStore {
    /// The upload staged under `sha256`, if any.
    fn staged_upload(
        &self,
        clinic: ClinicId,
        sha256: &str,
    ) -> impl Future<Output = Result<Option<StagedUpload>, StoreError>> + Send;

    /// Appends a chunk in one transaction: creates the upload at offset 0 (restarting it
    /// when the announced total changed), refuses an offset other than what was received.
    fn stage_chunk(
        &self,
        chunk: Chunk,
        now: Millis,
    ) -> impl Future<Output = Result<ChunkOutcome, StoreError>> + Send;

    /// Every staged byte of the upload, in order.
    fn staged_bytes(
        &self,
        clinic: ClinicId,
        sha256: &str,
    ) -> impl Future<Output = Result<Vec<u8>, StoreError>> + Send;

    /// Drops the upload and its chunks (no error when there is none).
    fn discard_upload(
        &self,
        clinic: ClinicId,
        sha256: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// In one transaction: records the photo's complete original (keeping an existing
    /// row as it is) and drops the staged upload of its sha256. Returns the row.
    fn complete_upload(
        &self,
        clinic: ClinicId,
        photo: &PhotoBlob,
        now: Millis,
    ) -> impl Future<Output = Result<PhotoBlob, StoreError>> + Send;

    fn photo_blob(
        &self,
        clinic: ClinicId,
        photo: Uuid,
    ) -> impl Future<Output = Result<Option<PhotoBlob>, StoreError>> + Send;

    /// Any photo of the clinic with this original: its type and size.
    fn blob_by_sha(
        &self,
        clinic: ClinicId,
        sha256: &str,
    ) -> impl Future<Output = Result<Option<PhotoBlob>, StoreError>> + Send;

    /// Drops uploads no chunk has reached since `before` (abandoned: the photo was
    /// deleted on its node, or the node is gone). Returns how many.
    fn prune_stale_uploads(
        &self,
        before: Millis,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Records what the thumbnail job did.
    fn set_thumbnails(
        &self,
        clinic: ClinicId,
        photo: Uuid,
        state: Thumbnails,
        error: Option<&str>,
        now: Millis,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}
