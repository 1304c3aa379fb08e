//! The hub's side of one node's sync session, sans IO. The driver authenticates the node
//! (its token names the node and clinic) before the session starts; from then on frames
//! and store results go in, frames and store operations come out.
//!
//! Requests are served one at a time, in order, so a session's memory is bounded by one
//! request and a short queue; a node that floods faster than a generous rate is cut off.
//! Every store operation is scoped to the node's clinic: a forged document id can at
//! most name a document the store then refuses.

use std::collections::VecDeque;

use automerge::ChangeHash;
use dermis_model::ClinicId;
use uuid::Uuid;

use crate::config::{EngineConfig, Millis};
use crate::store::ChangePage;
use crate::wire::{
    COMPRESS_MIN_BYTES, DocData, DocPush, ErrorCode, FEATURE_BOOT_FIRST, FEATURE_BOOT_ROWS,
    FEATURE_BOOTSTRAP, FEATURE_COMPRESSED, FEATURE_FETCH_ROWS, FEATURE_LIVE_DOCS,
    FEATURE_TOKEN_ROTATION, FetchItem, HubMsg, Limits, OutboxStats, PushOutcome,
};

mod frames;
mod live;
mod send;
mod stored;

pub use live::{LIVE_MAX_BYTES, LiveBatch};

use frames::Request;
use stored::Busy;

/// A storage operation for the driver to run against the hub's [`crate::DocStore`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HubStoreOp {
    LatestSeq,
    Apply {
        docs: Vec<DocPush>,
    },
    ChangedSince {
        cursor: u64,
        limit: usize,
    },
    /// A prefix of these, up to about `max_bytes` of data ([`crate::DocStore::fetch_some`]).
    Fetch {
        items: Vec<FetchItem>,
        max_bytes: usize,
    },
    /// The stored index derivation of each document at exactly these heads
    /// ([`crate::DocStore::derivations`], revision 6).
    Derivations {
        items: Vec<(Uuid, Vec<ChangeHash>)>,
    },
    /// The clinic's appointments starting in `[from, to)`, at most `limit`
    /// ([`crate::DocStore::booked_between`], revision 8).
    Booked {
        from: Millis,
        to: Millis,
        limit: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HubStoreResult {
    LatestSeq(u64),
    Applied(Vec<PushOutcome>),
    Changes(ChangePage),
    Fetched(Vec<Option<DocData>>),
    Derivations(Vec<Option<Vec<u8>>>),
    Booked(Vec<crate::boot_first::Booked>),
    Failed(crate::store::StoreFailure),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HubOutput {
    Send(Vec<u8>),
    /// A frame to send compressed (revision 7, only to a node that asked for
    /// [`FEATURE_COMPRESSED`]): the driver compresses it with
    /// [`crate::wire::compress_frame`] off its async threads, and sends it as it is when
    /// that does not make it smaller. Its size (the frame budget) is the frame's own,
    /// uncompressed.
    SendCompressed(Vec<u8>),
    Store(HubStoreOp),
    /// Close the connection with this code (after the `Error` frame already queued).
    Close {
        code: ErrorCode,
        reason: String,
    },
    /// The node said hello or reported: what the admin pages show.
    NodeReport {
        app_version: Option<String>,
        cursor: Option<u64>,
        outbox: OutboxStats,
        last_error: Option<String>,
    },
    /// Changes were committed: wake the clinic's other sessions, handing them the
    /// documents when the push was small enough to carry ([`LiveBatch`]).
    ClinicAdvanced {
        seq: u64,
        live: Option<std::sync::Arc<LiveBatch>>,
    },
    /// The node has everything up to this seq.
    NodeCursor {
        cursor: u64,
    },
    /// The node stored the token of [`HubSession::offer_token`] durably.
    TokenStored,
}

/// What a hub offers in `Dermis-Features` and accepts in `Hello.features`: every
/// feature this build speaks, less what its operator turned off (`boot_rows`,
/// `compressed_frames`, `boot_first`, `fetch_rows`). The one list of both, so the header and the session agree.
pub fn offered_features(config: &EngineConfig) -> u64 {
    let mut offered = FEATURE_TOKEN_ROTATION | FEATURE_LIVE_DOCS | FEATURE_BOOTSTRAP;
    if config.boot_rows {
        offered |= FEATURE_BOOT_ROWS;
    }
    if config.compressed_frames {
        offered |= FEATURE_COMPRESSED;
    }
    if config.boot_first {
        offered |= FEATURE_BOOT_FIRST;
    }
    if config.fetch_rows {
        offered |= FEATURE_FETCH_ROWS;
    }
    offered
}

/// Frames a node may send per second on average, and in a burst, before it is cut off.
const RATE_PER_SECOND: f64 = 400.0;
const RATE_BURST: f64 = 2_000.0;
/// Requests queued while one is being served.
const MAX_QUEUE: usize = 64;

pub struct HubSession {
    config: EngineConfig,
    limits: Limits,
    node_id: Uuid,
    clinic: ClinicId,
    hello: bool,
    /// `Welcome` has been sent.
    welcomed: bool,
    /// The features the node's `Hello` asked for.
    features: u64,
    token_offered: bool,
    token_stored: bool,
    closed: bool,
    busy: Option<Busy>,
    queue: VecDeque<Request>,
    /// The highest seq the node has been told about (pages and live updates).
    sent_up_to: u64,
    /// The part of a first sync sent before the log (revision 8) has been served: once
    /// per session, however often a node asks for a bootstrap from 0.
    first_served: bool,
    live: bool,
    live_pending: u64,
    tokens: f64,
    token_at: Millis,
    started_at: Millis,
    last_rx: Millis,
    last_tx: Millis,
    pub frames_in: u64,
    pub frames_out: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub docs_in: u64,
    pub docs_out: u64,
}

impl std::fmt::Debug for HubSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubSession")
            .field("node_id", &self.node_id)
            .field("clinic", &self.clinic)
            .field("busy", &self.busy)
            .finish_non_exhaustive()
    }
}

