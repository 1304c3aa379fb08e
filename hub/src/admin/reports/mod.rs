//! `/admin/reports`: one clinic's sales by day, by payment method and by tax rate, its
//! stock valuation, visits per clinician and new patients over a period, each as a
//! table, a bar chart ([`super::chart`]) and a CSV download
//! (`/admin/reports/<section>.csv`, the same figures as [`crate::reports::csv`] writes).
//! The figures come from the read models; this module only lays them out.
//!
//! The filters are a GET form, so a report can be bookmarked or shared. An admin limited
//! to clinics sees only theirs: another clinic answers 404, exactly as one that does
//! not exist.

mod sections;

use std::fmt::Write;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use dermis_model::ClinicId;
use serde::Deserialize;
use uuid::Uuid;

use super::html::{Frame, Ui, esc, page};
use super::{html_response, page_admin, sections_for, secure_headers, ui_for};
use crate::api::Fleet;
use crate::api::reports::csv_file;
use crate::reports::{self, Period, PeriodError, Report, csv, stock_valuation};
use crate::state::Hub;
use crate::store::HubStore;
use sections::render;

/// The page's query (and each download's): blank means not given.
#[derive(Debug, Default, Deserialize)]
pub struct ReportParams {
    pub lang: Option<String>,
    pub clinic: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// One of [`reports::PRESETS`]; wins over `from` and `to`.
    pub preset: Option<String>,
}

/// The downloads, by file name.
const FILES: [&str; 6] = ["sales", "methods", "tax", "stock", "visits", "patients"];

/// What a request asks for, once checked.
enum Asked {
    Report(ClinicId, Period),
    /// The admin sees no clinic at all.
    NoClinics,
    /// Not a clinic the admin sees (or none such): 404.
    NoSuchClinic,
    BadPeriod(PeriodError),
}

fn blank(v: Option<&String>) -> Option<&str> {
    v.map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn ask(params: &ReportParams, clinics: &[(ClinicId, String)]) -> Asked {
    let clinic = match blank(params.clinic.as_ref()) {
        Some(text) => match Uuid::parse_str(text).map(ClinicId) {
            Ok(id) if clinics.iter().any(|(c, _)| *c == id) => id,
            _ => return Asked::NoSuchClinic,
        },
        None => match clinics.first() {
            Some((id, _)) => *id,
            None => return Asked::NoClinics,
        },
    };
    let today = reports::today_utc();
    let period = match blank(params.preset.as_ref()) {
        Some(preset) => Period::preset(preset, today),
        None => Period::parse(params.from.as_deref(), params.to.as_deref(), today),
    };
    match period {
        Ok(period) => Asked::Report(clinic, period),
        Err(e) => Asked::BadPeriod(e),
    }
}

/// The clinics the admin sees, by name.
async fn clinics_of<S: HubStore>(
    hub: &Hub<S>,
    admin: &crate::principal::Admin,
) -> Result<Vec<(ClinicId, String)>, crate::store::StoreError> {
    let fleet = Fleet::load(&hub.store).await?.within(&admin.scope);
    let mut clinics: Vec<(ClinicId, String)> = fleet
        .clinics
        .iter()
        .map(|c| (c.id, c.name.clone()))
        .collect();
    clinics.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(clinics)
}

fn unavailable(ui: &Ui, error: &crate::store::StoreError) -> (StatusCode, String) {
    tracing::error!(error = %dermis_sync::driver::error_chain(error), "reports page");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "<p class=\"signal bad\" role=\"alert\">{}</p>",
            ui.t("admin-unavailable")
        ),
    )
}

pub async fn page_handler<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Query(params): Query<ReportParams>,
    headers: HeaderMap,
) -> Response {
    let (ui, set_lang) = ui_for(params.lang.as_deref(), &headers);
    let admin = match page_admin(&hub, &headers, &ui).await {
        Ok(admin) => admin,
        Err(refused) => return refused,
    };
    let (status, body) = match clinics_of(&hub, &admin).await {
        Err(e) => unavailable(&ui, &e),
        Ok(clinics) => match ask(&params, &clinics) {
            Asked::NoClinics => (
                StatusCode::OK,
                format!(
                    "<p class=\"empty\">{}</p>",
                    ui.t("admin-reports-no-clinics")
                ),
            ),
            Asked::NoSuchClinic => (
                StatusCode::NOT_FOUND,
                format!(
                    "{}<p class=\"signal bad\" role=\"alert\">{}</p>",
                    form(&ui, &params, &clinics, None),
                    ui.t("admin-reports-no-clinic")
                ),
            ),
            Asked::BadPeriod(e) => (
                StatusCode::BAD_REQUEST,
                format!(
                    "{}<p class=\"signal bad\" role=\"alert\">{}: {}</p>",
                    form(&ui, &params, &clinics, None),
                    ui.t(&format!("admin-reports-{}", e.field())),
                    period_error(&ui, e)
                ),
            ),
            Asked::Report(clinic, period) => match Report::load(&hub.store, clinic, period).await {
                Ok(report) => (
                    StatusCode::OK,
                    format!(
                        "{}{}",
                        form(&ui, &params, &clinics, Some((clinic, period))),
                        render(&ui, clinic, &report)
                    ),
                ),
                Err(e) => unavailable(&ui, &e),
            },
        },
    };
    let title = ui.t("admin-reports-title");
    let frame = Frame {
        title: &title,
        current: Some("reports"),
        username: Some(&admin.username),
        live: None,
    };
    html_response(
        status,
        &ui,
        set_lang,
        page(&ui, &sections_for(&admin), &frame, &body),
    )
}

