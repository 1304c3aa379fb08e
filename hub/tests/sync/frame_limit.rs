//! `HUB_MAX_FRAME_BYTES` read by a real `dermis-hub serve` process, over real sockets:
//! the welcome announces it, a push under it is stored, a document that would inflate
//! past the pushed-document limit tied to it is refused, a frame over it closes that
//! session with `frame_too_large` (though it is far below the default 8 MiB), and
//! another node keeps syncing through the same hub meanwhile.

use std::path::Path;
use std::process::{Child, Command, Stdio};

use automerge::transaction::Transactable;
use dermis_hub::store::HubStore;
use dermis_model::DocType;
use dermis_sync::conformance::{patient_doc, push};
use dermis_sync::wire::{ClientMsg, ErrorCode, HubMsg, PushOutcome};
use futures_util::SinkExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use super::common::{self, TestDb, create_clinic, raw};

const BIN: &str = env!("CARGO_BIN_EXE_dermis-hub");

/// The smallest limit the hub accepts.
const LIMIT: usize = 64 * 1024;

/// A hub process, killed when dropped.
struct Served {
    child: Child,
    port: u16,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    async fn start(data_dir: &Path, database_url: Option<&str>) -> Served {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut cmd = Command::new(BIN);
        cmd.arg("--data-dir").arg(data_dir).arg("serve");
        for var in ["DATABASE_URL", "DATABASE_URL_FILE", "DERMIS_HUB_DATA_DIR"] {
            cmd.env_remove(var);
        }
        if let Some(url) = database_url {
            cmd.env("DATABASE_URL", url);
        }
        let child = cmd
            .env("HUB_BIND", format!("127.0.0.1:{port}"))
            .env("HUB_MAX_FRAME_BYTES", LIMIT.to_string())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {BIN}: {e}"));
        let served = Served { child, port };
        let url = served.http("/api/healthz");
        let client = common::http();
        common::eventually("the served hub to be healthy", || async {
            client
                .get(&url)
                .send()
                .await
                .is_ok_and(|r| r.status().as_u16() == 200)
        })
        .await;
        served
    }

    fn http(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn ws(&self) -> String {
        format!("ws://127.0.0.1:{}/sync", self.port)
    }

    /// Enrolls a node added to `clinic`: (node id, token).
    async fn enroll<S: HubStore>(
        &self,
        store: &S,
        clinic: dermis_model::ClinicId,
        name: &str,
    ) -> (uuid::Uuid, String) {
        let code = common::add_node(store, clinic, name).await;
        let response = common::http()
            .post(self.http("/api/enroll"))
            .json(&json!({ "code": code, "node_name": name }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("enroll: {e}"));
        assert_eq!(response.status().as_u16(), 200);
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        let id = body["node_id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{body}"));
        (id, body["token"].as_str().unwrap_or_default().to_owned())
    }
}

/// `len` characters that deflate poorly (64 symbols, pseudo-random).
fn noise(len: usize, seed: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ALPHABET[(x % 64) as usize] as char
        })
        .collect()
}

/// A whole patient document with `padding` in one of its fields, as a `Push` frame.
fn push_frame(clinic: dermis_model::ClinicId, batch: u64, padding: &str) -> (uuid::Uuid, Vec<u8>) {
    let (id, mut doc) = patient_doc(clinic, "Frame");
    doc.put(automerge::ROOT, "padding", padding)
        .unwrap_or_else(|e| panic!("{e}"));
    doc.commit();
    let frame = ClientMsg::Push {
        batch,
        docs: vec![push(id, DocType::Patient, doc.save())],
    }
    .encode();
    (id, frame)
}

/// The outcome of the push acknowledged as `batch` (live updates and pings skipped).
async fn ack(socket: &mut raw::Socket, batch: u64) -> PushOutcome {
    loop {
        match raw::next(socket).await {
            Some(HubMsg::PushAck { batch: b, results }) if b == batch => {
                let [result] = <[_; 1]>::try_from(results)
                    .unwrap_or_else(|r| panic!("one result expected: {r:?}"));
                return result.outcome;
            }
            Some(_) => {}
            None => panic!("the hub closed before acknowledging batch {batch}"),
        }
    }
}

