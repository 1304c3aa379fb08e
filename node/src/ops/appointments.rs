//! Appointments made at the desk; Calendly bookings arrive from the hub by sync.

use dermis_model::appointment::{self, AppointmentDraft, AppointmentStatus, StatusError};
use dermis_model::clinic::{Clinic, Permission, Role, User};
use dermis_model::{AppointmentId, DocType, ErrorCode, Millis, PatientId, UserId};

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
    if let Some(c) = draft.clinician_id {
        clinician(&node.clinic()?, c)?;
    }
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
    let changed = appointment::change_status(doc, status).map_err(status_error(id))?;
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
    node: &mut Node,
    session: &Session,
    from: i64,
    to: i64,
) -> Result<Vec<AppointmentRow>, OpError> {
    session.require(Permission::ViewPatients)?;
    let mut rows = queries::appointments_between(node.store.conn(), from, to)?;
    let clinic = node.clinic()?;
    for row in &mut rows {
        row.clinician = row
            .clinician_id
            .as_deref()
            .and_then(|id| id.parse().ok())
            .and_then(|id| clinic.user(id))
            .map(|u| u.username.clone());
    }
    Ok(rows)
}

/// Whether a staff user sees patients as a clinician (appointments are booked with them).
pub fn is_clinician(user: &User) -> bool {
    user.active && matches!(user.role, Role::Doctor | Role::Nurse)
}

/// The clinic's clinicians (active doctors and nurses), by display name.
pub fn clinicians(clinic: &Clinic) -> Vec<User> {
    let mut found: Vec<User> = clinic
        .users
        .iter()
        .filter(|u| is_clinician(u))
        .cloned()
        .collect();
    found.sort_by(|a, b| {
        a.display_name
            .cmp(&b.display_name)
            .then_with(|| a.username.cmp(&b.username))
    });
    found
}

/// The clinician `id`, or invalid input naming `clinician`.
fn clinician(clinic: &Clinic, id: UserId) -> Result<&User, OpError> {
    clinic
        .user(id)
        .filter(|u| is_clinician(u))
        .ok_or_else(|| unknown("clinician", ErrorCode::InvalidId, id))
}

/// The clinician with user name `username`, or invalid input naming `clinician`.
pub fn clinician_named(node: &mut Node, username: &str) -> Result<UserId, OpError> {
    let clinic = node.clinic()?;
    clinic
        .user_by_name(username)
        .filter(|u| is_clinician(u))
        .map(|u| u.id)
        .ok_or_else(|| {
            OpError::Invalid(dermis_model::ValidationErrors::single(
                "clinician",
                ErrorCode::InvalidId,
                "no doctor or nurse with that user name",
            ))
        })
}

/// Moves the appointment to start at `start` and end at `end` (`None`: it keeps its
/// length), with `clinician` when given (see `appointment::reschedule` for what may not
/// move).
pub fn reschedule(
    node: &mut Node,
    session: &Session,
    id: AppointmentId,
    start: Millis,
    end: Option<Millis>,
    clinician_id: Option<UserId>,
) -> Result<(), OpError> {
    session.require(Permission::ManageAppointments)?;
    if let Some(c) = clinician_id {
        clinician(&node.clinic()?, c)?;
    }
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let doc = tx
        .edit(id.into())?
        .ok_or_else(|| unknown("appointment", ErrorCode::InvalidId, id))?;
    dermis_model::doc::expect_type(doc, DocType::Appointment)
        .map_err(|_| unknown("appointment", ErrorCode::InvalidId, id))?;
    let end = match end {
        Some(end) => end,
        None => {
            let now = appointment::read_appointment(&*doc).map_err(doc_error(id.into()))?;
            start + (now.end - now.start)
        }
    };
    appointment::reschedule(doc, start, end, clinician_id).map_err(status_error(id))?;
    audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Update,
        audit::other("appointment", id),
    )?;
    tx.commit()?;
    Ok(())
}

/// Cancels the appointment, keeping `reason` when given; cancelling a cancelled one
/// writes nothing.
pub fn cancel(
    node: &mut Node,
    session: &Session,
    id: AppointmentId,
    reason: Option<&str>,
) -> Result<(), OpError> {
    session.require(Permission::ManageAppointments)?;
    if let Some(r) = reason {
        let mut e = dermis_model::ValidationErrors::default();
        dermis_model::validate::text_field(&mut e, "reason", r, false, 500, false);
        e.into_result(())?;
    }
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let doc = tx
        .edit(id.into())?
        .ok_or_else(|| unknown("appointment", ErrorCode::InvalidId, id))?;
    dermis_model::doc::expect_type(doc, DocType::Appointment)
        .map_err(|_| unknown("appointment", ErrorCode::InvalidId, id))?;
    if !appointment::cancel(doc, reason).map_err(status_error(id))? {
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

fn status_error(id: AppointmentId) -> impl Fn(StatusError) -> OpError {
    move |e| match e {
        StatusError::Invalid(v) => OpError::Invalid(v),
        StatusError::Schema(s) => doc_error(id.into())(s),
    }
}

/// Patients an unlinked booking may be: the same email or phone after normalisation.
pub fn contact_matches(
    node: &Node,
    session: &Session,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<Vec<(queries::PatientRow, bool, bool)>, OpError> {
    session.require(Permission::ViewPatients)?;
    Ok(crate::store::calendar::patients_by_contact(
        node.store.conn(),
        email,
        phone,
    )?)
}
