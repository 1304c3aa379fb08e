//! Data at rest, with the real binary: nothing in a data dir is readable without its
//! key, a copied data dir without the key is refused untouched, and a plain data dir of
//! an earlier version is encrypted in place, even when the process is killed midway.
//!
//! Every child gets its own `XDG_CONFIG_HOME`, so keys land in the test's temp dir and
//! never in the config dir of whoever runs the tests.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use dermis_node::atrest::StoreKey;
use dermis_node::atrest::seal::{self, FileKey};
use sha2::{Digest, Sha256};

const NAME: &str = "Zvartnotsyan";

struct Desk {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    config: PathBuf,
}

impl Desk {
    fn new() -> Desk {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("node");
        let config = tmp.path().join("config");
        Desk {
            dir,
            config,
            _tmp: tmp,
        }
    }

    fn cmd(&self) -> Command {
        let mut c = common::cmd(&self.dir);
        c.env("XDG_CONFIG_HOME", &self.config)
            .env_remove("DERMIS_NODE_KEY_FILE");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "{args:?}: {:?} {}",
            o.status.code(),
            common::stderr(&o)
        );
        common::stdout(&o).trim().to_owned()
    }

    fn key_file(&self) -> PathBuf {
        let id = std::fs::read_to_string(self.dir.join("store-id")).unwrap();
        self.config
            .join("dermis/keys")
            .join(format!("{}.key", id.trim()))
    }

    fn key(&self) -> StoreKey {
        let hex = std::fs::read_to_string(self.key_file()).unwrap();
        let bytes = hex::decode(hex.trim()).unwrap();
        StoreKey::from_bytes(bytes.try_into().unwrap())
    }

    /// A clinic with demo data, one named patient and a photo of them.
    fn populated(&self) -> String {
        self.ok(&[
            "init",
            "--clinic-name",
            "Rest Clinic",
            "--node-name",
            "Desk",
        ]);
        self.ok(&["demo", "--patients", "30", "--seed", "4"]);
        let id = self.ok(&[
            "patient",
            "add",
            "--first-name",
            "Anahit",
            "--last-name",
            NAME,
        ]);
        let photo = self.dir.parent().unwrap().join("lesion.jpg");
        std::fs::write(&photo, jpeg()).unwrap();
        self.ok(&[
            "photo",
            "add",
            "--patient",
            &id,
            "--file",
            photo.to_str().unwrap(),
            "--body-part",
            "face",
        ]);
        std::fs::remove_file(&photo).unwrap();
        id
    }
}

fn jpeg() -> Vec<u8> {
    let mut x = 7u32;
    let image = image::RgbImage::from_fn(96, 96, |_, _| {
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

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn hashes(dir: &Path) -> BTreeMap<PathBuf, String> {
    files(dir)
        .into_iter()
        .map(|p| {
            let h = hex::encode(Sha256::digest(std::fs::read(&p).unwrap()));
            (p, h)
        })
        .collect()
}

/// Every file of the data dir: no SQLite header, no JPEG marker, no patient name.
fn assert_unreadable(dir: &Path) {
    let all = files(dir);
    assert!(
        all.len() >= 4,
        "store, store id, photo and thumbnail: {all:?}"
    );
    for path in all {
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !bytes.starts_with(b"SQLite format 3\0"),
            "{} is a plain SQLite file",
            path.display()
        );
        assert!(
            !bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
            "{} is a plain JPEG",
            path.display()
        );
        assert!(
            !bytes.windows(NAME.len()).any(|w| w == NAME.as_bytes()),
            "{} holds a patient's name",
            path.display()
        );
    }
}

#[cfg(unix)]
fn assert_private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(dir), 0o700, "the data dir");
    for path in files(dir) {
        assert_eq!(mode(&path), 0o600, "{}", path.display());
        assert_eq!(
            mode(path.parent().unwrap()) & 0o077,
            0,
            "{}",
            path.display()
        );
    }
}

#[test]
fn nothing_in_the_data_dir_is_readable_without_the_key() {
    let d = Desk::new();
    d.populated();
    // An open connection keeps the WAL (and shared memory) on disk, as a running node
    // does, while the CLI writes more.
    let key = d.key();
    let held = rusqlite::Connection::open(d.dir.join("dermis-node.db")).unwrap();
    held.execute_batch(&format!("PRAGMA key = \"{}\";", key.sqlcipher_literal()))
        .unwrap();
    let n: i64 = held
        .query_row("SELECT count(*) FROM patients", [], |r| r.get(0))
        .unwrap();
    assert!(n > 30);
    d.ok(&[
        "patient",
        "add",
        "--first-name",
        "Second",
        "--last-name",
        NAME,
    ]);
    assert!(
        d.dir.join("dermis-node.db-wal").is_file(),
        "the WAL is there"
    );
    assert_unreadable(&d.dir);
    #[cfg(unix)]
    assert_private(&d.dir);
    // The key is outside the data dir, private.
    assert!(!d.key_file().starts_with(&d.dir));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.key_file())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Search (FTS5) works on the encrypted store.
    let found = d.ok(&["patient", "search", "zvartnots", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&found).unwrap();
    assert_eq!(rows.as_array().map(Vec::len), Some(2), "{found}");
}

