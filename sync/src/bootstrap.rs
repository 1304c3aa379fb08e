//! The first sync of a node that has never pulled (protocol 1 revision 5, feature
//! [`crate::wire::FEATURE_BOOTSTRAP`]): the rules both engines share for a
//! `HubMsg::Bootstrap` frame. The hub builds one from a page of the change log and the
//! whole documents it names ([`frame_from_page`]); the node checks one before anything
//! of it is applied ([`check_frame`]).
//!
//! A bootstrap frame replaces an `Index` page, its planning and the `Fetch` that
//! follows: one request, one answer of about one frame of whole documents, and the
//! node asks for the next frame as soon as one arrives, so the hub reads the next
//! documents while the node stores the ones before.

use std::collections::HashSet;

use uuid::Uuid;

use crate::store::ChangePage;
use crate::wire::{DocData, doc_data_encoded_len};

/// Change-log entries the hub reads per bootstrap frame; fewer documents go out when
/// their bytes fill the frame first.
pub const PAGE_DOCS: usize = 4_000;

/// A bootstrap frame's payload beyond its items: request, from, up_to (three varints),
/// `more`, the item count and (revision 6) the derivation count.
const FRAME_FIELDS: usize = 3 * crate::wire::MAX_VARINT_LEN + 1 + 2 * crate::wire::MAX_VARINT_LEN;

/// What one `HubMsg::Bootstrap` carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub from: u64,
    pub up_to: u64,
    pub more: bool,
    pub items: Vec<DocData>,
    /// Empty, or one entry per item (empty bytes: none), as `HubMsg::Bootstrap` sends it.
    pub derived: Vec<Vec<u8>>,
}

/// The bytes one derivation entry adds to a frame: its length varint and itself.
fn derived_len(d: &[u8]) -> usize {
    crate::wire::varint_len(d.len() as u64) + d.len()
}

/// The frame for `page` (read after `from`) and the whole documents fetched for a
/// prefix of its entries (`None`: the document is gone, e.g. erased). Documents are
/// taken in page order while they fit `budget` bytes of frame; a frame that stops early
/// reaches the seq of the last entry it covers and says there is more. A document too
/// large for any frame is left out, as a `Docs` answer leaves it out (its id missing).
///
/// `derived` (revision 6, one entry per page entry) holds the derivations stored at the
/// page entries' heads; one goes out with its document only when the document fetched
/// is at exactly those heads (it may have changed between the two reads), and never
/// for the clinic document, which the node keeps loaded. Their bytes count against
/// `budget` like the documents'.
pub fn frame_from_page(
    from: u64,
    page: &ChangePage,
    fetched: Vec<Option<DocData>>,
    derived: Option<Vec<Option<Vec<u8>>>>,
    budget: usize,
) -> Frame {
    let budget = budget.saturating_sub(FRAME_FIELDS);
    let rows = derived.is_some();
    let mut derived = derived.unwrap_or_default().into_iter();
    let mut items = Vec::new();
    let mut with = Vec::new();
    let mut size = 0usize;
    let mut covered = 0usize;
    for (doc, entry) in fetched.into_iter().zip(&page.entries) {
        let stored = derived.next().flatten();
        if let Some(doc) = doc {
            let d = match stored {
                Some(d)
                    if doc.heads == entry.heads
                        && doc.doc_type != dermis_model::DocType::Clinic.as_str() =>
                {
                    d
                }
                _ => Vec::new(),
            };
            let len = doc_data_encoded_len(&doc) + if rows { derived_len(&d) } else { 0 };
            if len <= budget {
                if size + len > budget {
                    break;
                }
                size += len;
                items.push(doc);
                with.push(d);
            }
        }
        covered += 1;
    }
    if with.iter().all(Vec::is_empty) {
        with.clear();
    }
    let whole = covered == page.entries.len();
    let up_to = if whole {
        page.up_to
    } else {
        // At least one entry is covered whenever the page has one (an empty budget
        // aside): the first document fits an empty frame or is left out.
        page.entries
            .get(covered.wrapping_sub(1))
            .map_or(from, |e| e.seq)
    };
    Frame {
        from,
        up_to: up_to.max(from),
        more: page.more || !whole,
        items,
        derived: with,
    }
}

