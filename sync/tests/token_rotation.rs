//! Token rotation over a session (protocol 1 revision 3), engine to engine: the feature
//! is used only when both sides agreed to it; the node keeps a new token before it says
//! so; anything out of turn ends the session.

use dermis_model::ClinicId;
use dermis_sync::hub_engine::{HubOutput, HubSession, HubStoreResult};
use dermis_sync::node_engine::{NodeOutput, NodeSession, NodeStoreOp, NodeStoreResult};
use dermis_sync::wire::{
    ClientMsg, ErrorCode, FEATURE_TOKEN_ROTATION, HubMsg, Limits, OutboxStats,
};
use dermis_sync::wire::{features_header, parse_features};
use dermis_sync::{EngineConfig, FailureKind, StoreFailure};
use uuid::Uuid;

mod support;
use support::{closed_with, hub_closed_with, hub_frames, sent, sent_frames};

const TOKEN: &str = "bmV3LXRva2VuLW9mLXRoZS1odWItNDMtY2hhcnM";

/// A hub session and a node session, welcomed; the node agreed to `features` offered.
fn welcomed(offered: u64) -> (HubSession, NodeSession) {
    let node = Uuid::now_v7();
    let clinic = ClinicId::new();
    let mut hub = HubSession::new(node, clinic, 0, EngineConfig::default(), Limits::default());
    let mut session = NodeSession::new(node, EngineConfig::default());
    session.hub_offers(offered);
    let hello = session.start(0, 0, OutboxStats::default());
    for bytes in sent_frames(&hello) {
        let out = hub.handle_frame(1, &bytes);
        assert!(
            out.iter().any(|o| matches!(o, HubOutput::Store(_))),
            "{out:?}"
        );
    }
    let out = hub.stored(2, HubStoreResult::LatestSeq(0));
    for bytes in hub_frames(&out) {
        let mut pending = session.handle_frame(3, &bytes);
        // The welcomed node reads its (empty) outbox first.
        while let Some(NodeOutput::Store(op)) = pending
            .iter()
            .find(|o| matches!(o, NodeOutput::Store(_)))
            .cloned()
        {
            assert!(matches!(op, NodeStoreOp::OutboxBatch { .. }), "{op:?}");
            pending = session.stored(4, NodeStoreResult::Outbox(Vec::new()));
        }
    }
    assert!(hub.is_welcomed());
    (hub, session)
}

#[test]
fn the_feature_header_names_known_features_only() {
    assert_eq!(features_header(FEATURE_TOKEN_ROTATION), "token-rotation");
    assert_eq!(parse_features("token-rotation"), FEATURE_TOKEN_ROTATION);
    assert_eq!(
        parse_features(" x-later , token-rotation"),
        FEATURE_TOKEN_ROTATION
    );
    assert_eq!(parse_features("x-later"), 0);
    assert_eq!(parse_features(""), 0);
}

#[test]
fn a_new_token_is_stored_before_the_node_says_so() {
    let (mut hub, mut node) = welcomed(FEATURE_TOKEN_ROTATION);
    assert_eq!(
        hub.node_features(),
        FEATURE_TOKEN_ROTATION,
        "asked in the hello"
    );
    let offer = hub.offer_token(10, TOKEN.to_owned());
    let frames = hub_frames(&offer);
    assert_eq!(frames.len(), 1);
    assert_eq!(
        HubMsg::decode(&frames[0], &Limits::default()).ok(),
        Some(HubMsg::NewToken {
            token: TOKEN.to_owned()
        })
    );
    assert!(
        hub.offer_token(11, "another".repeat(4)).is_empty(),
        "once per session"
    );

    let out = node.handle_frame(12, &frames[0]);
    assert!(sent(&out).is_empty(), "nothing said before it is stored");
    let store = out.iter().find_map(|o| match o {
        NodeOutput::Store(NodeStoreOp::StoreToken { token }) => Some(token.clone()),
        _ => None,
    });
    assert_eq!(store.as_deref(), Some(TOKEN));
    let out = node.stored(13, NodeStoreResult::TokenStored);
    assert_eq!(sent(&out), vec![ClientMsg::TokenStored]);

    let out = hub.handle_frame(14, &ClientMsg::TokenStored.encode());
    assert!(out.contains(&HubOutput::TokenStored), "{out:?}");
    // Said twice: out of turn.
    let out = hub.handle_frame(15, &ClientMsg::TokenStored.encode());
    assert_eq!(hub_closed_with(&out), Some(ErrorCode::ProtocolViolation));
}

