//! Automerge's storage chunks, checked before Automerge sees them.
//!
//! Received document bytes are a sequence of chunks (a saved document, changes,
//! compressed changes). Automerge inflates compressed chunks and deflated columns whole,
//! and walks run-length-encoded columns value by value, before it checks anything else:
//! a 2 MB push whose deflate stream inflates to 2 GiB, or a column claiming 2⁴⁰ runs,
//! costs whatever it claims. [`split`] reads each chunk's header (magic bytes, checksum,
//! type, declared length), inflates what is compressed only up to a cap tied to the
//! frame limit (stopping there, never holding more), verifies every checksum, and counts
//! the values each column declares, so the work Automerge then does is bounded by
//! [`DocLimits`] before it starts.
//!
//! Bundles (chunk type 3) are refused: no Dermis node writes them.

use std::io::Read;

use sha2::{Digest, Sha256};

/// The first four bytes of every Automerge chunk.
pub const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];

const TYPE_DOCUMENT: u8 = 0;
const TYPE_CHANGE: u8 = 1;
const TYPE_COMPRESSED: u8 = 2;

/// Whether `data` begins with a whole saved document chunk rather than changes (by its
/// header alone: the magic bytes, then the type after the checksum).
pub fn starts_with_document(data: &[u8]) -> bool {
    data.starts_with(&MAGIC) && data.get(8) == Some(&TYPE_DOCUMENT)
}

/// Column flag: the column's bytes are a raw deflate stream.
const DEFLATE_BIT: u32 = 0b1000;

/// What received document bytes may cost once inflated and decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DocLimits {
    /// Bytes of all chunks together once inflated.
    pub max_inflated: usize,
    /// Values any one column may declare (one value per operation or change).
    pub max_values: u64,
}

impl DocLimits {
    /// The limits for data that arrived in frames of at most `max_frame_bytes`: four
    /// times the frame once inflated, and one value per two bytes of frame.
    pub fn for_frame(max_frame_bytes: usize) -> DocLimits {
        DocLimits {
            max_inflated: max_frame_bytes.saturating_mul(4),
            max_values: (max_frame_bytes / 2) as u64,
        }
    }
}

impl Default for DocLimits {
    fn default() -> Self {
        DocLimits::for_frame(crate::wire::Limits::default().max_frame_bytes)
    }
}

/// Why the bytes were refused. Each names the chunk by its position (from 0), never
/// its contents.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChunkError {
    #[error("chunk {index} does not start with Automerge's magic bytes")]
    BadMagic { index: usize },
    #[error("chunk {index} ends before its declared length")]
    Truncated { index: usize },
    #[error("chunk {index} has a type this hub does not accept ({kind})")]
    UnacceptedType { index: usize, kind: u8 },
    #[error("chunk {index}'s checksum does not match its contents")]
    BadChecksum { index: usize },
    #[error("chunk {index} declares sizes that do not fit ({what})")]
    BadSizes { index: usize, what: &'static str },
    #[error("chunk {index} holds a damaged deflate stream")]
    BadDeflate { index: usize },
    #[error("the data would inflate past {cap} bytes")]
    TooLarge { cap: usize },
    #[error("a column of chunk {index} declares more than {max} values")]
    TooManyValues { index: usize, max: u64 },
}

/// What kind of chunk, as stored after [`split`]: a compressed change is handed on
/// inflated, as the change chunk it stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChunkKind {
    Document,
    Change,
}

/// One checked chunk: its whole bytes (header included), ready for Automerge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub kind: ChunkKind,
    pub bytes: Vec<u8>,
}

/// A byte reader over one chunk's body that never reads past its end.
struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
    index: usize,
}

impl<'a> Cursor<'a> {
    fn new(data: &'a [u8], index: usize) -> Self {
        Cursor {
            data,
            pos: 0,
            index,
        }
    }

    fn left(&self) -> usize {
        self.data.len() - self.pos
    }

