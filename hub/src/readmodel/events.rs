//! The events Dermis sends, and how they are derived from documents — pure functions of
//! a document's current state, so the projector can run them on any change, any number
//! of times: each derived event has a key naming what happened (`patient.created:<id>`),
//! and the store keeps an event only the first time its key appears.
//!
//! Payloads carry ids and non-clinical fields only: no names, notes, diagnoses or
//! amounts per line.

use automerge::AutoCommit;
use dermis_model::encounter::EncounterStatus;
use dermis_model::ledger::SaleKind;
use dermis_model::{ClinicId, DocType, SchemaError};
use serde_json::json;

use crate::readmodel::derive::{DocRows, patient_rows, rows, sale_record};

/// An event type a webhook can subscribe to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    PatientCreated,
    EncounterSigned,
    SaleCompleted,
    StockNegative,
    PhotoReady,
    StaffChanged,
}

impl EventType {
    pub const ALL: [EventType; 6] = [
        EventType::PatientCreated,
        EventType::EncounterSigned,
        EventType::SaleCompleted,
        EventType::StockNegative,
        EventType::PhotoReady,
        EventType::StaffChanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::PatientCreated => "patient.created",
            EventType::EncounterSigned => "encounter.signed",
            EventType::SaleCompleted => "sale.completed",
            EventType::StockNegative => "stock.negative",
            EventType::PhotoReady => "photo.ready",
            EventType::StaffChanged => "staff.changed",
        }
    }

    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == s.trim())
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "unknown event type {name:?}; known: patient.created, encounter.signed, sale.completed, stock.negative, photo.ready, staff.changed"
)]
pub struct UnknownEvent {
    pub name: String,
}

/// `a,b,c` as event types: each known, no duplicates, at least one.
pub fn parse_list(list: &str) -> Result<Vec<EventType>, UnknownEvent> {
    let mut out = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let event = EventType::parse(name).ok_or_else(|| UnknownEvent {
            name: name.chars().take(40).collect(),
        })?;
        if !out.contains(&event) {
            out.push(event);
        }
    }
    if out.is_empty() {
        return Err(UnknownEvent {
            name: String::new(),
        });
    }
    Ok(out)
}

/// An event derived from a document, before the store decides whether it is new.
#[derive(Clone, Debug, PartialEq)]
pub struct DerivedEvent {
    /// Unique per thing that happened: the store keeps the first event with a key.
    pub key: String,
    pub event_type: EventType,
    /// The payload's `data`.
    pub data: serde_json::Value,
}

/// A stock movement of a ledger: its signed effect on a SKU, counted once by id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StockEntry {
    pub entry_id: String,
    pub sku: String,
    pub delta: i64,
}

/// Everything one document contributes to the projections.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Derived {
    pub events: Vec<DerivedEvent>,
    pub stock: Vec<StockEntry>,
    /// The dotted paths of the fields holding concurrent values (empty: none).
    pub conflicts: Vec<String>,
    /// A ledger's audit entries, for `/admin/audit`.
    pub audit: Vec<dermis_model::audit::AuditEntry>,
    /// A ledger's chained receipts, for each workstation's chain on `/admin`.
    pub receipts: Vec<ReceiptLink>,
    /// The document's read-model rows, from the same read (`None`: a product or
    /// appointment, clinic's identity facts, that does not read — its rows stay as they
    /// were).
    pub rows: Option<crate::readmodel::derive::DocRows>,
}

/// One chained sale, refund or void as the hub keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptLink {
    pub sale_id: String,
    pub node_id: String,
    pub link: dermis_model::ledger::chain::Link,
}

/// The `stock.negative` event for a SKU that went below zero because of `entry_id`.
pub fn stock_negative(clinic: ClinicId, entry_id: &str, sku: &str, on_hand: i64) -> DerivedEvent {
    DerivedEvent {
        key: format!("stock.negative:{clinic}:{entry_id}"),
        event_type: EventType::StockNegative,
        data: json!({ "clinic_id": clinic, "sku": sku, "on_hand": on_hand }),
    }
}

