//! Applying received bytes to a document, shared by every store.
//!
//! [`parse`] checks the bytes once ([`crate::chunks::split`]: magic, checksums, declared
//! sizes, inflation bounded by the frame limit) and parses every change once; [`load_new`]
//! and [`apply_to`] then apply what was parsed and check that the result is a readable
//! document of the expected clinic, id and type. A damaged message is refused whole:
//! nothing of it is applied. Stores call these and persist only on success.
//!
//! The hub's rules on what a node may change plug in through [`PushRules`], called once
//! per applied push with the document before the push, the result and the parsed changes.

use automerge::{AutoCommit, Change, ChangeHash, ReadDoc};
use dermis_model::doc::Record;
use dermis_model::{ClinicId, DocType};
use uuid::Uuid;

use crate::chunks::{self, ChunkError, ChunkKind, DocLimits};
use crate::wire::ErrorCode;

/// Why received bytes were not applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    #[error("the changes depend on changes this store does not have")]
    MissingDeps,
    #[error("not valid Automerge data")]
    Chunks(#[from] ChunkError),
    #[error("not a valid Automerge document or change: {reason}")]
    Corrupt { reason: String },
    #[error("the document belongs to another clinic, has another id, or is another type")]
    Foreign,
    #[error("the document is unreadable as a {doc_type}: {reason}")]
    Unreadable {
        doc_type: &'static str,
        reason: String,
    },
    #[error("unknown document type {doc_type:?}")]
    UnknownType { doc_type: String },
    #[error("{message}")]
    Refused { code: ErrorCode, message: String },
}

impl ApplyError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ApplyError::Foreign => ErrorCode::Forbidden,
            ApplyError::Refused { code, .. } => *code,
            _ => ErrorCode::InvalidDocument,
        }
    }
}

pub fn parse_type(doc_type: &str) -> Result<DocType, ApplyError> {
    DocType::parse(doc_type).ok_or_else(|| ApplyError::UnknownType {
        doc_type: doc_type.chars().take(40).collect(),
    })
}

/// One received piece of data, checked and parsed once.
#[derive(Clone, Debug, Default)]
pub struct Received {
    parts: Vec<Part>,
}

#[derive(Clone, Debug)]
enum Part {
    /// A saved document's chunk, loaded when applied.
    Document(Vec<u8>),
    Changes(Vec<Change>),
}

impl Received {
    /// Whether the data held no chunk at all.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Whether the data starts with a saved document (a whole document was sent).
    pub fn starts_whole(&self) -> bool {
        matches!(self.parts.first(), Some(Part::Document(_)))
    }
}

fn corrupt(e: impl std::fmt::Display) -> ApplyError {
    ApplyError::Corrupt {
        reason: e.to_string(),
    }
}

/// Checks and parses received bytes; nothing is inflated past `limits`.
pub fn parse(data: &[u8], limits: DocLimits) -> Result<Received, ApplyError> {
    let mut parts: Vec<Part> = Vec::new();
    for chunk in chunks::split(data, limits)? {
        match chunk.kind {
            ChunkKind::Document => parts.push(Part::Document(chunk.bytes)),
            ChunkKind::Change => {
                let change = Change::try_from(chunk.bytes.as_slice()).map_err(corrupt)?;
                match parts.last_mut() {
                    Some(Part::Changes(changes)) => changes.push(change),
                    _ => parts.push(Part::Changes(vec![change])),
                }
            }
        }
    }
    Ok(Received { parts })
}

/// What a push would change, for [`PushRules`].
#[derive(Debug)]
pub struct Incoming<'a> {
    pub doc_id: Uuid,
    pub doc_type: DocType,
    pub clinic: ClinicId,
    /// The document as stored before this push; `None` for a document new to the store.
    pub before: Option<&'a AutoCommit>,
    /// The document with the push applied.
    pub after: &'a AutoCommit,
    /// The changes the push brought that the store did not have (for a document sent
    /// whole, those it added to a stored one; for a new document, all of its changes
    /// when [`PushRules::needs_changes`] says so).
    pub changes: &'a [Change],
}

