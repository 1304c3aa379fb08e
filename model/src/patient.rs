//! The patient document: demographics, allergies, medical history and notes. The
//! patient's encounters (`encounter.rs`) and photo metadata (`photo.rs`) live in the same
//! document, as maps keyed by id, so one patient syncs as one unit.

use automerge::{ActorId, AutoCommit, ReadDoc, transaction::Transactable};
use serde::Serialize;

use crate::doc::{self, DocMeta, DocType, SchemaError};
use crate::encounter::{Encounter, read_encounters};
use crate::photo::{Photo, read_photos};
use crate::validate::{
    ErrorCode, ValidationErrors, date_field, format_date, parse_stored_date, serde_date, text_field,
};
use crate::{AllergyId, ClinicId, DocId, Millis, PatientId, UserId};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Other,
    #[default]
    Unknown,
}

impl Sex {
    pub const ALL: [Sex; 4] = [Sex::Female, Sex::Male, Sex::Other, Sex::Unknown];

    pub fn as_str(&self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
            Sex::Unknown => "unknown",
        }
    }

    /// Accepts the full word or its first letter, in any case.
    pub fn parse(s: &str) -> Option<Sex> {
        match s.trim().to_ascii_lowercase().as_str() {
            "female" | "f" => Some(Sex::Female),
            "male" | "m" => Some(Sex::Male),
            "other" | "o" | "x" => Some(Sex::Other),
            "unknown" | "u" | "" => Some(Sex::Unknown),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Mild,
    Moderate,
    Severe,
    #[default]
    Unknown,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Mild,
        Severity::Moderate,
        Severity::Severe,
        Severity::Unknown,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Mild => "mild",
            Severity::Moderate => "moderate",
            Severity::Severe => "severe",
            Severity::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str() == s.trim().to_ascii_lowercase())
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Allergy {
    pub id: AllergyId,
    pub substance: String,
    pub reaction: String,
    pub severity: Severity,
}

/// An allergy retracted as entered in error.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct AllergyInError {
    pub allergy: Allergy,
    pub reason: String,
    /// Who marked it (a display name).
    pub by: String,
    pub at: Millis,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Patient {
    pub id: PatientId,
    pub clinic_id: ClinicId,
    pub first_name: String,
    pub last_name: String,
    pub middle_name: Option<String>,
    #[serde(with = "serde_date::option")]
    pub birth_date: Option<time::Date>,
    pub sex: Sex,
    pub phones: Vec<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// Medical record number, human-facing and unique per clinic (node-scoped prefix).
    pub mrn: String,
    /// The allergies in force: what every screen, document and allergy check uses.
    pub allergies: Vec<Allergy>,
    /// Allergies marked entered in error: kept for the record (who, when, why), never shown
    /// as allergies nor checked against a drug.
    pub allergies_in_error: Vec<AllergyInError>,
    /// Someone asked and recorded that the patient knows of no allergy. It speaks only while
    /// `allergies` is empty: recording an allergy clears it (see [`Patient::allergy_status`]).
    pub no_known_allergies: bool,
    pub medical_history: String,
    pub notes: String,
    pub created_at: Millis,
    pub created_by: Option<UserId>,
    pub encounters: Vec<Encounter>,
    pub photos: Vec<Photo>,
}

/// Whole years from `born` to `today`; None when `today` is before the birth.
pub fn age_on(born: time::Date, today: time::Date) -> Option<u32> {
    let mut years = today.year() - born.year();
    if (today.month() as u8, today.day()) < (born.month() as u8, born.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

/// What the chart says about allergies: a doctor must be able to tell "none known" (asked
/// and recorded) from "never asked".
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AllergyStatus {
    NotRecorded,
    NoneKnown,
    Listed,
}

impl AllergyStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            AllergyStatus::NotRecorded => "not_recorded",
            AllergyStatus::NoneKnown => "none_known",
            AllergyStatus::Listed => "listed",
        }
    }
}

impl Patient {
    pub fn allergy_status(&self) -> AllergyStatus {
        if !self.allergies.is_empty() {
            AllergyStatus::Listed
        } else if self.no_known_allergies {
            AllergyStatus::NoneKnown
        } else {
            AllergyStatus::NotRecorded
        }
    }

    pub fn full_name(&self) -> String {
        match &self.middle_name {
            Some(m) => format!("{} {} {}", self.first_name, m, self.last_name),
            None => format!("{} {}", self.first_name, self.last_name),
        }
    }
}

