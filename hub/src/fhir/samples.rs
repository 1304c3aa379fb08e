//! Sample read-model records for the FHIR tests (the unit tests beside the mappings and
//! the validation in `hub/tests/fhir_api.rs`): every field filled, as a busy record
//! would have it. Not used by the server.

use uuid::Uuid;

use crate::readmodel::records::{
    AllergyRecord, AppointmentRecord, DiagnosisRecord, EncounterRecord, PatientRecord,
    PhotoRecord, PrescriptionRecord,
};

/// 2024-03-05T10:00:00Z.
pub const AT: i64 = 1_709_632_800_000;

pub fn patient(clinic: Uuid, id: Uuid) -> PatientRecord {
    PatientRecord {
        id,
        clinic_id: clinic,
        mrn: "MRN-0042".into(),
        first_name: "Anna".into(),
        last_name: "Petrosyan".into(),
        middle_name: Some("Maria".into()),
        birth_date: Some("1984-07-21".into()),
        sex: "female".into(),
        phones: vec!["+33 6 12 34 56 78".into(), " ".into()],
        email: Some("anna@example.org".into()),
        address: Some("12 rue des Lilas, Lyon".into()),
        no_known_allergies: false,
        created_at: AT,
        updated_at: AT + 1,
        merged_into: None,
        allergies: vec![allergy(id, Uuid::from_u128(0xa11e))],
    }
}

pub fn allergy(patient: Uuid, id: Uuid) -> AllergyRecord {
    AllergyRecord {
        id,
        patient_id: patient,
        substance: "Penicillin".into(),
        reaction: "Hives".into(),
        severity: "severe".into(),
    }
}

pub fn encounter(clinic: Uuid, patient: Uuid, id: Uuid) -> EncounterRecord {
    EncounterRecord {
        id,
        clinic_id: clinic,
        patient_id: patient,
        date: "2024-03-05".into(),
        clinician: "Dr. Martin".into(),
        clinician_id: Some(Uuid::from_u128(0xd0c)),
        complaint: "Itchy plaques".into(),
        subjective: "Two months".into(),
        objective: "Silvery plaques on elbows".into(),
        assessment: "Psoriasis".into(),
        plan: "Topical steroid".into(),
        status: "signed".into(),
        signed_by: Some("Dr. Martin".into()),
        signed_at: Some(AT),
        created_at: AT,
        updated_at: AT + 2,
        diagnoses: vec![DiagnosisRecord {
            code: "L40.0".into(),
            label: "Psoriasis vulgaris".into(),
        }],
        prescriptions: vec![prescription(id, patient, Uuid::from_u128(0x9e5))],
    }
}

pub fn prescription(encounter: Uuid, patient: Uuid, id: Uuid) -> PrescriptionRecord {
    PrescriptionRecord {
        id,
        encounter_id: encounter,
        patient_id: patient,
        drug: "Clobetasol 0.05% cream".into(),
        dose: "Apply thinly twice a day".into(),
        instructions: "Not on the face".into(),
        quantity: Some(2),
        refills: 1,
        prescriber: "Dr. Martin".into(),
        prescriber_id: Some(Uuid::from_u128(0xd0c)),
        at: AT,
        allergy_override: None,
    }
}

pub fn photo(clinic: Uuid, patient: Uuid, id: Uuid) -> PhotoRecord {
    PhotoRecord {
        id,
        clinic_id: clinic,
        patient_id: patient,
        sha256: "ab".repeat(32),
        mime: "image/jpeg".into(),
        size: 123_456,
        body_part: "upper_back".into(),
        tags: vec!["before".into()],
        taken_at: AT,
        encounter_id: Some(Uuid::from_u128(0xe1)),
        thumbnails_ready: true,
    }
}

pub fn appointment(clinic: Uuid, patient: Option<Uuid>, id: Uuid) -> AppointmentRecord {
    AppointmentRecord {
        id,
        clinic_id: clinic,
        patient_id: patient,
        title: "Follow-up".into(),
        start: AT + 86_400_000,
        end: AT + 86_400_000 + 1_800_000,
        status: "scheduled".into(),
        source: "manual".into(),
        clinician_id: Some(Uuid::from_u128(0xd0c)),
        invitee_name: None,
        invitee_email: None,
        invitee_phone: None,
        notes: "Bring the cream".into(),
        cancel_reason: None,
        updated_at: AT + 3,
    }
}
