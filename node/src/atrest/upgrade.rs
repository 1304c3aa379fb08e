//! Encrypting a data dir written by an earlier version, in place, on its first open.
//!
//! Crash-safe at every step: the key is persisted (fsync) before anything is encrypted
//! under it; the plain store is exported with `sqlcipher_export` into a side file, which
//! is synced and then renamed over the store (a crash before the rename leaves the plain
//! store, and the next open starts again; after it, the store is encrypted). Photo files
//! are sealed one by one to a temporary file renamed over the plain one, and the store
//! records when all of them are done, so a crash midway is finished on the next open.
//!
//! `DERMIS_TEST_PAUSE_AT=<step>` (hidden, for the crash tests) stops the process at a
//! step — `key-saved`, `exported`, `renamed`, `file-sealed` — printing
//! `dermis-node: paused at <step>` on standard error, so a test can SIGKILL it there.

use std::path::{Path, PathBuf};

use super::key::{self, StoreKey};
use super::perms;
use super::seal::{self, FileKey};
use crate::store::StoreError;

/// The hidden test hook naming the step to stop at.
pub const PAUSE_ENV: &str = "DERMIS_TEST_PAUSE_AT";
/// The folders of the data dir that hold patient files.
pub const PATIENT_FILE_DIRS: [&str; 3] = ["blobs", "thumbs", "cache"];

fn pause_at(step: &str) {
    if std::env::var(PAUSE_ENV).is_ok_and(|s| s == step) {
        eprintln!("dermis-node: paused at {step}");
        loop {
            std::thread::park();
        }
    }
}

/// Holds the data dir's upgrade lock (`upgrade.lock`, an advisory lock released when the
/// file is dropped or the process dies) until the returned file is dropped.
pub fn lock(data_dir: &Path) -> Result<std::fs::File, StoreError> {
    let path = data_dir.join("upgrade.lock");
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(&path).map_err(io(&path))?;
    file.lock().map_err(io(&path))?;
    Ok(file)
}

/// Where the encrypted copy is made before it replaces the store.
pub fn side_path(store: &Path) -> PathBuf {
    let mut name = store.as_os_str().to_owned();
    name.push(".encrypting");
    PathBuf::from(name)
}

fn companion(store: &Path, suffix: &str) -> PathBuf {
    let mut name = store.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Removes what an interrupted upgrade left beside the store (the store itself is
/// untouched: the side file never replaced it).
pub fn clean_side_files(store: &Path) -> Result<(), StoreError> {
    for path in [side_path(store), companion(&side_path(store), "-journal")] {
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&path)(e)),
        }
    }
    Ok(())
}

/// Encrypts the plain Dermis store at `store` in place. The caller checked that it is a
/// plain Dermis store.
pub fn encrypt_store(store: &Path) -> Result<StoreKey, StoreError> {
    let dir = store.parent().unwrap_or(Path::new("."));
    let key = key::load_or_create(dir)?;
    pause_at("key-saved");
    clean_side_files(store)?;
    let side = side_path(store);
    drop(perms::create_private_file(&side).map_err(io(&side))?);
    crate::store::encrypt_plain_copy(store, &side, &key)?;
    pause_at("exported");
    std::fs::File::open(&side)
        .and_then(|f| f.sync_all())
        .map_err(io(&side))?;
    // The plain store's WAL was checkpointed and truncated; one that still holds frames
    // means another process is writing the old store: stop rather than lose its writes.
    let wal = companion(store, "-wal");
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        clean_side_files(store)?;
        return Err(StoreError::Io {
            path: wal,
            source: std::io::Error::other(
                "another process is using the store; close it and open again to encrypt it",
            ),
        });
    }
    for path in [wal, companion(store, "-shm")] {
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&path)(e)),
        }
    }
    std::fs::rename(&side, store).map_err(io(store))?;
    perms::sync_dir(dir).map_err(io(dir))?;
    tracing::info!("the store was encrypted in place");
    pause_at("renamed");
    Ok(key)
}

/// Seals every plain file under the patient-file folders of `data_dir`, and removes
/// temporary files an interrupted write left. Returns how many files were sealed.
pub fn seal_plain_files(data_dir: &Path, key: &FileKey) -> Result<usize, StoreError> {
    let mut sealed = 0;
    for sub in PATIENT_FILE_DIRS {
        let dir = data_dir.join(sub);
        if dir.is_dir() {
            sealed += seal_tree(&dir, key)?;
        }
    }
    Ok(sealed)
}

fn seal_tree(dir: &Path, key: &FileKey) -> Result<usize, StoreError> {
    let mut sealed = 0;
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(io(&path))?;
        if kind.is_dir() {
            sealed += seal_tree(&path, key)?;
            continue;
        }
        if !kind.is_file() {
            continue;
        }
        if entry.file_name().to_string_lossy().starts_with('.') {
            // A temporary file of a write that never finished: never referenced.
            std::fs::remove_file(&path).map_err(io(&path))?;
            continue;
        }
        if seal::is_sealed(&path).map_err(io(&path))? {
            continue;
        }
        let mut plain = std::fs::File::open(&path).map_err(io(&path))?;
        seal::write_sealed(key, &path, &mut plain).map_err(io(&path))?;
        sealed += 1;
        pause_at("file-sealed");
    }
    Ok(sealed)
}
