//! The blob stores: the folder store on a temp dir, the S3 store against a real
//! S3-protocol server on loopback (`s3s` + `s3s-fs`; a wrong secret is refused), a hub
//! keeping its photos in S3 end to end, `/api/healthz` naming unreachable storage, and
//! a run against a real MinIO when `S3_ENDPOINT` is set.

#[allow(dead_code)]
mod common;
#[path = "photos/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[path = "common/images.rs"]
mod images;
#[path = "photos/s3.rs"]
mod s3;

use bytes::Bytes;
use common::eventually;
use dermis_hub::blobs::{BlobError, Blobs, LocalBlobs, S3Blobs};
use dermis_hub::config::{Config, S3Config};
use helpers::{Api, patient_with_photo, photo_in_doc, start};
use s3::{S3Server, SECRET_KEY};
use serde_json::json;

/// Put, get, exists, delete and check, as every store must do them.
async fn round_trip(blobs: &Blobs) {
    let key = format!("{}/originals/{}", uuid::Uuid::now_v7(), "ab".repeat(32));
    assert!(
        blobs.check().await.is_ok(),
        "check: {:?}",
        blobs.check().await
    );
    assert!(matches!(blobs.get(&key).await, Ok(None)));
    assert!(matches!(blobs.exists(&key).await, Ok(false)));
    let bytes = Bytes::from((0..300_000u32).map(|i| (i % 251) as u8).collect::<Vec<_>>());
    blobs
        .put(&key, bytes.clone(), "image/jpeg")
        .await
        .unwrap_or_else(|e| panic!("put: {e:?}"));
    assert!(matches!(blobs.exists(&key).await, Ok(true)));
    let got = blobs
        .get(&key)
        .await
        .unwrap_or_else(|e| panic!("get: {e:?}"));
    assert_eq!(got.as_deref(), Some(bytes.as_ref()));
    // A second put replaces.
    blobs
        .put(&key, Bytes::from_static(b"second"), "image/jpeg")
        .await
        .unwrap_or_else(|e| panic!("put again: {e:?}"));
    let got = blobs.get(&key).await.ok().flatten();
    assert_eq!(got.as_deref(), Some(&b"second"[..]));
    blobs
        .delete(&key)
        .await
        .unwrap_or_else(|e| panic!("delete: {e:?}"));
    assert!(matches!(blobs.get(&key).await, Ok(None)));
    assert!(blobs.delete(&key).await.is_ok(), "deleting nothing is fine");
    // Keys that could leave the store are refused before any IO.
    for bad in ["../etc/passwd", "/abs", "a/../../b", "A/B"] {
        assert!(
            matches!(
                blobs.put(bad, Bytes::new(), "x").await,
                Err(BlobError::BadKey { .. })
            ),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn the_folder_store_writes_whole_files_and_leaves_no_temporaries() {
    let dir = common::tempdir();
    let root = dir.path().join("blobs");
    let blobs = Blobs::Local(LocalBlobs::new(&root));
    round_trip(&blobs).await;
    let key = format!("{}/gallery/{}.jpg", uuid::Uuid::nil(), "cd".repeat(32));
    blobs
        .put(&key, Bytes::from_static(b"jpeg"), "image/jpeg")
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let folder = root.join(uuid::Uuid::nil().to_string()).join("gallery");
    let names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert_eq!(names, vec![format!("{}.jpg", "cd".repeat(32))]);
    // A file where the folder should be: the check fails and says so.
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, b"x").unwrap_or_else(|e| panic!("{e}"));
    let broken = Blobs::Local(LocalBlobs::new(blocked.join("blobs")));
    assert!(broken.check().await.is_err());
    assert_eq!(broken.failure_word(), "unwritable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_s3_store_creates_its_bucket_and_round_trips() {
    let dir = common::tempdir();
    let server = S3Server::start(&dir.path().join("s3")).await;
    let s3 = S3Blobs::new(&server.config("dermis-photos", SECRET_KEY));
    assert!(!server.root.join("dermis-photos").exists());
    s3.ensure_bucket()
        .await
        .unwrap_or_else(|e| panic!("ensure bucket: {e:?}"));
    assert!(
        server.root.join("dermis-photos").is_dir(),
        "the bucket was created"
    );
    // Creating it again (a second hub instance) is fine.
    S3Blobs::new(&server.config("dermis-photos", SECRET_KEY))
        .ensure_bucket()
        .await
        .unwrap_or_else(|e| panic!("ensure existing bucket: {e:?}"));
    round_trip(&Blobs::S3(s3)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_is_refused() {
    let dir = common::tempdir();
    let server = S3Server::start(&dir.path().join("s3")).await;
    let good = S3Blobs::new(&server.config("dermis", SECRET_KEY));
    good.ensure_bucket()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let bad = Blobs::S3(S3Blobs::new(&server.config("dermis", "not-the-secret")));
    let checked = bad.check().await;
    assert!(checked.is_err(), "a wrong secret passed the check");
    let put = bad
        .put(
            &format!("{}/originals/x", uuid::Uuid::nil()),
            Bytes::from_static(b"x"),
            "image/jpeg",
        )
        .await;
    let Err(e) = put else {
        panic!("a wrong secret could write")
    };
    let text = format!("{:?}", e);
    assert!(
        text.contains("SignatureDoesNotMatch") || text.contains("403"),
        "{text}"
    );
    assert!(
        !text.contains("not-the-secret"),
        "the secret leaked into an error: {text}"
    );
    assert_eq!(bad.failure_word(), "unreachable");
    let shown = format!("{bad:?} {}", bad.describe());
    assert!(shown.contains("s3://dermis at http://127.0.0.1"), "{shown}");
    assert!(
        !shown.contains("not-the-secret") && !shown.contains(s3::ACCESS_KEY),
        "{shown}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_keeps_photos_in_s3_and_healthz_names_unreachable_storage() {
    let f = common::sqlite()
        .await
        .unwrap_or_else(|| panic!("sqlite fixture"));
    let server = S3Server::start(&f.dir.path().join("s3")).await;
    let mut options = helpers::options(f.dir.path());
    options.s3 = Some(server.config("clinic-photos", SECRET_KEY));
    let env = start(&f.store, options).await;
    let health = common::http()
        .get(env.hub.http("/api/healthz"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(health.status().as_u16(), 200);
    let api = Api::of(&env);
    let up = patient_with_photo(&env.store, env.clinic, &images::photo_like(800, 600, 11)).await;
    assert_eq!(api.upload_from(&up, 0, 100_000).await["complete"], true);
    eventually("thumbnails made from S3", || async {
        photo_in_doc(&env.store, env.clinic, &up)
            .await
            .thumbnails_ready
    })
    .await;
    let bucket = server
        .root
        .join("clinic-photos")
        .join(env.clinic.to_string());
    for path in [
        format!("originals/{}", up.sha256),
        format!("gallery/{}.jpg", up.sha256),
        format!("full/{}.jpg", up.sha256),
    ] {
        assert!(bucket.join(&path).is_file(), "{path} not in the bucket");
    }
    assert!(
        !f.dir.path().join("blobs").exists(),
        "nothing in the local folder"
    );
    let (status, _, body) = api.blob(&up.sha256, "gallery").await;
    assert_eq!(status, 200);
    assert!(image::load_from_memory(&body).is_ok());
    env.hub.stop().await;

    // S3 not reachable (nothing listens on the port): the hub starts, healthz says so.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut options = helpers::options(f.dir.path());
    let mut config = server.config("clinic-photos", SECRET_KEY);
    config.endpoint = format!("http://{closed}");
    options.s3 = Some(config);
    let hub = common::TestHub::start(f.store.clone(), options).await;
    let health = common::http()
        .get(hub.http("/api/healthz"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(health.status().as_u16(), 503);
    let body: serde_json::Value = health.json().await.unwrap_or_default();
    assert_eq!(
        body,
        json!({"status": "error", "db": "ok", "storage": "unreachable"})
    );
    hub.stop().await;
}

/// Against the MinIO of `make dev` / docker compose, when `S3_ENDPOINT` names it (with
/// `S3_ACCESS_KEY_ID` and `S3_SECRET_ACCESS_KEY`, or `_FILE`). Skipped otherwise, also
/// under CI, which runs no MinIO: the s3s tests above cover the protocol there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_minio_when_s3_endpoint_is_set() {
    let config = match Config::load(
        |name| std::env::var(name).ok(),
        Some(std::path::Path::new("/tmp")),
    ) {
        Ok(Config { s3: Some(s3), .. }) => s3,
        Ok(_) => {
            eprintln!("SKIPPED: S3_ENDPOINT is not set; no MinIO to test against");
            return;
        }
        Err(e) => panic!("the S3_* settings do not load: {e}"),
    };
    // A bucket of our own, so the test never touches real photos.
    let config = S3Config {
        bucket: format!("dermis-test-{}", uuid::Uuid::new_v4().simple()),
        ..config
    };
    let s3 = S3Blobs::new(&config);
    s3.ensure_bucket()
        .await
        .unwrap_or_else(|e| panic!("MinIO at {}: {e:?}", config.endpoint));
    round_trip(&Blobs::S3(s3)).await;
}
