//! Conflicts: fields that two nodes changed concurrently, listed with every value, and
//! settled by choosing one (the choice is an ordinary edit and syncs).

use dermis_model::clinic::Permission;
use dermis_model::{DocId, DocType, ErrorCode, ValidationErrors};

use dermis_model::audit::AuditAction;

use super::{audit, parse_id, unknown};
use crate::node::{Node, OpError, Session, doc_error};
use crate::store::queries::{self, ConflictRow};

pub fn list(node: &Node, session: &Session) -> Result<Vec<ConflictRow>, OpError> {
    let rows = queries::conflicts(node.store.conn())?;
    Ok(rows
        .into_iter()
        .filter(|r| permission_for(r).is_some_and(|p| session.can(p)))
        .collect())
}

fn permission_for(row: &ConflictRow) -> Option<Permission> {
    match DocType::parse(&row.doc_type)? {
        DocType::Patient
            if row
                .path
                .first()
                .is_some_and(|p| p == "encounters" || p == "photos" || p == "allergies") =>
        {
            Some(Permission::EditClinical)
        }
        DocType::Patient => Some(Permission::EditPatients),
        DocType::Product => Some(Permission::ManageProducts),
        DocType::Clinic => Some(Permission::ManageSettings),
        DocType::Appointment => Some(Permission::ManageAppointments),
        DocType::Ledger => None,
    }
}

/// Keeps `value` for the field at `path` of document `doc_id`.
pub fn resolve(
    node: &mut Node,
    session: &Session,
    doc_id: &str,
    path: &[String],
    value: &serde_json::Value,
) -> Result<(), OpError> {
    let row = queries::conflicts(node.store.conn())?
        .into_iter()
        .find(|r| r.doc_id == doc_id && r.path == path)
        .ok_or_else(|| {
            OpError::Invalid(ValidationErrors::single(
                "conflict",
                ErrorCode::InvalidId,
                "no such conflict (it may have been settled already)",
            ))
        })?;
    let permission =
        permission_for(&row).ok_or_else(|| unknown("conflict", ErrorCode::InvalidId, doc_id))?;
    session.require(permission)?;
    let id: DocId = parse_id("doc", doc_id)?;
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let doc = tx
        .edit(id)?
        .ok_or_else(|| unknown("doc", ErrorCode::InvalidId, doc_id))?;
    dermis_model::conflict::resolve(doc, path, value).map_err(doc_error(id))?;
    audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Update,
        audit::other("document", id),
    )?;
    tx.commit()?;
    Ok(())
}
