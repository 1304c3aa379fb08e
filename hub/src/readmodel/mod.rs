//! The hub's read models: relational tables per clinic (patients, allergies, encounters,
//! diagnoses, prescriptions, photos, products, stock, sales and their lines,
//! appointments) that the projector keeps in the same transaction as its cursor, and the
//! queries `/api/v1`, `/fhir/r4` and `/admin/reports` answer from. The record shapes are
//! in [`records`]; [`ReadModel`] is what a store offers. The projector derives the
//! webhook events from the same documents in the same pass ([`events`], [`staff`]), so
//! they live here too, where the stores that keep them can reach them
//! ([`crate::webhooks`] delivers them).

pub mod derive;
pub mod events;
pub mod records;
pub mod report;
pub mod search;
pub mod staff;
pub mod stored;

use std::future::Future;

use dermis_model::{ClinicId, Millis};
use uuid::Uuid;

use crate::store::StoreError;
use records::{
    AllergyRecord, AppointmentRecord, EncounterRecord, PatientRecord, PhotoRecord,
    PrescriptionRecord, ProductRecord, SaleRecord, StockRecord,
};

/// Most items one page holds, whatever a caller asks for; `0` asks for [`DEFAULT_LIMIT`].
pub const MAX_LIMIT: u32 = 500;
pub const DEFAULT_LIMIT: u32 = 50;

/// The page size a query's `limit` asks for, within bounds.
pub fn page_limit(limit: u32) -> u32 {
    match limit {
        0 => DEFAULT_LIMIT,
        n => n.min(MAX_LIMIT),
    }
}

/// A position in a list ordered by (`key`, `id`): the last item a page held. Opaque to
/// callers (URL-safe base64 of `key.id`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub key: i64,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{}.{}", self.key, self.id))
    }

    /// Reads a cursor back; anything a store did not make is `Invalid { field: "cursor" }`.
    pub fn decode(text: &str) -> Result<Cursor, StoreError> {
        use base64::Engine;
        let bad = || StoreError::Invalid {
            field: "cursor",
            reason: "not a cursor this server gave".into(),
        };
        if text.len() > 128 {
            return Err(bad());
        }
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| bad())?;
        let raw = String::from_utf8(raw).map_err(|_| bad())?;
        let (key, id) = raw.split_once('.').ok_or_else(bad)?;
        Ok(Cursor {
            key: key.parse().map_err(|_| bad())?,
            id: Uuid::parse_str(id).map_err(|_| bad())?,
        })
    }

    /// The cursor of an optional text, `None` when absent.
    pub fn parse(text: Option<&str>) -> Result<Option<Cursor>, StoreError> {
        text.map(Cursor::decode).transpose()
    }
}

/// Makes a page from up to `limit + 1` items fetched in order: the extra one only says
/// another page follows.
pub fn paginate<T>(mut items: Vec<T>, limit: u32, key: impl Fn(&T) -> Cursor) -> Page<T> {
    let limit = limit as usize;
    let more = items.len() > limit;
    items.truncate(limit);
    let next_cursor = if more {
        items.last().map(|last| key(last).encode())
    } else {
        None
    };
    Page { items, next_cursor }
}

/// One page of a list, and where the next begins (`None`: this was the last). Cursors are
/// opaque strings a store makes and reads back; a forged one is
/// `StoreError::Invalid { field: "cursor", .. }` (the API answers 400 naming it).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Which patients a list asks for; every filter given must match. Results are in a
/// stable order (by `updated_at`, then id) so a cursor never skips or repeats one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PatientQuery {
    /// Free text over names, record number, phone and email (case- and accent-blind).
    pub q: Option<String>,
    /// Family or given name (FHIR `name`): a prefix of either, case-blind.
    pub name: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// The record number (FHIR `identifier`).
    pub mrn: Option<String>,
    /// Digits compared only (`+33 6 12` finds `0033612…`'s suffix).
    pub phone: Option<String>,
    pub updated_since: Option<Millis>,
    pub limit: u32,
    pub cursor: Option<String>,
}

/// A list of one patient's (or every patient's) clinical records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordQuery {
    pub patient: Option<Uuid>,
    pub updated_since: Option<Millis>,
    pub limit: u32,
    pub cursor: Option<String>,
}

/// A time window `[from, to)` in unix milliseconds, for sales and appointments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RangeQuery {
    pub from: Option<Millis>,
    pub to: Option<Millis>,
    pub patient: Option<Uuid>,
    pub limit: u32,
    pub cursor: Option<String>,
}

