//! The upload staging rows on both stores, below the HTTP layer: chunks append only at
//! the received offset, a changed total restarts at 0, a chunk past the total stores
//! nothing, completion records the photo once and drops the staging, and every row is
//! scoped to its clinic.

#[allow(dead_code)]
mod common;

use common::{Fixture, create_clinic};
use dermis_hub::store::HubStore;
use dermis_hub::store::staging::{Chunk, ChunkOutcome, PhotoBlob, Thumbnails};
use dermis_model::{ClinicId, now_millis};
use uuid::Uuid;

on_both_stores!(
    chunks_append_at_the_received_offset_and_complete_once,
    staging_past_the_quota_is_refused_while_another_clinic_still_can,
);

fn chunk(clinic: ClinicId, sha: &str, offset: u64, total: u64, data: &[u8]) -> Chunk {
    Chunk {
        clinic,
        sha256: sha.into(),
        offset,
        total,
        patient: Uuid::nil(),
        photo: Uuid::max(),
        mime: "image/jpeg".into(),
        data: data.to_vec(),
        quota: u64::MAX,
    }
}

async fn chunks_append_at_the_received_offset_and_complete_once<S: HubStore>(f: Fixture<S>) {
    let store = &f.store;
    let a = create_clinic(store, "A").await;
    let b = create_clinic(store, "B").await;
    let sha = "ab".repeat(32);
    let now = now_millis();
    let stage = |c: Chunk| async move {
        store
            .stage_chunk(c, now)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
    };

    // Only offset 0 starts an upload.
    assert_eq!(
        stage(chunk(a, &sha, 3, 10, b"xyz")).await,
        ChunkOutcome::OffsetMismatch { received: 0 }
    );
    assert!(matches!(store.staged_upload(a, &sha).await, Ok(None)));
    assert_eq!(
        stage(chunk(a, &sha, 0, 10, b"0123")).await,
        ChunkOutcome::Stored { received: 4 }
    );
    assert_eq!(
        stage(chunk(a, &sha, 0, 10, b"0123")).await,
        ChunkOutcome::OffsetMismatch { received: 4 }
    );
    assert_eq!(
        stage(chunk(a, &sha, 6, 10, b"67")).await,
        ChunkOutcome::OffsetMismatch { received: 4 }
    );
    // A chunk running past the total is refused and stores nothing.
    let past = store
        .stage_chunk(chunk(a, &sha, 4, 10, b"4567890123"), now)
        .await;
    assert!(past.is_err(), "{past:?}");
    let up = store.staged_upload(a, &sha).await.ok().flatten();
    assert_eq!(up.as_ref().map(|u| (u.received, u.total)), Some((4, 10)));
    assert_eq!(up.map(|u| u.mime), Some("image/jpeg".to_owned()));
    // Clinic B sees nothing of A's upload, and its own starts at 0.
    assert!(matches!(store.staged_upload(b, &sha).await, Ok(None)));
    assert_eq!(
        stage(chunk(b, &sha, 0, 3, b"bbb")).await,
        ChunkOutcome::Stored { received: 3 }
    );
    // Another total at a later offset: start again.
    assert_eq!(
        stage(chunk(a, &sha, 4, 12, b"45")).await,
        ChunkOutcome::OffsetMismatch { received: 0 }
    );
    // Another total at offset 0 restarts the upload.
    assert_eq!(
        stage(chunk(a, &sha, 0, 6, b"abc")).await,
        ChunkOutcome::Stored { received: 3 }
    );
    assert_eq!(
        stage(chunk(a, &sha, 3, 6, b"def")).await,
        ChunkOutcome::Stored { received: 6 }
    );
    assert_eq!(
        store.staged_bytes(a, &sha).await.ok(),
        Some(b"abcdef".to_vec())
    );
    assert_eq!(
        store.staged_bytes(b, &sha).await.ok(),
        Some(b"bbb".to_vec())
    );

    let blob = PhotoBlob {
        photo: Uuid::max(),
        patient: Uuid::nil(),
        sha256: sha.clone(),
        mime: "image/jpeg".into(),
        size: 6,
        thumbnails: Thumbnails::Pending,
        error: None,
    };
    let row = store.complete_upload(a, &blob, now).await;
    assert_eq!(row.ok().as_ref(), Some(&blob));
    assert!(
        matches!(store.staged_upload(a, &sha).await, Ok(None)),
        "staging dropped"
    );
    assert_eq!(store.staged_bytes(a, &sha).await.ok(), Some(vec![]));
    assert!(
        store.staged_upload(b, &sha).await.ok().flatten().is_some(),
        "B's untouched"
    );
    // Completing again keeps the first row as it is.
    store
        .set_thumbnails(
            a,
            blob.photo,
            Thumbnails::Failed,
            Some("cannot decode"),
            now,
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let again = store
        .complete_upload(a, &blob, now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        (again.thumbnails, again.error.as_deref()),
        (Thumbnails::Failed, Some("cannot decode"))
    );
    assert_eq!(
        store
            .blob_by_sha(a, &sha)
            .await
            .ok()
            .flatten()
            .map(|r| r.photo),
        Some(blob.photo)
    );
    assert!(matches!(store.blob_by_sha(b, &sha).await, Ok(None)));
    assert!(matches!(store.photo_blob(b, blob.photo).await, Ok(None)));
    store
        .discard_upload(b, &sha)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(matches!(store.staged_upload(b, &sha).await, Ok(None)));
    assert!(
        store.discard_upload(b, &sha).await.is_ok(),
        "discarding nothing is fine"
    );
}

async fn staging_past_the_quota_is_refused_while_another_clinic_still_can<S: HubStore>(
    f: Fixture<S>,
) {
    let store = &f.store;
    let a = create_clinic(store, "A").await;
    let b = create_clinic(store, "B").await;
    let quota = |c: Chunk| Chunk { quota: 100, ..c };
    let (one, two) = ("1".repeat(64), "2".repeat(64));
    let first = store
        .stage_chunk(quota(chunk(a, &one, 0, 200, &[1; 60])), 1)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(first, ChunkOutcome::Stored { received: 60 });
    // A second upload of the same clinic would bring it to 120 bytes.
    let refused = store
        .stage_chunk(quota(chunk(a, &two, 0, 200, &[2; 60])), 2)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(refused, ChunkOutcome::OverQuota { staged: 60 });
    assert!(
        store
            .staged_upload(a, &two)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
            .is_none(),
        "nothing half-written: not even the new upload's row"
    );
    let refused = store
        .stage_chunk(quota(chunk(a, &one, 60, 200, &[1; 60])), 3)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(refused, ChunkOutcome::OverQuota { staged: 60 });
    assert_eq!(
        store
            .staged_upload(a, &one)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
            .map(|u| u.received),
        Some(60)
    );
    assert_eq!(
        store
            .staged_bytes(a, &one)
            .await
            .unwrap_or_else(|e| panic!("{e:?}")),
        vec![1; 60]
    );
    // Another clinic has its own quota.
    let other = store
        .stage_chunk(quota(chunk(b, &two, 0, 200, &[2; 90])), 4)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(other, ChunkOutcome::Stored { received: 90 });
    // Within the quota the first clinic continues.
    let more = store
        .stage_chunk(quota(chunk(a, &one, 60, 200, &[1; 40])), 5)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(more, ChunkOutcome::Stored { received: 100 });
}
