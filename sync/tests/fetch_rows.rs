//! Revision 9 in the engines: `Docs` frames whose whole documents carry their index
//! derivation (`FEATURE_FETCH_ROWS`), agreed only when both sides want it (so a node of
//! today and a hub of today each keep working with the other), read only for whole
//! documents at the heads sent, and refused whole when not asked for or malformed.

use automerge::ChangeHash;
use dermis_sync::EngineConfig;
use dermis_sync::hub_engine::{HubSession, HubStoreOp, HubStoreResult, offered_features};
use dermis_sync::node_engine::{NodeOutput, NodeSession, NodeStoreOp, NodeStoreResult};
use dermis_sync::wire::{
    ClientMsg, DocData, ErrorCode, FEATURE_FETCH_ROWS, FEATURE_LIVE_DOCS, FEATURE_TOKEN_ROTATION,
    FetchItem, HubMsg, IndexEntry, features_header, parse_features,
};
use uuid::Uuid;

mod support;
use support::{
    closed_with, derivation, hello_features, hub_op, hub_sent, hub_with, malformed_derivations,
    node_op, node_with, sent,
};

fn doc(n: u128, doc_type: &str, full: bool) -> DocData {
    DocData {
        doc_id: Uuid::from_u128(n),
        doc_type: doc_type.into(),
        seq: 2,
        heads: vec![ChangeHash([n as u8; 32])],
        full,
        data: vec![1, 2, 3],
    }
}

const BASE: u64 = FEATURE_TOKEN_ROTATION | FEATURE_LIVE_DOCS;

#[test]
fn both_sides_agree_to_rows_only_when_each_wants_them() {
    assert_eq!(
        parse_features(&features_header(FEATURE_FETCH_ROWS)),
        FEATURE_FETCH_ROWS
    );
    assert_ne!(
        offered_features(&EngineConfig::default()) & FEATURE_FETCH_ROWS,
        0
    );
    let off = EngineConfig {
        fetch_rows: false,
        ..EngineConfig::default()
    };
    assert_eq!(offered_features(&off) & FEATURE_FETCH_ROWS, 0);
    let (_, out) = node_with(BASE | FEATURE_FETCH_ROWS, EngineConfig::default());
    assert_ne!(hello_features(&out) & FEATURE_FETCH_ROWS, 0);
    // A revision 8 hub does not offer it; a node turned off does not ask.
    let (_, out) = node_with(BASE, EngineConfig::default());
    assert_eq!(hello_features(&out) & FEATURE_FETCH_ROWS, 0);
    let (_, out) = node_with(BASE | FEATURE_FETCH_ROWS, off);
    assert_eq!(hello_features(&out) & FEATURE_FETCH_ROWS, 0);
}

/// A hub session asked to fetch `items` (request 7): what it asked its store for.
fn fetching(hub: &mut HubSession, items: &[DocData]) -> Option<HubStoreOp> {
    let fetch = ClientMsg::Fetch {
        request: 7,
        items: items
            .iter()
            .map(|d| FetchItem {
                doc_id: d.doc_id,
                have: Vec::new(),
            })
            .collect(),
    };
    hub_op(&hub.handle_frame(3, &fetch.encode()))
}

#[test]
fn the_hub_reads_rows_for_whole_documents_only_and_sends_those_it_has() {
    let mut hub = hub_with(BASE | FEATURE_FETCH_ROWS, EngineConfig::default());
    let (whole, changes, clinic, other) = (
        doc(1, "product", true),
        doc(2, "product", false),
        doc(3, "clinic", true),
        doc(4, "patient", true),
    );
    let docs = vec![
        whole.clone(),
        changes.clone(),
        clinic.clone(),
        other.clone(),
    ];
    assert!(matches!(
        fetching(&mut hub, &docs),
        Some(HubStoreOp::Fetch { .. })
    ));
    let out = hub.stored(
        4,
        HubStoreResult::Fetched(docs.iter().cloned().map(Some).collect()),
    );
    // Changes carry no rows, and the node keeps the clinic document loaded.
    assert_eq!(
        hub_op(&out),
        Some(HubStoreOp::Derivations {
            items: vec![
                (whole.doc_id, whole.heads.clone()),
                (other.doc_id, other.heads.clone()),
            ]
        })
    );
    // The store has one at those heads; the other's projection is behind.
    let d = derivation();
    let out = hub.stored(5, HubStoreResult::Derivations(vec![Some(d.clone()), None]));
    assert_eq!(
        hub_sent(&out),
        vec![HubMsg::Docs {
            request: 7,
            items: docs.clone(),
            missing: Vec::new(),
            derived: vec![d, Vec::new(), Vec::new(), Vec::new()],
        }]
    );
    // None stored: the frame goes without rows, as revision 8 sends it (type 0x84).
    assert!(matches!(
        fetching(&mut hub, &docs),
        Some(HubStoreOp::Fetch { .. })
    ));
    hub.stored(6, HubStoreResult::Fetched(vec![Some(whole.clone())]));
    let out = hub.stored(7, HubStoreResult::Derivations(vec![None]));
    let frames = support::hub_frames(&out);
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0][3], 0x84, "{:?}", hub_sent(&out));
}

