//! `/admin/staff`: who changed the clinics' staff users and roles, when, and from which
//! workstation, newest first, from the `staff.changed` events the projector derives
//! ([`crate::webhooks::staff`]). An admin limited to clinics sees only theirs.

use std::fmt::Write;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use uuid::Uuid;

use super::LangQuery;
use super::events::View;
use super::html::{Ui, esc};
use super::pages::show;
use crate::api::Fleet;
use crate::state::Hub;
use crate::store::{HubStore, Scope, StoreError};
use crate::webhooks::staff::{StaffChange, UserChange};

/// How many changes the page lists.
pub const CHANGES_SHOWN: u32 = 200;

pub async fn page<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    show(&hub, &query, &headers, View::Staff).await
}

/// The page's fragment: the admin's clinics and nodes, and their staff changes.
pub async fn load<S: HubStore>(hub: &Hub<S>, ui: &Ui, scope: &Scope) -> Result<String, StoreError> {
    let fleet = Fleet::load(&hub.store).await?.within(scope);
    let changes = hub
        .store
        .staff_changes(scope.clinics(), CHANGES_SHOWN)
        .await?;
    Ok(render_staff(ui, &changes, &fleet))
}

/// The latest staff changes.
pub fn render_staff(ui: &Ui, changes: &[StaffChange], fleet: &Fleet) -> String {
    let mut out = format!("<p class=\"intro\">{}</p>\n", ui.t("admin-staff-intro"));
    if changes.is_empty() {
        let _ = writeln!(out, "<p class=\"empty\">{}</p>", ui.t("admin-staff-none"));
        return out;
    }
    out.push_str("<table class=\"staff\">\n<thead><tr>");
    for col in [
        "admin-staff-col-when",
        "admin-col-clinic",
        "admin-staff-col-by",
        "admin-staff-col-node",
        "admin-staff-col-user",
        "admin-staff-col-change",
    ] {
        let _ = write!(out, "<th>{}</th>", ui.t(col));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for change in changes {
        let when = change
            .at_ms
            .map_or_else(|| ui.t("admin-staff-when-unknown"), |ms| ui.time(ms));
        let clinic = fleet
            .clinics
            .iter()
            .find(|c| c.id == change.clinic_id)
            .map_or_else(|| change.clinic_id.to_string(), |c| c.name.clone());
        let rows = change.users.len().max(1);
        let mut users = change.users.iter();
        let first = users.next();
        let _ = writeln!(
            out,
            "<tr data-change=\"{hash}\" data-by=\"{by_kind}\"><td rowspan=\"{rows}\">{when}</td>\
             <td rowspan=\"{rows}\">{clinic}</td><td rowspan=\"{rows}\">{by}</td>\
             <td rowspan=\"{rows}\">{node}</td>{user}</tr>",
            hash = esc(&change.change),
            by_kind = esc(&change.by.kind),
            clinic = esc(&clinic),
            by = by(ui, change),
            node = node(ui, change, fleet),
            user = first.map_or_else(|| roles_only(ui), |u| user_cells(ui, u)),
        );
        for user in users {
            let _ = writeln!(out, "<tr>{}</tr>", user_cells(ui, user));
        }
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn by(ui: &Ui, change: &StaffChange) -> String {
    match change.by.kind.as_str() {
        "user" => match (&change.by.username, &change.by.user_id) {
            (Some(name), _) => format!("<strong>{}</strong>", esc(name)),
            (None, Some(id)) => format!(
                "{} <small>{}</small>",
                ui.t("admin-staff-by-unknown-user"),
                esc(id)
            ),
            (None, None) => ui.t("admin-staff-by-unknown"),
        },
        "operator" => ui.t("admin-staff-by-operator"),
        "hub" => ui.t("admin-staff-by-hub"),
        _ => format!(
            "<span class=\"signal bad\">{}</span>",
            ui.t("admin-staff-by-unknown")
        ),
    }
}

fn node(ui: &Ui, change: &StaffChange, fleet: &Fleet) -> String {
    let Some(id) = change.node_id.as_deref() else {
        return ui.t("admin-staff-node-none");
    };
    let known = Uuid::parse_str(id).ok().and_then(|id| {
        fleet
            .nodes
            .iter()
            .find(|n| n.id == id && n.clinic_id == change.clinic_id.0)
    });
    match known {
        Some(n) => format!("<a href=\"/admin/nodes/{}\">{}</a>", n.id, esc(&n.name)),
        None => format!(
            "{} <small>{}</small>",
            ui.t("admin-staff-node-unknown"),
            esc(id)
        ),
    }
}

fn roles_only(ui: &Ui) -> String {
    format!("<td></td><td>{}</td>", ui.t("admin-staff-what-roles"))
}

fn user_cells(ui: &Ui, user: &UserChange) -> String {
    let name = if user.username.is_empty() {
        format!("<small>{}</small>", esc(&user.user_id))
    } else {
        esc(&user.username)
    };
    let role = user
        .role
        .as_deref()
        .map(|r| ui.t(&format!("admin-staff-role-{r}")))
        .unwrap_or_default();
    let what: Vec<String> = user
        .what
        .iter()
        .map(|w| match w.as_str() {
            "added" => ui.ta("admin-staff-what-added", &[("role", role.clone().into())]),
            "role" => ui.ta("admin-staff-what-role", &[("role", role.clone().into())]),
            "active" if user.active == Some(false) => ui.t("admin-staff-what-deactivated"),
            "active" => ui.t("admin-staff-what-reactivated"),
            "password" => ui.t("admin-staff-what-password"),
            "username" => ui.t("admin-staff-what-username"),
            "display_name" => ui.t("admin-staff-what-display-name"),
            "removed" => ui.t("admin-staff-what-removed"),
            other => format!("<code>{}</code>", esc(other)),
        })
        .collect();
    format!(
        "<td data-user=\"{id}\">{name}</td><td>{what}</td>",
        id = esc(&user.user_id),
        what = what.join("; "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhooks::staff::ChangedBy;
    use dermis_model::ClinicId;
    use dermis_model::i18n::{Locale, Localizer};

    fn change(username: &str, by: &str) -> StaffChange {
        StaffChange {
            clinic_id: ClinicId::new(),
            change: "abc".into(),
            at: None,
            at_ms: None,
            by: ChangedBy {
                kind: "user".into(),
                user_id: None,
                username: Some(by.into()),
            },
            node_id: Some(Uuid::now_v7().to_string()),
            users: vec![UserChange {
                user_id: "u1".into(),
                username: username.into(),
                what: vec!["role".into(), "active".into()],
                role: Some("admin".into()),
                active: Some(false),
            }],
            roles: false,
            position: 0,
        }
    }

    #[test]
    fn names_from_nodes_are_escaped_and_changes_are_spelt_out() {
        let ui = Ui::new(Locale::En, Localizer::new());
        let fleet = Fleet {
            clinics: Vec::new(),
            nodes: Vec::new(),
        };
        let html = render_staff(&ui, &[change("<script>x</script>", "<b>boss</b>")], &fleet);
        assert!(
            !html.contains("<script>") && !html.contains("<b>boss"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("role set to Admin; deactivated"), "{html}");
        assert!(html.contains("unknown workstation"), "{html}");
        let empty = render_staff(&ui, &[], &fleet);
        assert!(empty.contains("No staff changes recorded yet."), "{empty}");
    }
}
