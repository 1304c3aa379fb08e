//! The hub's job queue: work that must happen once, eventually, whatever restarts —
//! thumbnails of uploaded photos, webhook deliveries, FHIR bulk exports and their expiry.
//!
//! Jobs are rows in the hub's database ([`JobStore`], implemented by both stores). A
//! worker claims a due job (Postgres: `FOR UPDATE SKIP LOCKED`; the embedded store: a
//! `BEGIN IMMEDIATE` transaction), runs it while writing heartbeats, and records the
//! outcome: `done`; `failed` with the time of its next try (exponential backoff, or what
//! the job asked for); or `dead` when its attempts are used up or no retry can help. A
//! claim whose heartbeat goes stale (the hub instance died mid-job) is handed back to
//! the queue by any instance's reaper, so a job survives a crash and still runs once at
//! a time. Admins see and retry failed and dead jobs on `/admin/jobs`.
//!
//! Enqueueing wakes this instance's workers at once and, on Postgres, the other
//! instances' through `LISTEN dermis_jobs`; a periodic poll covers the rest.
//!
//! Each kind of job is one arm of [`run_job`], calling its own module.

mod worker;

pub use worker::{JobOptions, Runner, Workers};

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use dermis_model::{ClinicId, Millis};
use serde::Serialize;

use crate::server::Hub;
use crate::store::{HubStore, StoreError};

pub type JobId = i64;

/// Where a job is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Queued, never tried.
    Pending,
    /// Claimed by a worker, which is running it.
    Running,
    /// Tried and failed; tried again at `run_at`.
    Failed,
    /// Out of attempts, or failed in a way no retry can fix. Only an admin's retry
    /// revives it.
    Dead,
    Done,
}

impl JobState {
    pub const ALL: [JobState; 5] = [
        JobState::Pending,
        JobState::Running,
        JobState::Failed,
        JobState::Dead,
        JobState::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::Running => "running",
            JobState::Failed => "failed",
            JobState::Dead => "dead",
            JobState::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Result<JobState, StoreError> {
        JobState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| StoreError::BadRow {
                what: "jobs.state",
                value: s.chars().take(20).collect(),
            })
    }

    /// An admin may send it back to the queue.
    pub fn retryable(self) -> bool {
        matches!(self, JobState::Failed | JobState::Dead)
    }
}

/// A job to queue.
#[derive(Clone, Debug, PartialEq)]
pub struct NewJob {
    /// Which arm of [`run_job`] runs it: `thumbnail`, `webhook`, `erasure`, `fhir_export`,
    /// `fhir_export_expire`.
    pub kind: &'static str,
    pub clinic: Option<ClinicId>,
    pub payload: serde_json::Value,
    pub max_attempts: u32,
    /// Not before this time.
    pub run_at: Millis,
    /// Among jobs not yet done or dead, at most one per key: queueing a second returns
    /// the first one's id.
    pub dedup_key: Option<String>,
}

impl NewJob {
    /// A job due now, with the default number of attempts.
    pub fn now(kind: &'static str, clinic: Option<ClinicId>, payload: serde_json::Value) -> Self {
        NewJob {
            kind,
            clinic,
            payload,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            run_at: dermis_model::now_millis(),
            dedup_key: None,
        }
    }

    pub fn dedup(mut self, key: impl Into<String>) -> Self {
        self.dedup_key = Some(key.into());
        self
    }

    pub fn attempts(mut self, max: u32) -> Self {
        self.max_attempts = max.max(1);
        self
    }
}

/// How many times a job is tried unless it says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// A job as stored.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Job {
    pub id: JobId,
    pub kind: String,
    pub clinic: Option<ClinicId>,
    pub payload: serde_json::Value,
    pub state: JobState,
    /// Attempts started, including a running one.
    pub attempts: u32,
    pub max_attempts: u32,
    pub run_at: Millis,
    pub dedup_key: Option<String>,
    pub claimed_by: Option<String>,
    pub heartbeat_at: Option<Millis>,
    pub last_error: Option<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub finished_at: Option<Millis>,
}

/// How many jobs are in each state, for `/admin/jobs` and `dermis_job_queue_depth`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct JobCounts {
    pub pending: u64,
    pub running: u64,
    pub failed: u64,
    pub dead: u64,
    pub done: u64,
}

