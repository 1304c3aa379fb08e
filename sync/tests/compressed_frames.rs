//! Revision 7: compressed hub frames (`FEATURE_COMPRESSED`). The attacker's cases
//! against the node's decompression (a zip bomb, lying lengths, garbage, an unknown
//! algorithm, nesting, truncation, a frame not asked for), and the engines agreeing on
//! the feature and marking only first-sync and large fetch frames for compression.

use automerge::ChangeHash;
use dermis_sync::EngineConfig;
use dermis_sync::hub_engine::{HubOutput, HubStoreOp, HubStoreResult};
use dermis_sync::node_engine::{NodeOutput, NodeStoreOp};
use dermis_sync::wire::{
    COMPRESS_MIN_BYTES, ClientMsg, DecodeError, DocData, ErrorCode, FEATURE_BOOT_ROWS,
    FEATURE_BOOTSTRAP, FEATURE_COMPRESSED, FEATURE_LIVE_DOCS, FEATURE_TOKEN_ROTATION, FetchItem,
    HubMsg, Limits, compress_frame, decompress_frame, features_header, is_compressed,
    parse_features,
};
use uuid::Uuid;

mod support;
use support::{boot_request, closed_with, hello_features, hub_op, hub_with, node_with, page};

const ALL: u64 = FEATURE_TOKEN_ROTATION
    | FEATURE_LIVE_DOCS
    | FEATURE_BOOTSTRAP
    | FEATURE_BOOT_ROWS
    | FEATURE_COMPRESSED;

/// A compressed frame around `compressed` bytes, declaring `declared` and naming
/// `algorithm`: the layout docs/SYNC.md fixes, written by hand so it can lie.
fn wrapper(algorithm: u8, declared: u64, compressed: &[u8]) -> Vec<u8> {
    let mut frame = b"DX\x01\x8B".to_vec();
    frame.push(algorithm);
    let mut value = declared;
    loop {
        let low = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            frame.push(low);
            break;
        }
        frame.push(low | 0x80);
    }
    frame.extend_from_slice(compressed);
    frame
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::bulk::compress(bytes, 1).expect("zstd compresses")
}

fn doc(seq: u64, data: Vec<u8>) -> DocData {
    DocData {
        doc_id: Uuid::from_u128(u128::from(seq)),
        doc_type: "product".into(),
        seq,
        heads: vec![ChangeHash([seq as u8; 32])],
        full: true,
        data,
    }
}

/// A bootstrap frame that compresses well (documents of repeated bytes).
fn boot_frame(request: u64) -> Vec<u8> {
    HubMsg::Bootstrap {
        request,
        from: 0,
        up_to: 3,
        more: false,
        items: vec![doc(2, vec![7; 20_000]), doc(3, vec![8; 20_000])],
        derived: Vec::new(),
    }
    .encode()
}

const SMALL: Limits = Limits {
    max_frame_bytes: 64 * 1024,
    max_items: 50_000,
    max_string: 4096,
    max_heads: 256,
};

