//! `dermis-hub backup` and `restore` through the binary: a backup made while another
//! process writes restores to a consistent store with every blob and the secret key; a
//! wrong passphrase, a truncated file, a data dir that already has a store and a forged
//! file write nothing; and the Postgres procedure docs/RUNBOOK.md gives (pg_dump, gpg)
//! restores a store that opens.

#[allow(dead_code)]
mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::{TestDb, create_clinic, open_sqlite, tempdir};
use dermis_hub::backup::sealed::Sealer;
use dermis_model::DocType;
use dermis_sync::conformance::{patient_doc, push};
use dermis_sync::store::DocStore;
use sha2::{Digest, Sha256};

const BIN: &str = env!("CARGO_BIN_EXE_dermis-hub");
const PASS: &str = "a long backup passphrase";

fn hub(data_dir: &Path, args: &[&str], passphrase: Option<&str>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir").arg(data_dir).args(args);
    for var in [
        "DATABASE_URL",
        "DATABASE_URL_FILE",
        "DERMIS_HUB_DATA_DIR",
        "S3_ENDPOINT",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    match passphrase {
        Some(p) => cmd.env("DERMIS_BACKUP_PASSPHRASE", p),
        None => cmd.env_remove("DERMIS_BACKUP_PASSPHRASE"),
    };
    cmd.stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {BIN}: {e}"))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn hash(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap_or_default()))
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(
                    path.strip_prefix(dir)
                        .unwrap_or(&path)
                        .display()
                        .to_string(),
                );
            }
        }
    }
    out.sort();
    out
}

