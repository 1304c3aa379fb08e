//! Index rows with fetched documents (protocol 1 revision 9,
//! [`crate::wire::FEATURE_FETCH_ROWS`]): the rules both engines share for a `Docs` frame
//! whose whole documents carry their index derivation (type 0x8C). The hub picks the
//! documents to read derivations for ([`wanted`]) and keeps one only at exactly the
//! heads it sends ([`attach`]); the node checks a frame before anything of it is applied
//! ([`check`]). What the node then does with a derivation is revision 6's: the document
//! is stored from its bytes, heads and rows without being loaded.
//!
//! Revision 6 gave rows to bootstrap frames only, so a node that was offline while a
//! neighbour added five hundred patients loaded every one of them when it came back;
//! the same holds for the documents a first sync sends before the log (revision 8).

use automerge::ChangeHash;
use uuid::Uuid;

use crate::wire::DocData;

/// Why a node refuses a `Docs` frame with rows: nothing of it is applied and the
/// session ends with `protocol_violation`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RowsError {
    #[error("a docs frame carries derivations this node did not ask for")]
    NotAsked,
    #[error("a docs frame carries a derivation for changes, not a whole document")]
    NotWhole,
    #[error("a docs item's derivation is malformed: {source}")]
    Derivation {
        #[source]
        source: dermis_model::derivation::codec::DecodeError,
    },
}

/// Whether a document fetched whole may carry a derivation: every whole document but
/// the clinic document, which the node keeps loaded.
fn may_carry(doc: &DocData) -> bool {
    doc.full && !doc.heads.is_empty() && doc.doc_type != dermis_model::DocType::Clinic.as_str()
}

/// The documents of a fetch answer whose stored derivation the hub reads: each whole
/// document (but the clinic's) at the heads it is sent with.
pub fn wanted(docs: &[Option<DocData>]) -> Vec<(Uuid, Vec<ChangeHash>)> {
    docs.iter()
        .flatten()
        .filter(|d| may_carry(d))
        .map(|d| (d.doc_id, d.heads.clone()))
        .collect()
}

/// One derivation per entry of `docs` (empty bytes: none), from `stored`, the store's
/// answer for [`wanted`] of the same `docs` (one entry each, in order). The store
/// answers only at exactly the heads asked, which are the ones the document goes with.
pub fn attach(docs: &[Option<DocData>], stored: Vec<Option<Vec<u8>>>) -> Vec<Vec<u8>> {
    let mut stored = stored.into_iter();
    docs.iter()
        .map(|doc| match doc {
            Some(d) if may_carry(d) => stored.next().flatten().unwrap_or_default(),
            _ => Vec::new(),
        })
        .collect()
}

/// The checks a node makes on a `Docs` frame's derivations (`asked`: it agreed to
/// [`crate::wire::FEATURE_FETCH_ROWS`]) before anything of the frame is applied:
/// derivations only when asked, only for whole documents, each one decoding. The codec
/// bounds its own work by the bytes it is given.
pub fn check(items: &[DocData], derived: &[Vec<u8>], asked: bool) -> Result<(), RowsError> {
    if derived.is_empty() {
        return Ok(());
    }
    if !asked {
        return Err(RowsError::NotAsked);
    }
    for (item, d) in items.iter().zip(derived) {
        if d.is_empty() {
            continue;
        }
        if !item.full {
            return Err(RowsError::NotWhole);
        }
        dermis_model::derivation::codec::decode(d)
            .map_err(|source| RowsError::Derivation { source })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(n: u128, doc_type: &str, full: bool) -> DocData {
        DocData {
            doc_id: Uuid::from_u128(n),
            doc_type: doc_type.into(),
            seq: 1,
            heads: vec![ChangeHash([n as u8; 32])],
            full,
            data: vec![1, 2, 3],
        }
    }

    #[test]
    fn only_whole_documents_but_the_clinic_are_read_for_and_carry_rows() {
        let docs = vec![
            Some(doc(1, "patient", true)),
            Some(doc(2, "patient", false)),
            None,
            Some(doc(4, "clinic", true)),
            Some(doc(5, "ledger", true)),
        ];
        let asked = wanted(&docs);
        assert_eq!(
            asked,
            vec![
                (Uuid::from_u128(1), vec![ChangeHash([1; 32])]),
                (Uuid::from_u128(5), vec![ChangeHash([5; 32])]),
            ]
        );
        let derived = attach(&docs, vec![Some(vec![9]), None]);
        assert_eq!(derived, vec![vec![9], vec![], vec![], vec![], vec![]]);
        let mut headless = doc(6, "patient", true);
        headless.heads.clear();
        assert!(wanted(&[Some(headless)]).is_empty());
    }

    #[test]
    fn a_node_refuses_rows_it_did_not_ask_for_rows_for_changes_and_malformed_rows() {
        let items = vec![doc(1, "patient", true), doc(2, "patient", false)];
        assert_eq!(check(&items, &[], false), Ok(()));
        let empty = vec![Vec::new(), Vec::new()];
        assert_eq!(check(&items, &empty, true), Ok(()));
        assert_eq!(check(&items, &empty, false), Err(RowsError::NotAsked));
        let on_changes = vec![Vec::new(), vec![1]];
        assert_eq!(check(&items, &on_changes, true), Err(RowsError::NotWhole));
        let malformed = vec![vec![1, 1, 5], Vec::new()];
        assert!(matches!(
            check(&items, &malformed, true),
            Err(RowsError::Derivation { .. })
        ));
    }
}
