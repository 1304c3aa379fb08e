//! The storage side of sync, as traits. [`DocStore`] is what every document store offers
//! (the node's SQLite store, the hub's Postgres and embedded SQLite stores, the in-memory
//! store of the simulation); its conformance suite is in [`crate::conformance`].
//! [`NodeSyncStore`] is what a node additionally keeps for sync: its outbox, what the hub
//! has confirmed, and its cursor in the hub's change log.
//!
//! Every method returns a `Result`: a write that fails is reported, never dropped. A
//! store's error says what kind of failure it is ([`StoreFault`]), and crosses into the
//! protocol engines as a [`StoreFailure`] that keeps that kind and the cause: a session
//! ends the same way whatever failed, but the log and the node's status can tell a full
//! disk from a database that is down.

use std::future::Future;
use std::sync::Arc;

use automerge::ChangeHash;
use dermis_model::ClinicId;
use uuid::Uuid;

use crate::wire::{DocData, DocPush, ErrorCode, FetchItem, IndexEntry, OutboxStats, PushOutcome};

/// What kind of failure a store had, decided where the database's error is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// The database cannot be reached (a connection or pool gone, a stopped store
    /// thread, an IO error): retrying later may help.
    Unavailable,
    /// Another writer holds the store: retrying soon should help.
    Busy,
    /// The disk is full: nothing of the write was kept.
    DiskFull,
    /// Stored data does not read back (a damaged document, a corrupt database file).
    Corrupt,
    /// The database refused the operation (read-only, permissions, a constraint).
    Refused,
    /// Anything else.
    Other,
}

impl FailureKind {
    /// A few words for logs and the node's status; never any stored data.
    pub fn describe(self) -> &'static str {
        match self {
            FailureKind::Unavailable => "store unavailable",
            FailureKind::Busy => "store busy",
            FailureKind::DiskFull => "disk full",
            FailureKind::Corrupt => "stored data damaged",
            FailureKind::Refused => "store refused the write",
            FailureKind::Other => "store failed",
        }
    }
}

impl FailureKind {
    /// The kind of an SQLite result code (its primary code: the low byte of an extended
    /// one), as both the node's and the hub's embedded store see it.
    pub fn of_sqlite_code(code: i32) -> FailureKind {
        match code & 0xff {
            13 => FailureKind::DiskFull,             // SQLITE_FULL
            5 | 6 => FailureKind::Busy,              // SQLITE_BUSY, SQLITE_LOCKED
            11 | 26 => FailureKind::Corrupt,         // SQLITE_CORRUPT, SQLITE_NOTADB
            3 | 8 | 19 | 23 => FailureKind::Refused, // SQLITE_PERM, _READONLY, _CONSTRAINT, _AUTH
            10 | 14 | 7 => FailureKind::Unavailable, // SQLITE_IOERR, _CANTOPEN, _NOMEM
            _ => FailureKind::Other,
        }
    }

    /// The kind of a Postgres SQLSTATE (its class, the first two characters, unless the
    /// code itself says more).
    pub fn of_sql_state(state: &str) -> FailureKind {
        match state {
            "53100" => FailureKind::DiskFull,                 // disk_full
            "40001" | "40P01" | "55P03" => FailureKind::Busy, // serialization, deadlock, lock
            "XX001" | "XX002" => FailureKind::Corrupt,        // data_corrupted, index_corrupted
            "25006" => FailureKind::Refused,                  // read_only_sql_transaction
            _ => match state.get(..2) {
                Some("08" | "53" | "57") => FailureKind::Unavailable, // connection, resources, shutdown
                Some("23" | "42") => FailureKind::Refused,            // integrity, access / syntax
                Some("XX") => FailureKind::Corrupt,
                _ => FailureKind::Other,
            },
        }
    }
}

impl std::fmt::Display for FailureKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

/// A store error that knows its [`FailureKind`]. The default is
/// [`FailureKind::Other`]; a store maps its database's error codes once, here.
pub trait StoreFault: std::error::Error + Send + Sync + 'static {
    fn kind(&self) -> FailureKind {
        FailureKind::Other
    }
}

/// A failed store operation, as handed to an engine: its kind and the store's error. Its
/// message is the kind alone (what may reach the other side of a connection); the cause
/// is its [`std::error::Error::source`], for the local log.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{kind}")]
pub struct StoreFailure {
    pub kind: FailureKind,
    #[source]
    cause: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
}

impl StoreFailure {
    /// The failure of `error`, of the kind it says it is.
    pub fn of<E: StoreFault>(error: E) -> StoreFailure {
        StoreFailure {
            kind: error.kind(),
            cause: Some(Arc::new(error)),
        }
    }

    /// A failure with no error behind it (a simulated one, in tests).
    pub fn kind_only(kind: FailureKind) -> StoreFailure {
        StoreFailure { kind, cause: None }
    }
}

