//! Answers to the node: index pages, documents and bootstrap frames, each cut to what
//! one frame may carry, and the store steps that read them.

use std::collections::VecDeque;

use uuid::Uuid;

use super::{Busy, HubOutput, HubSession, HubStoreOp};
use crate::config::Millis;
use crate::store::ChangePage;
use crate::wire::{DocData, FetchItem, HubMsg, Limits, doc_data_encoded_len};

/// Documents asked of the store per step of a fetch (fewer when they are large).
const FETCH_STEP_ITEMS: usize = 500;

/// A fetch's items with repeated ids collapsed into the first, which asks for the whole
/// document if any of them does: a request naming one document thousands of times is
/// answered once.
pub(super) fn collapse(items: Vec<FetchItem>) -> VecDeque<FetchItem> {
    let mut seen: std::collections::HashMap<Uuid, usize> = std::collections::HashMap::new();
    let mut out: VecDeque<FetchItem> = VecDeque::with_capacity(items.len());
    for item in items {
        match seen.get(&item.doc_id) {
            Some(&at) => {
                if item.have.is_empty()
                    && let Some(first) = out.get_mut(at)
                {
                    first.have.clear();
                }
            }
            None => {
                seen.insert(item.doc_id, out.len());
                out.push_back(item);
            }
        }
    }
    out
}

impl HubSession {
    /// Asks the store for the next step of a fetch: about one frame of documents.
    /// `first` (revision 8) is the data the part of a first sync sent before the log may
    /// still carry; that fetch ends in the bootstrap's first page.
    pub(super) fn fetch_step(
        &mut self,
        request: u64,
        mut rest: VecDeque<FetchItem>,
        first: Option<usize>,
        out: &mut Vec<HubOutput>,
    ) {
        let take = rest.len().min(FETCH_STEP_ITEMS);
        let items: Vec<FetchItem> = rest.drain(..take).collect();
        self.busy = Some(Busy::Fetch {
            request,
            step: items.clone(),
            rest,
            first,
        });
        let max_bytes = first.map_or(self.send_budget(), |left| left.min(self.send_budget()));
        out.push(HubOutput::Store(HubStoreOp::Fetch { items, max_bytes }));
    }

    /// Asks the store for the whole documents of a bootstrap page (with the page's
    /// derivations, when read, kept for the frame). The fetch is bounded by the send
    /// budget: derivations take room in the frame, so no more documents are fetched than
    /// fit beside them.
    pub(super) fn boot_fetch(
        &mut self,
        request: u64,
        from: u64,
        page: ChangePage,
        derived: Option<Vec<Option<Vec<u8>>>>,
        out: &mut Vec<HubOutput>,
    ) {
        let items = page
            .entries
            .iter()
            .map(|e| FetchItem {
                doc_id: e.doc_id,
                have: Vec::new(),
            })
            .collect();
        self.busy = Some(Busy::Bootstrap {
            request,
            from,
            page: Some(page),
            derived,
        });
        let max_bytes = self.send_budget();
        out.push(HubOutput::Store(HubStoreOp::Fetch { items, max_bytes }));
    }

    /// Bytes of documents one frame to the node may carry. The hub's own frames stay
    /// within both its limit and the protocol's default (what every node accepts, as
    /// no node tells its own): a hub configured for larger frames still sends frames
    /// nodes can read.
    pub(super) fn send_budget(&self) -> usize {
        self.limits
            .max_frame_bytes
            .min(Limits::default().max_frame_bytes)
            .saturating_sub(crate::wire::FRAME_OVERHEAD)
    }

    pub(super) fn send_page(
        &mut self,
        now: Millis,
        request: u64,
        from: u64,
        page: ChangePage,
        out: &mut Vec<HubOutput>,
    ) {
        let page = fit_page(page, self.send_budget());
        self.sent_up_to = self.sent_up_to.max(page.up_to);
        if !page.more {
            self.live = true;
        }
        let msg = HubMsg::Index {
            request,
            from,
            entries: page.entries,
            up_to: page.up_to,
            more: page.more,
        };
        self.send(now, &msg, out);
    }

    /// Sends one bootstrap frame; the last one makes the session live, as the last
    /// page of a pull does.
    pub(super) fn send_bootstrap(
        &mut self,
        now: Millis,
        request: u64,
        frame: crate::bootstrap::Frame,
        out: &mut Vec<HubOutput>,
    ) {
        self.sent_up_to = self.sent_up_to.max(frame.up_to);
        if !frame.more {
            self.live = true;
        }
        self.docs_out += frame.items.len() as u64;
        let msg = HubMsg::Bootstrap {
            request,
            from: frame.from,
            up_to: frame.up_to,
            more: frame.more,
            items: frame.items,
            derived: frame.derived,
        };
        self.send(now, &msg, out);
    }

