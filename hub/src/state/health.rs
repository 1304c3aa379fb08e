//! What `/api/healthz`, `/api/readyz` and the admin health page report: whether the
//! store and the blob storage answer, each probed with a deadline.

use std::time::Duration;

use dermis_sync::driver::error_chain;

use super::Hub;
use crate::blobs::Blobs;
use crate::store::HubStore;

/// `ok` or `unreachable`: whether the store answers a round trip within 3 s.
pub async fn db_status<S: HubStore>(store: &S) -> &'static str {
    match tokio::time::timeout(Duration::from_secs(3), store.ping()).await {
        Ok(Ok(())) => "ok",
        Ok(Err(e)) => {
            tracing::warn!(error = %error_chain(&e), "health: database unreachable");
            "unreachable"
        }
        Err(_) => {
            tracing::warn!("health: database did not answer in time");
            "unreachable"
        }
    }
}

/// [`storage_status`], probed at most once per `storage_probe_ttl`.
pub async fn cached_storage_status<S>(hub: &Hub<S>) -> &'static str {
    let mut last = hub.storage_probe.lock().await;
    if let Some((at, status)) = *last
        && at.elapsed() < hub.options.storage_probe_ttl
    {
        return status;
    }
    hub.metrics.storage_probed();
    let status = storage_status(&hub.blobs).await;
    *last = Some((std::time::Instant::now(), status));
    status
}

/// `ok`, or what is wrong with the blob store: `unwritable` (the folder) or
/// `unreachable` (S3), when it does not answer a check within 5 s.
pub async fn storage_status(blobs: &Blobs) -> &'static str {
    match tokio::time::timeout(Duration::from_secs(5), blobs.check()).await {
        Ok(Ok(())) => "ok",
        Ok(Err(e)) => {
            tracing::warn!(error = %error_chain(&e), "health: blob storage is not usable");
            blobs.failure_word()
        }
        Err(_) => {
            tracing::warn!("health: blob storage did not answer in time");
            blobs.failure_word()
        }
    }
}
