//! What the Calendly integration keeps: the booking events handled (claimed, done or
//! released, so Calendly's retries are handled once), which appointment document each
//! invitee became, and each clinic's sealed signing key. Every [`super::HubStore`]
//! implements [`CalendlyStore`].

use std::future::Future;

use dermis_model::{ClinicId, Millis};
use uuid::Uuid;

use super::StoreError;

pub trait CalendlyStore {
    /// Claims a Calendly event key for handling; `false` when it was handled already, or
    /// is being handled by a claim made at or after `stale_before` (an older claim that
    /// never finished — its hub died — is taken over).
    fn calendly_claim(
        &self,
        key: &str,
        clinic: ClinicId,
        now: Millis,
        stale_before: Millis,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Marks a claimed Calendly event as handled for good.
    fn calendly_done(&self, key: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Whether a Calendly event key was claimed (a cancellation that came before its
    /// booking leaves one).
    fn calendly_handled(&self, key: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Gives a claim back after handling failed, so Calendly's retry is handled.
    fn calendly_release(&self, key: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Remembers which appointment document an invitee became.
    fn calendly_link(
        &self,
        clinic: ClinicId,
        invitee_uri: &str,
        doc_id: Uuid,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn calendly_appointment(
        &self,
        clinic: ClinicId,
        invitee_uri: &str,
    ) -> impl Future<Output = Result<Option<Uuid>, StoreError>> + Send;

    /// Stores (or replaces) a clinic's sealed Calendly signing key;
    /// [`StoreError::UnknownClinic`] when there is no such clinic.
    fn set_calendly_key(
        &self,
        clinic: ClinicId,
        sealed: &[u8],
        now: Millis,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// A clinic's sealed Calendly signing key.
    fn calendly_key(
        &self,
        clinic: ClinicId,
    ) -> impl Future<Output = Result<Option<Vec<u8>>, StoreError>> + Send;

    /// Removes a clinic's Calendly signing key; whether there was one.
    fn remove_calendly_key(
        &self,
        clinic: ClinicId,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The clinics with a Calendly signing key, and when each was set.
    fn calendly_keys(
        &self,
    ) -> impl Future<Output = Result<Vec<(ClinicId, Millis)>, StoreError>> + Send;
}
