//! Encounters, inside the patient document under `encounters/<id>`: date, clinician,
//! chief complaint, SOAP notes as collaborative Text, ICD-10 diagnoses, and signing.
//! A signed encounter is read-only; corrections are addenda.

use automerge::{AutoCommit, ObjId, ReadDoc};
use serde::Serialize;

use crate::doc::{self, SchemaError};
use crate::validate::{
    ErrorCode, ValidationErrors, date_field, format_date, parse_stored_date, serde_date, text_field,
};
use crate::{AddendumId, EncounterId, Millis, PatientId, UserId};

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EncounterStatus {
    Draft,
    Signed,
}

impl EncounterStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            EncounterStatus::Draft => "draft",
            EncounterStatus::Signed => "signed",
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Diagnosis {
    pub code: String,
    pub label: String,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Addendum {
    pub id: AddendumId,
    pub author: String,
    pub author_id: Option<UserId>,
    pub at: Millis,
    pub text: String,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Encounter {
    pub id: EncounterId,
    pub patient_id: PatientId,
    #[serde(with = "serde_date")]
    pub date: time::Date,
    pub clinician: String,
    pub clinician_id: Option<UserId>,
    pub complaint: String,
    pub subjective: String,
    pub objective: String,
    pub assessment: String,
    pub plan: String,
    pub diagnoses: Vec<Diagnosis>,
    pub status: EncounterStatus,
    pub signed_by: Option<String>,
    pub signed_by_id: Option<UserId>,
    pub signed_at: Option<Millis>,
    pub addenda: Vec<Addendum>,
    pub created_at: Millis,
    /// Written only while the visit is a draft (see `prescription.rs`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub prescriptions: Vec<crate::prescription::Prescription>,
}

/// Who is writing: a staff user when logged in, or a free-text name from the CLI.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Author {
    pub id: Option<UserId>,
    pub name: String,
}

/// An encounter form as typed.
#[derive(Clone, PartialEq, Eq, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct EncounterForm {
    pub date: String,
    pub complaint: String,
    pub subjective: String,
    pub objective: String,
    pub assessment: String,
    pub plan: String,
    pub diagnoses: Vec<String>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EncounterDraft {
    pub date: time::Date,
    pub complaint: String,
    pub subjective: String,
    pub objective: String,
    pub assessment: String,
    pub plan: String,
    pub diagnoses: Vec<Diagnosis>,
}

/// Normalises an ICD-10 code: upper case, dot after the category (`l400` → `L40.0`).
/// Returns `None` when the text cannot be a code.
pub fn normalize_icd10(input: &str) -> Option<String> {
    let compact: String = input
        .trim()
        .chars()
        .filter(|c| *c != '.')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let bytes = compact.as_bytes();
    let shape = (3..=7).contains(&bytes.len())
        && bytes[0].is_ascii_uppercase()
        && bytes[1].is_ascii_digit()
        && bytes[2].is_ascii_alphanumeric()
        && bytes[3..].iter().all(u8::is_ascii_alphanumeric);
    if !shape {
        return None;
    }
    Some(if compact.len() > 3 {
        format!("{}.{}", &compact[..3], &compact[3..])
    } else {
        compact
    })
}

impl EncounterForm {
    pub fn from_encounter(e: &Encounter) -> EncounterForm {
        EncounterForm {
            date: format_date(e.date),
            complaint: e.complaint.clone(),
            subjective: e.subjective.clone(),
            objective: e.objective.clone(),
            assessment: e.assessment.clone(),
            plan: e.plan.clone(),
            diagnoses: e.diagnoses.iter().map(|d| d.code.clone()).collect(),
        }
    }

    /// Checks the form. `label_of` looks a code up in the bundled ICD-10 list; an unknown
    /// code is refused so that every diagnosis carries its label.
    pub fn validate(
        &self,
        today: time::Date,
        label_of: impl Fn(&str) -> Option<String>,
    ) -> Result<EncounterDraft, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let date = if self.date.trim().is_empty() {
            Some(today)
        } else {
            date_field(&mut e, "date", &self.date)
        };
        let complaint =
            text_field(&mut e, "complaint", &self.complaint, false, 500, false).unwrap_or_default();
        let mut soap = [
            &self.subjective,
            &self.objective,
            &self.assessment,
            &self.plan,
        ]
        .into_iter()
        .zip(["subjective", "objective", "assessment", "plan"])
        .map(|(value, field)| {
            text_field(&mut e, field, value, false, 50_000, true).unwrap_or_default()
        });
        let (subjective, objective, assessment, plan) = (
            soap.next().unwrap_or_default(),
            soap.next().unwrap_or_default(),
            soap.next().unwrap_or_default(),
            soap.next().unwrap_or_default(),
        );
        let mut diagnoses: Vec<Diagnosis> = Vec::new();
        for raw in &self.diagnoses {
            match normalize_icd10(raw).and_then(|code| label_of(&code).map(|label| (code, label))) {
                Some((code, label)) => {
                    if !diagnoses.iter().any(|d| d.code == code) {
                        diagnoses.push(Diagnosis { code, label });
                    }
                }
                None => e.add(
                    "diagnosis",
                    ErrorCode::InvalidIcd10,
                    format!("{:?} is not a known ICD-10-CM code", raw.trim()),
                ),
            }
        }
        let draft = EncounterDraft {
            date: date.unwrap_or(today),
            complaint,
            subjective,
            objective,
            assessment,
            plan,
            diagnoses,
        };
        e.into_result(draft)
    }
}

