//! How one sync connection ended, typed: the client loop decides what to record, whether
//! to retry and what `sync --once` answers from the variant, never from the wording.

use dermis_sync::wire::ErrorCode;

/// How one connection ended.
pub(super) enum Ended {
    CaughtUp,
    Shutdown,
    Lost(String),
    Refused(String),
    /// The hub's certificate is not trusted: what is wrong with it.
    Certificate(String),
}

/// The close the hub sent, read once from its close frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum HubClose {
    /// No close frame: the hub gave no reason.
    Bare,
    /// Revoked or unknown token: this node's access is gone, retrying will not help.
    Refused { reason: String },
    /// One of the protocol's codes (docs/SYNC.md, error codes).
    Code { code: ErrorCode, reason: String },
    /// A close code outside the protocol's range.
    Other { code: u16, reason: String },
}

impl HubClose {
    pub(super) fn of(frame: Option<(u16, &str)>) -> HubClose {
        let Some((code, reason)) = frame else {
            return HubClose::Bare;
        };
        let reason = reason.to_owned();
        match ErrorCode::from_close_code(code) {
            Some(ErrorCode::Revoked | ErrorCode::Unauthorized) => HubClose::Refused { reason },
            Some(code) => HubClose::Code { code, reason },
            None => HubClose::Other { code, reason },
        }
    }

    /// The connection's end, worded as `status` and the log show it.
    pub(super) fn ended(self) -> Ended {
        match self {
            HubClose::Bare => Ended::Lost("hub closed the connection".into()),
            HubClose::Refused { reason } => Ended::Refused(format!("refused: {reason}")),
            HubClose::Code { code, reason } => Ended::Lost(format!(
                "hub closed the connection: {} ({reason})",
                code.description()
            )),
            HubClose::Other { code, reason } => {
                Ended::Lost(format!("hub closed the connection ({code} {reason})"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(ended: Ended) -> (bool, String) {
        match ended {
            Ended::Refused(text) => (true, text),
            Ended::Lost(text) => (false, text),
            _ => (false, String::new()),
        }
    }

    #[test]
    fn a_revoked_or_unknown_token_is_a_refusal_and_nothing_else_is() {
        let revoked = ErrorCode::Revoked.close_code();
        let unauthorized = ErrorCode::Unauthorized.close_code();
        let internal = ErrorCode::Internal.close_code();
        assert_eq!(
            words(HubClose::of(Some((revoked, "revoked"))).ended()),
            (true, "refused: revoked".into())
        );
        assert!(words(HubClose::of(Some((unauthorized, "no token"))).ended()).0);
        // A reason that merely reads like a refusal does not make one.
        let (refused, text) = words(HubClose::of(Some((internal, "refused: no"))).ended());
        assert!(!refused, "{text}");
        assert!(text.starts_with("hub closed the connection: "), "{text}");
        assert_eq!(
            words(HubClose::of(Some((1000, "bye"))).ended()),
            (false, "hub closed the connection (1000 bye)".into())
        );
        assert_eq!(
            words(HubClose::of(None).ended()),
            (false, "hub closed the connection".into())
        );
    }
}
