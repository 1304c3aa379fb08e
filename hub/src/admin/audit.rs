//! `/admin/audit`: who did what at the clinics' workstations — chart views, edits,
//! signatures, exports, sign-ins and failed sign-ins — from the audit entries of their
//! ledger documents ([`dermis_model::audit`]), filtered by clinic, user, patient and
//! date, newest first, a page at a time. An admin limited to clinics sees only theirs;
//! asking for another clinic shows nothing, exactly as a clinic without entries.

use std::fmt::Write;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use dermis_model::{ClinicId, Millis};
use serde::Deserialize;
use uuid::Uuid;

use super::html::{Frame, Ui, esc, page};
use super::{html_response, page_admin, sections_for, ui_for};
use crate::api::Fleet;
use crate::state::Hub;
use crate::store::HubStore;
use crate::store::hooks::{AuditInfo, AuditQuery};

/// Entries per page.
pub const PAGE: u32 = 100;

/// The page's query: every filter is optional; dates are YYYY-MM-DD (UTC), `to`
/// included; `before` pages back from the oldest entry shown.
#[derive(Debug, Default, Deserialize)]
pub struct AuditParams {
    pub lang: Option<String>,
    pub clinic: Option<String>,
    pub user: Option<String>,
    pub patient: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub before: Option<i64>,
    /// The id of the last entry shown, with `before`.
    pub before_id: Option<String>,
}