fn blob(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join("blobs").join(name);
    std::fs::create_dir_all(path.parent().unwrap_or(dir)).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_made_while_another_process_writes_restores_consistently() {
    let source = tempdir();
    let store = open_sqlite(source.path());
    let clinic = create_clinic(&store, "Backed-up Clinic").await;
    std::fs::write(source.path().join("secret.key"), [7u8; 32]).unwrap_or_else(|e| panic!("{e}"));
    let photo: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    blob(source.path(), &format!("{clinic}/ab/photo.jpg"), &photo);
    blob(source.path(), &format!("{clinic}/thumbs/t.webp"), b"thumb");

    // Another writer keeps applying patients while the backup runs.
    let writing = Arc::new(AtomicBool::new(true));
    let writer = {
        let mut store = store.clone();
        let writing = writing.clone();
        tokio::spawn(async move {
            let mut n = 0u32;
            while writing.load(Ordering::SeqCst) || n < 20 {
                let (id, mut doc) = patient_doc(clinic, &format!("Patient {n}"));
                store
                    .apply(clinic, &[push(id, DocType::Patient, doc.save())])
                    .await
                    .unwrap_or_else(|e| panic!("{e:?}"));
                n += 1;
            }
            n
        })
    };
    let before = store.clone().latest_seq(clinic).await.unwrap_or(0);
    let file = source.path().join("hub.backup");
    let out = tokio::task::spawn_blocking({
        let (dir, file) = (source.path().to_path_buf(), file.clone());
        move || {
            hub(
                &dir,
                &["backup", "--out", &file.to_string_lossy()],
                Some(PASS),
            )
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    writing.store(false, Ordering::SeqCst);
    let written = writer.await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("encrypted"), "{}", stderr(&out));

    let bytes = std::fs::read(&file).unwrap_or_default();
    for plain in [
        &b"SQLite format 3"[..],
        &photo[1000..1064],
        b"Backed-up Clinic",
    ] {
        assert!(
            !bytes.windows(plain.len()).any(|w| w == plain),
            "plaintext in the backup"
        );
    }
    assert_eq!(
        files(source.path())
            .iter()
            .filter(|f| f.starts_with('.'))
            .count(),
        0,
        "no snapshot or partial file left behind: {:?}",
        files(source.path())
    );

    let target = tempdir();
    let out = hub(
        target.path(),
        &["restore", "--from", &file.to_string_lossy()],
        Some(PASS),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        hash(&target.path().join("secret.key")),
        hash(&source.path().join("secret.key"))
    );
    for name in [
        format!("{clinic}/ab/photo.jpg"),
        format!("{clinic}/thumbs/t.webp"),
    ] {
        let (a, b) = (
            source.path().join("blobs").join(&name),
            target.path().join("blobs").join(&name),
        );
        assert_eq!(hash(&b), hash(&a), "{name}");
    }
    let restored = open_sqlite(target.path());
    let seq = restored.clone().latest_seq(clinic).await.unwrap_or(0);
    assert!(
        seq >= before,
        "the restore has what was there before the backup ({seq} < {before})"
    );
    // A snapshot: every document it lists is there and reads, and the log has no gaps.
    let mut reader = restored.clone();
    let page = reader
        .changed_since(clinic, 0, 10_000)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(
        page.up_to <= seq && !page.more,
        "the whole change log in one page"
    );
    let items: Vec<_> = page
        .entries
        .iter()
        .map(|e| dermis_sync::wire::FetchItem {
            doc_id: e.doc_id,
            have: Vec::new(),
        })
        .collect();
    let docs = reader
        .fetch(clinic, &items)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(
        docs.iter().all(Option::is_some),
        "every listed document reads"
    );
    assert!(written >= 20, "the writer kept writing ({written})");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_backups_and_occupied_data_dirs_write_nothing() {
    let source = tempdir();
    let store = open_sqlite(source.path());
    create_clinic(&store, "Clinic").await;
    blob(source.path(), "c/x.jpg", &[1u8; 200_000]);
    let file = source.path().join("b.backup");
    let f = file.to_string_lossy().to_string();
    let made = hub(source.path(), &["backup", "--out", &f], Some(PASS));
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));

    // Invalid input: a short passphrase (exit 2), an existing file (exit 1).
    let other = source
        .path()
        .join("other.backup")
        .to_string_lossy()
        .to_string();
    let short = hub(source.path(), &["backup", "--out", &other], Some("short"));
    assert_eq!(short.status.code(), Some(2), "{}", stderr(&short));
    assert!(stderr(&short).contains("passphrase"), "{}", stderr(&short));
    assert!(!Path::new(&other).exists());
    let again = hub(source.path(), &["backup", "--out", &f], Some(PASS));
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    let pg = {
        let mut cmd = Command::new(BIN);
        cmd.arg("--data-dir")
            .arg(source.path())
            .args(["backup", "--out", &other])
            .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
            .env("DERMIS_BACKUP_PASSPHRASE", PASS);
        cmd.output().unwrap_or_else(|e| panic!("{e}"))
    };
    assert_eq!(pg.status.code(), Some(1));
    assert!(stderr(&pg).contains("pg_dump"), "{}", stderr(&pg));

    let target = tempdir();
    let wrong = hub(
        target.path(),
        &["restore", "--from", &f],
        Some("not the passphrase at all"),
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        stderr(&wrong).contains("wrong passphrase"),
        "{}",
        stderr(&wrong)
    );
    assert_eq!(
        files(target.path()),
        Vec::<String>::new(),
        "nothing written"
    );

    let bytes = std::fs::read(&file).unwrap_or_default();
    for cut in [bytes.len() / 2, bytes.len() - 1] {
        let truncated = target.path().join("../truncated.backup");
        std::fs::write(&truncated, &bytes[..cut]).unwrap_or_else(|e| panic!("{e}"));
        let out = hub(
            target.path(),
            &["restore", "--from", &truncated.to_string_lossy()],
            Some(PASS),
        );
        assert_eq!(out.status.code(), Some(1), "cut at {cut}");
        assert!(
            stderr(&out).contains("truncated"),
            "cut at {cut}: {}",
            stderr(&out)
        );
        assert_eq!(
            files(target.path()),
            Vec::<String>::new(),
            "cut at {cut}: nothing written"
        );
        let _ = std::fs::remove_file(&truncated);
    }

    let before = hash(&source.path().join("hub.db"));
    let occupied = hub(source.path(), &["restore", "--from", &f], Some(PASS));
    assert_eq!(occupied.status.code(), Some(1));
    assert!(
        stderr(&occupied).contains("already holds"),
        "{}",
        stderr(&occupied)
    );
    assert_eq!(
        hash(&source.path().join("hub.db")),
        before,
        "the store is untouched"
    );
}

#[test]
fn a_forged_backup_cannot_write_outside_the_data_dir() {
    let dir = tempdir();
    let target = dir.path().join("data");
    let file = dir.path().join("forged.backup");
    let mut sealer = Sealer::with_costs(Vec::new(), PASS, 64, 1).unwrap_or_else(|e| panic!("{e}"));
    let manifest = br#"{"format":1,"hub":"0","created_at":"now"}"#;
    for (path, body) in [
        ("MANIFEST.json", &manifest[..]),
        ("hub.db", b"not really"),
        ("blobs/../../evil", b"owned"),
    ] {
        let len = u16::try_from(path.len()).unwrap_or(0);
        sealer
            .write_all(&len.to_be_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        sealer
            .write_all(path.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        sealer
            .write_all(&(body.len() as u64).to_be_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        sealer.write_all(body).unwrap_or_else(|e| panic!("{e}"));
    }
    sealer.write_all(&[0, 0]).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&file, sealer.finish().unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"));
    let out = hub(
        &target,
        &["restore", "--from", &file.to_string_lossy()],
        Some(PASS),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("damaged or forged"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("evil").exists() && !target.join("hub.db").exists());
    assert_eq!(files(&target), Vec::<String>::new());
}

/// docs/RUNBOOK.md "Backups": pg_dump, encrypted with gpg, restored with pg_restore into a
/// new database the hub then opens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runbooks_postgres_procedure_restores_a_store() {
    let Some(db) = TestDb::create().await else {
        return;
    };
    let store = db.store().await;
    let clinic = create_clinic(&store, "Postgres Clinic").await;
    let (id, mut doc) = patient_doc(clinic, "Pat");
    let mut writer = store.clone();
    writer
        .apply(clinic, &[push(id, DocType::Patient, doc.save())])
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let dir = tempdir();
    let pass = dir.path().join("passphrase");
    std::fs::write(&pass, PASS).unwrap_or_else(|e| panic!("{e}"));
    let gnupg = dir.path().join("gnupg");
    std::fs::create_dir(&gnupg).unwrap_or_else(|e| panic!("{e}"));
    let backup = dir.path().join("hub.pgdump.gpg");
    let restored = TestDb::create()
        .await
        .unwrap_or_else(|| panic!("a second database"));
    // The commands as RUNBOOK prints them.
    let script = "set -euo pipefail
         pg_dump --format=custom --no-owner \"$SOURCE\" \\
           | gpg --batch --yes --pinentry-mode loopback --passphrase-file \"$PASS\" --symmetric --cipher-algo AES256 -o \"$BACKUP\"
         gpg --batch --pinentry-mode loopback --passphrase-file \"$PASS\" --decrypt \"$BACKUP\" \\
           | pg_restore --no-owner --exit-on-error -d \"$TARGET\"";
    let out = Command::new("bash")
        .args(["-c", script])
        .env("SOURCE", &db.url)
        .env("TARGET", &restored.url)
        .env("PASS", &pass)
        .env("BACKUP", &backup)
        .env("GNUPGHOME", &gnupg)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(&backup).unwrap_or_default();
    assert!(
        !bytes.windows(15).any(|w| w == b"Postgres Clinic"),
        "the dump is encrypted"
    );
    let mut back = restored.store().await;
    assert_eq!(
        back.latest_seq(clinic).await.ok(),
        store.clone().latest_seq(clinic).await.ok()
    );
    let page = back
        .changed_since(clinic, 0, 10)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(
        page.entries.iter().any(|e| e.doc_id == id),
        "the patient came back"
    );
}