/// Why a node refuses a bootstrap frame: nothing of it is applied and the session ends
/// with `protocol_violation`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("a bootstrap frame starts at {from}, not at the cursor asked for ({asked})")]
    WrongStart { from: u64, asked: u64 },
    #[error("a bootstrap frame ends at {up_to}, before it starts ({from})")]
    Backwards { from: u64, up_to: u64 },
    #[error("a bootstrap frame says more follows but does not advance past {from}")]
    NoProgress { from: u64 },
    #[error("a bootstrap item is not a whole document")]
    NotWhole,
    #[error("a bootstrap item's seq {seq} is not after the frame's start {from}")]
    SeqNotAfterStart { seq: u64, from: u64 },
    #[error("a bootstrap frame names a document twice")]
    Repeated,
    #[error("a bootstrap frame carries derivations this node did not ask for")]
    RowsNotAsked,
    #[error("a bootstrap item's derivation is malformed: {source}")]
    Derivation {
        #[source]
        source: dermis_model::derivation::codec::DecodeError,
    },
}

/// The checks a node makes before applying a bootstrap frame that answers its request
/// from `asked`. An item's seq may lie beyond `up_to` (the document changed while the
/// hub read the frame: it is listed again later), never at or before `from`.
pub fn check_frame(
    asked: u64,
    from: u64,
    up_to: u64,
    more: bool,
    items: &[DocData],
    derived: &[Vec<u8>],
    rows_asked: bool,
) -> Result<(), FrameError> {
    if !derived.is_empty() && !rows_asked {
        return Err(FrameError::RowsNotAsked);
    }
    for d in derived {
        dermis_model::derivation::codec::decode(d)
            .map_err(|source| FrameError::Derivation { source })?;
    }
    if from != asked {
        return Err(FrameError::WrongStart { from, asked });
    }
    if up_to < from {
        return Err(FrameError::Backwards { from, up_to });
    }
    if more && up_to == from {
        return Err(FrameError::NoProgress { from });
    }
    let mut seen: HashSet<Uuid> = HashSet::with_capacity(items.len());
    for item in items {
        if !item.full {
            return Err(FrameError::NotWhole);
        }
        if item.seq <= from {
            return Err(FrameError::SeqNotAfterStart {
                seq: item.seq,
                from,
            });
        }
        if !seen.insert(item.doc_id) {
            return Err(FrameError::Repeated);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::IndexEntry;

    fn entry(seq: u64) -> IndexEntry {
        IndexEntry {
            doc_id: Uuid::from_u128(u128::from(seq)),
            doc_type: "patient".into(),
            seq,
            heads: Vec::new(),
        }
    }

    fn doc(seq: u64, bytes: usize) -> DocData {
        DocData {
            doc_id: Uuid::from_u128(u128::from(seq)),
            doc_type: "patient".into(),
            seq,
            heads: Vec::new(),
            full: true,
            data: vec![0; bytes],
        }
    }

    fn page(seqs: &[u64], up_to: u64, more: bool) -> ChangePage {
        ChangePage {
            entries: seqs.iter().copied().map(entry).collect(),
            up_to,
            more,
        }
    }

    #[test]
    fn a_page_that_fits_is_one_frame_to_its_end() {
        let p = page(&[3, 5, 9], 12, false);
        let f = frame_from_page(
            2,
            &p,
            vec![Some(doc(3, 10)), None, Some(doc(9, 10))],
            None,
            1 << 20,
        );
        assert_eq!((f.from, f.up_to, f.more), (2, 12, false));
        let seqs: Vec<u64> = f.items.iter().map(|d| d.seq).collect();
        assert_eq!(seqs, vec![3, 9]);
        check_frame(2, f.from, f.up_to, f.more, &f.items, &[], false)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn a_frame_cut_by_bytes_reaches_its_last_document_and_says_more() {
        let p = page(&[3, 5, 9], 12, false);
        let one = doc_data_encoded_len(&doc(3, 1000));
        let budget = FRAME_FIELDS + 2 * one + 10;
        let f = frame_from_page(
            0,
            &p,
            vec![Some(doc(3, 1000)), Some(doc(5, 1000)), Some(doc(9, 1000))],
            None,
            budget,
        );
        assert_eq!((f.up_to, f.more, f.items.len()), (5, true, 2));
        // Fewer fetched than the page holds (the store's byte limit): the same cut.
        let f = frame_from_page(0, &p, vec![Some(doc(3, 10))], None, 1 << 20);
        assert_eq!((f.up_to, f.more, f.items.len()), (3, true, 1));
    }

    #[test]
    fn a_document_larger_than_any_frame_is_left_out_and_passed() {
        let p = page(&[3, 5], 5, false);
        let f = frame_from_page(
            0,
            &p,
            vec![Some(doc(3, 5000)), Some(doc(5, 10))],
            None,
            1000,
        );
        assert_eq!((f.up_to, f.more), (5, false));
        assert_eq!(f.items.iter().map(|d| d.seq).collect::<Vec<_>>(), vec![5]);
    }

    #[test]
    fn forged_frames_are_refused() {
        let ok = vec![doc(3, 1), doc(4, 1)];
        assert_eq!(check_frame(0, 0, 4, true, &ok, &[], false), Ok(()));
        assert_eq!(
            check_frame(0, 1, 4, true, &ok, &[], false),
            Err(FrameError::WrongStart { from: 1, asked: 0 })
        );
        assert_eq!(
            check_frame(5, 5, 4, false, &[], &[], false),
            Err(FrameError::Backwards { from: 5, up_to: 4 })
        );
        assert_eq!(
            check_frame(5, 5, 5, true, &[], &[], false),
            Err(FrameError::NoProgress { from: 5 })
        );
        let mut part = doc(3, 1);
        part.full = false;
        assert_eq!(
            check_frame(0, 0, 4, false, &[part], &[], false),
            Err(FrameError::NotWhole)
        );
        assert_eq!(
            check_frame(3, 3, 9, false, &ok, &[], false),
            Err(FrameError::SeqNotAfterStart { seq: 3, from: 3 })
        );
        let mut twice = doc(4, 1);
        twice.doc_id = ok[0].doc_id;
        assert_eq!(
            check_frame(0, 0, 4, false, &[ok[0].clone(), twice], &[], false),
            Err(FrameError::Repeated)
        );
    }
    fn derivation() -> Vec<u8> {
        use dermis_model::derivation::{Derivation, Row, Table, Value, codec};
        codec::encode(&Derivation {
            doc_type: dermis_model::DocType::Product,
            rows: vec![Row {
                table: Table::Product,
                values: vec![Value::Null; Table::Product.columns()],
            }],
            conflicts: Vec::new(),
        })
    }

    #[test]
    fn derivations_go_only_with_documents_at_their_heads_and_count_in_the_budget() {
        let p = page(&[3, 5, 9], 12, false);
        let mut stale = doc(5, 10);
        stale.heads = vec![automerge::ChangeHash([7; 32])];
        let mut clinic = doc(9, 10);
        clinic.doc_type = "clinic".into();
        let d = derivation();
        let f = frame_from_page(
            0,
            &p,
            vec![Some(doc(3, 10)), Some(stale), Some(clinic)],
            Some(vec![Some(d.clone()), Some(d.clone()), Some(d.clone())]),
            1 << 20,
        );
        assert_eq!(f.items.len(), 3);
        // The second changed after its derivation was read; the clinic is never derived.
        assert_eq!(f.derived, vec![d.clone(), Vec::new(), Vec::new()]);
        assert_eq!(
            check_frame(0, f.from, f.up_to, f.more, &f.items, &f.derived, true),
            Ok(())
        );
        // None stored: the frame is a revision 5 one.
        let f = frame_from_page(0, &p, vec![Some(doc(3, 10))], Some(vec![None]), 1 << 20);
        assert!(f.derived.is_empty());
        // The derivation's bytes take room: with them only one document fits.
        let one = doc_data_encoded_len(&doc(3, 1000));
        let budget = FRAME_FIELDS + 2 * one + 10;
        let big = vec![0u8; 100];
        let f = frame_from_page(
            0,
            &p,
            vec![Some(doc(3, 1000)), Some(doc(5, 1000)), Some(doc(9, 1000))],
            Some(vec![Some(big.clone()), Some(big.clone()), Some(big)]),
            budget,
        );
        assert_eq!((f.up_to, f.more, f.items.len()), (3, true, 1));
        let frame = crate::wire::HubMsg::Bootstrap {
            request: 1,
            from: f.from,
            up_to: f.up_to,
            more: f.more,
            items: f.items,
            derived: f.derived,
        };
        assert!(frame.encode().len() <= budget + crate::wire::FRAME_OVERHEAD);
    }

    #[test]
    fn malformed_or_unasked_derivations_refuse_the_frame() {
        let ok = vec![doc(3, 1)];
        let d = vec![derivation()];
        assert_eq!(
            check_frame(0, 0, 4, false, &ok, &d, false),
            Err(FrameError::RowsNotAsked)
        );
        let mut cut = derivation();
        cut.pop();
        assert!(matches!(
            check_frame(0, 0, 4, false, &ok, &[cut], true),
            Err(FrameError::Derivation { .. })
        ));
        // A version this build does not know is no derivation, not a violation.
        let mut newer = derivation();
        newer[0] = 99;
        assert_eq!(check_frame(0, 0, 4, false, &ok, &[newer], true), Ok(()));
    }
}
