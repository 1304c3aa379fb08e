//! `/api/v1`: a clinic's data for the software around it (docs/API.md). Callers are API
//! keys (`dmk_…`, one clinic, read or read-write) and admins' tokens (the clinics their
//! scope allows; one is named with `?clinic=` or the `Dermis-Clinic` header).
//!
//! One guard (`guard`) runs before every route: it finds the caller
//! ([`crate::principal::api_caller`]; 401 otherwise), counts the request against the
//! caller's rate (`API_RATE_PER_MINUTE`; 429 with `Retry-After`), and after the answer
//! records the use of a key in the audit (method, route template, status, time).
//!
//! Reads answer from the read models ([`crate::readmodel::ReadModel`]), never from
//! documents, with a strong `ETag` of the body (`If-None-Match` → 304). Creating a
//! patient or an appointment writes a document through [`crate::docwrite`], so it
//! reaches every node by sync. Every error is `application/problem+json` ([`problem`]).

pub mod params;
pub mod photos;
pub mod problem;
pub mod read;
pub mod schemas;
pub mod write;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use dermis_model::ClinicId;
use dermis_sync::driver::error_chain;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use crate::principal::metered;
use crate::principal::{self, ApiCaller, ClinicChoice, Refusal};
use crate::state::Hub;
use crate::store::{HubStore, StoreError};
use params::Params;
use problem::Problem;

/// The header that names the clinic for a caller who sees several.
pub const CLINIC_HEADER: &str = "dermis-clinic";

pub fn routes<S: HubStore>(hub: Arc<Hub<S>>) -> Router<Arc<Hub<S>>> {
    let guarded = Router::new()
        .route(
            "/api/v1/patients",
            get(read::patients::<S>).post(write::post_patient::<S>),
        )
        .route("/api/v1/patients/{id}", get(read::patient::<S>))
        .route("/api/v1/encounters", get(read::encounters::<S>))
        .route("/api/v1/photos", get(photos::list::<S>))
        .route("/api/v1/products", get(read::products::<S>))
        .route("/api/v1/stock", get(read::stock::<S>))
        .route("/api/v1/sales", get(read::sales::<S>))
        .route(
            "/api/v1/appointments",
            get(read::appointments::<S>).post(write::post_appointment::<S>),
        )
        .route("/api/v1/appointments/{id}", get(read::appointment::<S>))
        .route(
            "/api/v1/reports/sales.csv",
            get(super::reports::sales_csv::<S>),
        )
        .route_layer(axum::middleware::from_fn_with_state(hub, guard::<S>));
    Router::new()
        .merge(guarded)
        // Signed URLs: the signature is the credential ([`photos`]).
        .route(
            "/api/v1/photo-files/{clinic}/{sha256}/{variant}",
            get(photos::file::<S>),
        )
        .route("/api/v1/{*rest}", any(unknown_route))
}

async fn unknown_route() -> Response {
    Problem::new(
        StatusCode::NOT_FOUND,
        "unknown_route",
        "Not found",
        "no such route; see /api/openapi.json",
    )
    .into_response()
}

/// Who calls, counted and audited (see the module documentation).
async fn guard<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    request: Request,
    next: Next,
) -> Response {
    let caller = match principal::api_caller(&hub, request.headers()).await {
        Ok(caller) => caller,
        Err(Refusal::SignIn) => return Problem::unauthorized().into_response(),
        Err(Refusal::Unavailable) => return Problem::unavailable().into_response(),
    };
    metered(&hub, caller, request, next, |wait| {
        Problem::rate_limited(wait).into_response()
    })
    .await
}

/// What a clinic-data handler works with: the caller, the clinic the request is about,
/// and its parameters.
pub struct Ctx {
    pub caller: ApiCaller,
    pub clinic: ClinicId,
    pub params: Params,
}

/// The request's caller (set by `guard`), parameters (only `allowed` and `clinic`)
/// and clinic (`?clinic=`, else the `Dermis-Clinic` header, else the caller's only one).
pub fn ctx(
    caller: &ApiCaller,
    headers: &HeaderMap,
    query: Option<&str>,
    allowed: &[&str],
) -> Result<Ctx, Problem> {
    let params = Params::parse(query, allowed)?;
    let named = match params.clinic()? {
        Some(clinic) => Some(clinic),
        None => match headers.get(CLINIC_HEADER) {
            None => None,
            Some(value) => Some(
                value
                    .to_str()
                    .ok()
                    .and_then(|v| uuid::Uuid::parse_str(v.trim()).ok())
                    .map(ClinicId)
                    .ok_or_else(|| {
                        Problem::parameter(
                            "Dermis-Clinic",
                            "Dermis-Clinic must be a clinic id (UUID)",
                        )
                    })?,
            ),
        },
    };
    let clinic = caller.clinic(named).map_err(|choice| match choice {
        ClinicChoice::Missing => Problem::parameter(
            "clinic",
            "this caller sees several clinics: name one with ?clinic=<id> or the Dermis-Clinic header",
        ),
        ClinicChoice::NotVisible => Problem::new(
            StatusCode::NOT_FOUND,
            "unknown_clinic",
            "Not found",
            "no such clinic",
        )
        .field("clinic"),
    })?;
    Ok(Ctx {
        caller: caller.clone(),
        clinic,
        params,
    })
}

/// A store error as a problem: a refused input names its field; anything else is
/// logged here and answered 503.
pub fn store_problem(what: &str, e: &StoreError) -> Problem {
    match e {
        StoreError::Invalid { field, reason } => {
            Problem::parameter(field, format!("{field} {reason}"))
        }
        other => {
            tracing::error!(error = %error_chain(other), "api/v1: {what}");
            Problem::unavailable()
        }
    }
}

/// A strong ETag of a body: its SHA-256, first 128 bits, hex.
pub fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

/// Whether `If-None-Match` names `tag` (or `*`).
fn none_match(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',').any(|t| {
                let t = t.trim();
                t == "*" || t == tag || t.strip_prefix("W/") == Some(tag)
            })
        })
}

/// 200 with `value` as JSON and its ETag, or 304 when the client has that body.
pub fn json_ok<T: Serialize>(headers: &HeaderMap, value: &T) -> Response {
    let body = match serde_json::to_vec(value) {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(error = %e, "api/v1: cannot serialise an answer");
            return Problem::unavailable().into_response();
        }
    };
    let tag = etag(&body);
    let mut response = if none_match(headers, &tag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = (StatusCode::OK, body).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        r
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&tag) {
        headers.insert(header::ETAG, value);
    }
    // Patient data: kept by the caller only, and checked with the ETag each time.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    response
}
