//! Photo lane figures for `make bench`, with release builds of the real hub (embedded
//! store, blob folder, thumbnail job) and node on loopback: upload throughput of a 10 MB
//! photo, and the time for a 10 MB photo to complete over a link cut every 2 s (the TCP
//! fault proxy of node/tests). Each figure is one `sync --once --photos --report` of a
//! node holding one new photo, so it includes the (small) document sync before it.
//! `DERMIS_BENCH_PHOTO_MB` (default 10) sets the photo size.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench that cannot set up has nothing to report.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::hub::{Fault, FaultProxy, Hub};
use common::{cmd, ok};

/// A JPEG of noise of at least `bytes` bytes (noise does not compress).
fn noise_jpeg(bytes: usize, seed: u32) -> Vec<u8> {
    let mut side = ((bytes as f64 / 3.2).sqrt() as u32).max(64);
    loop {
        let mut x = seed.wrapping_mul(2_654_435_761).max(1);
        let image = image::RgbImage::from_fn(side, side, |_, _| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            image::Rgb([x as u8, (x >> 8) as u8, (x >> 16) as u8])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95)
            .encode_image(&image)
            .unwrap();
        if out.len() >= bytes {
            return out;
        }
        side = side * 21 / 20;
    }
}

/// A node of `clinic` holding one photo not yet sent, syncing through `via`.
fn node_with_photo(hub: &Hub, clinic: &str, d: &Path, photo: &[u8], via: &str) {
    let code = hub.node_add(clinic, "bench");
    ok(
        d,
        &[
            "enroll",
            "--hub",
            &hub.url(),
            "--code",
            &code,
            "--node-name",
            "bench",
        ],
    );
    let patient = ok(
        d,
        &[
            "patient",
            "add",
            "--first-name",
            "Bench",
            "--last-name",
            "Photo",
        ],
    );
    let file = d.join("photo.jpg");
    std::fs::write(&file, photo).unwrap();
    ok(
        d,
        &[
            "photo",
            "add",
            "--patient",
            &patient,
            "--file",
            file.to_str().unwrap(),
            "--body-part",
            "face",
        ],
    );
    let conn = dermis_node::store::Store::connect(&d.join("dermis-node.db")).unwrap();
    conn.execute(
        "UPDATE sync_state SET value = ?1 WHERE key = 'hub_url'",
        [via],
    )
    .unwrap();
}

/// `sync --once --photos --report`: the report's JSON.
fn sync_photos(d: &Path) -> serde_json::Value {
    let out = cmd(d)
        .args(["sync", "--once", "--photos", "--timeout", "900", "--report"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "sync failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.lines().last().unwrap_or("{}")).unwrap()
}

fn main() {
    let mb: usize = std::env::var("DERMIS_BENCH_PHOTO_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let hub_dir = root.join("hub");
    std::fs::create_dir_all(&hub_dir).unwrap();
    let hub = Hub::start(&hub_dir);
    let clinic = hub.clinic_add("Photo bench");
    println!("== photos (loopback, embedded hub store, blob folder, 1 MiB chunks) ==");

    // 1. A clean link.
    let photo = noise_jpeg(mb * 1_000_000, 1);
    let clean = root.join("clean");
    node_with_photo(&hub, &clinic, &clean, &photo, &hub.url());
    let r = sync_photos(&clean);
    let secs = r["elapsed_ms"].as_f64().unwrap_or(f64::NAN) / 1000.0;
    assert_eq!(r["photos"]["photos_uploaded"], 1, "{r}");
    println!(
        "upload, clean link: {:.1} MB in {:.2} s = {:.1} MB/s ({} bytes sent)",
        photo.len() as f64 / 1e6,
        secs,
        photo.len() as f64 / 1e6 / secs,
        r["photos"]["photo_bytes_sent"]
    );

    // 2. A clinic line (8 Mbit/s through the proxy), whole, then cut every 2 s: every
    // connection dies 2 s after it opened, mid-chunk.
    let line = 1_000_000u64;
    for (seed, cut_every) in [(2, None), (3, Some(Duration::from_secs(2)))] {
        let photo = noise_jpeg(mb * 1_000_000, seed);
        let proxy = FaultProxy::start(&hub.addr);
        proxy.rate.store(line, Ordering::SeqCst);
        if let Some(every) = cut_every {
            proxy.set(Fault::CutAfterTime(every));
        }
        let d = root.join(format!("line{seed}"));
        node_with_photo(&hub, &clinic, &d, &photo, &proxy.url());
        let r = sync_photos(&d);
        assert_eq!(r["photos"]["photos_uploaded"], 1, "{r}");
        let received = proxy.up_bytes.load(Ordering::SeqCst);
        println!(
            "upload, {} Mbit/s line{}: {:.1} MB complete in {:.2} s, {} cuts, the hub received {:.2}x the photo's bytes",
            line * 8 / 1_000_000,
            if cut_every.is_some() {
                " cut every 2 s"
            } else {
                ""
            },
            photo.len() as f64 / 1e6,
            r["elapsed_ms"].as_f64().unwrap_or(f64::NAN) / 1000.0,
            proxy.cuts.load(Ordering::SeqCst),
            received as f64 / photo.len() as f64
        );
    }
}
