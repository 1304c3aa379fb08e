//! A caller's way into the pool: waiting for its budget (or a worker lent to it), for a
//! place in the queue, then for its job's answer.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use dermis_sync::plan::DocCache;
use tokio::sync::{mpsc, oneshot};

use super::ledgers::ProjectedLedgers;
use super::{Budget, DocPool, Job, PoolError, Shared};

/// The pool as one caller uses it: with that node's budget, or none for the hub.
#[derive(Clone)]
pub struct Caller {
    pub(super) pool: DocPool,
    pub(super) budget: Option<Arc<Budget>>,
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller")
            .field("budgeted", &self.budget.is_some())
            .finish_non_exhaustive()
    }
}

/// Counts a caller as waiting (for a place, for a worker or for its job's answer) while
/// it lives; its end tells callers waiting for an idle worker.
struct Waiting<'a>(&'a Shared);

impl<'a> Waiting<'a> {
    fn new(shared: &'a Shared) -> Self {
        shared.stats.waiting.fetch_add(1, Ordering::SeqCst);
        Waiting(shared)
    }

    /// Counts a caller as waiting only if fewer callers than workers are: one check and
    /// claim, so two callers cannot both take the last idle worker.
    fn if_idle(shared: &'a Shared) -> Option<Self> {
        let workers = shared.options.workers as u64;
        shared
            .stats
            .waiting
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |w| {
                (w < workers).then_some(w + 1)
            })
            .ok()
            .map(|_| Waiting(shared))
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.stats.waiting.fetch_sub(1, Ordering::SeqCst);
        self.0.freed.notify_waiters();
    }
}

impl Caller {
    pub fn pool(&self) -> &DocPool {
        &self.pool
    }

    /// [`DocPool::doc_cache`].
    pub fn doc_cache(&self) -> &Arc<DocCache> {
        self.pool.doc_cache()
    }

    /// [`DocPool::projected_ledgers`].
    pub fn projected_ledgers(&self) -> &Arc<ProjectedLedgers> {
        self.pool.projected_ledgers()
    }

    /// Waits until this caller's budget allows more work or an idle worker is lent to
    /// it (at once without a budget). Callers that take locks before [`Caller::run`]
    /// wait here first, so a node held back by its budget holds nothing others need.
    pub async fn ready(&self) {
        // Only looks for an idle worker: claiming one here and letting it go would wake
        // every caller held by its budget for nothing.
        let workers = self.pool.shared.options.workers as u64;
        self.turn(|shared| (shared.stats.waiting.load(Ordering::SeqCst) < workers).then_some(()))
            .await;
    }

    /// Waits as [`Caller::ready`] does, then counts this caller as waiting; whether the
    /// job is lent (not charged).
    async fn admit(&self) -> (Waiting<'_>, bool) {
        match self.turn(Waiting::if_idle).await {
            Some(waiting) => (waiting, true),
            None => (Waiting::new(&self.pool.shared), false),
        }
    }

    /// Waits until this caller's budget allows more work (`None`), or, when the pool
    /// lends, until `idle` finds a worker nobody else wants (what it gives).
    async fn turn<'s, T>(&'s self, idle: impl Fn(&'s Shared) -> Option<T>) -> Option<T> {
        let shared = &*self.pool.shared;
        let budget = self.budget.as_ref()?;
        let mut held = false;
        loop {
            // Registered before looking, so a job ending in between is not missed.
            let freed = shared.freed.notified();
            tokio::pin!(freed);
            freed.as_mut().enable();
            let wait = budget.wait(Instant::now());
            if wait.is_zero() {
                return None;
            }
            if shared.options.lend
                && let Some(lent) = idle(shared)
            {
                return Some(lent);
            }
            if !held {
                held = true;
                shared.stats.budget_waits.fetch_add(1, Ordering::Relaxed);
            }
            // Without lending a job's end only makes it look at its budget again.
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = freed => {}
            }
        }
    }

    /// Runs `job` on a worker once the budget allows it and the queue has room, and
    /// charges the time it took.
    pub async fn run<T, F>(&self, job: F) -> Result<T, PoolError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        self.place().await?.run(job).await
    }

    /// Waits for the budget, then for a place in the queue, and holds it: a caller that
    /// must read what its job works on reads it only once it has a place, so at most
    /// `workers + queue` jobs' worth of data is ever loaded for the pool.
    pub async fn place(&self) -> Result<Place<'_>, PoolError> {
        let (waiting, lent) = self.admit().await;
        if lent {
            self.pool.shared.stats.lent.fetch_add(1, Ordering::Relaxed);
        }
        let permit = self
            .pool
            .shared
            .jobs
            .reserve()
            .await
            .map_err(|_| PoolError::Stopped)?;
        Ok(Place {
            caller: self,
            permit,
            lent,
            _waiting: waiting,
        })
    }
}

/// A place in the queue, held by a caller that is getting its job ready.
pub struct Place<'a> {
    caller: &'a Caller,
    permit: mpsc::Permit<'a, Job>,
    /// Run on a worker nobody else wanted while over the budget: not charged.
    lent: bool,
    _waiting: Waiting<'a>,
}

impl Place<'_> {
    /// [`DocPool::doc_cache`].
    pub fn doc_cache(&self) -> &Arc<DocCache> {
        self.caller.doc_cache()
    }

    /// Queues `job` in this place; its answer, once a worker has run it.
    pub async fn run<T, F>(self, job: F) -> Result<T, PoolError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (done, answer) = oneshot::channel();
        let budget = self.caller.budget.clone().filter(|_| !self.lent);
        let pool = Arc::downgrade(&self.caller.pool.shared);
        self.permit.send(Box::new(move || {
            let stats = pool.upgrade();
            if let Some(s) = &stats {
                s.stats.busy.fetch_add(1, Ordering::Relaxed);
            }
            let started = Instant::now();
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            let spent = started.elapsed();
            if let Some(budget) = &budget {
                budget.charge(Instant::now(), spent);
            }
            if let Some(s) = &stats {
                s.stats.busy.fetch_sub(1, Ordering::Relaxed);
                s.stats.jobs.fetch_add(1, Ordering::Relaxed);
                let micros = u64::try_from(spent.as_micros()).unwrap_or(u64::MAX);
                s.stats.worker_micros.fetch_add(micros, Ordering::Relaxed);
            }
            if outcome.is_err() {
                tracing::error!("an Automerge job panicked");
            }
            // The caller may have gone (its session closed): nothing to tell.
            let _ = done.send(outcome);
        }));
        // Still counted as waiting until the answer comes.
        let outcome = answer.await.map_err(|_| PoolError::Stopped)?;
        drop(self._waiting);
        outcome.map_err(|_| PoolError::Panicked)
    }
}
