//! `GET /api/nodes`, and [`Fleet`]: the clinics and nodes as the admin side sees them,
//! with each node's lag behind its clinic's change log.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use dermis_model::ClinicId;
use dermis_sync::driver::error_chain;
use serde::Serialize;
use uuid::Uuid;

use super::auth::require_admin;
use crate::state::Hub;
use crate::store::{ClinicInfo, HubStore, NodeInfo, Scope, StoreError};

/// Every clinic and node, read together.
#[derive(Clone, Debug, Default)]
pub struct Fleet {
    pub clinics: Vec<ClinicInfo>,
    pub nodes: Vec<NodeInfo>,
}

impl Fleet {
    pub async fn load<S: HubStore>(store: &S) -> Result<Fleet, StoreError> {
        // Nodes first: a clinic's seq read after a node's cursor can only be newer, so
        // a lag is never under-reported.
        let nodes = store.list_nodes().await?;
        let clinics = store.list_clinics().await?;
        Ok(Fleet { clinics, nodes })
    }

    /// Only what `scope` covers.
    #[must_use]
    pub fn within(mut self, scope: &Scope) -> Fleet {
        self.clinics.retain(|c| scope.allows(c.id));
        self.nodes.retain(|n| scope.allows(ClinicId(n.clinic_id)));
        self
    }

    pub fn clinic(&self, id: Uuid) -> Option<&ClinicInfo> {
        self.clinics.iter().find(|c| c.id.0 == id)
    }

    /// How many change-log positions the node is behind its clinic: from the larger of
    /// its reported cursor and what live updates told it (a connected node reports its
    /// cursor only when it pulls).
    pub fn lag(&self, node: &NodeInfo) -> u64 {
        let reached = node.cursor.max(node.delivered_seq);
        self.clinic(node.clinic_id)
            .map_or(0, |c| c.seq.saturating_sub(reached))
    }

    /// The nodes of one clinic, by number.
    pub fn nodes_of(&self, clinic: Uuid) -> impl Iterator<Item = &NodeInfo> {
        self.nodes.iter().filter(move |n| n.clinic_id == clinic)
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClinicRef {
    pub id: Uuid,
    pub name: String,
    /// The clinic's latest change-log position.
    pub latest_seq: u64,
}

/// What the node last reported holding unsynced.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Outbox {
    pub count: u64,
    pub bytes: u64,
    /// Age of the oldest unsynced change, in milliseconds.
    pub oldest_age_ms: u64,
}

/// A node and its sync figures. Times are RFC 3339, UTC.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NodeView {
    pub id: Uuid,
    pub clinic: ClinicRef,
    pub name: String,
    /// The name the workstation gave itself when it enrolled.
    pub enrolled_name: Option<String>,
    /// Receipts from this node are numbered `N<number>-…`.
    pub number: u32,
    /// `pending`, `active` or `revoked`.
    pub status: String,
    pub online: bool,
    pub last_seen_at: Option<String>,
    /// When the node last completed a push or a pull.
    pub last_sync_at: Option<String>,
    pub app_version: Option<String>,
    /// The change-log position the node has durably applied.
    pub cursor: u64,
    /// The seq up to which live updates have told the node everything.
    pub delivered_seq: u64,
    /// Changes the node has not received yet: the clinic's latest seq minus the larger
    /// of `cursor` and `delivered_seq`.
    pub cursor_lag: u64,
    pub outbox: Outbox,
    /// The last sync error the node reported.
    pub last_error: Option<String>,
    /// What protects the node's link, as it said on its last connection: `tls`,
    /// `loopback-http` or `insecure-http`; null for a node too old to say.
    pub transport: Option<String>,
    /// The node reaches the hub over plain http across a network (allowed on purpose).
    pub insecure: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NodeList {
    pub nodes: Vec<NodeView>,
}

impl NodeView {
    pub fn new(fleet: &Fleet, node: &NodeInfo) -> NodeView {
        let clinic = fleet.clinic(node.clinic_id);
        NodeView {
            id: node.id,
            clinic: ClinicRef {
                id: node.clinic_id,
                name: clinic.map(|c| c.name.clone()).unwrap_or_default(),
                latest_seq: clinic.map_or(0, |c| c.seq),
            },
            name: node.name.clone(),
            enrolled_name: node.enrolled_name.clone(),
            number: node.number,
            status: node.status.to_owned(),
            online: node.online,
            last_seen_at: node.last_seen_at.map(dermis_model::rfc3339),
            last_sync_at: node.last_sync_at.map(dermis_model::rfc3339),
            app_version: node.app_version.clone(),
            cursor: node.cursor,
            delivered_seq: node.delivered_seq,
            cursor_lag: fleet.lag(node),
            outbox: Outbox {
                count: node.outbox_count,
                bytes: node.outbox_bytes,
                oldest_age_ms: node.outbox_oldest_age_ms,
            },
            last_error: node.last_error.clone(),
            transport: node.transport.clone(),
            insecure: node.insecure(),
        }
    }
}

/// Every node with its clinic and sync figures.
#[utoipa::path(
    get,
    path = "/api/nodes",
    tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Every node, by clinic and number (of the admin's clinics only, for an admin limited to clinics)", body = NodeList),
        (status = 401, description = "`unauthorized`: no valid token", body = super::ErrorBody),
        (status = 503, description = "`unavailable`", body = super::ErrorBody),
    )
)]
pub async fn list<S: HubStore>(State(hub): State<Arc<Hub<S>>>, headers: HeaderMap) -> Response {
    let admin = match require_admin(&hub, &headers).await {
        Ok(admin) => admin,
        Err(refused) => return refused,
    };
    match Fleet::load(&hub.store).await {
        Ok(fleet) => {
            let fleet = fleet.within(&admin.scope);
            let nodes = fleet
                .nodes
                .iter()
                .map(|n| NodeView::new(&fleet, n))
                .collect();
            Json(NodeList { nodes }).into_response()
        }
        Err(e) => {
            tracing::error!(error = %error_chain(&e), "cannot list nodes");
            crate::reply::unavailable()
        }
    }
}
