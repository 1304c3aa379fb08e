//! Patients: create, update, read (demographics only for roles without clinical access),
//! search, allergies.

use dermis_model::clinic::Permission;
use dermis_model::patient::{self, AllergyForm, Patient, PatientForm};
use dermis_model::{AllergyId, DocId, DocType, ErrorCode, PatientId};

use dermis_model::audit::AuditAction;

use super::{audit, unknown};
use crate::node::{Node, OpError, Session, doc_error, today};
use crate::store::queries::{self, PatientRow};

pub fn add(node: &mut Node, session: &Session, form: &PatientForm) -> Result<PatientId, OpError> {
    session.require(Permission::EditPatients)?;
    let draft = form.validate(today())?;
    let id = PatientId::new();
    let code = node.identity.node_code.clone();
    let clinic = node.identity.clinic_id;
    let actor = node.actor();
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let mrn = format!("{code}-P{:06}", tx.next_counter("mrn_seq")?);
    let doc = patient::create_patient(id, clinic, &draft, &mrn, tx.now(), session.user_id(), actor)
        .map_err(doc_error(id.into()))?;
    tx.insert(id.into(), DocType::Patient, doc)?;
    audit::in_tx(&mut tx, &who, AuditAction::Create, audit::patient(id))?;
    tx.commit()?;
    Ok(id)
}

/// Replaces the patient's editable fields with `form` (fields the form leaves as they
/// were are not written, so concurrent edits of other fields merge).
pub fn update(
    node: &mut Node,
    session: &Session,
    id: PatientId,
    form: &PatientForm,
) -> Result<(), OpError> {
    session.require(Permission::EditPatients)?;
    let mut draft = form.validate(today())?;
    let id = super::merges::resolve(node, id)?;
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let doc = tx
        .edit(id.into())?
        .ok_or_else(|| unknown("patient", ErrorCode::UnknownPatient, id))?;
    let current = patient::read_patient(doc)
        .map_err(|_| unknown("patient", ErrorCode::UnknownPatient, id))?;
    if !session.can(Permission::EditClinical) {
        // A role that cannot see the clinical fields got a form without them: keep what
        // is stored instead of writing the blanks back.
        draft.medical_history = current.medical_history;
        draft.notes = current.notes;
    }
    patient::update_patient(doc, &draft).map_err(doc_error(id.into()))?;
    audit::in_tx(&mut tx, &who, AuditAction::Update, audit::patient(id))?;
    tx.commit()?;
    Ok(())
}

/// The patient's record; without clinical access, only demographics are returned. A
/// merged id shows its survivor's record, which holds the encounters, photos and
/// allergies of every record merged into it (`dermis_model::merge`).
pub fn get(node: &mut Node, session: &Session, id: PatientId) -> Result<Patient, OpError> {
    session.require(Permission::ViewPatients)?;
    let survivor = super::merges::resolve(node, id)?;
    let keep = read_one(node, survivor)?;
    let mut others = Vec::new();
    for merged in super::merges::merged_from(node, survivor)? {
        // A merged record this node does not hold (yet) adds nothing to show.
        if let Ok(p) = read_one(node, merged) {
            others.push(p);
        }
    }
    let mut p = dermis_model::merge::combine(keep, others);
    if !session.can(Permission::ViewClinical) {
        p.encounters.clear();
        p.photos.clear();
        p.allergies.clear();
        p.medical_history.clear();
        p.notes.clear();
    }
    Ok(p)
}

fn read_one(node: &mut Node, id: PatientId) -> Result<Patient, OpError> {
    let doc_id: DocId = id.into();
    let read = node
        .store
        .with_doc(doc_id, patient::read_patient)?
        .ok_or_else(|| unknown("patient", ErrorCode::UnknownPatient, id))?;
    read.map_err(|_| unknown("patient", ErrorCode::UnknownPatient, id))
}

pub fn search(
    node: &Node,
    session: &Session,
    query: &str,
    limit: usize,
) -> Result<Vec<PatientRow>, OpError> {
    session.require(Permission::ViewPatients)?;
    Ok(queries::search_patients(node.store.conn(), query, limit)?)
}

