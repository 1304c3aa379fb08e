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
//! Each kind of job is one arm of `crate::server::job_kinds::run_job`, calling its own
//! module.

mod worker;

pub use crate::store::jobs::{
    DEFAULT_MAX_ATTEMPTS, Job, JobCounts, JobId, JobState, JobStore, NewJob,
};
pub use worker::{JobOptions, Runner, Workers};

use std::time::Duration;

use dermis_model::Millis;

use crate::state::Hub;
use crate::store::{HubStore, StoreError};

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
