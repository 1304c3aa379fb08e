//! Who did what: the audit trail. Each entry records a time, a user, a node, an action
//! and the id of what it was done to — never clinical content — and, for the actions
//! that ask for one (a refund, a void), the reason the user gave. Entries live in the
//! acting node's ledger document of the day (map `audit`), so they share the ledgers'
//! rule: written whole in one change, never edited or removed (the hub refuses it), and
//! synced to the hub, so a wiped node's trail survives there and on every other node.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ReadDoc, ScalarValue};
use serde::Serialize;

use crate::doc::{self, SchemaError};
use crate::{Millis, NodeId, PatientId, UserId};

/// The ledger map that holds audit entries.
pub const AUDIT_MAP: &str = "audit";

/// What was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    View,
    Create,
    Update,
    Sign,
    Addendum,
    Print,
    Export,
    Erase,
    SignIn,
    SignInFailed,
    Backup,
    /// A prescription made despite a matching allergy (the reason is on it).
    OverrideAllergy,
    /// A patient record merged into another.
    Merge,
}

impl AuditAction {
    pub const ALL: [AuditAction; 13] = [
        AuditAction::View,
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::Sign,
        AuditAction::Addendum,
        AuditAction::Print,
        AuditAction::Export,
        AuditAction::Erase,
        AuditAction::SignIn,
        AuditAction::SignInFailed,
        AuditAction::Backup,
        AuditAction::OverrideAllergy,
        AuditAction::Merge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::View => "view",
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Sign => "sign",
            AuditAction::Addendum => "addendum",
            AuditAction::Print => "print",
            AuditAction::Export => "export",
            AuditAction::Erase => "erase",
            AuditAction::SignIn => "sign_in",
            AuditAction::SignInFailed => "sign_in_failed",
            AuditAction::Backup => "backup",
            AuditAction::OverrideAllergy => "override_allergy",
            AuditAction::Merge => "merge",
        }
    }

    pub fn parse(s: &str) -> Option<AuditAction> {
        AuditAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s.trim())
    }
}

/// What an action was done to: a kind (`patient`, `encounter`, `photo`, `sale`,
/// `appointment`, `product`, `user`, `clinic`) and its id. `patient` names the patient
/// whose chart it belongs to, so a patient's trail is one query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditTarget {
    pub kind: String,
    pub id: String,
    pub patient: Option<PatientId>,
}

/// One audit entry. `user` is the staff user name (or the operator's name on a node
/// without staff; for a failed sign-in, the name that was tried).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: String,
    pub at: Millis,
    pub user: String,
    pub user_id: Option<UserId>,
    pub node_id: NodeId,
    pub action: AuditAction,
    pub target: AuditTarget,
    /// Why, when the action asks for a reason (a refund, a void): the words the user gave.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Writes `entry` whole, in one batch, under the ledger's `audit` map.
pub fn append_audit(doc: &mut AutoCommit, entry: &AuditEntry) -> Result<(), SchemaError> {
    use automerge::hydrate::Value;
    let mut f: std::collections::HashMap<&'static str, Value> = std::collections::HashMap::new();
    f.insert("at", Value::scalar(ScalarValue::Timestamp(entry.at)));
    f.insert("user", Value::scalar(entry.user.as_str()));
    if let Some(id) = entry.user_id {
        f.insert("user_id", Value::scalar(id.to_string()));
    }
    f.insert("node_id", Value::scalar(entry.node_id.to_string()));
    f.insert("action", Value::scalar(entry.action.as_str()));
    f.insert("target_kind", Value::scalar(entry.target.kind.as_str()));
    f.insert("target", Value::scalar(entry.target.id.as_str()));
    if let Some(p) = entry.target.patient {
        f.insert("patient_id", Value::scalar(p.to_string()));
    }
    if let Some(reason) = &entry.reason {
        f.insert("reason", Value::scalar(reason.as_str()));
    }
    let map = doc::ensure_map(doc, &automerge::ROOT, AUDIT_MAP)?;
    doc.batch_create_object(&map, entry.id.as_str(), &Value::from(f), false)?;
    Ok(())
}

/// The audit entries of a ledger document (none in a ledger written before the trail).
pub fn read_audit(doc: &impl ReadDoc, ledger_node: NodeId) -> Result<Vec<AuditEntry>, SchemaError> {
    let Some(map) = doc::map_at(doc, &automerge::ROOT, AUDIT_MAP)? else {
        return Ok(Vec::new());
    };
    read_audit_objs(doc, ledger_node, doc::map_entries(doc, &map)?)
}

/// The ids of the ledger's audit entries, in key order. Listing them costs a fraction of
/// reading them (each entry is several lookups).
pub fn audit_keys(doc: &impl ReadDoc) -> Result<Vec<String>, SchemaError> {
    Ok(match doc::map_at(doc, &automerge::ROOT, AUDIT_MAP)? {
        Some(map) => doc.keys(&map).collect(),
        None => Vec::new(),
    })
}

/// The audit entries stored under `entries` (id, object) of the ledger's audit map.
pub(crate) fn read_audit_objs(
    doc: &impl ReadDoc,
    ledger_node: NodeId,
    entries: Vec<(String, automerge::ObjId)>,
) -> Result<Vec<AuditEntry>, SchemaError> {
    let mut out = Vec::with_capacity(entries.len());
    for (key, obj) in entries {
        let f = doc::fields(doc, &obj)?;
        let action = f.required_str("action")?;
        out.push(AuditEntry {
            at: f.i64("at")?.ok_or_else(|| SchemaError::Missing {
                field: "audit.at".into(),
            })?,
            user: f.str("user")?.unwrap_or_default(),
            user_id: f.str("user_id")?.and_then(|s| s.parse().ok()),
            node_id: f
                .str("node_id")?
                .and_then(|s| s.parse().ok())
                .unwrap_or(ledger_node),
            action: AuditAction::parse(&action).ok_or_else(|| SchemaError::Invalid {
                field: "audit.action".into(),
            })?,
            target: AuditTarget {
                kind: f.str("target_kind")?.unwrap_or_default(),
                id: f.str("target")?.unwrap_or_default(),
                patient: f.str("patient_id")?.and_then(|s| s.parse().ok()),
            },
            reason: f.str("reason")?,
            id: key,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClinicId, DocId};

    #[test]
    fn entries_round_trip_and_carry_no_content() {
        let node = NodeId::new();
        let mut doc = crate::ledger::create_ledger(
            DocId::new(),
            ClinicId::new(),
            node,
            "2026-12-05",
            automerge::ActorId::random(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let patient = PatientId::new();
        let entry = AuditEntry {
            id: "01a2-entry".into(),
            at: 1_770_000_000_000,
            user: "dora".into(),
            user_id: Some(UserId::new()),
            node_id: node,
            action: AuditAction::View,
            target: AuditTarget {
                kind: "patient".into(),
                id: patient.to_string(),
                patient: Some(patient),
            },
            reason: None,
        };
        append_audit(&mut doc, &entry).unwrap_or_else(|e| panic!("{e}"));
        // A void's entry carries the reason the cashier gave.
        let void = AuditEntry {
            id: "01a3-entry".into(),
            action: AuditAction::Create,
            target: AuditTarget {
                kind: "sale".into(),
                id: "sale-1".into(),
                patient: None,
            },
            reason: Some("rang up twice".into()),
            ..entry.clone()
        };
        append_audit(&mut doc, &void).unwrap_or_else(|e| panic!("{e}"));
        let back = read_audit(&doc, node).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, vec![entry, void]);
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
    }
}
