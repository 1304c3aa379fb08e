//! In-memory stores: the reference implementation of the store traits, used by the
//! simulation and as the executable meaning of the conformance suite.

use automerge::AutoCommit;
use dermis_model::DocType;

use crate::plan::{rejected, sorted};
use crate::store::StoreFault;
use crate::wire::{DocData, FetchItem};

mod hub;
mod node;

pub use hub::MemoryHubStore;
pub use node::MemoryNodeStore;

/// The in-memory stores never fail.
#[derive(Debug, thiserror::Error)]
#[error("in-memory store error")]
pub struct Never;

impl StoreFault for Never {}

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
