//! Property tests for the wire codec: every message round-trips, and no input, however
//! cut, mutated or invented, makes the decoder panic or accept something it should not.

use automerge::ChangeHash;
use dermis_sync::wire::{
    ClientMsg, DecodeError, DocData, DocPush, ErrorCode, FRAME_OVERHEAD, FetchItem, HubMsg,
    IndexEntry, Limits, OutboxStats, PROTOCOL_VERSION, PushOutcome, PushResult,
    doc_data_encoded_len, doc_push_encoded_len,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::FileFailurePersistence;
use uuid::Uuid;

/// Failing seeds go to `sync/proptest-regressions/` (tests run from the package root),
/// where they are committed and replayed first on every run.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/wire_props.txt",
        ))),
        ..ProptestConfig::default()
    }
}

fn uuid() -> impl Strategy<Value = Uuid> {
    any::<u128>().prop_map(Uuid::from_u128)
}

fn hash() -> impl Strategy<Value = ChangeHash> {
    any::<[u8; 32]>().prop_map(ChangeHash)
}

fn heads() -> impl Strategy<Value = Vec<ChangeHash>> {
    vec(hash(), 0..4)
}

/// Small numbers exercise one- and two-byte varints, which uniform u64s almost never hit.
fn num() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..300, any::<u64>()]
}

fn num32() -> impl Strategy<Value = u32> {
    prop_oneof![0u32..300, any::<u32>()]
}

/// Any printable Unicode, up to 16 chars, so at most 64 bytes: inside the string limit.
fn text() -> impl Strategy<Value = String> {
    "\\PC{0,16}"
}

fn data() -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..48)
}

/// `from_u16` is the only way a decoder builds codes, so only its outputs round-trip.
fn error_code() -> impl Strategy<Value = ErrorCode> {
    prop_oneof![1u16..=12, any::<u16>()].prop_map(ErrorCode::from_u16)
}

fn outbox() -> impl Strategy<Value = OutboxStats> {
    (num(), num(), num()).prop_map(|(count, bytes, oldest_age_ms)| OutboxStats {
        count,
        bytes,
        oldest_age_ms,
    })
}

fn doc_push() -> impl Strategy<Value = DocPush> {
    (uuid(), text(), data()).prop_map(|(doc_id, doc_type, data)| DocPush {
        doc_id,
        doc_type,
        data,
    })
}

fn doc_data() -> impl Strategy<Value = DocData> {
    (uuid(), text(), num(), heads(), any::<bool>(), data()).prop_map(
        |(doc_id, doc_type, seq, heads, full, data)| DocData {
            doc_id,
            doc_type,
            seq,
            heads,
            full,
            data,
        },
    )
}

fn push_outcome() -> impl Strategy<Value = PushOutcome> {
    prop_oneof![
        (num(), heads()).prop_map(|(seq, heads)| PushOutcome::Applied { seq, heads }),
        Just(PushOutcome::NeedFull),
        (error_code(), text()).prop_map(|(code, message)| PushOutcome::Rejected { code, message }),
    ]
}

fn client_msg() -> impl Strategy<Value = ClientMsg> {
    prop_oneof![
        (uuid(), text(), num(), outbox(), num()).prop_map(
            |(node_id, app_version, cursor, outbox, features)| ClientMsg::Hello {
                node_id,
                app_version,
                cursor,
                outbox,
                features,
            }
        ),
        Just(ClientMsg::TokenStored),
        (num(), num()).prop_map(|(request, cursor)| ClientMsg::Bootstrap { request, cursor }),
        (num(), vec(doc_push(), 0..4)).prop_map(|(batch, docs)| ClientMsg::Push { batch, docs }),
        (num(), num(), num32()).prop_map(|(request, cursor, limit)| ClientMsg::Pull {
            request,
            cursor,
            limit
        }),
        (num(), vec((uuid(), heads()), 0..4)).prop_map(|(request, items)| ClientMsg::Fetch {
            request,
            items: items
                .into_iter()
                .map(|(doc_id, have)| FetchItem { doc_id, have })
                .collect(),
        }),
        num().prop_map(|nonce| ClientMsg::Ping { nonce }),
        num().prop_map(|nonce| ClientMsg::Pong { nonce }),
        (num(), outbox(), text()).prop_map(|(cursor, outbox, last_error)| ClientMsg::Report {
            cursor,
            outbox,
            last_error
        }),
    ]
}

