//! The node's side of a sync session, sans IO: frames, store results, local changes and
//! ticks go in; frames to send, store operations to run, and session events come out.
//!
//! A session pushes the outbox (the hub acks after its commit; only then is an entry
//! cleared) and pulls the hub's change log from the node's cursor (fetching only the
//! documents whose heads differ, and advancing the cursor only in the transaction that
//! stores the last of them). When both directions are done it stays connected and the
//! hub sends new change-log entries as other nodes write. Anything unexpected — a frame
//! that does not decode, a request unanswered past its deadline — ends the session; the
//! driver reconnects, and because every step is idempotent nothing is lost or doubled.

mod boot;
mod problem;
mod pull;
mod push;
mod stored;

pub use problem::Problem;

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};

use dermis_model::ClinicId;
use uuid::Uuid;

use crate::config::{EngineConfig, Millis};
use crate::store::{ApplyFailure, OutgoingDoc, PushAck};
use crate::wire::{
    ClientMsg, DocData, ErrorCode, FEATURE_BOOT_FIRST, FEATURE_BOOT_ROWS, FEATURE_BOOTSTRAP,
    FEATURE_COMPRESSED, FEATURE_FETCH_ROWS, FEATURE_LIVE_DOCS, FEATURE_TOKEN_ROTATION, FetchItem,
    HubMsg, IndexEntry, Limits, OutboxStats,
};

use pull::Pull;
use push::Push;

/// A token as the hub makes them: 16 to 256 characters of base64url (`A-Z a-z 0-9 - _`).
fn plausible_token(token: &str) -> bool {
    (16..=256).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A storage operation the driver must run against the node's [`crate::NodeSyncStore`],
/// then hand the result back with [`NodeSession::stored`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeStoreOp {
    OutboxBatch {
        max_docs: usize,
        max_bytes: usize,
    },
    PushAcked(Vec<PushAck>),
    PlanFetch(Vec<IndexEntry>),
    ApplyDocs {
        docs: Vec<DocData>,
        cursor: Option<u64>,
    },
    /// The outbox figures, for a `Report` to the hub.
    OutboxStats {
        now: Millis,
    },
    /// A new node token from the hub, to keep durably in place of the one in use.
    StoreToken {
        token: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeStoreResult {
    Outbox(Vec<OutgoingDoc>),
    PushAcked,
    Planned(Vec<FetchItem>),
    Applied(Vec<ApplyFailure>),
    OutboxStats(OutboxStats),
    TokenStored,
    /// The store failed; the session ends and the driver retries later.
    Failed(crate::store::StoreFailure),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeOutput {
    Send(Vec<u8>),
    Store(NodeStoreOp),
    /// End the session with this code (the driver closes the socket and reconnects).
    Close {
        code: ErrorCode,
        reason: String,
    },
    Welcomed {
        clinic_id: ClinicId,
        hub_seq: u64,
    },
    /// Both directions are done: nothing to push, nothing new to pull.
    CaughtUp,
    /// Something went wrong that does not end the session (a document the hub refused).
    Problem(Problem),
}

/// Bootstrap frames a node holds unapplied at most before it asks for the next: one
/// being stored and one waiting, so the hub reads ahead by one frame and the node's
/// memory stays a few frames however large the clinic.
const BOOT_AHEAD: usize = 2;

/// What a queued store operation was for, to interpret its result.
#[derive(Debug)]
enum Purpose {
    Outbox,
    PushAcked,
    Plan,
    Apply,
    /// The documents of a live update, with the cursor.
    Live,
    /// A bootstrap frame's documents with its cursor (`up_to`); `retry` is set on the
    /// cursor's own write after documents were refused.
    Boot {
        up_to: u64,
    },
    /// Documents a first sync sends before the log (revision 8), stored without a cursor.
    First,
    Finish,
    Report,
    Token,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionStats {
    pub pushed_docs: u64,
    pub pulled_docs: u64,
    pub bytes_up: u64,
    /// Bytes received, as they came over the link (compressed frames compressed).
    pub bytes_down: u64,
    /// Of `bytes_down`, the bytes of compressed frames (revision 7), and what they
    /// decompressed to.
    pub compressed_down: u64,
    pub decompressed_down: u64,
}

/// A frame from the hub, opened ([`NodeSession::receive`]): a compressed frame
/// decompressed once, so the driver can hand the inner frame to whatever reads it ahead
/// ([`Received::frame`]) and then to [`NodeSession::handle_received`].
#[derive(Debug)]
pub struct Received<'a> {
    wire_len: usize,
    compressed: bool,
    frame: Result<Cow<'a, [u8]>, (ErrorCode, String)>,
}

impl Received<'_> {
    /// The frame to decode, or `None` when it was refused (the session will end).
    pub fn frame(&self) -> Option<&[u8]> {
        self.frame.as_deref().ok()
    }
}

pub struct NodeSession {
    config: EngineConfig,
    limits: Limits,
    node_id: Uuid,
    clinic: Option<ClinicId>,
    welcomed: bool,
    closed: bool,
    cursor: u64,
    next_id: u64,
    ops: VecDeque<(NodeStoreOp, Purpose)>,
    op_in_flight: Option<Purpose>,
    pull: Pull,
    pulled_all: bool,
    live_wanted: bool,
    push: Push,
    outbox_dirty: bool,
    outbox_empty: bool,
    need_full_twice: HashMap<Uuid, u8>,
    caught_up_sent: bool,
    started_at: Millis,
    last_rx: Millis,
    last_tx: Millis,
    max_frame: usize,
    stats: SessionStats,
    /// The optional features agreed with the hub (`wire::FEATURE_*`).
    features: u64,
    token_received: bool,
    /// A bootstrap was asked for on this connection (at most one per session).
    booted: bool,
    /// Documents received before the log on this session's bootstrap (revision 8).
    first_docs: usize,
}

impl std::fmt::Debug for NodeSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeSession")
            .field("node_id", &self.node_id)
            .field("cursor", &self.cursor)
            .field("pull", &self.pull)
            .field("push", &self.push)
            .finish_non_exhaustive()
    }
}

