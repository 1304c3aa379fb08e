//! How a document becomes read-model rows: pure functions of a document's current state
//! (no IO), run by the projector on the Automerge pool and by `reproject`. Each document
//! gives the whole set of its rows ([`DocRows`]); a store replaces what it held for the
//! document with them, so deriving one document twice writes the same rows.
//!
//! Times the hub sets (`updated_at`) are left at zero here: the store stamps them when it
//! writes, keeping the old stamp when the hash of a row's content
//! ([`super::stored::row_data`]) did not change (a re-read
//! ledger or a `reproject` does not make every row look changed to an integrator that
//! polls `updated_since`).

use automerge::ReadDoc;
use dermis_model::text::{fold, phone_digits, words};
use dermis_model::validate::format_date;
use dermis_model::{DocType, SchemaError};
use uuid::Uuid;

use super::records::{
    AllergyRecord, AppointmentRecord, DiagnosisRecord, EncounterRecord, PatientRecord,
    PaymentRecord, PhotoRecord, PrescriptionRecord, ProductRecord, SaleLineRecord, SaleRecord,
};

/// Most search terms one patient contributes (names, record number, email, phones): a
/// bound on the rows one document can add to the terms table.
pub const MAX_TERMS: usize = 64;

/// A patient document's rows.
#[derive(Clone, Debug, PartialEq)]
pub struct PatientRows {
    /// With its allergies in force.
    pub patient: PatientRecord,
    pub encounters: Vec<EncounterRecord>,
    pub photos: Vec<PhotoRecord>,
    /// Folded words of the names, record number and email, and the phones' digits:
    /// what free-text search matches by prefix.
    pub terms: Vec<String>,
    /// Folded first and last names (FHIR `name` matches a prefix of either).
    pub fold_first: String,
    pub fold_last: String,
    /// The digits of every phone, space-separated (FHIR `phone` matches a substring).
    pub phone_digits: String,
}

/// The identity facts of the clinic document: merges and erasures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    /// Every merged-away id and the record it ends in (chains and cycles resolved).
    pub merges: Vec<(Uuid, Uuid)>,
    pub erased: Vec<Uuid>,
}

/// Everything one document contributes to the read models.
#[derive(Clone, Debug, PartialEq)]
pub enum DocRows {
    Patient(Box<PatientRows>),
    Product(ProductRecord),
    Appointment(AppointmentRecord),
    /// A ledger's sales, refunds and voids (kept once per id: they never change).
    Ledger(Vec<SaleRecord>),
    Clinic(Identity),
}

impl DocRows {
    /// The patient a document is about, if it names one (erasure checks).
    pub fn patient(&self) -> Option<Uuid> {
        match self {
            DocRows::Patient(p) => Some(p.patient.id),
            DocRows::Appointment(a) => a.patient_id,
            _ => None,
        }
    }
}

/// The rows of a document of `doc_type`.
pub fn rows(doc_type: DocType, doc: &impl ReadDoc) -> Result<DocRows, SchemaError> {
    Ok(match doc_type {
        DocType::Patient => DocRows::Patient(Box::new(patient_rows(
            dermis_model::patient::read_patient(doc)?,
        ))),
        DocType::Product => DocRows::Product(product(dermis_model::product::read_product(doc)?)),
        DocType::Appointment => DocRows::Appointment(appointment(
            dermis_model::appointment::read_appointment(doc)?,
        )),
        DocType::Ledger => {
            let ledger = dermis_model::ledger::read_ledger(doc)?;
            DocRows::Ledger(ledger.sales.into_iter().map(sale_record).collect())
        }
        DocType::Clinic => DocRows::Clinic(identity(doc)?),
    })
}

fn identity(doc: &impl ReadDoc) -> Result<Identity, SchemaError> {
    let records = dermis_model::merge::merges(doc)?;
    let merges = dermis_model::merge::resolve(&records)
        .into_iter()
        .map(|(other, keep)| (other.0, keep.0))
        .collect();
    let erased = dermis_model::clinic::erasures(doc)?
        .into_iter()
        .map(|e| e.patient_id.0)
        .collect();
    Ok(Identity { merges, erased })
}

