//! The photo lane over real HTTP on both stores: chunked uploads that complete, resume
//! across connections and hub restarts, and refuse what they must (offset mismatch,
//! oversize, wrong type, wrong sha256) without keeping anything; thumbnails made and
//! recorded in the patient document; a corrupt image and a decompression bomb failing
//! their job for good while the hub stays healthy; clinic isolation; revoked tokens;
//! served images without EXIF, GPS or XMP, upright.

#[allow(dead_code)]
mod common;
#[path = "photos/helpers.rs"]
mod helpers;
#[path = "common/images.rs"]
mod images;

use common::{Fixture, eventually};
use dermis_hub::blobs::{Blobs, LocalBlobs, Variant};
use dermis_hub::jobs::JobState;
use dermis_hub::store::HubStore;
use dermis_hub::store::staging::{PhotoBlob, Thumbnails};
use helpers::{Api, Env, contains, job_of, options, patient_with_photo, photo_in_doc, start};
use image::GenericImageView;

on_both_stores!(
    a_chunked_upload_completes_makes_thumbnails_and_marks_the_photo,
    an_interrupted_upload_resumes_at_its_offset_across_connections_and_restarts,
    a_chunk_at_the_wrong_offset_is_409_with_where_to_resume,
    an_oversized_photo_is_413_and_nothing_is_staged,
    a_file_that_is_not_an_image_is_415_and_nothing_is_staged,
    bytes_that_do_not_hash_to_the_name_are_422_and_discarded,
    a_corrupt_image_kills_its_job_with_the_reason_and_the_hub_stays_healthy,
    a_decompression_bomb_is_refused_by_the_thumbnail_job,
    another_clinics_blob_is_not_found,
    tokens_are_checked_like_sync,
    served_images_carry_no_metadata_and_are_upright,
    a_complete_blob_whose_photo_has_no_job_gets_one_when_asked,
    an_original_lost_from_the_blob_store_is_uploaded_again,
    concurrent_gets_of_an_original_decode_it_once,
);

async fn wait_thumbnails<S: HubStore>(env: &Env<S>, up: &helpers::Upload) {
    eventually(
        "the thumbnails to be recorded in the patient document",
        || async {
            photo_in_doc(&env.store, env.clinic, up)
                .await
                .thumbnails_ready
        },
    )
    .await;
}

async fn a_chunked_upload_completes_makes_thumbnails_and_marks_the_photo<S: HubStore>(
    f: Fixture<S>,
) {
    let env = start(&f.store, options(f.dir.path())).await;
    let api = Api::of(&env);
    let up = patient_with_photo(&env.store, env.clinic, &images::photo_like(1200, 900, 1)).await;
    assert_eq!(
        api.status(&up).await,
        (200, serde_json::json!({"received": 0, "complete": false}))
    );
    let chunk = up.bytes.len() / 5 + 1;
    let last = api.upload_from(&up, 0, chunk).await;
    assert_eq!(last["complete"], true);
    // The staging rows are gone; the status says complete.
    let staged = env.store.staged_upload(env.clinic, &up.sha256).await;
    assert!(matches!(staged, Ok(None)), "{staged:?}");
    assert_eq!(
        api.status(&up).await,
        (
            200,
            serde_json::json!({"received": up.bytes.len(), "complete": true})
        )
    );
    wait_thumbnails(&env, &up).await;
    let photo = photo_in_doc(&env.store, env.clinic, &up).await;
    assert_eq!(photo.processing_error, None);
    eventually("the thumbnail job to be done", || async {
        job_of(&env.store, up.photo)
            .await
            .is_some_and(|j| j.state == JobState::Done)
    })
    .await;
    let job = job_of(&env.store, up.photo).await;
    assert_eq!(
        job.map(|j| j.payload["sha256"].clone()),
        Some(up.sha256.clone().into())
    );
    for (variant, side) in [("gallery", 320), ("full", 1600)] {
        let (status, headers, body) = api.blob(&up.sha256, variant).await;
        assert_eq!(status, 200, "{variant}");
        assert_eq!(headers["content-type"], "image/jpeg");
        assert!(headers.contains_key("etag"));
        let img = image::load_from_memory(&body).unwrap_or_else(|e| panic!("{variant}: {e}"));
        assert_eq!(img.width().max(img.height()), side.min(1200), "{variant}");
        assert_eq!(
            img.width() * 3,
            img.height() * 4,
            "{variant} keeps the aspect"
        );
    }
    let (status, headers, body) = api.blob(&up.sha256, "original").await;
    assert_eq!(
        (status, headers["content-type"].to_str().ok()),
        (200, Some("image/jpeg"))
    );
    let etag = headers["etag"].clone();
    let again = api
        .client
        .get(format!(
            "{}/api/blobs/{}?variant=original",
            api.base, up.sha256
        ))
        .bearer_auth(&api.token)
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.status().as_u16(), 304);
    assert_eq!(
        body.as_ref(),
        up.bytes.as_slice(),
        "a clean JPEG is served as uploaded"
    );
    // A second GET of a complete photo whose job is done queues nothing new.
    let before = job_of(&env.store, up.photo).await.map(|j| j.id);
    api.status(&up).await;
    assert_eq!(job_of(&env.store, up.photo).await.map(|j| j.id), before);
    env.hub.stop().await;
}

