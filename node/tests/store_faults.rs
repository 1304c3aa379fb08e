//! Faults around the node's store: a writer killed with SIGKILL mid-burst, several
//! processes writing at once, a full disk, and a store written by an older version.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use common::{cmd, init, ok, status_json};
use dermis_node::node::{Node, Session};
use dermis_node::store::{Store, StoreError, queries};

fn line(i: usize) -> String {
    format!("{{\"first_name\":\"Crash{i}\",\"last_name\":\"Тест\",\"phone\":\"+374 10 {i:06}\"}}\n")
}

#[test]
fn every_acknowledged_write_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    let mut child = cmd(d)
        .args(["patient", "import"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Feed far more lines than will be written before the kill.
    let feeder = std::thread::spawn(move || {
        for i in 0..100_000 {
            if stdin.write_all(line(i).as_bytes()).is_err() {
                break;
            }
        }
    });
    let mut acknowledged = Vec::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    while acknowledged.len() < 150 {
        let mut id = String::new();
        if out.read_line(&mut id).unwrap() == 0 {
            break;
        }
        acknowledged.push(id.trim().to_owned());
    }
    child.kill().unwrap(); // SIGKILL: no chance to flush or close anything.
    child.wait().unwrap();
    // Ids already printed but not yet read are acknowledged too.
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut out, &mut rest);
    acknowledged.extend(rest.lines().map(str::to_owned).filter(|l| !l.is_empty()));
    let _ = feeder.join();
    assert!(
        acknowledged.len() >= 150,
        "the writer was killed mid-burst after {} writes",
        acknowledged.len()
    );

    let node = Node::open(d).expect("the store opens after SIGKILL");
    for id in &acknowledged {
        assert!(
            queries::patient_by_id(node.store.conn(), id)
                .unwrap()
                .is_some(),
            "acknowledged patient {id} is missing"
        );
    }
    let ok_check: String = node
        .store
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok_check, "ok");
}

#[test]
fn several_processes_write_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let mut child = cmd(d)
                .args(["patient", "import"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let mut stdin = child.stdin.take().unwrap();
            for i in 0..60 {
                stdin.write_all(line(w * 1000 + i).as_bytes()).unwrap();
            }
            drop(stdin);
            child
        })
        .collect();
    // A reader searching while they write.
    for _ in 0..10 {
        ok(d, &["patient", "search", "crash", "--limit", "5"]);
    }
    let mut ids = Vec::new();
    for w in writers {
        let out = w.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a writer failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        ids.extend(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::to_owned),
        );
    }
    assert_eq!(ids.len(), 180);
    let status = status_json(d);
    assert_eq!(status["counts"]["patients"], 180);
    // Each add is audited in the node's ledger of the day (two, if the run crossed
    // midnight UTC).
    let ledgers = {
        let node = dermis_node::node::Node::open(d).unwrap();
        dermis_node::store::queries::doc_ids(node.store.conn(), "ledger")
            .unwrap()
            .len()
    };
    assert!(ledgers >= 1);
    assert_eq!(
        status["outbox"]["count"].as_u64(),
        Some(181 + ledgers as u64),
        "every patient, the clinic and the audit ledger wait for the hub"
    );
}

#[test]
fn edits_by_another_process_are_seen_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // This process's cache is warm; change the patient from another process.
    let (id, pid, mut node, _) = two_writers(d);
    let session = Session::operator();
    ok(d, &["patient", "update", &id, "--last-name", "New"]);
    assert_eq!(
        dermis_node::ops::patients::get(&mut node, &session, pid)
            .unwrap()
            .last_name,
        "New",
        "a stale cached copy is never used"
    );
    // An edit here builds on the other process's edit instead of forking from the stale copy.
    let mut form = dermis_model::patient::PatientForm::from_patient(
        &dermis_node::ops::patients::get(&mut node, &session, pid).unwrap(),
    );
    form.email = "anna@example.org".into();
    dermis_node::ops::patients::update(&mut node, &session, pid, &form).unwrap();
    let shown: serde_json::Value =
        serde_json::from_str(&ok(d, &["patient", "show", &id, "--json"])).unwrap();
    assert_eq!(
        (shown["last_name"].as_str(), shown["email"].as_str()),
        (Some("New"), Some("anna@example.org"))
    );
}

/// Renames patient `pid` through `node`.
fn rename(node: &mut Node, pid: dermis_model::PatientId, last_name: &str) {
    let session = Session::operator();
    let mut form = dermis_model::patient::PatientForm::from_patient(
        &dermis_node::ops::patients::get(node, &session, pid).unwrap(),
    );
    form.last_name = last_name.into();
    dermis_node::ops::patients::update(node, &session, pid, &form).unwrap();
}

fn last_name(node: &mut Node, pid: dermis_model::PatientId) -> String {
    dermis_node::ops::patients::get(node, &Session::operator(), pid)
        .unwrap()
        .last_name
}

