//! Patient erasure in the hub database. The transaction that stores a clinic document
//! recording an erasure (`erasures/<patient id>`) records it in `erasures`, lists the
//! patient in `erased_docs`, removes the patient document with its change history and
//! open conflicts, and queues the [`JOB_KIND`] job; from then on a push of that id is
//! refused (`rules::Guarded`). The job ([`crate::erasure`]) does the rest through
//! [`ErasureStore`]: the patient's appointments, the webhook events naming them, their
//! photo rows, unfinished uploads and blobs; then it marks the erasure done.

use std::future::Future;

use dermis_model::{ClinicId, Millis};
use dermis_sync::plan::StoredDoc;
use uuid::Uuid;

use super::StoreError;

/// The job that finishes an erasure (payload: [`ErasureJob`]).
pub const JOB_KIND: &str = "erasure";

/// What the `erasure` job is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ErasureJob {
    pub clinic: ClinicId,
    pub patient: Uuid,
}

impl ErasureJob {
    pub fn new_job(self) -> crate::store::jobs::NewJob {
        crate::store::jobs::NewJob::now(
            JOB_KIND,
            Some(self.clinic),
            serde_json::to_value(self).unwrap_or_default(),
        )
        .dedup(format!("erasure:{}:{}", self.clinic, self.patient))
    }
}

/// An erasure as the hub records it: ids and times, no patient data.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ErasureInfo {
    pub clinic: ClinicId,
    pub patient: Uuid,
    /// When the admin erased the patient (the record's time).
    pub erased_at: Millis,
    /// When the hub stored the record.
    pub recorded_at: Millis,
    /// When everything derived was removed; `None` while the job runs.
    pub done_at: Option<Millis>,
    /// Documents removed: the patient's and their appointments'.
    pub documents: u64,
    /// Photo blobs whose variants were deleted.
    pub blobs: u64,
}

/// The erasure job's store operations. Every [`super::HubStore`] implements it.
pub trait ErasureStore {
    /// The clinic's appointment documents with an id above `after`, in id order, at most
    /// `limit` (the job reads each one's patient).
    fn appointment_docs(
        &self,
        clinic: ClinicId,
        after: Option<Uuid>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<(Uuid, StoredDoc)>, StoreError>> + Send;

    /// Removes these documents of the clinic (the erased patient's appointments) with
    /// their change history, conflicts and Calendly links, and lists them in
    /// `erased_docs` so they are never stored again. Returns how many were removed.
    fn erase_docs(
        &self,
        clinic: ClinicId,
        patient: Uuid,
        ids: Vec<Uuid>,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Removes what was derived from the patient: webhook events naming them (with their
    /// deliveries and attempts), their photo rows and unfinished uploads. Returns the
    /// photo content hashes no remaining photo of the clinic names: the caller deletes
    /// their blobs.
    fn erase_derived(
        &self,
        clinic: ClinicId,
        patient: Uuid,
    ) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// Marks the erasure done. The embedded store also truncates its WAL, so no copy of
    /// an erased page stays in it.
    fn finish_erasure(
        &self,
        clinic: ClinicId,
        patient: Uuid,
        blobs: u64,
        now: Millis,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The erasures the hub holds, newest first (of one clinic, or all).
    fn erasures(
        &self,
        clinic: Option<ClinicId>,
    ) -> impl Future<Output = Result<Vec<ErasureInfo>, StoreError>> + Send;
}
