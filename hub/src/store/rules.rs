//! What the hub refuses although it is a valid document: the one place the apply path
//! consults, through `dermis_sync::apply::PushRules`, with the document before the push,
//! the document after it and the parsed changes (`dermis_sync::apply::Incoming`).
//!
//! Each rule is a pure function in its own module, added to [`HubRules::check`]:
//! forbidden changes (signed encounters, ledger entries, staff and roles without an
//! admin) refuse with `forbidden`; pushes for erased ids with their own code. Both stores
//! plan pushes through `dermis_sync::plan::plan_apply` with these rules, so a rule holds
//! on both.

use dermis_sync::apply::{ApplyError, Incoming, PushRules};
use dermis_sync::chunks::DocLimits;

/// The hub's rules on pushed documents.
#[derive(Clone, Copy, Debug, Default)]
pub struct HubRules;

impl PushRules for HubRules {
    fn check(&self, incoming: &Incoming<'_>) -> Result<(), ApplyError> {
        // Rules are added here, each refusing with its own `ApplyError::Refused`.
        let _ = incoming;
        Ok(())
    }
}

/// What pushed bytes may cost to check and parse: tied to the frame limit the hub reads
/// them under.
pub fn doc_limits() -> DocLimits {
    DocLimits::for_frame(dermis_sync::wire::Limits::default().max_frame_bytes)
}
