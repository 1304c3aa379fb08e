//! Prescriptions, inside their encounter under `encounters/<id>/prescriptions/<id>`,
//! like the visit's diagnoses: one map entry per prescription, written whole in one
//! change, so two clinicians prescribing offline both keep theirs.
//!
//! A prescription is written only on an unsigned (draft) visit. The signature attests
//! the visit as a whole, prescriptions included (the signing dialog lists them), so a
//! drug added after signing would carry a signature that never covered it; and a
//! prescription is an order that a pharmacy acts on, not a correction, so it does not
//! belong in an addendum. A later prescription is a new visit (a short "prescription
//! only" encounter), as OpenMRS and most practice systems do.
//!
//! An allergy the drug matches ([`crate::drug_allergy`]) refuses the prescription unless
//! the prescriber gives a reason; the reason and the allergies it overrode are kept on
//! the prescription.

use automerge::{AutoCommit, ObjId, ReadDoc, ScalarValue};
use serde::Serialize;

use crate::doc::{self, SchemaError};
use crate::drug_allergy::AllergyMatch;
use crate::encounter::{Author, EditError, encounter_obj, refuse_if_signed};
use crate::validate::{ErrorCode, ValidationErrors, text_field};
use crate::{EncounterId, Millis, PrescriptionId, UserId};

/// Most units one prescription may order.
pub const MAX_QUANTITY: u32 = 10_000;
/// Most repeats one prescription may allow.
pub const MAX_REFILLS: u32 = 12;

/// An allergy warning the prescriber answered.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct AllergyOverride {
    pub reason: String,
    /// The allergies (as recorded on the patient) the drug matched.
    pub allergies: Vec<String>,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Prescription {
    pub id: PrescriptionId,
    pub encounter_id: EncounterId,
    pub drug: String,
    pub dose: String,
    pub instructions: String,
    pub quantity: Option<u32>,
    pub refills: u32,
    pub prescriber: String,
    pub prescriber_id: Option<UserId>,
    pub at: Millis,
    pub allergy_override: Option<AllergyOverride>,
}

/// A prescription as typed.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct PrescriptionForm {
    pub drug: String,
    pub dose: String,
    pub instructions: String,
    pub quantity: Option<u32>,
    pub refills: Option<u32>,
    /// Why the prescriber goes ahead despite a matching allergy.
    pub override_allergy: Option<String>,
}

/// A validated prescription, before the allergy check.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PrescriptionDraft {
    pub drug: String,
    pub dose: String,
    pub instructions: String,
    pub quantity: Option<u32>,
    pub refills: u32,
    pub override_reason: Option<String>,
}

impl PrescriptionForm {
    pub fn validate(&self) -> Result<PrescriptionDraft, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let drug = text_field(&mut e, "drug", &self.drug, true, 200, false);
        let dose = text_field(&mut e, "dose", &self.dose, true, 200, false);
        let instructions = text_field(
            &mut e,
            "instructions",
            &self.instructions,
            true,
            2_000,
            true,
        );
        if let Some(q) = self.quantity
            && !(1..=MAX_QUANTITY).contains(&q)
        {
            e.add(
                "quantity",
                ErrorCode::InvalidQuantity,
                format!("quantity must be from 1 to {MAX_QUANTITY}"),
            );
        }
        let refills = self.refills.unwrap_or(0);
        if refills > MAX_REFILLS {
            e.add(
                "refills",
                ErrorCode::InvalidQuantity,
                format!("refills must be from 0 to {MAX_REFILLS}"),
            );
        }
        let override_reason = match &self.override_allergy {
            None => None,
            Some(reason) => {
                let r = text_field(&mut e, "override_allergy", reason, false, 500, false);
                if r.is_none() && reason.trim().is_empty() {
                    e.add(
                        "override_allergy",
                        ErrorCode::Required,
                        "say why the allergy warning is overridden",
                    );
                }
                r
            }
        };
        let draft = PrescriptionDraft {
            drug: drug.unwrap_or_default(),
            dose: dose.unwrap_or_default(),
            instructions: instructions.unwrap_or_default(),
            quantity: self.quantity,
            refills,
            override_reason,
        };
        e.into_result(draft)
    }
}

