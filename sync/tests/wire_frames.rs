//! Hand-written frames: the byte layouts docs/SYNC.md promises, and one frame for each
//! way a frame can be refused.
//!
//! The expected bytes are spelled out here rather than produced by the encoder, so an
//! accidental format change fails a test instead of silently breaking deployed nodes.

use automerge::ChangeHash;
use dermis_sync::wire::{
    ClientMsg, DecodeError, DocData, DocPush, ErrorCode, FEATURE_TOKEN_ROTATION, FetchItem, HubMsg,
    Limits, OutboxStats, PushOutcome, PushResult, compress_frame, decompress_frame,
};
use uuid::Uuid;

const ID_A: [u8; 16] = [
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
];
const ID_B: [u8; 16] = [0xb0; 16];
const ID_C: [u8; 16] = [0xc0; 16];

fn frame(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn check_client(msg: &ClientMsg, expected: &[u8]) {
    assert_eq!(msg.encode(), expected, "{msg:?}");
    assert_eq!(msg.encoded_len(), expected.len());
    assert_eq!(
        ClientMsg::decode(expected, &Limits::default()).as_ref(),
        Ok(msg)
    );
}

fn check_hub(msg: &HubMsg, expected: &[u8]) {
    assert_eq!(msg.encode(), expected, "{msg:?}");
    assert_eq!(msg.encoded_len(), expected.len());
    assert_eq!(
        HubMsg::decode(expected, &Limits::default()).as_ref(),
        Ok(msg)
    );
}

#[test]
fn client_frames_have_the_documented_layout() {
    check_client(
        &ClientMsg::Hello {
            node_id: Uuid::from_bytes(ID_A),
            app_version: "0.1.0".to_owned(),
            cursor: 128,
            outbox: OutboxStats {
                count: 1,
                bytes: 300,
                oldest_age_ms: 0,
            },
            features: 0,
        },
        &frame(&[
            b"DX\x01\x01",
            &ID_A,
            b"\x050.1.0",
            &[0x80, 0x01],
            &[0x01, 0xac, 0x02, 0x00],
        ]),
    );
    // Revision 3: with features, type 0x09 and the features after the outbox.
    check_client(
        &ClientMsg::Hello {
            node_id: Uuid::from_bytes(ID_A),
            app_version: "0.1.0".to_owned(),
            cursor: 128,
            outbox: OutboxStats {
                count: 1,
                bytes: 300,
                oldest_age_ms: 0,
            },
            features: FEATURE_TOKEN_ROTATION,
        },
        &frame(&[
            b"DX\x01\x09",
            &ID_A,
            b"\x050.1.0",
            &[0x80, 0x01],
            &[0x01, 0xac, 0x02, 0x00],
            &[0x01],
        ]),
    );
    check_client(&ClientMsg::TokenStored, b"DX\x01\x08");
    check_client(
        &ClientMsg::Bootstrap {
            request: 1,
            cursor: 300,
        },
        b"DX\x01\x0a\x01\xac\x02",
    );
    check_client(
        &ClientMsg::Push {
            batch: 0,
            docs: vec![DocPush {
                doc_id: Uuid::from_bytes(ID_A),
                doc_type: "product".to_owned(),
                data: vec![0xde, 0xad],
            }],
        },
        &frame(&[
            b"DX\x01\x02",
            &[0x00, 0x01],
            &ID_A,
            b"\x07product",
            &[0x02, 0xde, 0xad],
        ]),
    );
    check_client(
        &ClientMsg::Pull {
            request: 2,
            cursor: 0,
            limit: 1000,
        },
        b"DX\x01\x03\x02\x00\xe8\x07",
    );
    check_client(
        &ClientMsg::Fetch {
            request: 3,
            items: vec![FetchItem {
                doc_id: Uuid::from_bytes(ID_A),
                have: vec![ChangeHash([0xbb; 32])],
            }],
        },
        &frame(&[b"DX\x01\x04", &[0x03, 0x01], &ID_A, &[0x01], &[0xbb; 32]]),
    );
    check_client(&ClientMsg::Ping { nonce: 300 }, b"DX\x01\x05\xac\x02");
    check_client(&ClientMsg::Pong { nonce: 300 }, b"DX\x01\x06\xac\x02");
    check_client(
        &ClientMsg::Report {
            cursor: 300,
            outbox: OutboxStats::default(),
            last_error: String::new(),
        },
        b"DX\x01\x07\xac\x02\x00\x00\x00\x00",
    );
}

#[test]
fn hub_frames_have_the_documented_layout() {
    check_hub(
        &HubMsg::Welcome {
            clinic_id: Uuid::from_bytes(ID_A),
            node_id: Uuid::from_bytes(ID_B),
            hub_seq: 0,
            server_time_ms: 1,
            max_frame_bytes: 8 * 1024 * 1024,
            max_batch_docs: 500,
        },
        &frame(&[
            b"DX\x01\x81",
            &ID_A,
            &ID_B,
            &[0x00, 0x01],
            &[0x80, 0x80, 0x80, 0x04],
            &[0xf4, 0x03],
        ]),
    );
    check_hub(
        &HubMsg::PushAck {
            batch: 7,
            results: vec![
                PushResult {
                    doc_id: Uuid::from_bytes(ID_A),
                    outcome: PushOutcome::Applied {
                        seq: 1,
                        heads: vec![ChangeHash([0xaa; 32])],
                    },
                },
                PushResult {
                    doc_id: Uuid::from_bytes(ID_B),
                    outcome: PushOutcome::NeedFull,
                },
                PushResult {
                    doc_id: Uuid::from_bytes(ID_C),
                    outcome: PushOutcome::Rejected {
                        code: ErrorCode::InvalidDocument,
                        message: "bad".to_owned(),
                    },
                },
            ],
        },
        &frame(&[
            b"DX\x01\x82",
            &[0x07, 0x03],
            &ID_A,
            &[0x00, 0x01, 0x01],
            &[0xaa; 32],
            &ID_B,
            &[0x01],
            &ID_C,
            &[0x02, 0x0b],
            b"\x03bad",
        ]),
    );
    check_hub(
        &HubMsg::Index {
            request: 0,
            from: 0,
            entries: Vec::new(),
            up_to: 300,
            more: true,
        },
        b"DX\x01\x83\x00\x00\x00\xac\x02\x01",
    );
    check_hub(
        &HubMsg::Docs {
            request: 1,
            items: vec![DocData {
                doc_id: Uuid::from_bytes(ID_A),
                doc_type: "patient".to_owned(),
                seq: 2,
                heads: Vec::new(),
                full: true,
                data: vec![1, 2, 3],
            }],
            missing: vec![Uuid::from_bytes(ID_B)],
            derived: Vec::new(),
        },
        &frame(&[
            b"DX\x01\x84",
            &[0x01, 0x01],
            &ID_A,
            b"\x07patient",
            &[0x02, 0x00, 0x01, 0x03, 0x01, 0x02, 0x03],
            &[0x01],
            &ID_B,
        ]),
    );
    // Revision 9: the same frame with one derivation per item, type 0x8C.
    check_hub(
        &HubMsg::Docs {
            request: 1,
            items: vec![DocData {
                doc_id: Uuid::from_bytes(ID_A),
                doc_type: "patient".to_owned(),
                seq: 2,
                heads: Vec::new(),
                full: true,
                data: vec![1, 2, 3],
            }],
            missing: vec![Uuid::from_bytes(ID_B)],
            derived: vec![vec![0x01, 0x04]],
        },
        &frame(&[
            b"DX\x01\x8c",
            &[0x01, 0x01],
            &ID_A,
            b"\x07patient",
            &[0x02, 0x00, 0x01, 0x03, 0x01, 0x02, 0x03],
            &[0x01],
            &ID_B,
            &[0x01, 0x02, 0x01, 0x04],
        ]),
    );
    check_hub(&HubMsg::Ping { nonce: 300 }, b"DX\x01\x85\xac\x02");
    check_hub(&HubMsg::Pong { nonce: 300 }, b"DX\x01\x86\xac\x02");
    check_hub(
        &HubMsg::NewToken {
            token: "tok".to_owned(),
        },
        b"DX\x01\x87\x03tok",
    );
    check_hub(
        &HubMsg::Live {
            from: 5,
            up_to: 300,
            items: vec![DocData {
                doc_id: Uuid::from_bytes(ID_A),
                doc_type: "patient".to_owned(),
                seq: 300,
                heads: vec![ChangeHash([0xaa; 32])],
                full: false,
                data: vec![1, 2, 3],
            }],
        },
        &frame(&[
            b"DX\x01\x88",
            &[0x05, 0xac, 0x02, 0x01],
            &ID_A,
            b"\x07patient",
            &[0xac, 0x02, 0x01],
            &[0xaa; 32],
            &[0x00, 0x03, 0x01, 0x02, 0x03],
        ]),
    );
    check_hub(
        &HubMsg::Bootstrap {
            request: 2,
            from: 0,
            up_to: 300,
            more: true,
            items: vec![DocData {
                doc_id: Uuid::from_bytes(ID_A),
                doc_type: "patient".to_owned(),
                seq: 300,
                heads: vec![ChangeHash([0xaa; 32])],
                full: true,
                data: vec![1, 2, 3],
            }],
            derived: Vec::new(),
        },
        &frame(&[
            b"DX\x01\x89",
            &[0x02, 0x00, 0xac, 0x02, 0x01, 0x01],
            &ID_A,
            b"\x07patient",
            &[0xac, 0x02, 0x01],
            &[0xaa; 32],
            &[0x01, 0x03, 0x01, 0x02, 0x03],
        ]),
    );
    // Revision 6: the same frame with one derivation per item, type 0x8A.
    check_hub(
        &HubMsg::Bootstrap {
            request: 2,
            from: 0,
            up_to: 300,
            more: true,
            items: vec![DocData {
                doc_id: Uuid::from_bytes(ID_A),
                doc_type: "patient".to_owned(),
                seq: 300,
                heads: vec![ChangeHash([0xaa; 32])],
                full: true,
                data: vec![1, 2, 3],
            }],
            derived: vec![vec![0x01, 0x04]],
        },
        &frame(&[
            b"DX\x01\x8a",
            &[0x02, 0x00, 0xac, 0x02, 0x01, 0x01],
            &ID_A,
            b"\x07patient",
            &[0xac, 0x02, 0x01],
            &[0xaa; 32],
            &[0x01, 0x03, 0x01, 0x02, 0x03],
            &[0x01, 0x02, 0x01, 0x04],
        ]),
    );
    check_hub(
        &HubMsg::Error {
            code: ErrorCode::Revoked,
            message: "revoked".to_owned(),
        },
        b"DX\x01\x8f\x05\x07revoked",
    );
}

/// Revision 7: a compressed frame is the header with type 0x8B, the algorithm (0x01
/// zstd), the inner frame's exact length as a varint, then a standard zstd frame of the
/// inner frame. The zstd frame here is written by hand (one raw block), so the layout is
/// pinned without depending on the compressor's output.
#[test]
fn compressed_frames_have_the_documented_layout() {
    let ping = [0x44, 0x58, 0x01, 0x85, 0xAC, 0x02];
    let compressed = frame(&[
        &[0x44, 0x58, 0x01, 0x8B],
        &[0x01],                                                 // zstd
        &[0x06],                                                 // the inner frame is 6 bytes
        &[0x28, 0xB5, 0x2F, 0xFD, 0x20, 0x06, 0x31, 0x00, 0x00], // zstd: one raw block of 6
        &ping,
    ]);
    assert_eq!(
        decompress_frame(&compressed, &Limits::default()).as_deref(),
        Ok(&ping[..])
    );
    assert_eq!(
        HubMsg::decode(&ping, &Limits::default()),
        Ok(HubMsg::Ping { nonce: 300 })
    );
    // A compressed frame is not a message of its own: only its inner frame decodes.
    assert_eq!(
        HubMsg::decode(&compressed, &Limits::default()),
        Err(DecodeError::UnknownType { code: 0x8B })
    );
    // What the hub makes has the same header.
    let docs = HubMsg::Docs {
        request: 1,
        items: vec![DocData {
            doc_id: Uuid::nil(),
            doc_type: "patient".into(),
            seq: 1,
            heads: Vec::new(),
            full: true,
            data: vec![0x2a; 10_000],
        }],
        missing: Vec::new(),
        derived: Vec::new(),
    }
    .encode();
    let made = compress_frame(&docs).expect("repeated bytes shrink");
    let len = docs.len();
    assert_eq!(
        made[..8],
        [
            0x44,
            0x58,
            0x01,
            0x8B,
            0x01,
            0x80 | (len & 0x7f) as u8,
            (len >> 7) as u8,
            0x28
        ]
    );
    assert_eq!(made[8..11], [0xB5, 0x2F, 0xFD]);
}

#[test]
fn unknown_error_codes_still_decode() {
    check_hub(
        &HubMsg::Error {
            code: ErrorCode::Unknown(999),
            message: String::new(),
        },
        b"DX\x01\x8f\xe7\x07\x00",
    );
}

#[test]
fn each_refusal_has_its_own_error() {
    let limits = Limits::default();
    let client = |bytes: &[u8]| ClientMsg::decode(bytes, &limits).err();
    let hub = |bytes: &[u8]| HubMsg::decode(bytes, &limits).err();
    let invalid = |what| Some(DecodeError::Invalid { what });

    assert_eq!(client(b""), Some(DecodeError::Truncated { what: "magic" }));
    assert_eq!(client(b"{\"type\":\"hello\"}"), Some(DecodeError::BadMagic));
    assert_eq!(
        client(b"DX\x01\x00"),
        Some(DecodeError::UnknownType { code: 0 })
    );
    // Each direction refuses the other's messages.
    assert_eq!(
        client(b"DX\x01\x85\x00"),
        Some(DecodeError::UnknownType { code: 0x85 })
    );
    assert_eq!(
        hub(b"DX\x01\x05\x00"),
        Some(DecodeError::UnknownType { code: 0x05 })
    );
    assert_eq!(
        client(b"DX\x01\x05\x00\x00"),
        Some(DecodeError::TrailingBytes { count: 1 })
    );
    assert_eq!(
        client(b"DX\x01\x05"),
        Some(DecodeError::Truncated { what: "Ping.nonce" })
    );
    // Features only in a type 0x09 hello, and never 0 there: one encoding per value.
    let hello =
        |code: u8, tail: &[u8]| frame(&[b"DX\x01", &[code], &ID_A, b"\x00", &[0, 0, 0, 0], tail]);
    assert_eq!(client(&hello(0x09, &[0x00])), invalid("Hello.features"));
    assert_eq!(
        client(&hello(0x09, &[])),
        Some(DecodeError::Truncated {
            what: "Hello.features"
        })
    );
    assert_eq!(
        client(&hello(0x01, &[0x01])),
        Some(DecodeError::TrailingBytes { count: 1 })
    );
    assert_eq!(
        client(b"DX\x01\x08\x00"),
        Some(DecodeError::TrailingBytes { count: 1 })
    );
    // limit is a u32: 2^32 overflows it.
    assert_eq!(
        client(b"DX\x01\x03\x00\x00\x80\x80\x80\x80\x10"),
        invalid("Pull.limit")
    );
    // An error code is a u16: 70000 overflows it.
    assert_eq!(hub(b"DX\x01\x8f\xf0\xa2\x04\x00"), invalid("Error.code"));
    assert_eq!(
        hub(b"DX\x01\x83\x00\x00\x00\x00\x02"),
        invalid("Index.more")
    );

    let bad_utf8 = frame(&[b"DX\x01\x01", &ID_A, &[0x02, 0xc3, 0x28], &[0, 0, 0, 0]]);
    assert_eq!(client(&bad_utf8), invalid("Hello.app_version"));
}

#[test]
fn limits_are_enforced_per_field() {
    let limits = Limits::default();
    let long_version = ClientMsg::Hello {
        node_id: Uuid::nil(),
        app_version: "v".repeat(limits.max_string + 1),
        cursor: 0,
        outbox: OutboxStats::default(),
        features: 0,
    };
    assert_eq!(
        ClientMsg::decode(&long_version.encode(), &limits),
        Err(DecodeError::TooMany {
            what: "Hello.app_version",
            count: 4097,
            max: 4096
        })
    );

    let many_heads = ClientMsg::Fetch {
        request: 1,
        items: vec![FetchItem {
            doc_id: Uuid::nil(),
            have: vec![ChangeHash([0; 32]); limits.max_heads + 1],
        }],
    };
    assert_eq!(
        ClientMsg::decode(&many_heads.encode(), &limits),
        Err(DecodeError::TooMany {
            what: "FetchItem.have",
            count: 257,
            max: 256
        })
    );

    let tight = Limits {
        max_items: 2,
        ..Limits::default()
    };
    let missing = HubMsg::Docs {
        request: 1,
        items: Vec::new(),
        missing: vec![Uuid::nil(); 3],
        derived: Vec::new(),
    };
    assert_eq!(
        HubMsg::decode(&missing.encode(), &tight),
        Err(DecodeError::TooMany {
            what: "Docs.missing",
            count: 3,
            max: 2
        })
    );
}

/// Frames carry patient data; an error must say which field failed, never what it held.
#[test]
fn errors_never_echo_frame_contents() {
    let limits = Limits {
        max_string: 8,
        ..Limits::default()
    };
    let msg = ClientMsg::Report {
        cursor: 0,
        outbox: OutboxStats::default(),
        last_error: "could not save patient Anna Petrosyan".to_owned(),
    };
    let Err(error) = ClientMsg::decode(&msg.encode(), &limits) else {
        panic!("a string over the limit was accepted");
    };
    let text = format!("{error} {error:?}");
    assert!(!text.contains("Anna"), "{text}");
    assert!(text.contains("Report.last_error"), "{text}");
    assert_eq!(error.code(), ErrorCode::Malformed);
}
