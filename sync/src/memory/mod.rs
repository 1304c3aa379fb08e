//! In-memory stores: the reference implementation of the store traits, used by the
//! simulation and as the executable meaning of the conformance suite.

use automerge::{AutoCommit, ChangeHash};
use dermis_model::DocType;

use crate::apply::ApplyError;
use crate::store::StoreFault;
use crate::wire::{DocData, FetchItem, PushOutcome};

mod hub;
mod node;

pub use hub::MemoryHubStore;
pub use node::MemoryNodeStore;

/// The in-memory stores never fail.
#[derive(Debug, thiserror::Error)]
#[error("in-memory store error")]
pub struct Never;

impl StoreFault for Never {}

fn rejected(e: &ApplyError) -> PushOutcome {
    match e {
        ApplyError::MissingDeps => PushOutcome::NeedFull,
        other => PushOutcome::Rejected {
            code: other.code(),
            message: other.to_string(),
        },
    }
}

fn sorted(mut heads: Vec<ChangeHash>) -> Vec<ChangeHash> {
    heads.sort();
    heads
}

/// What a fetch answers for one document: the whole document when the asker has
/// nothing, else the changes after its heads.
fn doc_data(item: &FetchItem, doc_type: DocType, seq: u64, doc: &mut AutoCommit) -> DocData {
    let full = item.have.is_empty();
    let data = if full {
        doc.save()
    } else {
        doc.save_after(&item.have)
    };
    DocData {
        doc_id: item.doc_id,
        doc_type: doc_type.as_str().into(),
        seq,
        heads: sorted(doc.get_heads()),
        full,
        data,
    }
}