fn hub_msg() -> impl Strategy<Value = HubMsg> {
    prop_oneof![
        (uuid(), uuid(), num(), num(), num32(), num32()).prop_map(
            |(clinic_id, node_id, hub_seq, server_time_ms, max_frame_bytes, max_batch_docs)| {
                HubMsg::Welcome {
                    clinic_id,
                    node_id,
                    hub_seq,
                    server_time_ms,
                    max_frame_bytes,
                    max_batch_docs,
                }
            }
        ),
        text().prop_map(|token| HubMsg::NewToken { token }),
        (num(), vec((uuid(), push_outcome()), 0..4)).prop_map(|(batch, results)| {
            HubMsg::PushAck {
                batch,
                results: results
                    .into_iter()
                    .map(|(doc_id, outcome)| PushResult { doc_id, outcome })
                    .collect(),
            }
        }),
        (
            num(),
            num(),
            vec((uuid(), text(), num(), heads()), 0..4),
            num(),
            any::<bool>()
        )
            .prop_map(|(request, from, entries, up_to, more)| HubMsg::Index {
                request,
                from,
                entries: entries
                    .into_iter()
                    .map(|(doc_id, doc_type, seq, heads)| IndexEntry {
                        doc_id,
                        doc_type,
                        seq,
                        heads,
                    })
                    .collect(),
                up_to,
                more,
            }),
        (
            num(),
            vec(doc_data(), 0..4),
            vec(uuid(), 0..4),
            any::<bool>()
        )
            .prop_map(|(request, items, missing, rows)| HubMsg::Docs {
                request,
                // Revision 9 frames (one derivation per item) when asked and there are
                // items.
                derived: if rows {
                    items.iter().map(|d| d.data.clone()).collect()
                } else {
                    Vec::new()
                },
                items,
                missing,
            }),
        (num(), num(), vec(doc_data(), 0..4)).prop_map(|(from, up_to, items)| HubMsg::Live {
            from,
            up_to,
            items
        }),
        (num(), num(), num(), any::<bool>(), vec(doc_data(), 0..4)).prop_map(
            |(request, from, up_to, more, items)| HubMsg::Bootstrap {
                request,
                from,
                up_to,
                more,
                // Revision 6 frames (one derivation per item) when there are items.
                derived: items.iter().map(|d| d.data.clone()).collect(),
                items,
            }
        ),
        num().prop_map(|nonce| HubMsg::Ping { nonce }),
        num().prop_map(|nonce| HubMsg::Pong { nonce }),
        (error_code(), text()).prop_map(|(code, message)| HubMsg::Error { code, message }),
    ]
}

/// A valid frame in either direction, for the tests that only care about bytes.
fn any_frame() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        client_msg().prop_map(|m| m.encode()),
        hub_msg().prop_map(|m| m.encode())
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Set(Index, u8),
    Insert(Index, u8),
    Remove(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Set(at, byte)),
        (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Insert(at, byte)),
        any::<Index>().prop_map(Mutation::Remove),
    ]
}

fn apply(frame: &mut Vec<u8>, mutation: &Mutation) {
    if frame.is_empty() {
        return;
    }
    match mutation {
        Mutation::Set(at, byte) => {
            let at = at.index(frame.len());
            frame[at] = *byte;
        }
        Mutation::Insert(at, byte) => frame.insert(at.index(frame.len() + 1), *byte),
        Mutation::Remove(at) => {
            frame.remove(at.index(frame.len()));
        }
    }
}

/// Decodes `bytes` both ways. Whatever decodes must re-encode to exactly the same bytes:
/// each value has one encoding, so accepting anything else would mean the decoder
/// skipped or invented input.
fn decode_both_ways(bytes: &[u8], limits: &Limits) -> Result<(), TestCaseError> {
    if let Ok(msg) = ClientMsg::decode(bytes, limits) {
        prop_assert_eq!(msg.encode(), bytes);
    }
    if let Ok(msg) = HubMsg::decode(bytes, limits) {
        prop_assert_eq!(msg.encode(), bytes);
    }
    Ok(())
}

