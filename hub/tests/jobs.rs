#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The job queue on both stores: claims, retries with backoff, dead jobs, dedup keys,
//! admin retries, two sets of workers never running one job twice, and a job whose
//! workers die mid-run finishing after its claim goes stale.

#[allow(dead_code)]
mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Fixture, WITHIN};
use dermis_hub::jobs::{
    Job, JobFailure, JobOptions, JobState, JobStore, NewJob, Runner, Workers, after_failure,
};
use dermis_hub::store::HubStore;
use dermis_model::now_millis;
use tokio::sync::{Notify, watch};

fn new_job(payload: serde_json::Value) -> NewJob {
    NewJob {
        kind: "test",
        clinic: None,
        payload,
        max_attempts: 3,
        // Due whatever time a test claims at: a test that took `now` before building
        // the job must still find it due when the clock ticked in between.
        run_at: 0,
        dedup_key: None,
    }
}

fn fast_options(instance: &str) -> JobOptions {
    JobOptions {
        workers: 2,
        poll: Duration::from_millis(50),
        heartbeat: Duration::from_millis(100),
        stale_after: Duration::from_millis(600),
        backoff_base: Duration::from_millis(50),
        backoff_cap: Duration::from_millis(200),
        keep_done: Duration::from_secs(3600),
        instance: instance.into(),
    }
}

/// What the runner saw: how many times each job started, and by which instance.
#[derive(Clone, Default)]
struct Log {
    runs: Arc<Mutex<HashMap<i64, Vec<String>>>>,
}

impl Log {
    fn record(&self, id: i64, who: &str) -> usize {
        let mut runs = self.runs.lock().unwrap();
        let entry = runs.entry(id).or_default();
        entry.push(who.to_owned());
        entry.len()
    }

    fn runs_of(&self, id: i64) -> usize {
        self.runs.lock().unwrap().get(&id).map_or(0, Vec::len)
    }
}

