//! Housekeeping: deletes what the hub keeps only for a while. Today that is the
//! `sync_sessions` rows behind `/admin`'s "Recent sync sessions": every connection adds
//! one, so a busy fleet adds millions a year. Ended sessions older than
//! `HUB_SESSION_HISTORY_DAYS` go at start and then every
//! [`super::ServerOptions::housekeeping_interval`] (an hour), in statements of at most
//! [`super::ServerOptions::prune_batch`] rows, so a large backlog (a hub upgraded after
//! years) never holds one long lock over the table sessions write to. Open sessions are
//! never deleted. Several hub instances on one Postgres may all run it: the deletes are
//! idempotent.

use std::sync::Arc;
use std::time::Duration;

use dermis_model::{Millis, now_millis};
use dermis_sync::driver::error_chain;

use super::Hub;
pub use crate::state::PRUNE_BATCH;
use crate::store::{HubStore, StoreError};

/// Prunes at start and then every interval until the hub shuts down.
pub async fn run<S: HubStore>(hub: Arc<Hub<S>>) {
    let mut tick = tokio::time::interval(hub.options.housekeeping_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut shutdown = hub.shutdown.clone();
    loop {
        tokio::select! {
            _ = async { shutdown.wait_for(|stop| *stop).await.map(|_| ()) } => break,
            _ = tick.tick() => {
                let cutoff = cutoff(now_millis(), hub.options.session_history);
                match prune_sessions(&hub.store, cutoff, hub.options.prune_batch).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(sessions = n, "pruned old sync sessions"),
                    Err(e) => {
                        tracing::warn!(error = %error_chain(&e), "cannot prune old sync sessions");
                    }
                }
            }
        }
    }
}

/// The time before which ended sessions are deleted, `history` before `now` (never
/// before the epoch).
pub fn cutoff(now: Millis, history: Duration) -> Millis {
    let history = Millis::try_from(history.as_millis()).unwrap_or(Millis::MAX);
    now.saturating_sub(history).max(0)
}

/// Deletes every session that ended before `ended_before`, `batch` rows per statement
/// (at least one), yielding between statements; returns how many went.
pub async fn prune_sessions<S: HubStore>(
    store: &S,
    ended_before: Millis,
    batch: u32,
) -> Result<u64, StoreError> {
    let batch = batch.max(1);
    let mut total = 0;
    loop {
        let n = store.prune_sessions(ended_before, batch).await?;
        total += n;
        if n < u64::from(batch) {
            return Ok(total);
        }
        // Let sessions' own writes in between.
        tokio::task::yield_now().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cutoff_is_the_history_before_now_and_never_underflows() {
        let day = Duration::from_secs(86_400);
        assert_eq!(cutoff(10 * 86_400_000, day), 9 * 86_400_000);
        assert_eq!(cutoff(5, day), 0);
        assert_eq!(cutoff(5, Duration::MAX), 0);
    }
}
