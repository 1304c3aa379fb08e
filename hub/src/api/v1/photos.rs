//! `GET /api/v1/photos`: photo metadata with short-lived signed URLs of the thumbnails
//! (`gallery`, 320 px; `full`, 1600 px; both JPEG without metadata), and the route those
//! URLs point at. A URL names the clinic, the photo's blob and the variant, and carries
//! its expiry and an HMAC-SHA256 over all four with a key derived from the hub's token
//! secret ([`crate::state::Hub`]'s `url_key`): it works without a bearer token (an
//! `<img src>`), for [`URL_TTL`] only, and for nothing else.

use std::sync::Arc;
use std::time::Duration;

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dermis_model::{ClinicId, now_millis};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

use super::params::Params;
use super::problem::Problem;
use super::read::record_query;
use super::{ctx, json_ok, store_problem};
use crate::blobs::{self, Variant};
use crate::principal::ApiCaller;
use crate::readmodel::Page;
use crate::readmodel::records::PhotoRecord;
use crate::state::Hub;
use crate::store::HubStore;

/// How long a signed photo URL works.
pub const URL_TTL: Duration = Duration::from_secs(300);

/// A photo's metadata and where its thumbnails can be fetched for a while.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PhotoView {
    #[serde(flatten)]
    pub record: PhotoRecord,
    /// The 320-pixel JPEG (no metadata); `null` until the hub has made the thumbnails.
    #[schema(
        example = "/api/v1/photo-files/0190f0a8-0000-7000-8000-000000000001/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08/gallery?expires=1767225600&sig=5e1d…"
    )]
    pub thumbnail_url: Option<String>,
    /// The 1600-pixel JPEG; `null` until made.
    pub full_url: Option<String>,
    /// When the URLs stop working (unix seconds).
    pub urls_expire_at: i64,
}

/// The MAC of one photo file's URL: its clinic, blob, size and expiry.
fn url_mac(
    key: &[u8; 32],
    clinic: ClinicId,
    sha256: &str,
    variant: &str,
    expires: i64,
) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    mac.update(format!("{clinic}/{sha256}/{variant}/{expires}").as_bytes());
    Some(mac)
}

pub fn signature(
    key: &[u8; 32],
    clinic: ClinicId,
    sha256: &str,
    variant: &str,
    expires: i64,
) -> String {
    url_mac(key, clinic, sha256, variant, expires)
        .map(|mac| hex::encode(mac.finalize().into_bytes()))
        .unwrap_or_default()
}

fn url<S>(hub: &Hub<S>, clinic: ClinicId, sha256: &str, variant: &str, expires: i64) -> String {
    let origin = hub.options.public_url.as_ref().map_or("", |u| u.origin());
    let sig = signature(&hub.url_key, clinic, sha256, variant, expires);
    format!("{origin}/api/v1/photo-files/{clinic}/{sha256}/{variant}?expires={expires}&sig={sig}")
}

/// Lists photo metadata, of one patient or all, with signed thumbnail URLs.
#[utoipa::path(
    get, path = "/api/v1/photos", operation_id = "list_photos", tag = "api/v1",
    params(super::read::RecordParams, super::read::ClinicParam),
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of photos; the URLs work without a token for five minutes", body = super::schemas::PhotoPage,
         headers(("ETag" = String, description = "Strong, of the body"))),
        (status = 304, description = "`If-None-Match` named this body's ETag"),
        (status = 400, description = "`invalid_parameter`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "`unknown_clinic`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "`unavailable`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn list<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let result = async {
        let c = ctx(
            &caller,
            &headers,
            query.as_deref(),
            &["patient", "updated_since", "limit", "cursor"],
        )?;
        let q = record_query(&c.params)?;
        let page = hub
            .store
            .photos(c.clinic, &q)
            .await
            .map_err(|e| store_problem("listing photos", &e))?;
        // Whole minutes, so that the same page asked twice within one has one ETag.
        let ttl = i64::try_from(URL_TTL.as_secs()).unwrap_or(300);
        let expires = (now_millis() / 1000 / 60 + 1) * 60 + ttl;
        let items = page
            .items
            .into_iter()
            .map(|record| {
                let ready = record.thumbnails_ready && crate::photos::valid_sha256(&record.sha256);
                PhotoView {
                    thumbnail_url: ready
                        .then(|| url(&hub, c.clinic, &record.sha256, "gallery", expires)),
                    full_url: ready.then(|| url(&hub, c.clinic, &record.sha256, "full", expires)),
                    urls_expire_at: expires,
                    record,
                }
            })
            .collect();
        Ok::<_, Problem>(Page {
            items,
            next_cursor: page.next_cursor,
        })
    }
    .await;
    match result {
        Ok(page) => json_ok(&headers, &page),
        Err(problem) => problem.into_response(),
    }
}