/// A patient form as typed: every field is text, checked by [`PatientForm::validate`].
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct PatientForm {
    pub first_name: String,
    pub last_name: String,
    pub middle_name: String,
    pub birth_date: String,
    pub sex: String,
    pub phones: Vec<String>,
    pub email: String,
    pub address: String,
    pub mrn: String,
    pub medical_history: String,
    pub notes: String,
}

/// A validated patient: what gets written into the document.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct PatientDraft {
    pub first_name: String,
    pub last_name: String,
    pub middle_name: Option<String>,
    pub birth_date: Option<time::Date>,
    pub sex: Sex,
    pub phones: Vec<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub mrn: Option<String>,
    pub medical_history: String,
    pub notes: String,
}

pub const MAX_NAME: usize = 100;

impl PatientForm {
    pub fn from_patient(p: &Patient) -> PatientForm {
        PatientForm {
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            middle_name: p.middle_name.clone().unwrap_or_default(),
            birth_date: p.birth_date.map(format_date).unwrap_or_default(),
            sex: p.sex.as_str().to_owned(),
            phones: p.phones.clone(),
            email: p.email.clone().unwrap_or_default(),
            address: p.address.clone().unwrap_or_default(),
            mrn: p.mrn.clone(),
            medical_history: p.medical_history.clone(),
            notes: p.notes.clone(),
        }
    }

    /// Checks every field; `today` bounds the birth date.
    pub fn validate(&self, today: time::Date) -> Result<PatientDraft, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let first_name = text_field(
            &mut e,
            "first_name",
            &self.first_name,
            true,
            MAX_NAME,
            false,
        );
        let last_name = text_field(&mut e, "last_name", &self.last_name, true, MAX_NAME, false);
        let middle_name = text_field(
            &mut e,
            "middle_name",
            &self.middle_name,
            false,
            MAX_NAME,
            false,
        );
        let birth_date = if self.birth_date.trim().is_empty() {
            None
        } else {
            date_field(&mut e, "birth_date", &self.birth_date).and_then(|d| {
                if d > today {
                    e.add(
                        "birth_date",
                        ErrorCode::DateInFuture,
                        "birth_date cannot be in the future",
                    );
                    None
                } else if d.year() < 1900 {
                    e.add(
                        "birth_date",
                        ErrorCode::DateTooOld,
                        "birth_date must be after 1900",
                    );
                    None
                } else {
                    Some(d)
                }
            })
        };
        let sex = Sex::parse(&self.sex).unwrap_or_else(|| {
            e.add(
                "sex",
                ErrorCode::InvalidSex,
                "sex must be female, male, other or unknown",
            );
            Sex::Unknown
        });
        let mut phones = Vec::new();
        for (i, raw) in self.phones.iter().enumerate() {
            let raw = raw.trim();
            if raw.is_empty() {
                continue;
            }
            if valid_phone(raw) {
                phones.push(raw.to_owned());
            } else {
                let field = if self.phones.len() == 1 {
                    "phone".to_owned()
                } else {
                    format!("phone[{i}]")
                };
                e.add(field, ErrorCode::InvalidPhone, format!("{raw:?} is not a phone number (5 to 20 digits; + ( ) - . and spaces allowed)"));
            }
        }
        let email = text_field(&mut e, "email", &self.email, false, 254, false).and_then(|m| {
            if valid_email(&m) {
                Some(m)
            } else {
                e.add(
                    "email",
                    ErrorCode::InvalidEmail,
                    format!("{m:?} is not an email address"),
                );
                None
            }
        });
        let address = text_field(&mut e, "address", &self.address, false, 500, true);
        let mrn = text_field(&mut e, "mrn", &self.mrn, false, 32, false).and_then(|m| {
            if m.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
            {
                Some(m)
            } else {
                e.add(
                    "mrn",
                    ErrorCode::InvalidChars,
                    "mrn may hold letters, digits and - _ / . only",
                );
                None
            }
        });
        let medical_history = text_field(
            &mut e,
            "medical_history",
            &self.medical_history,
            false,
            20_000,
            true,
        )
        .unwrap_or_default();
        let notes =
            text_field(&mut e, "notes", &self.notes, false, 20_000, true).unwrap_or_default();
        let draft = PatientDraft {
            first_name: first_name.unwrap_or_default(),
            last_name: last_name.unwrap_or_default(),
            middle_name,
            birth_date,
            sex,
            phones,
            email,
            address,
            mrn,
            medical_history,
            notes,
        };
        e.into_result(draft)
    }
}

