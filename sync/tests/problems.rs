//! What a node reports without ending its session ([`Problem`]), engine by engine: a
//! document the hub refused comes back as `Refused` with the hub's code (one it asked
//! for whole a third time, with `invalid_document`), one from the hub that the store
//! did not keep as `NotStored` with the store's. Changes that did not apply
//! (`invalid_document`) are first fetched whole, and reported only if the whole
//! document does not store either. End to end over real sockets in
//! `hub/tests/sync/rules.rs`.

use automerge::ChangeHash;
use dermis_sync::EngineConfig;
use dermis_sync::node_engine::{NodeOutput, NodeSession, NodeStoreOp, NodeStoreResult, Problem};
use dermis_sync::store::{ApplyFailure, OutgoingDoc, PushAck};
use dermis_sync::wire::{
    ClientMsg, DocData, DocPush, ErrorCode, FetchItem, HubMsg, IndexEntry, Limits, OutboxStats,
    PushOutcome, PushResult,
};
use uuid::Uuid;

mod support;
use support::{problems, welcome};

/// The store's answer to one operation of the engine.
type Store<'a> = &'a mut dyn FnMut(NodeStoreOp) -> NodeStoreResult;
/// The hub's answer to one frame of the node (`None`: it says nothing).
type Hub<'a> = &'a mut dyn FnMut(ClientMsg) -> Option<HubMsg>;

/// Runs a session of a new node until nothing is left to do: every frame answered by
/// `hub`, every store operation by `store`. The session and its other outputs, in order.
fn run(hub: Hub<'_>, store: Store<'_>) -> (NodeSession, Vec<NodeOutput>) {
    let node = Uuid::now_v7();
    let mut session = NodeSession::new(node, EngineConfig::default());
    let mut pending = session.start(0, 0, OutboxStats::default());
    pending.extend(session.handle_frame(1, &welcome(node, 0).encode()));
    let mut seen = Vec::new();
    for step in 0.. {
        assert!(step < 200, "the session never settles: {seen:?}");
        let Some(output) = (!pending.is_empty()).then(|| pending.remove(0)) else {
            break;
        };
        match output {
            NodeOutput::Send(bytes) => {
                let msg = ClientMsg::decode(&bytes, &Limits::default())
                    .unwrap_or_else(|e| panic!("the node sent a bad frame: {e}"));
                if matches!(msg, ClientMsg::Hello { .. }) {
                    continue;
                }
                if let Some(answer) = hub(msg) {
                    pending.extend(session.handle_frame(2, &answer.encode()));
                }
            }
            NodeOutput::Store(op) => pending.extend(session.stored(2, store(op))),
            other => seen.push(other),
        }
    }
    assert!(
        !seen.iter().any(|o| matches!(o, NodeOutput::Close { .. })),
        "a problem does not end the session: {seen:?}"
    );
    (session, seen)
}

/// A store with nothing in it: empty outbox, nothing to fetch.
fn empty(op: NodeStoreOp) -> NodeStoreResult {
    match op {
        NodeStoreOp::OutboxBatch { .. } => NodeStoreResult::Outbox(Vec::new()),
        NodeStoreOp::PushAcked(_) => NodeStoreResult::PushAcked,
        NodeStoreOp::PlanFetch(entries) => NodeStoreResult::Planned(
            entries
                .into_iter()
                .map(|e| FetchItem {
                    doc_id: e.doc_id,
                    have: Vec::new(),
                })
                .collect(),
        ),
        NodeStoreOp::ApplyDocs { .. } => NodeStoreResult::Applied(Vec::new()),
        NodeStoreOp::OutboxStats { .. } => NodeStoreResult::OutboxStats(OutboxStats::default()),
        NodeStoreOp::StoreToken { .. } => NodeStoreResult::TokenStored,
    }
}

/// A hub with an empty change log.
fn nothing_new(msg: ClientMsg) -> Option<HubMsg> {
    match msg {
        ClientMsg::Pull {
            request, cursor, ..
        } => Some(HubMsg::Index {
            request,
            from: cursor,
            entries: Vec::new(),
            up_to: cursor,
            more: false,
        }),
        _ => None,
    }
}

