//! The appointment book's side of the worker: the appointments of a span of days with
//! the clinic's clinicians, and booking, moving, cancelling, checking in, marking a
//! no-show and linking a booking to a patient, each through `ops::appointments` (so the
//! role and the lifecycle are checked there, as for the command line).

use dermis_model::appointment::{AppointmentDraft, AppointmentStatus};
use dermis_model::{AppointmentId, Millis, PatientId, UserId};

use super::handlers::{Outcome, fail, one};
use super::protocol::{Op, Reply};
use crate::node::{Node, Session};
use crate::ops;
use crate::store::queries::{AppointmentRow, PatientRow};

/// Patients a search in the booking dialog returns at most.
const SEARCH_LIMIT: usize = 20;

/// What the appointment screen asks of the worker.
#[derive(Clone, Debug)]
pub enum BookCommand {
    /// The appointments starting in `[from, to)` and the clinicians.
    Load {
        from: Millis,
        to: Millis,
    },
    /// Patients matching `query`, for the booking dialog.
    FindPatients {
        generation: u64,
        query: String,
    },
    Add(Box<AppointmentDraft>),
    Move {
        id: AppointmentId,
        start: Millis,
        end: Millis,
        clinician: Option<UserId>,
    },
    Cancel {
        id: AppointmentId,
        reason: String,
    },
    /// Checked in or no-show.
    SetStatus {
        id: AppointmentId,
        status: AppointmentStatus,
    },
    Link {
        id: AppointmentId,
        patient: PatientId,
    },
    /// Patients with the booking's email or phone.
    Matches {
        id: AppointmentId,
        email: Option<String>,
        phone: Option<String>,
    },
}

/// A clinician the book can show a column for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookClinician {
    pub id: UserId,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookData {
    pub from: Millis,
    pub to: Millis,
    pub rows: Vec<AppointmentRow>,
    pub clinicians: Vec<BookClinician>,
}

/// A patient who may be a booking's invitee, and what matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactMatch {
    pub patient: PatientRow,
    pub email: bool,
    pub phone: bool,
}

#[derive(Clone, Debug)]
pub enum BookReply {
    Loaded(Box<BookData>),
    Patients {
        generation: u64,
        rows: Vec<PatientRow>,
    },
    /// A write went through; the screen reloads what it shows.
    Saved {
        id: AppointmentId,
    },
    Matches {
        id: AppointmentId,
        rows: Vec<ContactMatch>,
    },
}

pub(super) fn run(node: &mut Node, session: &Session, command: BookCommand) -> Outcome {
    let write = fail(Op::Appointment);
    let saved = |id| one(Reply::Book(BookReply::Saved { id }));
    match command {
        BookCommand::Load { from, to } => {
            let load = fail(Op::Load);
            let rows = ops::appointments::between(node, session, from, to).map_err(&load)?;
            let clinic = node.clinic().map_err(&load)?;
            let clinicians = ops::appointments::clinicians(&clinic)
                .into_iter()
                .map(|u| BookClinician {
                    id: u.id,
                    name: u.display_name,
                })
                .collect();
            one(Reply::Book(BookReply::Loaded(Box::new(BookData {
                from,
                to,
                rows,
                clinicians,
            }))))
        }
        BookCommand::FindPatients { generation, query } => {
            let rows = if query.trim().is_empty() {
                ops::patients::recent(node, session, SEARCH_LIMIT)
            } else {
                ops::patients::search(node, session, &query, SEARCH_LIMIT)
            }
            .map_err(fail(Op::Load))?;
            one(Reply::Book(BookReply::Patients { generation, rows }))
        }
        BookCommand::Add(draft) => {
            let id = ops::appointments::add(node, session, &draft).map_err(&write)?;
            saved(id)
        }
        BookCommand::Move {
            id,
            start,
            end,
            clinician,
        } => {
            ops::appointments::reschedule(node, session, id, start, Some(end), clinician)
                .map_err(&write)?;
            saved(id)
        }
        BookCommand::Cancel { id, reason } => {
            let reason = Some(reason.trim()).filter(|r| !r.is_empty());
            ops::appointments::cancel(node, session, id, reason).map_err(&write)?;
            saved(id)
        }
        BookCommand::SetStatus { id, status } => {
            ops::appointments::set_status(node, session, id, status).map_err(&write)?;
            saved(id)
        }
        BookCommand::Link { id, patient } => {
            ops::appointments::link(node, session, id, patient).map_err(&write)?;
            saved(id)
        }
        BookCommand::Matches { id, email, phone } => {
            let rows = ops::appointments::contact_matches(
                node,
                session,
                email.as_deref(),
                phone.as_deref(),
            )
            .map_err(fail(Op::Load))?
            .into_iter()
            .map(|(patient, email, phone)| ContactMatch {
                patient,
                email,
                phone,
            })
            .collect();
            one(Reply::Book(BookReply::Matches { id, rows }))
        }
    }
}
