//! Applying received bytes to a document, shared by every store: load, refuse what
//! depends on missing changes, and check that the result is a readable document of the
//! expected clinic, id and type. Stores call this and persist only on success.

use automerge::{AutoCommit, ChangeHash, ReadDoc};
use dermis_model::doc::Record;
use dermis_model::{ClinicId, DocType};
use uuid::Uuid;

/// Why received bytes were not applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    #[error("the changes depend on changes this store does not have")]
    MissingDeps,
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
}

impl ApplyError {
    pub fn code(&self) -> crate::wire::ErrorCode {
        match self {
            ApplyError::Foreign => crate::wire::ErrorCode::Forbidden,
            _ => crate::wire::ErrorCode::InvalidDocument,
        }
    }
}

pub fn parse_type(doc_type: &str) -> Result<DocType, ApplyError> {
    DocType::parse(doc_type).ok_or_else(|| ApplyError::UnknownType {
        doc_type: doc_type.chars().take(40).collect(),
    })
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
    if !ReadDoc::get_missing_deps(doc, &[]).is_empty() {
        return Err(ApplyError::MissingDeps);
    }
    let meta = dermis_model::doc::read_meta(doc).map_err(|e| ApplyError::Unreadable {
        doc_type: doc_type.as_str(),
        reason: e.to_string(),
    })?;
    if meta.doc_type != doc_type || meta.id.0 != id || meta.clinic_id != clinic {
        return Err(ApplyError::Foreign);
    }
    dermis_model::doc::read_record(doc, doc_type).map_err(|e| ApplyError::Unreadable {
        doc_type: doc_type.as_str(),
        reason: e.to_string(),
    })
}

/// Parses the bytes strictly (Automerge's incremental load would keep the good chunks of
/// a damaged message; we refuse all of it). Returns the document they make on their own,
/// or `None` when they are changes on top of something else.
fn parse_strict(data: &[u8]) -> Result<Option<AutoCommit>, ApplyError> {
    let options = automerge::LoadOptions::new().on_partial_load(automerge::OnPartialLoad::Error);
    match AutoCommit::load_with_options(data, options) {
        Ok(doc) => Ok(Some(doc)),
        Err(automerge::AutomergeError::MissingDeps) => Ok(None),
        Err(e) => Err(ApplyError::Corrupt {
            reason: e.to_string(),
        }),
    }
}

/// Loads a document never seen before from received bytes.
pub fn load_new(
    data: &[u8],
    id: Uuid,
    doc_type: DocType,
    clinic: ClinicId,
) -> Result<AutoCommit, ApplyError> {
    load_new_record(data, id, doc_type, clinic).map(|(doc, _)| doc)
}

/// [`load_new`], also returning what was read.
pub fn load_new_record(
    data: &[u8],
    id: Uuid,
    doc_type: DocType,
    clinic: ClinicId,
) -> Result<(AutoCommit, Record), ApplyError> {
    let doc = parse_strict(data)?.ok_or(ApplyError::MissingDeps)?;
    let record = check_record(&doc, id, doc_type, clinic)?;
    Ok((doc, record))
}

/// Applies received bytes to a loaded document, returning the heads before and after.
/// On error the document may hold queued changes: the caller must drop it.
pub fn apply_to(
    doc: &mut AutoCommit,
    data: &[u8],
    id: Uuid,
    doc_type: DocType,
    clinic: ClinicId,
) -> Result<(Vec<ChangeHash>, Vec<ChangeHash>), ApplyError> {
    apply_to_record(doc, data, id, doc_type, clinic).map(|(before, after, _)| (before, after))
}

/// [`apply_to`], also returning what was read.
pub fn apply_to_record(
    doc: &mut AutoCommit,
    data: &[u8],
    id: Uuid,
    doc_type: DocType,
    clinic: ClinicId,
) -> Result<(Vec<ChangeHash>, Vec<ChangeHash>, Record), ApplyError> {
    let before = doc.get_heads();
    parse_strict(data)?;
    doc.load_incremental(data)
        .map_err(|e| ApplyError::Corrupt {
            reason: e.to_string(),
        })?;
    let record = check_record(doc, id, doc_type, clinic)?;
    let after = doc.get_heads();
    Ok((before, after, record))
}

/// Whether `heads` are all known to `doc`: then the document already has everything
/// those heads describe.
pub fn has_all(doc: &AutoCommit, heads: &[ChangeHash]) -> bool {
    heads
        .iter()
        .all(|h| ReadDoc::get_change_by_hash(doc, h).is_some())
}
