//! Erased ids are never stored again: a push of an erased patient's document, of one of
//! their appointments the erasure removed, or of an appointment naming an erased patient
//! is refused for good. The node that sent it drops its copy once it reads the erasure in
//! the clinic document (docs/SYNC.md, "Patient erasure").

use std::collections::HashSet;

use dermis_model::DocType;
use dermis_sync::apply::{ApplyError, Incoming, PushRules};
use dermis_sync::wire::ErrorCode;
use uuid::Uuid;

use super::HubRules;

/// [`HubRules`] plus the clinic's erased ids, as read before the push was planned.
#[derive(Clone, Debug, Default)]
pub struct Guarded {
    pub erased: HashSet<Uuid>,
}

impl Guarded {
    pub fn new(erased: HashSet<Uuid>) -> Guarded {
        Guarded { erased }
    }

    fn refuse(&self, incoming: &Incoming<'_>) -> Option<String> {
        if incoming.doc_type != DocType::Appointment || self.erased.is_empty() {
            return None;
        }
        let patient = dermis_model::appointment::read_appointment(incoming.after)
            .ok()?
            .patient_id?;
        self.erased.contains(&patient.0).then(|| {
            format!(
                "appointment {} is for erased patient {}; an erased patient's records are never stored again",
                incoming.doc_id, patient
            )
        })
    }
}

impl PushRules for Guarded {
    fn admit(&self, doc_id: Uuid, doc_type: DocType) -> Result<(), ApplyError> {
        if self.erased.contains(&doc_id) {
            return Err(ApplyError::Refused {
                code: ErrorCode::Forbidden,
                message: format!(
                    "{} {doc_id} was erased; an erased record is never stored again",
                    doc_type.as_str()
                ),
            });
        }
        Ok(())
    }

    fn check(&self, incoming: &Incoming<'_>) -> Result<(), ApplyError> {
        if let Some(message) = self.refuse(incoming) {
            return Err(ApplyError::Refused {
                code: ErrorCode::Forbidden,
                message,
            });
        }
        HubRules.check(incoming)
    }

    fn needs_changes(&self, doc_type: DocType) -> bool {
        HubRules.needs_changes(doc_type)
    }
}