impl PrescriptionDraft {
    /// Refuses a drug that matches an allergy unless a reason overrides it; returns the
    /// override to record (none when nothing matched).
    pub fn check_allergies(
        &self,
        matches: &[AllergyMatch],
    ) -> Result<Option<AllergyOverride>, ValidationErrors> {
        if matches.is_empty() {
            return Ok(None);
        }
        match &self.override_reason {
            Some(reason) => Ok(Some(AllergyOverride {
                reason: reason.clone(),
                allergies: matches.iter().map(|m| m.allergy.clone()).collect(),
            })),
            None => {
                let mut e = ValidationErrors::default();
                for m in matches {
                    e.add(
                        "drug",
                        ErrorCode::AllergyConflict,
                        format!(
                            "{}; give --override-allergy REASON to prescribe it anyway",
                            m.message(&self.drug)
                        ),
                    );
                }
                Err(e)
            }
        }
    }
}

/// Adds the prescription to a draft encounter; a signed one refuses it.
pub fn add_prescription(
    doc: &mut AutoCommit,
    encounter: EncounterId,
    id: PrescriptionId,
    draft: &PrescriptionDraft,
    allergy_override: Option<&AllergyOverride>,
    prescriber: &Author,
    now: Millis,
) -> Result<(), EditError> {
    use automerge::hydrate::Value as H;
    use automerge::transaction::Transactable;
    let obj = encounter_obj(doc, encounter)?;
    refuse_if_signed(doc, &obj)?;
    let map = doc::ensure_map(doc, &obj, "prescriptions")?;
    let mut f: std::collections::HashMap<&str, H> = std::collections::HashMap::new();
    f.insert("drug", H::scalar(draft.drug.as_str()));
    f.insert("dose", H::scalar(draft.dose.as_str()));
    f.insert("instructions", H::scalar(draft.instructions.as_str()));
    if let Some(q) = draft.quantity {
        f.insert("quantity", H::scalar(u64::from(q)));
    }
    f.insert("refills", H::scalar(u64::from(draft.refills)));
    f.insert("prescriber", H::scalar(prescriber.name.as_str()));
    if let Some(user) = prescriber.id {
        f.insert("prescriber_id", H::scalar(user.to_string().as_str()));
    }
    f.insert("at", H::scalar(ScalarValue::Timestamp(now)));
    if let Some(o) = allergy_override {
        f.insert("override_reason", H::scalar(o.reason.as_str()));
        f.insert(
            "override_allergies",
            H::from(
                o.allergies
                    .iter()
                    .map(|a| H::scalar(a.as_str()))
                    .collect::<Vec<_>>(),
            ),
        );
    }
    doc.batch_create_object(&map, id.to_string(), &H::from(f), false)
        .map_err(SchemaError::from)?;
    Ok(())
}

