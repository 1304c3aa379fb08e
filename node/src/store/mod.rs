//! The node's local store: Automerge documents in SQLite, plus the index tables that
//! lists and search read. WAL with `synchronous=FULL`, so an edit the UI shows as saved
//! survives kill -9 and power loss. One transaction writes a document's change, its index
//! rows and its outbox entry. Several processes (the app, the CLI, the sync daemon) may
//! use one store at once: writers take SQLite's write lock before reading what they edit.

pub mod audit;
pub mod calendar;

/// Statements run with each document a transaction writes, kept prepared: parsing them
/// again for every document was a tenth of a node's work applying a live update.
pub trait Exec {
    fn exec<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;
}

impl Exec for Connection {
    fn exec<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }
}

mod cache;
mod checkpoint;
mod deferred;
pub mod drafts;
pub mod erasure;
mod export;
pub use deferred::{DEFERRABLE as DEFERRABLE_INDEXES, index_statements};
pub use export::{encrypt_plain_copy, snapshot};
pub mod index;
pub mod journal;
mod lean;
pub mod merges;
pub mod migrate;
mod open;
pub use open::{bench_plain_stores, mark_restored};
pub mod photo_cache;
pub mod photo_uploads;
pub mod pos;
pub mod queries;
mod received;
pub use received::{Decoded, decode_received, decoded_with_derivation};
mod sign_in;
pub mod sync_rows;
pub use sign_in::Failures as SignInFailures;
mod write;
pub use write::{Applied, Tx};

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use automerge::{AutoCommit, ChangeHash};
use dermis_model::provenance::{Author, Provenance};
use dermis_model::{DocId, DocType, Millis, NodeId};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use cache::DocCache;
use open::keyed;
use write::{Origin, Pending};

/// `PRAGMA application_id` of a Dermis node store ("DRMN"): a foreign SQLite file is
/// recognised and refused instead of being written into.
pub const APPLICATION_ID: i32 = 0x4452_4D4E;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no Dermis store at {path}; run `dermis-node init` first")]
    NotInitialized { path: PathBuf },
    #[error("a Dermis store already exists at {path}")]
    AlreadyInitialized { path: PathBuf },
    #[error("{path} is not a Dermis store ({reason}); it was left untouched")]
    NotAStore { path: PathBuf, reason: String },
    #[error(
        "the store at {path} was written by a newer Dermis (schema {found}, this build knows {supported}); upgrade dermis-node"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("the disk is full: nothing of this change was saved; free some space and try again")]
    DiskFull {
        #[source]
        source: rusqlite::Error,
    },
    #[error("the store is busy (another process holds it); try again")]
    Busy {
        #[source]
        source: rusqlite::Error,
    },
    #[error("migration {name} failed")]
    Migration {
        name: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    #[error("document {id} is unreadable")]
    Document {
        id: DocId,
        #[source]
        source: dermis_model::SchemaError,
    },
    #[error("document {id} is damaged")]
    Damaged {
        id: DocId,
        #[source]
        source: Box<automerge::AutomergeError>,
    },
    #[error("document {id} belongs to another clinic or is of another type")]
    Foreign { id: DocId },
    #[error("document {id} lacks changes it depends on")]
    MissingDeps { id: DocId },
    #[error("document {id} was refused")]
    Refused {
        id: DocId,
        #[source]
        source: dermis_sync::apply::ApplyError,
    },
    #[error("cannot read or write {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Key(#[from] crate::atrest::KeyError),
    #[error(
        "the key for this data dir does not open the store at {path} (a wrong key, or not a Dermis store); it was left untouched"
    )]
    WrongKey { path: PathBuf },
    #[error("patient {id} was erased; its data is not kept")]
    Erased { id: DocId },
    #[error("database error")]
    Sqlite {
        #[source]
        source: rusqlite::Error,
    },
}

impl From<rusqlite::Error> for StoreError {
    fn from(source: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        match source.sqlite_error_code() {
            Some(C::DiskFull) => StoreError::DiskFull { source },
            Some(C::DatabaseBusy | C::DatabaseLocked) => StoreError::Busy { source },
            _ => StoreError::Sqlite { source },
        }
    }
}

/// Heads as stored: the 32-byte hashes, sorted, concatenated.
pub fn encode_heads(heads: &[ChangeHash]) -> Vec<u8> {
    let mut sorted = heads.to_vec();
    sorted.sort();
    sorted.iter().flat_map(|h| h.0).collect()
}

pub fn decode_heads(bytes: &[u8]) -> Vec<ChangeHash> {
    bytes
        .chunks_exact(32)
        .filter_map(|c| <[u8; 32]>::try_from(c).ok().map(ChangeHash))
        .collect()
}

