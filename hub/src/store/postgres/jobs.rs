//! The Postgres store's [`JobStore`]: claims with `FOR UPDATE SKIP LOCKED`, so any
//! number of hub instances share one queue without running a job twice, and
//! `NOTIFY dermis_jobs` on every enqueue.

use dermis_model::{ClinicId, Millis};
use sqlx::Row;
use sqlx::postgres::PgRow;

use super::{PgStore, ms, pg, ts};
use crate::store::StoreError;
use crate::store::jobs::{Job, JobCounts, JobId, JobState, JobStore, NewJob};

/// Channel of newly queued jobs (no payload).
pub const JOBS_CHANNEL: &str = "dermis_jobs";

macro_rules! columns {
    () => {
        "id, kind, clinic_id, payload::text, state, attempts, max_attempts, run_at, dedup_key,
         claimed_by, heartbeat_at, last_error, created_at, updated_at, finished_at"
    };
}

/// The states in which a job holds its dedup key.
macro_rules! live {
    () => {
        "state IN ('pending', 'running', 'failed')"
    };
}

fn job_row(row: &PgRow) -> Result<Job, StoreError> {
    let read = || -> Result<_, sqlx::Error> {
        Ok((
            row.try_get::<i64, _>(0)?,
            row.try_get::<String, _>(1)?,
            row.try_get::<Option<uuid::Uuid>, _>(2)?,
            row.try_get::<String, _>(3)?,
            row.try_get::<String, _>(4)?,
            row.try_get::<i32, _>(5)?,
            row.try_get::<i32, _>(6)?,
            row.try_get::<time::OffsetDateTime, _>(7)?,
        ))
    };
    let (id, kind, clinic, payload, state, attempts, max_attempts, run_at) =
        read().map_err(pg("read job"))?;
    let rest = || -> Result<_, sqlx::Error> {
        Ok((
            row.try_get::<Option<String>, _>(8)?,
            row.try_get::<Option<String>, _>(9)?,
            row.try_get::<Option<time::OffsetDateTime>, _>(10)?,
            row.try_get::<Option<String>, _>(11)?,
            row.try_get::<time::OffsetDateTime, _>(12)?,
            row.try_get::<time::OffsetDateTime, _>(13)?,
            row.try_get::<Option<time::OffsetDateTime>, _>(14)?,
        ))
    };
    let (dedup_key, claimed_by, heartbeat_at, last_error, created_at, updated_at, finished_at) =
        rest().map_err(pg("read job"))?;
    Ok(Job {
        id,
        kind,
        clinic: clinic.map(ClinicId::from_uuid),
        payload: serde_json::from_str(&payload).map_err(|_| StoreError::BadRow {
            what: "jobs.payload",
            value: payload.chars().take(40).collect(),
        })?,
        state: JobState::parse(&state)?,
        attempts: u32::try_from(attempts).unwrap_or(0),
        max_attempts: u32::try_from(max_attempts).unwrap_or(1),
        run_at: ms(run_at),
        dedup_key,
        claimed_by,
        heartbeat_at: heartbeat_at.map(ms),
        last_error,
        created_at: ms(created_at),
        updated_at: ms(updated_at),
        finished_at: finished_at.map(ms),
    })
}

