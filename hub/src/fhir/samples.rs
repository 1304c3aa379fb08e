//! Sample read-model records for the FHIR tests (the unit tests beside the mappings and
//! the validation in `hub/tests/fhir_api.rs`): every field filled, as a busy record
//! would have it. Not used by the server.

use dermis_model::{ClinicId, Millis};
use uuid::Uuid;

use crate::readmodel::records::{
    AllergyRecord, AppointmentRecord, DiagnosisRecord, EncounterRecord, PatientRecord, PhotoRecord,
    PrescriptionRecord, ProductRecord, SaleRecord, StockRecord,
};
use crate::readmodel::{
    ClinicianVisits, Page, PatientQuery, RangeQuery, ReadModel, RecordQuery, SalesDay,
};
use crate::store::StoreError;

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

/// A read model held in memory, for tests of the FHIR layer without a store: filters as
/// the stores do (clinic first), pages by offset.
#[derive(Clone, Debug, Default)]
pub struct Memory {
    pub patients: Vec<PatientRecord>,
    pub encounters: Vec<EncounterRecord>,
    pub photos: Vec<PhotoRecord>,
    pub appointments: Vec<AppointmentRecord>,
}

fn page<T: Clone>(items: Vec<T>, limit: u32, cursor: Option<&str>) -> Result<Page<T>, StoreError> {
    let start: usize = match cursor {
        Some(c) => c.parse().map_err(|_| StoreError::Invalid {
            field: "cursor",
            reason: "not a cursor".into(),
        })?,
        None => 0,
    };
    let limit = limit.max(1) as usize;
    let end = start.saturating_add(limit).min(items.len());
    let next_cursor = (end < items.len()).then(|| end.to_string());
    Ok(Page {
        items: items.get(start..end).map(<[T]>::to_vec).unwrap_or_default(),
        next_cursor,
    })
}

impl ReadModel for Memory {
    async fn patients(
        &self,
        clinic: ClinicId,
        query: &PatientQuery,
    ) -> Result<Page<PatientRecord>, StoreError> {
        let matches = self
            .patients
            .iter()
            .filter(|p| p.clinic_id == clinic.0)
            .filter(|p| {
                query.name.as_ref().is_none_or(|n| {
                    let n = n.to_lowercase();
                    p.first_name.to_lowercase().starts_with(&n)
                        || p.last_name.to_lowercase().starts_with(&n)
                })
            })
            .filter(|p| query.birth_date.is_none() || p.birth_date == query.birth_date)
            .filter(|p| query.mrn.as_ref().is_none_or(|m| *m == p.mrn))
            .filter(|p| {
                query.phone.as_ref().is_none_or(|q| {
                    let digits =
                        |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
                    p.phones.iter().any(|ph| digits(ph).ends_with(&digits(q)))
                })
            })
            .map(|p| PatientRecord {
                allergies: Vec::new(),
                ..p.clone()
            })
            .collect();
        page(matches, query.limit, query.cursor.as_deref())
    }

