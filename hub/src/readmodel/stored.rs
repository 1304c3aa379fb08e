//! What both stores do with a read-model row they read back: parse its `data` JSON and
//! set what the row's columns say better than the JSON (when it was last changed, the
//! keeper it belongs to after a merge, the clinic), and assemble stock and pages the same
//! way. The stores only run their SQL; the records come out identical on both.

use std::collections::{BTreeMap, HashSet};

use dermis_model::ClinicId;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::derive::DocRows;
use super::records::{
    AllergyRecord, AppointmentRecord, EncounterRecord, PhotoRecord, ProductRecord, SaleRecord,
    StockRecord,
};
use super::{Cursor, Page, paginate};
use crate::store::StoreError;

/// Every read-model table: a clinic's rebuild (`reproject`) clears them all.
pub const TABLES: [&str; 14] = [
    "rm_patients",
    "rm_patient_terms",
    "rm_allergies",
    "rm_encounters",
    "rm_diagnoses",
    "rm_prescriptions",
    "rm_photos",
    "rm_products",
    "rm_appointments",
    "rm_sales",
    "rm_sale_lines",
    "rm_sale_payments",
    "rm_merges",
    "rm_derivations",
];

/// The tables a patient document's rows are replaced in whole on every change (visits
/// and photos are replaced by id, keeping their `updated_at`).
pub const REPLACED_WITH_PATIENT: [&str; 4] = [
    "rm_patient_terms",
    "rm_allergies",
    "rm_diagnoses",
    "rm_prescriptions",
];

/// The tables whose rows follow a merged patient to their keeper (`owner`).
pub const OWNED: [&str; 5] = [
    "rm_allergies",
    "rm_encounters",
    "rm_photos",
    "rm_appointments",
    "rm_sales",
];

/// The tables an erasure empties of the patient, besides `rm_patients` (sales keep their
/// amounts and only forget the patient).
pub const ERASED_WITH_PATIENT: [&str; 8] = [
    "rm_patient_terms",
    "rm_allergies",
    "rm_encounters",
    "rm_diagnoses",
    "rm_prescriptions",
    "rm_photos",
    "rm_appointments",
    "rm_derivations",
];

/// The ids an erasure removed in a clinic, as a store read them: documents and patients.
#[derive(Default)]
pub struct Erased {
    pub docs: HashSet<Uuid>,
    pub patients: HashSet<Uuid>,
}

impl Erased {
    /// Whether a document projects nothing: it, or the patient it is, was erased.
    pub fn gone(&self, doc_id: Uuid, rows: &DocRows) -> bool {
        self.docs.contains(&doc_id) || rows.patient().is_some_and(|p| self.patients.contains(&p))
    }

    /// A sale's patient, unless that patient was erased (the sale then names no one).
    pub fn patient(&self, patient: Option<Uuid>) -> Option<Uuid> {
        patient.filter(|p| !self.patients.contains(p))
    }
}

/// A record as its row's `data` (JSON).
pub fn data<T: serde::Serialize>(record: &T) -> String {
    serde_json::to_string(record).unwrap_or_else(|_| "null".into())
}

/// A record as its row keeps it, serialized once: its `data` and a stable hash of that
/// content (`updated_at` is still zero, as derived), which tells a store whether the
/// row changed and its `updated_at` must move.
pub fn row_data<T: serde::Serialize>(record: &T) -> (String, String) {
    let data = data(record);
    let digest = Sha256::digest(data.as_bytes());
    let hash = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    (data, hash)
}

/// A row's `data` as its record; a row that does not parse is a damaged row, named.
pub fn parse<T: serde::de::DeserializeOwned>(
    what: &'static str,
    data: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(data).map_err(|_| StoreError::BadRow {
        what,
        value: data.chars().take(40).collect(),
    })
}

/// Rows of a list read by (`updated_at`, id): each record with its `updated_at` and
/// owner, and the page size asked for (one more row was read to tell if more follow).
pub type Listed<T> = (Vec<(T, i64, Option<Uuid>)>, u32);

