//! The appointment document: one per appointment, made at the desk or from a Calendly
//! booking on the hub. A cancellation changes the status; the document stays.

use automerge::{ActorId, AutoCommit, ReadDoc};
use serde::Serialize;

use crate::doc::{self, DocMeta, DocType, SchemaError};
use crate::validate::{ErrorCode, ValidationErrors, text_field};
use crate::{AppointmentId, ClinicId, DocId, Millis, PatientId, UserId};

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentSource {
    Manual,
    Calendly,
}

impl AppointmentSource {
    pub fn as_str(&self) -> &'static str {
        match self {
            AppointmentSource::Manual => "manual",
            AppointmentSource::Calendly => "calendly",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    /// Booked (stored as `scheduled`, as since the first release).
    Scheduled,
    CheckedIn,
    Canceled,
    Completed,
    NoShow,
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 5] = [
        AppointmentStatus::Scheduled,
        AppointmentStatus::CheckedIn,
        AppointmentStatus::Canceled,
        AppointmentStatus::Completed,
        AppointmentStatus::NoShow,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            AppointmentStatus::Scheduled => "scheduled",
            AppointmentStatus::CheckedIn => "checked_in",
            AppointmentStatus::Canceled => "canceled",
            AppointmentStatus::Completed => "completed",
            AppointmentStatus::NoShow => "no_show",
        }
    }

    pub fn parse(s: &str) -> Option<AppointmentStatus> {
        AppointmentStatus::ALL
            .into_iter()
            .find(|v| v.as_str() == s.trim())
    }

    /// The lifecycle: a booked appointment is checked in, marked a no-show or
    /// cancelled; a checked-in one is completed; a no-show can still be checked in (the
    /// patient came late and was seen). Cancelled and completed are final.
    pub fn may_become(self, to: AppointmentStatus) -> bool {
        use AppointmentStatus as S;
        matches!(
            (self, to),
            (S::Scheduled, S::CheckedIn | S::NoShow | S::Canceled)
                | (S::CheckedIn, S::Completed)
                | (S::NoShow, S::CheckedIn)
        )
    }
}

/// Moves the appointment to `to`, refusing a move the lifecycle does not allow (naming
/// the field `status`). Asking for the status it already has changes nothing, so a
/// repeated command is harmless.
pub fn change_status(doc: &mut AutoCommit, to: AppointmentStatus) -> Result<bool, StatusError> {
    let from = doc::str_at(doc, &automerge::ROOT, "status")?
        .and_then(|s| AppointmentStatus::parse(&s))
        .unwrap_or(AppointmentStatus::Scheduled);
    if from == to {
        return Ok(false);
    }
    if !from.may_become(to) {
        return Err(StatusError::Invalid(ValidationErrors::single(
            "status",
            ErrorCode::InvalidTransition,
            format!(
                "the appointment is {}; it cannot become {}",
                from.as_str(),
                to.as_str()
            ),
        )));
    }
    set_status(doc, to)?;
    Ok(true)
}

/// Why a status change was refused.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    #[error(transparent)]
    Schema(#[from] SchemaError),
}