pub fn valid_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (5..=20).contains(&digits)
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '(' | ')' | '-' | '.' | ' '))
        && s.chars().skip(1).all(|c| c != '+')
}

pub fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !s.chars().any(char::is_whitespace)
}

/// Creates a patient document. Text fields are created here, once, so that concurrent
/// edits on two nodes merge inside one Text object instead of racing to create it.
pub fn create_patient(
    id: PatientId,
    clinic: ClinicId,
    draft: &PatientDraft,
    mrn: &str,
    created_at: Millis,
    created_by: Option<UserId>,
    actor: ActorId,
) -> Result<AutoCommit, SchemaError> {
    use automerge::hydrate::Value as H;
    use automerge::transaction::Transactable;
    let meta = DocMeta::new(DocType::Patient, clinic, DocId(id.0));
    // Built in one batch: about three times faster than field by field on a new document.
    let mut doc = AutoCommit::new().with_actor(actor);
    let enc = automerge::ReadDoc::text_encoding(&doc);
    let mut root: std::collections::HashMap<&str, H> = std::collections::HashMap::new();
    let s = |v: &str| H::scalar(v);
    root.insert("type", s(DocType::Patient.as_str()));
    root.insert("schema", H::scalar(meta.schema));
    root.insert("clinic_id", s(&clinic.to_string()));
    root.insert("id", s(&meta.id.to_string()));
    root.insert(
        "created_at",
        H::scalar(automerge::ScalarValue::Timestamp(created_at)),
    );
    if let Some(user) = created_by {
        root.insert("created_by", s(&user.to_string()));
    }
    for map in ["allergies", "encounters", "photos"] {
        root.insert(map, H::map());
    }
    root.insert("first_name", s(&draft.first_name));
    root.insert("last_name", s(&draft.last_name));
    if let Some(m) = &draft.middle_name {
        root.insert("middle_name", s(m));
    }
    if let Some(d) = draft.birth_date {
        root.insert("birth_date", s(&format_date(d)));
    }
    root.insert("sex", s(draft.sex.as_str()));
    root.insert(
        "phones",
        H::from(draft.phones.iter().map(|p| s(p)).collect::<Vec<_>>()),
    );
    if let Some(e) = &draft.email {
        root.insert("email", s(e));
    }
    if let Some(a) = &draft.address {
        root.insert("address", s(a));
    }
    root.insert("mrn", s(draft.mrn.as_deref().unwrap_or(mrn)));
    root.insert("medical_history", H::text(enc, &draft.medical_history));
    root.insert("notes", H::text(enc, &draft.notes));
    doc.init_root_from_hydrate(&automerge::hydrate::Map::from(root))?;
    Ok(doc)
}

/// Writes the fields that differ from the document. An absent MRN keeps the current one.
pub fn update_patient(doc: &mut AutoCommit, draft: &PatientDraft) -> Result<(), SchemaError> {
    let root = automerge::ROOT;
    doc::put_str(doc, &root, "first_name", &draft.first_name)?;
    doc::put_str(doc, &root, "last_name", &draft.last_name)?;
    doc::put_opt_str(doc, &root, "middle_name", draft.middle_name.as_deref())?;
    doc::put_opt_str(
        doc,
        &root,
        "birth_date",
        draft.birth_date.map(format_date).as_deref(),
    )?;
    doc::put_str(doc, &root, "sex", draft.sex.as_str())?;
    doc::put_str_list(doc, &root, "phones", &draft.phones)?;
    doc::put_opt_str(doc, &root, "email", draft.email.as_deref())?;
    doc::put_opt_str(doc, &root, "address", draft.address.as_deref())?;
    if let Some(mrn) = &draft.mrn {
        doc::put_str(doc, &root, "mrn", mrn)?;
    }
    doc::put_text(doc, &root, "medical_history", &draft.medical_history)?;
    doc::put_text(doc, &root, "notes", &draft.notes)?;
    Ok(())
}

/// An allergy as typed.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct AllergyForm {
    pub substance: String,
    pub reaction: String,
    pub severity: String,
}

impl AllergyForm {
    pub fn validate(&self) -> Result<(String, String, Severity), ValidationErrors> {
        let mut e = ValidationErrors::default();
        let substance = text_field(&mut e, "substance", &self.substance, true, 200, false);
        let reaction =
            text_field(&mut e, "reaction", &self.reaction, false, 500, false).unwrap_or_default();
        let severity = Severity::parse(if self.severity.trim().is_empty() {
            "unknown"
        } else {
            &self.severity
        });
        if severity.is_none() {
            e.add(
                "severity",
                ErrorCode::InvalidStatus,
                "severity must be mild, moderate, severe or unknown",
            );
        }
        match (e.is_empty(), substance, severity) {
            (true, Some(s), Some(sev)) => Ok((s, reaction, sev)),
            _ => Err(e),
        }
    }
}

