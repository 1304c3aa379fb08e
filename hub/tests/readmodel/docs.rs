//! Documents written as a node writes them (the model's own writers), pushed to a store
//! as a node's sync would, for the read-model tests and benchmark.

use automerge::{ActorId, AutoCommit};
use dermis_hub::store::HubStore;
use dermis_hub::store::rules::forge;
use dermis_model::appointment::{AppointmentDraft, AppointmentSource, create_appointment};
use dermis_model::clinic::Role;
use dermis_model::encounter::{Author, Diagnosis, EncounterDraft, add_encounter, sign_encounter};
use dermis_model::ledger::{
    MovementKind, Payment, PaymentMethod, Sale, SaleKind, SaleLine, StockMovement, append_movement,
    append_sale, create_ledger,
};
use dermis_model::patient::{
    PatientDraft, Severity, add_allergy, create_patient, mark_allergy_in_error,
};
use dermis_model::photo::{BodyPart, PhotoDraft, PhotoMime, add_photo};
use dermis_model::prescription::{PrescriptionDraft, add_prescription};
use dermis_model::product::{ProductDraft, create_product};
use dermis_model::provenance::Provenance;
use dermis_model::{
    AllergyId, AppointmentId, ClinicId, Currency, DocId, DocType, EncounterId, Money, MovementId,
    NodeId, PatientId, PhotoId, PrescriptionId, ProductId, SaleId, UserId,
};
use dermis_sync::wire::{DocPush, FetchItem, PushOutcome};
use uuid::Uuid;

/// 2027-01-15T08:00:00Z.
pub const T0: i64 = 1_800_000_000_000;
pub const DAY: i64 = 86_400_000;

/// Pushes documents as a node would; every one must apply.
pub async fn push<S: HubStore>(store: &S, clinic: ClinicId, docs: Vec<(Uuid, DocType, Vec<u8>)>) {
    let pushes: Vec<DocPush> = docs
        .into_iter()
        .map(|(doc_id, t, data)| DocPush {
            doc_id,
            doc_type: t.as_str().into(),
            data,
        })
        .collect();
    let mut store = store.clone();
    let outcomes = store
        .apply(clinic, &pushes)
        .await
        .unwrap_or_else(|e| panic!("apply: {e}"));
    for outcome in outcomes {
        assert!(
            matches!(outcome, PushOutcome::Applied { .. }),
            "{outcome:?}"
        );
    }
}

/// A patient as the registration form writes one.
pub fn patient(
    clinic: ClinicId,
    first: &str,
    last: &str,
    mrn: &str,
    created_at: i64,
) -> (Uuid, AutoCommit) {
    let id = PatientId::new();
    let draft = PatientDraft {
        first_name: first.into(),
        last_name: last.into(),
        birth_date: Some(time::macros::date!(1990 - 04 - 12)),
        phones: vec!["+33 6 12 34 56 78".into()],
        email: Some(format!("{}@example.org", first.to_lowercase())),
        ..Default::default()
    };
    let mut doc = create_patient(id, clinic, &draft, mrn, created_at, None, ActorId::random())
        .unwrap_or_else(|e| panic!("create patient: {e}"));
    doc.commit();
    (id.0, doc)
}

/// Adds an allergy in force and one entered in error.
pub fn allergies(doc: &mut AutoCommit) -> Uuid {
    let kept = AllergyId::new();
    add_allergy(doc, kept, "Penicillin", "rash", Severity::Severe)
        .unwrap_or_else(|e| panic!("{e}"));
    let wrong = AllergyId::new();
    add_allergy(doc, wrong, "Latex", "none", Severity::Mild).unwrap_or_else(|e| panic!("{e}"));
    doc.commit();
    mark_allergy_in_error(doc, wrong, "wrong patient", "Dr A", T0)
        .unwrap_or_else(|e| panic!("{e}"));
    doc.commit();
    kept.0
}

