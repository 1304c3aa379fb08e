//! The hub's storage: what the server and the command line need beyond the sync
//! [`DocStore`] (clinics, enrolled nodes, their status and sync sessions), as one trait,
//! [`HubStore`], with two implementations — [`postgres::PgStore`] (production, several hub
//! instances on one database) and [`sqlite::SqliteStore`] (the embedded default). Both
//! pass `dermis_sync::conformance` and the same integration tests.
//!
//! The document logic both share (strict apply through `dermis_sync::apply`, snapshot
//! plus change rows, compaction, fetch) is `dermis_sync::plan`, run on the Automerge
//! pool ([`crate::pool`]) by [`planned`]; each store only moves rows. The hub's own
//! refusals of valid pushes are [`rules`], applied in that plan.

pub mod admins;
pub mod api_keys;
pub mod calendly;
pub mod erasure;
pub mod hooks;
pub mod jobs;
pub mod node_tokens;
pub mod nodes;
pub mod ops;
pub mod planned;
pub mod postgres;
pub mod rules;
pub mod sqlite;
pub mod staging;

use std::future::Future;

use automerge::ChangeHash;
use dermis_model::{ClinicId, Millis};
use dermis_sync::DocStore;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::pool::{Caller, DocPool};
pub use admins::{AdminAccount, AdminInfo, AdminStore, NewAdmin, Scope};
pub use api_keys::ApiKeyStore;
pub use calendly::CalendlyStore;
pub use erasure::ErasureStore;
pub use hooks::HookStore;
pub use jobs::JobStore;
pub use node_tokens::NodeTokenStore;
pub use nodes::{
    Enrolled, NewNode, NodeAuth, NodeInfo, NodeStatus, NodeUpdate, SessionEnd, TRANSPORT_INSECURE,
    transport_value,
};
pub use ops::{AdminCredentials, ClinicInfo, OpsStore, SessionInfo, StoreStats};
pub use staging::BlobStagingStore;

/// Something another process (or this one) committed that running sessions must react
/// to. Postgres delivers these with LISTEN/NOTIFY; the embedded store has no other
/// writer that needs waking, and the server's periodic check covers the rest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreEvent {
    ClinicAdvanced {
        clinic: ClinicId,
        seq: u64,
    },
    NodeRevoked {
        node: Uuid,
    },
    /// A job was queued: idle workers look for it.
    JobsQueued,
    /// Notifications may have been missed (the connection to the database was lost):
    /// re-read the state of every connected clinic and node.
    Resync,
}

