//! The bounded photo cache: images fetched from the hub (full view, originals) and this
//! node's own originals once the hub holds them. Together they stay under
//! `DERMIS_PHOTO_CACHE_BYTES` (default 512 MiB); the least recently used go first. An
//! original whose upload is not finished is outside the bound and never evicted: it is
//! the only copy. Gallery thumbnails live in `thumbs/` and are not cached here: they are
//! small and the gallery needs every one of them.

use std::path::{Path, PathBuf};

use dermis_model::Millis;
use rusqlite::Connection;

use super::http::Variant;
use crate::store::{StoreError, photo_cache};

pub const CACHE_BYTES_ENV: &str = "DERMIS_PHOTO_CACHE_BYTES";
pub const DEFAULT_CACHE_BYTES: u64 = 512 * 1024 * 1024;

/// The bound: `DERMIS_PHOTO_CACHE_BYTES` when it holds a number, else 512 MiB.
pub fn limit_from_env() -> u64 {
    std::env::var(CACHE_BYTES_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(DEFAULT_CACHE_BYTES)
}

/// What a cache entry is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// Fetched from the hub.
    Fetched(Variant),
    /// This node's own original, in `blobs/`.
    Blob,
}

impl Kind {
    pub(crate) fn as_str(&self) -> &'static str {
        match self {
            Kind::Fetched(v) => v.as_str(),
            Kind::Blob => "blob",
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        match s {
            "blob" => Some(Kind::Blob),
            other => Variant::parse(other).map(Kind::Fetched),
        }
    }
}

/// Where a fetched image is kept.
pub fn fetched_path(data_dir: &Path, sha256: &str, variant: Variant) -> PathBuf {
    let name = match variant {
        Variant::Original => sha256.to_owned(),
        _ => format!("{sha256}.jpg"),
    };
    data_dir.join("cache").join(variant.as_str()).join(name)
}

pub fn path(data_dir: &Path, sha256: &str, kind: Kind) -> PathBuf {
    match kind {
        Kind::Fetched(v) => fetched_path(data_dir, sha256, v),
        Kind::Blob => crate::ops::photos::blob_path(data_dir, sha256),
    }
}

/// Records that an entry was just stored or read.
pub fn touch(
    conn: &Connection,
    sha256: &str,
    kind: Kind,
    size: u64,
    now: Millis,
) -> Result<(), StoreError> {
    photo_cache::touch(conn, sha256, kind.as_str(), size, now)
}

/// What an eviction did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evicted {
    pub files: usize,
    pub bytes: u64,
    /// Bytes of evictable entries left.
    pub kept_bytes: u64,
}

/// Bytes of the entries the bound applies to.
pub fn usage(conn: &Connection) -> Result<u64, StoreError> {
    Ok(evictable(conn)?.iter().map(|(_, _, size)| size).sum())
}

fn evictable(conn: &Connection) -> Result<Vec<(String, Kind, u64)>, StoreError> {
    Ok(photo_cache::evictable(conn)?
        .into_iter()
        .filter_map(|e| Kind::parse(&e.variant).map(|kind| (e.sha256, kind, e.size)))
        .collect())
}

