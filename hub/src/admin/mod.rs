//! `/admin`: server-rendered HTML pages for hub admins, translated with `locales/`
//! (`admin.ftl`), live without reloading through Server-Sent Events, with no JavaScript
//! build step (one small static script, `assets/live.js`, swaps in what the events
//! carry).
//!
//! Routes: `/admin` (clinics and workstations), `/admin/nodes/{id}` (one workstation
//! and its recent sync sessions), `/admin/webhooks` (recent webhook deliveries),
//! `/admin/stock` (SKUs below zero), `/admin/conflicts` (open conflicts),
//! `/admin/staff` (who changed staff users and roles, [`staff`]), `/admin/audit` (who
//! did what at the workstations, [`audit`]),
//! `/admin/health` (storage and database),
//! `/admin/events?view=…` (SSE), `/admin/login`, `/admin/logout`, `/admin/oidc/start`
//! and `/admin/oidc/callback` (single sign-on, [`sso`]), `/admin/assets/*`.
//!
//! Every page is a [`Section`] in [`SECTIONS`] (the navigation) plus a route in
//! [`routes`], and renders its live part as a fragment [`events`] can re-render: a page
//! for the job queue, webhook deliveries, negative stock or open conflicts is a module
//! beside [`pages`] with a `render_*` fragment function, one `View` variant in
//! [`events`], one entry here and one route. Its reads go in `store::ops`.
//!
//! Pages authenticate with the session cookie (the JWT `/admin/login` or
//! `/api/auth/login` set); without it they redirect to the sign-in page. Everything
//! rendered is escaped ([`html::esc`]), and the pages are served with a strict
//! Content-Security-Policy (scripts and styles only from `/admin/assets`).

pub mod audit;
pub mod chart;
pub mod events;
pub mod hooks;
pub mod html;
pub mod jobs;
pub mod login;
pub mod pages;
pub mod reports;
pub mod sso;
pub mod staff;

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::Query;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use dermis_model::i18n::{Locale, Localizer};
use serde::Deserialize;

use crate::auth::cookie_value;
use crate::principal::{self, Admin, Refusal};
use crate::state::Hub;
use crate::store::HubStore;
use html::Ui;

/// A page in the navigation.
#[derive(Clone, Copy, Debug)]
pub struct Section {
    pub id: &'static str,
    pub path: &'static str,
    /// Message id of its label.
    pub label: &'static str,
}

/// The navigation, in order.
pub const SECTIONS: &[Section] = &[
    Section {
        id: "overview",
        path: "/admin",
        label: "admin-nav-overview",
    },
    Section {
        id: "webhooks",
        path: "/admin/webhooks",
        label: "admin-nav-webhooks",
    },
    Section {
        id: "stock",
        path: "/admin/stock",
        label: "admin-nav-stock",
    },
    Section {
        id: "conflicts",
        path: "/admin/conflicts",
        label: "admin-nav-conflicts",
    },
    Section {
        id: "staff",
        path: "/admin/staff",
        label: "admin-nav-staff",
    },
    Section {
        id: "audit",
        path: "/admin/audit",
        label: "admin-nav-audit",
    },
    Section {
        id: "reports",
        path: "/admin/reports",
        label: "admin-nav-reports",
    },
    Section {
        id: "health",
        path: "/admin/health",
        label: "admin-nav-health",
    },
    Section {
        id: "jobs",
        path: "/admin/jobs",
        label: "admin-nav-jobs",
    },
];

/// The sections an admin sees: a limited admin does not see the hub-wide ones.
pub fn sections_for(admin: &Admin) -> Vec<Section> {
    SECTIONS
        .iter()
        .filter(|s| admin.hub_wide() || !HUB_WIDE.contains(&s.id))
        .copied()
        .collect()
}

/// Sections about the whole hub rather than clinics.
const HUB_WIDE: &[&str] = &["health", "jobs"];

/// A hub-wide page asked for by an admin limited to clinics: 403, with the frame.
pub fn forbidden(ui: &Ui, set_lang: bool, admin: &Admin) -> Response {
    let title = ui.t("admin-forbidden-title");
    let frame = html::Frame {
        title: &title,
        current: None,
        username: Some(&admin.username),
        live: None,
    };
    let body = format!(
        "<p class=\"signal bad\" role=\"alert\">{}</p>\n",
        ui.t("admin-forbidden-hub-wide")
    );
    html_response(
        StatusCode::FORBIDDEN,
        ui,
        set_lang,
        html::page(ui, &sections_for(admin), &frame, &body),
    )
}

