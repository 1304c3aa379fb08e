//! Where the hub's Automerge work runs: checking and parsing pushed bytes, loading,
//! merging, checking and saving documents (compaction included), fetches that need a
//! document loaded, the projector's reads and the hub's own edits. Never on the embedded
//! store's one thread, which then runs only SQL (so `/api/healthz` and other clinics'
//! sessions are not stuck behind a heavy document), nor on the async runtime's threads.
//!
//! - **Bounded**: [`PoolOptions::workers`] threads, and at most [`PoolOptions::queue`] jobs
//!   waiting for them. A caller that finds the queue full waits for a place (a sync
//!   session reads no more frames meanwhile): backpressure, not memory.
//! - **Budgeted**: each node has a budget of worker time per window, shared by its
//!   sessions on this instance ([`DocPool::caller`]). A node that has spent it waits,
//!   before it queues anything, until the window gives it back; so one heavy node gets
//!   at most its share of one worker and the other workers stay free for other clinics.
//!   Worker time is wall time on the worker: what the node keeps others from using.
//!   The hub's own work (projector, thumbnails, Calendly, the command line) has no
//!   budget ([`DocPool::hub`]).
//! - **Work-conserving** ([`PoolOptions::lend`]): a node over its budget is still lent a
//!   worker nobody else wants, when fewer jobs are queued or running than there are
//!   workers. Lent time is not charged (nobody was kept from it); the next caller waits
//!   for at most the jobs already running. So a clinic's first sync on a quiet hub goes
//!   at the pool's pace, not the budget's (10k patients: 39 s at the budget's pace), and
//!   under contention the budget holds as before. A hub that must cap each node's share
//!   even when idle sets `HUB_AUTOMERGE_LEND_IDLE=false`.
//!
//! Beside the workers the pool keeps what their jobs reuse: loaded documents
//! ([`DocPool::doc_cache`]) and the projector's memory of day ledgers ([`ledgers`]).
//!
//! A job that panics (a bug met by hostile bytes) fails alone: its caller gets
//! [`PoolError::Panicked`] and the worker goes on.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use dermis_sync::plan::DocCache;
use tokio::sync::mpsc;
use uuid::Uuid;

use budget::Budget;
pub use caller::{Caller, Place};
use ledgers::{ProjectedLedgers, ProjectedStats};

mod budget;
mod caller;
pub mod ledgers;

/// How the pool is sized (`HUB_AUTOMERGE_*` in `.env.example`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolOptions {
    /// `HUB_AUTOMERGE_WORKERS`: worker threads (default: one per core).
    pub workers: usize,
    /// `HUB_AUTOMERGE_QUEUE`: jobs that may wait for a worker before callers wait too.
    pub queue: usize,
    /// `HUB_AUTOMERGE_BUDGET_MS`: worker time one node may use per window; also the most
    /// it may use in one burst.
    pub budget: Duration,
    /// `HUB_AUTOMERGE_WINDOW_SECONDS`: the window the budget refills over.
    pub window: Duration,
    /// `HUB_AUTOMERGE_LEND_IDLE`: whether a node over its budget may use workers nobody
    /// else is waiting for (default: yes).
    pub lend: bool,
    /// `HUB_DOC_CACHE_MB`: the memory loaded documents kept between pushes may take, by
    /// estimate (see [`dermis_sync::plan::DocCache`]); 0 loads every document from its
    /// rows.
    pub doc_cache_bytes: usize,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            workers: std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 16)),
            queue: 64,
            budget: Duration::from_secs(3),
            window: Duration::from_secs(10),
            lend: true,
            doc_cache_bytes: 64 << 20,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    #[error("the Automerge workers have stopped")]
    Stopped,
    #[error("an Automerge job panicked")]
    Panicked,
    #[error("starting the Automerge workers")]
    Spawn {
        #[source]
        source: std::io::Error,
    },
}

type Job = Box<dyn FnOnce() + Send>;

/// The pool. Cheap to clone; the workers stop when the last handle (and every
/// [`Caller`]) is gone.
#[derive(Clone)]
pub struct DocPool {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for DocPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocPool")
            .field("options", &self.shared.options)
            .finish_non_exhaustive()
    }
}