/// Removes least recently used entries until the evictable ones fit in `limit` bytes.
/// `keep` (the entry just fetched) stays even when it alone is over the bound.
pub fn evict(
    conn: &Connection,
    data_dir: &Path,
    limit: u64,
    keep: Option<(&str, Kind)>,
) -> Result<Evicted, StoreError> {
    let entries = evictable(conn)?;
    let mut total: u64 = entries.iter().map(|(_, _, size)| size).sum();
    let mut report = Evicted::default();
    for (sha, kind, size) in entries {
        if total <= limit {
            break;
        }
        if keep.is_some_and(|(k_sha, k_kind)| k_sha == sha && k_kind == kind) {
            continue;
        }
        let file = path(data_dir, &sha, kind);
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(StoreError::Io { path: file, source }),
        }
        photo_cache::remove(conn, &sha, kind.as_str())?;
        total -= size;
        report.files += 1;
        report.bytes += size;
    }
    report.kept_bytes = total;
    Ok(report)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn store() -> (tempfile::TempDir, crate::store::Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::create(&dir.path().join("s.db")).unwrap();
        (dir, store)
    }

    fn put(dir: &Path, conn: &Connection, sha: &str, kind: Kind, size: usize, at: Millis) {
        let p = path(dir, sha, kind);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, vec![7u8; size]).unwrap();
        touch(conn, sha, kind, size as u64, at).unwrap();
    }

    #[test]
    fn least_recently_used_go_first_until_under_the_bound() {
        let (dir, store) = store();
        let (d, c) = (dir.path(), store.conn());
        put(d, c, "aa", Kind::Fetched(Variant::Full), 100, 1);
        put(d, c, "bb", Kind::Fetched(Variant::Original), 100, 2);
        put(d, c, "cc", Kind::Fetched(Variant::Full), 100, 3);
        // Reading "aa" again makes it the most recent.
        touch(c, "aa", Kind::Fetched(Variant::Full), 100, 4).unwrap();
        let report = evict(c, d, 150, None).unwrap();
        assert_eq!(
            (report.files, report.bytes, report.kept_bytes),
            (2, 200, 100)
        );
        assert!(path(d, "aa", Kind::Fetched(Variant::Full)).is_file());
        assert!(!path(d, "bb", Kind::Fetched(Variant::Original)).exists());
        assert!(!path(d, "cc", Kind::Fetched(Variant::Full)).exists());
        assert_eq!(usage(c).unwrap(), 100);
    }

    #[test]
    fn originals_not_yet_uploaded_are_never_evicted() {
        let (dir, store) = store();
        let (d, c) = (dir.path(), store.conn());
        use crate::store::photo_uploads;
        photo_uploads::insert_new(c, "p1", "pat", "aa", 500, 0).unwrap();
        photo_uploads::insert_new(c, "p2", "pat", "bb", 500, 0).unwrap();
        let uploaded = |photo: &str| {
            let mut row = photo_uploads::get(c, photo).unwrap().unwrap();
            row.state = photo_uploads::UploadState::Uploaded;
            photo_uploads::save(c, &row, 0).unwrap();
        };
        uploaded("p2");
        put(d, c, "aa", Kind::Blob, 500, 1);
        put(d, c, "bb", Kind::Blob, 500, 2);
        put(d, c, "cc", Kind::Fetched(Variant::Full), 100, 3);
        assert_eq!(
            usage(c).unwrap(),
            600,
            "the pinned original is outside the bound"
        );
        let report = evict(c, d, 0, None).unwrap();
        assert_eq!(report.files, 2);
        assert!(path(d, "aa", Kind::Blob).is_file(), "not uploaded: kept");
        assert!(!path(d, "bb", Kind::Blob).exists(), "uploaded: evicted");
        // Once it is uploaded, it may go.
        uploaded("p1");
        evict(c, d, 0, None).unwrap();
        assert!(!path(d, "aa", Kind::Blob).exists());
    }

    #[test]
    fn the_entry_just_fetched_stays_even_over_the_bound() {
        let (dir, store) = store();
        let (d, c) = (dir.path(), store.conn());
        put(d, c, "aa", Kind::Fetched(Variant::Full), 100, 1);
        put(d, c, "bb", Kind::Fetched(Variant::Original), 1_000, 2);
        let report = evict(c, d, 500, Some(("bb", Kind::Fetched(Variant::Original)))).unwrap();
        assert_eq!(report.files, 1);
        assert!(path(d, "bb", Kind::Fetched(Variant::Original)).is_file());
        assert!(!path(d, "aa", Kind::Fetched(Variant::Full)).exists());
    }

    #[test]
    fn a_file_already_gone_is_dropped_from_the_table() {
        let (dir, store) = store();
        let (d, c) = (dir.path(), store.conn());
        touch(c, "aa", Kind::Fetched(Variant::Full), 100, 1).unwrap();
        assert_eq!(evict(c, d, 0, None).unwrap().files, 1);
        assert_eq!(usage(c).unwrap(), 0);
    }
}