/// The cookie remembering the chosen language.
pub const LANG_COOKIE: &str = "dermis_lang";

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                   img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub fn routes<S: HubStore>() -> Router<Arc<Hub<S>>> {
    Router::new()
        .route("/admin", get(pages::overview::<S>))
        .route("/admin/", get(pages::overview::<S>))
        .route("/admin/nodes/{id}", get(pages::node::<S>))
        .route("/admin/health", get(pages::health::<S>))
        .route("/admin/webhooks", get(hooks::webhooks::<S>))
        .route("/admin/stock", get(hooks::stock::<S>))
        .route("/admin/conflicts", get(hooks::conflicts::<S>))
        .route("/admin/staff", get(staff::page::<S>))
        .route("/admin/audit", get(audit::page_handler::<S>))
        .route("/admin/reports", get(reports::page_handler::<S>))
        .route("/admin/reports/{file}", get(reports::download::<S>))
        .route("/admin/jobs", get(jobs::page::<S>))
        .route(
            "/admin/jobs/{id}/retry",
            axum::routing::post(jobs::retry::<S>),
        )
        .route("/admin/events", get(events::stream::<S>))
        .route(
            "/admin/login",
            get(login::form::<S>).post(login::submit::<S>),
        )
        .route("/admin/logout", axum::routing::post(login::logout::<S>))
        .route("/admin/oidc/start", get(sso::start::<S>))
        .route("/admin/oidc/callback", get(sso::callback::<S>))
        .route("/admin/assets/admin.css", get(css))
        .route("/admin/assets/live.js", get(js))
        .route("/admin/assets/icon.svg", get(icon))
}

/// The messages, loaded once.
pub fn localizer() -> Localizer {
    static LOCALIZER: OnceLock<Localizer> = OnceLock::new();
    LOCALIZER.get_or_init(Localizer::new).clone()
}

#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    pub lang: Option<String>,
}

/// The request's language: `?lang=`, then the language cookie, then the first
/// supported language in `Accept-Language`, then English. Also whether `?lang=` chose
/// it (so the cookie is set).
pub fn locale_of(query: Option<&str>, headers: &HeaderMap) -> (Locale, bool) {
    if let Some(locale) = query.and_then(|q| Locale::parse(q).ok()) {
        return (locale, true);
    }
    if let Some(locale) = cookie_value(headers, LANG_COOKIE).and_then(|c| Locale::parse(c).ok()) {
        return (locale, false);
    }
    let accepted = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut ranked: Vec<(f32, Locale)> = accepted
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            Some((q, Locale::parse(tag).ok()?))
        })
        .collect();
    // Stable: equal weights keep the order the browser gave.
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    (ranked.first().map_or(Locale::En, |(_, l)| *l), false)
}

pub fn ui_for(query: Option<&str>, headers: &HeaderMap) -> (Ui, bool) {
    let (locale, chosen) = locale_of(query, headers);
    (Ui::new(locale, localizer()), chosen)
}

/// No valid session: answered with a redirect to the sign-in page.
#[derive(Debug, Clone, Copy)]
pub struct SignInFirst(pub Locale);

impl IntoResponse for SignInFirst {
    fn into_response(self) -> Response {
        Redirect::to(&format!("/admin/login?lang={}", self.0.code())).into_response()
    }
}

/// The signed-in admin (checked against the store, [`crate::principal`]), or the answer
/// to send: a redirect to the sign-in page, or 503 when the store cannot be asked.
pub async fn page_admin<S: HubStore>(
    hub: &Hub<S>,
    headers: &HeaderMap,
    ui: &Ui,
) -> Result<Admin, Response> {
    principal::admin(hub, headers)
        .await
        .map_err(|refusal| match refusal {
            Refusal::SignIn => SignInFirst(ui.locale).into_response(),
            Refusal::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                html::esc(&ui.t("admin-unavailable")),
            )
                .into_response(),
        })
}

/// An HTML answer with the admin pages' headers (and the language cookie when `?lang=`
/// chose the language).
pub fn html_response(status: StatusCode, ui: &Ui, set_lang: bool, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    secure_headers(headers);
    if set_lang {
        let cookie = format!(
            "{LANG_COOKIE}={}; SameSite=Strict; Path=/admin; Max-Age=31536000",
            ui.locale.code()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    response
}

pub fn secure_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

async fn css() -> Response {
    asset("text/css; charset=utf-8", include_str!("assets/admin.css"))
}

async fn js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("assets/live.js"),
    )
}

async fn icon() -> Response {
    asset("image/svg+xml", include_str!("assets/icon.svg"))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}

/// `?lang=` of a request, for handlers that take nothing else.
pub type LangParam = Query<LangQuery>;

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                name.clone(),
                value.parse().unwrap_or_else(|e| panic!("{e:?}")),
            );
        }
        map
    }

    #[test]
    fn the_language_comes_from_the_query_then_the_cookie_then_accept_language() {
        let none = HeaderMap::new();
        assert_eq!(locale_of(None, &none), (Locale::En, false));
        assert_eq!(locale_of(Some("hy"), &none), (Locale::Hy, true));
        assert_eq!(locale_of(Some("de"), &none), (Locale::En, false));
        let browser = headers(&[(header::ACCEPT_LANGUAGE, "de-DE,de;q=0.9,uk;q=0.8,ru;q=0.7")]);
        assert_eq!(locale_of(None, &browser), (Locale::Uk, false));
        let weighted = headers(&[(header::ACCEPT_LANGUAGE, "es;q=0.5, fr;q=0.9")]);
        assert_eq!(locale_of(None, &weighted).0, Locale::Fr);
        let cookie = headers(&[
            (header::COOKIE, "dermis_lang=ru"),
            (header::ACCEPT_LANGUAGE, "fr"),
        ]);
        assert_eq!(locale_of(None, &cookie).0, Locale::Ru);
        assert_eq!(locale_of(Some("es"), &cookie).0, Locale::Es);
    }
}
