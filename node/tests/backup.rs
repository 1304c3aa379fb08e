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
    // What every JPEG the node makes holds (its JFIF header) and every PNG begins with:
    // long enough that ciphertext never holds them by chance, where the three bytes of a
    // JPEG's start turned up in about one backup in fifty.
    assert!(
        !bytes.windows(5).any(|w| w == b"JFIF\0"),
        "no JPEG shows through"
    );
    assert!(
        !bytes.windows(8).any(|w| w == b"\x89PNG\r\n\x1a\n"),
        "no PNG shows through"
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

#[test]
fn a_bad_passphrase_or_a_damaged_file_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, keys) = (tmp.path().join("a"), tmp.path().join("config"));
    clinic(&a, &keys, tmp.path());
    let file = tmp.path().join("clinic.backup");
    let file_arg = file.to_str().unwrap();
    ok_in(&a, &keys, &["backup", "--out", file_arg]);

    // The output is never overwritten; a weak passphrase is refused before any work.
    let before = std::fs::read(&file).unwrap();
    let again = run_in(&a, &keys, &["backup", "--out", file_arg]);
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    assert!(stderr(&again).contains("already exists"));
    assert_eq!(std::fs::read(&file).unwrap(), before);
    let weak = node(&a, &keys)
        .env("DERMIS_BACKUP_PASSPHRASE", "short")
        .args(["backup", "--out", tmp.path().join("weak").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(weak.status.code(), Some(2), "{}", stderr(&weak));
    assert!(stderr(&weak).contains("passphrase"));
    assert!(!tmp.path().join("weak").exists());
    // Only an administrator backs the clinic up.
    let nurse = node(&a, &keys)
        .env("DERMIS_USER", "nurse")
        .args([
            "backup",
            "--out",
            tmp.path().join("nurse").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(nurse.status.code(), Some(3), "{}", stderr(&nurse));
    assert!(!tmp.path().join("nurse").exists());

    let refused = |name: &str, from: &Path, passphrase: &str, says: &str| {
        let target = tmp.path().join(name);
        let o = node(&target, &keys)
            .env("DERMIS_BACKUP_PASSPHRASE", passphrase)
            .args(["restore", "--from", from.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{name}: {}", stderr(&o));
        assert!(!target.exists(), "{name}: nothing was written");
    };
    refused(
        "wrong",
        &file,
        "not the passphrase at all",
        "wrong passphrase",
    );
    let cut = tmp.path().join("cut.backup");
    std::fs::write(&cut, &before[..before.len() / 2]).unwrap();
    refused("cut", &cut, PASSPHRASE, "truncated or damaged");
    let flipped = tmp.path().join("flipped.backup");
    let mut bytes = before.clone();
    let at = bytes.len() - 100;
    bytes[at] ^= 0x40;
    std::fs::write(&flipped, &bytes).unwrap();
    refused("flipped", &flipped, PASSPHRASE, "damaged");

    // A data dir that holds something is left exactly as it was.
    let busy = tmp.path().join("busy");
    std::fs::create_dir_all(&busy).unwrap();
    std::fs::write(busy.join("notes.txt"), b"mine").unwrap();
    let o = run_in(&busy, &keys, &["restore", "--from", file_arg]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("not empty"));
    assert_eq!(files_under(&busy), vec![busy.join("notes.txt")]);
}

#[test]
fn a_restored_node_resumes_sync_without_duplicates_or_lost_edits() {
    let tmp = tempfile::tempdir().unwrap();
    let keys = tmp.path().join("config");
    let hub_dir = tmp.path().join("hub");
    std::fs::create_dir_all(&hub_dir).unwrap();
    let hub = Hub::start(&hub_dir);
    let clinic_id = hub.clinic_add("Backup Clinic");
    let enroll = |d: &Path, name: &str| {
        let code = hub.node_add(&clinic_id, name);
        ok_in(
            d,
            &keys,
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
    };
    let sync = |d: &Path| ok_in(d, &keys, &["sync", "--once", "--timeout", "60"]);
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    enroll(&a, "Front desk");
    enroll(&b, "Room 2");
    ok_in(&a, &keys, &["demo", "--patients", "15", "--seed", "4"]);
    let kept = ok_in(
        &a,
        &keys,
        &[
            "patient",
            "add",
            "--first-name",
            "Before",
            "--last-name",
            "Backup",
        ],
    );
    sync(&a);
    let file = tmp.path().join("a.backup");
    ok_in(&a, &keys, &["backup", "--out", file.to_str().unwrap()]);
    // After the backup, the original goes on and syncs; then the laptop is lost.
    let later = ok_in(
        &a,
        &keys,
        &[
            "patient",
            "add",
            "--first-name",
            "After",
            "--last-name",
            "Backup",
        ],
    );
    sync(&a);
    std::fs::remove_dir_all(&a).unwrap();

    let r = tmp.path().join("restored");
    ok_in(&r, &keys, &["restore", "--from", file.to_str().unwrap()]);
    sync(&r);
    assert!(
        ok_in(&r, &keys, &["patient", "show", &later]).contains("After"),
        "edits made after the backup come back from the hub"
    );
    ok_in(
        &r,
        &keys,
        &["patient", "update", &kept, "--first-name", "Edited"],
    );
    sync(&r);
    sync(&b);
    assert!(
        ok_in(&b, &keys, &["patient", "show", &kept]).contains("Edited"),
        "the restored node's edits reach the clinic"
    );
    sync(&r);
    let status: serde_json::Value =
        serde_json::from_str(&ok_in(&r, &keys, &["status", "--json"])).unwrap();
    assert_eq!(status["rejected"], 0, "{status}");
    assert!(status["refused"].as_array().unwrap().is_empty(), "{status}");
    assert_eq!(status["counts"]["patients"], 17, "no duplicates: {status}");
    let b_status: serde_json::Value =
        serde_json::from_str(&ok_in(&b, &keys, &["status", "--json"])).unwrap();
    assert_eq!(b_status["counts"]["patients"], 17, "{b_status}");
    assert_eq!(
        ok_in(&r, &keys, &["export", "--json"]),
        ok_in(&b, &keys, &["export", "--json"]),
        "converged"
    );
}
