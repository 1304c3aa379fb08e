//! Live batches: what one session's push committed, handed to the clinic's other
//! sessions so a live node is sent the documents at once instead of an `Index` to fetch.

use uuid::Uuid;

use super::{Busy, HubOutput, HubSession, Request};
use crate::config::Millis;
use crate::wire::{DocData, DocPush, FEATURE_LIVE_DOCS, HubMsg, PushOutcome};

/// What one push committed, for the clinic's other sessions to send on as
/// `HubMsg::Live`: every document whose latest seq is in `(from, up_to]`, with the data
/// the node pushed (`full` when that is a whole document).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveBatch {
    pub from: u64,
    pub up_to: u64,
    /// The node that pushed them (it is not sent its own documents back).
    pub origin: Uuid,
    pub docs: Vec<DocData>,
}

/// The most pushed data a session keeps to hand on as a live batch; a larger push is
/// announced with an `Index` as before, and its documents fetched.
pub const LIVE_MAX_BYTES: usize = 256 * 1024;

/// The live batch of a committed push: the documents at the seqs the commit gave out.
/// A push's writes take the clinic's next seqs in one run, so the batch is the longest
/// run of consecutive seqs ending at the highest; an unchanged document (an older seq)
/// outside that run is left out, and a batch that cannot be told apart is not made.
pub(super) fn live_batch(
    origin: Uuid,
    docs: &[DocPush],
    outcomes: &[PushOutcome],
) -> Option<LiveBatch> {
    let mut applied: Vec<(u64, &DocPush, &Vec<automerge::ChangeHash>)> = docs
        .iter()
        .zip(outcomes)
        .filter_map(|(push, outcome)| match outcome {
            PushOutcome::Applied { seq, heads } => Some((*seq, push, heads)),
            _ => None,
        })
        .collect();
    applied.sort_by_key(|(seq, _, _)| std::cmp::Reverse(*seq));
    let up_to = applied.first()?.0;
    let mut from = up_to;
    let mut items: Vec<DocData> = Vec::new();
    for (seq, push, heads) in applied {
        if seq + 1 == from {
            from = seq;
        } else if seq != from {
            break;
        }
        match items.last() {
            // One document pushed twice in a batch: one write, its last data.
            Some(last) if last.seq == seq && last.doc_id != push.doc_id => return None,
            Some(last) if last.seq == seq => continue,
            _ => {}
        }
        items.push(DocData {
            doc_id: push.doc_id,
            doc_type: push.doc_type.clone(),
            seq,
            heads: heads.clone(),
            full: crate::chunks::starts_with_document(&push.data),
            data: push.data.clone(),
        });
    }
    items.reverse();
    Some(LiveBatch {
        from: from - 1,
        up_to,
        origin,
        docs: items,
    })
}

impl HubSession {
    /// Another session (or hub instance) committed changes up to `seq`; `live` is its
    /// batch when it carried one. A node that asked for [`FEATURE_LIVE_DOCS`] and is
    /// live at the batch's start is sent its documents at once (`HubMsg::Live`);
    /// otherwise it is told with an `Index` as before.
    pub fn clinic_advanced(
        &mut self,
        now: Millis,
        seq: u64,
        live: Option<&LiveBatch>,
    ) -> Vec<HubOutput> {
        let mut out = Vec::new();
        self.live_pending = self.live_pending.max(seq);
        if let Some(batch) = live {
            self.send_live(now, batch, &mut out);
        }
        self.serve_next(now, &mut out);
        out
    }

    /// Sends `batch` as `HubMsg::Live` when it continues exactly what the node has been
    /// told and nothing else is being told meanwhile.
    fn send_live(&mut self, now: Millis, batch: &LiveBatch, out: &mut Vec<HubOutput>) {
        // A pull the node asked for is answered first. A live `Index` being read from the
        // store (another hub instance's notice of the same commit can come first) does
        // not stop the batch: what it finds is sent only beyond what the batch told.
        let telling = matches!(self.busy, Some(Busy::Pull { .. } | Busy::Bootstrap { .. }))
            || self
                .queue
                .iter()
                .any(|r| matches!(r, Request::Pull { .. } | Request::Bootstrap { .. }));
        if self.features & FEATURE_LIVE_DOCS == 0
            || !self.live
            || self.closed
            || telling
            || batch.from > self.sent_up_to
            || batch.up_to <= self.sent_up_to
            || self.live_pending > batch.up_to
        {
            return;
        }
        let from = self.sent_up_to;
        let items: Vec<DocData> = if batch.origin == self.node_id {
            Vec::new()
        } else {
            batch
                .docs
                .iter()
                .filter(|d| d.seq > from)
                .cloned()
                .collect()
        };
        let msg = HubMsg::Live {
            from,
            up_to: batch.up_to,
            items,
        };
        if msg.encoded_len() > self.send_budget() {
            return;
        }
        if let HubMsg::Live { items, .. } = &msg {
            self.docs_out += items.len() as u64;
        }
        self.sent_up_to = batch.up_to;
        self.send(now, &msg, out);
    }
}
