//! The hub over real sockets, on both stores: enrollment over HTTP, nodes converging
//! through the hub, live updates, tenancy, revocation, refused input, health, shutdown,
//! node tokens rotating over the session (`rotation`), what one HTTP client can hold
//! (`http_limits`).

#[allow(dead_code)]
mod common;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::node::TestNode;
use common::raw;
use common::{Fixture, TestHub, create_clinic, enroll, hub_heads, options, post_enroll};
use dermis_hub::store::HubStore;
use dermis_model::{DocType, now_millis};
use dermis_sync::conformance::{patient_doc, push};
use dermis_sync::wire::{ClientMsg, ErrorCode, FetchItem, HubMsg, PushOutcome};
use serde_json::json;

const LONG: Duration = Duration::from_secs(3600);

async fn enrollment_over_http<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    let hub = TestHub::start(f.store.clone(), options(f.dir.path(), LONG)).await;
    let clinic = create_clinic(&store, "Derma Nord").await;
    let code = common::add_node(&store, clinic, "Front desk").await;
    assert!(
        code.len() == 19 && code.split('-').all(|g| g.len() == 4),
        "a human-typeable code: {code}"
    );

    // Typed sloppily: lower case, spaces for dashes.
    let typed = code.to_lowercase().replace('-', " ");
    let (status, body) = post_enroll(&hub, json!({ "code": typed, "node_name": "PC-1" })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["clinic_id"], json!(clinic.to_string()));
    assert_eq!(body["clinic_name"], json!("Derma Nord"));
    assert_eq!(body["node_number"], json!(1));
    let token = body["token"].as_str().unwrap_or_default();
    assert!(token.len() >= 43, "a 256-bit token: {token}");
    use base64::Engine;
    let doc = base64::engine::general_purpose::STANDARD
        .decode(body["clinic_doc"].as_str().unwrap_or_default())
        .unwrap_or_else(|e| panic!("clinic_doc is base64: {e}"));
    let doc = automerge::AutoCommit::load(&doc).unwrap_or_else(|e| panic!("{e}"));
    let read = dermis_model::clinic::read_clinic(&doc).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read.name, "Derma Nord");
    let auth = store
        .authenticate(
            &dermis_hub::credentials::hash_secret(token),
            dermis_model::now_millis(),
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(auth.is_some(), "the token works, stored only as its hash");
    assert_eq!(
        store
            .authenticate(token, dermis_model::now_millis())
            .await
            .ok(),
        Some(None)
    );

    // One time only.
    let (status, body) = post_enroll(&hub, json!({ "code": code, "node_name": "PC-1" })).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_code"))
    );
    let (status, _) = post_enroll(
        &hub,
        json!({ "code": "AAAA-BBBB-CCCC-DDDD", "node_name": "x" }),
    )
    .await;
    assert_eq!(status, 401);

    // Expired.
    let late = dermis_hub::credentials::new_enroll_code();
    let hash = dermis_hub::credentials::hash_secret(
        &dermis_hub::credentials::normalize_code(&late).unwrap_or_default(),
    );
    store
        .add_node(clinic, "Late", &hash, now_millis() - 1, now_millis())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let (status, body) = post_enroll(&hub, json!({ "code": late, "node_name": "x" })).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_code"))
    );

    // Malformed.
    let (status, body) = post_enroll(&hub, json!({ "code": 5 })).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("bad_request")));
    let response = common::http()
        .post(hub.http("/api/enroll"))
        .body("not json")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 400);

    // Numbers count every node added to the clinic: "Late" took N2.
    let third = enroll(&store, &hub, clinic, "Room 3").await;
    assert_eq!(third.number, 3);

    // Three failures so far; at ten, this address waits, even with a good code.
    for _ in 0..7 {
        let (status, _) = post_enroll(
            &hub,
            json!({ "code": "AAAA-BBBB-CCCC-DDDD", "node_name": "x" }),
        )
        .await;
        assert_eq!(status, 401);
    }
    let good = common::add_node(&store, clinic, "Patient").await;
    let (status, body) = post_enroll(&hub, json!({ "code": good, "node_name": "x" })).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (429, Some("rate_limited"))
    );
    hub.stop().await;
}

