//! Photos end to end with real processes: a `dermis-hub` (embedded store, blob folder,
//! its thumbnail job), `dermis-node` processes (the daemon's lane, `sync --once
//! --photos`, `photo fetch`), and the TCP fault proxy cutting the link mid-upload.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::hub::{Fault, FaultProxy, Hub};
use common::{cmd, ok, run, status_json, stderr, wait_until};

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

struct Setup {
    hub: Hub,
    _tmp: tempfile::TempDir,
    nodes: Vec<PathBuf>,
}

fn setup(n: usize) -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let hub_dir = tmp.path().join("hub");
    std::fs::create_dir_all(&hub_dir).unwrap();
    let hub = Hub::start(&hub_dir);
    let clinic = hub.clinic_add("Photo Clinic");
    let nodes = (0..n)
        .map(|i| {
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
                    "Desk",
                ],
            );
            d
        })
        .collect();
    Setup {
        hub,
        _tmp: tmp,
        nodes,
    }
}

fn add_photo(d: &Path, patient: &str, bytes: &[u8]) -> String {
    let file = d.join("photo.jpg");
    std::fs::write(&file, bytes).unwrap();
    ok(
        d,
        &[
            "photo",
            "add",
            "--patient",
            patient,
            "--file",
            file.to_str().unwrap(),
            "--body-part",
            "upper_back",
        ],
    )
}

fn photos(d: &Path, patient: &str) -> serde_json::Value {
    serde_json::from_str(&ok(d, &["photo", "list", "--patient", patient, "--json"])).unwrap()
}

fn sync_once(d: &Path, extra: &[&str]) {
    let mut args = vec!["sync", "--once", "--timeout", "120"];
    args.extend(extra);
    let o = run(d, &args);
    assert!(o.status.success(), "sync {extra:?} failed: {}", stderr(&o));
}

