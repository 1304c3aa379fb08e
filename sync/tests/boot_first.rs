//! Revision 8 in the engines (`FEATURE_BOOT_FIRST`): a first sync starts with the
//! appointments around now and the patients they name, sent as `Docs` frames answering
//! the bootstrap request before its first log-ordered frame. Agreed only when both sides
//! speak it (a node of today and a hub of today keep syncing with the new ones); bounded
//! in documents and bytes on the hub; checked, and stored without the cursor, on the node.
//! With real stores and sockets in `hub/tests/sync/` and `node/tests/e2e_bootstrap.rs`;
//! under faults in the simulation and `tests/scenarios.rs`.

use automerge::ChangeHash;
use dermis_sync::EngineConfig;
use dermis_sync::boot_first::{self, Booked};
use dermis_sync::hub_engine::{HubOutput, HubSession, HubStoreOp, HubStoreResult};
use dermis_sync::node_engine::{NodeOutput, NodeStoreOp, NodeStoreResult};
use dermis_sync::wire::{
    ClientMsg, DocData, ErrorCode, FEATURE_BOOT_FIRST, FEATURE_BOOTSTRAP, FEATURE_LIVE_DOCS,
    FetchItem, HubMsg, features_header, parse_features,
};
use uuid::Uuid;

mod support;
use support::{
    boot_request, closed_with, hello_features, hub_at, hub_op, hub_sent, node_ops, node_with, page,
    sent,
};

const NOW: i64 = 1_800_000_000_000;

fn doc(n: u128, bytes: usize) -> DocData {
    DocData {
        doc_id: Uuid::from_u128(n),
        doc_type: "patient".into(),
        seq: n as u64,
        heads: vec![ChangeHash([n as u8; 32])],
        full: true,
        data: vec![7; bytes],
    }
}

fn docs_frame(request: u64, items: Vec<DocData>) -> Vec<u8> {
    HubMsg::Docs {
        request,
        items,
        missing: Vec::new(),
        derived: Vec::new(),
    }
    .encode()
}

/// A hub session at [`NOW`] whose node said hello with `features`, welcomed.
fn hub_now(config: EngineConfig, features: u64) -> HubSession {
    hub_at(Uuid::now_v7(), NOW, features, config)
}

fn ask_bootstrap(hub: &mut HubSession, request: u64, cursor: u64) -> Vec<HubOutput> {
    hub.handle_frame(NOW, &ClientMsg::Bootstrap { request, cursor }.encode())
}

fn is_first_page(op: Option<HubStoreOp>) -> bool {
    matches!(op, Some(HubStoreOp::ChangedSince { cursor: 0, .. }))
}

#[test]
fn it_is_agreed_only_when_both_sides_speak_it() {
    assert_eq!(
        parse_features("bootstrap, boot-first"),
        FEATURE_BOOTSTRAP | FEATURE_BOOT_FIRST
    );
    assert_eq!(features_header(FEATURE_BOOT_FIRST), "boot-first");
    let all = FEATURE_LIVE_DOCS | FEATURE_BOOTSTRAP | FEATURE_BOOT_FIRST;
    let (_, out) = node_with(all, EngineConfig::default());
    assert_ne!(hello_features(&out) & FEATURE_BOOT_FIRST, 0);
    // A hub of revision 7: not asked, and the first sync is as before.
    let (_, out) = node_with(all & !FEATURE_BOOT_FIRST, EngineConfig::default());
    assert_eq!(hello_features(&out) & FEATURE_BOOT_FIRST, 0);
    // A node turned back to revision 7, or not bootstrapping: not asked.
    for config in [
        EngineConfig {
            boot_first: false,
            ..EngineConfig::default()
        },
        EngineConfig {
            bootstrap: false,
            ..EngineConfig::default()
        },
    ] {
        let (_, out) = node_with(all, config);
        assert_eq!(hello_features(&out) & FEATURE_BOOT_FIRST, 0);
    }
    // The hub: what it offers follows its operator's switch, and a node that asks for it
    // without bootstrap gets neither.
    let on = dermis_sync::hub_engine::offered_features(&EngineConfig::default());
    assert_ne!(on & FEATURE_BOOT_FIRST, 0);
    let off = dermis_sync::hub_engine::offered_features(&EngineConfig {
        boot_first: false,
        ..EngineConfig::default()
    });
    assert_eq!(off & FEATURE_BOOT_FIRST, 0);
    let hub = hub_now(EngineConfig::default(), FEATURE_BOOT_FIRST);
    assert_eq!(hub.node_features() & FEATURE_BOOT_FIRST, 0);
}

