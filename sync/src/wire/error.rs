//! Why a frame was refused ([`DecodeError`]) and the stable codes a hub tells a node
//! ([`ErrorCode`]).
//!
//! The codes are the contract with nodes and admins: they travel in `Error` frames and
//! `Rejected` push outcomes, become WebSocket close codes, and show up on `/admin` by
//! their snake_case name. A code never changes meaning; new ones are added at the end.

use std::fmt;

/// Stable error codes, `u16` on the wire.
///
/// `Unknown` keeps a code this build does not know, so a node talking to a newer hub
/// still decodes the frame and can show the number. [`ErrorCode::from_u16`] only ever
/// produces `Unknown` for unassigned numbers; construct it yourself with a known number
/// and it will decode back as the named variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    Malformed,
    UnsupportedVersion,
    FrameTooLarge,
    Unauthorized,
    Revoked,
    Forbidden,
    RateLimited,
    ProtocolViolation,
    Internal,
    ShuttingDown,
    InvalidDocument,
    Timeout,
    Unknown(u16),
}

/// WebSocket close codes 4000–4999 are free for applications; Dermis uses
/// `CLOSE_CODE_BASE + code`.
const CLOSE_CODE_BASE: u16 = 4000;
const CLOSE_CODE_MAX: u16 = 4999;

impl ErrorCode {
    /// Every named code, in wire order.
    pub const ALL: [ErrorCode; 12] = [
        Self::Malformed,
        Self::UnsupportedVersion,
        Self::FrameTooLarge,
        Self::Unauthorized,
        Self::Revoked,
        Self::Forbidden,
        Self::RateLimited,
        Self::ProtocolViolation,
        Self::Internal,
        Self::ShuttingDown,
        Self::InvalidDocument,
        Self::Timeout,
    ];

    pub fn from_u16(code: u16) -> Self {
        match code {
            1 => Self::Malformed,
            2 => Self::UnsupportedVersion,
            3 => Self::FrameTooLarge,
            4 => Self::Unauthorized,
            5 => Self::Revoked,
            6 => Self::Forbidden,
            7 => Self::RateLimited,
            8 => Self::ProtocolViolation,
            9 => Self::Internal,
            10 => Self::ShuttingDown,
            11 => Self::InvalidDocument,
            12 => Self::Timeout,
            other => Self::Unknown(other),
        }
    }

    pub fn as_u16(self) -> u16 {
        match self {
            Self::Malformed => 1,
            Self::UnsupportedVersion => 2,
            Self::FrameTooLarge => 3,
            Self::Unauthorized => 4,
            Self::Revoked => 5,
            Self::Forbidden => 6,
            Self::RateLimited => 7,
            Self::ProtocolViolation => 8,
            Self::Internal => 9,
            Self::ShuttingDown => 10,
            Self::InvalidDocument => 11,
            Self::Timeout => 12,
            Self::Unknown(code) => code,
        }
    }

    /// The WebSocket close code the hub closes with after sending this error.
    ///
    /// Codes above 999 do not fit the application range 4000–4999; they close with 4000
    /// (code 0, unspecified) rather than with a number a WebSocket stack would refuse.
    pub fn close_code(self) -> u16 {
        match CLOSE_CODE_BASE.checked_add(self.as_u16()) {
            Some(close) if close <= CLOSE_CODE_MAX => close,
            _ => CLOSE_CODE_BASE,
        }
    }

    /// The error a close code carries, or `None` for a close code outside 4000–4999
    /// (a normal close, or one sent by a proxy rather than the hub).
    pub fn from_close_code(close: u16) -> Option<Self> {
        if (CLOSE_CODE_BASE..=CLOSE_CODE_MAX).contains(&close) {
            Some(Self::from_u16(close - CLOSE_CODE_BASE))
        } else {
            None
        }
    }

    /// A stable name for logs, metrics labels and `/admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::UnsupportedVersion => "unsupported_version",
            Self::FrameTooLarge => "frame_too_large",
            Self::Unauthorized => "unauthorized",
            Self::Revoked => "revoked",
            Self::Forbidden => "forbidden",
            Self::RateLimited => "rate_limited",
            Self::ProtocolViolation => "protocol_violation",
            Self::Internal => "internal",
            Self::ShuttingDown => "shutting_down",
            Self::InvalidDocument => "invalid_document",
            Self::Timeout => "timeout",
            Self::Unknown(_) => "unknown",
        }
    }

    /// A sentence for a person: safe to show staff, since it never names patient data
    /// or a root cause.
    pub fn description(self) -> &'static str {
        match self {
            Self::Malformed => {
                "A message could not be read: it was damaged or not in the Dermis sync format."
            }
            Self::UnsupportedVersion => {
                "This node and the hub speak different versions of the sync protocol; update the node."
            }
            Self::FrameTooLarge => "A message was larger than the hub accepts.",
            Self::Unauthorized => {
                "The node's token was missing or not recognised; enroll the node again."
            }
            Self::Revoked => "This node's access has been revoked by an administrator.",
            Self::Forbidden => {
                "The node asked for something outside its clinic or its permissions."
            }
            Self::RateLimited => "The node sent too much too quickly; it will retry after a pause.",
            Self::ProtocolViolation => {
                "The node sent a message the hub did not expect at this point of the conversation."
            }
            Self::Internal => "The hub hit an internal error; the node will retry.",
            Self::ShuttingDown => "The hub is restarting; the node will reconnect.",
            Self::InvalidDocument => "A document was refused because its contents are not valid.",
            Self::Timeout => "The connection was idle for too long.",
            Self::Unknown(_) => {
                "The hub reported an error this version of Dermis does not recognise."
            }
        }
    }
}