fn period_error(ui: &Ui, e: PeriodError) -> String {
    match e {
        PeriodError::NotADate { .. } => ui.t("admin-reports-error-not-a-date"),
        PeriodError::Reversed => ui.t("admin-reports-error-reversed"),
        PeriodError::TooLong => ui.ta(
            "admin-reports-error-too-long",
            &[("count", reports::MAX_DAYS.into())],
        ),
        PeriodError::UnknownPreset => ui.t("admin-reports-error-unknown-preset"),
    }
}

/// `GET /admin/reports/{section}.csv`: one section's figures as CSV, with the page's
/// filters and checks (a plain-text 400 or 404 when they fail).
pub async fn download<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Path(file): Path<String>,
    Query(params): Query<ReportParams>,
    headers: HeaderMap,
) -> Response {
    let (ui, _) = ui_for(params.lang.as_deref(), &headers);
    let admin = match page_admin(&hub, &headers, &ui).await {
        Ok(admin) => admin,
        Err(refused) => return refused,
    };
    let Some(section) = file
        .strip_suffix(".csv")
        .and_then(|name| FILES.iter().find(|f| **f == name))
    else {
        return (StatusCode::NOT_FOUND, ui.t("admin-reports-no-report")).into_response();
    };
    let clinics = match clinics_of(&hub, &admin).await {
        Ok(clinics) => clinics,
        Err(e) => return unavailable(&ui, &e).into_response(),
    };
    let (clinic, period) = match ask(&params, &clinics) {
        Asked::Report(clinic, period) => (clinic, period),
        Asked::NoClinics | Asked::NoSuchClinic => {
            return (StatusCode::NOT_FOUND, ui.t("admin-reports-no-clinic")).into_response();
        }
        Asked::BadPeriod(e) => {
            return (
                StatusCode::BAD_REQUEST,
                format!("{}: {}", e.field(), period_error(&ui, e)),
            )
                .into_response();
        }
    };
    let report = match Report::load(&hub.store, clinic, period).await {
        Ok(report) => report,
        Err(e) => return unavailable(&ui, &e).into_response(),
    };
    let body = match *section {
        "sales" => csv::sales(&report.sales),
        "methods" => csv::methods(&report.sales),
        "tax" => csv::tax_rates(&report.sales),
        "stock" => csv::stock(&stock_valuation(&report.stock).0),
        "visits" => csv::visits(&report.visits),
        _ => csv::new_patients(&report.new_patients),
    };
    let mut response = csv_file(body, section, &period);
    secure_headers(response.headers_mut());
    response
}

/// The filter form and the preset links.
fn form(
    ui: &Ui,
    p: &ReportParams,
    clinics: &[(ClinicId, String)],
    shown: Option<(ClinicId, Period)>,
) -> String {
    let mut out = format!(
        "<p class=\"intro\">{}</p>\n<form class=\"filters\" method=\"get\" action=\"/admin/reports\">\n",
        ui.t("admin-reports-intro")
    );
    let chosen = shown.map_or_else(
        || p.clinic.clone().unwrap_or_default(),
        |(c, _)| c.to_string(),
    );
    let _ = write!(
        out,
        "<label>{}<select name=\"clinic\">",
        ui.t("admin-reports-clinic")
    );
    for (id, name) in clinics {
        let id = id.to_string();
        let selected = if id == chosen { " selected" } else { "" };
        let _ = write!(
            out,
            "<option value=\"{}\"{selected}>{}</option>",
            esc(&id),
            esc(name)
        );
    }
    out.push_str("</select></label>\n");
    let (from, to) = shown.map_or_else(
        || {
            (
                p.from.clone().unwrap_or_default(),
                p.to.clone().unwrap_or_default(),
            )
        },
        |(_, period)| period.iso(),
    );
    for (name, value) in [("from", from), ("to", to)] {
        let _ = writeln!(
            out,
            "<label>{}<input type=\"date\" name=\"{name}\" value=\"{}\"></label>",
            ui.t(&format!("admin-reports-{name}")),
            esc(&value)
        );
    }
    let _ = writeln!(
        out,
        "<button type=\"submit\">{}</button>\n</form>",
        ui.t("admin-reports-show")
    );
    let _ = write!(
        out,
        "<p class=\"presets\">{}",
        ui.t("admin-reports-presets")
    );
    for preset in reports::PRESETS {
        let _ = write!(
            out,
            " <a href=\"/admin/reports?clinic={}&amp;preset={preset}\">{}</a>",
            esc(&chosen),
            ui.t(&format!("admin-reports-preset-{preset}"))
        );
    }
    out.push_str("</p>\n");
    out
}
