//! The document plan both hub stores share, with no IO: deciding what a pushed batch does
//! to the stored documents ([`plan_apply`], in `push`) and answering a fetch from stored
//! rows ([`fetched`], in `fetch`). A store loads the rows, calls these, and writes what
//! they say. This module holds what both halves read: the stored form of a document and
//! how it loads.
//!
//! Documents are stored as a snapshot plus incremental change rows, folded into a new
//! snapshot after [`COMPACT_AFTER_CHANGES`] changes or [`COMPACT_AFTER_BYTES`] bytes (the
//! node's store folds by the same rule, [`should_compact`]). A document received whole is
//! stored as received.

use automerge::{AutoCommit, ChangeHash};
use dermis_model::ClinicId;
use uuid::Uuid;

mod cache;
mod fetch;
mod push;

pub use cache::{CacheStats, DocCache};
pub use fetch::fetched;
pub(crate) use push::rejected;
pub use push::{Plan, Write, plan_apply};

pub const COMPACT_AFTER_CHANGES: i64 = 64;
pub const COMPACT_AFTER_BYTES: i64 = 64 * 1024;

/// Whether a document with `change_count` change rows totalling `change_bytes` should
/// fold a new change of `new_bytes` into its snapshot instead of adding a row.
pub fn should_compact(change_count: i64, change_bytes: i64, new_bytes: usize) -> bool {
    change_count + 1 >= COMPACT_AFTER_CHANGES
        || change_bytes.saturating_add(i64::try_from(new_bytes).unwrap_or(i64::MAX))
            >= COMPACT_AFTER_BYTES
}

/// A stored document that does not load: the store is damaged, not the push.
#[derive(Debug, thiserror::Error)]
#[error("stored document {id} does not load")]
pub struct Damaged {
    pub id: Uuid,
    #[source]
    pub source: Box<automerge::AutomergeError>,
}

/// A document's row and change rows, as loaded by a store.
#[derive(Clone, Debug)]
pub struct StoredDoc {
    pub clinic: ClinicId,
    pub doc_type: String,
    pub seq: u64,
    pub heads: Vec<ChangeHash>,
    pub snapshot: Vec<u8>,
    /// The change rows in order.
    pub changes: Vec<Vec<u8>>,
    /// The document's heads after each change row, where the store recorded them (empty
    /// for a row written before it did): a node at one of these versions is sent the
    /// rows after it without a load ([`fetched`]).
    pub change_heads: Vec<Vec<ChangeHash>>,
    pub change_count: i64,
    pub change_bytes: i64,
}

/// Heads in one order, so that two lists of the same heads compare equal.
pub(crate) fn sorted(mut heads: Vec<ChangeHash>) -> Vec<ChangeHash> {
    heads.sort();
    heads
}

/// [`load`], or a copy of the document `cache` keeps at the stored heads.
pub fn load_cached(id: Uuid, stored: &StoredDoc, cache: &DocCache) -> Result<AutoCommit, Damaged> {
    match cache.get(id, &stored.heads) {
        Some(doc) => Ok(doc),
        None => load(id, stored),
    }
}

/// The saved size of a stored document: what it costs in a [`DocCache`]'s budget.
pub fn stored_len(stored: &StoredDoc) -> usize {
    stored.snapshot.len() + stored.changes.iter().map(Vec::len).sum::<usize>()
}

/// Loads a stored document: its snapshot, then its change rows.
pub fn load(id: Uuid, stored: &StoredDoc) -> Result<AutoCommit, Damaged> {
    let damaged = |source| Damaged {
        id,
        source: Box::new(source),
    };
    let mut doc = AutoCommit::load(&stored.snapshot).map_err(damaged)?;
    for change in &stored.changes {
        doc.load_incremental(change).map_err(damaged)?;
    }
    dermis_model::doc::forget_applied(&mut doc);
    Ok(doc)
}

#[cfg(test)]
mod test_docs {
    use super::*;

    /// `doc` as a store holds it right after inserting it at `seq`: a snapshot, no rows.
    pub(super) fn stored_from(clinic: ClinicId, doc: &mut AutoCommit, seq: u64) -> StoredDoc {
        StoredDoc {
            clinic,
            doc_type: "patient".into(),
            seq,
            heads: doc.get_heads(),
            snapshot: doc.save(),
            changes: Vec::new(),
            change_heads: Vec::new(),
            change_count: 0,
            change_bytes: 0,
        }
    }
}