#[test]
fn a_compressed_frame_opens_to_the_frame_inside_it() {
    let inner = boot_frame(1);
    let frame = compress_frame(&inner).expect("repeated bytes shrink");
    assert!(frame.len() < inner.len() / 20, "{} bytes", frame.len());
    assert!(is_compressed(&frame) && !is_compressed(&inner));
    assert_eq!(&frame[..5], b"DX\x01\x8B\x01");
    assert_eq!(
        decompress_frame(&frame, &Limits::default()).as_deref(),
        Ok(&inner[..])
    );
    // The hand-written layout is the same one.
    assert_eq!(
        decompress_frame(
            &wrapper(1, inner.len() as u64, &zstd(&inner)),
            &Limits::default()
        )
        .as_deref(),
        Ok(&inner[..])
    );
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_decompressed() {
    // 1 MiB of zeros compresses to a few dozen bytes; the node's limit here is 64 KiB.
    let bomb = vec![0u8; 1 << 20];
    let packed = zstd(&bomb);
    assert!(packed.len() < 200);
    // Claiming its true size: refused on the declared length alone.
    assert_eq!(
        decompress_frame(&wrapper(1, bomb.len() as u64, &packed), &SMALL),
        Err(DecodeError::TooLarge {
            len: 1 << 20,
            max: 64 * 1024
        })
    );
    // Claiming an absurd size: refused the same way, nothing allocated.
    assert_eq!(
        decompress_frame(&wrapper(1, u64::MAX, &packed), &SMALL),
        Err(DecodeError::TooLarge {
            len: usize::MAX,
            max: 64 * 1024
        })
    );
    // Claiming a size within the limit: the output stops at that size and is refused.
    assert_eq!(
        decompress_frame(&wrapper(1, 60_000, &packed), &SMALL),
        Err(DecodeError::Invalid {
            what: "Compressed.data"
        })
    );
}

#[test]
fn a_lying_length_is_refused_either_way() {
    let inner = boot_frame(1);
    let packed = zstd(&inner);
    let len = inner.len() as u64;
    for declared in [len - 1, len + 1, len / 2, len * 2, 4] {
        assert_eq!(
            decompress_frame(&wrapper(1, declared, &packed), &Limits::default()),
            Err(DecodeError::Invalid {
                what: "Compressed.data"
            }),
            "declared {declared} of {len}"
        );
    }
    // Shorter than any frame: refused before decompressing.
    assert_eq!(
        decompress_frame(&wrapper(1, 3, &packed), &Limits::default()),
        Err(DecodeError::Invalid {
            what: "Compressed.length"
        })
    );
}

#[test]
fn garbage_and_unknown_algorithms_are_refused() {
    let inner = boot_frame(1);
    let mut garbage = zstd(&inner);
    for byte in garbage.iter_mut().skip(8) {
        *byte ^= 0x5a;
    }
    assert_eq!(
        decompress_frame(
            &wrapper(1, inner.len() as u64, &garbage),
            &Limits::default()
        ),
        Err(DecodeError::Invalid {
            what: "Compressed.data"
        })
    );
    assert_eq!(
        decompress_frame(&wrapper(1, 100, b"not zstd at all"), &Limits::default()),
        Err(DecodeError::Invalid {
            what: "Compressed.data"
        })
    );
    assert_eq!(
        decompress_frame(&wrapper(1, 100, &[]), &Limits::default()),
        Err(DecodeError::Invalid {
            what: "Compressed.data"
        })
    );
    for algorithm in [0, 2, 0x28, 0xff] {
        assert_eq!(
            decompress_frame(
                &wrapper(algorithm, inner.len() as u64, &zstd(&inner)),
                &Limits::default()
            ),
            Err(DecodeError::Invalid {
                what: "Compressed.algorithm"
            }),
            "algorithm {algorithm}"
        );
    }
}

#[test]
fn a_compressed_frame_inside_a_compressed_frame_is_refused() {
    let inner = compress_frame(&boot_frame(1)).expect("shrinks");
    // The hub's own code never nests...
    assert_eq!(compress_frame(&inner), None);
    // ...and a node refuses a frame that does.
    let nested = wrapper(1, inner.len() as u64, &zstd(&inner));
    assert_eq!(
        decompress_frame(&nested, &Limits::default()),
        Err(DecodeError::Invalid {
            what: "Compressed.inner"
        })
    );
}

#[test]
fn a_truncated_compressed_frame_never_opens() {
    let frame = compress_frame(&boot_frame(1)).expect("shrinks");
    for cut in 4..frame.len() {
        let result = decompress_frame(&frame[..cut], &Limits::default());
        assert!(
            matches!(
                result,
                Err(DecodeError::Truncated { .. } | DecodeError::Invalid { .. })
            ),
            "cut at {cut}: {result:?}"
        );
    }
    // The header checks of every frame come first.
    let mut too_big = frame.clone();
    too_big.resize(SMALL.max_frame_bytes + 1, 0);
    assert!(matches!(
        decompress_frame(&too_big, &SMALL),
        Err(DecodeError::TooLarge { .. })
    ));
    let mut version = frame;
    version[2] = 2;
    assert_eq!(
        decompress_frame(&version, &Limits::default()),
        Err(DecodeError::UnsupportedVersion { got: 2 })
    );
}

#[test]
fn the_feature_has_a_name_and_is_asked_for_only_when_offered_and_on() {
    assert_eq!(features_header(FEATURE_COMPRESSED), "compressed-frames");
    assert_eq!(parse_features("compressed-frames"), FEATURE_COMPRESSED);
    let (_, out) = node_with(ALL, EngineConfig::default());
    assert_ne!(hello_features(&out) & FEATURE_COMPRESSED, 0);
    let (_, out) = node_with(ALL & !FEATURE_COMPRESSED, EngineConfig::default());
    assert_eq!(hello_features(&out) & FEATURE_COMPRESSED, 0);
    let off = EngineConfig {
        compressed_frames: false,
        ..EngineConfig::default()
    };
    let (_, out) = node_with(ALL, off);
    assert_eq!(hello_features(&out) & FEATURE_COMPRESSED, 0);
}

#[test]
fn a_node_that_asked_stores_a_compressed_bootstrap_frame_as_the_frame_itself() {
    let (mut plain, out) = node_with(ALL & !FEATURE_COMPRESSED, EngineConfig::default());
    let r = boot_request(&out);
    let expected = stored_docs(&plain.handle_frame(10, &boot_frame(r)));
    assert_eq!(expected.len(), 2);

    let (mut node, out) = node_with(ALL, EngineConfig::default());
    let r = boot_request(&out);
    let inner = boot_frame(r);
    let frame = compress_frame(&inner).expect("shrinks");
    let received = node.receive(&frame);
    assert_eq!(
        received.frame(),
        Some(&inner[..]),
        "opened once, for the loaders"
    );
    let out = node.handle_received(10, received);
    assert_eq!(closed_with(&out), None, "{out:?}");
    assert_eq!(stored_docs(&out), expected);
    let stats = node.stats();
    assert_eq!(stats.compressed_down, frame.len() as u64);
    assert_eq!(stats.decompressed_down, inner.len() as u64);
    // Uncompressed frames stay welcome after agreeing (the hub sends small ones as
    // they are).
    let out = node.handle_frame(11, &HubMsg::Ping { nonce: 1 }.encode());
    assert_eq!(closed_with(&out), None, "{out:?}");
}

#[test]
fn compressed_frames_not_asked_for_or_bad_end_the_session_with_nothing_stored() {
    // Not asked for: refused before it is decompressed, as a protocol violation.
    let (mut node, out) = node_with(ALL & !FEATURE_COMPRESSED, EngineConfig::default());
    let r = boot_request(&out);
    let frame = compress_frame(&boot_frame(r)).expect("shrinks");
    let received = node.receive(&frame);
    assert_eq!(received.frame(), None);
    let out = node.handle_received(10, received);
    assert_eq!(closed_with(&out), Some(ErrorCode::ProtocolViolation));
    assert_eq!(stored_docs(&out).len(), 0);
    assert_eq!(node.cursor(), 0);

    // Asked for, but bad: malformed (or too large), nothing stored.
    let bad: Vec<(Forge, ErrorCode)> = vec![
        (
            |inner: &[u8]| wrapper(1, inner.len() as u64 + 1, &zstd(inner)),
            ErrorCode::Malformed,
        ),
        (
            |inner: &[u8]| wrapper(9, inner.len() as u64, &zstd(inner)),
            ErrorCode::Malformed,
        ),
        (
            |inner: &[u8]| {
                let once = compress_frame(inner).expect("shrinks");
                wrapper(1, once.len() as u64, &zstd(&once))
            },
            ErrorCode::Malformed,
        ),
        (
            |_: &[u8]| wrapper(1, 9 << 20, &zstd(&vec![0; 9 << 20])),
            ErrorCode::FrameTooLarge,
        ),
        (
            |inner: &[u8]| {
                let mut frame = compress_frame(inner).expect("shrinks");
                frame.truncate(frame.len() - 3);
                frame
            },
            ErrorCode::Malformed,
        ),
    ];
    for (make, code) in bad {
        let (mut node, out) = node_with(ALL, EngineConfig::default());
        let r = boot_request(&out);
        let out = node.handle_frame(10, &make(&boot_frame(r)));
        assert_eq!(closed_with(&out), Some(code), "{out:?}");
        assert_eq!(
            stored_docs(&out).len(),
            0,
            "nothing of the frame is applied"
        );
        assert_eq!(node.cursor(), 0);
    }
}

#[test]
fn the_hub_marks_first_sync_and_large_fetch_frames_for_a_node_that_asked() {
    // Asked: the bootstrap frame is marked for compression.
    let out = hub_bootstrap(ALL, EngineConfig::default());
    let [frame] = marked(&out, true).try_into().expect("one compressed frame");
    assert!(matches!(
        HubMsg::decode(&frame, &Limits::default()),
        Ok(HubMsg::Bootstrap { .. })
    ));
    assert!(marked(&out, false).is_empty());
    // Not asked, or the hub's operator turned it off: sent as it is.
    let off = EngineConfig {
        compressed_frames: false,
        ..EngineConfig::default()
    };
    for out in [
        hub_bootstrap(ALL & !FEATURE_COMPRESSED, EngineConfig::default()),
        hub_bootstrap(ALL, off),
    ] {
        assert!(marked(&out, true).is_empty(), "{out:?}");
        assert_eq!(marked(&out, false).len(), 1);
    }

    // A fetch answer: compressed when large, as it is when small.
    for (size, compressed) in [(COMPRESS_MIN_BYTES, true), (100, false)] {
        let mut hub = hub_with(ALL, EngineConfig::default());
        let fetch = ClientMsg::Fetch {
            request: 5,
            items: vec![FetchItem {
                doc_id: Uuid::from_u128(2),
                have: Vec::new(),
            }],
        };
        let out = hub.handle_frame(3, &fetch.encode());
        assert!(matches!(hub_op(&out), Some(HubStoreOp::Fetch { .. })));
        let out = hub.stored(
            4,
            HubStoreResult::Fetched(vec![Some(doc(2, vec![1; size]))]),
        );
        assert_eq!(marked(&out, compressed).len(), 1, "{size}: {out:?}");
        assert!(marked(&out, !compressed).is_empty());
    }
}

#[test]
fn a_hub_with_boot_rows_off_neither_agrees_to_them() {
    let off = EngineConfig {
        boot_rows: false,
        ..EngineConfig::default()
    };
    let out = hub_bootstrap(ALL, off);
    let sent: Vec<HubMsg> = marked(&out, true)
        .iter()
        .filter_map(|f| HubMsg::decode(f, &Limits::default()).ok())
        .collect();
    assert!(
        matches!(sent.as_slice(), [HubMsg::Bootstrap { derived, .. }] if derived.is_empty()),
        "{sent:?}"
    );
}

/// Makes a bad compressed frame around an inner frame.
type Forge = fn(&[u8]) -> Vec<u8>;

fn stored_docs(out: &[NodeOutput]) -> Vec<DocData> {
    out.iter()
        .filter_map(|o| match o {
            NodeOutput::Store(NodeStoreOp::ApplyDocs { docs, .. }) => Some(docs.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// The frames sent marked for compression (`true`) or as they are (`false`).
fn marked(out: &[HubOutput], compressed: bool) -> Vec<Vec<u8>> {
    out.iter()
        .filter_map(|o| match (o, compressed) {
            (HubOutput::SendCompressed(bytes), true) | (HubOutput::Send(bytes), false) => {
                Some(bytes.clone())
            }
            _ => None,
        })
        .collect()
}

/// A hub session that answers one bootstrap request with one document (rows, when
/// asked for and agreed, are read and given).
fn hub_bootstrap(features: u64, config: EngineConfig) -> Vec<HubOutput> {
    let mut hub = hub_with(features, config);
    let ask = ClientMsg::Bootstrap {
        request: 4,
        cursor: 0,
    };
    hub.handle_frame(3, &ask.encode());
    let item = doc(2, vec![5; 100]);
    let out = hub.stored(
        4,
        HubStoreResult::Changes(page(std::slice::from_ref(&item), 2)),
    );
    if let Some(HubStoreOp::Derivations { .. }) = hub_op(&out) {
        hub.stored(5, HubStoreResult::Derivations(vec![Some(vec![1, 2, 3])]));
    }
    let out = hub.stored(6, HubStoreResult::Fetched(vec![Some(item)]));
    assert!(
        out.iter().all(|o| !matches!(o, HubOutput::Close { .. })),
        "{out:?}"
    );
    out
}
