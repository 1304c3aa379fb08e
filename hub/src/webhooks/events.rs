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
use dermis_model::{ClinicId, DocType, Millis, SchemaError};
use serde_json::json;

/// An event type a webhook can subscribe to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    PatientCreated,
    EncounterSigned,
    SaleCompleted,
    StockNegative,
    PhotoReady,
}

impl EventType {
    pub const ALL: [EventType; 5] = [
        EventType::PatientCreated,
        EventType::EncounterSigned,
        EventType::SaleCompleted,
        EventType::StockNegative,
        EventType::PhotoReady,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::PatientCreated => "patient.created",
            EventType::EncounterSigned => "encounter.signed",
            EventType::SaleCompleted => "sale.completed",
            EventType::StockNegative => "stock.negative",
            EventType::PhotoReady => "photo.ready",
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
#[error("unknown event type {name:?}; known: patient.created, encounter.signed, sale.completed, stock.negative, photo.ready")]
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
}

/// RFC 3339 (UTC) for payloads.
pub fn rfc3339(ms: Millis) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The `stock.negative` event for a SKU that went below zero because of `entry_id`.
pub fn stock_negative(clinic: ClinicId, entry_id: &str, sku: &str, on_hand: i64) -> DerivedEvent {
    DerivedEvent {
        key: format!("stock.negative:{clinic}:{entry_id}"),
        event_type: EventType::StockNegative,
        data: json!({ "clinic_id": clinic, "sku": sku, "on_hand": on_hand }),
    }
}

/// What a document of `doc_type` contributes. Clinic, product and appointment
/// documents contribute only their conflicts.
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
                        "signed_at": encounter.signed_at.map(rfc3339),
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
        }
        DocType::Ledger => {
            let ledger = dermis_model::ledger::read_ledger(doc)?;
            for sale in ledger.sales.iter().filter(|s| s.kind == SaleKind::Sale) {
                out.events.push(DerivedEvent {
                    key: format!("sale.completed:{}", sale.id),
                    event_type: EventType::SaleCompleted,
                    data: json!({
                        "sale_id": sale.id.to_string(),
                        "clinic_id": clinic,
                        "node_id": sale.node_id.to_string(),
                        "receipt": sale.receipt,
                        "at": rfc3339(sale.at),
                        "currency": sale.currency.code(),
                        "subtotal_minor": sale.subtotal_minor,
                        "discount_minor": sale.discount_minor,
                        "tax_minor": sale.tax_minor,
                        "total_minor": sale.total_minor,
                    }),
                });
            }
            // A sale writes its OUT movements in the same edit: movements alone are the
            // stock (counting sale lines too would count each sale twice).
            for movement in &ledger.movements {
                out.stock.push(StockEntry {
                    entry_id: movement.id.to_string(),
                    sku: movement.sku.clone(),
                    delta: movement.delta(),
                });
            }
        }
        DocType::Clinic | DocType::Product | DocType::Appointment => {}
    }
    if dermis_model::conflict::may_have_conflicts(doc) {
        out.conflicts = dermis_model::conflict::find_conflicts(doc)?
            .iter()
            .map(|c| c.path_string())
            .collect();
    }
    Ok(out)
}
