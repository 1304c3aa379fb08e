//! `dermis-node backup --out FILE` and `dermis-node restore --from FILE`: the store (a
//! consistent snapshot taken while the node keeps working), its key, and every photo file
//! as one file sealed under a passphrase ([`dermis_sync::archive`], the hub's format),
//! written and read with bounded memory.
//!
//! What a backup holds: `MANIFEST.json`, `store-id`, `key` (the store key, readable only
//! with the passphrase), `dermis-node.db` (exported under the same key, so no plaintext
//! copy ever touches the disk), and the sealed photo files under `blobs/` and `thumbs/`
//! as they are (the cache of images fetched from the hub is left out: it comes back).
//!
//! A restore unpacks into a scratch folder inside the new data dir and moves it into place
//! only after the whole file has authenticated; a wrong passphrase or a damaged,
//! truncated or forged file writes nothing. The restored store writes as an Automerge
//! actor of its own (the original may still be in use) and keeps the original's sync
//! state: it resumes with the hub where the backup left off; the hub holds every change
//! pushed since, and takes again, without duplicating, what it already has.

use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read};
use std::path::{Component, Path, PathBuf};

use dermis_sync::archive::sealed::{MIN_PASSPHRASE_CHARS, SealError};
use dermis_sync::archive::{ArchiveError, ArchiveReader, ArchiveWriter};
use serde::{Deserialize, Serialize};

use crate::atrest::key::{self, KeyError, STORE_ID_FILE};
use crate::atrest::perms;
use crate::node::Node;
use crate::store::StoreError;

