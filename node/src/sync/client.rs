//! The node's sync loop: a thin driver around the sans-IO [`NodeSession`] that owns the
//! WebSocket, the clock and the store. It reconnects with exponential backoff and
//! jitter, and wakes on local edits made by any process on the data dir.

use std::collections::VecDeque;
use std::path::Path;
use std::time::Duration;

use dermis_sync::driver::{error_chain, run_node_op};
use dermis_sync::node_engine::{NodeOutput, NodeSession, NodeStoreOp, NodeStoreResult};
use dermis_sync::wire::{ErrorCode, FEATURES_HEADER, parse_features};
use dermis_sync::{EngineConfig, StoreFailure};
use futures_util::{FutureExt, SinkExt, StreamExt};
use rand::Rng;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::{
    CloseFrame, WebSocketConfig, frame::coding::CloseCode,
};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use super::ended::{Ended, HubClose};
use super::link::{HubLink, LinkError, LinkSetupError, TRANSPORT_HEADER, certificate_problem};
use super::photos::{DocsSignal, LaneOptions, LaneReport, LaneThread, run_once};
use super::predecode::Predecoder;
use super::{notify, state};
use crate::node::{Node, OpError, now};
use crate::phases::{self, Phase};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("this node is not enrolled with a hub; run `dermis-node enroll --hub URL --code CODE`")]
    NotEnrolled,
    #[error(
        "the hub at {url} could not be reached within {seconds} s ({reason}); nothing was lost, the outbox is kept"
    )]
    Unreachable {
        url: String,
        seconds: u64,
        reason: String,
    },
    #[error("the hub refused this node ({reason}); ask the hub admin for a new enrollment code")]
    Refused { reason: String },
    #[error("cannot sync with the hub at {url}: {problem}")]
    Certificate { url: String, problem: String },
    /// The kept hub address or trust is not acceptable (plain http to a network
    /// address, an unreadable `DERMIS_HUB_CA_FILE`): nothing was attempted.
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error("the local store failed")]
    Store(#[from] StoreError),
    #[error(transparent)]
    Op(#[from] OpError),
    #[error("another sync daemon already runs on this data dir")]
    AlreadyRunning,
    #[error(
        "the documents are synced, but {pending} photos ({bytes} bytes) were still uploading after {seconds} s; nothing was lost, they resume at the next sync"
    )]
    PhotosPending {
        pending: i64,
        bytes: i64,
        seconds: u64,
    },
}

#[derive(Clone, Debug)]
pub struct SyncOptions {
    /// Stop once caught up both ways.
    pub once: bool,
    /// With `once`: give up (exit 1) if not caught up by then.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub engine: EngineConfig,
    /// Backoff bounds between connection attempts.
    pub min_backoff: Duration,
    pub max_backoff: Duration,
    /// Run the photo lane (uploads, thumbnails) besides the documents.
    pub photo_lane: bool,
    /// With `once`: also wait (up to `timeout`) for every photo upload to finish.
    pub wait_photos: bool,
    pub photos: LaneOptions,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            once: false,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            engine: EngineConfig {
                app_version: env!("CARGO_PKG_VERSION").into(),
                bootstrap: flag_from_env(BOOTSTRAP_ENV),
                boot_rows: flag_from_env(BOOT_ROWS_ENV),
                compressed_frames: flag_from_env(COMPRESSED_FRAMES_ENV),
                boot_first: flag_from_env(BOOT_FIRST_ENV),
                fetch_rows: flag_from_env(FETCH_ROWS_ENV),
                ..EngineConfig::default()
            },
            min_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(30),
            photo_lane: true,
            wait_photos: false,
            photos: LaneOptions::from_env(),
        }
    }
}

/// Turns the first sync in whole documents (docs/SYNC.md, revision 5) off, so a node
/// catches up as a revision 4 node does: for comparing the two and for tests of older
/// nodes against a newer hub.
pub const BOOTSTRAP_ENV: &str = "DERMIS_SYNC_BOOTSTRAP";

/// Turns index rows in bootstrap frames (docs/SYNC.md, revision 6) off, so a fresh node
/// loads every document as a revision 5 node does: for comparing the two and for tests
/// of older nodes against a newer hub.
pub const BOOT_ROWS_ENV: &str = "DERMIS_SYNC_BOOT_ROWS";

/// Turns compressed frames (docs/SYNC.md, revision 7) off, so every frame comes as it
/// is, as to a revision 6 node: for comparing the two and for tests of older nodes
/// against a newer hub.
pub const COMPRESSED_FRAMES_ENV: &str = "DERMIS_SYNC_COMPRESSED_FRAMES";

