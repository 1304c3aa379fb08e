//! Images on demand: `photo fetch` and the app's full view. What this node holds is used
//! as it is; anything else comes from the hub into the bounded cache, written to a
//! temporary name and renamed, so a full disk leaves no half file. An original fetched
//! from the hub is the hub's sanitised copy (no EXIF/GPS), so it is kept under
//! `cache/original/`, apart from the content-addressed originals this node imported.

use std::io;
use std::path::{Path, PathBuf};

use dermis_model::clinic::Permission;
use dermis_model::{ErrorCode, PhotoId};

use super::cache::{self, Kind};
use super::http::{DownloadError, Variant};
use super::{LaneOptions, hub_client};
use crate::node::{Node, OpError, Session, now};
use crate::ops::photos::{blob_path, thumb_path, write_atomic};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error(transparent)]
    Op(#[from] OpError),
    #[error("the photo is not on this node and this node is not enrolled with a hub")]
    NotEnrolled,
    #[error(
        "the hub does not have the {variant} image of this photo yet (its upload or its thumbnails are not done)"
    )]
    NotOnHub { variant: &'static str },
    #[error("the photo is not on this node and the hub could not be reached ({reason})")]
    Unreachable { reason: String },
    #[error("the hub refused this node ({reason})")]
    Refused { reason: String },
    #[error("the hub sent something that is not a JPEG, PNG or WebP image")]
    NotAnImage,
    #[error("the hub sent {size} bytes, more than the {limit} a photo may have")]
    TooLarge { size: u64, limit: u64 },
    #[error(
        "the disk is full: {path} was not written (no partial file was left); free some space and try again"
    )]
    DiskFull {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot write {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl From<StoreError> for FetchError {
    fn from(e: StoreError) -> Self {
        FetchError::Op(OpError::Store(e))
    }
}

/// An out-of-space error, whatever the platform calls it.
pub fn is_disk_full(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded | io::ErrorKind::FileTooLarge
    ) || matches!(e.raw_os_error(), Some(28 | 122))
}

fn write_error(path: &Path, source: io::Error) -> FetchError {
    if is_disk_full(&source) {
        FetchError::DiskFull {
            path: path.to_owned(),
            source,
        }
    } else {
        FetchError::Write {
            path: path.to_owned(),
            source,
        }
    }
}

/// Where an image was found or put.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetched {
    pub path: PathBuf,
    /// Downloaded now (else it was on this node already).
    pub downloaded: bool,
}

/// The photo's sha256, from the index.
fn sha_of(node: &Node, photo: PhotoId) -> Result<String, FetchError> {
    crate::store::photo_cache::photo_sha256(node.store.conn(), &photo.to_string())?
        .ok_or_else(|| FetchError::Op(crate::ops::unknown("photo", ErrorCode::InvalidId, photo)))
}

/// The image of `photo` in `variant`, from this node or else from the hub.
pub async fn fetch(
    node: &mut Node,
    session: &Session,
    photo: PhotoId,
    variant: Variant,
    options: &LaneOptions,
) -> Result<Fetched, FetchError> {
    session.require(Permission::ViewClinical)?;
    let sha = sha_of(node, photo)?;
    let data_dir = node.data_dir().to_owned();
    let conn = node.store.conn();
    let local = |path: PathBuf| Fetched {
        path,
        downloaded: false,
    };
    match variant {
        Variant::Original => {
            let own = blob_path(&data_dir, &sha);
            if own.is_file() {
                crate::store::photo_cache::mark_used(conn, &sha, Kind::Blob.as_str(), now())?;
                return Ok(local(own));
            }
        }
        Variant::Gallery => {
            let thumb = thumb_path(&data_dir, &sha);
            if thumb.is_file() {
                return Ok(local(thumb));
            }
        }
        Variant::Full => {}
    }
    let target = match variant {
        Variant::Gallery => thumb_path(&data_dir, &sha),
        other => cache::fetched_path(&data_dir, &sha, other),
    };
    if variant != Variant::Gallery
        && let Ok(meta) = std::fs::metadata(&target)
    {
        cache::touch(conn, &sha, Kind::Fetched(variant), meta.len(), now())?;
        return Ok(local(target));
    }
    let hub = hub_client(node, options)?.ok_or(FetchError::NotEnrolled)?;
    let limit = options.max_photo_bytes.saturating_mul(2);
    let bytes = hub
        .download(&sha, variant, limit)
        .await
        .map_err(|e| match e {
            DownloadError::NotFound => FetchError::NotOnHub {
                variant: variant.as_str(),
            },
            DownloadError::Unauthorized { reason } => FetchError::Refused { reason },
            DownloadError::Unreachable { reason } => FetchError::Unreachable { reason },
            DownloadError::TooLarge { size, limit } => FetchError::TooLarge { size, limit },
        })?;
    if dermis_model::photo::PhotoMime::sniff(&bytes).is_none() {
        return Err(FetchError::NotAnImage);
    }
    crate::atrest::seal::store_file(&data_dir, &target, &bytes)
        .map_err(|e| write_error(&target, e))?;
    if variant != Variant::Gallery {
        let conn = node.store.conn();
        cache::touch(
            conn,
            &sha,
            Kind::Fetched(variant),
            bytes.len() as u64,
            now(),
        )?;
        cache::evict(
            conn,
            &data_dir,
            options.cache_bytes,
            Some((&sha, Kind::Fetched(variant))),
        )?;
    }
    Ok(Fetched {
        path: target,
        downloaded: true,
    })
}

/// [`fetch`] for callers without a runtime (the CLI, the app's backend thread).
pub fn fetch_blocking(
    node: &mut Node,
    session: &Session,
    photo: PhotoId,
    variant: Variant,
    options: &LaneOptions,
) -> Result<Fetched, FetchError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| FetchError::Unreachable {
            reason: format!("cannot start the async runtime: {e}"),
        })?;
    rt.block_on(fetch(node, session, photo, variant, options))
}

/// Copies a fetched image (sealed, in `data_dir`) to where the user asked, decrypted,
/// atomically.
pub fn copy_out(data_dir: &Path, from: &Path, to: &Path) -> Result<(), FetchError> {
    let bytes =
        crate::atrest::seal::load_file(data_dir, from).map_err(|source| FetchError::Write {
            path: from.to_owned(),
            source,
        })?;
    write_atomic(to, &bytes).map_err(|e| write_error(to, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_space_is_recognised() {
        assert!(is_disk_full(&io::Error::from_raw_os_error(28)));
        assert!(is_disk_full(&io::Error::from(io::ErrorKind::StorageFull)));
        assert!(!is_disk_full(&io::Error::from(
            io::ErrorKind::PermissionDenied
        )));
    }
}