impl NodeSession {
    pub fn new(node_id: Uuid, config: EngineConfig) -> Self {
        NodeSession {
            config,
            limits: Limits::default(),
            node_id,
            clinic: None,
            welcomed: false,
            closed: false,
            cursor: 0,
            next_id: 1,
            ops: VecDeque::new(),
            op_in_flight: None,
            pull: Pull::Idle,
            pulled_all: false,
            live_wanted: false,
            push: Push::Idle,
            outbox_dirty: true,
            outbox_empty: false,
            need_full_twice: HashMap::new(),
            caught_up_sent: false,
            started_at: 0,
            last_rx: 0,
            last_tx: 0,
            max_frame: Limits::default().max_frame_bytes,
            stats: SessionStats::default(),
            features: 0,
            token_received: false,
            booted: false,
            first_docs: 0,
        }
    }

    /// The features the hub offered (its `Dermis-Features` upgrade header, parsed with
    /// `wire::parse_features`), before [`NodeSession::start`]: `Hello` asks for those
    /// this engine supports.
    pub fn hub_offers(&mut self, features: u64) {
        let mut wanted = FEATURE_TOKEN_ROTATION;
        if self.config.live_docs {
            wanted |= FEATURE_LIVE_DOCS;
        }
        if self.config.bootstrap {
            wanted |= FEATURE_BOOTSTRAP;
            if self.config.boot_rows {
                wanted |= FEATURE_BOOT_ROWS;
            }
            if self.config.boot_first {
                wanted |= FEATURE_BOOT_FIRST;
            }
        }
        if self.config.compressed_frames {
            wanted |= FEATURE_COMPRESSED;
        }
        if self.config.fetch_rows {
            wanted |= FEATURE_FETCH_ROWS;
        }
        self.features = features & wanted;
    }

    /// Begins the session on a fresh connection: sends Hello.
    pub fn start(&mut self, now: Millis, cursor: u64, outbox: OutboxStats) -> Vec<NodeOutput> {
        self.cursor = cursor;
        self.started_at = now;
        self.last_rx = now;
        let mut out = Vec::new();
        let hello = ClientMsg::Hello {
            node_id: self.node_id,
            app_version: truncate(&self.config.app_version, 200),
            cursor,
            outbox,
            features: self.features,
        };
        self.send(now, &hello, &mut out);
        out
    }

    pub fn clinic(&self) -> Option<ClinicId> {
        self.clinic
    }

    pub fn cursor(&self) -> u64 {
        self.cursor
    }

    pub fn stats(&self) -> &SessionStats {
        &self.stats
    }

