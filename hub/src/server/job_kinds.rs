//! The job kinds this hub runs: [`run_job`] has one arm per kind, each calling the module
//! that owns it. It sits here, with what assembles the hub, because it names every such
//! module; [`crate::jobs`] only runs the queue.

use std::sync::Arc;

use crate::jobs::{Job, JobFailure, Runner};
use crate::state::Hub;
use crate::store::HubStore;

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