async fn the_configured_frame_limit_holds<S: HubStore>(
    store: S,
    data_dir: &Path,
    database_url: Option<&str>,
) {
    let hub = Served::start(data_dir, database_url).await;
    let clinic = create_clinic(&store, "Small frames").await;
    let (good_id, good_token) = hub.enroll(&store, clinic, "Good").await;
    let (bad_id, bad_token) = hub.enroll(&store, clinic, "Bad").await;

    let mut good = raw::open(&hub.ws(), Some(&good_token))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    raw::send(&mut good, &raw::hello(good_id)).await;
    match raw::next(&mut good).await {
        Some(HubMsg::Welcome {
            max_frame_bytes, ..
        }) => assert_eq!(
            max_frame_bytes as usize, LIMIT,
            "the welcome says the limit"
        ),
        other => panic!("expected a welcome, got {other:?}"),
    }

    // Under the limit: stored.
    let (under, frame) = push_frame(clinic, 1, &noise(30_000, 1));
    assert!(frame.len() < LIMIT, "{}", frame.len());
    raw::send_bytes(&mut good, frame).await;
    assert!(
        matches!(ack(&mut good, 1).await, PushOutcome::Applied { .. }),
        "a push under the limit is stored"
    );

    // Small on the wire, but inflating past four times the frame limit: refused without
    // being stored, and the session goes on (the default limits would take it).
    let (bomb, frame) = push_frame(clinic, 2, &"a".repeat(5 * LIMIT));
    assert!(frame.len() < LIMIT / 4, "{}", frame.len());
    raw::send_bytes(&mut good, frame).await;
    match ack(&mut good, 2).await {
        PushOutcome::Rejected { code, .. } => assert_eq!(code, ErrorCode::InvalidDocument),
        other => panic!("an inflation past the limit was not refused: {other:?}"),
    }

    // Over the limit (and far below the default 8 MiB): that session is closed with
    // the protocol's error.
    let mut bad = raw::open(&hub.ws(), Some(&bad_token))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    raw::handshake(&mut bad, bad_id).await;
    let (over, frame) = push_frame(clinic, 1, &noise(3 * LIMIT, 2));
    assert!(
        frame.len() > LIMIT && frame.len() < LIMIT * 8,
        "{}",
        frame.len()
    );
    let _ = bad.send(Message::Binary(frame.into())).await;
    let ending = raw::ending(&mut bad).await;
    assert_eq!(ending.error, Some(ErrorCode::FrameTooLarge), "{ending:?}");
    assert_eq!(
        ending.close_code,
        Some(ErrorCode::FrameTooLarge.close_code()),
        "{ending:?}"
    );

    // The other node's session carries on.
    let (after, frame) = push_frame(clinic, 3, &noise(20_000, 3));
    raw::send_bytes(&mut good, frame).await;
    assert!(matches!(
        ack(&mut good, 3).await,
        PushOutcome::Applied { .. }
    ));

    let stored = common::hub_heads(&store, clinic).await;
    assert!(stored.contains_key(&under) && stored.contains_key(&after));
    assert!(
        !stored.contains_key(&bomb),
        "the inflating document was not stored"
    );
    assert!(
        !stored.contains_key(&over),
        "nothing of the refused frame was stored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_small_configured_frame_limit_holds() {
    let dir = common::tempdir();
    let store = common::open_sqlite(dir.path());
    the_configured_frame_limit_holds(store, dir.path(), None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_small_configured_frame_limit_holds() {
    let Some(db) = TestDb::create().await else {
        return;
    };
    let dir = common::tempdir();
    the_configured_frame_limit_holds(db.store().await, dir.path(), Some(&db.url)).await;
}
