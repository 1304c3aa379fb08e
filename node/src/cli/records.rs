//! `patient`, `encounter`, `photo`, `user`, `conflict` and `import`: the records commands.

use dermis_model::encounter::EncounterForm;
use dermis_model::patient::{AllergyForm, PatientForm};
use dermis_model::{EncounterId, PatientId};

use super::CliError;
use super::args::{ConflictCmd, EncounterCmd, PatientCmd, PatientFields, PhotoCmd, UserCmd};
use super::out::outln;
use super::print;
use dermis_model::audit::AuditAction;

use crate::node::{Node, OpError, Session};
use crate::ops::{self, parse_id};

use super::run::{read_stdin_secret, usage};

pub(super) fn photo(node: &mut Node, session: &Session, cmd: PhotoCmd) -> Result<(), CliError> {
    use crate::ops::photos::{self, PhotoError, PhotoImport};
    match cmd {
        PhotoCmd::Add {
            patient,
            file,
            body_part,
            encounter,
            tags,
            max_bytes,
        } => {
            let input = PhotoImport {
                patient: parse_id("patient", &patient)?,
                file,
                body_part,
                tags,
                encounter: encounter.map(|e| parse_id("encounter", &e)).transpose()?,
            };
            let max_bytes = max_bytes.unwrap_or(dermis_model::photo::DEFAULT_MAX_PHOTO_BYTES);
            let id = photos::add(node, session, &input, max_bytes).map_err(|e| match e {
                PhotoError::Op(op) => CliError::Op(op),
                ref bad_input @ (PhotoError::Read { .. } | PhotoError::Undecodable { .. }) => {
                    usage("file", crate::gui::error_chain(bad_input))
                }
                other => CliError::Other(crate::gui::error_chain(&other)),
            })?;
            outln!("{id}");
        }
        PhotoCmd::List { patient, json } => {
            let patient: PatientId = parse_id("patient", &patient)?;
            let rows = photos::list(node, session, patient)?;
            let target = ops::audit::in_chart("photos", patient, patient);
            ops::audit::record(node, session, AuditAction::View, target)?;
            if json {
                print::json(&rows);
            } else {
                print::photo_rows(&rows);
            }
        }
        PhotoCmd::Fetch { id, variant, out } => {
            use crate::sync::photos::{LaneOptions, fetch, http::Variant};
            let variant = Variant::parse(&variant)
                .ok_or_else(|| usage("variant", "choose full, original or gallery"))?;
            let id = parse_id("photo", &id)?;
            let fetched =
                fetch::fetch_blocking(node, session, id, variant, &LaneOptions::from_env())
                    .map_err(|e| match e {
                        fetch::FetchError::Op(op) => CliError::Op(op),
                        other => CliError::Other(crate::gui::error_chain(&other)),
                    })?;
            match out {
                Some(out) => {
                    fetch::copy_out(node.data_dir(), &fetched.path, &out)
                        .map_err(|e| CliError::Other(crate::gui::error_chain(&e)))?;
                    outln!("{}", out.display());
                }
                None => outln!("{}", fetched.path.display()),
            }
        }
    }
    Ok(())
}

fn apply_fields(form: &mut PatientForm, f: PatientFields) {
    let set = |target: &mut String, value: Option<String>| {
        if let Some(v) = value {
            *target = v;
        }
    };
    set(&mut form.first_name, f.first_name);
    set(&mut form.last_name, f.last_name);
    set(&mut form.middle_name, f.middle_name);
    set(&mut form.birth_date, f.birth_date);
    set(&mut form.sex, f.sex);
    set(&mut form.email, f.email);
    set(&mut form.address, f.address);
    set(&mut form.mrn, f.mrn);
    set(&mut form.notes, f.notes);
    set(&mut form.medical_history, f.medical_history);
    if let Some(phone) = f.phone {
        // The CLI edits the primary phone; other numbers are kept.
        if form.phones.is_empty() {
            form.phones.push(phone);
        } else {
            form.phones[0] = phone;
        }
    }
}

