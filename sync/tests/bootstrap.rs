//! The first sync in whole documents (protocol 1 revision 5, feature `bootstrap`),
//! engine by engine: a fresh node asks for it only when the hub offers it; frames are
//! stored with their cursor while the next is asked for, a bounded number ahead; a
//! forged, oversized, repeated or unasked-for frame ends the session with nothing of it
//! stored; the hub refuses a bootstrap it did not agree to and builds frames from the
//! change log and whole documents. End to end over real sockets in `hub/tests/sync.rs`;
//! under faults in the seeded simulation (`tests/sim.rs`).

use automerge::ChangeHash;
use dermis_sync::EngineConfig;
use dermis_sync::hub_engine::{HubOutput, HubStoreOp, HubStoreResult};
use dermis_sync::node_engine::{NodeOutput, NodeSession, NodeStoreOp, NodeStoreResult, Problem};
use dermis_sync::store::ApplyFailure;
use dermis_sync::wire::{
    ClientMsg, DocData, ErrorCode, FEATURE_BOOTSTRAP, FEATURE_LIVE_DOCS, FEATURE_TOKEN_ROTATION,
    HubMsg, Limits, OutboxStats, parse_features,
};
use uuid::Uuid;

mod support;
use support::{closed_with, hub_op, hub_sent, hub_with, node_ops, page, sent, welcome};

fn doc(seq: u64) -> DocData {
    DocData {
        doc_id: Uuid::now_v7(),
        doc_type: "patient".into(),
        seq,
        heads: vec![ChangeHash([seq as u8; 32])],
        full: true,
        data: vec![1, 2, 3],
    }
}

fn frame(request: u64, from: u64, up_to: u64, more: bool, items: Vec<DocData>) -> Vec<u8> {
    HubMsg::Bootstrap {
        request,
        from,
        up_to,
        more,
        items,
        derived: Vec::new(),
    }
    .encode()
}

/// A node at `cursor` welcomed by a hub that offered `offered`, its outbox found empty;
/// returns the session and what it sent to pull.
fn welcomed(offered: u64, cursor: u64) -> (NodeSession, Vec<ClientMsg>) {
    let node = Uuid::now_v7();
    let mut session = NodeSession::new(node, EngineConfig::default());
    session.hub_offers(offered);
    session.start(0, cursor, OutboxStats::default());
    let mut out = session.handle_frame(1, &welcome(node, 100).encode());
    let mut asked = sent(&out);
    assert!(
        matches!(node_ops(&out).as_slice(), [NodeStoreOp::OutboxBatch { .. }]),
        "{out:?}"
    );
    out = session.stored(2, NodeStoreResult::Outbox(Vec::new()));
    asked.extend(sent(&out));
    (session, asked)
}

/// The request id of the one `Bootstrap` in `msgs`, asked from `cursor`.
fn boot_request(msgs: &[ClientMsg], cursor: u64) -> u64 {
    match msgs {
        [ClientMsg::Bootstrap { request, cursor: c }] if *c == cursor => *request,
        other => panic!("expected one bootstrap from {cursor}, got {other:?}"),
    }
}

#[test]
fn a_fresh_node_bootstraps_only_when_the_hub_offers_it() {
    assert_eq!(
        parse_features("token-rotation, live-docs, bootstrap"),
        FEATURE_TOKEN_ROTATION | FEATURE_LIVE_DOCS | FEATURE_BOOTSTRAP
    );
    let (_, asked) = welcomed(FEATURE_BOOTSTRAP, 0);
    boot_request(&asked, 0);
    // A revision 4 hub: pull and fetch as before.
    let (_, asked) = welcomed(FEATURE_LIVE_DOCS, 0);
    assert!(
        matches!(asked.as_slice(), [ClientMsg::Pull { cursor: 0, .. }]),
        "{asked:?}"
    );
    // A node that has pulled before pulls from its cursor.
    let (_, asked) = welcomed(FEATURE_BOOTSTRAP, 7);
    assert!(
        matches!(asked.as_slice(), [ClientMsg::Pull { cursor: 7, .. }]),
        "{asked:?}"
    );
    // Turned off, a node does not ask for it even when offered.
    let mut session = NodeSession::new(
        Uuid::now_v7(),
        EngineConfig {
            bootstrap: false,
            ..EngineConfig::default()
        },
    );
    session.hub_offers(FEATURE_BOOTSTRAP | FEATURE_LIVE_DOCS);
    let hello = sent(&session.start(0, 0, OutboxStats::default()));
    assert!(
        matches!(hello.as_slice(), [ClientMsg::Hello { features, .. }] if *features == FEATURE_LIVE_DOCS),
        "{hello:?}"
    );
}

