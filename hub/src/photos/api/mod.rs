//! The photo lane's HTTP API (node tokens, like `/sync`; docs/PHOTOS.md):
//!
//! - `GET /api/uploads/{sha256}?patient=&photo=` → `{"received","complete"}`: where an
//!   upload stands. For a complete blob it also makes sure the photo's thumbnail job
//!   exists.
//! - `PUT /api/uploads/{sha256}?offset=&total=&patient=&photo=` with up to 4 MiB of
//!   bytes → `{"received","complete"}`; 409 `offset_mismatch` with `received`, 413
//!   `too_large`, 415 `unsupported_type`, 422 `sha256_mismatch`, 400 `bad_request`.
//! - `GET /api/blobs/{sha256}?variant=gallery|full|original` → the image, without
//!   metadata; 404 `not_found` for another clinic's blob or a variant not made yet.
//!
//! Chunks are staged in the database (any instance continues an upload; a restart
//! loses nothing). The last chunk triggers the check: the staged bytes must hash to the
//! name, else the upload is discarded (start again at 0). Then the original goes to the
//! blob store, the staging rows go, and the thumbnail job is queued.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use bytes::{Bytes, BytesMut};
use dermis_model::ClinicId;
use dermis_model::photo::PhotoMime;
use dermis_sync::driver::error_chain;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{ensure_thumbnail, valid_sha256};
use crate::blobs::{self, BlobError, Variant};
use crate::principal::authenticate_node;
use crate::reply::{error, unavailable};
use crate::state::Hub;
use crate::store::staging::{Chunk, ChunkOutcome, PhotoBlob, StagedUpload, Thumbnails};
use crate::store::{HubStore, NodeAuth, StoreError};

pub mod serve;

pub(crate) use serve::clean_original;
pub use serve::{BlobQuery, get_blob};

/// The largest chunk one `PUT` may carry.
pub const MAX_CHUNK_BYTES: usize = 4 * 1024 * 1024;

pub fn routes<S: HubStore>() -> Router<Arc<Hub<S>>> {
    Router::new()
        .route(
            "/api/uploads/{sha256}",
            get(upload_status::<S>)
                // Chunks are read with this module's own limit and error.
                .put(put_chunk::<S>)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/api/blobs/{sha256}", get(get_blob::<S>))
}

/// Where an upload stands.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UploadStatus {
    /// Bytes the hub holds of the blob; the next chunk starts here.
    pub received: u64,
    /// The blob is whole and verified in the blob store.
    pub complete: bool,
}

/// `409 offset_mismatch`: the chunk does not start where the upload stands.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OffsetMismatch {
    /// `offset_mismatch`.
    pub error: String,
    pub message: String,
    /// Resume from here.
    pub received: u64,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The patient the photo belongs to.
    patient: Uuid,
    /// The photo's id in the patient document.
    photo: Uuid,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChunkQuery {
    /// Where this chunk starts: what the hub has received so far.
    offset: u64,
    /// The size of the whole blob in bytes.
    total: u64,
    /// The patient the photo belongs to.
    patient: Uuid,
    /// The photo's id in the patient document.
    photo: Uuid,
}

fn ok(received: u64, complete: bool) -> Response {
    Json(UploadStatus { received, complete }).into_response()
}

fn bad_request(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "bad_request", message)
}

fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        "this clinic has no such blob, or it is not made yet",
    )
}

fn store_failed(what: &str, e: &StoreError) -> Response {
    tracing::error!(error = %error_chain(e), "photos: {what}");
    unavailable()
}

fn storage_failed(what: &str, e: &BlobError) -> Response {
    tracing::error!(error = %error_chain(e), "photos: {what}");
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "storage_unavailable",
        "the hub cannot reach its blob storage; retry later",
    )
}

/// The answer to a blob name that is not a sha256.
/// The node behind the token, once the blob name is a sha256: what every photo route
/// checks first, in this order (a bad token is 401 whatever the name).
async fn caller<S: HubStore>(
    hub: &Hub<S>,
    headers: &HeaderMap,
    sha256: &str,
) -> Result<NodeAuth, Response> {
    let auth = authenticate_node(hub, headers).await?;
    if !valid_sha256(sha256) {
        return Err(bad_request(
            "the blob name must be a sha256: 64 lowercase hex digits",
        ));
    }
    Ok(auth)
}

