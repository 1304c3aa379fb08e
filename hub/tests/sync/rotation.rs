//! Node tokens rotating over an open session (docs/SYNC.md, revision 3), with the real
//! hub and a real sync client over sockets, on both stores: the hub gives a node whose
//! token is older than `NODE_TOKEN_DAYS` a new one; the node keeps it, then says so; the
//! old token works until the new one's first use; a node that crashes between receiving
//! and keeping a token still gets in with its old one and is offered another; a revoked
//! node is refused at once; an older node is never offered anything; acks out of turn end
//! the session.

use std::time::Duration;

use crate::on_both_stores;
use dermis_hub::store::HubStore;
use dermis_sync::wire::{ClientMsg, ErrorCode, FEATURE_TOKEN_ROTATION, HubMsg, OutboxStats};
use std::sync::atomic::Ordering;

use super::common::node::TestNode;
use super::common::{Fixture, TestHub, create_clinic, enroll, options, raw};

/// A hub whose node tokens are due after `ttl`.
async fn hub_rotating<S: HubStore>(f: &Fixture<S>, ttl: Duration) -> TestHub {
    let mut opts = options(f.dir.path(), Duration::from_secs(2));
    opts.node_token_ttl = ttl;
    TestHub::start(f.store.clone(), opts).await
}

/// Whether `/sync` takes `token`: `Ok` or the refusal's status.
async fn accepts(hub: &TestHub, token: &str) -> Result<(), u16> {
    match raw::open(&hub.ws(), Some(token)).await {
        Ok(mut socket) => {
            let _ = futures_util::SinkExt::close(&mut socket).await;
            Ok(())
        }
        Err((status, _)) => Err(status),
    }
}

async fn an_open_session_gets_a_new_token_and_the_old_one_ends_on_first_use<S: HubStore>(
    f: Fixture<S>,
) {
    // Due two seconds after enrollment: while the session is open.
    let hub = hub_rotating(&f, Duration::from_secs(2)).await;
    let clinic = create_clinic(&f.store, "Rotation").await;
    let node = TestNode::new(&enroll(&f.store, &hub, clinic, "Desk").await);
    let old = node.token.clone();
    let mut link = node.connect(&hub.ws()).await;
    link.caught_up_after(0).await;
    let state = link
        .wait("a new token kept", |s| s.token_stored && s.closed.is_none())
        .await;
    assert_eq!(state.new_tokens.len(), 1, "one per session: {state:?}");
    let new = node.current_token().await;
    assert_eq!(new, state.new_tokens[0]);
    assert_ne!(new, old);
    assert!(link.is_open(), "the session goes on");

    // Until the node uses it, the old token still works (the node may not have it).
    assert_eq!(accepts(&hub, &old).await, Ok(()));
    link.abort();
    let mut link = node.connect(&hub.ws()).await;
    link.caught_up_after(0).await;
    assert_eq!(
        accepts(&hub, &old).await,
        Err(401),
        "used up by the new one's use"
    );
    assert_eq!(accepts(&hub, &new).await, Ok(()));
    link.abort();
    hub.stop().await;
}

async fn a_node_that_crashes_before_keeping_its_new_token_gets_in_with_the_old_one<S: HubStore>(
    f: Fixture<S>,
) {
    let hub = hub_rotating(&f, Duration::ZERO).await;
    let clinic = create_clinic(&f.store, "Crashes").await;
    let node = TestNode::new(&enroll(&f.store, &hub, clinic, "Desk").await);
    let old = node.token.clone();

    node.quirks.crash_on_new_token.store(true, Ordering::SeqCst);
    let mut link = node.connect(&hub.ws()).await;
    let state = link.wait("the crash", |s| s.crashed).await;
    let lost = state.new_tokens.first().cloned().unwrap_or_default();
    assert!(!lost.is_empty());
    assert_eq!(node.current_token().await, old, "nothing was kept");

    // Back up after the crash: the old token works, and another token is offered.
    node.quirks
        .crash_on_new_token
        .store(false, Ordering::SeqCst);
    let mut link = node.connect(&hub.ws()).await;
    let state = link.wait("a new token kept", |s| s.token_stored).await;
    let kept = node.current_token().await;
    assert_eq!(state.new_tokens, vec![kept.clone()]);
    assert_ne!(kept, lost, "a fresh token, not the lost one");
    assert_eq!(
        accepts(&hub, &lost).await,
        Err(401),
        "the lost token was replaced"
    );
    link.abort();

    let mut link = node.connect(&hub.ws()).await;
    link.caught_up_after(0).await;
    assert_eq!(accepts(&hub, &old).await, Err(401));
    link.abort();
    hub.stop().await;
}

