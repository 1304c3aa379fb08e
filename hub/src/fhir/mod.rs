//! FHIR R4 (4.0.1) at `/fhir/r4`: the read models ([`crate::readmodel`]) as FHIR
//! resources for integrators (a regional health record, a lab, an insurer).
//!
//! - [`resources`]: pure mappings from records to resources.
//! - [`outcome`]: errors as `OperationOutcome`.
//! - [`search`]: read and search over a read model, as searchset Bundles; [`everything`]:
//!   `Patient/{id}/$everything`.
//! - [`capability`]: the CapabilityStatement. [`export`]: Bulk Data export files;
//!   [`bulk`]: its routes and jobs. [`http`]: the routes.

pub mod outcome;
pub mod resources;
#[doc(hidden)]
pub mod samples;

pub use outcome::{FHIR_JSON, FhirError};
pub mod bulk;
pub mod capability;
pub mod everything;
pub mod export;
pub mod http;
pub mod search;
