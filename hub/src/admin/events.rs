//! `GET /admin/events`: Server-Sent Events that keep a page live. Each connection
//! re-renders its page's fragment every `admin_refresh` and sends it as an `update`
//! event when it changed (so a node going online shows within about a second, whichever
//! hub instance it connected to). The stream sends `expired` and ends when the admin's
//! token expires or its account stops accepting it (checked on every refresh:
//! `admin logout-all`, `admin passwd`, `admin remove`), and ends when the hub shuts down.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use dermis_model::i18n::Locale;
use dermis_sync::driver::error_chain;
use futures_util::Stream;
use serde::Deserialize;
use tokio::sync::watch;
use uuid::Uuid;

use super::hooks;
use super::html::{Ui, esc};
use super::pages::{self, HealthFacts, SESSIONS_SHOWN};
use super::{secure_headers, ui_for};
use crate::api::Fleet;
use crate::principal::{self, Admin, Refusal};
use crate::state::Hub;
use crate::state::health::{db_status, storage_status};
use crate::store::{HubStore, Scope};

/// Which page a fragment belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum View {
    Overview,
    Node(Uuid),
    Health,
    Webhooks,
    Stock,
    Conflicts,
    Staff,
    Jobs,
}

impl View {
    pub fn title_id(&self) -> &'static str {
        match self {
            View::Overview => "admin-overview-title",
            View::Node(_) => "admin-node-unknown-title",
            View::Health => "admin-health-title",
            View::Webhooks => "admin-webhooks-title",
            View::Stock => "admin-stock-title",
            View::Conflicts => "admin-conflicts-title",
            View::Staff => "admin-staff-title",
            View::Jobs => "admin-jobs-title",
        }
    }

    /// The navigation entry to mark current.
    pub fn section(&self) -> Option<&'static str> {
        match self {
            View::Overview | View::Node(_) => Some("overview"),
            View::Health => Some("health"),
            View::Webhooks => Some("webhooks"),
            View::Stock => Some("stock"),
            View::Conflicts => Some("conflicts"),
            View::Staff => Some("staff"),
            View::Jobs => Some("jobs"),
        }
    }

    /// Whether the view covers the whole hub rather than clinics (a limited admin gets
    /// 403).
    pub fn hub_wide(&self) -> bool {
        matches!(self, View::Health | View::Jobs)
    }

    pub fn events_url(&self, locale: Locale) -> String {
        let lang = locale.code();
        match self {
            View::Overview => format!("/admin/events?view=overview&lang={lang}"),
            View::Node(id) => format!("/admin/events?view=node&id={id}&lang={lang}"),
            View::Health => format!("/admin/events?view=health&lang={lang}"),
            View::Webhooks => format!("/admin/events?view=webhooks&lang={lang}"),
            View::Stock => format!("/admin/events?view=stock&lang={lang}"),
            View::Conflicts => format!("/admin/events?view=conflicts&lang={lang}"),
            View::Staff => format!("/admin/events?view=staff&lang={lang}"),
            View::Jobs => format!("/admin/events?view=jobs&lang={lang}"),
        }
    }
}

/// A rendered live part of a page.
pub struct Fragment {
    pub html: String,
    /// `false` when the page's subject does not exist (404).
    pub found: bool,
    /// A title that depends on the subject (a workstation's name), escaped.
    pub title: Option<String>,
}

fn unavailable(ui: &Ui) -> Fragment {
    Fragment {
        html: format!(
            "<p class=\"signal bad\">{}</p>\n",
            ui.t("admin-unavailable")
        ),
        found: true,
        title: None,
    }
}

