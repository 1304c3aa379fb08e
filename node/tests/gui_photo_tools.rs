//! The photos screen's tools: the in-window file browser, several files dropped at
//! once, the link to a visit, the body map and the comparison over time.

mod gui_support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dermis_model::photo::BodyPart;
use dermis_model::{EncounterId, PatientId, PhotoId};
use dermis_node::gui::app::{Nav, Screen};
use dermis_node::node::{Node, Session};
use dermis_node::ops::photos::{self, PhotoImport};
use dermis_node::store::queries;
use gui_support::*;

fn png(width: u32, height: u32, shade: u8) -> Vec<u8> {
    let image = image::RgbaImage::from_pixel(width, height, image::Rgba([200, shade, 80, 255]));
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode");
    out.into_inner()
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 160])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&image)
        .expect("encode");
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

/// A demo patient with at least one visit, and that visit (the newest).
fn patient_with_visit(node: &Node) -> (PatientId, EncounterId) {
    for row in queries::recent_patients(node.store.conn(), 50).expect("patients") {
        let visits = queries::encounters_of(node.store.conn(), &row.id).expect("visits");
        if let Some(v) = visits.first() {
            return (row.id.parse().expect("id"), v.id.parse().expect("visit id"));
        }
    }
    panic!("the demo has no visit");
}

#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn open_photos(h: &mut AppHarness, patient: PatientId) {
    h.state_mut().navigate(Nav::Photos {
        patient,
        name: "Test Patient".into(),
        visit: None,
    });
    settle(h);
    assert_eq!(h.state().screen(), Screen::Photos);
}

#[test]
fn files_chosen_in_the_browser_are_imported_linked_to_the_visit() {
    let dir = demo_dir(6);
    let files = tempfile::tempdir().expect("temp");
    write(files.path(), "lesion-a.png", &png(60, 40, 90));
    write(files.path(), "lesion-b.jpg", &jpeg(80, 60));
    write(files.path(), "notes.txt", b"not offered");
    std::fs::create_dir(files.path().join("older")).expect("dir");
    let (patient, visit) = patient_with_visit(&open(dir.path()));

    // From the visit: its "Photos" button opens the photos with the visit chosen.
    let mut h = signed_in(dir.path(), "doctor");
    h.state_mut().navigate(Nav::OpenEncounter(visit));
    settle(&mut h);
    click(&mut h, "Photos");
    settle(&mut h);
    assert_eq!(h.state().screen(), Screen::Photos);

    click(&mut h, "Choose files…");
    settle(&mut h);
    type_into(&mut h, "Folder", &files.path().display().to_string());
    press_enter(&mut h, "Folder");
    settle(&mut h);
    assert!(shows(&h, "older"), "folders are listed");
    assert!(!shows(&h, "notes.txt"), "only pictures are offered");
    click(&mut h, "lesion-a.png");
    click(&mut h, "lesion-b.jpg");
    click(&mut h, "Use these 2 files");
    assert!(shows(&h, "2 files ready to add:"));

    // The body map chooses the part.
    click(&mut h, "Forearm, front");
    assert!(shows(&h, "Chosen: Forearm"));
    type_into(&mut h, "Tags", "nevus");
    click(&mut h, "Add 2 photos");
    settle(&mut h);
    assert!(shows(&h, "2 photos added."));

    let mut node = open(dir.path());
    let listed = photos::list(&mut node, &Session::operator(), patient).expect("list");
    assert_eq!(listed.len(), 2);
    for l in &listed {
        assert_eq!(l.photo.body_part, BodyPart::Forearm);
        assert_eq!(l.photo.encounter_id, Some(visit), "linked to the visit");
        assert_eq!(l.photo.tags, vec!["nevus".to_owned()]);
    }
    assert!(
        shows_part(&h, "Visit of "),
        "the gallery names each photo's visit"
    );
}