async fn a_revoked_node_is_refused_at_once_mid_rotation<S: HubStore>(f: Fixture<S>) {
    let hub = hub_rotating(&f, Duration::ZERO).await;
    let clinic = create_clinic(&f.store, "Revoked").await;
    let enrollment = enroll(&f.store, &hub, clinic, "Desk").await;
    let node = TestNode::new(&enrollment);
    let mut link = node.connect(&hub.ws()).await;
    link.wait("a new token kept", |s| s.token_stored).await;
    let new = node.current_token().await;
    assert!(
        f.store
            .revoke_node(node.id, dermis_model::now_millis())
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
    );
    let closed = link.closed().await;
    assert_eq!(closed.close_code, Some(ErrorCode::Revoked.close_code()));
    assert_eq!(accepts(&hub, &node.token).await, Err(403), "the old token");
    assert!(accepts(&hub, &new).await.is_err(), "the new token");
    assert!(node.try_connect(&hub.ws()).await.is_err());
    hub.stop().await;
}

async fn a_node_that_does_not_ask_is_never_offered_a_token<S: HubStore>(f: Fixture<S>) {
    let hub = hub_rotating(&f, Duration::ZERO).await;
    let clinic = create_clinic(&f.store, "Older nodes").await;
    let node = TestNode::new(&enroll(&f.store, &hub, clinic, "Desk").await);
    node.quirks.no_rotation.store(true, Ordering::SeqCst);
    let mut link = node.connect(&hub.ws()).await;
    link.caught_up_after(0).await;
    node.create_patient("Ana").await;
    link.changed();
    let state = link.caught_up_after(1).await;
    assert!(state.new_tokens.is_empty(), "{state:?}");
    assert_eq!(node.current_token().await, node.token);
    link.abort();
    hub.stop().await;
}

/// A hello asking for `features`, raw.
fn hello(node_id: uuid::Uuid, features: u64) -> ClientMsg {
    ClientMsg::Hello {
        node_id,
        app_version: "raw".into(),
        cursor: 0,
        outbox: OutboxStats::default(),
        features,
    }
}

async fn acks_out_of_turn_end_the_session<S: HubStore>(f: Fixture<S>) {
    // Tokens not due: no session offers one.
    let hub = hub_rotating(&f, Duration::from_secs(3600)).await;
    let clinic = create_clinic(&f.store, "Exploits").await;
    let node = enroll(&f.store, &hub, clinic, "Desk").await;

    // An ack without a token, from a node that did not ask, and from one that did.
    let mut socket = raw::open(&hub.ws(), Some(&node.token))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    raw::handshake(&mut socket, node.node_id).await;
    raw::send(&mut socket, &ClientMsg::TokenStored).await;
    assert_eq!(
        raw::ending(&mut socket).await.error,
        Some(ErrorCode::ProtocolViolation)
    );
    let mut socket = raw::open(&hub.ws(), Some(&node.token))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    raw::send(&mut socket, &hello(node.node_id, FEATURE_TOKEN_ROTATION)).await;
    raw::send(&mut socket, &ClientMsg::TokenStored).await;
    assert_eq!(
        raw::ending(&mut socket).await.error,
        Some(ErrorCode::ProtocolViolation)
    );

    hub.stop().await;

    // Tokens due at once from here.
    let hub = hub_rotating(&f, Duration::ZERO).await;
    // Features this hub does not know are ignored: nothing is offered for them.
    let mut socket = raw::open(&hub.ws(), Some(&node.token))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    raw::send(&mut socket, &hello(node.node_id, 0b110)).await;
    assert!(matches!(
        raw::next(&mut socket).await,
        Some(HubMsg::Welcome { .. })
    ));
    raw::send(&mut socket, &ClientMsg::Ping { nonce: 7 }).await;
    assert_eq!(
        raw::next(&mut socket).await,
        Some(HubMsg::Pong { nonce: 7 }),
        "no token in between"
    );
    drop(socket);

    // A real offer, acknowledged twice: the second ends the session; the first counted.
    let mut socket = raw::open(&hub.ws(), Some(&node.token))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    raw::send(&mut socket, &hello(node.node_id, FEATURE_TOKEN_ROTATION)).await;
    assert!(matches!(
        raw::next(&mut socket).await,
        Some(HubMsg::Welcome { .. })
    ));
    let token = match raw::next(&mut socket).await {
        Some(HubMsg::NewToken { token }) => token,
        other => panic!("expected a new token, got {other:?}"),
    };
    raw::send(&mut socket, &ClientMsg::TokenStored).await;
    raw::send(&mut socket, &ClientMsg::TokenStored).await;
    assert_eq!(
        raw::ending(&mut socket).await.error,
        Some(ErrorCode::ProtocolViolation)
    );
    assert_eq!(accepts(&hub, &token).await, Ok(()));
    assert_eq!(accepts(&hub, &node.token).await, Err(401));
    hub.stop().await;
}

on_both_stores!(
    an_open_session_gets_a_new_token_and_the_old_one_ends_on_first_use,
    a_node_that_crashes_before_keeping_its_new_token_gets_in_with_the_old_one,
    a_revoked_node_is_refused_at_once_mid_rotation,
    a_node_that_does_not_ask_is_never_offered_a_token,
    acks_out_of_turn_end_the_session,
);