/// The patient's rows: the patient with allergies in force, visits, photos, terms.
pub fn patient_rows(p: dermis_model::patient::Patient) -> PatientRows {
    let id = p.id.0;
    let clinic = p.clinic_id.0;
    let allergies = p
        .allergies
        .iter()
        .map(|a| AllergyRecord {
            id: a.id.0,
            patient_id: id,
            substance: a.substance.clone(),
            reaction: a.reaction.clone(),
            severity: a.severity.as_str().to_owned(),
        })
        .collect();
    let mut terms: Vec<String> = Vec::new();
    for text in [
        Some(p.first_name.as_str()),
        p.middle_name.as_deref(),
        Some(p.last_name.as_str()),
        Some(p.mrn.as_str()),
        p.email.as_deref(),
    ]
    .into_iter()
    .flatten()
    {
        terms.extend(words(text));
    }
    // The record number and the email whole too, so `M-12` or `a.b@x` match as typed.
    for text in [Some(p.mrn.as_str()), p.email.as_deref()]
        .into_iter()
        .flatten()
    {
        let folded = fold(text.trim());
        if !folded.is_empty() {
            terms.push(folded);
        }
    }
    let phones: Vec<String> = p
        .phones
        .iter()
        .map(|ph| phone_digits(ph))
        .filter(|d| !d.is_empty())
        .collect();
    terms.extend(phones.iter().cloned());
    terms.sort();
    terms.dedup();
    terms.truncate(MAX_TERMS);
    let encounters = p
        .encounters
        .iter()
        .map(|e| EncounterRecord {
            id: e.id.0,
            clinic_id: clinic,
            patient_id: id,
            date: format_date(e.date),
            clinician: e.clinician.clone(),
            clinician_id: e.clinician_id.map(|u| u.0),
            complaint: e.complaint.clone(),
            subjective: e.subjective.clone(),
            objective: e.objective.clone(),
            assessment: e.assessment.clone(),
            plan: e.plan.clone(),
            status: e.status.as_str().to_owned(),
            signed_by: e.signed_by.clone(),
            signed_at: e.signed_at,
            created_at: e.created_at,
            updated_at: 0,
            diagnoses: e
                .diagnoses
                .iter()
                .map(|d| DiagnosisRecord {
                    code: d.code.clone(),
                    label: d.label.clone(),
                })
                .collect(),
            prescriptions: e
                .prescriptions
                .iter()
                .map(|r| PrescriptionRecord {
                    id: r.id.0,
                    encounter_id: e.id.0,
                    patient_id: id,
                    drug: r.drug.clone(),
                    dose: r.dose.clone(),
                    instructions: r.instructions.clone(),
                    quantity: r.quantity,
                    refills: r.refills,
                    prescriber: r.prescriber.clone(),
                    prescriber_id: r.prescriber_id.map(|u| u.0),
                    at: r.at,
                    allergy_override: r.allergy_override.as_ref().map(|o| o.reason.clone()),
                })
                .collect(),
        })
        .collect();
    let photos = p
        .photos
        .iter()
        .map(|ph| PhotoRecord {
            id: ph.id.0,
            clinic_id: clinic,
            patient_id: id,
            sha256: ph.sha256.clone(),
            mime: ph.mime.as_str().to_owned(),
            size: ph.size,
            body_part: ph.body_part.as_str().to_owned(),
            tags: ph.tags.clone(),
            taken_at: ph.taken_at,
            encounter_id: ph.encounter_id.map(|e| e.0),
            thumbnails_ready: ph.thumbnails_ready,
        })
        .collect();
    PatientRows {
        fold_first: fold(p.first_name.trim()),
        fold_last: fold(p.last_name.trim()),
        phone_digits: phones.join(" "),
        terms,
        patient: PatientRecord {
            id,
            clinic_id: clinic,
            mrn: p.mrn,
            first_name: p.first_name,
            last_name: p.last_name,
            middle_name: p.middle_name,
            birth_date: p.birth_date.map(format_date),
            sex: p.sex.as_str().to_owned(),
            phones: p.phones,
            email: p.email,
            address: p.address,
            no_known_allergies: p.no_known_allergies,
            created_at: p.created_at,
            updated_at: 0,
            merged_into: None,
            allergies,
        },
        encounters,
        photos,
    }
}

fn product(p: dermis_model::product::Product) -> ProductRecord {
    ProductRecord {
        id: p.id.0,
        clinic_id: p.clinic_id.0,
        sku: p.sku,
        name: p.name,
        category: p.category,
        price_minor: p.price.minor,
        currency: p.price.currency.code().to_owned(),
        barcode: p.barcode,
        active: p.active,
        reorder_level: p.reorder_level,
        tax_class: p.tax_class,
        updated_at: 0,
    }
}

