//! The hub's JSON API for admins and operators, merged into the server's router:
//!
//! - `POST /api/auth/login` `{"username","password"}` → 200 `{"token","expires_at"}` and
//!   the session cookie; 401 `invalid_credentials` for an unknown user and a wrong
//!   password alike; 429 `rate_limited` after repeated failures from one address.
//! - `POST /api/auth/logout` → 204, clears the session cookie.
//! - `GET /api/nodes` (`Authorization: Bearer <jwt>` or the session cookie; 401
//!   `unauthorized` otherwise) → every node with its sync figures.
//! - `GET /api/readyz` → 200 when the migrations ran and the store answers, else 503.
//! - `GET /metrics` → Prometheus text format.
//! - `GET /api/openapi.json` → the OpenAPI 3 description ([`crate::openapi`], which
//!   describes these routes and so sits above them; the server routes it).
//! - `POST /api/integrations/calendly/{clinic_id}` → Calendly bookings become
//!   appointments ([`calendly`]; signed by Calendly, no admin token).
//!
//! Enrollment and `/api/healthz` are in [`enroll`]; the server routes them with the sync
//! endpoint. Errors are `{"error": <stable code>, "message": <safe text>}`
//! ([`crate::reply`]).

pub mod auth;
pub mod calendly;
pub mod enroll;
pub mod nodes;
pub mod ops;
pub mod reports;
pub mod v1;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde::Serialize;

use crate::state::Hub;
use crate::store::HubStore;

pub use crate::reply::ErrorBody;
pub use auth::{LoginRequest, LoginResponse};
pub use nodes::{ClinicRef, Fleet, NodeList, NodeView, Outbox};
pub use ops::Ready;

/// `GET /api/healthz`'s answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` or `error`.
    pub status: String,
    /// `ok` or `unreachable`.
    pub db: String,
    /// `ok`, `unwritable` (the blob folder) or `unreachable` (S3).
    pub storage: String,
}

pub fn routes<S: HubStore>() -> Router<Arc<Hub<S>>> {
    Router::new()
        .route("/api/auth/login", post(auth::login::<S>))
        .route("/api/auth/logout", post(auth::logout::<S>))
        .route("/api/nodes", get(nodes::list::<S>))
        .route(
            "/api/integrations/calendly/{clinic_id}",
            post(calendly::receive::<S>),
        )
        .route("/api/readyz", get(ops::readyz::<S>))
        .route("/metrics", get(ops::metrics::<S>))
}
