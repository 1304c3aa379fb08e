//! The job queue's rows and their storage ([`JobStore`], implemented by both stores).
//! Running the queue — workers, retries, the reaper — is [`crate::jobs`]'s, which
//! re-exports these.

use std::future::Future;

use dermis_model::{ClinicId, Millis};
use serde::Serialize;

use super::StoreError;

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
    /// Which arm of `crate::server::job_kinds::run_job` runs it: `thumbnail`, `webhook`, `erasure`, `fhir_export`,
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