/// The meta key of a restored store's own Automerge actor (hex).
pub const ACTOR_META: &str = "actor";

pub struct Store {
    conn: Connection,
    path: PathBuf,
    cache: DocCache,
    checkpoints: checkpoint::Checkpointer,
    /// The Automerge actor local edits are written as (the node's).
    actor: Option<automerge::ActorId>,
    /// Who local edits are recorded as when a write does not say ([`Store::begin_as`]):
    /// the node's operator.
    by: Provenance,
}

/// The operator of a store whose node is not known yet.
const NO_NODE: Provenance = Provenance {
    author: Author::Operator,
    node: None,
};

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Sets the node local edits are made on: their Automerge actor, and the node their
    /// provenance names (the node's operator unless a write says who).
    pub fn set_node(&mut self, node: NodeId) {
        // A restored store writes as an actor of its own (meta `actor`): the original may
        // still be writing as the node's.
        let restored = self
            .meta(ACTOR_META)
            .ok()
            .flatten()
            .and_then(|hex| hex::decode(hex.trim()).ok())
            .filter(|bytes| bytes.len() == 16)
            .map(|bytes| automerge::ActorId::from(bytes.as_slice()));
        self.actor = Some(restored.unwrap_or_else(|| dermis_model::doc::actor_for_node(node)));
        self.by = Provenance::operator(node);
    }

    /// The Automerge actor this store's local edits are written as.
    pub fn actor(&self) -> Option<&automerge::ActorId> {
        self.actor.as_ref()
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        migrate::current(&self.conn)
    }

    pub fn set_cache_capacity(&mut self, capacity: usize) {
        self.cache = DocCache::new(capacity);
    }

    pub fn cached_docs(&self) -> usize {
        self.cache.len()
    }

    /// Read access to the index tables.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Limits the database file to `pages` pages: how tests simulate a full disk.
    #[doc(hidden)]
    pub fn limit_pages(&self, pages: i64) -> Result<(), StoreError> {
        self.conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))?;
        Ok(())
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    /// Starts a write as the node's operator: takes SQLite's write lock at once, so what
    /// is read inside the transaction cannot be changed by another process before it
    /// commits.
    pub fn begin(&mut self, now: Millis) -> Result<Tx<'_>, StoreError> {
        let by = self.by;
        self.begin_as(now, by)
    }

    /// Starts a write whose local edits are recorded as made by `by` (the signed-in
    /// staff user): every change it commits carries that record in its message.
    pub fn begin_as(&mut self, now: Millis, by: Provenance) -> Result<Tx<'_>, StoreError> {
        self.checkpoints.before_write(&self.conn);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        Ok(Tx {
            tx,
            cache: &mut self.cache,
            checkpoints: &mut self.checkpoints,
            actor: self.actor.as_ref(),
            pending: HashMap::new(),
            order: Vec::new(),
            lean: lean::LeanDocs::default(),
            now,
            by,
        })
    }

    /// Runs `f` on a document, loading it on demand through the cache.
    pub fn with_doc<T>(
        &mut self,
        id: DocId,
        f: impl FnOnce(&AutoCommit) -> T,
    ) -> Result<Option<T>, StoreError> {
        self.with_doc_mut(id, |doc| f(doc))
    }

    /// Like [`Self::with_doc`] for Automerge calls that need `&mut` without changing the
    /// document (`save`, `get_heads`). `f` must not edit: edits go through [`Tx`].
    pub fn with_doc_mut<T>(
        &mut self,
        id: DocId,
        f: impl FnOnce(&mut AutoCommit) -> T,
    ) -> Result<Option<T>, StoreError> {
        let row: Option<(i64, Vec<u8>)> = self
            .conn
            .prepare_cached("SELECT rev, heads FROM docs WHERE id = ?1")?
            .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((rev, heads)) = row else {
            return Ok(None);
        };
        let (mut doc, rev) =
            cached_or_loaded(&self.conn, &mut self.cache, id, rev, &decode_heads(&heads))?;
        let out = f(&mut doc);
        self.cache.put(id, rev, doc);
        Ok(Some(out))
    }

    /// The document as stored, without loading it: its snapshot followed by its change
    /// rows (the form `load_incremental` and the hub's push parser read), and its heads.
    /// A first push of a document sends this as it is: loading and saving every new
    /// document again cost the node ~1 ms each, most of a first push's own time.
    pub fn stored_bytes(&self, id: DocId) -> Result<Option<StoredBytes>, StoreError> {
        let key = id.to_string();
        let row: Option<(Vec<u8>, Vec<u8>)> = self
            .conn
            .prepare_cached("SELECT snapshot, heads FROM docs WHERE id = ?1")?
            .query_row([&key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((mut data, heads)) = row else {
            return Ok(None);
        };
        for_each_change(&self.conn, &key, |change| {
            data.extend_from_slice(&change);
            Ok(())
        })?;
        Ok(Some(StoredBytes {
            data,
            heads: decode_heads(&heads),
        }))
    }

    /// The document's heads and type, without loading it.
    pub fn doc_heads(&self, id: DocId) -> Result<Option<(DocType, Vec<ChangeHash>)>, StoreError> {
        let row: Option<(String, Vec<u8>)> = self
            .conn
            .prepare_cached("SELECT doc_type, heads FROM docs WHERE id = ?1")?
            .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(row.and_then(|(t, h)| DocType::parse(&t).map(|t| (t, decode_heads(&h)))))
    }

    /// PRAGMA data_version: changes whenever another connection commits. Cheap; lets a
    /// long-running process notice writes by other processes.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |r| r.get(0))?)
    }
}

