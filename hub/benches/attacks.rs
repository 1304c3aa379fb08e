//! What one enrolled node's attacks cost a release hub, for `make bench`: the peak
//! resident memory (`VmHWM` in `/proc/<pid>/status`) of a real `dermis-hub serve`
//! process (embedded store, loopback), one fresh process per attack, and whether
//! `/api/healthz` answered ok throughout (polled every 100 ms). Target: 300 MB each.
//!
//! - inflation bomb: one push of a compressed change and a document column that each
//!   inflate to 2 GiB (about 4 MB sent);
//! - repeated fetch: one `Fetch` naming an 855 KB patient document 2,000 times (34 KB
//!   sent), read to the end.
//!
//! `DERMIS_BENCH_HUB` runs another build of the hub (e.g. main's, for a before/after).

#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench that cannot set up has nothing to report.

#[path = "../tests/common/attacks.rs"]
mod attacks;
#[allow(dead_code)]
#[path = "../tests/common/raw.rs"]
mod raw;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use dermis_model::{ClinicId, DocType};
use dermis_sync::wire::{ClientMsg, DocPush, FetchItem, HubMsg, PushOutcome};
use uuid::Uuid;

/// How long the raw client waits for any one answer (`raw.rs` reads it).
const WITHIN: Duration = Duration::from_secs(120);
const TARGET_MB: f64 = 300.0;

fn hub_binary() -> PathBuf {
    std::env::var_os("DERMIS_BENCH_HUB")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_dermis-hub")))
}