    /// Storing a first sync's frames (docs/SYNC.md, revision 5): from the first
    /// `Bootstrap` asked until its last frame is stored.
    pub fn is_booting(&self) -> bool {
        matches!(self.pull, Pull::Booting { .. })
    }

    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Both directions done and nothing pending.
    pub fn is_caught_up(&self) -> bool {
        self.welcomed
            && !self.closed
            && self.pulled_all
            && matches!(self.pull, Pull::Idle)
            && !self.live_wanted
            && matches!(self.push, Push::Idle)
            && self.outbox_empty
            && !self.outbox_dirty
            && self.ops.is_empty()
            && self.op_in_flight.is_none()
    }

    fn next_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn send(&mut self, now: Millis, msg: &ClientMsg, out: &mut Vec<NodeOutput>) {
        let bytes = msg.encode();
        self.stats.bytes_up += bytes.len() as u64;
        self.last_tx = now;
        out.push(NodeOutput::Send(bytes));
    }

    fn close(&mut self, code: ErrorCode, reason: impl Into<String>, out: &mut Vec<NodeOutput>) {
        if !self.closed {
            self.closed = true;
            out.push(NodeOutput::Close {
                code,
                reason: reason.into(),
            });
        }
    }

    fn enqueue(&mut self, op: NodeStoreOp, purpose: Purpose, out: &mut Vec<NodeOutput>) {
        self.ops.push_back((op, purpose));
        self.pump(out);
    }

    fn pump(&mut self, out: &mut Vec<NodeOutput>) {
        if self.op_in_flight.is_none()
            && !self.closed
            && let Some((op, purpose)) = self.ops.pop_front()
        {
            self.op_in_flight = Some(purpose);
            out.push(NodeOutput::Store(op));
        }
    }

    /// Something was written locally: push it.
    pub fn local_change(&mut self, _now: Millis) -> Vec<NodeOutput> {
        let mut out = Vec::new();
        self.outbox_dirty = true;
        self.outbox_empty = false;
        self.caught_up_sent = false;
        self.maybe_push(&mut out);
        out
    }

    fn check_caught_up(&mut self, now: Millis, out: &mut Vec<NodeOutput>) {
        if self.is_caught_up() && !self.caught_up_sent {
            self.caught_up_sent = true;
            out.push(NodeOutput::CaughtUp);
            // Tell the hub where we are, for its admin pages.
            self.enqueue(NodeStoreOp::OutboxStats { now }, Purpose::Report, out);
        }
    }

    /// A frame from the hub: [`NodeSession::receive`], then
    /// [`NodeSession::handle_received`].
    pub fn handle_frame(&mut self, now: Millis, frame: &[u8]) -> Vec<NodeOutput> {
        let received = self.receive(frame);
        self.handle_received(now, received)
    }

