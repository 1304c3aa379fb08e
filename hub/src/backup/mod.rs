//! `dermis-hub backup --out FILE` and `dermis-hub restore --from FILE`: the embedded
//! store, its secret key and the blob folder as one file encrypted under a passphrase
//! ([`dermis_sync::archive`], shared with the node's backups), written and read with
//! bounded memory.
//!
//! A backup is consistent while the hub serves: the store is copied with SQLite's
//! `VACUUM INTO` (one read transaction: a snapshot), then the blobs. A blob is written
//! before the row that names it commits, so every blob the snapshot names is already
//! there when the folder is read; blobs newer than the snapshot come along harmlessly.
//!
//! Restore accepts only the paths a backup writes (`MANIFEST.json`, `hub.db`, `secret.key`, `blobs/…` without `..`), unpacks into
//! a fresh folder inside the data dir and moves it into place only after the whole file
//! has authenticated: a wrong passphrase, a damaged or truncated file writes nothing.
//!
//! A restored store's change-log counters move on by [`SEQ_JUMP`]: nodes may have synced
//! past the backup, and must never see a new change numbered below their cursor.
//!
//! Postgres and S3 are backed up with their own tools (docs/RUNBOOK.md, "Backup").

pub use dermis_sync::archive::sealed;

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, BufWriter, Read};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use dermis_sync::archive::{ArchiveError, ArchiveReader, ArchiveWriter};
use sealed::SealError;

/// The store's file, the secret key and the blob folder, inside the data dir and a backup.
const STORE: &str = "hub.db";
const KEY: &str = crate::secrets::KEY_FILE;
const BLOBS: &str = "blobs";
const MANIFEST: &str = "MANIFEST.json";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Sealed(#[from] SealError),
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error("{path} already exists; choose another file (nothing was written)")]
    Exists { path: PathBuf },
    #[error(
        "{dir} already holds a hub store ({what}); restore needs a data dir without one (nothing was changed)"
    )]
    NotEmpty { dir: PathBuf, what: &'static str },
    #[error("there is no embedded store at {path} to back up")]
    NoStore { path: PathBuf },
    #[error(
        "the backup holds an entry this version does not write ({path:?}); it is damaged or forged"
    )]
    Entry { path: String },
    #[error("the backup has no manifest, or one this version cannot read")]
    Manifest,
    #[error("copying the store to a snapshot, or preparing the restored one")]
    Snapshot(#[source] rusqlite::Error),
    #[error("{what} {path}")]
    File {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("reading the backup")]
    Read(#[source] io::Error),
}

fn file_error<'a>(
    what: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> BackupError + 'a {
    move |source| {
        // The opener reports what was wrong with the file through io errors.
        match source.get_ref().and_then(|e| e.downcast_ref::<SealError>()) {
            Some(_) => BackupError::Read(source),
            None => BackupError::File {
                what,
                path: path.to_path_buf(),
                source,
            },
        }
    }
}

/// What a backup says about itself.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    /// The hub's version that wrote it.
    hub: String,
    created_at: String,
}

/// What a backup or restore moved.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: u64,
    pub bytes: u64,
}

fn random_name(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::now_v7().simple())
}

/// Writes a backup of the embedded store in `data_dir` to `out`.
pub fn backup(data_dir: &Path, out: &Path, passphrase: &str) -> Result<Summary, BackupError> {
    let store = data_dir.join(STORE);
    if !store.is_file() {
        return Err(BackupError::NoStore { path: store });
    }
    if out.exists() {
        return Err(BackupError::Exists {
            path: out.to_path_buf(),
        });
    }
    let partial = out.with_file_name(format!(
        ".{}.partial",
        out.file_name().and_then(|n| n.to_str()).unwrap_or("backup")
    ));
    let snapshot = data_dir.join(random_name(".backup-snapshot"));
    let result = write_backup(data_dir, &snapshot, &partial, passphrase);
    let _ = fs::remove_file(&snapshot);
    match result {
        Ok(summary) => {
            fs::rename(&partial, out).map_err(file_error("moving the backup to", out))?;
            Ok(summary)
        }
        Err(e) => {
            let _ = fs::remove_file(&partial);
            Err(e)
        }
    }
}

fn private_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

