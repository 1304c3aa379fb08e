//! The payload primitives (varints, bools, byte strings, UTF-8 strings, ids, hashes,
//! lists) and the [`Item`] trait that composes them into message parts.
//!
//! Writing goes through [`Sink`] so that measuring a message ([`Counter`]) runs the very
//! code that writes it: the size the engine plans batches with cannot drift from the
//! bytes it sends. Reading goes through [`Reader`], which is the only place that looks
//! at input, so the bounds checks live in one spot.

use automerge::ChangeHash;
use uuid::Uuid;

use super::{DecodeError, Limits, MAX_VARINT_LEN};

/// Where encoded bytes go: a frame buffer, or a [`Counter`] that only measures.
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]);

    fn put_u8(&mut self, byte: u8) {
        self.put(&[byte]);
    }

    /// Unsigned LEB128, always the shortest form, which is the only one [`Reader`] accepts.
    fn put_varint(&mut self, mut value: u64) {
        let mut buf = [0u8; MAX_VARINT_LEN];
        let mut len = 0;
        for slot in &mut buf {
            let low = (value & 0x7f) as u8;
            value >>= 7;
            len += 1;
            if value == 0 {
                *slot = low;
                break;
            }
            *slot = low | 0x80;
        }
        self.put(&buf[..len]);
    }

    fn put_bool(&mut self, value: bool) {
        self.put_u8(u8::from(value));
    }

    fn put_bytes(&mut self, bytes: &[u8]) {
        self.put_varint(bytes.len() as u64);
        self.put(bytes);
    }

    fn put_str(&mut self, text: &str) {
        self.put_bytes(text.as_bytes());
    }

    fn put_list<T: Item>(&mut self, items: &[T])
    where
        Self: Sized,
    {
        self.put_varint(items.len() as u64);
        for item in items {
            item.encode(self);
        }
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// A sink that keeps only the length, so measuring a large `Docs` batch copies nothing.
#[derive(Debug, Default)]
pub(crate) struct Counter(pub(crate) usize);

impl Sink for Counter {
    fn put(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }
}

/// A composite part of a message. Lists are built from these, which is why each one
/// knows the least space it can take up.
pub(crate) trait Item: Sized {
    /// The fewest bytes any value of this type encodes to. A list's claimed count is
    /// checked against `remaining / MIN_LEN` before its storage is allocated, so a
    /// short frame cannot make the decoder reserve memory for items it does not hold.
    const MIN_LEN: usize;

    fn encode<S: Sink>(&self, out: &mut S);

    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError>;

    fn encoded_len(&self) -> usize {
        let mut counter = Counter::default();
        self.encode(&mut counter);
        counter.0
    }
}

impl Item for Uuid {
    const MIN_LEN: usize = 16;

    fn encode<S: Sink>(&self, out: &mut S) {
        out.put(self.as_bytes());
    }

    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.uuid("uuid")
    }
}

impl Item for ChangeHash {
    const MIN_LEN: usize = 32;

    fn encode<S: Sink>(&self, out: &mut S) {
        out.put(&self.0);
    }

    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.hash("change hash")
    }
}

