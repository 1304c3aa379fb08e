//! Photos: the shared import (`ops::photos`), the `photo` command line and the photos
//! screen with a file dropped on the window (the picker, body map and comparison are in
//! gui_photo_tools.rs).

mod gui_support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use dermis_model::photo::BodyPart;
use dermis_model::{ErrorCode, PatientId};
use dermis_node::demo::DEMO_PASSWORD;
use dermis_node::gui::app::Screen;
use dermis_node::node::{Node, OpError, Session};
use dermis_node::ops::photos::{self, PhotoError, PhotoImport};
use dermis_node::ops::users;
use dermis_node::store::queries;
use egui_kittest::kittest::{NodeT, Queryable};
use gui_support::*;
use sha2::{Digest, Sha256};

/// A JPEG `width` × `height` whose EXIF says "rotate 90° clockwise to show".
fn sideways_jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, _| {
        image::Rgb([(x % 256) as u8, 120, 200])
    });
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 85)
        .encode_image(&image)
        .expect("encode");
    // APP1 "Exif": a little-endian TIFF header and one IFD entry, Orientation (0x0112) = 6.
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&0x0112u16.to_le_bytes());
    tiff.extend_from_slice(&3u16.to_le_bytes());
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&6u16.to_le_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbaImage::from_pixel(width, height, image::Rgba([200, 80, 80, 255]));
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode");
    out.into_inner()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

fn first_patient(node: &Node) -> PatientId {
    queries::recent_patients(node.store.conn(), 1).expect("patients")[0]
        .id
        .parse()
        .expect("id")
}

