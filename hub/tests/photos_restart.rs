//! The hub killed mid-job: a `dermis-hub serve` process is killed (SIGKILL) while its
//! worker runs a photo's thumbnail job; another hub on the same database finds the
//! stale claim, runs the job again and completes it. On both stores.

#[allow(dead_code)]
mod common;
#[path = "photos/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[path = "common/images.rs"]
mod images;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{Fixture, eventually};
use dermis_hub::jobs::JobState;
use dermis_hub::store::HubStore;
use helpers::{Api, job_of, patient_with_photo, photo_in_doc};

const BIN: &str = env!("CARGO_BIN_EXE_dermis-hub");

on_both_stores!(a_job_cut_short_by_a_killed_hub_completes_after_the_restart);

/// `dermis-hub serve` on a free port, with only the settings we give it.
fn spawn_hub(data_dir: &Path, database_url: Option<&str>) -> (Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir").arg(data_dir).arg("serve");
    for var in [
        "DATABASE_URL",
        "DATABASE_URL_FILE",
        "DERMIS_HUB_DATA_DIR",
        "S3_ENDPOINT",
        "LOG_FORMAT",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    let child = cmd
        .env("HUB_BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {BIN}: {e}"));
    (child, format!("http://127.0.0.1:{port}"))
}

async fn a_job_cut_short_by_a_killed_hub_completes_after_the_restart<S: HubStore>(f: Fixture<S>) {
    let url = f.db.as_ref().map(|db| db.url.clone());
    let (mut child, base) = spawn_hub(f.dir.path(), url.as_deref());
    let client = common::http();
    eventually("the hub process to serve", || async {
        client
            .get(format!("{base}/api/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().as_u16() == 200)
    })
    .await;
    let clinic = common::create_clinic(&f.store, "Restart Clinic").await;
    let code = common::add_node(&f.store, clinic, "Desk").await;
    let enrolled: serde_json::Value = client
        .post(format!("{base}/api/enroll"))
        .json(&serde_json::json!({"code": code, "node_name": "Desk"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("enroll: {e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("enroll: {e}"));
    let token = enrolled["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{enrolled}"));
    // 12 megapixels: a thumbnail job long enough to be caught running.
    let up = patient_with_photo(&f.store, clinic, &images::photo_like(4000, 3000, 42)).await;
    let api = Api::new(&base, token);
    assert_eq!(api.upload_from(&up, 0, 4 << 20).await["complete"], true);

    let deadline = tokio::time::Instant::now() + common::WITHIN;
    loop {
        let job = job_of(&f.store, up.photo).await;
        match job.as_ref().map(|j| j.state) {
            Some(JobState::Running) => break,
            Some(JobState::Done | JobState::Dead) => {
                panic!("the job ended before the kill: {job:?}")
            }
            _ => {}
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the job never ran: {job:?}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap_or_else(|e| panic!("kill: {e}"));
    child.wait().unwrap_or_else(|e| panic!("wait: {e}"));
    let cut = job_of(&f.store, up.photo).await;
    assert_eq!(
        cut.as_ref().map(|j| j.state),
        Some(JobState::Running),
        "a dead claim: {cut:?}"
    );
    assert!(!photo_in_doc(&f.store, clinic, &up).await.thumbnails_ready);

    // Another hub on the same database and blob folder.
    let hub = common::TestHub::start(f.store.clone(), helpers::options(f.dir.path())).await;
    eventually("the job to complete after the restart", || async {
        job_of(&f.store, up.photo)
            .await
            .is_some_and(|j| j.state == JobState::Done)
    })
    .await;
    let job = job_of(&f.store, up.photo).await;
    assert!(job.as_ref().is_some_and(|j| j.attempts >= 2), "{job:?}");
    assert_ne!(
        job.and_then(|j| j.claimed_by),
        cut.and_then(|j| j.claimed_by)
    );
    assert!(photo_in_doc(&f.store, clinic, &up).await.thumbnails_ready);
    let api = Api::new(&hub.http(""), token);
    let (status, _, body) = api.blob(&up.sha256, "full").await;
    assert_eq!(status, 200);
    let img = image::load_from_memory(&body).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((img.width(), img.height()), (1600, 1200));
    hub.stop().await;
}