impl From<dermis_sync::plan::Damaged> for StoreError {
    fn from(e: dermis_sync::plan::Damaged) -> Self {
        StoreError::Damaged {
            id: e.id,
            source: e.source,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("postgres: {op}")]
    Postgres {
        op: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error("postgres migrations")]
    PgMigrate {
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    #[error("sqlite: {op}")]
    Sqlite {
        op: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    #[error("sqlite migration {name}")]
    SqliteMigration {
        name: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    #[error("the embedded store's thread has stopped")]
    Closed,
    #[error("the transaction holding this push and {} others did not commit", plans.saturating_sub(1))]
    GroupFailed { plans: usize },
    #[error("Automerge work")]
    Pool {
        #[source]
        source: crate::pool::PoolError,
    },
    #[error("the documents kept changing while the push was planned ({attempts} attempts)")]
    Contended { attempts: usize },
    #[error("starting the embedded store's thread")]
    Thread {
        #[source]
        source: std::io::Error,
    },
    #[error("no clinic {id}")]
    UnknownClinic { id: ClinicId },
    #[error("no node {id}")]
    UnknownNode { id: Uuid },
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("stored document {id} does not load")]
    Damaged {
        id: Uuid,
        #[source]
        source: Box<automerge::AutomergeError>,
    },
    #[error("unexpected value in {what}: {value:?}")]
    BadRow { what: &'static str, value: String },
    #[error("an admin named {username:?} exists already")]
    AdminExists { username: String },
    #[error("creating the clinic document")]
    ClinicDoc {
        #[source]
        source: dermis_model::SchemaError,
    },
}

/// The hub store's failures by kind: what the sync session's log line says.
impl dermis_sync::StoreFault for StoreError {
    fn kind(&self) -> dermis_sync::FailureKind {
        use dermis_sync::FailureKind as K;
        match self {
            StoreError::Postgres { source, .. } => postgres_kind(source),
            StoreError::PgMigrate { .. } => K::Unavailable,
            StoreError::Sqlite { source, .. } | StoreError::SqliteMigration { source, .. } => {
                source
                    .sqlite_error()
                    .map_or(K::Other, |e| K::of_sqlite_code(e.extended_code))
            }
            StoreError::Closed | StoreError::Thread { .. } | StoreError::Pool { .. } => {
                K::Unavailable
            }
            StoreError::Contended { .. } => K::Busy,
            StoreError::Damaged { .. } | StoreError::BadRow { .. } => K::Corrupt,
            _ => K::Other,
        }
    }
}

fn postgres_kind(e: &sqlx::Error) -> dermis_sync::FailureKind {
    use dermis_sync::FailureKind as K;
    match e {
        sqlx::Error::Database(db) => db.code().map_or(K::Other, |c| K::of_sql_state(&c)),
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => K::Unavailable,
        _ => K::Other,
    }
}

/// How many pushes' plans one transaction may hold by default (`HUB_GROUP_COMMIT_MAX`):
/// pushes that reach the store together are committed together (group commit), so one
/// disk sync makes them all durable.
pub const GROUP_COMMIT_MAX: usize = 64;

/// Group commit seen from outside the store: tests and the bench write a group of
/// plans at once and read how well pushes were grouped. Both stores implement it.
pub trait GroupCommit {
    /// Writes `plans` in one transaction as pushes that reach the store together are
    /// written: per plan, in order, its outcomes; `None` when a document it was planned
    /// on changed since (nothing of it written); or its own error. One plan's failure
    /// leaves the others written.
    #[allow(clippy::type_complexity)]
    fn commit_group(
        &self,
        plans: Vec<(ClinicId, dermis_sync::plan::Plan)>,
    ) -> impl Future<Output = Vec<Result<Option<Vec<dermis_sync::wire::PushOutcome>>, StoreError>>> + Send;

    /// (transactions that wrote pushes, plans written in them) since the store opened.
    fn group_stats(&self) -> (u64, u64);
}

fn written(
    result: Result<planned::Written, StoreError>,
) -> Result<Option<Vec<dermis_sync::wire::PushOutcome>>, StoreError> {
    result.map(|w| match w {
        planned::Written::Done(outcomes) => Some(outcomes),
        planned::Written::Stale => None,
    })
}

impl GroupCommit for sqlite::SqliteStore {
    async fn commit_group(
        &self,
        plans: Vec<(ClinicId, dermis_sync::plan::Plan)>,
    ) -> Vec<Result<Option<Vec<dermis_sync::wire::PushOutcome>>, StoreError>> {
        let n = plans.len();
        match self.write_group(plans).await {
            Ok(results) => results.into_iter().map(written).collect(),
            Err(_) => (0..n).map(|_| Err(StoreError::Closed)).collect(),
        }
    }

    fn group_stats(&self) -> (u64, u64) {
        self.group_stats()
    }
}

impl GroupCommit for postgres::PgStore {
    async fn commit_group(
        &self,
        plans: Vec<(ClinicId, dermis_sync::plan::Plan)>,
    ) -> Vec<Result<Option<Vec<dermis_sync::wire::PushOutcome>>, StoreError>> {
        self.write_group(plans)
            .await
            .into_iter()
            .map(written)
            .collect()
    }

    fn group_stats(&self) -> (u64, u64) {
        self.group_stats()
    }
}

type Fut<'a, T> = std::pin::Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Everything the hub keeps. Implementations are cheap handles (a pool, a channel to
/// the SQLite thread): the server clones one per connection.
///
/// Every write returns a `Result`; a failed write is reported to the caller (which
/// closes the session with `internal`, so the node retries), never dropped.
pub trait HubStore:
    DocStore<Error = StoreError>
    + OpsStore
    + AdminStore
    + NodeTokenStore
    + HookStore
    + CalendlyStore
    + JobStore
    + BlobStagingStore
    + ErasureStore
    + ApiKeyStore
    + crate::readmodel::ReadModel
    + Clone
    + Sync
    + 'static
{
    /// A cheap round trip, for `/api/healthz`.
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// This handle with its Automerge work on `pool`, as the hub's own (no budget): the
    /// server runs every store handle on the pool `HUB_AUTOMERGE_*` configures. A store
    /// opened alone has a pool of its own with the default settings.
    fn with_pool(&self, pool: &DocPool) -> Self;

    /// This handle checking pushed bytes against `limits` ([`rules::doc_limits`] of the
    /// server's frame limit, `HUB_MAX_FRAME_BYTES`). A store opened alone uses the
    /// limits of the default frame limit.
    fn with_doc_limits(&self, limits: dermis_sync::chunks::DocLimits) -> Self;

    /// This handle writing at most `max` pushes' plans in one transaction (group commit;
    /// 1: each push in a transaction of its own). `HUB_GROUP_COMMIT_MAX` sets it.
    fn with_group_commit(&self, max: usize) -> Self;

    /// This handle with its Automerge work charged to `node`'s budget: a sync session's.
    fn for_node(&self, node: Uuid) -> Self;

    /// Where this handle runs Automerge work.
    fn doc_pool(&self) -> &Caller;

    /// Creates a clinic and its clinic document (id = clinic id) at seq 1, so every
    /// node of the clinic pulls it.
    fn create_clinic(
        &self,
        name: &str,
        now: Millis,
    ) -> impl Future<Output = Result<ClinicId, StoreError>> + Send;

    /// A clinic row with no documents at all, not even its clinic document: for
    /// imports and for the conformance suite, which starts from an empty clinic.
    /// Admins use [`HubStore::create_clinic`].
    fn insert_clinic(
        &self,
        id: ClinicId,
        name: &str,
        now: Millis,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Adds a pending node with the next number of its clinic and the hash of its
    /// one-time enrollment code.
    fn add_node(
        &self,
        clinic: ClinicId,
        name: &str,
        code_hash: &str,
        expires_at: Millis,
        now: Millis,
    ) -> impl Future<Output = Result<NewNode, StoreError>> + Send;

    /// Consumes an unexpired enrollment code (by hash) and activates its node with the
    /// given token hash, atomically: a code works once. `None` for an unknown, used or
    /// expired code, and for a node revoked before it enrolled.
    fn enroll(
        &self,
        code_hash: &str,
        enrolled_name: &str,
        token_hash: &str,
        now: Millis,
    ) -> impl Future<Output = Result<Option<Enrolled>, StoreError>> + Send;

    /// Who a node token (by hash) belongs to. The node's next token (offered by a
    /// rotation, [`NodeTokenStore`]) is accepted too, and its first use makes it the
    /// node's token, issued `now`: the token before it stops working.
    fn authenticate(
        &self,
        token_hash: &str,
        now: Millis,
    ) -> impl Future<Output = Result<Option<NodeAuth>, StoreError>> + Send;

    fn list_nodes(&self) -> impl Future<Output = Result<Vec<NodeInfo>, StoreError>> + Send;

    /// Marks a node revoked (and tells running hub instances). Returns whether it exists.
    fn revoke_node(
        &self,
        id: Uuid,
        now: Millis,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Of these nodes, those no longer active (or gone).
    fn inactive_among(
        &self,
        ids: &[Uuid],
    ) -> impl Future<Output = Result<Vec<Uuid>, StoreError>> + Send;

    /// The change-log position of each of these clinics.
    fn latest_seqs(
        &self,
        clinics: &[ClinicId],
    ) -> impl Future<Output = Result<Vec<(ClinicId, u64)>, StoreError>> + Send;

    fn update_node(
        &self,
        id: Uuid,
        update: &NodeUpdate,
        now: Millis,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Records how the node says it reaches the hub (`None`: it does not say).
    fn set_node_transport(
        &self,
        id: Uuid,
        transport: Option<&'static str>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Opens a `sync_sessions` row and marks the node online; returns the row id.
    fn session_started(
        &self,
        node: Uuid,
        now: Millis,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// Closes the session row; the node stays online only while it has another open
    /// session (it may already have reconnected, possibly to another hub instance).
    fn session_ended(
        &self,
        session: i64,
        node: Uuid,
        end: &SessionEnd,
        now: Millis,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Deletes up to `batch` sync sessions that ended before `ended_before`, oldest
    /// first, in one statement; returns how many went. Open sessions are never deleted.
    /// The housekeeping task calls it until it deletes fewer than `batch`, so a large
    /// backlog goes in short statements rather than one long lock.
    fn prune_sessions(
        &self,
        ended_before: Millis,
        batch: u32,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Marks every node offline and closes every open session: for a single hub process
    /// starting up, whose previous run may have died without doing so.
    fn reset_online(&self, now: Millis) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Forwards what other writers commit until `events` is closed. Reconnects on its
    /// own, sending [`StoreEvent::Resync`] after each (re)connection.
    fn watch(&self, events: mpsc::UnboundedSender<StoreEvent>) -> Fut<'static, ()>;
}

/// Heads as stored: sorted 32-byte hashes, concatenated.
pub fn encode_heads(heads: &[ChangeHash]) -> Vec<u8> {
    let mut sorted = heads.to_vec();
    sorted.sort();
    sorted.iter().flat_map(|h| h.0).collect()
}

pub fn decode_heads(bytes: &[u8]) -> Vec<ChangeHash> {
    bytes
        .chunks_exact(32)
        .filter_map(|c| <[u8; 32]>::try_from(c).ok().map(ChangeHash))
        .collect()
}

/// Names given by admins and workstations: trimmed, 1 to 100 characters, no control
/// characters (they end up in terminals and admin pages).
pub fn check_name(field: &'static str, name: &str) -> Result<String, StoreError> {
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > 100 || name.chars().any(char::is_control) {
        return Err(StoreError::Invalid {
            field,
            reason: "must be 1 to 100 characters without control characters".into(),
        });
    }
    Ok(name.to_owned())
}

/// The clinic document for a new clinic, saved.
pub fn new_clinic_doc(
    clinic: ClinicId,
    name: &str,
) -> Result<(Vec<u8>, Vec<ChangeHash>), StoreError> {
    let draft = dermis_model::clinic::ClinicDraft::new(name).map_err(|e| StoreError::Invalid {
        field: "clinic name",
        reason: e.to_string(),
    })?;
    let mut doc = dermis_model::clinic::create_clinic(clinic, &draft, automerge::ActorId::random())
        .map_err(|source| StoreError::ClinicDoc { source })?;
    doc.commit_with(
        dermis_model::provenance::Provenance::hub().commit_options(dermis_model::now_millis()),
    );
    let heads = doc.get_heads();
    Ok((doc.save(), heads))
}

fn u64_of(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_round_trip_sorted() {
        let a = ChangeHash([2; 32]);
        let b = ChangeHash([1; 32]);
        assert_eq!(decode_heads(&encode_heads(&[a, b])), vec![b, a]);
        assert!(decode_heads(&[]).is_empty());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            check_name("name", "  Front desk ").ok(),
            Some("Front desk".into())
        );
        assert!(check_name("name", "   ").is_err());
        assert!(check_name("name", &"x".repeat(101)).is_err());
        assert!(check_name("name", "bad\u{7}bell").is_err());
    }
}
