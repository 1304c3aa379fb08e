//! Store results: what the driver's store operation returned, taken up by the push,
//! the pull or the bootstrap that asked for it.

use std::collections::HashSet;

use super::{NodeOutput, NodeSession, NodeStoreResult, Pull, Purpose, Push};
use crate::config::Millis;
use crate::wire::{ClientMsg, ErrorCode};

impl NodeSession {
    /// The result of the store operation last emitted.
    pub fn stored(&mut self, now: Millis, result: NodeStoreResult) -> Vec<NodeOutput> {
        let mut out = Vec::new();
        let Some(purpose) = self.op_in_flight.take() else {
            return out;
        };
        if self.closed {
            return out;
        }
        match (purpose, result) {
            (_, NodeStoreResult::Failed(reason)) => {
                self.close(
                    ErrorCode::Internal,
                    format!("local store: {reason}"),
                    &mut out,
                );
                return out;
            }
            (Purpose::Outbox, NodeStoreResult::Outbox(docs)) => {
                if docs.is_empty() {
                    self.push = Push::Idle;
                    self.outbox_empty = !self.outbox_dirty;
                    self.maybe_push(&mut out);
                } else {
                    let batch = self.next_id();
                    let msg = ClientMsg::Push {
                        batch,
                        docs: docs.iter().map(|d| d.push.clone()).collect(),
                    };
                    self.push = Push::InFlight {
                        batch,
                        docs,
                        at: now,
                    };
                    self.send(now, &msg, &mut out);
                }
            }
            (Purpose::PushAcked, NodeStoreResult::PushAcked) => {
                self.push = Push::Idle;
                // The outbox may hold more (the batch was full, or documents to resend whole).
                self.outbox_dirty = true;
                self.maybe_push(&mut out);
            }
            (Purpose::Plan, NodeStoreResult::Planned(items)) => {
                let Pull::Planning { page } = self.pull else {
                    return out;
                };
                if items.is_empty() {
                    self.finish_page(page, &mut out);
                } else {
                    let request = self.next_id();
                    let awaiting = items.iter().map(|i| i.doc_id).collect();
                    self.pull = Pull::Fetching {
                        page,
                        request,
                        awaiting,
                        full_retried: HashSet::new(),
                        applies: 0,
                        at: now,
                    };
                    self.send_fetch(now, request, items, &mut out);
                }
            }
            (Purpose::Apply, NodeStoreResult::Applied(failures)) => {
                self.settle_applied(now, failures, &mut out);
            }
            (Purpose::Report, NodeStoreResult::OutboxStats(outbox)) => {
                let report = ClientMsg::Report {
                    cursor: self.cursor,
                    outbox,
                    last_error: String::new(),
                };
                self.send(now, &report, &mut out);
            }
            (Purpose::Token, NodeStoreResult::TokenStored) => {
                self.send(now, &ClientMsg::TokenStored, &mut out);
            }
            (Purpose::Finish, NodeStoreResult::Applied(_)) => {
                if let Pull::Finishing { page } = self.pull {
                    self.page_done(now, page, &mut out);
                }
            }
            (Purpose::First, NodeStoreResult::Applied(_)) => {
                // A document that did not store comes again in its place in the log,
                // where a refusal is reported and the cursor rules apply.
            }
            (Purpose::Boot { up_to }, NodeStoreResult::Applied(failures)) => {
                self.boot_stored(now, up_to, failures, &mut out);
            }
            (Purpose::Live, NodeStoreResult::Applied(failures)) => {
                if failures.is_empty() {
                    // Every document applied and the store moved the cursor with them.
                    if let Pull::Fetching { page, .. } = self.pull {
                        self.page_done(now, page, &mut out);
                    }
                } else {
                    // The store kept its cursor; what applied needs no fetch, the rest
                    // is fetched whole as after any apply.
                    if let Pull::Fetching { awaiting, .. } = &mut self.pull {
                        awaiting.clear();
                    }
                    self.settle_applied(now, failures, &mut out);
                }
            }
            (purpose, result) => {
                self.close(
                    ErrorCode::Internal,
                    format!("store answered {result:?} to {purpose:?}"),
                    &mut out,
                );
                return out;
            }
        }
        self.pump(&mut out);
        self.check_caught_up(now, &mut out);
        out
    }
}
