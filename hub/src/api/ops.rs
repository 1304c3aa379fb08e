//! Operations endpoints: readiness, Prometheus metrics and the OpenAPI description.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use dermis_sync::driver::error_chain;
use serde::Serialize;

use crate::server::Hub;
use crate::store::HubStore;

/// `GET /api/readyz`'s answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Ready {
    /// `ready` or `not_ready`.
    pub status: String,
    /// Why not: `database` (no answer), `migrations` (schema not up to date) or
    /// `shutting_down`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn not_ready(reason: &str) -> Response {
    let body = Ready {
        status: "not_ready".into(),
        reason: Some(reason.into()),
    };
    (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
}

/// Whether this instance should receive traffic.
#[utoipa::path(
    get,
    path = "/api/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "Migrations ran and the store answers", body = Ready),
        (status = 503, description = "Not ready; `reason` says why", body = Ready),
    )
)]
pub async fn readyz<S: HubStore>(State(hub): State<Arc<Hub<S>>>) -> Response {
    if *hub.shutdown.borrow() {
        return not_ready("shutting_down");
    }
    let check = tokio::time::timeout(
        std::time::Duration::from_secs(3),
        hub.store.schema_complete(),
    )
    .await;
    match check {
        Ok(Ok(true)) => Json(Ready {
            status: "ready".into(),
            reason: None,
        })
        .into_response(),
        Ok(Ok(false)) => not_ready("migrations"),
        Ok(Err(e)) => {
            tracing::warn!(error = %error_chain(&e), "readiness: the store did not answer");
            not_ready("database")
        }
        Err(_) => not_ready("database"),
    }
}

/// Prometheus metrics (text format 0.0.4); every name starts with `dermis_`.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"))
)]
pub async fn metrics<S: HubStore>(State(hub): State<Arc<Hub<S>>>) -> Response {
    let text = hub.metrics.render(hub.snapshot());
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3 description of the hub's HTTP API"))
)]
pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::openapi::json(),
    )
        .into_response()
}