fn import(patient: PatientId, file: PathBuf, body_part: &str, tags: &[&str]) -> PhotoImport {
    PhotoImport {
        patient,
        file,
        body_part: body_part.into(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        encounter: None,
    }
}

/// Every file under `dir`, relative names, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
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

#[test]
fn a_photo_is_kept_content_addressed_with_an_upright_local_thumbnail() {
    let dir = demo_dir(3);
    let files = tempfile::tempdir().expect("temp");
    let mut node = open(dir.path());
    let patient = first_patient(&node);
    let bytes = sideways_jpeg(640, 320);
    let file = write(files.path(), "lesion.jpg", &bytes);
    let session = Session::operator();

    let id = photos::add(
        &mut node,
        &session,
        &import(
            patient,
            file.clone(),
            "Forearm",
            &["nevus", "nevus", " follow-up "],
        ),
        dermis_model::photo::DEFAULT_MAX_PHOTO_BYTES,
    )
    .expect("import");

    let sha = hex::encode(Sha256::digest(&bytes));
    let blob = dir.path().join("blobs").join(&sha[..2]).join(&sha);
    assert_eq!(
        dermis_node::atrest::seal::load_file(dir.path(), &blob).expect("blob"),
        bytes,
        "the original, byte for byte"
    );
    let thumb_file = dir.path().join("thumbs").join(format!("{sha}.jpg"));
    let thumb = image::load_from_memory(
        &dermis_node::atrest::seal::load_file(dir.path(), &thumb_file).expect("thumb"),
    )
    .expect("thumb");
    assert!(thumb.width() <= 320 && thumb.height() <= 320);
    assert_eq!(
        (thumb.width(), thumb.height()),
        (160, 320),
        "EXIF orientation applied"
    );
    assert!(
        files_under(dir.path()).iter().all(|f| !f.ends_with(".tmp")),
        "no temporary file is left"
    );

    let listed = photos::list(&mut node, &session, patient).expect("list");
    assert_eq!(listed.len(), 1);
    let photo = &listed[0];
    assert_eq!(photo.photo.id, id);
    assert_eq!(photo.photo.sha256, sha);
    assert_eq!(photo.photo.body_part, BodyPart::Forearm);
    assert_eq!(
        photo.photo.tags,
        vec!["nevus".to_owned(), "follow-up".to_owned()]
    );
    assert_eq!(photo.photo.size, bytes.len() as u64);
    assert!(photo.original_present && photo.thumbnail_present);
    assert!(
        !photo.photo.thumbnails_ready,
        "the hub has not processed it"
    );
    assert!(
        queries::is_pending(node.store.conn(), &patient.to_string()).expect("outbox"),
        "the photo metadata waits for the hub"
    );

    // The same picture again is one blob with two photo records.
    photos::add(
        &mut node,
        &session,
        &import(patient, file, "face", &[]),
        dermis_model::photo::DEFAULT_MAX_PHOTO_BYTES,
    )
    .expect("again");
    assert_eq!(
        photos::list(&mut node, &session, patient)
            .expect("list")
            .len(),
        2
    );
    assert_eq!(files_under(&dir.path().join("blobs")).len(), 1);
}

#[test]
fn bad_input_is_refused_and_nothing_is_stored() {
    let dir = demo_dir(3);
    let files = tempfile::tempdir().expect("temp");
    let mut node = open(dir.path());
    let patient = first_patient(&node);
    let session = Session::operator();
    let max = dermis_model::photo::DEFAULT_MAX_PHOTO_BYTES;
    let code_of = |e: PhotoError| match e {
        PhotoError::Op(OpError::Invalid(v)) => (v.0[0].field.clone(), v.0[0].code),
        other => panic!("expected invalid input, got {other:?}"),
    };

    let text = write(files.path(), "notes.jpg", b"this is not an image at all");
    let e = photos::add(
        &mut node,
        &session,
        &import(patient, text, "face", &[]),
        max,
    );
    assert_eq!(
        code_of(e.expect_err("text")),
        ("file".into(), ErrorCode::InvalidMime)
    );

    let good = write(files.path(), "ok.png", &png(40, 30));
    let e = photos::add(
        &mut node,
        &session,
        &import(patient, good.clone(), "tail", &[]),
        max,
    );
    assert_eq!(
        code_of(e.expect_err("part")),
        ("body_part".into(), ErrorCode::InvalidBodyPart)
    );

    let e = photos::add(
        &mut node,
        &session,
        &import(patient, good.clone(), "face", &[]),
        100,
    );
    assert_eq!(
        code_of(e.expect_err("size")),
        ("file".into(), ErrorCode::FileTooLarge)
    );

    let mut broken = vec![0xFF, 0xD8, 0xFF, 0xE0];
    broken.extend_from_slice(&[7u8; 200]);
    let broken = write(files.path(), "broken.jpg", &broken);
    let e = photos::add(
        &mut node,
        &session,
        &import(patient, broken, "face", &[]),
        max,
    )
    .expect_err("undecodable");
    assert!(matches!(e, PhotoError::Undecodable { .. }), "{e:?}");
    assert_eq!(e.field(), Some("file"));

    let missing = files.path().join("nowhere.jpg");
    let e = photos::add(
        &mut node,
        &session,
        &import(patient, missing, "face", &[]),
        max,
    )
    .expect_err("missing");
    assert!(matches!(e, PhotoError::Read { .. }), "{e:?}");

    let mut wrong_visit = import(patient, good.clone(), "face", &[]);
    wrong_visit.encounter = Some(dermis_model::EncounterId::new());
    let e = photos::add(&mut node, &session, &wrong_visit, max);
    assert_eq!(
        code_of(e.expect_err("visit")),
        ("encounter".into(), ErrorCode::UnknownEncounter)
    );

    let e = photos::add(
        &mut node,
        &session,
        &import(PatientId::new(), good, "face", &[]),
        max,
    );
    assert_eq!(
        code_of(e.expect_err("patient")),
        ("patient".into(), ErrorCode::UnknownPatient)
    );

    assert!(files_under(&dir.path().join("blobs")).is_empty());
    assert!(files_under(&dir.path().join("thumbs")).is_empty());
    assert!(
        photos::list(&mut node, &session, patient)
            .expect("list")
            .is_empty()
    );
}

#[test]
fn photos_are_clinical_data() {
    let dir = demo_dir(3);
    let files = tempfile::tempdir().expect("temp");
    let mut node = open(dir.path());
    let patient = first_patient(&node);
    let file = write(files.path(), "a.png", &png(20, 20));
    let cashier = users::login(&mut node, "cashier", DEMO_PASSWORD)
        .expect("login")
        .session()
        .expect("cashier");
    let e = photos::add(
        &mut node,
        &cashier,
        &import(patient, file, "face", &[]),
        dermis_model::photo::DEFAULT_MAX_PHOTO_BYTES,
    )
    .expect_err("denied");
    assert!(matches!(e, PhotoError::Op(OpError::Denied { .. })), "{e:?}");
    assert!(matches!(
        photos::list(&mut node, &cashier, patient),
        Err(OpError::Denied { .. })
    ));
    assert!(files_under(&dir.path().join("blobs")).is_empty());
}

fn cli(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dermis-node"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DERMIS_MAX_PHOTO_BYTES")
        .env("DERMIS_NODE_KEYRING", "off")
        // The demo clinic has staff: the command line signs in, here as its nurse.
        .env("DERMIS_USER", "nurse")
        .env("DERMIS_PASSWORD", DEMO_PASSWORD)
        .output()
        .expect("run dermis-node")
}

