//! Live updates that carry documents (protocol 1 revision 4), engine by engine: the node
//! applies them with its cursor in one store operation; data that does not apply is
//! fetched whole and the cursor moves only after it; a node that did not ask for them
//! refuses them; one that has fallen behind pulls instead. End to end over real sockets
//! in `hub/tests/sync.rs`; under faults in the seeded simulation (`tests/sim.rs`).

use automerge::ChangeHash;
use dermis_sync::EngineConfig;
use dermis_sync::hub_engine::{HubOutput, HubSession, HubStoreOp, HubStoreResult, LiveBatch};
use dermis_sync::node_engine::{NodeSession, NodeStoreOp, NodeStoreResult};
use dermis_sync::store::ApplyFailure;
use dermis_sync::store::ChangePage;
use dermis_sync::wire::{
    ClientMsg, DocData, ErrorCode, FEATURE_LIVE_DOCS, FEATURE_TOKEN_ROTATION, FetchItem, HubMsg,
    OutboxStats, parse_features,
};
use uuid::Uuid;

mod support;
use support::{closed_with, hub_at, hub_sent, node_op, page, sent, welcome};

const CURSOR: u64 = 5;

fn doc(seq: u64) -> DocData {
    DocData {
        doc_id: Uuid::now_v7(),
        doc_type: "patient".into(),
        seq,
        heads: vec![ChangeHash([seq as u8; 32])],
        full: false,
        data: vec![1, 2, 3],
    }
}

/// A node welcomed by a hub that offered `offered`, caught up at [`CURSOR`] and idle.
fn caught_up(offered: u64) -> NodeSession {
    let node = Uuid::now_v7();
    let mut session = NodeSession::new(node, EngineConfig::default());
    session.hub_offers(offered);
    session.start(0, CURSOR, OutboxStats::default());
    let mut out = session.handle_frame(1, &welcome(node, CURSOR).encode());
    let mut pull = None;
    for _ in 0..10 {
        if let Some(ClientMsg::Pull { request, .. }) = sent(&out).into_iter().next() {
            pull = Some(request);
        }
        out = match node_op(&out) {
            Some(NodeStoreOp::OutboxBatch { .. }) => {
                session.stored(2, NodeStoreResult::Outbox(Vec::new()))
            }
            Some(NodeStoreOp::ApplyDocs { docs, cursor }) => {
                assert!(docs.is_empty() && cursor == Some(CURSOR), "{cursor:?}");
                session.stored(2, NodeStoreResult::Applied(Vec::new()))
            }
            Some(NodeStoreOp::OutboxStats { .. }) => {
                session.stored(2, NodeStoreResult::OutboxStats(OutboxStats::default()))
            }
            Some(other) => panic!("unexpected {other:?}"),
            None => match pull.take() {
                Some(request) => {
                    let page = HubMsg::Index {
                        request,
                        from: CURSOR,
                        entries: Vec::new(),
                        up_to: CURSOR,
                        more: false,
                    };
                    session.handle_frame(3, &page.encode())
                }
                None => break,
            },
        };
    }
    assert!(session.is_caught_up(), "{session:?}");
    session
}

fn live(from: u64, up_to: u64, items: Vec<DocData>) -> Vec<u8> {
    HubMsg::Live { from, up_to, items }.encode()
}

#[test]
fn a_node_asks_for_live_documents_only_when_the_hub_offers_them() {
    assert_eq!(
        parse_features("token-rotation, live-docs"),
        FEATURE_TOKEN_ROTATION | FEATURE_LIVE_DOCS
    );
    // A revision 3 hub offers token rotation only: the hello asks for nothing more.
    let mut session = NodeSession::new(Uuid::now_v7(), EngineConfig::default());
    session.hub_offers(parse_features("token-rotation"));
    let hello = sent(&session.start(0, 0, OutboxStats::default()));
    assert!(
        matches!(hello.as_slice(), [ClientMsg::Hello { features, .. }] if *features == FEATURE_TOKEN_ROTATION),
        "{hello:?}"
    );
    // Turned off (a node acting as revision 3), it does not ask even when offered.
    let config = EngineConfig {
        live_docs: false,
        ..EngineConfig::default()
    };
    let mut session = NodeSession::new(Uuid::now_v7(), config);
    session.hub_offers(FEATURE_TOKEN_ROTATION | FEATURE_LIVE_DOCS);
    let hello = sent(&session.start(0, 0, OutboxStats::default()));
    assert!(
        matches!(hello.as_slice(), [ClientMsg::Hello { features, .. }] if *features == FEATURE_TOKEN_ROTATION),
        "{hello:?}"
    );
}

