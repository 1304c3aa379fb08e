//! Appointments made at the desk; Calendly bookings arrive from the hub by sync.

use dermis_model::appointment::{self, AppointmentDraft, AppointmentStatus};
use dermis_model::clinic::Permission;
use dermis_model::{AppointmentId, DocType, ErrorCode};

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
    if let Some(p) = draft.patient_id
        && queries::patient_by_id(node.store.conn(), &p.to_string())?.is_none()
    {
        return Err(unknown("patient", ErrorCode::UnknownPatient, p));
    }
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
    appointment::set_status(doc, status).map_err(doc_error(id.into()))?;
    audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Update,
        audit::other("appointment", id),
    )?;
    tx.commit()?;
    Ok(())
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
