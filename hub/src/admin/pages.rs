//! The pages: clinics and workstations, one workstation with its sync sessions, and
//! storage and database health. Each handler renders the page frame around the same
//! fragment [`super::events`] re-renders for live updates.

use std::fmt::Write;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use uuid::Uuid;

use super::events::{View, render};
use super::html::{Frame, Ui, esc, page};
use super::{LangQuery, html_response, page_admin, ui_for};
use crate::api::Fleet;
use crate::state::Hub;
use crate::store::{HubStore, NodeInfo, SessionInfo, StoreStats};
use dermis_model::ledger::ChainReport;

/// How many sync sessions the workstation page lists.
pub const SESSIONS_SHOWN: u32 = 20;

pub(super) async fn show<S: HubStore>(
    hub: &Hub<S>,
    query: &LangQuery,
    headers: &HeaderMap,
    view: View,
) -> Response {
    let (ui, set_lang) = ui_for(query.lang.as_deref(), headers);
    let admin = match page_admin(hub, headers, &ui).await {
        Ok(admin) => admin,
        Err(refused) => return refused,
    };
    if view.hub_wide() && !admin.hub_wide() {
        return super::forbidden(&ui, set_lang, &admin);
    }
    let fragment = render(hub, &view, &ui, &admin.scope).await;
    let status = if fragment.found {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let title = match &fragment.title {
        Some(title) => title.clone(),
        None => ui.t(view.title_id()),
    };
    let live = view.events_url(ui.locale);
    let frame = Frame {
        title: &title,
        current: view.section(),
        username: Some(&admin.username),
        live: fragment.found.then_some(live.as_str()),
    };
    html_response(
        status,
        &ui,
        set_lang,
        page(&ui, &super::sections_for(&admin), &frame, &fragment.html),
    )
}

pub async fn overview<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    show(&hub, &query, &headers, View::Overview).await
}

pub async fn node<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Path(id): Path<String>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    // An id that does not parse names no workstation: the same page as an unknown one.
    let id = Uuid::parse_str(&id).unwrap_or(Uuid::nil());
    show(&hub, &query, &headers, View::Node(id)).await
}

pub async fn health<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    show(&hub, &query, &headers, View::Health).await
}

/// A node's state at a glance: a CSS class / test hook and its text (escaped).
pub fn signal(ui: &Ui, fleet: &Fleet, node: &NodeInfo) -> (&'static str, String) {
    let lag = fleet.lag(node);
    let behind = || ui.ta("admin-state-behind", &[("count", lag.into())]);
    match node.status {
        "revoked" => return ("revoked", ui.t("admin-state-revoked")),
        "pending" => return ("pending", ui.t("admin-state-pending")),
        _ => {}
    }
    if !node.online {
        let Some(seen) = node.last_seen_at else {
            return ("never", ui.t("admin-state-never-connected"));
        };
        let mut text = format!("{} {}", ui.t("admin-state-offline-since"), ui.time(seen));
        if lag > 0 {
            text = format!("{text} · {}", behind());
        }
        return ("offline", text);
    }
    if lag > 0 {
        ("behind", behind())
    } else if node.outbox_count > 0 {
        (
            "unsynced",
            ui.ta(
                "admin-state-unsynced",
                &[("count", node.outbox_count.into())],
            ),
        )
    } else {
        ("ok", ui.t("admin-state-up-to-date"))
    }
}

fn outbox(ui: &Ui, node: &NodeInfo) -> String {
    if node.outbox_count == 0 {
        return ui.t("admin-outbox-empty");
    }
    format!(
        "{}, {}, {} {}",
        ui.ta(
            "admin-outbox-changes",
            &[("count", node.outbox_count.into())]
        ),
        ui.size(node.outbox_bytes),
        ui.t("admin-outbox-oldest"),
        ui.ago(node.outbox_oldest_age_ms),
    )
}

fn node_link(ui: &Ui, node: &NodeInfo) -> String {
    format!(
        "<a href=\"/admin/nodes/{}?lang={}\">N{} · {}</a>",
        node.id,
        ui.locale.code(),
        node.number,
        esc(&node.name)
    )
}

