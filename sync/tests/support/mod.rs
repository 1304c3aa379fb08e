//! Scaffolding the engine tests in `sync/tests/` share: a node session welcomed by a
//! hub, a hub session greeted by a node, and readers that pick one kind of output out
//! of what an engine returned. One copy here, so that a change to the handshake (a new
//! field in `Welcome` or `Hello`) is made once. Each test file includes it with
//! `mod support;` and uses only part of it, hence the `dead_code` allowance.
#![allow(dead_code)]

use dermis_model::ClinicId;
use dermis_sync::EngineConfig;
use dermis_sync::hub_engine::{HubOutput, HubSession, HubStoreOp, HubStoreResult};
use dermis_sync::node_engine::{NodeOutput, NodeSession, NodeStoreOp, NodeStoreResult, Problem};
use dermis_sync::store::ChangePage;
use dermis_sync::wire::{ClientMsg, DocData, ErrorCode, HubMsg, IndexEntry, Limits, OutboxStats};
use uuid::Uuid;

/// The hub's welcome to `node` with its change log at `hub_seq`, and the frame limits
/// every test assumes (8 MiB frames, 500 documents a batch).
pub fn welcome(node: Uuid, hub_seq: u64) -> HubMsg {
    HubMsg::Welcome {
        clinic_id: ClinicId::new().0,
        node_id: node,
        hub_seq,
        server_time_ms: 0,
        max_frame_bytes: 8 << 20,
        max_batch_docs: 500,
    }
}

/// A fresh node (cursor 0) welcomed by a hub that offered `offered`, its outbox found
/// empty; the session and everything it output on the way.
pub fn node_with(offered: u64, config: EngineConfig) -> (NodeSession, Vec<NodeOutput>) {
    let node = Uuid::now_v7();
    let mut session = NodeSession::new(node, config);
    session.hub_offers(offered);
    let mut out = session.start(0, 0, OutboxStats::default());
    out.extend(session.handle_frame(1, &welcome(node, 100).encode()));
    out.extend(session.stored(2, NodeStoreResult::Outbox(Vec::new())));
    (session, out)
}

/// The frames the node sent, as bytes.
pub fn sent_frames(out: &[NodeOutput]) -> Vec<Vec<u8>> {
    out.iter()
        .filter_map(|o| match o {
            NodeOutput::Send(bytes) => Some(bytes.clone()),
            _ => None,
        })
        .collect()
}

/// The frames the node sent, decoded (a frame that does not decode is left out).
pub fn sent(out: &[NodeOutput]) -> Vec<ClientMsg> {
    sent_frames(out)
        .iter()
        .filter_map(|bytes| ClientMsg::decode(bytes, &Limits::default()).ok())
        .collect()
}

/// The features the node's `Hello` asked for; panics when it sent none.
pub fn hello_features(out: &[NodeOutput]) -> u64 {
    sent(out)
        .iter()
        .find_map(|m| match m {
            ClientMsg::Hello { features, .. } => Some(*features),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no hello in {out:?}"))
}

/// The request id of the node's `Bootstrap`; panics when it sent none.
pub fn boot_request(out: &[NodeOutput]) -> u64 {
    sent(out)
        .iter()
        .find_map(|m| match m {
            ClientMsg::Bootstrap { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no bootstrap in {out:?}"))
}

/// The store operations the node asked for, in order.
pub fn node_ops(out: &[NodeOutput]) -> Vec<NodeStoreOp> {
    out.iter()
        .filter_map(|o| match o {
            NodeOutput::Store(op) => Some(op.clone()),
            _ => None,
        })
        .collect()
}

/// The first store operation the node asked for.
pub fn node_op(out: &[NodeOutput]) -> Option<NodeStoreOp> {
    node_ops(out).into_iter().next()
}

/// The code the node closed the session with, if it did.
pub fn closed_with(out: &[NodeOutput]) -> Option<ErrorCode> {
    out.iter().find_map(|o| match o {
        NodeOutput::Close { code, .. } => Some(*code),
        _ => None,
    })
}

/// The problems the node reported, in order.
pub fn problems(out: &[NodeOutput]) -> Vec<Problem> {
    out.iter()
        .filter_map(|o| match o {
            NodeOutput::Problem(p) => Some(p.clone()),
            _ => None,
        })
        .collect()
}

/// A hub session for `node` at `now` whose node said hello asking for `features` from
/// cursor 0, welcomed with an empty change log.
pub fn hub_at(node: Uuid, now: i64, features: u64, config: EngineConfig) -> HubSession {
    let mut hub = HubSession::new(node, ClinicId::new(), now, config, Limits::default());
    let hello = ClientMsg::Hello {
        node_id: node,
        app_version: "test".into(),
        cursor: 0,
        outbox: OutboxStats::default(),
        features,
    };
    hub.handle_frame(now, &hello.encode());
    hub.stored(now, HubStoreResult::LatestSeq(0));
    hub
}

/// [`hub_at`] for a new node at time 0.
pub fn hub_with(features: u64, config: EngineConfig) -> HubSession {
    hub_at(Uuid::now_v7(), 0, features, config)
}

/// The first store operation the hub asked for.
pub fn hub_op(out: &[HubOutput]) -> Option<HubStoreOp> {
    out.iter().find_map(|o| match o {
        HubOutput::Store(op) => Some(op.clone()),
        _ => None,
    })
}

/// The frames the hub sent uncompressed, as bytes.
pub fn hub_frames(out: &[HubOutput]) -> Vec<Vec<u8>> {
    out.iter()
        .filter_map(|o| match o {
            HubOutput::Send(bytes) => Some(bytes.clone()),
            _ => None,
        })
        .collect()
}

/// The frames the hub sent uncompressed, decoded (one that does not decode is left out).
pub fn hub_sent(out: &[HubOutput]) -> Vec<HubMsg> {
    hub_frames(out)
        .iter()
        .filter_map(|bytes| HubMsg::decode(bytes, &Limits::default()).ok())
        .collect()
}

/// The code the hub closed the session with, if it did.
pub fn hub_closed_with(out: &[HubOutput]) -> Option<ErrorCode> {
    out.iter().find_map(|o| match o {
        HubOutput::Close { code, .. } => Some(*code),
        _ => None,
    })
}

/// A last page of the change log (`more: false`) up to `up_to`, listing `docs`.
pub fn page(docs: &[DocData], up_to: u64) -> ChangePage {
    ChangePage {
        entries: docs
            .iter()
            .map(|d| IndexEntry {
                doc_id: d.doc_id,
                doc_type: d.doc_type.clone(),
                seq: d.seq,
                heads: d.heads.clone(),
            })
            .collect(),
        up_to,
        more: false,
    }
}

/// A well-formed encoded derivation of a product (one row of ones), as a hub sends with
/// a document (revisions 6 and 9).
pub fn derivation() -> Vec<u8> {
    use dermis_model::derivation::{Derivation, Row, Table, Value, codec};
    codec::encode(&Derivation {
        doc_type: dermis_model::DocType::Product,
        rows: vec![Row {
            table: Table::Product,
            values: vec![Value::Int(1); Table::Product.columns()],
        }],
        conflicts: Vec::new(),
    })
}

/// Derivations a node must refuse: [`derivation`] cut short, one naming an unknown
/// table, and one claiming a huge row count.
pub fn malformed_derivations() -> [Vec<u8>; 3] {
    let mut cut = derivation();
    cut.pop();
    let mut table = derivation();
    table[3] = 99;
    let mut huge = vec![dermis_model::derivation::codec::VERSION, 2];
    huge.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x0f]);
    [cut, table, huge]
}
