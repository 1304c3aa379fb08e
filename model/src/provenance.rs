//! Who made a change: the one small, versioned record every Automerge change a node or
//! the hub makes carries in its message.
//!
//! The audit trail, the hub's rules on what a node may change, and "who changed what,
//! when, where" on conflicts all read this one record, so its encoding lives here and
//! nowhere else. It is deliberately tiny (one line of ASCII, ~90 bytes) because it rides
//! on every change, and it never holds clinical content.
//!
//! Encoding, version 1: `dermis/1 by=<author> node=<node id>` where `<author>` is
//! `user:<uuid>`, `operator` or `hub`; `node=` is absent for the hub. Readers accept any
//! later version whose fields they understand and ignore fields they do not know, so a
//! newer writer never makes an older reader refuse a change.

use std::fmt;

use automerge::transaction::CommitOptions;
use automerge::{Automerge, Change, ChangeHash};

use crate::{NodeId, UserId};

/// The prefix of every provenance message; the number after the slash is the version.
const PREFIX: &str = "dermis/";
/// The version this crate writes.
pub const PROVENANCE_VERSION: u32 = 1;

/// Who acted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Author {
    /// A signed-in staff user of the clinic.
    User(UserId),
    /// The node's operator: a node without staff users yet, or a setup script.
    Operator,
    /// The hub's own document writer (thumbnails ready, Calendly bookings, erasures).
    Hub,
}

/// The record a change carries: who made it and on which workstation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Provenance {
    pub author: Author,
    /// The node the change was made on; `None` for the hub.
    pub node: Option<NodeId>,
}

/// Why a change message is not a provenance record this crate can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProvenanceError {
    #[error("the change carries no message")]
    Missing,
    #[error("the change message is not a Dermis provenance record")]
    Foreign,
    #[error("the provenance record has a malformed field `{field}`")]
    Malformed { field: &'static str },
}

impl Provenance {
    pub fn user(user: UserId, node: NodeId) -> Self {
        Self {
            author: Author::User(user),
            node: Some(node),
        }
    }

    pub fn operator(node: NodeId) -> Self {
        Self {
            author: Author::Operator,
            node: Some(node),
        }
    }

    pub fn hub() -> Self {
        Self {
            author: Author::Hub,
            node: None,
        }
    }

    /// The message to commit a change with.
    pub fn encode(&self) -> String {
        self.to_string()
    }

    /// How to commit a change made at `now`: this record as its message, and the time
    /// (Automerge's change time is in seconds).
    pub fn commit_options(&self, now: crate::Millis) -> CommitOptions {
        CommitOptions::default()
            .with_message(self.encode())
            .with_time(now.div_euclid(1000))
    }

    /// Reads a change message. Unknown fields (from a later version) are ignored.
    pub fn decode(message: Option<&str>) -> Result<Self, ProvenanceError> {
        let message = message.ok_or(ProvenanceError::Missing)?;
        let mut parts = message.split(' ');
        let head = parts.next().unwrap_or_default();
        let version = head
            .strip_prefix(PREFIX)
            .and_then(|v| v.parse::<u32>().ok())
            .ok_or(ProvenanceError::Foreign)?;
        if version == 0 {
            return Err(ProvenanceError::Foreign);
        }
        let mut author = None;
        let mut node = None;
        for part in parts {
            let Some((key, value)) = part.split_once('=') else {
                continue;
            };
            match key {
                "by" => {
                    author = Some(match value {
                        "operator" => Author::Operator,
                        "hub" => Author::Hub,
                        other => {
                            let id = other
                                .strip_prefix("user:")
                                .and_then(|u| u.parse::<UserId>().ok())
                                .ok_or(ProvenanceError::Malformed { field: "by" })?;
                            Author::User(id)
                        }
                    })
                }
                "node" => {
                    node = Some(
                        value
                            .parse::<NodeId>()
                            .map_err(|_| ProvenanceError::Malformed { field: "node" })?,
                    )
                }
                _ => {}
            }
        }
        let author = author.ok_or(ProvenanceError::Malformed { field: "by" })?;
        Ok(Self { author, node })
    }

    /// The provenance a change carries (a change received from a peer, before it is applied).
    pub fn of(change: &Change) -> Result<Self, ProvenanceError> {
        Self::decode(change.message())
    }

    /// The provenance of one change of `doc`, if the document holds that change.
    pub fn of_change(doc: &Automerge, hash: &ChangeHash) -> Option<Result<Self, ProvenanceError>> {
        doc.get_change_meta_by_hash(hash)
            .map(|meta| Self::decode(meta.message.as_deref()))
    }
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{PROVENANCE_VERSION} by=")?;
        match self.author {
            Author::User(id) => write!(f, "user:{id}")?,
            Author::Operator => f.write_str("operator")?,
            Author::Hub => f.write_str("hub")?,
        }
        if let Some(node) = self.node {
            write!(f, " node={node}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};

    #[test]
    fn round_trips_every_author() {
        let node = NodeId::new();
        for p in [
            Provenance::user(UserId::new(), node),
            Provenance::operator(node),
            Provenance::hub(),
        ] {
            assert_eq!(Provenance::decode(Some(&p.encode())), Ok(p));
        }
    }

    #[test]
    fn a_later_version_with_extra_fields_still_reads() {
        let user = UserId::new();
        let node = NodeId::new();
        let msg = format!("dermis/7 by=user:{user} node={node} role=doctor sig=abc");
        assert_eq!(
            Provenance::decode(Some(&msg)),
            Ok(Provenance::user(user, node))
        );
    }

    #[test]
    fn foreign_and_malformed_messages_are_told_apart() {
        assert_eq!(Provenance::decode(None), Err(ProvenanceError::Missing));
        assert_eq!(
            Provenance::decode(Some("fixed typo")),
            Err(ProvenanceError::Foreign)
        );
        assert_eq!(
            Provenance::decode(Some("dermis/0 by=hub")),
            Err(ProvenanceError::Foreign)
        );
        assert_eq!(
            Provenance::decode(Some("dermis/1 by=user:nope")),
            Err(ProvenanceError::Malformed { field: "by" })
        );
        assert_eq!(
            Provenance::decode(Some("dermis/1 node=x by=hub")),
            Err(ProvenanceError::Malformed { field: "node" })
        );
        assert_eq!(
            Provenance::decode(Some("dermis/1 node=")),
            Err(ProvenanceError::Malformed { field: "node" })
        );
    }

    #[test]
    fn is_read_back_from_a_committed_change() {
        let p = Provenance::operator(NodeId::new());
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "k", 1).unwrap();
        let hash = doc
            .commit_with(CommitOptions::default().with_message(p.encode()))
            .unwrap();
        let doc = doc.document();
        assert_eq!(Provenance::of_change(doc, &hash), Some(Ok(p)));
    }
}