/// What a document of `doc_type` contributes. A clinic document contributes its staff
/// changes ([`super::staff`]); product and appointment documents only their conflicts.
/// Every document gives its read-model rows ([`crate::readmodel::derive`]) from the
/// same read.
pub fn derive(
    clinic: ClinicId,
    doc_type: DocType,
    doc: &mut AutoCommit,
) -> Result<Derived, SchemaError> {
    let mut out = Derived::default();
    match doc_type {
        DocType::Patient => {
            let patient = dermis_model::patient::read_patient(doc)?;
            out.events.push(DerivedEvent {
                key: format!("patient.created:{}", patient.id),
                event_type: EventType::PatientCreated,
                data: json!({ "patient_id": patient.id.to_string(), "clinic_id": clinic }),
            });
            for encounter in &patient.encounters {
                if encounter.status != EncounterStatus::Signed {
                    continue;
                }
                out.events.push(DerivedEvent {
                    key: format!("encounter.signed:{}", encounter.id),
                    event_type: EventType::EncounterSigned,
                    data: json!({
                        "encounter_id": encounter.id.to_string(),
                        "patient_id": patient.id.to_string(),
                        "clinic_id": clinic,
                        "signed_at": encounter.signed_at.map(dermis_model::rfc3339),
                    }),
                });
            }
            for photo in patient.photos.iter().filter(|p| p.thumbnails_ready) {
                out.events.push(DerivedEvent {
                    key: format!("photo.ready:{}", photo.id),
                    event_type: EventType::PhotoReady,
                    data: json!({
                        "photo_id": photo.id.to_string(),
                        "patient_id": patient.id.to_string(),
                        "clinic_id": clinic,
                    }),
                });
            }
            out.rows = Some(DocRows::Patient(Box::new(patient_rows(patient))));
        }
        DocType::Ledger => {
            ledger_entries(clinic, dermis_model::ledger::read_ledger(doc)?, &mut out)
        }
        DocType::Clinic => {
            // A clinic document that does not read still has a history to show.
            let current = dermis_model::clinic::read_clinic(doc).ok();
            out.events = super::staff::derive_staff(clinic, doc, current.as_ref());
            out.rows = rows(doc_type, &*doc).ok();
        }
        DocType::Product | DocType::Appointment => out.rows = rows(doc_type, &*doc).ok(),
    }
    if dermis_model::conflict::may_have_conflicts(doc) {
        out.conflicts = dermis_model::conflict::find_conflicts(doc)?
            .iter()
            .map(|c| c.path_string())
            .collect();
    }
    Ok(out)
}