    async fn patient(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> Result<Option<PatientRecord>, StoreError> {
        Ok(self
            .patients
            .iter()
            .find(|p| p.clinic_id == clinic.0 && p.id == id)
            .cloned())
    }

    async fn encounters(
        &self,
        clinic: ClinicId,
        query: &RecordQuery,
    ) -> Result<Page<EncounterRecord>, StoreError> {
        let matches = self
            .encounters
            .iter()
            .filter(|e| e.clinic_id == clinic.0 && query.patient.is_none_or(|p| p == e.patient_id))
            .cloned()
            .collect();
        page(matches, query.limit, query.cursor.as_deref())
    }

    async fn encounter(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> Result<Option<EncounterRecord>, StoreError> {
        Ok(self
            .encounters
            .iter()
            .find(|e| e.clinic_id == clinic.0 && e.id == id)
            .cloned())
    }

    async fn photos(
        &self,
        clinic: ClinicId,
        query: &RecordQuery,
    ) -> Result<Page<PhotoRecord>, StoreError> {
        let matches = self
            .photos
            .iter()
            .filter(|p| {
                p.clinic_id == clinic.0 && query.patient.is_none_or(|id| id == p.patient_id)
            })
            .cloned()
            .collect();
        page(matches, query.limit, query.cursor.as_deref())
    }

    async fn prescription(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> Result<Option<PrescriptionRecord>, StoreError> {
        Ok(self
            .encounters
            .iter()
            .filter(|e| e.clinic_id == clinic.0)
            .flat_map(|e| &e.prescriptions)
            .find(|p| p.id == id)
            .cloned())
    }

    async fn photo(&self, clinic: ClinicId, id: Uuid) -> Result<Option<PhotoRecord>, StoreError> {
        Ok(self
            .photos
            .iter()
            .find(|p| p.clinic_id == clinic.0 && p.id == id)
            .cloned())
    }

    async fn allergy(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> Result<Option<AllergyRecord>, StoreError> {
        Ok(self
            .patients
            .iter()
            .filter(|p| p.clinic_id == clinic.0)
            .flat_map(|p| &p.allergies)
            .find(|a| a.id == id)
            .cloned())
    }

    async fn allergies_of(
        &self,
        clinic: ClinicId,
        patients: &[Uuid],
    ) -> Result<Vec<AllergyRecord>, StoreError> {
        Ok(patients
            .iter()
            .filter_map(|id| {
                self.patients
                    .iter()
                    .find(|p| p.clinic_id == clinic.0 && p.id == *id)
            })
            .flat_map(|p| p.allergies.iter().cloned())
            .collect())
    }

    async fn products(
        &self,
        _: ClinicId,
        query: &RecordQuery,
    ) -> Result<Page<ProductRecord>, StoreError> {
        page(Vec::new(), query.limit, query.cursor.as_deref())
    }

    async fn stock(&self, _: ClinicId) -> Result<Vec<StockRecord>, StoreError> {
        Ok(Vec::new())
    }

    async fn sales(&self, _: ClinicId, query: &RangeQuery) -> Result<Page<SaleRecord>, StoreError> {
        page(Vec::new(), query.limit, query.cursor.as_deref())
    }

    async fn appointments(
        &self,
        clinic: ClinicId,
        query: &RangeQuery,
    ) -> Result<Page<AppointmentRecord>, StoreError> {
        let matches = self
            .appointments
            .iter()
            .filter(|a| a.clinic_id == clinic.0)
            .filter(|a| query.patient.is_none() || a.patient_id == query.patient)
            .filter(|a| {
                query.from.is_none_or(|f| a.start >= f) && query.to.is_none_or(|t| a.start < t)
            })
            .cloned()
            .collect();
        page(matches, query.limit, query.cursor.as_deref())
    }

    async fn appointment(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> Result<Option<AppointmentRecord>, StoreError> {
        Ok(self
            .appointments
            .iter()
            .find(|a| a.clinic_id == clinic.0 && a.id == id)
            .cloned())
    }

    async fn sales_by_day(
        &self,
        _: ClinicId,
        _: Millis,
        _: Millis,
    ) -> Result<Vec<SalesDay>, StoreError> {
        Ok(Vec::new())
    }

    async fn visits_by_clinician(
        &self,
        _: ClinicId,
        _: Millis,
        _: Millis,
    ) -> Result<Vec<ClinicianVisits>, StoreError> {
        Ok(Vec::new())
    }

    async fn new_patients_by_day(
        &self,
        _: ClinicId,
        _: Millis,
        _: Millis,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        Ok(Vec::new())
    }

    async fn replace_read_models(
        &self,
        _: ClinicId,
        _: Vec<(Uuid, crate::readmodel::derive::DocRows)>,
        _: Millis,
    ) -> Result<(), StoreError> {
        Err(StoreError::Invalid {
            field: "clinic",
            reason: "the in-memory read model is built by hand".into(),
        })
    }
}

/// One clinic's worth of records: `patients` patients, each with a visit (a diagnosis, a
/// prescription), a photo and an appointment.
pub fn clinic(clinic: Uuid, patients: u128) -> Memory {
    let mut m = Memory::default();
    for n in 0..patients {
        let id = Uuid::from_u128((clinic.as_u128() << 32) + 0x1000 + n);
        let visit = Uuid::from_u128((clinic.as_u128() << 32) + 0x2000 + n);
        let mut p = patient(clinic, id);
        p.mrn = format!("MRN-{n:04}");
        p.allergies = vec![allergy(
            id,
            Uuid::from_u128((clinic.as_u128() << 32) + 0x3000 + n),
        )];
        let mut e = encounter(clinic, id, visit);
        e.prescriptions = vec![prescription(
            visit,
            id,
            Uuid::from_u128((clinic.as_u128() << 32) + 0x4000 + n),
        )];
        m.patients.push(p);
        m.encounters.push(e);
        m.photos.push(photo(
            clinic,
            id,
            Uuid::from_u128((clinic.as_u128() << 32) + 0x5000 + n),
        ));
        m.appointments.push(appointment(
            clinic,
            Some(id),
            Uuid::from_u128((clinic.as_u128() << 32) + 0x6000 + n),
        ));
    }
    m
}