impl From<u16> for ErrorCode {
    fn from(code: u16) -> Self {
        Self::from_u16(code)
    }
}

impl From<ErrorCode> for u16 {
    fn from(code: ErrorCode) -> Self {
        code.as_u16()
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown(code) => write!(f, "unknown ({code})"),
            known => f.write_str(known.as_str()),
        }
    }
}

/// Why a frame was refused. Nothing of a refused frame is applied.
///
/// `what` names the field being read, never its contents, so these errors are safe to
/// log: a frame can carry patient data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("frame of {len} bytes exceeds the limit of {max}")]
    TooLarge { len: usize, max: usize },
    #[error("not a Dermis sync frame (bad magic)")]
    BadMagic,
    #[error(
        "protocol version {got} is not supported (this build speaks {})",
        super::PROTOCOL_VERSION
    )]
    UnsupportedVersion { got: u8 },
    #[error("unknown message type 0x{code:02x}")]
    UnknownType { code: u8 },
    #[error("frame ends inside {what}")]
    Truncated { what: &'static str },
    #[error("invalid {what}")]
    Invalid { what: &'static str },
    #[error("{what}: {count} exceeds the limit of {max}")]
    TooMany {
        what: &'static str,
        count: u64,
        max: usize,
    },
    #[error("{count} unexpected bytes after the message")]
    TrailingBytes { count: usize },
}

impl DecodeError {
    /// The code the hub sends back before closing.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::TooLarge { .. } => ErrorCode::FrameTooLarge,
            Self::UnsupportedVersion { .. } => ErrorCode::UnsupportedVersion,
            Self::BadMagic
            | Self::UnknownType { .. }
            | Self::Truncated { .. }
            | Self::Invalid { .. }
            | Self::TooMany { .. }
            | Self::TrailingBytes { .. } => ErrorCode::Malformed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_u16_round_trips() {
        for code in 0..=u16::MAX {
            assert_eq!(ErrorCode::from_u16(code).as_u16(), code);
        }
    }

    #[test]
    fn named_codes_are_one_to_twelve_in_order() {
        for (index, code) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(usize::from(code.as_u16()), index + 1);
            assert!(!matches!(code, ErrorCode::Unknown(_)));
        }
        assert_eq!(ErrorCode::from_u16(0), ErrorCode::Unknown(0));
        assert_eq!(ErrorCode::from_u16(13), ErrorCode::Unknown(13));
    }

    #[test]
    fn close_codes_are_4000_plus_code() {
        assert_eq!(ErrorCode::Malformed.close_code(), 4001);
        assert_eq!(ErrorCode::Revoked.close_code(), 4005);
        assert_eq!(ErrorCode::Timeout.close_code(), 4012);
        assert_eq!(ErrorCode::Unknown(999).close_code(), 4999);
        assert_eq!(ErrorCode::Unknown(1000).close_code(), 4000);
        assert_eq!(ErrorCode::Unknown(u16::MAX).close_code(), 4000);
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_close_code(code.close_code()), Some(code));
        }
        assert_eq!(ErrorCode::from_close_code(1000), None);
        assert_eq!(ErrorCode::from_close_code(3999), None);
        assert_eq!(ErrorCode::from_close_code(5000), None);
        assert_eq!(
            ErrorCode::from_close_code(4500),
            Some(ErrorCode::Unknown(500))
        );
    }

    #[test]
    fn names_are_unique_snake_case_and_described() {
        let names: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), ErrorCode::ALL.len());
        for code in ErrorCode::ALL {
            let name = code.as_str();
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{name}"
            );
            assert!(code.description().ends_with('.'), "{name}");
            assert_eq!(code.to_string(), name);
        }
        let descriptions: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.description()).collect();
        assert_eq!(descriptions.len(), ErrorCode::ALL.len());
        assert_eq!(ErrorCode::Unknown(77).to_string(), "unknown (77)");
    }

    #[test]
    fn decode_errors_map_to_codes() {
        assert_eq!(
            DecodeError::TooLarge { len: 2, max: 1 }.code(),
            ErrorCode::FrameTooLarge
        );
        assert_eq!(
            DecodeError::UnsupportedVersion { got: 2 }.code(),
            ErrorCode::UnsupportedVersion
        );
        for other in [
            DecodeError::BadMagic,
            DecodeError::UnknownType { code: 9 },
            DecodeError::Truncated { what: "x" },
            DecodeError::Invalid { what: "x" },
            DecodeError::TooMany {
                what: "x",
                count: 2,
                max: 1,
            },
            DecodeError::TrailingBytes { count: 1 },
        ] {
            assert_eq!(other.code(), ErrorCode::Malformed, "{other}");
        }
    }
}