async fn two_nodes_converge_through_the_hub<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    let hub = TestHub::start(f.store.clone(), options(f.dir.path(), LONG)).await;
    let clinic = create_clinic(&store, "Converge").await;
    let a = TestNode::new(&enroll(&store, &hub, clinic, "A").await);
    let b = TestNode::new(&enroll(&store, &hub, clinic, "B").await);
    let mut la = a.connect(&hub.ws()).await;
    let mut lb = b.connect(&hub.ws()).await;
    la.caught_up_after(0).await;
    lb.caught_up_after(0).await;
    assert!(
        a.heads().await.contains_key(&clinic.0),
        "nodes pull the clinic document"
    );

    let p = a.create_patient("Anna").await;
    la.changed();
    common::eventually("B to receive A's patient", || async {
        b.first_name(p).await.as_deref() == Some("Anna")
    })
    .await;

    // Both edit at once; both edits survive everywhere.
    let q = b.create_patient("Boris").await;
    a.rename(p, "Anne").await;
    b.rename(p, "Annie").await;
    la.changed();
    lb.changed();
    common::eventually("A, B and the hub to agree", || async {
        let (ha, hb) = (a.heads().await, b.heads().await);
        ha == hb && ha == hub_heads(&store, clinic).await && ha.contains_key(&q)
    })
    .await;
    assert_eq!(a.first_name(p).await, b.first_name(p).await);
    assert_eq!(a.outbox_len().await + b.outbox_len().await, 0);
    // A session writes its node's status every STATUS_EVERY (250 ms).
    common::eventually("A's status on its row", || async {
        let row = common::node_row(&store, a.id).await;
        row.online && row.last_sync_at.is_some() && row.app_version.is_some()
    })
    .await;
    hub.stop().await;
    common::eventually("the node to be shown offline", || async {
        !common::node_row(&store, a.id).await.online
    })
    .await;
}

/// With the periodic check an hour away, only the live wake-up can deliver this.
async fn live_updates_arrive_without_reconnecting<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    let hub = TestHub::start(f.store.clone(), options(f.dir.path(), LONG)).await;
    let clinic = create_clinic(&store, "Live").await;
    let a = TestNode::new(&enroll(&store, &hub, clinic, "A").await);
    let b = TestNode::new(&enroll(&store, &hub, clinic, "B").await);
    let mut la = a.connect(&hub.ws()).await;
    let mut lb = b.connect(&hub.ws()).await;
    la.caught_up_after(0).await;
    let seen = lb.caught_up_after(0).await.applies;
    for round in 0..3 {
        let p = a.create_patient(&format!("Live {round}")).await;
        la.changed();
        let started = Instant::now();
        lb.wait("a live update", |s| s.applies > seen + round).await;
        assert_eq!(b.first_name(p).await, Some(format!("Live {round}")));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
    assert!(
        la.is_open() && lb.is_open(),
        "the same connections throughout"
    );
    hub.stop().await;
}

/// Revision 4: a node that asked for live documents gets an edit in the live update
/// itself and fetches nothing; a node that did not (revision 3) is told with an `Index`
/// and fetches, and its own edits still reach the others live.
async fn live_documents_need_no_fetch_and_older_nodes_still_sync<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    let hub = TestHub::start(f.store.clone(), options(f.dir.path(), LONG)).await;
    let clinic = create_clinic(&store, "Live docs").await;
    let a = TestNode::new(&enroll(&store, &hub, clinic, "A").await);
    let b = TestNode::new(&enroll(&store, &hub, clinic, "B").await);
    let old = TestNode::new(&enroll(&store, &hub, clinic, "Old").await);
    old.quirks.no_live_docs.store(true, Ordering::SeqCst);
    let mut la = a.connect(&hub.ws()).await;
    let mut lb = b.connect(&hub.ws()).await;
    let mut lo = old.connect(&hub.ws()).await;
    la.caught_up_after(0).await;
    let b_before = lb.caught_up_after(0).await;
    let old_before = lo.caught_up_after(0).await;

    let p = a.create_patient("Live").await;
    la.changed();
    common::eventually("B and the older node to receive A's patient", || async {
        b.first_name(p).await.as_deref() == Some("Live")
            && old.first_name(p).await.as_deref() == Some("Live")
    })
    .await;
    let (b_now, old_now) = (lb.state.borrow().clone(), lo.state.borrow().clone());
    assert!(b_now.live_docs > b_before.live_docs, "B got it live");
    assert_eq!(b_now.fetches, b_before.fetches, "B fetched nothing");
    assert_eq!(old_now.live_docs, 0, "the older node is never sent one");
    assert!(
        old_now.fetches > old_before.fetches,
        "the older node fetched it"
    );

    // The older node's edit reaches the others live too.
    old.rename(p, "Edited").await;
    lo.changed();
    common::eventually("A and B to see the older node's edit", || async {
        a.first_name(p).await.as_deref() == Some("Edited")
            && b.first_name(p).await.as_deref() == Some("Edited")
    })
    .await;
    assert_eq!(
        lb.state.borrow().fetches,
        b_before.fetches,
        "still no fetch"
    );
    common::eventually("every node and the hub to agree", || async {
        let (ha, hb, ho) = (a.heads().await, b.heads().await, old.heads().await);
        ha == hb && hb == ho && ha == hub_heads(&store, clinic).await
    })
    .await;
    hub.stop().await;
}

