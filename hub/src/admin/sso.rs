//! Single sign-on through the OpenID Provider ([`crate::oidc`]):
//! `GET /admin/oidc/start` sends the browser to the provider, and
//! `GET /admin/oidc/callback` signs the matching admin in. Both answer 404 when OIDC is
//! not configured.
//!
//! The callback's refusals (no or expired flow cookie, a `state` that is not this
//! browser's, an error from the provider, an ID token that fails a check, an identity
//! no admin has) render the sign-in page with a message and never say more than that to
//! the browser; the log says which check failed. Each refusal counts against the client
//! address like a wrong password.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use dermis_sync::driver::error_chain;
use serde::Deserialize;

use super::html::{Ui, esc};
use super::login::login_page;
use super::{LangQuery, html_response, secure_headers, ui_for};
use crate::auth::cookie_value;
use crate::oidc::{FLOW_COOKIE, FLOW_TTL, Flow, same_secret};
use crate::state::Hub;
use crate::store::HubStore;

/// The audience the flow cookie is sealed for.
const FLOW_PURPOSE: &str = "dermis-hub-oidc-flow";
/// Only `/admin/oidc/*` receives the flow cookie.
const FLOW_PATH: &str = "/admin/oidc";
/// The longest authorization code accepted.
const MAX_CODE: usize = 2048;

#[derive(Debug, Default, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    /// RFC 9207: which provider answered (checked when present).
    iss: Option<String>,
}

fn not_configured() -> Response {
    (StatusCode::NOT_FOUND, "single sign-on is not configured").into_response()
}

/// The sign-in page with a message, the flow cookie removed.
fn refused<S>(hub: &Hub<S>, ui: &Ui, status: StatusCode, message: &str) -> Response {
    let mut response = html_response(status, ui, false, login_page(ui, Some(message), true));
    let clear = hub.auth.lax_cookie(FLOW_COOKIE, "", FLOW_PATH, FLOW_TTL);
    if let Ok(value) = HeaderValue::from_str(&clear) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

pub async fn start<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let (ui, _) = ui_for(query.lang.as_deref(), &headers);
    let Some(provider) = &hub.oidc else {
        return not_configured();
    };
    let flow = Flow::new(ui.locale.code());
    let sealed = match hub.auth.seal(FLOW_PURPOSE, &flow, FLOW_TTL) {
        Ok(sealed) => sealed,
        Err(e) => {
            tracing::error!(error = %error_chain(&e), "cannot seal the sign-on flow");
            return refused(
                &hub,
                &ui,
                StatusCode::SERVICE_UNAVAILABLE,
                "admin-login-sso-failed",
            );
        }
    };
    match provider.authorize_url(&flow).await {
        Ok(url) => {
            let mut response = Redirect::to(&url).into_response();
            let cookie = hub
                .auth
                .lax_cookie(FLOW_COOKIE, &sealed, FLOW_PATH, FLOW_TTL);
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            secure_headers(response.headers_mut());
            response
        }
        Err(e) => {
            tracing::error!(error = %error_chain(&e), "cannot reach the OpenID Provider");
            refused(
                &hub,
                &ui,
                StatusCode::BAD_GATEWAY,
                "admin-login-sso-unavailable",
            )
        }
    }
}