#[test]
fn frames_are_stored_with_their_cursor_while_the_next_is_asked_for() {
    let (mut node, asked) = welcomed(FEATURE_BOOTSTRAP, 0);
    let r1 = boot_request(&asked, 0);
    let first = vec![doc(3), doc(10)];
    let out = node.handle_frame(10, &frame(r1, 0, 10, true, first.clone()));
    assert_eq!(
        node_ops(&out),
        vec![NodeStoreOp::ApplyDocs {
            docs: first,
            cursor: Some(10),
        }]
    );
    // The next frame is asked for at once, from the first's end.
    let r2 = boot_request(&sent(&out), 10);
    // It arrives while the first is being stored: it waits, and with two frames held
    // the node asks for no third yet.
    let second = vec![doc(20)];
    let out = node.handle_frame(11, &frame(r2, 10, 20, true, second.clone()));
    assert!(
        node_ops(&out).is_empty() && sent(&out).is_empty(),
        "{out:?}"
    );
    let out = node.stored(12, NodeStoreResult::Applied(Vec::new()));
    assert_eq!(
        node_ops(&out),
        vec![NodeStoreOp::ApplyDocs {
            docs: second,
            cursor: Some(20),
        }]
    );
    assert_eq!(node.cursor(), 10);
    let r3 = boot_request(&sent(&out), 20);
    let out = node.handle_frame(13, &frame(r3, 20, 25, false, Vec::new()));
    assert!(
        sent(&out).is_empty(),
        "the last frame asks for nothing more"
    );
    assert!(!node.is_caught_up());
    node.stored(14, NodeStoreResult::Applied(Vec::new()));
    assert!(!node.is_caught_up(), "the last frame is not stored yet");
    let out = node.stored(15, NodeStoreResult::Applied(Vec::new()));
    assert_eq!(node.cursor(), 25);
    assert!(
        out.iter().any(|o| matches!(o, NodeOutput::CaughtUp)),
        "{out:?}"
    );
}

#[test]
fn a_refused_document_is_reported_and_the_cursor_moves_on_its_own() {
    let (mut node, asked) = welcomed(FEATURE_BOOTSTRAP, 0);
    let r1 = boot_request(&asked, 0);
    let bad = doc(4);
    node.handle_frame(10, &frame(r1, 0, 4, false, vec![bad.clone()]));
    let failure = ApplyFailure {
        doc_id: bad.doc_id,
        code: ErrorCode::Forbidden,
        reason: "another clinic".into(),
    };
    let out = node.stored(11, NodeStoreResult::Applied(vec![failure.clone()]));
    assert!(
        out.contains(&NodeOutput::Problem(Problem::from(failure))),
        "{out:?}"
    );
    // The store kept its cursor (not every document applied): it is moved alone.
    assert_eq!(
        node_ops(&out),
        vec![NodeStoreOp::ApplyDocs {
            docs: Vec::new(),
            cursor: Some(4),
        }]
    );
    assert_eq!(node.cursor(), 0);
    let out = node.stored(12, NodeStoreResult::Applied(Vec::new()));
    assert_eq!(node.cursor(), 4);
    assert!(
        out.iter().any(|o| matches!(o, NodeOutput::CaughtUp)),
        "{out:?}"
    );
}

/// Each bad frame, as the first answer to a fresh node's bootstrap: the session ends
/// with `code` and nothing is handed to the store.
fn refused(code: ErrorCode, make: impl FnOnce(u64) -> Vec<u8>) {
    let (mut node, asked) = welcomed(FEATURE_BOOTSTRAP, 0);
    let request = boot_request(&asked, 0);
    let out = node.handle_frame(10, &make(request));
    assert_eq!(closed_with(&out), Some(code), "{out:?}");
    assert!(node_ops(&out).is_empty(), "nothing stored: {out:?}");
    assert_eq!(node.cursor(), 0);
}

#[test]
fn forged_frames_end_the_session_with_nothing_stored() {
    // A part of a document, not a whole one.
    refused(ErrorCode::ProtocolViolation, |r| {
        let mut part = doc(3);
        part.full = false;
        frame(r, 0, 3, false, vec![doc(2), part])
    });
    // Not the cursor asked from: would skip documents.
    refused(ErrorCode::ProtocolViolation, |r| {
        frame(r, 5, 9, false, vec![doc(7)])
    });
    // An item at or before the start.
    refused(ErrorCode::ProtocolViolation, |r| {
        frame(r, 0, 9, false, vec![doc(0)])
    });
    // One document twice.
    refused(ErrorCode::ProtocolViolation, |r| {
        let a = doc(3);
        let mut again = doc(4);
        again.doc_id = a.doc_id;
        frame(r, 0, 4, false, vec![a, again])
    });
    // More follows, but no progress: the node would ask forever.
    refused(ErrorCode::ProtocolViolation, |r| {
        frame(r, 0, 0, true, Vec::new())
    });
    // An answer to another request.
    refused(ErrorCode::ProtocolViolation, |r| {
        frame(r + 7, 0, 3, false, vec![doc(3)])
    });
    // Over the frame limit, refused before it is read.
    refused(ErrorCode::FrameTooLarge, |r| {
        let mut big = doc(3);
        big.data = vec![0; Limits::default().max_frame_bytes];
        frame(r, 0, 3, false, vec![big])
    });
    // Cut short.
    refused(ErrorCode::Malformed, |r| {
        let mut bytes = frame(r, 0, 3, false, vec![doc(3)]);
        bytes.truncate(bytes.len() - 1);
        bytes
    });
}