fn is_truncated(result: &Result<impl std::fmt::Debug, DecodeError>) -> bool {
    matches!(result, Err(DecodeError::Truncated { .. }))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn client_messages_round_trip(msg in client_msg()) {
        let frame = msg.encode();
        prop_assert_eq!(frame.len(), msg.encoded_len());
        prop_assert_eq!(&frame[..4], &[b'D', b'X', PROTOCOL_VERSION, msg.type_code()]);
        prop_assert_eq!(ClientMsg::decode(&frame, &Limits::default()), Ok(msg));
    }

    #[test]
    fn hub_messages_round_trip(msg in hub_msg()) {
        let frame = msg.encode();
        prop_assert_eq!(frame.len(), msg.encoded_len());
        prop_assert_eq!(&frame[..4], &[b'D', b'X', PROTOCOL_VERSION, msg.type_code()]);
        prop_assert_eq!(HubMsg::decode(&frame, &Limits::default()), Ok(msg));
    }

    /// A prefix reads the same bytes as the whole frame until it runs out, so the only
    /// right answer is "truncated".
    #[test]
    fn every_prefix_of_a_client_frame_is_truncated(msg in client_msg()) {
        let frame = msg.encode();
        let limits = Limits::default();
        for cut in 0..frame.len() {
            let result = ClientMsg::decode(&frame[..cut], &limits);
            prop_assert!(is_truncated(&result), "cut {} of {}: {:?}", cut, frame.len(), result);
        }
    }

    #[test]
    fn every_prefix_of_a_hub_frame_is_truncated(msg in hub_msg()) {
        let frame = msg.encode();
        let limits = Limits::default();
        for cut in 0..frame.len() {
            let result = HubMsg::decode(&frame[..cut], &limits);
            prop_assert!(is_truncated(&result), "cut {} of {}: {:?}", cut, frame.len(), result);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..256)) {
        decode_both_ways(&bytes, &Limits::default())?;
    }

    /// Random payloads behind a valid header reach far deeper into the decoder than
    /// random bytes, which almost never get past the magic.
    #[test]
    fn arbitrary_payloads_never_panic(
        code in prop::sample::select(vec![1u8, 2, 3, 4, 5, 6, 7, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x8f]),
        payload in vec(any::<u8>(), 0..256),
    ) {
        let mut frame = vec![b'D', b'X', PROTOCOL_VERSION, code];
        frame.extend_from_slice(&payload);
        decode_both_ways(&frame, &Limits::default())?;
    }

    #[test]
    fn mutated_frames_never_panic(mut frame in any_frame(), mutations in vec(mutation(), 1..4)) {
        for mutation in &mutations {
            apply(&mut frame, mutation);
        }
        decode_both_ways(&frame, &Limits::default())?;
        // Tight limits take the limit paths on the same input.
        let tight = Limits { max_frame_bytes: 512, max_items: 2, max_string: 8, max_heads: 1 };
        decode_both_ways(&frame, &tight)?;
    }

    #[test]
    fn frames_over_the_limit_are_too_large(frame in any_frame()) {
        let len = frame.len();
        let at_limit = Limits { max_frame_bytes: len, ..Limits::default() };
        let ok = ClientMsg::decode(&frame, &at_limit).is_ok() || HubMsg::decode(&frame, &at_limit).is_ok();
        prop_assert!(ok);

        let below = Limits { max_frame_bytes: len - 1, ..Limits::default() };
        let too_large = DecodeError::TooLarge { len, max: len - 1 };
        prop_assert_eq!(ClientMsg::decode(&frame, &below), Err(too_large.clone()));
        prop_assert_eq!(HubMsg::decode(&frame, &below), Err(too_large));
    }

    /// The size check comes first, so even garbage is refused as too large.
    #[test]
    fn oversized_garbage_is_too_large(bytes in vec(any::<u8>(), 9..64)) {
        let limits = Limits { max_frame_bytes: 8, ..Limits::default() };
        let too_large = DecodeError::TooLarge { len: bytes.len(), max: 8 };
        prop_assert_eq!(ClientMsg::decode(&bytes, &limits), Err(too_large.clone()));
        prop_assert_eq!(HubMsg::decode(&bytes, &limits), Err(too_large));
    }

    #[test]
    fn other_versions_are_unsupported(mut frame in any_frame(), version in any::<u8>()) {
        prop_assume!(version != PROTOCOL_VERSION);
        frame[2] = version;
        let unsupported = DecodeError::UnsupportedVersion { got: version };
        prop_assert_eq!(ClientMsg::decode(&frame, &Limits::default()), Err(unsupported.clone()));
        prop_assert_eq!(HubMsg::decode(&frame, &Limits::default()), Err(unsupported));
    }

    /// The engine splits batches with these figures; undercounting would produce frames
    /// the peer refuses.
    #[test]
    fn batch_sizes_are_bounded_by_overhead_plus_items(
        batch in num(),
        docs in vec(doc_push(), 0..6),
        request in num(),
        items in vec(doc_data(), 0..6),
        missing in vec(uuid(), 0..6),
    ) {
        let push_items: usize = docs.iter().map(doc_push_encoded_len).sum();
        let push = ClientMsg::Push { batch, docs };
        prop_assert!(push.encoded_len() <= FRAME_OVERHEAD + push_items);

        let docs_items: usize = items.iter().map(doc_data_encoded_len).sum();
        let bound = FRAME_OVERHEAD + docs_items + 16 * missing.len();
        let docs = HubMsg::Docs { request, items, missing, derived: Vec::new() };
        prop_assert!(docs.encoded_len() <= bound);
    }
}

