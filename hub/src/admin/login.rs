//! The sign-in page (a plain form, no script) and sign-out. Both set or clear the same
//! session cookie `POST /api/auth/login` sets, and both refuse cross-site posts
//! ([`crate::origin`]) like every other admin action.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::html::{Frame, Ui, page};
use super::{LangQuery, SECTIONS, html_response, ui_for};
use crate::api::auth::{LoginFailure, sign_in};
use crate::origin::same_origin;
use crate::state::Hub;
use crate::store::HubStore;

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

/// The sign-in form, with a message id when something went wrong, and the single
/// sign-on link when the hub has an OpenID Provider.
pub(super) fn login_page(ui: &Ui, problem: Option<&str>, sso: bool) -> String {
    let problem = problem
        .map(|id| format!("<p class=\"signal bad\" role=\"alert\">{}</p>\n", ui.t(id)))
        .unwrap_or_default();
    let body = format!(
        "{problem}<form method=\"post\" action=\"/admin/login?lang={lang}\" class=\"login\">\n\
         <label>{user}<input name=\"username\" autocomplete=\"username\" required autofocus></label>\n\
         <label>{pass}<input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>\n\
         <button type=\"submit\">{submit}</button>\n</form>\n{sso}",
        lang = ui.locale.code(),
        user = ui.t("admin-login-username"),
        pass = ui.t("admin-login-password"),
        submit = ui.t("admin-login-submit"),
        sso = if sso {
            format!(
                "<p class=\"sso\"><a href=\"/admin/oidc/start?lang={}\" data-sso>{}</a></p>\n",
                ui.locale.code(),
                ui.t("admin-login-sso"),
            )
        } else {
            String::new()
        },
    );
    let title = ui.t("admin-login-title");
    let frame = Frame {
        title: &title,
        current: None,
        username: None,
        live: None,
    };
    page(ui, SECTIONS, &frame, &body)
}

/// The answer to a sign-in or sign-out posted from another site: nothing is set.
fn cross_site() -> Response {
    (StatusCode::FORBIDDEN, "cross-site request refused").into_response()
}

pub async fn form<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let (ui, set_lang) = ui_for(query.lang.as_deref(), &headers);
    // Only a token its account still accepts: an ended one would bounce between here
    // and /admin.
    if crate::principal::admin(&hub, &headers).await.is_ok() {
        return Redirect::to(&format!("/admin?lang={}", ui.locale.code())).into_response();
    }
    html_response(
        StatusCode::OK,
        &ui,
        set_lang,
        login_page(&ui, None, hub.oidc.is_some()),
    )
}

pub async fn submit<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let (ui, set_lang) = ui_for(query.lang.as_deref(), &headers);
    if !same_origin(&headers, hub.options.public_url.as_ref()) {
        return cross_site();
    }
    let Ok(Form(form)) = form else {
        let body = login_page(&ui, Some("admin-login-invalid"), hub.oidc.is_some());
        return html_response(StatusCode::BAD_REQUEST, &ui, set_lang, body);
    };
    let ip = hub.client_ip(addr, &headers);
    match sign_in(&hub, ip, &form.username, &form.password).await {
        Ok(issued) => {
            let mut response =
                Redirect::to(&format!("/admin?lang={}", ui.locale.code())).into_response();
            if let Ok(cookie) = HeaderValue::from_str(&hub.auth.cookie(&issued.token)) {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(failure) => {
            let (status, id) = match failure {
                LoginFailure::Invalid => (StatusCode::UNAUTHORIZED, "admin-login-invalid"),
                LoginFailure::RateLimited(wait) => {
                    let body =
                        login_page(&ui, Some("admin-login-rate-limited"), hub.oidc.is_some());
                    let mut response =
                        html_response(StatusCode::TOO_MANY_REQUESTS, &ui, set_lang, body);
                    crate::reply::retry_after_header(&mut response, wait);
                    return response;
                }
                LoginFailure::Busy => {
                    let body = login_page(&ui, Some("admin-login-unavailable"), hub.oidc.is_some());
                    let mut response =
                        html_response(StatusCode::SERVICE_UNAVAILABLE, &ui, set_lang, body);
                    crate::reply::retry_after_header(&mut response, Duration::from_secs(1));
                    return response;
                }
                LoginFailure::Unavailable => {
                    (StatusCode::SERVICE_UNAVAILABLE, "admin-login-unavailable")
                }
            };
            html_response(
                status,
                &ui,
                set_lang,
                login_page(&ui, Some(id), hub.oidc.is_some()),
            )
        }
    }
}

pub async fn logout<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let (ui, _) = ui_for(query.lang.as_deref(), &headers);
    if !same_origin(&headers, hub.options.public_url.as_ref()) {
        return cross_site();
    }
    let mut response =
        Redirect::to(&format!("/admin/login?lang={}", ui.locale.code())).into_response();
    if let Ok(cookie) = HeaderValue::from_str(&hub.auth.clear_cookie()) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}
