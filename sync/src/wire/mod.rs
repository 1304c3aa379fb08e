//! The node⇄hub wire protocol, version 1: the message types and their binary codec.
//!
//! This module owns the bytes. Every frame a node and a hub exchange is built and parsed
//! here and nowhere else; what the messages *mean* (ordering, acks, retries, cursors) is
//! the engine's business. docs/SYNC.md specifies the format byte by byte: change both
//! together.
//!
//! The codec is hand-written rather than derived because the hub decodes frames from
//! the network and must stay bounded whatever arrives: every length is checked against
//! the input that is left and against [`Limits`] before anything is allocated. Every
//! value also has exactly one encoding (minimal varints, bools that are 0 or 1, no
//! trailing bytes), so a frame that decodes re-encodes to the same bytes; the fuzz
//! target and the property tests lean on that.

mod client;
mod codec;
mod compressed;
mod error;
mod hub;

pub use client::{ClientMsg, DocPush, FetchItem, OutboxStats, doc_push_encoded_len};
pub use compressed::{
    COMPRESS_MIN_BYTES, COMPRESSED, compress_frame, decompress_frame, is_compressed,
};
pub use error::{DecodeError, ErrorCode};
pub use hub::{
    DocData, HubMsg, IndexEntry, PushOutcome, PushResult, doc_data_encoded_len,
    index_entry_encoded_len,
};

use codec::{Reader, Sink};

/// First two bytes of every frame, so a stray text or foreign binary message is refused
/// before its payload is looked at.
pub const MAGIC: [u8; 2] = *b"DX";

/// The one protocol version this build speaks. A peer with another version is refused
/// with [`ErrorCode::UnsupportedVersion`] rather than half-understood.
pub const PROTOCOL_VERSION: u8 = 1;

/// Optional features a node and a hub agree on (protocol 1 revision 3). The hub offers
/// its features in the `Dermis-Features` header of its `/sync` upgrade answer
/// ([`FEATURES_HEADER`]); the node asks for the ones it wants in `Hello.features`, a
/// bit set. Neither side uses a feature the other did not agree to, so older peers keep
/// working in both directions.
///
/// Rotating node tokens over the session: `HubMsg::NewToken`, `ClientMsg::TokenStored`.
pub const FEATURE_TOKEN_ROTATION: u64 = 1;

/// Live updates that carry the changed documents: `HubMsg::Live` (revision 4).
pub const FEATURE_LIVE_DOCS: u64 = 2;

/// A first sync in whole documents, a frame at a time, without an `Index` to plan or a
/// `Fetch` (revision 5): `ClientMsg::Bootstrap`, `HubMsg::Bootstrap`.
pub const FEATURE_BOOTSTRAP: u64 = 4;
/// Bootstrap frames carry each document's index derivation when the hub has one at the
/// heads it sends (revision 6): the node stores index rows without loading the document.
/// Only with [`FEATURE_BOOTSTRAP`].
pub const FEATURE_BOOT_ROWS: u64 = 8;
/// The hub may send bootstrap frames and large `Docs` frames compressed, as one
/// compressed frame (type 0x8B) around each (revision 7): a first sync's download shrinks
/// to about half. The node opens them with [`decompress_frame`], bounded by its frame
/// limit.
pub const FEATURE_COMPRESSED: u64 = 16;
/// A first sync that starts with what the clinic needs today (revision 8): before the
/// first bootstrap frame of a node that has never pulled, the hub answers the same
/// request with `Docs` frames holding the appointments around now and the patients
/// they name ([`crate::boot_first`]), then the log-ordered frames as before. Only
/// with [`FEATURE_BOOTSTRAP`].
pub const FEATURE_BOOT_FIRST: u64 = 32;
/// `Docs` frames carry each whole document's index derivation when the hub has one at
/// the heads it sends (revision 9, type 0x8C): a node stores documents it fetches whole
/// (a neighbour's new patients after a day offline, today's appointments first) without
/// loading them, as a bootstrap frame with rows lets it (revision 6).
pub const FEATURE_FETCH_ROWS: u64 = 64;

/// The bytes `value` takes as a varint.
pub fn varint_len(value: u64) -> usize {
    (64 - value.leading_zeros()).max(1).div_ceil(7) as usize
}

/// The response header in which the hub offers its features, by name.
pub const FEATURES_HEADER: &str = "dermis-features";

/// Every feature this build knows, by header name.
const FEATURE_NAMES: &[(u64, &str)] = &[
    (FEATURE_TOKEN_ROTATION, "token-rotation"),
    (FEATURE_LIVE_DOCS, "live-docs"),
    (FEATURE_BOOTSTRAP, "bootstrap"),
    (FEATURE_BOOT_ROWS, "boot-rows"),
    (FEATURE_COMPRESSED, "compressed-frames"),
    (FEATURE_BOOT_FIRST, "boot-first"),
    (FEATURE_FETCH_ROWS, "fetch-rows"),
];

