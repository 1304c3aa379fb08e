//! The photos screen is refreshed after every change another writer stores (up to once
//! a second while a sync runs). A refresh names the thumbnails the screen holds, and the
//! worker decodes only the photos that are new or whose content changed: each
//! `Reply::Thumbnail` is one decode, so counting them counts the decodes.

mod gui_support;

use std::path::Path;

use dermis_model::photo::BodyPart;
use dermis_model::{PatientId, PhotoId};
use dermis_node::gui::app::Nav;
use dermis_node::gui::backend::{Command, Reply, ThumbnailKey};
use dermis_node::node::{Node, Session};
use dermis_node::ops::photos::{self, PhotoImport};
use dermis_node::store::queries;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use gui_support::backend::{send_all, signed_in_backend};
use gui_support::*;

fn first_patient(node: &Node) -> PatientId {
    queries::recent_patients(node.store.conn(), 1).expect("patients")[0]
        .id
        .parse()
        .expect("id")
}

/// Imports a plain picture of `shade` (each shade its own content) as a photo of `part`.
fn add_photo(
    node: &mut Node,
    patient: PatientId,
    files: &Path,
    part: BodyPart,
    shade: u8,
) -> PhotoId {
    let file = files.join(format!("{shade}.png"));
    image::RgbImage::from_pixel(64, 48, image::Rgb([shade, 90, 120]))
        .save(&file)
        .expect("png");
    photos::add(
        node,
        &Session::operator(),
        &PhotoImport {
            patient,
            file,
            body_part: part.as_str().into(),
            tags: Vec::new(),
            encounter: None,
        },
        dermis_model::photo::DEFAULT_MAX_PHOTO_BYTES,
    )
    .expect("photo")
}

/// The thumbnails among `replies`, and how many photos the list had.
fn decoded(replies: &[Reply]) -> (Vec<ThumbnailKey>, usize) {
    let mut keys = Vec::new();
    let mut listed = None;
    for reply in replies {
        match reply {
            Reply::Thumbnail { key, .. } => keys.push(key.clone()),
            Reply::Photos { photos, .. } => listed = Some(photos.len()),
            _ => {}
        }
    }
    (keys, listed.expect("the list of photos"))
}

#[test]
fn a_photos_refresh_decodes_only_the_thumbnails_the_screen_lacks() {
    let dir = demo_dir(3);
    let files = tempfile::tempdir().expect("temp");
    let mut node = open(dir.path());
    let patient = first_patient(&node);
    add_photo(&mut node, patient, files.path(), BodyPart::Face, 10);
    add_photo(&mut node, patient, files.path(), BodyPart::Nose, 20);
    let mut backend = signed_in_backend(dir.path(), "doctor");
    let mut load = |have: Vec<ThumbnailKey>| {
        decoded(&send_all(
            &mut backend,
            Command::LoadPhotos { patient, have },
        ))
    };

    let (first, listed) = load(Vec::new());
    assert_eq!(
        (first.len(), listed),
        (2, 2),
        "opening decodes each photo once"
    );

    let (again, listed) = load(first.clone());
    assert_eq!(listed, 2);
    assert_eq!(again, Vec::new(), "the same photos again: nothing decoded");

    let third = add_photo(&mut node, patient, files.path(), BodyPart::Ear, 30);
    let (after, listed) = load(first.clone());
    assert_eq!(listed, 3);
    assert_eq!(
        after.iter().map(|k| k.id).collect::<Vec<_>>(),
        vec![third],
        "one new photo: one decode"
    );

    // A held thumbnail made from other content than the photo's now is decoded again.
    let stale = ThumbnailKey {
        id: first[0].id,
        sha256: "0".repeat(64),
    };
    let (redone, _) = load(vec![stale, first[1].clone(), after[0].clone()]);
    assert_eq!(redone, vec![first[0].clone()]);
}

/// The gallery's thumbnail buttons (named by their caption, "Face · <when>").
fn thumbnail_buttons(h: &AppHarness) -> usize {
    h.query_all_by_label_contains(" · ")
        .filter(|n| n.accesskit_node().role() == Role::Button)
        .count()
}

#[test]
fn the_photos_screen_keeps_its_thumbnails_over_a_refresh_and_adds_a_new_one() {
    let dir = demo_dir(3);
    let files = tempfile::tempdir().expect("temp");
    let mut other = open(dir.path());
    let patient = first_patient(&other);
    add_photo(&mut other, patient, files.path(), BodyPart::Face, 10);
    add_photo(&mut other, patient, files.path(), BodyPart::Nose, 20);
    let mut h = signed_in(dir.path(), "doctor");
    h.state_mut().navigate(Nav::Photos {
        patient,
        name: "the patient".into(),
        visit: None,
    });
    settle(&mut h);
    assert_eq!(thumbnail_buttons(&h), 2);

    // Another writer (the sync, a second window) adds a photo: the screen refreshes on
    // its own, and the two thumbnails it held stay without being sent again.
    add_photo(&mut other, patient, files.path(), BodyPart::Ear, 30);
    wait_until(&mut h, "the new photo's thumbnail", |h| {
        thumbnail_buttons(h) == 3
    });
    assert!(
        !shows(&h, "View"),
        "every photo shows its thumbnail, none a bare button"
    );
}

/// The worker's time for the photos screen of a patient with `DERMIS_BENCH_PHOTOS`
/// photos (default 40, 1600 × 1200 pictures): opening it (every thumbnail decoded) and
/// refreshing it with the thumbnails held. Run (release, so the numbers mean something):
/// `cargo test --release -p dermis-node --test gui_photo_refresh -- --ignored --nocapture`
#[test]
#[ignore = "imports dozens of large pictures; see the doc comment for how to run it"]
fn photos_screen_refresh_bench() {
    use std::time::{Duration, Instant};
    let count: u32 = std::env::var("DERMIS_BENCH_PHOTOS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let dir = demo_dir(3);
    let files = tempfile::tempdir().expect("temp");
    let mut node = open(dir.path());
    let patient = first_patient(&node);
    for i in 0..count {
        let file = files.path().join(format!("{i}.jpg"));
        image::RgbImage::from_fn(1600, 1200, |x, y| {
            image::Rgb([(x ^ y ^ i) as u8, (x / 7) as u8, (y / 5) as u8])
        })
        .save(&file)
        .expect("jpeg");
        photos::add(
            &mut node,
            &Session::operator(),
            &PhotoImport {
                patient,
                file,
                body_part: "face".into(),
                tags: Vec::new(),
                encounter: None,
            },
            dermis_model::photo::DEFAULT_MAX_PHOTO_BYTES,
        )
        .expect("photo");
    }
    let mut backend = signed_in_backend(dir.path(), "doctor");
    let mut timed = |have: Vec<ThumbnailKey>| {
        let started = Instant::now();
        let replies = send_all(&mut backend, Command::LoadPhotos { patient, have });
        (started.elapsed(), decoded(&replies).0)
    };
    let (_, held) = timed(Vec::new());
    let rounds = 10;
    let mut open_times = Vec::new();
    let mut refresh_times = Vec::new();
    for _ in 0..rounds {
        open_times.push(timed(Vec::new()).0);
        refresh_times.push(timed(held.clone()).0);
    }
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1000.0
    };
    println!(
        "photos screen, {count} photos, median of {rounds}: open (all thumbnails decoded) \
         {:.1} ms; refresh with the thumbnails held {:.1} ms",
        median(open_times),
        median(refresh_times),
    );
}