impl JobCounts {
    pub fn add(&mut self, state: JobState, n: u64) {
        match state {
            JobState::Pending => self.pending += n,
            JobState::Running => self.running += n,
            JobState::Failed => self.failed += n,
            JobState::Dead => self.dead += n,
            JobState::Done => self.done += n,
        }
    }
}

/// What happens after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// Again after the queue's exponential backoff.
    Backoff,
    /// Again at this time (a receiver's `Retry-After`, a schedule of its own).
    At(Millis),
    /// Never: the job is dead now (corrupt input, an expired delivery window).
    Never,
}

/// Why an attempt failed, as recorded on the job and shown to admins. The message must
/// not carry patient data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobFailure {
    pub message: String,
    pub retry: Retry,
}

impl JobFailure {
    pub fn retry(message: impl Into<String>) -> Self {
        JobFailure {
            message: message.into(),
            retry: Retry::Backoff,
        }
    }

    pub fn permanent(message: impl Into<String>) -> Self {
        JobFailure {
            message: message.into(),
            retry: Retry::Never,
        }
    }
}

/// The queue's storage, implemented by both hub stores.
pub trait JobStore {
    /// Queues a job, or returns the id of the live job with the same dedup key.
    /// On Postgres, tells every instance's workers (`NOTIFY dermis_jobs`).
    fn enqueue_job(
        &self,
        job: &NewJob,
        now: Millis,
    ) -> impl Future<Output = Result<JobId, StoreError>> + Send;

    /// Claims the longest-due job for `worker`, counting the attempt.
    fn claim_job(
        &self,
        worker: &str,
        now: Millis,
    ) -> impl Future<Output = Result<Option<Job>, StoreError>> + Send;

