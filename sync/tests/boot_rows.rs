//! Revision 6 in the engines: bootstrap frames that carry index derivations
//! (`FEATURE_BOOT_ROWS`), agreed only when asked for, read only at the heads sent, and
//! a malformed derivation refuses the whole frame.

use automerge::ChangeHash;
use dermis_model::ClinicId;
use dermis_model::derivation::{Derivation, Row, Table, Value, codec};
use dermis_sync::EngineConfig;
use dermis_sync::hub_engine::{HubOutput, HubSession, HubStoreOp, HubStoreResult};
use dermis_sync::node_engine::{NodeOutput, NodeSession, NodeStoreOp, NodeStoreResult};
use dermis_sync::store::ChangePage;
use dermis_sync::wire::{
    ClientMsg, DocData, ErrorCode, FEATURE_BOOT_ROWS, FEATURE_BOOTSTRAP, FEATURE_LIVE_DOCS,
    FEATURE_TOKEN_ROTATION, HubMsg, IndexEntry, Limits, OutboxStats, features_header,
    parse_features,
};
use uuid::Uuid;

fn doc(seq: u64) -> DocData {
    DocData {
        doc_id: Uuid::from_u128(u128::from(seq)),
        doc_type: "product".into(),
        seq,
        heads: vec![ChangeHash([seq as u8; 32])],
        full: true,
        data: vec![1, 2, 3],
    }
}

fn derivation() -> Vec<u8> {
    codec::encode(&Derivation {
        doc_type: dermis_model::DocType::Product,
        rows: vec![Row {
            table: Table::Product,
            values: vec![Value::Int(1); Table::Product.columns()],
        }],
        conflicts: Vec::new(),
    })
}

fn node_with(offered: u64, config: EngineConfig) -> (NodeSession, Vec<NodeOutput>) {
    let node = Uuid::now_v7();
    let mut session = NodeSession::new(node, config);
    session.hub_offers(offered);
    let mut out = session.start(0, 0, OutboxStats::default());
    let welcome = HubMsg::Welcome {
        clinic_id: ClinicId::new().0,
        node_id: node,
        hub_seq: 100,
        server_time_ms: 0,
        max_frame_bytes: 8 << 20,
        max_batch_docs: 500,
    };
    out.extend(session.handle_frame(1, &welcome.encode()));
    out.extend(session.stored(2, NodeStoreResult::Outbox(Vec::new())));
    (session, out)
}

fn sent(out: &[NodeOutput]) -> Vec<ClientMsg> {
    out.iter()
        .filter_map(|o| match o {
            NodeOutput::Send(bytes) => ClientMsg::decode(bytes, &Limits::default()).ok(),
            _ => None,
        })
        .collect()
}