#[test]
fn several_dropped_files_go_in_at_once_and_a_bad_one_is_named() {
    let dir = demo_dir(3);
    let files = tempfile::tempdir().expect("temp");
    let good = write(files.path(), "back-1.png", &png(50, 50, 40));
    let other = write(files.path(), "back-2.png", &png(50, 50, 120));
    let bad = write(files.path(), "scan.jpg", b"this is not a picture");
    let patient: PatientId = queries::recent_patients(open(dir.path()).store.conn(), 1)
        .expect("patients")[0]
        .id
        .parse()
        .expect("id");
    let mut h = signed_in(dir.path(), "doctor");
    open_photos(&mut h, patient);
    assert!(shows(
        &h,
        "Drop JPEG, PNG or WebP photos on this window, or choose them."
    ));

    for file in [&good, &other, &bad] {
        h.input_mut()
            .dropped_files
            .push(Arc::new(Dropped(file.clone())));
    }
    h.run_ok();
    assert!(shows(&h, "3 files ready to add:"));
    click(&mut h, "Upper back, back");
    click(&mut h, "Add 3 photos");
    settle(&mut h);
    assert!(shows(&h, "2 photos added."));
    assert!(shows_part(&h, "scan.jpg was not added: "));

    let mut node = open(dir.path());
    let listed = photos::list(&mut node, &Session::operator(), patient).expect("list");
    assert_eq!(listed.len(), 2);
    assert!(
        listed
            .iter()
            .all(|l| l.photo.body_part == BodyPart::UpperBack)
    );
    assert!(listed.iter().all(|l| l.photo.encounter_id.is_none()));
}

/// Imports a picture for `part` and dates it `days_ago`.
fn photo_days_ago(
    node: &mut Node,
    patient: PatientId,
    file: PathBuf,
    part: &str,
    days_ago: i64,
) -> (PhotoId, i64) {
    let input = PhotoImport {
        patient,
        file,
        body_part: part.into(),
        tags: vec![format!("day-{days_ago}")],
        encounter: None,
    };
    let id = photos::add(node, &Session::operator(), &input, 1 << 20).expect("add");
    let at = dermis_model::now_millis() - days_ago * 86_400_000;
    let mut tx = node.store.begin(dermis_model::now_millis()).expect("begin");
    let doc = tx.edit(patient.into()).expect("edit").expect("patient");
    let map = dermis_model::doc::map_at(doc, &automerge::ROOT, "photos")
        .expect("photos")
        .expect("photos map");
    let obj = dermis_model::doc::map_at(doc, &map, &id.to_string())
        .expect("photo")
        .expect("photo map");
    dermis_model::doc::put_ts(doc, &obj, "taken_at", at).expect("date");
    tx.commit().expect("commit");
    (id, at)
}

fn when(at: i64) -> String {
    let t =
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000).expect("time");
    dermis_model::i18n::format_datetime(t, dermis_node::i18n::Locale::En)
}

#[test]
fn the_map_counts_filters_and_compares_a_part_over_time() {
    let dir = demo_dir(3);
    let files = tempfile::tempdir().expect("temp");
    let mut node = open(dir.path());
    let patient: PatientId = queries::recent_patients(node.store.conn(), 1).expect("patients")[0]
        .id
        .parse()
        .expect("id");
    let mut dates = Vec::new();
    for (i, days) in [400, 200, 10].into_iter().enumerate() {
        let file = write(
            files.path(),
            &format!("f{i}.png"),
            &png(40 + i as u32, 30, 60 * i as u8),
        );
        dates.push(photo_days_ago(&mut node, patient, file, "forearm", days).1);
    }
    let face = write(files.path(), "face.png", &png(30, 30, 10));
    photo_days_ago(&mut node, patient, face, "face", 5);
    drop(node);

    let mut h = signed_in(dir.path(), "doctor");
    open_photos(&mut h, patient);
    assert!(shows_part(&h, "Face · "), "all parts at first");
    click(&mut h, "Forearm, front");
    assert!(shows(&h, "Photos of this region: Forearm"));
    assert!(!shows_part(&h, "Face · "), "the gallery follows the map");

    click(&mut h, "Compare over time");
    settle(&mut h);
    assert!(shows(&h, "Over time: Forearm"));
    // The oldest and the newest, side by side with their dates and tags.
    assert!(shows(&h, &when(dates[0])), "the earlier photo's date");
    assert!(shows(&h, &when(dates[2])), "the later photo's date");
    assert!(shows(&h, "day-400") && shows(&h, "day-10"));
    assert!(shows(&h, "1 of 3") && shows(&h, "3 of 3"));
    assert!(!shows(&h, &when(dates[1])));

    // The later side steps back through the series.
    click(&mut h, "Later photo: one step earlier");
    settle(&mut h);
    assert!(shows(&h, &when(dates[1])));
    assert!(shows(&h, "2 of 3"));
    h.key_press(egui::Key::ArrowRight);
    settle(&mut h);
    assert!(shows(&h, "3 of 3"), "the arrow keys step too");

    click(&mut h, "Back to the gallery");
    assert!(shows(&h, "Photos of this region: Forearm"));
    click(&mut h, "Show all body parts");
    assert!(shows_part(&h, "Face · "));
}

