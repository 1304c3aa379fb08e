//! The workers that run queued jobs, and the reaper that hands stale claims back.
//!
//! A worker claims a due job, runs it through its [`Runner`] while refreshing the claim
//! every `heartbeat`, and records the outcome. Asked to stop, it hands a job it is
//! still running back to the queue uncounted. If the process dies instead, the claim's
//! heartbeat goes stale and any instance's reaper returns the job to the queue after
//! `stale_after`. The reaper also publishes the queue's depth and deletes done jobs
//! older than `keep_done`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use dermis_model::{Millis, now_millis};
use rand::Rng;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{Job, JobCounts, JobFailure, JobStore, after_failure};
pub use crate::settings::JobOptions;
use crate::store::StoreError;

/// Runs one attempt of a job. The server's runner is `crate::server::job_kinds::hub_runner`.
pub type Runner =
    Arc<dyn Fn(Job) -> Pin<Box<dyn Future<Output = Result<(), JobFailure>> + Send>> + Send + Sync>;

/// Called by the reaper with the queue's counts (the server sets the metrics gauge).
pub type CountsSink = Arc<dyn Fn(JobCounts) + Send + Sync>;

fn millis(d: Duration) -> Millis {
    Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX)
}

/// The running workers and reaper of one hub instance.
pub struct Workers {
    tasks: Vec<JoinHandle<()>>,
    stop: watch::Sender<bool>,
}

impl Workers {
    /// Starts `options.workers` workers and the reaper. `wake` is bumped whenever a job
    /// is queued (by this instance, or by another as the store reports).
    pub fn spawn<S>(
        store: S,
        options: JobOptions,
        wake: watch::Receiver<u64>,
        runner: Runner,
        counts: Option<CountsSink>,
    ) -> Workers
    where
        S: JobStore + Clone + Send + Sync + 'static,
    {
        let (stop, stopped) = watch::channel(false);
        let mut tasks = Vec::with_capacity(options.workers + 1);
        for n in 0..options.workers {
            let worker = Worker {
                store: store.clone(),
                name: format!("{}/{n}", options.instance),
                options: options.clone(),
                runner: runner.clone(),
                stopped: stopped.clone(),
            };
            tasks.push(tokio::spawn(worker.run(wake.clone())));
        }
        tasks.push(tokio::spawn(reap(store, options, stopped, counts)));
        Workers { tasks, stop }
    }

    /// Stops claiming, hands running jobs back, and waits for the tasks to end.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }

    /// Ends every task at once, as a crash would: running jobs keep their claims until
    /// they go stale.
    ///
    /// The stop channel outlives the tasks: a worker sees a closed channel as a request
    /// to stop (and hands its job back), so closing it while a task was still mid-poll
    /// would turn the crash into a clean stop.
    pub async fn abort(self) {
        for task in &self.tasks {
            task.abort();
        }
        for task in self.tasks {
            let _ = task.await;
        }
        drop(self.stop);
    }
}

struct Worker<S> {
    store: S,
    name: String,
    options: JobOptions,
    runner: Runner,
    stopped: watch::Receiver<bool>,
}

impl<S: JobStore + Clone + Send + Sync + 'static> Worker<S> {
    async fn run(mut self, mut wake: watch::Receiver<u64>) {
        let mut failures = 0u32;
        loop {
            let stop = *self.stopped.borrow();
            if stop {
                break;
            }
            wake.borrow_and_update();
            match self.store.claim_job(&self.name, now_millis()).await {
                Ok(Some(job)) => {
                    failures = 0;
                    self.attempt(job).await;
                    continue;
                }
                Ok(None) => failures = 0,
                Err(e) => {
                    failures = failures.saturating_add(1);
                    if failures == 1 {
                        tracing::warn!(error = %error_chain(&e), "cannot claim jobs; retrying");
                    }
                }
            }
            let wait = self.options.poll;
            tokio::select! {
                _ = wake.changed() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = async { self.stopped.wait_for(|stop| *stop).await.map(|_| ()) } => {}
            }
        }
    }

    async fn attempt(&mut self, job: Job) {
        let (id, kind) = (job.id, job.kind.clone());
        let started = std::time::Instant::now();
        let mut running = (self.runner)(job.clone());
        let mut beat = tokio::time::interval(self.options.heartbeat);
        beat.tick().await;
        let outcome = loop {
            tokio::select! {
                outcome = &mut running => break Some(outcome),
                _ = beat.tick() => {
                    match self.store.heartbeat_job(id, &self.name, now_millis()).await {
                        Ok(true) => {}
                        Ok(false) => tracing::warn!(job = id, %kind, "lost the claim of a running job"),
                        Err(e) => tracing::warn!(job = id, error = %error_chain(&e), "cannot refresh a job's claim"),
                    }
                }
                _ = async { self.stopped.wait_for(|stop| *stop).await.map(|_| ()) } => break None,
            }
        };
        let now = now_millis();
        let record = match outcome {
            None => {
                drop(running);
                tracing::info!(job = id, %kind, "stopping: handing a running job back");
                self.store.release_job(id, &self.name, now).await
            }
            Some(Ok(())) => {
                tracing::info!(job = id, %kind, ms = started.elapsed().as_millis() as u64, "job done");
                self.store.finish_job(id, &self.name, Ok(()), now).await
            }
            Some(Err(failure)) => {
                let jitter = rand::rng().random_range(-1.0..=1.0);
                let (state, at) = after_failure(
                    &job,
                    &failure,
                    now,
                    self.options.backoff_base,
                    self.options.backoff_cap,
                    jitter,
                );
                tracing::warn!(
                    job = id, %kind, attempt = job.attempts, state = state.as_str(),
                    error = %failure.message, "job failed"
                );
                self.store
                    .finish_job(id, &self.name, Err((state, at, failure.message)), now)
                    .await
            }
        };
        match record {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(job = id, %kind, "a job's claim had passed to another worker")
            }
            Err(e) => {
                tracing::warn!(job = id, error = %error_chain(&e), "cannot record a job's outcome; its claim will go stale and it will run again")
            }
        }
    }
}

/// Hands stale claims back, publishes the queue's depth and prunes old done jobs, once
/// per heartbeat period.
async fn reap<S: JobStore>(
    store: S,
    options: JobOptions,
    mut stopped: watch::Receiver<bool>,
    counts: Option<CountsSink>,
) {
    let mut tick = tokio::time::interval(options.heartbeat);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = async { stopped.wait_for(|stop| *stop).await.map(|_| ()) } => return,
        }
        let now = now_millis();
        match store
            .reset_stale_jobs(
                now - millis(options.stale_after),
                now,
                Some(&options.instance),
            )
            .await
        {
            Ok(ids) if !ids.is_empty() => {
                tracing::warn!(jobs = ?ids, "handed back jobs whose worker stopped heartbeating")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %error_chain(&e), "cannot check for stale jobs"),
        }
        if let Err(e) = store.prune_jobs(now - millis(options.keep_done)).await {
            tracing::warn!(error = %error_chain(&e), "cannot prune done jobs");
        }
        if let Some(sink) = &counts {
            match store.job_counts().await {
                Ok(c) => sink(c),
                Err(e) => tracing::warn!(error = %error_chain(&e), "cannot count jobs"),
            }
        }
    }
}

fn error_chain(e: &StoreError) -> String {
    dermis_sync::driver::error_chain(e)
}
