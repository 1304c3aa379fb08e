//! The Postgres store (sqlx): the production store, shared by any number of stateless
//! hub instances. Pushes are planned on the Automerge pool from rows read without a
//! lock, then written only if those documents are unchanged ([`crate::store::planned`]);
//! the write serialises per document (`SELECT … FOR UPDATE`, an advisory lock for a new
//! id) and per clinic (the clinic row's change-log counter, bumped last before COMMIT, so
//! seq order is commit order); commits are announced with `pg_notify` so every instance
//! wakes its sessions. No Automerge work runs on the async runtime's threads.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use dermis_model::{ClinicId, Millis};
use dermis_sync::chunks::DocLimits;
use dermis_sync::wire::FetchItem;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use time::OffsetDateTime;
use uuid::Uuid;

use super::StoreError;
use super::planned::{DocLocks, Rows, Written};
use crate::pool::{Caller, DocPool, PoolOptions};
use dermis_sync::plan::{Plan, StoredDoc};

/// Channel of change-log advances; payload `<clinic_id>:<seq>`.
pub const CHANGES_CHANNEL: &str = "dermis_changes";
/// Channel of node status changes; payload `revoked:<node_id>`.
pub const NODES_CHANNEL: &str = "dermis_nodes";

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/hub");

#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
    docs: Caller,
    locks: Arc<DocLocks>,
    doc_limits: DocLimits,
    /// The task that writes pushes' plans in groups ([`group`]).
    writer: tokio::sync::mpsc::Sender<group::PlanWrite>,
    /// At most this many plans in one transaction.
    group_max: usize,
    group_stats: Arc<group::GroupStats>,
}

fn pg(op: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |source| StoreError::Postgres { op, source }
}

fn ts(ms: Millis) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn ms(t: OffsetDateTime) -> Millis {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(0)
}

fn is_retryable(e: &StoreError) -> bool {
    matches!(e, StoreError::Postgres { source: sqlx::Error::Database(db), .. }
        if matches!(db.code().as_deref(), Some("40P01" | "40001")))
}

impl PgStore {
    /// Connects and runs the migrations. `acquire_timeout` bounds every wait for a
    /// connection, so a database that is down fails fast instead of hanging.
    pub async fn connect(url: &str, acquire_timeout: Duration) -> Result<PgStore, StoreError> {
        let options = PgConnectOptions::from_str(url).map_err(pg("parse DATABASE_URL"))?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(acquire_timeout)
            .connect_with(options)
            .await
            .map_err(pg("connect"))?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|source| StoreError::PgMigrate { source })?;
        let docs =
            DocPool::new(PoolOptions::default()).map_err(|source| StoreError::Pool { source })?;
        let (writer, plans) = tokio::sync::mpsc::channel(group::QUEUE);
        let group_stats = Arc::new(group::GroupStats::default());
        tokio::spawn(group::serve(pool.clone(), plans, group_stats.clone()));
        Ok(PgStore {
            pool,
            docs: docs.hub(),
            locks: Arc::default(),
            doc_limits: DocLimits::default(),
            writer,
            group_max: super::GROUP_COMMIT_MAX,
            group_stats,
        })
    }

    pub(super) fn with_group_max(&self, group_max: usize) -> PgStore {
        PgStore {
            group_max: group_max.max(1),
            ..self.clone()
        }
    }

    /// Transactions that wrote pushes, and the pushes' plans they held.
    pub fn group_stats(&self) -> (u64, u64) {
        self.group_stats.get()
    }

    /// Writes `plans` as one group ([`group::write_group`]), on this task.
    pub(super) async fn write_group(
        &self,
        plans: Vec<(ClinicId, Plan)>,
    ) -> Vec<Result<Written, StoreError>> {
        group::write_group(&self.pool, plans, &self.group_stats).await
    }

    pub(super) fn with_caller(&self, docs: Caller) -> PgStore {
        PgStore {
            docs,
            ..self.clone()
        }
    }

    pub(super) fn with_limits(&self, doc_limits: DocLimits) -> PgStore {
        PgStore {
            doc_limits,
            ..self.clone()
        }
    }

    pub(super) fn docs(&self) -> &Caller {
        &self.docs
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The rows of `items`' documents of `clinic`, in order, up to about `max_bytes`
    /// of stored bytes (at least one item). Sizes are read first, so no more than that
    /// is ever read at once.
    async fn read_for_fetch(
        &self,
        clinic: ClinicId,
        items: &[FetchItem],
        max_bytes: usize,
    ) -> Result<Vec<Option<StoredDoc>>, StoreError> {
        let ids: Vec<Uuid> = items.iter().map(|i| i.doc_id).collect();
        let sizes = self.doc_sizes(clinic, ids).await?;
        let mut take = 0;
        let mut bytes = 0u64;
        for item in items {
            take += 1;
            bytes = bytes.saturating_add(sizes.get(&item.doc_id).copied().unwrap_or(0));
            if bytes >= max_bytes as u64 {
                break;
            }
        }
        let ids: Vec<Uuid> = items[..take].iter().map(|i| i.doc_id).collect();
        let mut conn = self.pool.acquire().await.map_err(pg("acquire"))?;
        let rows = sqlx::query(
            "SELECT id, doc_type, seq, heads, snapshot FROM docs WHERE clinic_id = $1 AND id = ANY($2)",
        )
        .bind(clinic.0)
        .bind(&ids)
        .fetch_all(&mut *conn)
        .await
        .map_err(pg("fetch documents"))?;
        let mut stored = HashMap::new();
        for row in &rows {
            let (id, doc) = stored_row(clinic, row).map_err(pg("read document"))?;
            stored.insert(id, doc);
        }
        let found: Vec<Uuid> = stored.keys().copied().collect();
        load_changes(&mut conn, &found, &mut stored).await?;
        // A document named twice is read once and handed out once per naming.
        let mut namings: HashMap<Uuid, usize> = HashMap::new();
        for item in &items[..take] {
            *namings.entry(item.doc_id).or_default() += 1;
        }
        let mut out = Vec::with_capacity(take);
        for item in &items[..take] {
            let left = namings.entry(item.doc_id).or_default();
            *left = left.saturating_sub(1);
            out.push(if *left == 0 {
                stored.remove(&item.doc_id)
            } else {
                stored.get(&item.doc_id).cloned()
            });
        }
        Ok(out)
    }
}

mod admin;
mod admins;
mod api_keys;
mod booked;
mod calendly;
mod derivations;
mod documents;
mod erasure;
mod group;
mod hooks;
mod jobs;
mod node_tokens;
mod ops;
mod projection;
mod readmodel;
mod readquery;
mod staging;

use documents::{load_changes, notify, select_docs, stored_row, write_in, write_plan_once};
pub use jobs::JOBS_CHANNEL;
