//! The hub's rules seen from a real node: a `dermis-hub` process and `dermis-node`
//! processes. A change the hub refuses (staff changed by the operator once the clinic
//! has an admin; a signed encounter edited with Automerge directly, past the node's own
//! check) stays on the node, parked with the hub's reason, shown by `status`, and
//! later edits of that record stay parked with it; nothing of it reaches other nodes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use common::hub::Hub;
use common::{DEMO_PASSWORD, cmd, ok, run, status_json, stderr, stdout};
use dermis_model::encounter::EncounterForm;
use dermis_model::patient::PatientForm;
use dermis_node::node::{Node, Session};
use dermis_node::ops;

fn enroll(d: &Path, hub: &Hub, code: &str, name: &str) {
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

fn add_user(d: &Path, username: &str, role: &str) {
    let mut child = cmd(d)
        .args(["user", "add", "--username", username, "--role", role])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{DEMO_PASSWORD}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "user add: {}", stderr(&out));
}

fn usernames(d: &Path) -> Vec<String> {
    let users: serde_json::Value =
        serde_json::from_str(&ok(d, &["user", "list", "--json"])).unwrap();
    users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_owned())
        .collect()
}

/// The refused documents `status --json` lists: (doc_id, reason).
fn refused(d: &Path) -> Vec<(String, String)> {
    status_json(d)["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["doc_id"].as_str().unwrap().to_owned(),
                r["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn refused_changes_stay_parked_on_the_node_with_the_hubs_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let hub_dir = tmp.path().join("hub");
    std::fs::create_dir_all(&hub_dir).unwrap();
    let hub = Hub::start(&hub_dir);
    let clinic = hub.clinic_add("Rules Clinic");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    enroll(&a, &hub, &hub.node_add(&clinic, "a"), "Front desk");
    enroll(&b, &hub, &hub.node_add(&clinic, "b"), "Room 2");

    // The clinic starts: its first admin is added at a workstation by its operator
    // (named and with the password the test harness signs in with).
    add_user(&a, "admin", "admin");
    sync_once(&a);
    sync_once(&b);
    assert_eq!(usernames(&b), vec!["admin"]);
    assert!(refused(&a).is_empty());

    // Once it has an admin, the command line refuses the operator (exit 3); a tampered
    // node that writes a staff change as its operator anyway is refused by the hub.
    let o = cmd(&a)
        .env_remove("DERMIS_USER")
        .env_remove("DERMIS_PASSWORD")
        .args(["user", "add", "--username", "mallory", "--role", "admin"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    {
        let mut node = Node::open(&a).unwrap();
        ops::users::add(
            &mut node,
            &Session::operator(),
            "mallory",
            "Mallory",
            "admin",
            "long enough password",
        )
        .unwrap();
    }
    sync_once(&a);
    let parked = refused(&a);
    assert_eq!(parked.len(), 1, "{parked:?}");
    assert_eq!(parked[0].0, clinic);
    assert!(
        parked[0].1.starts_with("forbidden: ") && parked[0].1.contains("only an active admin"),
        "{parked:?}"
    );
    let status = status_json(&a);
    assert_eq!(status["rejected"], 1);
    assert!(
        status["outbox"]["count"].as_i64().unwrap() >= 1,
        "kept: {status}"
    );
    assert!(
        usernames(&a).contains(&"mallory".to_owned()),
        "kept on the node"
    );

    // A signed encounter, synced; then an edit of it written with Automerge directly.
    let patient = {
        let mut node = Node::open(&a).unwrap();
        let operator = Session::operator();
        let p = ops::patients::add(
            &mut node,
            &operator,
            &PatientForm {
                first_name: "Ana".into(),
                last_name: "Test".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let form = EncounterForm {
            complaint: "Itch".into(),
            plan: "Emollients".into(),
            ..Default::default()
        };
        let e = ops::encounters::add(&mut node, &operator, p, &form).unwrap();
        ops::encounters::sign(&mut node, &operator, e).unwrap();
        (p, e)
    };
    sync_once(&a);
    sync_once(&b);
    let on_b = ok(
        &b,
        &[
            "encounter",
            "list",
            "--patient",
            &patient.0.to_string(),
            "--json",
        ],
    );
    assert!(on_b.contains("signed"), "{on_b}");
    {
        let mut node = Node::open(&a).unwrap();
        let mut tx = node.begin(&Session::operator()).unwrap();
        let doc = tx.edit(patient.0.into()).unwrap().unwrap();
        let encounters = dermis_model::doc::map_at(doc, &automerge::ROOT, "encounters")
            .unwrap()
            .unwrap();
        let enc = dermis_model::doc::map_at(doc, &encounters, &patient.1.to_string())
            .unwrap()
            .unwrap();
        dermis_model::doc::put_text(doc, &enc, "plan", "Rewritten after signing").unwrap();
        tx.commit().unwrap();
    }
    sync_once(&a);
    let parked = refused(&a);
    let chart = parked
        .iter()
        .find(|(id, _)| *id == patient.0.to_string())
        .unwrap_or_else(|| panic!("the chart is parked: {parked:?}"));
    assert!(
        chart.1.contains("signed encounter") && chart.1.contains("plan"),
        "{chart:?}"
    );
    assert!(
        !chart.1.contains("Rewritten"),
        "no clinical text in the reason"
    );

    // A later, honest edit of the parked record stays parked with it.
    ok(
        &a,
        &[
            "patient",
            "update",
            &patient.0.to_string(),
            "--first-name",
            "Anna",
        ],
    );
    sync_once(&a);
    assert_eq!(refused(&a).len(), 2);
    sync_once(&b);
    let on_b = ok(
        &b,
        &[
            "encounter",
            "list",
            "--patient",
            &patient.0.to_string(),
            "--json",
        ],
    );
    assert!(
        !on_b.contains("Rewritten"),
        "nothing refused reaches B: {on_b}"
    );
    assert!(!usernames(&b).contains(&"mallory".to_owned()));

    // `status` says so in words too.
    let text = stdout(&run(&a, &["status"]));
    assert!(
        text.contains("REFUSED by the hub, kept here: 2 document(s)")
            && text.contains("signed encounter"),
        "{text}"
    );
}
