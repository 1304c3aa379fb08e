//! Photo figures for `make bench` (run it with `--release`; debug figures mean nothing):
//! thumbnails per second for 12-megapixel JPEGs (one core, then every core), and
//! upload throughput through the real HTTP API over loopback into the embedded store
//! (chunks staged in SQLite, verified, moved to the blob folder).
//! `DERMIS_BENCH_THUMBS` (default 6) and `DERMIS_BENCH_UPLOAD_MB` (default 100) scale it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench that cannot set up has nothing to report.

#[path = "../tests/common/images.rs"]
mod images;

use std::time::{Duration, Instant};

use dermis_hub::photos::image::{DEFAULT_MAX_PIXELS, thumbnails};
use dermis_hub::server::{ServerOptions, serve};
use dermis_hub::store::HubStore;
use dermis_hub::store::sqlite::SqliteStore;
use sha2::{Digest, Sha256};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|v| *v > 0)
        .unwrap_or(default)
}

fn thumbnail_figures(jpeg: &[u8], n: usize) {
    thumbnails(jpeg, DEFAULT_MAX_PIXELS).expect("warm-up");
    let start = Instant::now();
    for _ in 0..n {
        thumbnails(jpeg, DEFAULT_MAX_PIXELS).expect("thumbnail");
    }
    let one = start.elapsed();
    println!(
        "thumbnails, 12 MP JPEG ({:.1} MB), one core: {:.2}/s ({:.0} ms each)",
        jpeg.len() as f64 / 1e6,
        n as f64 / one.as_secs_f64(),
        one.as_secs_f64() * 1000.0 / n as f64
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = n.div_ceil(cores).max(1);
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..cores {
            s.spawn(|| {
                for _ in 0..per {
                    thumbnails(jpeg, DEFAULT_MAX_PIXELS).expect("thumbnail");
                }
            });
        }
    });
    let all = start.elapsed();
    println!(
        "thumbnails, 12 MP JPEG, {cores} cores: {:.2}/s",
        (per * cores) as f64 / all.as_secs_f64()
    );
}

async fn upload_figures(total_mb: usize) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("hub.db")).unwrap();
    let mut options = ServerOptions::new(dir.path().join("blobs"));
    // Only the upload path is measured: no thumbnail work competing for the cores.
    options.jobs.workers = 0;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let clinic = store
        .create_clinic("Bench", dermis_model::now_millis())
        .await
        .unwrap();
    let code = dermis_hub::credentials::new_enroll_code();
    let canonical = dermis_hub::credentials::normalize_code(&code).unwrap();
    let now = dermis_model::now_millis();
    store
        .add_node(
            clinic,
            "bench",
            &dermis_hub::credentials::hash_secret(&canonical),
            now + 3_600_000,
            now,
        )
        .await
        .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(store, options, listener, async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let enrolled: serde_json::Value = client
        .post(format!("{base}/api/enroll"))
        .json(&serde_json::json!({"code": code, "node_name": "bench"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = enrolled["token"].as_str().unwrap().to_owned();
    let photo_bytes = 10 << 20;
    let photos = (total_mb << 20).div_ceil(photo_bytes).max(1);
    for chunk in [1usize << 20, 4 << 20] {
        let mut sent = 0usize;
        let mut took = Duration::ZERO;
        for i in 0..photos {
            // A JPEG start, then bytes unique to this run: only the lane is measured.
            let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
            let seed = (chunk + i) as u64;
            bytes.extend(
                (0..photo_bytes - 4)
                    .map(|j| ((j as u64 ^ seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as u8),
            );
            let sha = hex::encode(Sha256::digest(&bytes));
            let (patient, photo) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
            let start = Instant::now();
            let mut offset = 0;
            while offset < bytes.len() {
                let end = (offset + chunk).min(bytes.len());
                let r = client
                    .put(format!(
                        "{base}/api/uploads/{sha}?offset={offset}&total={}&patient={patient}&photo={photo}",
                        bytes.len()
                    ))
                    .bearer_auth(&token)
                    .body(bytes[offset..end].to_vec())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    r.status().as_u16(),
                    200,
                    "{}",
                    r.text().await.unwrap_or_default()
                );
                offset = end;
            }
            took += start.elapsed();
            sent += bytes.len();
        }
        println!(
            "photo upload over loopback, {} MiB chunks, {} x {} MB: {:.1} MB/s",
            chunk >> 20,
            photos,
            photo_bytes >> 20,
            sent as f64 / 1e6 / took.as_secs_f64()
        );
    }
    let _ = stop.send(());
    let _ = server.await;
}

fn main() {
    println!("== photos (hub) ==");
    if cfg!(debug_assertions) {
        println!("(debug build: these figures are not representative; use make bench)");
    }
    let jpeg = images::photo_like(4000, 3000, 7);
    thumbnail_figures(&jpeg, env_usize("DERMIS_BENCH_THUMBS", 6));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(upload_figures(env_usize("DERMIS_BENCH_UPLOAD_MB", 100)));
}
