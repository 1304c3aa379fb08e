//! The `photo_cache` table (which image files the bounded photo cache holds, their size
//! and when each was last used) and the photo index reads the photo lane needs. The
//! cache's rules (the bound, what may be evicted) are `crate::sync::photos::cache`'s;
//! an entry's variant is the name that module gives it (`blob` for an original of this
//! node's own).

use dermis_model::Millis;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Exec, StoreError};

/// Records that an entry was just stored or read.
pub fn touch(
    conn: &Connection,
    sha256: &str,
    variant: &str,
    size: u64,
    now: Millis,
) -> Result<(), StoreError> {
    conn.exec(
        "INSERT INTO photo_cache(sha256, variant, size, last_used_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(sha256, variant) DO UPDATE SET size = excluded.size, last_used_at = excluded.last_used_at",
        params![sha256, variant, i64::try_from(size).unwrap_or(i64::MAX), now],
    )?;
    Ok(())
}

/// Marks an entry used now, if the cache holds it.
pub fn mark_used(
    conn: &Connection,
    sha256: &str,
    variant: &str,
    now: Millis,
) -> Result<(), StoreError> {
    conn.exec(
        "UPDATE photo_cache SET last_used_at = ?3 WHERE sha256 = ?1 AND variant = ?2",
        params![sha256, variant, now],
    )?;
    Ok(())
}

/// One cache entry the bound applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheEntry {
    pub sha256: String,
    pub variant: String,
    pub size: u64,
}

/// The entries that may be evicted, least recently used first: all but this node's own
/// originals (`blob`) whose upload is not finished — those are the only copy.
pub fn evictable(conn: &Connection) -> Result<Vec<CacheEntry>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.sha256, c.variant, c.size FROM photo_cache c
         WHERE NOT (c.variant = 'blob' AND EXISTS (
             SELECT 1 FROM photo_uploads u WHERE u.sha256 = c.sha256 AND u.state != 'uploaded'))
         ORDER BY c.last_used_at, c.sha256, c.variant",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(CacheEntry {
            sha256: r.get(0)?,
            variant: r.get(1)?,
            size: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn remove(conn: &Connection, sha256: &str, variant: &str) -> Result<(), StoreError> {
    conn.exec(
        "DELETE FROM photo_cache WHERE sha256 = ?1 AND variant = ?2",
        params![sha256, variant],
    )?;
    Ok(())
}

/// The sha256 of a photo's original, from the index (`None`: no such photo).
pub fn photo_sha256(conn: &Connection, photo_id: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT sha256 FROM photos WHERE id = ?1")?
        .query_row([photo_id], |r| r.get(0))
        .optional()?)
}

/// The originals (by sha256) whose thumbnails the hub says it has made.
pub fn thumbnails_ready(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT DISTINCT sha256 FROM photos WHERE thumbnails_ready = 1")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
