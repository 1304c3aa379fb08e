//! Where the hub keeps photo bytes: originals as uploaded and the JPEG thumbnails the
//! thumbnail job makes. Two implementations behind one type, [`Blobs`]: a folder under
//! the hub's data dir ([`LocalBlobs`], the embedded default) and an S3 bucket
//! ([`S3Blobs`], aws-sdk-s3, path-style, for MinIO and the like) when `S3_ENDPOINT` is set.
//!
//! Keys name the clinic first, so one clinic's blobs are never reachable under another
//! clinic's prefix: `<clinic>/originals/<sha256>`, `<clinic>/gallery/<sha256>.jpg`,
//! `<clinic>/full/<sha256>.jpg` (see [`key`]). What a blob *is* (which photo, which
//! patient) lives in the database and the patient document, never in this store.
//!
//! Blobs are written whole or not at all: the folder store writes a temporary file,
//! fsyncs and renames it; an S3 `PutObject` is atomic by nature.

mod local;
mod s3;

use std::fmt;
use std::path::PathBuf;

use bytes::Bytes;
use dermis_model::ClinicId;

pub use local::LocalBlobs;
pub use s3::S3Blobs;

/// One stored variant of a photo.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Variant {
    /// The bytes as the node uploaded them (served sanitised, see `crate::photos`).
    Original,
    /// JPEG, longest side 320 pixels.
    Gallery,
    /// JPEG, longest side 1600 pixels.
    Full,
}

impl Variant {
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Original => "original",
            Variant::Gallery => "gallery",
            Variant::Full => "full",
        }
    }

    pub fn parse(s: &str) -> Option<Variant> {
        match s {
            "original" => Some(Variant::Original),
            "gallery" => Some(Variant::Gallery),
            "full" => Some(Variant::Full),
            _ => None,
        }
    }
}

/// The key of a photo variant. `sha256` must be 64 lowercase hex digits (callers check
/// it first: see `crate::photos::valid_sha256`).
pub fn key(clinic: ClinicId, variant: Variant, sha256: &str) -> String {
    match variant {
        Variant::Original => format!("{clinic}/originals/{sha256}"),
        Variant::Gallery => format!("{clinic}/gallery/{sha256}.jpg"),
        Variant::Full => format!("{clinic}/full/{sha256}.jpg"),
    }
}

/// The key of an original's cleaned copy (metadata stripped, upright): made on its
/// first request and served from here after.
pub fn clean_key(clinic: ClinicId, sha256: &str) -> String {
    format!("{clinic}/clean/{sha256}")
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("blob key {key:?} is not a valid key")]
    BadKey { key: String },
    #[error("blob folder: {op} {path}")]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("s3: {op} {key}")]
    S3 {
        op: &'static str,
        key: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("s3: {op} {key} did not answer within {seconds} s")]
    Timeout {
        op: &'static str,
        key: String,
        seconds: u64,
    },
}

/// Keys are relative paths of lowercase ASCII letters, digits, `-`, `.` and `_`, with no
/// empty, `.` or `..` segment: safe as a file path and as an S3 key.
pub(crate) fn check_key(key: &str) -> Result<(), BlobError> {
    let ok = !key.is_empty()
        && key.len() <= 512
        && key.split('/').all(|segment| {
            !segment.is_empty()
                && segment != "."
                && segment != ".."
                && !segment.starts_with('.')
                && segment.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'.' | b'_')
                })
        });
    if ok {
        Ok(())
    } else {
        Err(BlobError::BadKey {
            key: key.chars().take(80).collect(),
        })
    }
}

/// The hub's blob store. Cheap to clone.
#[derive(Clone)]
pub enum Blobs {
    Local(LocalBlobs),
    S3(S3Blobs),
}

impl fmt::Debug for Blobs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Blobs {
    /// Stores `bytes` under `key`, replacing what was there.
    pub async fn put(&self, key: &str, bytes: Bytes, content_type: &str) -> Result<(), BlobError> {
        check_key(key)?;
        match self {
            Blobs::Local(b) => b.put(key, bytes).await,
            Blobs::S3(b) => b.put(key, bytes, content_type).await,
        }
    }

    /// The bytes under `key`, `None` when there are none.
    pub async fn get(&self, key: &str) -> Result<Option<Bytes>, BlobError> {
        check_key(key)?;
        match self {
            Blobs::Local(b) => b.get(key).await,
            Blobs::S3(b) => b.get(key).await,
        }
    }

    pub async fn exists(&self, key: &str) -> Result<bool, BlobError> {
        check_key(key)?;
        match self {
            Blobs::Local(b) => b.exists(key).await,
            Blobs::S3(b) => b.exists(key).await,
        }
    }

    /// Removes `key`; removing what is not there is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), BlobError> {
        check_key(key)?;
        match self {
            Blobs::Local(b) => b.delete(key).await,
            Blobs::S3(b) => b.delete(key).await,
        }
    }

    /// Whether the store can be written now (`/api/healthz`): a probe file for the
    /// folder, the bucket answering (and existing) for S3.
    pub async fn check(&self) -> Result<(), BlobError> {
        match self {
            Blobs::Local(b) => b.check().await,
            Blobs::S3(b) => b.check().await,
        }
    }

    /// What `/api/healthz` reports when [`Blobs::check`] fails.
    pub fn failure_word(&self) -> &'static str {
        match self {
            Blobs::Local(_) => "unwritable",
            Blobs::S3(_) => "unreachable",
        }
    }

    /// For the admin health page: the folder, or the bucket and endpoint (never keys).
    pub fn describe(&self) -> String {
        match self {
            Blobs::Local(b) => b.root().display().to_string(),
            Blobs::S3(b) => b.describe(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_the_clinic_first() {
        let clinic = ClinicId(uuid::Uuid::nil());
        let sha = "ab".repeat(32);
        assert_eq!(
            key(clinic, Variant::Gallery, &sha),
            format!("00000000-0000-0000-0000-000000000000/gallery/{sha}.jpg")
        );
        for v in [Variant::Original, Variant::Gallery, Variant::Full] {
            assert!(check_key(&key(clinic, v, &sha)).is_ok());
            assert_eq!(Variant::parse(v.as_str()), Some(v));
        }
    }

    #[test]
    fn keys_cannot_escape_the_store() {
        for bad in [
            "",
            "/abs",
            "a//b",
            "a/../b",
            "..",
            "a/./b",
            "A/b",
            "a/.hidden",
            "a\\b",
            "a/b c",
        ] {
            assert!(check_key(bad).is_err(), "{bad:?} accepted");
        }
        assert!(check_key("a/b-c_d.jpg").is_ok());
    }
}
