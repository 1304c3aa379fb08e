//! Admin sign-in over JSON, and the sign-in logic the `/admin/login` form shares.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dermis_sync::driver::error_chain;
use serde::{Deserialize, Serialize};

use crate::auth::{self, Issued};
use crate::origin::same_origin;
use crate::principal::{self, Admin, Refusal};
use crate::reply::error;
use crate::state::Hub;
use crate::store::HubStore;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    /// A JWT (HS256) for `Authorization: Bearer`.
    pub token: String,
    /// When the token stops working (RFC 3339, UTC).
    pub expires_at: String,
}

/// Why a sign-in failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginFailure {
    /// Too many attempts from this address or for this username lately; the next is
    /// allowed after the duration.
    RateLimited(std::time::Duration),
    /// Too many sign-ins are already waiting to be checked; retry in a moment.
    Busy,
    /// Unknown user or wrong password: deliberately one case.
    Invalid,
    /// The store or the hasher failed; logged where it happened.
    Unavailable,
}

/// Checks a username and password and signs a token. The attempt is counted against
/// the client's address and the username before anything is hashed, and the argon2
/// check waits for a turn at [`crate::server::HashGate`]; an unknown user is checked
/// against a decoy hash so it takes as long as a wrong password.
pub async fn sign_in<S: HubStore>(
    hub: &Hub<S>,
    ip: IpAddr,
    username: &str,
    password: &str,
) -> Result<Issued, LoginFailure> {
    let user = username_key(username);
    hub.login_by_address
        .begin(&ip)
        .map_err(LoginFailure::RateLimited)?;
    if let Err(wait) = hub.login_by_user.begin(&user) {
        hub.login_by_address.forgive(&ip);
        return Err(LoginFailure::RateLimited(wait));
    }
    // Until the check says otherwise the attempt counts as a failure; any other end
    // takes it back.
    let forgive = || {
        hub.login_by_address.forgive(&ip);
        hub.login_by_user.forgive(&user);
    };
    let stored = match hub.store.admin_credentials(username).await {
        Ok(stored) => stored,
        Err(e) => {
            forgive();
            tracing::error!(error = %error_chain(&e), "cannot read admin credentials");
            return Err(LoginFailure::Unavailable);
        }
    };
    let hash = stored.as_ref().map_or_else(
        || auth::decoy_hash().to_owned(),
        |s| s.password_hash.clone(),
    );
    let password = password.to_owned();
    let metrics = &hub.metrics;
    let checked = hub
        .hashes
        .run(move || auth::verify_password(&password, &hash));
    let matches = match checked.await {
        Ok(matches) => matches,
        Err(_busy) => {
            forgive();
            tracing::warn!(%ip, "admin sign-in refused: the hash queue is full");
            return Err(LoginFailure::Busy);
        }
    };
    metrics.password_hash_started();
    let Some(admin) = stored.filter(|_| matches) else {
        hub.metrics.login_failed();
        tracing::info!(%ip, "admin sign-in refused");
        return Err(LoginFailure::Invalid);
    };
    forgive();
    let issued = hub
        .auth
        .issue(&admin.id.to_string(), &admin.username, admin.token_version)
        .map_err(|e| {
            tracing::error!(error = %error_chain(&e), "cannot sign an admin token");
            LoginFailure::Unavailable
        })?;
    if let Err(e) = hub
        .store
        .admin_logged_in(admin.id, dermis_model::now_millis())
        .await
    {
        tracing::warn!(error = %error_chain(&e), "cannot record the admin's sign-in");
    }
    tracing::info!(admin = %admin.id, "admin signed in");
    Ok(issued)
}

/// The per-username limiter's key: what the store matches (trimmed, case-folded), cut
/// short so a caller cannot make the limiter hold long strings.
fn username_key(username: &str) -> String {
    username
        .trim()
        .chars()
        .take(64)
        .collect::<String>()
        .to_lowercase()
}