#[test]
fn the_photo_tools_speak_every_language() {
    use dermis_node::i18n::{Locale, Localizer};
    let dir = demo_dir(3);
    let files = tempfile::tempdir().expect("temp");
    let mut node = open(dir.path());
    let patient: PatientId = queries::recent_patients(node.store.conn(), 1).expect("patients")[0]
        .id
        .parse()
        .expect("id");
    for (i, days) in [30, 3].into_iter().enumerate() {
        let file = write(
            files.path(),
            &format!("k{i}.png"),
            &png(30, 30, 50 * i as u8),
        );
        photo_days_ago(&mut node, patient, file, "knee", days);
    }
    drop(node);
    write(files.path(), "new.png", &png(20, 20, 200));
    let localizer = Localizer::new();
    for locale in Locale::ALL {
        let t = |id: &str| localizer.t(locale, id);
        let mut h = harness(dir.path(), locale);
        wait_until(&mut h, "the login screen", |h| h.state().at_login());
        type_into(&mut h, &t("field-username"), "doctor");
        type_into(
            &mut h,
            &t("field-password"),
            dermis_node::demo::DEMO_PASSWORD,
        );
        press_enter(&mut h, &t("field-password"));
        wait_until(&mut h, "signing in", |h| h.state().session().is_some());
        settle(&mut h);
        open_photos(&mut h, patient);
        assert!(shows(&h, &t("gui-photos-map-title")), "{locale}: the map");
        let knee = localizer.t(locale, "body-knee");
        let front = localizer.t_args(
            locale,
            "gui-photos-map-region-front",
            &[("name", knee.as_str().into())],
        );
        click(&mut h, &front);
        click(&mut h, &t("gui-photos-compare"));
        settle(&mut h);
        assert!(
            shows(&h, &t("gui-compare-earlier")),
            "{locale}: the comparison"
        );
        click(&mut h, &t("gui-compare-close"));
        click(&mut h, &t("gui-photos-choose"));
        settle(&mut h);
        type_into(
            &mut h,
            &t("gui-picker-folder"),
            &files.path().display().to_string(),
        );
        press_enter(&mut h, &t("gui-picker-folder"));
        settle(&mut h);
        assert!(
            shows(&h, "new.png"),
            "{locale}: the browser lists the folder"
        );
        let missing = h.state().missing_messages();
        assert!(missing.is_empty(), "{locale}: missing {missing:?}");
    }
}

#[test]
fn the_browser_is_worked_from_the_keyboard() {
    let dir = demo_dir(3);
    let files = tempfile::tempdir().expect("temp");
    std::fs::create_dir(files.path().join("card")).expect("dir");
    write(&files.path().join("card"), "mole.png", &png(30, 30, 70));
    let patient: PatientId = queries::recent_patients(open(dir.path()).store.conn(), 1)
        .expect("patients")[0]
        .id
        .parse()
        .expect("id");
    let mut h = signed_in(dir.path(), "doctor");
    open_photos(&mut h, patient);
    click(&mut h, "Choose files…");
    settle(&mut h);
    type_into(&mut h, "Folder", &files.path().display().to_string());
    press_enter(&mut h, "Folder");
    settle(&mut h);
    assert!(shows(&h, "card"), "the folder is listed, not entered");
    // Enter opens the folder under the cursor, Space marks a picture, Enter takes it.
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    assert!(shows(&h, "mole.png"));
    h.key_press(egui::Key::Space);
    h.run_ok();
    assert!(shows(&h, "Use this file"));
    h.key_press(egui::Key::Enter);
    h.run_ok();
    assert!(shows(&h, "One file ready to add:"));
    assert!(shows(&h, "mole.png"));
    assert!(!shows(&h, "Choose photos"), "the browser closed");
}