async fn an_interrupted_upload_resumes_at_its_offset_across_connections_and_restarts<
    S: HubStore,
>(
    f: Fixture<S>,
) {
    let env = start(&f.store, options(f.dir.path())).await;
    let up = patient_with_photo(&env.store, env.clinic, &images::photo_like(900, 600, 2)).await;
    let total = up.bytes.len();
    let half = total / 2;
    // The first "connection" sends the first half, then is gone.
    let first = Api::of(&env);
    assert_eq!(first.put(&up, 0, total, &up.bytes[..half / 2]).await.0, 200);
    assert_eq!(
        first
            .put(&up, half / 2, total, &up.bytes[half / 2..half])
            .await
            .0,
        200
    );
    drop(first);
    // The hub restarts; the staged chunks are in its database.
    env.hub.stop().await;
    let hub = common::TestHub::start(env.store.clone(), options(f.dir.path())).await;
    let second = Api::new(&hub.http(""), &env.node.token);
    let (status, body) = second.status(&up).await;
    assert_eq!(
        (status, body["received"].as_u64()),
        (200, Some(half as u64)),
        "{body}"
    );
    assert_eq!(body["complete"], false);
    let last = second.upload_from(&up, half, 64 * 1024).await;
    assert_eq!(last["complete"], true);
    eventually("thumbnails after the resumed upload", || async {
        photo_in_doc(&env.store, env.clinic, &up)
            .await
            .thumbnails_ready
    })
    .await;
    hub.stop().await;
}

async fn a_chunk_at_the_wrong_offset_is_409_with_where_to_resume<S: HubStore>(f: Fixture<S>) {
    let env = start(&f.store, options(f.dir.path())).await;
    let api = Api::of(&env);
    let up = patient_with_photo(&env.store, env.clinic, &images::photo_like(300, 200, 3)).await;
    let total = up.bytes.len();
    // Nothing staged: only offset 0 starts an upload.
    let (status, body) = api.put(&up, 100, total, &up.bytes[100..200]).await;
    assert_eq!(
        (status, &body["error"], &body["received"]),
        (409, &"offset_mismatch".into(), &0.into()),
        "{body}"
    );
    assert_eq!(api.put(&up, 0, total, &up.bytes[..1000]).await.0, 200);
    // The same chunk again (a retry after a lost answer): the hub says where it stands.
    let (status, body) = api.put(&up, 0, total, &up.bytes[..1000]).await;
    assert_eq!(
        (status, body["received"].as_u64()),
        (409, Some(1000)),
        "{body}"
    );
    let (status, body) = api.put(&up, 1500, total, &up.bytes[1500..1600]).await;
    assert_eq!(
        (status, body["received"].as_u64()),
        (409, Some(1000)),
        "{body}"
    );
    assert!(body["message"].is_string());
    // Resuming where it said completes the upload with the right bytes.
    assert_eq!(api.upload_from(&up, 1000, 4096).await["complete"], true);
    let (_, _, body) = api.blob(&up.sha256, "original").await;
    assert_eq!(body.as_ref(), up.bytes.as_slice());
    env.hub.stop().await;
}

