//! The JSON shapes of `/api/v1` as OpenAPI schemas: the pages of each list (what
//! [`crate::readmodel::Page`] serialises to), the bodies `POST` takes and what it
//! answers. The records themselves are [`crate::readmodel::records`].

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::readmodel::records::{
    AppointmentRecord, EncounterRecord, PatientRecord, ProductRecord, SaleRecord, StockRecord,
};

use super::photos::PhotoView;

macro_rules! page {
    ($name:ident, $item:ty, $what:literal) => {
        #[doc = concat!("A page of ", $what, ": send `next_cursor` back as `cursor` for the next; `null` on the last page.")]
        #[derive(Debug, Serialize, Deserialize, ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            #[schema(example = "eyJ1IjoxNzAwMDAwMDAwMDAwfQ")]
            pub next_cursor: Option<String>,
        }
    };
}

page!(PatientPage, PatientRecord, "patients");
page!(EncounterPage, EncounterRecord, "visits");
page!(PhotoPage, PhotoView, "photos");
page!(ProductPage, ProductRecord, "products");
page!(SalePage, SaleRecord, "sales, refunds and voids");
page!(AppointmentPage, AppointmentRecord, "appointments");
page!(
    StockList,
    StockRecord,
    "stock on hand by SKU (always one page)"
);

/// `POST /api/v1/patients`: a new patient. Checked as the clinic's window checks one
/// (the model's patient form); a refusal names the field.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({
    "first_name": "Anna",
    "last_name": "Petrosyan",
    "birth_date": "1987-04-12",
    "sex": "female",
    "phones": ["+374 10 123456"],
    "email": "anna@example.org"
}))]
pub struct NewPatient {
    /// 1 to 100 characters.
    pub first_name: String,
    /// 1 to 100 characters.
    pub last_name: String,
    pub middle_name: Option<String>,
    /// `YYYY-MM-DD`, not in the future, not before 1900.
    pub birth_date: Option<String>,
    /// `female`, `male`, `other` or `unknown` (the default).
    pub sex: Option<String>,
    /// 5 to 20 digits each; `+ ( ) - .` and spaces allowed.
    pub phones: Option<Vec<String>>,
    pub email: Option<String>,
    /// Up to 500 characters.
    pub address: Option<String>,
    /// The record number, up to 32 letters, digits and `- _ / .`; unique in the clinic.
    /// Without it the hub gives one (`API-…`).
    pub mrn: Option<String>,
    /// Up to 20,000 characters.
    pub medical_history: Option<String>,
    /// Up to 20,000 characters.
    pub notes: Option<String>,
}

/// `POST /api/v1/appointments`: a new appointment, for a patient of the clinic or a
/// named invitee.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({
    "patient_id": "0190f0a8-7d3c-7b7a-9a51-4d2f4c1e2a10",
    "title": "Follow-up: psoriasis",
    "start": "2026-03-02T09:30:00Z",
    "end": "2026-03-02T09:50:00Z"
}))]
pub struct NewAppointment {
    /// A patient of this clinic; or give `invitee_name`.
    pub patient_id: Option<Uuid>,
    pub invitee_name: Option<String>,
    pub invitee_email: Option<String>,
    pub invitee_phone: Option<String>,
    /// Up to 200 characters.
    pub title: Option<String>,
    /// Unix milliseconds or an RFC 3339 date-time.
    #[schema(value_type = String, example = "2026-03-02T09:30:00Z")]
    pub start: serde_json::Value,
    /// After `start`; unix milliseconds or an RFC 3339 date-time.
    #[schema(value_type = String, example = "2026-03-02T09:50:00Z")]
    pub end: serde_json::Value,
    /// Up to 5,000 characters.
    pub notes: Option<String>,
    /// The clinician (a staff user of the clinic).
    pub clinician_id: Option<Uuid>,
}

/// What a `POST` created.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "0190f0a8-7d3c-7b7a-9a51-4d2f4c1e2a10", "mrn": "API-4D2F4C1E2A10"}))]
pub struct Created {
    /// The new document's id (also in `Location`).
    pub id: Uuid,
    /// A new patient's record number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mrn: Option<String>,
}
