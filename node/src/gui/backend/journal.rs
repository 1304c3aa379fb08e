//! The worker's side of the sales journal: searches and openings through `ops::journal`,
//! refunds and voids through `ops::sales` (the command line's checks, the reason
//! required), and receipts printed to a file with the command line's renderer, then
//! handed to the system's viewer. Files are written here, never on the UI thread.

use std::path::{Path, PathBuf};
use std::time::Duration;

use dermis_model::ledger::PaymentMethod;
use dermis_model::{ErrorCode, ValidationErrors};

use super::handlers::{Outcome, fail, one, ui_error};
use super::protocol::*;
use crate::gui::Viewer;
use crate::node::{Node, Session};
use crate::ops::{self, documents::DocumentError};

/// The folder of the data directory receipts are printed to.
pub const RECEIPTS_DIR: &str = "receipts";

pub(super) fn search(
    node: &Node,
    session: &Session,
    generation: u64,
    search: &JournalSearch,
    offset: usize,
) -> Outcome {
    let page = ops::journal::search(node, session, search, offset).map_err(fail(Op::Journal))?;
    one(Reply::Journal {
        generation,
        page: Box::new(page),
    })
}

pub(super) fn open(node: &mut Node, session: &Session, receipt: &str) -> Outcome {
    let detail = ops::journal::open(node, session, receipt).map_err(fail(Op::Load))?;
    one(Reply::SaleOpened(Box::new(detail)))
}

/// The reason the window asks for: required here, whatever the command line allows.
fn required_reason(reason: &str) -> Result<(), (Op, UiError)> {
    if reason.trim().is_empty() {
        return Err((
            Op::Reverse,
            UiError::Invalid(ValidationErrors::single(
                "reason",
                ErrorCode::Required,
                "a refund or void needs a reason",
            )),
        ));
    }
    Ok(())
}

pub(super) fn refund(
    node: &mut Node,
    session: &Session,
    receipt: &str,
    items: &[(String, i64)],
    method: PaymentMethod,
    reason: &str,
) -> Outcome {
    required_reason(reason)?;
    let entry = ops::sales::refund_because(node, session, receipt, items, method, Some(reason))
        .map_err(fail(Op::Reverse))?;
    reversed(node, session, receipt, entry.receipt)
}

pub(super) fn void(node: &mut Node, session: &Session, receipt: &str, reason: &str) -> Outcome {
    required_reason(reason)?;
    let entry = ops::sales::void_because(node, session, receipt, Some(reason))
        .map_err(fail(Op::Reverse))?;
    reversed(node, session, receipt, entry.receipt)
}

/// After a refund or void: say so, and show the sale as it now stands.
fn reversed(node: &mut Node, session: &Session, original: &str, entry: String) -> Outcome {
    let mut replies = vec![Reply::SaleReversed {
        original: original.trim().to_owned(),
        entry,
    }];
    replies.extend(open(node, session, original)?);
    Ok(replies)
}

/// A receipt number as a file name: letters, digits and dashes only.
fn file_stem(receipt: &str) -> String {
    let stem: String = receipt
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() {
        "receipt".into()
    } else {
        stem
    }
}

pub(super) fn print(
    node: &mut Node,
    session: &Session,
    data_dir: &Path,
    viewer: Viewer,
    receipt: &str,
    format: ReceiptFormat,
) -> Outcome {
    let bytes = ops::till::print_receipt(node, session, receipt, format).map_err(|e| match e {
        DocumentError::Op(op) => (Op::Print, ui_error(&op)),
        DocumentError::Pdf(error) => {
            let chain = crate::gui::error_chain(&error);
            tracing::error!(error = %chain, "a receipt could not be laid out");
            (Op::Print, UiError::Storage)
        }
    })?;
    let dir = data_dir.join(RECEIPTS_DIR);
    let path = dir.join(format!("{}.{}", file_stem(receipt), format.extension()));
    let written = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, &bytes));
    if let Err(error) = written {
        tracing::error!(%error, path = %path.display(), "a receipt could not be written");
        let ui = if error.raw_os_error() == Some(28) {
            UiError::DiskFull
        } else {
            UiError::Unwritable
        };
        return Err((Op::Print, ui));
    }
    let opened = format == ReceiptFormat::Pdf && viewer == Viewer::System && open_file(&path);
    one(Reply::ReceiptWritten {
        receipt: receipt.trim().to_owned(),
        format,
        path,
        opened,
    })
}

/// How long a viewer that refuses the file has to say so.
const VIEWER_ANSWER: Duration = Duration::from_millis(1500);

/// Hands `path` to the desktop's viewer. `xdg-open` exits at once when nothing can show
/// the file (no desktop, no PDF viewer); a viewer that is still running after
/// [`VIEWER_ANSWER`] took it, and is left to run (reaped on a thread of its own).
fn open_file(path: &Path) -> bool {
    let mut command = viewer_command(path);
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => {
            tracing::info!(%error, "no viewer for a printed receipt");
            return false;
        }
    };
    // Its exit is waited for on a thread of its own (which also reaps a viewer that
    // keeps running); this one waits for the answer at most VIEWER_ANSWER.
    let (tx, rx) = std::sync::mpsc::channel();
    let watcher = std::thread::Builder::new()
        .name("dermis-viewer".into())
        .spawn(move || {
            let _ = tx.send(child.wait());
        });
    if watcher.is_err() {
        return false;
    }
    match rx.recv_timeout(VIEWER_ANSWER) {
        Ok(Ok(status)) => status.success(),
        Ok(Err(_)) | Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => false,
        // Still running: the viewer has the file.
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => true,
    }
}

fn viewer_command(path: &Path) -> std::process::Command {
    let path: PathBuf = path.to_owned();
    if cfg!(target_os = "macos") {
        let mut c = std::process::Command::new("open");
        c.arg(path);
        c
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]).arg(path);
        c
    } else {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(path);
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_number_is_a_safe_file_name() {
        assert_eq!(file_stem(" N1-000123 "), "N1-000123");
        assert_eq!(file_stem("../etc/x"), "___etc_x");
        assert_eq!(file_stem(""), "receipt");
    }
}
