//! The embedded store's [`JobStore`]. Every claim and state change is one statement or
//! one `BEGIN IMMEDIATE` transaction, so a second process on the same file (or the
//! command line) never sees a job claimed twice.

use dermis_model::{ClinicId, Millis};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::{SqliteStore, lite, parse_uuid};
use crate::store::StoreError;
use crate::store::jobs::{Job, JobCounts, JobId, JobState, JobStore, NewJob};

const COLUMNS: &str = "id, kind, clinic_id, payload, state, attempts, max_attempts, run_at,
    dedup_key, claimed_by, heartbeat_at, last_error, created_at, updated_at, finished_at";

const LIVE: &str = "state IN ('pending', 'running', 'failed')";

type RawJob = (
    i64,
    String,
    Option<String>,
    String,
    String,
    i64,
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    i64,
    i64,
    Option<i64>,
);

fn raw(r: &Row<'_>) -> rusqlite::Result<RawJob> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
        r.get(12)?,
        r.get(13)?,
        r.get(14)?,
    ))
}

fn job_of(raw: RawJob) -> Result<Job, StoreError> {
    let (id, kind, clinic, payload, state, attempts, max_attempts, run_at, dedup_key) = (
        raw.0, raw.1, raw.2, raw.3, raw.4, raw.5, raw.6, raw.7, raw.8,
    );
    Ok(Job {
        id,
        kind,
        clinic: clinic
            .map(|c| parse_uuid("jobs.clinic_id", &c).map(ClinicId::from_uuid))
            .transpose()?,
        payload: serde_json::from_str(&payload).map_err(|_| StoreError::BadRow {
            what: "jobs.payload",
            value: payload.chars().take(40).collect(),
        })?,
        state: JobState::parse(&state)?,
        attempts: u32::try_from(attempts).unwrap_or(0),
        max_attempts: u32::try_from(max_attempts).unwrap_or(1),
        run_at,
        dedup_key,
        claimed_by: raw.9,
        heartbeat_at: raw.10,
        last_error: raw.11,
        created_at: raw.12,
        updated_at: raw.13,
        finished_at: raw.14,
    })
}

fn read_job(conn: &Connection, id: JobId) -> Result<Option<Job>, StoreError> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM jobs WHERE id = ?1"),
        [id],
        raw,
    )
    .optional()
    .map_err(lite("read job"))?
    .map(job_of)
    .transpose()
}

/// Queues `job` in the transaction `conn` is in (a job that must exist if and only if
/// that transaction commits); a live job with the same dedup key is returned instead.
pub(super) fn insert_job(
    conn: &Connection,
    job: &NewJob,
    now: Millis,
) -> Result<JobId, StoreError> {
    let inserted: Option<i64> = conn
        .query_row(
            &format!(
                "INSERT INTO jobs (kind, clinic_id, payload, state, max_attempts, run_at,
                                   dedup_key, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?6, ?7, ?7)
                 ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL AND {LIVE}
                 DO NOTHING
                 RETURNING id"
            ),
            params![
                job.kind,
                job.clinic.map(|c| c.to_string()),
                job.payload.to_string(),
                i64::from(job.max_attempts.max(1)),
                job.run_at,
                job.dedup_key,
                now
            ],
            |r| r.get(0),
        )
        .optional()
        .map_err(lite("insert job"))?;
    match inserted {
        Some(id) => Ok(id),
        None => conn
            .query_row(
                &format!("SELECT id FROM jobs WHERE dedup_key = ?1 AND {LIVE}"),
                [&job.dedup_key],
                |r| r.get(0),
            )
            .map_err(lite("find queued job")),
    }
}