/// A cursor over untrusted input. Every method names `what` it reads, so an error says
/// which field was bad without echoing any of its bytes.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
    limits: &'a Limits,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(input: &'a [u8], limits: &'a Limits) -> Self {
        Self {
            rest: input,
            limits,
        }
    }

    pub(crate) fn take(&mut self, len: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        if len > self.rest.len() {
            return Err(DecodeError::Truncated { what });
        }
        let (head, tail) = self.rest.split_at(len);
        self.rest = tail;
        Ok(head)
    }

    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        let (&byte, tail) = self
            .rest
            .split_first()
            .ok_or(DecodeError::Truncated { what })?;
        self.rest = tail;
        Ok(byte)
    }

    /// Rejects encodings longer than ten bytes, values above `u64::MAX` and non-minimal
    /// forms (a final zero group), so each number has exactly one encoding.
    pub(crate) fn varint(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        let mut value = 0u64;
        for index in 0..MAX_VARINT_LEN {
            let byte = self.u8(what)?;
            let group = u64::from(byte & 0x7f);
            // The tenth byte holds only bit 63.
            if index == MAX_VARINT_LEN - 1 && group > 1 {
                return Err(DecodeError::Invalid { what });
            }
            value |= group << (7 * index);
            if byte & 0x80 == 0 {
                if byte == 0 && index > 0 {
                    return Err(DecodeError::Invalid { what });
                }
                return Ok(value);
            }
        }
        Err(DecodeError::Invalid { what })
    }

    pub(crate) fn u16(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        u16::try_from(self.varint(what)?).map_err(|_| DecodeError::Invalid { what })
    }

    pub(crate) fn u32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        u32::try_from(self.varint(what)?).map_err(|_| DecodeError::Invalid { what })
    }

    pub(crate) fn u64(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        self.varint(what)
    }

    pub(crate) fn bool(&mut self, what: &'static str) -> Result<bool, DecodeError> {
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(DecodeError::Invalid { what }),
        }
    }

    /// A length-prefixed byte string, bounded only by the frame it sits in.
    pub(crate) fn bytes(&mut self, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let len = self.varint(what)?;
        // A length that does not fit in usize cannot fit in the input either.
        let len = usize::try_from(len).map_err(|_| DecodeError::Truncated { what })?;
        self.take(len, what)
    }

    pub(crate) fn string(&mut self, what: &'static str) -> Result<String, DecodeError> {
        let len = self.varint(what)?;
        let max = self.limits.max_string;
        if len > max as u64 {
            return Err(DecodeError::TooMany {
                what,
                count: len,
                max,
            });
        }
        // Within max_string, hence within usize.
        let raw = self.take(len as usize, what)?;
        let text = std::str::from_utf8(raw).map_err(|_| DecodeError::Invalid { what })?;
        Ok(text.to_owned())
    }

    pub(crate) fn uuid(&mut self, what: &'static str) -> Result<Uuid, DecodeError> {
        let raw = self.take(16, what)?;
        Uuid::from_slice(raw).map_err(|_| DecodeError::Invalid { what })
    }

    pub(crate) fn hash(&mut self, what: &'static str) -> Result<ChangeHash, DecodeError> {
        let raw = self.take(32, what)?;
        let bytes = <[u8; 32]>::try_from(raw).map_err(|_| DecodeError::Invalid { what })?;
        Ok(ChangeHash(bytes))
    }

    /// A list bounded by `limits.max_items`.
    pub(crate) fn list<T: Item>(&mut self, what: &'static str) -> Result<Vec<T>, DecodeError> {
        self.bounded_list(what, self.limits.max_items)
    }

    /// A document's heads, bounded by `limits.max_heads`.
    pub(crate) fn heads(&mut self, what: &'static str) -> Result<Vec<ChangeHash>, DecodeError> {
        self.bounded_list(what, self.limits.max_heads)
    }

    fn bounded_list<T: Item>(
        &mut self,
        what: &'static str,
        max: usize,
    ) -> Result<Vec<T>, DecodeError> {
        let count = self.varint(what)?;
        if count > max as u64 {
            return Err(DecodeError::TooMany { what, count, max });
        }
        // Within max, hence within usize.
        let count = count as usize;
        if count > self.rest.len() / T::MIN_LEN {
            return Err(DecodeError::Truncated { what });
        }
        let mut items = Vec::with_capacity(count);
        for _ in 0..count {
            items.push(T::decode(self)?);
        }
        Ok(items)
    }

    /// Everything left, for a field that runs to the end of the frame.
    pub(crate) fn rest(self) -> &'a [u8] {
        self.rest
    }

    /// Ends the frame: anything left over means the peer and we disagree on the layout.
    pub(crate) fn finish(self) -> Result<(), DecodeError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::TrailingBytes {
                count: self.rest.len(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint_bytes(value: u64) -> Vec<u8> {
        let mut out = Vec::new();
        out.put_varint(value);
        out
    }

    fn read<T>(
        input: &[u8],
        f: impl FnOnce(&mut Reader<'_>) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        let limits = Limits::default();
        let mut reader = Reader::new(input, &limits);
        let value = f(&mut reader)?;
        reader.finish()?;
        Ok(value)
    }

    const INVALID: DecodeError = DecodeError::Invalid { what: "v" };
    const TRUNCATED: DecodeError = DecodeError::Truncated { what: "v" };

    #[test]
    fn varint_edge_values_have_known_encodings() {
        assert_eq!(varint_bytes(0), [0x00]);
        assert_eq!(varint_bytes(127), [0x7f]);
        assert_eq!(varint_bytes(128), [0x80, 0x01]);
        assert_eq!(varint_bytes(300), [0xac, 0x02]);
        assert_eq!(
            varint_bytes(u64::MAX),
            [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]
        );
        for value in [
            0,
            1,
            127,
            128,
            16_383,
            16_384,
            u64::from(u32::MAX),
            u64::MAX - 1,
            u64::MAX,
        ] {
            let bytes = varint_bytes(value);
            assert_eq!(read(&bytes, |r| r.varint("v")), Ok(value), "{value}");
            let mut counter = Counter::default();
            counter.put_varint(value);
            assert_eq!(counter.0, bytes.len());
        }
    }

    #[test]
    fn varint_rejects_eleven_bytes() {
        let mut bytes = vec![0x80; 10];
        bytes.push(0x00);
        assert_eq!(read(&bytes, |r| r.varint("v")), Err(INVALID));
    }

    #[test]
    fn varint_rejects_values_past_u64() {
        let mut bytes = vec![0xff; 9];
        bytes.push(0x02);
        assert_eq!(read(&bytes, |r| r.varint("v")), Err(INVALID));
    }

    #[test]
    fn varint_rejects_non_minimal_forms() {
        assert_eq!(read(&[0x80, 0x00], |r| r.varint("v")), Err(INVALID));
        assert_eq!(read(&[0xff, 0x80, 0x00], |r| r.varint("v")), Err(INVALID));
        assert_eq!(read(&[0x00], |r| r.varint("v")), Ok(0));
    }

    #[test]
    fn varint_cut_short_is_truncated() {
        assert_eq!(read(&[], |r| r.varint("v")), Err(TRUNCATED));
        assert_eq!(read(&[0x80], |r| r.varint("v")), Err(TRUNCATED));
        assert_eq!(read(&[0xff; 9], |r| r.varint("v")), Err(TRUNCATED));
    }

    #[test]
    fn narrow_integers_reject_overflow() {
        assert_eq!(read(&varint_bytes(65_535), |r| r.u16("v")), Ok(65_535));
        assert_eq!(read(&varint_bytes(65_536), |r| r.u16("v")), Err(INVALID));
        let max = u64::from(u32::MAX);
        assert_eq!(read(&varint_bytes(max), |r| r.u32("v")), Ok(u32::MAX));
        assert_eq!(read(&varint_bytes(max + 1), |r| r.u32("v")), Err(INVALID));
    }

    #[test]
    fn bool_is_exactly_zero_or_one() {
        assert_eq!(read(&[0], |r| r.bool("v")), Ok(false));
        assert_eq!(read(&[1], |r| r.bool("v")), Ok(true));
        assert_eq!(read(&[2], |r| r.bool("v")), Err(INVALID));
        assert_eq!(read(&[0xff], |r| r.bool("v")), Err(INVALID));
        assert_eq!(read(&[], |r| r.bool("v")), Err(TRUNCATED));
    }

    #[test]
    fn bytes_are_length_prefixed_and_bounded_by_input() {
        assert_eq!(
            read(&[3, 7, 8, 9], |r| r.bytes("v").map(<[u8]>::to_vec)),
            Ok(vec![7, 8, 9])
        );
        assert_eq!(read(&[0], |r| r.bytes("v").map(<[u8]>::to_vec)), Ok(vec![]));
        assert_eq!(
            read(&[4, 7, 8, 9], |r| r.bytes("v").map(<[u8]>::to_vec)),
            Err(TRUNCATED)
        );
        let huge = varint_bytes(u64::MAX);
        assert_eq!(
            read(&huge, |r| r.bytes("v").map(<[u8]>::to_vec)),
            Err(TRUNCATED)
        );
    }

    #[test]
    fn strings_must_be_utf8_and_within_the_limit() {
        let mut ok = Vec::new();
        ok.put_str("Ереван");
        assert_eq!(read(&ok, |r| r.string("v")), Ok("Ереван".to_owned()));
        assert_eq!(read(&[2, 0xc3, 0x28], |r| r.string("v")), Err(INVALID));

        let limits = Limits {
            max_string: 3,
            ..Limits::default()
        };
        let mut long = Vec::new();
        long.put_str("abcd");
        let mut reader = Reader::new(&long, &limits);
        assert_eq!(
            reader.string("v"),
            Err(DecodeError::TooMany {
                what: "v",
                count: 4,
                max: 3
            })
        );
        let mut fits = Vec::new();
        fits.put_str("abc");
        assert_eq!(
            Reader::new(&fits, &limits).string("v"),
            Ok("abc".to_owned())
        );
    }

    #[test]
    fn uuid_and_hash_are_raw_fixed_width() {
        let id = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        let mut out = Vec::new();
        id.encode(&mut out);
        assert_eq!(out, id.as_bytes());
        assert_eq!(read(&out, Uuid::decode), Ok(id));
        assert_eq!(
            read(&out[..15], Uuid::decode),
            Err(DecodeError::Truncated { what: "uuid" })
        );

        let hash = ChangeHash([0xab; 32]);
        let mut out = Vec::new();
        hash.encode(&mut out);
        assert_eq!(out, [0xab; 32]);
        assert_eq!(read(&out, ChangeHash::decode), Ok(hash));
        assert_eq!(
            read(&out[..31], ChangeHash::decode),
            Err(DecodeError::Truncated {
                what: "change hash"
            })
        );
    }

    #[test]
    fn lists_check_count_against_limit_then_input() {
        let heads = vec![ChangeHash([1; 32]), ChangeHash([2; 32])];
        let mut out = Vec::new();
        out.put_list(&heads);
        assert_eq!(out.len(), 1 + 64);
        assert_eq!(read(&out, |r| r.heads("v")), Ok(heads));

        let limits = Limits {
            max_heads: 1,
            ..Limits::default()
        };
        assert_eq!(
            Reader::new(&out, &limits).heads("v"),
            Err(DecodeError::TooMany {
                what: "v",
                count: 2,
                max: 1
            })
        );

        // Two ids claimed, room for one: refused before allocating.
        let mut short = vec![2];
        short.extend_from_slice(&[0; 16]);
        assert_eq!(read(&short, |r| r.list::<Uuid>("v")), Err(TRUNCATED));
    }

    #[test]
    fn finish_reports_leftovers() {
        let limits = Limits::default();
        let mut reader = Reader::new(&[1, 2, 3], &limits);
        assert_eq!(reader.u8("v"), Ok(1));
        assert_eq!(
            reader.finish(),
            Err(DecodeError::TrailingBytes { count: 2 })
        );
    }
}
