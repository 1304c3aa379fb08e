//! The `dermis-hub` binary: admin commands print exactly their result, `node revoke`
//! from another process disconnects a node from a running server, and `serve` is the
//! default command.

#[allow(dead_code)]
mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::node::TestNode;
use common::{TestDb, TestHub, options, post_enroll, tempdir};
use dermis_hub::store::HubStore;
use dermis_model::ClinicId;
use dermis_sync::wire::ErrorCode;
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_dermis-hub");

/// Runs the binary with a clean environment of our choosing.
fn hub_cmd(data_dir: &Path, database_url: Option<&str>, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir").arg(data_dir).args(args);
    for var in [
        "DATABASE_URL",
        "DATABASE_URL_FILE",
        "DERMIS_HUB_DATA_DIR",
        "HUB_BIND",
        "LOG_FORMAT",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    cmd
}

fn run(data_dir: &Path, database_url: Option<&str>, args: &[&str]) -> Output {
    hub_cmd(data_dir, database_url, args)
        .output()
        .unwrap_or_else(|e| panic!("run {BIN}: {e}"))
}

fn stdout_of(output: &Output, what: &str) -> String {
    assert!(
        output.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The whole admin flow through the binary, against the same store a server uses.
async fn admin_flow<S: HubStore>(store: S, data_dir: &Path, database_url: Option<&str>) {
    let clinic = stdout_of(
        &run(
            data_dir,
            database_url,
            &["clinic", "add", "--name", "Skin Clinic"],
        ),
        "clinic add",
    );
    assert_eq!(clinic.lines().count(), 1, "the id alone: {clinic:?}");
    let clinic: ClinicId = clinic.trim().parse().unwrap_or_else(|e| panic!("{e}"));

    let code = stdout_of(
        &run(
            data_dir,
            database_url,
            &[
                "node",
                "add",
                "--clinic",
                &clinic.to_string(),
                "--name",
                "Desk",
            ],
        ),
        "node add",
    );
    let code = code.trim().to_owned();
    assert!(
        code.len() == 19 && code.chars().all(|c| c == '-' || c.is_ascii_alphanumeric()),
        "{code}"
    );

    let listed = stdout_of(
        &run(data_dir, database_url, &["node", "list", "--json"]),
        "node list",
    );
    let listed: serde_json::Value =
        serde_json::from_str(&listed).unwrap_or_else(|e| panic!("{e}: {listed}"));
    assert_eq!(listed[0]["status"], json!("pending"));
    assert_eq!(listed[0]["number"], json!(1));
    assert_eq!(listed[0]["clinic_id"], json!(clinic.to_string()));
    let table = stdout_of(&run(data_dir, database_url, &["node", "list"]), "node list");
    assert!(table.contains("N1") && table.contains("pending"), "{table}");

    // A server on the same store enrolls the node; the binary revokes it meanwhile.
    let hub = TestHub::start(store.clone(), options(data_dir, Duration::from_secs(2))).await;
    let (status, body) = post_enroll(&hub, json!({ "code": code, "node_name": "Desk PC" })).await;
    assert_eq!(status, 200, "{body}");
    let enrollment = common::Enrollment {
        node_id: body["node_id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or_default(),
        clinic_id: clinic,
        number: 1,
        token: body["token"].as_str().unwrap_or_default().to_owned(),
        clinic_doc: Vec::new(),
    };
    let node = TestNode::new(&enrollment);
    let mut link = node.connect(&hub.ws()).await;
    link.caught_up_after(0).await;

    let started = Instant::now();
    let id = enrollment.node_id.to_string();
    let revoked = stdout_of(
        &run(data_dir, database_url, &["node", "revoke", &id]),
        "node revoke",
    );
    assert_eq!(revoked.trim(), format!("revoked {id}"));
    let closed = link.closed().await;
    assert_eq!(closed.close_code, Some(ErrorCode::Revoked.close_code()));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert!(node.try_connect(&hub.ws()).await.is_err());
    hub.stop().await;

    let listed = stdout_of(
        &run(data_dir, database_url, &["node", "list", "--json"]),
        "node list",
    );
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(listed[0]["status"], json!("revoked"));
    assert_eq!(listed[0]["app_version"], json!("test-node 1"));

    let missing = run(
        data_dir,
        database_url,
        &["node", "revoke", &uuid::Uuid::now_v7().to_string()],
    );
    assert!(!missing.status.success());
    let bad = run(data_dir, database_url, &["clinic", "add", "--name", ""]);
    assert!(!bad.status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_commands_on_the_embedded_store() {
    let dir = tempdir();
    // The binary creates and migrates the file; the in-process server opens it after.
    let first = run(dir.path(), None, &["node", "list", "--json"]);
    assert_eq!(stdout_of(&first, "node list").trim(), "[]");
    let store = common::open_sqlite(dir.path());
    admin_flow(store, dir.path(), None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_commands_on_postgres() {
    let Some(db) = TestDb::create().await else {
        return;
    };
    let dir = tempdir();
    let first = run(dir.path(), Some(&db.url), &["node", "list", "--json"]);
    assert_eq!(stdout_of(&first, "node list").trim(), "[]");
    admin_flow(db.store().await, dir.path(), Some(&db.url)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_is_the_default_command_and_stops_on_sigterm() {
    let dir = tempdir();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut child = hub_cmd(dir.path(), None, &[])
        .env("HUB_BIND", format!("127.0.0.1:{port}"))
        .env("LOG_FORMAT", "json")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    let url = format!("http://127.0.0.1:{port}/api/healthz");
    let client = common::http();
    common::eventually("the served hub to be healthy", || async {
        match client.get(&url).send().await {
            Ok(r) if r.status().as_u16() == 200 => {
                r.json::<serde_json::Value>().await.ok()
                    == Some(json!({ "status": "ok", "db": "ok", "storage": "ok" }))
            }
            _ => false,
        }
    })
    .await;
    assert!(
        dir.path().join("hub.db").exists(),
        "the embedded store lives in the data dir"
    );
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .is_ok_and(|s| s.success());
    assert!(killed);
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap_or_else(|e| panic!("{e}")) {
            break status;
        }
        assert!(Instant::now() < deadline, "the hub did not stop on SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let output = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let logs = String::from_utf8_lossy(&output.stderr);
    assert!(status.success(), "exit {status}: {logs}");
    assert!(
        logs.lines()
            .any(|l| l.starts_with('{') && l.contains("hub listening")),
        "JSON logs: {logs}"
    );
}

#[test]
fn bad_configuration_is_refused_by_name() {
    let dir = tempdir();
    let output = hub_cmd(dir.path(), None, &["node", "list"])
        .env("HUB_BIND", "not an address")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("HUB_BIND"));
}

#[test]
fn serve_refuses_a_staging_quota_smaller_than_one_photo() {
    let dir = tempdir();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let output = hub_cmd(dir.path(), None, &["serve"])
        .env("HUB_BIND", format!("127.0.0.1:{port}"))
        .env("PHOTO_MAX_BYTES", "2000000")
        .env("HUB_STAGING_QUOTA_BYTES", "1999999")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("HUB_STAGING_QUOTA_BYTES (1999999)")
            && stderr.contains("PHOTO_MAX_BYTES (2000000)"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("hub.db").exists(),
        "refused before opening anything"
    );
}