#[test]
fn nothing_is_offered_to_a_node_that_did_not_agree() {
    let (mut hub, _node) = welcomed(0);
    assert_eq!(hub.node_features(), 0);
    assert!(hub.offer_token(10, TOKEN.to_owned()).is_empty());
    assert!(!hub.token_offered());
    // A node that did not agree cannot ack either.
    let out = hub.handle_frame(11, &ClientMsg::TokenStored.encode());
    assert_eq!(hub_closed_with(&out), Some(ErrorCode::ProtocolViolation));
}

#[test]
fn a_token_out_of_turn_or_malformed_is_never_stored() {
    let new_token = |token: &str| {
        HubMsg::NewToken {
            token: token.to_owned(),
        }
        .encode()
    };
    let stores = |out: &[NodeOutput]| {
        out.iter()
            .any(|o| matches!(o, NodeOutput::Store(NodeStoreOp::StoreToken { .. })))
    };
    // Not agreed.
    let (_, mut node) = welcomed(0);
    let out = node.handle_frame(10, &new_token(TOKEN));
    assert_eq!(closed_with(&out), Some(ErrorCode::ProtocolViolation));
    assert!(!stores(&out));
    // Not a token: empty, too short, too long, characters a token never has.
    for bad in [
        String::new(),
        "short".to_owned(),
        "x".repeat(257),
        format!("{TOKEN}\n"),
        format!("{TOKEN} ; rm"),
    ] {
        let (_, mut node) = welcomed(FEATURE_TOKEN_ROTATION);
        let out = node.handle_frame(10, &new_token(&bad));
        assert_eq!(
            closed_with(&out),
            Some(ErrorCode::ProtocolViolation),
            "{bad:?}"
        );
        assert!(!stores(&out), "{bad:?}");
    }
    // A second one in the same session.
    let (_, mut node) = welcomed(FEATURE_TOKEN_ROTATION);
    assert!(stores(&node.handle_frame(10, &new_token(TOKEN))));
    let out = node.handle_frame(11, &new_token(TOKEN));
    assert_eq!(closed_with(&out), Some(ErrorCode::ProtocolViolation));
}

#[test]
fn a_token_the_store_could_not_keep_is_never_acknowledged() {
    let (_, mut node) = welcomed(FEATURE_TOKEN_ROTATION);
    node.handle_frame(
        10,
        &HubMsg::NewToken {
            token: TOKEN.to_owned(),
        }
        .encode(),
    );
    let out = node.stored(
        11,
        NodeStoreResult::Failed(StoreFailure::kind_only(FailureKind::DiskFull)),
    );
    assert!(sent(&out).is_empty(), "{out:?}");
    assert_eq!(closed_with(&out), Some(ErrorCode::Internal));
    // The end says what kind of failure it was, so the node's status can too.
    assert!(
        out.iter().any(
            |o| matches!(o, NodeOutput::Close { reason, .. } if reason == "local store: disk full")
        ),
        "{out:?}"
    );
}

#[test]
fn a_token_before_welcome_is_out_of_turn() {
    let node_id = Uuid::now_v7();
    let mut node = NodeSession::new(node_id, EngineConfig::default());
    node.hub_offers(FEATURE_TOKEN_ROTATION);
    node.start(0, 0, OutboxStats::default());
    let out = node.handle_frame(
        1,
        &HubMsg::NewToken {
            token: TOKEN.to_owned(),
        }
        .encode(),
    );
    assert_eq!(closed_with(&out), Some(ErrorCode::ProtocolViolation));
    let mut hub = HubSession::new(
        node_id,
        ClinicId::new(),
        0,
        EngineConfig::default(),
        Limits::default(),
    );
    assert!(
        hub.offer_token(1, TOKEN.to_owned()).is_empty(),
        "before hello"
    );
}