#[test]
fn a_repeated_frame_ends_the_session_and_is_not_stored_twice() {
    let (mut node, asked) = welcomed(FEATURE_BOOTSTRAP, 0);
    let r1 = boot_request(&asked, 0);
    let bytes = frame(r1, 0, 3, true, vec![doc(3)]);
    let out = node.handle_frame(10, &bytes);
    assert_eq!(node_ops(&out).len(), 1);
    let out = node.handle_frame(11, &bytes);
    assert_eq!(closed_with(&out), Some(ErrorCode::ProtocolViolation));
    assert!(node_ops(&out).is_empty(), "{out:?}");
}

#[test]
fn a_bootstrap_frame_the_node_did_not_ask_for_ends_the_session() {
    // Agreed, but after the bootstrap is over (a node that pulls).
    let (mut node, _) = welcomed(FEATURE_BOOTSTRAP, 7);
    let out = node.handle_frame(10, &frame(1, 7, 9, false, vec![doc(8)]));
    assert_eq!(closed_with(&out), Some(ErrorCode::ProtocolViolation));
    assert!(node_ops(&out).is_empty());
    // Never agreed (a revision 4 node).
    let (mut node, _) = welcomed(FEATURE_LIVE_DOCS, 0);
    let out = node.handle_frame(10, &frame(1, 0, 9, false, vec![doc(8)]));
    assert_eq!(closed_with(&out), Some(ErrorCode::ProtocolViolation));
    assert!(node_ops(&out).is_empty());
}

#[test]
fn the_hub_refuses_a_bootstrap_it_did_not_agree_to() {
    let mut hub = hub_with(FEATURE_LIVE_DOCS, EngineConfig::default());
    let ask = ClientMsg::Bootstrap {
        request: 1,
        cursor: 0,
    };
    let out = hub.handle_frame(3, &ask.encode());
    assert!(
        out.iter().any(|o| matches!(
            o,
            HubOutput::Close {
                code: ErrorCode::ProtocolViolation,
                ..
            }
        )),
        "{out:?}"
    );
    assert_eq!(hub_op(&out), None);
}

#[test]
fn the_hub_answers_a_bootstrap_with_whole_documents_from_the_change_log() {
    let mut hub = hub_with(FEATURE_BOOTSTRAP, EngineConfig::default());
    let ask = ClientMsg::Bootstrap {
        request: 4,
        cursor: 0,
    };
    let out = hub.handle_frame(3, &ask.encode());
    let Some(HubStoreOp::ChangedSince { cursor: 0, limit }) = hub_op(&out) else {
        panic!("{out:?}");
    };
    assert!(limit >= 1);
    let docs = [doc(2), doc(5)];
    let out = hub.stored(4, HubStoreResult::Changes(page(&docs, 6)));
    let Some(HubStoreOp::Fetch { items, .. }) = hub_op(&out) else {
        panic!("{out:?}");
    };
    assert!(items.iter().all(|i| i.have.is_empty()), "whole documents");
    assert_eq!(items.len(), 2);
    let out = hub.stored(
        5,
        HubStoreResult::Fetched(vec![Some(docs[0].clone()), None]),
    );
    assert_eq!(
        hub_sent(&out),
        vec![HubMsg::Bootstrap {
            request: 4,
            from: 0,
            up_to: 6,
            more: false,
            items: vec![docs[0].clone()],
            derived: Vec::new(),
        }]
    );
    // An empty clinic: one empty frame to where the log stands.
    let mut hub = hub_with(FEATURE_BOOTSTRAP, EngineConfig::default());
    hub.handle_frame(3, &ask.encode());
    let out = hub.stored(4, HubStoreResult::Changes(page(&[], 0)));
    assert_eq!(
        hub_sent(&out),
        vec![HubMsg::Bootstrap {
            request: 4,
            from: 0,
            up_to: 0,
            more: false,
            items: Vec::new(),
            derived: Vec::new(),
        }]
    );
}