/// A hub with an empty change log that answers each pushed document with `judge`'s
/// outcome for it.
fn judging(
    mut judge: impl FnMut(&DocPush) -> PushOutcome,
) -> impl FnMut(ClientMsg) -> Option<HubMsg> {
    move |msg| match msg {
        ClientMsg::Push { batch, docs } => Some(HubMsg::PushAck {
            batch,
            results: docs
                .iter()
                .map(|d| PushResult {
                    doc_id: d.doc_id,
                    outcome: judge(d),
                })
                .collect(),
        }),
        other => nothing_new(other),
    }
}

#[test]
fn a_document_the_hub_refuses_is_reported_with_the_hubs_code_and_parked() {
    let refused = Uuid::now_v7();
    let mut outbox = vec![OutgoingDoc {
        push: DocPush {
            doc_id: refused,
            doc_type: "encounter".into(),
            data: vec![1, 2, 3],
        },
        version: 1,
        heads: vec![ChangeHash([1; 32])],
    }];
    let mut acked: Vec<PushAck> = Vec::new();
    let mut store = |op: NodeStoreOp| match op {
        NodeStoreOp::OutboxBatch { .. } => NodeStoreResult::Outbox(std::mem::take(&mut outbox)),
        NodeStoreOp::PushAcked(acks) => {
            acked.extend(acks);
            NodeStoreResult::PushAcked
        }
        other => empty(other),
    };
    let mut hub = judging(|_| PushOutcome::Rejected {
        code: ErrorCode::Forbidden,
        message: "signed encounters are read-only".into(),
    });
    let (_, outputs) = run(&mut hub, &mut store);
    assert_eq!(
        problems(&outputs),
        vec![Problem::Refused {
            doc_id: refused,
            code: ErrorCode::Forbidden,
            message: "signed encounters are read-only".into(),
        }]
    );
    // The store is told, to park the document with the hub's reason.
    assert!(
        matches!(acked.as_slice(), [PushAck { doc_id, outcome: PushOutcome::Rejected { code: ErrorCode::Forbidden, .. }, .. }] if *doc_id == refused),
        "{acked:?}"
    );
    assert!(outputs.iter().any(|o| matches!(o, NodeOutput::CaughtUp)));
}

/// The document pushed as it was at `version`, its bytes `[version; 3]`.
fn outgoing(doc_id: Uuid, version: u8) -> OutgoingDoc {
    OutgoingDoc {
        push: DocPush {
            doc_id,
            doc_type: "patient".into(),
            data: vec![version; 3],
        },
        version: i64::from(version),
        heads: vec![ChangeHash([version; 32])],
    }
}

#[test]
fn a_document_the_hub_keeps_asking_for_whole_is_reported_and_parked_until_edited() {
    let doc_id = Uuid::now_v7();
    // The outbox holds version 1 until an ack parks it; then it is edited (version 2),
    // which goes out until the hub applies it.
    let mut outbox = Some(outgoing(doc_id, 1));
    let mut acked: Vec<PushAck> = Vec::new();
    let mut store = |op: NodeStoreOp| match op {
        NodeStoreOp::OutboxBatch { .. } => {
            NodeStoreResult::Outbox(outbox.iter().cloned().collect())
        }
        NodeStoreOp::PushAcked(acks) => {
            for ack in &acks {
                match ack.outcome {
                    PushOutcome::NeedFull => {}
                    PushOutcome::Rejected { .. } => outbox = Some(outgoing(doc_id, 2)),
                    PushOutcome::Applied { .. } => outbox = None,
                }
            }
            acked.extend(acks);
            NodeStoreResult::PushAcked
        }
        other => empty(other),
    };
    // The hub never takes version 1, and takes version 2 once it has been sent whole.
    let mut asked_for_v2 = false;
    let mut hub = judging(move |d| {
        if d.data[..] == [2; 3] && asked_for_v2 {
            PushOutcome::Applied {
                seq: 1,
                heads: vec![ChangeHash([2; 32])],
            }
        } else {
            asked_for_v2 |= d.data[..] == [2; 3];
            PushOutcome::NeedFull
        }
    });
    let (_, outputs) = run(&mut hub, &mut store);
    let outcomes: Vec<&PushOutcome> = acked.iter().map(|a| &a.outcome).collect();
    let [
        PushOutcome::NeedFull,
        PushOutcome::NeedFull,
        PushOutcome::Rejected {
            code: ErrorCode::InvalidDocument,
            message,
        },
        // Edited, the document has its three tries again.
        PushOutcome::NeedFull,
        PushOutcome::Applied { .. },
    ] = outcomes.as_slice()
    else {
        panic!("asked twice, parked the third time, then applied once edited: {acked:?}");
    };
    // The node says why it parked it, as for a document the hub refused outright.
    assert_eq!(
        problems(&outputs),
        vec![Problem::Refused {
            doc_id,
            code: ErrorCode::InvalidDocument,
            message: message.clone(),
        }]
    );
    assert!(outputs.iter().any(|o| matches!(o, NodeOutput::CaughtUp)));
}

