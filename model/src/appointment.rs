//! The appointment document: one per appointment, made at the desk or from a Calendly
//! booking on the hub. A cancellation changes the status; the document stays.

use automerge::{ActorId, AutoCommit, ReadDoc};
use serde::Serialize;

use crate::doc::{self, DocMeta, DocType, SchemaError};
use crate::validate::{ErrorCode, ValidationErrors, text_field};
use crate::{AppointmentId, ClinicId, DocId, Millis, PatientId};

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
    Ok(doc)
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
}