/// Why an edit of an encounter was refused.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    #[error(transparent)]
    Schema(#[from] SchemaError),
}

pub(crate) fn encounter_obj(doc: &AutoCommit, id: EncounterId) -> Result<ObjId, EditError> {
    let map = doc::map_at(doc, &automerge::ROOT, "encounters")?;
    match map
        .map(|m| doc::map_at(doc, &m, &id.to_string()))
        .transpose()?
        .flatten()
    {
        Some(obj) => Ok(obj),
        None => Err(ValidationErrors::single(
            "encounter",
            ErrorCode::UnknownEncounter,
            format!("no encounter {id} for this patient"),
        )
        .into()),
    }
}

pub(crate) fn refuse_if_signed(doc: &AutoCommit, obj: &ObjId) -> Result<(), EditError> {
    if doc::str_at(doc, obj, "status")?.as_deref() == Some("signed") {
        return Err(ValidationErrors::single(
            "encounter",
            ErrorCode::EncounterSigned,
            "the encounter is signed; add an addendum instead",
        )
        .into());
    }
    Ok(())
}

pub fn add_encounter(
    doc: &mut AutoCommit,
    id: EncounterId,
    draft: &EncounterDraft,
    clinician: &Author,
    now: Millis,
) -> Result<(), EditError> {
    use automerge::hydrate::Value as H;
    use automerge::transaction::Transactable;
    let map = doc::ensure_map(doc, &automerge::ROOT, "encounters")?;
    if doc::map_at(doc, &map, &id.to_string())?.is_some() {
        // Already there (a repeated command): update it like any draft.
        return update_encounter(doc, id, draft);
    }
    // Created in one batch, Text objects included, so the encounter exists whole at once.
    let enc = automerge::ReadDoc::text_encoding(doc);
    let mut fields: std::collections::HashMap<&str, H> = std::collections::HashMap::new();
    fields.insert(
        "created_at",
        H::scalar(automerge::ScalarValue::Timestamp(now)),
    );
    fields.insert("clinician", H::scalar(clinician.name.as_str()));
    if let Some(user) = clinician.id {
        fields.insert("clinician_id", H::scalar(user.to_string().as_str()));
    }
    fields.insert("status", H::scalar(EncounterStatus::Draft.as_str()));
    fields.insert("date", H::scalar(format_date(draft.date).as_str()));
    fields.insert("complaint", H::scalar(draft.complaint.as_str()));
    for (key, value) in [
        ("subjective", &draft.subjective),
        ("objective", &draft.objective),
        ("assessment", &draft.assessment),
        ("plan", &draft.plan),
    ] {
        fields.insert(key, H::text(enc, value));
    }
    let dx: std::collections::HashMap<&str, H> = draft
        .diagnoses
        .iter()
        .map(|d| (d.code.as_str(), H::scalar(d.label.as_str())))
        .collect();
    fields.insert("diagnoses", H::from(dx));
    fields.insert("addenda", H::map());
    doc.batch_create_object(&map, id.to_string(), &H::from(fields), false)
        .map_err(SchemaError::from)?;
    Ok(())
}

pub fn update_encounter(
    doc: &mut AutoCommit,
    id: EncounterId,
    draft: &EncounterDraft,
) -> Result<(), EditError> {
    let obj = encounter_obj(doc, id)?;
    refuse_if_signed(doc, &obj)?;
    write_fields(doc, &obj, draft)
}