/// Loads a document from its snapshot and changes.
/// A document as [`Store::stored_bytes`] reads it.
#[derive(Debug)]
pub struct StoredBytes {
    /// The snapshot, then each change row in order.
    pub data: Vec<u8>,
    pub heads: Vec<ChangeHash>,
}

fn load_doc(conn: &Connection, id: DocId) -> Result<Option<(AutoCommit, i64)>, StoreError> {
    let row: Option<(Vec<u8>, i64)> = conn
        .prepare_cached("SELECT snapshot, rev FROM docs WHERE id = ?1")?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((snapshot, rev)) = row else {
        return Ok(None);
    };
    let mut doc = AutoCommit::load(&snapshot).map_err(|source| StoreError::Damaged {
        id,
        source: Box::new(source),
    })?;
    for_each_change(conn, &id.to_string(), |change| {
        doc.load_incremental(&change)
            .map(drop)
            .map_err(|source| StoreError::Damaged {
                id,
                source: Box::new(source),
            })
    })?;
    dermis_model::doc::forget_applied(&mut doc);
    Ok(Some((doc, rev)))
}

/// Document `id`, whose row is at `rev` with `heads`, taken out of `cache`: the copy
/// cached at `rev`, a stale copy [`caught_up`], or else loaded from its rows; with the
/// rev it is at (a load reads the row again).
fn cached_or_loaded(
    conn: &Connection,
    cache: &mut DocCache,
    id: DocId,
    rev: i64,
    heads: &[ChangeHash],
) -> Result<(AutoCommit, i64), StoreError> {
    match cache.take_any(&id) {
        Some((cached, doc)) if cached == rev => return Ok((doc, rev)),
        Some((_, stale)) => {
            if let Some(doc) = caught_up(conn, id, stale, heads) {
                return Ok((doc, rev));
            }
        }
        None => {}
    }
    load_doc(conn, id)?.ok_or(StoreError::Foreign { id })
}

/// A copy of document `id` cached before another connection wrote it (the window and the
/// sync thread each keep their own), brought up to the stored version with the change
/// rows (at most a compaction's worth, [`dermis_sync::plan::COMPACT_AFTER_CHANGES`])
/// instead of loading the snapshot again: every edit appends to the day's ledger, which
/// takes 11 ms to load at 2,000 entries. `None` unless that gives exactly the stored
/// `heads` (the rows were compacted since, or do not apply): then the caller loads.
fn caught_up(
    conn: &Connection,
    id: DocId,
    mut doc: AutoCommit,
    heads: &[ChangeHash],
) -> Option<AutoCommit> {
    let applied = for_each_change(conn, &id.to_string(), |change| {
        doc.load_incremental(&change)
            .map(drop)
            .map_err(|source| StoreError::Damaged {
                id,
                source: Box::new(source),
            })
    });
    dermis_model::doc::forget_applied(&mut doc);
    let mut have = doc.get_heads();
    let mut want = heads.to_vec();
    have.sort();
    want.sort();
    (applied.is_ok() && have == want).then_some(doc)
}

/// Runs `each` on the document's change rows (key `id`), in the order they were written.
fn for_each_change(
    conn: &Connection,
    id: &str,
    mut each: impl FnMut(Vec<u8>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT data FROM doc_changes WHERE doc_id = ?1 ORDER BY n")?;
    for change in stmt.query_map([id], |r| r.get::<_, Vec<u8>>(0))? {
        each(change?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_encode_sorted_and_decode() {
        let a = ChangeHash([2; 32]);
        let b = ChangeHash([1; 32]);
        let bytes = encode_heads(&[a, b]);
        assert_eq!(bytes.len(), 64);
        assert_eq!(decode_heads(&bytes), vec![b, a]);
    }
}