#[test]
fn the_hub_sends_the_booked_patients_then_their_appointments_before_the_log() {
    let mut hub = hub_now(
        EngineConfig::default(),
        FEATURE_BOOTSTRAP | FEATURE_BOOT_FIRST,
    );
    let out = ask_bootstrap(&mut hub, 1, 0);
    let (from, to) = boot_first::window(NOW);
    assert_eq!(
        hub_op(&out),
        Some(HubStoreOp::Booked {
            from,
            to,
            limit: boot_first::MAX_APPOINTMENTS
        })
    );
    let booked = vec![
        Booked {
            appointment: Uuid::from_u128(10),
            patient: Some(Uuid::from_u128(1)),
        },
        Booked {
            appointment: Uuid::from_u128(11),
            patient: None,
        },
    ];
    let out = hub.stored(NOW, HubStoreResult::Booked(booked));
    let Some(HubStoreOp::Fetch { items, .. }) = hub_op(&out) else {
        panic!("a fetch of the booked documents: {out:?}")
    };
    let ids: Vec<u128> = items.iter().map(|i| i.doc_id.as_u128()).collect();
    assert_eq!(ids, vec![1, 10, 11]);
    assert!(items.iter().all(|i: &FetchItem| i.have.is_empty()));
    // The appointment by someone not yet a patient is gone: answered missing.
    let out = hub.stored(
        NOW,
        HubStoreResult::Fetched(vec![Some(doc(1, 10)), Some(doc(10, 10)), None]),
    );
    let sent = hub_sent(&out);
    let [
        HubMsg::Docs {
            request: 1,
            items,
            missing,
            ..
        },
    ] = sent.as_slice()
    else {
        panic!("one docs frame for the bootstrap's request: {sent:?}")
    };
    assert_eq!(items.len(), 2);
    assert_eq!(missing, &vec![Uuid::from_u128(11)]);
    // Then the log from 0, as for any bootstrap.
    assert!(is_first_page(hub_op(&out)), "{out:?}");
    let page = page(&[], 0);
    let out = hub.stored(NOW, HubStoreResult::Changes(page));
    assert!(
        matches!(
            hub_sent(&out).as_slice(),
            [HubMsg::Bootstrap {
                request: 1,
                from: 0,
                more: false,
                ..
            }]
        ),
        "{out:?}"
    );
}

#[test]
fn a_node_of_revision_7_and_a_later_bootstrap_get_the_log_only() {
    // A node that did not ask: straight to the log, as a revision 7 hub answers.
    let mut hub = hub_now(EngineConfig::default(), FEATURE_BOOTSTRAP);
    assert!(is_first_page(hub_op(&ask_bootstrap(&mut hub, 1, 0))));
    // A hub whose operator turned it off, to a node that asks.
    let config = EngineConfig {
        boot_first: false,
        ..EngineConfig::default()
    };
    let mut hub = hub_now(config, FEATURE_BOOTSTRAP | FEATURE_BOOT_FIRST);
    assert!(is_first_page(hub_op(&ask_bootstrap(&mut hub, 1, 0))));
    // Nothing booked: the log at once. And once per session: a second bootstrap from 0
    // (a node may ask again) costs the hub no second listing.
    let mut hub = hub_now(
        EngineConfig::default(),
        FEATURE_BOOTSTRAP | FEATURE_BOOT_FIRST,
    );
    let out = ask_bootstrap(&mut hub, 1, 0);
    assert!(matches!(hub_op(&out), Some(HubStoreOp::Booked { .. })));
    let out = hub.stored(NOW, HubStoreResult::Booked(Vec::new()));
    assert!(hub_sent(&out).is_empty());
    assert!(is_first_page(hub_op(&out)));
    let page = page(&[], 0);
    hub.stored(NOW, HubStoreResult::Changes(page));
    assert!(is_first_page(hub_op(&ask_bootstrap(&mut hub, 2, 0))));
    // Not from 0: a node resuming its bootstrap has had today's part already.
    let mut hub = hub_now(
        EngineConfig::default(),
        FEATURE_BOOTSTRAP | FEATURE_BOOT_FIRST,
    );
    assert!(matches!(
        hub_op(&ask_bootstrap(&mut hub, 1, 5)),
        Some(HubStoreOp::ChangedSince { cursor: 5, .. })
    ));
}