const MANIFEST: &str = "MANIFEST.json";
const KEY: &str = "key";
const STORE: &str = "dermis-node.db";
/// The folders of photo files a backup carries.
const FOLDERS: [&str; 2] = ["blobs", "thumbs"];
const FORMAT: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Sealed(#[from] SealError),
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error("the passphrase must have at least {MIN_PASSPHRASE_CHARS} characters")]
    WeakPassphrase,
    #[error("{path} already exists; choose another file (nothing was written)")]
    Exists { path: PathBuf },
    #[error("{dir} is not empty; restore needs a new or empty data dir (nothing was changed)")]
    NotEmpty { dir: PathBuf },
    #[error("the backup has no manifest, or one this version cannot read; is it a node backup?")]
    Manifest,
    #[error("the backup lacks {what}; it is damaged")]
    Incomplete { what: &'static str },
    #[error("the store")]
    Store(#[from] StoreError),
    #[error("the store key")]
    Key(#[from] KeyError),
    #[error("{what} {path}")]
    File {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn file_error<'a>(
    what: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> BackupError + 'a {
    move |source| {
        // The opener reports what was wrong with the backup through io errors.
        if source
            .get_ref()
            .is_some_and(|e| e.downcast_ref::<SealError>().is_some())
        {
            return BackupError::Archive(ArchiveError::Read(source));
        }
        BackupError::File {
            what,
            path: path.to_path_buf(),
            source,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    kind: String,
    node_id: String,
    created_at: i64,
}

/// What a backup or restore moved.
#[derive(Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: u64,
    pub bytes: u64,
}

fn scratch_name(prefix: &str) -> String {
    format!(".{prefix}-{}", uuid::Uuid::now_v7().simple())
}

/// Writes a backup of `node` to `out` (which must not exist).
pub fn backup(node: &Node, out: &Path, passphrase: &str) -> Result<Summary, BackupError> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(BackupError::WeakPassphrase);
    }
    if out.exists() {
        return Err(BackupError::Exists {
            path: out.to_path_buf(),
        });
    }
    let data_dir = node.data_dir();
    let key = key::load(data_dir)?;
    let snapshot = data_dir.join(scratch_name("backup-snapshot"));
    let partial = out.with_file_name(format!(
        ".{}.partial",
        out.file_name().and_then(|n| n.to_str()).unwrap_or("backup")
    ));
    let result = crate::store::snapshot(&Node::store_path(data_dir), &key, &snapshot)
        .map_err(BackupError::from)
        .and_then(|()| write_backup(node, &key, &snapshot, &partial, passphrase));
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

fn write_backup(
    node: &Node,
    key: &crate::atrest::StoreKey,
    snapshot: &Path,
    partial: &Path,
    passphrase: &str,
) -> Result<Summary, BackupError> {
    let data_dir = node.data_dir();
    let file = perms::create_private_file(partial).map_err(file_error("creating", partial))?;
    let mut archive = ArchiveWriter::new(BufWriter::new(file), passphrase)?;
    let mut summary = Summary::default();
    let manifest = serde_json::to_vec(&Manifest {
        format: FORMAT,
        kind: "dermis-node".into(),
        node_id: node.identity.node_id.to_string(),
        created_at: crate::node::now(),
    })
    .map_err(|e| file_error("writing the backup", partial)(io::Error::other(e)))?;
    let key_hex = key::to_hex(key);
    let mut add_bytes = |name: &str, bytes: &[u8], archive: &mut ArchiveWriter<_>| {
        archive
            .add(name, bytes.len() as u64, &mut &bytes[..])
            .map_err(file_error("writing the backup", partial))?;
        summary.files += 1;
        summary.bytes += bytes.len() as u64;
        Ok::<(), BackupError>(())
    };
    add_bytes(MANIFEST, &manifest, &mut archive)?;
    add_bytes(KEY, key_hex.as_bytes(), &mut archive)?;
    let store_id = fs::read(data_dir.join(STORE_ID_FILE))
        .map_err(file_error("reading", &data_dir.join(STORE_ID_FILE)))?;
    add_bytes(STORE_ID_FILE, &store_id, &mut archive)?;
    let mut add_file = |name: &str, path: &Path, archive: &mut ArchiveWriter<_>| {
        let file = File::open(path).map_err(file_error("reading", path))?;
        let size = file.metadata().map_err(file_error("reading", path))?.len();
        let copied = archive
            .add(name, size, &mut BufReader::new(file))
            .map_err(file_error("writing the backup", partial))?;
        summary.files += 1;
        summary.bytes += copied;
        Ok::<(), BackupError>(())
    };
    add_file(STORE, snapshot, &mut archive)?;
    for folder in FOLDERS {
        let root = data_dir.join(folder);
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            let entries = match fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(file_error("listing", &dir)(e)),
            };
            let mut entries: Vec<_> = entries
                .collect::<Result<_, _>>()
                .map_err(file_error("listing", &dir))?;
            entries.sort_by_key(fs::DirEntry::file_name);
            for entry in entries {
                let path = entry.path();
                let kind = entry.file_type().map_err(file_error("reading", &path))?;
                if kind.is_dir() {
                    stack.push(path);
                } else if kind.is_file()
                    && let Some(name) = relative_name(&root, &path)
                {
                    match add_file(&format!("{folder}/{name}"), &path, &mut archive) {
                        // Gone since it was listed (a photo file replaced meanwhile).
                        Err(BackupError::File { source, .. })
                            if source.kind() == io::ErrorKind::NotFound => {}
                        other => other?,
                    }
                }
            }
        }
    }
    let file = archive
        .finish()?
        .into_inner()
        .map_err(|e| file_error("writing the backup", partial)(e.into_error()))?;
    file.sync_all()
        .map_err(file_error("writing the backup", partial))?;
    Ok(summary)
}

/// `path` under `root` as `a/b`, if every part is a plain UTF-8 name.
fn relative_name(root: &Path, path: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = path
        .strip_prefix(root)
        .ok()?
        .components()
        .map(|c| match c {
            Component::Normal(p) => p.to_str(),
            _ => None,
        })
        .collect();
    Some(parts?.join("/"))
}

/// Where an entry may be unpacked, relative to the scratch folder; `None` for a path no
/// node backup writes.
fn entry_target(path: &str) -> Option<PathBuf> {
    if [MANIFEST, KEY, STORE, STORE_ID_FILE].contains(&path) {
        return Some(PathBuf::from(path));
    }
    let (folder, rest) = path.split_once('/')?;
    if !FOLDERS.contains(&folder) {
        return None;
    }
    let plain = |p: &&str| {
        !p.is_empty()
            && *p != "."
            && *p != ".."
            && !p.contains('\\')
            && !p.contains('\0')
            && matches!(
                Path::new(p).components().collect::<Vec<_>>().as_slice(),
                [Component::Normal(_)]
            )
    };
    let parts: Vec<&str> = rest.split('/').collect();
    (parts.len() <= 2 && parts.iter().all(plain)).then(|| Path::new(folder).join(rest))
}

/// Restores a backup into `data_dir`, which must be new or empty.
pub fn restore(data_dir: &Path, from: &Path, passphrase: &str) -> Result<Summary, BackupError> {
    if fs::read_dir(data_dir).is_ok_and(|mut d| d.next().is_some()) {
        return Err(BackupError::NotEmpty {
            dir: data_dir.to_path_buf(),
        });
    }
    let input = File::open(from).map_err(file_error("opening", from))?;
    let reader = ArchiveReader::new(BufReader::new(input), passphrase)?;
    let created = !data_dir.exists();
    perms::create_private_dir(data_dir).map_err(file_error("creating", data_dir))?;
    let scratch = data_dir.join(scratch_name("restore"));
    let result = unpack(reader, &scratch).and_then(|summary| {
        move_into_place(&scratch, data_dir)?;
        Ok(summary)
    });
    let _ = fs::remove_dir_all(&scratch);
    if result.is_err() {
        // Nothing of a failed restore stays: the folder is as it was.
        if created {
            let _ = fs::remove_dir_all(data_dir);
        } else if let Ok(entries) = fs::read_dir(data_dir) {
            for entry in entries.flatten() {
                let _ = fs::remove_dir_all(entry.path()).or_else(|_| fs::remove_file(entry.path()));
            }
        }
    }
    result
}

fn unpack<R: Read>(mut input: ArchiveReader<R>, scratch: &Path) -> Result<Summary, BackupError> {
    perms::create_private_dir(scratch).map_err(file_error("creating", scratch))?;
    let mut summary = Summary::default();
    let mut manifest = false;
    while let Some(entry) = input.next_entry()? {
        let target = entry_target(&entry.path).ok_or_else(|| ArchiveError::Entry {
            path: entry.path.clone(),
        })?;
        if !manifest {
            if entry.path != MANIFEST || entry.size > 64 * 1024 {
                return Err(BackupError::Manifest);
            }
            let mut text = Vec::new();
            input
                .body(entry.size)
                .read_to_end(&mut text)
                .map_err(ArchiveError::Read)?;
            let parsed: Manifest =
                serde_json::from_slice(&text).map_err(|_| BackupError::Manifest)?;
            if parsed.format != FORMAT || parsed.kind != "dermis-node" {
                return Err(BackupError::Manifest);
            }
            manifest = true;
            continue;
        }
        let dest = scratch.join(&target);
        if let Some(parent) = dest.parent() {
            perms::create_private_dir(parent).map_err(file_error("creating", parent))?;
        }
        let file = perms::create_private_file(&dest).map_err(file_error("writing", &dest))?;
        let mut writer = BufWriter::new(file);
        let copied = io::copy(&mut input.body(entry.size), &mut writer)
            .map_err(file_error("writing", &dest))?;
        if copied != entry.size {
            return Err(ArchiveError::Read(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the backup ends inside a file",
            ))
            .into());
        }
        let file = writer
            .into_inner()
            .map_err(|e| file_error("writing", &dest)(e.into_error()))?;
        file.sync_all().map_err(file_error("writing", &dest))?;
        summary.files += 1;
        summary.bytes += entry.size;
    }
    input.end()?;
    for (name, what) in [
        (STORE, "the store"),
        (KEY, "the store key"),
        (STORE_ID_FILE, "the store id"),
    ] {
        if !scratch.join(name).is_file() {
            return Err(BackupError::Incomplete { what });
        }
    }
    Ok(summary)
}

