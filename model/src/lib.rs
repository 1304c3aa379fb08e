//! The Dermis domain model: ids, money, validation and the Automerge schema of every
//! document (clinic, patient with its encounters and photos, product, ledger, appointment).
//!
//! This crate owns what a record *is* and how it is written into and read out of an
//! Automerge document. It does no IO: storage, sync and presentation live in `dermis-node`,
//! `dermis-sync` and `dermis-hub`. Validation returns every field error at once, each with a
//! stable code for translation and a plain English message.

pub mod appointment;
pub mod audit;
pub mod clinic;
pub mod conflict;
pub mod denominations;
pub mod derivation;
pub mod doc;
pub mod drug_allergy;
pub mod duplicates;
pub mod encounter;
pub mod export;
pub mod i18n;
pub mod id;
pub mod ledger;
pub mod merge;
pub mod money;
pub mod patient;
pub mod photo;
pub mod prescription;
pub mod product;
pub mod provenance;
pub mod text;
pub mod validate;

pub use doc::{DocMeta, DocType, SCHEMA_VERSION, SchemaError};
pub use id::*;
pub use money::{Currency, Money, MoneyError};
pub use validate::{ErrorCode, FieldError, ValidationErrors};

/// Milliseconds since the Unix epoch, UTC. Documents store instants this way (Automerge
/// timestamps); conversion to calendar types happens at the edges.
pub type Millis = i64;

/// The current instant in milliseconds. Callers that need determinism (tests, the sync
/// engine) pass instants in instead of calling this.
pub fn now_millis() -> Millis {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as Millis
}

/// An instant as RFC 3339 in UTC (`2026-12-07T00:30:00.25Z`), as the hub writes times in
/// JSON: its API, FHIR resources, webhook payloads. An instant RFC 3339 cannot write
/// (before year 0 or after year 9999, which only a forged document holds) is empty
/// rather than a wrong date.
pub fn rfc3339(ms: Millis) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn instants_are_rfc3339_in_utc_and_unwritable_ones_are_empty() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(1_796_603_400_250), "2026-12-07T00:30:00.25Z");
        assert_eq!(super::rfc3339(-1_000), "1969-12-31T23:59:59Z");
        // Year 10000 and beyond: RFC 3339 has four digits for the year.
        assert_eq!(super::rfc3339(253_402_300_800_000), "");
        assert_eq!(super::rfc3339(i64::MAX), "");
    }
}
