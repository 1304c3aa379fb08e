//! A real sync client for tests: `dermis_sync`'s `NodeSession` over a tokio-tungstenite
//! socket, with a `MemoryNodeStore` (through `driver::run_node_op`) — the node's
//! protocol without the node crate.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use automerge::{ActorId, AutoCommit, ChangeHash};
use dermis_model::patient::{PatientDraft, create_patient};
use dermis_model::{ClinicId, DocType, PatientId, now_millis};
use dermis_sync::EngineConfig;
use dermis_sync::NodeSyncStore;
use dermis_sync::driver::run_node_op;
use dermis_sync::memory::MemoryNodeStore;
use dermis_sync::node_engine::{NodeOutput, NodeSession, NodeStoreOp, Problem};
use dermis_sync::wire::{
    ErrorCode, FEATURE_BOOTSTRAP, FEATURE_LIVE_DOCS, FEATURES_HEADER, parse_features,
};

/// Message type codes (docs/SYNC.md) the test node counts.
const FETCH_TYPE: u8 = 0x04;
const LIVE_TYPE: u8 = 0x88;
const BOOTSTRAP_TYPE: u8 = 0x89;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{Mutex, mpsc, watch};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{self, Message};
use uuid::Uuid;

use super::{Enrollment, WITHIN};

/// What a connection has seen so far.
#[derive(Clone, Debug, Default)]
pub struct LinkState {
    pub welcomed: bool,
    /// How many times the session reported being caught up.
    pub caught_up: u64,
    /// Documents applied from the hub (live or pulled).
    pub applies: u64,
    pub problems: Vec<Problem>,
    /// Tokens the hub sent (`NewToken`), in order.
    pub new_tokens: Vec<String>,
    /// A new token was kept (and the hub told).
    pub token_stored: bool,
    /// The node "crashed" on a new token: dropped the connection without keeping it.
    pub crashed: bool,
    /// Set when the connection is over.
    pub closed: Option<Closed>,
    /// Live updates that carried documents (`HubMsg::Live`) received.
    pub live_docs: u64,
    /// `Fetch` frames sent.
    pub fetches: u64,
    /// Bootstrap frames (`HubMsg::Bootstrap`) received.
    pub bootstraps: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Closed {
    /// The code of the hub's `Error` frame, as the engine reported it.
    pub engine_code: Option<ErrorCode>,
    /// The WebSocket close code the hub sent.
    pub close_code: Option<u16>,
}

/// An enrolled node and its local store, which outlives connections.
#[derive(Clone)]
pub struct TestNode {
    pub id: Uuid,
    pub clinic: ClinicId,
    /// The token from enrollment; a token the hub gave later is in the store.
    pub token: String,
    pub store: Arc<Mutex<MemoryNodeStore>>,
    pub quirks: Arc<Quirks>,
}

/// How a test node misbehaves, for the next connections.
#[derive(Debug, Default)]
pub struct Quirks {
    /// Do not ask for token rotation (an older node).
    pub no_rotation: AtomicBool,
    /// Receive a new token, then drop the connection without keeping it (a crash).
    pub crash_on_new_token: AtomicBool,
    /// Do not ask for live updates with documents (a revision 3 node).
    pub no_live_docs: AtomicBool,
    /// Do not ask for the first sync in whole documents (a revision 4 node).
    pub no_bootstrap: AtomicBool,
}

/// One connection of a node.
pub struct Link {
    pub state: watch::Receiver<LinkState>,
    changes: mpsc::UnboundedSender<()>,
    task: tokio::task::JoinHandle<()>,
}

/// Why a connection attempt failed.
#[derive(Debug)]
pub enum ConnectError {
    Status(u16, String),
    Other(String),
}

pub fn engine() -> EngineConfig {
    EngineConfig {
        app_version: "test-node 1".into(),
        ..EngineConfig::default()
    }
}

impl TestNode {
    pub fn new(enrollment: &Enrollment) -> TestNode {
        let actor = ActorId::from(enrollment.node_id.as_bytes().as_slice());
        TestNode {
            id: enrollment.node_id,
            clinic: enrollment.clinic_id,
            token: enrollment.token.clone(),
            store: Arc::new(Mutex::new(MemoryNodeStore::with_actor(
                enrollment.clinic_id,
                actor,
            ))),
            quirks: Arc::new(Quirks::default()),
        }
    }

