//! Pulling: the hub's change log read from the node's cursor, the documents whose heads
//! differ fetched, and the cursor advanced only with the last of them stored.

use std::collections::HashSet;

use uuid::Uuid;

use super::{NodeOutput, NodeSession, NodeStoreOp, Purpose};
use crate::config::Millis;
use crate::store::ApplyFailure;
use crate::wire::{
    ClientMsg, DocData, ErrorCode, FEATURE_BOOTSTRAP, FEATURE_FETCH_ROWS, FEATURE_LIVE_DOCS,
    FetchItem, IndexEntry,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Page {
    request: u64,
    up_to: u64,
    more: bool,
}

#[derive(Debug)]
pub(super) enum Pull {
    Idle,
    Requested {
        request: u64,
        at: Millis,
    },
    Planning {
        page: Page,
    },
    Fetching {
        page: Page,
        request: u64,
        awaiting: HashSet<Uuid>,
        full_retried: HashSet<Uuid>,
        applies: usize,
        at: Millis,
    },
    Finishing {
        page: Page,
    },
    /// A first sync in whole documents (revision 5): frames are applied in order, each
    /// with its cursor, while the next is asked for.
    Booting {
        /// The request awaiting its frame and the cursor it asked from; `None` while
        /// enough frames wait to be stored.
        asked: Option<(u64, u64)>,
        /// Where the next request starts: the last frame's `up_to`.
        next_from: u64,
        /// Frames queued for the store or being stored.
        applies: usize,
        /// The last frame received said nothing more follows.
        last: bool,
        at: Millis,
    },
}

impl NodeSession {
    pub(super) fn start_pull(&mut self, now: Millis, out: &mut Vec<NodeOutput>) {
        if !matches!(self.pull, Pull::Idle) || self.closed {
            return;
        }
        self.caught_up_sent = false;
        let request = self.next_id();
        if self.features & FEATURE_BOOTSTRAP != 0 && self.cursor == 0 && !self.booted {
            // A node that has never pulled: whole documents, a frame at a time.
            self.booted = true;
            self.pull = Pull::Booting {
                asked: Some((request, 0)),
                next_from: 0,
                applies: 0,
                last: false,
                at: now,
            };
            self.send(now, &ClientMsg::Bootstrap { request, cursor: 0 }, out);
            return;
        }
        self.pull = Pull::Requested { request, at: now };
        let msg = ClientMsg::Pull {
            request,
            cursor: self.cursor,
            limit: self.config.pull_limit,
        };
        self.send(now, &msg, out);
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn on_index(
        &mut self,
        now: Millis,
        request: u64,
        from: u64,
        entries: Vec<IndexEntry>,
        up_to: u64,
        more: bool,
        out: &mut Vec<NodeOutput>,
    ) {
        let page = Page {
            request,
            up_to,
            more,
        };
        let accept = match &self.pull {
            Pull::Requested { request: r, .. } => *r == request && from <= self.cursor,
            // A live page that starts beyond our cursor would skip what we have not seen
            // (a page lost or overtaken): pull from our own cursor instead.
            Pull::Idle => request == 0 && from <= self.cursor,
            _ => false,
        };
        if !accept {
            if request == 0 {
                self.told_of_more(now, up_to, out);
            }
            return;
        }
        if request == 0 && up_to <= self.cursor {
            return;
        }
        self.caught_up_sent = false;
        if entries.is_empty() {
            self.finish_page(page, out);
        } else {
            self.pull = Pull::Planning { page };
            self.enqueue(NodeStoreOp::PlanFetch(entries), Purpose::Plan, out);
        }
    }

    /// A live update with its documents (revision 4): applied at once, with the cursor
    /// in the same transaction when every document applies. Data that does not apply to
    /// what this node has (it missed an earlier change) is fetched whole, and the page
    /// then finishes as a pulled one does. Accepted when a live `Index` would be.
    pub(super) fn on_live(
        &mut self,
        now: Millis,
        from: u64,
        up_to: u64,
        items: Vec<DocData>,
        out: &mut Vec<NodeOutput>,
    ) {
        if self.features & FEATURE_LIVE_DOCS == 0 {
            self.close(
                ErrorCode::ProtocolViolation,
                "live documents this node did not ask for",
                out,
            );
            return;
        }
        if !matches!(self.pull, Pull::Idle) || from > self.cursor {
            self.told_of_more(now, up_to, out);
            return;
        }
        if up_to <= self.cursor {
            return;
        }
        self.caught_up_sent = false;
        let request = self.next_id();
        self.stats.pulled_docs += items.len() as u64;
        self.pull = Pull::Fetching {
            page: Page {
                request: 0,
                up_to,
                more: false,
            },
            request,
            awaiting: items.iter().map(|d| d.doc_id).collect(),
            full_retried: HashSet::new(),
            applies: 1,
            at: now,
        };
        self.enqueue(
            NodeStoreOp::ApplyDocs {
                docs: items,
                cursor: Some(up_to),
            },
            Purpose::Live,
            out,
        );
    }

    /// After an apply of fetched (or live) documents: documents whose changes did not
    /// apply to what this node has are asked for whole, once; other refusals are
    /// reported. The page finishes when nothing more is awaited.
    pub(super) fn settle_applied(
        &mut self,
        now: Millis,
        failures: Vec<ApplyFailure>,
        out: &mut Vec<NodeOutput>,
    ) {
        let mut retry = Vec::new();
        if let Pull::Fetching {
            applies,
            full_retried,
            awaiting,
            ..
        } = &mut self.pull
        {
            *applies = applies.saturating_sub(1);
            for f in failures {
                if f.code == ErrorCode::InvalidDocument && full_retried.insert(f.doc_id) {
                    // Changes on top of what we have did not apply: ask for the whole document once.
                    awaiting.insert(f.doc_id);
                    retry.push(FetchItem {
                        doc_id: f.doc_id,
                        have: Vec::new(),
                    });
                } else {
                    out.push(NodeOutput::Problem(f.into()));
                }
            }
        }
        if let (false, Pull::Fetching { request, .. }) = (retry.is_empty(), &self.pull) {
            let request = *request;
            self.send_fetch(now, request, retry, out);
        }
        self.maybe_finish_fetch(out);
    }

    /// The hub told of changes up to `up_to` that cannot be applied now (a page is in
    /// progress, or something before them was missed): pull from the cursor, now or when
    /// the page in progress is done.
    fn told_of_more(&mut self, now: Millis, up_to: u64, out: &mut Vec<NodeOutput>) {
        if up_to > self.cursor {
            self.caught_up_sent = false;
            if matches!(self.pull, Pull::Idle) {
                self.start_pull(now, out);
            } else {
                self.live_wanted = true;
            }
        }
    }

    /// The page is applied and its cursor stored: pull again if more is known.
    pub(super) fn page_done(&mut self, now: Millis, page: Page, out: &mut Vec<NodeOutput>) {
        self.cursor = self.cursor.max(page.up_to);
        self.pull = Pull::Idle;
        if page.more || self.live_wanted {
            self.live_wanted = false;
            self.pulled_all = false;
            self.start_pull(now, out);
        } else {
            self.pulled_all = true;
        }
    }

    pub(super) fn finish_page(&mut self, page: Page, out: &mut Vec<NodeOutput>) {
        self.pull = Pull::Finishing { page };
        self.enqueue(
            NodeStoreOp::ApplyDocs {
                docs: Vec::new(),
                cursor: Some(page.up_to.max(self.cursor)),
            },
            Purpose::Finish,
            out,
        );
    }

    pub(super) fn send_fetch(
        &mut self,
        now: Millis,
        request: u64,
        items: Vec<FetchItem>,
        out: &mut Vec<NodeOutput>,
    ) {
        for chunk in items.chunks(self.config.fetch_batch.max(1)) {
            let msg = ClientMsg::Fetch {
                request,
                items: chunk.to_vec(),
            };
            self.send(now, &msg, out);
        }
    }

    pub(super) fn on_docs(
        &mut self,
        now: Millis,
        request: u64,
        items: Vec<DocData>,
        missing: Vec<Uuid>,
        derived: &[Vec<u8>],
        out: &mut Vec<NodeOutput>,
    ) {
        // Checked whatever the frame answers: rows the node did not ask for, or that do
        // not decode, end the session before anything of it is stored (revision 9).
        let rows_asked = self.features & FEATURE_FETCH_ROWS != 0;
        if let Err(e) = crate::fetch_rows::check(&items, derived, rows_asked) {
            self.close(ErrorCode::ProtocolViolation, e.to_string(), out);
            return;
        }
        if self.boot_first_due(request) {
            self.on_first_docs(now, items, out);
            return;
        }
        let Pull::Fetching {
            request: expected,
            awaiting,
            applies,
            at,
            ..
        } = &mut self.pull
        else {
            return;
        };
        if *expected != request {
            return;
        }
        *at = now;
        let wanted: Vec<DocData> = items
            .into_iter()
            .filter(|d| awaiting.remove(&d.doc_id))
            .collect();
        for id in &missing {
            awaiting.remove(id);
        }
        if !wanted.is_empty() {
            *applies += 1;
            self.stats.pulled_docs += wanted.len() as u64;
            self.enqueue(
                NodeStoreOp::ApplyDocs {
                    docs: wanted,
                    cursor: None,
                },
                Purpose::Apply,
                out,
            );
        }
        self.maybe_finish_fetch(out);
    }

    fn maybe_finish_fetch(&mut self, out: &mut Vec<NodeOutput>) {
        if let Pull::Fetching {
            page,
            awaiting,
            applies: 0,
            ..
        } = &self.pull
            && awaiting.is_empty()
        {
            let page = *page;
            self.finish_page(page, out);
        }
    }
}
