//! Canonical export: all clinic data as JSON with sorted keys and records sorted by id,
//! without node-local state, so two converged nodes print byte-identical output.

use dermis_model::export::to_canonical_string;
use dermis_model::{DocId, DocType, appointment, ledger, patient, product};
use serde_json::{Value, json};

use super::parse_id;
use crate::node::{Node, OpError, doc_error};
use crate::store::queries;

fn each<T: serde::Serialize>(
    node: &mut Node,
    doc_type: DocType,
    read: impl Fn(&automerge::AutoCommit) -> Result<T, dermis_model::SchemaError>,
) -> Result<Vec<Value>, OpError> {
    let ids = queries::doc_ids(node.store.conn(), doc_type.as_str())?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let doc_id: DocId = parse_id("doc", &id)?;
        if let Some(record) = node.store.with_doc(doc_id, &read)? {
            let record = record.map_err(doc_error(doc_id))?;
            out.push(serde_json::to_value(record).unwrap_or(Value::Null));
        }
    }
    Ok(out)
}

fn sorted_by_id(mut items: Vec<Value>) -> Vec<Value> {
    items.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    items
}

pub fn export_json(node: &mut Node) -> Result<String, OpError> {
    let clinic = node.clinic()?;
    let patients = each(node, DocType::Patient, patient::read_patient)?;
    let products = each(node, DocType::Product, product::read_product)?;
    let appointments = each(node, DocType::Appointment, appointment::read_appointment)?;
    let ledgers = each(node, DocType::Ledger, ledger::read_ledger)?;
    let mut sales = Vec::new();
    let mut movements = Vec::new();
    let mut shifts = Vec::new();
    for l in ledgers {
        sales.extend(l["sales"].as_array().cloned().unwrap_or_default());
        movements.extend(l["movements"].as_array().cloned().unwrap_or_default());
        shifts.extend(l["shifts"].as_array().cloned().unwrap_or_default());
    }
    let conflicts: Vec<Value> = queries::conflicts(node.store.conn())?
        .into_iter()
        .map(|c| serde_json::to_value(c).unwrap_or(Value::Null))
        .collect();
    let mut clinic_value = serde_json::to_value(&clinic).unwrap_or(Value::Null);
    if let Some(users) = clinic_value.get_mut("users").and_then(Value::as_array_mut) {
        users.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    }
    let all = json!({
        "clinic": clinic_value,
        "patients": sorted_by_id(patients),
        "products": sorted_by_id(products),
        "appointments": sorted_by_id(appointments),
        "sales": sorted_by_id(sales),
        "stock_movements": sorted_by_id(movements),
        "shift_events": sorted_by_id(shifts),
        "conflicts": conflicts,
    });
    Ok(to_canonical_string(&all).unwrap_or_default())
}
