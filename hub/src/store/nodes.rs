//! Nodes as the store keeps them: their access ([`NodeStatus`]), enrollment, what a
//! token authenticates as, the figures a session reports ([`NodeUpdate`]) and how a
//! session ended. The queries are [`super::HubStore`]'s.

use dermis_model::{ClinicId, Millis};
use dermis_sync::wire::OutboxStats;
use uuid::Uuid;

use super::StoreError;

/// A node's access, as its row says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeStatus {
    /// Added by an admin; waiting for its enrollment code to be used.
    Pending,
    Active,
    Revoked,
}

impl NodeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeStatus::Pending => "pending",
            NodeStatus::Active => "active",
            NodeStatus::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Result<NodeStatus, StoreError> {
        match s {
            "pending" => Ok(NodeStatus::Pending),
            "active" => Ok(NodeStatus::Active),
            "revoked" => Ok(NodeStatus::Revoked),
            other => Err(StoreError::BadRow {
                what: "nodes.status",
                value: other.chars().take(20).collect(),
            }),
        }
    }
}

/// A node added by `node add`, before it enrolls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewNode {
    pub id: Uuid,
    pub number: u32,
}

/// What an enrollment code was exchanged for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolled {
    pub node_id: Uuid,
    pub clinic_id: ClinicId,
    pub clinic_name: String,
    pub node_number: u32,
}

/// Who a node token belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeAuth {
    pub node_id: Uuid,
    pub clinic_id: ClinicId,
    pub status: NodeStatus,
    /// When the token in use was issued (enrollment or the last rotation); `None` for a
    /// token of unknown age.
    pub token_issued_at: Option<Millis>,
}

/// A node as `node list` and the admin pages show it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct NodeInfo {
    pub id: Uuid,
    pub clinic_id: Uuid,
    pub name: String,
    pub enrolled_name: Option<String>,
    pub number: u32,
    pub status: &'static str,
    pub online: bool,
    pub created_at: Millis,
    pub enrolled_at: Option<Millis>,
    pub last_seen_at: Option<Millis>,
    pub last_sync_at: Option<Millis>,
    pub app_version: Option<String>,
    pub cursor: u64,
    pub outbox_count: u64,
    pub outbox_bytes: u64,
    pub outbox_oldest_age_ms: u64,
    pub last_error: Option<String>,
    /// The seq up to which the hub has told the node everything (live updates); the
    /// node's durable `cursor` is only reported when it pulls.
    pub delivered_seq: u64,
    /// How the node reached the hub on its last connection, as it said (`tls`,
    /// `loopback-http`, `insecure-http`); `None` for a node too old to say.
    pub transport: Option<String>,
}

impl NodeInfo {
    /// The node talks to the hub over plain http across a network, on purpose.
    pub fn insecure(&self) -> bool {
        self.transport.as_deref() == Some(TRANSPORT_INSECURE)
    }
}

/// The `Dermis-Transport` value of a node on plain http across a network.
pub const TRANSPORT_INSECURE: &str = "insecure-http";

/// The `Dermis-Transport` values a node may send (docs/SYNC.md); anything else is
/// recorded as unknown (`None`).
pub fn transport_value(header: Option<&str>) -> Option<&'static str> {
    match header?.trim() {
        "tls" => Some("tls"),
        "loopback-http" => Some("loopback-http"),
        TRANSPORT_INSECURE => Some(TRANSPORT_INSECURE),
        _ => None,
    }
}

/// What a session learnt about its node, written to the node's row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeUpdate {
    pub app_version: Option<String>,
    pub cursor: Option<u64>,
    pub outbox: Option<OutboxStats>,
    /// `Some(None)` clears the last error; `None` leaves it.
    pub last_error: Option<Option<String>>,
    /// The node completed a pull or a push: record the time as its last sync.
    pub synced: bool,
    /// A live update told the node everything up to this seq.
    pub delivered: Option<u64>,
}

impl NodeUpdate {
    /// Folds a later update into this one: writing the result once leaves the node's row
    /// as writing both in order would (what the later one says wins; a sync in either
    /// counts), except that the times recorded are those of the one write.
    pub fn merge(&mut self, later: NodeUpdate) {
        let NodeUpdate {
            app_version,
            cursor,
            outbox,
            last_error,
            synced,
            delivered,
        } = later;
        self.app_version = app_version.or(self.app_version.take());
        self.cursor = cursor.or(self.cursor);
        self.outbox = outbox.or(self.outbox);
        self.last_error = last_error.or(self.last_error.take());
        self.synced |= synced;
        self.delivered = delivered.or(self.delivered);
    }
}

/// How a sync session ended, for its `sync_sessions` row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionEnd {
    pub frames_in: u64,
    pub frames_out: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub docs_in: u64,
    pub docs_out: u64,
    pub close_code: Option<u16>,
    pub error: Option<String>,
}