/// A runner that does what the payload says: `{"fail_times": n}` fails the first n
/// attempts, `{"corrupt": true}` fails for good, `{"block": true}` never finishes until
/// the process (the workers) goes away, `{"slow_ms": n}` takes that long.
fn runner(log: Log, who: &'static str, blocked: Arc<Notify>) -> Runner {
    Arc::new(move |job: Job| {
        let log = log.clone();
        let blocked = blocked.clone();
        Box::pin(async move {
            let n = log.record(job.id, who);
            let p = &job.payload;
            if p.get("corrupt").is_some() {
                return Err(JobFailure::permanent("not an image"));
            }
            if let Some(times) = p.get("fail_times").and_then(|v| v.as_u64())
                && (n as u64) <= times
            {
                return Err(JobFailure::retry(format!("receiver said 500 (try {n})")));
            }
            if p.get("block").is_some() && who == "first" {
                blocked.notify_one();
                std::future::pending::<()>().await;
            }
            if let Some(ms) = p.get("slow_ms").and_then(|v| v.as_u64()) {
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
            Ok(())
        })
    })
}

fn workers<S: HubStore>(
    store: &S,
    options: JobOptions,
    log: &Log,
    who: &'static str,
    blocked: &Arc<Notify>,
) -> (Workers, watch::Sender<u64>) {
    let (wake, woken) = watch::channel(0);
    let w = Workers::spawn(
        store.clone(),
        options,
        woken,
        runner(log.clone(), who, blocked.clone()),
        None,
    );
    (w, wake)
}

async fn wait_state<S: JobStore>(store: &S, id: i64, want: JobState) -> Job {
    let deadline = tokio::time::Instant::now() + WITHIN;
    loop {
        let job = store.job(id).await.unwrap().expect("the job exists");
        if job.state == want {
            return job;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "job {id} stayed {:?} (wanted {want:?}): {job:?}",
            job.state
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn claims_dedup_and_outcomes<S: HubStore>(f: Fixture<S>) {
    let store = &f.store;
    let now = now_millis();
    let a = store
        .enqueue_job(&new_job(serde_json::json!({"n": 1})).dedup("k1"), now)
        .await
        .unwrap();
    let again = store
        .enqueue_job(&new_job(serde_json::json!({"n": 2})).dedup("k1"), now)
        .await
        .unwrap();
    assert_eq!(a, again, "a live job with the same key is the same job");
    let future = store
        .enqueue_job(
            &NewJob {
                run_at: now + 60_000,
                ..new_job(serde_json::json!({}))
            },
            now,
        )
        .await
        .unwrap();

    let job = store
        .claim_job("w1", now)
        .await
        .unwrap()
        .expect("a due job");
    assert_eq!((job.id, job.state, job.attempts), (a, JobState::Running, 1));
    assert_eq!(
        job.payload,
        serde_json::json!({"n": 1}),
        "the first payload"
    );
    assert!(
        store.claim_job("w2", now).await.unwrap().is_none(),
        "the other job is not due yet"
    );
    assert!(store.heartbeat_job(a, "w1", now + 10).await.unwrap());
    assert!(
        !store.heartbeat_job(a, "w2", now + 10).await.unwrap(),
        "only the claimant refreshes"
    );
    assert!(
        !store.finish_job(a, "w2", Ok(()), now + 20).await.unwrap(),
        "only the claimant finishes"
    );
    assert!(store.finish_job(a, "w1", Ok(()), now + 20).await.unwrap());
    let done = store.job(a).await.unwrap().unwrap();
    assert_eq!(done.state, JobState::Done);
    assert_eq!(done.finished_at, Some(now + 20));

    let b = store
        .enqueue_job(&new_job(serde_json::json!({})).dedup("k1"), now)
        .await
        .unwrap();
    assert_ne!(a, b, "a done job frees its key");

    let counts = store.job_counts().await.unwrap();
    assert_eq!((counts.pending, counts.done), (2, 1));
    let listed = store.list_jobs(&[JobState::Pending], 10).await.unwrap();
    let mut ids: Vec<i64> = listed.iter().map(|j| j.id).collect();
    ids.sort_unstable();
    assert_eq!(ids, vec![future, b]);
    assert_eq!(store.prune_jobs(now + 21).await.unwrap(), 1);
    assert!(store.job(a).await.unwrap().is_none(), "pruned");
}

async fn failures_back_off_then_die_and_an_admin_retry_revives<S: HubStore>(f: Fixture<S>) {
    let store = &f.store;
    let (log, blocked) = (Log::default(), Arc::new(Notify::new()));
    let flaky = store
        .enqueue_job(&new_job(serde_json::json!({"fail_times": 1})), now_millis())
        .await
        .unwrap();
    let hopeless = store
        .enqueue_job(
            &new_job(serde_json::json!({"fail_times": 99})),
            now_millis(),
        )
        .await
        .unwrap();
    let corrupt = store
        .enqueue_job(&new_job(serde_json::json!({"corrupt": true})), now_millis())
        .await
        .unwrap();
    let (w, _wake) = workers(store, fast_options("one"), &log, "first", &blocked);

    let flaky_job = wait_state(store, flaky, JobState::Done).await;
    assert_eq!(flaky_job.attempts, 2, "failed once, then succeeded");
    assert!(
        flaky_job
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("500"),
        "the failure stays visible: {flaky_job:?}"
    );
    let dead = wait_state(store, hopeless, JobState::Dead).await;
    assert_eq!(dead.attempts, 3, "tried max_attempts times");
    assert_eq!(log.runs_of(hopeless), 3);
    let corrupt_job = wait_state(store, corrupt, JobState::Dead).await;
    assert_eq!(
        corrupt_job.attempts, 1,
        "a permanent failure is not retried"
    );
    assert_eq!(corrupt_job.last_error.as_deref(), Some("not an image"));

    // Stopped first: a running worker would claim the revived job before it is read back.
    w.stop().await;
    assert!(
        !store.retry_job(flaky, now_millis()).await.unwrap(),
        "a done job is not retried"
    );
    assert!(store.retry_job(corrupt, now_millis()).await.unwrap());
    let revived = store.job(corrupt).await.unwrap().unwrap();
    assert_eq!((revived.state, revived.attempts), (JobState::Pending, 0));

    let (w, _wake) = workers(store, fast_options("two"), &log, "second", &blocked);
    let rerun = wait_state(store, corrupt, JobState::Dead).await;
    assert_eq!(
        rerun.attempts, 1,
        "the revived job ran again from a clean count"
    );
    assert_eq!(log.runs_of(corrupt), 2);
    w.stop().await;
}

async fn two_instances_never_run_one_job_twice<S: HubStore>(f: Fixture<S>) {
    let store = &f.store;
    let (log, blocked) = (Log::default(), Arc::new(Notify::new()));
    let mut ids = Vec::new();
    for n in 0..120 {
        let payload = serde_json::json!({"n": n, "slow_ms": n % 3});
        ids.push(
            store
                .enqueue_job(&new_job(payload), now_millis())
                .await
                .unwrap(),
        );
    }
    let mut a_opts = fast_options("a");
    a_opts.workers = 3;
    let mut b_opts = fast_options("b");
    b_opts.workers = 3;
    let (a, _wa) = workers(store, a_opts, &log, "first", &blocked);
    let (b, _wb) = workers(store, b_opts, &log, "second", &blocked);
    let deadline = tokio::time::Instant::now() + WITHIN * 2;
    while store.job_counts().await.unwrap().done < ids.len() as u64 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "jobs did not finish"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    a.stop().await;
    b.stop().await;
    let runs = log.runs.lock().unwrap();
    for id in &ids {
        assert_eq!(runs.get(id).map_or(0, Vec::len), 1, "job {id} ran once");
    }
    let by_first = runs.values().filter(|w| w[0] == "first").count();
    assert!(
        by_first > 0 && by_first < ids.len(),
        "both instances took jobs ({by_first} of {})",
        ids.len()
    );
}

async fn a_job_whose_workers_die_runs_again_after_its_claim_goes_stale<S: HubStore>(f: Fixture<S>) {
    let store = &f.store;
    let (log, blocked) = (Log::default(), Arc::new(Notify::new()));
    let id = store
        .enqueue_job(&new_job(serde_json::json!({"block": true})), now_millis())
        .await
        .unwrap();
    let (first, _w1) = workers(store, fast_options("first"), &log, "first", &blocked);
    tokio::time::timeout(WITHIN, blocked.notified())
        .await
        .expect("the first instance started the job");
    // The instance dies: its tasks end without recording anything.
    first.abort().await;
    let claimed = store.job(id).await.unwrap().unwrap();
    assert_eq!(claimed.state, JobState::Running, "the dead claim remains");

    let (second, _w2) = workers(store, fast_options("second"), &log, "second", &blocked);
    let job = wait_state(store, id, JobState::Done).await;
    second.stop().await;
    assert_eq!(job.attempts, 2, "the lost attempt counts");
    let runs = log.runs.lock().unwrap().get(&id).cloned().unwrap();
    assert_eq!(runs, vec!["first".to_owned(), "second".to_owned()]);
}

async fn a_long_job_keeps_its_claim_by_heartbeating<S: HubStore>(f: Fixture<S>) {
    let store = &f.store;
    let (log, blocked) = (Log::default(), Arc::new(Notify::new()));
    // Three times as long as a claim takes to go stale without heartbeats.
    let id = store
        .enqueue_job(&new_job(serde_json::json!({"slow_ms": 1800})), now_millis())
        .await
        .unwrap();
    let (a, _wa) = workers(store, fast_options("a"), &log, "first", &blocked);
    let (b, _wb) = workers(store, fast_options("b"), &log, "second", &blocked);
    let job = wait_state(store, id, JobState::Done).await;
    a.stop().await;
    b.stop().await;
    assert_eq!(job.attempts, 1);
    assert_eq!(log.runs_of(id), 1, "never handed to the other instance");
}

async fn stopping_hands_a_running_job_back_uncounted<S: HubStore>(f: Fixture<S>) {
    let store = &f.store;
    let (log, blocked) = (Log::default(), Arc::new(Notify::new()));
    let id = store
        .enqueue_job(&new_job(serde_json::json!({"block": true})), now_millis())
        .await
        .unwrap();
    let (w, _wake) = workers(store, fast_options("first"), &log, "first", &blocked);
    tokio::time::timeout(WITHIN, blocked.notified())
        .await
        .expect("started");
    w.stop().await;
    let job = store.job(id).await.unwrap().unwrap();
    assert_eq!((job.state, job.attempts), (JobState::Pending, 0));
    assert!(job.claimed_by.is_none());
}

on_both_stores!(
    claims_dedup_and_outcomes,
    failures_back_off_then_die_and_an_admin_retry_revives,
    two_instances_never_run_one_job_twice,
    a_job_whose_workers_die_runs_again_after_its_claim_goes_stale,
    a_long_job_keeps_its_claim_by_heartbeating,
    stopping_hands_a_running_job_back_uncounted,
);

#[test]
fn the_retry_schedule_is_exposed_for_the_kinds_that_need_it() {
    let job = Job {
        id: 1,
        kind: "test".into(),
        clinic: None,
        payload: serde_json::json!({}),
        state: JobState::Running,
        attempts: 1,
        max_attempts: 2,
        run_at: 0,
        dedup_key: None,
        claimed_by: None,
        heartbeat_at: None,
        last_error: None,
        created_at: 0,
        updated_at: 0,
        finished_at: None,
    };
    let (state, at) = after_failure(
        &job,
        &JobFailure::retry("x"),
        1_000,
        Duration::from_secs(1),
        Duration::from_secs(1),
        0.0,
    );
    assert_eq!((state, at), (JobState::Failed, 2_000));
}