/// Turns today's appointments first (docs/SYNC.md, revision 8) off, so a fresh node's
/// first sync is in change-log order only, as a revision 7 node's: for comparing the two
/// and for tests of older nodes against a newer hub.
pub const BOOT_FIRST_ENV: &str = "DERMIS_SYNC_BOOT_FIRST";

/// Turns index rows in `Docs` frames (docs/SYNC.md, revision 9) off, so a node loads
/// every document it fetches whole, as a revision 8 node does: for comparing the two
/// and for tests of older nodes against a newer hub.
pub const FETCH_ROWS_ENV: &str = "DERMIS_SYNC_FETCH_ROWS";

/// A frame from the hub, opened once (a compressed frame is decompressed here, within
/// the node's frame limit), offered to the loaders ahead, then given to the engine.
fn take_frame(session: &mut NodeSession, ahead: &Predecoder, bytes: &[u8]) -> Vec<NodeOutput> {
    let t = std::time::Instant::now();
    let received = session.receive(bytes);
    if dermis_sync::wire::is_compressed(bytes) {
        phases::add(Phase::Decompress, t);
    }
    if let Some(frame) = received.frame() {
        ahead.offer(session.clinic(), frame);
    }
    let out = session.handle_received(now(), received);
    phases::add(Phase::Frame, t);
    out
}

/// Whether the variable `name` leaves its feature on (anything but `off`, `0` or `false`).
fn flag_from_env(name: &str) -> bool {
    std::env::var(name).map_or(true, |v| {
        !matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "off" | "0" | "false"
        )
    })
}

/// `ws://host/sync` for a hub base URL given as http(s):// or ws(s)://.
pub fn ws_url(hub: &str) -> String {
    let base = hub.trim_end_matches('/');
    let base = base.strip_suffix("/sync").unwrap_or(base);
    if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}/sync")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}/sync")
    } else if base.starts_with("ws://") || base.starts_with("wss://") {
        format!("{base}/sync")
    } else {
        format!("ws://{base}/sync")
    }
}

fn record(node: &Node, key: &str, value: &str) {
    if let Err(e) = state::set(node.store.conn(), key, value) {
        tracing::warn!(error = %e, key, "could not record sync state");
    }
}

/// How often a connected loop records that it is alive (`state::ALIVE_AT`).
const ALIVE_EVERY: Duration = Duration::from_secs(30);

/// How often a connection that keeps catching up records the time (`status`'s last
/// sync); the first time it catches up is always recorded.
const SYNC_AT_EVERY: Duration = Duration::from_secs(1);

