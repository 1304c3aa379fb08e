//! `/admin/reports`: one clinic's sales by day, by payment method and by tax rate, its
//! stock valuation, visits per clinician and new patients over a period, each as a
//! table, a bar chart ([`super::chart`]) and a CSV download
//! (`/admin/reports/<section>.csv`, the same figures as [`crate::reports::csv`] writes).
//! The figures come from the read models; this module only lays them out.
//!
//! The filters are a GET form, so a report can be bookmarked or shared. An admin limited
//! to clinics sees only theirs: another clinic answers 404, exactly as one that does
//! not exist.

use std::fmt::Write;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dermis_model::ClinicId;
use dermis_model::i18n::{format_date, format_decimal, format_integer, format_money};
use dermis_model::validate::parse_stored_date;
use serde::Deserialize;
use uuid::Uuid;

use super::chart::{Bar, bars};
use super::html::{Frame, Ui, esc, page};
use super::{html_response, page_admin, sections_for, secure_headers, ui_for};
use crate::api::Fleet;
use crate::reports::{
    self, Period, PeriodError, Report, by_method, by_tax_rate, csv, sales_totals, stock_valuation,
};
use crate::server::Hub;
use crate::store::HubStore;

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

/// Bars a stock chart shows: the most valuable products.
const STOCK_BARS: usize = 12;

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
    let (from, to) = period.iso();
    csv_response(body, &csv::file_name(section, &from, &to))
}

/// A CSV file to save, with the admin pages' security headers.
pub fn csv_response(body: String, file_name: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    secure_headers(headers);
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8; header=present"),
    );
    // The name is ours (a section and two ISO dates): nothing to escape.
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
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

/// A stored day in the locale's way, escaped.
fn day_label(ui: &Ui, iso: &str) -> String {
    esc(&day_label_plain(ui, iso))
}

fn money(ui: &Ui, minor: i64, currency: &str) -> String {
    esc(&format_money(minor, currency, ui.locale))
}

fn count(ui: &Ui, n: impl TryInto<i64>) -> String {
    esc(&format_integer(n.try_into().unwrap_or(i64::MAX), ui.locale))
}

fn rate(ui: &Ui, bps: u32) -> String {
    esc(&format!(
        "{}\u{a0}%",
        format_decimal(i64::from(bps), 2, ui.locale)
    ))
}

fn method_name(ui: &Ui, method: &str) -> String {
    let id = format!("admin-reports-method-{method}");
    if ui.has(&id) { ui.t(&id) } else { esc(method) }
}

/// A section's heading with its download link.
fn heading(ui: &Ui, title_id: &str, file: &str, clinic: ClinicId, period: &Period) -> String {
    let (from, to) = period.iso();
    format!(
        "<h2 id=\"{file}\">{} <a class=\"csv\" href=\"/admin/reports/{file}.csv?clinic={clinic}&amp;from={from}&amp;to={to}\" download>{}</a></h2>\n",
        ui.t(title_id),
        ui.t("admin-reports-csv"),
        clinic = clinic.0,
    )
}

