//! The pages of webhooks and projections: recent webhook deliveries, SKUs below zero
//! and documents with open conflicts. Like [`super::pages`], each handler renders the
//! frame around the fragment [`super::events`] re-renders live.

use std::fmt::Write;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::LangQuery;
use super::events::View;
use super::html::{Ui, esc};
use super::pages::show;
use crate::state::Hub;
use crate::store::hooks::{ConflictInfo, DeliveryInfo, StockInfo, state};
use crate::store::{ClinicInfo, HubStore};

/// How many deliveries the page lists.
pub const DELIVERIES_SHOWN: u32 = 100;
/// How many conflicting documents the page lists.
pub const CONFLICTS_SHOWN: u32 = 200;

pub async fn webhooks<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    show(&hub, &query, &headers, View::Webhooks).await
}

pub async fn stock<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    show(&hub, &query, &headers, View::Stock).await
}

pub async fn conflicts<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    show(&hub, &query, &headers, View::Conflicts).await
}

fn clinic_name(clinics: &[ClinicInfo], id: dermis_model::ClinicId) -> String {
    clinics
        .iter()
        .find(|c| c.id == id)
        .map_or_else(|| id.to_string(), |c| c.name.clone())
}

fn header(out: &mut String, ui: &Ui, class: &str, columns: &[&str]) {
    let _ = write!(out, "<table class=\"{class}\">\n<thead><tr>");
    for col in columns {
        let _ = write!(out, "<th>{}</th>", ui.t(col));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
}

/// A delivery's state: CSS class / test hook and text.
fn delivery_state(ui: &Ui, d: &DeliveryInfo) -> (&'static str, String) {
    match d.state.as_str() {
        state::DELIVERED => ("ok", ui.t("admin-webhook-state-delivered")),
        state::FAILED => {
            let mut text = ui.t("admin-webhook-state-failed");
            if let Some(next) = d.next_attempt_at {
                text = format!("{text} · {} {}", ui.t("admin-webhooks-next"), ui.time(next));
            }
            ("behind", text)
        }
        state::DEAD => ("bad", ui.t("admin-webhook-state-dead")),
        _ => ("pending", ui.t("admin-webhook-state-pending")),
    }
}

/// Recent deliveries, newest first.
pub fn render_deliveries(ui: &Ui, deliveries: &[DeliveryInfo], clinics: &[ClinicInfo]) -> String {
    let mut out = format!("<p class=\"intro\">{}</p>\n", ui.t("admin-webhooks-intro"));
    if deliveries.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"empty\">{}</p>",
            ui.t("admin-webhooks-none")
        );
        return out;
    }
    header(
        &mut out,
        ui,
        "deliveries",
        &[
            "admin-webhooks-col-event",
            "admin-col-clinic",
            "admin-webhooks-col-url",
            "admin-webhooks-col-state",
            "admin-webhooks-col-attempts",
            "admin-webhooks-col-answer",
            "admin-col-updated",
        ],
    );
    for d in deliveries {
        let (class, text) = delivery_state(ui, d);
        let answer = match (d.last_status, &d.last_error) {
            (Some(code), _) => code.to_string(),
            (None, Some(error)) => esc(error),
            (None, None) => ui.t("admin-webhooks-no-answer"),
        };
        let _ = writeln!(
            out,
            "<tr data-delivery=\"{id}\" data-event=\"{event_type}\" data-state=\"{state}\" data-status=\"{status}\">\
             <td>{event_type}<br><small>{event_id}</small></td><td>{clinic}</td><td class=\"url\">{url}</td>\
             <td><span class=\"signal {class}\">{text}</span></td><td>{attempts}</td>\
             <td class=\"error\">{answer}</td><td>{updated}</td></tr>",
            id = d.id,
            event_type = esc(&d.event_type),
            state = esc(&d.state),
            status = d.last_status.map(|c| c.to_string()).unwrap_or_default(),
            event_id = esc(&d.event_id),
            clinic = esc(&clinic_name(clinics, d.clinic_id)),
            url = esc(&d.url),
            attempts = ui.int(u64::from(d.attempts)),
            updated = ui.time(d.updated_at),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// SKUs below zero.
pub fn render_stock(ui: &Ui, rows: &[StockInfo], clinics: &[ClinicInfo]) -> String {
    let mut out = format!("<p class=\"intro\">{}</p>\n", ui.t("admin-stock-intro"));
    if rows.is_empty() {
        let _ = writeln!(out, "<p class=\"empty\">{}</p>", ui.t("admin-stock-none"));
        return out;
    }
    header(
        &mut out,
        ui,
        "stock",
        &[
            "admin-col-clinic",
            "admin-col-sku",
            "admin-col-on-hand",
            "admin-col-updated",
        ],
    );
    for s in rows {
        let _ = writeln!(
            out,
            "<tr data-sku=\"{sku}\" data-on-hand=\"{on_hand}\"><td>{clinic}</td><td>{sku}</td>\
             <td><span class=\"signal bad\">{shown}</span></td><td>{updated}</td></tr>",
            sku = esc(&s.sku),
            on_hand = s.on_hand,
            clinic = esc(&clinic_name(clinics, s.clinic_id)),
            shown = esc(&format!("−{}", ui.int(s.on_hand.unsigned_abs()))),
            updated = ui.time(s.updated_at),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// Documents with conflicting fields (their paths, never their values).
pub fn render_conflicts(ui: &Ui, rows: &[ConflictInfo], clinics: &[ClinicInfo]) -> String {
    let mut out = format!("<p class=\"intro\">{}</p>\n", ui.t("admin-conflicts-intro"));
    if rows.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"empty\">{}</p>",
            ui.t("admin-conflicts-none")
        );
        return out;
    }
    header(
        &mut out,
        ui,
        "conflicts",
        &[
            "admin-col-clinic",
            "admin-col-document",
            "admin-col-fields",
            "admin-col-updated",
        ],
    );
    for c in rows {
        let kind = match dermis_model::DocType::parse(&c.doc_type) {
            Some(t) => ui.t(&format!("admin-doc-type-{t}")),
            None => esc(&c.doc_type),
        };
        let fields: Vec<String> = c
            .fields
            .iter()
            .map(|f| format!("<code>{}</code>", esc(f)))
            .collect();
        let _ = writeln!(
            out,
            "<tr data-doc=\"{doc}\" data-fields=\"{count}\"><td>{clinic}</td>\
             <td>{kind}<br><small>{doc}</small></td><td>{fields}</td><td>{updated}</td></tr>",
            doc = c.doc_id,
            count = c.fields.len(),
            clinic = esc(&clinic_name(clinics, c.clinic_id)),
            fields = fields.join(" "),
            updated = ui.time(c.updated_at),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use dermis_model::ClinicId;
    use dermis_model::i18n::{Locale, Localizer};
    use uuid::Uuid;

    fn delivery(state: &str, status: Option<u16>) -> DeliveryInfo {
        DeliveryInfo {
            id: 7,
            event_id: "msg_1".into(),
            event_type: "sale.completed".into(),
            clinic_id: ClinicId::new(),
            webhook_id: Uuid::nil(),
            url: "https://hooks.example.com/<x>".into(),
            state: state.into(),
            attempts: 2,
            last_status: status,
            last_error: None,
            next_attempt_at: Some(0),
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn pages_escape_and_show_states_in_every_language() {
        for locale in Locale::ALL {
            let ui = Ui::new(locale, Localizer::new());
            let html = render_deliveries(&ui, &[delivery("failed", Some(500))], &[]);
            assert!(html.contains("data-status=\"500\""), "{html}");
            assert!(html.contains("&lt;x&gt;"), "{html}");
            assert!(
                !html.contains("admin-webhook-state"),
                "untranslated: {html}"
            );
            let stock = StockInfo {
                clinic_id: ClinicId::new(),
                sku: "SKU-1".into(),
                on_hand: -2,
                updated_at: 0,
            };
            let html = render_stock(&ui, &[stock], &[]);
            assert!(html.contains("data-on-hand=\"-2\""), "{html}");
            let conflict = ConflictInfo {
                clinic_id: ClinicId::new(),
                doc_id: Uuid::nil(),
                doc_type: "patient".into(),
                fields: vec!["phones".into()],
                updated_at: 0,
            };
            let html = render_conflicts(&ui, &[conflict], &[]);
            assert!(html.contains("<code>phones</code>"), "{html}");
            assert!(!html.contains("admin-doc-type"), "untranslated: {html}");
        }
    }
}
