//! What webhooks, the event projector and the Calendly integration keep: webhooks and
//! where each starts in every clinic's change log, the projector's cursor per clinic,
//! the events it derived (one per key), their deliveries and every attempt, stock on
//! hand per SKU with the movements already counted and open conflicts (the Calendly
//! events handled are [`super::calendly`]'s). Every [`super::HubStore`] implements
//! [`HookStore`].
//!
//! [`HookStore::commit_projection`] is the projector's one write: in one transaction it
//! checks the clinic's cursor is still where the projector read from (another hub
//! instance may have got there first), keeps the events whose keys are new, counts the
//! stock movements not counted yet (a SKU crossing below zero is a `stock.negative`
//! event), replaces the open conflicts of the documents it read, creates a delivery per
//! new event and subscribed webhook, and advances the cursor.

use std::future::Future;

use dermis_model::{ClinicId, Millis};
use uuid::Uuid;

use super::StoreError;
use crate::readmodel::events::{DerivedEvent, EventType, StockEntry};
use crate::readmodel::staff::StaffChange;

/// A webhook as `webhook add` creates it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewWebhook {
    pub url: String,
    pub events: Vec<EventType>,
    /// `None`: every clinic.
    pub clinic: Option<ClinicId>,
    pub secret: String,
}

/// A webhook as `webhook list` shows it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct WebhookInfo {
    pub id: Uuid,
    pub url: String,
    pub events: Vec<String>,
    pub clinic_id: Option<ClinicId>,
    pub created_at: Millis,
}

/// One document's contribution to a projection step.
#[derive(Clone, Debug, PartialEq)]
pub struct DocProjection {
    pub doc_id: Uuid,
    pub doc_type: String,
    /// The document's change-log position when it was read.
    pub seq: u64,
    pub events: Vec<DerivedEvent>,
    pub stock: Vec<StockEntry>,
    /// Paths of conflicting fields; empty clears the document's entry.
    pub conflicts: Vec<String>,
    /// The audit entries of a ledger (kept once per id).
    pub audit: Vec<dermis_model::audit::AuditEntry>,
    /// The chained receipts of a ledger (kept once per sale id).
    pub receipts: Vec<crate::readmodel::events::ReceiptLink>,
    /// The document's read-model rows, replacing what the read models held for it
    /// (`None`: leave them as they are).
    pub rows: Option<crate::readmodel::derive::DocRows>,
    /// The document's encoded index derivation and the heads it was read at (revision 6
    /// bootstrap frames), stored with `rows` (`None`: a clinic document, or one that did
    /// not read: what was stored stays, at heads no longer current, so it is not sent).
    pub derivation: Option<StoredDerivation>,
}

/// A derivation as the projector stores it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDerivation {
    pub heads: Vec<automerge::ChangeHash>,
    pub data: Vec<u8>,
}

/// Which audit entries `/admin/audit` asks for. Times are unix milliseconds; `before`
/// pages back from the last entry shown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub clinic: Option<ClinicId>,
    pub user: Option<String>,
    pub patient: Option<String>,
    pub from: Option<Millis>,
    pub to: Option<Millis>,
    /// Pages back: entries older than `before`, or as old and with an id below
    /// `before_id` (the last entry shown), so entries of the same millisecond are
    /// neither skipped nor shown twice.
    pub before: Option<Millis>,
    pub before_id: Option<String>,
    pub limit: u32,
}

/// One audit entry as the hub keeps it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AuditInfo {
    pub clinic_id: ClinicId,
    pub id: String,
    pub at: Millis,
    pub user: String,
    pub user_id: Option<String>,
    pub node_id: String,
    pub action: String,
    pub target_kind: String,
    pub target: String,
    pub patient: Option<String>,
}

/// What a projection step committed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProjectionOutcome {
    pub new_events: u64,
    /// The deliveries created (their jobs are still to be enqueued).
    pub new_deliveries: Vec<i64>,
}

/// Delivery states.
pub mod state {
    /// Waiting for its first attempt.
    pub const PENDING: &str = "pending";
    /// An attempt failed; another follows at `next_attempt_at`.
    pub const FAILED: &str = "failed";
    pub const DELIVERED: &str = "delivered";
    /// Given up (24 h passed, or the webhook was removed).
    pub const DEAD: &str = "dead";
}

/// Everything one delivery attempt needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryTarget {
    pub id: i64,
    pub state: String,
    pub attempts: u32,
    pub url: String,
    /// `None` when the webhook was removed.
    pub secret: Option<String>,
    /// The webhook-id of the event.
    pub event_id: String,
    pub event_type: String,
    pub data: String,
    /// When the event was derived: the payload's timestamp and the start of the 24 h.
    pub event_at: Millis,
}

/// One attempt's result, as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub at: Millis,
    pub status_code: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: u64,
}

/// A delivery for the admin page.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryInfo {
    pub id: i64,
    pub event_id: String,
    pub event_type: String,
    pub clinic_id: ClinicId,
    pub webhook_id: Uuid,
    pub url: String,
    pub state: String,
    pub attempts: u32,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<Millis>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// A recorded attempt.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AttemptInfo {
    pub at: Millis,
    pub status_code: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: u64,
}

/// A SKU below zero.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StockInfo {
    pub clinic_id: ClinicId,
    pub sku: String,
    pub on_hand: i64,
    pub updated_at: Millis,
}

/// A document with conflicting fields.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ConflictInfo {
    pub clinic_id: ClinicId,
    pub doc_id: Uuid,
    pub doc_type: String,
    pub fields: Vec<String>,
    pub updated_at: Millis,
}

/// How a delivery attempt leaves the delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptOutcome {
    /// One of [`state`].
    pub state: &'static str,
    pub next_attempt_at: Option<Millis>,
}

