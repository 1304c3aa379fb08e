//! Encounters: add and edit drafts, sign (doctors only), addenda, list.

use dermis_model::clinic::Permission;
use dermis_model::encounter::{self, EncounterForm};
use dermis_model::{AddendumId, DocType, EncounterId, ErrorCode, PatientId};

use dermis_model::audit::AuditAction;

use super::{audit, unknown};
use crate::node::{Node, OpError, Session, today};
use crate::store::queries::{self, EncounterRow};

fn label_of(code: &str) -> Option<String> {
    crate::icd10::lookup(code).map(|e| e.label.to_owned())
}

pub fn add(
    node: &mut Node,
    session: &Session,
    patient: PatientId,
    form: &EncounterForm,
) -> Result<EncounterId, OpError> {
    session.require(Permission::EditClinical)?;
    let draft = form.validate(today(), label_of)?;
    let patient = super::merges::resolve(node, patient)?;
    let id = EncounterId::new();
    let author = session.author();
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let at = tx.now();
    let doc = tx
        .edit(patient.into())?
        .ok_or_else(|| unknown("patient", ErrorCode::UnknownPatient, patient))?;
    dermis_model::doc::expect_type(doc, DocType::Patient)
        .map_err(|_| unknown("patient", ErrorCode::UnknownPatient, patient))?;
    encounter::add_encounter(doc, id, &draft, &author, at)?;
    audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Create,
        audit::in_chart("encounter", id, patient),
    )?;
    tx.commit()?;
    Ok(id)
}

fn patient_of(node: &Node, id: EncounterId) -> Result<PatientId, OpError> {
    let pid = queries::patient_of_encounter(node.store.conn(), &id.to_string())?
        .ok_or_else(|| unknown("encounter", ErrorCode::UnknownEncounter, id))?;
    super::parse_id("patient", &pid)
}

pub fn update(
    node: &mut Node,
    session: &Session,
    id: EncounterId,
    form: &EncounterForm,
) -> Result<(), OpError> {
    session.require(Permission::EditClinical)?;
    let draft = form.validate(today(), label_of)?;
    let patient = patient_of(node, id)?;
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let doc = tx
        .edit(patient.into())?
        .ok_or_else(|| unknown("encounter", ErrorCode::UnknownEncounter, id))?;
    encounter::update_encounter(doc, id, &draft)?;
    audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Update,
        audit::in_chart("encounter", id, patient),
    )?;
    tx.commit()?;
    Ok(())
}

pub fn sign(node: &mut Node, session: &Session, id: EncounterId) -> Result<(), OpError> {
    session.require(Permission::SignEncounter)?;
    let patient = patient_of(node, id)?;
    let author = session.author();
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let at = tx.now();
    let doc = tx
        .edit(patient.into())?
        .ok_or_else(|| unknown("encounter", ErrorCode::UnknownEncounter, id))?;
    encounter::sign_encounter(doc, id, &author, at)?;
    audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Sign,
        audit::in_chart("encounter", id, patient),
    )?;
    tx.commit()?;
    Ok(())
}

pub fn add_addendum(
    node: &mut Node,
    session: &Session,
    id: EncounterId,
    text: &str,
) -> Result<AddendumId, OpError> {
    session.require(Permission::EditClinical)?;
    let patient = patient_of(node, id)?;
    let author = session.author();
    let addendum = AddendumId::new();
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let at = tx.now();
    let doc = tx
        .edit(patient.into())?
        .ok_or_else(|| unknown("encounter", ErrorCode::UnknownEncounter, id))?;
    encounter::add_addendum(doc, id, addendum, &author, text, at)?;
    audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Addendum,
        audit::in_chart("encounter", id, patient),
    )?;
    tx.commit()?;
    Ok(addendum)
}

pub fn list(
    node: &Node,
    session: &Session,
    patient: PatientId,
) -> Result<Vec<EncounterRow>, OpError> {
    session.require(Permission::ViewClinical)?;
    if queries::patient_by_id(node.store.conn(), &patient.to_string())?.is_none() {
        return Err(unknown("patient", ErrorCode::UnknownPatient, patient));
    }
    let patient = super::merges::resolve(node, patient)?;
    Ok(queries::encounters_of(
        node.store.conn(),
        &patient.to_string(),
    )?)
}