/// A node of clinic A, with forged ids, reaches nothing of clinic B.
async fn a_node_never_reaches_another_clinic<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    let hub = TestHub::start(f.store.clone(), options(f.dir.path(), LONG)).await;
    let clinic_a = create_clinic(&store, "Clinic A").await;
    let clinic_b = create_clinic(&store, "Clinic B").await;
    let node_b = TestNode::new(&enroll(&store, &hub, clinic_b, "B").await);
    let lb = node_b.connect(&hub.ws()).await;
    let secret = node_b.create_patient("Secret").await;
    lb.changed();
    common::eventually("B's document on the hub", || async {
        hub_heads(&store, clinic_b).await.contains_key(&secret)
    })
    .await;
    let b_before = hub_heads(&store, clinic_b).await;

    let intruder = enroll(&store, &hub, clinic_a, "A").await;
    let mut socket = raw::open(&hub.ws(), Some(&intruder.token))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    raw::handshake(&mut socket, intruder.node_id).await;
    // A clinic-A document wearing B's id, and one that claims to be clinic B's.
    let (_, mut forged) = patient_doc(clinic_a, "Forged");
    let (foreign_id, mut foreign) = patient_doc(clinic_b, "Planted");
    let batch = vec![
        push(secret, DocType::Patient, forged.save()),
        push(foreign_id, DocType::Patient, foreign.save()),
    ];
    raw::send(
        &mut socket,
        &ClientMsg::Push {
            batch: 1,
            docs: batch,
        },
    )
    .await;
    match raw::next(&mut socket).await {
        Some(HubMsg::PushAck { results, .. }) => {
            assert_eq!(results.len(), 2);
            for r in &results {
                assert!(
                    matches!(
                        r.outcome,
                        PushOutcome::Rejected {
                            code: ErrorCode::Forbidden,
                            ..
                        }
                    ),
                    "{r:?}"
                );
            }
        }
        other => panic!("expected an ack, got {other:?}"),
    }
    let fetch = ClientMsg::Fetch {
        request: 2,
        items: vec![
            FetchItem {
                doc_id: secret,
                have: Vec::new(),
            },
            FetchItem {
                doc_id: clinic_b.0,
                have: Vec::new(),
            },
        ],
    };
    raw::send(&mut socket, &fetch).await;
    match raw::next(&mut socket).await {
        Some(HubMsg::Docs { items, missing, .. }) => {
            assert!(items.is_empty(), "nothing of clinic B is sent");
            assert_eq!(missing, vec![secret, clinic_b.0]);
        }
        other => panic!("expected docs, got {other:?}"),
    }
    raw::send(
        &mut socket,
        &ClientMsg::Pull {
            request: 3,
            cursor: 0,
            limit: 1000,
        },
    )
    .await;
    match raw::next(&mut socket).await {
        Some(HubMsg::Index { entries, .. }) => {
            let ids: Vec<_> = entries.iter().map(|e| e.doc_id).collect();
            assert_eq!(ids, vec![clinic_a.0], "only clinic A's change log");
        }
        other => panic!("expected an index, got {other:?}"),
    }
    assert_eq!(
        hub_heads(&store, clinic_b).await,
        b_before,
        "clinic B is unchanged"
    );
    assert!(!hub_heads(&store, clinic_a).await.contains_key(&foreign_id));

    // Posing as B's node on A's token is refused outright.
    let mut posing = raw::open(&hub.ws(), Some(&intruder.token))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    raw::send(&mut posing, &raw::hello(node_b.id)).await;
    let ending = raw::ending(&mut posing).await;
    assert_eq!(ending.close_code, Some(ErrorCode::Forbidden.close_code()));
    hub.stop().await;
}