fn write_fields(
    doc: &mut AutoCommit,
    obj: &ObjId,
    draft: &EncounterDraft,
) -> Result<(), EditError> {
    doc::put_str(doc, obj, "date", &format_date(draft.date))?;
    doc::put_str(doc, obj, "complaint", &draft.complaint)?;
    for (key, value) in [
        ("subjective", &draft.subjective),
        ("objective", &draft.objective),
        ("assessment", &draft.assessment),
        ("plan", &draft.plan),
    ] {
        doc::put_text(doc, obj, key, value)?;
    }
    // Diagnoses are a map keyed by code, so two clinicians adding codes offline both keep theirs.
    let dx = doc::ensure_map(doc, obj, "diagnoses")?;
    let stale: Vec<String> = doc
        .keys(&dx)
        .filter(|code| !draft.diagnoses.iter().any(|d| &d.code == code))
        .collect();
    for code in stale {
        automerge::transaction::Transactable::delete(doc, &dx, code.as_str())
            .map_err(SchemaError::from)?;
    }
    for d in &draft.diagnoses {
        doc::put_str(doc, &dx, &d.code, &d.label)?;
    }
    Ok(())
}

pub fn sign_encounter(
    doc: &mut AutoCommit,
    id: EncounterId,
    signer: &Author,
    now: Millis,
) -> Result<(), EditError> {
    let obj = encounter_obj(doc, id)?;
    refuse_if_signed(doc, &obj)?;
    doc::put_str(doc, &obj, "status", EncounterStatus::Signed.as_str())?;
    doc::put_str(doc, &obj, "signed_by", &signer.name)?;
    if let Some(user) = signer.id {
        doc::put_str(doc, &obj, "signed_by_id", &user.to_string())?;
    }
    doc::put_ts(doc, &obj, "signed_at", now)?;
    Ok(())
}

pub fn add_addendum(
    doc: &mut AutoCommit,
    encounter: EncounterId,
    id: AddendumId,
    author: &Author,
    text: &str,
    now: Millis,
) -> Result<(), EditError> {
    let mut e = ValidationErrors::default();
    let text = text_field(&mut e, "addendum", text, true, 20_000, true);
    e.into_result(())?;
    let obj = encounter_obj(doc, encounter)?;
    let addenda = doc::ensure_map(doc, &obj, "addenda")?;
    let entry = doc::ensure_map(doc, &addenda, &id.to_string())?;
    doc::put_str(doc, &entry, "author", &author.name)?;
    if let Some(user) = author.id {
        doc::put_str(doc, &entry, "author_id", &user.to_string())?;
    }
    doc::put_ts(doc, &entry, "at", now)?;
    doc::put_text(doc, &entry, "text", text.as_deref().unwrap_or_default())?;
    Ok(())
}