    /// The token the node connects with: the last one it kept, else its enrollment's.
    pub async fn current_token(&self) -> String {
        let kept = self.store.lock().await.token.clone();
        kept.unwrap_or_else(|| self.token.clone())
    }

    pub async fn try_connect(&self, url: &str) -> Result<Link, ConnectError> {
        let token = self.current_token().await;
        self.try_connect_with(url, &token).await
    }

    /// Connects with `token`, whatever the node keeps.
    pub async fn try_connect_with(&self, url: &str, token: &str) -> Result<Link, ConnectError> {
        let mut request = url
            .into_client_request()
            .map_err(|e| ConnectError::Other(e.to_string()))?;
        let auth = format!("Bearer {token}")
            .parse()
            .map_err(|e| ConnectError::Other(format!("{e:?}")))?;
        request.headers_mut().insert("authorization", auth);
        let (socket, offered) = match tokio_tungstenite::connect_async(request).await {
            Ok((socket, response)) => {
                let offered = response
                    .headers()
                    .get(FEATURES_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .map_or(0, parse_features);
                (socket, offered)
            }
            Err(tungstenite::Error::Http(response)) => {
                let status = response.status().as_u16();
                let body = response
                    .body()
                    .as_ref()
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default();
                return Err(ConnectError::Status(status, body));
            }
            Err(e) => return Err(ConnectError::Other(e.to_string())),
        };
        let (state_tx, state) = watch::channel(LinkState::default());
        let (changes, changes_rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(run(self.clone(), socket, offered, state_tx, changes_rx));
        Ok(Link {
            state,
            changes,
            task,
        })
    }

    pub async fn connect(&self, url: &str) -> Link {
        match self.try_connect(url).await {
            Ok(link) => link,
            Err(e) => panic!("node {} cannot connect: {e:?}", self.id),
        }
    }

    /// Creates a patient document locally; returns its id.
    pub async fn create_patient(&self, first_name: &str) -> Uuid {
        let id = PatientId::new();
        let draft = PatientDraft {
            first_name: first_name.into(),
            last_name: "Test".into(),
            ..Default::default()
        };
        let actor = ActorId::from(self.id.as_bytes().as_slice());
        let mut doc = create_patient(id, self.clinic, &draft, "T", now_millis(), None, actor)
            .unwrap_or_else(|e| panic!("create patient: {e}"));
        doc.commit();
        self.store
            .lock()
            .await
            .create(id.0, DocType::Patient, doc, now_millis());
        id.0
    }

    /// Renames a patient locally; returns the change's hash.
    pub async fn rename(&self, id: Uuid, first_name: &str) -> ChangeHash {
        self.store
            .lock()
            .await
            .edit(id, now_millis(), |doc: &mut AutoCommit| {
                if let Err(e) =
                    dermis_model::doc::put_str(doc, &automerge::ROOT, "first_name", first_name)
                {
                    panic!("rename: {e}");
                }
            })
            .unwrap_or_else(|| panic!("renaming {id} changed nothing"))
    }

    pub async fn first_name(&self, id: Uuid) -> Option<String> {
        let store = self.store.lock().await;
        let doc = store.doc(id)?;
        dermis_model::patient::read_patient(doc)
            .ok()
            .map(|p| p.first_name)
    }

    /// Adds a document made elsewhere (by the model or a forger) as a local edit.
    pub async fn put(&self, id: Uuid, doc_type: DocType, doc: AutoCommit) {
        self.store
            .lock()
            .await
            .create(id, doc_type, doc, now_millis());
    }

    /// A copy of a document as this node holds it.
    pub async fn copy(&self, id: Uuid) -> AutoCommit {
        let store = self.store.lock().await;
        store
            .doc(id)
            .unwrap_or_else(|| panic!("the node has no document {id}"))
            .clone()
    }

    /// Replaces a document with `doc` (which holds all of its history and more) as a
    /// local edit: how a test makes a node push changes written with Automerge directly.
    pub async fn replace(&self, id: Uuid, doc: &AutoCommit) {
        self.store
            .lock()
            .await
            .edit(id, now_millis(), |d| *d = doc.clone())
            .unwrap_or_else(|| panic!("replacing {id} changed nothing"));
    }

    /// Why the hub refused the document, while the node keeps it parked.
    pub async fn rejected(&self, id: Uuid) -> Option<String> {
        self.store.lock().await.rejected(id).map(str::to_owned)
    }

    pub async fn heads(&self) -> BTreeMap<Uuid, Vec<ChangeHash>> {
        self.store.lock().await.heads()
    }

    pub async fn outbox_len(&self) -> usize {
        self.store.lock().await.outbox_len()
    }
}

impl Link {
    /// Tells the session a local edit is waiting.
    pub fn changed(&self) {
        let _ = self.changes.send(());
    }

    /// Waits until `f` holds for the connection's state.
    pub async fn wait(&mut self, what: &str, f: impl Fn(&LinkState) -> bool) -> LinkState {
        let waited = tokio::time::timeout(WITHIN, async {
            self.state.wait_for(|s| f(s)).await.map(|s| s.clone()).ok()
        })
        .await;
        let state = self.state.borrow().clone();
        match waited {
            Ok(Some(state)) => state,
            Ok(None) => {
                assert!(f(&state), "connection ended before {what}: {state:?}");
                state
            }
            Err(_) => panic!("timed out waiting for {what}: {state:?}"),
        }
    }

    /// Waits for the session to be caught up more than `after` times.
    pub async fn caught_up_after(&mut self, after: u64) -> LinkState {
        self.wait("caught up", |s| s.caught_up > after && s.closed.is_none())
            .await
    }

    pub async fn closed(&mut self) -> Closed {
        let state = self
            .wait("the connection to close", |s| s.closed.is_some())
            .await;
        state.closed.unwrap_or_default()
    }

    pub fn caught_up_count(&self) -> u64 {
        self.state.borrow().caught_up
    }

    pub fn is_open(&self) -> bool {
        self.state.borrow().closed.is_none() && !self.task.is_finished()
    }

    pub fn abort(self) {
        self.task.abort();
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn deadline_in(deadline: i64, now: i64) -> tokio::time::Instant {
    let wait = u64::try_from(deadline.saturating_sub(now)).unwrap_or(0);
    tokio::time::Instant::now() + Duration::from_millis(wait)
}

async fn run(
    node: TestNode,
    mut socket: Socket,
    offered: u64,
    state: watch::Sender<LinkState>,
    mut changes: mpsc::UnboundedReceiver<()>,
) {
    let mut session = NodeSession::new(node.id, engine());
    if !node.quirks.no_rotation.load(Ordering::SeqCst) {
        let mut offered = offered;
        if node.quirks.no_live_docs.load(Ordering::SeqCst) {
            offered &= !FEATURE_LIVE_DOCS;
        }
        if node.quirks.no_bootstrap.load(Ordering::SeqCst) {
            offered &= !FEATURE_BOOTSTRAP;
        }
        session.hub_offers(offered);
    }
    let now = now_millis();
    let (cursor, stats) = {
        let mut store = node.store.lock().await;
        (
            store.cursor().await.unwrap_or(0),
            store.outbox_stats(now).await.unwrap_or_default(),
        )
    };
    let mut pending: std::collections::VecDeque<NodeOutput> =
        session.start(now, cursor, stats).into();
    let mut closed = Closed::default();
    'session: loop {
        while let Some(output) = pending.pop_front() {
            match output {
                NodeOutput::Send(bytes) => {
                    if bytes.get(3) == Some(&FETCH_TYPE) {
                        state.send_modify(|s| s.fetches += 1);
                    }
                    if socket.send(Message::Binary(bytes.into())).await.is_err() {
                        break 'session;
                    }
                }
                NodeOutput::Store(NodeStoreOp::StoreToken { token }) => {
                    state.send_modify(|s| s.new_tokens.push(token.clone()));
                    if node.quirks.crash_on_new_token.load(Ordering::SeqCst) {
                        // Gone before anything was kept: no close, no ack.
                        drop(socket);
                        state.send_modify(|s| {
                            s.crashed = true;
                            s.closed = Some(Closed::default());
                        });
                        return;
                    }
                    let result = {
                        let mut store = node.store.lock().await;
                        run_node_op(
                            &mut *store,
                            session.clinic(),
                            NodeStoreOp::StoreToken { token },
                        )
                        .await
                    };
                    state.send_modify(|s| s.token_stored = true);
                    pending.extend(session.stored(now_millis(), result));
                }
                NodeOutput::Store(op) => {
                    let applies = matches!(
                        &op,
                        dermis_sync::node_engine::NodeStoreOp::ApplyDocs { docs, .. } if !docs.is_empty()
                    );
                    let result = {
                        let mut store = node.store.lock().await;
                        run_node_op(&mut *store, session.clinic(), op).await
                    };
                    if applies {
                        state.send_modify(|s| s.applies += 1);
                    }
                    pending.extend(session.stored(now_millis(), result));
                }
                NodeOutput::Close { code, reason } => {
                    closed.engine_code = Some(code);
                    if !reason.starts_with("hub:") {
                        let frame = CloseFrame {
                            code: code.close_code().into(),
                            reason: reason.chars().take(100).collect::<String>().into(),
                        };
                        let _ = socket.send(Message::Close(Some(frame))).await;
                    }
                    break 'session;
                }
                NodeOutput::Welcomed { .. } => state.send_modify(|s| s.welcomed = true),
                NodeOutput::CaughtUp => state.send_modify(|s| s.caught_up += 1),
                NodeOutput::Problem(p) => state.send_modify(|s| s.problems.push(p)),
            }
        }
        let now = now_millis();
        let deadline = deadline_in(session.next_deadline(), now);
        let out = tokio::select! {
            message = socket.next() => match message {
                Some(Ok(Message::Binary(frame))) => {
                    // Counted by the frame inside a compressed one (revision 7).
                    let kind = dermis_sync::wire::decompress_frame(&frame, &Default::default())
                        .ok()
                        .and_then(|inner| inner.get(3).copied());
                    if kind == Some(LIVE_TYPE) {
                        state.send_modify(|s| s.live_docs += 1);
                    }
                    if kind == Some(BOOTSTRAP_TYPE) {
                        state.send_modify(|s| s.bootstraps += 1);
                    }
                    session.handle_frame(now_millis(), &frame)
                }
                Some(Ok(Message::Close(frame))) => {
                    closed.close_code = frame.map(|f| u16::from(f.code));
                    break 'session;
                }
                Some(Ok(_)) => Vec::new(),
                Some(Err(_)) | None => break 'session,
            },
            Some(()) = changes.recv() => session.local_change(now_millis()),
            _ = tokio::time::sleep_until(deadline) => session.tick(now_millis()),
        };
        pending.extend(out);
    }
    // The hub closes after its Error frame: read on to learn its close code.
    if closed.close_code.is_none() {
        let _ = tokio::time::timeout(Duration::from_secs(5), async {
            while let Some(Ok(message)) = socket.next().await {
                if let Message::Close(frame) = message {
                    closed.close_code = frame.map(|f| u16::from(f.code));
                    break;
                }
            }
        })
        .await;
    }
    state.send_modify(|s| s.closed = Some(closed));
}