/// A store with patient "Anna Old" (its id, as text and parsed) open twice, as the window
/// and its sync thread have it: the first has the patient loaded.
fn two_writers(d: &std::path::Path) -> (String, dermis_model::PatientId, Node, Node) {
    init(d);
    let id = ok(
        d,
        &[
            "patient",
            "add",
            "--first-name",
            "Anna",
            "--last-name",
            "Old",
        ],
    );
    let pid = id.parse().unwrap();
    let (mut here, there) = (Node::open(d).unwrap(), Node::open(d).unwrap());
    assert_eq!(last_name(&mut here, pid), "Old");
    (id, pid, here, there)
}

/// The window and the sync thread each keep loaded documents; when one writes, the other's
/// copy is brought up to date from the change rows instead of loaded again (a day's
/// ledger, changed by every edit, takes 11 ms to load at 2,000 entries).
#[test]
fn a_copy_cached_before_another_writer_is_caught_up_from_the_change_rows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (id, pid, mut here, mut there) = two_writers(d);
    for name in ["One", "Two", "Three"] {
        rename(&mut there, pid, name);
    }
    // The snapshot no longer loads: only the change rows can bring `here` up to date.
    Store::connect(&Node::store_path(d))
        .unwrap()
        .execute("UPDATE docs SET snapshot = x'00' WHERE id = ?1", [&id])
        .unwrap();
    assert_eq!(last_name(&mut here, pid), "Three");
    // An edit here builds on it, and `there` catches up with that edit the same way.
    rename(&mut here, pid, "Four");
    assert_eq!(last_name(&mut there, pid), "Four");
}

/// Once the other writer has folded the change rows into a new snapshot, a stale copy
/// cannot be caught up from them: the document is loaded again, and is right.
#[test]
fn a_stale_copy_is_loaded_again_once_the_rows_were_compacted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (id, pid, mut here, mut there) = two_writers(d);
    let edits = dermis_sync::plan::COMPACT_AFTER_CHANGES + 5;
    for i in 0..edits {
        rename(&mut there, pid, &format!("Name{i}"));
    }
    let rows: i64 = Store::connect(&Node::store_path(d))
        .unwrap()
        .query_row(
            "SELECT count(*) FROM doc_changes WHERE doc_id = ?1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(rows < edits, "compacted: {rows} rows after {edits} edits");
    assert_eq!(last_name(&mut here, pid), format!("Name{}", edits - 1));
    rename(&mut here, pid, "Last");
    assert_eq!(last_name(&mut there, pid), "Last");
}

