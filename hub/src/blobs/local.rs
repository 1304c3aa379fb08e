//! Blobs in a folder: one file per key under the root (`<root>/<clinic>/gallery/…`).
//! Writes go to a temporary file in the same folder, are fsynced, renamed over the
//! final name and the folder fsynced, so after a crash a blob is whole or absent.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;

use super::BlobError;

#[derive(Clone, Debug)]
pub struct LocalBlobs {
    root: Arc<PathBuf>,
}

fn io(op: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> BlobError {
    let path = path.to_owned();
    move |source| BlobError::Io { op, path, source }
}

/// Runs blocking file work off the async runtime.
async fn blocking<T: Send + 'static>(
    path: &Path,
    f: impl FnOnce() -> Result<T, BlobError> + Send + 'static,
) -> Result<T, BlobError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| BlobError::Io {
            op: "run",
            path: path.to_owned(),
            source: std::io::Error::other(e.to_string()),
        })?
}

impl LocalBlobs {
    /// A store rooted at `root` (created on the first write).
    pub fn new(root: impl Into<PathBuf>) -> LocalBlobs {
        LocalBlobs {
            root: Arc::new(root.into()),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    pub(super) async fn put(&self, key: &str, bytes: Bytes) -> Result<(), BlobError> {
        let path = self.path(key);
        blocking(&path.clone(), move || write_atomic(&path, &bytes)).await
    }

    pub(super) async fn get(&self, key: &str) -> Result<Option<Bytes>, BlobError> {
        let path = self.path(key);
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(Bytes::from(bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io("read", &path)(e)),
        }
    }

    pub(super) async fn exists(&self, key: &str) -> Result<bool, BlobError> {
        let path = self.path(key);
        match tokio::fs::metadata(&path).await {
            Ok(meta) => Ok(meta.is_file()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io("stat", &path)(e)),
        }
    }

    pub(super) async fn delete(&self, key: &str) -> Result<(), BlobError> {
        let path = self.path(key);
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io("remove", &path)(e)),
        }
    }

    /// Creates the root if needed, then writes and removes a probe file.
    pub(super) async fn check(&self) -> Result<(), BlobError> {
        let root = self.root.as_ref().clone();
        tokio::fs::create_dir_all(&root)
            .await
            .map_err(io("create", &root))?;
        let probe = root.join(format!(".healthz-{}", uuid::Uuid::now_v7().simple()));
        tokio::fs::write(&probe, b"ok")
            .await
            .map_err(io("write", &probe))?;
        tokio::fs::remove_file(&probe)
            .await
            .map_err(io("remove", &probe))
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), BlobError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io("create", dir))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::now_v7().simple()));
    let result = (|| {
        let mut file = std::fs::File::create_new(&tmp).map_err(io("create", &tmp))?;
        file.write_all(bytes).map_err(io("write", &tmp))?;
        file.sync_all().map_err(io("fsync", &tmp))?;
        drop(file);
        std::fs::rename(&tmp, path).map_err(io("rename", path))?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<(), BlobError> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io("fsync", dir))
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<(), BlobError> {
    Ok(())
}
