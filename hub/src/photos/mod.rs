//! The hub's photo lane: nodes upload originals in resumable chunks over HTTP
//! ([`api`]: staged in the database, verified by sha256, moved whole into the blob
//! store), the thumbnail job makes the gallery and full-view JPEGs ([`thumbnail_job`],
//! decoding in [`image`]), and originals are served without their metadata
//! ([`sanitize`]). docs/PHOTOS.md describes the API and the storage layout.
//!
//! Photos are keyed by clinic first everywhere (database rows, blob keys): a node of
//! one clinic can name another clinic's sha256 and still get nothing but `not_found`.
//! What a photo *is* (patient, body part) lives in the patient document, which the hub
//! marks through [`crate::docwrite`] once the thumbnails exist or the image is found
//! unusable. Image bytes and file contents never reach a log line.

pub mod api;
pub mod image;
pub mod sanitize;

pub use crate::state::decode as gate;

#[cfg(test)]
#[path = "../../tests/common/images.rs"]
pub(crate) mod testimg;

use std::sync::Arc;

use bytes::Bytes;
use dermis_model::photo::set_processing_result;
use dermis_model::{ClinicId, PhotoId};
use dermis_sync::driver::error_chain;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::blobs::{self, Variant};
use crate::docwrite::{self, WriteError};
use crate::jobs::{self, Job, JobFailure, JobId, NewJob};
use crate::state::Hub;
use crate::store::staging::{PhotoBlob, Thumbnails};
use crate::store::{HubStore, StoreError};

/// The job kind of [`thumbnail_job`].
pub const THUMBNAIL_JOB: &str = "thumbnail";
/// Attempts of a thumbnail job whose failure may pass (storage, the database, a
/// patient document that has not reached the hub yet).
const THUMBNAIL_ATTEMPTS: u32 = 8;

/// Whether `s` is a sha256 as the API names blobs: 64 lowercase hex digits.
pub fn valid_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// What a thumbnail job is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThumbnailPayload {
    pub sha256: String,
    pub patient: Uuid,
    pub photo: Uuid,
    pub mime: String,
}

/// Queues the photo's thumbnail job unless one is queued or running already.
pub async fn enqueue_thumbnail<S: HubStore>(
    hub: &Hub<S>,
    clinic: ClinicId,
    photo: &PhotoBlob,
) -> Result<JobId, StoreError> {
    let payload = ThumbnailPayload {
        sha256: photo.sha256.clone(),
        patient: photo.patient,
        photo: photo.photo,
        mime: photo.mime.clone(),
    };
    let job = NewJob::now(
        THUMBNAIL_JOB,
        Some(clinic),
        serde_json::to_value(&payload).unwrap_or_default(),
    )
    .dedup(format!("thumbnail:{clinic}:{}", photo.photo))
    .attempts(THUMBNAIL_ATTEMPTS);
    jobs::enqueue(hub, job).await
}

/// Makes sure a complete photo whose thumbnails are not made yet has its job.
pub async fn ensure_thumbnail<S: HubStore>(
    hub: &Hub<S>,
    clinic: ClinicId,
    photo: &PhotoBlob,
) -> Result<(), StoreError> {
    if photo.thumbnails == Thumbnails::Pending {
        enqueue_thumbnail(hub, clinic, photo).await?;
    }
    Ok(())
}