/// A store's rules on pushes it refuses although they are valid documents (the hub's
/// forbidden changes and erased ids). Called once per push that would change a document.
pub trait PushRules {
    /// Whether a push of this document may be considered at all, before its bytes are
    /// parsed (the hub's erased ids: refused whatever the push holds, even changes
    /// whose history the store no longer has).
    fn admit(&self, doc_id: Uuid, doc_type: DocType) -> Result<(), ApplyError> {
        let _ = (doc_id, doc_type);
        Ok(())
    }

    fn check(&self, incoming: &Incoming<'_>) -> Result<(), ApplyError>;

    /// Whether [`Incoming::changes`] must list every change of a new document of this
    /// type sent whole (listing them costs a copy of the document's history).
    fn needs_changes(&self, doc_type: DocType) -> bool {
        let _ = doc_type;
        true
    }
}

/// No rules: every valid push is applied (nodes, the simulation).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoRules;

impl PushRules for NoRules {
    fn check(&self, _: &Incoming<'_>) -> Result<(), ApplyError> {
        Ok(())
    }

    fn needs_changes(&self, _: DocType) -> bool {
        false
    }
}

/// Checks that `doc` is a whole, readable document with this identity.
pub fn check(
    doc: &AutoCommit,
    id: Uuid,
    doc_type: DocType,
    clinic: ClinicId,
) -> Result<(), ApplyError> {
    check_record(doc, id, doc_type, clinic).map(drop)
}

/// Like [`check`], returning what was read, so a store that indexes the document does
/// not read it a second time.
pub fn check_record(
    doc: &AutoCommit,
    id: Uuid,
    doc_type: DocType,
    clinic: ClinicId,
) -> Result<Record, ApplyError> {
    check_meta(doc, id, doc_type, clinic)?;
    dermis_model::doc::read_record(doc, doc_type).map_err(unreadable(doc_type))
}

/// What every check starts with: no missing dependencies, and the document says it is
/// `id`, of `doc_type`, in `clinic`.
fn check_meta(
    doc: &AutoCommit,
    id: Uuid,
    doc_type: DocType,
    clinic: ClinicId,
) -> Result<(), ApplyError> {
    if !ReadDoc::get_missing_deps(doc, &[]).is_empty() {
        return Err(ApplyError::MissingDeps);
    }
    let meta = dermis_model::doc::read_meta(doc).map_err(unreadable(doc_type))?;
    if meta.doc_type != doc_type || meta.id.0 != id || meta.clinic_id != clinic {
        return Err(ApplyError::Foreign);
    }
    Ok(())
}

fn unreadable(doc_type: DocType) -> impl Fn(dermis_model::SchemaError) -> ApplyError {
    move |e| ApplyError::Unreadable {
        doc_type: doc_type.as_str(),
        reason: e.to_string(),
    }
}

/// [`check_record`] for `doc` after changes on top of `before`, reading of it only what
/// the changes can have made. A ledger with a known base is checked by its own fields
/// and the entries the changes added: ledgers are append-only (the hub's rules refuse a
/// change that alters or removes an entry), so the others read when they arrived, and a
/// day's ledger gains an entry with every sale and chart view — read whole, each live
/// update of one cost every node a read of the whole day. `None` then: the caller's
/// index reads what it needs from the changes. Anything else is read whole.
fn check_after(
    doc: &mut AutoCommit,
    before: &[ChangeHash],
    id: Uuid,
    doc_type: DocType,
    clinic: ClinicId,
) -> Result<Option<Record>, ApplyError> {
    if doc_type != DocType::Ledger || before.is_empty() {
        return check_record(doc, id, doc_type, clinic).map(Some);
    }
    check_meta(doc, id, doc_type, clinic)?;
    let added = dermis_model::ledger::added_since(doc, before).map_err(unreadable(doc_type))?;
    dermis_model::ledger::read_ledger_only(doc, &added).map_err(unreadable(doc_type))?;
    Ok(None)
}

/// Loads one saved document chunk strictly.
fn load_chunk(bytes: &[u8]) -> Result<AutoCommit, ApplyError> {
    let options = automerge::LoadOptions::new().on_partial_load(automerge::OnPartialLoad::Error);
    AutoCommit::load_with_options(bytes, options).map_err(|e| match e {
        automerge::AutomergeError::MissingDeps => ApplyError::MissingDeps,
        other => corrupt(other),
    })
}

/// Applies the parts to `doc`; returns the changes it did not have before.
fn apply_parts(doc: &mut AutoCommit, received: Received) -> Result<Vec<Change>, ApplyError> {
    let mut added = Vec::new();
    for part in received.parts {
        match part {
            Part::Document(bytes) => {
                let mut other = load_chunk(&bytes)?;
                let hashes = doc.merge(&mut other).map_err(corrupt)?;
                added.extend(hashes.iter().filter_map(|h| doc.get_change_by_hash(h)));
            }
            Part::Changes(changes) => {
                let new: Vec<Change> = changes
                    .into_iter()
                    .filter(|c| doc.get_change_by_hash(&c.hash()).is_none())
                    .collect();
                doc.apply_changes(new.clone()).map_err(corrupt)?;
                added.extend(new);
            }
        }
    }
    dermis_model::doc::forget_applied(doc);
    Ok(added)
}

/// Loads a document never seen before from received data.
pub fn load_new(
    received: Received,
    id: Uuid,
    doc_type: DocType,
    clinic: ClinicId,
) -> Result<AutoCommit, ApplyError> {
    load_new_record(received, id, doc_type, clinic, &NoRules).map(|(doc, _)| doc)
}

/// [`load_new`], also returning what was read, with `rules` consulted.
pub fn load_new_record(
    mut received: Received,
    id: Uuid,
    doc_type: DocType,
    clinic: ClinicId,
    rules: &dyn PushRules,
) -> Result<(AutoCommit, Record), ApplyError> {
    // Every change of a new document is new to the store: the rules see them all,
    // those of a document sent whole included.
    let (mut doc, mut changes) = match received.parts.first() {
        Some(Part::Document(bytes)) => {
            let mut doc = load_chunk(bytes)?;
            received.parts.remove(0);
            let loaded = if rules.needs_changes(doc_type) {
                doc.get_changes(&[])
            } else {
                Vec::new()
            };
            (doc, loaded)
        }
        _ => (AutoCommit::new(), Vec::new()),
    };
    changes.extend(apply_parts(&mut doc, received)?);
    let record = check_record(&doc, id, doc_type, clinic)?;
    rules.check(&Incoming {
        doc_id: id,
        doc_type,
        clinic,
        before: None,
        after: &doc,
        changes: &changes,
    })?;
    Ok((doc, record))
}

/// What applying received data to a stored document did.
#[derive(Debug)]
pub struct Applied {
    pub before: Vec<ChangeHash>,
    pub after: Vec<ChangeHash>,
    /// The whole record as checked; `None` for a ledger checked by its new entries
    /// (see `check_after`).
    pub record: Option<Record>,
}

impl Applied {
    pub fn changed(&self) -> bool {
        self.before != self.after
    }
}

/// Applies received data to a copy of `doc` (left as it was) and returns the copy and
/// what it did. Rules are consulted only when something changed.
pub fn apply_to_copy(
    doc: &AutoCommit,
    received: Received,
    id: Uuid,
    doc_type: DocType,
    clinic: ClinicId,
    rules: &dyn PushRules,
) -> Result<(AutoCommit, Applied), ApplyError> {
    let mut copy = doc.clone();
    let applied = apply_in_place(
        &mut copy,
        received,
        id,
        doc_type,
        clinic,
        Some((doc, rules)),
    )?;
    Ok((copy, applied))
}

/// Applies received data to a loaded document, returning the heads before and after.
/// On error the document may hold queued changes: the caller must drop it.
pub fn apply_to(
    doc: &mut AutoCommit,
    received: Received,
    id: Uuid,
    doc_type: DocType,
    clinic: ClinicId,
) -> Result<Applied, ApplyError> {
    apply_in_place(doc, received, id, doc_type, clinic, None)
}

fn apply_in_place(
    doc: &mut AutoCommit,
    received: Received,
    id: Uuid,
    doc_type: DocType,
    clinic: ClinicId,
    rules: Option<(&AutoCommit, &dyn PushRules)>,
) -> Result<Applied, ApplyError> {
    let before = doc.get_heads();
    let changes = apply_parts(doc, received)?;
    let record = check_after(doc, &before, id, doc_type, clinic)?;
    let after = doc.get_heads();
    if let Some((original, rules)) = rules
        && before != after
    {
        rules.check(&Incoming {
            doc_id: id,
            doc_type,
            clinic,
            before: Some(original),
            after: doc,
            changes: &changes,
        })?;
    }
    Ok(Applied {
        before,
        after,
        record,
    })
}

/// Whether `heads` are all known to `doc`: then the document already has everything
/// those heads describe.
pub fn has_all(doc: &AutoCommit, heads: &[ChangeHash]) -> bool {
    heads
        .iter()
        .all(|h| ReadDoc::get_change_by_hash(doc, h).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::{patient_doc, rename};

    fn limits() -> DocLimits {
        DocLimits::default()
    }

    /// A day's ledger and a copy of it as a node holds it.
    fn ledger_and_copy(clinic: ClinicId) -> (Uuid, AutoCommit, AutoCommit) {
        let id = dermis_model::DocId::new();
        let node = dermis_model::NodeId::new();
        let mut doc = dermis_model::ledger::create_ledger(
            id,
            clinic,
            node,
            "2026-12-05",
            automerge::ActorId::random(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        doc.commit();
        let copy = doc.fork().with_actor(automerge::ActorId::random());
        (id.0, doc, copy)
    }

    fn view(node: dermis_model::NodeId) -> dermis_model::audit::AuditEntry {
        dermis_model::audit::AuditEntry {
            id: Uuid::now_v7().to_string(),
            at: 3,
            user: "anna".into(),
            user_id: None,
            node_id: node,
            action: dermis_model::audit::AuditAction::View,
            target: dermis_model::audit::AuditTarget {
                kind: "patient".into(),
                id: "p".into(),
                patient: None,
            },
            reason: None,
        }
    }

    #[test]
    fn a_ledger_change_is_checked_by_the_entries_it_adds() {
        use automerge::transaction::Transactable;
        let clinic = ClinicId::new();
        let (id, mut doc, mut copy) = ledger_and_copy(clinic);
        let node = dermis_model::ledger::read_ledger(&doc)
            .unwrap_or_else(|e| panic!("{e}"))
            .node_id;
        let base = doc.get_heads();
        dermis_model::audit::append_audit(&mut doc, &view(node)).unwrap_or_else(|e| panic!("{e}"));
        doc.commit();
        let change = doc.save_after(&base);
        let received = parse(&change, limits()).unwrap_or_else(|e| panic!("{e}"));
        let applied = apply_to(&mut copy, received, id, DocType::Ledger, clinic)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(applied.changed());
        assert_eq!(applied.record, None, "not read whole");

        // An entry that does not read is refused, as the whole check refuses it.
        let base = doc.get_heads();
        let audit = match doc.get(automerge::ROOT, dermis_model::audit::AUDIT_MAP) {
            Ok(Some((_, map))) => map,
            other => panic!("no audit map: {other:?}"),
        };
        // An entry without its fields.
        doc.put_object(&audit, Uuid::now_v7().to_string(), automerge::ObjType::Map)
            .unwrap_or_else(|e| panic!("{e}"));
        doc.commit();
        let bad = doc.save_after(&base);
        let received = parse(&bad, limits()).unwrap_or_else(|e| panic!("{e}"));
        let before = copy.get_heads();
        let refused = apply_to(&mut copy.clone(), received, id, DocType::Ledger, clinic);
        assert!(
            matches!(refused, Err(ApplyError::Unreadable { .. })),
            "{refused:?}"
        );
        assert!(check(&doc, id, DocType::Ledger, clinic).is_err());
        assert_eq!(copy.get_heads(), before);
    }

    #[test]
    fn a_whole_document_loads_and_changes_apply() {
        let clinic = ClinicId::new();
        let (id, mut doc) = patient_doc(clinic, "Ana");
        let saved = doc.save();
        let received = parse(&saved, limits()).unwrap_or_else(|e| panic!("{e}"));
        assert!(received.starts_whole());
        let mut loaded =
            load_new(received, id, DocType::Patient, clinic).unwrap_or_else(|e| panic!("{e}"));
        let change = rename(&mut doc, "Anna");
        let received = parse(&change, limits()).unwrap_or_else(|e| panic!("{e}"));
        let applied = apply_to(&mut loaded, received, id, DocType::Patient, clinic)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(applied.changed());
        assert_eq!(loaded.get_heads(), doc.get_heads());
        // The same change again changes nothing.
        let received = parse(&change, limits()).unwrap_or_else(|e| panic!("{e}"));
        let again = apply_to(&mut loaded, received, id, DocType::Patient, clinic)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!again.changed());
    }

    #[test]
    fn changes_alone_never_make_a_new_document() {
        let clinic = ClinicId::new();
        let (id, mut doc) = patient_doc(clinic, "Ana");
        let change = rename(&mut doc, "Anna");
        let received = parse(&change, limits()).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            load_new(received, id, DocType::Patient, clinic),
            Err(ApplyError::MissingDeps)
        ));
    }

    #[test]
    fn a_damaged_message_is_refused_whole() {
        let clinic = ClinicId::new();
        let (id, mut doc) = patient_doc(clinic, "Ana");
        let mut stored = doc.fork();
        let good = rename(&mut doc, "Anna");
        let bad = rename(&mut doc, "Anne");
        let mut both = good.clone();
        let mut damaged = bad.clone();
        let last = damaged.len() - 1;
        damaged[last] ^= 0xff;
        both.extend_from_slice(&damaged);
        let heads = stored.get_heads();
        assert!(
            parse(&both, limits()).is_err(),
            "the second chunk's checksum"
        );
        // Nothing of it reached the stored copy either.
        assert_eq!(stored.get_heads(), heads);
        let _ = id;
    }

    #[test]
    fn rules_see_the_document_before_and_the_parsed_changes() {
        struct RefuseRenames;
        impl PushRules for RefuseRenames {
            fn check(&self, incoming: &Incoming<'_>) -> Result<(), ApplyError> {
                let before = incoming
                    .before
                    .and_then(|d| dermis_model::patient::read_patient(d).ok());
                let after = dermis_model::patient::read_patient(incoming.after).ok();
                match (before, after) {
                    (Some(b), Some(a)) if b.first_name != a.first_name => {
                        assert_eq!(incoming.changes.len(), 1);
                        Err(ApplyError::Refused {
                            code: ErrorCode::Forbidden,
                            message: "renames are forbidden".into(),
                        })
                    }
                    _ => Ok(()),
                }
            }
        }
        let clinic = ClinicId::new();
        let (id, mut doc) = patient_doc(clinic, "Ana");
        let stored = doc.clone();
        let change = rename(&mut doc, "Anna");
        let received = parse(&change, limits()).unwrap_or_else(|e| panic!("{e}"));
        let refused = apply_to_copy(
            &stored,
            received,
            id,
            DocType::Patient,
            clinic,
            &RefuseRenames,
        );
        assert!(matches!(
            refused,
            Err(ApplyError::Refused {
                code: ErrorCode::Forbidden,
                ..
            })
        ));
    }
}