/// Where an upload stands; for a complete blob, makes sure its thumbnail job exists.
#[utoipa::path(
    get,
    path = "/api/uploads/{sha256}",
    tag = "photos",
    params(("sha256" = String, Path, description = "SHA-256 of the blob, lowercase hex"), UploadQuery),
    security(("node_token" = [])),
    responses(
        (status = 200, description = "Received bytes (0 when nothing is staged) and whether the blob is complete", body = UploadStatus),
        (status = 400, description = "`bad_request`", body = crate::reply::ErrorBody),
        (status = 401, description = "`unauthorized`", body = crate::reply::ErrorBody),
        (status = 403, description = "`revoked`", body = crate::reply::ErrorBody),
        (status = 503, description = "`unavailable` or `storage_unavailable`", body = crate::reply::ErrorBody),
    )
)]
pub async fn upload_status<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Path(sha256): Path<String>,
    headers: HeaderMap,
    query: Result<Query<UploadQuery>, QueryRejection>,
) -> Response {
    let auth = match caller(&hub, &headers, &sha256).await {
        Ok(auth) => auth,
        Err(response) => return response,
    };
    let Ok(Query(q)) = query else {
        return bad_request("send ?patient=<uuid>&photo=<uuid>");
    };
    let clinic = auth.clinic_id;
    match already_complete(&hub, clinic, &sha256, q.patient, q.photo).await {
        Ok(Some(size)) => return ok(size, true),
        Ok(None) => {}
        Err(response) => return response,
    }
    match hub.store.staged_upload(clinic, &sha256).await {
        // Every byte arrived but the last step did not finish (storage was down): finish now.
        Ok(Some(up)) if up.received == up.total => finish(&hub, clinic, &sha256, &up).await,
        Ok(Some(up)) => ok(up.received, false),
        Ok(None) => ok(0, false),
        Err(e) => store_failed("reading an upload", &e),
    }
}

/// When the clinic's blob store already holds `sha256`: records `photo` as using it (if
/// new), makes sure its thumbnail job exists, and returns the blob's size.
async fn already_complete<S: HubStore>(
    hub: &Hub<S>,
    clinic: ClinicId,
    sha256: &str,
    patient: Uuid,
    photo: Uuid,
) -> Result<Option<u64>, Response> {
    let row = match hub.store.photo_blob(clinic, photo).await {
        Ok(row) => row.filter(|r| r.sha256 == sha256),
        Err(e) => return Err(store_failed("reading a photo", &e)),
    };
    // The blob store is the truth: an original lost there (a restore from an older
    // backup) is uploaded again, whatever the database remembers.
    let key = blobs::key(clinic, Variant::Original, sha256);
    match hub.blobs.exists(&key).await {
        Ok(true) => {}
        Ok(false) => return Ok(None),
        Err(e) => return Err(storage_failed("checking a blob", &e)),
    }
    let row = match row {
        Some(row) => row,
        None => {
            // Another photo with the same bytes, or a completion cut short after the
            // blob was stored: the type and size come from a sibling row or the blob.
            let (mime, size) = match hub.store.blob_by_sha(clinic, sha256).await {
                Ok(Some(sibling)) => (sibling.mime, sibling.size),
                Ok(None) => match hub.blobs.get(&key).await {
                    Ok(Some(bytes)) => match PhotoMime::sniff(&bytes) {
                        Some(mime) => (mime.as_str().to_owned(), bytes.len() as u64),
                        None => return Ok(None),
                    },
                    Ok(None) => return Ok(None),
                    Err(e) => return Err(storage_failed("reading a blob", &e)),
                },
                Err(e) => return Err(store_failed("reading a photo", &e)),
            };
            let blob = PhotoBlob {
                photo,
                patient,
                sha256: sha256.to_owned(),
                mime,
                size,
                thumbnails: Thumbnails::Pending,
                error: None,
            };
            match hub
                .store
                .complete_upload(clinic, &blob, dermis_model::now_millis())
                .await
            {
                // This photo id already names other bytes: report the blob, queue nothing.
                Ok(row) if row.sha256 != sha256 => return Ok(Some(size)),
                Ok(row) => row,
                Err(e) => return Err(store_failed("recording a photo", &e)),
            }
        }
    };
    if let Err(e) = ensure_thumbnail(hub, clinic, &row).await {
        return Err(store_failed("queueing a thumbnail job", &e));
    }
    Ok(Some(row.size))
}

/// A body this much over the chunk limit is still read (and dropped) before the 413,
/// so the client, still sending, gets the answer rather than a reset connection.
const DRAIN_BYTES: u64 = 2 * MAX_CHUNK_BYTES as u64;