/// Signs an admin in.
#[utoipa::path(
    post,
    path = "/api/auth/login",
    tag = "admin",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; also sets the HttpOnly session cookie", body = LoginResponse),
        (status = 400, description = "`bad_request`", body = super::ErrorBody),
        (status = 401, description = "`invalid_credentials` (unknown user or wrong password)", body = super::ErrorBody),
        (status = 403, description = "`cross_site`: sent by a page of another site (Origin / Sec-Fetch-Site)", body = super::ErrorBody),
        (status = 429, description = "`rate_limited` after repeated failures from one client address or for one username; `Retry-After` says when to retry", body = super::ErrorBody),
        (status = 503, description = "`busy` (too many sign-ins waiting to be checked; `Retry-After`) or `unavailable`", body = super::ErrorBody),
    )
)]
pub async fn login<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Response {
    if !same_origin(&headers, hub.options.public_url.as_ref()) {
        return cross_site();
    }
    let Ok(Json(request)) = body else {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "send JSON {\"username\": \"…\", \"password\": \"…\"}",
        );
    };
    let ip = hub.client_ip(addr, &headers);
    match sign_in(&hub, ip, &request.username, &request.password).await {
        Ok(issued) => {
            let cookie = hub.auth.cookie(&issued.token);
            let body = LoginResponse {
                expires_at: dermis_model::rfc3339(
                    i64::try_from(issued.expires_at).map_or(i64::MAX, |s| s.saturating_mul(1000)),
                ),
                token: issued.token,
            };
            ([(header::SET_COOKIE, cookie)], Json(body)).into_response()
        }
        Err(failure) => failure_response(failure),
    }
}

/// A sign-in or sign-out sent by a page of another site.
fn cross_site() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "cross_site",
        "cross-site request refused",
    )
}

pub fn failure_response(failure: LoginFailure) -> Response {
    match failure {
        LoginFailure::RateLimited(wait) => {
            crate::reply::rate_limited(wait, "too many failed sign-ins; wait and try again")
        }
        LoginFailure::Busy => busy(),
        LoginFailure::Invalid => error(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "unknown username or wrong password",
        ),
        LoginFailure::Unavailable => crate::reply::unavailable(),
    }
}

/// 503 `busy` with `Retry-After: 1`: the sign-in queue is full.
pub fn busy() -> Response {
    let mut response = error(
        StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        "too many sign-ins at once; retry in a moment",
    );
    crate::reply::retry_after_header(&mut response, std::time::Duration::from_secs(1));
    response
}

/// Signs out: clears the session cookie. The token itself stays valid until it expires
/// (`JWT_TTL_SECONDS`); `dermis-hub admin logout-all` ends every token of an admin.
#[utoipa::path(
    post,
    path = "/api/auth/logout",
    tag = "admin",
    responses(
        (status = 204, description = "The session cookie is cleared"),
        (status = 403, description = "`cross_site`: sent by a page of another site", body = super::ErrorBody),
    )
)]
pub async fn logout<S: HubStore>(State(hub): State<Arc<Hub<S>>>, headers: HeaderMap) -> Response {
    if !same_origin(&headers, hub.options.public_url.as_ref()) {
        return cross_site();
    }
    (
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, hub.auth.clear_cookie())],
    )
        .into_response()
}

/// No valid token: answered with 401 `unauthorized`.
#[derive(Debug, Clone, Copy)]
pub struct Unauthorized;

impl IntoResponse for Unauthorized {
    fn into_response(self) -> Response {
        error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "sign in first: POST /api/auth/login, then send Authorization: Bearer <token>",
        )
    }
}

/// The request's admin, from its bearer token or session cookie, checked against the
/// store ([`crate::principal`]); otherwise the answer to send: 401 `unauthorized`, or
/// 503 `unavailable` when the store cannot be asked.
pub async fn require_admin<S: HubStore>(
    hub: &Hub<S>,
    headers: &axum::http::HeaderMap,
) -> Result<Admin, Response> {
    principal::admin(hub, headers)
        .await
        .map_err(|refusal| match refusal {
            Refusal::SignIn => Unauthorized.into_response(),
            Refusal::Unavailable => crate::reply::unavailable(),
        })
}
