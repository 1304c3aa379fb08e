//! `prescription add|list`, `patient show` (which follows merges), `patient duplicates`
//! and `patient merge`.

use dermis_model::PatientId;
use dermis_model::audit::AuditAction;
use dermis_model::prescription::PrescriptionForm;
use serde::Serialize;

use super::CliError;
use super::args::PrescriptionCmd;
use super::out::outln;
use super::print;
use crate::node::{Node, Session};
use crate::ops::{self, parse_id};

pub fn prescription(
    node: &mut Node,
    session: &Session,
    cmd: PrescriptionCmd,
) -> Result<(), CliError> {
    match cmd {
        PrescriptionCmd::Add {
            encounter,
            drug,
            dose,
            instructions,
            quantity,
            refills,
            override_allergy,
        } => {
            let encounter = parse_id("encounter", &encounter)?;
            let form = PrescriptionForm {
                drug,
                dose,
                instructions,
                quantity,
                refills,
                override_allergy,
            };
            let id = ops::prescriptions::add(node, session, encounter, &form)?;
            outln!("{id}");
        }
        PrescriptionCmd::List { patient, json } => {
            let patient: PatientId = parse_id("patient", &patient)?;
            let rows = ops::prescriptions::list(node, session, patient)?;
            let target = ops::audit::in_chart("prescriptions", patient, patient);
            ops::audit::record(node, session, AuditAction::View, target)?;
            if json {
                print::json(&rows);
            } else {
                for r in &rows {
                    let p = &r.prescription;
                    let quantity = p.quantity.map(|q| format!(" ×{q}")).unwrap_or_default();
                    outln!(
                        "{}  {}  {} — {} — {}{}  refills {}  ({}, visit {} [{}])",
                        p.id,
                        r.encounter_date,
                        p.drug,
                        p.dose,
                        p.instructions,
                        quantity,
                        p.refills,
                        p.prescriber,
                        p.encounter_id,
                        r.encounter_status.as_str()
                    );
                    if let Some(o) = &p.allergy_override {
                        outln!(
                            "    ALLERGY OVERRIDDEN ({}): {}",
                            o.allergies.join(", "),
                            o.reason
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

/// `patient show`'s JSON: the record, and how merges bear on it.
#[derive(Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    patient: &'a dermis_model::patient::Patient,
    /// Set when the id asked for was merged: the record shown is its survivor's.
    merged: Option<ops::merges::MergedInto>,
    /// The records merged into this one.
    merged_from: Vec<PatientId>,
}

pub fn show_patient(
    node: &mut Node,
    session: &Session,
    id: &str,
    json: bool,
) -> Result<(), CliError> {
    let id: PatientId = parse_id("id", id)?;
    let p = ops::patients::get(node, session, id)?;
    let merged = ops::merges::merged_into(node, id)?;
    let merged_from = ops::merges::merged_from(node, p.id)?;
    ops::audit::record(node, session, AuditAction::View, ops::audit::patient(p.id))?;
    if json {
        print::json(&Shown {
            patient: &p,
            merged,
            merged_from,
        });
        return Ok(());
    }
    if let Some(m) = &merged {
        outln!(
            "record {} was merged into {} (by {}); showing {}",
            m.id,
            m.into,
            m.by,
            m.into
        );
    }
    print::patient(&p);
    for from in &merged_from {
        outln!("  merged from: {from}");
    }
    Ok(())
}

pub fn duplicates(node: &Node, session: &Session, json: bool) -> Result<(), CliError> {
    let rows = ops::merges::duplicates(node, session)?;
    if json {
        print::json(&rows);
        return Ok(());
    }
    for r in &rows {
        outln!(
            "{:.2}  {} {} ({})  ~  {} {} ({})  {}",
            r.pair.score,
            r.pair.a,
            r.a_name,
            r.a_mrn,
            r.pair.b,
            r.b_name,
            r.b_mrn,
            r.pair.reason
        );
    }
    Ok(())
}

pub fn merge(
    node: &mut Node,
    session: &Session,
    keep: &str,
    other: &str,
    yes: bool,
    json: bool,
) -> Result<(), CliError> {
    let keep: PatientId = parse_id("keep", keep)?;
    let other: PatientId = parse_id("other", other)?;
    let merged = ops::merges::merge(node, session, keep, other, yes)?;
    if json {
        print::json(&merged);
    } else {
        outln!(
            "merged {} into {} ({} appointments re-pointed); every node shows one record after its next sync",
            merged.other,
            merged.keep,
            merged.appointments
        );
    }
    Ok(())
}