async fn an_oversized_photo_is_413_and_nothing_is_staged<S: HubStore>(f: Fixture<S>) {
    let mut opts = options(f.dir.path());
    opts.photo_max_bytes = 5_000;
    let env = start(&f.store, opts).await;
    let api = Api::of(&env);
    let up = patient_with_photo(&env.store, env.clinic, &images::photo_like(300, 200, 4)).await;
    assert!(up.bytes.len() > 5_000);
    let (status, body) = api.put(&up, 0, up.bytes.len(), &up.bytes[..1000]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (413, Some("too_large")),
        "{body}"
    );
    assert!(matches!(
        env.store.staged_upload(env.clinic, &up.sha256).await,
        Ok(None)
    ));
    // A chunk over 4 MiB is refused whatever the total.
    let big = vec![0xFFu8; 4 * 1024 * 1024 + 1];
    let (status, body) = api.put(&up, 0, 4_500, &big).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (413, Some("too_large")),
        "{body}"
    );
    assert!(matches!(
        env.store.staged_upload(env.clinic, &up.sha256).await,
        Ok(None)
    ));
    env.hub.stop().await;
}

async fn a_file_that_is_not_an_image_is_415_and_nothing_is_staged<S: HubStore>(f: Fixture<S>) {
    let env = start(&f.store, options(f.dir.path())).await;
    let api = Api::of(&env);
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".repeat(10);
    let up = patient_with_photo(&env.store, env.clinic, &gif).await;
    let (status, body) = api.put(&up, 0, gif.len(), &gif).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (415, Some("unsupported_type")),
        "{body}"
    );
    assert!(matches!(
        env.store.staged_upload(env.clinic, &up.sha256).await,
        Ok(None)
    ));
    assert_eq!(api.status(&up).await.1["received"], 0);
    env.hub.stop().await;
}

async fn bytes_that_do_not_hash_to_the_name_are_422_and_discarded<S: HubStore>(f: Fixture<S>) {
    let env = start(&f.store, options(f.dir.path())).await;
    let api = Api::of(&env);
    let mut up = patient_with_photo(&env.store, env.clinic, &images::photo_like(300, 200, 5)).await;
    // Same length, one byte flipped near the end.
    let n = up.bytes.len();
    up.bytes[n - 10] ^= 0x55;
    let total = up.bytes.len();
    assert_eq!(api.put(&up, 0, total, &up.bytes[..total / 2]).await.0, 200);
    let (status, body) = api.put(&up, total / 2, total, &up.bytes[total / 2..]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("sha256_mismatch")),
        "{body}"
    );
    assert!(matches!(
        env.store.staged_upload(env.clinic, &up.sha256).await,
        Ok(None)
    ));
    assert_eq!(
        api.status(&up).await.1,
        serde_json::json!({"received": 0, "complete": false})
    );
    let (status, _, _) = api.blob(&up.sha256, "original").await;
    assert_eq!(status, 404);
    assert!(
        job_of(&env.store, up.photo).await.is_none(),
        "no job for a refused upload"
    );
    env.hub.stop().await;
}