/// Renders a view's fragment from the store, of the clinics `scope` covers (another
/// clinic's workstation is not found, as one that does not exist). A store failure
/// renders a notice (and is logged): the page stays up and the next refresh tries again.
/// Hub-wide views are the caller's to refuse to a limited admin.
pub async fn render<S: HubStore>(hub: &Hub<S>, view: &View, ui: &Ui, scope: &Scope) -> Fragment {
    match view {
        View::Overview => match Fleet::load(&hub.store).await {
            Ok(fleet) => Fragment {
                html: pages::render_overview(ui, &fleet.within(scope)),
                found: true,
                title: None,
            },
            Err(e) => {
                tracing::warn!(error = %error_chain(&e), "admin: cannot read the nodes");
                unavailable(ui)
            }
        },
        View::Node(id) => {
            let fleet = match Fleet::load(&hub.store).await {
                Ok(fleet) => fleet.within(scope),
                Err(e) => {
                    tracing::warn!(error = %error_chain(&e), "admin: cannot read the nodes");
                    return unavailable(ui);
                }
            };
            let Some(node) = fleet.nodes.iter().find(|n| n.id == *id) else {
                return Fragment {
                    html: format!("<p class=\"empty\">{}</p>\n", ui.t("admin-node-unknown")),
                    found: false,
                    title: None,
                };
            };
            let sessions = match hub.store.node_sessions(*id, SESSIONS_SHOWN).await {
                Ok(sessions) => sessions,
                Err(e) => {
                    tracing::warn!(error = %error_chain(&e), "admin: cannot read sessions");
                    return unavailable(ui);
                }
            };
            // The hub's own check of the workstation's receipt chain, from the links the
            // projector kept (content checked on arrival).
            let chain = match hub.store.receipt_links(*id).await {
                Ok(links) => Some(dermis_model::ledger::chain::verify_links(
                    dermis_model::NodeId(*id),
                    &links,
                )),
                Err(e) => {
                    tracing::warn!(error = %error_chain(&e), "admin: cannot read receipt links");
                    None
                }
            };
            Fragment {
                html: pages::render_node(ui, &fleet, node, &sessions, chain.as_ref()),
                found: true,
                title: Some(format!("{} {}", ui.t("admin-node-title"), esc(&node.name))),
            }
        }
        View::Webhooks | View::Stock | View::Conflicts => render_hooks(hub, view, ui, scope).await,
        View::Staff => match super::staff::load(hub, ui, scope).await {
            Ok(html) => Fragment {
                html,
                found: true,
                title: None,
            },
            Err(e) => {
                tracing::warn!(error = %error_chain(&e), "admin: cannot read the staff changes");
                unavailable(ui)
            }
        },
        View::Health => {
            let db = db_status(&hub.store).await;
            let (schema_complete, stats) = if db == "ok" {
                let schema = hub.store.schema_complete().await;
                let stats = hub.store.stats().await;
                if let Err(e) = &stats {
                    tracing::warn!(error = %error_chain(e), "admin: cannot read store figures");
                }
                (schema.ok(), stats.ok())
            } else {
                (None, None)
            };
            let facts = HealthFacts {
                db,
                schema_complete,
                stats,
                storage: storage_status(&hub.blobs).await,
                blob_dir: hub.blobs.describe(),
            };
            Fragment {
                html: pages::render_health(ui, &facts),
                found: true,
                title: None,
            }
        }
        View::Jobs => match super::jobs::load(&hub.store).await {
            Ok(facts) => Fragment {
                html: super::jobs::render_jobs(ui, &facts),
                found: true,
                title: None,
            },
            Err(e) => {
                tracing::warn!(error = %error_chain(&e), "admin: cannot read the jobs");
                unavailable(ui)
            }
        },
    }
}