async fn revoking_disconnects_then_refuses<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    // The default 2 s check: the embedded store has no notifications.
    let hub = TestHub::start(
        f.store.clone(),
        options(f.dir.path(), Duration::from_secs(2)),
    )
    .await;
    let clinic = create_clinic(&store, "Revoke").await;
    let node = TestNode::new(&enroll(&store, &hub, clinic, "Stolen laptop").await);
    let keeper = TestNode::new(&enroll(&store, &hub, clinic, "Desk").await);
    let mut link = node.connect(&hub.ws()).await;
    let mut kept = keeper.connect(&hub.ws()).await;
    link.caught_up_after(0).await;
    kept.caught_up_after(0).await;
    let started = Instant::now();
    assert_eq!(
        store.revoke_node(node.id, now_millis()).await.ok(),
        Some(true)
    );
    let closed = link.closed().await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(closed.engine_code, Some(ErrorCode::Revoked));
    assert_eq!(closed.close_code, Some(ErrorCode::Revoked.close_code()));
    match node.try_connect(&hub.ws()).await {
        Err(common::node::ConnectError::Status(403, body)) => {
            assert!(body.contains("\"revoked\""), "{body}")
        }
        other => panic!(
            "a revoked node is refused with 403: {:?}",
            other.map(|_| ())
        ),
    }
    assert!(kept.is_open(), "other nodes stay connected");
    match raw::open(&hub.ws(), Some("not-a-token")).await {
        Err((401, body)) => assert_eq!(body["error"], json!("unauthorized")),
        other => panic!(
            "an unknown token is refused with 401: {:?}",
            other.map(|_| ())
        ),
    }
    match raw::open(&hub.ws(), None).await {
        Err((401, _)) => {}
        other => panic!("no token is refused with 401: {:?}", other.map(|_| ())),
    }
    hub.stop().await;
}

/// Revision 5: a fresh node that asked for it catches up in bootstrap frames without a
/// fetch; a fresh node that did not (revision 4) pulls and fetches from the same hub; both
/// end with every document, and then follow live edits.
async fn a_fresh_node_bootstraps_and_an_older_one_still_pulls<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    let hub = TestHub::start(f.store.clone(), options(f.dir.path(), LONG)).await;
    let clinic = create_clinic(&store, "Bootstrap").await;
    let a = TestNode::new(&enroll(&store, &hub, clinic, "A").await);
    let mut la = a.connect(&hub.ws()).await;
    la.caught_up_after(0).await;
    let mut patients = Vec::new();
    for i in 0..30 {
        patients.push(a.create_patient(&format!("P{i}")).await);
    }
    la.changed();
    common::eventually("A's patients to reach the hub", || async {
        a.heads().await == hub_heads(&store, clinic).await
    })
    .await;
    let fresh = TestNode::new(&enroll(&store, &hub, clinic, "Fresh").await);
    let old = TestNode::new(&enroll(&store, &hub, clinic, "Old").await);
    old.quirks.no_bootstrap.store(true, Ordering::SeqCst);
    let mut lf = fresh.connect(&hub.ws()).await;
    let mut lo = old.connect(&hub.ws()).await;
    let f_state = lf.caught_up_after(0).await;
    let o_state = lo.caught_up_after(0).await;
    assert!(f_state.bootstraps > 0, "the fresh node bootstrapped");
    assert_eq!(f_state.fetches, 0, "and fetched nothing");
    assert_eq!(
        o_state.bootstraps, 0,
        "the older node is never sent a bootstrap"
    );
    assert!(o_state.fetches > 0, "the older node fetched");
    for p in &patients {
        assert!(fresh.first_name(*p).await.is_some());
        assert!(old.first_name(*p).await.is_some());
    }
    // Both follow a later edit live.
    a.rename(patients[0], "Later").await;
    la.changed();
    common::eventually("both nodes to see the later edit", || async {
        fresh.first_name(patients[0]).await.as_deref() == Some("Later")
            && old.first_name(patients[0]).await.as_deref() == Some("Later")
    })
    .await;
    common::eventually("every node and the hub to agree", || async {
        let (ha, hf, ho) = (a.heads().await, fresh.heads().await, old.heads().await);
        ha == hf && hf == ho && ha == hub_heads(&store, clinic).await
    })
    .await;
    hub.stop().await;
}

on_both_stores!(
    a_fresh_node_bootstraps_and_an_older_one_still_pulls,
    live_documents_need_no_fetch_and_older_nodes_still_sync,
    enrollment_over_http,
    two_nodes_converge_through_the_hub,
    live_updates_arrive_without_reconnecting,
    a_node_never_reaches_another_clinic,
    revoking_disconnects_then_refuses,
);

#[path = "sync/bad_input.rs"]
mod bad_input;
#[path = "sync/bounds.rs"]
mod bounds;
#[path = "sync/doc_cache.rs"]
mod doc_cache;
#[path = "sync/frame_limit.rs"]
mod frame_limit;
#[path = "sync/health.rs"]
mod health;
#[path = "sync/heavy.rs"]
mod heavy;
#[path = "sync/http_limits.rs"]
mod http_limits;
#[path = "sync/rotation.rs"]
mod rotation;
#[path = "sync/rules.rs"]
mod rules;
