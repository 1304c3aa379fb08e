//! The command layer: every change a user can make, with its permission check and its
//! validation, in one place that the CLI and the desktop app both call. Permissions are
//! enforced here, not only by hiding buttons.

pub mod appointments;
pub mod audit;
pub mod catalog;
pub mod conflicts;
pub mod documents;
pub mod encounters;
pub mod erasure;
pub mod export;
pub mod journal;
pub mod merges;
pub mod patients;
pub mod photos;
pub mod prescriptions;
pub mod sales;
pub mod shifts;
pub mod till;
pub mod users;

use dermis_model::{DocId, ErrorCode, ValidationErrors};

use crate::node::OpError;

/// Parses an id typed by a user; a bad one is invalid input naming `field`.
pub fn parse_id<T: std::str::FromStr>(field: &str, input: &str) -> Result<T, OpError> {
    input.trim().parse().map_err(|_| {
        OpError::Invalid(ValidationErrors::single(
            field,
            ErrorCode::InvalidId,
            format!("{:?} is not a valid id", input.trim()),
        ))
    })
}

/// An id that names nothing in this clinic.
pub fn unknown(field: &str, code: ErrorCode, id: impl std::fmt::Display) -> OpError {
    OpError::Invalid(ValidationErrors::single(
        field,
        code,
        format!("no {field} with id {id}"),
    ))
}

pub fn doc_id<T: Into<DocId>>(id: T) -> DocId {
    id.into()
}