    /// Refreshes a claim; `false` when the worker no longer holds it.
    fn heartbeat_job(
        &self,
        id: JobId,
        worker: &str,
        now: Millis,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Records the end of an attempt: `outcome` is `Ok(())` for done, or the error and
    /// the state to move to (`Failed` with its next run time, or `Dead`). `false` when
    /// the worker no longer held the claim (nothing is written then).
    fn finish_job(
        &self,
        id: JobId,
        worker: &str,
        outcome: Result<(), (JobState, Millis, String)>,
        now: Millis,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Hands a claimed job back unchanged (its attempt uncounted), for a worker that
    /// stops before finishing it.
    fn release_job(
        &self,
        id: JobId,
        worker: &str,
        now: Millis,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Claims whose heartbeat is older than `stale_before` go back to the queue (or die,
    /// when that was their last attempt). Returns their ids.
    ///
    /// Claims of the workers of `own_instance` (named `{own_instance}/…`) are kept
    /// whatever their heartbeat: the caller is that instance's reaper, so those workers
    /// are alive, and a heartbeat delayed by a slow write must not hand their running
    /// job to a second worker.
    fn reset_stale_jobs(
        &self,
        stale_before: Millis,
        now: Millis,
        own_instance: Option<&str>,
    ) -> impl Future<Output = Result<Vec<JobId>, StoreError>> + Send;

    /// An admin's retry of a failed or dead job: pending again, with fresh attempts.
    /// `false` when there is no such job or it is not failed or dead.
    fn retry_job(
        &self,
        id: JobId,
        now: Millis,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    fn job(&self, id: JobId) -> impl Future<Output = Result<Option<Job>, StoreError>> + Send;

    /// Jobs in `states` (all states when empty), the most recently updated first.
    fn list_jobs(
        &self,
        states: &[JobState],
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Job>, StoreError>> + Send;

    fn job_counts(&self) -> impl Future<Output = Result<JobCounts, StoreError>> + Send;

    /// Deletes done jobs finished before `before`; returns how many.
    fn prune_jobs(&self, before: Millis) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

/// Queues a job and wakes this instance's workers (other instances hear of it from the
/// store).
pub async fn enqueue<S: HubStore>(hub: &Hub<S>, job: NewJob) -> Result<JobId, StoreError> {
    let id = hub
        .store
        .enqueue_job(&job, dermis_model::now_millis())
        .await?;
    hub.wake_jobs();
    Ok(id)
}

/// Runs one attempt of a job: one arm per kind.
pub async fn run_job<S: HubStore>(hub: Arc<Hub<S>>, job: Job) -> Result<(), JobFailure> {
    match job.kind.as_str() {
        crate::webhooks::JOB_KIND => crate::webhooks::delivery_job(&hub, &job).await,
        crate::photos::THUMBNAIL_JOB => crate::photos::thumbnail_job(&hub, &job).await,
        crate::erasure::JOB_KIND => crate::erasure::erasure_job(&hub, &job).await,
        crate::fhir::export::JOB_KIND => crate::fhir::bulk::export_job(&hub, &job).await,
        crate::fhir::export::EXPIRE_JOB_KIND => crate::fhir::bulk::expire_job(&hub, &job).await,
        other => Err(JobFailure::permanent(format!("unknown job kind {other:?}"))),
    }
}

/// The runner the server's workers use: [`run_job`] on this hub.
pub fn hub_runner<S: HubStore>(hub: Arc<Hub<S>>) -> Runner {
    Arc::new(move |job| Box::pin(run_job(hub.clone(), job)))
}

/// The delay before retry number `attempt` (1 = the first retry): `base` doubled each
/// time, capped, with ±20% jitter so a burst of failures does not retry in lockstep.
pub fn backoff(base: Duration, cap: Duration, attempt: u32, jitter: f64) -> Duration {
    let doubling = 2u32.saturating_pow(attempt.saturating_sub(1).min(30));
    let delay = base.saturating_mul(doubling).min(cap);
    delay.mul_f64(1.0 + (jitter.clamp(-1.0, 1.0) * 0.2))
}

/// Where a failed attempt leaves the job: dead when no retry is wanted or none is
/// left, else failed until its next run time.
pub fn after_failure(
    job: &Job,
    failure: &JobFailure,
    now: Millis,
    base: Duration,
    cap: Duration,
    jitter: f64,
) -> (JobState, Millis) {
    if failure.retry == Retry::Never || job.attempts >= job.max_attempts {
        return (JobState::Dead, now);
    }
    let at = match failure.retry {
        Retry::At(at) => at.max(now),
        _ => {
            let delay = backoff(base, cap, job.attempts, jitter);
            now.saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX))
        }
    };
    (JobState::Failed, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(attempts: u32, max_attempts: u32) -> Job {
        Job {
            id: 1,
            kind: "test".into(),
            clinic: None,
            payload: serde_json::json!({}),
            state: JobState::Running,
            attempts,
            max_attempts,
            run_at: 0,
            dedup_key: None,
            claimed_by: Some("w".into()),
            heartbeat_at: Some(0),
            last_error: None,
            created_at: 0,
            updated_at: 0,
            finished_at: None,
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let base = Duration::from_secs(5);
        let cap = Duration::from_secs(60);
        let delays: Vec<u64> = (1..=6)
            .map(|n| backoff(base, cap, n, 0.0).as_secs())
            .collect();
        assert_eq!(delays, vec![5, 10, 20, 40, 60, 60]);
        assert_eq!(backoff(base, cap, 100, 0.0), cap, "no overflow far out");
        let low = backoff(base, cap, 2, -1.0).as_millis();
        let high = backoff(base, cap, 2, 1.0).as_millis();
        assert_eq!((low, high), (8_000, 12_000));
    }

    #[test]
    fn a_failure_retries_until_attempts_run_out_or_it_is_permanent() {
        let (base, cap) = (Duration::from_secs(1), Duration::from_secs(10));
        let retry = JobFailure::retry("receiver said 500");
        assert_eq!(
            after_failure(&job(1, 3), &retry, 1_000, base, cap, 0.0),
            (JobState::Failed, 2_000)
        );
        assert_eq!(
            after_failure(&job(2, 3), &retry, 1_000, base, cap, 0.0),
            (JobState::Failed, 3_000)
        );
        assert_eq!(
            after_failure(&job(3, 3), &retry, 1_000, base, cap, 0.0).0,
            JobState::Dead
        );
        let corrupt = JobFailure::permanent("not an image");
        assert_eq!(
            after_failure(&job(1, 3), &corrupt, 1_000, base, cap, 0.0).0,
            JobState::Dead
        );
        let later = JobFailure {
            message: "retry-after".into(),
            retry: Retry::At(50_000),
        };
        assert_eq!(
            after_failure(&job(1, 3), &later, 1_000, base, cap, 0.0),
            (JobState::Failed, 50_000)
        );
    }

    #[test]
    fn states_round_trip_and_unknown_ones_are_refused() {
        for state in JobState::ALL {
            assert_eq!(JobState::parse(state.as_str()).ok(), Some(state));
        }
        assert!(JobState::parse("exploded").is_err());
        assert!(JobState::Dead.retryable() && JobState::Failed.retryable());
        assert!(!JobState::Running.retryable() && !JobState::Done.retryable());
    }
}