/// Whether a webhook (subscribed to `events`, of `clinic` or every clinic, started at
/// `start` in the event's clinic) receives an event.
pub fn subscribed(
    events: &str,
    clinic: Option<ClinicId>,
    start: u64,
    event_clinic: ClinicId,
    event_type: &str,
    event_seq: u64,
) -> bool {
    clinic.is_none_or(|c| c == event_clinic)
        && events.split(',').any(|e| e.trim() == event_type)
        && event_seq > start
}

/// Stored `staff.changed` payloads as read back, newest first by when they were made
/// (then by their place in the history); one that does not parse (written by a later
/// version) is left out of the list rather than failing the page.
pub fn staff_rows(rows: Vec<String>) -> Vec<StaffChange> {
    let mut changes: Vec<StaffChange> = rows
        .iter()
        .filter_map(|data| serde_json::from_str(data).ok())
        .collect();
    changes.sort_by_key(|c| std::cmp::Reverse((c.at_ms.unwrap_or(0), c.position)));
    changes
}

/// See the module documentation.
pub trait HookStore {
    /// Adds a webhook, recording each clinic's change-log position (every clinic's, for
    /// a webhook of all clinics). [`StoreError::UnknownClinic`] for a clinic that does
    /// not exist.
    fn add_webhook(
        &self,
        webhook: &NewWebhook,
        now: Millis,
    ) -> impl Future<Output = Result<Uuid, StoreError>> + Send;

    fn list_webhooks(&self) -> impl Future<Output = Result<Vec<WebhookInfo>, StoreError>> + Send;

    /// Removes a webhook; its deliveries stay as history (and pending ones die).
    /// Returns whether it existed.
    fn remove_webhook(&self, id: Uuid) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Clinics whose change log is ahead of the projector: (clinic, cursor, latest seq).
    fn projector_lag(
        &self,
    ) -> impl Future<Output = Result<Vec<(ClinicId, u64, u64)>, StoreError>> + Send;

    /// Writes the derivations `reproject` read (each with its document's patient, for
    /// erasure), in one transaction, leaving out erased documents and patients: the
    /// rebuild clears them with the other read models (revision 6 bootstrap frames).
    fn keep_derivations(
        &self,
        clinic: ClinicId,
        docs: Vec<(Uuid, Option<Uuid>, StoredDerivation)>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Commits one projection step that read the clinic's change log from `from` to
    /// `to`. `None` (nothing written) when the cursor is no longer at `from`.
    fn commit_projection(
        &self,
        clinic: ClinicId,
        from: u64,
        to: u64,
        docs: &[DocProjection],
        now: Millis,
    ) -> impl Future<Output = Result<Option<ProjectionOutcome>, StoreError>> + Send;

    /// Deliveries whose job was not enqueued yet, oldest first.
    fn unenqueued_deliveries(
        &self,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<i64>, StoreError>> + Send;

    fn mark_enqueued(&self, ids: &[i64]) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn delivery_target(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<Option<DeliveryTarget>, StoreError>> + Send;

    /// Records an attempt and the delivery's new state, together.
    fn record_attempt(
        &self,
        id: i64,
        attempt: &Attempt,
        outcome: &AttemptOutcome,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The latest deliveries, newest first; of these clinics only when `clinics` is
    /// given.
    fn recent_deliveries(
        &self,
        clinics: Option<&[ClinicId]>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<DeliveryInfo>, StoreError>> + Send;

    fn delivery_attempts(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<Vec<AttemptInfo>, StoreError>> + Send;

    /// Every SKU below zero, by clinic and SKU.
    fn negative_stock(&self) -> impl Future<Output = Result<Vec<StockInfo>, StoreError>> + Send;

    /// Documents with open conflicts, most recently changed first; of these clinics only
    /// when `clinics` is given.
    fn open_conflicts(
        &self,
        clinics: Option<&[ClinicId]>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<ConflictInfo>, StoreError>> + Send;

    /// The latest `staff.changed` events (who changed staff users or roles), newest
    /// first; of these clinics only when `clinics` is given.
    fn staff_changes(
        &self,
        clinics: Option<&[ClinicId]>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<StaffChange>, StoreError>> + Send;

    /// Audit entries of the clinics' workstations matching `query`, newest first; of
    /// these clinics only when `clinics` is given.
    fn audit_entries(
        &self,
        clinics: Option<&[ClinicId]>,
        query: &AuditQuery,
    ) -> impl Future<Output = Result<Vec<AuditInfo>, StoreError>> + Send;

    /// The receipt-chain links of one workstation's entries, by `seq`.
    fn receipt_links(
        &self,
        node: Uuid,
    ) -> impl Future<Output = Result<Vec<dermis_model::ledger::chain::Link>, StoreError>> + Send;

    fn clinic_exists(
        &self,
        clinic: ClinicId,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// How many clinics the hub has.
    fn clinic_count(&self) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscription_is_by_clinic_type_and_start() {
        let a = ClinicId::new();
        let b = ClinicId::new();
        assert!(subscribed(
            "patient.created,sale.completed",
            None,
            0,
            a,
            "sale.completed",
            1
        ));
        assert!(!subscribed(
            "patient.created",
            None,
            0,
            a,
            "sale.completed",
            1
        ));
        assert!(subscribed(
            "sale.completed",
            Some(a),
            3,
            a,
            "sale.completed",
            4
        ));
        assert!(!subscribed(
            "sale.completed",
            Some(a),
            0,
            b,
            "sale.completed",
            4
        ));
        assert!(!subscribed(
            "sale.completed",
            Some(a),
            4,
            a,
            "sale.completed",
            4
        ));
    }
}