#[test]
fn a_data_dir_without_its_key_is_refused_and_left_untouched() {
    let d = Desk::new();
    d.populated();
    // The data dir copied to another machine: the same files, another user's config.
    let stolen = Desk::new();
    std::fs::create_dir_all(stolen.dir.parent().unwrap()).unwrap();
    let copy = Command::new("cp")
        .arg("-a")
        .arg(&d.dir)
        .arg(&stolen.dir)
        .status()
        .unwrap();
    assert!(copy.success());
    let before = hashes(&stolen.dir);
    for args in [
        &["export", "--json"][..],
        &["patient", "search", "a", "--json"],
        &["status"],
        &["patient", "add", "--first-name", "X", "--last-name", "Y"],
    ] {
        let o = stolen.run(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", common::stderr(&o));
        assert!(
            common::stderr(&o).contains("the key for this data dir is missing (looked in"),
            "{args:?}: {}",
            common::stderr(&o)
        );
        assert!(o.stdout.is_empty(), "{args:?} printed from the store");
    }
    assert_eq!(hashes(&stolen.dir), before, "nothing written");
    assert!(!stolen.config.exists(), "no key was made for it");

    // A wrong key: the same class of error, nothing written.
    let wrong = stolen.dir.parent().unwrap().join("wrong.key");
    std::fs::write(&wrong, format!("{}\n", "ab".repeat(32))).unwrap();
    let o = stolen
        .cmd()
        .env("DERMIS_NODE_KEY_FILE", &wrong)
        .args(["export", "--json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    assert!(
        common::stderr(&o).contains("does not open the store"),
        "{}",
        common::stderr(&o)
    );
    assert!(o.stdout.is_empty());
    assert_eq!(hashes(&stolen.dir), before, "nothing written");
}

/// Turns `d`'s encrypted data dir into what an earlier version left: a plain store,
/// plain photo files, no store id, no key, world-readable modes.
fn make_plain(d: &Desk) {
    let key = d.key();
    let db = d.dir.join("dermis-node.db");
    let plain = d.dir.join("plain.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(&format!("PRAGMA key = \"{}\";", key.sqlcipher_literal()))
            .unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        conn.execute("DELETE FROM meta WHERE key = 'files_sealed'", [])
            .unwrap();
        conn.execute(
            "ATTACH DATABASE ?1 AS plain KEY ''",
            [plain.to_str().unwrap()],
        )
        .unwrap();
        conn.query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(()))
            .unwrap();
        conn.execute_batch(&format!(
            "PRAGMA plain.user_version = {version};
             PRAGMA plain.application_id = {};
             DETACH DATABASE plain;",
            dermis_node::store::APPLICATION_ID
        ))
        .unwrap();
    }
    for f in ["dermis-node.db-wal", "dermis-node.db-shm"] {
        let _ = std::fs::remove_file(d.dir.join(f));
    }
    std::fs::rename(&plain, &db).unwrap();
    let fk = FileKey::new(key);
    for sub in ["blobs", "thumbs", "cache"] {
        let dir = d.dir.join(sub);
        if dir.is_dir() {
            for path in files(&dir) {
                let bytes = seal::read_sealed(&fk, &path).unwrap();
                std::fs::write(&path, bytes).unwrap();
            }
        }
    }
    std::fs::remove_file(d.key_file()).unwrap();
    std::fs::remove_file(d.dir.join("store-id")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for path in files(&d.dir) {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        std::fs::set_permissions(&d.dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let bytes = std::fs::read(&db).unwrap();
    assert!(
        bytes.starts_with(b"SQLite format 3\0"),
        "the store is plain"
    );
    assert!(
        files(&d.dir.join("blobs"))
            .iter()
            .all(|p| std::fs::read(p).unwrap().starts_with(&[0xFF, 0xD8, 0xFF])),
        "the originals are plain JPEGs"
    );
}

/// What a reader of the node sees: every patient, the photo (decrypted, byte for byte).
fn contents(d: &Desk, patient: &str) -> (String, Vec<u8>) {
    let export = d.ok(&["export", "--json"]);
    let listed: serde_json::Value =
        serde_json::from_str(&d.ok(&["photo", "list", "--patient", patient, "--json"])).unwrap();
    let sha = listed[0]["sha256"].as_str().unwrap().to_owned();
    let blob = d.dir.join("blobs").join(&sha[..2]).join(&sha);
    let original = seal::read_sealed(&FileKey::new(d.key()), &blob).unwrap();
    assert_eq!(hex::encode(Sha256::digest(&original)), sha);
    (export, original)
}

#[test]
fn a_plain_data_dir_of_an_earlier_version_is_encrypted_on_first_open() {
    let d = Desk::new();
    let patient = d.populated();
    let before = contents(&d, &patient);
    make_plain(&d);
    let after = contents(&d, &patient);
    assert_eq!(after, before, "nothing lost");
    assert_unreadable(&d.dir);
    #[cfg(unix)]
    assert_private(&d.dir);
    let found = d.ok(&["patient", "search", NAME, "--json"]);
    assert!(
        found.contains(&patient),
        "search works after the upgrade: {found}"
    );
}

/// Starts a reader that stops at `step` of the upgrade, waits until it says so, and
/// kills it there (SIGKILL).
fn kill_at(d: &Desk, step: &str) {
    let mut child = d
        .cmd()
        .env("DERMIS_TEST_PAUSE_AT", step)
        .args(["export", "--json"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let want = format!("dermis-node: paused at {step}");
    let reached = lines.any(|l| l.is_ok_and(|l| l.contains(&want)));
    assert!(reached, "the upgrade never reached {step}");
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());
}

#[test]
fn killed_during_the_upgrade_the_next_open_finishes_it() {
    for step in ["key-saved", "exported", "renamed", "file-sealed"] {
        let d = Desk::new();
        let patient = d.populated();
        let before = contents(&d, &patient);
        make_plain(&d);
        kill_at(&d, step);
        let after = contents(&d, &patient);
        assert_eq!(after, before, "nothing lost when killed at {step}");
        assert_unreadable(&d.dir);
        assert!(
            !d.dir.join("dermis-node.db.encrypting").exists(),
            "{step}: no side file left"
        );
    }
}
