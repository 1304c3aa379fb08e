//! Patient merges end to end with a real `dermis-hub` process and two `dermis-node`
//! processes: a merge made on one node while the other edits the merged record offline,
//! and opposite merges made concurrently on two nodes, each end in one record on both
//! nodes with nothing lost.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::path::{Path, PathBuf};

use common::hub::Hub;
use common::{ok, run, stderr};

struct Setup {
    _hub: Hub,
    _tmp: tempfile::TempDir,
    a: PathBuf,
    b: PathBuf,
}

fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let hub_dir = tmp.path().join("hub");
    std::fs::create_dir_all(&hub_dir).unwrap();
    let hub = Hub::start(&hub_dir);
    let clinic = hub.clinic_add("Merge Clinic");
    let mut nodes = (0..2).map(|i| {
        let d = tmp.path().join(format!("node{i}"));
        let code = hub.node_add(&clinic, &format!("node{i}"));
        ok(
            &d,
            &[
                "enroll",
                "--hub",
                &hub.url(),
                "--code",
                &code,
                "--node-name",
                &format!("Desk {i}"),
            ],
        );
        d
    });
    let (a, b) = (nodes.next().unwrap(), nodes.next().unwrap());
    Setup {
        _hub: hub,
        _tmp: tmp,
        a,
        b,
    }
}

fn sync_once(d: &Path) {
    let o = run(d, &["sync", "--once", "--timeout", "60"]);
    assert!(o.status.success(), "sync --once failed: {}", stderr(&o));
}

/// Both ways, then once more so each node has what the other pushed.
fn sync_all(s: &Setup) {
    sync_once(&s.a);
    sync_once(&s.b);
    sync_once(&s.a);
}

fn json(d: &Path, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(d, args)).expect("JSON output")
}

fn add(d: &Path, first: &str, last: &str) -> String {
    ok(
        d,
        &[
            "patient",
            "add",
            "--first-name",
            first,
            "--last-name",
            last,
            "--birth-date",
            "1979-05-04",
        ],
    )
}

fn search_ids(d: &Path, query: &str) -> Vec<String> {
    json(d, &["patient", "search", query, "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_merge_reaches_every_node_and_offline_edits_of_the_merged_record_are_kept() {
    let s = setup();
    let keep = add(&s.a, "Gayane", "Tadevosyan");
    let other = add(&s.a, "TADEVOSYAN", "Gayane");
    sync_all(&s);

    // Desk A merges; desk B, offline, keeps working on OTHER.
    ok(&s.a, &["patient", "merge", &keep, &other, "--yes"]);
    ok(
        &s.b,
        &["patient", "allergy", &other, "--substance", "Sulfonamides"],
    );
    let visit = ok(
        &s.b,
        &[
            "encounter",
            "add",
            "--patient",
            &other,
            "--complaint",
            "Rash",
        ],
    );
    let rx = ok(
        &s.b,
        &[
            "prescription",
            "add",
            "--encounter",
            &visit,
            "--drug",
            "Doxycycline 100 mg",
            "--dose",
            "1 tablet",
            "--instructions",
            "daily for 6 weeks",
        ],
    );
    ok(
        &s.b,
        &["patient", "update", &other, "--phone", "+374 91 555 555"],
    );
    sync_all(&s);

    for d in [&s.a, &s.b] {
        let shown = json(d, &["patient", "show", &other, "--json"]);
        assert_eq!(shown["id"], keep.as_str(), "OTHER shows KEEP on {d:?}");
        assert_eq!(shown["merged"]["into"], keep.as_str());
        assert!(
            ok(d, &["patient", "show", &other]).contains("was merged into"),
            "the text says so"
        );
        let kept = json(d, &["patient", "show", &keep, "--json"]);
        assert_eq!(kept["allergies"][0]["substance"], "Sulfonamides");
        assert_eq!(kept["encounters"][0]["id"], visit.as_str());
        assert_eq!(kept["encounters"][0]["prescriptions"][0]["id"], rx.as_str());
        assert!(
            kept["phones"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p == "+374 91 555 555"),
            "the offline phone edit shows: {kept}"
        );
        assert_eq!(search_ids(d, "tadevosyan"), vec![keep.clone()]);
        let rxs = json(d, &["prescription", "list", "--patient", &keep, "--json"]);
        assert_eq!(rxs.as_array().unwrap().len(), 1);
        // The merged record's allergy guards KEEP's prescriptions on every node.
        let v = ok(d, &["encounter", "add", "--patient", &keep]);
        let o = run(
            d,
            &[
                "prescription",
                "add",
                "--encounter",
                &v,
                "--drug",
                "Bactrim DS",
                "--dose",
                "1",
                "--instructions",
                "bid",
            ],
        );
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("Sulfonamides"));
    }
}

#[test]
fn opposite_merges_made_concurrently_end_in_one_record_on_both_nodes() {
    let s = setup();
    let x = add(&s.a, "Hovhannes", "Grigoryan");
    let y = add(&s.b, "Hovhannes", "Grigoryan");
    sync_all(&s);
    ok(&s.a, &["patient", "allergy", &x, "--substance", "Lanolin"]);
    ok(&s.b, &["patient", "allergy", &y, "--substance", "Parabens"]);
    // X into Y on desk A, Y into X on desk B, neither knowing of the other.
    ok(&s.a, &["patient", "merge", &y, &x, "--yes"]);
    ok(&s.b, &["patient", "merge", &x, &y, "--yes"]);
    sync_all(&s);

    // The smaller id survives, the same on both desks, holding both charts.
    let survivor = x.clone().min(y.clone());
    for d in [&s.a, &s.b] {
        for id in [&x, &y] {
            let shown = json(d, &["patient", "show", id, "--json"]);
            assert_eq!(shown["id"], survivor.as_str(), "{id} on {d:?}");
            let mut allergies: Vec<String> = shown["allergies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["substance"].as_str().unwrap().to_owned())
                .collect();
            allergies.sort();
            assert_eq!(allergies, ["Lanolin", "Parabens"], "nothing lost");
        }
        assert_eq!(search_ids(d, "grigoryan"), vec![survivor.clone()]);
        assert_eq!(
            json(d, &["patient", "duplicates", "--json"]),
            serde_json::json!([])
        );
    }
}