    /// Opens a frame from the hub without acting on it: a compressed frame (revision 7)
    /// is refused unless this session asked for them (before anything is decompressed),
    /// and is otherwise decompressed within this node's frame limit.
    pub fn receive<'a>(&self, frame: &'a [u8]) -> Received<'a> {
        let compressed = crate::wire::is_compressed(frame);
        let opened = if compressed && self.features & FEATURE_COMPRESSED == 0 {
            Err((
                ErrorCode::ProtocolViolation,
                "a compressed frame this node did not ask for".to_owned(),
            ))
        } else {
            crate::wire::decompress_frame(frame, &self.limits)
                .map_err(|e| (e.code(), format!("bad frame from hub: {e}")))
        };
        Received {
            wire_len: frame.len(),
            compressed,
            frame: opened,
        }
    }

    /// Acts on a frame opened by [`NodeSession::receive`].
    pub fn handle_received(&mut self, now: Millis, received: Received<'_>) -> Vec<NodeOutput> {
        let mut out = Vec::new();
        if self.closed {
            return out;
        }
        self.last_rx = now;
        self.stats.bytes_down += received.wire_len as u64;
        let frame = match received.frame {
            Ok(frame) => frame,
            Err((code, reason)) => {
                self.close(code, reason, &mut out);
                return out;
            }
        };
        if received.compressed {
            self.stats.compressed_down += received.wire_len as u64;
            self.stats.decompressed_down += frame.len() as u64;
        }
        let msg = match HubMsg::decode(&frame, &self.limits) {
            Ok(msg) => msg,
            Err(e) => {
                self.close(e.code(), format!("bad frame from hub: {e}"), &mut out);
                return out;
            }
        };
        match msg {
            HubMsg::Welcome {
                clinic_id,
                node_id,
                hub_seq,
                max_frame_bytes,
                ..
            } => {
                if self.welcomed || node_id != self.node_id {
                    self.close(ErrorCode::ProtocolViolation, "unexpected welcome", &mut out);
                    return out;
                }
                self.welcomed = true;
                self.clinic = Some(ClinicId(clinic_id));
                self.max_frame =
                    (max_frame_bytes as usize).clamp(64 * 1024, self.limits.max_frame_bytes);
                out.push(NodeOutput::Welcomed {
                    clinic_id: ClinicId(clinic_id),
                    hub_seq,
                });
                self.maybe_push(&mut out);
                self.start_pull(now, &mut out);
            }
            _ if !self.welcomed => self.close(
                ErrorCode::ProtocolViolation,
                "hub spoke before welcome",
                &mut out,
            ),
            HubMsg::PushAck { batch, results } => self.on_push_ack(batch, results, &mut out),
            HubMsg::Index {
                request,
                from,
                entries,
                up_to,
                more,
            } => self.on_index(now, request, from, entries, up_to, more, &mut out),
            HubMsg::Docs {
                request,
                items,
                missing,
                derived,
            } => self.on_docs(now, request, items, missing, &derived, &mut out),
            HubMsg::Ping { nonce } => self.send(now, &ClientMsg::Pong { nonce }, &mut out),
            HubMsg::Pong { .. } => {}
            HubMsg::NewToken { token } => self.on_new_token(token, &mut out),
            HubMsg::Live { from, up_to, items } => {
                self.on_live(now, from, up_to, items, &mut out);
            }
            HubMsg::Bootstrap {
                request,
                from,
                up_to,
                more,
                items,
                derived,
            } => self.on_bootstrap(now, request, from, up_to, more, items, &derived, &mut out),
            HubMsg::Error { code, message } => {
                self.close(code, format!("hub: {message}"), &mut out)
            }
        }
        self.check_caught_up(now, &mut out);
        out
    }

    /// A new token: kept durably before the hub hears `TokenStored`, and only one per
    /// session, only when agreed, only one that looks like a token (a damaged one kept
    /// would lock the node out).
    fn on_new_token(&mut self, token: String, out: &mut Vec<NodeOutput>) {
        if self.features & FEATURE_TOKEN_ROTATION == 0 || self.token_received {
            self.close(ErrorCode::ProtocolViolation, "unexpected new token", out);
            return;
        }
        if !plausible_token(&token) {
            self.close(
                ErrorCode::ProtocolViolation,
                "the new token is not a token",
                out,
            );
            return;
        }
        self.token_received = true;
        self.enqueue(NodeStoreOp::StoreToken { token }, Purpose::Token, out);
    }

    /// Heartbeats and deadlines.
    pub fn tick(&mut self, now: Millis) -> Vec<NodeOutput> {
        let mut out = Vec::new();
        if self.closed {
            return out;
        }
        let timeout = self.config.request_timeout;
        let overdue = |at: Millis| now - at > timeout;
        let waiting_too_long = (!self.welcomed && overdue(self.started_at))
            || matches!(self.pull, Pull::Requested { at, .. } if overdue(at))
            || matches!(self.pull, Pull::Fetching { at, applies: 0, .. } if overdue(at))
            || matches!(self.pull, Pull::Booting { asked: Some(_), at, .. } if overdue(at))
            || matches!(self.push, Push::InFlight { at, .. } if overdue(at));
        if waiting_too_long {
            self.close(
                ErrorCode::Timeout,
                "the hub did not answer in time",
                &mut out,
            );
        } else if now - self.last_rx > self.config.idle_timeout {
            self.close(ErrorCode::Timeout, "nothing heard from the hub", &mut out);
        } else if self.welcomed && now - self.last_tx >= self.config.ping_interval {
            let nonce = now as u64;
            self.send(now, &ClientMsg::Ping { nonce }, &mut out);
        }
        out
    }

    /// When the driver should call [`Self::tick`] next.
    pub fn next_deadline(&self) -> Millis {
        let mut next = self.last_rx + self.config.idle_timeout + 1;
        if self.welcomed {
            next = next.min(self.last_tx + self.config.ping_interval);
        }
        for at in [
            (!self.welcomed).then_some(self.started_at),
            match self.pull {
                Pull::Requested { at, .. }
                | Pull::Fetching { at, .. }
                | Pull::Booting {
                    asked: Some(_), at, ..
                } => Some(at),
                _ => None,
            },
            match self.push {
                Push::InFlight { at, .. } => Some(at),
                _ => None,
            },
        ]
        .into_iter()
        .flatten()
        {
            next = next.min(at + self.config.request_timeout + 1);
        }
        next
    }
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}
