//! Patient identity: merging a duplicate record into the one kept, resolving an id
//! through the merges, and finding likely duplicates. What a merge is, and why it
//! rewrites no document, is in `dermis_model::merge`.

use dermis_model::audit::AuditAction;
use dermis_model::clinic::Permission;
use dermis_model::duplicates::{DuplicatePair, find_duplicates};
use dermis_model::merge::{self, MergeRecord};
use dermis_model::{AppointmentId, DocId, DocType, ErrorCode, PatientId, ValidationErrors};
use serde::Serialize;

use super::{audit, unknown};
use crate::node::{Node, OpError, Session, doc_error};
use crate::store::merges as store;
pub use crate::store::merges::MergedInto;
use crate::store::queries;

fn invalid(field: &str, code: ErrorCode, message: String) -> OpError {
    OpError::Invalid(ValidationErrors::single(field, code, message))
}

/// The record `id` names now: its survivor when it was merged, else itself.
pub fn resolve(node: &Node, id: PatientId) -> Result<PatientId, OpError> {
    match store::merged_into(node.store.conn(), &id.to_string())? {
        Some(m) => super::parse_id("patient", &m.into),
        None => Ok(id),
    }
}

/// Where `id` was merged, if it was.
pub fn merged_into(node: &Node, id: PatientId) -> Result<Option<MergedInto>, OpError> {
    Ok(store::merged_into(node.store.conn(), &id.to_string())?)
}

/// The records merged into `survivor`.
pub fn merged_from(node: &Node, survivor: PatientId) -> Result<Vec<PatientId>, OpError> {
    store::merged_from(node.store.conn(), &survivor.to_string())?
        .iter()
        .map(|id| super::parse_id("patient", id))
        .collect()
}

/// What a merge did on this node.
#[derive(Clone, Debug, Serialize)]
pub struct Merged {
    pub keep: PatientId,
    pub other: PatientId,
    /// Appointments that named OTHER and now name KEEP.
    pub appointments: usize,
}

/// Merges OTHER into KEEP. Without `confirmed` nothing is done. KEEP and OTHER must be
/// two records that are not merged already; the merge reaches the hub and every other
/// node with the clinic document.
pub fn merge(
    node: &mut Node,
    session: &Session,
    keep: PatientId,
    other: PatientId,
    confirmed: bool,
) -> Result<Merged, OpError> {
    session.require(Permission::EditPatients)?;
    session.require(Permission::EditClinical)?;
    if !confirmed {
        return Err(invalid(
            "yes",
            ErrorCode::Required,
            "a merge moves everything of OTHER to KEEP; confirm with --yes".into(),
        ));
    }
    if keep == other {
        return Err(invalid(
            "other",
            ErrorCode::InvalidId,
            "a record cannot be merged into itself".into(),
        ));
    }
    for (field, id) in [("keep", keep), ("other", other)] {
        match node.store.doc_heads(id.into())? {
            Some((DocType::Patient, _)) => {}
            _ => return Err(unknown(field, ErrorCode::UnknownPatient, id)),
        }
        if let Some(m) = merged_into(node, id)? {
            return Err(invalid(
                field,
                ErrorCode::AlreadyMerged,
                format!("{id} was already merged into {}", m.into),
            ));
        }
    }
    let record = MergeRecord {
        other,
        into: keep,
        at: crate::node::now(),
        by: session
            .user
            .as_ref()
            .map_or_else(|| session.operator_name.clone(), |u| u.username.clone()),
    };
    let appointments: Vec<AppointmentId> =
        store::appointments_naming(node.store.conn(), &other.to_string())?
            .iter()
            .map(|id| super::parse_id("appointment", id))
            .collect::<Result<_, _>>()?;
    let clinic_id = node.clinic_doc_id();
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let doc = tx.edit(clinic_id)?.ok_or(OpError::NoClinic)?;
    merge::record_merge(doc, &record).map_err(doc_error(clinic_id))?;
    // Appointments this node knows of are re-pointed, so lists and the hub's reports
    // name KEEP; any booked elsewhere for OTHER still resolve to KEEP when read.
    for a in &appointments {
        let doc_id: DocId = (*a).into();
        if let Some(doc) = tx.edit(doc_id)? {
            dermis_model::appointment::link_patient(doc, keep).map_err(doc_error(doc_id))?;
        }
    }
    audit::in_tx(&mut tx, &who, AuditAction::Merge, audit::patient(other))?;
    audit::in_tx(&mut tx, &who, AuditAction::Merge, audit::patient(keep))?;
    tx.commit()?;
    Ok(Merged {
        keep,
        other,
        appointments: appointments.len(),
    })
}

/// A likely duplicate pair with what a person needs to judge it.
#[derive(Clone, Debug, Serialize)]
pub struct DuplicateRow {
    #[serde(flatten)]
    pub pair: DuplicatePair,
    pub a_name: String,
    pub a_mrn: String,
    pub b_name: String,
    pub b_mrn: String,
}

/// Likely duplicate pairs among the records not merged away, best first.
pub fn duplicates(node: &Node, session: &Session) -> Result<Vec<DuplicateRow>, OpError> {
    session.require(Permission::ViewPatients)?;
    let conn = node.store.conn();
    let candidates = store::duplicate_candidates(conn)?;
    let mut out = Vec::new();
    for pair in find_duplicates(&candidates) {
        let (Some(a), Some(b)) = (
            queries::patient_by_id(conn, &pair.a)?,
            queries::patient_by_id(conn, &pair.b)?,
        ) else {
            continue;
        };
        out.push(DuplicateRow {
            a_name: format!("{} {}", a.first_name, a.last_name),
            a_mrn: a.mrn,
            b_name: format!("{} {}", b.first_name, b.last_name),
            b_mrn: b.mrn,
            pair,
        });
    }
    Ok(out)
}