#[test]
fn the_part_sent_first_stops_at_its_byte_bound() {
    let mut hub = hub_now(
        EngineConfig::default(),
        FEATURE_BOOTSTRAP | FEATURE_BOOT_FIRST,
    );
    ask_bootstrap(&mut hub, 1, 0);
    let booked: Vec<Booked> = (0..boot_first::MAX_APPOINTMENTS as u128)
        .map(|n| Booked {
            appointment: Uuid::from_u128(100_000 + n),
            patient: Some(Uuid::from_u128(n + 1)),
        })
        .collect();
    let out = hub.stored(NOW, HubStoreResult::Booked(booked));
    let Some(HubStoreOp::Fetch { items, max_bytes }) = hub_op(&out) else {
        panic!("a fetch: {out:?}")
    };
    assert!(max_bytes <= boot_first::MAX_BYTES);
    // The store answers a prefix reaching its byte limit (plus one document): the first
    // part is then spent and the log follows, the rest coming in its place there.
    let big = boot_first::MAX_BYTES / 3 + 1;
    let answered: Vec<Option<DocData>> = items
        .iter()
        .take(3)
        .map(|i| Some(doc(i.doc_id.as_u128(), big)))
        .collect();
    let out = hub.stored(NOW, HubStoreResult::Fetched(answered));
    let frames = hub_sent(&out);
    let docs: usize = frames
        .iter()
        .map(|m| match m {
            HubMsg::Docs { items, .. } => items.len(),
            other => panic!("only docs frames: {other:?}"),
        })
        .sum();
    assert_eq!(docs, 3);
    assert!(is_first_page(hub_op(&out)), "{out:?}");
}

#[test]
fn a_node_stores_what_comes_first_without_its_cursor_then_the_log() {
    let offered = FEATURE_BOOTSTRAP | FEATURE_BOOT_FIRST;
    let (mut node, out) = node_with(offered, EngineConfig::default());
    let r = boot_request(&out);
    let first = vec![doc(1, 10), doc(10, 10)];
    let out = node.handle_frame(10, &docs_frame(r, first.clone()));
    assert_eq!(
        node_ops(&out),
        vec![NodeStoreOp::ApplyDocs {
            docs: first,
            cursor: None
        }]
    );
    assert!(sent(&out).is_empty(), "no new request: {out:?}");
    node.stored(11, NodeStoreResult::Applied(Vec::new()));
    assert_eq!(node.cursor(), 0);
    // The log then brings the same patient again, with the cursor.
    let frame = HubMsg::Bootstrap {
        request: r,
        from: 0,
        up_to: 20,
        more: false,
        items: vec![doc(1, 10), doc(2, 10)],
        derived: Vec::new(),
    };
    let out = node.handle_frame(12, &frame.encode());
    assert_eq!(
        node_ops(&out),
        vec![NodeStoreOp::ApplyDocs {
            docs: vec![doc(1, 10), doc(2, 10)],
            cursor: Some(20)
        }]
    );
    let out = node.stored(13, NodeStoreResult::Applied(Vec::new()));
    assert_eq!(node.cursor(), 20);
    assert!(
        out.iter().any(|o| matches!(o, NodeOutput::CaughtUp)),
        "{out:?}"
    );
}

#[test]
fn forged_or_unasked_first_documents_are_refused() {
    let offered = FEATURE_BOOTSTRAP | FEATURE_BOOT_FIRST;
    // Part of a document only.
    let (mut node, out) = node_with(offered, EngineConfig::default());
    let r = boot_request(&out);
    let mut part = doc(1, 10);
    part.full = false;
    let out = node.handle_frame(10, &docs_frame(r, vec![part]));
    assert_eq!(closed_with(&out), Some(ErrorCode::ProtocolViolation));
    assert!(node_ops(&out).is_empty());
    // More than a hub ever sends first, over several frames.
    let (mut node, out) = node_with(offered, EngineConfig::default());
    let r = boot_request(&out);
    let half = boot_first::MAX_DOCS / 2 + 1;
    let batch = |base: u128| (0..half as u128).map(|n| doc(base + n, 0)).collect();
    let out = node.handle_frame(10, &docs_frame(r, batch(1)));
    assert_eq!(closed_with(&out), None);
    let out = node.handle_frame(11, &docs_frame(r, batch(10_000)));
    assert_eq!(closed_with(&out), Some(ErrorCode::ProtocolViolation));
    // Not agreed (a revision 7 session): a docs frame for the bootstrap is not taken.
    let (mut node, out) = node_with(FEATURE_BOOTSTRAP, EngineConfig::default());
    let r = boot_request(&out);
    let out = node.handle_frame(10, &docs_frame(r, vec![doc(1, 10)]));
    assert!(node_ops(&out).is_empty(), "{out:?}");
    // After the log's first frame: not taken either.
    let (mut node, out) = node_with(offered, EngineConfig::default());
    let r = boot_request(&out);
    let frame = HubMsg::Bootstrap {
        request: r,
        from: 0,
        up_to: 20,
        more: true,
        items: Vec::new(),
        derived: Vec::new(),
    };
    node.handle_frame(10, &frame.encode());
    let out = node.handle_frame(11, &docs_frame(r, vec![doc(1, 10)]));
    assert!(node_ops(&out).is_empty(), "{out:?}");
}
