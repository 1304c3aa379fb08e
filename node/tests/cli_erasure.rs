//! `patient erase`, `clinic set --retention-years` and `patient due-for-erasure` through
//! the real binary on a real (encrypted) store: what an erasure leaves, read back through
//! the key, and who may do it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::path::Path;

use common::{DEMO_PASSWORD, cmd, cmd_as, ok, stderr};
use rusqlite::types::ValueRef;

/// In the name and the notes of the erased patient; searched for afterwards.
const MARKER: &str = "Zqxerasemarkerv";

fn demo_node() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::init(dir.path());
    ok(dir.path(), &["demo", "--patients", "3", "--seed", "9"]);
    dir
}

fn jpeg(seed: u32) -> Vec<u8> {
    let mut x = seed | 1;
    let image = image::RgbImage::from_fn(64, 64, |_, _| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        image::Rgb([x as u8, (x >> 8) as u8, (x >> 16) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&image)
        .unwrap();
    out
}

/// A patient with an encounter, a photo and an appointment, all carrying the marker.
fn marked_patient(d: &Path) -> String {
    let id = ok(
        d,
        &[
            "patient",
            "add",
            "--first-name",
            MARKER,
            "--last-name",
            "Erasable",
            "--notes",
            &format!("notes {MARKER}"),
            "--email",
            "zqx@example.org",
        ],
    );
    ok(
        d,
        &[
            "encounter",
            "add",
            "--patient",
            &id,
            "--date",
            "2020-03-04",
            "--complaint",
            &format!("complaint {MARKER}"),
        ],
    );
    let photo = d.parent().unwrap().join(format!("{id}.jpg"));
    std::fs::write(&photo, jpeg(11)).unwrap();
    ok(
        d,
        &[
            "photo",
            "add",
            "--patient",
            &id,
            "--file",
            photo.to_str().unwrap(),
            "--body-part",
            "face",
        ],
    );
    std::fs::remove_file(&photo).unwrap();
    ok(
        d,
        &[
            "appointment",
            "add",
            "--patient",
            &id,
            "--start",
            "2031-01-02T09:00:00Z",
            "--title",
            &format!("visit {MARKER}"),
        ],
    );
    id
}

/// Every table of the decrypted store, every column: where `needle` (as text, any case)
/// occurs.
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
                let bytes: Vec<u8> = match row.get_ref(c).unwrap() {
                    ValueRef::Text(t) | ValueRef::Blob(t) => t.to_vec(),
                    _ => continue,
                };
                let lower = String::from_utf8_lossy(&bytes).to_lowercase();
                if lower.contains(&needle) {
                    found.push(table.clone());
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn photo_files(d: &Path) -> usize {
    ["blobs", "thumbs", "cache"]
        .iter()
        .map(|sub| files_under(&d.join(sub)).len())
        .sum()
}

#[test]
fn erase_removes_the_patient_their_history_photos_and_appointments_and_keeps_a_tombstone() {
    let dir = demo_node();
    let d = dir.path();
    let photos_before = photo_files(d);
    let id = marked_patient(d);
    assert!(
        !tables_holding(d, MARKER).is_empty(),
        "the marker is stored before the erasure"
    );
    assert!(photo_files(d) > photos_before, "the photo wrote files");

    // Without --yes nothing is done.
    let o = cmd(d)
        .args(["patient", "erase", &id, "--reason", "patient request"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("yes"), "names the flag: {}", stderr(&o));
    ok(d, &["patient", "show", &id]);

    let out = ok(
        d,
        &[
            "patient",
            "erase",
            &id,
            "--reason",
            "patient request (GDPR art. 17)",
            "--yes",
            "--json",
        ],
    );
    let erased: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(erased["documents"], 2, "the patient and the appointment");

    let o = cmd(d).args(["patient", "show", &id]).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("id"), "{}", stderr(&o));
    let left = tables_holding(d, MARKER);
    assert!(left.is_empty(), "the marker is still in {left:?}");
    assert!(tables_holding(d, "zqx@example.org").is_empty());
    assert_eq!(photo_files(d), photos_before, "the photo's files are gone");
    let search = ok(d, &["patient", "search", MARKER, "--json"]);
    assert_eq!(search, "[]");

    // The tombstone: which id, who, why — nothing else about the patient.
    let conn = dermis_node::store::Store::connect(&dermis_node::node::Node::store_path(d)).unwrap();
    let (by, reason): (String, String) = conn
        .query_row(
            "SELECT erased_by, reason FROM erasures WHERE patient_id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(by.starts_with("admin"), "{by}");
    assert_eq!(reason, "patient request (GDPR art. 17)");

    // Erasing again: the id names nothing now.
    let o = cmd(d)
        .args(["patient", "erase", &id, "--reason", "again", "--yes"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("id"), "{}", stderr(&o));

    // The other patients and the sales are untouched.
    let export: serde_json::Value = serde_json::from_str(&ok(d, &["export", "--json"])).unwrap();
    let text = export.to_string();
    assert!(!text.to_lowercase().contains(&MARKER.to_lowercase()));
}

#[test]
fn erase_refuses_unknown_ids_missing_reasons_and_non_admins() {
    let dir = demo_node();
    let d = dir.path();
    let id = marked_patient(d);
    let unknown = uuid::Uuid::now_v7().to_string();
    for (args, field) in [
        (
            vec![
                "patient",
                "erase",
                unknown.as_str(),
                "--reason",
                "x",
                "--yes",
            ],
            "id",
        ),
        (
            vec!["patient", "erase", "not-an-id", "--reason", "x", "--yes"],
            "id",
        ),
        (vec!["patient", "erase", id.as_str(), "--yes"], "reason"),
    ] {
        let o = cmd(d).args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(field), "{args:?}: {}", stderr(&o));
    }
    for role in ["doctor", "nurse", "reception", "cashier"] {
        let o = cmd_as(d, role, DEMO_PASSWORD)
            .args(["patient", "erase", &id, "--reason", "x", "--yes"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(3), "{role}: {}", stderr(&o));
    }
    ok(d, &["patient", "show", &id]);
    assert!(!tables_holding(d, MARKER).is_empty(), "nothing was erased");
}

#[test]
fn retention_lists_patients_without_a_visit_for_n_years() {
    let dir = demo_node();
    let d = dir.path();
    let o = cmd(d)
        .args(["patient", "due-for-erasure"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("retention-years"), "{}", stderr(&o));
    let o = cmd(d)
        .args(["clinic", "set", "--retention-years", "0"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("retention-years"), "{}", stderr(&o));
    let o = cmd_as(d, "doctor", DEMO_PASSWORD)
        .args(["clinic", "set", "--retention-years", "5"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));

    ok(d, &["clinic", "set", "--retention-years", "5"]);
    let old = ok(
        d,
        &[
            "patient",
            "add",
            "--first-name",
            "Old",
            "--last-name",
            "Visit",
        ],
    );
    ok(
        d,
        &[
            "encounter",
            "add",
            "--patient",
            &old,
            "--date",
            "2015-06-01",
        ],
    );
    let recent = ok(
        d,
        &[
            "patient",
            "add",
            "--first-name",
            "Recent",
            "--last-name",
            "Visit",
        ],
    );
    ok(d, &["encounter", "add", "--patient", &recent]);
    let never = ok(
        d,
        &[
            "patient",
            "add",
            "--first-name",
            "Never",
            "--last-name",
            "Came",
        ],
    );
    let new = ok(
        d,
        &[
            "patient",
            "add",
            "--first-name",
            "New",
            "--last-name",
            "Patient",
        ],
    );
    // Records made years ago: the creation time is the document's, set long before.
    let conn = dermis_node::store::Store::connect(&dermis_node::node::Node::store_path(d)).unwrap();
    let long_ago: i64 = 1_400_000_000_000; // May 2014
    for id in [&old, &recent, &never] {
        conn.execute(
            "UPDATE patients SET created_at = ?2 WHERE id = ?1",
            rusqlite::params![id, long_ago],
        )
        .unwrap();
    }
    let rows: serde_json::Value =
        serde_json::from_str(&ok(d, &["patient", "due-for-erasure", "--json"])).unwrap();
    let ids: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&old.as_str()), "{rows}");
    assert!(ids.contains(&never.as_str()), "{rows}");
    assert!(!ids.contains(&recent.as_str()), "{rows}");
    assert!(
        !ids.contains(&new.as_str()),
        "created within the period: {rows}"
    );
    let text = ok(d, &["patient", "due-for-erasure"]);
    assert!(text.contains("5 year"), "{text}");
}
