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
pub mod drafts;
pub mod erasure;
mod export;
pub use export::{encrypt_plain_copy, snapshot};
pub mod index;
pub mod journal;
mod lean;
pub mod merges;
pub mod migrate;
pub mod photo_cache;
pub mod photo_uploads;
pub mod pos;
pub mod queries;
mod sign_in;
pub mod sync_rows;
pub use sign_in::Failures as SignInFailures;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use automerge::{AutoCommit, ChangeHash};
use dermis_model::provenance::{Author, Provenance};
use dermis_model::{DocId, DocType, Millis, NodeId};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use cache::DocCache;

use crate::atrest::seal::FileKey;
use crate::atrest::{StoreKey, perms, upgrade};

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

/// Gives a restored store its own Automerge actor, so its edits never collide with the
/// original's (which may still be in use).
pub fn mark_restored(path: &Path, key: &StoreKey) -> Result<(), StoreError> {
    let conn = keyed(path, key)?;
    let actor = hex::encode(rand::random::<[u8; 16]>());
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [ACTOR_META, actor.as_str()],
    )?;
    Ok(())
}

/// The meta key of a restored store's own Automerge actor (hex).
pub const ACTOR_META: &str = "actor";

pub struct Store {
    conn: Connection,
    path: PathBuf,
    cache: DocCache,
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

/// Meta key recorded once every patient file of the data dir is sealed.
const FILES_SEALED: &str = "files_sealed";

/// Whether the file at `path` is a plain (unencrypted) SQLite database. Asked through
/// SQLite, never by reading the file directly: closing a descriptor of the store would
/// drop this process's POSIX locks on it, and another process closing its connection
/// would then take itself for the last one and delete the WAL under our feet.
fn is_plain_sqlite(path: &Path) -> Result<bool, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let header: Result<i64, _> =
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0));
    match header {
        Ok(_) => Ok(true),
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

fn data_dir_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Benches only: stores are made and opened plain, for the before/after figures.
static PLAIN_FOR_BENCH: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Makes this process create and open stores without encryption: the baseline of the
/// encryption cost in `make bench`. Not an environment switch on purpose: no setting of a
/// workstation can turn encryption off.
#[doc(hidden)]
pub fn bench_plain_stores(plain: bool) {
    PLAIN_FOR_BENCH.store(plain, std::sync::atomic::Ordering::Relaxed);
}

fn plain_for_bench() -> bool {
    PLAIN_FOR_BENCH.load(std::sync::atomic::Ordering::Relaxed)
}

/// Opens the store file with `key` and checks that the key opens it.
fn keyed(path: &Path, key: &StoreKey) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    if plain_for_bench() {
        return Ok(conn);
    }
    // The literal is hex this code made: nothing of a user's input reaches the SQL.
    conn.execute_batch(&format!("PRAGMA key = \"{}\";", key.sqlcipher_literal()))?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(conn),
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => {
            Err(StoreError::WrongKey {
                path: path.to_owned(),
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// The application id of a plain SQLite file, read without changing it.
fn plain_application_id(path: &Path) -> Result<i32, StoreError> {
    let not_a_store = |e: rusqlite::Error| StoreError::NotAStore {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(not_a_store)?;
    conn.query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(not_a_store)
}

fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(std::time::Duration::from_secs(15))?;
    // A write transaction runs a few dozen distinct statements (see [`Exec`]).
    conn.set_prepared_statement_cache_capacity(64);
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(mode, "store is not in WAL mode");
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Deleted content is overwritten, not left in free pages: an erased patient must not
    // be readable from the file even with the key.
    conn.pragma_update(None, "secure_delete", "ON")?;
    // Every page read from disk is decrypted (and its HMAC checked) once it misses this
    // cache: 16 MiB keeps the search index of a large clinic decrypted in memory
    // (SQLite's default of 2 MiB made a fresh process's searches 3x slower than plain).
    conn.pragma_update(None, "cache_size", -16_384)?;
    Ok(())
}

impl Store {
    /// Opens an existing store and migrates it to this build's schema. A file that is not
    /// a Dermis store, or one from a newer version, is refused and left as it is. A store
    /// of an earlier version that is still plain is encrypted in place first
    /// ([`crate::atrest::upgrade`]); one whose key is missing is refused, untouched.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if !path.exists() {
            return Err(StoreError::NotInitialized {
                path: path.to_owned(),
            });
        }
        let dir = data_dir_of(path);
        upgrade::clean_side_files(path)?;
        let key = if plain_for_bench() {
            StoreKey::from_bytes([0; 32])
        } else if is_plain_sqlite(path)? {
            let app_id = plain_application_id(path)?;
            if app_id != APPLICATION_ID {
                return Err(StoreError::NotAStore {
                    path: path.to_owned(),
                    reason: "an SQLite database of another application".into(),
                });
            }
            perms::mend_data_dir(dir).map_err(|source| StoreError::Io {
                path: dir.to_owned(),
                source,
            })?;
            // One process upgrades; another that opens meanwhile waits, then finds the
            // store encrypted.
            let _upgrading = upgrade::lock(dir)?;
            if is_plain_sqlite(path)? {
                upgrade::encrypt_store(path)?
            } else {
                crate::atrest::key::load(dir)?
            }
        } else {
            // Not plain SQLite: an encrypted store names its key by the store id beside
            // it; with neither that nor an explicit key file, it is no Dermis store.
            if crate::atrest::key::key_path(dir)?.is_none() {
                return Err(StoreError::NotAStore {
                    path: path.to_owned(),
                    reason: "neither an SQLite database nor an encrypted Dermis store (no store-id beside it)".into(),
                });
            }
            let key = crate::atrest::key::load(dir)?;
            perms::mend_data_dir(dir).map_err(|source| StoreError::Io {
                path: dir.to_owned(),
                source,
            })?;
            key
        };
        let mut conn = keyed(path, &key)?;
        let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        if app_id != APPLICATION_ID {
            return Err(StoreError::NotAStore {
                path: path.to_owned(),
                reason: "an SQLite database of another application".into(),
            });
        }
        let found = migrate::current(&conn)?;
        if found > migrate::latest() {
            return Err(StoreError::TooNew {
                path: path.to_owned(),
                found,
                supported: migrate::latest(),
            });
        }
        configure(&conn)?;
        migrate::run(&mut conn, migrate::latest())?;
        let store = Store {
            conn,
            path: path.to_owned(),
            cache: DocCache::new(128),
            actor: None,
            by: NO_NODE,
        };
        if store.meta(FILES_SEALED)?.is_none() && !plain_for_bench() {
            let sealed = upgrade::seal_plain_files(dir, &FileKey::new(key))?;
            if sealed > 0 {
                tracing::info!(sealed, "photo files of an earlier version were encrypted");
            }
            store.conn.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, '1')",
                [FILES_SEALED],
            )?;
        }
        Ok(store)
    }

    /// A connection to the store at `path`, keyed from its data dir: for tests, benches
    /// and tools that read the tables directly. Never creates a key.
    pub fn connect(path: &Path) -> Result<Connection, StoreError> {
        let key = crate::atrest::key::load(data_dir_of(path))?;
        let conn = keyed(path, &key)?;
        conn.busy_timeout(std::time::Duration::from_secs(15))?;
        Ok(conn)
    }

    /// Creates a new, empty store at `path` (which must not exist yet).
    pub fn create(path: &Path) -> Result<Store, StoreError> {
        Self::create_at_version(path, migrate::latest())
    }

    /// Creates a store stopped at an older schema, to test that later versions migrate it.
    #[doc(hidden)]
    pub fn create_at_version(path: &Path, version: i64) -> Result<Store, StoreError> {
        if path.exists() {
            let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(1);
            if len > 0 {
                return Err(match Store::open(path).map(drop) {
                    Ok(()) => StoreError::AlreadyInitialized {
                        path: path.to_owned(),
                    },
                    Err(e) => e,
                });
            }
        }
        let dir = data_dir_of(path);
        perms::create_private_dir(dir).map_err(|source| StoreError::Io {
            path: dir.to_owned(),
            source,
        })?;
        let key = if plain_for_bench() {
            StoreKey::from_bytes([0; 32])
        } else {
            crate::atrest::key::load_or_create(dir)?
        };
        if !path.exists() {
            drop(
                perms::create_private_file(path).map_err(|source| StoreError::Io {
                    path: path.to_owned(),
                    source,
                })?,
            );
        }
        let mut conn = keyed(path, &key)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        configure(&conn)?;
        migrate::run(&mut conn, version)?;
        if version >= 1 {
            conn.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, '1')",
                [FILES_SEALED],
            )?;
        }
        Ok(Store {
            conn,
            path: path.to_owned(),
            cache: DocCache::new(128),
            actor: None,
            by: NO_NODE,
        })
    }

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
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        Ok(Tx {
            tx,
            cache: &mut self.cache,
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
        let row: Option<i64> = self
            .conn
            .query_row(
                "SELECT rev FROM docs WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        let Some(rev) = row else { return Ok(None) };
        if let Some(doc) = self.cache.get(&id, rev) {
            return Ok(Some(f(doc)));
        }
        let (mut doc, rev) = load_doc(&self.conn, id)?.ok_or(StoreError::Foreign { id })?;
        let out = f(&mut doc);
        self.cache.put(id, rev, doc);
        Ok(Some(out))
    }

    /// The document's heads and type, without loading it.
    pub fn doc_heads(&self, id: DocId) -> Result<Option<(DocType, Vec<ChangeHash>)>, StoreError> {
        let row: Option<(String, Vec<u8>)> = self
            .conn
            .query_row(
                "SELECT doc_type, heads FROM docs WHERE id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row.and_then(|(t, h)| DocType::parse(&t).map(|t| (t, decode_heads(&h)))))
    }

    /// PRAGMA data_version: changes whenever another connection commits. Cheap; lets a
    /// long-running process notice writes by other processes.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }
}

/// Loads a document from its snapshot and changes.
fn load_doc(conn: &Connection, id: DocId) -> Result<Option<(AutoCommit, i64)>, StoreError> {
    let row: Option<(Vec<u8>, i64)> = conn
        .query_row(
            "SELECT snapshot, rev FROM docs WHERE id = ?1",
            [id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((snapshot, rev)) = row else {
        return Ok(None);
    };
    let mut doc = AutoCommit::load(&snapshot).map_err(|source| StoreError::Damaged {
        id,
        source: Box::new(source),
    })?;
    let mut stmt =
        conn.prepare_cached("SELECT data FROM doc_changes WHERE doc_id = ?1 ORDER BY n")?;
    let changes = stmt.query_map([id.to_string()], |r| r.get::<_, Vec<u8>>(0))?;
    for change in changes {
        doc.load_incremental(&change?)
            .map_err(|source| StoreError::Damaged {
                id,
                source: Box::new(source),
            })?;
    }
    Ok(Some((doc, rev)))
}

/// Where a pending write came from: a local edit goes to the outbox; a change from the
/// hub does not (and records what the hub has).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Origin {
    Local,
    Remote,
}

struct Pending {
    doc: AutoCommit,
    doc_type: DocType,
    /// `None` for a document created in this transaction.
    base: Option<Base>,
    origin: Origin,
    /// Set when the hub's heads for this document became known in this transaction.
    synced: Option<(Vec<ChangeHash>, Option<u64>)>,
    /// A document received whole from the hub is stored as received, not re-saved.
    raw_snapshot: Option<Vec<u8>>,
    /// The document as read when it was checked on arrival, so it is not read again
    /// for the index. Cleared by a local edit.
    record: Option<dermis_model::doc::Record>,
}

/// A document received whole, loaded and checked outside the write transaction (on
/// several threads during a catch-up), ready for [`Tx::apply_decoded`].
pub struct Decoded {
    data: Vec<u8>,
    form: Form,
}

/// What a received document was read into.
enum Form {
    /// The clinic document, kept loaded: its merges and erasures are read at commit.
    Loaded {
        doc: Box<AutoCommit>,
        record: Box<dermis_model::doc::Record>,
    },
    /// Any other document: its heads and index rows, without the loaded document, which
    /// is dropped on the thread that read it (see [`lean`]).
    Derived {
        heads: Vec<ChangeHash>,
        derived: index::Derived,
    },
}

/// Loads and checks a document received whole; the expensive part of storing it, and
/// free of the store, so callers may run it on any thread.
pub fn decode_received(
    id: DocId,
    doc_type: DocType,
    clinic: dermis_model::ClinicId,
    data: Vec<u8>,
) -> Result<Decoded, StoreError> {
    let (mut doc, record) = dermis_sync::apply::parse(&data, doc_limits())
        .and_then(|received| {
            dermis_sync::apply::load_new_record(
                received,
                id.0,
                doc_type,
                clinic,
                &dermis_sync::apply::NoRules,
            )
        })
        .map_err(|e| refused(id, e))?;
    let form = match index::Derived::read(id, &mut doc, record)? {
        Ok(derived) => Form::Derived {
            heads: doc.get_heads(),
            derived,
        },
        Err(record) => Form::Loaded {
            doc: Box::new(doc),
            record: Box::new(record),
        },
    };
    Ok(Decoded { data, form })
}

/// A document received whole with its index derivation (docs/SYNC.md, revision 6):
/// stored with `heads` and the derivation's rows without being loaded. `Err` gives the
/// bytes back when the derivation does not fit (another document type, the clinic
/// document, which the store keeps loaded): the caller then loads the document as
/// [`decode_received`] does.
/// The derivation and heads are trusted as the hub's documents are.
pub fn decoded_with_derivation(
    doc_type: DocType,
    heads: Vec<ChangeHash>,
    derivation: dermis_model::derivation::Derivation,
    data: Vec<u8>,
) -> Result<Decoded, Vec<u8>> {
    if doc_type == DocType::Clinic || heads.is_empty() {
        return Err(data);
    }
    let Some(derived) = index::Derived::received(doc_type, derivation) else {
        return Err(data);
    };
    Ok(Decoded {
        data,
        form: Form::Derived { heads, derived },
    })
}

/// What received bytes may cost: the limits of the frames they arrive in.
fn doc_limits() -> dermis_sync::chunks::DocLimits {
    dermis_sync::chunks::DocLimits::default()
}

/// Maps a refusal of the shared apply rules to this store's error.
fn refused(id: DocId, e: dermis_sync::apply::ApplyError) -> StoreError {
    match e {
        dermis_sync::apply::ApplyError::MissingDeps => StoreError::MissingDeps { id },
        dermis_sync::apply::ApplyError::Foreign => StoreError::Foreign { id },
        other => StoreError::Refused { id, source: other },
    }
}

struct Base {
    heads: Vec<ChangeHash>,
    change_count: i64,
    change_bytes: i64,
    rev: i64,
}

/// What applying changes from the hub did.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Applied {
    pub heads: Vec<ChangeHash>,
    pub changed: bool,
    pub created: bool,
}

/// A write transaction. Documents loaded through it are edited in memory and written,
/// with their index rows and outbox entries, when it commits; dropping it writes nothing.
pub struct Tx<'s> {
    tx: rusqlite::Transaction<'s>,
    cache: &'s mut DocCache,
    actor: Option<&'s automerge::ActorId>,
    pending: HashMap<DocId, Pending>,
    order: Vec<DocId>,
    /// Documents received whole and stored without being held loaded.
    lean: lean::LeanDocs,
    now: Millis,
    by: Provenance,
}

impl<'s> Tx<'s> {
    pub fn now(&self) -> Millis {
        self.now
    }

    pub fn sql(&self) -> &rusqlite::Transaction<'s> {
        &self.tx
    }

    fn ensure_loaded(&mut self, id: DocId) -> Result<bool, StoreError> {
        if self.pending.contains_key(&id) {
            return Ok(true);
        }
        if self.load_lean(id)? {
            return Ok(true);
        }
        let row: Option<(String, Vec<u8>, i64, i64, i64)> = self
            .tx
            .prepare_cached(
                "SELECT doc_type, heads, change_count, change_bytes, rev FROM docs WHERE id = ?1",
            )?
            .query_row([id.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?;
        let Some((doc_type, heads, change_count, change_bytes, rev)) = row else {
            return Ok(false);
        };
        let doc_type = DocType::parse(&doc_type).ok_or(StoreError::Foreign { id })?;
        let doc = match self.cache.take(&id, rev) {
            Some(doc) => doc,
            None => load_doc(&self.tx, id)?
                .map(|(d, _)| d)
                .ok_or(StoreError::Foreign { id })?,
        };
        let base = Base {
            heads: decode_heads(&heads),
            change_count,
            change_bytes,
            rev,
        };
        self.pending.insert(
            id,
            Pending {
                doc,
                doc_type,
                base: Some(base),
                origin: Origin::Remote,
                synced: None,
                raw_snapshot: None,
                record: None,
            },
        );
        self.order.push(id);
        Ok(true)
    }

    /// The document for reading inside the transaction.
    pub fn doc(&mut self, id: DocId) -> Result<Option<&AutoCommit>, StoreError> {
        if !self.ensure_loaded(id)? {
            return Ok(None);
        }
        Ok(self.pending.get(&id).map(|p| &p.doc))
    }

    /// The document for a local edit; the change goes to the outbox at commit.
    pub fn edit(&mut self, id: DocId) -> Result<Option<&mut AutoCommit>, StoreError> {
        if !self.ensure_loaded(id)? {
            return Ok(None);
        }
        let actor = self.actor;
        Ok(self.pending.get_mut(&id).map(|p| {
            p.origin = Origin::Local;
            // Received bytes no longer describe the document once it is edited here.
            p.raw_snapshot = None;
            p.record = None;
            if let Some(actor) = actor {
                p.doc.set_actor(actor.clone());
            }
            &mut p.doc
        }))
    }

    /// Adds a document made locally.
    pub fn insert(
        &mut self,
        id: DocId,
        doc_type: DocType,
        doc: AutoCommit,
    ) -> Result<(), StoreError> {
        let exists: bool = self.tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM docs WHERE id = ?1)",
            [id.to_string()],
            |r| r.get(0),
        )?;
        if exists || self.pending.contains_key(&id) || self.lean.contains(id) {
            return Err(StoreError::Foreign { id });
        }
        // The creation is its own change, with its provenance, now: an edit later in this
        // transaction may close the open Automerge transaction (a batch insert does) and
        // would otherwise commit the creation without a message.
        let mut doc = doc;
        doc.commit_with(self.by.commit_options(self.now));
        self.pending.insert(
            id,
            Pending {
                doc,
                doc_type,
                base: None,
                origin: Origin::Local,
                synced: None,
                raw_snapshot: None,
                record: None,
            },
        );
        self.order.push(id);
        Ok(())
    }

    /// Applies changes or a saved document received from the hub. The bytes must hold a
    /// document of `doc_type` in `clinic`; changes whose dependencies are missing are
    /// refused, so nothing half-applied is ever stored. On error the document is left as
    /// it was on disk.
    pub fn apply_remote(
        &mut self,
        id: DocId,
        doc_type: DocType,
        clinic: dermis_model::ClinicId,
        data: &[u8],
    ) -> Result<Applied, StoreError> {
        if self.is_erased(id)? {
            return Err(StoreError::Erased { id });
        }
        let existed = self.ensure_loaded(id)?;
        if !existed {
            let (doc, record) = dermis_sync::apply::parse(data, doc_limits())
                .and_then(|received| {
                    dermis_sync::apply::load_new_record(
                        received,
                        id.0,
                        doc_type,
                        clinic,
                        &dermis_sync::apply::NoRules,
                    )
                })
                .map_err(|e| refused(id, e))?;
            return Ok(self.insert_received(id, doc_type, doc, record, data.to_vec()));
        }
        let outcome = match self.pending.get_mut(&id) {
            Some(p) if p.doc_type == doc_type => dermis_sync::apply::parse(data, doc_limits())
                .and_then(|received| {
                    dermis_sync::apply::apply_to(&mut p.doc, received, id.0, doc_type, clinic)
                })
                .map_err(|e| refused(id, e))
                .map(|applied| {
                    let changed = applied.changed();
                    if p.origin == Origin::Remote {
                        p.record = applied.record;
                    }
                    Applied {
                        changed,
                        heads: applied.after,
                        created: false,
                    }
                }),
            _ => Err(StoreError::Foreign { id }),
        };
        if outcome.is_err() {
            self.discard(id);
        }
        outcome
    }

    /// Adds a document received whole and already checked (see [`decode_received`]),
    /// when this store does not have it yet; otherwise applies the bytes normally.
    pub fn apply_decoded(
        &mut self,
        id: DocId,
        doc_type: DocType,
        clinic: dermis_model::ClinicId,
        decoded: Decoded,
    ) -> Result<Applied, StoreError> {
        if self.is_erased(id)? {
            return Err(StoreError::Erased { id });
        }
        if self.ensure_loaded(id)? {
            return self.apply_remote(id, doc_type, clinic, &decoded.data);
        }
        match decoded.form {
            Form::Loaded { doc, record } => {
                Ok(self.insert_received(id, doc_type, *doc, *record, decoded.data))
            }
            Form::Derived { heads, derived } => {
                Ok(self.insert_lean(id, doc_type, heads, derived, decoded.data))
            }
        }
    }

    fn insert_received(
        &mut self,
        id: DocId,
        doc_type: DocType,
        mut doc: AutoCommit,
        record: dermis_model::doc::Record,
        raw: Vec<u8>,
    ) -> Applied {
        let heads = doc.get_heads();
        self.pending.insert(
            id,
            Pending {
                doc,
                doc_type,
                base: None,
                origin: Origin::Remote,
                synced: None,
                raw_snapshot: Some(raw),
                record: Some(record),
            },
        );
        self.order.push(id);
        Applied {
            heads,
            changed: true,
            created: true,
        }
    }

    /// Forgets a document's pending state: nothing of it will be written.
    fn discard(&mut self, id: DocId) {
        self.lean.remove(id);
        self.pending.remove(&id);
        self.order.retain(|x| *x != id);
        self.cache.forget(&id);
    }

    /// Records the heads the hub has confirmed for a document (and its change-log seq).
    pub fn mark_synced(
        &mut self,
        id: DocId,
        heads: Vec<ChangeHash>,
        hub_seq: Option<u64>,
    ) -> Result<(), StoreError> {
        if let Some(p) = self.pending.get_mut(&id) {
            p.synced = Some((heads, hub_seq));
            return Ok(());
        }
        let (heads, hub_seq) = match self.lean.mark_synced(id, heads, hub_seq) {
            None => return Ok(()),
            Some(unknown) => unknown,
        };
        self.tx.exec(
            "UPDATE docs SET synced_heads = ?2, hub_seq = COALESCE(?3, hub_seq) WHERE id = ?1",
            params![
                id.to_string(),
                encode_heads(&heads),
                hub_seq.map(|s| s as i64)
            ],
        )?;
        Ok(())
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .tx
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.tx.exec(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Increments and returns a named counter kept in `meta` (receipt numbers, MRNs).
    pub fn next_counter(&self, key: &str) -> Result<i64, StoreError> {
        let next = self
            .meta(key)?
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
            + 1;
        self.set_meta(key, &next.to_string())?;
        Ok(next)
    }

    /// Writes every pending document (change, index rows, outbox) and commits.
    pub fn commit(mut self) -> Result<Vec<DocId>, StoreError> {
        let started = std::time::Instant::now();
        self.apply_recorded_erasures()?;
        let mut written = Vec::new();
        let mut to_cache = Vec::new();
        // Schema 1 had no refusals to clear (read once, not per document).
        let has_refusals = migrate::current(&self.tx)? >= 2;
        let order = std::mem::take(&mut self.order);
        let mut local_seq = self
            .meta("local_seq")?
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0);
        let mut local_written = false;
        let mut search = index::SearchRows::default();
        written.extend(self.write_lean(&mut local_seq, &mut search)?);
        for id in order {
            let Some(mut p) = self.pending.remove(&id) else {
                continue;
            };
            if p.origin == Origin::Local {
                // The one place a node's edits become changes: each says who made it
                // and where (the hub's rules and audit read it).
                p.doc.commit_with(self.by.commit_options(self.now));
            }
            let heads = p.doc.get_heads();
            let unchanged = p.base.as_ref().is_some_and(|b| b.heads == heads);
            if unchanged {
                if let Some((synced, seq)) = &p.synced {
                    self.tx.exec(
                        "UPDATE docs SET synced_heads = ?2, hub_seq = COALESCE(?3, hub_seq) WHERE id = ?1",
                        params![id.to_string(), encode_heads(synced), seq.map(|s| s as i64)],
                    )?;
                }
                if let Some(b) = &p.base {
                    to_cache.push((id, b.rev, p.doc));
                }
                continue;
            }
            local_seq += 1;
            let id_text = id.to_string();
            let (rev, change_bytes) = match &p.base {
                None => {
                    let snapshot = match p.raw_snapshot.take() {
                        Some(raw) => raw,
                        None => p.doc.save(),
                    };
                    self.tx.exec(
                        "INSERT INTO docs(id, doc_type, snapshot, heads, change_count, change_bytes, rev, local_seq, updated_at)
                         VALUES (?1, ?2, ?3, ?4, 0, 0, 1, ?5, ?6)",
                        params![id_text, p.doc_type.as_str(), snapshot, encode_heads(&heads), local_seq, self.now],
                    )?;
                    (1, snapshot.len() as i64)
                }
                Some(base) => {
                    let change = p.doc.save_after(&base.heads);
                    let rev = base.rev + 1;
                    if dermis_sync::plan::should_compact(
                        base.change_count,
                        base.change_bytes,
                        change.len(),
                    ) {
                        let snapshot = p.doc.save();
                        self.tx
                            .exec("DELETE FROM doc_changes WHERE doc_id = ?1", [&id_text])?;
                        self.tx.exec(
                            "UPDATE docs SET snapshot = ?2, heads = ?3, change_count = 0, change_bytes = 0, rev = ?4, local_seq = ?5, updated_at = ?6 WHERE id = ?1",
                            params![id_text, snapshot, encode_heads(&heads), rev, local_seq, self.now],
                        )?;
                    } else {
                        self.tx.exec(
                            "INSERT INTO doc_changes(doc_id, n, data) VALUES (?1, ?2, ?3)",
                            params![id_text, base.change_count + 1, change],
                        )?;
                        self.tx.exec(
                            "UPDATE docs SET heads = ?2, change_count = change_count + 1, change_bytes = change_bytes + ?3, rev = ?4, local_seq = ?5, updated_at = ?6 WHERE id = ?1",
                            params![id_text, encode_heads(&heads), change.len() as i64, rev, local_seq, self.now],
                        )?;
                    }
                    (rev, change.len() as i64)
                }
            };
            if let Some((synced, seq)) = &p.synced {
                self.tx.exec(
                    "UPDATE docs SET synced_heads = ?2, hub_seq = COALESCE(?3, hub_seq) WHERE id = ?1",
                    params![id_text, encode_heads(synced), seq.map(|s| s as i64)],
                )?;
            }
            if p.origin == Origin::Local {
                local_written = true;
                self.tx.exec(
                    "INSERT INTO outbox(doc_id, version, bytes, first_at, last_at) VALUES (?1, 1, ?2, ?3, ?3)
                     ON CONFLICT(doc_id) DO UPDATE SET version = version + 1, bytes = bytes + excluded.bytes, last_at = excluded.last_at",
                    params![id_text, change_bytes, self.now],
                )?;
                // A new version of a refused document goes again (docs/SYNC.md: parked
                // until the document is edited again).
                if has_refusals {
                    self.tx.exec(
                        "UPDATE outbox SET rejected = NULL WHERE doc_id = ?1 AND rejected IS NOT NULL",
                        [&id_text],
                    )?;
                }
            }
            index::reindex(
                &self.tx,
                id,
                p.doc_type,
                &mut p.doc,
                match (p.record.take(), &p.base) {
                    (Some(record), _) => index::Known::Read(Box::new(record)),
                    (None, Some(base)) => index::Known::Since(&base.heads),
                    (None, None) => index::Known::Nothing,
                },
                self.now,
                &mut search,
            )?;
            written.push(id);
            to_cache.push((id, rev, p.doc));
        }
        index::write_search(&self.tx, search)?;
        self.tx.exec(
            "INSERT INTO meta(key, value) VALUES ('local_seq', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [local_seq.to_string()],
        )?;
        let dir = self
            .tx
            .path()
            .and_then(|p| Path::new(p).parent().map(Path::to_owned));
        crate::phases::add(crate::phases::Phase::Write, started);
        let started = std::time::Instant::now();
        self.tx.commit()?;
        crate::phases::add(crate::phases::Phase::Commit, started);
        for (id, rev, doc) in to_cache {
            self.cache.put(id, rev, doc);
        }
        if local_written && let Some(dir) = dir {
            crate::sync::notify::local_change(&dir);
        }
        Ok(written)
    }
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
