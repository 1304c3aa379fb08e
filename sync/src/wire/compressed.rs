//! Compressed hub frames (revision 7, [`super::FEATURE_COMPRESSED`]): a wrapper frame that
//! carries one whole hub → node frame compressed, and the bounded code that opens it.
//!
//! A compressed frame is not a [`super::HubMsg`]: it is opened by [`decompress_frame`] before the
//! inner frame is decoded with the normal codec and the normal [`Limits`], so nothing
//! about the inner frame's bounds changes. What `decompress_frame` adds is bounded by the same
//! limit: the declared length of the inner frame is checked against `max_frame_bytes`
//! before a byte is decompressed, the output buffer is allocated at exactly that length,
//! and a stream that would produce a byte more or a byte less is refused. A compressed frame
//! inside a compressed frame is refused, so one frame costs one decompression.
//!
//! ```text
//! offset  size  field
//! 0       4     header: "DX", version 1, type 0x8B
//! 4       1     algorithm: 0x01 zstd
//! 5       …     varint: the exact length of the inner frame
//! …       …     the compressed inner frame, to the end of the frame
//! ```

use std::borrow::Cow;

use super::codec::Sink;
use super::{DecodeError, HEADER_LEN, Limits, open_frame, write_header};

/// The type code of a compressed frame (hub → node).
pub const COMPRESSED: u8 = 0x8B;

/// The algorithm byte of zstd. zstd was chosen by measuring the demo clinic's first
/// sync (docs/SYNC.md, revision 7): the best ratio of the candidates at a decode cost of
/// about a millisecond per megabyte.
const ZSTD: u8 = 0x01;

/// zstd's level for compressing: level 1 left 6 % more than level 3 on the demo's
/// frames for a third of the hub's time (docs/SYNC.md).
const ZSTD_LEVEL: i32 = 1;

/// Frames smaller than this are sent as they are: the few bytes saved do not pay for the
/// trip to a worker thread and a compression context.
pub const COMPRESS_MIN_BYTES: usize = 4096;

/// Whether `frame` is a compressed frame (by its type byte; nothing else is checked).
pub fn is_compressed(frame: &[u8]) -> bool {
    frame.get(3) == Some(&COMPRESSED)
}

/// `frame` (a whole hub → node frame) compressed, or `None` when compressing would not make it
/// smaller, or it is itself compressed (then the caller sends it as it is).
///
/// CPU-bound (milliseconds for a large frame): an async caller runs it on a blocking
/// thread.
pub fn compress_frame(frame: &[u8]) -> Option<Vec<u8>> {
    if is_compressed(frame) || frame.len() < HEADER_LEN {
        return None;
    }
    let compressed = zstd::bulk::compress(frame, ZSTD_LEVEL).ok()?;
    let mut out = Vec::with_capacity(HEADER_LEN + 1 + super::MAX_VARINT_LEN + compressed.len());
    write_header(&mut out, COMPRESSED);
    out.put_u8(ZSTD);
    out.put_varint(frame.len() as u64);
    out.put(&compressed);
    (out.len() < frame.len()).then_some(out)
}

/// The inner frame of a compressed `frame`, or `frame` itself when it is not compressed (its
/// checks are then the decoder's). Refuses, before decompressing anything, a declared
/// length over `limits.max_frame_bytes` ([`DecodeError::TooLarge`]) or under a frame
/// header, and an unknown algorithm; refuses a stream that is not valid or does not
/// produce exactly the declared length, and a compressed inner frame
/// ([`DecodeError::Invalid`]). Memory: one buffer of the declared length.
pub fn decompress_frame<'a>(
    frame: &'a [u8],
    limits: &Limits,
) -> Result<Cow<'a, [u8]>, DecodeError> {
    if !is_compressed(frame) {
        return Ok(Cow::Borrowed(frame));
    }
    let (_, mut reader) = open_frame(frame, limits)?;
    let algorithm = reader.u8("Compressed.algorithm")?;
    if algorithm != ZSTD {
        return Err(DecodeError::Invalid {
            what: "Compressed.algorithm",
        });
    }
    let declared = reader.u64("Compressed.length")?;
    if declared > limits.max_frame_bytes as u64 {
        return Err(DecodeError::TooLarge {
            len: usize::try_from(declared).unwrap_or(usize::MAX),
            max: limits.max_frame_bytes,
        });
    }
    // Within max_frame_bytes, hence within usize.
    let declared = declared as usize;
    if declared < HEADER_LEN {
        return Err(DecodeError::Invalid {
            what: "Compressed.length",
        });
    }
    let compressed = reader.rest();
    let inner = decompress_exact(compressed, declared)?;
    if is_compressed(&inner) {
        return Err(DecodeError::Invalid {
            what: "Compressed.inner",
        });
    }
    Ok(Cow::Owned(inner))
}

/// Decompresses into a buffer of exactly `len` bytes: zstd stops with an error rather
/// than write past its end, and a stream that ends early leaves it short.
fn decompress_exact(compressed: &[u8], len: usize) -> Result<Vec<u8>, DecodeError> {
    const WHAT: DecodeError = DecodeError::Invalid {
        what: "Compressed.data",
    };
    let mut out = Vec::with_capacity(len);
    let mut decompressor = zstd::bulk::Decompressor::new().map_err(|_| WHAT)?;
    let written = decompressor
        .decompress_to_buffer(compressed, &mut out)
        .map_err(|_| WHAT)?;
    if written != len || out.len() != len {
        return Err(WHAT);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame_of(len: usize) -> Vec<u8> {
        let mut frame = b"DX\x01\x84".to_vec();
        frame.extend((0..len - HEADER_LEN).map(|i| (i % 7) as u8));
        frame
    }

    #[test]
    fn compressing_round_trips_and_leaves_small_gains_alone() {
        let frame = frame_of(100_000);
        let compressed = compress_frame(&frame).expect("repetitive bytes shrink");
        assert!(compressed.len() < frame.len() / 10);
        assert!(is_compressed(&compressed));
        assert_eq!(
            decompress_frame(&compressed, &Limits::default()).as_deref(),
            Ok(&frame[..])
        );
        // Not compressed: passed through untouched, without a copy.
        assert!(matches!(
            decompress_frame(&frame, &Limits::default()),
            Ok(Cow::Borrowed(_))
        ));
        // Nothing is compressed twice, and random bytes do not grow.
        assert_eq!(compress_frame(&compressed), None);
        let mut noise = b"DX\x01\x84".to_vec();
        let mut x = 0x9e37_79b9_u32;
        noise.extend((0..10_000).map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        }));
        assert_eq!(compress_frame(&noise), None);
    }
}