impl JobStore for SqliteStore {
    async fn enqueue_job(&self, job: &NewJob, now: Millis) -> Result<JobId, StoreError> {
        let job = job.clone();
        self.call(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(lite("begin"))?;
            let id = insert_job(&tx, &job, now)?;
            tx.commit().map_err(lite("commit"))?;
            Ok(id)
        })
        .await
    }

    async fn claim_job(&self, worker: &str, now: Millis) -> Result<Option<Job>, StoreError> {
        let worker = worker.to_owned();
        self.call(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(lite("begin"))?;
            let due: Option<i64> = tx
                .query_row(
                    "SELECT id FROM jobs
                     WHERE state IN ('pending', 'failed') AND run_at <= ?1
                     ORDER BY run_at, id LIMIT 1",
                    [now],
                    |r| r.get(0),
                )
                .optional()
                .map_err(lite("find due job"))?;
            let Some(id) = due else {
                return Ok(None);
            };
            tx.execute(
                "UPDATE jobs SET state = 'running', attempts = attempts + 1, claimed_by = ?2,
                        heartbeat_at = ?3, updated_at = ?3
                 WHERE id = ?1",
                params![id, worker, now],
            )
            .map_err(lite("claim job"))?;
            let job = read_job(&tx, id)?;
            tx.commit().map_err(lite("commit"))?;
            Ok(job)
        })
        .await
    }

    async fn heartbeat_job(
        &self,
        id: JobId,
        worker: &str,
        now: Millis,
    ) -> Result<bool, StoreError> {
        let worker = worker.to_owned();
        self.call(move |conn| {
            let n = conn
                .execute(
                    "UPDATE jobs SET heartbeat_at = ?3
                     WHERE id = ?1 AND claimed_by = ?2 AND state = 'running'",
                    params![id, worker, now],
                )
                .map_err(lite("job heartbeat"))?;
            Ok(n == 1)
        })
        .await
    }

    async fn finish_job(
        &self,
        id: JobId,
        worker: &str,
        outcome: Result<(), (JobState, Millis, String)>,
        now: Millis,
    ) -> Result<bool, StoreError> {
        let worker = worker.to_owned();
        let (state, run_at, error) = match outcome {
            Ok(()) => (JobState::Done, now, None),
            Err((state, at, message)) => (state, at, Some(message)),
        };
        let finished = matches!(state, JobState::Done | JobState::Dead).then_some(now);
        self.call(move |conn| {
            let n = conn
                .execute(
                    "UPDATE jobs SET state = ?3, run_at = ?4, last_error = COALESCE(?5, last_error),
                            claimed_by = NULL, heartbeat_at = NULL, updated_at = ?6,
                            finished_at = ?7
                     WHERE id = ?1 AND claimed_by = ?2 AND state = 'running'",
                    params![id, worker, state.as_str(), run_at, error, now, finished],
                )
                .map_err(lite("finish job"))?;
            Ok(n == 1)
        })
        .await
    }

    async fn release_job(&self, id: JobId, worker: &str, now: Millis) -> Result<bool, StoreError> {
        let worker = worker.to_owned();
        self.call(move |conn| {
            let n = conn
                .execute(
                    "UPDATE jobs SET state = CASE WHEN attempts > 1 THEN 'failed' ELSE 'pending' END,
                            attempts = attempts - 1, claimed_by = NULL, heartbeat_at = NULL,
                            run_at = ?3, updated_at = ?3
                     WHERE id = ?1 AND claimed_by = ?2 AND state = 'running'",
                    params![id, worker, now],
                )
                .map_err(lite("release job"))?;
            Ok(n == 1)
        })
        .await
    }

    async fn reset_stale_jobs(
        &self,
        stale_before: Millis,
        now: Millis,
        own_instance: Option<&str>,
    ) -> Result<Vec<JobId>, StoreError> {
        let own = own_instance.map(|i| format!("{i}/"));
        self.call(move |conn| {
            let mut stmt = conn
                .prepare(
                    "UPDATE jobs SET
                        state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'failed' END,
                        finished_at = CASE WHEN attempts >= max_attempts THEN ?2 END,
                        last_error = 'the hub instance running it stopped (no heartbeat)',
                        claimed_by = NULL, heartbeat_at = NULL, run_at = ?2, updated_at = ?2
                     WHERE state = 'running' AND heartbeat_at < ?1
                       AND (?3 IS NULL OR substr(claimed_by, 1, length(?3)) IS NOT ?3)
                     RETURNING id",
                )
                .map_err(lite("reset stale jobs"))?;
            let ids = stmt
                .query_map(params![stale_before, now, own], |r| r.get(0))
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<i64>>>())
                .map_err(lite("reset stale jobs"))?;
            Ok(ids)
        })
        .await
    }

    async fn retry_job(&self, id: JobId, now: Millis) -> Result<bool, StoreError> {
        self.call(move |conn| {
            let n = conn
                .execute(
                    &format!(
                        "UPDATE jobs SET state = 'pending', attempts = 0, run_at = ?2,
                                updated_at = ?2, finished_at = NULL
                         WHERE id = ?1 AND state IN ('failed', 'dead')
                           AND NOT EXISTS (SELECT 1 FROM jobs other
                                           WHERE other.dedup_key = jobs.dedup_key
                                             AND other.id <> jobs.id AND other.{LIVE})"
                    ),
                    params![id, now],
                )
                .map_err(lite("retry job"))?;
            Ok(n == 1)
        })
        .await
    }

    async fn job(&self, id: JobId) -> Result<Option<Job>, StoreError> {
        self.call(move |conn| read_job(conn, id)).await
    }

    async fn list_jobs(&self, states: &[JobState], limit: u32) -> Result<Vec<Job>, StoreError> {
        let states: Vec<JobState> = if states.is_empty() {
            JobState::ALL.to_vec()
        } else {
            states.to_vec()
        };
        self.call(move |conn| {
            let list = states
                .iter()
                .map(|s| format!("'{}'", s.as_str()))
                .collect::<Vec<_>>()
                .join(", ");
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT {COLUMNS} FROM jobs WHERE state IN ({list})
                     ORDER BY updated_at DESC, id DESC LIMIT ?1"
                ))
                .map_err(lite("list jobs"))?;
            let rows = stmt
                .query_map([i64::from(limit)], raw)
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(lite("list jobs"))?;
            rows.into_iter().map(job_of).collect()
        })
        .await
    }

    async fn job_counts(&self) -> Result<JobCounts, StoreError> {
        self.call(|conn| {
            let mut stmt = conn
                .prepare("SELECT state, count(*) FROM jobs GROUP BY state")
                .map_err(lite("count jobs"))?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(lite("count jobs"))?;
            let mut counts = JobCounts::default();
            for (state, n) in rows {
                counts.add(JobState::parse(&state)?, u64::try_from(n).unwrap_or(0));
            }
            Ok(counts)
        })
        .await
    }

    async fn prune_jobs(&self, before: Millis) -> Result<u64, StoreError> {
        self.call(move |conn| {
            let n = conn
                .execute(
                    "DELETE FROM jobs WHERE state = 'done' AND finished_at < ?1",
                    [before],
                )
                .map_err(lite("prune jobs"))?;
            Ok(n as u64)
        })
        .await
    }
}