/// What a ledger's entries contribute: all of them, or only those the projector has not
/// seen yet ([`crate::pool::ledgers`]); each is kept once by id, so either gives the same.
pub fn ledger_entries(clinic: ClinicId, ledger: dermis_model::ledger::Ledger, out: &mut Derived) {
    for sale in ledger.sales.iter().filter(|s| s.kind == SaleKind::Sale) {
        out.events.push(DerivedEvent {
            key: format!("sale.completed:{}", sale.id),
            event_type: EventType::SaleCompleted,
            data: json!({
                "sale_id": sale.id.to_string(),
                "clinic_id": clinic,
                "node_id": sale.node_id.to_string(),
                "receipt": sale.receipt,
                "at": dermis_model::rfc3339(sale.at),
                "currency": sale.currency.code(),
                "subtotal_minor": sale.subtotal_minor,
                "discount_minor": sale.discount_minor,
                "tax_minor": sale.tax_minor,
                "total_minor": sale.total_minor,
            }),
        });
    }
    out.audit = ledger.audit;
    out.receipts = ledger
        .sales
        .iter()
        .filter_map(|s| {
            Some(ReceiptLink {
                sale_id: s.id.to_string(),
                node_id: s.node_id.to_string(),
                link: dermis_model::ledger::chain::Link::of(s)?,
            })
        })
        .collect();
    // A sale writes its OUT movements in the same edit: movements alone are the
    // stock (counting sale lines too would count each sale twice).
    for movement in &ledger.movements {
        out.stock.push(StockEntry {
            entry_id: movement.id.to_string(),
            sku: movement.sku.clone(),
            delta: movement.delta(),
        });
    }
    out.rows = Some(DocRows::Ledger(
        ledger.sales.into_iter().map(sale_record).collect(),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::ActorId;
    use dermis_model::encounter::{Author, EncounterDraft, add_encounter, sign_encounter};
    use dermis_model::ledger::{MovementKind, StockMovement, append_movement, create_ledger};
    use dermis_model::patient::{PatientDraft, create_patient};
    use dermis_model::photo::{BodyPart, PhotoDraft, PhotoMime, add_photo, set_processing_result};
    use dermis_model::{DocId, EncounterId, MovementId, NodeId, PatientId, PhotoId, ProductId};

    fn patient(clinic: ClinicId) -> (PatientId, AutoCommit) {
        let id = PatientId::new();
        let draft = PatientDraft {
            first_name: "Ana".into(),
            last_name: "Secret-Surname".into(),
            ..Default::default()
        };
        let doc = create_patient(id, clinic, &draft, "M-1", 1, None, ActorId::random())
            .unwrap_or_else(|e| panic!("{e}"));
        (id, doc)
    }

    fn types(d: &Derived) -> Vec<&'static str> {
        d.events.iter().map(|e| e.event_type.as_str()).collect()
    }

    #[test]
    fn event_lists_are_checked() {
        assert_eq!(
            parse_list("sale.completed, patient.created,sale.completed"),
            Ok(vec![EventType::SaleCompleted, EventType::PatientCreated])
        );
        assert!(parse_list("patient.deleted").is_err());
        assert!(parse_list(" , ").is_err());
    }

    #[test]
    fn a_patient_gives_created_then_signed_and_ready_events_without_names() {
        let clinic = ClinicId::new();
        let (id, mut doc) = patient(clinic);
        let first = derive(clinic, DocType::Patient, &mut doc).unwrap_or_default();
        assert_eq!(types(&first), vec!["patient.created"]);
        assert_eq!(first.events[0].key, format!("patient.created:{id}"));
        let encounter = EncounterId::new();
        let draft = EncounterDraft {
            date: time::macros::date!(2026 - 11 - 27),
            complaint: "itchy mole".into(),
            subjective: String::new(),
            objective: String::new(),
            assessment: String::new(),
            plan: String::new(),
            diagnoses: Vec::new(),
        };
        let author = Author {
            id: None,
            name: "Dr Who".into(),
        };
        add_encounter(&mut doc, encounter, &draft, &author, 5).unwrap_or_else(|e| panic!("{e}"));
        let photo = PhotoId::new();
        let photo_draft = PhotoDraft {
            sha256: "ab".repeat(32),
            mime: PhotoMime::Jpeg,
            size: 10,
            body_part: BodyPart::Face,
            tags: Vec::new(),
            taken_at: 1,
            encounter_id: Some(encounter),
        };
        add_photo(&mut doc, photo, &photo_draft, None).unwrap_or_else(|e| panic!("{e}"));
        let draft_only = derive(clinic, DocType::Patient, &mut doc).unwrap_or_default();
        assert_eq!(
            types(&draft_only),
            vec!["patient.created"],
            "unsigned, no thumbnails"
        );
        sign_encounter(&mut doc, encounter, &author, 1_800_000_000_000)
            .unwrap_or_else(|e| panic!("{e}"));
        set_processing_result(&mut doc, photo, Ok(())).unwrap_or_else(|e| panic!("{e}"));
        let all = derive(clinic, DocType::Patient, &mut doc).unwrap_or_default();
        assert_eq!(
            types(&all),
            vec!["patient.created", "encounter.signed", "photo.ready"]
        );
        assert_eq!(all.events[1].data["signed_at"], "2027-01-15T08:00:00Z");
        assert_eq!(all.events[2].data["patient_id"], id.to_string());
        let text = serde_json::to_string(&all.events.iter().map(|e| &e.data).collect::<Vec<_>>())
            .unwrap_or_default();
        for secret in ["Ana", "Secret-Surname", "itchy", "Dr Who", "M-1"] {
            assert!(!text.contains(secret), "{secret} leaked into {text}");
        }
        assert!(all.conflicts.is_empty());
    }

    #[test]
    fn a_ledger_gives_its_movements_as_stock_entries() {
        let clinic = ClinicId::new();
        let node = NodeId::new();
        let mut doc = create_ledger(DocId::new(), clinic, node, "2026-11-28", ActorId::random())
            .unwrap_or_else(|e| panic!("{e}"));
        for (kind, qty) in [(MovementKind::In, 5), (MovementKind::Out, 7)] {
            let m = StockMovement {
                id: MovementId::new(),
                product_id: ProductId::new(),
                sku: "SPF50".into(),
                kind,
                qty,
                reason: "r".into(),
                user: None,
                user_id: None,
                at: 1,
                node_id: node,
                sale_id: None,
            };
            append_movement(&mut doc, &m).unwrap_or_else(|e| panic!("{e}"));
        }
        let d = derive(clinic, DocType::Ledger, &mut doc).unwrap_or_default();
        assert!(d.events.is_empty());
        let deltas: Vec<i64> = d.stock.iter().map(|s| s.delta).collect();
        assert_eq!(deltas.iter().sum::<i64>(), -2);
        assert!(d.stock.iter().all(|s| s.sku == "SPF50"));
    }

    #[test]
    fn a_ledger_gives_its_chained_receipts_with_their_content_checked() {
        use dermis_model::ledger::{Sale, SaleKind, append_sale, chain};
        let clinic = ClinicId::new();
        let node = NodeId::new();
        let mut doc = create_ledger(DocId::new(), clinic, node, "2026-12-06", ActorId::random())
            .unwrap_or_else(|e| panic!("{e}"));
        let sale = |n: i64| Sale {
            id: dermis_model::SaleId::new(),
            receipt: format!("N1-{n:06}"),
            kind: SaleKind::Sale,
            original_id: None,
            at: n,
            cashier: None,
            cashier_id: None,
            node_id: node,
            currency: dermis_model::Currency::EUR,
            lines: vec![],
            subtotal_minor: 100,
            discount_minor: 0,
            tax_minor: 0,
            total_minor: 100,
            payments: vec![],
            change_minor: 0,
            patient_id: None,
            shift_id: None,
            reason: None,
            chain: None,
        };
        let legacy = sale(1);
        let mut first = sale(2);
        chain::link(&mut first, 2, chain::GENESIS);
        let mut forged = sale(3);
        chain::link(&mut forged, 3, "anything");
        forged.total_minor = 1;
        for s in [&legacy, &first, &forged] {
            append_sale(&mut doc, s).unwrap_or_else(|e| panic!("{e}"));
        }
        let d = derive(clinic, DocType::Ledger, &mut doc).unwrap_or_default();
        let mut got: Vec<(String, bool)> = d
            .receipts
            .iter()
            .map(|r| (r.link.receipt.clone(), r.link.content_ok))
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                ("N1-000002".to_owned(), true),
                ("N1-000003".to_owned(), false)
            ]
        );
        assert!(d.receipts.iter().all(|r| r.node_id == node.to_string()));
    }

    #[test]
    fn concurrent_edits_show_as_conflicting_field_paths() {
        let clinic = ClinicId::new();
        let (_, mut doc) = patient(clinic);
        doc.commit();
        let mut other = doc.fork().with_actor(ActorId::random());
        dermis_model::doc::put_str(&mut doc, &automerge::ROOT, "email", "a@example.com")
            .unwrap_or_else(|e| panic!("{e}"));
        dermis_model::doc::put_str(&mut other, &automerge::ROOT, "email", "b@example.com")
            .unwrap_or_else(|e| panic!("{e}"));
        doc.merge(&mut other).unwrap_or_else(|e| panic!("{e}"));
        let d = derive(clinic, DocType::Patient, &mut doc).unwrap_or_default();
        assert_eq!(d.conflicts, vec!["email".to_owned()]);
    }
}