#[test]
fn the_photo_command_adds_and_lists() {
    let dir = demo_dir(3);
    let files = tempfile::tempdir().expect("temp");
    let patient = first_patient(&open(dir.path())).to_string();
    let file = write(files.path(), "scan.png", &png(64, 48));
    let file = file.to_str().expect("utf-8 path");

    let out = cli(
        dir.path(),
        &[
            "photo",
            "add",
            "--patient",
            &patient,
            "--file",
            file,
            "--body-part",
            "upper_back",
            "--tag",
            "mole",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let id: dermis_model::PhotoId = stdout.trim().parse().expect("the photo id alone");

    let out = cli(
        dir.path(),
        &["photo", "list", "--patient", &patient, "--json"],
    );
    assert!(out.status.success());
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(listed[0]["id"], id.to_string());
    assert_eq!(listed[0]["body_part"], "upper_back");
    assert_eq!(listed[0]["thumbnails_ready"], false);
    assert_eq!(listed[0]["original_present"], true);
    assert_eq!(listed[0]["thumbnail_present"], true);

    for (args, field) in [
        (vec!["--body-part", "tail"], "body_part"),
        (vec!["--body-part", "face", "--max-bytes", "10"], "file"),
    ] {
        let mut all = vec!["photo", "add", "--patient", &patient, "--file", file];
        all.extend(args);
        let out = cli(dir.path(), &all);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(field), "{stderr}");
    }
    let out = cli(
        dir.path(),
        &[
            "photo",
            "add",
            "--patient",
            &patient,
            "--file",
            "/nonexistent/x.jpg",
            "--body-part",
            "face",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("file"));
    let out = cli(
        dir.path(),
        &["photo", "list", "--patient", &patient, "--json"],
    );
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(1),
        "refused imports stored nothing"
    );
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

#[test]
fn a_photo_dropped_on_the_window_joins_the_gallery() {
    let dir = demo_dir(3);
    let files = tempfile::tempdir().expect("temp");
    let file = write(files.path(), "dropped.jpg", &sideways_jpeg(300, 200));
    let patient = first_patient(&open(dir.path()));
    let mut h = signed_in(dir.path(), "doctor");
    h.state_mut()
        .navigate(dermis_node::gui::app::Nav::OpenPatient(patient));
    settle(&mut h);
    click(&mut h, "Photos");
    settle(&mut h);
    assert_eq!(h.state().screen(), Screen::Photos);
    assert!(shows(&h, "No photos yet."));

    h.input_mut()
        .dropped_files
        .push(Arc::new(Dropped(file.clone())));
    h.run_ok();
    assert!(shows(&h, "One file ready to add:"), "the drop is listed");
    assert!(shows(&h, "dropped.jpg"));
    click(&mut h, "Body part");
    // The list of body parts scrolls; bring the choice into view first.
    h.get_by_label("Forearm").scroll_to_me();
    h.run_ok();
    click(&mut h, "Forearm");
    type_into(&mut h, "Tags", "nevus, dermoscopy");
    click(&mut h, "Add photo");
    settle(&mut h);
    assert!(shows(&h, "Photo added."));
    assert!(
        shows_part(&h, "Forearm · "),
        "the gallery shows the new photo"
    );
    assert!(shows(&h, "nevus, dermoscopy"));

    let mut node = open(dir.path());
    let listed = photos::list(&mut node, &Session::operator(), patient).expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].photo.body_part, BodyPart::Forearm);

    // The full view opens on the thumbnail.
    let caption = h
        .query_all_by_label_contains("Forearm · ")
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::Button)
        .map(|n| n.accesskit_node().label().unwrap_or_default())
        .expect("a thumbnail button");
    click(&mut h, &caption);
    settle(&mut h);
    assert!(shows(
        &h,
        "Kept on this workstation; not yet processed by the hub."
    ));
}

