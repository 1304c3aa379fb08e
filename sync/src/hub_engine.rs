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
    COMPRESS_MIN_BYTES, ClientMsg, DocData, DocPush, ErrorCode, FEATURE_BOOT_ROWS,
    FEATURE_BOOTSTRAP, FEATURE_COMPRESSED, FEATURE_LIVE_DOCS, FEATURE_TOKEN_ROTATION, FetchItem,
    HubMsg, Limits, OutboxStats, PushOutcome, PushResult, doc_data_encoded_len,
};

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
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HubStoreResult {
    LatestSeq(u64),
    Applied(Vec<PushOutcome>),
    Changes(ChangePage),
    Fetched(Vec<Option<DocData>>),
    Derivations(Vec<Option<Vec<u8>>>),
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

#[derive(Debug)]
enum Request {
    Push {
        batch: u64,
        docs: Vec<DocPush>,
    },
    Pull {
        request: u64,
        cursor: u64,
        limit: u32,
    },
    Fetch {
        request: u64,
        items: Vec<FetchItem>,
    },
    Live,
    Bootstrap {
        request: u64,
        cursor: u64,
    },
}

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

/// What a hub offers in `Dermis-Features` and accepts in `Hello.features`: every
/// feature this build speaks, less what its operator turned off (`boot_rows`,
/// `compressed_frames`). The one list of both, so the header and the session agree.
pub fn offered_features(config: &EngineConfig) -> u64 {
    let mut offered = FEATURE_TOKEN_ROTATION | FEATURE_LIVE_DOCS | FEATURE_BOOTSTRAP;
    if config.boot_rows {
        offered |= FEATURE_BOOT_ROWS;
    }
    if config.compressed_frames {
        offered |= FEATURE_COMPRESSED;
    }
    offered
}

/// The most pushed data a session keeps to hand on as a live batch; a larger push is
/// announced with an `Index` as before, and its documents fetched.
pub const LIVE_MAX_BYTES: usize = 256 * 1024;

/// The live batch of a committed push: the documents at the seqs the commit gave out.
/// A push's writes take the clinic's next seqs in one run, so the batch is the longest
/// run of consecutive seqs ending at the highest; an unchanged document (an older seq)
/// outside that run is left out, and a batch that cannot be told apart is not made.
fn live_batch(origin: Uuid, docs: &[DocPush], outcomes: &[PushOutcome]) -> Option<LiveBatch> {
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

#[derive(Debug)]
enum Busy {
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

/// Frames a node may send per second on average, and in a burst, before it is cut off.
const RATE_PER_SECOND: f64 = 400.0;
const RATE_BURST: f64 = 2_000.0;
/// Requests queued while one is being served.
const MAX_QUEUE: usize = 64;
/// Documents asked of the store per step of a fetch (fewer when they are large).
const FETCH_STEP_ITEMS: usize = 500;

/// A fetch's items with repeated ids collapsed into the first, which asks for the whole
/// document if any of them does: a request naming one document thousands of times is
/// answered once.
fn collapse(items: Vec<FetchItem>) -> VecDeque<FetchItem> {
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

    pub fn handle_frame(&mut self, now: Millis, frame: &[u8]) -> Vec<HubOutput> {
        let mut out = Vec::new();
        if self.closed {
            return out;
        }
        self.last_rx = now;
        self.frames_in += 1;
        self.bytes_in += frame.len() as u64;
        if !self.rate_ok(now) {
            self.fail(now, ErrorCode::RateLimited, "too many frames", &mut out);
            return out;
        }
        let msg = match ClientMsg::decode(frame, &self.limits) {
            Ok(m) => m,
            Err(e) => {
                self.fail(now, e.code(), e.to_string(), &mut out);
                return out;
            }
        };
        match msg {
            ClientMsg::Hello {
                node_id,
                app_version,
                cursor,
                outbox,
                features,
            } => {
                if self.hello {
                    self.fail(
                        now,
                        ErrorCode::ProtocolViolation,
                        "hello sent twice",
                        &mut out,
                    );
                } else if node_id != self.node_id {
                    self.fail(
                        now,
                        ErrorCode::Forbidden,
                        "the hello names another node than the token",
                        &mut out,
                    );
                } else {
                    self.hello = true;
                    // Only what this hub offers; derivations ride on bootstrap frames only.
                    self.features = features & offered_features(&self.config);
                    if self.features & FEATURE_BOOTSTRAP == 0 {
                        self.features &= !FEATURE_BOOT_ROWS;
                    }
                    self.sent_up_to = cursor;
                    out.push(HubOutput::NodeReport {
                        app_version: Some(app_version),
                        cursor: Some(cursor),
                        outbox,
                        last_error: None,
                    });
                    self.busy = Some(Busy::Welcome);
                    out.push(HubOutput::Store(HubStoreOp::LatestSeq));
                }
            }
            _ if !self.hello => self.fail(
                now,
                ErrorCode::ProtocolViolation,
                "the first frame must be hello",
                &mut out,
            ),
            ClientMsg::Push { batch, docs } => {
                if docs.len() > self.config.push_batch_docs.max(1) * 2 {
                    self.fail(
                        now,
                        ErrorCode::ProtocolViolation,
                        "push batch too large",
                        &mut out,
                    );
                } else {
                    self.docs_in += docs.len() as u64;
                    self.queue_request(now, Request::Push { batch, docs }, &mut out);
                }
            }
            ClientMsg::Pull {
                request,
                cursor,
                limit,
            } => self.queue_request(
                now,
                Request::Pull {
                    request,
                    cursor,
                    limit,
                },
                &mut out,
            ),
            ClientMsg::Fetch { request, items } => {
                self.queue_request(now, Request::Fetch { request, items }, &mut out)
            }
            ClientMsg::Bootstrap { request, cursor } => {
                if self.features & FEATURE_BOOTSTRAP == 0 {
                    self.fail(
                        now,
                        ErrorCode::ProtocolViolation,
                        "bootstrap was not agreed",
                        &mut out,
                    );
                } else {
                    self.queue_request(now, Request::Bootstrap { request, cursor }, &mut out);
                }
            }
            ClientMsg::Ping { nonce } => self.send(now, &HubMsg::Pong { nonce }, &mut out),
            ClientMsg::Pong { .. } => {}
            ClientMsg::Report {
                cursor,
                outbox,
                last_error,
            } => {
                out.push(HubOutput::NodeCursor { cursor });
                out.push(HubOutput::NodeReport {
                    app_version: None,
                    cursor: Some(cursor),
                    outbox,
                    last_error: (!last_error.is_empty()).then_some(last_error),
                });
            }
            ClientMsg::TokenStored => {
                if self.token_offered && !self.token_stored {
                    self.token_stored = true;
                    out.push(HubOutput::TokenStored);
                } else {
                    self.fail(
                        now,
                        ErrorCode::ProtocolViolation,
                        "token stored without a new token",
                        &mut out,
                    );
                }
            }
        }
        out
    }

    fn queue_request(&mut self, now: Millis, request: Request, out: &mut Vec<HubOutput>) {
        if self.queue.len() >= MAX_QUEUE {
            self.fail(
                now,
                ErrorCode::RateLimited,
                "too many requests waiting",
                out,
            );
            return;
        }
        self.queue.push_back(request);
        self.serve_next(now, out);
    }

    fn serve_next(&mut self, now: Millis, out: &mut Vec<HubOutput>) {
        if self.busy.is_some() || self.closed {
            return;
        }
        let request = match self.queue.pop_front() {
            Some(r) => r,
            None if self.live && self.live_pending > self.sent_up_to => Request::Live,
            None => return,
        };
        let _ = now;
        match request {
            Request::Push { batch, docs } => {
                let ids = docs.iter().map(|d| d.doc_id).collect();
                let bytes: usize = docs.iter().map(|d| d.data.len()).sum();
                let kept = (bytes <= LIVE_MAX_BYTES).then(|| docs.clone());
                self.busy = Some(Busy::Push { batch, ids, kept });
                out.push(HubOutput::Store(HubStoreOp::Apply { docs }));
            }
            Request::Pull {
                request,
                cursor,
                limit,
            } => {
                self.busy = Some(Busy::Pull {
                    request,
                    from: cursor,
                });
                self.sent_up_to = self.sent_up_to.max(cursor);
                let limit = (limit as usize).clamp(1, self.config.pull_limit.max(1) as usize);
                out.push(HubOutput::NodeCursor { cursor });
                out.push(HubOutput::Store(HubStoreOp::ChangedSince { cursor, limit }));
            }
            Request::Fetch { request, items } => {
                self.fetch_step(request, collapse(items), out);
            }
            Request::Bootstrap { request, cursor } => {
                self.busy = Some(Busy::Bootstrap {
                    request,
                    from: cursor,
                    page: None,
                    derived: None,
                });
                self.sent_up_to = self.sent_up_to.max(cursor);
                out.push(HubOutput::NodeCursor { cursor });
                out.push(HubOutput::Store(HubStoreOp::ChangedSince {
                    cursor,
                    limit: crate::bootstrap::PAGE_DOCS.min(self.config.pull_limit.max(1) as usize),
                }));
            }
            Request::Live => {
                self.busy = Some(Busy::Live {
                    from: self.sent_up_to,
                });
                out.push(HubOutput::Store(HubStoreOp::ChangedSince {
                    cursor: self.sent_up_to,
                    limit: self.config.pull_limit.max(1) as usize,
                }));
            }
        }
    }

    /// Asks the store for the next step of a fetch: about one frame of documents.
    fn fetch_step(
        &mut self,
        request: u64,
        mut rest: VecDeque<FetchItem>,
        out: &mut Vec<HubOutput>,
    ) {
        let take = rest.len().min(FETCH_STEP_ITEMS);
        let items: Vec<FetchItem> = rest.drain(..take).collect();
        self.busy = Some(Busy::Fetch {
            request,
            step: items.clone(),
            rest,
        });
        let max_bytes = self.send_budget();
        out.push(HubOutput::Store(HubStoreOp::Fetch { items, max_bytes }));
    }

    /// Bytes of documents one frame to the node may carry. The hub's own frames stay
    /// within both its limit and the protocol's default (what every node accepts, as
    /// no node tells its own): a hub configured for larger frames still sends frames
    /// nodes can read.
    /// Asks the store for the whole documents of a bootstrap page (with the page's
    /// derivations, when read, kept for the frame). The fetch is bounded by the send
    /// budget: derivations take room in the frame, so no more documents are fetched than
    /// fit beside them.
    fn boot_fetch(
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

    fn send_budget(&self) -> usize {
        self.limits
            .max_frame_bytes
            .min(Limits::default().max_frame_bytes)
            .saturating_sub(crate::wire::FRAME_OVERHEAD)
    }

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
                let ids = step.iter().map(|i| i.doc_id).collect();
                self.send_docs(now, request, ids, docs, &mut out);
                if !rest.is_empty() {
                    // The next step only after this one's frames: the driver sends them
                    // before running the store operation, and waits while the node reads.
                    self.fetch_step(request, rest, &mut out);
                    return out;
                }
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

    fn send_page(
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
    fn send_bootstrap(
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
    fn send_docs(
        &mut self,
        now: Millis,
        request: u64,
        ids: Vec<Uuid>,
        docs: Vec<Option<DocData>>,
        out: &mut Vec<HubOutput>,
    ) {
        let budget = self.send_budget();
        let mut missing = Vec::new();
        let mut batch: Vec<DocData> = Vec::new();
        let mut size = 0;
        for (id, doc) in ids.into_iter().zip(docs) {
            let Some(doc) = doc else {
                missing.push(id);
                continue;
            };
            let len = doc_data_encoded_len(&doc);
            if len > budget {
                // Larger than any frame may be: report it missing rather than break the session.
                missing.push(id);
                continue;
            }
            if size + len > budget && !batch.is_empty() {
                let items = std::mem::take(&mut batch);
                self.docs_out += items.len() as u64;
                self.send(
                    now,
                    &HubMsg::Docs {
                        request,
                        items,
                        missing: Vec::new(),
                    },
                    out,
                );
                size = 0;
            }
            size += len;
            batch.push(doc);
        }
        self.docs_out += batch.len() as u64;
        self.send(
            now,
            &HubMsg::Docs {
                request,
                items: batch,
                missing,
            },
            out,
        );
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
    use crate::wire::IndexEntry;
    use automerge::ChangeHash;

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