/// Reads the request body up to [`MAX_CHUNK_BYTES`].
async fn read_chunk(headers: &HeaderMap, body: Body) -> Result<Bytes, Response> {
    let too_large = || {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            &format!("a chunk may carry at most {MAX_CHUNK_BYTES} bytes"),
        )
    };
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > DRAIN_BYTES) {
        return Err(too_large());
    }
    let mut stream = body.into_data_stream();
    let mut data = BytesMut::new();
    let mut seen: u64 = 0;
    while let Some(frame) = stream.next().await {
        let Ok(frame) = frame else {
            return Err(bad_request("the chunk could not be read whole"));
        };
        seen += frame.len() as u64;
        if seen > DRAIN_BYTES {
            break;
        }
        if seen <= MAX_CHUNK_BYTES as u64 {
            data.extend_from_slice(&frame);
        }
    }
    if seen > MAX_CHUNK_BYTES as u64 {
        return Err(too_large());
    }
    Ok(data.freeze())
}

/// Appends a chunk; the last one completes the upload.
#[utoipa::path(
    put,
    path = "/api/uploads/{sha256}",
    tag = "photos",
    params(("sha256" = String, Path, description = "SHA-256 of the whole blob, lowercase hex"), ChunkQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The chunk: at most 4 MiB, starting at `offset`; the first one must hold at least the file's first 12 bytes"),
    security(("node_token" = [])),
    responses(
        (status = 200, description = "Stored; `complete` once the whole blob is verified and stored", body = UploadStatus),
        (status = 400, description = "`bad_request`: bad name or parameters, empty chunk, or a chunk past `total`", body = crate::reply::ErrorBody),
        (status = 401, description = "`unauthorized`", body = crate::reply::ErrorBody),
        (status = 403, description = "`revoked`", body = crate::reply::ErrorBody),
        (status = 409, description = "`offset_mismatch`: resume from `received`", body = OffsetMismatch),
        (status = 413, description = "`too_large`: `total` over `PHOTO_MAX_BYTES`, or a chunk over 4 MiB; nothing is staged", body = crate::reply::ErrorBody),
        (status = 415, description = "`unsupported_type`: not a JPEG, PNG or WebP; nothing is staged", body = crate::reply::ErrorBody),
        (status = 507, description = "`staging_quota`: the clinic's unfinished uploads would pass `HUB_STAGING_QUOTA_BYTES`; nothing of the chunk is staged", body = crate::reply::ErrorBody),
        (status = 422, description = "`sha256_mismatch`: the bytes do not hash to the name; the upload is discarded, start again at 0", body = crate::reply::ErrorBody),
        (status = 503, description = "`unavailable` or `storage_unavailable`: retry the same chunk later", body = crate::reply::ErrorBody),
    )
)]
pub async fn put_chunk<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Path(sha256): Path<String>,
    headers: HeaderMap,
    query: Result<Query<ChunkQuery>, QueryRejection>,
    body: Body,
) -> Response {
    let auth = match caller(&hub, &headers, &sha256).await {
        Ok(auth) => auth,
        Err(response) => return response,
    };
    let Ok(Query(q)) = query else {
        return bad_request("send ?offset=<n>&total=<n>&patient=<uuid>&photo=<uuid>");
    };
    let max = hub.options.photo_max_bytes;
    if q.total > max {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            &format!("the photo has {} bytes; the limit is {max}", q.total),
        );
    }
    if q.total == 0 {
        return bad_request("total must be at least 1");
    }
    let data = match read_chunk(&headers, body).await {
        Ok(data) => data,
        Err(response) => return response,
    };
    if data.is_empty() {
        return bad_request("the chunk is empty");
    }
    if q.offset
        .checked_add(data.len() as u64)
        .is_none_or(|end| end > q.total)
    {
        return bad_request("the chunk runs past total");
    }
    let clinic = auth.clinic_id;
    let mut mime = String::new();
    if q.offset == 0 {
        let Some(sniffed) = PhotoMime::sniff(&data) else {
            return error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_type",
                "the file is not a JPEG, PNG or WebP image",
            );
        };
        mime = sniffed.as_str().to_owned();
        match already_complete(&hub, clinic, &sha256, q.patient, q.photo).await {
            Ok(Some(size)) => return ok(size, true),
            Ok(None) => {}
            Err(response) => return response,
        }
    }
    let chunk = Chunk {
        clinic,
        sha256: sha256.clone(),
        offset: q.offset,
        total: q.total,
        patient: q.patient,
        photo: q.photo,
        mime,
        data: data.into(),
        quota: hub.options.staging_quota_bytes,
    };
    let len = chunk.data.len();
    let staged = hub
        .store
        .stage_chunk(chunk, dermis_model::now_millis())
        .await;
    if matches!(staged, Ok(ChunkOutcome::Stored { .. })) {
        hub.metrics.photo_chunk(len);
    }
    match staged {
        Ok(ChunkOutcome::Stored { received }) if received < q.total => ok(received, false),
        Ok(ChunkOutcome::Stored { .. }) => match hub.store.staged_upload(clinic, &sha256).await {
            Ok(Some(up)) => finish(&hub, clinic, &sha256, &up).await,
            // Another request finished it in between.
            Ok(None) => ok(q.total, true),
            Err(e) => store_failed("reading an upload", &e),
        },
        Ok(ChunkOutcome::OffsetMismatch { received }) => {
            match hub.store.staged_upload(clinic, &sha256).await {
                Ok(Some(up)) if up.received == up.total && up.total == q.total => {
                    return finish(&hub, clinic, &sha256, &up).await;
                }
                Ok(_) => {}
                Err(e) => return store_failed("reading an upload", &e),
            }
            (
                StatusCode::CONFLICT,
                Json(json!({
                    "error": "offset_mismatch",
                    "message": format!("the upload continues at byte {received}"),
                    "received": received,
                })),
            )
                .into_response()
        }
        Ok(ChunkOutcome::OverQuota { staged }) => (
            StatusCode::INSUFFICIENT_STORAGE,
            Json(json!({
                "error": "staging_quota",
                "message": format!(
                    "the clinic already has {staged} bytes of unfinished uploads; finish or wait for them (quota {} bytes)",
                    hub.options.staging_quota_bytes
                ),
                "staged": staged,
            })),
        )
            .into_response(),
        Err(StoreError::Invalid { reason, .. }) => bad_request(&reason),
        Err(e) => store_failed("staging a chunk", &e),
    }
}

