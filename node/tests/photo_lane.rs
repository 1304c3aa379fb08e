//! The photo lane against a real HTTP server on loopback that implements the hub's photo
//! API contract (tests/common/photo_hub.rs), with the TCP fault proxy in between where
//! the link must fail: chunked upload and resume, refusals, thumbnails of photos taken
//! elsewhere, `photo fetch` with the bounded cache, and the states `photo list` and
//! `status` show. The same flows against the real hub are in e2e_photos.rs.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;
#[path = "common/photo_hub.rs"]
mod photo_hub;

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::hub::{Fault, FaultProxy};
use common::{cmd, init, ok, status_json};
use dermis_node::node::Node;
use dermis_node::sync::photos::{LaneOptions, LaneReport, run_once};
use dermis_node::sync::state;
use photo_hub::PhotoHub;

/// A JPEG of noise (it does not compress), `side` × `side`.
fn noise_jpeg(side: u32, seed: u32) -> Vec<u8> {
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
    out
}

struct Desk {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    patient: String,
}

fn desk() -> Desk {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("node");
    init(&dir);
    let patient = ok(
        &dir,
        &[
            "patient",
            "add",
            "--first-name",
            "Ani",
            "--last-name",
            "Sargsyan",
        ],
    );
    Desk {
        _tmp: tmp,
        dir,
        patient,
    }
}

impl Desk {
    fn add_photo(&self, bytes: &[u8], name: &str) -> String {
        let file = self.dir.join(name);
        std::fs::write(&file, bytes).unwrap();
        ok(
            &self.dir,
            &[
                "photo",
                "add",
                "--patient",
                &self.patient,
                "--file",
                file.to_str().unwrap(),
                "--body-part",
                "forearm",
            ],
        )
    }

    fn list(&self) -> serde_json::Value {
        serde_json::from_str(&ok(
            &self.dir,
            &["photo", "list", "--patient", &self.patient, "--json"],
        ))
        .unwrap()
    }

    fn point_at(&self, url: &str, token: &str) {
        let node = Node::open(&self.dir).unwrap();
        state::set(node.store.conn(), state::HUB_URL, url).unwrap();
        state::set(node.store.conn(), state::HUB_TOKEN, token).unwrap();
    }

    fn lane(&self, options: LaneOptions, wait: bool, within: Duration) -> LaneReport {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut node = Node::open(&self.dir).unwrap();
        rt.block_on(async {
            let deadline = tokio::time::Instant::now() + within;
            run_once(&mut node, options, wait, deadline).await.unwrap()
        })
    }
}

