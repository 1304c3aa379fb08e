//! Operations endpoints: readiness and Prometheus metrics (the OpenAPI description is
//! served from [`crate::openapi`]).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dermis_sync::driver::error_chain;
use serde::Serialize;

use crate::state::Hub;
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

/// Prometheus metrics (text format 0.0.4); every name starts with `dermis_`. With
/// `METRICS_TOKEN` set, only `Authorization: Bearer <METRICS_TOKEN>` is answered;
/// without it, only clients on loopback (the TCP peer, not `X-Forwarded-For`).
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses(
        (status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"),
        (status = 401, description = "`unauthorized`: `METRICS_TOKEN` is set and the bearer token is missing or wrong", body = super::ErrorBody),
        (status = 403, description = "`forbidden`: no `METRICS_TOKEN` is set and the client is not on loopback", body = super::ErrorBody),
    )
)]
pub async fn metrics<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    match &hub.options.metrics_token {
        Some(token) => {
            let sent = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or_default();
            if !same_secret(sent.trim().as_bytes(), token.expose().as_bytes()) {
                return crate::reply::error(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "send Authorization: Bearer <METRICS_TOKEN>",
                );
            }
        }
        None => {
            let ip = peer.ip();
            let loopback = ip.is_loopback()
                || matches!(ip, std::net::IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()));
            if !loopback {
                return crate::reply::error(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "set METRICS_TOKEN to scrape /metrics from another host",
                );
            }
        }
    }
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

/// Whether two secrets are equal, in time that does not depend on where they differ:
/// both are hashed to 32 bytes first, and every byte is compared.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    let (a, b) = (Sha256::digest(a), Sha256::digest(b));
    let diff = a
        .iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}
