//! What the hook tests share: a real HTTP receiver, the `dermis-hub` binary, documents.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use automerge::{ActorId, AutoCommit};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use dermis_hub::server::ServerOptions;
use dermis_hub::store::HubStore;
use dermis_hub::webhooks::deliver::WebhookOptions;
use dermis_model::ledger::{
    MovementKind, Sale, SaleKind, StockMovement, append_movement, append_sale, create_ledger,
};
use dermis_model::{ClinicId, Currency, DocId, DocType, MovementId, NodeId, ProductId, SaleId};
use dermis_sync::wire::{DocPush, PushOutcome};
use tokio::net::TcpListener;
use uuid::Uuid;

use super::common::{Fixture, options};

const BIN: &str = env!("CARGO_BIN_EXE_dermis-hub");

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Seen {
    pub id: String,
    pub timestamp: i64,
    pub signature: String,
    pub body: Vec<u8>,
    pub answered: u16,
}

#[derive(Clone, Default)]
struct ReceiverState {
    seen: Arc<Mutex<Vec<Seen>>>,
    failures_left: Arc<AtomicUsize>,
}

/// An HTTP receiver on 127.0.0.1:0 that answers 500 to its first `failures` requests
/// and 204 after.
pub struct Receiver {
    pub url: String,
    state: ReceiverState,
    task: tokio::task::JoinHandle<()>,
}

async fn hook(State(state): State<ReceiverState>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let fail = state
        .failures_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let status = if fail {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::NO_CONTENT
    };
    let mut seen = state.seen.lock().unwrap_or_else(|e| e.into_inner());
    seen.push(Seen {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp").parse().unwrap_or(0),
        signature: header("webhook-signature"),
        body: body.to_vec(),
        answered: status.as_u16(),
    });
    status
}

