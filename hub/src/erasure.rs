//! The `erasure` job: what an erasure removes on the hub after the transaction that
//! recorded it (`store::erasure`). That transaction already listed the patient as erased
//! and removed their document and its change history; the job removes, in order, their
//! appointments (listed as erased too, so no node can bring them back), the webhook
//! events naming them with their deliveries, their photo rows and unfinished uploads,
//! and the blobs of those photos (original, cleaned copy, thumbnails), then marks the
//! erasure done. Each step can run again: a retry after a crash or a storage error
//! finishes the work.

use std::sync::Arc;

use dermis_model::ClinicId;
use dermis_sync::driver::error_chain;
use uuid::Uuid;

use crate::blobs::{self, Variant};
use crate::jobs::{Job, JobFailure};
use crate::state::Hub;
use crate::store::HubStore;
use crate::store::erasure::ErasureJob;
pub use crate::store::erasure::JOB_KIND;

/// Appointment documents read per step of the scan.
const PAGE: usize = 200;

fn store_failure(what: &str) -> impl FnOnce(crate::store::StoreError) -> JobFailure + '_ {
    move |e| JobFailure::retry(format!("{what}: {}", error_chain(&e)))
}

pub async fn erasure_job<S: HubStore>(hub: &Arc<Hub<S>>, job: &Job) -> Result<(), JobFailure> {
    let task: ErasureJob = serde_json::from_value(job.payload.clone())
        .map_err(|e| JobFailure::permanent(format!("bad erasure payload: {e}")))?;
    let documents = erase_appointments(hub, task).await?;
    let released = hub
        .store
        .erase_derived(task.clinic, task.patient)
        .await
        .map_err(store_failure("removing derived rows"))?;
    let blobs = delete_blobs(hub, task.clinic, &released).await?;
    hub.store
        .finish_erasure(task.clinic, task.patient, blobs, dermis_model::now_millis())
        .await
        .map_err(store_failure("finishing"))?;
    tracing::info!(clinic = %task.clinic, patient = %task.patient, documents, blobs, "patient erased on the hub");
    Ok(())
}

/// Finds the clinic's appointments for the patient, a page at a time (each document
/// read on the Automerge pool), and removes them. Returns how many were removed.
async fn erase_appointments<S: HubStore>(
    hub: &Hub<S>,
    task: ErasureJob,
) -> Result<u64, JobFailure> {
    let caller = hub.pool.hub();
    let mut after = None;
    let mut removed = 0;
    loop {
        let page = hub
            .store
            .appointment_docs(task.clinic, after, PAGE)
            .await
            .map_err(store_failure("listing appointments"))?;
        let Some((last, _)) = page.last() else {
            break;
        };
        after = Some(*last);
        let full = page.len() == PAGE;
        let patient = task.patient;
        let theirs: Vec<Uuid> = caller
            .run(move || {
                page.into_iter()
                    .filter(|(id, stored)| names_patient(*id, stored, patient))
                    .map(|(id, _)| id)
                    .collect()
            })
            .await
            .map_err(|e| JobFailure::retry(format!("reading appointments: {e}")))?;
        if !theirs.is_empty() {
            removed += hub
                .store
                .erase_docs(task.clinic, task.patient, theirs)
                .await
                .map_err(store_failure("removing appointments"))?;
        }
        if !full {
            break;
        }
    }
    Ok(removed)
}

/// Whether the stored appointment is for `patient`. One that does not load or read is
/// left alone (the store's damage is reported where it is served).
fn names_patient(id: Uuid, stored: &dermis_sync::plan::StoredDoc, patient: Uuid) -> bool {
    dermis_sync::plan::load(id, stored)
        .ok()
        .and_then(|doc| dermis_model::appointment::read_appointment(&doc).ok())
        .and_then(|a| a.patient_id)
        .is_some_and(|p| p.0 == patient)
}

/// Every stored form of a photo's bytes.
fn photo_keys(clinic: ClinicId, sha256: &str) -> [String; 4] {
    [
        blobs::key(clinic, Variant::Original, sha256),
        blobs::clean_key(clinic, sha256),
        blobs::key(clinic, Variant::Gallery, sha256),
        blobs::key(clinic, Variant::Full, sha256),
    ]
}

/// Deletes every form of these photos; returns how many photos.
async fn delete_blobs<S: HubStore>(
    hub: &Hub<S>,
    clinic: ClinicId,
    released: &[String],
) -> Result<u64, JobFailure> {
    let mut count = 0;
    for sha in released {
        if !crate::photos::valid_sha256(sha) {
            continue;
        }
        delete_photo(hub, clinic, sha).await?;
        count += 1;
    }
    Ok(count)
}

/// Deletes every form of one photo's bytes (absent ones are fine).
pub(crate) async fn delete_photo<S>(
    hub: &Hub<S>,
    clinic: ClinicId,
    sha256: &str,
) -> Result<(), JobFailure> {
    for key in photo_keys(clinic, sha256) {
        hub.blobs.delete(&key).await.map_err(|e| {
            JobFailure::retry(format!("deleting an erased photo: {}", error_chain(&e)))
        })?;
    }
    Ok(())
}

/// Whether the patient has been erased in the clinic (for jobs that write a patient's
/// blobs after the erasure may have removed them).
pub(crate) async fn is_erased<S: HubStore>(
    hub: &Hub<S>,
    clinic: ClinicId,
    patient: Uuid,
) -> Result<bool, JobFailure> {
    let erasures = hub
        .store
        .erasures(Some(clinic))
        .await
        .map_err(store_failure("reading erasures"))?;
    Ok(erasures.iter().any(|e| e.patient == patient))
}
