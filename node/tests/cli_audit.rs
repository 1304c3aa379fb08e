//! Who did what: views, edits, signatures, exports and sign-ins (failed ones too) are
//! recorded in the node's ledger documents with time, user, node, action and target id,
//! never clinical content; `audit list` shows them to administrators.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use common::*;
use dermis_model::DocType;
use dermis_node::node::Node;
use dermis_node::store::queries;

const ADMIN_PW: &str = "anna's long password";
const DOCTOR_PW: &str = "dora's long password";
/// A name that appears nowhere but in the patient's chart.
const MARKER: &str = "Qwyzzelbrand";

fn setup(d: &Path) {
    let o = cmd(d)
        .env("DERMIS_PASSWORD", ADMIN_PW)
        .args([
            "init",
            "--clinic-name",
            "Audit Clinic",
            "--node-name",
            "Desk",
        ])
        .args(["--admin", "anna"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let mut child = cmd_as(d, "anna", ADMIN_PW)
        .args(["user", "add", "--username", "dora", "--role", "doctor"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(format!("{DOCTOR_PW}\n").as_bytes())
        .unwrap();
    drop(stdin);
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

fn entries(d: &Path, filter: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["audit", "list", "--json"];
    args.extend_from_slice(filter);
    serde_json::from_str::<serde_json::Value>(&ok_as(d, "anna", ADMIN_PW, &args))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn has(entries: &[serde_json::Value], user: &str, action: &str, target: &str) -> bool {
    entries
        .iter()
        .any(|e| e["user"] == user && e["action"] == action && e["target"] == target)
}

#[test]
fn views_edits_signatures_and_sign_ins_are_on_the_trail() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    setup(d);
    let dora = |args: &[&str]| ok_as(d, "dora", DOCTOR_PW, args);
    let patient = dora(&[
        "patient",
        "add",
        "--first-name",
        MARKER,
        "--last-name",
        "Oddly",
    ]);
    assert!(dora(&["patient", "show", &patient]).contains(MARKER));
    let visit = dora(&[
        "encounter",
        "add",
        "--patient",
        &patient,
        "--complaint",
        "Itchy plaques",
    ]);
    dora(&["encounter", "sign", &visit]);
    let failed = cmd_as(d, "mallory", "a guess")
        .args(["patient", "search", "q"])
        .output()
        .unwrap();
    assert_eq!(failed.status.code(), Some(3));

    let all = entries(d, &[]);
    assert!(has(&all, "dora", "create", &patient), "{all:#?}");
    assert!(has(&all, "dora", "view", &patient), "{all:#?}");
    assert!(has(&all, "dora", "create", &visit), "{all:#?}");
    assert!(has(&all, "dora", "sign", &visit), "{all:#?}");
    assert!(
        all.iter()
            .any(|e| e["user"] == "dora" && e["action"] == "sign_in")
    );
    assert!(
        all.iter()
            .any(|e| e["user"] == "mallory" && e["action"] == "sign_in_failed")
    );
    let node = status_json(d)["node"]["id"].as_str().unwrap().to_owned();
    for e in &all {
        assert_eq!(e["node"], node.as_str(), "{e}");
        assert!(e["at"].as_str().unwrap().ends_with('Z'), "{e}");
    }
    // Newest first.
    let times: Vec<i64> = all.iter().map(|e| e["at_ms"].as_i64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");

    // Filters: one patient's chart, one user, a day.
    let chart = entries(d, &["--patient", &patient]);
    assert!(chart.len() >= 4, "{chart:#?}");
    assert!(chart.iter().all(|e| e["patient"] == patient.as_str()));
    let by_anna = entries(d, &["--user", "anna"]);
    assert!(!by_anna.is_empty() && by_anna.iter().all(|e| e["user"] == "anna"));
    assert!(entries(d, &["--from", "2999-01-01"]).is_empty());
    // (Each `audit list` signs in, so later lists hold more entries.)
    let since_2000: Vec<_> = entries(d, &["--from", "2000-01-01"])
        .into_iter()
        .map(|e| e["id"].clone())
        .collect();
    assert!(all.iter().all(|e| since_2000.contains(&e["id"])));

    // No clinical content in the trail: the patient's name is in no ledger document.
    let mut node = Node::open(d).unwrap();
    let ledgers = queries::doc_ids(node.store.conn(), DocType::Ledger.as_str()).unwrap();
    assert!(!ledgers.is_empty());
    for id in ledgers {
        let bytes = node
            .store
            .with_doc(id.parse().unwrap(), |doc| doc.clone().save())
            .unwrap()
            .unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(MARKER),
            "a ledger holds the patient's name"
        );
    }
}

#[test]
fn only_an_administrator_reads_the_trail() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    setup(d);
    let o = cmd_as(d, "dora", DOCTOR_PW)
        .args(["audit", "list", "--json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let bad = cmd_as(d, "anna", ADMIN_PW)
        .args(["audit", "list", "--from", "yesterday"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("from"), "{}", stderr(&bad));
}

#[test]
fn an_export_is_recorded_and_the_export_holds_no_trail() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    setup(d);
    let export = ok_as(d, "anna", ADMIN_PW, &["export", "--json"]);
    assert!(
        !export.contains("sign_in"),
        "the export is clinic data, not the trail"
    );
    let all = entries(d, &["--user", "anna"]);
    assert!(
        all.iter()
            .any(|e| e["action"] == "export" && e["target_kind"] == "clinic")
    );
}

fn enroll(d: &Path, hub: &common::hub::Hub, code: &str, name: &str) {
    ok(
        d,
        &[
            "enroll",
            "--hub",
            &hub.url(),
            "--code",
            code,
            "--node-name",
            name,
        ],
    );
}

fn sync_once(d: &Path) {
    let o = run(d, &["sync", "--once", "--timeout", "60"]);
    assert!(o.status.success(), "sync --once failed: {}", stderr(&o));
}

/// A hub under `root`, a clinic on it and an enrolled node (`root/a`) holding the demo,
/// whose staff (admin, doctor, … with the demo password) it makes.
fn demo_node_on_a_hub(root: &Path) -> (common::hub::Hub, String, std::path::PathBuf) {
    let hub_dir = root.join("hub");
    std::fs::create_dir_all(&hub_dir).unwrap();
    let hub = common::hub::Hub::start(&hub_dir);
    let clinic = hub.clinic_add("Audit Clinic");
    let a = root.join("a");
    enroll(&a, &hub, &hub.node_add(&clinic, "a"), "Front desk");
    ok(&a, &["demo", "--patients", "30", "--seed", "2"]);
    (hub, clinic, a)
}

#[test]
fn the_trail_survives_a_wiped_workstation() {
    let tmp = tempfile::tempdir().unwrap();
    let (hub, clinic, a) = demo_node_on_a_hub(tmp.path());
    let patient = {
        let node = Node::open(&a).unwrap();
        queries::recent_patients(node.store.conn(), 1).unwrap()[0]
            .id
            .clone()
    };
    ok_as(&a, "doctor", DEMO_PASSWORD, &["patient", "show", &patient]);
    sync_once(&a);
    let node_a = status_json(&a)["node"]["id"].as_str().unwrap().to_owned();

    // The laptop is wiped (or stolen); a new workstation joins the clinic.
    std::fs::remove_dir_all(&a).unwrap();
    let b = tmp.path().join("b");
    enroll(&b, &hub, &hub.node_add(&clinic, "b"), "New desk");
    sync_once(&b);
    let trail: serde_json::Value =
        serde_json::from_str(&ok(&b, &["audit", "list", "--patient", &patient, "--json"])).unwrap();
    let trail = trail.as_array().unwrap();
    assert!(
        trail.iter().any(|e| e["user"] == "doctor"
            && e["action"] == "view"
            && e["node"] == node_a.as_str()),
        "the wiped node's view of the chart is still on record: {trail:#?}"
    );
}

/// The window records views in the audit queue and moves them into the day's ledger
/// later. Views a window queued and never moved (it was killed) are on the trail at once,
/// move into the ledger at the next signed-in command, and reach the hub with it.
#[test]
fn views_a_killed_window_left_queued_reach_the_ledger_and_the_hub() {
    use dermis_model::audit::AuditAction;
    use dermis_node::ops::audit;
    let tmp = tempfile::tempdir().unwrap();
    let (hub, clinic, a) = demo_node_on_a_hub(tmp.path());
    let patients: Vec<String> = {
        let node = Node::open(&a).unwrap();
        queries::recent_patients(node.store.conn(), 3)
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect()
    };
    let queued_rows = |d: &Path| -> i64 {
        Node::open(d)
            .unwrap()
            .store
            .conn()
            .query_row("SELECT count(*) FROM audit_queue", [], |r| r.get(0))
            .unwrap()
    };
    let indexed_views = |d: &Path| -> i64 {
        Node::open(d)
            .unwrap()
            .store
            .conn()
            .query_row(
                "SELECT count(*) FROM audit_entries WHERE action = 'view' AND user = 'doctor'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    {
        // What the window does on each chart opened, then dies without a flush.
        let mut node = Node::open(&a).unwrap();
        let session = dermis_node::ops::users::login(&mut node, "doctor", DEMO_PASSWORD)
            .unwrap()
            .session()
            .expect("signed in");
        for p in &patients {
            let id = p.parse().unwrap();
            audit::queue(&node, &session, AuditAction::View, audit::patient(id)).unwrap();
        }
    }
    assert_eq!(queued_rows(&a), 3, "durable in the queue");
    assert_eq!(indexed_views(&a), 0, "not in a ledger yet");
    let trail_of = |d: &Path| {
        use dermis_node::store::audit::{AuditFilter, audit_entries};
        let node = Node::open(d).unwrap();
        let filter = AuditFilter {
            user: Some("doctor".into()),
            limit: 100,
            ..Default::default()
        };
        audit_entries(node.store.conn(), &filter)
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "view")
            .map(|e| e.target)
            .collect::<Vec<_>>()
    };
    let mut queued_trail = trail_of(&a);
    queued_trail.sort();
    let mut want = patients.clone();
    want.sort();
    assert_eq!(queued_trail, want, "on the trail while queued");

    // The next signed-in command moves the queue into the ledger.
    let listed: serde_json::Value =
        serde_json::from_str(&ok(&a, &["audit", "list", "--user", "doctor", "--json"])).unwrap();
    let listed = listed.as_array().unwrap();
    for p in &patients {
        assert!(has(listed, "doctor", "view", p), "{p}: {listed:#?}");
    }
    assert_eq!(queued_rows(&a), 0, "the signed-in command moved the queue");
    assert_eq!(
        indexed_views(&a),
        3,
        "each view once, in the ledger's index"
    );
    let mut moved_trail = trail_of(&a);
    moved_trail.sort();
    assert_eq!(moved_trail, want, "listed once each");

    // The ledger syncs: a new workstation of the clinic has the views.
    sync_once(&a);
    let b = tmp.path().join("b");
    enroll(&b, &hub, &hub.node_add(&clinic, "b"), "New desk");
    sync_once(&b);
    let node_a = status_json(&a)["node"]["id"].as_str().unwrap().to_owned();
    let trail: serde_json::Value =
        serde_json::from_str(&ok(&b, &["audit", "list", "--user", "doctor", "--json"])).unwrap();
    for p in &patients {
        assert!(
            trail
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "view"
                    && e["target"] == p.as_str()
                    && e["node"] == node_a.as_str()),
            "{p} reached the hub: {trail:#?}"
        );
    }
}

/// Queued entries keep their own time, user and id when they move: each goes into the
/// ledger of its own day, in one transaction, and a second flush finds nothing to move.
#[test]
fn queued_entries_move_into_the_ledger_of_their_day_once() {
    use dermis_model::audit::{AuditAction, AuditEntry};
    use dermis_node::node::Session;
    use dermis_node::ops::audit;
    let tmp = tempfile::tempdir().unwrap();
    let mut node = Node::init(tmp.path(), "Audit Clinic", "Desk").unwrap();
    let session = Session::operator();
    let patient = dermis_model::PatientId::new();
    let now = dermis_node::node::now();
    let day = 24 * 3600 * 1000;
    let entry = |at: i64, user: &str| AuditEntry {
        id: uuid::Uuid::now_v7().to_string(),
        at,
        user: user.into(),
        user_id: None,
        node_id: node.identity.node_id,
        action: AuditAction::View,
        target: audit::patient(patient),
        reason: None,
    };
    let (yesterday, today) = (entry(now - day, "dora"), entry(now, "anna"));
    for e in [&yesterday, &today] {
        dermis_node::store::audit::enqueue(node.store.conn(), e).unwrap();
    }
    assert_eq!(audit::flush_queue(&mut node, &session).unwrap(), 2);
    assert_eq!(
        audit::flush_queue(&mut node, &session).unwrap(),
        0,
        "moved once"
    );
    let conn = node.store.conn();
    let row = |id: &str| -> (String, i64, String) {
        conn.query_row(
            "SELECT ledger_id, at, user FROM audit_entries WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
    };
    let (ledger_y, at_y, user_y) = row(&yesterday.id);
    let (ledger_t, at_t, user_t) = row(&today.id);
    assert_eq!((at_y, user_y.as_str()), (yesterday.at, "dora"));
    assert_eq!((at_t, user_t.as_str()), (today.at, "anna"));
    assert_ne!(ledger_y, ledger_t, "a ledger per day");
    let node_id = node.identity.node_id.to_string();
    for (ledger, at) in [(&ledger_y, yesterday.at), (&ledger_t, today.at)] {
        let day = dermis_node::ops::catalog::day_of(at);
        assert_eq!(
            queries::ledger_for(conn, &node_id, &day)
                .unwrap()
                .as_deref(),
            Some(ledger.as_str()),
            "{day}"
        );
    }
    let queued: i64 = conn
        .query_row("SELECT count(*) FROM audit_queue", [], |r| r.get(0))
        .unwrap();
    assert_eq!(queued, 0);
}