fn write_backup(
    data_dir: &Path,
    snapshot: &Path,
    partial: &Path,
    passphrase: &str,
) -> Result<Summary, BackupError> {
    let conn = rusqlite::Connection::open_with_flags(
        data_dir.join(STORE),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(BackupError::Snapshot)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(BackupError::Snapshot)?;
    conn.execute("VACUUM INTO ?1", [snapshot.to_string_lossy()])
        .map_err(BackupError::Snapshot)?;
    drop(conn);

    let file = private_file(partial).map_err(file_error("creating", partial))?;
    let mut sealer = ArchiveWriter::new(BufWriter::new(file), passphrase)?;
    let mut summary = Summary::default();
    let manifest = serde_json::to_vec(&Manifest {
        format: 1,
        hub: env!("CARGO_PKG_VERSION").into(),
        created_at: dermis_model::rfc3339(dermis_model::now_millis()),
    })
    .map_err(|e| BackupError::Read(io::Error::other(e)))?;
    let mut add = |name: &str, path: Option<&Path>, sealer: &mut ArchiveWriter<BufWriter<File>>| {
        let (size, mut body): (u64, Box<dyn Read>) = match path {
            None => (manifest.len() as u64, Box::new(&manifest[..])),
            Some(path) => {
                let file = File::open(path).map_err(file_error("reading", path))?;
                let size = file.metadata().map_err(file_error("reading", path))?.len();
                (size, Box::new(BufReader::new(file)))
            }
        };
        let copied = sealer
            .add(name, size, &mut body)
            .map_err(file_error("writing the backup", partial))?;
        summary.files += 1;
        summary.bytes += copied;
        Ok::<(), BackupError>(())
    };
    add(MANIFEST, None, &mut sealer)?;
    add(STORE, Some(snapshot), &mut sealer)?;
    let key = data_dir.join(KEY);
    if key.is_file() {
        add(KEY, Some(&key), &mut sealer)?;
    }
    let blobs = data_dir.join(BLOBS);
    let mut stack = vec![blobs.clone()];
    while let Some(dir) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(file_error("listing", &dir)(e)),
        };
        let mut names: Vec<_> = entries
            .collect::<Result<Vec<_>, _>>()
            .map_err(file_error("listing", &dir))?;
        names.sort_by_key(fs::DirEntry::file_name);
        for entry in names {
            let path = entry.path();
            let kind = entry.file_type().map_err(file_error("reading", &path))?;
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                let Some(name) = relative_name(&blobs, &path) else {
                    continue;
                };
                match add(&format!("{BLOBS}/{name}"), Some(&path), &mut sealer) {
                    // Deleted since it was listed (a staged upload that finished).
                    Err(BackupError::File { source, .. })
                        if source.kind() == io::ErrorKind::NotFound => {}
                    other => other?,
                }
            }
        }
    }
    let file = sealer
        .finish()?
        .into_inner()
        .map_err(|e| file_error("writing the backup", partial)(e.into_error()))?;
    file.sync_all()
        .map_err(file_error("writing the backup", partial))?;
    Ok(summary)
}

/// `path` under `root` as `a/b/c`, if every part is a plain UTF-8 name.
fn relative_name(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel
        .components()
        .map(|c| match c {
            Component::Normal(p) => p.to_str(),
            _ => None,
        })
        .collect();
    Some(parts?.join("/"))
}

/// Where an entry's path may be unpacked, relative to the restore folder; `None` for a
/// path no backup writes.
fn entry_target(path: &str) -> Option<PathBuf> {
    if path == MANIFEST || path == STORE || path == KEY {
        return Some(PathBuf::from(path));
    }
    let rest = path.strip_prefix("blobs/")?;
    let parts: Vec<&str> = rest.split('/').collect();
    let plain = |p: &&str| {
        !p.is_empty()
            && *p != "."
            && *p != ".."
            && !p.contains('\\')
            && !p.contains('\0')
            && Path::new(p).components().count() == 1
            && matches!(Path::new(p).components().next(), Some(Component::Normal(_)))
    };
    parts
        .iter()
        .all(plain)
        .then(|| Path::new(BLOBS).join(parts.join("/")))
}

/// Restores a backup into `data_dir`, which must hold no store and no blobs.
pub fn restore(data_dir: &Path, from: &Path, passphrase: &str) -> Result<Summary, BackupError> {
    for (name, what) in [(STORE, "hub.db"), (KEY, "secret.key")] {
        if data_dir.join(name).exists() {
            return Err(BackupError::NotEmpty {
                dir: data_dir.to_path_buf(),
                what,
            });
        }
    }
    let blobs = data_dir.join(BLOBS);
    if fs::read_dir(&blobs).is_ok_and(|mut d| d.next().is_some()) {
        return Err(BackupError::NotEmpty {
            dir: data_dir.to_path_buf(),
            what: "blobs",
        });
    }
    let input = File::open(from).map_err(file_error("opening", from))?;
    let opener = ArchiveReader::new(BufReader::new(input), passphrase)?;
    fs::create_dir_all(data_dir).map_err(file_error("creating", data_dir))?;
    let scratch = data_dir.join(random_name(".restore"));
    let result = unpack(opener, &scratch).and_then(|summary| {
        move_into_place(&scratch, data_dir)?;
        Ok(summary)
    });
    let _ = fs::remove_dir_all(&scratch);
    result
}