pub(super) fn patient(node: &mut Node, session: &Session, cmd: PatientCmd) -> Result<(), CliError> {
    match cmd {
        PatientCmd::Add(fields) => {
            let mut form = PatientForm::default();
            apply_fields(&mut form, fields);
            let id = ops::patients::add(node, session, &form)?;
            outln!("{id}");
        }
        PatientCmd::Update { id, fields } => {
            let id: PatientId = parse_id("id", &id)?;
            let current = ops::patients::get(node, session, id)?;
            let mut form = PatientForm::from_patient(&current);
            apply_fields(&mut form, fields);
            ops::patients::update(node, session, id, &form)?;
        }
        PatientCmd::Show { id, json } => super::clinical::show_patient(node, session, &id, json)?,
        PatientCmd::Search { query, limit, json } => {
            let rows = ops::patients::search(node, session, &query, limit)?;
            if json {
                print::json(&rows);
            } else {
                print::patient_rows(&rows);
            }
        }
        PatientCmd::Import => import_patients(node, session)?,
        PatientCmd::Erase {
            id,
            reason,
            yes,
            json,
        } => super::erasure::erase(node, session, &id, reason.as_deref(), yes, json)?,
        PatientCmd::DueForErasure { json } => super::erasure::due(node, session, json)?,
        PatientCmd::Duplicates { json } => super::clinical::duplicates(node, session, json)?,
        PatientCmd::Merge {
            keep,
            other,
            yes,
            json,
        } => super::clinical::merge(node, session, &keep, &other, yes, json)?,
        PatientCmd::Allergy {
            id,
            substance,
            reaction,
            severity,
        } => {
            let id: PatientId = parse_id("id", &id)?;
            let allergy = ops::patients::add_allergy(
                node,
                session,
                id,
                &AllergyForm {
                    substance,
                    reaction,
                    severity,
                },
            )?;
            outln!("{allergy}");
        }
        PatientCmd::AllergyError {
            id,
            allergy,
            reason,
        } => {
            let id: PatientId = parse_id("id", &id)?;
            let allergy = parse_id("allergy", &allergy)?;
            ops::patients::mark_allergy_in_error(node, session, id, allergy, &reason)?;
        }
        PatientCmd::NoKnownAllergies { id } => {
            let id: PatientId = parse_id("id", &id)?;
            ops::patients::record_no_known_allergies(node, session, id)?;
        }
    }
    Ok(())
}

pub(super) fn encounter(
    node: &mut Node,
    session: &Session,
    cmd: EncounterCmd,
) -> Result<(), CliError> {
    match cmd {
        EncounterCmd::Add {
            patient,
            date,
            complaint,
            subjective,
            objective,
            assessment,
            plan,
            diagnoses,
        } => {
            let patient: PatientId = parse_id("patient", &patient)?;
            let form = EncounterForm {
                date: date.unwrap_or_default(),
                complaint: complaint.unwrap_or_default(),
                subjective: subjective.unwrap_or_default(),
                objective: objective.unwrap_or_default(),
                assessment: assessment.unwrap_or_default(),
                plan: plan.unwrap_or_default(),
                diagnoses,
            };
            let id = ops::encounters::add(node, session, patient, &form)?;
            outln!("{id}");
        }
        EncounterCmd::Sign { id } => {
            ops::encounters::sign(node, session, parse_id::<EncounterId>("id", &id)?)?
        }
        EncounterCmd::Addendum { id, text } => {
            let addendum = ops::encounters::add_addendum(
                node,
                session,
                parse_id::<EncounterId>("id", &id)?,
                &text,
            )?;
            outln!("{addendum}");
        }
        EncounterCmd::List { patient, json } => {
            let patient: PatientId = parse_id("patient", &patient)?;
            let rows = ops::encounters::list(node, session, patient)?;
            let target = ops::audit::in_chart("encounters", patient, patient);
            ops::audit::record(node, session, AuditAction::View, target)?;
            if json {
                print::json(&rows);
            } else {
                print::encounter_rows(&rows);
            }
        }
    }
    Ok(())
}

