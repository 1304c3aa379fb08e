//! Opening and creating a store: the key, the checks that refuse a foreign or newer file,
//! the upgrade of an earlier plain store, and the connection's pragmas.

use std::path::Path;

use rusqlite::Connection;

use super::cache::DocCache;
use super::{
    ACTOR_META, APPLICATION_ID, NO_NODE, Store, StoreError, checkpoint, deferred, migrate,
};
use crate::atrest::seal::FileKey;
use crate::atrest::{StoreKey, perms, upgrade};

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
pub(super) fn keyed(path: &Path, key: &StoreKey) -> Result<Connection, StoreError> {
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
        // Indexes a first sync set aside and did not build again (it was cut short, or
        // this process opened the store meanwhile): built before anything reads or
        // migrates the store.
        let built = deferred::restore(&conn)?;
        if built > 0 {
            tracing::info!(built, "indexes set aside during a first sync were built");
        }
        migrate::run(&mut conn, migrate::latest())?;
        let store = Store::over(conn, path, &key);
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
        Ok(Store::over(conn, path, &key))
    }
}

impl Store {
    /// The store over its opened, configured and migrated connection: the writer's
    /// checkpoints go to a thread of their own ([`checkpoint`]).
    fn over(conn: Connection, path: &Path, key: &StoreKey) -> Store {
        checkpoint::install(&conn);
        Store {
            conn,
            checkpoints: checkpoint::Checkpointer::new(path, key.clone()),
            path: path.to_owned(),
            cache: DocCache::new(128),
            actor: None,
            by: NO_NODE,
        }
    }
}