/// Runs sync until caught up (`once`), until `shutdown` resolves, or forever.
pub async fn run(
    data_dir: &Path,
    options: SyncOptions,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    let mut node = Node::open(data_dir)?;
    let listener = if options.once {
        None
    } else {
        Some(
            notify::Listener::bind(data_dir).map_err(|source| StoreError::Io {
                path: data_dir.to_owned(),
                source,
            })?,
        )
    };
    let mut shutdown = std::pin::pin!(shutdown);
    let started = tokio::time::Instant::now();
    // `true` once the documents are caught up on the current connection: the photo lane
    // waits for it, so photos never hold the documents back.
    let (docs_caught_up, caught_up_rx) = DocsSignal::new();
    let _lane = (options.photo_lane && !options.once)
        .then(|| LaneThread::spawn(data_dir.to_owned(), options.photos.clone(), caught_up_rx));
    let mut backoff = options.min_backoff;
    let mut engine = options.engine.clone();
    loop {
        node.reload_identity()?;
        let link = match HubLink::from_store(node.store.conn()) {
            Ok(link) => link,
            Err(LinkSetupError::Store(e)) => return Err(e.into()),
            Err(LinkSetupError::Link(e)) => {
                record(&node, state::LAST_ERROR, &e.to_string());
                return Err(e.into());
            }
        };
        let (Some(link), Some(token)) = (link, state::get(node.store.conn(), state::HUB_TOKEN)?)
        else {
            return Err(SyncError::NotEnrolled);
        };
        let url = link.base().to_owned();
        let mut welcomed = false;
        let before = report.pushed_docs + report.pulled_docs;
        let ended = tokio::select! {
            ended = connection(&mut node, HubAccess { link: &link, token: &token, caught_up: &docs_caught_up }, &options, &engine, listener.as_ref(), &mut welcomed, &mut report) => ended,
            () = &mut shutdown => Ended::Shutdown,
        };
        if welcomed {
            backoff = options.min_backoff;
        }
        // A link that drops before a batch gets through gets smaller batches, so a flaky
        // line still makes progress; batches grow back as transfers succeed.
        let progressed = report.pushed_docs + report.pulled_docs > before;
        if matches!(ended, Ended::Lost(_)) && welcomed && !progressed {
            engine.push_batch_docs = (engine.push_batch_docs / 2).max(1);
            engine.fetch_batch = (engine.fetch_batch / 2).max(1);
            engine.pull_limit = (engine.pull_limit / 2).max(20);
        } else if progressed {
            engine.push_batch_docs =
                (engine.push_batch_docs * 2).min(options.engine.push_batch_docs);
            engine.fetch_batch = (engine.fetch_batch * 2).min(options.engine.fetch_batch);
            engine.pull_limit = (engine.pull_limit * 2).min(options.engine.pull_limit);
        }
        record(&node, state::ONLINE, "false");
        // A first sync cut short builds what it set aside now (one that ended already has).
        node.build_indexes_set_aside();
        // Erasures learnt from the hub in this session: their photo files go now.
        node.finish_erasures();
        docs_caught_up.lost();
        match ended {
            Ended::CaughtUp => {
                if options.photo_lane {
                    let deadline = started + options.timeout;
                    report.photos = run_once(
                        &mut node,
                        options.photos.clone(),
                        options.wait_photos,
                        deadline,
                    )
                    .await?;
                    if options.wait_photos && report.photos.photos_pending > 0 {
                        return Err(SyncError::PhotosPending {
                            pending: report.photos.photos_pending,
                            bytes: report.photos.photo_bytes_pending,
                            seconds: options.timeout.as_secs(),
                        });
                    }
                }
                report.elapsed_ms = started.elapsed().as_millis() as u64;
                return Ok(report);
            }
            Ended::Shutdown => {
                report.elapsed_ms = started.elapsed().as_millis() as u64;
                return Ok(report);
            }
            Ended::Refused(reason) => {
                record(&node, state::LAST_ERROR, &reason);
                if options.once {
                    return Err(SyncError::Refused { reason });
                }
            }
            Ended::Certificate(problem) => {
                tracing::warn!(problem, "the hub's certificate is not trusted");
                record(&node, state::LAST_ERROR, &problem);
                // A renewed certificate may come; a one-off sync says so now.
                if options.once {
                    return Err(SyncError::Certificate { url, problem });
                }
            }
            Ended::Lost(reason) => {
                tracing::info!(reason, "sync connection ended");
                record(&node, state::LAST_ERROR, &reason);
                if options.once && started.elapsed() >= options.timeout {
                    return Err(SyncError::Unreachable {
                        url,
                        seconds: options.timeout.as_secs(),
                        reason,
                    });
                }
            }
        }
        // Exponential backoff with jitter, so a hub coming back is not stampeded.
        let wait = backoff / 2 + backoff.mul_f64(rand::rng().random_range(0.0..0.5));
        let wait = if options.once {
            wait.min(options.timeout.saturating_sub(started.elapsed()))
        } else {
            wait
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = &mut shutdown => return Ok(report),
        }
        backoff = (backoff * 2).min(options.max_backoff);
    }
}

/// What a sync run did, over all its connections.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SyncReport {
    pub connections: u64,
    pub pushed_docs: u64,
    pub pulled_docs: u64,
    pub bytes_up: u64,
    pub bytes_down: u64,
    /// Of `bytes_down`, the bytes that came in compressed frames (revision 7), and what
    /// they decompressed to.
    pub compressed_down: u64,
    pub decompressed_down: u64,
    pub elapsed_ms: u64,
    /// The photo lane of `--once`.
    pub photos: LaneReport,
}

/// Where to connect and as whom.
struct HubAccess<'a> {
    link: &'a HubLink,
    token: &'a str,
    caught_up: &'a DocsSignal,
}

async fn connection(
    node: &mut Node,
    hub: HubAccess<'_>,
    options: &SyncOptions,
    engine: &EngineConfig,
    listener: Option<&notify::Listener>,
    welcomed: &mut bool,
    report: &mut SyncReport,
) -> Ended {
    let mut session = NodeSession::new(node.identity.node_id.0, engine.clone());
    let ended = drive(node, &hub, options, listener, welcomed, &mut session).await;
    let stats = session.stats();
    report.connections += 1;
    report.pushed_docs += stats.pushed_docs;
    report.pulled_docs += stats.pulled_docs;
    report.bytes_up += stats.bytes_up;
    report.bytes_down += stats.bytes_down;
    report.compressed_down += stats.compressed_down;
    report.decompressed_down += stats.decompressed_down;
    ended
}

