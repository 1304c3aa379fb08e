//! What the hub refuses although it is a valid document: the one place the apply path
//! consults, through `dermis_sync::apply::PushRules`, with the document before the push,
//! the document after it and the parsed changes (`dermis_sync::apply::Incoming`).
//!
//! Each rule is a pure function in its own module, added to [`HubRules::check`], and
//! judges each pushed change by what its operations write ([`place`]):
//! - [`signed`]: a signed encounter's fields (addenda aside) are never changed;
//! - [`ledger`]: a recorded ledger entry is never altered or removed;
//! - [`staff`]: staff users and roles are changed only by an active admin;
//! - [`erased`]: an erased patient's documents are never stored again ([`Guarded`],
//!   which needs the clinic's erased ids, read by the store before planning).
//!
//! A refusal is `ApplyError::Refused` with the code `forbidden` and a message naming the
//! change and the rule (ids and field names, never patient data); the node parks the
//! document with that reason. Both stores plan pushes through
//! `dermis_sync::plan::plan_apply` with these rules, so a rule holds on both.

pub mod erased;
#[doc(hidden)]
pub mod forge;
pub mod ledger;
pub mod place;
pub mod signed;
pub mod staff;

use dermis_model::DocType;
use dermis_sync::apply::{ApplyError, Incoming, PushRules};
use dermis_sync::chunks::DocLimits;
use dermis_sync::wire::ErrorCode;

pub use erased::Guarded;
use place::{Placed, Places};

/// The hub's rules on pushed documents.
#[derive(Clone, Copy, Debug, Default)]
pub struct HubRules;

/// Why a rule refused a pushed change. The text goes to the node, which keeps it with
/// the parked document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(
        "change {change} edits {field} of signed encounter {encounter}; a signed encounter is read-only (add an addendum)"
    )]
    SignedEncounter {
        change: String,
        encounter: String,
        field: String,
    },
    #[error(
        "change {change} alters or removes recorded {what} {entry}; ledgers are append-only (record a new entry)"
    )]
    LedgerEntry {
        change: String,
        what: String,
        entry: String,
    },
    #[error(
        "change {change} changes staff users or roles, made by {by}; only an active admin of the clinic may"
    )]
    Staff { change: String, by: String },
    #[error("change {change} writes to an object the document cannot place")]
    Unplaced { change: String },
}

impl From<Refusal> for ApplyError {
    fn from(refusal: Refusal) -> Self {
        ApplyError::Refused {
            code: ErrorCode::Forbidden,
            message: refusal.to_string(),
        }
    }
}

/// The document types some rule judges.
fn judged(doc_type: DocType) -> bool {
    matches!(
        doc_type,
        DocType::Patient | DocType::Ledger | DocType::Clinic
    )
}

impl HubRules {
    /// The rules without the apply path's error type (for tests and the fuzz target).
    pub fn judge(&self, incoming: &Incoming<'_>) -> Result<(), Refusal> {
        if !judged(incoming.doc_type) || incoming.changes.is_empty() {
            return Ok(());
        }
        let mut places = Places::new(incoming.after);
        let placed = incoming
            .changes
            .iter()
            .map(|c| {
                places.place(c).map_err(|e| Refusal::Unplaced {
                    change: e.hash.to_string().chars().take(8).collect(),
                })
            })
            .collect::<Result<Vec<Placed>, Refusal>>()?;
        match incoming.doc_type {
            DocType::Patient => placed
                .iter()
                .try_for_each(|c| signed::check(incoming.after, c)),
            DocType::Ledger => placed
                .iter()
                .try_for_each(|c| ledger::check(incoming.after, c)),
            DocType::Clinic => {
                let staff = staff::Staff::of(incoming.before);
                placed.iter().try_for_each(|c| staff::check(&staff, c))
            }
            DocType::Product | DocType::Appointment => Ok(()),
        }
    }
}

impl PushRules for HubRules {
    fn check(&self, incoming: &Incoming<'_>) -> Result<(), ApplyError> {
        self.judge(incoming).map_err(ApplyError::from)
    }

    fn needs_changes(&self, doc_type: DocType) -> bool {
        judged(doc_type)
    }
}

/// What pushed bytes may cost to check and parse: tied to the frame limit the hub reads
/// them under (`HUB_MAX_FRAME_BYTES`, `dermis_sync::wire::Limits::max_frame_bytes`).
/// The server gives its stores these limits ([`super::HubStore::with_doc_limits`]); a
/// store opened alone uses those of the default frame limit.
pub fn doc_limits(max_frame_bytes: usize) -> DocLimits {
    DocLimits::for_frame(max_frame_bytes)
}

#[cfg(test)]
mod tests;