/// Equal when of one kind with causes that read the same (errors are not comparable).
impl PartialEq for StoreFailure {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.cause.as_ref().map(|c| c.to_string())
                == other.cause.as_ref().map(|c| c.to_string())
    }
}

impl Eq for StoreFailure {}

/// One page of a clinic's change log after a cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangePage {
    /// Documents whose latest change has a seq in `(cursor, up_to]`, by ascending seq.
    pub entries: Vec<IndexEntry>,
    /// The seq this page reaches; the next page starts after it.
    pub up_to: u64,
    /// Whether documents with a higher seq exist.
    pub more: bool,
}

/// What a store offers sync. Documents are scoped by clinic: a store never lets one
/// clinic read or write another's documents, whatever ids it is given.
pub trait DocStore: Send {
    type Error: StoreFault;

    /// Applies each document's bytes (Automerge changes or a saved document). Each
    /// document is all-or-nothing: applied and given a new seq, left alone when nothing
    /// new arrived, `NeedFull` when it depends on changes the store lacks, or `Rejected`
    /// (another clinic's id, an unreadable document, a type that does not match).
    fn apply(
        &mut self,
        clinic: ClinicId,
        docs: &[DocPush],
    ) -> impl Future<Output = Result<Vec<PushOutcome>, Self::Error>> + Send;

    /// The clinic's documents changed after `cursor`, oldest change first.
    fn changed_since(
        &mut self,
        clinic: ClinicId,
        cursor: u64,
        limit: usize,
    ) -> impl Future<Output = Result<ChangePage, Self::Error>> + Send;

    /// For each item: the changes after `have` (the whole document when `have` is empty
    /// or unknown), or `None` when the clinic has no such document.
    fn fetch(
        &mut self,
        clinic: ClinicId,
        items: &[FetchItem],
    ) -> impl Future<Output = Result<Vec<Option<DocData>>, Self::Error>> + Send;

    /// Answers a prefix of `items` (at least one item when there are any), stopping once
    /// its data reaches `max_bytes` (so at most `max_bytes` plus one document): what a fetch is served with, a frame at a time, so an
    /// answer never needs more memory than a frame or two however much is asked for.
    /// The default asks [`DocStore::fetch`] one document at a time.
    fn fetch_some(
        &mut self,
        clinic: ClinicId,
        items: &[FetchItem],
        max_bytes: usize,
    ) -> impl Future<Output = Result<Vec<Option<DocData>>, Self::Error>> + Send {
        async move {
            let mut out = Vec::new();
            let mut bytes = 0usize;
            for item in items {
                let mut one = self.fetch(clinic, std::slice::from_ref(item)).await?;
                let doc = one.pop().flatten();
                bytes = bytes.saturating_add(doc.as_ref().map_or(0, |d| d.data.len()));
                out.push(doc);
                if bytes >= max_bytes {
                    break;
                }
            }
            Ok(out)
        }
    }

    /// For each `(doc, heads)`: the document's encoded index derivation
    /// (`dermis_model::derivation::codec`) if one is stored at exactly those heads, else
    /// `None` (revision 6 bootstrap frames). The default stores none: the node then
    /// loads every document itself, as with a revision 5 hub.
    fn derivations(
        &mut self,
        clinic: ClinicId,
        items: &[(Uuid, Vec<ChangeHash>)],
    ) -> impl Future<Output = Result<Vec<Option<Vec<u8>>>, Self::Error>> + Send {
        let _ = clinic;
        let none = vec![None; items.len()];
        async move { Ok(none) }
    }

    /// The clinic's appointments that start in `[from, to)` and are not canceled,
    /// earliest first, at most `limit`, with the patient each names: what a first sync
    /// sends before the change log (revision 8, [`crate::boot_first`]). The default lists
    /// none (a store without a read model of appointments): the first sync is then in
    /// change-log order only, as in revision 7.
    fn booked_between(
        &mut self,
        clinic: ClinicId,
        from: crate::config::Millis,
        to: crate::config::Millis,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<crate::boot_first::Booked>, Self::Error>> + Send {
        let _ = (clinic, from, to, limit);
        async move { Ok(Vec::new()) }
    }

    /// The clinic's latest seq (0 for a clinic with no documents).
    fn latest_seq(
        &mut self,
        clinic: ClinicId,
    ) -> impl Future<Output = Result<u64, Self::Error>> + Send;
}

/// A document leaving the node's outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingDoc {
    pub push: DocPush,
    /// The outbox entry's version when read; only that version is cleared by the ack, so
    /// an edit made while the push was in flight stays queued.
    pub version: i64,
    /// The node's heads that `push.data` brings the hub up to.
    pub heads: Vec<ChangeHash>,
}

