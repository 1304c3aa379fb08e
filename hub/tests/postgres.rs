//! Postgres only: several stateless hub instances on one database (LISTEN/NOTIFY), and
//! a database restart under a connected node.

#[allow(dead_code)]
mod common;

use std::time::{Duration, Instant};

use common::cluster::Cluster;
use common::node::{ConnectError, Link, TestNode};
use common::{TestDb, TestHub, create_clinic, enroll, hub_heads, options, tempdir};
use dermis_hub::store::HubStore;
use dermis_hub::store::postgres::PgStore;
use dermis_model::now_millis;
use dermis_sync::wire::ErrorCode;

/// Long enough that only a notification can explain a prompt wake-up.
const LONG: Duration = Duration::from_secs(3600);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_live_updates_and_revocations() {
    let Some(db) = TestDb::create().await else {
        return;
    };
    let dir = tempdir();
    let (store_one, store_two) = (db.store().await, db.store().await);
    let one = TestHub::start(store_one.clone(), options(dir.path(), LONG)).await;
    let two = TestHub::start(store_two.clone(), options(dir.path(), LONG)).await;
    let clinic = create_clinic(&store_one, "Two hubs").await;
    let a = TestNode::new(&enroll(&store_one, &one, clinic, "A").await);
    let b = TestNode::new(&enroll(&store_two, &two, clinic, "B").await);
    let mut la = a.connect(&one.ws()).await;
    let mut lb = b.connect(&two.ws()).await;
    la.caught_up_after(0).await;
    let seen = lb.caught_up_after(0).await.applies;

    let p = a.create_patient("Across").await;
    la.changed();
    lb.wait("A's edit through the other instance", |s| s.applies > seen)
        .await;
    assert_eq!(b.first_name(p).await.as_deref(), Some("Across"));
    b.rename(p, "Back again").await;
    lb.changed();
    common::eventually("B's edit to reach A", || async {
        a.first_name(p).await.as_deref() == Some("Back again")
    })
    .await;

    // Revoked through instance one's store: instance two hears it at once.
    let started = Instant::now();
    assert_eq!(
        store_one.revoke_node(b.id, now_millis()).await.ok(),
        Some(true)
    );
    let closed = lb.closed().await;
    assert_eq!(closed.close_code, Some(ErrorCode::Revoked.close_code()));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    assert!(la.is_open());
    one.stop().await;
    two.stop().await;
}

async fn connect_when_up(node: &TestNode, url: &str) -> Link {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match node.try_connect(url).await {
            Ok(link) => return link,
            Err(ConnectError::Status(503, _)) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("reconnect: {e:?}"),
        }
    }
}

/// Postgres stops while nodes are connected: the node whose write fails is told to
/// retry, keeps its edit, and delivers it once Postgres is back; the other instance's
/// LISTEN connection comes back by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_restart_loses_nothing() {
    let Some(cluster) = Cluster::start_new() else {
        return;
    };
    let url = cluster.url("postgres");
    let store_one = PgStore::connect(&url, Duration::from_secs(2))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let store_two = PgStore::connect(&url, Duration::from_secs(2))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let dir = tempdir();
    let one = TestHub::start(store_one.clone(), options(dir.path(), LONG)).await;
    let two = TestHub::start(store_two.clone(), options(dir.path(), LONG)).await;
    let clinic = create_clinic(&store_one, "Restart").await;
    let a = TestNode::new(&enroll(&store_one, &one, clinic, "A").await);
    let b = TestNode::new(&enroll(&store_two, &two, clinic, "B").await);
    let mut la = a.connect(&one.ws()).await;
    let mut lb = b.connect(&two.ws()).await;
    la.caught_up_after(0).await;
    lb.caught_up_after(0).await;
    let p = a.create_patient("Before").await;
    la.changed();
    common::eventually("the first edit everywhere", || async {
        b.first_name(p).await.as_deref() == Some("Before")
    })
    .await;

    cluster.stop();
    let lost = a.rename(p, "During the outage").await;
    la.changed();
    let closed = la.closed().await;
    assert_eq!(
        closed.close_code,
        Some(ErrorCode::Internal.close_code()),
        "{closed:?}"
    );
    assert_eq!(a.outbox_len().await, 1, "the edit waits in the outbox");

    cluster.start();
    let mut la = connect_when_up(&a, &one.ws()).await;
    la.caught_up_after(0).await;
    assert_eq!(a.outbox_len().await, 0, "delivered after the restart");
    let hub = hub_heads(&store_one, clinic).await;
    assert!(hub[&p].contains(&lost), "the hub has the outage edit");
    // B's session never touched the database during the outage; it may or may not
    // have been closed meanwhile. Either way it ends up with the edit.
    let mut lb = if lb.is_open() {
        lb
    } else {
        connect_when_up(&b, &two.ws()).await
    };
    common::eventually("B to get the outage edit", || async {
        b.first_name(p).await.as_deref() == Some("During the outage")
    })
    .await;
    assert!(lb.is_open());

    // Live wake-ups across instances work again (LISTEN reconnected).
    let seen = lb.state.borrow().applies;
    let q = a.create_patient("After").await;
    la.changed();
    lb.wait("a live update after the restart", |s| s.applies > seen)
        .await;
    assert_eq!(b.first_name(q).await.as_deref(), Some("After"));
    one.stop().await;
    two.stop().await;
}