async fn a_corrupt_image_kills_its_job_with_the_reason_and_the_hub_stays_healthy<S: HubStore>(
    f: Fixture<S>,
) {
    let env = start(&f.store, options(f.dir.path())).await;
    let api = Api::of(&env);
    // A JPEG's first bytes, then noise: it passes the type check, not the decoder.
    let mut bytes = images::photo_like(200, 200, 6)[..40].to_vec();
    bytes.extend((0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    let up = patient_with_photo(&env.store, env.clinic, &bytes).await;
    assert_eq!(api.upload_from(&up, 0, 8192).await["complete"], true);
    eventually("the corrupt image's job to die", || async {
        job_of(&env.store, up.photo)
            .await
            .is_some_and(|j| j.state == JobState::Dead)
    })
    .await;
    let job = job_of(&env.store, up.photo).await;
    let reason = job
        .as_ref()
        .and_then(|j| j.last_error.clone())
        .unwrap_or_default();
    assert!(reason.contains("cannot be decoded"), "{job:?}");
    assert_eq!(job.map(|j| j.attempts), Some(1), "not retried");
    eventually("the reason to reach the patient document", || async {
        photo_in_doc(&env.store, env.clinic, &up)
            .await
            .processing_error
            .is_some()
    })
    .await;
    let photo = photo_in_doc(&env.store, env.clinic, &up).await;
    assert!(!photo.thumbnails_ready);
    assert_eq!(photo.processing_error.as_deref(), Some(reason.as_str()));
    let (status, _, _) = api.blob(&up.sha256, "gallery").await;
    assert_eq!(status, 404, "no thumbnail for a corrupt image");
    let health = common::http()
        .get(env.hub.http("/api/healthz"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(health.status().as_u16(), 200);
    let metrics = common::http()
        .get(env.hub.http("/metrics"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    for line in [
        "dermis_photo_thumbnails_total{outcome=\"failed\"} 1",
        "dermis_photo_uploads_total{outcome=\"complete\"} 1",
        &format!("dermis_photo_chunk_bytes_total {}", up.bytes.len()),
    ] {
        assert!(metrics.contains(line), "{line} not in\n{metrics}");
    }
    // Asking again about the photo does not queue it forever.
    api.status(&up).await;
    let jobs = env.store.list_jobs(&[], 100).await.unwrap_or_default();
    assert_eq!(jobs.iter().filter(|j| j.kind == "thumbnail").count(), 1);
    env.hub.stop().await;
}

async fn a_decompression_bomb_is_refused_by_the_thumbnail_job<S: HubStore>(f: Fixture<S>) {
    let mut opts = options(f.dir.path());
    opts.photo_max_pixels = 100_000;
    let env = start(&f.store, opts).await;
    let api = Api::of(&env);
    let up = patient_with_photo(&env.store, env.clinic, &images::photo_like(600, 400, 7)).await;
    assert_eq!(api.upload_from(&up, 0, 1 << 20).await["complete"], true);
    eventually("the oversized image's job to die", || async {
        job_of(&env.store, up.photo)
            .await
            .is_some_and(|j| j.state == JobState::Dead)
    })
    .await;
    let job = job_of(&env.store, up.photo).await;
    let reason = job.and_then(|j| j.last_error).unwrap_or_default();
    assert!(
        reason.contains("600x400") && reason.contains("over the limit"),
        "{reason}"
    );
    env.hub.stop().await;
}

async fn another_clinics_blob_is_not_found<S: HubStore>(f: Fixture<S>) {
    let env = start(&f.store, options(f.dir.path())).await;
    let a = Api::of(&env);
    let up = patient_with_photo(&env.store, env.clinic, &images::photo_like(400, 300, 8)).await;
    a.upload_from(&up, 0, 1 << 20).await;
    eventually("clinic A's thumbnails", || async {
        photo_in_doc(&env.store, env.clinic, &up)
            .await
            .thumbnails_ready
    })
    .await;
    let other = common::create_clinic(&env.store, "Other Clinic").await;
    let b_node = common::enroll(&env.store, &env.hub, other, "Elsewhere").await;
    let b = Api::new(&env.hub.http(""), &b_node.token);
    for variant in ["original", "gallery", "full"] {
        let (status, _, body) = b.blob(&up.sha256, variant).await;
        assert_eq!(status, 404, "{variant}");
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        assert_eq!(body["error"], "not_found");
    }
    // Naming A's sha256 does not make B's upload complete: B must send the bytes.
    assert_eq!(
        b.status(&up).await.1,
        serde_json::json!({"received": 0, "complete": false})
    );
    env.hub.stop().await;
}

async fn tokens_are_checked_like_sync<S: HubStore>(f: Fixture<S>) {
    let env = start(&f.store, options(f.dir.path())).await;
    let up = patient_with_photo(&env.store, env.clinic, &images::photo_like(100, 100, 9)).await;
    let nobody = Api::new(&env.hub.http(""), "not-a-token");
    let (status, body) = nobody.status(&up).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("unauthorized"))
    );
    let api = Api::of(&env);
    assert_eq!(api.status(&up).await.0, 200);
    let revoked = env
        .store
        .revoke_node(env.node.node_id, dermis_model::now_millis())
        .await;
    assert!(matches!(revoked, Ok(true)));
    let (status, body) = api.status(&up).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("revoked")));
    let (status, body) = api.put(&up, 0, up.bytes.len(), &up.bytes).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("revoked")));
    let (status, _, _) = api.blob(&up.sha256, "original").await;
    assert_eq!(status, 403);
    assert!(matches!(
        env.store.staged_upload(env.clinic, &up.sha256).await,
        Ok(None)
    ));
    env.hub.stop().await;
}

