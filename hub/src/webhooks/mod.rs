//! Webhooks out and Calendly in.
//!
//! - [`events`]: the event types and how they are derived from documents (pure; kept
//!   in [`crate::readmodel`] beside the other derivations, re-exported here).
//! - [`staff`]: `staff.changed`, from the clinic document's history (likewise).
//! - [`projector`]: follows every clinic's change log and stores what it derives.
//! - [`deliver`]: one signed delivery attempt ([`sign`]) to a checked address
//!   ([`target`]), retried by the job queue until delivered or 24 h have passed.
//! - [`calendly`]: the Calendly signature and payload.
//!
//! The background task [`run`] (started by `server::serve`) runs the projector and
//! enqueues a `webhook` job per new delivery; [`delivery_job`] is that job.
//! docs/WEBHOOKS.md describes all of it for the people on the receiving end.

pub mod calendly;
pub mod deliver;
pub mod projector;
pub mod sign;
pub mod target;

pub use crate::readmodel::{events, staff};
pub use deliver::WebhookOptions;

use std::sync::Arc;

use dermis_model::now_millis;
use dermis_sync::driver::error_chain;

use crate::jobs::{self, Job, JobFailure, NewJob, Retry};
use crate::state::Hub;
use crate::store::{HubStore, StoreError};
use deliver::{Mode, Step};

/// The job kind of a delivery attempt.
pub const JOB_KIND: &str = "webhook";
/// The queue's own limit on a delivery's attempts; the 24 h window ends it first.
const MAX_ATTEMPTS: u32 = 100;
/// Deliveries enqueued per pass.
const ENQUEUE_BATCH: u32 = 200;

/// The `webhook` job: one attempt at the delivery its payload names
/// (`{"delivery": <id>}`). Failed attempts come back at the time the delivery's own
/// backoff chose; a delivery past its 24 h (or whose webhook was removed, or whose
/// address is refused) ends the job as dead.
pub async fn delivery_job<S: HubStore>(hub: &Arc<Hub<S>>, job: &Job) -> Result<(), JobFailure> {
    let Some(id) = job
        .payload
        .get("delivery")
        .and_then(serde_json::Value::as_i64)
    else {
        return Err(JobFailure::permanent("a webhook job without a delivery id"));
    };
    // A delivery's job runs again after its first attempt only when an admin retried it
    // from /admin/jobs (each delivery is enqueued once, and retries are this job's own):
    // that is a request to try a dead delivery once more.
    let mode = if job.attempts <= 1 {
        Mode::Revive
    } else {
        Mode::Normal
    };
    let step = deliver::attempt(
        &hub.store,
        &hub.options.webhooks,
        &hub.metrics,
        id,
        mode,
        now_millis,
    )
    .await
    .map_err(|e| JobFailure::retry(format!("store: {}", error_chain(&e))))?;
    match step {
        Step::Done => Ok(()),
        Step::RetryAt { at, reason } => Err(JobFailure {
            message: reason,
            retry: Retry::At(at),
        }),
        Step::Dead { reason } => Err(JobFailure::permanent(reason)),
    }
}

/// Enqueues a `webhook` job for every delivery that has none yet (dedup by delivery,
/// so a crash between the two writes costs nothing but a repeat here).
pub async fn enqueue_deliveries<S: HubStore>(hub: &Hub<S>) -> Result<usize, StoreError> {
    let mut total = 0;
    loop {
        let ids = hub.store.unenqueued_deliveries(ENQUEUE_BATCH).await?;
        if ids.is_empty() {
            return Ok(total);
        }
        for id in &ids {
            let job = NewJob::now(JOB_KIND, None, serde_json::json!({ "delivery": id }))
                .dedup(format!("webhook:{id}"))
                .attempts(MAX_ATTEMPTS);
            jobs::enqueue(hub, job).await?;
        }
        hub.store.mark_enqueued(&ids).await?;
        total += ids.len();
    }
}

/// The projector loop of one hub instance: a pass every
/// [`WebhookOptions::projector_interval`], then the new deliveries' jobs, until the hub
/// shuts down. Passes of several instances may overlap; see [`projector`] for why that
/// is safe.
pub async fn run<S: HubStore>(hub: Arc<Hub<S>>) {
    let mut tick = tokio::time::interval(hub.options.webhooks.projector_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut shutdown = hub.shutdown.clone();
    loop {
        tokio::select! {
            _ = async { shutdown.wait_for(|stop| *stop).await.map(|_| ()) } => return,
            _ = tick.tick() => {}
        }
        match projector::project_all(&hub.store, &now_millis).await {
            Ok(pass) if pass.docs > 0 => tracing::debug!(
                docs = pass.docs,
                events = pass.new_events,
                deliveries = pass.new_deliveries.len(),
                "projector pass"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %error_chain(&e), "projector pass failed"),
        }
        if let Err(e) = enqueue_deliveries(&hub).await {
            tracing::warn!(error = %error_chain(&e), "cannot enqueue webhook deliveries");
        }
    }
}
