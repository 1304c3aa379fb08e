//! The faulty network between the simulated nodes and the hub: frames delayed, dropped,
//! duplicated and reordered on the way, and each frame's outputs run to completion.

use rand::Rng;

use super::World;
use crate::config::Millis;
use crate::driver::{now_or_never, run_hub_op, run_node_op};
use crate::hub_engine::{HubOutput, HubSession};
use crate::node_engine::{NodeOutput, NodeSession};
use crate::store::{FailureKind, StoreFailure};

/// `HubMsg::Live`'s type code (docs/SYNC.md).
const LIVE_TYPE: u8 = 0x88;
/// The message type of `HubMsg::Bootstrap`, counted in the report.
const BOOTSTRAP_TYPE: u8 = 0x89;

pub(super) struct Frame {
    pub(super) at: Millis,
    pub(super) order: u64,
    bytes: Vec<u8>,
}

pub(super) struct Link {
    pub(super) node: NodeSession,
    pub(super) hub: HubSession,
    pub(super) to_hub: Vec<Frame>,
    pub(super) to_node: Vec<Frame>,
    /// Frames in this direction wait (a [`Script`](super::script::Script) holding them back).
    pub(super) held_to_hub: bool,
    pub(super) held_to_node: bool,
    /// The next frame of this message type toward the node is lost (a [`Script`](super::script::Script)'s).
    pub(super) lose_next_to_node: Option<u8>,
}

pub(super) enum Work {
    Node(usize, Vec<NodeOutput>),
    Hub(usize, Vec<HubOutput>),
}

impl World {
    pub(super) fn delay(&mut self) -> Option<Vec<Millis>> {
        if !self.faults {
            return Some(vec![self.rng.random_range(0..=3)]);
        }
        if self.rng.random_bool(self.config.drop) {
            self.report.dropped += 1;
            return None;
        }
        let mut base = self.rng.random_range(0..=self.config.max_delay.max(1));
        if self.rng.random_bool(self.config.reorder) {
            base += self.rng.random_range(0..=self.config.max_delay.max(1) * 4);
        }
        let mut delays = vec![base];
        if self.rng.random_bool(self.config.duplicate) {
            delays.push(base + self.rng.random_range(0..=self.config.max_delay.max(1)));
        }
        Some(delays)
    }

    /// A frame from the hub to node `node`; `compress` as the hub's driver does for
    /// `HubOutput::SendCompressed` (revision 7).
    pub(super) fn hub_sends(&mut self, node: usize, bytes: Vec<u8>, compress: bool) {
        if bytes.get(3) == Some(&LIVE_TYPE) {
            self.report.live_updates += 1;
        }
        if bytes.get(3) == Some(&BOOTSTRAP_TYPE) {
            self.report.bootstrap_frames += 1;
        }
        let bytes = match compress
            .then(|| crate::wire::compress_frame(&bytes))
            .flatten()
        {
            Some(compressed) => {
                self.report.compressed_frames += 1;
                compressed
            }
            None => bytes,
        };
        self.enqueue(node, false, bytes);
    }

    pub(super) fn enqueue(&mut self, node: usize, to_hub: bool, bytes: Vec<u8>) {
        if let Some(link) = self.nodes[node].link.as_mut()
            && !to_hub
            && link.lose_next_to_node.is_some()
            && link.lose_next_to_node == bytes.get(3).copied()
        {
            link.lose_next_to_node = None;
            self.report.dropped += 1;
            return;
        }
        let Some(delays) = self.delay() else { return };
        let now = self.now;
        for d in delays {
            self.order += 1;
            let frame = Frame {
                at: now + d,
                order: self.order,
                bytes: bytes.clone(),
            };
            if let Some(link) = self.nodes[node].link.as_mut() {
                if to_hub {
                    link.to_hub.push(frame)
                } else {
                    link.to_node.push(frame)
                }
            }
        }
    }

    pub(super) fn drop_link(&mut self, node: usize) {
        if self.nodes[node].link.take().is_some() {
            let jitter = self.rng.random_range(0..=self.nodes[node].backoff / 2);
            self.nodes[node].reconnect_at = self.now + self.nodes[node].backoff + jitter;
            self.nodes[node].backoff = (self.nodes[node].backoff * 2).min(2_000);
        }
    }