/// The `Dermis-Features` value for `features`: names, comma-separated.
pub fn features_header(features: u64) -> String {
    FEATURE_NAMES
        .iter()
        .filter(|(bit, _)| features & bit != 0)
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The features a `Dermis-Features` value names that this build knows (others are
/// ignored: a newer hub may offer more).
pub fn parse_features(header: &str) -> u64 {
    header
        .split(',')
        .map(str::trim)
        .filter_map(|name| FEATURE_NAMES.iter().find(|(_, n)| *n == name))
        .fold(0, |bits, (bit, _)| bits | bit)
}

/// Magic, version and message type.
pub const HEADER_LEN: usize = 4;

/// The longest LEB128 encoding of a `u64`.
pub const MAX_VARINT_LEN: usize = 10;

/// Upper bound on the bytes a `Push` or `Docs` frame spends outside its items: the
/// header, the batch or request number, the item count and the count of an empty
/// `missing` list.
///
/// The engine splits batches with it: a `Push` fits when `FRAME_OVERHEAD` plus the sum
/// of [`doc_push_encoded_len`] over its docs is at most the peer's `max_frame_bytes`; a
/// `Docs` fits when `FRAME_OVERHEAD` plus the sum of [`doc_data_encoded_len`] plus 16
/// bytes per missing id is.
pub const FRAME_OVERHEAD: usize = HEADER_LEN + 3 * MAX_VARINT_LEN;

/// Bounds applied while decoding, so a hostile or buggy peer costs at most this much.
///
/// The limits are the receiver's; the encoder does not check them. A sender that wants
/// its frames accepted keeps to the limits its peer announced (`Welcome` carries the
/// hub's `max_frame_bytes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest whole frame, checked before any other byte is read.
    pub max_frame_bytes: usize,
    /// Largest element count of any list other than heads.
    pub max_items: usize,
    /// Largest string, in UTF-8 bytes.
    pub max_string: usize,
    /// Largest list of change hashes. A document rarely has more than a handful of
    /// heads; hundreds mean a peer is misbehaving.
    pub max_heads: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_frame_bytes: 8 * 1024 * 1024,
            max_items: 50_000,
            max_string: 4096,
            max_heads: 256,
        }
    }
}

fn write_header<S: Sink>(out: &mut S, type_code: u8) {
    out.put(&MAGIC);
    out.put_u8(PROTOCOL_VERSION);
    out.put_u8(type_code);
}

/// Checks the frame header in the order the spec fixes (size, magic, version) and
/// returns the message type with a reader positioned on the payload.
fn open_frame<'a>(frame: &'a [u8], limits: &'a Limits) -> Result<(u8, Reader<'a>), DecodeError> {
    if frame.len() > limits.max_frame_bytes {
        return Err(DecodeError::TooLarge {
            len: frame.len(),
            max: limits.max_frame_bytes,
        });
    }
    match frame.get(..MAGIC.len()) {
        Some(magic) if magic == MAGIC => {}
        // A frame cut inside the magic is truncated, not foreign.
        None if MAGIC.starts_with(frame) => return Err(DecodeError::Truncated { what: "magic" }),
        _ => return Err(DecodeError::BadMagic),
    }
    let mut reader = Reader::new(frame, limits);
    reader.take(MAGIC.len(), "magic")?;
    let version = reader.u8("version")?;
    if version != PROTOCOL_VERSION {
        return Err(DecodeError::UnsupportedVersion { got: version });
    }
    let type_code = reader.u8("message type")?;
    Ok((type_code, reader))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_checks_run_in_spec_order() {
        let limits = Limits {
            max_frame_bytes: 4,
            ..Limits::default()
        };
        // Too large wins even over a bad magic.
        assert_eq!(
            open_frame(b"XXXXX", &limits).err(),
            Some(DecodeError::TooLarge { len: 5, max: 4 })
        );
        // Bad magic wins over a bad version.
        assert_eq!(
            open_frame(b"DY\x09\x01", &limits).err(),
            Some(DecodeError::BadMagic)
        );
        assert_eq!(open_frame(b"X", &limits).err(), Some(DecodeError::BadMagic));
        assert_eq!(
            open_frame(b"D", &limits).err(),
            Some(DecodeError::Truncated { what: "magic" })
        );
        assert_eq!(
            open_frame(b"DX\x02\x01", &limits).err(),
            Some(DecodeError::UnsupportedVersion { got: 2 })
        );
        assert_eq!(
            open_frame(b"DX\x01", &limits).err(),
            Some(DecodeError::Truncated {
                what: "message type"
            })
        );
        assert!(matches!(open_frame(b"DX\x01\x7f", &limits), Ok((0x7f, _))));
    }
}
