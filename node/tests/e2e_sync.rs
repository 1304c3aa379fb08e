//! Sync end to end with real processes: a `dermis-hub` process, `dermis-node` processes,
//! real sockets, and a TCP fault proxy that tears connections mid-frame. Every case ends
//! converged (byte-identical exports) with nothing lost.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

use common::hub::{Fault, FaultProxy, Hub};
use common::{cmd, ok, ok_as, run, status_json, stderr, wait_until};

fn enroll(d: &Path, hub_url: &str, code: &str, name: &str) -> String {
    ok(
        d,
        &[
            "enroll",
            "--hub",
            hub_url,
            "--code",
            code,
            "--node-name",
            name,
        ],
    )
}

fn sync_once(d: &Path) {
    let o = run(d, &["sync", "--once", "--timeout", "60"]);
    assert!(o.status.success(), "sync --once failed: {}", stderr(&o));
}

fn export(d: &Path) -> String {
    ok(d, &["export", "--json"])
}

fn count(d: &Path, what: &str) -> i64 {
    status_json(d)["counts"][what].as_i64().unwrap_or(-1)
}

fn daemon(d: &Path) -> Child {
    cmd(d)
        .args(["sync"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("sync daemon")
}

struct Setup {
    hub: Hub,
    clinic: String,
    _tmp: tempfile::TempDir,
    nodes: Vec<std::path::PathBuf>,
}

/// A hub with one clinic and `n` enrolled nodes (through `via`, the hub's or a proxy's URL).
fn setup(n: usize) -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let hub_dir = tmp.path().join("hub");
    std::fs::create_dir_all(&hub_dir).unwrap();
    let hub = Hub::start(&hub_dir);
    let clinic = hub.clinic_add("E2E Clinic");
    let nodes = (0..n)
        .map(|i| {
            let d = tmp.path().join(format!("node{i}"));
            let code = hub.node_add(&clinic, &format!("node{i}"));
            enroll(&d, &hub.url(), &code, &format!("Workstation {i}"));
            d
        })
        .collect();
    Setup {
        hub,
        clinic,
        _tmp: tmp,
        nodes,
    }
}

#[test]
fn two_nodes_converge_through_the_hub() {
    let s = setup(2);
    let (a, b) = (&s.nodes[0], &s.nodes[1]);
    assert_eq!(status_json(a)["node"]["code"], "N1");
    assert_eq!(status_json(b)["node"]["code"], "N2");
    ok(a, &["demo", "--patients", "40", "--seed", "5"]);
    let p = ok(
        b,
        &[
            "patient",
            "add",
            "--first-name",
            "Лариса",
            "--last-name",
            "Бойко",
        ],
    );
    sync_once(a);
    sync_once(b);
    sync_once(a);
    assert_eq!(count(b, "patients"), 41);
    assert_eq!(count(a, "patients"), 41);
    // Before the exports: each export is itself an entry of the audit trail, a change
    // that waits for the next sync.
    let st = status_json(a);
    assert_eq!(st["outbox"]["count"], 0, "everything reached the hub: {st}");
    assert_eq!(
        export(a),
        export(b),
        "converged nodes print byte-identical exports"
    );
    assert!(st["last_sync_at"].as_i64().is_some());
    assert!(st["cursor"].as_u64().unwrap() > 0);
    assert_eq!(st["hub_url"], s.hub.url());
    let node = dermis_node::node::Node::open(a).unwrap();
    let state = dermis_node::store::queries::sync_state(node.store.conn()).unwrap();
    assert!(
        state.alive_at.is_some(),
        "a connected loop says it is alive, for the window's stale mark"
    );
    let _ = p;
}

#[test]
fn a_daemon_receives_live_updates_and_sends_cli_edits_at_once() {
    let s = setup(2);
    let (a, b) = (&s.nodes[0], &s.nodes[1]);
    let mut da = daemon(a);
    let mut db = daemon(b);
    wait_until(Duration::from_secs(30), "both daemons online", || {
        status_json(a)["online"] == true && status_json(b)["online"] == true
    });
    // An edit by the CLI beside A's daemon reaches B's store through both daemons.
    let id = ok(
        a,
        &[
            "patient",
            "add",
            "--first-name",
            "Live",
            "--last-name",
            "Update",
        ],
    );
    wait_until(
        Duration::from_secs(20),
        "the patient to reach node B",
        || ok(b, &["patient", "search", "live upd", "--json"]).contains(&id),
    );
    // And back.
    ok(b, &["patient", "update", &id, "--phone", "+374 99 000111"]);
    wait_until(Duration::from_secs(20), "the phone to reach node A", || {
        ok(a, &["patient", "show", &id, "--json"]).contains("000111")
    });
    wait_until(Duration::from_secs(20), "outboxes to empty", || {
        status_json(a)["outbox"]["count"] == 0 && status_json(b)["outbox"]["count"] == 0
    });
    let _ = (da.kill(), db.kill(), da.wait(), db.wait());
    assert_eq!(export(a), export(b));
}

#[test]
fn connections_torn_mid_frame_still_converge() {
    let s = setup(2);
    let (a, b) = (&s.nodes[0], &s.nodes[1]);
    ok(a, &["demo", "--patients", "150", "--seed", "8"]);
    let proxy = FaultProxy::start(&s.hub.addr);
    // Point both nodes at the proxy, which cuts every connection after 20 KB.
    for d in [a, b] {
        let conn = dermis_node::store::Store::connect(&d.join("dermis-node.db")).unwrap();
        conn.execute(
            "UPDATE sync_state SET value = ?1 WHERE key = 'hub_url'",
            [proxy.url()],
        )
        .unwrap();
    }
    proxy.set(Fault::CutAfter(20_000));
    let mut da = daemon(a);
    let mut db = daemon(b);
    wait_until(
        Duration::from_secs(120),
        "node A's outbox to drain through the torn connections",
        || status_json(a)["outbox"]["count"] == 0,
    );
    assert!(
        proxy.cuts.load(std::sync::atomic::Ordering::SeqCst) >= 3,
        "the proxy really cut connections"
    );
    proxy.set(Fault::Pass);
    wait_until(
        Duration::from_secs(120),
        "node B to have every patient",
        || count(b, "patients") == 150,
    );
    let _ = (da.kill(), db.kill(), da.wait(), db.wait());
    sync_once(a);
    sync_once(b);
    assert_eq!(export(a), export(b));
}

#[test]
fn a_stalled_link_times_out_and_recovers() {
    let s = setup(1);
    let a = &s.nodes[0];
    let proxy = FaultProxy::start(&s.hub.addr);
    let conn = dermis_node::store::Store::connect(&a.join("dermis-node.db")).unwrap();
    conn.execute(
        "UPDATE sync_state SET value = ?1 WHERE key = 'hub_url'",
        [proxy.url()],
    )
    .unwrap();
    proxy.set(Fault::Refuse);
    let o = run(a, &["sync", "--once", "--timeout", "3"]);
    assert_eq!(o.status.code(), Some(1), "an unreachable hub is exit 1");
    assert!(
        stderr(&o).contains("could not be reached") && stderr(&o).contains("outbox is kept"),
        "{}",
        stderr(&o)
    );
    ok(
        a,
        &[
            "patient",
            "add",
            "--first-name",
            "Kept",
            "--last-name",
            "Offline",
        ],
    );
    assert!(status_json(a)["outbox"]["count"].as_i64().unwrap() >= 1);
    proxy.set(Fault::Pass);
    sync_once(a);
    assert_eq!(status_json(a)["outbox"]["count"], 0);
}

#[test]
fn the_hub_killed_mid_sync_loses_nothing() {
    let mut s = setup(2);
    let (a, b) = (s.nodes[0].clone(), s.nodes[1].clone());
    ok(&a, &["demo", "--patients", "200", "--seed", "11"]);
    let mut push = cmd(&a)
        .args(["sync"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill the hub as soon as part of the data has arrived.
    wait_until(
        Duration::from_secs(60),
        "the first documents to reach the hub",
        || status_json(&a)["outbox"]["count"].as_i64().unwrap_or(0) < 260,
    );
    s.hub.kill();
    s.hub.restart();
    wait_until(
        Duration::from_secs(120),
        "node A to push everything after the hub restart",
        || status_json(&a)["outbox"]["count"] == 0,
    );
    let _ = (push.kill(), push.wait());
    sync_once(&b);
    sync_once(&a);
    assert_eq!(count(&b, "patients"), 200);
    assert_eq!(export(&a), export(&b));
}

#[test]
fn a_node_killed_mid_sync_catches_up_after_restart() {
    let s = setup(2);
    let (a, b) = (&s.nodes[0], &s.nodes[1]);
    ok(a, &["demo", "--patients", "300", "--seed", "12"]);
    sync_once(a);
    let mut pull = cmd(b)
        .args(["sync"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until(Duration::from_secs(60), "node B to start receiving", || {
        count(b, "patients") > 0
    });
    let _ = (pull.kill(), pull.wait()); // SIGKILL mid-pull.
    let partial = count(b, "patients");
    sync_once(b);
    assert_eq!(
        count(b, "patients"),
        300,
        "B resumed from {partial} and caught up"
    );
    assert_eq!(export(a), export(b));
}

#[test]
fn concurrent_offline_edits_of_one_field_are_a_visible_conflict_everywhere() {
    let s = setup(2);
    let (a, b) = (&s.nodes[0], &s.nodes[1]);
    let id = ok(
        a,
        &[
            "patient",
            "add",
            "--first-name",
            "Anna",
            "--last-name",
            "Shared",
            "--phone",
            "+33 1 00 00 00 00",
        ],
    );
    sync_once(a);
    sync_once(b);
    // Both offline: each sets the email differently.
    ok(
        a,
        &["patient", "update", &id, "--email", "anna@clinic-a.fr"],
    );
    ok(
        b,
        &["patient", "update", &id, "--email", "anna@clinic-b.fr"],
    );
    sync_once(a);
    sync_once(b);
    sync_once(a);
    let ca: serde_json::Value =
        serde_json::from_str(&ok(a, &["conflict", "list", "--json"])).unwrap();
    let cb: serde_json::Value =
        serde_json::from_str(&ok(b, &["conflict", "list", "--json"])).unwrap();
    assert_eq!(ca, cb, "the same conflict on both nodes");
    assert_eq!(ca[0]["path"], serde_json::json!(["email"]));
    let mut values: Vec<String> = ca[0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    values.sort();
    assert_eq!(
        values,
        vec!["anna@clinic-a.fr", "anna@clinic-b.fr"],
        "neither value was lost"
    );
    assert_eq!(export(a), export(b));
    // Picking one settles it everywhere.
    ok(
        b,
        &["conflict", "resolve", &id, "email", "anna@clinic-b.fr"],
    );
    sync_once(b);
    sync_once(a);
    assert_eq!(ok(a, &["conflict", "list", "--json"]), "[]");
    assert!(ok(a, &["patient", "show", &id, "--json"]).contains("anna@clinic-b.fr"));
}

#[test]
fn a_standalone_node_with_data_joins_a_hub_later() {
    let s = setup(1);
    let existing = &s.nodes[0];
    let tmp = tempfile::tempdir().unwrap();
    let solo = tmp.path().join("solo");
    ok(
        &solo,
        &[
            "init",
            "--clinic-name",
            "Solo Practice",
            "--node-name",
            "Laptop",
        ],
    );
    let pid = ok(
        &solo,
        &[
            "patient",
            "add",
            "--first-name",
            "Before",
            "--last-name",
            "Hub",
        ],
    );
    ok(
        &solo,
        &[
            "product",
            "add",
            "--sku",
            "SOLO1",
            "--name",
            "Solo cream",
            "--price",
            "9.99",
        ],
    );
    ok(
        &solo,
        &[
            "stock", "in", "--sku", "SOLO1", "--qty", "5", "--reason", "opening",
        ],
    );
    let receipt = ok(
        &solo,
        &["sale", "add", "--item", "SOLO1:1", "--pay", "cash:10"],
    );
    let user_add = cmd(&solo)
        .args(["user", "add", "--username", "solo-admin", "--role", "admin"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut child = user_add;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"a long password\n")
            .unwrap();
        assert!(child.wait().unwrap().success());
    }
    let code = s.hub.node_add(&s.clinic, "laptop");
    enroll(&solo, &s.hub.url(), &code, "Laptop");
    sync_once(&solo);
    sync_once(existing);
    // The clinic now has a staff user, the laptop's admin: commands sign in as it.
    let solo_admin = |args: &[&str]| ok_as(existing, "solo-admin", "a long password", args);
    assert!(
        solo_admin(&["patient", "show", &pid, "--json"]).contains("Before"),
        "the standalone patient reached the clinic"
    );
    assert!(solo_admin(&["sale", "list", "--json"]).contains(&receipt));
    assert!(
        solo_admin(&["user", "list", "--json"]).contains("solo-admin"),
        "its staff users joined the clinic"
    );
    assert_eq!(
        status_json(&solo)["clinic"]["id"].as_str(),
        Some(s.clinic.as_str())
    );
    let export_as_admin =
        |d: &Path| ok_as(d, "solo-admin", "a long password", &["export", "--json"]);
    assert_eq!(export_as_admin(&solo), export_as_admin(existing));
}

#[test]
fn a_revoked_node_is_refused_with_a_clear_message() {
    let s = setup(1);
    let a = &s.nodes[0];
    sync_once(a);
    let node_id = status_json(a)["node"]["id"].as_str().unwrap().to_owned();
    s.hub.cli(&["node", "revoke", &node_id]);
    let o = run(a, &["sync", "--once", "--timeout", "5"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("refused"), "{}", stderr(&o));
    let bad = run(
        a,
        &[
            "enroll",
            "--hub",
            &s.hub.url(),
            "--code",
            "NOPE-NOPE-NOPE-NOPE",
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("refused the enrollment code"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn the_app_syncs_in_the_background_when_no_daemon_runs() {
    let s = setup(2);
    let (a, b) = (&s.nodes[0], &s.nodes[1]);
    let background = dermis_node::sync::background::BackgroundSync::spawn(a.clone());
    wait_until(
        Duration::from_secs(30),
        "the app's sync loop to come online",
        || status_json(a)["online"] == true,
    );
    // While the app syncs, a daemon cannot start a second loop on the same data dir.
    let o = run(a, &["sync"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already runs"), "{}", stderr(&o));
    let id = ok(
        a,
        &[
            "patient",
            "add",
            "--first-name",
            "Background",
            "--last-name",
            "Sync",
        ],
    );
    wait_until(
        Duration::from_secs(30),
        "the patient to reach the hub",
        || status_json(a)["outbox"]["count"] == 0,
    );
    sync_once(b);
    assert!(ok(b, &["patient", "show", &id, "--json"]).contains("Background"));
    drop(background);
    assert_eq!(
        status_json(a)["online"],
        false,
        "closing the app ends its sync loop"
    );
}
