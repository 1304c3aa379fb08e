//! What went wrong in a session without ending it ([`super::NodeOutput::Problem`]): a
//! document the hub refused, or one from the hub the node's store could not keep. The
//! driver shows its text (the node's last error, its log); a caller that acts on one
//! reads its fields, never its prose.

use uuid::Uuid;

use crate::store::ApplyFailure;
use crate::wire::ErrorCode;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The hub refused a pushed document, or asked for the whole of it a third time
    /// (`InvalidDocument`); the node keeps it parked (with `message`) until it is
    /// edited again.
    #[error("hub refused document {doc_id} ({code}): {message}")]
    Refused {
        doc_id: Uuid,
        code: ErrorCode,
        /// The hub's words, for people.
        message: String,
    },
    /// A document from the hub (pulled, live or bootstrapped) that the node's store did
    /// not keep; the cursor moves past it, as it would not store on a retry either.
    #[error("document {doc_id} from the hub could not be stored: {reason}")]
    NotStored {
        doc_id: Uuid,
        code: ErrorCode,
        /// The store's words, for people.
        reason: String,
    },
}

impl Problem {
    /// The document it is about.
    pub fn doc_id(&self) -> Uuid {
        match self {
            Problem::Refused { doc_id, .. } | Problem::NotStored { doc_id, .. } => *doc_id,
        }
    }
}

impl From<ApplyFailure> for Problem {
    fn from(failure: ApplyFailure) -> Problem {
        Problem::NotStored {
            doc_id: failure.doc_id,
            code: failure.code,
            reason: failure.reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The node's log and its last error read as they did when this was a string.
    #[test]
    fn the_text_is_what_the_node_has_always_shown() {
        let doc_id = Uuid::nil();
        let refused = Problem::Refused {
            doc_id,
            code: ErrorCode::Forbidden,
            message: "signed encounters are read-only".into(),
        };
        assert_eq!(
            refused.to_string(),
            format!(
                "hub refused document {doc_id} ({}): signed encounters are read-only",
                ErrorCode::Forbidden
            )
        );
        let failure = ApplyFailure {
            doc_id,
            code: ErrorCode::InvalidDocument,
            reason: "missing dependencies".into(),
        };
        let not_stored = Problem::from(failure);
        assert_eq!(
            not_stored.to_string(),
            format!("document {doc_id} from the hub could not be stored: missing dependencies")
        );
        assert_eq!(not_stored.doc_id(), doc_id);
    }
}
