//! `patient erase`, `patient due-for-erasure` and `clinic set`.

use dermis_model::PatientId;

use super::CliError;
use super::args::ClinicCmd;
use super::out::outln;
use super::print;
use crate::node::{Node, Session, today};
use crate::ops::{self, parse_id};

pub fn erase(
    node: &mut Node,
    session: &Session,
    id: &str,
    reason: Option<&str>,
    yes: bool,
    json: bool,
) -> Result<(), CliError> {
    let id: PatientId = parse_id("id", id)?;
    let erased = ops::erasure::erase(node, session, id, reason.unwrap_or(""), yes)?;
    if json {
        print::json(&erased);
    } else {
        outln!(
            "erased patient {} ({} documents, {} photo files); the hub and the other nodes drop it at their next sync",
            erased.patient_id,
            erased.documents,
            erased.files_removed
        );
    }
    Ok(())
}

pub fn due(node: &mut Node, session: &Session, json: bool) -> Result<(), CliError> {
    let (years, rows) = ops::erasure::due_for_erasure(node, session, today())?;
    if json {
        print::json(&rows);
        return Ok(());
    }
    outln!(
        "{} patient(s) with no visit for {years} year(s):",
        rows.len()
    );
    for r in &rows {
        outln!(
            "{}  {} {}  ({})  last visit: {}",
            r.id,
            r.first_name,
            r.last_name,
            r.mrn,
            r.last_visit.as_deref().unwrap_or("never")
        );
    }
    Ok(())
}

pub fn clinic(node: &mut Node, session: &Session, cmd: ClinicCmd) -> Result<(), CliError> {
    match cmd {
        ClinicCmd::Set(args) => {
            let mut business = Vec::new();
            for (key, value) in [
                ("legal_name", args.legal_name),
                ("address", args.address),
                ("tax_id", args.tax_id),
                ("phone", args.phone),
            ] {
                if let Some(v) = value {
                    business.push((key, v));
                }
            }
            let tax_rates = args
                .tax_rates
                .iter()
                .map(|raw| super::pos::parse_tax_rate(raw))
                .collect::<Result<Vec<_>, _>>()?;
            ops::erasure::set_clinic(
                node,
                session,
                &ops::erasure::ClinicSettings {
                    retention_years: args.retention_years,
                    business,
                    tax_rates,
                    prices_include_tax: args.prices_include_tax,
                },
            )?
        }
    }
    Ok(())
}
