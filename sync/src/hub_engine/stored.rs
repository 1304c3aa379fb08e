//! Store results: what the driver's store operation returned, answered to the node, and
//! the next queued request served.

use std::collections::VecDeque;

use uuid::Uuid;

use super::live::live_batch;
use super::{HubOutput, HubSession, HubStoreOp, HubStoreResult};
use crate::config::Millis;
use crate::store::ChangePage;
use crate::wire::{
    DocData, DocPush, ErrorCode, FEATURE_BOOT_ROWS, FEATURE_FETCH_ROWS, FetchItem, HubMsg,
    PushOutcome, PushResult,
};

/// A fetch step whose documents the store has read: what is sent next, and the rest of
/// the fetch ([`Busy::Fetch`]'s `rest` and `first`).
#[derive(Debug)]
pub(super) struct FetchRead {
    request: u64,
    ids: Vec<Uuid>,
    docs: Vec<Option<DocData>>,
    rest: VecDeque<FetchItem>,
    first: Option<usize>,
}

#[derive(Debug)]
pub(super) enum Busy {
    Welcome,
    Push {
        batch: u64,
        ids: Vec<Uuid>,
        /// The pushed documents, kept when small enough to hand on as a live batch.
        kept: Option<Vec<DocPush>>,
    },
    Pull {
        request: u64,
        from: u64,
    },
    /// Serving a fetch a step at a time: `step` was asked of the store, `rest` follows.
    Fetch {
        request: u64,
        step: Vec<FetchItem>,
        rest: VecDeque<FetchItem>,
        /// Set when this fetch is the part of a first sync sent before the log (revision
        /// 8): the data it may still send; the bootstrap from 0 follows it.
        first: Option<usize>,
    },
    /// A fetch step's documents, read, waiting for their derivations (revision 9):
    /// then sent, and the fetch goes on as from [`Busy::Fetch`].
    FetchRows(FetchRead),
    /// Listing the appointments whose documents a first sync sends before the log
    /// (revision 8), for the bootstrap request `request` from 0.
    BootFirst {
        request: u64,
    },
    Live {
        from: u64,
    },
    /// Serving a bootstrap request: the change-log page is read first (`page` is
    /// `None`), then (revision 6, `derived` is `None` until read) the derivations stored
    /// at the page's heads, then its whole documents.
    Bootstrap {
        request: u64,
        from: u64,
        page: Option<ChangePage>,
        derived: Option<Vec<Option<Vec<u8>>>>,
    },
}