/// Runs a command of the hub against `dir`; its standard output.
fn hub_command(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(hub_binary())
        .args(args)
        .env("DERMIS_HUB_DATA_DIR", dir)
        .env_remove("DATABASE_URL")
        .env_remove("DATABASE_URL_FILE")
        .output()
        .expect("run dermis-hub");
    assert!(
        out.status.success(),
        "dermis-hub {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

struct Hub {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Hub {
    /// A served hub with one clinic; returns it, the clinic and a node's code.
    fn start() -> (Hub, ClinicId, String) {
        Hub::start_with(&[])
    }

    /// [`Hub::start`] with more environment for `serve`.
    fn start_with(env: &[(&str, &str)]) -> (Hub, ClinicId, String) {
        let dir = tempfile::tempdir().unwrap();
        let clinic: ClinicId = hub_command(dir.path(), &["clinic", "add", "--name", "Bench"])
            .parse()
            .expect("a clinic id");
        let code = hub_command(
            dir.path(),
            &[
                "node",
                "add",
                "--clinic",
                &clinic.to_string(),
                "--name",
                "Attacker",
            ],
        );
        let mut child = Command::new(hub_binary())
            .arg("serve")
            .env("DERMIS_HUB_DATA_DIR", dir.path())
            .env("HUB_BIND", "127.0.0.1:0")
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "info,automerge=off")
            .env_remove("DATABASE_URL")
            .env_remove("DATABASE_URL_FILE")
            .env_remove("S3_ENDPOINT")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start dermis-hub serve");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("the hub says where it listens")
                .unwrap();
            let Ok(json) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if json["fields"]["message"] == "hub listening" {
                break json["fields"]["addr"].as_str().unwrap().to_owned();
            }
        };
        // Keep reading its log so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        (
            Hub {
                child,
                base: format!("http://{addr}"),
                _dir: dir,
            },
            clinic,
            code,
        )
    }

    fn peak_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("/proc/<pid>/status");
        let kb: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM");
        kb / 1024.0
    }

    async fn enroll(&self, code: &str) -> (Uuid, String) {
        let body: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/api/enroll", self.base))
            .json(&serde_json::json!({ "code": code, "node_name": "attacker" }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (
            body["node_id"].as_str().unwrap().parse().unwrap(),
            body["token"].as_str().unwrap().to_owned(),
        )
    }

    async fn session(&self, code: &str) -> raw::Socket {
        let (node, token) = self.enroll(code).await;
        let ws = format!("{}/sync", self.base.replacen("http", "ws", 1));
        let mut socket = raw::open(&ws, Some(&token)).await.unwrap();
        raw::handshake(&mut socket, node).await;
        socket
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `/api/healthz` polled until stopped: (checks, failures, slowest).
struct Health {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<(u32, u32, Duration)>,
}

impl Health {
    /// Starts polling; returns once the first check is done.
    async fn watch(base: &str) -> Health {
        let stop = Arc::new(AtomicBool::new(false));
        let first = Arc::new(tokio::sync::Notify::new());
        let url = format!("{base}/api/healthz");
        let task = tokio::spawn({
            let (stop, first) = (stop.clone(), first.clone());
            async move {
                let client = reqwest::Client::builder()
                    .timeout(Duration::from_secs(5))
                    .build()
                    .unwrap();
                let (mut checks, mut failures, mut slowest) = (0, 0, Duration::ZERO);
                // One more check after the stop: health after the attack counts too.
                let mut last = false;
                while !last {
                    last = stop.load(Ordering::SeqCst);
                    let asked = Instant::now();
                    let ok = match client.get(&url).send().await {
                        Ok(r) if r.status().as_u16() == 200 => r
                            .json::<serde_json::Value>()
                            .await
                            .is_ok_and(|b| b["status"] == "ok"),
                        _ => false,
                    };
                    slowest = slowest.max(asked.elapsed());
                    checks += 1;
                    failures += u32::from(!ok);
                    first.notify_one();
                    if !last {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
                (checks, failures, slowest)
            }
        });
        first.notified().await;
        Health { stop, task }
    }

    async fn report(self) -> String {
        self.stop.store(true, Ordering::SeqCst);
        let (checks, failures, slowest) = self.task.await.unwrap();
        let verdict = if failures == 0 { "ok" } else { "NOT ok" };
        format!(
            "/api/healthz {verdict} throughout ({checks} checks, {failures} failed, slowest {} ms)",
            slowest.as_millis()
        )
    }
}

async fn push_and_ack(
    socket: &mut raw::Socket,
    batch: u64,
    docs: Vec<DocPush>,
) -> Vec<PushOutcome> {
    raw::send(socket, &ClientMsg::Push { batch, docs }).await;
    loop {
        match raw::next(socket).await {
            Some(HubMsg::PushAck { batch: b, results }) if b == batch => {
                return results.into_iter().map(|r| r.outcome).collect();
            }
            Some(_) => {}
            None => panic!("the hub closed the session"),
        }
    }
}

fn size(bytes: usize) -> String {
    if bytes < 1_000_000 {
        format!("{:.0} KB", bytes as f64 / 1e3)
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}

fn line(what: &str, sent: usize, before: f64, peak: f64, health: &str) {
    let verdict = if peak <= TARGET_MB { "within" } else { "OVER" };
    println!(
        "{what}, {} sent: peak RSS {peak:.0} MB ({before:.0} MB before the attack; {verdict} the {TARGET_MB:.0} MB target); {health}",
        size(sent)
    );
}

async fn inflation_bomb() {
    let (hub, _, code) = Hub::start();
    let mut socket = hub.session(&code).await;
    let before = hub.peak_mb();
    let docs = vec![
        dermis_sync::conformance::push(
            Uuid::now_v7(),
            DocType::Patient,
            attacks::compressed_change_bomb(2 << 30),
        ),
        dermis_sync::conformance::push(
            Uuid::now_v7(),
            DocType::Patient,
            attacks::document_column_bomb(2 << 30),
        ),
    ];
    let sent: usize = docs.iter().map(|d| d.data.len()).sum();
    let health = Health::watch(&hub.base).await;
    let outcomes = push_and_ack(&mut socket, 1, docs).await;
    let health = health.report().await;
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, PushOutcome::Rejected { .. })),
        "{outcomes:?}"
    );
    line(
        "inflation bomb, 2 chunks inflating to 2 GiB each",
        sent,
        before,
        hub.peak_mb(),
        &health,
    );
}

async fn repeated_fetch() {
    let (hub, clinic, code) = Hub::start();
    let mut socket = hub.session(&code).await;
    let (id, saved) = attacks::large_patient(clinic, 855_000);
    let saved_len = saved.len();
    let outcomes = push_and_ack(
        &mut socket,
        1,
        vec![dermis_sync::conformance::push(id, DocType::Patient, saved)],
    )
    .await;
    assert!(
        matches!(outcomes[..], [PushOutcome::Applied { .. }]),
        "{outcomes:?}"
    );
    let before = hub.peak_mb();
    let stored = saved_len;
    let items = vec![
        FetchItem {
            doc_id: id,
            have: Vec::new(),
        };
        2000
    ];
    let fetch = ClientMsg::Fetch { request: 9, items };
    let sent = fetch.encode().len();
    let health = Health::watch(&hub.base).await;
    raw::send(&mut socket, &fetch).await;
    raw::send(&mut socket, &ClientMsg::Ping { nonce: 1 }).await;
    let mut received = 0usize;
    loop {
        match raw::next(&mut socket).await {
            Some(HubMsg::Docs { items, .. }) => {
                received += items.iter().map(|d| d.data.len()).sum::<usize>();
            }
            Some(HubMsg::Pong { nonce: 1 }) => break,
            Some(_) => {}
            None => panic!("the hub closed the session"),
        }
    }
    let health = health.report().await;
    line(
        &format!(
            "repeated fetch, one patient ({} saved, 855 KB of notes) named 2,000 times, {} answered",
            size(stored),
            size(received)
        ),
        sent,
        before,
        hub.peak_mb(),
        &health,
    );
}

/// 600 concurrent wrong admin sign-ins from 60 addresses (a proxy on loopback names
/// them in `X-Forwarded-For`): argon2 must not run 600 times at once.
async fn login_flood() {
    let (hub, _, _) = Hub::start_with(&[("TRUSTED_PROXIES", "127.0.0.1/32")]);
    let before = hub.peak_mb();
    let client = reqwest::Client::builder().timeout(WITHIN).build().unwrap();
    let url = format!("{}/api/auth/login", hub.base);
    let body = r#"{"username":"ops","password":"not the password"}"#;
    let health = Health::watch(&hub.base).await;
    let attempts = (0..600).map(|i| {
        let (client, url) = (&client, &url);
        async move {
            client
                .post(url)
                .header("content-type", "application/json")
                .header("x-forwarded-for", format!("10.20.0.{}", i % 60))
                .body(body)
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let health = health.report().await;
    let mut counts = std::collections::BTreeMap::<u16, u32>::new();
    for status in &statuses {
        *counts.entry(*status).or_default() += 1;
    }
    let counts = counts
        .iter()
        .map(|(status, n)| format!("{n}× {status}"))
        .collect::<Vec<_>>()
        .join(", ");
    line(
        &format!("login flood, 600 concurrent wrong sign-ins from 60 addresses ({counts})"),
        600 * body.len(),
        before,
        hub.peak_mb(),
        &health,
    );
}

fn main() {
    println!("== attacks on one release hub process (embedded store): peak RSS ==");
    if cfg!(debug_assertions) {
        println!("(debug build: these figures are not representative; use make bench)");
    }
    println!("hub: {}", hub_binary().display());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        inflation_bomb().await;
        repeated_fetch().await;
        login_flood().await;
    });
}
