//! Appointments made at the desk; Calendly bookings arrive from the hub by sync.

use dermis_model::appointment::{self, AppointmentDraft, AppointmentStatus, StatusError};
use dermis_model::clinic::Permission;
use dermis_model::{AppointmentId, DocType, ErrorCode, PatientId};

use dermis_model::audit::AuditAction;

use super::{audit, unknown};
use crate::node::{Node, OpError, Session, doc_error};
use crate::store::queries::{self, AppointmentRow};

pub fn add(
    node: &mut Node,
    session: &Session,
    draft: &AppointmentDraft,
) -> Result<AppointmentId, OpError> {
    session.require(Permission::ManageAppointments)?;
    draft.validate()?;
    let mut draft = draft.clone();
    if let Some(p) = draft.patient_id {
        if queries::patient_by_id(node.store.conn(), &p.to_string())?.is_none() {
            return Err(unknown("patient", ErrorCode::UnknownPatient, p));
        }
        draft.patient_id = Some(super::merges::resolve(node, p)?);
    }
    let draft = &draft;
    let id = AppointmentId::new();
    let clinic = node.identity.clinic_id;
    let actor = node.actor();
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let doc =
        appointment::create_appointment(id, clinic, draft, actor).map_err(doc_error(id.into()))?;
    tx.insert(id.into(), DocType::Appointment, doc)?;
    audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Create,
        audit::other("appointment", id),
    )?;
    tx.commit()?;
    Ok(id)
}

/// Moves the appointment along its lifecycle (`AppointmentStatus::may_become`); a move
/// it does not allow is invalid input naming `status`, and asking for the status it
/// already has writes nothing.
pub fn set_status(
    node: &mut Node,
    session: &Session,
    id: AppointmentId,
    status: AppointmentStatus,
) -> Result<(), OpError> {
    session.require(Permission::ManageAppointments)?;
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let doc = tx
        .edit(id.into())?
        .ok_or_else(|| unknown("appointment", ErrorCode::InvalidId, id))?;
    dermis_model::doc::expect_type(doc, DocType::Appointment)
        .map_err(|_| unknown("appointment", ErrorCode::InvalidId, id))?;
    let changed = appointment::change_status(doc, status).map_err(|e| match e {
        StatusError::Invalid(v) => OpError::Invalid(v),
        StatusError::Schema(s) => doc_error(id.into())(s),
    })?;
    if !changed {
        return Ok(());
    }
    audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Update,
        audit::other("appointment", id),
    )?;
    tx.commit()?;
    Ok(())
}

/// Links the appointment to the patient record `patient` (resolved through merges).
pub fn link(
    node: &mut Node,
    session: &Session,
    id: AppointmentId,
    patient: PatientId,
) -> Result<PatientId, OpError> {
    session.require(Permission::ManageAppointments)?;
    if queries::patient_by_id(node.store.conn(), &patient.to_string())?.is_none() {
        return Err(unknown("patient", ErrorCode::UnknownPatient, patient));
    }
    let patient = super::merges::resolve(node, patient)?;
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let doc = tx
        .edit(id.into())?
        .ok_or_else(|| unknown("id", ErrorCode::InvalidId, id))?;
    dermis_model::doc::expect_type(doc, DocType::Appointment)
        .map_err(|_| unknown("id", ErrorCode::InvalidId, id))?;
    appointment::link_patient(doc, patient).map_err(doc_error(id.into()))?;
    audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Update,
        audit::in_chart("appointment", id, patient),
    )?;
    tx.commit()?;
    Ok(patient)
}

/// Appointments starting in `[from, to)` (ms since epoch).
pub fn between(
    node: &Node,
    session: &Session,
    from: i64,
    to: i64,
) -> Result<Vec<AppointmentRow>, OpError> {
    session.require(Permission::ViewPatients)?;
    Ok(queries::appointments_between(node.store.conn(), from, to)?)
}