/// The pages of [`super::hooks`]: each a read of the store plus the clinics' names.
async fn render_hooks<S: HubStore>(hub: &Hub<S>, view: &View, ui: &Ui, scope: &Scope) -> Fragment {
    let clinics = match hub.store.list_clinics().await {
        Ok(mut clinics) => {
            clinics.retain(|c| scope.allows(c.id));
            clinics
        }
        Err(e) => {
            tracing::warn!(error = %error_chain(&e), "admin: cannot read the clinics");
            return unavailable(ui);
        }
    };
    let html = match view {
        View::Webhooks => hub
            .store
            .recent_deliveries(scope.clinics(), hooks::DELIVERIES_SHOWN)
            .await
            .map(|rows| hooks::render_deliveries(ui, &rows, &clinics)),
        View::Stock => hub.store.negative_stock().await.map(|mut rows| {
            rows.retain(|r| scope.allows(r.clinic_id));
            hooks::render_stock(ui, &rows, &clinics)
        }),
        _ => hub
            .store
            .open_conflicts(scope.clinics(), hooks::CONFLICTS_SHOWN)
            .await
            .map(|rows| hooks::render_conflicts(ui, &rows, &clinics)),
    };
    match html {
        Ok(html) => Fragment {
            html,
            found: true,
            title: None,
        },
        Err(e) => {
            tracing::warn!(error = %error_chain(&e), "admin: cannot read the projections");
            unavailable(ui)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct EventsQuery {
    view: Option<String>,
    id: Option<String>,
    lang: Option<String>,
}

struct Live<S> {
    hub: Arc<Hub<S>>,
    admin: Admin,
    view: View,
    ui: Ui,
    last: Option<String>,
    tick: tokio::time::Interval,
    expires: tokio::time::Instant,
    shutdown: watch::Receiver<bool>,
    done: bool,
}

async fn next<S: HubStore>(mut live: Live<S>) -> Option<(Result<Event, Infallible>, Live<S>)> {
    if live.done {
        return None;
    }
    loop {
        tokio::select! {
            _ = async { live.shutdown.wait_for(|stop| *stop).await.map(|_| ()) } => return None,
            () = tokio::time::sleep_until(live.expires) => {
                live.done = true;
                return Some((Ok(Event::default().event("expired").data("expired")), live));
            }
            _ = live.tick.tick() => {
                let still = principal::check(&live.hub.store, live.admin.claims.clone()).await;
                if still == Err(Refusal::SignIn) {
                    live.done = true;
                    return Some((Ok(Event::default().event("expired").data("expired")), live));
                }
                let fragment = match still {
                    // The scope as the store says now: a clinic taken away disappears.
                    Ok(admin) => render(&live.hub, &live.view, &live.ui, &admin.scope).await,
                    Err(_) => render(&live.hub, &live.view, &live.ui, &live.admin.scope).await,
                };
                if live.last.as_deref() != Some(fragment.html.as_str()) {
                    let event = Event::default().event("update").data(&fragment.html);
                    live.last = Some(fragment.html);
                    return Some((Ok(event), live));
                }
            }
        }
    }
}

fn events<S: HubStore>(live: Live<S>) -> impl Stream<Item = Result<Event, Infallible>> {
    futures_util::stream::unfold(live, next)
}

pub async fn stream<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Query(query): Query<EventsQuery>,
    headers: HeaderMap,
) -> Response {
    let (ui, _) = ui_for(query.lang.as_deref(), &headers);
    let admin = match principal::admin(&hub, &headers).await {
        Ok(admin) => admin,
        Err(Refusal::SignIn) => {
            return (StatusCode::UNAUTHORIZED, esc("sign in first")).into_response();
        }
        Err(Refusal::Unavailable) => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                esc(&ui.t("admin-unavailable")),
            )
                .into_response();
        }
    };
    let view = match query.view.as_deref() {
        Some("health") => View::Health,
        Some("webhooks") => View::Webhooks,
        Some("stock") => View::Stock,
        Some("conflicts") => View::Conflicts,
        Some("staff") => View::Staff,
        Some("jobs") => View::Jobs,
        Some("node") => match query.id.as_deref().and_then(|id| Uuid::parse_str(id).ok()) {
            Some(id) => View::Node(id),
            None => return (StatusCode::BAD_REQUEST, "bad node id").into_response(),
        },
        _ => View::Overview,
    };
    if view.hub_wide() && !admin.hub_wide() {
        return (
            StatusCode::FORBIDDEN,
            esc(&ui.t("admin-forbidden-hub-wide")),
        )
            .into_response();
    }
    let now = jsonwebtoken::get_current_timestamp();
    let left = std::time::Duration::from_secs(admin.claims.exp.saturating_sub(now));
    let mut tick = tokio::time::interval(hub.options.admin_refresh);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let live = Live {
        shutdown: hub.shutdown.clone(),
        hub: hub.clone(),
        admin,
        view,
        ui,
        last: None,
        tick,
        expires: tokio::time::Instant::now() + left,
        done: false,
    };
    let mut response = Sse::new(events(live))
        .keep_alive(KeepAlive::default())
        .into_response();
    secure_headers(response.headers_mut());
    response
}