fn count(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Queues `job` in the transaction `conn` is in (a job that must exist if and only if
/// that transaction commits; workers are notified at the commit); a live job with the
/// same dedup key is returned instead.
pub(super) async fn insert_job(
    conn: &mut sqlx::PgConnection,
    job: &NewJob,
    now: Millis,
) -> Result<JobId, StoreError> {
    let inserted: Option<i64> = sqlx::query_scalar(concat!(
        "INSERT INTO jobs (kind, clinic_id, payload, state, max_attempts, run_at, dedup_key,
                           created_at, updated_at)
         VALUES ($1, $2, $3::jsonb, 'pending', $4, $5, $6, $7, $7)
         ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL AND ",
        live!(),
        " DO NOTHING
         RETURNING id"
    ))
    .bind(job.kind)
    .bind(job.clinic.map(|c| c.0))
    .bind(job.payload.to_string())
    .bind(count(job.max_attempts.max(1)))
    .bind(ts(job.run_at))
    .bind(&job.dedup_key)
    .bind(ts(now))
    .fetch_optional(&mut *conn)
    .await
    .map_err(pg("insert job"))?;
    match inserted {
        Some(id) => {
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(JOBS_CHANNEL)
                .execute(&mut *conn)
                .await
                .map_err(pg("notify jobs"))?;
            Ok(id)
        }
        None => sqlx::query_scalar(concat!(
            "SELECT id FROM jobs WHERE dedup_key = $1 AND ",
            live!()
        ))
        .bind(&job.dedup_key)
        .fetch_one(&mut *conn)
        .await
        .map_err(pg("find queued job")),
    }
}

impl JobStore for PgStore {
    async fn enqueue_job(&self, job: &NewJob, now: Millis) -> Result<JobId, StoreError> {
        let mut tx = self.pool().begin().await.map_err(pg("begin"))?;
        let id = insert_job(&mut tx, job, now).await?;
        tx.commit().await.map_err(pg("commit"))?;
        Ok(id)
    }

    async fn claim_job(&self, worker: &str, now: Millis) -> Result<Option<Job>, StoreError> {
        let row = sqlx::query(concat!(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, claimed_by = $1,
                    heartbeat_at = $2, updated_at = $2
             WHERE id = (SELECT id FROM jobs
                         WHERE state IN ('pending', 'failed') AND run_at <= $2
                         ORDER BY run_at, id LIMIT 1
                         FOR UPDATE SKIP LOCKED)
             RETURNING ",
            columns!()
        ))
        .bind(worker)
        .bind(ts(now))
        .fetch_optional(self.pool())
        .await
        .map_err(pg("claim job"))?;
        row.as_ref().map(job_row).transpose()
    }

    async fn heartbeat_job(
        &self,
        id: JobId,
        worker: &str,
        now: Millis,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs SET heartbeat_at = $3
             WHERE id = $1 AND claimed_by = $2 AND state = 'running'",
        )
        .bind(id)
        .bind(worker)
        .bind(ts(now))
        .execute(self.pool())
        .await
        .map_err(pg("job heartbeat"))?;
        Ok(done.rows_affected() == 1)
    }

    async fn finish_job(
        &self,
        id: JobId,
        worker: &str,
        outcome: Result<(), (JobState, Millis, String)>,
        now: Millis,
    ) -> Result<bool, StoreError> {
        let (state, run_at, error) = match outcome {
            Ok(()) => (JobState::Done, now, None),
            Err((state, at, message)) => (state, at, Some(message)),
        };
        let finished = matches!(state, JobState::Done | JobState::Dead).then(|| ts(now));
        let done = sqlx::query(
            "UPDATE jobs SET state = $3, run_at = $4, last_error = COALESCE($5, last_error),
                    claimed_by = NULL, heartbeat_at = NULL, updated_at = $6, finished_at = $7
             WHERE id = $1 AND claimed_by = $2 AND state = 'running'",
        )
        .bind(id)
        .bind(worker)
        .bind(state.as_str())
        .bind(ts(run_at))
        .bind(error)
        .bind(ts(now))
        .bind(finished)
        .execute(self.pool())
        .await
        .map_err(pg("finish job"))?;
        Ok(done.rows_affected() == 1)
    }

    async fn release_job(&self, id: JobId, worker: &str, now: Millis) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs SET state = CASE WHEN attempts > 1 THEN 'failed' ELSE 'pending' END,
                    attempts = attempts - 1, claimed_by = NULL, heartbeat_at = NULL,
                    run_at = $3, updated_at = $3
             WHERE id = $1 AND claimed_by = $2 AND state = 'running'",
        )
        .bind(id)
        .bind(worker)
        .bind(ts(now))
        .execute(self.pool())
        .await
        .map_err(pg("release job"))?;
        Ok(done.rows_affected() == 1)
    }

    async fn reset_stale_jobs(
        &self,
        stale_before: Millis,
        now: Millis,
        own_instance: Option<&str>,
    ) -> Result<Vec<JobId>, StoreError> {
        let own = own_instance.map(|i| format!("{i}/"));
        sqlx::query_scalar(
            "UPDATE jobs SET
                    state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'failed' END,
                    finished_at = CASE WHEN attempts >= max_attempts THEN $2 END,
                    last_error = 'the hub instance running it stopped (no heartbeat)',
                    claimed_by = NULL, heartbeat_at = NULL, run_at = $2, updated_at = $2
             WHERE state = 'running' AND heartbeat_at < $1
               AND ($3::text IS NULL OR NOT starts_with(claimed_by, $3::text))
             RETURNING id",
        )
        .bind(ts(stale_before))
        .bind(ts(now))
        .bind(own)
        .fetch_all(self.pool())
        .await
        .map_err(pg("reset stale jobs"))
    }

    async fn retry_job(&self, id: JobId, now: Millis) -> Result<bool, StoreError> {
        let done = sqlx::query(concat!(
            "UPDATE jobs SET state = 'pending', attempts = 0, run_at = $2, updated_at = $2,
                    finished_at = NULL
             WHERE id = $1 AND state IN ('failed', 'dead')
               AND NOT EXISTS (SELECT 1 FROM jobs other
                               WHERE other.dedup_key = jobs.dedup_key AND other.id <> jobs.id
                                 AND other.",
            live!(),
            ")"
        ))
        .bind(id)
        .bind(ts(now))
        .execute(self.pool())
        .await
        .map_err(pg("retry job"))?;
        if done.rows_affected() == 1 {
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(JOBS_CHANNEL)
                .execute(self.pool())
                .await
                .map_err(pg("notify jobs"))?;
        }
        Ok(done.rows_affected() == 1)
    }

    async fn job(&self, id: JobId) -> Result<Option<Job>, StoreError> {
        let row = sqlx::query(concat!("SELECT ", columns!(), " FROM jobs WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(pg("read job"))?;
        row.as_ref().map(job_row).transpose()
    }

    async fn list_jobs(&self, states: &[JobState], limit: u32) -> Result<Vec<Job>, StoreError> {
        let states: Vec<&str> = if states.is_empty() {
            JobState::ALL.iter().map(|s| s.as_str()).collect()
        } else {
            states.iter().map(|s| s.as_str()).collect()
        };
        let rows = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM jobs WHERE state = ANY($1)
             ORDER BY updated_at DESC, id DESC LIMIT $2"
        ))
        .bind(states)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await
        .map_err(pg("list jobs"))?;
        rows.iter().map(job_row).collect()
    }

    async fn job_counts(&self) -> Result<JobCounts, StoreError> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT state, count(*) FROM jobs GROUP BY state")
                .fetch_all(self.pool())
                .await
                .map_err(pg("count jobs"))?;
        let mut counts = JobCounts::default();
        for (state, n) in rows {
            counts.add(JobState::parse(&state)?, u64::try_from(n).unwrap_or(0));
        }
        Ok(counts)
    }

    async fn prune_jobs(&self, before: Millis) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM jobs WHERE state = 'done' AND finished_at < $1")
            .bind(ts(before))
            .execute(self.pool())
            .await
            .map_err(pg("prune jobs"))?;
        Ok(done.rows_affected())
    }
}