/// Links the appointment to a patient record (a Calendly invitee, say); the invitee's
/// name and email stay as booked.
pub fn link_patient(doc: &mut AutoCommit, patient: PatientId) -> Result<(), SchemaError> {
    doc::put_str(doc, &automerge::ROOT, "patient_id", &patient.to_string())
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Appointment {
    pub id: AppointmentId,
    pub clinic_id: ClinicId,
    pub patient_id: Option<PatientId>,
    pub invitee_name: Option<String>,
    pub invitee_email: Option<String>,
    pub title: String,
    pub start: Millis,
    pub end: Millis,
    pub source: AppointmentSource,
    pub status: AppointmentStatus,
    /// The booking's id at its source (the Calendly invitee URI), for idempotency.
    pub external_id: Option<String>,
    pub notes: String,
    /// The staff user the patient is booked with (`None` in documents written before
    /// appointments had a clinician, and for Calendly bookings until someone assigns one).
    pub clinician_id: Option<UserId>,
    /// The phone number the invitee gave when booking (Calendly's text-reminder number).
    pub invitee_phone: Option<String>,
    /// Why it was cancelled, when someone said.
    pub cancel_reason: Option<String>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AppointmentDraft {
    pub patient_id: Option<PatientId>,
    pub invitee_name: Option<String>,
    pub invitee_email: Option<String>,
    pub title: String,
    pub start: Millis,
    pub end: Millis,
    pub source: AppointmentSource,
    pub external_id: Option<String>,
    pub notes: String,
    pub clinician_id: Option<UserId>,
    pub invitee_phone: Option<String>,
}

impl AppointmentDraft {
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.end <= self.start {
            e.add(
                "end",
                ErrorCode::InvalidTimeRange,
                "the appointment must end after it starts",
            );
        }
        if self.patient_id.is_none()
            && self
                .invitee_name
                .as_deref()
                .is_none_or(|n| n.trim().is_empty())
        {
            e.add(
                "patient",
                ErrorCode::Required,
                "an appointment needs a patient or an invitee name",
            );
        }
        text_field(&mut e, "title", &self.title, false, 200, false);
        text_field(&mut e, "notes", &self.notes, false, 5000, true);
        if let Some(phone) = &self.invitee_phone {
            text_field(&mut e, "phone", phone, false, 40, false);
        }
        e.into_result(())
    }
}

pub fn create_appointment(
    id: AppointmentId,
    clinic: ClinicId,
    draft: &AppointmentDraft,
    actor: ActorId,
) -> Result<AutoCommit, SchemaError> {
    let meta = DocMeta::new(DocType::Appointment, clinic, DocId(id.0));
    let mut doc = doc::create(&meta, actor)?;
    let root = automerge::ROOT;
    if let Some(p) = draft.patient_id {
        doc::put_str(&mut doc, &root, "patient_id", &p.to_string())?;
    }
    doc::put_opt_str(
        &mut doc,
        &root,
        "invitee_name",
        draft.invitee_name.as_deref(),
    )?;
    doc::put_opt_str(
        &mut doc,
        &root,
        "invitee_email",
        draft.invitee_email.as_deref(),
    )?;
    doc::put_str(&mut doc, &root, "title", &draft.title)?;
    doc::put_ts(&mut doc, &root, "start", draft.start)?;
    doc::put_ts(&mut doc, &root, "end", draft.end)?;
    doc::put_str(&mut doc, &root, "source", draft.source.as_str())?;
    doc::put_str(
        &mut doc,
        &root,
        "status",
        AppointmentStatus::Scheduled.as_str(),
    )?;
    doc::put_opt_str(&mut doc, &root, "external_id", draft.external_id.as_deref())?;
    doc::put_text(&mut doc, &root, "notes", &draft.notes)?;
    // Optional keys are written only when present, so a document of this schema and one
    // written before the fields existed read alike.
    if let Some(c) = draft.clinician_id {
        doc::put_str(&mut doc, &root, "clinician_id", &c.to_string())?;
    }
    doc::put_opt_str(
        &mut doc,
        &root,
        "invitee_phone",
        draft.invitee_phone.as_deref(),
    )?;
    Ok(doc)
}

/// Moves the appointment to `start`..`end` with `clinician` (`None` leaves the clinician
/// as it is). Each is its own key, so a move made on one desk and a status change made on
/// another both survive the merge. A cancelled, completed or no-show appointment stays
/// where it was (refused naming `status`); a time range that ends before it starts is
/// refused naming `end`.
pub fn reschedule(
    doc: &mut AutoCommit,
    start: Millis,
    end: Millis,
    clinician: Option<UserId>,
) -> Result<(), StatusError> {
    let status = doc::str_at(doc, &automerge::ROOT, "status")?
        .and_then(|s| AppointmentStatus::parse(&s))
        .unwrap_or(AppointmentStatus::Scheduled);
    if !matches!(
        status,
        AppointmentStatus::Scheduled | AppointmentStatus::CheckedIn
    ) {
        return Err(StatusError::Invalid(ValidationErrors::single(
            "status",
            ErrorCode::InvalidTransition,
            format!("the appointment is {}; it cannot be moved", status.as_str()),
        )));
    }
    if end <= start {
        return Err(StatusError::Invalid(ValidationErrors::single(
            "end",
            ErrorCode::InvalidTimeRange,
            "the appointment must end after it starts",
        )));
    }
    let root = automerge::ROOT;
    if doc::i64_at(doc, &root, "start")? != Some(start) {
        doc::put_ts(doc, &root, "start", start)?;
    }
    if doc::i64_at(doc, &root, "end")? != Some(end) {
        doc::put_ts(doc, &root, "end", end)?;
    }
    if let Some(c) = clinician {
        let c = c.to_string();
        if doc::str_at(doc, &root, "clinician_id")?.as_deref() != Some(c.as_str()) {
            doc::put_str(doc, &root, "clinician_id", &c)?;
        }
    }
    Ok(())
}

/// Cancels the appointment (see [`change_status`]) and keeps why, when a reason is given.
pub fn cancel(doc: &mut AutoCommit, reason: Option<&str>) -> Result<bool, StatusError> {
    let changed = change_status(doc, AppointmentStatus::Canceled)?;
    if changed && let Some(reason) = reason.map(str::trim).filter(|r| !r.is_empty()) {
        doc::put_str(doc, &automerge::ROOT, "cancel_reason", reason)?;
    }
    Ok(changed)
}

pub fn set_status(doc: &mut AutoCommit, status: AppointmentStatus) -> Result<(), SchemaError> {
    doc::put_str(doc, &automerge::ROOT, "status", status.as_str())
}

pub fn read_appointment(doc: &impl ReadDoc) -> Result<Appointment, SchemaError> {
    let meta = doc::expect_type(doc, DocType::Appointment)?;
    let root = automerge::ROOT;
    let source = match doc::str_at(doc, &root, "source")?.as_deref() {
        Some("calendly") => AppointmentSource::Calendly,
        _ => AppointmentSource::Manual,
    };
    Ok(Appointment {
        id: AppointmentId(meta.id.0),
        clinic_id: meta.clinic_id,
        patient_id: doc::str_at(doc, &root, "patient_id")?.and_then(|s| s.parse().ok()),
        invitee_name: doc::str_at(doc, &root, "invitee_name")?,
        invitee_email: doc::str_at(doc, &root, "invitee_email")?,
        title: doc::str_at(doc, &root, "title")?.unwrap_or_default(),
        start: doc::i64_at(doc, &root, "start")?.ok_or_else(|| SchemaError::Missing {
            field: "start".into(),
        })?,
        end: doc::i64_at(doc, &root, "end")?.ok_or_else(|| SchemaError::Missing {
            field: "end".into(),
        })?,
        source,
        status: doc::str_at(doc, &root, "status")?
            .and_then(|s| AppointmentStatus::parse(&s))
            .unwrap_or(AppointmentStatus::Scheduled),
        external_id: doc::str_at(doc, &root, "external_id")?,
        notes: doc::text_at(doc, &root, "notes")?,
        clinician_id: doc::str_at(doc, &root, "clinician_id")?.and_then(|s| s.parse().ok()),
        invitee_phone: doc::str_at(doc, &root, "invitee_phone")?,
        cancel_reason: doc::str_at(doc, &root, "cancel_reason")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appointments_round_trip_and_cancel() {
        let draft = AppointmentDraft {
            patient_id: None,
            invitee_name: Some("Lucía García".into()),
            invitee_email: Some("lucia@example.es".into()),
            title: "Mole check".into(),
            start: 1_000,
            end: 2_000,
            source: AppointmentSource::Calendly,
            external_id: Some("https://api.calendly.com/invitees/X".into()),
            notes: String::new(),
            clinician_id: None,
            invitee_phone: Some("+34 612 345 678".into()),
        };
        draft.validate().expect("valid");
        let mut doc = create_appointment(
            AppointmentId::new(),
            ClinicId::new(),
            &draft,
            ActorId::random(),
        )
        .expect("create");
        set_status(&mut doc, AppointmentStatus::Canceled).expect("cancel");
        let a = read_appointment(&doc).expect("read");
        assert_eq!(a.status, AppointmentStatus::Canceled);
        assert_eq!(a.source, AppointmentSource::Calendly);
        assert_eq!(a.invitee_name.as_deref(), Some("Lucía García"));
        let bad = AppointmentDraft {
            end: 500,
            invitee_name: None,
            ..draft
        };
        let codes: Vec<_> = bad
            .validate()
            .unwrap_err()
            .0
            .iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(
            codes,
            vec![ErrorCode::InvalidTimeRange, ErrorCode::Required]
        );
    }

    #[test]
    fn the_lifecycle_allows_only_its_moves() {
        use AppointmentStatus as S;
        let allowed: Vec<_> = S::ALL
            .into_iter()
            .flat_map(|a| S::ALL.into_iter().map(move |b| (a, b)))
            .filter(|(a, b)| a.may_become(*b))
            .collect();
        assert_eq!(
            allowed,
            vec![
                (S::Scheduled, S::CheckedIn),
                (S::Scheduled, S::Canceled),
                (S::Scheduled, S::NoShow),
                (S::CheckedIn, S::Completed),
                (S::NoShow, S::CheckedIn),
            ]
        );
        let draft = AppointmentDraft {
            patient_id: Some(PatientId::new()),
            invitee_name: None,
            invitee_email: None,
            title: String::new(),
            start: 0,
            end: 1,
            source: AppointmentSource::Manual,
            external_id: None,
            notes: String::new(),
            clinician_id: None,
            invitee_phone: None,
        };
        let mut doc = create_appointment(
            AppointmentId::new(),
            ClinicId::new(),
            &draft,
            ActorId::random(),
        )
        .expect("create");
        assert!(change_status(&mut doc, S::NoShow).expect("no-show"));
        assert!(!change_status(&mut doc, S::NoShow).expect("again: nothing to do"));
        assert!(change_status(&mut doc, S::CheckedIn).expect("came late"));
        let err = change_status(&mut doc, S::Canceled).unwrap_err();
        assert!(
            matches!(&err, StatusError::Invalid(v) if v.0[0].field == "status" && v.0[0].code == ErrorCode::InvalidTransition)
        );
        let p = PatientId::new();
        link_patient(&mut doc, p).expect("link");
        let a = read_appointment(&doc).expect("read");
        assert_eq!(a.patient_id, Some(p));
        assert_eq!(a.status, S::CheckedIn);
    }

    fn booked(clinician: Option<UserId>) -> AutoCommit {
        let draft = AppointmentDraft {
            patient_id: Some(PatientId::new()),
            invitee_name: None,
            invitee_email: None,
            title: "Mole check".into(),
            start: 10 * 60_000,
            end: 40 * 60_000,
            source: AppointmentSource::Manual,
            external_id: None,
            notes: String::new(),
            clinician_id: clinician,
            invitee_phone: None,
        };
        create_appointment(
            AppointmentId::new(),
            ClinicId::new(),
            &draft,
            ActorId::random(),
        )
        .expect("create")
    }

    #[test]
    fn a_document_without_a_clinician_still_loads() {
        // A document of the first schema: no clinician, phone or cancel reason keys.
        let mut doc = booked(None);
        for key in ["clinician_id", "invitee_phone", "cancel_reason"] {
            assert!(
                doc::str_at(&doc, &automerge::ROOT, key)
                    .expect("read")
                    .is_none()
            );
        }
        let a = read_appointment(&doc).expect("read");
        assert_eq!(a.clinician_id, None);
        assert_eq!(a.invitee_phone, None);
        assert_eq!(a.cancel_reason, None);
        // A clinician can be given later by moving it.
        let doctor = UserId::new();
        reschedule(&mut doc, a.start, a.end, Some(doctor)).expect("assign");
        assert_eq!(
            read_appointment(&doc).expect("read").clinician_id,
            Some(doctor)
        );
    }

    #[test]
    fn a_move_and_a_check_in_made_on_two_desks_both_survive() {
        let doctor = UserId::new();
        let nurse = UserId::new();
        let mut desk1 = booked(Some(doctor));
        let mut desk2 = desk1.fork().with_actor(ActorId::random());
        reschedule(&mut desk1, 60 * 60_000, 90 * 60_000, Some(nurse)).expect("move");
        assert!(change_status(&mut desk2, AppointmentStatus::CheckedIn).expect("check in"));
        desk1.merge(&mut desk2).expect("merge");
        desk2.merge(&mut desk1).expect("merge");
        for doc in [&desk1, &desk2] {
            let a = read_appointment(doc).expect("read");
            assert_eq!(a.clinician_id, Some(nurse));
            assert_eq!((a.start, a.end), (60 * 60_000, 90 * 60_000));
            assert_eq!(a.status, AppointmentStatus::CheckedIn);
        }
    }

    #[test]
    fn a_cancelled_appointment_keeps_its_reason_and_cannot_move() {
        let mut doc = booked(Some(UserId::new()));
        assert!(cancel(&mut doc, Some("  Patient is ill ")).expect("cancel"));
        let a = read_appointment(&doc).expect("read");
        assert_eq!(a.status, AppointmentStatus::Canceled);
        assert_eq!(a.cancel_reason.as_deref(), Some("Patient is ill"));
        let err = reschedule(&mut doc, 0, 60_000, None).unwrap_err();
        assert!(matches!(&err, StatusError::Invalid(v) if v.0[0].field == "status"));
        let mut fresh = booked(None);
        let err = reschedule(&mut fresh, 60_000, 60_000, None).unwrap_err();
        assert!(matches!(&err, StatusError::Invalid(v) if v.0[0].field == "end"));
    }
}
