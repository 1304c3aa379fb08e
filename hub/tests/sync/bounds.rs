//! What one enrolled node can cost the hub (issue 10), on both stores: pushed inflation
//! bombs are refused as `invalid_document` without being inflated, a fetch naming one
//! document thousands of times is answered once, and a node that never reads is cut off.
//! A node pushing heavy documents is `heavy.rs`. The peak memory each attack costs a
//! release hub is printed by `make bench` (`benches/attacks.rs`).

use std::time::{Duration, Instant};

use crate::on_both_stores;
use dermis_hub::store::HubStore;
use dermis_model::DocType;
use dermis_sync::conformance::push;
use dermis_sync::wire::{ClientMsg, ErrorCode, FetchItem, HubMsg, PushOutcome};

use super::common::attacks;
use super::common::node::TestNode;
use super::common::{Fixture, TestHub, create_clinic, enroll, hub_heads, options, raw};

const LONG: Duration = Duration::from_secs(3600);
/// The exploit: 2 GiB inflated from about 2 MB.
const BOMB: usize = 2 << 30;

async fn push_and_ack(
    socket: &mut raw::Socket,
    batch: u64,
    docs: Vec<dermis_sync::wire::DocPush>,
) -> Vec<PushOutcome> {
    raw::send(socket, &ClientMsg::Push { batch, docs }).await;
    loop {
        match raw::next(socket).await {
            Some(HubMsg::PushAck { batch: b, results }) if b == batch => {
                return results.into_iter().map(|r| r.outcome).collect();
            }
            Some(HubMsg::Index { .. }) => {}
            other => panic!("expected the push's ack, got {other:?}"),
        }
    }
}

async fn pushed_inflation_bombs_are_refused_unread<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    let hub = TestHub::start(f.store.clone(), options(f.dir.path(), LONG)).await;
    let clinic = create_clinic(&store, "Bombs").await;
    let node = enroll(&store, &hub, clinic, "Attacker").await;
    let heads_before = hub_heads(&store, clinic).await;
    let mut socket = raw::open(&hub.ws(), Some(&node.token))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    raw::handshake(&mut socket, node.node_id).await;
    let change = attacks::compressed_change_bomb(BOMB);
    let document = attacks::document_column_bomb(BOMB);
    assert!(
        change.len() < 4 << 20 && document.len() < 4 << 20,
        "small pushes"
    );
    let started = Instant::now();
    let outcomes = push_and_ack(
        &mut socket,
        1,
        vec![
            push(uuid::Uuid::now_v7(), DocType::Patient, change),
            push(uuid::Uuid::now_v7(), DocType::Patient, document),
        ],
    )
    .await;
    for outcome in &outcomes {
        assert!(
            matches!(
                outcome,
                PushOutcome::Rejected {
                    code: ErrorCode::InvalidDocument,
                    ..
                }
            ),
            "{outcome:?}"
        );
    }
    assert_eq!(outcomes.len(), 2);
    // Refused at the cap: far less work than inflating 4 GiB.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(
        hub_heads(&store, clinic).await,
        heads_before,
        "nothing stored"
    );
    // The session goes on.
    raw::send(&mut socket, &ClientMsg::Ping { nonce: 7 }).await;
    assert_eq!(
        raw::next(&mut socket).await,
        Some(HubMsg::Pong { nonce: 7 })
    );
    hub.stop().await;
}

async fn a_fetch_naming_one_document_2000_times_is_answered_once<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    let hub = TestHub::start(f.store.clone(), options(f.dir.path(), LONG)).await;
    let clinic = create_clinic(&store, "Repeats").await;
    let node = enroll(&store, &hub, clinic, "Attacker").await;
    let mut socket = raw::open(&hub.ws(), Some(&node.token))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    raw::handshake(&mut socket, node.node_id).await;
    let (id, saved) = attacks::large_patient(clinic, 855_000);
    let outcomes = push_and_ack(&mut socket, 1, vec![push(id, DocType::Patient, saved)]).await;
    assert!(
        matches!(outcomes[..], [PushOutcome::Applied { .. }]),
        "{outcomes:?}"
    );
    let items = vec![
        FetchItem {
            doc_id: id,
            have: Vec::new(),
        };
        2000
    ];
    let fetch = ClientMsg::Fetch { request: 9, items };
    assert!(fetch.encode().len() < 40_000, "a 34 KB request");
    raw::send(&mut socket, &fetch).await;
    // A ping after the fetch is answered after everything the fetch sends.
    raw::send(&mut socket, &ClientMsg::Ping { nonce: 1 }).await;
    let mut answered = 0;
    loop {
        match raw::next(&mut socket).await {
            Some(HubMsg::Docs {
                request: 9,
                items,
                missing,
                ..
            }) => {
                assert!(missing.is_empty());
                answered += items.len();
            }
            Some(HubMsg::Pong { nonce: 1 }) => break,
            Some(HubMsg::Index { .. }) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(answered, 1, "the repeated id collapses into one answer");
    hub.stop().await;
}

async fn a_node_that_never_reads_is_cut_off<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    let mut opts = options(f.dir.path(), LONG);
    opts.send_timeout = Duration::from_secs(1);
    let hub = TestHub::start(f.store.clone(), opts).await;
    let clinic = create_clinic(&store, "Never reads").await;
    let node = enroll(&store, &hub, clinic, "Attacker").await;
    let mut socket = raw::open(&hub.ws(), Some(&node.token))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    raw::handshake(&mut socket, node.node_id).await;
    let mut ids = Vec::new();
    for batch in 0..4 {
        let docs: Vec<_> = (0..6)
            .map(|_| {
                let (id, saved) = attacks::large_patient(clinic, 800_000);
                ids.push(id);
                push(id, DocType::Patient, saved)
            })
            .collect();
        let outcomes = push_and_ack(&mut socket, batch + 1, docs).await;
        assert!(
            outcomes
                .iter()
                .all(|o| matches!(o, PushOutcome::Applied { .. }))
        );
    }
    // 19 MB asked for, three times over; nothing read.
    for request in 1..=3 {
        let items = ids
            .iter()
            .map(|id| FetchItem {
                doc_id: *id,
                have: Vec::new(),
            })
            .collect();
        raw::send(&mut socket, &ClientMsg::Fetch { request, items }).await;
    }
    super::common::eventually(
        "the hub to end the session of a node that does not read",
        || async { !super::common::node_row(&store, node.node_id).await.online },
    )
    .await;
    // Others are served as before.
    let other = TestNode::new(&enroll(&store, &hub, clinic, "Reader").await);
    let mut link = other.connect(&hub.ws()).await;
    link.caught_up_after(0).await;
    assert_eq!(
        other.heads().await.len(),
        hub_heads(&store, clinic).await.len()
    );
    hub.stop().await;
}

on_both_stores!(
    pushed_inflation_bombs_are_refused_unread,
    a_fetch_naming_one_document_2000_times_is_answered_once,
    a_node_that_never_reads_is_cut_off,
);