async fn served_images_carry_no_metadata_and_are_upright<S: HubStore>(f: Fixture<S>) {
    let env = start(&f.store, options(f.dir.path())).await;
    let api = Api::of(&env);
    // 400 wide, 200 high, left half red; EXIF orientation 6 (turn 90° clockwise), GPS.
    let tagged = images::with_metadata(&images::halves(400, 200), 6);
    assert!(contains(&tagged, b"Exif") && contains(&tagged, images::SECRET));
    let up = patient_with_photo(&env.store, env.clinic, &tagged).await;
    api.upload_from(&up, 0, 1 << 20).await;
    wait_thumbnails(&env, &up).await;
    for variant in ["original", "full", "gallery"] {
        let (status, headers, body) = api.blob(&up.sha256, variant).await;
        assert_eq!(status, 200, "{variant}");
        assert_eq!(headers["content-type"], "image/jpeg");
        for needle in [
            &b"Exif"[..],
            images::SECRET,
            b"xmpmeta",
            b"Photoshop",
            b"a comment",
        ] {
            assert!(
                !contains(&body, needle),
                "{variant} carries {:?}",
                String::from_utf8_lossy(needle)
            );
        }
        let img = image::load_from_memory(&body).unwrap_or_else(|e| panic!("{variant}: {e}"));
        let (w, h) = img.dimensions();
        assert!(h > w, "{variant} is upright: {w}x{h}");
        let rgb = img.into_rgb8();
        assert!(
            images::is_red(rgb.get_pixel(w / 2, h / 4).0),
            "{variant}: red on top"
        );
        assert!(
            !images::is_red(rgb.get_pixel(w / 2, 3 * h / 4).0),
            "{variant}: blue below"
        );
    }
    // A PNG with text, time and EXIF chunks is served without them, as a PNG.
    let png = images::png_with_metadata(32, 24);
    let up = patient_with_photo(&env.store, env.clinic, &png).await;
    api.upload_from(&up, 0, 1 << 20).await;
    let (status, headers, body) = api.blob(&up.sha256, "original").await;
    assert_eq!(
        (status, headers["content-type"].to_str().ok()),
        (200, Some("image/png"))
    );
    assert!(!contains(&body, images::SECRET) && !contains(&body, b"tIME"));
    let webp = images::webp_with_metadata(32, 24);
    let up = patient_with_photo(&env.store, env.clinic, &webp).await;
    api.upload_from(&up, 0, 1 << 20).await;
    let (status, headers, body) = api.blob(&up.sha256, "original").await;
    assert_eq!(
        (status, headers["content-type"].to_str().ok()),
        (200, Some("image/webp"))
    );
    assert!(!contains(&body, images::SECRET) && !contains(&body, b"EXIF"));
    env.hub.stop().await;
}