fn appointment(a: dermis_model::appointment::Appointment) -> AppointmentRecord {
    AppointmentRecord {
        id: a.id.0,
        clinic_id: a.clinic_id.0,
        patient_id: a.patient_id.map(|p| p.0),
        title: a.title,
        start: a.start,
        end: a.end,
        status: a.status.as_str().to_owned(),
        source: a.source.as_str().to_owned(),
        clinician_id: a.clinician_id.map(|u| u.0),
        invitee_name: a.invitee_name,
        invitee_email: a.invitee_email,
        invitee_phone: a.invitee_phone,
        notes: a.notes,
        cancel_reason: a.cancel_reason,
        updated_at: 0,
    }
}

/// A ledger entry as a record; `clinic_id` is left nil (a ledger entry does not repeat
/// it): the stores answer with the clinic asked about.
pub fn sale_record(s: dermis_model::ledger::Sale) -> SaleRecord {
    SaleRecord {
        id: s.id.0,
        clinic_id: Uuid::nil(),
        receipt: s.receipt,
        kind: s.kind.as_str().to_owned(),
        original_id: s.original_id.map(|o| o.0),
        at: s.at,
        node_id: s.node_id.0,
        cashier: s.cashier,
        cashier_id: s.cashier_id.map(|u| u.0),
        patient_id: s.patient_id.map(|p| p.0),
        currency: s.currency.code().to_owned(),
        subtotal_minor: s.subtotal_minor,
        discount_minor: s.discount_minor,
        tax_minor: s.tax_minor,
        total_minor: s.total_minor,
        change_minor: s.change_minor,
        reason: s.reason,
        lines: s
            .lines
            .into_iter()
            .map(|l| SaleLineRecord {
                product_id: l.product_id.0,
                sku: l.sku,
                name: l.name,
                qty: l.qty,
                unit_minor: l.unit_minor,
                discount_minor: l.discount_minor,
                tax_bps: l.tax_bps,
                tax_minor: l.tax_minor,
                total_minor: l.total_minor,
            })
            .collect(),
        payments: s
            .payments
            .into_iter()
            .map(|p| PaymentRecord {
                method: p.method.as_str().to_owned(),
                amount_minor: p.amount_minor,
            })
            .collect(),
    }
}

/// The documents with the clinic document first: merges must be known before the rows
/// that name merged patients are written.
pub fn identity_first(docs: &[(Uuid, DocRows)]) -> impl Iterator<Item = &(Uuid, DocRows)> {
    let clinic = docs.iter().filter(|(_, r)| matches!(r, DocRows::Clinic(_)));
    clinic.chain(
        docs.iter()
            .filter(|(_, r)| !matches!(r, DocRows::Clinic(_))),
    )
}

/// The most characters of a free-text query looked at.
pub const MAX_QUERY_CHARS: usize = 200;
/// The most characters of one query term (no stored term is longer in practice).
pub const MAX_TERM_CHARS: usize = 64;

/// The free-text query as the terms it must match (each a prefix of some term).
pub fn query_terms(q: &str) -> Vec<String> {
    // Bounded before any work: what a caller sends costs at most this much folding, and
    // at most eight index ranges.
    let q: String = q.chars().take(MAX_QUERY_CHARS).collect();
    let q = q.as_str();
    let mut out: Vec<String> = words(q)
        .into_iter()
        .map(|w| w.chars().take(MAX_TERM_CHARS).collect())
        .collect();
    // A query of digits and separators is a phone number too (`+33 6 12`).
    let digits = phone_digits(q);
    if digits.len() >= 3
        && out.len() > 1
        && out.iter().all(|w| w.chars().all(|c| c.is_ascii_digit()))
    {
        out = vec![digits];
    }
    out.sort();
    out.dedup();
    out.truncate(8);
    out
}

/// The smallest string above every string that starts with `prefix`: a prefix match is
/// `term >= prefix AND term < prefix_end(prefix)`, which an index answers.
pub fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_terms_fold_and_join_phone_digits() {
        assert_eq!(query_terms("Élodie  MÜLLER"), vec!["elodie", "muller"]);
        assert_eq!(query_terms("+33 6 12"), vec!["33612"]);
        assert!(query_terms("  ").is_empty());
        let huge = "a".repeat(1_000_000);
        assert_eq!(query_terms(&huge), vec!["a".repeat(MAX_TERM_CHARS)]);
        let many = "w ".repeat(100_000) + "x y z t u v s r q";
        assert!(query_terms(&many).len() <= 8);
        assert!(prefix_end("ab").as_str() > "abzzzz");
    }
}
