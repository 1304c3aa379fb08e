//! The audit trail: every view of a chart, every create, update, sign, addendum, export,
//! erase and sign-in (failed ones too) becomes an entry in this node's ledger document
//! of the day — time, user, node, action, target id, never clinical content. An edit's
//! entry is written in the edit's own transaction ([`in_tx`]), so there is no edit
//! without its entry; a view or a sign-in writes one of its own ([`record`]).

use automerge::ActorId;
use dermis_model::audit::{AuditAction, AuditEntry, AuditTarget, append_audit};
use dermis_model::clinic::Permission;
use dermis_model::{PatientId, UserId};

use super::catalog::{day_of, ledger_for_day};
use crate::node::{Identity, Node, OpError, Session, doc_error};
use crate::store::Tx;
use crate::store::audit::{AuditFilter, AuditRow, audit_entries};

/// Who acts, as an entry records it.
#[derive(Clone, Debug)]
pub struct Actor {
    identity: Identity,
    actor: ActorId,
    user: String,
    user_id: Option<UserId>,
}

impl Actor {
    pub fn of(node: &Node, session: &Session) -> Actor {
        Actor {
            identity: node.identity.clone(),
            actor: node.actor(),
            user: session
                .user
                .as_ref()
                .map_or_else(|| session.operator_name.clone(), |u| u.username.clone()),
            user_id: session.user_id(),
        }
    }
}

/// A patient's chart, or something in it.
pub fn patient(id: PatientId) -> AuditTarget {
    AuditTarget {
        kind: "patient".into(),
        id: id.to_string(),
        patient: Some(id),
    }
}

/// Something inside a patient's chart (`encounter`, `photo`, `allergy`, …).
pub fn in_chart(kind: &str, id: impl std::fmt::Display, patient: PatientId) -> AuditTarget {
    AuditTarget {
        kind: kind.into(),
        id: id.to_string(),
        patient: Some(patient),
    }
}

/// Anything else (`sale`, `product`, `appointment`, `user`, `clinic`).
pub fn other(kind: &str, id: impl std::fmt::Display) -> AuditTarget {
    AuditTarget {
        kind: kind.into(),
        id: id.to_string(),
        patient: None,
    }
}

/// Adds the entry to an open transaction: it commits with the edit, or not at all.
/// (A write that has the day's ledger open already uses [`append_to`] instead: the
/// ledger it made in this transaction is not in the index yet.)
pub fn in_tx(
    tx: &mut Tx<'_>,
    who: &Actor,
    action: AuditAction,
    target: AuditTarget,
) -> Result<(), OpError> {
    let at = tx.now();
    let ledger_id = ledger_for_day(tx, &who.identity, &who.actor, &day_of(at))?;
    let doc = tx.edit(ledger_id)?.ok_or(OpError::NoClinic)?;
    append_to(doc, ledger_id, who, at, action, target)
}

/// Adds the entry to the day's ledger document `doc`, already open for writing.
pub fn append_to(
    doc: &mut automerge::AutoCommit,
    ledger_id: dermis_model::DocId,
    who: &Actor,
    at: dermis_model::Millis,
    action: AuditAction,
    target: AuditTarget,
) -> Result<(), OpError> {
    let entry = AuditEntry {
        id: uuid::Uuid::now_v7().to_string(),
        at,
        user: who.user.clone(),
        user_id: who.user_id,
        node_id: who.identity.node_id,
        action,
        target,
    };
    append_audit(doc, &entry).map_err(doc_error(ledger_id))
}

/// Records an entry in a transaction of its own (a view, an export, a sign-in).
pub fn record(
    node: &mut Node,
    session: &Session,
    action: AuditAction,
    target: AuditTarget,
) -> Result<(), OpError> {
    let who = Actor::of(node, session);
    let mut tx = node.begin(session)?;
    in_tx(&mut tx, &who, action, target)?;
    tx.commit()?;
    Ok(())
}

/// A failed sign-in, recorded under the user name that was tried (no session exists).
pub fn record_failed_sign_in(node: &mut Node, username: &str) -> Result<(), OpError> {
    let mut session = Session::operator();
    session.operator_name = username.trim().chars().take(64).collect();
    let target = other("user", &session.operator_name);
    record(node, &session, AuditAction::SignInFailed, target)
}

/// The trail, newest first (administrators only).
pub fn list(
    node: &Node,
    session: &Session,
    filter: &AuditFilter,
) -> Result<Vec<AuditRow>, OpError> {
    session.require(Permission::ManageUsers)?;
    Ok(audit_entries(node.store.conn(), filter)?)
}