struct Shared {
    options: PoolOptions,
    jobs: mpsc::Sender<Job>,
    /// Each node's budget, kept while a session uses it or it is not yet refilled (so
    /// reconnecting does not refill it).
    budgets: Mutex<HashMap<Uuid, Arc<Budget>>>,
    stats: Stats,
    /// Told whenever a caller's job ends, so a node over its budget waiting for an idle
    /// worker looks again.
    freed: tokio::sync::Notify,
    /// Documents loaded by one job, kept for the next (pushes and projection).
    docs: Arc<DocCache>,
    /// What the projector last committed of each day ledger.
    ledgers: Arc<ProjectedLedgers>,
}

/// What `/metrics` shows of the pool.
#[derive(Default)]
struct Stats {
    busy: AtomicU64,
    waiting: AtomicU64,
    jobs: AtomicU64,
    budget_waits: AtomicU64,
    lent: AtomicU64,
    worker_micros: AtomicU64,
}

/// The pool's figures at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolStats {
    pub workers: u64,
    /// Jobs running now.
    pub busy: u64,
    /// Callers waiting for a place in the queue or for a worker.
    pub waiting: u64,
    /// Jobs run since the start.
    pub jobs: u64,
    /// Times a node waited for its budget.
    pub budget_waits: u64,
    /// Jobs of nodes over their budget run on a worker nobody else wanted.
    pub lent: u64,
    /// Worker time spent, in microseconds.
    pub worker_micros: u64,
    /// The kept documents (see [`DocPool::doc_cache`]).
    pub cache: dermis_sync::plan::CacheStats,
    /// The projector's memory of day ledgers (see [`DocPool::projected_ledgers`]).
    pub ledgers: ProjectedStats,
}

impl DocPool {
    /// Starts the workers.
    pub fn new(options: PoolOptions) -> Result<DocPool, PoolError> {
        let options = PoolOptions {
            workers: options.workers.max(1),
            queue: options.queue.max(1),
            budget: options.budget.max(Duration::from_millis(1)),
            window: options.window.max(Duration::from_millis(1)),
            lend: options.lend,
            doc_cache_bytes: options.doc_cache_bytes,
        };
        let (jobs, queue) = mpsc::channel::<Job>(options.queue);
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..options.workers {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("hub-automerge-{i}"))
                .spawn(move || work(&queue))
                .map_err(|source| PoolError::Spawn { source })?;
        }
        Ok(DocPool {
            shared: Arc::new(Shared {
                options,
                jobs,
                budgets: Mutex::new(HashMap::new()),
                stats: Stats::default(),
                freed: tokio::sync::Notify::new(),
                docs: Arc::new(DocCache::new(options.doc_cache_bytes)),
                // A quarter of the documents' budget: a derivation is a few times smaller
                // than its document loaded, and only the ledgers of the day are kept.
                ledgers: Arc::new(ProjectedLedgers::new(options.doc_cache_bytes / 4)),
            }),
        })
    }

    pub fn options(&self) -> PoolOptions {
        self.shared.options
    }

    /// For the hub's own work: no budget.
    pub fn hub(&self) -> Caller {
        Caller {
            pool: self.clone(),
            budget: None,
        }
    }

    /// For a node's sessions: every session of `node` on this instance shares one budget.
    pub fn caller(&self, node: Uuid) -> Caller {
        let mut budgets = self
            .shared
            .budgets
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let budget = match budgets.get(&node) {
            Some(budget) => budget.clone(),
            None => {
                // A budget nobody uses that has refilled is the same as a new one.
                budgets.retain(|_, b| Arc::strong_count(b) > 1 || !b.full(now));
                let budget = Arc::new(Budget::new(&self.shared.options, now));
                budgets.insert(node, budget.clone());
                budget
            }
        };
        Caller {
            pool: self.clone(),
            budget: Some(budget),
        }
    }

    pub fn stats(&self) -> PoolStats {
        let s = &self.shared.stats;
        PoolStats {
            workers: self.shared.options.workers as u64,
            busy: s.busy.load(Ordering::Relaxed),
            waiting: s.waiting.load(Ordering::Relaxed),
            jobs: s.jobs.load(Ordering::Relaxed),
            budget_waits: s.budget_waits.load(Ordering::Relaxed),
            lent: s.lent.load(Ordering::Relaxed),
            worker_micros: s.worker_micros.load(Ordering::Relaxed),
            cache: self.shared.docs.stats(),
            ledgers: self.shared.ledgers.stats(),
        }
    }

    /// The documents jobs keep loaded between pushes, shared by every caller.
    pub fn doc_cache(&self) -> &Arc<DocCache> {
        &self.shared.docs
    }

    /// The projector's memory of day ledgers, kept beside the documents within a
    /// quarter of their budget more (`HUB_DOC_CACHE_MB`; 0 keeps neither).
    pub fn projected_ledgers(&self) -> &Arc<ProjectedLedgers> {
        &self.shared.ledgers
    }
}

