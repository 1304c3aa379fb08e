//! `backup` and `restore`: one encrypted file with the store and every photo; a restore
//! into a new data dir gives a node whose export equals the original's, that writes as
//! an actor of its own and resumes sync with the hub; a wrong passphrase, a truncated or
//! damaged file, a non-empty target or an existing output writes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::hub::Hub;
use common::*;

const PASSPHRASE: &str = "correct horse battery staple";
/// A name that appears only in the patient's chart.
const MARKER: &str = "Vexlothmarine";

/// The node binary with its keys kept under `keys` (never the real config dir).
fn node(dir: &Path, keys: &Path) -> Command {
    let mut c = cmd(dir);
    c.env("XDG_CONFIG_HOME", keys)
        .env("DERMIS_BACKUP_PASSPHRASE", PASSPHRASE)
        .env_remove("DERMIS_NODE_KEY_FILE");
    c
}

fn run_in(dir: &Path, keys: &Path, args: &[&str]) -> Output {
    node(dir, keys).args(args).output().unwrap()
}

fn ok_in(dir: &Path, keys: &Path, args: &[&str]) -> String {
    let o = run_in(dir, keys, args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    stdout(&o).trim().to_owned()
}

fn png(path: &Path) {
    let img = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8 * 6, y as u8 * 8, 90]));
    img.save(path).unwrap();
}

/// A demo clinic with a marked patient and a photo of them.
fn clinic(dir: &Path, keys: &Path, files: &Path) -> String {
    ok_in(
        dir,
        keys,
        &[
            "init",
            "--clinic-name",
            "Backup Clinic",
            "--node-name",
            "Desk",
        ],
    );
    ok_in(dir, keys, &["demo", "--patients", "25", "--seed", "9"]);
    let patient = ok_in(
        dir,
        keys,
        &[
            "patient",
            "add",
            "--first-name",
            MARKER,
            "--last-name",
            "Quill",
        ],
    );
    let photo = files.join("mole.png");
    png(&photo);
    ok_in(
        dir,
        keys,
        &[
            "photo",
            "add",
            "--patient",
            &patient,
            "--file",
            photo.to_str().unwrap(),
            "--body-part",
            "forearm",
        ],
    );
    patient
}

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

#[test]
fn a_backup_restores_to_an_equal_node_and_reveals_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, keys) = (tmp.path().join("a"), tmp.path().join("config"));
    let patient = clinic(&a, &keys, tmp.path());
    let file = tmp.path().join("clinic.backup");
    let summary: serde_json::Value = serde_json::from_str(&ok_in(
        &a,
        &keys,
        &["backup", "--out", file.to_str().unwrap()],
    ))
    .unwrap();
    assert!(summary["files"].as_u64().unwrap() >= 5, "{summary}");

    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"DERMIS-BACKUP\n"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains(MARKER) && !text.contains("SQLite format 3"));
    assert!(
        !bytes.windows(3).any(|w| w == [0xFF, 0xD8, 0xFF]),
        "no JPEG shows through"
    );

    let r = tmp.path().join("restored");
    ok_in(&r, &keys, &["restore", "--from", file.to_str().unwrap()]);
    assert_eq!(
        ok_in(&a, &keys, &["export", "--json"]),
        ok_in(&r, &keys, &["export", "--json"]),
        "the restored node holds what the original held"
    );
    let photos: serde_json::Value = serde_json::from_str(&ok_in(
        &r,
        &keys,
        &["photo", "list", "--patient", &patient, "--json"],
    ))
    .unwrap();
    let photo = photos[0]["photo"]["id"]
        .as_str()
        .or(photos[0]["id"].as_str())
        .unwrap()
        .to_owned();
    let out = tmp.path().join("back.png");
    ok_in(
        &r,
        &keys,
        &[
            "photo",
            "fetch",
            &photo,
            "--variant",
            "original",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(tmp.path().join("mole.png")).unwrap()
    );

    // A new actor: the restored node's edits can never collide with the original's.
    let status = |d: &Path| -> serde_json::Value {
        serde_json::from_str(&ok_in(d, &keys, &["status", "--json"])).unwrap()
    };
    let (original, restored) = (status(&a), status(&r));
    assert_eq!(original["node"]["id"], restored["node"]["id"]);
    assert_ne!(original["node"]["actor"], restored["node"]["actor"]);
    assert!(
        restored["node"]["actor"]
            .as_str()
            .is_some_and(|a| a.len() == 32)
    );
}