fn unpack<R: Read>(mut input: ArchiveReader<R>, scratch: &Path) -> Result<Summary, BackupError> {
    fs::create_dir(scratch).map_err(file_error("creating", scratch))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(scratch, fs::Permissions::from_mode(0o700))
            .map_err(file_error("securing", scratch))?;
    }
    let mut summary = Summary::default();
    let mut manifest = false;
    while let Some(entry) = input.next_entry()? {
        let (path, size) = (entry.path, entry.size);
        let target = entry_target(&path).ok_or(BackupError::Entry { path: path.clone() })?;
        if !manifest {
            if path != MANIFEST || size > 64 * 1024 {
                return Err(BackupError::Manifest);
            }
            let mut text = Vec::new();
            input
                .body(size)
                .read_to_end(&mut text)
                .map_err(BackupError::Read)?;
            let parsed: Manifest =
                serde_json::from_slice(&text).map_err(|_| BackupError::Manifest)?;
            if parsed.format != 1 {
                return Err(BackupError::Manifest);
            }
            manifest = true;
            continue;
        }
        let dest = scratch.join(&target);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).map_err(file_error("creating", parent))?;
        }
        let file = private_file(&dest).map_err(file_error("writing", &dest))?;
        let mut writer = BufWriter::new(file);
        let copied =
            io::copy(&mut input.body(size), &mut writer).map_err(file_error("writing", &dest))?;
        if copied != size {
            return Err(BackupError::Read(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the backup ends inside a file",
            )));
        }
        let file = writer
            .into_inner()
            .map_err(|e| file_error("writing", &dest)(e.into_error()))?;
        file.sync_all().map_err(file_error("writing", &dest))?;
        summary.files += 1;
        summary.bytes += size;
    }
    input.end()?;
    if !scratch.join(STORE).is_file() {
        return Err(BackupError::Manifest);
    }
    Ok(summary)
}

/// How far a restore moves each clinic's change-log counter: past any cursor a node
/// can hold (nodes synced after the backup was made; see docs/RUNBOOK.md, "Restore").
pub const SEQ_JUMP: i64 = 1_000_000;

/// Moves the restored store's change-log counters past every node's cursor, so changes
/// the hub makes from now on are never numbered below a cursor a node already holds.
fn jump_counters(store: &Path) -> Result<(), BackupError> {
    let conn = rusqlite::Connection::open(store).map_err(BackupError::Snapshot)?;
    conn.execute("UPDATE clinics SET seq = seq + ?1", [SEQ_JUMP])
        .map_err(BackupError::Snapshot)?;
    conn.close().map_err(|(_, e)| BackupError::Snapshot(e))
}

fn move_into_place(scratch: &Path, data_dir: &Path) -> Result<(), BackupError> {
    jump_counters(&scratch.join(STORE))?;
    let blobs = scratch.join(BLOBS);
    if blobs.is_dir() {
        let target = data_dir.join(BLOBS);
        // An empty blob folder (checked empty before) makes way for the restored one.
        let _ = fs::remove_dir(&target);
        fs::rename(&blobs, &target).map_err(file_error("moving the blobs to", &target))?;
    }
    let key = scratch.join(KEY);
    if key.is_file() {
        let target = data_dir.join(KEY);
        fs::rename(&key, &target).map_err(file_error("moving the key to", &target))?;
    }
    // The store last: its presence is what says the data dir is restored.
    let target = data_dir.join(STORE);
    fs::rename(scratch.join(STORE), &target).map_err(file_error("moving the store to", &target))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_paths_a_backup_writes_are_accepted() {
        for ok in [
            "hub.db",
            "secret.key",
            "MANIFEST.json",
            "blobs/c1/ab/cd.jpg",
            "blobs/x",
        ] {
            assert!(entry_target(ok).is_some(), "{ok}");
        }
        for bad in [
            "../hub.db",
            "/etc/passwd",
            "blobs/../../etc/passwd",
            "blobs/a/../../x",
            "blobs/",
            "blobs//x",
            "blobs/./x",
            "blobs/a\\..\\x",
            "other.db",
            "hub.db-wal",
            "blobs/\0",
        ] {
            assert!(entry_target(bad).is_none(), "{bad:?} accepted");
        }
    }
}

#[cfg(test)]
mod roundtrip {
    use super::*;

    #[test]
    fn a_data_dir_goes_through_a_backup_and_back() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let conn =
            rusqlite::Connection::open(dir.path().join(STORE)).unwrap_or_else(|e| panic!("{e}"));
        conn.execute_batch(
            "CREATE TABLE clinics (id TEXT, seq INTEGER); INSERT INTO clinics VALUES ('c', 41);",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        drop(conn);
        fs::create_dir_all(dir.path().join("blobs/a")).unwrap_or_else(|e| panic!("{e}"));
        fs::write(dir.path().join("blobs/a/b.jpg"), vec![9u8; 100_000])
            .unwrap_or_else(|e| panic!("{e}"));
        let file = dir.path().join("out.backup");
        let made =
            backup(dir.path(), &file, "a long passphrase").unwrap_or_else(|e| panic!("{e:?}"));
        let target = dir.path().join("restored");
        let back = restore(&target, &file, "a long passphrase").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(back.files + 1, made.files, "all but the manifest");
        assert_eq!(
            fs::read(target.join("blobs/a/b.jpg")).unwrap_or_default(),
            vec![9u8; 100_000]
        );
    }
}
