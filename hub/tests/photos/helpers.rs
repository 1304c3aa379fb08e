//! What the photo tests share: a hub with quick job workers, a patient document with a
//! photo entry stored on the hub, and the photo lane's HTTP calls.

use std::time::Duration;

use automerge::{ActorId, AutoCommit};
use bytes::Bytes;
use dermis_hub::jobs::{Job, JobOptions};
use dermis_hub::server::ServerOptions;
use dermis_hub::store::HubStore;
use dermis_model::patient::{PatientDraft, create_patient};
use dermis_model::photo::{BodyPart, Photo, PhotoDraft, PhotoMime, add_photo, read_photos};
use dermis_model::{ClinicId, PatientId, PhotoId, now_millis};
use dermis_sync::wire::{DocPush, FetchItem, PushOutcome};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::common::{self, Enrollment, TestHub};

pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub fn quick_jobs(instance: &str) -> JobOptions {
    JobOptions {
        workers: 2,
        poll: Duration::from_millis(50),
        heartbeat: Duration::from_millis(100),
        stale_after: Duration::from_millis(800),
        backoff_base: Duration::from_millis(50),
        backoff_cap: Duration::from_millis(200),
        keep_done: Duration::from_secs(3600),
        instance: instance.into(),
    }
}

/// Production options with quick job workers.
pub fn options(dir: &std::path::Path) -> ServerOptions {
    let mut options = common::options(dir, Duration::from_secs(1));
    options.jobs = quick_jobs("test-hub");
    options
}

/// A running hub, one clinic, one enrolled node.
pub struct Env<S> {
    pub store: S,
    pub hub: TestHub,
    pub clinic: ClinicId,
    pub node: Enrollment,
}

pub async fn start<S: HubStore>(store: &S, options: ServerOptions) -> Env<S> {
    let hub = TestHub::start(store.clone(), options).await;
    let clinic = common::create_clinic(store, "Photo Clinic").await;
    let node = common::enroll(store, &hub, clinic, "Camera desk").await;
    Env {
        store: store.clone(),
        hub,
        clinic,
        node,
    }
}

/// A photo as the node recorded it, and where its bytes go.
#[derive(Clone, Debug)]
pub struct Upload {
    pub patient: Uuid,
    pub photo: Uuid,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

/// Stores on the hub a patient document holding one photo entry for `bytes`, as a
/// node's push would.
pub async fn patient_with_photo<S: HubStore>(store: &S, clinic: ClinicId, bytes: &[u8]) -> Upload {
    let draft = PatientDraft {
        first_name: "Photo".into(),
        last_name: "Patient".into(),
        ..Default::default()
    };
    patient_doc_with_photo(store, clinic, &draft, bytes).await.0
}

/// [`patient_with_photo`] for the patient `draft`, returning the document too (for
/// later edits).
pub async fn patient_doc_with_photo<S: HubStore>(
    store: &S,
    clinic: ClinicId,
    draft: &PatientDraft,
    bytes: &[u8],
) -> (Upload, AutoCommit) {
    let patient = PatientId::new();
    let photo = PhotoId::new();
    let mut doc = create_patient(
        patient,
        clinic,
        draft,
        "PH-1",
        now_millis(),
        None,
        ActorId::random(),
    )
    .unwrap_or_else(|e| panic!("create patient: {e}"));
    let sha = sha256(bytes);
    let photo_draft = PhotoDraft {
        sha256: sha.clone(),
        mime: PhotoMime::sniff(bytes).unwrap_or(PhotoMime::Jpeg),
        size: bytes.len() as u64,
        body_part: BodyPart::Forearm,
        tags: vec![],
        taken_at: now_millis(),
        encounter_id: None,
    };
    add_photo(&mut doc, photo, &photo_draft, None).unwrap_or_else(|e| panic!("add photo: {e}"));
    doc.commit();
    let mut s = store.clone();
    let outcome = s
        .apply(
            clinic,
            &[DocPush {
                doc_id: patient.0,
                doc_type: "patient".into(),
                data: doc.save(),
            }],
        )
        .await
        .unwrap_or_else(|e| panic!("apply: {e}"));
    assert!(
        matches!(outcome.first(), Some(PushOutcome::Applied { .. })),
        "{outcome:?}"
    );
    let up = Upload {
        patient: patient.0,
        photo: photo.0,
        sha256: sha,
        bytes: bytes.to_vec(),
    };
    (up, doc)
}

/// The photo's entry in the patient document on the hub.
pub async fn photo_in_doc<S: HubStore>(store: &S, clinic: ClinicId, up: &Upload) -> Photo {
    let mut s = store.clone();
    let data = s
        .fetch(
            clinic,
            &[FetchItem {
                doc_id: up.patient,
                have: vec![],
            }],
        )
        .await
        .unwrap_or_else(|e| panic!("fetch: {e}"))
        .pop()
        .flatten()
        .unwrap_or_else(|| panic!("no patient document"))
        .data;
    let doc = automerge::AutoCommit::load(&data).unwrap_or_else(|e| panic!("load: {e}"));
    read_photos(&doc)
        .unwrap_or_else(|e| panic!("read photos: {e}"))
        .into_iter()
        .find(|p| p.id.0 == up.photo)
        .unwrap_or_else(|| panic!("photo not in the document"))
}

/// The thumbnail job of a photo, if one was queued.
pub async fn job_of<S: HubStore>(store: &S, photo: Uuid) -> Option<Job> {
    store
        .list_jobs(&[], 500)
        .await
        .unwrap_or_else(|e| panic!("list jobs: {e}"))
        .into_iter()
        .find(|j| j.kind == "thumbnail" && j.payload["photo"] == photo.to_string())
}

pub struct Api {
    pub base: String,
    pub token: String,
    pub client: reqwest::Client,
}

impl Api {
    pub fn new(base: &str, token: &str) -> Api {
        Api {
            base: base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            client: common::http(),
        }
    }

