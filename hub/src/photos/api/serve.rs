//! `GET /api/blobs/{sha256}`: a clinic's stored image without its metadata — the
//! original cleaned once (concurrent requests share the decode, bounded by the decode
//! gate) and cached, or a thumbnail variant.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use dermis_model::photo::PhotoMime;
use dermis_sync::driver::error_chain;
use serde::Deserialize;

use super::{bad_request, caller, not_found, storage_failed};
use crate::blobs::{self, Variant};
use crate::photos::sanitize::sanitize;
use crate::reply::{error, unavailable};
use crate::state::Hub;
use crate::store::HubStore;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BlobQuery {
    /// `gallery` (JPEG, longest side 320), `full` (JPEG, longest side 1600) or
    /// `original` (the default: the uploaded file without its metadata).
    variant: Option<String>,
}

/// A stored image of the clinic, without metadata.
#[utoipa::path(
    get,
    path = "/api/blobs/{sha256}",
    tag = "photos",
    params(("sha256" = String, Path, description = "SHA-256 of the original, lowercase hex"), BlobQuery),
    security(("node_token" = [])),
    responses(
        (status = 200, description = "The image: `image/jpeg` for gallery and full, the original's own type otherwise; no EXIF, GPS, XMP or text metadata", content_type = "image/*", body = Vec<u8>),
        (status = 304, description = "`If-None-Match` matched the `ETag`"),
        (status = 400, description = "`bad_request`", body = crate::reply::ErrorBody),
        (status = 401, description = "`unauthorized`", body = crate::reply::ErrorBody),
        (status = 403, description = "`revoked`", body = crate::reply::ErrorBody),
        (status = 404, description = "`not_found`: no such blob in this clinic, or the variant is not made yet", body = crate::reply::ErrorBody),
        (status = 422, description = "`corrupt_image`: the original cannot be served without its metadata", body = crate::reply::ErrorBody),
        (status = 503, description = "`unavailable` or `storage_unavailable`; `busy` with `Retry-After` when every decode slot and queue place is taken", body = crate::reply::ErrorBody),
    )
)]
pub async fn get_blob<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Path(sha256): Path<String>,
    headers: HeaderMap,
    query: Result<Query<BlobQuery>, QueryRejection>,
) -> Response {
    let auth = match caller(&hub, &headers, &sha256).await {
        Ok(auth) => auth,
        Err(response) => return response,
    };
    let Ok(Query(q)) = query else {
        return bad_request("send ?variant=gallery|full|original");
    };
    let Some(variant) = Variant::parse(q.variant.as_deref().unwrap_or("original")) else {
        return bad_request("variant must be gallery, full or original");
    };
    let etag = format!("\"{sha256}-{}\"", variant.as_str());
    let key = blobs::key(auth.clinic_id, variant, &sha256);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        // The node has these bytes already: say so without reading them.
        return match hub.blobs.exists(&key).await {
            Ok(true) => not_modified(&etag),
            Ok(false) => not_found(),
            Err(e) => storage_failed("checking a blob", &e),
        };
    }
    let (content_type, body) = match variant {
        Variant::Gallery | Variant::Full => match hub.blobs.get(&key).await {
            Ok(Some(bytes)) => ("image/jpeg", bytes),
            Ok(None) => return not_found(),
            Err(e) => return storage_failed("reading a blob", &e),
        },
        Variant::Original => match clean_original(&hub, auth.clinic_id, &sha256, &key).await {
            Ok(served) => served,
            Err(response) => return response,
        },
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    // Content-addressed, so it never changes; patient data, so only the node keeps it.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    response
}

/// The original without its metadata: from the cache when it was made before, else made
/// once (concurrent requests wait for the first) under the decode gate, and cached.
pub(crate) async fn clean_original<S: HubStore>(
    hub: &Hub<S>,
    clinic: dermis_model::ClinicId,
    sha256: &str,
    key: &str,
) -> Result<(&'static str, Bytes), Response> {
    let clean_key = blobs::clean_key(clinic, sha256);
    let cached = |bytes: Bytes| PhotoMime::sniff(&bytes).map(|mime| (mime.as_str(), bytes));
    match hub.blobs.get(&clean_key).await {
        Ok(Some(bytes)) => {
            if let Some(served) = cached(bytes) {
                return Ok(served);
            }
        }
        Ok(None) => {}
        Err(e) => return Err(storage_failed("reading a cleaned original", &e)),
    }
    let _flight = hub.decode.flight(&clean_key).await;
    match hub.blobs.get(&clean_key).await {
        Ok(Some(bytes)) => {
            if let Some(served) = cached(bytes) {
                return Ok(served);
            }
        }
        Ok(None) => {}
        Err(e) => return Err(storage_failed("reading a cleaned original", &e)),
    }
    let bytes = match hub.blobs.get(key).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Err(not_found()),
        Err(e) => return Err(storage_failed("reading a blob", &e)),
    };
    let Some(mime) = PhotoMime::sniff(&bytes) else {
        return Err(not_found());
    };
    let Ok(_permit) = hub.decode.enter().await else {
        hub.metrics.photo_decode_refused();
        return Err(busy());
    };
    let max_pixels = hub.options.photo_max_pixels;
    hub.metrics.photo_cleaned();
    let clean = tokio::task::spawn_blocking(move || sanitize(&bytes, mime, max_pixels)).await;
    let clean = match clean {
        Ok(Ok(clean)) => Bytes::from(clean),
        Ok(Err(e)) => {
            tracing::warn!(clinic = %clinic, error = %error_chain(&e), "an original cannot be sanitised");
            return Err(error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "corrupt_image",
                "the original cannot be served without its metadata",
            ));
        }
        Err(e) => {
            tracing::error!(error = %e, "the sanitising task failed");
            return Err(unavailable());
        }
    };
    // A failed cache write costs the next request a decode, nothing else.
    if let Err(e) = hub
        .blobs
        .put(&clean_key, clean.clone(), mime.as_str())
        .await
    {
        tracing::warn!(error = %error_chain(&e), "cannot cache a cleaned original");
    }
    Ok((mime.as_str(), clean))
}

/// Every decode slot and queue place is taken: come back shortly.
fn busy() -> Response {
    let mut response = error(
        StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        "the hub is decoding as many images as it may; retry shortly",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
    response
}

fn not_modified(etag: &str) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    if let Ok(value) = HeaderValue::from_str(etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}