    pub(super) fn process(&mut self, first: Work) {
        let mut queue = vec![first];
        while let Some(work) = queue.pop() {
            match work {
                Work::Node(i, outputs) => {
                    for out in outputs {
                        if self.nodes[i].link.is_none() {
                            break;
                        }
                        match out {
                            NodeOutput::Send(bytes) => self.enqueue(i, true, bytes),
                            NodeOutput::Store(op) => {
                                let clinic =
                                    self.nodes[i].link.as_ref().and_then(|l| l.node.clinic());
                                let result =
                                    now_or_never(run_node_op(&mut self.nodes[i].store, clinic, op))
                                        .unwrap_or_else(|| {
                                            crate::node_engine::NodeStoreResult::Failed(
                                                StoreFailure::kind_only(FailureKind::Other),
                                            )
                                        });
                                let now = self.now;
                                if let Some(link) = self.nodes[i].link.as_mut() {
                                    queue.push(Work::Node(i, link.node.stored(now, result)));
                                }
                            }
                            NodeOutput::Close { .. } => self.drop_link(i),
                            NodeOutput::Welcomed { .. } => self.nodes[i].backoff = 50,
                            NodeOutput::CaughtUp | NodeOutput::Problem(_) => {}
                        }
                    }
                }
                Work::Hub(i, outputs) => {
                    for out in outputs {
                        if self.nodes[i].link.is_none() {
                            break;
                        }
                        match out {
                            HubOutput::Send(bytes) => self.hub_sends(i, bytes, false),
                            HubOutput::SendCompressed(bytes) => self.hub_sends(i, bytes, true),
                            HubOutput::Store(op) => {
                                let clinic = self.clinic;
                                let result = now_or_never(run_hub_op(&mut self.hub, clinic, op))
                                    .unwrap_or_else(|| {
                                        crate::hub_engine::HubStoreResult::Failed(
                                            StoreFailure::kind_only(FailureKind::Other),
                                        )
                                    });
                                let now = self.now;
                                if let Some(link) = self.nodes[i].link.as_mut() {
                                    queue.push(Work::Hub(i, link.hub.stored(now, result)));
                                }
                            }
                            HubOutput::Close { .. } => self.drop_link(i),
                            HubOutput::ClinicAdvanced { seq, live } => {
                                // Every session of the clinic hears of it, the pusher's too
                                // (as the hub's registry does).
                                let now = self.now;
                                for j in 0..self.nodes.len() {
                                    if let Some(link) = self.nodes[j].link.as_mut() {
                                        let out =
                                            link.hub.clinic_advanced(now, seq, live.as_deref());
                                        queue.push(Work::Hub(j, out));
                                    }
                                }
                            }
                            HubOutput::NodeReport { .. }
                            | HubOutput::NodeCursor { .. }
                            | HubOutput::TokenStored => {}
                        }
                    }
                }
            }
        }
    }

    pub(super) fn deliver(&mut self) {
        let now = self.now;
        for i in 0..self.nodes.len() {
            while let Some(link) = self.nodes[i].link.as_mut() {
                let pick = |frames: &mut Vec<Frame>| -> Option<Frame> {
                    let pos = frames
                        .iter()
                        .enumerate()
                        .filter(|(_, f)| f.at <= now)
                        .min_by_key(|(_, f)| (f.at, f.order))
                        .map(|(p, _)| p)?;
                    Some(frames.swap_remove(pos))
                };
                let to_hub = if link.held_to_hub {
                    None
                } else {
                    pick(&mut link.to_hub)
                };
                if let Some(frame) = to_hub {
                    self.report.frames += 1;
                    let out = link.hub.handle_frame(now, &frame.bytes);
                    self.process(Work::Hub(i, out));
                } else if let Some(frame) = (!link.held_to_node)
                    .then(|| pick(&mut link.to_node))
                    .flatten()
                {
                    self.report.frames += 1;
                    let out = link.node.handle_frame(now, &frame.bytes);
                    self.process(Work::Node(i, out));
                } else {
                    break;
                }
            }
        }
    }
}
