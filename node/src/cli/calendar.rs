//! `appointment`: the clinic's calendar.

use dermis_model::appointment::{AppointmentDraft, AppointmentSource, AppointmentStatus};
use dermis_model::{AppointmentId, PatientId};

use super::CliError;
use super::args::AppointmentCmd;
use super::out::outln;
use super::print;

use crate::node::{Node, OpError, Session};
use crate::ops::{self, parse_id};

use super::run::usage;

pub(super) fn appointment(
    node: &mut Node,
    session: &Session,
    cmd: AppointmentCmd,
) -> Result<(), CliError> {
    match cmd {
        AppointmentCmd::Add {
            patient,
            invitee,
            start,
            minutes,
            title,
            clinician,
        } => {
            let start_ms = rfc3339_millis(&start)?;
            let clinician_id = clinician
                .map(|c| ops::appointments::clinician_named(node, &c))
                .transpose()?;
            let draft = AppointmentDraft {
                patient_id: patient.map(|p| parse_id("patient", &p)).transpose()?,
                invitee_name: invitee,
                invitee_email: None,
                title,
                start: start_ms,
                end: start_ms + minutes * 60_000,
                source: AppointmentSource::Manual,
                external_id: None,
                notes: String::new(),
                clinician_id,
                invitee_phone: None,
            };
            outln!("{}", ops::appointments::add(node, session, &draft)?);
        }
        AppointmentCmd::Cancel { id, reason } => ops::appointments::cancel(
            node,
            session,
            parse_id::<AppointmentId>("id", &id)?,
            reason.as_deref(),
        )?,
        AppointmentCmd::Move {
            id,
            start,
            minutes,
            clinician,
        } => {
            let id = parse_id::<AppointmentId>("id", &id)?;
            let start_ms = rfc3339_millis(&start)?;
            let clinician_id = clinician
                .map(|c| ops::appointments::clinician_named(node, &c))
                .transpose()?;
            ops::appointments::reschedule(
                node,
                session,
                id,
                start_ms,
                minutes.map(|m| start_ms + m * 60_000),
                clinician_id,
            )?;
        }
        AppointmentCmd::CheckIn { id } => ops::appointments::set_status(
            node,
            session,
            parse_id::<AppointmentId>("id", &id)?,
            AppointmentStatus::CheckedIn,
        )?,
        AppointmentCmd::NoShow { id } => ops::appointments::set_status(
            node,
            session,
            parse_id::<AppointmentId>("id", &id)?,
            AppointmentStatus::NoShow,
        )?,
        AppointmentCmd::Link { id, patient } => {
            ops::appointments::link(
                node,
                session,
                parse_id::<AppointmentId>("id", &id)?,
                parse_id::<PatientId>("patient", &patient)?,
            )?;
        }
        AppointmentCmd::List { from, days, json } => {
            let from = match from {
                Some(d) => {
                    let mut e = dermis_model::ValidationErrors::default();
                    let date = dermis_model::validate::date_field(&mut e, "from", &d);
                    e.into_result(()).map_err(OpError::from)?;
                    date.unwrap_or_else(crate::node::today)
                }
                None => crate::node::today(),
            };
            let start = (from.midnight().assume_utc().unix_timestamp()) * 1000;
            let rows = ops::appointments::between(node, session, start, start + days * 86_400_000)?;
            if json {
                print::json(&rows);
            } else {
                print::appointment_rows(&rows);
            }
        }
    }
    Ok(())
}

/// An RFC 3339 time as unix milliseconds, or invalid input naming `start`.
fn rfc3339_millis(text: &str) -> Result<i64, CliError> {
    use time::format_description::well_known::Rfc3339;
    let at = time::OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
        usage(
            "start",
            "start must be an RFC 3339 time, e.g. 2026-12-01T09:30:00Z",
        )
    })?;
    Ok((at.unix_timestamp_nanos() / 1_000_000) as i64)
}