#[test]
fn live_documents_are_applied_with_the_cursor_in_one_operation() {
    let mut node = caught_up(FEATURE_LIVE_DOCS);
    let items = vec![doc(6), doc(7)];
    let out = node.handle_frame(10, &live(CURSOR, 7, items.clone()));
    assert_eq!(
        node_op(&out),
        Some(NodeStoreOp::ApplyDocs {
            docs: items,
            cursor: Some(7),
        })
    );
    assert!(sent(&out).is_empty(), "nothing asked of the hub");
    let out = node.stored(11, NodeStoreResult::Applied(Vec::new()));
    assert!(
        !sent(&out)
            .iter()
            .any(|m| matches!(m, ClientMsg::Fetch { .. } | ClientMsg::Pull { .. })),
        "{out:?}"
    );
    // Caught up again: the node reports its new cursor.
    assert_eq!(
        node_op(&out),
        Some(NodeStoreOp::OutboxStats { now: 11 }),
        "{out:?}"
    );
    let out = node.stored(12, NodeStoreResult::OutboxStats(OutboxStats::default()));
    assert!(
        sent(&out)
            .iter()
            .any(|m| matches!(m, ClientMsg::Report { cursor: 7, .. })),
        "{out:?}"
    );
    // A repeated or older live update changes nothing.
    assert!(
        node.handle_frame(13, &live(CURSOR, 7, vec![doc(7)]))
            .is_empty()
    );
}

#[test]
fn data_that_does_not_apply_is_fetched_whole_before_the_cursor_moves() {
    let mut node = caught_up(FEATURE_LIVE_DOCS);
    let (ok, missing_deps) = (doc(6), doc(7));
    let out = node.handle_frame(10, &live(CURSOR, 7, vec![ok, missing_deps.clone()]));
    assert!(matches!(
        node_op(&out),
        Some(NodeStoreOp::ApplyDocs {
            cursor: Some(7),
            ..
        })
    ));
    // The store applied the first and kept its cursor: the second's changes depend on
    // one this node lacks.
    let failure = ApplyFailure {
        doc_id: missing_deps.doc_id,
        code: ErrorCode::InvalidDocument,
        reason: "missing dependencies".into(),
    };
    let out = node.stored(11, NodeStoreResult::Applied(vec![failure]));
    let fetch = sent(&out);
    let [ClientMsg::Fetch { request, items }] = fetch.as_slice() else {
        panic!("one fetch expected: {out:?}");
    };
    assert_eq!(
        items,
        &vec![FetchItem {
            doc_id: missing_deps.doc_id,
            have: Vec::new(),
        }]
    );
    assert!(!node.is_caught_up());
    let whole = DocData {
        full: true,
        ..missing_deps.clone()
    };
    let answer = HubMsg::Docs {
        request: *request,
        items: vec![whole.clone()],
        missing: Vec::new(),
        derived: Vec::new(),
    };
    let out = node.handle_frame(12, &answer.encode());
    assert_eq!(
        node_op(&out),
        Some(NodeStoreOp::ApplyDocs {
            docs: vec![whole],
            cursor: None,
        })
    );
    let out = node.stored(13, NodeStoreResult::Applied(Vec::new()));
    assert_eq!(
        node_op(&out),
        Some(NodeStoreOp::ApplyDocs {
            docs: Vec::new(),
            cursor: Some(7),
        }),
        "the cursor moves once everything is stored"
    );
    let out = node.stored(14, NodeStoreResult::Applied(Vec::new()));
    assert_eq!(node_op(&out), Some(NodeStoreOp::OutboxStats { now: 14 }));
    let out = node.stored(15, NodeStoreResult::OutboxStats(OutboxStats::default()));
    assert!(
        sent(&out)
            .iter()
            .any(|m| matches!(m, ClientMsg::Report { cursor: 7, .. })),
        "{out:?}"
    );
}