/// A visit with a diagnosis and a prescription, signed when `sign`.
pub fn visit(doc: &mut AutoCommit, clinician: &Author, date: time::Date, sign: bool) -> Uuid {
    let id = EncounterId::new();
    let draft = EncounterDraft {
        date,
        complaint: "itchy plaque".into(),
        subjective: "two weeks".into(),
        objective: "erythematous plaque".into(),
        assessment: "psoriasis".into(),
        plan: "topical steroid".into(),
        diagnoses: vec![Diagnosis {
            code: "L40.0".into(),
            label: "Psoriasis vulgaris".into(),
        }],
    };
    add_encounter(doc, id, &draft, clinician, T0).unwrap_or_else(|e| panic!("{e}"));
    doc.commit();
    let rx = PrescriptionDraft {
        drug: "Clobetasol 0.05% cream".into(),
        dose: "thin layer".into(),
        instructions: "twice daily for 2 weeks".into(),
        quantity: Some(1),
        refills: 0,
        override_reason: None,
    };
    add_prescription(doc, id, PrescriptionId::new(), &rx, None, clinician, T0 + 1)
        .unwrap_or_else(|e| panic!("{e}"));
    doc.commit();
    if sign {
        sign_encounter(doc, id, clinician, T0 + 2).unwrap_or_else(|e| panic!("{e}"));
        doc.commit();
    }
    id.0
}

pub fn photo(doc: &mut AutoCommit, encounter: Option<Uuid>) -> Uuid {
    let id = PhotoId::new();
    let draft = PhotoDraft {
        sha256: "ab".repeat(32),
        mime: PhotoMime::Jpeg,
        size: 1234,
        body_part: BodyPart::Face,
        tags: vec!["before".into()],
        taken_at: T0,
        encounter_id: encounter.map(EncounterId),
    };
    add_photo(doc, id, &draft, None).unwrap_or_else(|e| panic!("{e}"));
    doc.commit();
    id.0
}

pub fn product(clinic: ClinicId, sku: &str, price: i64) -> (Uuid, AutoCommit) {
    let id = ProductId::new();
    let draft = ProductDraft {
        sku: sku.into(),
        name: format!("Product {sku}"),
        price: Money {
            minor: price,
            currency: Currency::EUR,
        },
        category: Some("sun care".into()),
        barcode: None,
        active: true,
        reorder_level: 3,
        tax_class: "standard".into(),
    };
    let mut doc =
        create_product(id, clinic, &draft, T0, ActorId::random()).unwrap_or_else(|e| panic!("{e}"));
    doc.commit();
    (id.0, doc)
}

pub fn appointment(clinic: ClinicId, patient: Option<Uuid>, start: i64) -> (Uuid, AutoCommit) {
    let id = AppointmentId::new();
    let draft = AppointmentDraft {
        patient_id: patient.map(PatientId),
        invitee_name: None,
        invitee_email: None,
        title: "Follow-up".into(),
        start,
        end: start + 1_800_000,
        source: AppointmentSource::Manual,
        external_id: None,
        notes: String::new(),
        clinician_id: None,
        invitee_phone: None,
    };
    let mut doc =
        create_appointment(id, clinic, &draft, ActorId::random()).unwrap_or_else(|e| panic!("{e}"));
    doc.commit();
    (id.0, doc)
}

/// A sale of `qty` × `product` at `unit` (20 % tax included), paid in cash with `change`.
pub fn sale(
    node: NodeId,
    product: Uuid,
    sku: &str,
    qty: i64,
    unit: i64,
    at: i64,
    patient: Option<Uuid>,
) -> Sale {
    let total = qty * unit;
    let tax = total / 6;
    Sale {
        id: SaleId::new(),
        receipt: format!("N1-{:06}", at % 1_000_000),
        kind: SaleKind::Sale,
        original_id: None,
        at,
        cashier: Some("Cashier".into()),
        cashier_id: None,
        node_id: node,
        currency: Currency::EUR,
        lines: vec![SaleLine {
            product_id: ProductId(product),
            sku: sku.into(),
            name: format!("Product {sku}"),
            qty,
            unit_minor: unit,
            discount_minor: 0,
            tax_bps: 2000,
            tax_minor: tax,
            total_minor: total,
        }],
        subtotal_minor: total,
        discount_minor: 0,
        tax_minor: tax,
        total_minor: total,
        payments: vec![Payment {
            method: PaymentMethod::Cash,
            amount_minor: total + 500,
        }],
        change_minor: 500,
        patient_id: patient.map(PatientId),
        shift_id: None,
        reason: None,
        chain: None,
    }
}