fn refused() -> Response {
    Problem::new(
        StatusCode::FORBIDDEN,
        "invalid_signature",
        "Forbidden",
        "this photo URL is expired or not one the hub signed; list the photos again",
    )
    .field("sig")
    .into_response()
}

/// A thumbnail, through a URL from `GET /api/v1/photos`.
#[utoipa::path(
    get, path = "/api/v1/photo-files/{clinic}/{sha256}/{variant}", operation_id = "get_photo_file", tag = "api/v1",
    params(
        ("clinic" = Uuid, Path, description = "As the URL names it"),
        ("sha256" = String, Path, description = "As the URL names it"),
        ("variant" = String, Path, description = "`gallery` or `full`"),
        ("expires" = i64, Query, description = "Unix seconds, as the URL names it"),
        ("sig" = String, Query, description = "The URL's signature"),
    ),
    responses(
        (status = 200, description = "The JPEG, without metadata", content_type = "image/jpeg", body = Vec<u8>),
        (status = 403, description = "`invalid_signature`: expired or forged", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: the thumbnail is gone", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "`unavailable`: the blob storage cannot be read", body = super::problem::ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn file<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Path((clinic, sha256, variant)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    let Ok(params) = Params::parse(query.as_deref(), &["expires", "sig"]) else {
        return refused();
    };
    let Ok(Some(sig)) = params.text("sig") else {
        return refused();
    };
    let expires = params
        .text("expires")
        .ok()
        .flatten()
        .and_then(|e| e.parse::<i64>().ok());
    let Some(expires) = expires else {
        return refused();
    };
    let Ok(clinic) = Uuid::parse_str(&clinic).map(ClinicId) else {
        return refused();
    };
    let Some(kind) = Variant::parse(&variant).filter(|v| !matches!(v, Variant::Original)) else {
        return refused();
    };
    if !crate::photos::valid_sha256(&sha256) || expires < now_millis() / 1000 {
        return refused();
    }
    // Checked in constant time (the signature is the credential), as webhook signatures are.
    let matches = hex::decode(&sig).ok().is_some_and(|tag| {
        url_mac(&hub.url_key, clinic, &sha256, &variant, expires)
            .is_some_and(|mac| mac.verify_slice(&tag).is_ok())
    });
    if !matches {
        return refused();
    }
    match hub.blobs.get(&blobs::key(clinic, kind, &sha256)).await {
        Ok(Some(bytes)) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=300"),
            );
            response
        }
        Ok(None) => Problem::not_found("sha256").into_response(),
        Err(e) => {
            tracing::warn!(error = %dermis_sync::driver::error_chain(&e), "api/v1: cannot read a thumbnail");
            Problem::unavailable().into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_covers_every_part_of_the_url() {
        let key = [7u8; 32];
        let clinic = ClinicId(Uuid::nil());
        let sha = "a".repeat(64);
        let base = signature(&key, clinic, &sha, "gallery", 100);
        assert_eq!(base.len(), 64);
        assert_ne!(base, signature(&key, clinic, &sha, "full", 100));
        assert_ne!(base, signature(&key, clinic, &sha, "gallery", 101));
        assert_ne!(
            base,
            signature(&key, clinic, &"b".repeat(64), "gallery", 100)
        );
        assert_ne!(
            base,
            signature(&key, ClinicId(Uuid::max()), &sha, "gallery", 100)
        );
        assert_ne!(base, signature(&[8u8; 32], clinic, &sha, "gallery", 100));
    }
}
