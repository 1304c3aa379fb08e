//! Permissions of the data dir: the dir (and every folder in it) 0700, every file 0600,
//! created that way rather than narrowed afterwards. SQLite gives the WAL and shared
//! memory files the mode of the database file, so they follow. A data dir made by an
//! earlier version (0755 / 0644) is mended when it is opened.

use std::fs::File;
use std::io;
use std::path::Path;

#[cfg(unix)]
const DIR_MODE: u32 = 0o700;
#[cfg(unix)]
const FILE_MODE: u32 = 0o600;

/// Sets the process umask to 077: every file and folder the node (and SQLite) makes from
/// here on is its owner's only. Called first thing by the executable.
pub fn private_umask() {
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

/// Creates `dir` (and missing parents) as 0700; an existing `dir` is set to 0700.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(DIR_MODE);
        builder.create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(DIR_MODE))
    }
    #[cfg(not(unix))]
    builder.create(dir)
}

/// Creates a new file readable by its owner only; fails if it exists.
pub fn create_private_file(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    options.open(path)
}

#[cfg(unix)]
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
pub fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// Mends an old data dir: when the dir itself is not 0700, every folder in it becomes
/// 0700 and every file 0600. A dir already private is left alone (no walk on each open).
#[cfg(unix)]
pub fn mend_data_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir)?.permissions().mode() & 0o777;
    if mode == DIR_MODE {
        return Ok(());
    }
    mend_tree(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(DIR_MODE))
}

#[cfg(unix)]
fn mend_tree(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            mend_tree(&entry.path())?;
            std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(DIR_MODE))?;
        } else if kind.is_file() {
            std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(FILE_MODE))?;
        }
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn mend_data_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0)
    }

    #[test]
    fn an_old_open_dir_is_mended() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = tmp.path().join("data");
        std::fs::create_dir_all(dir.join("blobs/ab")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join("blobs/ab/x"), b"x").unwrap_or_else(|e| panic!("{e}"));
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::set_permissions(
            dir.join("blobs/ab/x"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        mend_data_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("blobs/ab")), 0o700);
        assert_eq!(mode(&dir.join("blobs/ab/x")), 0o600);
    }

    #[test]
    fn new_files_and_dirs_are_private() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = tmp.path().join("a/b");
        create_private_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mode(&dir), 0o700);
        create_private_file(&dir.join("f")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mode(&dir.join("f")), 0o600);
    }
}
