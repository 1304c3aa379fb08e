//! The worker's side of the sales journal: searches and openings through `ops::journal`,
//! refunds and voids through `ops::sales` (the command line's checks, the reason
//! required), and receipts printed to a file with the command line's renderer, then
//! handed to the system's viewer. Files are written here, never on the UI thread.

use std::path::Path;

use dermis_model::ledger::PaymentMethod;
use dermis_model::{ErrorCode, ValidationErrors};

use super::handlers::{Outcome, fail, one, ui_error};
use super::protocol::*;
use crate::gui::Viewer;
use crate::node::{Node, Session};
use crate::ops::{self, documents::DocumentError};

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

pub(super) fn print(
    node: &mut Node,
    session: &Session,
    data_dir: &Path,
    viewer: Viewer,
    receipt: &str,
    format: ReceiptFormat,
) -> Outcome {
    let bytes =
        ops::till::print_receipt(node, session, receipt, format, None).map_err(|e| match e {
            DocumentError::Op(op) => (Op::Print, ui_error(&op)),
            DocumentError::Pdf(error) => {
                let chain = crate::gui::error_chain(&error);
                tracing::error!(error = %chain, "a receipt could not be laid out");
                (Op::Print, UiError::Storage)
            }
        })?;
    let written = super::printouts::write_as(
        data_dir,
        &format!("receipt-{}", receipt.trim()),
        format.extension(),
        &bytes,
    );
    let path = match written {
        Ok(path) => path,
        Err(error) => {
            tracing::error!(%error, "a receipt could not be written");
            let ui = if error.kind() == std::io::ErrorKind::StorageFull {
                UiError::DiskFull
            } else {
                UiError::Unwritable
            };
            return Err((Op::Print, ui));
        }
    };
    let opened = format == ReceiptFormat::Pdf && super::printouts::open(&path, viewer);
    one(Reply::ReceiptWritten {
        receipt: receipt.trim().to_owned(),
        format,
        path,
        opened,
    })
}