/// The hub's answer for one pushed document, with what the node needs to settle it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushAck {
    pub doc_id: Uuid,
    pub version: i64,
    pub heads: Vec<ChangeHash>,
    pub outcome: PushOutcome,
}

/// A document the node could not apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplyFailure {
    pub doc_id: Uuid,
    pub code: ErrorCode,
    pub reason: String,
}

/// What a node keeps for sync, beside its documents.
pub trait NodeSyncStore: Send {
    type Error: StoreFault;

    /// Up to `max_docs` outbox documents whose data totals at most `max_bytes`, oldest
    /// first, skipping documents the hub rejected until they are edited again. A
    /// document whose data alone is over `max_bytes` (what one frame to the hub may
    /// carry) is never sent: it is parked as rejected with code `frame_too_large`, as if
    /// the hub had refused it, so it cannot end every session.
    fn outbox_batch(
        &mut self,
        max_docs: usize,
        max_bytes: usize,
    ) -> impl Future<Output = Result<Vec<OutgoingDoc>, Self::Error>> + Send;

    /// Settles pushed documents: `Applied` clears the outbox entry (if its version is
    /// unchanged) and records the pushed heads as confirmed; `NeedFull` forgets what the
    /// hub was thought to have, so the next push sends the whole document; `Rejected`
    /// parks the entry with its reason.
    fn push_acked(
        &mut self,
        acks: &[PushAck],
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// For a page of the hub's change log: which documents to fetch and from which heads.
    /// Documents already up to date are settled here and need no fetch.
    fn plan_fetch(
        &mut self,
        entries: &[IndexEntry],
    ) -> impl Future<Output = Result<Vec<FetchItem>, Self::Error>> + Send;

    /// Applies documents from the hub in one transaction and, when given, moves the
    /// cursor in the same transaction — only if every document applied (a live update
    /// whose data did not apply must not move the cursor past it). Documents that cannot
    /// be applied are returned and leave the store as it was.
    fn apply_docs(
        &mut self,
        clinic: ClinicId,
        docs: &[DocData],
        cursor: Option<u64>,
    ) -> impl Future<Output = Result<Vec<ApplyFailure>, Self::Error>> + Send;

    fn cursor(&mut self) -> impl Future<Output = Result<u64, Self::Error>> + Send;

    fn outbox_stats(
        &mut self,
        now: dermis_model::Millis,
    ) -> impl Future<Output = Result<OutboxStats, Self::Error>> + Send;

    /// Keeps `token` durably as the token to reach the hub with, in place of the one in
    /// use; the node answers the hub only after this returns.
    fn store_token(&mut self, token: &str) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("write failed")]
    struct Full {
        #[source]
        source: std::io::Error,
    }

    impl StoreFault for Full {
        fn kind(&self) -> FailureKind {
            FailureKind::DiskFull
        }
    }

    #[test]
    fn a_failure_says_its_kind_and_keeps_the_whole_cause() {
        let failure = StoreFailure::of(Full {
            source: std::io::Error::other("no space left on device"),
        });
        assert_eq!(failure.kind, FailureKind::DiskFull);
        assert_eq!(failure.to_string(), "disk full");
        assert_eq!(
            crate::driver::error_chain(&failure),
            "disk full: write failed: no space left on device"
        );
    }

    #[test]
    fn database_codes_map_to_kinds() {
        // SQLITE_FULL, SQLITE_BUSY, SQLITE_IOERR_WRITE (778), SQLITE_CORRUPT, SQLITE_NOTADB.
        assert_eq!(FailureKind::of_sqlite_code(13), FailureKind::DiskFull);
        assert_eq!(FailureKind::of_sqlite_code(5), FailureKind::Busy);
        assert_eq!(FailureKind::of_sqlite_code(778), FailureKind::Unavailable);
        assert_eq!(FailureKind::of_sqlite_code(11), FailureKind::Corrupt);
        assert_eq!(FailureKind::of_sqlite_code(26), FailureKind::Corrupt);
        assert_eq!(FailureKind::of_sqlite_code(1), FailureKind::Other);
        assert_eq!(FailureKind::of_sql_state("53100"), FailureKind::DiskFull);
        assert_eq!(FailureKind::of_sql_state("57P01"), FailureKind::Unavailable);
        assert_eq!(FailureKind::of_sql_state("08006"), FailureKind::Unavailable);
        assert_eq!(FailureKind::of_sql_state("40P01"), FailureKind::Busy);
        assert_eq!(FailureKind::of_sql_state("23505"), FailureKind::Refused);
        assert_eq!(FailureKind::of_sql_state("XX001"), FailureKind::Corrupt);
        assert_eq!(FailureKind::of_sql_state("22P02"), FailureKind::Other);
    }
}
