//! Whole-store copies made with `sqlcipher_export`: an encrypted snapshot of a live store
//! for a backup, and the encrypted copy of a plain store written by an earlier version
//! (`crate::atrest::upgrade` decides when, and makes it crash-safe).

use std::path::Path;

use rusqlite::{Connection, params};

use super::{APPLICATION_ID, StoreError, keyed, migrate};
use crate::atrest::StoreKey;

/// Copies every table of `conn`'s main database into a new database at `into`,
/// encrypted under `key`, with the header fields the store checks (the application id and
/// the schema version `version`), which the export does not copy.
fn export_into(
    conn: &Connection,
    into: &Path,
    key: &StoreKey,
    version: i64,
) -> Result<(), StoreError> {
    // The file name is made by the caller inside the data dir and the key literal is hex
    // this code made; both are bound, and `version` is a number read from the store.
    conn.execute(
        "ATTACH DATABASE ?1 AS exported KEY ?2",
        params![into.to_string_lossy(), key.sqlcipher_literal()],
    )?;
    conn.query_row("SELECT sqlcipher_export('exported')", [], |_| Ok(()))?;
    conn.execute_batch(&format!(
        "PRAGMA exported.application_id = {APPLICATION_ID};
         PRAGMA exported.user_version = {version};
         DETACH DATABASE exported"
    ))?;
    Ok(())
}

/// A snapshot of the store at `path`, encrypted under `key`, written to `into` while
/// other connections keep working (one read transaction), for a backup.
pub fn snapshot(path: &Path, key: &StoreKey, into: &Path) -> Result<(), StoreError> {
    let conn = keyed(path, key)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    let version = migrate::current(&conn)?;
    export_into(&conn, into, key, version)
}

/// Writes an encrypted copy of the plain store at `plain` to `into` (an empty file the
/// caller made with the right permissions), after moving everything in its WAL into the
/// main file; the plain store is left as it was.
pub fn encrypt_plain_copy(plain: &Path, into: &Path, key: &StoreKey) -> Result<(), StoreError> {
    let conn = Connection::open(plain)?;
    conn.busy_timeout(std::time::Duration::from_secs(15))?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    export_into(&conn, into, key, version)?;
    conn.close().map_err(|(_, e)| StoreError::from(e))
}