    pub fn of<S>(env: &Env<S>) -> Api {
        Api::new(&env.hub.http(""), &env.node.token)
    }

    pub async fn status(&self, up: &Upload) -> (u16, Value) {
        let url = format!(
            "{}/api/uploads/{}?patient={}&photo={}",
            self.base, up.sha256, up.patient, up.photo
        );
        let r = self
            .client
            .get(url)
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET uploads: {e}"));
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    pub async fn put(
        &self,
        up: &Upload,
        offset: usize,
        total: usize,
        chunk: &[u8],
    ) -> (u16, Value) {
        let url = format!(
            "{}/api/uploads/{}?offset={offset}&total={total}&patient={}&photo={}",
            self.base, up.sha256, up.patient, up.photo
        );
        let r = self
            .client
            .put(url)
            .bearer_auth(&self.token)
            .header("content-type", "application/octet-stream")
            .body(chunk.to_vec())
            .send()
            .await
            .unwrap_or_else(|e| panic!("PUT uploads: {e}"));
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    /// Uploads `up.bytes` from `from` in chunks of `chunk` bytes; every answer must be
    /// 200. Returns the last answer.
    pub async fn upload_from(&self, up: &Upload, from: usize, chunk: usize) -> Value {
        let total = up.bytes.len();
        let mut offset = from;
        let mut last = Value::Null;
        while offset < total {
            let end = (offset + chunk).min(total);
            let (status, body) = self.put(up, offset, total, &up.bytes[offset..end]).await;
            assert_eq!(status, 200, "chunk at {offset}: {body}");
            assert_eq!(body["received"], end as u64, "{body}");
            assert_eq!(body["complete"], end == total, "{body}");
            offset = end;
            last = body;
        }
        last
    }

    pub async fn blob(
        &self,
        sha256: &str,
        variant: &str,
    ) -> (u16, reqwest::header::HeaderMap, Bytes) {
        let r = self
            .client
            .get(format!(
                "{}/api/blobs/{sha256}?variant={variant}",
                self.base
            ))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET blobs: {e}"));
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        (status, headers, r.bytes().await.unwrap_or_default())
    }
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