    /// Splits the answer into frames under the size limit; a document is never split.
    /// `derived` is empty or holds one derivation per entry of `docs` (revision 9): a
    /// frame carries those of its items when any is not empty, and their bytes count
    /// against the frame's budget with the documents'.
    pub(super) fn send_docs(
        &mut self,
        now: Millis,
        request: u64,
        ids: Vec<Uuid>,
        docs: Vec<Option<DocData>>,
        derived: Vec<Vec<u8>>,
        out: &mut Vec<HubOutput>,
    ) {
        let rows = !derived.is_empty();
        // With rows, the frame also carries their count.
        let budget =
            self.send_budget()
                .saturating_sub(if rows { crate::wire::MAX_VARINT_LEN } else { 0 });
        let mut derived = derived.into_iter();
        let mut missing = Vec::new();
        let mut batch: Vec<DocData> = Vec::new();
        let mut batch_rows: Vec<Vec<u8>> = Vec::new();
        let mut size = 0;
        for (id, doc) in ids.into_iter().zip(docs) {
            let d = derived.next().unwrap_or_default();
            let Some(doc) = doc else {
                missing.push(id);
                continue;
            };
            let mut len = doc_data_encoded_len(&doc);
            if rows {
                len += crate::wire::varint_len(d.len() as u64) + d.len();
            }
            if len > budget {
                // Larger than any frame may be: report it missing rather than break the session.
                missing.push(id);
                continue;
            }
            if size + len > budget && !batch.is_empty() {
                let items = std::mem::take(&mut batch);
                let with = frame_rows(std::mem::take(&mut batch_rows));
                self.docs_out += items.len() as u64;
                self.send(
                    now,
                    &HubMsg::Docs {
                        request,
                        items,
                        missing: Vec::new(),
                        derived: with,
                    },
                    out,
                );
                size = 0;
            }
            size += len;
            batch.push(doc);
            batch_rows.push(d);
        }
        self.docs_out += batch.len() as u64;
        self.send(
            now,
            &HubMsg::Docs {
                request,
                items: batch,
                missing,
                derived: frame_rows(batch_rows),
            },
            out,
        );
    }
}

/// A frame's derivations as sent: none at all when no item has one, so a frame without
/// rows keeps its revision 8 type (0x84).
fn frame_rows(rows: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    if rows.iter().all(Vec::is_empty) {
        Vec::new()
    } else {
        rows
    }
}

/// The first entries of `page` whose `Index` frame fits in `budget` (at least one): a
/// page of many documents with many heads each could otherwise outgrow the frame limit,
/// and the node would refuse it on every attempt. A page cut short reaches the last
/// entry it keeps and says there is more.
fn fit_page(mut page: ChangePage, budget: usize) -> ChangePage {
    // `Index` carries two varints and a bool beyond what `budget` already leaves out.
    let budget = budget.saturating_sub(2 * crate::wire::MAX_VARINT_LEN + 1);
    let mut size = 0usize;
    let mut keep = 0;
    for entry in &page.entries {
        size = size.saturating_add(crate::wire::index_entry_encoded_len(entry));
        if keep > 0 && size > budget {
            break;
        }
        keep += 1;
    }
    if keep < page.entries.len() {
        page.entries.truncate(keep);
        page.up_to = page.entries.last().map_or(page.up_to, |e| e.seq);
        page.more = true;
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EngineConfig;
    use crate::wire::IndexEntry;
    use automerge::ChangeHash;
    use dermis_model::ClinicId;

    fn page(entries: usize, heads: usize) -> ChangePage {
        ChangePage {
            entries: (1..=entries as u64)
                .map(|seq| IndexEntry {
                    doc_id: Uuid::now_v7(),
                    doc_type: "patient".into(),
                    seq,
                    heads: (0..heads).map(|h| ChangeHash([h as u8; 32])).collect(),
                })
                .collect(),
            up_to: entries as u64 + 5,
            more: false,
        }
    }

    #[test]
    fn a_page_too_large_for_a_frame_is_cut_and_says_there_is_more() {
        let limits = Limits {
            max_frame_bytes: 4096,
            ..Limits::default()
        };
        let mut hub = HubSession::new(
            Uuid::now_v7(),
            ClinicId::new(),
            0,
            EngineConfig::default(),
            limits,
        );
        let mut out = Vec::new();
        hub.send_page(0, 7, 0, page(100, 8), &mut out);
        let [HubOutput::Send(frame)] = out.as_slice() else {
            panic!("one frame expected: {out:?}");
        };
        assert!(frame.len() <= 4096, "{} bytes", frame.len());
        let Ok(HubMsg::Index {
            entries,
            up_to,
            more,
            ..
        }) = HubMsg::decode(frame, &limits)
        else {
            panic!("an index frame expected");
        };
        assert!(
            !entries.is_empty() && entries.len() < 100,
            "{}",
            entries.len()
        );
        assert_eq!(up_to, entries.last().map_or(0, |e| e.seq));
        assert!(more);
        // Not live yet: the node pulls the rest.
        assert!(!hub.live);
    }

    #[test]
    fn a_page_that_fits_is_sent_as_it_is() {
        let fitted = fit_page(page(100, 1), Limits::default().max_frame_bytes);
        assert_eq!(fitted.entries.len(), 100);
        assert_eq!(fitted.up_to, 105);
        assert!(!fitted.more);
        // Even a budget too small for one entry keeps one, so a pull always advances.
        let one = fit_page(page(3, 8), 10);
        assert_eq!(one.entries.len(), 1);
        assert_eq!(one.up_to, 1);
        assert!(one.more);
    }
}
