//! Revision 6 in the engines: bootstrap frames that carry index derivations
//! (`FEATURE_BOOT_ROWS`), agreed only when asked for, read only at the heads sent, and
//! a malformed derivation refuses the whole frame.

use automerge::ChangeHash;
use dermis_sync::EngineConfig;
use dermis_sync::hub_engine::{HubOutput, HubStoreOp, HubStoreResult};
use dermis_sync::node_engine::{NodeOutput, NodeStoreOp};
use dermis_sync::wire::{
    ClientMsg, DocData, ErrorCode, FEATURE_BOOT_ROWS, FEATURE_BOOTSTRAP, FEATURE_LIVE_DOCS,
    FEATURE_TOKEN_ROTATION, HubMsg, features_header, parse_features,
};
use uuid::Uuid;

mod support;
use support::{
    boot_request, closed_with, derivation, hello_features, hub_op, hub_sent, hub_with,
    malformed_derivations, node_with, page,
};

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
    for bad in malformed_derivations() {
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

#[test]
fn the_hub_reads_derivations_at_the_page_heads_and_sends_the_current_ones() {
    let mut hub = hub_with(
        FEATURE_BOOTSTRAP | FEATURE_BOOT_ROWS,
        EngineConfig::default(),
    );
    let ask = ClientMsg::Bootstrap {
        request: 4,
        cursor: 0,
    };
    hub.handle_frame(3, &ask.encode());
    let docs = [doc(2), doc(5)];
    let out = hub.stored(4, HubStoreResult::Changes(page(&docs, 6)));
    let Some(HubStoreOp::Derivations { items }) = hub_op(&out) else {
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
    let Some(HubStoreOp::Fetch { .. }) = hub_op(&out) else {
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
        let mut hub = hub_with(features, EngineConfig::default());
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
        let out = hub.stored(4, HubStoreResult::Changes(page(&[doc(2)], 6)));
        assert!(
            matches!(hub_op(&out), Some(HubStoreOp::Fetch { .. })),
            "{out:?}"
        );
        let out = hub.stored(5, HubStoreResult::Fetched(vec![Some(doc(2))]));
        assert!(
            matches!(hub_sent(&out).as_slice(), [HubMsg::Bootstrap { derived, .. }] if derived.is_empty())
        );
    }
}