/// Verifies a fully staged upload, stores the original, drops the staging rows and
/// queues the thumbnail job.
async fn finish<S: HubStore>(
    hub: &Hub<S>,
    clinic: ClinicId,
    sha256: &str,
    up: &StagedUpload,
) -> Response {
    let bytes = match hub.store.staged_bytes(clinic, sha256).await {
        Ok(bytes) => bytes,
        Err(e) => return store_failed("reading staged chunks", &e),
    };
    let digest = hex::encode(Sha256::digest(&bytes));
    if digest != sha256 || bytes.len() as u64 != up.total {
        if let Err(e) = hub.store.discard_upload(clinic, sha256).await {
            return store_failed("discarding an upload", &e);
        }
        tracing::info!(%clinic, "an upload did not match its sha256 and was discarded");
        hub.metrics.photo_upload("sha256_mismatch");
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "sha256_mismatch",
            "the uploaded bytes do not hash to the name; start again from offset 0",
        );
    }
    let size = bytes.len() as u64;
    let key = blobs::key(clinic, Variant::Original, sha256);
    if let Err(e) = hub.blobs.put(&key, Bytes::from(bytes), &up.mime).await {
        return storage_failed("storing an original", &e);
    }
    let blob = PhotoBlob {
        photo: up.photo,
        patient: up.patient,
        sha256: sha256.to_owned(),
        mime: up.mime.clone(),
        size,
        thumbnails: Thumbnails::Pending,
        error: None,
    };
    let row = match hub
        .store
        .complete_upload(clinic, &blob, dermis_model::now_millis())
        .await
    {
        Ok(row) => row,
        Err(e) => return store_failed("recording a photo", &e),
    };
    if let Err(e) = ensure_thumbnail(hub, clinic, &row).await {
        return store_failed("queueing a thumbnail job", &e);
    }
    tracing::info!(%clinic, photo = %up.photo, bytes = size, "photo upload complete");
    hub.metrics.photo_upload("complete");
    prune_abandoned(hub).await;
    ok(size, true)
}

/// How long an upload no chunk reaches is kept before it counts as abandoned.
pub const ABANDONED_AFTER: Duration = Duration::from_secs(14 * 24 * 3600);

/// Drops abandoned uploads; done on each completed upload, which bounds the work to
/// the uploads' own pace. Best effort: a failure is logged and tried next time.
async fn prune_abandoned<S: HubStore>(hub: &Hub<S>) {
    let age = i64::try_from(ABANDONED_AFTER.as_millis()).unwrap_or(i64::MAX);
    let before = dermis_model::now_millis().saturating_sub(age);
    match hub.store.prune_stale_uploads(before).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(uploads = n, "dropped abandoned photo uploads"),
        Err(e) => tracing::warn!(error = %error_chain(&e), "cannot drop abandoned photo uploads"),
    }
}