pub fn add_allergy(
    doc: &mut AutoCommit,
    id: AllergyId,
    substance: &str,
    reaction: &str,
    severity: Severity,
) -> Result<(), SchemaError> {
    let map = doc::ensure_map(doc, &automerge::ROOT, "allergies")?;
    let obj = doc::ensure_map(doc, &map, &id.to_string())?;
    doc::put_str(doc, &obj, "substance", substance)?;
    doc::put_str(doc, &obj, "reaction", reaction)?;
    doc::put_str(doc, &obj, "severity", severity.as_str())?;
    // A listed allergy supersedes "none known"; removing it later leaves "not recorded"
    // until someone asks again.
    if doc::bool_at(doc, &automerge::ROOT, NO_KNOWN_ALLERGIES)? == Some(true) {
        doc::put_bool(doc, &automerge::ROOT, NO_KNOWN_ALLERGIES, false)?;
    }
    Ok(())
}

const NO_KNOWN_ALLERGIES: &str = "no_known_allergies";
const IN_ERROR: &str = "entered_in_error";

/// Marks an allergy entered in error, with why, who and when. The entry stays in the
/// document (an audit needs it); readers set it apart. False when there is no such
/// allergy. A concurrent edit of the allergy merges into the retracted entry.
pub fn mark_allergy_in_error(
    doc: &mut AutoCommit,
    id: AllergyId,
    reason: &str,
    by: &str,
    at: Millis,
) -> Result<bool, SchemaError> {
    let Some(map) = doc::map_at(doc, &automerge::ROOT, "allergies")? else {
        return Ok(false);
    };
    let Some(obj) = doc::entry_at(doc, &map, &id.to_string())? else {
        return Ok(false);
    };
    doc::put_bool(doc, &obj, IN_ERROR, true)?;
    doc::put_str(doc, &obj, "error_reason", reason)?;
    doc::put_str(doc, &obj, "error_by", by)?;
    doc::put_ts(doc, &obj, "error_at", at)?;
    Ok(true)
}

