//! Webhooks out and Calendly in.
//!
//! - [`events`]: the event types and how they are derived from documents (pure).
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
pub mod events;
pub mod projector;
pub mod sign;
pub mod target;

pub use deliver::WebhookOptions;

use std::sync::Arc;

use dermis_model::now_millis;
use dermis_sync::driver::error_chain;

use crate::server::Hub;
use crate::store::HubStore;

/// The projector loop of one hub instance: a pass every
/// [`WebhookOptions::projector_interval`], until the hub shuts down. Passes of
/// several instances may overlap; see [`projector`] for why that is safe.
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
    }
}