/// The prescriptions of one encounter object, oldest first.
pub fn read_prescriptions(
    doc: &impl ReadDoc,
    encounter: EncounterId,
    obj: &ObjId,
) -> Result<Vec<Prescription>, SchemaError> {
    let Some(map) = doc::map_at(doc, obj, "prescriptions")? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (key, rx) in doc::map_entries(doc, &map)? {
        let id: PrescriptionId = key.parse().map_err(|_| SchemaError::Invalid {
            field: format!("prescriptions.{key}"),
        })?;
        let f = doc::fields(doc, &rx)?;
        let allergy_override = match f.str("override_reason")? {
            Some(reason) => Some(AllergyOverride {
                reason,
                allergies: f.str_list("override_allergies")?,
            }),
            None => None,
        };
        out.push(Prescription {
            id,
            encounter_id: encounter,
            drug: f.str("drug")?.unwrap_or_default(),
            dose: f.str("dose")?.unwrap_or_default(),
            instructions: f.str("instructions")?.unwrap_or_default(),
            quantity: f.u64("quantity")?.and_then(|q| u32::try_from(q).ok()),
            refills: f
                .u64("refills")?
                .and_then(|q| u32::try_from(q).ok())
                .unwrap_or(0),
            prescriber: f.str("prescriber")?.unwrap_or_default(),
            prescriber_id: f.str("prescriber_id")?.and_then(|s| s.parse().ok()),
            at: f.i64("at")?.unwrap_or(0),
            allergy_override,
        });
    }
    out.sort_by_key(|p| (p.at, p.id));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drug_allergy::check_drug;
    use crate::encounter::{EncounterForm, add_encounter, read_encounters, sign_encounter};
    use crate::patient::{PatientDraft, create_patient};
    use crate::{ClinicId, PatientId};
    use automerge::ActorId;

    fn form(drug: &str) -> PrescriptionForm {
        PrescriptionForm {
            drug: drug.into(),
            dose: "apply thinly".into(),
            instructions: "twice daily for 7 days".into(),
            quantity: Some(1),
            refills: None,
            override_allergy: None,
        }
    }

    #[test]
    fn bad_fields_are_named() {
        let bad = PrescriptionForm {
            drug: " ".into(),
            quantity: Some(0),
            refills: Some(13),
            override_allergy: Some(" ".into()),
            ..Default::default()
        };
        let fields: Vec<_> = bad
            .validate()
            .unwrap_err()
            .0
            .iter()
            .map(|e| e.field.clone())
            .collect();
        assert_eq!(
            fields,
            [
                "drug",
                "dose",
                "instructions",
                "quantity",
                "refills",
                "override_allergy"
            ]
        );
    }

    #[test]
    fn an_allergy_refuses_unless_overridden_and_the_override_is_kept() {
        let matches = check_drug(["Aminoglycosides"], "Neomycin 0.5% cream");
        let draft = form("Neomycin 0.5% cream").validate().expect("valid");
        let err = draft.check_allergies(&matches).unwrap_err();
        assert_eq!(err.0[0].field, "drug");
        assert!(err.0[0].message.contains("Aminoglycosides"));

        let mut f = form("Neomycin 0.5% cream");
        f.override_allergy = Some("patch test negative 2025".into());
        let draft = f.validate().expect("valid");
        let o = draft.check_allergies(&matches).expect("overridden");
        assert_eq!(
            o,
            Some(AllergyOverride {
                reason: "patch test negative 2025".into(),
                allergies: vec!["Aminoglycosides".into()]
            })
        );

        let pid = PatientId::new();
        let mut doc = create_patient(
            pid,
            ClinicId::new(),
            &PatientDraft::default(),
            "m",
            0,
            None,
            ActorId::random(),
        )
        .expect("patient");
        let enc = EncounterId::new();
        let doctor = Author {
            id: None,
            name: "Dr A".into(),
        };
        let visit = EncounterForm::default()
            .validate(time::macros::date!(2026 - 01 - 01), |_| None)
            .expect("visit");
        add_encounter(&mut doc, enc, &visit, &doctor, 1).expect("encounter");
        let rx = PrescriptionId::new();
        add_prescription(&mut doc, enc, rx, &draft, o.as_ref(), &doctor, 5).expect("rx");
        sign_encounter(&mut doc, enc, &doctor, 9).expect("sign");
        let late = add_prescription(
            &mut doc,
            enc,
            PrescriptionId::new(),
            &draft,
            None,
            &doctor,
            10,
        )
        .unwrap_err();
        assert!(
            matches!(&late, EditError::Invalid(v) if v.0[0].code == ErrorCode::EncounterSigned)
        );
        let read = read_encounters(&doc, pid).expect("read");
        let got = &read[0].prescriptions;
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].id, rx);
        assert_eq!(got[0].drug, "Neomycin 0.5% cream");
        assert_eq!(got[0].quantity, Some(1));
        assert_eq!(got[0].at, 5);
        assert_eq!(
            got[0].allergy_override.as_ref().map(|o| o.reason.as_str()),
            Some("patch test negative 2025")
        );
    }
}
