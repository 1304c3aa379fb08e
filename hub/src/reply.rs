//! The answers every HTTP handler of the hub shares: a refusal is
//! `{"error": <stable code>, "message": <safe text>}` ([`ErrorBody`]) — causes are logged
//! where they happen, never sent — and times in JSON are RFC 3339 ([`dermis_model::rfc3339`]). Low
//! in the hub's layers (scripts/check_hub_layers.sh), so the photo lane, the FHIR API and
//! the admin pages answer alike without importing the router or the admin API.

use std::time::Duration;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

/// Every error answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable code, e.g. `unauthorized`, `rate_limited`.
    pub error: String,
    /// A safe, human-readable explanation.
    pub message: String,
}

/// An error answer with a stable code.
pub fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({ "error": code, "message": message }))).into_response()
}

pub fn unavailable() -> Response {
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
        "the hub cannot reach its database; retry later",
    )
}

/// 429 `rate_limited` with `Retry-After` (whole seconds, at least 1).
pub fn rate_limited(retry_after: Duration, message: &str) -> Response {
    let mut response = error(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message);
    retry_after_header(&mut response, retry_after);
    response
}

pub fn retry_after_header(response: &mut Response, after: Duration) {
    let seconds = after.as_secs() + u64::from(after.subsec_nanos() > 0);
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from(seconds.max(1)),
    );
}