/// A frame claiming 2^40 documents must be refused by looking at the count, not by
/// trying to reserve room for them (which would abort the test process).
#[test]
fn huge_claimed_counts_are_refused_before_allocating() {
    let claimed: u64 = 1 << 40;
    let mut frame = vec![b'D', b'X', PROTOCOL_VERSION, 0x02, 0x00];
    let mut count = claimed;
    while count >= 0x80 {
        frame.push((count as u8 & 0x7f) | 0x80);
        count >>= 7;
    }
    frame.push(count as u8);

    let defaults = Limits::default();
    assert_eq!(
        ClientMsg::decode(&frame, &defaults),
        Err(DecodeError::TooMany {
            what: "Push.docs",
            count: claimed,
            max: defaults.max_items
        })
    );

    // With the item limit out of the way, the remaining input is what refuses it.
    let unlimited = Limits {
        max_items: usize::MAX,
        ..Limits::default()
    };
    assert_eq!(
        ClientMsg::decode(&frame, &unlimited),
        Err(DecodeError::Truncated { what: "Push.docs" })
    );

    // The same for a hub list and for heads.
    let mut docs = vec![b'D', b'X', PROTOCOL_VERSION, 0x84, 0x00];
    docs.extend_from_slice(&frame[5..]);
    assert_eq!(
        HubMsg::decode(&docs, &unlimited),
        Err(DecodeError::Truncated { what: "Docs.items" })
    );
    let mut fetch = vec![b'D', b'X', PROTOCOL_VERSION, 0x04, 0x00, 0x01];
    fetch.extend_from_slice(&[0; 16]);
    fetch.extend_from_slice(&frame[5..]);
    let no_head_limit = Limits {
        max_heads: usize::MAX,
        ..Limits::default()
    };
    assert_eq!(
        ClientMsg::decode(&fetch, &no_head_limit),
        Err(DecodeError::Truncated {
            what: "FetchItem.have"
        })
    );
}

proptest! {
    #![proptest_config(config())]

    /// Each number has one encoding: padding a varint with empty groups (still within
    /// ten bytes) must be refused, or decode → encode would not give the frame back.
    #[test]
    fn padded_varints_are_refused(nonce in num(), padding in 1usize..4) {
        let minimal = ClientMsg::Ping { nonce }.encode();
        let mut varint = minimal[4..].to_vec();
        prop_assume!(varint.len() + padding <= 10);
        if let Some(last) = varint.last_mut() {
            *last |= 0x80;
        }
        varint.extend(std::iter::repeat_n(0x80, padding - 1));
        varint.push(0x00);
        let mut frame = minimal[..4].to_vec();
        frame.extend_from_slice(&varint);
        prop_assert_eq!(
            ClientMsg::decode(&frame, &Limits::default()),
            Err(DecodeError::Invalid { what: "Ping.nonce" })
        );
    }
}
