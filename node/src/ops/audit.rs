//! The audit trail: every view of a chart, every create, update, sign, addendum, export,
//! erase and sign-in (failed ones too) becomes an entry in this node's ledger document
//! of the day — time, user, node, action, target id, never clinical content. An edit's
//! entry is written in the edit's own transaction ([`in_tx`]), so there is no edit
//! without its entry; a view or a sign-in writes one of its own ([`record`]).
//!
//! The window opens a chart on every click, so its views take a cheaper durable path
//! ([`queue`]): a row in `audit_queue` (one page of the store), moved into the day's
//! ledger with the rest of the queue by [`flush_queue`] when the window is idle, when the
//! queue grows, and when a process next opens the store. The trail lists queued entries
//! as soon as they are recorded; the hub gets them with the ledger, seconds later.

use std::collections::HashMap;

use automerge::ActorId;
use dermis_model::audit::{AuditAction, AuditEntry, AuditTarget, append_audit};
use dermis_model::clinic::Permission;
use dermis_model::{PatientId, UserId};

use super::catalog::{day_of, ledger_for_day};
use crate::node::{Identity, Node, OpError, Session, doc_error};
use crate::store::Tx;
use crate::store::audit::{
    AuditFilter, AuditRow, audit_entries, dequeue_through, enqueue, queue_len, queued,
};

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
    append_to(doc, ledger_id, who, at, action, target, None)
}

/// Adds the entry to the day's ledger document `doc`, already open for writing, with the
/// reason the user gave when the action asks for one.
pub fn append_to(
    doc: &mut automerge::AutoCommit,
    ledger_id: dermis_model::DocId,
    who: &Actor,
    at: dermis_model::Millis,
    action: AuditAction,
    target: AuditTarget,
    reason: Option<String>,
) -> Result<(), OpError> {
    let entry = AuditEntry {
        reason,
        ..entry(who, at, action, target)
    };
    append_audit(doc, &entry).map_err(doc_error(ledger_id))
}

fn entry(
    who: &Actor,
    at: dermis_model::Millis,
    action: AuditAction,
    target: AuditTarget,
) -> AuditEntry {
    AuditEntry {
        id: uuid::Uuid::now_v7().to_string(),
        at,
        user: who.user.clone(),
        user_id: who.user_id,
        node_id: who.identity.node_id,
        action,
        target,
        reason: None,
    }
}

/// Records an entry durably in the queue (see the module's text): it is in the trail
/// when this returns, and in a ledger document after the next [`flush_queue`].
pub fn queue(
    node: &Node,
    session: &Session,
    action: AuditAction,
    target: AuditTarget,
) -> Result<(), OpError> {
    let who = Actor::of(node, session);
    enqueue(
        node.store.conn(),
        &entry(&who, crate::node::now(), action, target),
    )?;
    Ok(())
}

/// Moves every queued entry into the ledger of its day (as entries of this node, with
/// the time and user they were recorded with) in one transaction, and returns how many
/// moved. Two processes flushing at once take turns; the second finds the queue empty.
pub fn flush_queue(node: &mut Node, session: &Session) -> Result<usize, OpError> {
    // A read first: an empty queue (the usual case) costs no write transaction.
    if queue_len(node.store.conn())? == 0 {
        return Ok(0);
    }
    let who = Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let queued = queued(tx.sql())?;
    let Some(&(last, _)) = queued.last() else {
        return Ok(0);
    };
    // A ledger made in this transaction is not in the index yet: remember it by day.
    let mut ledgers: HashMap<String, dermis_model::DocId> = HashMap::new();
    for (_, entry) in &queued {
        let day = day_of(entry.at);
        let ledger_id = match ledgers.get(&day) {
            Some(id) => *id,
            None => {
                let id = ledger_for_day(&mut tx, &who.identity, &who.actor, &day)?;
                ledgers.insert(day, id);
                id
            }
        };
        let doc = tx.edit(ledger_id)?.ok_or(OpError::NoClinic)?;
        append_audit(doc, entry).map_err(doc_error(ledger_id))?;
    }
    dequeue_through(tx.sql(), last)?;
    tx.commit()?;
    Ok(queued.len())
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
