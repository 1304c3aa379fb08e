//! Typed ids. Every id is a UUIDv7 made locally, so records can be created offline and
//! still sort roughly by creation time.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An id string that is not a UUID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid id: {input:?}")]
pub struct IdError {
    pub input: String,
}

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh UUIDv7.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            pub fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub fn uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0.hyphenated())
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                Uuid::parse_str(s.trim())
                    .map(Self)
                    .map_err(|_| IdError { input: s.to_owned() })
            }
        }

        impl From<$name> for DocId {
            fn from(id: $name) -> DocId {
                DocId(id.0)
            }
        }
    };
}

/// The id of any document, whatever its type.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DocId(pub Uuid);

impl DocId {
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }
}

impl Default for DocId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

impl fmt::Debug for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DocId({})", self.0.hyphenated())
    }
}

impl FromStr for DocId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        Uuid::parse_str(s.trim()).map(Self).map_err(|_| IdError {
            input: s.to_owned(),
        })
    }
}

id_type!(
    /// A clinic, the unit of tenancy: every document belongs to exactly one.
    ClinicId
);
id_type!(
    /// A workstation running dermis-node.
    NodeId
);
id_type!(
    /// A staff user of a clinic.
    UserId
);
id_type!(
    /// A patient; also the id of the patient's document.
    PatientId
);
id_type!(
    /// An encounter inside a patient document.
    EncounterId
);
id_type!(
    /// Photo metadata inside a patient document.
    PhotoId
);
id_type!(
    /// An allergy entry inside a patient document.
    AllergyId
);
id_type!(
    /// An addendum to a signed encounter.
    AddendumId
);
id_type!(
    /// A product; also the id of the product's document.
    ProductId
);
id_type!(
    /// A sale, refund or void entry in a ledger document.
    SaleId
);
id_type!(
    /// A stock movement entry in a ledger document.
    MovementId
);
id_type!(
    /// An appointment; also the id of its document.
    AppointmentId
);
id_type!(
    /// A prescription, inside its encounter.
    PrescriptionId
);
id_type!(
    /// A cash-drawer shift of one node: its events are entries in that node's ledgers.
    ShiftId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_strings() {
        let id = PatientId::new();
        let parsed: PatientId = id.to_string().parse().expect("parses");
        assert_eq!(id, parsed);
        assert_eq!(DocId::from(id).0, id.0);
    }

    #[test]
    fn garbage_is_not_an_id() {
        let err = "patient-42".parse::<PatientId>().unwrap_err();
        assert_eq!(err.input, "patient-42");
    }

    #[test]
    fn new_ids_sort_by_creation() {
        let a = PatientId::new();
        let b = PatientId::new();
        assert!(a < b, "UUIDv7 ids made later sort later");
    }
}