fn table_head(ui: &Ui, class: &str, columns: &[(&str, bool)]) -> String {
    let mut out = format!("<table class=\"report {class}\">\n<thead><tr>");
    for (id, numeric) in columns {
        let class = if *numeric { " class=\"num\"" } else { "" };
        let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", ui.t(id));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    out
}

fn num(value: &str) -> String {
    format!("<td class=\"num\">{value}</td>")
}

fn empty(ui: &Ui) -> String {
    format!("<p class=\"empty\">{}</p>\n", ui.t("admin-reports-empty"))
}

/// The whole report under the form.
pub fn render(ui: &Ui, clinic: ClinicId, report: &Report) -> String {
    let period = &report.period;
    let (from, to) = period.iso();
    let mut out = format!(
        "<p class=\"summary\">{}</p>\n",
        ui.ta(
            "admin-reports-period",
            &[
                ("from", day_label_plain(ui, &from).into()),
                ("to", day_label_plain(ui, &to).into()),
                ("count", period.days().into()),
            ]
        )
    );
    out.push_str(&heading(ui, "admin-reports-sales", "sales", clinic, period));
    out.push_str(&sales_section(ui, report));
    out.push_str(&heading(
        ui,
        "admin-reports-methods",
        "methods",
        clinic,
        period,
    ));
    out.push_str(&methods_section(ui, report));
    out.push_str(&heading(ui, "admin-reports-tax", "tax", clinic, period));
    out.push_str(&tax_section(ui, report));
    out.push_str(&heading(ui, "admin-reports-stock", "stock", clinic, period));
    out.push_str(&stock_section(ui, report));
    out.push_str(&heading(
        ui,
        "admin-reports-visits",
        "visits",
        clinic,
        period,
    ));
    out.push_str(&visits_section(ui, report));
    out.push_str(&heading(
        ui,
        "admin-reports-patients",
        "patients",
        clinic,
        period,
    ));
    out.push_str(&patients_section(ui, report));
    out
}

/// A day in the locale's way, not escaped (a Fluent argument; the message is escaped).
fn day_label_plain(ui: &Ui, iso: &str) -> String {
    parse_stored_date(iso).map_or_else(|| iso.to_owned(), |d| format_date(d, ui.locale))
}

fn sales_section(ui: &Ui, report: &Report) -> String {
    if report.sales.is_empty() {
        return empty(ui);
    }
    let mut out = String::new();
    for total in sales_totals(&report.sales) {
        let c = total.currency.as_str();
        let days: Vec<_> = report.sales.iter().filter(|d| d.currency == c).collect();
        let chart: Vec<Bar> = days
            .iter()
            .map(|d| Bar {
                label: day_label_plain(ui, &d.day),
                value: d.net_minor,
                shown: format_money(d.net_minor, c, ui.locale),
            })
            .collect();
        out.push_str(&bars(
            &format!("{} ({c})", ui.plain("admin-reports-chart-net")),
            &chart,
        ));
        out.push_str(&table_head(
            ui,
            "sales",
            &[
                ("admin-reports-col-date", false),
                ("admin-reports-col-sales", true),
                ("admin-reports-col-refunds", true),
                ("admin-reports-col-voids", true),
                ("admin-reports-col-gross", true),
                ("admin-reports-col-refunded", true),
                ("admin-reports-col-voided", true),
                ("admin-reports-col-net", true),
                ("admin-reports-col-tax", true),
            ],
        ));
        let row = |label: String, counts: [u64; 3], amounts: [i64; 5]| -> String {
            let mut row = format!("<td>{label}</td>");
            for n in counts {
                row.push_str(&num(&count(ui, n)));
            }
            for m in amounts {
                row.push_str(&num(&money(ui, m, c)));
            }
            row
        };
        for d in &days {
            let _ = writeln!(
                out,
                "<tr>{}</tr>",
                row(
                    day_label(ui, &d.day),
                    [d.sales, d.refunds, d.voids],
                    [
                        d.gross_minor,
                        d.refunds_minor,
                        d.voids_minor,
                        d.net_minor,
                        d.tax_minor
                    ]
                )
            );
        }
        let _ = writeln!(
            out,
            "</tbody>\n<tfoot><tr class=\"total\">{}</tr></tfoot>\n</table>",
            row(
                ui.t("admin-reports-total"),
                [total.sales, total.refunds, total.voids],
                [
                    total.gross_minor,
                    total.refunds_minor,
                    total.voids_minor,
                    total.net_minor,
                    total.tax_minor
                ]
            )
        );
    }
    out
}

fn methods_section(ui: &Ui, report: &Report) -> String {
    let methods = by_method(&report.sales);
    if methods.is_empty() {
        return empty(ui);
    }
    let chart: Vec<Bar> = methods
        .iter()
        .map(|(c, m, v)| Bar {
            label: format!("{} ({c})", ui.plain(&format!("admin-reports-method-{m}"))),
            value: *v,
            shown: format_money(*v, c, ui.locale),
        })
        .collect();
    let mut out = bars(&ui.plain("admin-reports-chart-methods"), &chart);
    out.push_str(&table_head(
        ui,
        "methods",
        &[
            ("admin-reports-col-method", false),
            ("admin-reports-col-currency", false),
            ("admin-reports-col-net", true),
        ],
    ));
    for (currency, method, net) in &methods {
        let _ = writeln!(
            out,
            "<tr data-method=\"{}\"><td>{}</td><td>{}</td>{}</tr>",
            esc(method),
            method_name(ui, method),
            esc(currency),
            num(&money(ui, *net, currency))
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn tax_section(ui: &Ui, report: &Report) -> String {
    let rates = by_tax_rate(&report.sales);
    if rates.is_empty() {
        return empty(ui);
    }
    let mut out = table_head(
        ui,
        "tax",
        &[
            ("admin-reports-col-rate", true),
            ("admin-reports-col-currency", false),
            ("admin-reports-col-taxable", true),
            ("admin-reports-col-tax", true),
        ],
    );
    for (currency, bps, taxable, tax) in &rates {
        let _ = writeln!(
            out,
            "<tr data-rate=\"{bps}\">{}<td>{}</td>{}{}</tr>",
            num(&rate(ui, *bps)),
            esc(currency),
            num(&money(ui, *taxable, currency)),
            num(&money(ui, *tax, currency))
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn stock_section(ui: &Ui, report: &Report) -> String {
    if report.stock.is_empty() {
        return empty(ui);
    }
    let (rows, totals) = stock_valuation(&report.stock);
    let mut ranked: Vec<_> = rows.iter().filter(|r| r.value_minor.is_some()).collect();
    ranked.sort_by_key(|r| std::cmp::Reverse(r.value_minor));
    let chart: Vec<Bar> = ranked
        .iter()
        .take(STOCK_BARS)
        .map(|r| {
            let value = r.value_minor.unwrap_or(0);
            Bar {
                label: r.stock.name.clone().unwrap_or_else(|| r.stock.sku.clone()),
                value,
                shown: format_money(value, r.stock.currency.as_deref().unwrap_or(""), ui.locale),
            }
        })
        .collect();
    let mut out = format!(
        "<p class=\"intro\">{}</p>\n{}",
        ui.t("admin-reports-stock-note"),
        bars(&ui.plain("admin-reports-chart-stock"), &chart)
    );
    out.push_str(&table_head(
        ui,
        "stock",
        &[
            ("admin-reports-col-sku", false),
            ("admin-reports-col-product", false),
            ("admin-reports-col-on-hand", true),
            ("admin-reports-col-unit-price", true),
            ("admin-reports-col-value", true),
        ],
    ));
    for row in &rows {
        let s = &row.stock;
        let currency = s.currency.as_deref().unwrap_or("");
        let price = s.price_minor.map_or_else(
            || ui.t("admin-reports-no-price"),
            |p| money(ui, p, currency),
        );
        let value = match row.value_minor {
            Some(v) => money(ui, v, currency),
            None if s.on_hand < 0 => format!(
                "<span class=\"signal bad\">{}</span>",
                ui.t("admin-reports-below-zero")
            ),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "<tr data-sku=\"{sku}\"><td><code>{sku}</code></td><td>{}</td>{}{}{}</tr>",
            esc(s.name.as_deref().unwrap_or("")),
            num(&count(ui, s.on_hand)),
            num(&price),
            num(&value),
            sku = esc(&s.sku),
        );
    }
    out.push_str("</tbody>\n<tfoot>\n");
    for (currency, total) in &totals {
        let _ = writeln!(
            out,
            "<tr class=\"total\"><td colspan=\"4\">{} ({})</td>{}</tr>",
            ui.t("admin-reports-total"),
            esc(currency),
            num(&money(ui, *total, currency))
        );
    }
    out.push_str("</tfoot>\n</table>\n");
    out
}

fn visits_section(ui: &Ui, report: &Report) -> String {
    if report.visits.is_empty() {
        return empty(ui);
    }
    let name = |v: &crate::readmodel::ClinicianVisits| {
        if v.clinician.trim().is_empty() {
            ui.t("admin-reports-unknown-clinician")
        } else {
            esc(&v.clinician)
        }
    };
    let chart: Vec<Bar> = report
        .visits
        .iter()
        .map(|v| Bar {
            label: if v.clinician.trim().is_empty() {
                ui.plain("admin-reports-unknown-clinician")
            } else {
                v.clinician.clone()
            },
            value: i64::try_from(v.visits).unwrap_or(i64::MAX),
            shown: format_integer(i64::try_from(v.visits).unwrap_or(i64::MAX), ui.locale),
        })
        .collect();
    let mut out = bars(&ui.plain("admin-reports-chart-visits"), &chart);
    out.push_str(&table_head(
        ui,
        "visits",
        &[
            ("admin-reports-col-clinician", false),
            ("admin-reports-col-visits", true),
            ("admin-reports-col-signed", true),
        ],
    ));
    for v in &report.visits {
        let _ = writeln!(
            out,
            "<tr><td>{}</td>{}{}</tr>",
            name(v),
            num(&count(ui, v.visits)),
            num(&count(ui, v.signed))
        );
    }
    let (visits, signed) = report
        .visits
        .iter()
        .fold((0, 0), |(a, b), v| (a + v.visits, b + v.signed));
    let _ = writeln!(
        out,
        "</tbody>\n<tfoot><tr class=\"total\"><td>{}</td>{}{}</tr></tfoot>\n</table>",
        ui.t("admin-reports-total"),
        num(&count(ui, visits)),
        num(&count(ui, signed))
    );
    out
}

fn patients_section(ui: &Ui, report: &Report) -> String {
    if report.new_patients.is_empty() {
        return empty(ui);
    }
    let chart: Vec<Bar> = report
        .new_patients
        .iter()
        .map(|(day, n)| Bar {
            label: day_label_plain(ui, day),
            value: i64::try_from(*n).unwrap_or(i64::MAX),
            shown: format_integer(i64::try_from(*n).unwrap_or(i64::MAX), ui.locale),
        })
        .collect();
    let mut out = bars(&ui.plain("admin-reports-chart-patients"), &chart);
    out.push_str(&table_head(
        ui,
        "patients",
        &[
            ("admin-reports-col-date", false),
            ("admin-reports-col-new-patients", true),
        ],
    ));
    for (day, n) in &report.new_patients {
        let _ = writeln!(
            out,
            "<tr><td>{}</td>{}</tr>",
            day_label(ui, day),
            num(&count(ui, *n))
        );
    }
    let total: u64 = report.new_patients.iter().map(|(_, n)| n).sum();
    let _ = writeln!(
        out,
        "</tbody>\n<tfoot><tr class=\"total\"><td>{}</td>{}</tr></tfoot>\n</table>",
        ui.t("admin-reports-total"),
        num(&count(ui, total))
    );
    out
}