/// A visit as its row says: its `updated_at`, and its keeper as the patient of the visit
/// and of its prescriptions.
pub fn fix_encounter(e: &mut EncounterRecord, updated_at: i64, owner: Option<Uuid>) {
    e.updated_at = updated_at;
    if let Some(o) = owner {
        e.patient_id = o;
        for r in &mut e.prescriptions {
            r.patient_id = o;
        }
    }
}

pub fn encounter_page((rows, limit): Listed<EncounterRecord>) -> Page<EncounterRecord> {
    let items = rows
        .into_iter()
        .map(|(mut e, at, o)| {
            fix_encounter(&mut e, at, o);
            e
        })
        .collect();
    paginate(items, limit, |e| Cursor {
        key: e.updated_at,
        id: e.id,
    })
}

/// A photo as its row says: its keeper as its patient.
pub fn fix_photo(p: &mut PhotoRecord, owner: Option<Uuid>) {
    if let Some(o) = owner {
        p.patient_id = o;
    }
}

/// A page of photos; the cursor is on the row's `updated_at`, which the record lacks.
pub fn photo_page((rows, limit): Listed<PhotoRecord>) -> Page<PhotoRecord> {
    let items: Vec<(PhotoRecord, i64)> = rows
        .into_iter()
        .map(|(mut p, at, o)| {
            fix_photo(&mut p, o);
            (p, at)
        })
        .collect();
    let page = paginate(items, limit, |(p, at)| Cursor { key: *at, id: p.id });
    Page {
        items: page.items.into_iter().map(|(p, _)| p).collect(),
        next_cursor: page.next_cursor,
    }
}

pub fn appointment(
    clinic: ClinicId,
    data: &str,
    updated_at: i64,
    owner: Option<Uuid>,
) -> Result<AppointmentRecord, StoreError> {
    let mut a: AppointmentRecord = parse("rm_appointments.data", data)?;
    a.clinic_id = clinic.0;
    a.updated_at = updated_at;
    a.patient_id = owner;
    Ok(a)
}

pub fn sale(clinic: ClinicId, data: &str, owner: Option<Uuid>) -> Result<SaleRecord, StoreError> {
    let mut s: SaleRecord = parse("rm_sales.data", data)?;
    s.clinic_id = clinic.0;
    s.patient_id = owner;
    Ok(s)
}

/// Stock on hand by SKU: every product (the first by SKU, then id, names a SKU), with
/// the levels counted from the ledgers; a SKU counted but never a product still shows.
pub fn stock(
    products: impl IntoIterator<Item = ProductRecord>,
    levels: impl IntoIterator<Item = (String, i64)>,
) -> Vec<StockRecord> {
    let mut by_sku: BTreeMap<String, StockRecord> = BTreeMap::new();
    for p in products {
        by_sku.entry(p.sku.clone()).or_insert(StockRecord {
            sku: p.sku,
            product_id: Some(p.id),
            name: Some(p.name),
            on_hand: 0,
            reorder_level: Some(p.reorder_level),
            price_minor: Some(p.price_minor),
            currency: Some(p.currency),
        });
    }
    for (sku, on_hand) in levels {
        by_sku
            .entry(sku.clone())
            .or_insert(StockRecord {
                sku,
                product_id: None,
                name: None,
                on_hand: 0,
                reorder_level: None,
                price_minor: None,
                currency: None,
            })
            .on_hand = on_hand;
    }
    by_sku.into_values().collect()
}

/// Allergies read for `patients` (each list sorted by substance, then id), put in the
/// order the patients were given.
pub fn in_patient_order(patients: &[Uuid], rows: Vec<AllergyRecord>) -> Vec<AllergyRecord> {
    let mut by_patient: BTreeMap<Uuid, Vec<AllergyRecord>> = BTreeMap::new();
    for a in rows {
        by_patient.entry(a.patient_id).or_default().push(a);
    }
    patients
        .iter()
        .filter_map(|p| by_patient.remove(p))
        .flatten()
        .collect()
}