pub fn recent(node: &Node, session: &Session, limit: usize) -> Result<Vec<PatientRow>, OpError> {
    session.require(Permission::ViewPatients)?;
    Ok(queries::recent_patients(node.store.conn(), limit)?)
}

pub fn add_allergy(
    node: &mut Node,
    session: &Session,
    id: PatientId,
    form: &AllergyForm,
) -> Result<AllergyId, OpError> {
    session.require(Permission::EditClinical)?;
    let (substance, reaction, severity) = form.validate()?;
    let id = super::merges::resolve(node, id)?;
    let allergy = AllergyId::new();
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let doc = tx
        .edit(id.into())?
        .ok_or_else(|| unknown("patient", ErrorCode::UnknownPatient, id))?;
    patient::add_allergy(doc, allergy, &substance, &reaction, severity)
        .map_err(doc_error(id.into()))?;
    audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Create,
        audit::in_chart("allergy", allergy, id),
    )?;
    tx.commit()?;
    Ok(allergy)
}

/// Records that the patient was asked and knows of no allergy (shown as "No known
/// allergies", distinct from a chart where nobody recorded any). Refused while allergies
/// are listed.
pub fn record_no_known_allergies(
    node: &mut Node,
    session: &Session,
    id: PatientId,
) -> Result<(), OpError> {
    session.require(Permission::EditClinical)?;
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let doc = tx
        .edit(id.into())?
        .ok_or_else(|| unknown("patient", ErrorCode::UnknownPatient, id))?;
    if !patient::record_no_known_allergies(doc).map_err(doc_error(id.into()))? {
        return Err(OpError::Invalid(dermis_model::ValidationErrors::single(
            "allergies",
            ErrorCode::AllergiesListed,
            "the patient has allergies recorded; remove them before recording none known",
        )));
    }
    audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Update,
        audit::in_chart("allergies", id, id),
    )?;
    tx.commit()?;
    Ok(())
}

/// Marks an allergy entered in error (a typing slip, the wrong patient): it stops counting
/// everywhere but stays in the record with the reason, who and when; audited.
pub fn mark_allergy_in_error(
    node: &mut Node,
    session: &Session,
    id: PatientId,
    allergy: AllergyId,
    reason: &str,
) -> Result<(), OpError> {
    session.require(Permission::EditClinical)?;
    let mut errors = dermis_model::ValidationErrors::default();
    let reason =
        dermis_model::validate::text_field(&mut errors, "reason", reason, true, 500, false);
    let reason = errors.into_result(reason.unwrap_or_default())?;
    let who = audit::Actor::of(node, session);
    let by = session.author().name;
    let mut tx = node.begin(session)?;
    let doc = tx
        .edit(id.into())?
        .ok_or_else(|| unknown("patient", ErrorCode::UnknownPatient, id))?;
    if !patient::mark_allergy_in_error(doc, allergy, &reason, &by, dermis_model::now_millis())
        .map_err(doc_error(id.into()))?
    {
        return Err(unknown("allergy", ErrorCode::InvalidId, allergy));
    }
    audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Update,
        audit::in_chart("allergy", allergy, id),
    )?;
    tx.commit()?;
    Ok(())
}

pub fn remove_allergy(
    node: &mut Node,
    session: &Session,
    id: PatientId,
    allergy: AllergyId,
) -> Result<(), OpError> {
    session.require(Permission::EditClinical)?;
    // The allergy may sit in a record merged into this one.
    let survivor = super::merges::resolve(node, id)?;
    let mut holders = vec![survivor];
    holders.extend(super::merges::merged_from(node, survivor)?);
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let mut removed = false;
    for holder in holders {
        if let Some(doc) = tx.edit(holder.into())?
            && patient::remove_allergy(doc, allergy).map_err(doc_error(holder.into()))?
        {
            removed = true;
            break;
        }
    }
    if !removed {
        return Err(unknown("allergy", ErrorCode::InvalidId, allergy));
    }
    audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Update,
        audit::in_chart("allergy", allergy, survivor),
    )?;
    tx.commit()?;
    Ok(())
}
