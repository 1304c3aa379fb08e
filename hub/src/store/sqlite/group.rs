//! Group commit on the embedded store's thread: the plans of pushes that reach the
//! thread together (from any sessions and clinics) are written in ONE `BEGIN IMMEDIATE`
//! transaction, so one WAL sync makes them all durable, and each caller is answered
//! only after that commit.
//!
//! Each plan is written inside a savepoint of its own: a plan that is stale (a document
//! it was planned on changed) or fails (an unknown clinic, a constraint) is rolled back
//! alone, and the group's other plans still commit. If the commit itself fails, every
//! plan of the group that would have been written is answered with an error: nothing of
//! it is acknowledged. A group never waits for more plans to arrive; it takes what is
//! queued behind the first one, up to the handle's [`super::SqliteStore`] group size.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};

use dermis_model::ClinicId;
use dermis_sync::plan::Plan;
use rusqlite::{Connection, TransactionBehavior};
use uuid::Uuid;

use super::{lite, write_in, write_plan};
use crate::store::StoreError;
use crate::store::planned::Written;

/// Work for the store's thread.
pub(super) enum Msg {
    /// Any SQL, run alone.
    Run(super::Job),
    /// A push's plan, written in a group with the plans queued behind it.
    Write(PlanWrite),
}

pub(super) struct PlanWrite {
    pub clinic: ClinicId,
    pub plan: Plan,
    /// At most this many plans in the group this one starts.
    pub max: usize,
    pub reply: tokio::sync::oneshot::Sender<Result<Written, StoreError>>,
}

/// How many transactions wrote plans, and how many plans they held (for tests and the
/// bench: plans / groups is the grouping achieved).
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

/// The store thread's loop: ends when every handle is dropped. A job that panics fails
/// alone (its caller sees `Closed`; its transaction rolls back as it unwinds) rather
/// than taking the store down with it.
pub(super) fn serve(mut conn: Connection, queue: Receiver<Msg>, stats: Arc<GroupStats>) {
    let mut next: Option<Msg> = None;
    loop {
        let msg = match next.take() {
            Some(msg) => msg,
            None => match queue.recv() {
                Ok(msg) => msg,
                Err(_) => return,
            },
        };
        match msg {
            Msg::Run(job) => {
                let run = std::panic::AssertUnwindSafe(|| job(&mut conn));
                if std::panic::catch_unwind(run).is_err() {
                    tracing::error!("an embedded store operation panicked");
                }
            }
            Msg::Write(first) => {
                let max = first.max.max(1);
                let mut group = vec![first];
                // Only what is already queued, in order: a job that is not a plan ends
                // the group and runs after its commit.
                while group.len() < max {
                    match queue.try_recv() {
                        Ok(Msg::Write(w)) => group.push(w),
                        Ok(other) => {
                            next = Some(other);
                            break;
                        }
                        Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
                    }
                }
                let (plans, replies): (Vec<_>, Vec<_>) = group
                    .into_iter()
                    .map(|w| ((w.clinic, w.plan), w.reply))
                    .unzip();
                let run = std::panic::AssertUnwindSafe(|| write_group(&mut conn, plans, &stats));
                match std::panic::catch_unwind(run) {
                    Ok(results) => {
                        for (reply, result) in replies.into_iter().zip(results) {
                            // The caller may have gone (its connection closed).
                            let _ = reply.send(result);
                        }
                    }
                    // Dropped replies: every caller sees `Closed`; nothing committed.
                    Err(_) => tracing::error!("an embedded store group commit panicked"),
                }
            }
        }
    }
}

/// Writes `group` in one transaction (see the module's text); one answer per plan, in
/// order.
pub(super) fn write_group(
    conn: &mut Connection,
    group: Vec<(ClinicId, Plan)>,
    stats: &GroupStats,
) -> Vec<Result<Written, StoreError>> {
    let writing = group.iter().filter(|(_, p)| !p.writes.is_empty()).count() as u64;
    if writing > 0 {
        stats.groups.fetch_add(1, Ordering::Relaxed);
        stats.plans.fetch_add(writing, Ordering::Relaxed);
    }
    if group.len() == 1 {
        return group
            .into_iter()
            .map(|(clinic, plan)| write_plan(conn, clinic, plan))
            .collect();
    }
    let seqs = match write_seqs(conn, &group) {
        Ok(seqs) => seqs,
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

/// Per plan: its seqs, `None` (stale, rolled back) or its own error (rolled back). An
/// `Err` of the whole: the transaction did not commit and nothing of it was written.
#[allow(clippy::type_complexity)]
fn write_seqs(
    conn: &mut Connection,
    group: &[(ClinicId, Plan)],
) -> Result<Vec<Result<Option<HashMap<Uuid, u64>>, StoreError>>, StoreError> {
    let mut tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(lite("begin"))?;
    let mut out = Vec::with_capacity(group.len());
    for (clinic, plan) in group {
        if plan.writes.is_empty() {
            out.push(Ok(Some(HashMap::new())));
            continue;
        }
        let mut sp = tx.savepoint().map_err(lite("savepoint"))?;
        match write_in(&sp, *clinic, plan) {
            Ok(Some(seqs)) => {
                sp.commit().map_err(lite("release savepoint"))?;
                out.push(Ok(Some(seqs)));
            }
            other => {
                // Rolled back and released; if that fails the plan's rows may still be
                // in the transaction, so none of the group may commit.
                sp.rollback().map_err(lite("roll back savepoint"))?;
                sp.finish().map_err(lite("release savepoint"))?;
                out.push(other);
            }
        }
        // Some failures (a full disk, I/O) make SQLite roll the whole transaction back
        // on its own: then nothing of the group is in it any more.
        if tx.is_autocommit() {
            return Err(StoreError::GroupFailed { plans: group.len() });
        }
    }
    tx.commit().map_err(lite("commit"))?;
    Ok(out)
}