pub async fn callback<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Query(query): Query<CallbackQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(provider) = &hub.oidc else {
        return not_configured();
    };
    let flow: Option<Flow> =
        cookie_value(&headers, FLOW_COOKIE).and_then(|v| hub.auth.open(FLOW_PURPOSE, v).ok());
    let (ui, _) = ui_for(flow.as_ref().map(|f| f.lang.as_str()), &headers);
    let ip = hub.client_ip(addr, &headers);
    if hub.login_by_address.blocked(&ip) {
        return refused(
            &hub,
            &ui,
            StatusCode::TOO_MANY_REQUESTS,
            "admin-login-rate-limited",
        );
    }
    let fail = |status: StatusCode, message: &str, why: &str| {
        // A failed single sign-on counts like a wrong password from this address.
        let _ = hub.login_by_address.begin(&ip);
        hub.metrics.login_failed();
        tracing::info!(%ip, why, "single sign-on refused");
        refused(&hub, &ui, status, message)
    };
    let Some(flow) = flow else {
        return fail(
            StatusCode::BAD_REQUEST,
            "admin-login-sso-failed",
            "no flow cookie, or an expired or forged one",
        );
    };
    if query.error.is_some() {
        return fail(
            StatusCode::UNAUTHORIZED,
            "admin-login-sso-failed",
            "the provider answered with an error",
        );
    }
    let (Some(code), Some(state)) = (query.code.as_deref(), query.state.as_deref()) else {
        return fail(
            StatusCode::BAD_REQUEST,
            "admin-login-sso-failed",
            "no code or no state",
        );
    };
    if query
        .iss
        .as_deref()
        .is_some_and(|iss| iss.trim_end_matches('/') != provider.config().issuer)
    {
        return fail(
            StatusCode::BAD_REQUEST,
            "admin-login-sso-failed",
            "the answer names another issuer",
        );
    }
    if !same_secret(state, &flow.state) {
        return fail(
            StatusCode::BAD_REQUEST,
            "admin-login-sso-failed",
            "the state is not this browser's",
        );
    }
    if code.is_empty() || code.len() > MAX_CODE {
        return fail(
            StatusCode::BAD_REQUEST,
            "admin-login-sso-failed",
            "the code is empty or too long",
        );
    }
    let identity = match provider.exchange(code, &flow).await {
        Ok(identity) => identity,
        Err(e) => {
            let why = error_chain(&e);
            return fail(StatusCode::UNAUTHORIZED, "admin-login-sso-failed", &why);
        }
    };
    let admin = match hub
        .store
        .admin_for_identity(&identity.subject, identity.email.as_deref())
        .await
    {
        Ok(Some(admin)) => admin,
        Ok(None) => {
            return fail(
                StatusCode::UNAUTHORIZED,
                "admin-login-sso-unknown",
                "no admin has this identity",
            );
        }
        Err(e) => {
            tracing::error!(error = %error_chain(&e), "cannot read admin identities");
            return refused(
                &hub,
                &ui,
                StatusCode::SERVICE_UNAVAILABLE,
                "admin-login-unavailable",
            );
        }
    };
    let issued = match hub
        .auth
        .issue(&admin.id.to_string(), &admin.username, admin.token_version)
    {
        Ok(issued) => issued,
        Err(e) => {
            tracing::error!(error = %error_chain(&e), "cannot sign an admin token");
            return refused(
                &hub,
                &ui,
                StatusCode::SERVICE_UNAVAILABLE,
                "admin-login-unavailable",
            );
        }
    };
    if let Err(e) = hub
        .store
        .admin_logged_in(admin.id, dermis_model::now_millis())
        .await
    {
        tracing::warn!(error = %error_chain(&e), "cannot record the admin's sign-in");
    }
    tracing::info!(admin = %admin.id, "admin signed in through the OpenID Provider");
    signed_in(&hub, &ui, &issued.token)
}

/// A page that sets the session and moves on to `/admin` by itself. Not a redirect: the
/// browser arrived here from the provider's site, and a `SameSite=Strict` session
/// cookie is not sent along a redirect chain another site started; this page's own
/// navigation is same-site.
fn signed_in<S>(hub: &Hub<S>, ui: &Ui, token: &str) -> Response {
    let next = format!("/admin?lang={}", ui.locale.code());
    let body = format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"refresh\" content=\"0;url={next}\">\n<title>{title}</title>\n\
         </head>\n<body>\n<p><a href=\"{next}\">{title}</a></p>\n</body>\n</html>\n",
        lang = ui.locale.code(),
        title = esc(&ui.t("admin-login-sso-continue")),
    );
    let mut response = html_response(StatusCode::OK, ui, false, body);
    let headers = response.headers_mut();
    for cookie in [
        hub.auth.cookie(token),
        hub.auth.lax_cookie(FLOW_COOKIE, "", FLOW_PATH, FLOW_TTL),
    ] {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    response
}