#[test]
fn a_node_that_fell_behind_pulls_instead() {
    let mut node = caught_up(FEATURE_LIVE_DOCS);
    // A live update that starts beyond the cursor: something in between was missed.
    let out = node.handle_frame(10, &live(CURSOR + 2, CURSOR + 3, vec![doc(8)]));
    assert!(node_op(&out).is_none(), "nothing applied: {out:?}");
    assert!(
        sent(&out)
            .iter()
            .any(|m| matches!(m, ClientMsg::Pull { cursor: CURSOR, .. })),
        "{out:?}"
    );
}

#[test]
fn live_documents_the_node_did_not_ask_for_end_the_session() {
    let mut node = caught_up(FEATURE_TOKEN_ROTATION);
    let out = node.handle_frame(10, &live(CURSOR, 6, vec![doc(6)]));
    assert_eq!(closed_with(&out), Some(ErrorCode::ProtocolViolation));
    assert!(node_op(&out).is_none(), "nothing of it is applied");
}

/// A hub session whose node asked for `features`, welcomed and live at seq 0.
fn live_hub(node: Uuid, features: u64) -> HubSession {
    let mut hub = hub_at(node, 0, features, EngineConfig::default());
    let pull = ClientMsg::Pull {
        request: 1,
        cursor: 0,
        limit: 100,
    };
    let out = hub.handle_frame(3, &pull.encode());
    assert!(
        out.iter()
            .any(|o| matches!(o, HubOutput::Store(HubStoreOp::ChangedSince { .. }))),
        "{out:?}"
    );
    hub.stored(4, HubStoreResult::Changes(page(&[], 0)));
    hub
}

#[test]
fn a_batch_heard_after_the_bare_notice_of_its_commit_still_goes_live() {
    let node = Uuid::now_v7();
    let mut hub = live_hub(node, FEATURE_LIVE_DOCS);
    // Another hub instance's notice (Postgres NOTIFY) of the commit comes first: the
    // session starts reading an Index for it.
    let out = hub.clinic_advanced(10, 1, None);
    assert!(
        out.iter().any(|o| matches!(
            o,
            HubOutput::Store(HubStoreOp::ChangedSince { cursor: 0, .. })
        )),
        "{out:?}"
    );
    // Then the pushing session's batch: sent at once.
    let batch = LiveBatch {
        from: 0,
        up_to: 1,
        origin: Uuid::now_v7(),
        docs: vec![doc(1)],
    };
    let out = hub.clinic_advanced(11, 1, Some(&batch));
    assert_eq!(
        hub_sent(&out),
        vec![HubMsg::Live {
            from: 0,
            up_to: 1,
            items: batch.docs.clone(),
        }]
    );
    // The Index read meanwhile tells nothing more: it is not sent.
    let out = hub.stored(
        12,
        HubStoreResult::Changes(ChangePage {
            entries: Vec::new(),
            up_to: 1,
            more: false,
        }),
    );
    assert!(hub_sent(&out).is_empty(), "{out:?}");
    // The pusher's own session sends it no documents, only the new position.
    let mut own = live_hub(batch.origin, FEATURE_LIVE_DOCS);
    let out = own.clinic_advanced(13, 1, Some(&batch));
    assert_eq!(
        hub_sent(&out),
        vec![HubMsg::Live {
            from: 0,
            up_to: 1,
            items: Vec::new(),
        }]
    );
}

#[test]
fn a_node_that_did_not_ask_is_told_with_an_index() {
    let mut hub = live_hub(Uuid::now_v7(), FEATURE_TOKEN_ROTATION);
    let batch = LiveBatch {
        from: 0,
        up_to: 1,
        origin: Uuid::now_v7(),
        docs: vec![doc(1)],
    };
    let out = hub.clinic_advanced(10, 1, Some(&batch));
    assert!(hub_sent(&out).is_empty(), "{out:?}");
    assert!(
        out.iter().any(|o| matches!(
            o,
            HubOutput::Store(HubStoreOp::ChangedSince { cursor: 0, .. })
        )),
        "{out:?}"
    );
}
