//! Refused input over a raw socket: each bad connection is closed with its code, nothing
//! of it is stored, and another node keeps syncing through the same hub meanwhile.

use std::time::Duration;

use crate::on_both_stores;
use dermis_hub::store::HubStore;
use dermis_model::DocType;
use dermis_sync::conformance::{patient_doc, push};
use dermis_sync::wire::{ClientMsg, ErrorCode, Limits};
use futures_util::SinkExt;
use tokio_tungstenite::tungstenite::Message;

use super::common::node::TestNode;
use super::common::{Enrollment, Fixture, TestHub, create_clinic, enroll, hub_heads, options, raw};

enum Input {
    Bytes(Vec<u8>),
    Text(&'static str),
    /// This many pings, as fast as the socket takes them.
    Flood(usize),
}

/// Connects as `node`, optionally says hello, sends `input`, and returns how the hub
/// closed the connection.
async fn refused(hub: &TestHub, node: &Enrollment, hello: bool, input: Input) -> raw::Ending {
    let mut socket = raw::open(&hub.ws(), Some(&node.token))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    if hello {
        raw::handshake(&mut socket, node.node_id).await;
    }
    match input {
        Input::Bytes(bytes) => {
            // The hub may close before taking it all; the ending says what it thought.
            let _ = socket.send(Message::Binary(bytes.into())).await;
        }
        Input::Text(text) => {
            let _ = socket.send(Message::Text(text.into())).await;
        }
        Input::Flood(n) => {
            for nonce in 0..n {
                let ping = ClientMsg::Ping {
                    nonce: nonce as u64,
                }
                .encode();
                if socket.feed(Message::Binary(ping.into())).await.is_err() {
                    break;
                }
            }
            let _ = socket.flush().await;
        }
    }
    raw::ending(&mut socket).await
}

fn frame_of(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    bytes[..4].copy_from_slice(&[0x44, 0x58, 0x01, 0x02]);
    bytes
}

async fn bad_input_is_refused_and_the_hub_keeps_serving<S: HubStore>(f: Fixture<S>) {
    let mut store = f.store.clone();
    let hub = TestHub::start(
        f.store.clone(),
        options(f.dir.path(), Duration::from_secs(3600)),
    )
    .await;
    let clinic = create_clinic(&store, "Bad input").await;
    let good = TestNode::new(&enroll(&store, &hub, clinic, "Good").await);
    let mut link = good.connect(&hub.ws()).await;
    link.caught_up_after(0).await;
    let bad = enroll(&store, &hub, clinic, "Bad").await;
    let seq_before = store
        .latest_seq(clinic)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let heads_before = hub_heads(&store, clinic).await;

    let (id, mut doc) = patient_doc(clinic, "Never stored");
    let push_frame = ClientMsg::Push {
        batch: 1,
        docs: vec![push(id, DocType::Patient, doc.save())],
    }
    .encode();
    let max = Limits::default().max_frame_bytes;
    let cases: Vec<(&str, bool, Input, ErrorCode)> = vec![
        (
            "garbage",
            false,
            Input::Bytes(b"hello hub".to_vec()),
            ErrorCode::Malformed,
        ),
        (
            "wrong version",
            true,
            Input::Bytes(vec![0x44, 0x58, 0x02, 0x02, 0x00, 0x00]),
            ErrorCode::UnsupportedVersion,
        ),
        (
            "hub-bound type code",
            true,
            Input::Bytes(vec![0x44, 0x58, 0x01, 0x81]),
            ErrorCode::Malformed,
        ),
        (
            "truncated push",
            true,
            Input::Bytes(push_frame[..push_frame.len() - 7].to_vec()),
            ErrorCode::Malformed,
        ),
        (
            "push before hello",
            false,
            Input::Bytes(push_frame.clone()),
            ErrorCode::ProtocolViolation,
        ),
        (
            "just over the frame limit",
            true,
            Input::Bytes(frame_of(max + 1)),
            ErrorCode::FrameTooLarge,
        ),
        (
            "far over the frame limit",
            true,
            Input::Bytes(frame_of(max + 1024 * 1024)),
            ErrorCode::FrameTooLarge,
        ),
        (
            "beyond what the hub reads",
            true,
            Input::Bytes(frame_of(3 * max)),
            ErrorCode::FrameTooLarge,
        ),
        (
            "a text message",
            true,
            Input::Text("{\"hello\": 1}"),
            ErrorCode::Malformed,
        ),
        (
            "a flood of frames",
            true,
            Input::Flood(6000),
            ErrorCode::RateLimited,
        ),
    ];
    for (what, hello, input, code) in cases {
        let ending = refused(&hub, &bad, hello, input).await;
        if what == "beyond what the hub reads" {
            // Refused at the frame header, unread: the hub closes while the node is
            // still sending, so the node may see a reset instead of the close.
            assert!(
                ending.close_code.is_none_or(|c| c == code.close_code()),
                "{ending:?}"
            );
        } else {
            assert_eq!(
                ending.close_code,
                Some(code.close_code()),
                "{what}: {ending:?}"
            );
            assert_eq!(
                ending.error,
                Some(code),
                "{what}: the Error frame comes first"
            );
        }
        assert!(link.is_open(), "{what}: the good node stays connected");
    }

    assert_eq!(
        store.latest_seq(clinic).await.ok(),
        Some(seq_before),
        "nothing was stored"
    );
    assert_eq!(hub_heads(&store, clinic).await, heads_before);
    let p = good.create_patient("Still syncing").await;
    link.changed();
    super::common::eventually("the good node's edit on the hub", || async {
        hub_heads(&store, clinic).await.contains_key(&p)
    })
    .await;
    let fetched = store
        .fetch(
            clinic,
            &[dermis_sync::wire::FetchItem {
                doc_id: id,
                have: Vec::new(),
            }],
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        fetched,
        vec![None],
        "the refused frames' document does not exist"
    );
    hub.stop().await;
}

on_both_stores!(bad_input_is_refused_and_the_hub_keeps_serving);