impl HubSession {
    pub fn stored(&mut self, now: Millis, result: HubStoreResult) -> Vec<HubOutput> {
        let mut out = Vec::new();
        let Some(busy) = self.busy.take() else {
            return out;
        };
        if self.closed {
            return out;
        }
        match (busy, result) {
            (_, HubStoreResult::Failed(reason)) => {
                // The store is down or failed: the node retries on a new connection.
                self.fail(
                    now,
                    ErrorCode::Internal,
                    "the hub could not reach its database; retry later",
                    &mut out,
                );
                let _ = reason;
                return out;
            }
            (Busy::Welcome, HubStoreResult::LatestSeq(seq)) => {
                let welcome = HubMsg::Welcome {
                    clinic_id: self.clinic.0,
                    node_id: self.node_id,
                    hub_seq: seq,
                    server_time_ms: u64::try_from(now).unwrap_or(0),
                    max_frame_bytes: u32::try_from(self.limits.max_frame_bytes).unwrap_or(u32::MAX),
                    max_batch_docs: u32::try_from(self.config.push_batch_docs).unwrap_or(u32::MAX),
                };
                self.send(now, &welcome, &mut out);
                self.welcomed = true;
            }
            (Busy::Push { batch, ids, kept }, HubStoreResult::Applied(outcomes)) => {
                let mut advanced = 0;
                for o in &outcomes {
                    if let PushOutcome::Applied { seq, .. } = o {
                        advanced = advanced.max(*seq);
                    }
                }
                let live = kept
                    .filter(|docs| docs.len() == outcomes.len())
                    .and_then(|docs| live_batch(self.node_id, &docs, &outcomes))
                    .filter(|b| b.up_to == advanced)
                    .map(std::sync::Arc::new);
                let results = ids
                    .into_iter()
                    .zip(outcomes)
                    .map(|(doc_id, outcome)| PushResult { doc_id, outcome })
                    .collect();
                self.send(now, &HubMsg::PushAck { batch, results }, &mut out);
                if advanced > 0 {
                    out.push(HubOutput::ClinicAdvanced {
                        seq: advanced,
                        live,
                    });
                }
            }
            (Busy::Pull { request, from }, HubStoreResult::Changes(page)) => {
                self.send_page(now, request, from, page, &mut out);
            }
            (Busy::Live { from }, HubStoreResult::Changes(page)) => {
                // A live batch may have told the node all of it meanwhile.
                if page.up_to > self.sent_up_to && (page.up_to > from || !page.entries.is_empty()) {
                    self.send_page(now, 0, from, page, &mut out);
                }
            }
            (
                Busy::Fetch {
                    request,
                    step,
                    mut rest,
                    first,
                },
                HubStoreResult::Fetched(docs),
            ) => {
                // The store answers a prefix; what it did not reach goes first next time.
                let answered = docs.len().min(step.len());
                if answered == 0 && !step.is_empty() {
                    self.fail(now, ErrorCode::Internal, "internal error", &mut out);
                    return out;
                }
                let mut step = step;
                for item in step.drain(answered..).rev() {
                    rest.push_front(item);
                }
                let wanted = if self.features & FEATURE_FETCH_ROWS != 0 {
                    crate::fetch_rows::wanted(&docs)
                } else {
                    Vec::new()
                };
                let read = FetchRead {
                    request,
                    ids: step.iter().map(|i| i.doc_id).collect(),
                    docs,
                    rest,
                    first,
                };
                if !wanted.is_empty() {
                    self.busy = Some(Busy::FetchRows(read));
                    out.push(HubOutput::Store(HubStoreOp::Derivations { items: wanted }));
                    return out;
                }
                if self.fetch_sent(now, read, Vec::new(), &mut out) {
                    return out;
                }
            }
            (Busy::FetchRows(read), HubStoreResult::Derivations(stored)) => {
                let derived = crate::fetch_rows::attach(&read.docs, stored);
                if self.fetch_sent(now, read, derived, &mut out) {
                    return out;
                }
            }
            (Busy::BootFirst { request }, HubStoreResult::Booked(booked)) => {
                let items = crate::boot_first::items(&booked);
                if items.is_empty() {
                    self.boot_page(request, 0, &mut out);
                } else {
                    let first = Some(crate::boot_first::MAX_BYTES);
                    self.fetch_step(request, items.into(), first, &mut out);
                }
                return out;
            }
            (
                Busy::Bootstrap {
                    request,
                    from,
                    page: None,
                    ..
                },
                HubStoreResult::Changes(page),
            ) => {
                if page.entries.is_empty() {
                    let frame = crate::bootstrap::frame_from_page(from, &page, Vec::new(), None, 0);
                    self.send_bootstrap(now, request, frame, &mut out);
                } else if self.features & FEATURE_BOOT_ROWS != 0 {
                    let items = page
                        .entries
                        .iter()
                        .map(|e| (e.doc_id, e.heads.clone()))
                        .collect();
                    self.busy = Some(Busy::Bootstrap {
                        request,
                        from,
                        page: Some(page),
                        derived: None,
                    });
                    out.push(HubOutput::Store(HubStoreOp::Derivations { items }));
                    return out;
                } else {
                    self.boot_fetch(request, from, page, None, &mut out);
                    return out;
                }
            }
            (
                Busy::Bootstrap {
                    request,
                    from,
                    page: Some(page),
                    derived: None,
                },
                HubStoreResult::Derivations(derived),
            ) => {
                self.boot_fetch(request, from, page, Some(derived), &mut out);
                return out;
            }
            (
                Busy::Bootstrap {
                    request,
                    from,
                    page: Some(page),
                    derived,
                },
                HubStoreResult::Fetched(docs),
            ) => {
                if docs.is_empty() {
                    self.fail(now, ErrorCode::Internal, "internal error", &mut out);
                    return out;
                }
                let frame = crate::bootstrap::frame_from_page(
                    from,
                    &page,
                    docs,
                    derived,
                    self.send_budget(),
                );
                self.send_bootstrap(now, request, frame, &mut out);
            }
            (_, other) => {
                self.fail(now, ErrorCode::Internal, "internal error", &mut out);
                let _ = other;
                return out;
            }
        }
        self.serve_next(now, &mut out);
        out
    }

    /// Sends a fetch step's documents (with their derivations, one per document, or
    /// none) and asks for the next step: true when a store operation is now in flight,
    /// false when the fetch is done and the next request may be served.
    fn fetch_sent(
        &mut self,
        now: Millis,
        read: FetchRead,
        derived: Vec<Vec<u8>>,
        out: &mut Vec<HubOutput>,
    ) -> bool {
        let FetchRead {
            request,
            ids,
            docs,
            rest,
            first,
        } = read;
        let sent: usize = docs.iter().flatten().map(|d| d.data.len()).sum();
        self.send_docs(now, request, ids, docs, derived, out);
        let first = first.map(|left| left.saturating_sub(sent));
        if !rest.is_empty() && first != Some(0) {
            // The next step only after this one's frames: the driver sends them
            // before running the store operation, and waits while the node reads.
            self.fetch_step(request, rest, first, out);
            return true;
        }
        if first.is_some() {
            // What did not fit comes in its place in the log.
            self.boot_page(request, 0, out);
            return true;
        }
        false
    }
}
