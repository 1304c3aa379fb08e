//! Erasure end to end with real processes: a `dermis-hub`, three `dermis-node`s, real
//! sockets. An erasure on one node reaches the others at their next sync; a node that
//! edited the patient offline drops its copy (and says so) in either order of
//! reconnection; a node enrolled later never stores the patient.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::path::Path;

use common::hub::Hub;
use common::{ok, run, status_json, stderr};

const MARKER: &str = "Qvxerasedmarker";

fn enroll(d: &Path, hub: &Hub, clinic: &str, name: &str) {
    let code = hub.node_add(clinic, name);
    ok(
        d,
        &[
            "enroll",
            "--hub",
            &hub.url(),
            "--code",
            &code,
            "--node-name",
            name,
        ],
    );
}

fn sync_once(d: &Path) {
    let o = run(d, &["sync", "--once", "--timeout", "60"]);
    assert!(o.status.success(), "sync --once failed: {}", stderr(&o));
}

fn shows(d: &Path, id: &str) -> bool {
    let o = run(d, &["patient", "show", id]);
    match o.status.code() {
        Some(0) => true,
        Some(2) => false,
        other => panic!("patient show: {other:?} {}", stderr(&o)),
    }
}

/// Tables of the decrypted store holding `needle` (any case).
fn tables_holding(d: &Path, needle: &str) -> Vec<String> {
    let conn = dermis_node::store::Store::connect(&dermis_node::node::Node::store_path(d)).unwrap();
    let needle = needle.to_lowercase();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut found = Vec::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for c in 0..columns {
                let text = match row.get_ref(c).unwrap() {
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                        String::from_utf8_lossy(t).to_lowercase()
                    }
                    _ => continue,
                };
                if text.contains(&needle) && !found.contains(&table) {
                    found.push(table.clone());
                }
            }
        }
    }
    found
}

/// Files under the hub's data dir (its database, WAL and blob folder) holding `needle`.
fn hub_files_holding(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if std::fs::read(&path)
                .unwrap_or_default()
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
            {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

fn dropped_edits(d: &Path) -> i64 {
    status_json(d)["erasures"]["dropped_edits"]
        .as_i64()
        .unwrap()
}

struct Race {
    _tmp: tempfile::TempDir,
    _hub: Hub,
    hub_dir: std::path::PathBuf,
    a: std::path::PathBuf,
    b: std::path::PathBuf,
    late: std::path::PathBuf,
    id: String,
}

/// A hub, nodes A and B both holding a patient (with the marker in name, notes and an
/// encounter), and a node enrolled later that has not synced yet.
fn race() -> Race {
    let tmp = tempfile::tempdir().unwrap();
    let hub_dir = tmp.path().join("hub");
    std::fs::create_dir_all(&hub_dir).unwrap();
    let hub = Hub::start(&hub_dir);
    let clinic = hub.clinic_add("Erasure Clinic");
    let (a, b, late) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("late"),
    );
    enroll(&a, &hub, &clinic, "A");
    enroll(&b, &hub, &clinic, "B");
    let id = ok(
        &a,
        &[
            "patient",
            "add",
            "--first-name",
            MARKER,
            "--last-name",
            "Race",
            "--notes",
            &format!("notes {MARKER}"),
        ],
    );
    ok(
        &a,
        &[
            "encounter",
            "add",
            "--patient",
            &id,
            "--complaint",
            &format!("complaint {MARKER}"),
        ],
    );
    sync_once(&a);
    sync_once(&b);
    assert!(shows(&b, &id), "B has the patient before the erasure");
    assert!(
        !hub_files_holding(&hub_dir, MARKER).is_empty(),
        "the control: the hub's files hold the chart"
    );
    enroll(&late, &hub, &clinic, "Late");
    Race {
        _tmp: tmp,
        _hub: hub,
        hub_dir,
        a,
        b,
        late,
        id,
    }
}

fn erase(d: &Path, id: &str) {
    ok(
        d,
        &[
            "patient",
            "erase",
            id,
            "--reason",
            "patient request",
            "--yes",
        ],
    );
}

fn edit_offline(d: &Path, id: &str) {
    ok(
        d,
        &[
            "patient",
            "update",
            id,
            "--notes",
            &format!("offline {MARKER}"),
        ],
    );
}

fn assert_gone_everywhere(r: &Race) {
    sync_once(&r.late);
    for (name, d) in [("A", &r.a), ("B", &r.b), ("late", &r.late)] {
        assert!(!shows(d, &r.id), "{name} still shows the erased patient");
        let left = tables_holding(d, MARKER);
        assert!(left.is_empty(), "{name} still holds the marker in {left:?}");
        let erasures = &status_json(d)["erasures"];
        assert_eq!(erasures["count"], 1, "{name}: {erasures}");
    }
    common::wait_until(
        std::time::Duration::from_secs(30),
        "the hub to hold no byte of the erased chart",
        || hub_files_holding(&r.hub_dir, MARKER).is_empty(),
    );
    let export = |d: &Path| ok(d, &["export", "--json"]);
    assert_eq!(export(&r.a), export(&r.b), "A and B converge");
    assert_eq!(export(&r.a), export(&r.late), "the late node converges");
}

#[test]
fn the_erasure_reaches_the_hub_first_then_the_offline_editor_drops_its_copy_and_says_so() {
    let r = race();
    erase(&r.a, &r.id);
    sync_once(&r.a);
    edit_offline(&r.b, &r.id);
    sync_once(&r.b);
    assert_eq!(dropped_edits(&r.b), 1, "B says its edit was dropped");
    let text = ok(&r.b, &["status"]);
    assert!(text.contains("DROPPED"), "{text}");
    sync_once(&r.a);
    assert_eq!(dropped_edits(&r.a), 0);
    assert_gone_everywhere(&r);
}

#[test]
fn the_offline_edit_reaches_the_hub_first_and_the_erasure_still_wins() {
    let r = race();
    edit_offline(&r.b, &r.id);
    erase(&r.a, &r.id);
    sync_once(&r.b);
    sync_once(&r.a);
    assert!(
        !shows(&r.a, &r.id),
        "B's edit does not bring the patient back on A"
    );
    sync_once(&r.b);
    sync_once(&r.a);
    assert_gone_everywhere(&r);
}