/// One row of the sales report: a UTC day, a payment method's share or a tax rate's.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SalesDay {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub currency: String,
    pub sales: u64,
    pub refunds: u64,
    pub voids: u64,
    pub gross_minor: i64,
    pub refunds_minor: i64,
    pub voids_minor: i64,
    pub net_minor: i64,
    pub tax_minor: i64,
    /// Net takings by method (`cash`, `card`, `other`), after change given.
    pub by_method: Vec<(String, i64)>,
    /// Net taxable amount and tax by rate in basis points.
    pub by_tax_rate: Vec<(u32, i64, i64)>,
}

/// Visits per clinician in a window (by visit date).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ClinicianVisits {
    pub clinician: String,
    pub clinician_id: Option<Uuid>,
    pub visits: u64,
    pub signed: u64,
}

/// What a store offers the API, FHIR and the reports. Every query is scoped to one
/// clinic: a caller can never see another clinic's rows. Records merged into another
/// answer as their keeper; erased records are gone.
pub trait ReadModel {
    fn patients(
        &self,
        clinic: ClinicId,
        query: &PatientQuery,
    ) -> impl Future<Output = Result<Page<PatientRecord>, StoreError>> + Send;

    /// One patient with their allergies; a merged id resolves to its keeper.
    fn patient(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> impl Future<Output = Result<Option<PatientRecord>, StoreError>> + Send;

    fn encounters(
        &self,
        clinic: ClinicId,
        query: &RecordQuery,
    ) -> impl Future<Output = Result<Page<EncounterRecord>, StoreError>> + Send;

    fn encounter(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> impl Future<Output = Result<Option<EncounterRecord>, StoreError>> + Send;

    fn photos(
        &self,
        clinic: ClinicId,
        query: &RecordQuery,
    ) -> impl Future<Output = Result<Page<PhotoRecord>, StoreError>> + Send;

    fn products(
        &self,
        clinic: ClinicId,
        query: &RecordQuery,
    ) -> impl Future<Output = Result<Page<ProductRecord>, StoreError>> + Send;

    /// Stock on hand of every SKU the clinic has seen, by SKU.
    fn stock(
        &self,
        clinic: ClinicId,
    ) -> impl Future<Output = Result<Vec<StockRecord>, StoreError>> + Send;

    fn sales(
        &self,
        clinic: ClinicId,
        query: &RangeQuery,
    ) -> impl Future<Output = Result<Page<SaleRecord>, StoreError>> + Send;

    fn appointments(
        &self,
        clinic: ClinicId,
        query: &RangeQuery,
    ) -> impl Future<Output = Result<Page<AppointmentRecord>, StoreError>> + Send;

    fn appointment(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> impl Future<Output = Result<Option<AppointmentRecord>, StoreError>> + Send;

    /// Sales by UTC day in `[from, to)`, oldest first.
    fn sales_by_day(
        &self,
        clinic: ClinicId,
        from: Millis,
        to: Millis,
    ) -> impl Future<Output = Result<Vec<SalesDay>, StoreError>> + Send;

    /// Visits dated in `[from, to)` per clinician, most first.
    fn visits_by_clinician(
        &self,
        clinic: ClinicId,
        from: Millis,
        to: Millis,
    ) -> impl Future<Output = Result<Vec<ClinicianVisits>, StoreError>> + Send;

    /// Patients created per UTC day in `[from, to)`: (`YYYY-MM-DD`, count), oldest first.
    fn new_patients_by_day(
        &self,
        clinic: ClinicId,
        from: Millis,
        to: Millis,
    ) -> impl Future<Output = Result<Vec<(String, u64)>, StoreError>> + Send;

    /// One prescription by id (FHIR `MedicationRequest/{id}`), its patient the keeper.
    fn prescription(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> impl Future<Output = Result<Option<PrescriptionRecord>, StoreError>> + Send;

    /// One photo's metadata by id (FHIR `Media/{id}`), its patient the keeper.
    fn photo(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> impl Future<Output = Result<Option<PhotoRecord>, StoreError>> + Send;

    /// One allergy in force by id (FHIR `AllergyIntolerance/{id}`), its patient the
    /// keeper.
    fn allergy(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> impl Future<Output = Result<Option<AllergyRecord>, StoreError>> + Send;

    /// The allergies in force of these patients (as listed: keepers, not resolved
    /// through merges), in the order the patients are given, each patient's by substance
    /// then id — what [`ReadModel::patient`] would give each, in one read for a page.
    fn allergies_of(
        &self,
        clinic: ClinicId,
        patients: &[Uuid],
    ) -> impl Future<Output = Result<Vec<AllergyRecord>, StoreError>> + Send;

    /// Replaces every read-model row of the clinic with these documents' rows, in one
    /// transaction (`dermis-hub reproject`): no event is derived and no stock movement
    /// counted. The clinic document's rows go first, so merges apply to the rest.
    fn replace_read_models(
        &self,
        clinic: ClinicId,
        docs: Vec<(Uuid, derive::DocRows)>,
        now: Millis,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}