impl HubSession {
    /// A session for an authenticated node of `clinic`.
    pub fn new(
        node_id: Uuid,
        clinic: ClinicId,
        now: Millis,
        config: EngineConfig,
        limits: Limits,
    ) -> Self {
        HubSession {
            config,
            limits,
            node_id,
            clinic,
            hello: false,
            welcomed: false,
            features: 0,
            token_offered: false,
            token_stored: false,
            closed: false,
            busy: None,
            queue: VecDeque::new(),
            sent_up_to: 0,
            first_served: false,
            live: false,
            live_pending: 0,
            tokens: RATE_BURST,
            token_at: now,
            started_at: now,
            last_rx: now,
            last_tx: now,
            frames_in: 0,
            frames_out: 0,
            bytes_in: 0,
            bytes_out: 0,
            docs_in: 0,
            docs_out: 0,
        }
    }

    pub fn clinic(&self) -> ClinicId {
        self.clinic
    }

    pub fn node_id(&self) -> Uuid {
        self.node_id
    }

    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The optional features the node asked for in its `Hello` (`wire::FEATURE_*`).
    pub fn node_features(&self) -> u64 {
        self.features
    }

    /// Whether `Welcome` has been sent (what the session may offer starts then).
    pub fn is_welcomed(&self) -> bool {
        self.welcomed
    }

    /// Sends the node a new token, once per session, to a welcomed node that asked for
    /// [`FEATURE_TOKEN_ROTATION`]; anything else sends nothing. The driver stores the
    /// token's hash as the node's next token before it calls this; the node answers
    /// `TokenStored` ([`HubOutput::TokenStored`]) once the token is durable on its side.
    pub fn offer_token(&mut self, now: Millis, token: String) -> Vec<HubOutput> {
        let mut out = Vec::new();
        if self.closed
            || !self.welcomed
            || self.token_offered
            || self.features & FEATURE_TOKEN_ROTATION == 0
        {
            return out;
        }
        self.token_offered = true;
        self.send(now, &HubMsg::NewToken { token }, &mut out);
        out
    }

    /// Whether this session has sent a new token.
    pub fn token_offered(&self) -> bool {
        self.token_offered
    }

    /// Whether the driver should read more frames now (backpressure).
    pub fn wants_frames(&self) -> bool {
        !self.closed && self.queue.len() < MAX_QUEUE / 2
    }

    fn send(&mut self, now: Millis, msg: &HubMsg, out: &mut Vec<HubOutput>) {
        let bytes = msg.encode();
        self.frames_out += 1;
        self.bytes_out += bytes.len() as u64;
        self.last_tx = now;
        // First-sync frames and large fetch answers: documents, rows and ids that
        // compress to about half. Everything else is small or already dense.
        let worth = match msg {
            HubMsg::Bootstrap { .. } => true,
            HubMsg::Docs { .. } => bytes.len() >= COMPRESS_MIN_BYTES,
            _ => false,
        };
        if worth && self.features & FEATURE_COMPRESSED != 0 {
            out.push(HubOutput::SendCompressed(bytes));
        } else {
            out.push(HubOutput::Send(bytes));
        }
    }

    /// Sends an `Error` frame and closes: the node learns why.
    fn fail(
        &mut self,
        now: Millis,
        code: ErrorCode,
        reason: impl Into<String>,
        out: &mut Vec<HubOutput>,
    ) {
        if self.closed {
            return;
        }
        let reason = reason.into();
        self.send(
            now,
            &HubMsg::Error {
                code,
                message: reason.clone(),
            },
            out,
        );
        self.closed = true;
        out.push(HubOutput::Close { code, reason });
    }

    /// The driver is shutting down or the node was revoked.
    pub fn terminate(&mut self, now: Millis, code: ErrorCode, reason: &str) -> Vec<HubOutput> {
        let mut out = Vec::new();
        self.fail(now, code, reason, &mut out);
        out
    }

    fn rate_ok(&mut self, now: Millis) -> bool {
        let elapsed = (now - self.token_at).max(0) as f64 / 1000.0;
        self.token_at = now;
        self.tokens = (self.tokens + elapsed * RATE_PER_SECOND).min(RATE_BURST);
        self.tokens -= 1.0;
        self.tokens >= 0.0
    }

    pub fn tick(&mut self, now: Millis) -> Vec<HubOutput> {
        let mut out = Vec::new();
        if self.closed {
            return out;
        }
        if !self.hello && now - self.started_at > self.config.request_timeout {
            self.fail(now, ErrorCode::Timeout, "no hello", &mut out);
        } else if now - self.last_rx > self.config.idle_timeout {
            self.fail(now, ErrorCode::Timeout, "the node went silent", &mut out);
        } else if self.hello && now - self.last_tx >= self.config.ping_interval {
            self.send(now, &HubMsg::Ping { nonce: now as u64 }, &mut out);
        }
        out
    }

    pub fn next_deadline(&self) -> Millis {
        let mut next = self.last_rx + self.config.idle_timeout + 1;
        if self.hello {
            next = next.min(self.last_tx + self.config.ping_interval);
        } else {
            next = next.min(self.started_at + self.config.request_timeout + 1);
        }
        next
    }
}
