//! Prescriptions: written on a draft visit by a prescriber (the role that signs visits),
//! checked against the allergies of the patient's whole record (records merged into it
//! included) before anything is written.

use dermis_model::audit::AuditAction;
use dermis_model::clinic::Permission;
use dermis_model::drug_allergy::check_drug;
use dermis_model::encounter::EncounterStatus;
use dermis_model::prescription::{self, Prescription, PrescriptionForm};
use dermis_model::{DocType, EncounterId, ErrorCode, PatientId, PrescriptionId};
use serde::Serialize;

use super::{audit, merges, unknown};
use crate::node::{Node, OpError, Session};
use crate::store::queries;

/// A prescription as listed: with its visit's date and status.
#[derive(Clone, Debug, Serialize)]
pub struct PrescriptionRow {
    #[serde(flatten)]
    pub prescription: Prescription,
    pub patient_id: PatientId,
    pub encounter_date: String,
    pub encounter_status: EncounterStatus,
}

/// Prescribes on the draft encounter `encounter`; returns the new prescription's id.
pub fn add(
    node: &mut Node,
    session: &Session,
    encounter: EncounterId,
    form: &PrescriptionForm,
) -> Result<PrescriptionId, OpError> {
    session.require(Permission::EditClinical)?;
    session.require(Permission::SignEncounter)?;
    let draft = form.validate()?;
    let holder = queries::patient_of_encounter(node.store.conn(), &encounter.to_string())?
        .ok_or_else(|| unknown("encounter", ErrorCode::UnknownEncounter, encounter))?;
    let holder: PatientId = super::parse_id("encounter", &holder)?;
    // The allergies of the whole record: the survivor's and every merged record's.
    let record = super::patients::get(node, session, holder)?;
    let matches = check_drug(
        record.allergies.iter().map(|a| a.substance.as_str()),
        &draft.drug,
    );
    let allergy_override = draft.check_allergies(&matches)?;
    let id = PrescriptionId::new();
    let author = session.author();
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let at = tx.now();
    let doc = tx
        .edit(holder.into())?
        .ok_or_else(|| unknown("encounter", ErrorCode::UnknownEncounter, encounter))?;
    dermis_model::doc::expect_type(doc, DocType::Patient)
        .map_err(|_| unknown("encounter", ErrorCode::UnknownEncounter, encounter))?;
    prescription::add_prescription(
        doc,
        encounter,
        id,
        &draft,
        allergy_override.as_ref(),
        &author,
        at,
    )?;
    audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Create,
        audit::in_chart("prescription", id, record.id),
    )?;
    if allergy_override.is_some() {
        // The override is its own entry, so "who prescribed despite an allergy" is one
        // query of the trail; the reason is on the prescription.
        audit::in_tx(
            &mut tx,
            &who,
            AuditAction::OverrideAllergy,
            audit::in_chart("prescription", id, record.id),
        )?;
    }
    tx.commit()?;
    Ok(id)
}

/// Every prescription of the patient's record (merged records included), newest first.
pub fn list(
    node: &mut Node,
    session: &Session,
    patient: PatientId,
) -> Result<Vec<PrescriptionRow>, OpError> {
    session.require(Permission::ViewClinical)?;
    let survivor = merges::resolve(node, patient)?;
    let record = super::patients::get(node, session, survivor)?;
    let mut rows: Vec<PrescriptionRow> = record
        .encounters
        .iter()
        .flat_map(|e| {
            e.prescriptions.iter().map(|p| PrescriptionRow {
                prescription: p.clone(),
                patient_id: record.id,
                encounter_date: dermis_model::validate::format_date(e.date),
                encounter_status: e.status,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.prescription
            .at
            .cmp(&a.prescription.at)
            .then(a.prescription.id.cmp(&b.prescription.id))
    });
    Ok(rows)
}
