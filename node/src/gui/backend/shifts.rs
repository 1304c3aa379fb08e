//! The window's cash-drawer shifts on the worker: open, pay in and out, the X report of
//! the open shift, close with the cash counted, past shifts' Z reports, and printing a
//! report as a PDF that the system's viewer opens. Every action goes through
//! `ops::shifts`, which checks the role again.

use std::path::PathBuf;

use dermis_model::ShiftId;
use dermis_model::ledger::{ShiftEventKind, ShiftReport};

use super::handlers::{Outcome, fail, one};
use super::protocol::{Op, Reply, UiError};
use crate::i18n::{Locale, Localizer};
use crate::node::{Node, Session};
use crate::ops;
use crate::ops::shifts::ShiftSummary;

/// Past shifts the Shift screen lists.
pub const PAST_SHIFTS: usize = 20;

/// What the window asks of the till's shifts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShiftCommand {
    /// The open shift's X report, if a shift is open, and the past shifts.
    Load,
    Open {
        float_minor: i64,
    },
    /// A pay-in or a pay-out (`kind`), with its reason.
    Pay {
        kind: ShiftEventKind,
        amount_minor: i64,
        reason: String,
    },
    /// Closes the open shift with the cash counted.
    Close {
        counted_minor: i64,
    },
    /// The report of any shift of this workstation.
    Report {
        id: ShiftId,
    },
    /// A shift's report as a PDF in `locale`, written under the data directory and
    /// opened with the system's viewer.
    Print {
        id: ShiftId,
        locale: Locale,
    },
}

/// The open shift and the past ones, as the Shift screen shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShiftView {
    /// The X report of the shift open on this workstation.
    pub open: Option<ShiftReport>,
    /// The latest shifts, newest first (the open one included).
    pub past: Vec<ShiftSummary>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShiftReply {
    State(Box<ShiftView>),
    /// A pay-in or pay-out was recorded (its dialog closes).
    Paid,
    /// The shift was closed: its Z report.
    Closed(Box<ShiftReport>),
    Report(Box<ShiftReport>),
    /// A report was written to `path`; `opened` says whether a viewer took it.
    Printed {
        path: PathBuf,
        opened: bool,
    },
}

fn state(node: &mut Node, session: &Session) -> Outcome {
    let open = match ops::shifts::open_shift(node).map_err(fail(Op::Shift))? {
        Some(_) => Some(ops::shifts::x_report(node, session).map_err(fail(Op::Shift))?),
        None => {
            session
                .require(dermis_model::clinic::Permission::Sell)
                .map_err(fail(Op::Shift))?;
            None
        }
    };
    let past = ops::shifts::list(node, session, PAST_SHIFTS).map_err(fail(Op::Shift))?;
    one(Reply::Shift(ShiftReply::State(Box::new(ShiftView {
        open,
        past,
    }))))
}

pub(super) fn handle(
    node: &mut Node,
    session: &Session,
    config: &super::BackendConfig,
    command: ShiftCommand,
) -> Outcome {
    let failed = fail(Op::Shift);
    let done = match command {
        ShiftCommand::Load => return state(node, session),
        ShiftCommand::Open { float_minor } => {
            ops::shifts::open(node, session, float_minor).map_err(&failed)?;
            None
        }
        ShiftCommand::Pay {
            kind,
            amount_minor,
            reason,
        } => {
            if !matches!(kind, ShiftEventKind::PayIn | ShiftEventKind::PayOut) {
                return Err((Op::Shift, UiError::Storage));
            }
            ops::shifts::pay(node, session, kind, amount_minor, &reason).map_err(&failed)?;
            Some(ShiftReply::Paid)
        }
        ShiftCommand::Close { counted_minor } => {
            let z = ops::shifts::close(node, session, counted_minor).map_err(&failed)?;
            Some(ShiftReply::Closed(Box::new(z)))
        }
        ShiftCommand::Report { id } => {
            let r = ops::shifts::report_of(node, session, id).map_err(&failed)?;
            return one(Reply::Shift(ShiftReply::Report(Box::new(r))));
        }
        ShiftCommand::Print { id, locale } => {
            return print(node, session, config, id, locale);
        }
    };
    let mut replies: Vec<Reply> = done.map(Reply::Shift).into_iter().collect();
    replies.extend(state(node, session)?);
    Ok(replies)
}

fn print(
    node: &mut Node,
    session: &Session,
    config: &super::BackendConfig,
    id: ShiftId,
    locale: Locale,
) -> Outcome {
    let failed = fail(Op::Shift);
    let report = ops::shifts::report_of(node, session, id).map_err(&failed)?;
    let business = ops::till::business(node).map_err(&failed)?;
    let clinic = node.clinic().map_err(&failed)?;
    let words = crate::print::shift::Words {
        localizer: localizer(),
        locale,
        currency: clinic.currency.code().to_owned(),
    };
    let heading = crate::print::shift::Heading {
        business: &business,
        clinic_name: &clinic.name,
        node_name: &node.identity.node_name,
    };
    let rows = crate::print::shift::layout(&report, &heading, &words);
    let bytes = crate::print::receipt_pdf(&rows).map_err(|e| {
        tracing::error!(error = %e, "a shift report cannot be made into a PDF");
        (Op::Shift, UiError::Storage)
    })?;
    let kind = if report.closed_at.is_some() { "z" } else { "x" };
    let stem = format!(
        "{kind}-report-{}-{}",
        node.identity.node_code,
        stamp(report.closed_at.unwrap_or_else(dermis_model::now_millis)),
    );
    let path = super::printouts::write(&config.data_dir, &stem, &bytes).map_err(|e| {
        tracing::error!(error = %e, "a shift report cannot be written");
        if e.kind() == std::io::ErrorKind::StorageFull {
            (Op::Shift, UiError::DiskFull)
        } else {
            (Op::Shift, UiError::Storage)
        }
    })?;
    let opened = super::printouts::open(&path, config.viewer);
    one(Reply::Shift(ShiftReply::Printed { path, opened }))
}

/// `20261206-1405` for an instant (UTC), to name printouts in the order they were made.
fn stamp(at: dermis_model::Millis) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}{:02}{:02}-{:02}{:02}{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The message bundles for printouts, built once: the worker prints in the window's
/// language, which may change between prints.
fn localizer() -> Localizer {
    static BUNDLES: std::sync::OnceLock<Localizer> = std::sync::OnceLock::new();
    BUNDLES.get_or_init(Localizer::new).clone()
}
