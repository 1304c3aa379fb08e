//! `/api/healthz` names the failing part; shutdown closes sessions with `shutting_down`.

use std::time::Duration;

use crate::on_both_stores;
use dermis_hub::store::HubStore;
use dermis_sync::wire::ErrorCode;
use serde_json::json;

use super::common::node::TestNode;
use super::common::{Fixture, TestHub, create_clinic, enroll, http, options};

async fn health(hub: &TestHub) -> (u16, serde_json::Value) {
    let response = http()
        .get(hub.http("/api/healthz"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET /api/healthz: {e}"));
    let status = response.status().as_u16();
    (
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    )
}

async fn health_names_the_failing_part<S: HubStore>(f: Fixture<S>) {
    let hub = TestHub::start(
        f.store.clone(),
        options(f.dir.path(), Duration::from_secs(2)),
    )
    .await;
    assert_eq!(
        health(&hub).await,
        (200, json!({ "status": "ok", "db": "ok", "storage": "ok" }))
    );
    hub.stop().await;

    // A file where the blob folder should be: storage cannot be written.
    let blocked = f.dir.path().join("blocked");
    std::fs::write(&blocked, b"in the way").unwrap_or_else(|e| panic!("{e}"));
    let mut broken = options(f.dir.path(), Duration::from_secs(2));
    broken.blob_dir = blocked.join("blobs");
    let hub = TestHub::start(f.store.clone(), broken).await;
    assert_eq!(
        health(&hub).await,
        (
            503,
            json!({ "status": "error", "db": "ok", "storage": "unwritable" })
        )
    );
    hub.stop().await;
}

async fn shutdown_closes_sessions_with_shutting_down<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    let hub = TestHub::start(
        f.store.clone(),
        options(f.dir.path(), Duration::from_secs(2)),
    )
    .await;
    let clinic = create_clinic(&store, "Shutdown").await;
    let node = TestNode::new(&enroll(&store, &hub, clinic, "A").await);
    let mut link = node.connect(&hub.ws()).await;
    link.caught_up_after(0).await;
    hub.stop().await;
    let closed = link.closed().await;
    assert_eq!(closed.engine_code, Some(ErrorCode::ShuttingDown));
    assert_eq!(
        closed.close_code,
        Some(ErrorCode::ShuttingDown.close_code())
    );
    assert!(!super::common::node_row(&store, node.id).await.online);
}

on_both_stores!(
    health_names_the_failing_part,
    shutdown_closes_sessions_with_shutting_down
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_health_reports_an_unreachable_database() {
    let Some(f) = super::common::postgres().await else {
        return;
    };
    let hub = TestHub::start(
        f.store.clone(),
        options(f.dir.path(), Duration::from_secs(2)),
    )
    .await;
    f.store.pool().close().await;
    assert_eq!(
        health(&hub).await,
        (
            503,
            json!({ "status": "error", "db": "unreachable", "storage": "ok" })
        )
    );
    hub.stop().await;
}
