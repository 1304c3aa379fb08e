//! Printouts from the window: a document is written to the workstation's `printouts`
//! folder and handed to the system's viewer, whose Print button sends it to a printer.
//! The folder and its files are the workstation user's alone (a printout names a
//! patient); files are kept so that a printout can be found and printed again.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// The program that opens a printout: `DERMIS_OPEN_WITH` (e.g. `lp` to send it straight
/// to the default printer), else the desktop's opener.
fn opener() -> String {
    match std::env::var("DERMIS_OPEN_WITH") {
        Ok(v) if !v.trim().is_empty() => v.trim().to_owned(),
        _ => if cfg!(target_os = "macos") {
            "open"
        } else if cfg!(windows) {
            "explorer"
        } else {
            "xdg-open"
        }
        .to_owned(),
    }
}

/// How long an opener may take to fail before it is taken to be showing the file.
const OPENER_GRACE: Duration = Duration::from_millis(1500);

/// A file name from `stem` that keeps to letters, digits, `-` and `_` (a receipt number
/// or an id typed or stored elsewhere never climbs out of the folder).
fn safe(stem: &str) -> String {
    let name: String = stem
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() {
        "printout".into()
    } else {
        name
    }
}

/// Writes `bytes` as `<data_dir>/printouts/<stem>.pdf` (or `<stem>-2.pdf` and so on if
/// that name is taken), readable by this user only.
pub fn write(data_dir: &Path, stem: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    write_as(data_dir, stem, "pdf", bytes)
}

/// [`write()`] with another extension (`txt` for a 48-column receipt).
pub fn write_as(
    data_dir: &Path,
    stem: &str,
    extension: &str,
    bytes: &[u8],
) -> std::io::Result<PathBuf> {
    let folder = data_dir.join("printouts");
    std::fs::create_dir_all(&folder)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o700))?;
    }
    let stem = safe(stem);
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{stem}.{extension}")
        } else {
            format!("{stem}-{n}.{extension}")
        };
        let path = folder.join(name);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&path) {
            Ok(mut file) => {
                file.write_all(bytes)?;
                file.sync_all()?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        "too many printouts of the same name",
    ))
}

/// Hands `path` to the opener; whether it took it. An opener that exits with an error
/// within [`OPENER_GRACE`] did not; one still running then is taken to be showing it.
pub fn open(path: &Path, viewer: crate::gui::Viewer) -> bool {
    if viewer == crate::gui::Viewer::Off {
        return false;
    }
    let program = opener();
    let child = std::process::Command::new(&program)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => {
            tracing::info!(%error, program, "no viewer could be started for a printout");
            return false;
        }
    };
    let (tx, rx) = mpsc::channel();
    // Waited for on a thread of its own, so a viewer that stays open is still reaped.
    let waiter = std::thread::Builder::new()
        .name("dermis-opener".into())
        .spawn(move || {
            let _ = tx.send(child.wait().map(|s| s.success()).unwrap_or(false));
        });
    if waiter.is_err() {
        return true;
    }
    rx.recv_timeout(OPENER_GRACE).unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stem_is_a_safe_file_name() {
        assert_eq!(safe(" N1-000123 "), "N1-000123");
        assert_eq!(safe("../etc/x"), "___etc_x");
        assert_eq!(safe(""), "printout");
    }

    #[test]
    fn printouts_never_overwrite_and_keep_to_the_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = write(dir.path(), "summary-N1/P../000001", b"one").expect("first");
        let second = write(dir.path(), "summary-N1/P../000001", b"two").expect("second");
        assert_ne!(first, second);
        assert_eq!(first.parent(), Some(dir.path().join("printouts").as_path()));
        assert_eq!(std::fs::read(&first).expect("read"), b"one");
        assert_eq!(std::fs::read(&second).expect("read"), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&first)
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "a printout is the user's alone");
        }
    }
}