/// Whether the document lists an allergy in force (one not marked entered in error).
fn has_allergy_in_force(doc: &AutoCommit) -> Result<bool, SchemaError> {
    let Some(map) = doc::map_at(doc, &automerge::ROOT, "allergies")? else {
        return Ok(false);
    };
    for (_, obj) in doc::map_entries(doc, &map)? {
        if doc::bool_at(doc, &obj, IN_ERROR)? != Some(true) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Records that the patient was asked and knows of no allergy. Refused while allergies are
/// listed: the caller must remove them first, so the chart never says both.
pub fn record_no_known_allergies(doc: &mut AutoCommit) -> Result<bool, SchemaError> {
    if has_allergy_in_force(doc)? {
        return Ok(false);
    }
    doc::put_bool(doc, &automerge::ROOT, NO_KNOWN_ALLERGIES, true)?;
    Ok(true)
}

pub fn remove_allergy(doc: &mut AutoCommit, id: AllergyId) -> Result<bool, SchemaError> {
    let Some(map) = doc::map_at(doc, &automerge::ROOT, "allergies")? else {
        return Ok(false);
    };
    let key = id.to_string();
    if doc.get(&map, key.as_str())?.is_none() {
        return Ok(false);
    }
    doc.delete(&map, key.as_str())?;
    Ok(true)
}

/// Reads the whole patient, encounters and photos included.
pub fn read_patient(doc: &impl ReadDoc) -> Result<Patient, SchemaError> {
    // One pass over the root and over each allergy, not a `get` per field.
    let root = doc::fields(doc, &automerge::ROOT)?;
    let meta = doc::expect_meta(&root, DocType::Patient)?;
    let sex = root
        .str("sex")?
        .and_then(|s| Sex::parse(&s))
        .unwrap_or_default();
    let birth_date = root.str("birth_date")?.and_then(|s| parse_stored_date(&s));
    let mut allergies = Vec::new();
    let mut allergies_in_error = Vec::new();
    if let Some(map) = root.map("allergies")? {
        for (key, obj) in doc::map_entries(doc, &map)? {
            let fields = doc::fields(doc, &obj)?;
            let allergy = Allergy {
                id: key.parse().map_err(|_| SchemaError::Invalid {
                    field: format!("allergies.{key}"),
                })?,
                substance: fields.str("substance")?.unwrap_or_default(),
                reaction: fields.str("reaction")?.unwrap_or_default(),
                severity: fields
                    .str("severity")?
                    .and_then(|s| Severity::parse(&s))
                    .unwrap_or_default(),
            };
            if fields.bool(IN_ERROR)? == Some(true) {
                allergies_in_error.push(AllergyInError {
                    allergy,
                    reason: fields.str("error_reason")?.unwrap_or_default(),
                    by: fields.str("error_by")?.unwrap_or_default(),
                    at: fields.i64("error_at")?.unwrap_or(0),
                });
            } else {
                allergies.push(allergy);
            }
        }
    }
    Ok(Patient {
        id: PatientId(meta.id.0),
        clinic_id: meta.clinic_id,
        first_name: root.str("first_name")?.unwrap_or_default(),
        last_name: root.str("last_name")?.unwrap_or_default(),
        middle_name: root.str("middle_name")?,
        birth_date,
        sex,
        phones: root.str_list("phones")?,
        email: root.str("email")?,
        address: root.str("address")?,
        mrn: root.str("mrn")?.unwrap_or_default(),
        allergies,
        allergies_in_error,
        no_known_allergies: root.bool(NO_KNOWN_ALLERGIES)?.unwrap_or(false),
        medical_history: root.text("medical_history")?,
        notes: root.text("notes")?,
        created_at: root.i64("created_at")?.unwrap_or(0),
        created_by: root.str("created_by")?.and_then(|s| s.parse().ok()),
        encounters: read_encounters(doc, PatientId(meta.id.0))?,
        photos: read_photos(doc)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> time::Date {
        time::macros::date!(2026 - 11 - 27)
    }

    fn form() -> PatientForm {
        PatientForm {
            first_name: "Anna".into(),
            last_name: "Petrosyan".into(),
            ..Default::default()
        }
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = PatientForm {
            first_name: " ".into(),
            last_name: "x".repeat(101),
            birth_date: "2030-01-01".into(),
            sex: "robot".into(),
            phones: vec!["12".into()],
            email: "anna@".into(),
            ..Default::default()
        };
        let errors = bad.validate(today()).unwrap_err();
        let got: Vec<_> = errors
            .0
            .iter()
            .map(|e| (e.field.as_str(), e.code))
            .collect();
        assert_eq!(
            got,
            vec![
                ("first_name", ErrorCode::Required),
                ("last_name", ErrorCode::TooLong),
                ("birth_date", ErrorCode::DateInFuture),
                ("sex", ErrorCode::InvalidSex),
                ("phone", ErrorCode::InvalidPhone),
                ("email", ErrorCode::InvalidEmail),
            ]
        );
    }

    #[test]
    fn a_patient_round_trips_through_its_document() {
        let mut f = form();
        f.birth_date = "1984-03-09".into();
        f.sex = "F".into();
        f.phones = vec!["+374 10 123456".into()];
        f.email = "anna@example.am".into();
        f.notes = "Prefers mornings".into();
        let draft = f.validate(today()).expect("valid");
        let id = PatientId::new();
        let clinic = ClinicId::new();
        let mut doc = create_patient(
            id,
            clinic,
            &draft,
            "N1-P000001",
            1_700_000_000_000,
            None,
            ActorId::random(),
        )
        .expect("create");
        add_allergy(
            &mut doc,
            AllergyId::new(),
            "Penicillin",
            "rash",
            Severity::Severe,
        )
        .expect("allergy");
        let p = read_patient(&doc).expect("read");
        assert_eq!(p.id, id);
        assert_eq!(p.clinic_id, clinic);
        assert_eq!(p.full_name(), "Anna Petrosyan");
        assert_eq!(p.birth_date, Some(time::macros::date!(1984 - 03 - 09)));
        assert_eq!(p.sex, Sex::Female);
        assert_eq!(p.phones, vec!["+374 10 123456"]);
        assert_eq!(p.mrn, "N1-P000001");
        assert_eq!(p.allergies.len(), 1);
        assert_eq!(p.allergies[0].severity, Severity::Severe);
        assert_eq!(p.notes, "Prefers mornings");
        assert_eq!(
            PatientForm::from_patient(&p)
                .validate(today())
                .expect("re-validates")
                .mrn
                .as_deref(),
            Some("N1-P000001")
        );
    }

    fn new_doc() -> AutoCommit {
        let draft = form().validate(today()).expect("valid");
        create_patient(
            PatientId::new(),
            ClinicId::new(),
            &draft,
            "N1-P000002",
            1_700_000_000_000,
            None,
            ActorId::random(),
        )
        .expect("create")
    }

    #[test]
    fn none_known_is_told_from_never_asked_and_a_listed_allergy_supersedes_it() {
        let mut doc = new_doc();
        let status = |doc: &AutoCommit| read_patient(doc).expect("read").allergy_status();
        assert_eq!(status(&doc), AllergyStatus::NotRecorded);
        assert!(record_no_known_allergies(&mut doc).expect("record"));
        assert_eq!(status(&doc), AllergyStatus::NoneKnown);
        let allergy = AllergyId::new();
        add_allergy(&mut doc, allergy, "Neomycin", "", Severity::Moderate).expect("add");
        assert_eq!(status(&doc), AllergyStatus::Listed);
        assert!(
            !record_no_known_allergies(&mut doc).expect("record"),
            "none known cannot be recorded over a listed allergy"
        );
        assert!(remove_allergy(&mut doc, allergy).expect("remove"));
        assert_eq!(
            status(&doc),
            AllergyStatus::NotRecorded,
            "removing the last allergy does not make the patient allergy-free"
        );
    }

    #[test]
    fn concurrent_none_known_and_a_new_allergy_merge_to_the_allergy() {
        let mut a = new_doc();
        let mut b = a.fork().with_actor(ActorId::random());
        record_no_known_allergies(&mut a).expect("record");
        add_allergy(&mut b, AllergyId::new(), "Latex", "", Severity::Severe).expect("add");
        a.merge(&mut b).expect("merge");
        let p = read_patient(&a).expect("read");
        assert_eq!(p.allergy_status(), AllergyStatus::Listed);
    }

    #[test]
    fn an_allergy_entered_in_error_is_kept_apart_and_no_longer_in_force() {
        let mut doc = new_doc();
        let wrong = AllergyId::new();
        add_allergy(&mut doc, wrong, "Latex", "", Severity::Mild).expect("add");
        let mut other = doc.fork().with_actor(ActorId::random());
        assert!(
            mark_allergy_in_error(&mut doc, wrong, "wrong patient", "Dr Ada", 7).expect("mark")
        );
        assert!(!mark_allergy_in_error(&mut doc, AllergyId::new(), "x", "y", 8).expect("none"));
        // Meanwhile another node edits the same allergy: the retraction still holds.
        add_allergy(&mut other, wrong, "Latex", "hives", Severity::Severe).expect("edit");
        doc.merge(&mut other).expect("merge");
        let p = read_patient(&doc).expect("read");
        assert!(p.allergies.is_empty(), "{:?}", p.allergies);
        assert_eq!(p.allergies_in_error.len(), 1);
        let retracted = &p.allergies_in_error[0];
        assert_eq!(retracted.allergy.substance, "Latex");
        assert_eq!(
            (
                retracted.reason.as_str(),
                retracted.by.as_str(),
                retracted.at
            ),
            ("wrong patient", "Dr Ada", 7)
        );
        assert_eq!(p.allergy_status(), AllergyStatus::NotRecorded);
        assert!(
            record_no_known_allergies(&mut doc).expect("record"),
            "a retracted allergy does not stand in the way of none known"
        );
    }

    #[test]
    fn age_counts_whole_years_to_the_birthday() {
        let mut doc = new_doc();
        let draft = PatientForm {
            birth_date: "1984-11-28".into(),
            ..form()
        }
        .validate(today())
        .expect("valid");
        update_patient(&mut doc, &draft).expect("update");
        let born = read_patient(&doc).expect("read").birth_date.expect("born");
        assert_eq!(age_on(born, time::macros::date!(2026 - 11 - 27)), Some(41));
        assert_eq!(age_on(born, time::macros::date!(2026 - 11 - 28)), Some(42));
        assert_eq!(age_on(born, time::macros::date!(1984 - 11 - 28)), Some(0));
        assert_eq!(age_on(born, time::macros::date!(1984 - 11 - 27)), None);
    }

    #[test]
    fn phone_and_email_rules() {
        assert!(valid_phone("+33 (6) 12-34-56-78"));
        assert!(!valid_phone("12-34"));
        assert!(!valid_phone("06 12 + 34 56"));
        assert!(valid_email("a.b@c.fr"));
        assert!(!valid_email("a b@c.fr"));
        assert!(!valid_email("a@c"));
    }
}