/// A filter the admin typed that does not parse.
struct BadFilter(&'static str);

fn blank(v: Option<&String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn day_ms(text: &str, field: &'static str) -> Result<Millis, BadFilter> {
    dermis_model::validate::parse_stored_date(text.trim())
        .map(dermis_model::validate::day_start_millis)
        .ok_or(BadFilter(field))
}

fn query_of(p: &AuditParams) -> Result<AuditQuery, BadFilter> {
    let clinic = blank(p.clinic.as_ref())
        .map(|c| {
            Uuid::parse_str(&c)
                .map(ClinicId)
                .map_err(|_| BadFilter("clinic"))
        })
        .transpose()?;
    let patient = blank(p.patient.as_ref())
        .map(|id| {
            Uuid::parse_str(&id)
                .map(|u| u.to_string())
                .map_err(|_| BadFilter("patient"))
        })
        .transpose()?;
    let from = blank(p.from.as_ref())
        .map(|d| day_ms(&d, "from"))
        .transpose()?;
    let to = blank(p.to.as_ref())
        .map(|d| day_ms(&d, "to").map(|ms| ms.saturating_add(86_400_000)))
        .transpose()?;
    Ok(AuditQuery {
        clinic,
        user: blank(p.user.as_ref()).map(|u| u.chars().take(64).collect()),
        patient,
        from,
        to,
        before: p.before,
        before_id: blank(p.before_id.as_ref()).map(|id| id.chars().take(64).collect()),
        limit: PAGE,
    })
}

pub async fn page_handler<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Query(params): Query<AuditParams>,
    headers: HeaderMap,
) -> Response {
    let (ui, set_lang) = ui_for(params.lang.as_deref(), &headers);
    let admin = match page_admin(&hub, &headers, &ui).await {
        Ok(admin) => admin,
        Err(refused) => return refused,
    };
    let scope = &admin.scope;
    let (status, body) = match query_of(&params) {
        Err(BadFilter(field)) => (
            StatusCode::BAD_REQUEST,
            format!(
                "{}<p class=\"signal bad\" role=\"alert\">{}: {}</p>\n",
                form(&ui, &params, &[]),
                ui.t(&format!("admin-audit-filter-{field}")),
                ui.t("admin-audit-bad-filter")
            ),
        ),
        Ok(query) => {
            let loaded = async {
                let fleet = Fleet::load(&hub.store).await?.within(scope);
                // A clinic outside the admin's scope is asked for as one with no entries.
                let entries = if query.clinic.is_some_and(|c| !scope.allows(c)) {
                    Vec::new()
                } else {
                    hub.store.audit_entries(scope.clinics(), &query).await?
                };
                Ok::<_, crate::store::StoreError>((fleet, entries))
            }
            .await;
            match loaded {
                Ok((fleet, entries)) => {
                    let clinics: Vec<(ClinicId, String)> = fleet
                        .clinics
                        .iter()
                        .map(|c| (c.id, c.name.clone()))
                        .collect();
                    (
                        StatusCode::OK,
                        format!(
                            "{}{}",
                            form(&ui, &params, &clinics),
                            render_entries(&ui, &entries, &fleet, &params)
                        ),
                    )
                }
                Err(error) => {
                    tracing::error!(error = %dermis_sync::driver::error_chain(&error), "audit page");
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        format!(
                            "<p class=\"signal bad\" role=\"alert\">{}</p>",
                            ui.t("admin-unavailable")
                        ),
                    )
                }
            }
        }
    };
    let title = ui.t("admin-audit-title");
    let frame = Frame {
        title: &title,
        current: Some("audit"),
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

/// The filter form (a GET form: the filters are in the address, so a view can be kept
/// or shared).
fn form(ui: &Ui, p: &AuditParams, clinics: &[(ClinicId, String)]) -> String {
    let value = |v: &Option<String>| esc(v.as_deref().unwrap_or(""));
    let mut out = format!(
        "<p class=\"intro\">{}</p>\n<form class=\"filters\" method=\"get\" action=\"/admin/audit\">\n",
        ui.t("admin-audit-intro")
    );
    let chosen = p.clinic.as_deref().unwrap_or("");
    let _ = write!(
        out,
        "<label>{}<select name=\"clinic\"><option value=\"\">{}</option>",
        ui.t("admin-audit-filter-clinic"),
        ui.t("admin-audit-all-clinics")
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
    for (name, kind, v) in [
        ("user", "text", &p.user),
        ("patient", "text", &p.patient),
        ("from", "date", &p.from),
        ("to", "date", &p.to),
    ] {
        let _ = writeln!(
            out,
            "<label>{}<input type=\"{kind}\" name=\"{name}\" value=\"{}\"></label>",
            ui.t(&format!("admin-audit-filter-{name}")),
            value(v)
        );
    }
    let _ = write!(
        out,
        "<button type=\"submit\">{}</button>\n</form>\n",
        ui.t("admin-audit-filter-submit")
    );
    out
}

/// The entries, and a link to the page before when this one is full.
pub fn render_entries(ui: &Ui, entries: &[AuditInfo], fleet: &Fleet, p: &AuditParams) -> String {
    if entries.is_empty() {
        return format!("<p class=\"empty\">{}</p>\n", ui.t("admin-audit-none"));
    }
    let mut out = String::from("<table class=\"audit\">\n<thead><tr>");
    for col in [
        "admin-audit-col-when",
        "admin-col-clinic",
        "admin-audit-col-node",
        "admin-audit-col-user",
        "admin-audit-col-action",
        "admin-audit-col-target",
    ] {
        let _ = write!(out, "<th>{}</th>", ui.t(col));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for e in entries {
        let clinic = fleet
            .clinics
            .iter()
            .find(|c| c.id == e.clinic_id)
            .map_or_else(|| e.clinic_id.to_string(), |c| c.name.clone());
        let node = Uuid::parse_str(&e.node_id)
            .ok()
            .and_then(|id| fleet.nodes.iter().find(|n| n.id == id))
            .map_or_else(
                || format!("<small>{}</small>", esc(&e.node_id)),
                |n| format!("<a href=\"/admin/nodes/{}\">{}</a>", n.id, esc(&n.name)),
            );
        let action_id = format!("admin-audit-action-{}", e.action.replace('_', "-"));
        let action = if ui.has(&action_id) {
            ui.t(&action_id)
        } else {
            esc(&e.action)
        };
        let patient = e.patient.as_deref().map_or_else(String::new, |p| {
            format!(
                " <a class=\"patient\" href=\"/admin/audit?patient={p}\">{}</a>",
                ui.t("admin-audit-patient-trail"),
                p = esc(p)
            )
        });
        let _ = writeln!(
            out,
            "<tr data-action=\"{}\"><td>{}</td><td>{}</td><td>{node}</td><td>{}</td><td>{action}</td>\
             <td>{} <code>{}</code>{patient}</td></tr>",
            esc(&e.action),
            ui.time(e.at),
            esc(&clinic),
            esc(&e.user),
            esc(&e.target_kind),
            esc(&e.target),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    if entries.len() >= PAGE as usize
        && let Some(last) = entries.last()
    {
        let keep = |name: &str, v: &Option<String>| {
            v.as_deref()
                .filter(|s| !s.is_empty())
                .map_or_else(String::new, |s| format!("&{name}={}", url_part(s)))
        };
        let _ = writeln!(
            out,
            "<p><a class=\"older\" href=\"/admin/audit?before={}&before_id={}{}{}{}{}{}\">{}</a></p>",
            last.at,
            url_part(&last.id),
            keep("clinic", &p.clinic),
            keep("user", &p.user),
            keep("patient", &p.patient),
            keep("from", &p.from),
            keep("to", &p.to),
            ui.t("admin-audit-older")
        );
    }
    out
}

/// Percent-encodes a query value.
fn url_part(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