/// A hub whose change log holds `doc` (at seq 1), answering fetches with its data.
fn one_doc(doc: Uuid) -> impl FnMut(ClientMsg) -> Option<HubMsg> {
    move |msg| match msg {
        ClientMsg::Pull {
            request, cursor, ..
        } => Some(HubMsg::Index {
            request,
            from: cursor,
            entries: if cursor < 1 {
                vec![IndexEntry {
                    doc_id: doc,
                    doc_type: "patient".into(),
                    seq: 1,
                    heads: vec![ChangeHash([7; 32])],
                }]
            } else {
                Vec::new()
            },
            up_to: 1,
            more: false,
        }),
        ClientMsg::Fetch { request, items } => Some(HubMsg::Docs {
            request,
            items: items
                .iter()
                .map(|i| DocData {
                    doc_id: i.doc_id,
                    doc_type: "patient".into(),
                    seq: 1,
                    heads: vec![ChangeHash([7; 32])],
                    full: i.have.is_empty(),
                    data: vec![4, 5, 6],
                })
                .collect(),
            missing: Vec::new(),
            derived: Vec::new(),
        }),
        _ => None,
    }
}

/// A store that fails to apply `doc` with `code` every time; what it was asked to apply.
fn failing(
    doc: Uuid,
    code: ErrorCode,
    applies: &mut Vec<Vec<Uuid>>,
) -> impl FnMut(NodeStoreOp) -> NodeStoreResult + '_ {
    move |op| match op {
        NodeStoreOp::ApplyDocs { docs, .. } => {
            applies.push(docs.iter().map(|d| d.doc_id).collect());
            NodeStoreResult::Applied(
                docs.iter()
                    .filter(|d| d.doc_id == doc)
                    .map(|d| ApplyFailure {
                        doc_id: d.doc_id,
                        code,
                        reason: "the store said no".into(),
                    })
                    .collect(),
            )
        }
        other => empty(other),
    }
}

#[test]
fn a_document_from_the_hub_the_store_refuses_is_reported_once_and_not_fetched_again() {
    let doc = Uuid::now_v7();
    let mut applies = Vec::new();
    let (session, outputs) = run(
        &mut one_doc(doc),
        &mut failing(doc, ErrorCode::Forbidden, &mut applies),
    );
    assert_eq!(
        problems(&outputs),
        vec![Problem::NotStored {
            doc_id: doc,
            code: ErrorCode::Forbidden,
            reason: "the store said no".into(),
        }]
    );
    assert_eq!(
        applies.iter().filter(|a| a.contains(&doc)).count(),
        1,
        "{applies:?}"
    );
    assert_eq!(session.cursor(), 1, "the cursor moves past it");
}

#[test]
fn changes_that_do_not_apply_are_fetched_whole_before_they_are_reported() {
    let doc = Uuid::now_v7();
    let mut applies = Vec::new();
    let (session, outputs) = run(
        &mut one_doc(doc),
        &mut failing(doc, ErrorCode::InvalidDocument, &mut applies),
    );
    assert_eq!(
        applies.iter().filter(|a| a.contains(&doc)).count(),
        2,
        "once as fetched, once whole: {applies:?}"
    );
    assert_eq!(
        problems(&outputs),
        vec![Problem::NotStored {
            doc_id: doc,
            code: ErrorCode::InvalidDocument,
            reason: "the store said no".into(),
        }]
    );
    assert_eq!(session.cursor(), 1);
}