fn move_into_place(scratch: &Path, data_dir: &Path) -> Result<(), BackupError> {
    let key_text =
        fs::read_to_string(scratch.join(KEY)).map_err(file_error("reading", &scratch.join(KEY)))?;
    let key = key::from_hex(&key_text).ok_or(BackupError::Incomplete {
        what: "a valid store key",
    })?;
    // Before anything moves: the store opens under the key, and gets its own actor.
    crate::store::mark_restored(&scratch.join(STORE), &key)?;
    for name in [STORE_ID_FILE, "blobs", "thumbs"] {
        let from = scratch.join(name);
        if from.exists() {
            let to = data_dir.join(name);
            fs::rename(&from, &to).map_err(file_error("moving into place", &to))?;
        }
    }
    key::install(data_dir, &key)?;
    // The store last: its presence is what says the data dir is restored.
    let to = data_dir.join(STORE);
    fs::rename(scratch.join(STORE), &to).map_err(file_error("moving into place", &to))?;
    perms::sync_dir(data_dir).map_err(file_error("syncing", data_dir))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_paths_a_node_backup_writes_are_accepted() {
        for ok in [
            "MANIFEST.json",
            "key",
            "store-id",
            "dermis-node.db",
            "blobs/ab/abcdef",
            "thumbs/abcdef.jpg",
        ] {
            assert!(entry_target(ok).is_some(), "{ok}");
        }
        for bad in [
            "../x",
            "blobs/../../etc/passwd",
            "blobs/a/b/c",
            "/etc/passwd",
            "cache/full/x",
            "blobs/",
            "blobs/ab/",
            "thumbs/a\\b",
            "dermis-node.db/x",
            "",
        ] {
            assert!(entry_target(bad).is_none(), "{bad:?}");
        }
    }
}