/// The clinics and their workstations.
pub fn render_overview(ui: &Ui, fleet: &Fleet) -> String {
    let mut out = String::new();
    let active = fleet.nodes.iter().filter(|n| n.status == "active");
    let (mut online, mut offline, mut behind) = (0u64, 0u64, 0u64);
    for node in active {
        if node.online {
            online += 1;
        } else {
            offline += 1;
        }
        if fleet.lag(node) > 0 {
            behind += 1;
        }
    }
    let _ = writeln!(
        out,
        "<p class=\"summary\">{} · {} · {}</p>",
        ui.ta("admin-summary-online", &[("count", online.into())]),
        ui.ta("admin-summary-behind", &[("count", behind.into())]),
        ui.ta("admin-summary-offline", &[("count", offline.into())]),
    );
    if fleet.clinics.is_empty() {
        let _ = writeln!(out, "<p class=\"empty\">{}</p>", ui.t("admin-no-clinics"));
    }
    for clinic in &fleet.clinics {
        let _ = writeln!(
            out,
            "<section class=\"clinic\" data-clinic=\"{}\">\n<h2>{} <small>{}</small></h2>",
            clinic.id,
            esc(&clinic.name),
            ui.ta("admin-clinic-seq", &[("count", clinic.seq.into())]),
        );
        let nodes: Vec<&NodeInfo> = fleet.nodes_of(clinic.id.0).collect();
        if nodes.is_empty() {
            let _ = writeln!(
                out,
                "<p class=\"empty\">{}</p>\n</section>",
                ui.t("admin-no-nodes")
            );
            continue;
        }
        out.push_str("<table class=\"nodes\">\n<thead><tr>");
        for col in [
            "admin-col-node",
            "admin-col-state",
            "admin-col-last-seen",
            "admin-col-last-sync",
            "admin-col-version",
            "admin-col-cursor",
            "admin-col-outbox",
            "admin-col-error",
        ] {
            let _ = write!(out, "<th>{}</th>", ui.t(col));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for node in nodes {
            let (state, text) = signal(ui, fleet, node);
            let _ = writeln!(
                out,
                "<tr data-node=\"{id}\" data-online=\"{online}\" data-state=\"{state}\">\
                 <td>{link}{badge}</td><td><span class=\"signal {state}\">{text}</span></td>\
                 <td>{seen}</td><td>{sync}</td><td>{version}</td><td>{cursor}</td>\
                 <td>{outbox}</td><td class=\"error\">{error}</td></tr>",
                id = node.id,
                online = node.online,
                link = node_link(ui, node),
                badge = insecure_badge(ui, node),
                seen = ui.time_or_never(node.last_seen_at),
                sync = ui.time_or_never(node.last_sync_at),
                version = esc(node.app_version.as_deref().unwrap_or("—")),
                cursor = ui.int(node.cursor.max(node.delivered_seq)),
                outbox = outbox(ui, node),
                error = esc(node.last_error.as_deref().unwrap_or("")),
            );
        }
        out.push_str("</tbody>\n</table>\n</section>\n");
    }
    out
}

/// A plain-http node across a network is flagged wherever it is listed.
fn insecure_badge(ui: &Ui, node: &NodeInfo) -> String {
    if node.insecure() {
        format!(
            " <span class=\"signal bad\" data-insecure=\"true\">{}</span>",
            ui.t("admin-insecure-badge")
        )
    } else {
        String::new()
    }
}

/// What the node said protects its link.
fn link_text(ui: &Ui, node: &NodeInfo) -> String {
    match node.transport.as_deref() {
        Some(t @ ("tls" | "loopback-http")) => ui.t(&format!("admin-link-{t}")),
        Some(crate::store::TRANSPORT_INSECURE) => format!(
            "<span class=\"signal bad\" data-insecure=\"true\">{}</span>",
            ui.t("admin-link-insecure-http")
        ),
        _ => ui.t("admin-link-unknown"),
    }
}

fn row(out: &mut String, label: &str, value: &str) {
    let _ = writeln!(out, "<tr><th>{label}</th><td>{value}</td></tr>");
}

/// One workstation and its recent sync sessions.
/// A workstation's receipt chain as the hub received it (`None`: it could not be read).
fn chain_text(ui: &Ui, chain: Option<&ChainReport>) -> String {
    let Some(c) = chain else {
        return "—".into();
    };
    if let Some(b) = &c.broken {
        let kind = serde_json::to_value(b.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        return format!(
            "<span class=\"error\" data-chain=\"broken\">{}</span>",
            ui.ta(
                "admin-chain-broken",
                &[("receipt", b.receipt.clone().into()), ("kind", kind.into())]
            )
        );
    }
    if c.chained == 0 {
        return format!(
            "<span data-chain=\"none\">{}</span>",
            ui.t("admin-chain-none")
        );
    }
    format!(
        "<span data-chain=\"intact\">{}</span>",
        ui.ta(
            "admin-chain-intact",
            &[
                ("count", c.chained.into()),
                ("first", c.first_receipt.clone().unwrap_or_default().into()),
                ("last", c.last_receipt.clone().unwrap_or_default().into()),
            ]
        )
    )
}

pub fn render_node(
    ui: &Ui,
    fleet: &Fleet,
    node: &NodeInfo,
    sessions: &[SessionInfo],
    chain: Option<&ChainReport>,
) -> String {
    let mut out = String::new();
    let (state, text) = signal(ui, fleet, node);
    let _ = writeln!(
        out,
        "<p class=\"back\"><a href=\"/admin?lang={}\">← {}</a></p>\n\
         <p data-node=\"{}\" data-online=\"{}\" data-state=\"{state}\"><span class=\"signal {state}\">{text}</span></p>\n\
         <table class=\"facts\">",
        ui.locale.code(),
        ui.t("admin-node-back"),
        node.id,
        node.online,
    );
    let clinic = fleet.clinic(node.clinic_id).map_or("", |c| c.name.as_str());
    row(&mut out, &ui.t("admin-node-clinic"), &esc(clinic));
    row(
        &mut out,
        &ui.t("admin-node-number"),
        &format!("N{}", node.number),
    );
    row(&mut out, &ui.t("admin-node-id"), &node.id.to_string());
    row(
        &mut out,
        &ui.t("admin-node-access"),
        &ui.t(&format!("admin-access-{}", node.status)),
    );
    row(
        &mut out,
        &ui.t("admin-node-enrolled-name"),
        &esc(node.enrolled_name.as_deref().unwrap_or("—")),
    );
    row(
        &mut out,
        &ui.t("admin-node-enrolled-at"),
        &ui.time_or_never(node.enrolled_at),
    );
    row(
        &mut out,
        &ui.t("admin-col-last-seen"),
        &ui.time_or_never(node.last_seen_at),
    );
    row(
        &mut out,
        &ui.t("admin-col-last-sync"),
        &ui.time_or_never(node.last_sync_at),
    );
    row(
        &mut out,
        &ui.t("admin-col-version"),
        &esc(node.app_version.as_deref().unwrap_or("—")),
    );
    row(&mut out, &ui.t("admin-node-link"), &link_text(ui, node));
    let lag = fleet.lag(node);
    row(
        &mut out,
        &ui.t("admin-col-cursor"),
        &format!(
            "{} ({})",
            ui.int(node.cursor),
            ui.ta("admin-node-lag", &[("count", lag.into())])
        ),
    );
    row(&mut out, &ui.t("admin-col-outbox"), &outbox(ui, node));
    row(&mut out, &ui.t("admin-node-chain"), &chain_text(ui, chain));
    row(
        &mut out,
        &ui.t("admin-col-error"),
        &esc(node.last_error.as_deref().unwrap_or("—")),
    );
    out.push_str("</table>\n");
    let _ = writeln!(out, "<h2>{}</h2>", ui.t("admin-sessions-title"));
    if sessions.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"empty\">{}</p>",
            ui.t("admin-sessions-none")
        );
        return out;
    }
    out.push_str("<table class=\"sessions\">\n<thead><tr>");
    for col in [
        "admin-session-started",
        "admin-session-ended",
        "admin-session-frames",
        "admin-session-bytes",
        "admin-session-docs",
        "admin-session-close",
        "admin-session-error",
    ] {
        let _ = write!(out, "<th>{}</th>", ui.t(col));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for s in sessions {
        let ended = s
            .ended_at
            .map_or_else(|| ui.t("admin-session-open"), |t| ui.time(t));
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{ended}</td><td>{} / {}</td><td>{} / {}</td><td>{} / {}</td><td>{}</td><td class=\"error\">{}</td></tr>",
            ui.time(s.started_at),
            ui.int(s.frames_in),
            ui.int(s.frames_out),
            ui.size(s.bytes_in),
            ui.size(s.bytes_out),
            ui.int(s.docs_in),
            ui.int(s.docs_out),
            s.close_code.map(|c| c.to_string()).unwrap_or_default(),
            esc(s.error.as_deref().unwrap_or("")),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// What the health page shows.
pub struct HealthFacts {
    pub db: &'static str,
    pub schema_complete: Option<bool>,
    pub stats: Option<StoreStats>,
    pub storage: &'static str,
    pub blob_dir: String,
}

/// Storage and database health.
pub fn render_health(ui: &Ui, facts: &HealthFacts) -> String {
    let mut out = String::new();
    let good = |ok: bool| if ok { "ok" } else { "bad" };
    let _ = writeln!(
        out,
        "<h2>{}</h2>\n<table class=\"facts\">",
        ui.t("admin-health-database")
    );
    let db_ok = facts.db == "ok";
    row(
        &mut out,
        &ui.t("admin-health-reachable"),
        &format!(
            "<span class=\"signal {}\" data-check=\"db\">{}</span>",
            good(db_ok),
            ui.yes_no(db_ok)
        ),
    );
    if let Some(complete) = facts.schema_complete {
        let text = ui.t(if complete {
            "admin-health-migrations-ok"
        } else {
            "admin-health-migrations-missing"
        });
        row(
            &mut out,
            &ui.t("admin-health-migrations"),
            &format!("<span class=\"signal {}\">{text}</span>", good(complete)),
        );
    }
    if let Some(stats) = &facts.stats {
        row(
            &mut out,
            &ui.t("admin-health-backend"),
            &ui.t(&format!("admin-health-backend-{}", stats.backend)),
        );
        if let Some(bytes) = stats.database_bytes {
            row(&mut out, &ui.t("admin-health-size"), &ui.size(bytes));
        }
        for (id, n) in [
            ("admin-health-clinics", stats.clinics),
            ("admin-health-nodes", stats.nodes),
            ("admin-health-docs", stats.docs),
            ("admin-health-sessions", stats.sessions),
            ("admin-health-admins", stats.admins),
        ] {
            row(&mut out, &ui.t(id), &ui.int(n));
        }
        row(
            &mut out,
            &ui.t("admin-health-doc-bytes"),
            &ui.size(stats.doc_bytes),
        );
    }
    out.push_str("</table>\n");
    let _ = writeln!(
        out,
        "<h2>{}</h2>\n<table class=\"facts\">",
        ui.t("admin-health-storage")
    );
    row(
        &mut out,
        &ui.t("admin-health-blob-dir"),
        &esc(&facts.blob_dir),
    );
    let storage_ok = facts.storage == "ok";
    row(
        &mut out,
        &ui.t("admin-health-writable"),
        &format!(
            "<span class=\"signal {}\" data-check=\"storage\">{}</span>",
            good(storage_ok),
            ui.yes_no(storage_ok)
        ),
    );
    out.push_str("</table>\n");
    out
}

#[cfg(test)]
mod tests {
    use dermis_model::NodeId;
    use dermis_model::ledger::chain::{GENESIS, Link, verify_links};

    use super::*;
    use dermis_model::i18n::{Locale, Localizer};

    fn link(seq: i64, prev: &str, ok: bool) -> Link {
        Link {
            seq,
            receipt: format!("N1-{seq:06}"),
            prev_hash: prev.into(),
            hash: format!("h{seq}"),
            content_ok: ok,
        }
    }

    #[test]
    fn the_chain_row_says_intact_broken_or_none_in_every_language() {
        let node = NodeId::new();
        let intact = verify_links(node, &[link(1, GENESIS, true), link(2, "h1", true)]);
        let broken = verify_links(node, &[link(1, GENESIS, true), link(3, "h2", true)]);
        let none = verify_links(node, &[]);
        let en = Ui::new(Locale::En, Localizer::new());
        let text = chain_text(&en, Some(&intact));
        assert!(text.contains("data-chain=\"intact\""), "{text}");
        assert!(text.contains("2 receipts, N1-000001 … N1-000002"), "{text}");
        let text = chain_text(&en, Some(&broken));
        assert!(text.contains("BROKEN at N1-000003 (missing)"), "{text}");
        assert!(chain_text(&en, Some(&none)).contains("data-chain=\"none\""));
        assert_eq!(chain_text(&en, None), "—");
        for locale in Locale::ALL {
            let ui = Ui::new(locale, Localizer::new());
            for id in [
                "admin-node-chain",
                "admin-chain-intact",
                "admin-chain-none",
                "admin-chain-broken",
            ] {
                assert!(ui.has(id), "{id} in {locale:?}");
            }
        }
    }
}