/// A worker: runs jobs until every sender is gone. The lock is held only while waiting
/// for the next job, never while running one.
fn work(queue: &Mutex<mpsc::Receiver<Job>>) {
    loop {
        let job = queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .blocking_recv();
        match job {
            Some(job) => job(),
            None => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::oneshot;

    fn options(workers: usize, queue: usize) -> PoolOptions {
        PoolOptions {
            workers,
            queue,
            budget: Duration::from_millis(100),
            window: Duration::from_secs(1),
            lend: false,
            doc_cache_bytes: 0,
        }
    }

    /// A node of `pool` that has spent its budget for an hour.
    fn spent(pool: &DocPool) -> Caller {
        let caller = pool.caller(Uuid::now_v7());
        if let Some(budget) = &caller.budget {
            budget.charge(Instant::now(), Duration::from_secs(3600));
        }
        caller
    }

    /// Records the order jobs ran in.
    fn note(order: &Arc<Mutex<Vec<&'static str>>>, name: &'static str) -> impl FnOnce() + use<> {
        let order = order.clone();
        move || {
            order
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(name)
        }
    }

    #[tokio::test]
    async fn jobs_run_on_the_workers_and_a_panic_fails_alone() {
        let pool = DocPool::new(options(2, 2)).unwrap_or_else(|e| panic!("{e}"));
        let caller = pool.hub();
        let name = caller
            .run(|| std::thread::current().name().map(str::to_owned))
            .await;
        assert!(
            matches!(name.as_ref().ok().and_then(|n| n.as_deref()), Some(n) if n.starts_with("hub-automerge-")),
            "{name:?}"
        );
        let panicked = caller.run(|| panic!("hostile bytes")).await;
        assert!(matches!(panicked, Err::<(), _>(PoolError::Panicked)));
        assert_eq!(caller.run(|| 2 + 2).await.ok(), Some(4), "the pool goes on");
        assert_eq!(pool.stats().jobs, 3);
    }

    #[tokio::test]
    async fn a_full_queue_makes_callers_wait() {
        let pool = DocPool::new(options(1, 1)).unwrap_or_else(|e| panic!("{e}"));
        let caller = pool.hub();
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let (started, running) = oneshot::channel::<()>();
        let blocker = tokio::spawn({
            let caller = caller.clone();
            async move {
                caller
                    .run(move || {
                        let _ = started.send(());
                        let _ = hold.recv();
                    })
                    .await
            }
        });
        running.await.unwrap_or_else(|e| panic!("{e}"));
        // The worker is busy: one job fits in the queue, the next caller waits.
        let queued = tokio::spawn({
            let caller = caller.clone();
            async move { caller.run(|| 1).await }
        });
        let third = tokio::spawn({
            let caller = caller.clone();
            async move { caller.run(|| 2).await }
        });
        let deadline = Instant::now() + Duration::from_secs(10);
        while pool.stats().waiting < 2 {
            assert!(Instant::now() < deadline, "{:?}", pool.stats());
            tokio::task::yield_now().await;
        }
        assert!(!queued.is_finished() && !third.is_finished());
        let _ = release.send(());
        assert!(blocker.await.is_ok_and(|r| r.is_ok()));
        assert_eq!(queued.await.ok().and_then(Result::ok), Some(1));
        assert_eq!(third.await.ok().and_then(Result::ok), Some(2));
    }

    #[tokio::test]
    async fn an_idle_pool_is_lent_to_a_node_over_its_budget_without_charge() {
        let pool = DocPool::new(PoolOptions {
            lend: true,
            ..options(2, 2)
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let node = spent(&pool);
        let due = |node: &Caller| {
            node.budget
                .as_ref()
                .map(|b| *b.due.lock().unwrap_or_else(PoisonError::into_inner))
        };
        let before = due(&node);
        // Without lending this would wait an hour.
        assert_eq!(node.run(|| 2 + 2).await.ok(), Some(4));
        assert_eq!(node.run(|| 3 + 3).await.ok(), Some(6));
        let stats = pool.stats();
        assert_eq!((stats.lent, stats.budget_waits), (2, 0), "{stats:?}");
        assert_eq!(due(&node), before, "lent time is not charged");
    }

    #[tokio::test]
    async fn a_node_over_its_budget_waits_while_others_want_the_workers() {
        let pool = DocPool::new(PoolOptions {
            lend: true,
            ..options(1, 4)
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let order = Arc::new(Mutex::new(Vec::new()));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let (started, running) = oneshot::channel::<()>();
        let blocker = tokio::spawn({
            let caller = pool.hub();
            let note = note(&order, "blocker");
            async move {
                caller
                    .run(move || {
                        let _ = started.send(());
                        let _ = hold.recv();
                        note();
                    })
                    .await
            }
        });
        running.await.unwrap_or_else(|e| panic!("{e}"));
        // The one worker is busy: the node over its budget is held, not lent.
        let over = tokio::spawn({
            let caller = spent(&pool);
            let note = note(&order, "over budget");
            async move { caller.run(note).await }
        });
        let deadline = Instant::now() + Duration::from_secs(10);
        while pool.stats().budget_waits == 0 {
            assert!(Instant::now() < deadline, "{:?}", pool.stats());
            tokio::task::yield_now().await;
        }
        // Another node within its budget queues behind the blocker.
        let other = tokio::spawn({
            let caller = pool.caller(Uuid::now_v7());
            let note = note(&order, "within budget");
            async move { caller.run(note).await }
        });
        while pool.stats().waiting < 2 {
            assert!(Instant::now() < deadline, "{:?}", pool.stats());
            tokio::task::yield_now().await;
        }
        let _ = release.send(());
        for task in [blocker, other, over] {
            assert!(task.await.is_ok_and(|r| r.is_ok()));
        }
        assert_eq!(
            *order.lock().unwrap_or_else(PoisonError::into_inner),
            ["blocker", "within budget", "over budget"],
            "the node over its budget runs only once nobody else wants the worker"
        );
        let stats = pool.stats();
        assert_eq!((stats.lent, stats.budget_waits), (1, 1), "{stats:?}");
    }

    #[tokio::test]
    async fn a_node_over_its_budget_waits_and_others_do_not() {
        let pool = DocPool::new(options(2, 4)).unwrap_or_else(|e| panic!("{e}"));
        let node = Uuid::now_v7();
        // Work of 150 ms against a budget of 100 ms per second: 500 ms of debt.
        pool.caller(node)
            .run(|| {
                let started = Instant::now();
                while started.elapsed() < Duration::from_millis(150) {
                    std::hint::spin_loop();
                }
            })
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let before = pool.stats().budget_waits;
        let started = Instant::now();
        pool.caller(Uuid::now_v7())
            .run(|| ())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            pool.stats().budget_waits,
            before,
            "another node is not held"
        );
        // A later session of the same node has the same budget.
        let second = pool.caller(node);
        second.run(|| ()).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(pool.stats().budget_waits > before, "the node waited");
        assert!(
            started.elapsed() >= Duration::from_millis(400),
            "{:?}",
            started.elapsed()
        );
    }
}