#[test]
fn a_full_disk_is_a_clear_error_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    let first = ok(
        d,
        &[
            "patient",
            "add",
            "--first-name",
            "Before",
            "--last-name",
            "Full",
        ],
    );
    let mut node = Node::open(d).unwrap();
    let pages: i64 = node
        .store
        .conn()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    node.store.limit_pages(pages + 2).unwrap();
    let session = Session::operator();
    let mut saved = Vec::new();
    let mut failure = None;
    for i in 0..2000 {
        let form = dermis_model::patient::PatientForm {
            first_name: format!("Filler{i}"),
            last_name: "x".repeat(90),
            notes: "n".repeat(2000),
            ..Default::default()
        };
        match dermis_node::ops::patients::add(&mut node, &session, &form) {
            Ok(id) => saved.push(id),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    let failure = failure.expect("the disk fills up");
    assert!(
        matches!(
            failure,
            dermis_node::node::OpError::Store(StoreError::DiskFull { .. })
        ),
        "{failure:?}"
    );
    assert!(failure.to_string().contains("disk is full"), "{failure}");
    if let dermis_node::node::OpError::Store(store) = &failure {
        // What a sync session that hit it would end with.
        assert_eq!(
            dermis_sync::StoreFault::kind(store),
            dermis_sync::FailureKind::DiskFull
        );
    }
    drop(node);
    let node = Node::open(d).unwrap();
    assert!(
        queries::patient_by_id(node.store.conn(), &first)
            .unwrap()
            .is_some()
    );
    for id in &saved {
        assert!(
            queries::patient_by_id(node.store.conn(), &id.to_string())
                .unwrap()
                .is_some(),
            "saved patient {id} is missing"
        );
    }
    let check: String = node
        .store
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

#[test]
fn a_store_from_schema_1_opens_and_migrates() {
    let dir = tempfile::tempdir().unwrap();
    let path = Node::store_path(dir.path());
    {
        // What the first release wrote: schema 1, with a clinic and a patient.
        let mut store = Store::create_at_version(&path, 1).unwrap();
        assert_eq!(store.schema_version().unwrap(), 1);
        let node_id = dermis_model::NodeId::new();
        let clinic = dermis_model::ClinicId::new();
        let actor = dermis_model::doc::actor_for_node(node_id);
        let draft = dermis_model::clinic::ClinicDraft::new("Old Clinic").unwrap();
        let clinic_doc =
            dermis_model::clinic::create_clinic(clinic, &draft, actor.clone()).unwrap();
        let patient = dermis_model::patient::PatientDraft {
            first_name: "Legacy".into(),
            last_name: "Patient".into(),
            ..Default::default()
        };
        let pid = dermis_model::PatientId::new();
        let pdoc = dermis_model::patient::create_patient(
            pid,
            clinic,
            &patient,
            "N1-P000001",
            1,
            None,
            actor,
        )
        .unwrap();
        let mut tx = store.begin(1).unwrap();
        for (k, v) in [
            ("format", "dermis-node".to_owned()),
            ("node_id", node_id.to_string()),
            ("node_name", "Old".into()),
            ("node_code", "N1".into()),
            ("clinic_id", clinic.to_string()),
        ] {
            tx.set_meta(k, &v).unwrap();
        }
        tx.insert(
            dermis_model::DocId(clinic.0),
            dermis_model::DocType::Clinic,
            clinic_doc,
        )
        .unwrap();
        tx.insert(pid.into(), dermis_model::DocType::Patient, pdoc)
            .unwrap();
        tx.commit().unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        dermis_node::store::migrate::latest()
    );
    drop(store);
    let d = dir.path();
    let found: serde_json::Value =
        serde_json::from_str(&ok(d, &["patient", "search", "legacy", "--json"])).unwrap();
    assert_eq!(found[0]["last_name"], "Patient");
    assert_eq!(
        status_json(d)["enrolled"],
        false,
        "the new sync tables exist and are empty"
    );
}

#[test]
fn the_committed_fixture_from_an_older_build_opens() {
    // node/tests/fixtures/store-v2.db was written by the build that introduced schema 2;
    // every later build must open and migrate it.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/store-v2.db"),
        Node::store_path(dir.path()),
    )
    .unwrap();
    let d = dir.path();
    let status = status_json(d);
    assert_eq!(status["clinic"]["name"], "Fixture Clinic");
    assert_eq!(status["counts"]["patients"], 12);
    let found: serde_json::Value =
        serde_json::from_str(&ok(d, &["patient", "search", "fixture", "--json"])).unwrap();
    assert_eq!(found.as_array().map(Vec::len), Some(1));
    // Migrated to this build's schema, with the photo lane's tables (0003) empty.
    assert_eq!(status["schema"], dermis_node::store::migrate::latest());
    assert!(dermis_node::store::migrate::latest() >= 3);
    assert_eq!(status["photos"]["pending"], 0);
    assert_eq!(status["photos"]["uploaded"], 0);
}

/// A document too large for one frame to the hub (a hub run with a small
/// HUB_MAX_FRAME_BYTES) is parked with the reason instead of being sent, which would end
/// every session at once; the other documents still go.
#[test]
fn a_document_over_the_hubs_frame_limit_is_parked_not_sent() {
    use dermis_sync::store::NodeSyncStore;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    let mut node = Node::open(d).unwrap();
    let operator = Session::operator();
    let form = |first: &str| dermis_model::patient::PatientForm {
        first_name: first.into(),
        last_name: "Frame".into(),
        ..Default::default()
    };
    let small = dermis_node::ops::patients::add(&mut node, &operator, &form("Small")).unwrap();
    let big = dermis_node::ops::patients::add(&mut node, &operator, &form("Big")).unwrap();
    {
        // Notes that do not compress: far more than the frame below allows.
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        let noise: String = (0..60_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(b'a' + (x % 26) as u8)
            })
            .collect();
        let mut tx = node.begin(&operator).unwrap();
        let doc = tx.edit(big.into()).unwrap().unwrap();
        dermis_model::doc::put_text(doc, &automerge::ROOT, "notes", &noise).unwrap();
        tx.commit().unwrap();
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let batch = runtime.block_on(node.outbox_batch(100, 16 * 1024)).unwrap();
    let sent: Vec<uuid::Uuid> = batch.iter().map(|o| o.push.doc_id).collect();
    assert!(
        sent.contains(&small.0),
        "the small one still goes: {sent:?}"
    );
    assert!(!sent.contains(&big.0), "the big one is not sent");
    let refused = queries::refused_docs(node.store.conn()).unwrap();
    let reason = refused
        .iter()
        .find(|r| r.doc_id == big.to_string())
        .map(|r| r.reason.clone())
        .unwrap_or_default();
    assert!(reason.contains("frame_too_large"), "{refused:?}");
    assert!(reason.contains("HUB_MAX_FRAME_BYTES"), "{reason}");
    // The next batch does not try it again.
    let again = runtime.block_on(node.outbox_batch(100, 16 * 1024)).unwrap();
    assert!(again.iter().all(|o| o.push.doc_id != big.0));
}
