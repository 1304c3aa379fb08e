//! Pushing: the outbox sent a batch at a time, and each entry cleared only once the hub
//! acks it after its commit.

use super::{NodeOutput, NodeSession, NodeStoreOp, Problem, Purpose};
use crate::config::Millis;
use crate::store::{OutgoingDoc, PushAck};
use crate::wire::{ErrorCode, PushOutcome};

#[derive(Debug)]
pub(super) enum Push {
    Idle,
    Loading,
    InFlight {
        batch: u64,
        docs: Vec<OutgoingDoc>,
        at: Millis,
    },
    Settling,
}

impl NodeSession {
    pub(super) fn maybe_push(&mut self, out: &mut Vec<NodeOutput>) {
        if self.welcomed && !self.closed && matches!(self.push, Push::Idle) && self.outbox_dirty {
            self.outbox_dirty = false;
            self.push = Push::Loading;
            let max_bytes = self
                .max_frame
                .saturating_sub(crate::wire::FRAME_OVERHEAD + 4096);
            self.enqueue(
                NodeStoreOp::OutboxBatch {
                    max_docs: self.config.push_batch_docs,
                    max_bytes,
                },
                Purpose::Outbox,
                out,
            );
        }
    }

    pub(super) fn on_push_ack(
        &mut self,
        batch: u64,
        results: Vec<crate::wire::PushResult>,
        out: &mut Vec<NodeOutput>,
    ) {
        let Push::InFlight {
            batch: expected,
            docs,
            ..
        } = &self.push
        else {
            return;
        };
        if *expected != batch {
            return;
        }
        let docs = docs.clone();
        let mut acks = Vec::with_capacity(docs.len());
        for doc in docs {
            // A document the hub did not answer for stays in the outbox for the next push.
            let Some(result) = results.iter().find(|r| r.doc_id == doc.push.doc_id) else {
                continue;
            };
            let outcome = match &result.outcome {
                PushOutcome::Applied { .. } => {
                    self.stats.pushed_docs += 1;
                    self.need_full_twice.remove(&doc.push.doc_id);
                    result.outcome.clone()
                }
                PushOutcome::NeedFull => {
                    let count = self.need_full_twice.entry(doc.push.doc_id).or_insert(0);
                    *count += 1;
                    if *count > 2 {
                        // The whole document did not satisfy the hub either: asking again
                        // would loop, so it is parked like a document the hub refused.
                        PushOutcome::Rejected {
                            code: ErrorCode::InvalidDocument,
                            message: "the hub keeps asking for the whole document".into(),
                        }
                    } else {
                        PushOutcome::NeedFull
                    }
                }
                PushOutcome::Rejected { .. } => result.outcome.clone(),
            };
            // Every parked document is reported, whoever decided to park it, so the
            // node's log and last error say why it stopped syncing.
            if let PushOutcome::Rejected { code, message } = &outcome {
                self.need_full_twice.remove(&doc.push.doc_id);
                out.push(NodeOutput::Problem(Problem::Refused {
                    doc_id: doc.push.doc_id,
                    code: *code,
                    message: message.clone(),
                }));
            }
            acks.push(PushAck {
                doc_id: doc.push.doc_id,
                version: doc.version,
                heads: doc.heads.clone(),
                outcome,
            });
        }
        self.push = Push::Settling;
        self.enqueue(NodeStoreOp::PushAcked(acks), Purpose::PushAcked, out);
    }
}