    fn sizes(&self, what: &'static str) -> ChunkError {
        ChunkError::BadSizes {
            index: self.index,
            what,
        }
    }

    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], ChunkError> {
        if n > self.left() {
            return Err(self.sizes(what));
        }
        let out = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    fn uleb(&mut self, what: &'static str) -> Result<u64, ChunkError> {
        let mut value: u64 = 0;
        for shift in (0..70).step_by(7) {
            let byte = *self
                .take(1, what)?
                .first()
                .ok_or_else(|| self.sizes(what))?;
            let bits = u64::from(byte & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(self.sizes(what));
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.sizes(what))
    }

    fn sleb(&mut self, what: &'static str) -> Result<i64, ChunkError> {
        let mut value: i128 = 0;
        let mut shift = 0;
        loop {
            let byte = *self
                .take(1, what)?
                .first()
                .ok_or_else(|| self.sizes(what))?;
            value |= i128::from(byte & 0x7f) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                if byte & 0x40 != 0 && shift < 128 {
                    value |= -1i128 << shift;
                }
                return i64::try_from(value).map_err(|_| self.sizes(what));
            }
            if shift >= 70 {
                return Err(self.sizes(what));
            }
        }
    }

    /// A count of items, each at least `min_size` bytes, that must fit what is left.
    fn count(&mut self, min_size: usize, what: &'static str) -> Result<usize, ChunkError> {
        let n = self.uleb(what)?;
        let n = usize::try_from(n).map_err(|_| self.sizes(what))?;
        if n.saturating_mul(min_size.max(1)) > self.left() {
            return Err(self.sizes(what));
        }
        Ok(n)
    }

    /// `uLEB length` then that many bytes.
    fn bytes(&mut self, what: &'static str) -> Result<&'a [u8], ChunkError> {
        let n = self.uleb(what)?;
        let n = usize::try_from(n).map_err(|_| self.sizes(what))?;
        self.take(n, what)
    }
}

fn uleb_len(mut v: u64) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

fn write_uleb(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// The checksum Automerge puts in a chunk header: the first four bytes of SHA-256 over
/// the type, the uLEB length and the body.
fn checksum(kind: u8, body: &[u8]) -> [u8; 4] {
    let mut hasher = Sha256::new();
    let mut head = vec![kind];
    write_uleb(&mut head, body.len() as u64);
    hasher.update(&head);
    hasher.update(body);
    let hash = hasher.finalize();
    [hash[0], hash[1], hash[2], hash[3]]
}

/// Inflates a raw deflate stream into `out`, refusing (and stopping) once it would
/// pass `room` bytes. Memory held is at most `room` plus one small buffer.
fn inflate_bounded(
    compressed: &[u8],
    room: usize,
    cap: usize,
    index: usize,
    out: &mut Vec<u8>,
) -> Result<usize, ChunkError> {
    let mut decoder = flate2::bufread::DeflateDecoder::new(compressed);
    let mut buf = [0u8; 16 * 1024];
    let mut total = 0usize;
    loop {
        let n = decoder
            .read(&mut buf)
            .map_err(|_| ChunkError::BadDeflate { index })?;
        if n == 0 {
            return Ok(total);
        }
        total += n;
        if total > room {
            return Err(ChunkError::TooLarge { cap });
        }
        out.extend_from_slice(&buf[..n]);
    }
}

/// The bounded budget shared by every chunk of one piece of data.
struct Budget {
    limits: DocLimits,
    used: usize,
}

impl Budget {
    fn room(&self) -> usize {
        self.limits.max_inflated.saturating_sub(self.used)
    }

    fn spend(&mut self, n: usize) -> Result<(), ChunkError> {
        if n > self.room() {
            return Err(ChunkError::TooLarge {
                cap: self.limits.max_inflated,
            });
        }
        self.used += n;
        Ok(())
    }
}

/// Splits `data` into checked chunks. Nothing is inflated past `limits.max_inflated`
/// (counted over all chunks) and no column may declare more than `limits.max_values`
/// values. Empty data is no chunks.
pub fn split(data: &[u8], limits: DocLimits) -> Result<Vec<Chunk>, ChunkError> {
    let mut budget = Budget { limits, used: 0 };
    let mut chunks = Vec::new();
    let mut rest = data;
    let mut index = 0;
    while !rest.is_empty() {
        let mut header = Cursor::new(rest, index);
        let magic = header
            .take(4, "magic")
            .map_err(|_| ChunkError::Truncated { index })?;
        if magic != MAGIC {
            return Err(ChunkError::BadMagic { index });
        }
        let sum: [u8; 4] = header
            .take(4, "checksum")
            .map_err(|_| ChunkError::Truncated { index })?
            .try_into()
            .map_err(|_| ChunkError::Truncated { index })?;
        let kind = *header
            .take(1, "type")
            .map_err(|_| ChunkError::Truncated { index })?
            .first()
            .ok_or(ChunkError::Truncated { index })?;
        let len = header
            .uleb("length")
            .map_err(|_| ChunkError::Truncated { index })?;
        let len = usize::try_from(len).map_err(|_| ChunkError::Truncated { index })?;
        let body = header
            .take(len, "body")
            .map_err(|_| ChunkError::Truncated { index })?;
        let whole = &rest[..header.pos];
        rest = &rest[header.pos..];
        match kind {
            TYPE_DOCUMENT => {
                if checksum(kind, body) != sum {
                    return Err(ChunkError::BadChecksum { index });
                }
                check_document(body, index, &mut budget, whole.len() - body.len())?;
                chunks.push(Chunk {
                    kind: ChunkKind::Document,
                    bytes: whole.to_vec(),
                });
            }
            TYPE_CHANGE => {
                if checksum(kind, body) != sum {
                    return Err(ChunkError::BadChecksum { index });
                }
                budget.spend(whole.len())?;
                check_change(body, index, limits)?;
                chunks.push(Chunk {
                    kind: ChunkKind::Change,
                    bytes: whole.to_vec(),
                });
            }
            TYPE_COMPRESSED => {
                let mut inflated = Vec::new();
                let room = budget.room();
                let n = inflate_bounded(body, room, limits.max_inflated, index, &mut inflated)?;
                budget.spend(n)?;
                // The checksum of a compressed change is that of the change it holds.
                if checksum(TYPE_CHANGE, &inflated) != sum {
                    return Err(ChunkError::BadChecksum { index });
                }
                check_change(&inflated, index, limits)?;
                let mut bytes = Vec::with_capacity(10 + uleb_len(n as u64) + n);
                bytes.extend_from_slice(&MAGIC);
                bytes.extend_from_slice(&sum);
                bytes.push(TYPE_CHANGE);
                write_uleb(&mut bytes, n as u64);
                bytes.extend_from_slice(&inflated);
                chunks.push(Chunk {
                    kind: ChunkKind::Change,
                    bytes,
                });
            }
            other => return Err(ChunkError::UnacceptedType { index, kind: other }),
        }
        index += 1;
    }
    Ok(chunks)
}

/// One column as declared in a chunk's metadata.
#[derive(Clone, Copy, Debug)]
struct Column {
    spec: u32,
    len: usize,
}

fn columns(c: &mut Cursor<'_>) -> Result<Vec<Column>, ChunkError> {
    // A spec and a length take at least two bytes.
    let n = c.count(2, "column count")?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let spec = c.uleb("column spec")?;
        let spec = u32::try_from(spec).map_err(|_| c.sizes("column spec"))?;
        let len = c.uleb("column length")?;
        let len = usize::try_from(len).map_err(|_| c.sizes("column length"))?;
        out.push(Column { spec, len });
    }
    Ok(out)
}

fn total_len(cols: &[Column], c: &Cursor<'_>) -> Result<usize, ChunkError> {
    cols.iter()
        .try_fold(0usize, |sum, col| sum.checked_add(col.len))
        .ok_or_else(|| c.sizes("column lengths"))
}

/// A change chunk's body: dependencies, actor, seq, start op, time, message, other
/// actors, then op columns (never deflated in a change) and their data.
fn check_change(body: &[u8], index: usize, limits: DocLimits) -> Result<(), ChunkError> {
    let mut c = Cursor::new(body, index);
    let deps = c.count(32, "dependencies")?;
    c.take(deps * 32, "dependencies")?;
    c.bytes("actor")?;
    c.uleb("seq")?;
    c.uleb("start op")?;
    c.sleb("time")?;
    c.bytes("message")?;
    let others = c.count(1, "other actors")?;
    for _ in 0..others {
        c.bytes("other actor")?;
    }
    let cols = columns(&mut c)?;
    let total = total_len(&cols, &c)?;
    let data = c.take(total, "op columns")?;
    let mut at = 0;
    for col in cols {
        if col.spec & DEFLATE_BIT != 0 {
            return Err(c.sizes("a deflated column in a change"));
        }
        count_values(col.spec, &data[at..at + col.len], index, limits.max_values)?;
        at += col.len;
    }
    Ok(())
}

/// A document chunk's body: actors, heads, change and op column metadata, their data
/// (columns may be deflated), then head indexes. `header_len` is what the chunk's
/// header adds to the body.
fn check_document(
    body: &[u8],
    index: usize,
    budget: &mut Budget,
    header_len: usize,
) -> Result<(), ChunkError> {
    let mut c = Cursor::new(body, index);
    let actors = c.count(1, "actors")?;
    for _ in 0..actors {
        c.bytes("actor")?;
    }
    let heads = c.count(32, "heads")?;
    c.take(heads * 32, "heads")?;
    let change_cols = columns(&mut c)?;
    let op_cols = columns(&mut c)?;
    let change_data = c.take(total_len(&change_cols, &c)?, "change columns")?;
    let op_data = c.take(total_len(&op_cols, &c)?, "op columns")?;
    // What is left is one head index per head (older writers leave it out).
    let mut compressed = 0usize;
    let mut inflated_total = 0usize;
    let mut scratch = Vec::new();
    for (cols, data) in [(&change_cols, change_data), (&op_cols, op_data)] {
        let mut at = 0;
        for col in cols.iter() {
            let raw = &data[at..at + col.len];
            at += col.len;
            if col.spec & DEFLATE_BIT == 0 {
                count_values(col.spec, raw, index, budget.limits.max_values)?;
                continue;
            }
            scratch.clear();
            let room = budget
                .room()
                .saturating_sub(body.len() + header_len + inflated_total);
            let n = inflate_bounded(raw, room, budget.limits.max_inflated, index, &mut scratch)?;
            compressed += col.len;
            inflated_total += n;
            count_values(col.spec, &scratch, index, budget.limits.max_values)?;
        }
    }
    budget.spend(header_len + body.len() - compressed + inflated_total)?;
    Ok(())
}

/// Counts the values a column declares, by its type (the low three bits of its spec):
/// run-length encoded columns (group, actor, integer, delta, string, value metadata)
/// add up their runs; boolean columns their alternating run lengths; raw value columns
/// hold bytes, bounded already.
fn count_values(spec: u32, data: &[u8], index: usize, max: u64) -> Result<u64, ChunkError> {
    let too_many = || ChunkError::TooManyValues { index, max };
    let mut c = Cursor::new(data, index);
    let mut total: u64 = 0;
    let mut add = |n: u64| -> Result<(), ChunkError> {
        total = total.checked_add(n).ok_or_else(too_many)?;
        if total > max {
            return Err(too_many());
        }
        Ok(())
    };
    match spec & 0b111 {
        // Raw values: their count is the value-metadata column's.
        7 => return Ok(0),
        4 => {
            while c.left() > 0 {
                add(c.uleb("boolean run")?)?;
            }
        }
        kind => {
            let literal = |c: &mut Cursor<'_>| -> Result<(), ChunkError> {
                match kind {
                    3 => c.sleb("delta value").map(drop),
                    5 => c.bytes("string value").map(drop),
                    _ => c.uleb("value").map(drop),
                }
            };
            while c.left() > 0 {
                let run = c.sleb("run length")?;
                if run > 0 {
                    add(run.unsigned_abs())?;
                    literal(&mut c)?;
                } else if run < 0 {
                    let n = run.unsigned_abs();
                    add(n)?;
                    for _ in 0..n {
                        literal(&mut c)?;
                    }
                } else {
                    add(c.uleb("null run")?)?;
                }
            }
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ObjType, ROOT};
    use std::io::Write;

    #[test]
    fn a_saved_document_is_told_from_changes_by_its_header() {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "a", 1).unwrap_or_else(|e| panic!("{e}"));
        let saved = doc.save();
        let heads = doc.get_heads();
        doc.put(ROOT, "b", 2).unwrap_or_else(|e| panic!("{e}"));
        let changes = doc.save_after(&heads);
        assert!(starts_with_document(&saved));
        assert!(!starts_with_document(&changes));
        assert!(!starts_with_document(&saved[..8]));
        assert!(!starts_with_document(b"not automerge at all"));
    }

    fn limits() -> DocLimits {
        DocLimits::for_frame(1 << 20)
    }

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap_or_else(|e| panic!("{e}"));
        e.finish().unwrap_or_else(|e| panic!("{e}"))
    }

    fn chunk(kind: u8, sum: [u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&sum);
        out.push(kind);
        write_uleb(&mut out, body.len() as u64);
        out.extend_from_slice(body);
        out
    }

    fn doc_with_text(chars: usize) -> AutoCommit {
        let mut doc = AutoCommit::new();
        let text = doc
            .put_object(ROOT, "notes", ObjType::Text)
            .unwrap_or_else(|e| panic!("{e}"));
        let s: String = (0..chars)
            .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
            .collect();
        doc.splice_text(&text, 0, 0, &s)
            .unwrap_or_else(|e| panic!("{e}"));
        doc.commit();
        doc
    }

    #[test]
    fn what_automerge_writes_passes() {
        let mut doc = doc_with_text(5_000);
        let saved = doc.save();
        let chunks = split(&saved, limits()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].kind, ChunkKind::Document);
        let before = doc.get_heads();
        doc.put(ROOT, "x", 1).unwrap_or_else(|e| panic!("{e}"));
        let text = doc
            .put_object(ROOT, "more", ObjType::Text)
            .unwrap_or_else(|e| panic!("{e}"));
        // A large change is written compressed.
        doc.splice_text(&text, 0, 0, &"long words ".repeat(300))
            .unwrap_or_else(|e| panic!("{e}"));
        doc.commit();
        let after = doc.save_after(&before);
        let chunks = split(&after, limits()).unwrap_or_else(|e| panic!("{e}"));
        assert!(chunks.iter().all(|c| c.kind == ChunkKind::Change));
        let mut both = saved.clone();
        both.extend_from_slice(&after);
        assert_eq!(
            split(&both, limits()).map(|c| c.len()).ok(),
            Some(1 + chunks.len())
        );
        // What split hands on loads to the same document.
        let mut rebuilt = Vec::new();
        for c in split(&both, limits()).unwrap_or_else(|e| panic!("{e}")) {
            rebuilt.extend_from_slice(&c.bytes);
        }
        let mut loaded = AutoCommit::load(&rebuilt).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(loaded.get_heads(), doc.get_heads());
        assert_eq!(split(&[], limits()), Ok(Vec::new()));
    }

    #[test]
    fn a_compressed_bomb_stops_at_the_cap() {
        // 64 MiB of zeros deflates to about 64 KiB; the cap is 4 MiB.
        let bomb = deflate(&vec![0u8; 64 << 20]);
        let data = chunk(TYPE_COMPRESSED, [0; 4], &bomb);
        assert_eq!(
            split(&data, limits()),
            Err(ChunkError::TooLarge { cap: 4 << 20 })
        );
    }

    #[test]
    fn a_deflated_document_column_bomb_stops_at_the_cap() {
        let bomb = deflate(&vec![0u8; 64 << 20]);
        let mut body = Vec::new();
        write_uleb(&mut body, 0); // actors
        write_uleb(&mut body, 0); // heads
        write_uleb(&mut body, 0); // change columns
        write_uleb(&mut body, 1); // op columns
        write_uleb(&mut body, u64::from((4 << 4) | DEFLATE_BIT | 2));
        write_uleb(&mut body, bomb.len() as u64);
        body.extend_from_slice(&bomb);
        let data = chunk(TYPE_DOCUMENT, checksum(TYPE_DOCUMENT, &body), &body);
        assert_eq!(
            split(&data, limits()),
            Err(ChunkError::TooLarge { cap: 4 << 20 })
        );
    }

    #[test]
    fn a_column_claiming_endless_runs_is_refused() {
        // An action column (RLE) claiming 2^40 repeats of one value.
        let mut col = Vec::new();
        let run: u64 = 1 << 40;
        // sLEB of a positive run.
        let mut v = run;
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 && byte & 0x40 == 0 {
                col.push(byte);
                break;
            }
            col.push(byte | 0x80);
        }
        write_uleb(&mut col, 1);
        let mut body = Vec::new();
        write_uleb(&mut body, 0); // deps
        write_uleb(&mut body, 1); // actor
        body.push(7);
        write_uleb(&mut body, 1); // seq
        write_uleb(&mut body, 1); // start op
        body.push(0); // time
        write_uleb(&mut body, 0); // message
        write_uleb(&mut body, 0); // other actors
        write_uleb(&mut body, 1);
        write_uleb(&mut body, (4 << 4) | 2);
        write_uleb(&mut body, col.len() as u64);
        body.extend_from_slice(&col);
        let data = chunk(TYPE_CHANGE, checksum(TYPE_CHANGE, &body), &body);
        assert!(matches!(
            split(&data, limits()),
            Err(ChunkError::TooManyValues { index: 0, .. })
        ));
    }

    #[test]
    fn headers_are_checked() {
        let mut doc = doc_with_text(10);
        let good = doc.save();
        let mut bad_magic = good.clone();
        bad_magic[0] ^= 1;
        assert_eq!(
            split(&bad_magic, limits()),
            Err(ChunkError::BadMagic { index: 0 })
        );
        let mut bad_sum = good.clone();
        bad_sum[5] ^= 1;
        assert_eq!(
            split(&bad_sum, limits()),
            Err(ChunkError::BadChecksum { index: 0 })
        );
        let mut flipped = good.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(
            split(&flipped, limits()),
            Err(ChunkError::BadChecksum { index: 0 })
        );
        assert_eq!(
            split(&good[..good.len() - 1], limits()),
            Err(ChunkError::Truncated { index: 0 })
        );
        let mut bundle = good.clone();
        bundle[8] = 3;
        assert_eq!(
            split(&bundle, limits()),
            Err(ChunkError::UnacceptedType { index: 0, kind: 3 })
        );
        // The second chunk of two is named.
        let mut two = good.clone();
        two.extend_from_slice(&good[..7]);
        assert_eq!(
            split(&two, limits()),
            Err(ChunkError::Truncated { index: 1 })
        );
    }
}
