//! Group commit on Postgres: one task per store writes the plans of pushes that reach
//! it together (from any sessions and clinics of this hub instance) in ONE
//! transaction, so one WAL flush makes them all durable, and answers each caller only
//! after that commit.
//!
//! Each plan is written inside a savepoint of its own (`write_in`): a plan that is
//! stale, loses a deadlock or serialization conflict with another instance (answered
//! stale: nothing of it was written, it is planned again) or fails is rolled back alone,
//! and the group's other plans still commit. Plans are written in clinic order, so two
//! instances' groups take clinics' row locks in the same order. If the commit fails,
//! every plan of the group is answered with an error (stale after a conflict): nothing
//! of it is acknowledged. A group never waits for more plans to arrive; it takes what
//! is queued behind the first one, up to the handle's group size.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use dermis_model::ClinicId;
use dermis_sync::plan::Plan;
use sqlx::postgres::PgPool;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::{is_retryable, pg, write_in, write_plan_once};
use crate::store::StoreError;
use crate::store::planned::Written;

/// Plans that may wait for the writer task before a session waits to hand its own.
pub(super) const QUEUE: usize = 1024;

pub(super) struct PlanWrite {
    pub clinic: ClinicId,
    pub plan: Plan,
    /// At most this many plans in the group this one starts.
    pub max: usize,
    pub reply: tokio::sync::oneshot::Sender<Result<Written, StoreError>>,
}

/// How many transactions wrote plans, and how many plans they held.
#[derive(Debug, Default)]
pub struct GroupStats {
    groups: AtomicU64,
    plans: AtomicU64,
}

impl GroupStats {
    /// (transactions, plans written in them).
    pub fn get(&self) -> (u64, u64) {
        (
            self.groups.load(Ordering::Relaxed),
            self.plans.load(Ordering::Relaxed),
        )
    }
}

/// The writer task: ends when every store handle is dropped.
pub(super) async fn serve(
    pool: PgPool,
    mut plans: mpsc::Receiver<PlanWrite>,
    stats: Arc<GroupStats>,
) {
    while let Some(first) = plans.recv().await {
        let max = first.max.max(1);
        let mut group = vec![first];
        while group.len() < max {
            match plans.try_recv() {
                Ok(w) => group.push(w),
                Err(_) => break,
            }
        }
        let (plans_of, replies): (Vec<_>, Vec<_>) = group
            .into_iter()
            .map(|w| ((w.clinic, w.plan), w.reply))
            .unzip();
        let results = write_group(&pool, plans_of, &stats).await;
        for (reply, result) in replies.into_iter().zip(results) {
            // The caller may have gone (its connection closed).
            let _ = reply.send(result);
        }
    }
}

/// Writes `group` in one transaction (see the module's text); one answer per plan, in
/// the order given.
pub(super) async fn write_group(
    pool: &PgPool,
    group: Vec<(ClinicId, Plan)>,
    stats: &GroupStats,
) -> Vec<Result<Written, StoreError>> {
    let writing = group.iter().filter(|(_, p)| !p.writes.is_empty()).count() as u64;
    if writing > 0 {
        stats.groups.fetch_add(1, Ordering::Relaxed);
        stats.plans.fetch_add(writing, Ordering::Relaxed);
    }
    if group.len() == 1 {
        let mut out = Vec::with_capacity(1);
        for (clinic, plan) in group {
            out.push(write_alone(pool, clinic, plan).await);
        }
        return out;
    }
    // Clinic order for the writes; answers in the order given.
    let mut order: Vec<usize> = (0..group.len()).collect();
    order.sort_by_key(|&i| group[i].0.0);
    let seqs = match write_seqs(pool, &group, &order).await {
        Ok(seqs) => seqs,
        // Postgres broke a deadlock or a serialization conflict at the commit: nothing
        // was written; every plan is planned again.
        Err(e) if is_retryable(&e) => return group.iter().map(|_| Ok(Written::Stale)).collect(),
        Err(e) => {
            tracing::error!(error = %dermis_sync::driver::error_chain(&e), plans = group.len(), "a group commit failed; none of its pushes is acknowledged");
            let plans = group.len();
            return group
                .iter()
                .map(|_| Err(StoreError::GroupFailed { plans }))
                .collect();
        }
    };
    group
        .into_iter()
        .zip(seqs)
        .map(|((_, plan), seqs)| match seqs {
            Ok(Some(seqs)) => Ok(Written::Done(plan.outcomes(&seqs))),
            Ok(None) => Ok(Written::Stale),
            Err(e) => Err(e),
        })
        .collect()
}

async fn write_alone(pool: &PgPool, clinic: ClinicId, plan: Plan) -> Result<Written, StoreError> {
    if plan.writes.is_empty() {
        return Ok(Written::Done(plan.outcomes(&HashMap::new())));
    }
    match write_plan_once(pool, clinic, &plan).await {
        Ok(Some(seqs)) => Ok(Written::Done(plan.outcomes(&seqs))),
        Ok(None) => Ok(Written::Stale),
        // Postgres broke a deadlock or a serialization conflict with another
        // instance: nothing was written; plan again.
        Err(e) if is_retryable(&e) => Ok(Written::Stale),
        Err(e) => Err(e),
    }
}

/// Per plan (indexed as `group`): its seqs, `None` (stale or lost a conflict: rolled
/// back) or its own error (rolled back). An `Err` of the whole: the transaction did not
/// commit and nothing of it was written.
#[allow(clippy::type_complexity)]
async fn write_seqs(
    pool: &PgPool,
    group: &[(ClinicId, Plan)],
    order: &[usize],
) -> Result<Vec<Result<Option<HashMap<Uuid, u64>>, StoreError>>, StoreError> {
    let mut tx = pool.begin().await.map_err(pg("begin"))?;
    let mut out: Vec<Result<Option<HashMap<Uuid, u64>>, StoreError>> =
        group.iter().map(|_| Ok(Some(HashMap::new()))).collect();
    for &i in order {
        let (clinic, plan) = &group[i];
        if plan.writes.is_empty() {
            continue;
        }
        let mut sp = sqlx::Acquire::begin(&mut tx)
            .await
            .map_err(pg("savepoint"))?;
        match write_in(&mut sp, *clinic, plan).await {
            Ok(Some(seqs)) => {
                sp.commit().await.map_err(pg("release savepoint"))?;
                out[i] = Ok(Some(seqs));
            }
            other => {
                // If rolling back fails the plan's rows may still be in the
                // transaction, so none of the group may commit.
                sp.rollback().await.map_err(pg("roll back savepoint"))?;
                out[i] = match other {
                    Err(e) if is_retryable(&e) => Ok(None),
                    other => other,
                };
            }
        }
    }
    tx.commit().await.map_err(pg("commit"))?;
    Ok(out)
}