pub(super) fn user(node: &mut Node, session: &Session, cmd: UserCmd) -> Result<(), CliError> {
    match cmd {
        UserCmd::Add {
            username,
            display_name,
            role,
        } => {
            let password = read_stdin_secret("password")?;
            let password = password.as_str();
            let display = display_name.unwrap_or_else(|| username.clone());
            outln!(
                "{}",
                ops::users::add(node, session, &username, &display, &role, password)?
            );
        }
        UserCmd::List { json } => {
            let clinic = node.clinic()?;
            if json {
                print::json(&clinic.users);
            } else {
                for u in &clinic.users {
                    outln!(
                        "{}  {:<16} {:<10} {}{}",
                        u.id,
                        u.username,
                        u.role.as_str(),
                        u.display_name,
                        if u.active { "" } else { " (disabled)" }
                    );
                }
            }
        }
    }
    Ok(())
}

pub(super) fn conflict(
    node: &mut Node,
    session: &Session,
    cmd: ConflictCmd,
) -> Result<(), CliError> {
    match cmd {
        ConflictCmd::List { json } => {
            let rows = ops::conflicts::list(node, session)?;
            if json {
                print::json(&rows);
            } else {
                for r in &rows {
                    let values: Vec<String> = r.values.iter().map(|v| v.to_string()).collect();
                    outln!(
                        "{} {} {}: {}",
                        r.doc_type,
                        r.doc_id,
                        r.path.join("."),
                        values.join(" | ")
                    );
                }
            }
        }
        ConflictCmd::Resolve { doc, path, value } => {
            let path: Vec<String> = if path.starts_with('[') {
                serde_json::from_str(&path).map_err(|_| {
                    usage("path", "path must be dot-separated or a JSON array of keys")
                })?
            } else {
                path.split('.').map(str::to_owned).collect()
            };
            ops::conflicts::resolve(
                node,
                session,
                &doc,
                &path,
                &serde_json::Value::String(value),
            )?;
        }
    }
    Ok(())
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportLine {
    first_name: Option<String>,
    last_name: Option<String>,
    middle_name: Option<String>,
    birth_date: Option<String>,
    sex: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
    mrn: Option<String>,
    notes: Option<String>,
    medical_history: Option<String>,
}

fn import_patients(node: &mut Node, session: &Session) -> Result<(), CliError> {
    use std::io::BufRead;
    let stdin = std::io::stdin();
    for (n, line) in stdin.lock().lines().enumerate() {
        let line = line.map_err(|e| CliError::Other(format!("cannot read standard input: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let field = format!("line {}", n + 1);
        let parsed: ImportLine =
            serde_json::from_str(&line).map_err(|e| usage(&field, e.to_string()))?;
        let mut form = PatientForm::default();
        apply_fields(
            &mut form,
            PatientFields {
                first_name: parsed.first_name,
                last_name: parsed.last_name,
                middle_name: parsed.middle_name,
                birth_date: parsed.birth_date,
                sex: parsed.sex,
                phone: parsed.phone,
                email: parsed.email,
                address: parsed.address,
                mrn: parsed.mrn,
                notes: parsed.notes,
                medical_history: parsed.medical_history,
            },
        );
        let id = match ops::patients::add(node, session, &form) {
            Ok(id) => id,
            Err(OpError::Invalid(mut errors)) => {
                for e in &mut errors.0 {
                    e.field = format!("{field}: {}", e.field);
                }
                return Err(OpError::Invalid(errors).into());
            }
            Err(e) => return Err(e.into()),
        };
        // Printed only after the commit: a printed id is a saved patient.
        outln!("{id}");
    }
    Ok(())
}