impl Receiver {
    pub async fn start(failures: usize) -> Receiver {
        let state = ReceiverState {
            seen: Arc::default(),
            failures_left: Arc::new(AtomicUsize::new(failures)),
        };
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("local_addr: {e}"));
        let app = Router::new()
            .route("/hook", post(hook))
            .with_state(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            url: format!("http://{addr}/hook"),
            state,
            task,
        }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Runs `dermis-hub` against the fixture's store with a clean environment.
pub fn hub_cli<S>(f: &Fixture<S>, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir").arg(f.dir.path()).args(args);
    for var in [
        "DATABASE_URL",
        "DATABASE_URL_FILE",
        "DERMIS_HUB_DATA_DIR",
        "WEBHOOK_BLOCK_PRIVATE",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    if let Some(db) = &f.db {
        cmd.env("DATABASE_URL", &db.url);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap_or_else(|e| panic!("run {BIN}: {e}"))
}

/// Like [`hub_cli`], with `input` on standard input.
pub fn hub_cli_input<S>(
    f: &Fixture<S>,
    env: &[(&str, &str)],
    args: &[&str],
    input: &str,
) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir").arg(f.dir.path()).args(args);
    for var in [
        "DATABASE_URL",
        "DATABASE_URL_FILE",
        "DERMIS_HUB_DATA_DIR",
        "HUB_SECRET_KEY",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    if let Some(db) = &f.db {
        cmd.env("DATABASE_URL", &db.url);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("run {BIN}: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes());
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("run {BIN}: {e}"))
}

/// `webhook add` through the binary; returns the printed secret.
pub fn add_webhook<S>(f: &Fixture<S>, url: &str, events: &str, clinic: Option<ClinicId>) -> String {
    let clinic = clinic.map(|c| c.to_string());
    let mut args = vec!["webhook", "add", "--url", url, "--events", events];
    if let Some(c) = &clinic {
        args.extend(["--clinic", c.as_str()]);
    }
    // The test receivers listen on loopback, which the hub refuses by default.
    let out = hub_cli(f, &[("WEBHOOK_BLOCK_PRIVATE", "false")], &args);
    assert!(
        out.status.success(),
        "webhook add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secret = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(secret.lines().count(), 1, "the secret alone: {secret:?}");
    secret.trim().to_owned()
}

/// Delivery options that allow the tests' loopback receivers (the default refuses them).
pub fn loopback_allowed() -> WebhookOptions {
    WebhookOptions {
        block_private: false,
        ..WebhookOptions::default()
    }
}

/// Server options for hook tests: quick projector, quick retries, quick job polling.
pub fn quick_options(dir: &Path) -> ServerOptions {
    let mut opts = options(dir, Duration::from_secs(2));
    // The test receivers listen on loopback, which the hub refuses by default: these
    // tests opt out explicitly, as an operator would with WEBHOOK_BLOCK_PRIVATE=false.
    opts.webhooks.block_private = false;
    opts.webhooks.projector_interval = Duration::from_millis(50);
    opts.webhooks.backoff_base = Duration::from_millis(100);
    opts.webhooks.backoff_max = Duration::from_millis(400);
    opts.jobs.poll = Duration::from_millis(50);
    opts
}

/// A new patient document, pushed as a node would; returned for further edits.
pub async fn push_patient<S: HubStore>(
    store: &S,
    clinic: ClinicId,
    name: &str,
) -> (Uuid, automerge::AutoCommit) {
    let (id, mut doc) = dermis_sync::conformance::patient_doc(clinic, name);
    push(store, clinic, vec![(id, DocType::Patient, doc.save())]).await;
    (id, doc)
}

/// Pushes documents as a node would; every one must apply.
pub async fn push<S: HubStore>(store: &S, clinic: ClinicId, docs: Vec<(Uuid, DocType, Vec<u8>)>) {
    let pushes: Vec<DocPush> = docs
        .into_iter()
        .map(|(doc_id, t, data)| DocPush {
            doc_id,
            doc_type: t.as_str().into(),
            data,
        })
        .collect();
    let mut store = store.clone();
    let outcomes = store
        .apply(clinic, &pushes)
        .await
        .unwrap_or_else(|e| panic!("apply: {e}"));
    for outcome in outcomes {
        assert!(
            matches!(outcome, PushOutcome::Applied { .. }),
            "{outcome:?}"
        );
    }
}

/// A ledger document of `node` with the given movements on SKU `sku` (an OUT with a
/// receipt is a sale with its movement, as the till writes them).
pub fn ledger(
    clinic: ClinicId,
    node: NodeId,
    sku: &str,
    moves: &[(MovementKind, i64, Option<&str>)],
) -> (Uuid, AutoCommit) {
    let id = DocId::new();
    let actor = ActorId::from(node.0.as_bytes().as_slice());
    let mut doc = create_ledger(id, clinic, node, "2026-11-28", actor)
        .unwrap_or_else(|e| panic!("ledger: {e}"));
    for (kind, qty, receipt) in moves {
        append(&mut doc, node, sku, *kind, *qty, *receipt);
    }
    doc.commit();
    (id.0, doc)
}

/// Appends a movement (and its sale, with a receipt) to a ledger.
pub fn append(
    doc: &mut AutoCommit,
    node: NodeId,
    sku: &str,
    kind: MovementKind,
    qty: i64,
    receipt: Option<&str>,
) {
    let sale_id = receipt.map(|receipt| {
        let sale = Sale {
            id: SaleId::new(),
            receipt: receipt.into(),
            kind: SaleKind::Sale,
            original_id: None,
            at: 1_800_000_000_000,
            cashier: Some("Cashier Name".into()),
            cashier_id: None,
            node_id: node,
            currency: Currency::EUR,
            lines: Vec::new(),
            subtotal_minor: 1000 * qty,
            discount_minor: 0,
            tax_minor: 0,
            total_minor: 1000 * qty,
            payments: Vec::new(),
            change_minor: 0,
            patient_id: None,
            shift_id: None,
            reason: None,
            chain: None,
        };
        append_sale(doc, &sale).unwrap_or_else(|e| panic!("sale: {e}"));
        sale.id
    });
    let movement = StockMovement {
        id: MovementId::new(),
        product_id: ProductId::new(),
        sku: sku.into(),
        kind,
        qty,
        reason: "test".into(),
        user: None,
        user_id: None,
        at: 1_800_000_000_000,
        node_id: node,
        sale_id,
    };
    append_movement(doc, &movement).unwrap_or_else(|e| panic!("movement: {e}"));
}