async fn a_complete_blob_whose_photo_has_no_job_gets_one_when_asked<S: HubStore>(f: Fixture<S>) {
    let env = start(&f.store, options(f.dir.path())).await;
    let api = Api::of(&env);
    let bytes = images::photo_like(500, 400, 12);
    // A completion cut short after the blob and the photo row were stored, before the
    // job was queued.
    let up = patient_with_photo(&env.store, env.clinic, &bytes).await;
    let blobs = Blobs::Local(LocalBlobs::new(f.dir.path().join("blobs")));
    let key = dermis_hub::blobs::key(env.clinic, Variant::Original, &up.sha256);
    blobs
        .put(&key, bytes.clone().into(), "image/jpeg")
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let row = PhotoBlob {
        photo: up.photo,
        patient: up.patient,
        sha256: up.sha256.clone(),
        mime: "image/jpeg".into(),
        size: bytes.len() as u64,
        thumbnails: Thumbnails::Pending,
        error: None,
    };
    env.store
        .complete_upload(env.clinic, &row, dermis_model::now_millis())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(job_of(&env.store, up.photo).await.is_none());
    assert_eq!(
        api.status(&up).await,
        (
            200,
            serde_json::json!({"received": bytes.len(), "complete": true})
        )
    );
    assert!(
        job_of(&env.store, up.photo).await.is_some(),
        "asking queued the job"
    );
    wait_thumbnails(&env, &up).await;
    // Another photo (another patient) with the same bytes: complete at once, with a job
    // and thumbnails of its own, without sending a byte.
    let twin = patient_with_photo(&env.store, env.clinic, &bytes).await;
    let (status, body) = api.put(&twin, 0, bytes.len(), &bytes[..1000]).await;
    assert_eq!(
        (status, body["complete"].as_bool()),
        (200, Some(true)),
        "{body}"
    );
    wait_thumbnails(&env, &twin).await;
    assert_ne!(
        job_of(&env.store, up.photo).await.map(|j| j.id),
        job_of(&env.store, twin.photo).await.map(|j| j.id)
    );
    env.hub.stop().await;
}

async fn an_original_lost_from_the_blob_store_is_uploaded_again<S: HubStore>(f: Fixture<S>) {
    let env = start(&f.store, options(f.dir.path())).await;
    let api = Api::of(&env);
    let up = patient_with_photo(&env.store, env.clinic, &images::photo_like(300, 300, 13)).await;
    api.upload_from(&up, 0, 1 << 20).await;
    wait_thumbnails(&env, &up).await;
    let blobs = Blobs::Local(LocalBlobs::new(f.dir.path().join("blobs")));
    let key = dermis_hub::blobs::key(env.clinic, Variant::Original, &up.sha256);
    blobs.delete(&key).await.unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        api.status(&up).await,
        (200, serde_json::json!({"received": 0, "complete": false}))
    );
    assert_eq!(api.upload_from(&up, 0, 1 << 20).await["complete"], true);
    let (status, _, body) = api.blob(&up.sha256, "original").await;
    assert_eq!((status, body.len()), (200, up.bytes.len()));
    env.hub.stop().await;
}

async fn concurrent_gets_of_an_original_decode_it_once<S: HubStore>(f: Fixture<S>) {
    let env = start(&f.store, options(f.dir.path())).await;
    let api = Api::of(&env);
    let up = patient_with_photo(&env.store, env.clinic, &images::photo_like(400, 300, 21)).await;
    assert_eq!(api.upload_from(&up, 0, 1 << 20).await["complete"], true);
    // Twelve at once, more than the decode slots and queue could take one by one.
    let gets = (0..12).map(|_| api.blob(&up.sha256, "original"));
    let answers = futures_util::future::join_all(gets).await;
    let first = answers[0].2.clone();
    assert!(!first.is_empty());
    for (status, headers, body) in &answers {
        assert_eq!(*status, 200);
        assert_eq!(headers["content-type"], "image/jpeg");
        assert_eq!(body, &first, "every caller gets the same cleaned bytes");
    }
    let (status, _, again) = api.blob(&up.sha256, "original").await;
    assert_eq!(
        (status, &again),
        (200, &first),
        "later calls read the cache"
    );
    let metrics = common::http()
        .get(env.hub.http("/metrics"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(
        metrics.contains("dermis_photo_cleanings_total 1\n"),
        "decoded once: {metrics}"
    );
    assert!(metrics.contains("dermis_photo_decode_refusals_total 0\n"));
    let cached = Blobs::Local(LocalBlobs::new(f.dir.path().join("blobs")))
        .get(&dermis_hub::blobs::clean_key(env.clinic, &up.sha256))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        cached.as_deref(),
        Some(first.as_ref()),
        "kept in the blob store"
    );
    env.hub.stop().await;
}