fn daemon(d: &Path) -> Child {
    cmd(d)
        .args(["sync"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn a_photo_taken_on_node_a_reaches_node_b_as_a_gallery_thumbnail_and_on_demand() {
    let s = setup(3);
    let (a, b) = (&s.nodes[0], &s.nodes[1]);
    let patient = ok(
        a,
        &[
            "patient",
            "add",
            "--first-name",
            "Nare",
            "--last-name",
            "Hakobyan",
        ],
    );
    let bytes = noise_jpeg(700, 11);
    let photo = add_photo(a, &patient, &bytes);
    assert_eq!(photos(a, &patient)[0]["upload"]["state"], "local");

    // A's daemon sends the document, then the photo on its own lane.
    let mut da = daemon(a);
    wait_until(Duration::from_secs(60), "the photo to upload", || {
        photos(a, &patient)[0]["upload"]["state"] == "uploaded"
    });
    assert_eq!(status_json(a)["photos"]["pending"], 0);
    // The hub's thumbnail job marks the photo in the document; A's daemon receives it.
    wait_until(Duration::from_secs(60), "the hub's thumbnails", || {
        photos(a, &patient)[0]["thumbnails_ready"] == true
    });
    let _ = (da.kill(), da.wait());

    // B's daemon gets the patient and, on its photo lane, the gallery thumbnail.
    let mut db = daemon(b);
    wait_until(
        Duration::from_secs(60),
        "node B's gallery thumbnail",
        || photos_if_any(b, &patient).is_some_and(|listed| listed[0]["thumbnail_present"] == true),
    );
    let _ = (db.kill(), db.wait());
    let listed = photos(b, &patient);
    assert_eq!(listed[0]["id"], photo);
    assert_eq!(listed[0]["thumbnails_ready"], true);
    assert_eq!(listed[0]["upload"]["state"], "elsewhere");
    assert_eq!(listed[0]["original_present"], false);
    assert_eq!(listed[0]["thumbnail_present"], true, "{listed}");
    let text = ok(b, &["photo", "list", "--patient", &patient]);
    assert!(text.contains("taken on another node"), "{text}");
    assert!(text.contains("hub thumbnails ready"), "{text}");

    // The original on demand, through the bounded cache, and a copy where asked.
    let out = b.join("export/original.jpg");
    let printed = ok(
        b,
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
    assert_eq!(PathBuf::from(printed), out);
    let fetched = image::load_from_memory(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!((fetched.width(), fetched.height()), (700, 700));
    let full = PathBuf::from(ok(b, &["photo", "fetch", &photo]));
    assert!(full.starts_with(b.join("cache")), "{}", full.display());
    // Cached in the data dir sealed: readable with the node's key only.
    assert!(image::load_from_memory(&std::fs::read(&full).unwrap()).is_err());
    assert!(
        image::load_from_memory(&dermis_node::atrest::seal::load_file(b, &full).unwrap()).is_ok()
    );

    // C, with `sync --once` only: the thumbnail comes with the one run.
    let c = &s.nodes[2];
    sync_once(c, &[]);
    let listed = photos(c, &patient);
    assert_eq!(listed[0]["thumbnail_present"], true, "{listed}");
}

/// The patient's photos, once the patient has reached this node.
fn photos_if_any(d: &Path, patient: &str) -> Option<serde_json::Value> {
    let o = run(d, &["photo", "list", "--patient", patient, "--json"]);
    if !o.status.success() {
        return None;
    }
    serde_json::from_slice::<serde_json::Value>(&o.stdout)
        .ok()
        .filter(|v| v.as_array().is_some_and(|a| !a.is_empty()))
}

fn through_proxy(s: &Setup, d: &Path) -> FaultProxy {
    let proxy = FaultProxy::start(&s.hub.addr);
    let conn = dermis_node::store::Store::connect(&d.join("dermis-node.db")).unwrap();
    conn.execute(
        "UPDATE sync_state SET value = ?1 WHERE key = 'hub_url'",
        [proxy.url()],
    )
    .unwrap();
    proxy
}

#[test]
fn an_upload_through_a_link_cut_every_200_kb_completes_without_starting_over() {
    let s = setup(1);
    let a = &s.nodes[0];
    let patient = ok(
        a,
        &[
            "patient",
            "add",
            "--first-name",
            "Vardan",
            "--last-name",
            "Mkrtchyan",
        ],
    );
    let bytes = noise_jpeg(1500, 12);
    assert!(bytes.len() > 2_500_000, "{}", bytes.len());
    add_photo(a, &patient, &bytes);
    // Documents and photo alike go through a link cut every 200 KB.
    let proxy = through_proxy(&s, a);
    proxy.set(Fault::CutAfter(200_000));
    sync_once(a, &["--photos"]);
    let sent = proxy.up_bytes.load(Ordering::SeqCst);
    let cuts = proxy.cuts.load(Ordering::SeqCst);
    println!(
        "{} bytes of photo, {sent} bytes received by the hub ({:.2}x), {cuts} cuts",
        bytes.len(),
        sent as f64 / bytes.len() as f64
    );
    assert!(cuts >= 5, "the link was really cut");
    assert_eq!(photos(a, &patient)[0]["upload"]["state"], "uploaded");
    assert!(
        (sent as f64) < 1.5 * bytes.len() as f64,
        "the hub received {sent} bytes for {} bytes of photo",
        bytes.len()
    );
}

#[test]
fn sync_once_reports_photos_still_uploading_and_photos_waits_for_them() {
    let s = setup(1);
    let a = &s.nodes[0];
    let patient = ok(
        a,
        &[
            "patient",
            "add",
            "--first-name",
            "Lilit",
            "--last-name",
            "Avetisyan",
        ],
    );
    let bytes = noise_jpeg(500, 13);
    add_photo(a, &patient, &bytes);
    // Each connection carries 60 KB: enough for the documents, never for a chunk.
    let proxy = through_proxy(&s, a);
    proxy.set(Fault::CutAfter(60_000));
    let o = run(a, &["sync", "--once", "--timeout", "60"]);
    assert!(o.status.success(), "the documents synced: {}", stderr(&o));
    assert!(stderr(&o).contains("1 photos"), "reported: {}", stderr(&o));
    assert_eq!(status_json(a)["outbox"]["count"], 0);
    assert_eq!(status_json(a)["photos"]["pending"], 1);
    // --photos waits for them, and says so when they do not make it in time.
    let o = run(a, &["sync", "--once", "--photos", "--timeout", "4"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("still uploading"), "{}", stderr(&o));
    proxy.set(Fault::Pass);
    let o = run(a, &["sync", "--once", "--photos", "--timeout", "60"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let st = status_json(a);
    assert_eq!(
        (
            st["photos"]["pending"].as_i64(),
            st["photos"]["uploaded"].as_i64()
        ),
        (Some(0), Some(1))
    );
}

#[test]
fn a_hub_killed_mid_upload_resumes_from_what_it_had_staged() {
    let mut s = setup(1);
    let a = s.nodes[0].clone();
    let patient = ok(
        &a,
        &[
            "patient",
            "add",
            "--first-name",
            "Gor",
            "--last-name",
            "Sahakyan",
        ],
    );
    let bytes = noise_jpeg(1500, 14);
    add_photo(&a, &patient, &bytes);
    // A 1 MB/s line, so the upload is still running when the hub dies.
    let proxy = through_proxy(&s, &a);
    proxy.rate.store(1_000_000, Ordering::SeqCst);
    let mut sync = cmd(&a)
        .args(["sync", "--once", "--photos", "--timeout", "120"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until(
        Duration::from_secs(60),
        "a first megabyte on the hub",
        || {
            photos(&a, &patient)[0]["upload"]["acked"]
                .as_u64()
                .is_some_and(|n| n >= 1 << 20)
        },
    );
    s.hub.restart();
    let status = sync.wait().unwrap();
    let mut err = String::new();
    if let Some(mut e) = sync.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut err);
    }
    assert!(status.success(), "{err}");
    assert_eq!(photos(&a, &patient)[0]["upload"]["state"], "uploaded");
    let sent = proxy.up_bytes.load(Ordering::SeqCst);
    assert!(
        (sent as f64) < 1.5 * bytes.len() as f64,
        "resumed, not restarted: the hub received {sent} bytes for {}",
        bytes.len()
    );
    // What the hub kept is the whole, verified photo: its thumbnail job runs.
    wait_until(Duration::from_secs(60), "the hub's thumbnails", || {
        sync_once(&a, &[]);
        photos(&a, &patient)[0]["thumbnails_ready"] == true
    });
}