/// Every encounter of the patient, newest date first, then by id.
pub fn read_encounters(
    doc: &impl ReadDoc,
    patient: PatientId,
) -> Result<Vec<Encounter>, SchemaError> {
    let Some(map) = doc::map_at(doc, &automerge::ROOT, "encounters")? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (key, obj) in doc::map_entries(doc, &map)? {
        let id: EncounterId = key.parse().map_err(|_| SchemaError::Invalid {
            field: format!("encounters.{key}"),
        })?;
        let f = doc::fields(doc, &obj)?;
        let user = |field: &str| -> Result<Option<UserId>, SchemaError> {
            Ok(f.str(field)?.and_then(|s| s.parse().ok()))
        };
        let mut diagnoses = Vec::new();
        if let Some(dx) = f.map("diagnoses")? {
            let dx = doc::fields(doc, &dx)?;
            for code in dx.keys() {
                let label = dx.str(code)?.unwrap_or_default();
                diagnoses.push(Diagnosis {
                    code: code.to_owned(),
                    label,
                });
            }
        }
        let mut addenda = Vec::new();
        if let Some(ad) = f.map("addenda")? {
            for (akey, aobj) in doc::map_entries(doc, &ad)? {
                let a = doc::fields(doc, &aobj)?;
                addenda.push(Addendum {
                    id: akey.parse().map_err(|_| SchemaError::Invalid {
                        field: format!("addenda.{akey}"),
                    })?,
                    author: a.str("author")?.unwrap_or_default(),
                    author_id: a.str("author_id")?.and_then(|s| s.parse().ok()),
                    at: a.i64("at")?.unwrap_or(0),
                    text: a.text("text")?,
                });
            }
            addenda.sort_by_key(|a| (a.at, a.id));
        }
        let date = f
            .str("date")?
            .and_then(|s| parse_stored_date(&s))
            .ok_or_else(|| SchemaError::Missing {
                field: "date".into(),
            })?;
        out.push(Encounter {
            id,
            patient_id: patient,
            date,
            clinician: f.str("clinician")?.unwrap_or_default(),
            clinician_id: user("clinician_id")?,
            complaint: f.str("complaint")?.unwrap_or_default(),
            subjective: f.text("subjective")?,
            objective: f.text("objective")?,
            assessment: f.text("assessment")?,
            plan: f.text("plan")?,
            diagnoses,
            status: if f.str("status")?.as_deref() == Some("signed") {
                EncounterStatus::Signed
            } else {
                EncounterStatus::Draft
            },
            signed_by: f.str("signed_by")?,
            signed_by_id: user("signed_by_id")?,
            signed_at: f.i64("signed_at")?,
            addenda,
            created_at: f.i64("created_at")?.unwrap_or(0),
            prescriptions: crate::prescription::read_prescriptions(doc, id, &obj)?,
        });
    }
    out.sort_by(|a, b| b.date.cmp(&a.date).then(a.id.cmp(&b.id)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patient::{PatientDraft, create_patient};
    use crate::{ClinicId, PatientId};
    use automerge::ActorId;

    fn labels(code: &str) -> Option<String> {
        match code {
            "L40.0" => Some("Psoriasis vulgaris".into()),
            "L70.0" => Some("Acne vulgaris".into()),
            _ => None,
        }
    }

    fn today() -> time::Date {
        time::macros::date!(2026 - 11 - 27)
    }

    #[test]
    fn icd10_codes_are_normalised() {
        assert_eq!(normalize_icd10("l400").as_deref(), Some("L40.0"));
        assert_eq!(normalize_icd10(" L40.0 ").as_deref(), Some("L40.0"));
        assert_eq!(normalize_icd10("C43.59").as_deref(), Some("C43.59"));
        assert_eq!(normalize_icd10("L7").as_deref(), None);
        assert_eq!(normalize_icd10("40.0").as_deref(), None);
    }

    #[test]
    fn encounter_lifecycle_draft_sign_addendum() {
        let pid = PatientId::new();
        let draft = PatientDraft {
            first_name: "A".into(),
            last_name: "B".into(),
            ..Default::default()
        };
        let mut doc = create_patient(
            pid,
            ClinicId::new(),
            &draft,
            "N1-P1",
            0,
            None,
            ActorId::random(),
        )
        .expect("patient");
        let form = EncounterForm {
            complaint: "Itchy plaques".into(),
            subjective: "Two weeks".into(),
            diagnoses: vec!["l400".into()],
            ..Default::default()
        };
        let enc = form.validate(today(), labels).expect("valid");
        let id = EncounterId::new();
        let doctor = Author {
            id: Some(UserId::new()),
            name: "Dr House".into(),
        };
        add_encounter(&mut doc, id, &enc, &doctor, 10).expect("add");
        let mut changed = enc.clone();
        changed.plan = "Topical steroids".into();
        update_encounter(&mut doc, id, &changed).expect("draft is editable");
        sign_encounter(&mut doc, id, &doctor, 20).expect("sign");
        let err = update_encounter(&mut doc, id, &enc).unwrap_err();
        assert!(matches!(&err, EditError::Invalid(v) if v.0[0].code == ErrorCode::EncounterSigned));
        assert!(
            sign_encounter(&mut doc, id, &doctor, 30).is_err(),
            "signing twice is refused"
        );
        add_addendum(
            &mut doc,
            id,
            AddendumId::new(),
            &doctor,
            "Patch test negative",
            40,
        )
        .expect("addendum");
        let all = read_encounters(&doc, pid).expect("read");
        assert_eq!(all.len(), 1);
        let e = &all[0];
        assert_eq!(e.status, EncounterStatus::Signed);
        assert_eq!(e.plan, "Topical steroids");
        assert_eq!(
            e.diagnoses,
            vec![Diagnosis {
                code: "L40.0".into(),
                label: "Psoriasis vulgaris".into()
            }]
        );
        assert_eq!(e.date, today());
        assert_eq!(e.signed_at, Some(20));
        assert_eq!(e.addenda[0].text, "Patch test negative");
    }

    #[test]
    fn unknown_codes_and_missing_encounters_are_refused() {
        let form = EncounterForm {
            diagnoses: vec!["Z99.9".into(), "nonsense".into()],
            ..Default::default()
        };
        let errors = form.validate(today(), labels).unwrap_err();
        assert_eq!(errors.0.len(), 2);
        assert!(errors.0.iter().all(|e| e.code == ErrorCode::InvalidIcd10));
        let mut doc = create_patient(
            PatientId::new(),
            ClinicId::new(),
            &PatientDraft::default(),
            "m",
            0,
            None,
            ActorId::random(),
        )
        .expect("patient");
        let err = sign_encounter(
            &mut doc,
            EncounterId::new(),
            &Author {
                id: None,
                name: "x".into(),
            },
            0,
        )
        .unwrap_err();
        assert!(
            matches!(&err, EditError::Invalid(v) if v.0[0].code == ErrorCode::UnknownEncounter)
        );
    }
}