fn hello_features(out: &[NodeOutput]) -> u64 {
    sent(out)
        .iter()
        .find_map(|m| match m {
            ClientMsg::Hello { features, .. } => Some(*features),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no hello in {out:?}"))
}

fn boot_request(out: &[NodeOutput]) -> u64 {
    sent(out)
        .iter()
        .find_map(|m| match m {
            ClientMsg::Bootstrap { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no bootstrap in {out:?}"))
}

fn closed_with(out: &[NodeOutput]) -> Option<ErrorCode> {
    out.iter().find_map(|o| match o {
        NodeOutput::Close { code, .. } => Some(*code),
        _ => None,
    })
}

fn stores(out: &[NodeOutput]) -> usize {
    out.iter()
        .filter(|o| matches!(o, NodeOutput::Store(NodeStoreOp::ApplyDocs { .. })))
        .count()
}

fn rows_frame(request: u64, derived: Vec<Vec<u8>>) -> Vec<u8> {
    HubMsg::Bootstrap {
        request,
        from: 0,
        up_to: 3,
        more: false,
        items: vec![doc(3)],
        derived,
    }
    .encode()
}

#[test]
fn a_node_asks_for_rows_only_from_a_hub_that_offers_them() {
    assert_eq!(
        parse_features(&features_header(FEATURE_BOOTSTRAP | FEATURE_BOOT_ROWS)),
        FEATURE_BOOTSTRAP | FEATURE_BOOT_ROWS
    );
    let all = FEATURE_TOKEN_ROTATION | FEATURE_LIVE_DOCS | FEATURE_BOOTSTRAP | FEATURE_BOOT_ROWS;
    let (_, out) = node_with(all, EngineConfig::default());
    assert_ne!(hello_features(&out) & FEATURE_BOOT_ROWS, 0);
    // A revision 5 hub: not asked.
    let (_, out) = node_with(all & !FEATURE_BOOT_ROWS, EngineConfig::default());
    assert_eq!(hello_features(&out) & FEATURE_BOOT_ROWS, 0);
    // Turned off (an old-behaviour node), or without bootstrap: not asked.
    for config in [
        EngineConfig {
            boot_rows: false,
            ..EngineConfig::default()
        },
        EngineConfig {
            bootstrap: false,
            ..EngineConfig::default()
        },
    ] {
        let (_, out) = node_with(all, config);
        assert_eq!(hello_features(&out) & FEATURE_BOOT_ROWS, 0);
    }
}

#[test]
fn a_node_stores_a_frame_with_rows_it_asked_for() {
    let (mut node, out) = node_with(
        FEATURE_BOOTSTRAP | FEATURE_BOOT_ROWS,
        EngineConfig::default(),
    );
    let r = boot_request(&out);
    let out = node.handle_frame(10, &rows_frame(r, vec![derivation()]));
    assert_eq!(closed_with(&out), None, "{out:?}");
    assert_eq!(stores(&out), 1);
}

#[test]
fn rows_not_asked_for_or_malformed_end_the_session_with_nothing_stored() {
    // Not asked for (the node speaks revision 5).
    let (mut node, out) = node_with(FEATURE_BOOTSTRAP, EngineConfig::default());
    let r = boot_request(&out);
    let out = node.handle_frame(10, &rows_frame(r, vec![derivation()]));
    assert_eq!(closed_with(&out), Some(ErrorCode::ProtocolViolation));
    assert_eq!(stores(&out), 0);
    // Malformed: cut, an unknown table, a huge claimed count.
    let mut cut = derivation();
    cut.pop();
    let mut table = derivation();
    table[3] = 99;
    let mut huge = vec![codec::VERSION, 2];
    huge.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x0f]);
    for bad in [cut, table, huge] {
        let (mut node, out) = node_with(
            FEATURE_BOOTSTRAP | FEATURE_BOOT_ROWS,
            EngineConfig::default(),
        );
        let r = boot_request(&out);
        let out = node.handle_frame(10, &rows_frame(r, vec![bad]));
        assert_eq!(
            closed_with(&out),
            Some(ErrorCode::ProtocolViolation),
            "{out:?}"
        );
        assert_eq!(stores(&out), 0, "nothing of the frame is applied");
        assert_eq!(node.cursor(), 0);
    }
}

fn hub_with(features: u64) -> HubSession {
    let node = Uuid::now_v7();
    let mut hub = HubSession::new(
        node,
        ClinicId::new(),
        0,
        EngineConfig::default(),
        Limits::default(),
    );
    let hello = ClientMsg::Hello {
        node_id: node,
        app_version: "test".into(),
        cursor: 0,
        outbox: OutboxStats::default(),
        features,
    };
    hub.handle_frame(1, &hello.encode());
    hub.stored(2, HubStoreResult::LatestSeq(0));
    hub
}

fn hub_store_op(out: &[HubOutput]) -> Option<HubStoreOp> {
    out.iter().find_map(|o| match o {
        HubOutput::Store(op) => Some(op.clone()),
        _ => None,
    })
}

fn hub_sent(out: &[HubOutput]) -> Vec<HubMsg> {
    out.iter()
        .filter_map(|o| match o {
            HubOutput::Send(bytes) => HubMsg::decode(bytes, &Limits::default()).ok(),
            _ => None,
        })
        .collect()
}

fn page(docs: &[DocData]) -> ChangePage {
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
        up_to: 6,
        more: false,
    }
}

#[test]
fn the_hub_reads_derivations_at_the_page_heads_and_sends_the_current_ones() {
    let mut hub = hub_with(FEATURE_BOOTSTRAP | FEATURE_BOOT_ROWS);
    let ask = ClientMsg::Bootstrap {
        request: 4,
        cursor: 0,
    };
    hub.handle_frame(3, &ask.encode());
    let docs = [doc(2), doc(5)];
    let out = hub.stored(4, HubStoreResult::Changes(page(&docs)));
    let Some(HubStoreOp::Derivations { items }) = hub_store_op(&out) else {
        panic!("{out:?}");
    };
    assert_eq!(
        items,
        docs.iter()
            .map(|d| (d.doc_id, d.heads.clone()))
            .collect::<Vec<_>>()
    );
    let d = derivation();
    let out = hub.stored(
        5,
        HubStoreResult::Derivations(vec![Some(d.clone()), Some(d.clone())]),
    );
    let Some(HubStoreOp::Fetch { .. }) = hub_store_op(&out) else {
        panic!("{out:?}");
    };
    // The second document changed between the two reads: its derivation is stale.
    let mut moved = docs[1].clone();
    moved.heads = vec![ChangeHash([9; 32])];
    let out = hub.stored(
        6,
        HubStoreResult::Fetched(vec![Some(docs[0].clone()), Some(moved.clone())]),
    );
    assert_eq!(
        hub_sent(&out),
        vec![HubMsg::Bootstrap {
            request: 4,
            from: 0,
            up_to: 6,
            more: false,
            items: vec![docs[0].clone(), moved],
            derived: vec![d, Vec::new()],
        }]
    );
}

#[test]
fn a_hub_sends_no_rows_to_a_node_that_did_not_ask() {
    // Asked for rows without bootstrap: the hub ignores the bit.
    for features in [FEATURE_BOOTSTRAP, FEATURE_BOOT_ROWS | FEATURE_LIVE_DOCS] {
        let mut hub = hub_with(features);
        let ask = ClientMsg::Bootstrap {
            request: 4,
            cursor: 0,
        };
        let out = hub.handle_frame(3, &ask.encode());
        if features & FEATURE_BOOTSTRAP == 0 {
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
            continue;
        }
        let out = hub.stored(4, HubStoreResult::Changes(page(&[doc(2)])));
        assert!(
            matches!(hub_store_op(&out), Some(HubStoreOp::Fetch { .. })),
            "{out:?}"
        );
        let out = hub.stored(5, HubStoreResult::Fetched(vec![Some(doc(2))]));
        assert!(
            matches!(hub_sent(&out).as_slice(), [HubMsg::Bootstrap { derived, .. }] if derived.is_empty())
        );
    }
}
