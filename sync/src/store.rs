//! The storage side of sync, as traits. [`DocStore`] is what every document store offers
//! (the node's SQLite store, the hub's Postgres and embedded SQLite stores, the in-memory
//! store of the simulation); its conformance suite is in [`crate::conformance`].
//! [`NodeSyncStore`] is what a node additionally keeps for sync: its outbox, what the hub
//! has confirmed, and its cursor in the hub's change log.
//!
//! Every method returns a `Result`: a write that fails is reported, never dropped.

use std::future::Future;

use automerge::ChangeHash;
use dermis_model::ClinicId;
use uuid::Uuid;

use crate::wire::{DocData, DocPush, ErrorCode, FetchItem, IndexEntry, OutboxStats, PushOutcome};

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
    type Error: std::error::Error + Send + Sync + 'static;

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
    type Error: std::error::Error + Send + Sync + 'static;

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