fn sha(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn fast() -> LaneOptions {
    let mut o = LaneOptions::default();
    o.backoff.min = Duration::from_millis(50);
    o.backoff.max = Duration::from_millis(400);
    o
}

#[test]
fn a_photo_uploads_in_chunks_and_its_state_shows_in_list_and_status() {
    let d = desk();
    let bytes = noise_jpeg(300, 1);
    let id = d.add_photo(&bytes, "a.jpg");
    let listed = d.list();
    assert_eq!(listed[0]["upload"]["state"], "local");
    let st = status_json(&d.dir);
    assert_eq!(st["photos"]["pending"], 1);
    assert_eq!(st["photos"]["pending_bytes"], bytes.len() as i64);

    let hub = PhotoHub::start(25 << 20);
    d.point_at(&hub.url(), &hub.token);
    let options = LaneOptions {
        chunk_bytes: 64 * 1024,
        min_chunk_bytes: 16 * 1024,
        ..fast()
    };
    let report = d.lane(options, false, Duration::from_secs(60));
    assert_eq!(report.photos_uploaded, 1, "{report:?}");
    assert_eq!(report.photos_pending, 0);
    assert_eq!(
        report.photo_bytes_sent,
        bytes.len() as u64,
        "nothing sent twice"
    );
    hub.books(|b| {
        assert_eq!(
            b.blobs.get(&sha(&bytes)),
            Some(&bytes),
            "the hub holds the exact bytes"
        );
        assert_eq!(b.puts, bytes.len().div_ceil(64 * 1024) as u64);
        assert!(
            b.photos
                .iter()
                .all(|(photo, patient)| *photo == id && *patient == d.patient)
        );
    });
    let listed = d.list();
    assert_eq!(listed[0]["upload"]["state"], "uploaded");
    let st = status_json(&d.dir);
    assert_eq!(st["photos"]["pending"], 0);
    assert_eq!(st["photos"]["uploaded"], 1);
    let text = ok(&d.dir, &["photo", "list", "--patient", &d.patient]);
    assert!(text.contains("upload: uploaded"), "{text}");

    // A second run finds nothing to do and sends nothing.
    let again = d.lane(fast(), false, Duration::from_secs(30));
    assert_eq!(again.photo_bytes_sent, 0);
}

#[test]
fn an_upload_cut_every_200_kb_completes_without_starting_over() {
    let d = desk();
    let bytes = noise_jpeg(1400, 2);
    assert!(
        bytes.len() > 2_000_000,
        "a big photo: {} bytes",
        bytes.len()
    );
    d.add_photo(&bytes, "big.jpg");
    let hub = PhotoHub::start(25 << 20);
    let proxy = FaultProxy::start(&hub.addr.to_string());
    proxy.set(Fault::CutAfter(200_000));
    d.point_at(&proxy.url(), &hub.token);

    // Default options: 1 MiB chunks, which the lane must shrink to get through.
    let report = d.lane(fast(), true, Duration::from_secs(120));
    assert_eq!(report.photos_uploaded, 1, "{report:?}");
    let cuts = proxy.cuts.load(Ordering::SeqCst);
    assert!(cuts >= 5, "the proxy really cut connections ({cuts})");
    hub.books(|b| assert_eq!(b.blobs.get(&sha(&bytes)), Some(&bytes)));
    let received = proxy.up_bytes.load(Ordering::SeqCst);
    assert!(
        (received as f64) < 1.5 * bytes.len() as f64,
        "the hub received {received} bytes for a {}-byte photo: it started over",
        bytes.len()
    );
    assert_eq!(d.list()[0]["upload"]["state"], "uploaded");
}

#[test]
fn a_hub_that_vanishes_mid_upload_loses_nothing_and_the_next_run_resumes() {
    let d = desk();
    let bytes = noise_jpeg(900, 3);
    d.add_photo(&bytes, "mid.jpg");
    let hub = PhotoHub::start(25 << 20);
    let proxy = FaultProxy::start(&hub.addr.to_string());
    d.point_at(&proxy.url(), &hub.token);
    // The hub vanishes 300 KB into the upload; `--once` without waiting gives up.
    proxy.set(Fault::VanishAfter(300_000));
    let options = LaneOptions {
        chunk_bytes: 128 * 1024,
        ..fast()
    };
    let first = d.lane(options.clone(), false, Duration::from_secs(30));
    assert_eq!(
        (first.photos_uploaded, first.photos_pending),
        (0, 1),
        "{first:?}"
    );
    let listed = d.list();
    assert_eq!(listed[0]["upload"]["state"], "uploading", "{listed}");
    let acked = listed[0]["upload"]["acked"].as_u64().unwrap();
    assert!(acked > 0);
    let pct = listed[0]["upload"]["percent"].as_u64().unwrap();
    assert!(pct < 100);
    let text = ok(&d.dir, &["photo", "list", "--patient", &d.patient]);
    assert!(text.contains(&format!("uploading {pct}%")), "{text}");
    // The link heals: the next run continues from what the hub holds.
    proxy.set(Fault::Pass);
    let before = hub.books(|b| b.accepted);
    let second = d.lane(options, true, Duration::from_secs(30));
    assert_eq!(second.photos_uploaded, 1);
    assert!(
        second.photo_bytes_sent <= bytes.len() as u64 - acked,
        "resumed, not restarted: sent {} of {}",
        second.photo_bytes_sent,
        bytes.len()
    );
    hub.books(|b| {
        assert_eq!(
            b.accepted,
            bytes.len() as u64,
            "every byte accepted once ({before} before)"
        );
        assert_eq!(b.blobs.get(&sha(&bytes)), Some(&bytes));
    });
}

#[test]
fn a_file_the_hub_refuses_is_failed_with_the_reason_and_not_retried() {
    let d = desk();
    let bytes = noise_jpeg(200, 4);
    d.add_photo(&bytes, "big-for-this-hub.jpg");
    // This hub takes at most 1 KB.
    let hub = PhotoHub::start(1024);
    d.point_at(&hub.url(), &hub.token);
    let report = d.lane(fast(), true, Duration::from_secs(30));
    assert_eq!(report.photos_failed, 1, "{report:?}");
    assert_eq!(report.photos_pending, 0, "a refused photo is not pending");
    let listed = d.list();
    assert_eq!(listed[0]["upload"]["state"], "failed");
    assert!(
        listed[0]["upload"]["reason"]
            .as_str()
            .unwrap()
            .contains("too_large"),
        "{listed}"
    );
    let puts = hub.books(|b| b.puts);
    assert_eq!(puts, 2, "refused twice, then left alone");
    d.lane(fast(), true, Duration::from_secs(10));
    assert_eq!(hub.books(|b| b.puts), 2, "not retried");
    assert_eq!(status_json(&d.dir)["photos"]["failed"], 1);
    let text = ok(&d.dir, &["photo", "list", "--patient", &d.patient]);
    assert!(text.contains("upload: failed: too_large"), "{text}");
}

#[test]
fn a_wrong_token_stops_the_lane_without_failing_photos() {
    let d = desk();
    d.add_photo(&noise_jpeg(100, 5), "x.jpg");
    let hub = PhotoHub::start(25 << 20);
    d.point_at(&hub.url(), "not-the-token");
    let report = d.lane(fast(), true, Duration::from_secs(10));
    assert_eq!((report.photos_uploaded, report.photos_pending), (0, 1));
    assert_eq!(d.list()[0]["upload"]["state"], "local");
}

/// Marks the photo processed by the hub in this node's document, as the hub's thumbnail
/// job does, and removes the local thumbnail: the node now looks like one that did not
/// take the photo.
fn processed_elsewhere(dir: &Path, patient: &str, photo: &str, sha256: &str) {
    let mut node = Node::open(dir).unwrap();
    let mut tx = node.store.begin(dermis_model::now_millis()).unwrap();
    let doc = tx.edit(patient.parse().unwrap()).unwrap().unwrap();
    dermis_model::photo::set_processing_result(doc, photo.parse().unwrap(), Ok(())).unwrap();
    tx.commit().unwrap();
    std::fs::remove_file(dermis_node::ops::photos::thumb_path(dir, sha256)).unwrap();
}

#[test]
fn gallery_thumbnails_ready_on_the_hub_are_fetched_when_missing() {
    let d = desk();
    let bytes = noise_jpeg(400, 6);
    let id = d.add_photo(&bytes, "t.jpg");
    let hub = PhotoHub::start(25 << 20);
    d.point_at(&hub.url(), &hub.token);
    d.lane(fast(), true, Duration::from_secs(30));
    processed_elsewhere(&d.dir, &d.patient, &id, &sha(&bytes));
    assert_eq!(d.list()[0]["thumbnail_present"], false);
    let report = d.lane(fast(), false, Duration::from_secs(30));
    assert_eq!(report.thumbnails_fetched, 1, "{report:?}");
    let listed = d.list();
    assert_eq!(listed[0]["thumbnail_present"], true);
    assert_eq!(listed[0]["thumbnails_ready"], true);
    let thumb = dermis_node::atrest::seal::load_file(
        &d.dir,
        &dermis_node::ops::photos::thumb_path(&d.dir, &sha(&bytes)),
    )
    .unwrap();
    assert_eq!(
        Some(thumb),
        hub.books(|b| b.gallery.get(&sha(&bytes)).cloned())
    );
}

#[test]
fn photo_fetch_fills_a_bounded_cache_and_never_evicts_unsent_originals() {
    let d = desk();
    let first = noise_jpeg(500, 7);
    let second = noise_jpeg(500, 8);
    let a = d.add_photo(&first, "a.jpg");
    let b = d.add_photo(&second, "b.jpg");
    let hub = PhotoHub::start(25 << 20);
    // A cache of 1 byte: an original that reached the hub is evicted at once...
    let options = LaneOptions {
        cache_bytes: 1,
        ..fast()
    };
    // ...but only once uploaded: with the hub out of reach both stay.
    d.point_at("http://127.0.0.1:9", &hub.token);
    let offline = d.lane(options.clone(), false, Duration::from_secs(5));
    assert_eq!(offline.photos_pending, 2);
    d.point_at(&hub.url(), &hub.token);
    let blob = |bytes: &[u8]| dermis_node::ops::photos::blob_path(&d.dir, &sha(bytes));
    assert!(blob(&first).is_file() && blob(&second).is_file());
    d.lane(options, true, Duration::from_secs(30));
    assert!(
        !blob(&first).exists() && !blob(&second).exists(),
        "uploaded originals are cache"
    );
    assert_eq!(d.list()[0]["original_present"], false);

    let fetch = |id: &str, variant: &str, cache: &str| {
        let out = cmd(&d.dir)
            .args(["photo", "fetch", id, "--variant", variant])
            .env("DERMIS_PHOTO_CACHE_BYTES", cache)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
    };
    let original = fetch(&a, "original", "100000000");
    assert_eq!(
        dermis_node::atrest::seal::load_file(&d.dir, &original).unwrap(),
        first
    );
    let full_b = fetch(&b, "full", "100000000");
    assert_eq!(
        Some(dermis_node::atrest::seal::load_file(&d.dir, &full_b).unwrap()),
        hub.books(|bk| bk.full.get(&sha(&second)).cloned())
    );
    // A bound that holds one of them: fetching A's full view evicts the least recently
    // used (A's original), keeps B's full view (used after it) only if it fits.
    let bound = std::fs::metadata(&full_b).unwrap().len() * 2 + 10;
    let full_a = fetch(&a, "full", &bound.to_string());
    assert!(full_a.is_file());
    assert!(!original.exists(), "the least recently used went first");
    assert!(full_b.is_file(), "the more recent one stayed");

    // --out copies atomically where asked.
    let out_path = d.dir.join("export").join("a.jpg");
    let out = cmd(&d.dir)
        .args(["photo", "fetch", &a, "--variant", "original", "--out"])
        .arg(&out_path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(&out_path).unwrap(), first);

    // The hub gone: what is cached still opens, what is not is a clear error.
    let mut hub = hub;
    hub.stop();
    assert_eq!(fetch(&b, "full", "100000000"), full_b);
    std::fs::remove_file(&full_b).unwrap();
    let out = cmd(&d.dir).args(["photo", "fetch", &b]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("could not be reached"), "{err}");
    let leftovers: Vec<_> = std::fs::read_dir(d.dir.join("cache").join("full"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no half files: {leftovers:?}");
}

#[test]
fn photos_held_before_schema_3_get_their_upload_rows() {
    let d = desk();
    let bytes = noise_jpeg(64, 9);
    d.add_photo(&bytes, "old.jpg");
    {
        // As a schema-2 build left it: no upload row, no backfill mark.
        let conn = dermis_node::store::Store::connect(&Node::store_path(&d.dir)).unwrap();
        conn.execute("DELETE FROM photo_uploads", []).unwrap();
        conn.execute(
            "DELETE FROM meta WHERE key = 'photo_uploads_backfilled'",
            [],
        )
        .unwrap();
    }
    let listed = d.list();
    assert_eq!(listed[0]["upload"]["state"], "local", "{listed}");
    assert_eq!(status_json(&d.dir)["photos"]["pending"], 1);
}

#[test]
fn the_daemon_runs_a_pass_after_a_sync_only_when_what_it_can_bring_changed() {
    use dermis_node::store::photo_uploads as db;
    use dermis_node::sync::photos::{Rounds, Wake};
    let d = desk();
    let inputs = || {
        let node = Node::open(&d.dir).unwrap();
        db::lane_inputs(node.store.conn()).unwrap()
    };
    let before = inputs();
    let mut rounds = Rounds::default();
    assert!(
        rounds.due(Wake::Timer, Some(before)),
        "the first round runs"
    );
    rounds.ran(Some(before), Duration::from_secs(30));
    assert!(
        !rounds.due(Wake::Docs, Some(before)),
        "a sync that brought nothing for the lane runs no pass"
    );
    assert!(
        rounds.due(Wake::Timer, Some(before)),
        "the timer always does"
    );
    assert!(
        rounds.due(Wake::Docs, None),
        "inputs that cannot be read run one"
    );

    // A photo taken here waits to go up: the next sync runs a pass.
    d.add_photo(&noise_jpeg(64, 3), "n.jpg");
    let taken = inputs();
    assert_ne!(taken, before);
    assert!(rounds.due(Wake::Docs, Some(taken)));
    rounds.ran(Some(taken), Duration::from_secs(30));
    // The hub made its thumbnails (a photo document from the hub says so).
    {
        let conn = dermis_node::store::Store::connect(&Node::store_path(&d.dir)).unwrap();
        conn.execute("UPDATE photos SET thumbnails_ready = 1", [])
            .unwrap();
    }
    let ready = inputs();
    assert_ne!(ready, taken);
    assert!(rounds.due(Wake::Docs, Some(ready)));
}

#[test]
fn a_caught_up_sync_wakes_the_lane_only_when_what_it_can_bring_changed() {
    use dermis_node::sync::photos::DocsSignal;
    let d = desk();
    let node = Node::open(&d.dir).unwrap();
    let conn = node.store.conn();
    let (signal, mut lane) = DocsSignal::new();
    assert!(
        signal.caught_up(conn),
        "the first catch-up on a connection wakes it"
    );
    assert!(lane.has_changed().unwrap() && *lane.borrow_and_update());
    // Edits elsewhere in the clinic that bring no photo: the lane sleeps on.
    for _ in 0..3 {
        assert!(!signal.caught_up(conn));
        assert!(!lane.has_changed().unwrap());
    }
    assert!(*lane.borrow(), "still caught up");

    // A photo taken here (in another process, as the window does) waits to go up.
    d.add_photo(&noise_jpeg(64, 5), "w.jpg");
    assert!(signal.caught_up(conn));
    assert!(lane.has_changed().unwrap());
    lane.mark_unchanged();
    assert!(!signal.caught_up(conn));
    // The hub made its thumbnails.
    {
        let other = dermis_node::store::Store::connect(&Node::store_path(&d.dir)).unwrap();
        other
            .execute("UPDATE photos SET thumbnails_ready = 1", [])
            .unwrap();
    }
    assert!(signal.caught_up(conn));
    lane.mark_unchanged();

    // A lost connection tells the lane to wait; the next catch-up wakes it again.
    signal.lost();
    assert!(lane.has_changed().unwrap() && !*lane.borrow_and_update());
    assert!(signal.caught_up(conn));
    assert!(*lane.borrow_and_update());
    assert!(!signal.caught_up(conn));
}

#[test]
fn the_daemon_keeps_its_photo_client_until_the_token_or_hub_changes() {
    use dermis_node::sync::photos::{ClientCache, Gate, Lane, PassEnd};
    let d = desk();
    d.add_photo(&noise_jpeg(120, 11), "c.jpg");
    let hub = PhotoHub::start(25 << 20);
    d.point_at(&hub.url(), "a-token-the-hub-never-issued");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut node = Node::open(&d.dir).unwrap();
    let mut clients = ClientCache::default();
    let mut lane = Lane::new(fast());
    let mut pass = |node: &mut Node, clients: &mut ClientCache| {
        let client = clients.client(node, &fast()).unwrap().unwrap();
        rt.block_on(lane.pass(node, &client, &mut Gate::default()))
            .unwrap()
    };
    assert!(matches!(pass(&mut node, &mut clients), PassEnd::Refused(_)));
    assert!(matches!(pass(&mut node, &mut clients), PassEnd::Refused(_)));
    assert_eq!(
        clients.made(),
        1,
        "one client for two passes with one token"
    );
    // A rotated token is used at once: the client is made again.
    state::set(node.store.conn(), state::HUB_TOKEN, &hub.token).unwrap();
    assert_eq!(pass(&mut node, &mut clients), PassEnd::Idle);
    assert_eq!(clients.made(), 2);
    assert!(hub.books(|b| b.puts) > 0, "the photo went up");
    assert_eq!(pass(&mut node, &mut clients), PassEnd::Idle);
    assert_eq!(clients.made(), 2);
}

#[test]
fn the_lane_sends_nothing_until_the_documents_are_caught_up() {
    use dermis_node::sync::photos::{Gate, Lane, PassEnd, hub_client};
    let d = desk();
    let bytes = noise_jpeg(200, 10);
    d.add_photo(&bytes, "g.jpg");
    let hub = PhotoHub::start(25 << 20);
    d.point_at(&hub.url(), &hub.token);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut node = Node::open(&d.dir).unwrap();
    let client = hub_client(&node, &fast()).unwrap().unwrap();
    let (caught_up, docs) = tokio::sync::watch::channel(false);
    let mut gate = Gate { docs: Some(docs) };
    let mut lane = Lane::new(fast());
    rt.block_on(async {
        let mut pass = std::pin::pin!(lane.pass(&mut node, &client, &mut gate));
        // Polled once, the pass has done its local work and waits at the gate.
        tokio::select! {
            biased;
            _ = &mut pass => panic!("the pass ran with the documents not caught up"),
            () = std::future::ready(()) => {}
        }
        assert_eq!(
            hub.books(|b| (b.probes, b.puts)),
            (0, 0),
            "nothing was sent"
        );
        caught_up.send_replace(true);
        assert_eq!(pass.await.unwrap(), PassEnd::Idle);
    });
    assert_eq!(lane.report.photos_uploaded, 1);
    hub.books(|b| assert_eq!(b.blobs.get(&sha(&bytes)), Some(&bytes)));
}

/// `photo fetch` when the file cannot be written whole: the process may not write files
/// past 64 KB (`prlimit --fsize`, with SIGXFSZ ignored so the write fails with EFBIG,
/// as it fails with ENOSPC on a full disk). The error says so and no half file is left.
#[cfg(target_os = "linux")]
#[test]
fn a_fetch_that_cannot_be_written_whole_is_a_clear_error_and_leaves_no_half_file() {
    let d = desk();
    let bytes = noise_jpeg(500, 11);
    let id = d.add_photo(&bytes, "big.jpg");
    let hub = PhotoHub::start(25 << 20);
    d.point_at(&hub.url(), &hub.token);
    d.lane(fast(), true, Duration::from_secs(30));
    let full_size = hub.books(|b| b.full.get(&sha(&bytes)).map_or(0, Vec::len));
    assert!(
        full_size > 100_000,
        "the full view is bigger than the limit"
    );
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"trap "" XFSZ; exec prlimit --fsize=65536 "$@""#)
        .arg("sh")
        .arg(common::bin())
        .arg("--data-dir")
        .arg(&d.dir)
        .args(["photo", "fetch", &id, "--variant", "full"])
        .env_remove("DERMIS_NODE_DATA_DIR")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the disk is full"), "{err}");
    let dir = d.dir.join("cache").join("full");
    let left: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "nothing half-written: {left:?}");
    // With room again, the same fetch works.
    let path = ok(&d.dir, &["photo", "fetch", &id, "--variant", "full"]);
    assert_eq!(
        dermis_node::atrest::seal::load_file(&d.dir, std::path::Path::new(&path))
            .unwrap()
            .len(),
        full_size
    );
}
