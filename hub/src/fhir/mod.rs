//! FHIR R4 (4.0.1) at `/fhir/r4`: the read models ([`crate::readmodel`]) as FHIR
//! resources for integrators (a regional health record, a lab, an insurer).
//!
//! - [`resources`]: pure mappings from records to resources.
//! - [`outcome`]: errors as `OperationOutcome`.
//! - [`search`]: read, search and `$everything` over a read model, as Bundles.

pub mod outcome;
pub mod resources;
#[doc(hidden)]
pub mod samples;

pub use outcome::{FHIR_JSON, FhirError};
pub mod capability;
pub mod export;
pub mod http;
pub mod search;