/// The thumbnail job: reads the original, decodes it upright within the pixel budget,
/// stores the full-view and gallery JPEGs, and marks the photo in the patient document.
///
/// A file that is not a usable image fails for good (`Retry::Never`) with the reason
/// recorded in the document and on the job; storage and database trouble, and a
/// patient document that has not reached the hub yet, are retried with backoff. The
/// thumbnails are kept when only the document step failed, so a retry does not decode
/// again.
pub async fn thumbnail_job<S: HubStore>(hub: &Arc<Hub<S>>, job: &Job) -> Result<(), JobFailure> {
    let clinic = job
        .clinic
        .ok_or_else(|| JobFailure::permanent("a thumbnail job needs a clinic"))?;
    let payload: ThumbnailPayload = serde_json::from_value(job.payload.clone())
        .map_err(|e| JobFailure::permanent(format!("bad thumbnail payload: {e}")))?;
    if !valid_sha256(&payload.sha256) {
        return Err(JobFailure::permanent("bad thumbnail payload: sha256"));
    }
    let gallery = blobs::key(clinic, Variant::Gallery, &payload.sha256);
    let full = blobs::key(clinic, Variant::Full, &payload.sha256);
    let storage =
        |e: blobs::BlobError| JobFailure::retry(format!("blob storage: {}", error_chain(&e)));
    // An erased patient's photo gets no thumbnails (the erasure removed its original).
    if crate::erasure::is_erased(hub, clinic, payload.patient).await? {
        return Ok(());
    }
    let made = hub.blobs.exists(&gallery).await.map_err(storage)?
        && hub.blobs.exists(&full).await.map_err(storage)?;
    if !made {
        // One bound on decodes for requests and jobs; the original is read only once
        // this job may decode it.
        let Some(_permit) = hub.decode.wait().await else {
            return Err(JobFailure::retry("the decode gate is closed"));
        };
        let original = blobs::key(clinic, Variant::Original, &payload.sha256);
        let Some(bytes) = hub.blobs.get(&original).await.map_err(storage)? else {
            return Err(JobFailure::permanent(
                "the original is not in the blob store",
            ));
        };
        let max_pixels = hub.options.photo_max_pixels;
        let made = tokio::task::spawn_blocking(move || image::thumbnails(&bytes, max_pixels))
            .await
            .map_err(|e| JobFailure::retry(format!("the thumbnail task failed: {e}")))?;
        let thumbs = match made {
            Ok(thumbs) => thumbs,
            Err(e) if e.is_permanent() => {
                let reason = e.reason();
                record_failure(hub, clinic, &payload, &reason).await;
                return Err(JobFailure::permanent(reason));
            }
            Err(e) => return Err(JobFailure::retry(e.reason())),
        };
        // Full first: the gallery's presence is what says both exist.
        hub.blobs
            .put(&full, Bytes::from(thumbs.full), "image/jpeg")
            .await
            .map_err(storage)?;
        hub.blobs
            .put(&gallery, Bytes::from(thumbs.gallery), "image/jpeg")
            .await
            .map_err(storage)?;
    }
    // Erased while the thumbnails were made: the erasure job may have deleted the
    // photo's blobs before these were written, so they go now (the erasure is recorded
    // before that job runs, so one of the two always sees the other).
    if crate::erasure::is_erased(hub, clinic, payload.patient).await? {
        return crate::erasure::delete_photo(hub, clinic, &payload.sha256).await;
    }
    mark_document(hub, clinic, &payload, Ok(())).await?;
    hub.store
        .set_thumbnails(
            clinic,
            payload.photo,
            Thumbnails::Ready,
            None,
            dermis_model::now_millis(),
        )
        .await
        .map_err(|e| JobFailure::retry(format!("recording the thumbnails: {}", error_chain(&e))))?;
    tracing::info!(%clinic, photo = %payload.photo, "thumbnails ready");
    hub.metrics.thumbnail("ready");
    Ok(())
}

/// Writes the outcome into the photo's entry of the patient document.
async fn mark_document<S: HubStore>(
    hub: &Hub<S>,
    clinic: ClinicId,
    payload: &ThumbnailPayload,
    outcome: Result<(), &str>,
) -> Result<(), JobFailure> {
    let photo = PhotoId::from_uuid(payload.photo);
    let reason = outcome.err().map(str::to_owned);
    let written = docwrite::edit_doc(hub, clinic, payload.patient, move |doc| {
        let outcome = match &reason {
            None => Ok(()),
            Some(r) => Err(r.as_str()),
        };
        set_processing_result(doc, photo, outcome).map_err(|e| e.to_string())
    })
    .await;
    match written {
        Ok(_) => Ok(()),
        // The node pushes the patient document before it uploads; a photo can still
        // arrive first (another hub instance, a reconnect in between).
        Err(WriteError::NotFound { .. }) => Err(JobFailure::retry(
            "the patient document is not on the hub yet",
        )),
        Err(WriteError::Edit { .. }) => Err(JobFailure::retry(
            "the photo is not in the patient document yet",
        )),
        Err(e) => Err(JobFailure::retry(format!(
            "marking the patient document: {}",
            error_chain(&e)
        ))),
    }
}

/// Records an unusable image in the document and the photo row. Best effort: the job
/// is dead either way and carries the reason too.
async fn record_failure<S: HubStore>(
    hub: &Hub<S>,
    clinic: ClinicId,
    payload: &ThumbnailPayload,
    reason: &str,
) {
    if let Err(e) = mark_document(hub, clinic, payload, Err(reason)).await {
        tracing::warn!(%clinic, photo = %payload.photo, error = %e.message, "cannot record a photo's processing error in its document");
    }
    hub.metrics.thumbnail("failed");
    let now = dermis_model::now_millis();
    if let Err(e) = hub
        .store
        .set_thumbnails(clinic, payload.photo, Thumbnails::Failed, Some(reason), now)
        .await
    {
        tracing::warn!(%clinic, photo = %payload.photo, error = %error_chain(&e), "cannot record a photo's processing error");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_names_are_64_lowercase_hex_digits() {
        assert!(valid_sha256(&"0a".repeat(32)));
        assert!(!valid_sha256(&"0A".repeat(32)));
        assert!(!valid_sha256(&"0a".repeat(31)));
        assert!(!valid_sha256(&format!("{}/x", "0a".repeat(31))));
    }

    #[test]
    fn the_payload_round_trips_as_the_contract_names_it() {
        let payload = ThumbnailPayload {
            sha256: "ab".repeat(32),
            patient: Uuid::nil(),
            photo: Uuid::max(),
            mime: "image/jpeg".into(),
        };
        let value = serde_json::to_value(&payload).unwrap_or_default();
        let mut keys: Vec<&str> = value
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        assert_eq!(keys, ["mime", "patient", "photo", "sha256"]);
        assert_eq!(
            serde_json::from_value::<ThumbnailPayload>(value).ok(),
            Some(payload)
        );
    }
}