#[test]
fn the_photo_screen_shows_upload_and_thumbnail_states() {
    let dir = demo_dir(3);
    let files = tempfile::tempdir().expect("temp");
    let patient = first_patient(&open(dir.path()));
    let mut node = open(dir.path());
    let mut ids = Vec::new();
    for (i, part) in ["face", "nose", "ear"].iter().enumerate() {
        let file = write(files.path(), &format!("{i}.png"), &png(40 + i as u32, 30));
        let input = import(patient, file, part, &[]);
        ids.push(photos::add(&mut node, &Session::operator(), &input, 1 << 20).expect("add"));
    }
    // Face: the hub could not process it. Nose: 40% uploaded, original gone from this
    // node (as if evicted). Ear: refused by the hub.
    let conn = node.store.conn();
    conn.execute(
        "UPDATE photo_uploads SET state = 'uploading', acked = size * 2 / 5 WHERE photo_id = ?1",
        [ids[1].to_string()],
    )
    .expect("uploading");
    conn.execute(
        "UPDATE photo_uploads SET state = 'failed', last_error = 'too_large: over the cap' WHERE photo_id = ?1",
        [ids[2].to_string()],
    )
    .expect("failed");
    let mut tx = node.store.begin(dermis_model::now_millis()).expect("begin");
    let doc = tx.edit(patient.into()).expect("edit").expect("patient");
    dermis_model::photo::set_processing_result(doc, ids[0], Err("corrupt image")).expect("mark");
    tx.commit().expect("commit");
    let listed = photos::list(&mut node, &Session::operator(), patient).expect("list");
    let nose = listed.iter().find(|l| l.photo.id == ids[1]).expect("nose");
    let percent = match nose.upload {
        photos::UploadView::Uploading { percent, .. } => percent,
        ref other => panic!("nose: {other:?}"),
    };
    std::fs::remove_file(photos::blob_path(dir.path(), &nose.photo.sha256)).expect("rm");
    drop(node);

    let mut h = signed_in(dir.path(), "doctor");
    h.state_mut()
        .navigate(dermis_node::gui::app::Nav::OpenPatient(patient));
    settle(&mut h);
    click(&mut h, "Photos");
    settle(&mut h);
    assert!(shows(&h, "Not yet sent to the hub."));
    assert!(shows(
        &h,
        "The hub could not process this photo: corrupt image"
    ));
    assert!(shows(&h, &format!("Uploading to the hub: {percent}%")));
    assert!(shows(
        &h,
        "The hub refused this photo: too_large: over the cap"
    ));
    assert!(
        shows(
            &h,
            "Kept on this workstation; not yet processed by the hub."
        ),
        "a local thumbnail, the hub not done yet"
    );

    // The full view of a photo this node no longer holds, with no hub to ask.
    let caption = h
        .query_all_by_label_contains("Nose · ")
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::Button)
        .map(|n| n.accesskit_node().label().unwrap_or_default())
        .expect("a thumbnail button");
    click(&mut h, &caption);
    settle(&mut h);
    assert!(shows(&h, "The original is not on this workstation."));
    assert!(shows_part(
        &h,
        "This photo is not on this workstation and the hub cannot send it now."
    ));

    // The sync panel counts what the hub does not have yet, and what it refused.
    h.state_mut()
        .navigate(dermis_node::gui::app::Nav::Show(Screen::Sync));
    settle(&mut h);
    assert!(
        shows_part(&h, "2 photos not yet on the hub ("),
        "the face and the nose"
    );
    assert!(shows_part(&h, "1 photo was refused by the hub"));
}