#[test]
fn a_hub_reads_no_rows_for_a_node_that_did_not_ask_or_when_turned_off() {
    let off = EngineConfig {
        fetch_rows: false,
        ..EngineConfig::default()
    };
    for (features, config) in [
        (BASE, EngineConfig::default()),
        (BASE | FEATURE_FETCH_ROWS, off),
    ] {
        let mut hub = hub_with(features, config);
        let whole = doc(1, "product", true);
        fetching(&mut hub, std::slice::from_ref(&whole));
        let out = hub.stored(4, HubStoreResult::Fetched(vec![Some(whole.clone())]));
        assert_eq!(hub_op(&out), None, "no derivations read: {out:?}");
        assert_eq!(
            hub_sent(&out),
            vec![HubMsg::Docs {
                request: 7,
                items: vec![whole],
                missing: Vec::new(),
                derived: Vec::new(),
            }]
        );
    }
}

/// A node (offered `offered`) that pulled one entry and fetched it: the session, and
/// the request number of its `Fetch`.
fn node_fetching(offered: u64, entry: &DocData) -> (NodeSession, u64) {
    let (mut node, out) = node_with(offered, EngineConfig::default());
    let pull = sent(&out)
        .into_iter()
        .find_map(|m| match m {
            ClientMsg::Pull { request, .. } => Some(request),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no pull in {out:?}"));
    let index = HubMsg::Index {
        request: pull,
        from: 0,
        entries: vec![IndexEntry {
            doc_id: entry.doc_id,
            doc_type: entry.doc_type.clone(),
            seq: entry.seq,
            heads: entry.heads.clone(),
        }],
        up_to: entry.seq,
        more: false,
    };
    let out = node.handle_frame(3, &index.encode());
    assert!(
        matches!(node_op(&out), Some(NodeStoreOp::PlanFetch(_))),
        "{out:?}"
    );
    let planned = vec![FetchItem {
        doc_id: entry.doc_id,
        have: Vec::new(),
    }];
    let out = node.stored(4, NodeStoreResult::Planned(planned));
    let request = sent(&out)
        .into_iter()
        .find_map(|m| match m {
            ClientMsg::Fetch { request, .. } => Some(request),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no fetch in {out:?}"));
    (node, request)
}

fn docs_frame(request: u64, item: &DocData, derived: Vec<u8>) -> Vec<u8> {
    HubMsg::Docs {
        request,
        items: vec![item.clone()],
        missing: Vec::new(),
        derived: vec![derived],
    }
    .encode()
}

fn applies(out: &[NodeOutput]) -> usize {
    out.iter()
        .filter(|o| matches!(o, NodeOutput::Store(NodeStoreOp::ApplyDocs { .. })))
        .count()
}

#[test]
fn a_node_stores_a_docs_frame_with_rows_it_asked_for() {
    let whole = doc(1, "product", true);
    let (mut node, request) = node_fetching(BASE | FEATURE_FETCH_ROWS, &whole);
    let frame = docs_frame(request, &whole, derivation());
    assert_eq!(frame[3], 0x8C);
    let out = node.handle_frame(5, &frame);
    assert_eq!(closed_with(&out), None, "{out:?}");
    assert_eq!(
        node_op(&out),
        Some(NodeStoreOp::ApplyDocs {
            docs: vec![whole],
            cursor: None,
        })
    );
}

#[test]
fn rows_not_asked_for_on_changes_or_malformed_end_the_session_with_nothing_stored() {
    let whole = doc(1, "product", true);
    let changes = doc(1, "product", false);
    let [cut, table, huge] = malformed_derivations();
    let cases = [
        // Not asked for: the node speaks revision 8.
        (BASE, whole.clone(), derivation()),
        // Rows for changes: only a whole document is stored from rows.
        (BASE | FEATURE_FETCH_ROWS, changes, derivation()),
        (BASE | FEATURE_FETCH_ROWS, whole.clone(), cut),
        (BASE | FEATURE_FETCH_ROWS, whole.clone(), table),
        (BASE | FEATURE_FETCH_ROWS, whole.clone(), huge),
    ];
    for (offered, item, derived) in cases {
        let (mut node, request) = node_fetching(offered, &whole);
        let out = node.handle_frame(5, &docs_frame(request, &item, derived));
        assert_eq!(
            closed_with(&out),
            Some(ErrorCode::ProtocolViolation),
            "{out:?}"
        );
        assert_eq!(applies(&out), 0, "nothing of the frame is applied");
    }
}
