//! The JSON endpoints: `POST /api/enroll` (an enrollment code for a node token) and
//! `GET /api/healthz` (its probes: [`crate::state::health`]), routed by
//! [`crate::server`]. Errors are `{"error": <stable code>, "message": <safe text>}`
//! ([`crate::reply`]); causes are logged here, never sent.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use dermis_sync::driver::error_chain;
use dermis_sync::wire::FetchItem;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::credentials;
use crate::reply::{error, rate_limited, unavailable};
use crate::state::Hub;
use crate::state::health::{cached_storage_status, db_status};
use crate::store::{HubStore, StoreError};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EnrollRequest {
    /// The one-time code `dermis-hub node add` printed (case, dashes and spaces ignored).
    code: String,
    /// The workstation's name for itself.
    node_name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EnrollResponse {
    node_id: uuid::Uuid,
    clinic_id: uuid::Uuid,
    clinic_name: String,
    node_number: u32,
    token: String,
    /// The clinic document's saved bytes, base64 (standard alphabet, padded).
    clinic_doc: String,
}

/// Exchanges a one-time enrollment code for a node token.
#[utoipa::path(
    post,
    path = "/api/enroll",
    tag = "nodes",
    request_body = EnrollRequest,
    responses(
        (status = 200, description = "Enrolled: the node's token and clinic", body = EnrollResponse),
        (status = 400, description = "`bad_request`", body = crate::api::ErrorBody),
        (status = 401, description = "`invalid_code`: unknown, used or expired", body = crate::api::ErrorBody),
        (status = 429, description = "`rate_limited` after repeated failures from one address", body = crate::api::ErrorBody),
        (status = 503, description = "`unavailable`: the database cannot be reached", body = crate::api::ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(ip = %hub.client_ip(addr, &headers)))]
pub async fn enroll<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<EnrollRequest>, JsonRejection>,
) -> Response {
    let ip = hub.client_ip(addr, &headers);
    if let Err(wait) = hub.enroll_limiter.begin(&ip) {
        return rate_limited(
            wait,
            "too many failed enrollment attempts; wait and try again",
        );
    }
    // Counted from here on; what is not a wrong code is taken back.
    let Ok(Json(request)) = body else {
        hub.enroll_limiter.forgive(&ip);
        return error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "send JSON {\"code\": \"…\", \"node_name\": \"…\"}",
        );
    };
    let invalid = || {
        error(
            StatusCode::UNAUTHORIZED,
            "invalid_code",
            "this enrollment code is unknown, used or expired; ask your hub admin for a new one",
        )
    };
    let Some(code) = credentials::normalize_code(&request.code) else {
        return invalid();
    };
    let token = credentials::new_token();
    let now = dermis_model::now_millis();
    let enrolled = hub
        .store
        .enroll(
            &credentials::hash_secret(&code),
            &request.node_name,
            &credentials::hash_secret(&token),
            now,
        )
        .await;
    let enrolled = match enrolled {
        Ok(Some(e)) => e,
        Ok(None) => return invalid(),
        Err(StoreError::Invalid { field, reason }) => {
            hub.enroll_limiter.forgive(&ip);
            return error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                &format!("{field} {reason}"),
            );
        }
        Err(e) => {
            hub.enroll_limiter.forgive(&ip);
            tracing::error!(error = %error_chain(&e), "enrollment failed");
            return unavailable();
        }
    };
    hub.enroll_limiter.forgive(&ip);
    let clinic = enrolled.clinic_id;
    let mut store = hub.store.clone();
    let item = FetchItem {
        doc_id: clinic.0,
        have: Vec::new(),
    };
    let clinic_doc = match store.fetch(clinic, &[item]).await {
        Ok(mut docs) => docs.pop().flatten().map(|d| d.data).unwrap_or_default(),
        Err(e) => {
            // The node is enrolled; it pulls the clinic document on its first sync.
            tracing::warn!(error = %error_chain(&e), "cannot read the clinic document");
            Vec::new()
        }
    };
    tracing::info!(node = %enrolled.node_id, %clinic, number = enrolled.node_number, "node enrolled");
    Json(EnrollResponse {
        node_id: enrolled.node_id,
        clinic_id: clinic.0,
        clinic_name: enrolled.clinic_name,
        node_number: enrolled.node_number,
        token,
        clinic_doc: base64::engine::general_purpose::STANDARD.encode(clinic_doc),
    })
    .into_response()
}

/// Liveness with the state of the database and the blob storage.
#[utoipa::path(
    get,
    path = "/api/healthz",
    tag = "operations",
    responses(
        (status = 200, description = "Everything works", body = crate::api::Health),
        (status = 503, description = "`status` is `error`; `db` is `unreachable`, or `storage` is `unwritable` (blob folder) or `unreachable` (S3)", body = crate::api::Health),
    )
)]
pub async fn healthz<S: HubStore>(State(hub): State<Arc<Hub<S>>>) -> Response {
    let db = db_status(&hub.store).await;
    let storage = cached_storage_status(&hub).await;
    let ok = db == "ok" && storage == "ok";
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if ok { "ok" } else { "error" },
        "db": db,
        "storage": storage,
    });
    (status, Json(body)).into_response()
}