/// A ledger of `node` with `stock_in` units received, then `sales` with their OUT
/// movements, each entry in its own change as the till writes them.
pub fn ledger(
    clinic: ClinicId,
    node: NodeId,
    sku: &str,
    product: Uuid,
    stock_in: i64,
    sales: &[Sale],
) -> (Uuid, AutoCommit) {
    let id = DocId::new();
    let mut doc = create_ledger(id, clinic, node, "2027-01-15", ActorId::random())
        .unwrap_or_else(|e| panic!("{e}"));
    doc.commit();
    let movement = |kind, qty, sale_id| StockMovement {
        id: MovementId::new(),
        product_id: ProductId(product),
        sku: sku.into(),
        kind,
        qty,
        reason: "r".into(),
        user: None,
        user_id: None,
        at: T0,
        node_id: node,
        sale_id,
    };
    append_movement(&mut doc, &movement(MovementKind::In, stock_in, None))
        .unwrap_or_else(|e| panic!("{e}"));
    doc.commit();
    for s in sales {
        append_sale(&mut doc, s).unwrap_or_else(|e| panic!("{e}"));
        let qty = s.lines.iter().map(|l| l.qty).sum();
        append_movement(&mut doc, &movement(MovementKind::Out, qty, Some(s.id)))
            .unwrap_or_else(|e| panic!("{e}"));
        doc.commit();
    }
    (id.0, doc)
}

/// A chart view as a workstation records it in its day ledger, committed in a change
/// of its own.
pub fn chart_view(doc: &mut AutoCommit, node: NodeId, id: String, at: i64) {
    use dermis_model::audit::{AuditAction, AuditEntry, AuditTarget, append_audit};
    let entry = AuditEntry {
        id,
        at,
        user: "Dr Vega".into(),
        user_id: None,
        node_id: node,
        action: AuditAction::View,
        target: AuditTarget {
            kind: "patient".into(),
            id: Uuid::new_v4().to_string(),
            patient: None,
        },
        reason: None,
    };
    append_audit(doc, &entry).unwrap_or_else(|e| panic!("{e}"));
    doc.commit();
}

/// The clinic document as the hub holds it.
pub async fn clinic_doc<S: HubStore>(store: &S, clinic: ClinicId) -> AutoCommit {
    let mut s = store.clone();
    let got = s
        .fetch(
            clinic,
            &[FetchItem {
                doc_id: clinic.0,
                have: vec![],
            }],
        )
        .await
        .unwrap_or_else(|e| panic!("fetch: {e}"));
    let data = got
        .into_iter()
        .flatten()
        .next()
        .unwrap_or_else(|| panic!("the clinic document"));
    AutoCommit::load(&data.data).unwrap_or_else(|e| panic!("load: {e}"))
}

/// The clinic document with an admin added by the operator (allowed while the clinic has
/// none), pushed; returns it and the admin's provenance.
pub async fn with_admin<S: HubStore>(store: &S, clinic: ClinicId) -> (AutoCommit, Option<String>) {
    let mut doc = clinic_doc(store, clinic).await;
    let node = NodeId::new();
    let admin = UserId::new();
    forge::add_staff(
        &mut doc,
        admin,
        "anna",
        Role::Admin,
        forge::by(Provenance::operator(node)).as_deref(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    push(store, clinic, vec![(clinic.0, DocType::Clinic, doc.save())]).await;
    (doc, forge::by(Provenance::user(admin, node)))
}

/// Records "OTHER is KEEP" in the clinic document and pushes it.
pub async fn merge<S: HubStore>(store: &S, clinic: ClinicId, other: Uuid, keep: Uuid) {
    let mut doc = clinic_doc(store, clinic).await;
    dermis_model::merge::record_merge(
        &mut doc,
        &dermis_model::merge::MergeRecord {
            other: PatientId(other),
            into: PatientId(keep),
            at: T0,
            by: "Dr A".into(),
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    doc.commit();
    push(store, clinic, vec![(clinic.0, DocType::Clinic, doc.save())]).await;
}

/// A patient as the read model holds one, for tests and benchmarks that write rows
/// directly (`replace_read_models`, the rebuild's path) rather than through documents.
pub fn row_patient(
    clinic: ClinicId,
    first: &str,
    last: &str,
    mrn: &str,
    phone: &str,
    created_at: i64,
) -> dermis_model::patient::Patient {
    dermis_model::patient::Patient {
        id: PatientId::new(),
        clinic_id: clinic,
        first_name: first.into(),
        last_name: last.into(),
        middle_name: None,
        birth_date: None,
        sex: dermis_model::patient::Sex::Unknown,
        phones: vec![phone.into()],
        email: None,
        address: None,
        mrn: mrn.into(),
        allergies: Vec::new(),
        allergies_in_error: Vec::new(),
        no_known_allergies: false,
        medical_history: String::new(),
        notes: String::new(),
        created_at,
        created_by: None,
        encounters: Vec::new(),
        photos: Vec::new(),
    }
}
