//! The records the hub's read models hold and `/api/v1`, FHIR and the reports read: one
//! flat, owned shape per kind, derived from a document by the projector and stored in
//! relational tables on both stores, so no query ever loads an Automerge document.
//!
//! These shapes are the API's JSON (`/api/v1` returns them as they are, with their
//! utoipa schemas in `/api/openapi.json`): add fields freely, never rename one. Ids are
//! UUID strings, times unix milliseconds (UTC), dates `YYYY-MM-DD`, money integer minor
//! units with an ISO 4217 code. Enumerations are their lower-case names as the model
//! writes them (`draft`, `signed`, `no_show`, `cash`, …).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A patient as the read model keeps them (`/api/v1/patients`). `allergies` is filled on
/// a single read (`GET /api/v1/patients/{id}`) and may be empty in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PatientRecord {
    pub id: Uuid,
    pub clinic_id: Uuid,
    /// Medical record number, unique per clinic.
    pub mrn: String,
    pub first_name: String,
    pub last_name: String,
    pub middle_name: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// `female`, `male`, `other` or `unknown`.
    pub sex: String,
    pub phones: Vec<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// Recorded as "no known allergies" (speaks only while `allergies` is empty).
    pub no_known_allergies: bool,
    pub created_at: i64,
    /// When the hub last projected a change of this patient.
    pub updated_at: i64,
    /// The record this one was merged into (it then answers as that record).
    pub merged_into: Option<Uuid>,
    pub allergies: Vec<AllergyRecord>,
}

/// An allergy in force (those entered in error are not kept as allergies).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AllergyRecord {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub substance: String,
    pub reaction: String,
    /// `mild`, `moderate`, `severe` or `unknown`.
    pub severity: String,
}

/// A visit, with its diagnoses and prescriptions (`/api/v1/encounters`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EncounterRecord {
    pub id: Uuid,
    pub clinic_id: Uuid,
    pub patient_id: Uuid,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub clinician: String,
    pub clinician_id: Option<Uuid>,
    pub complaint: String,
    pub subjective: String,
    pub objective: String,
    pub assessment: String,
    pub plan: String,
    /// `draft` or `signed`.
    pub status: String,
    pub signed_by: Option<String>,
    pub signed_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub diagnoses: Vec<DiagnosisRecord>,
    pub prescriptions: Vec<PrescriptionRecord>,
}

/// An ICD-10 diagnosis on a visit (code as written, e.g. `L40.0`; English label).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DiagnosisRecord {
    pub code: String,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PrescriptionRecord {
    pub id: Uuid,
    pub encounter_id: Uuid,
    pub patient_id: Uuid,
    pub drug: String,
    pub dose: String,
    pub instructions: String,
    pub quantity: Option<u32>,
    pub refills: u32,
    pub prescriber: String,
    pub prescriber_id: Option<Uuid>,
    pub at: i64,
    /// The reason given for prescribing despite a matching allergy.
    pub allergy_override: Option<String>,
}

/// A photo's metadata (`/api/v1/photos`; the API adds signed thumbnail URLs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PhotoRecord {
    pub id: Uuid,
    pub clinic_id: Uuid,
    pub patient_id: Uuid,
    /// The blob's sha256, lower-case hex.
    pub sha256: String,
    pub mime: String,
    pub size: u64,
    /// A model body part: `scalp`, `upper_back`, `lower_leg`, …
    pub body_part: String,
    pub tags: Vec<String>,
    pub taken_at: i64,
    pub encounter_id: Option<Uuid>,
    pub thumbnails_ready: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProductRecord {
    pub id: Uuid,
    pub clinic_id: Uuid,
    pub sku: String,
    pub name: String,
    pub category: Option<String>,
    pub price_minor: i64,
    pub currency: String,
    pub barcode: Option<String>,
    pub active: bool,
    pub reorder_level: i64,
    pub tax_class: String,
    pub updated_at: i64,
}

/// Stock on hand of one SKU, derived from every node's ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StockRecord {
    pub sku: String,
    pub product_id: Option<Uuid>,
    pub name: Option<String>,
    pub on_hand: i64,
    pub reorder_level: Option<i64>,
    /// Unit price (minor units) of the product, for the stock valuation.
    pub price_minor: Option<i64>,
    pub currency: Option<String>,
}

/// A ledger entry: a sale, a refund or a void (`/api/v1/sales`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SaleRecord {
    pub id: Uuid,
    pub clinic_id: Uuid,
    /// Node-scoped receipt number, e.g. `N3-000123`.
    pub receipt: String,
    /// `sale`, `refund` or `void`.
    pub kind: String,
    /// For refunds and voids: the sale they reverse.
    pub original_id: Option<Uuid>,
    pub at: i64,
    pub node_id: Uuid,
    pub cashier: Option<String>,
    pub cashier_id: Option<Uuid>,
    pub patient_id: Option<Uuid>,
    pub currency: String,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub change_minor: i64,
    pub reason: Option<String>,
    pub lines: Vec<SaleLineRecord>,
    pub payments: Vec<PaymentRecord>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SaleLineRecord {
    pub product_id: Uuid,
    pub sku: String,
    pub name: String,
    pub qty: i64,
    pub unit_minor: i64,
    pub discount_minor: i64,
    /// Tax rate in basis points (2000 = 20 %).
    pub tax_bps: u32,
    /// The tax included in `total_minor`.
    pub tax_minor: i64,
    pub total_minor: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PaymentRecord {
    /// `cash`, `card` or `other`.
    pub method: String,
    pub amount_minor: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AppointmentRecord {
    pub id: Uuid,
    pub clinic_id: Uuid,
    pub patient_id: Option<Uuid>,
    pub title: String,
    pub start: i64,
    pub end: i64,
    /// `scheduled`, `checked_in`, `canceled`, `completed` or `no_show`.
    pub status: String,
    /// `manual` or `calendly`.
    pub source: String,
    pub clinician_id: Option<Uuid>,
    pub invitee_name: Option<String>,
    pub invitee_email: Option<String>,
    pub invitee_phone: Option<String>,
    pub notes: String,
    pub cancel_reason: Option<String>,
    pub updated_at: i64,
}