async fn drive(
    node: &mut Node,
    hub: &HubAccess<'_>,
    options: &SyncOptions,
    listener: Option<&notify::Listener>,
    welcomed: &mut bool,
    session: &mut NodeSession,
) -> Ended {
    let token = hub.token;
    let ws_url = hub.link.ws_url();
    let mut request = match ws_url.as_str().into_client_request() {
        Ok(r) => r,
        Err(e) => return Ended::Refused(format!("bad hub address {ws_url:?}: {e}")),
    };
    match format!("Bearer {token}").parse() {
        Ok(value) => {
            request.headers_mut().insert("authorization", value);
        }
        Err(_) => return Ended::Refused("the stored hub token is damaged; enroll again".into()),
    }
    request.headers_mut().insert(
        TRANSPORT_HEADER,
        tokio_tungstenite::tungstenite::http::HeaderValue::from_static(
            hub.link.transport().as_str(),
        ),
    );
    let config = WebSocketConfig::default()
        .max_message_size(Some(16 << 20))
        .max_frame_size(Some(16 << 20));
    let connect = tokio_tungstenite::connect_async_tls_with_config(
        request,
        Some(config),
        true,
        Some(hub.link.ws_connector()),
    );
    let (mut ws, response) = match tokio::time::timeout(options.connect_timeout, connect).await {
        Err(_) => {
            return Ended::Lost(format!(
                "no answer from {ws_url} within {} s",
                options.connect_timeout.as_secs()
            ));
        }
        Ok(Err(tokio_tungstenite::tungstenite::Error::Http(response))) => {
            let status = response.status();
            return if status.as_u16() == 401 || status.as_u16() == 403 {
                Ended::Refused(format!("hub answered {status}"))
            } else {
                Ended::Lost(format!("hub answered {status}"))
            };
        }
        Ok(Err(e)) => {
            return match certificate_problem(&e) {
                Some(problem) => Ended::Certificate(problem),
                None => Ended::Lost(format!("cannot connect to {ws_url}: {e}")),
            };
        }
        Ok(Ok(pair)) => pair,
    };
    // What the hub offers (docs/SYNC.md, revision 3): token rotation over the session.
    let offered = response
        .headers()
        .get(FEATURES_HEADER)
        .and_then(|v| v.to_str().ok())
        .map_or(0, parse_features);
    session.hub_offers(offered);
    let cursor = node.sync_cursor().unwrap_or(0);
    let stats = node.outbox_figures(now()).unwrap_or_default();
    let mut queue: VecDeque<NodeOutput> = session.start(now(), cursor, stats).into();
    let mut data_version = node.store.data_version().unwrap_or(0);
    let ahead = Predecoder::start();
    // A message read early (while looking for frames to load ahead) and not yet handled.
    let mut early: Option<Option<Result<Message, WsError>>> = None;
    // Whether this connection's first sync set the till's and audit's indexes aside
    // (`store::deferred`); built again when its last frame is stored, or after the
    // connection whatever ended it.
    let mut indexes_aside = false;
    // When this connection last recorded its sync time, and whether an error may be
    // recorded (one from before this connection, or a problem since).
    let mut sync_recorded: Option<std::time::Instant> = None;
    let mut error_recorded = true;
    let mut alive_recorded = std::time::Instant::now();
    let mut poll = tokio::time::interval(Duration::from_millis(500));
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        while let Some(out) = queue.pop_front() {
            match out {
                NodeOutput::Send(bytes) => {
                    if let Err(e) = ws.send(Message::Binary(bytes.into())).await {
                        return Ended::Lost(format!("connection lost while sending: {e}"));
                    }
                }
                NodeOutput::Store(op) => {
                    let result = match (op, session.clinic()) {
                        (NodeStoreOp::ApplyDocs { docs, cursor }, Some(clinic)) => {
                            // Frames that have already arrived start loading now, while
                            // this batch is written.
                            while early.is_none() {
                                match ws.next().now_or_never() {
                                    None => break,
                                    Some(Some(Ok(Message::Binary(bytes)))) => {
                                        queue.extend(take_frame(session, &ahead, &bytes));
                                    }
                                    Some(other) => early = Some(other),
                                }
                            }
                            if session.is_booting() && !indexes_aside {
                                indexes_aside = true;
                                node.set_indexes_aside();
                            }
                            node.apply_docs_loaded_ahead(clinic, &docs, cursor, Some(&ahead))
                                .map_or_else(
                                    |e| NodeStoreResult::Failed(StoreFailure::of(e)),
                                    NodeStoreResult::Applied,
                                )
                        }
                        (op, clinic) => run_node_op(node, clinic, op).await,
                    };
                    if let NodeStoreResult::Failed(failure) = &result {
                        // The session's end says only the kind; the cause stays here.
                        tracing::warn!(kind = ?failure.kind, error = %error_chain(failure), "the local store failed; the session ends");
                    }
                    queue.extend(session.stored(now(), result));
                    if indexes_aside && !session.is_booting() {
                        indexes_aside = false;
                        node.build_indexes_set_aside();
                    }
                }
                NodeOutput::Close { code, reason } => {
                    let frame = CloseFrame {
                        code: CloseCode::from(code.close_code()),
                        reason: reason.chars().take(100).collect::<String>().into(),
                    };
                    let _ = ws.close(Some(frame)).await;
                    return Ended::Lost(format!("{} ({reason})", code.description()));
                }
                NodeOutput::Welcomed { clinic_id, .. } => {
                    if clinic_id != node.identity.clinic_id {
                        let _ = ws.close(None).await;
                        return Ended::Refused(
                            "the hub placed this node in another clinic than it was enrolled in"
                                .into(),
                        );
                    }
                    *welcomed = true;
                    record(node, state::ONLINE, "true");
                    record(node, state::LAST_CONNECTED_AT, &now().to_string());
                    record(node, state::ALIVE_AT, &now().to_string());
                    alive_recorded = std::time::Instant::now();
                }
                NodeOutput::CaughtUp => {
                    hub.caught_up.caught_up(node.store.conn());
                    // Caught up again after every live update: recorded at most every
                    // SYNC_AT_EVERY, as each record is a write transaction waiting for the disk.
                    if sync_recorded.is_none_or(|at| at.elapsed() >= SYNC_AT_EVERY) {
                        record(node, state::LAST_SYNC_AT, &now().to_string());
                        sync_recorded = Some(std::time::Instant::now());
                    }
                    if error_recorded {
                        match state::clear(node.store.conn(), state::LAST_ERROR) {
                            Ok(()) => error_recorded = false,
                            Err(e) => tracing::warn!(error = %e, "could not clear the last error"),
                        }
                    }
                    if options.once {
                        let _ = ws
                            .close(Some(CloseFrame {
                                code: CloseCode::Normal,
                                reason: "caught up".into(),
                            }))
                            .await;
                        return Ended::CaughtUp;
                    }
                }
                NodeOutput::Problem(problem) => {
                    let message = problem.to_string();
                    tracing::warn!(message, "sync problem");
                    record(node, state::LAST_ERROR, &message);
                    error_recorded = true;
                }
            }
        }
        let wait =
            Duration::from_millis(u64::try_from(session.next_deadline() - now()).unwrap_or(0));
        let waiting = std::time::Instant::now();
        tokio::select! {
            message = async { match early.take() { Some(m) => m, None => ws.next().await } } => match message {
                Some(Ok(Message::Binary(bytes))) => {
                    phases::add(Phase::Wait, waiting);
                    queue.extend(take_frame(session, &ahead, &bytes));
                }
                Some(Ok(Message::Close(frame))) => {
                    let close = HubClose::of(frame.as_ref().map(|f| (u16::from(f.code), f.reason.as_str())));
                    return close.ended();
                }
                Some(Ok(Message::Text(_))) => {
                    let _ = ws.close(Some(CloseFrame { code: CloseCode::from(ErrorCode::Malformed.close_code()), reason: "text frame".into() })).await;
                    return Ended::Lost("the hub sent a text frame".into());
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Ended::Lost(format!("connection lost: {e}")),
                None => return Ended::Lost("connection closed".into()),
            },
            () = async { match listener { Some(l) => l.recv().await, None => std::future::pending().await } } => {
                queue.extend(session.local_change(now()));
            }
            _ = poll.tick() => {
                if *welcomed && alive_recorded.elapsed() >= ALIVE_EVERY {
                    record(node, state::ALIVE_AT, &now().to_string());
                    alive_recorded = std::time::Instant::now();
                }
                // Another process committed (wake-ups can be lost; this cannot).
                if let Ok(v) = node.store.data_version() && v != data_version {
                    data_version = v;
                    queue.extend(session.local_change(now()));
                }
            }
            () = tokio::time::sleep(wait) => queue.extend(session.tick(now())),
        }
    }
}
