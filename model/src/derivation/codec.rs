//! The derivation's binary encoding, as the hub stores it and sends it (docs/SYNC.md,
//! revision 6). Compact (varints, no column names), versioned (a version this build does
//! not know decodes as "no derivation", so a newer hub never breaks an older node), and
//! bounded: decoding checks every count against the bytes left before allocating, so a
//! hostile payload costs at most memory and time linear in its (capped) length.
//!
//! ```text
//! u8 version (1) | u8 doc type | varint rows | rows | varint conflicts | conflicts
//! row      = u8 table code, then exactly that table's columns of `value`
//! value    = 0x00 null | 0x01 zigzag varint integer | 0x02 varint length + UTF-8
//!          | 0x03 16 bytes: text that is a UUID in its canonical form (lowercase,
//!            hyphenated), which ids are; it decodes to that text again
//! conflict = three `value`-less strings (varint length + UTF-8): path, values, sources
//! ```

use thiserror::Error;

use super::{ConflictRow, Derivation, Row, Table, Value};
use crate::DocType;

/// The only version this build writes and reads.
pub const VERSION: u8 = 1;

/// Largest encoded derivation accepted: far above any real document's (a patient's is a
/// few hundred bytes), far below a frame.
pub const MAX_BYTES: usize = 1 << 20;

/// Why a payload that claims version 1 is not a derivation.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("derivation of {len} bytes exceeds {max}")]
    TooLarge { len: usize, max: usize },
    #[error("derivation cut short at byte {at}")]
    Truncated { at: usize },
    #[error("derivation has an invalid varint at byte {at}")]
    Varint { at: usize },
    #[error("derivation has unknown document type code {code}")]
    DocType { code: u8 },
    #[error("derivation has unknown table code {code}")]
    Table { code: u8 },
    #[error("derivation has unknown value tag {tag} at byte {at}")]
    Tag { tag: u8, at: usize },
    #[error("derivation has text that is not UTF-8 at byte {at}")]
    Utf8 { at: usize },
    #[error("derivation claims {count} items with {left} bytes left")]
    Count { count: u64, left: usize },
    #[error("derivation's rows do not fit a {doc_type} document")]
    Shape { doc_type: &'static str },
    #[error("derivation has {left} bytes after its end")]
    Trailing { left: usize },
}

fn doc_type_code(t: DocType) -> u8 {
    match t {
        DocType::Patient => 1,
        DocType::Product => 2,
        DocType::Ledger => 3,
        DocType::Appointment => 4,
        DocType::Clinic => 0,
    }
}

fn doc_type_from(code: u8) -> Option<DocType> {
    Some(match code {
        1 => DocType::Patient,
        2 => DocType::Product,
        3 => DocType::Ledger,
        4 => DocType::Appointment,
        _ => return None,
    })
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7F) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// Encodes a derivation (see the module docs).
pub fn encode(d: &Derivation) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.push(VERSION);
    out.push(doc_type_code(d.doc_type));
    put_varint(&mut out, d.rows.len() as u64);
    for row in &d.rows {
        out.push(row.table.code());
        for v in &row.values {
            match v {
                Value::Null => out.push(0),
                Value::Int(i) => {
                    out.push(1);
                    put_varint(&mut out, ((i << 1) ^ (i >> 63)) as u64);
                }
                Value::Text(s) => match canonical_uuid(s) {
                    // Ids are most of a ledger's rows: 17 bytes instead of 38.
                    Some(id) => {
                        out.push(3);
                        out.extend_from_slice(id.as_bytes());
                    }
                    None => {
                        out.push(2);
                        put_str(&mut out, s);
                    }
                },
            }
        }
    }
    put_varint(&mut out, d.conflicts.len() as u64);
    for c in &d.conflicts {
        put_str(&mut out, &c.path);
        put_str(&mut out, &c.values);
        put_str(&mut out, &c.sources);
    }
    out
}

/// `s` as a UUID when it is one written exactly as `Uuid`'s `Display` writes it, so that
/// decoding gives back the same text.
fn canonical_uuid(s: &str) -> Option<uuid::Uuid> {
    if s.len() != 36 {
        return None;
    }
    let id = uuid::Uuid::try_parse(s).ok()?;
    let mut buf = uuid::Uuid::encode_buffer();
    (id.hyphenated().encode_lower(&mut buf) == s).then_some(id)
}

struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn left(&self) -> usize {
        self.buf.len() - self.at
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        let b = *self
            .buf
            .get(self.at)
            .ok_or(DecodeError::Truncated { at: self.at })?;
        self.at += 1;
        Ok(b)
    }

    /// Shortest-form LEB128, at most 10 bytes, fitting a u64.
    fn varint(&mut self) -> Result<u64, DecodeError> {
        let start = self.at;
        let mut v: u64 = 0;
        for i in 0..10 {
            let b = self.byte()?;
            if i == 9 && b > 1 {
                return Err(DecodeError::Varint { at: start });
            }
            v |= u64::from(b & 0x7F) << (7 * i);
            if b & 0x80 == 0 {
                if b == 0 && i > 0 {
                    return Err(DecodeError::Varint { at: start });
                }
                return Ok(v);
            }
        }
        Err(DecodeError::Varint { at: start })
    }

    /// A count of items each at least `min` bytes long, checked against what is left.
    fn count(&mut self, min: usize) -> Result<usize, DecodeError> {
        let count = self.varint()?;
        let left = self.left();
        match usize::try_from(count) {
            Ok(n) if n.saturating_mul(min) <= left => Ok(n),
            _ => Err(DecodeError::Count { count, left }),
        }
    }

    fn string(&mut self) -> Result<String, DecodeError> {
        let len = self.count(1)?;
        let start = self.at;
        let bytes = &self.buf[start..start + len];
        self.at += len;
        String::from_utf8(bytes.to_vec()).map_err(|_| DecodeError::Utf8 { at: start })
    }

    fn value(&mut self) -> Result<Value, DecodeError> {
        let at = self.at;
        match self.byte()? {
            0 => Ok(Value::Null),
            1 => {
                let z = self.varint()?;
                Ok(Value::Int(((z >> 1) as i64) ^ -((z & 1) as i64)))
            }
            2 => Ok(Value::Text(self.string()?)),
            3 => {
                let end = self.at + 16;
                let bytes = self
                    .buf
                    .get(self.at..end)
                    .ok_or(DecodeError::Truncated { at: self.buf.len() })?;
                let id =
                    uuid::Uuid::from_slice(bytes).map_err(|_| DecodeError::Truncated { at })?;
                self.at = end;
                Ok(Value::Text(id.hyphenated().to_string()))
            }
            tag => Err(DecodeError::Tag { tag, at }),
        }
    }
}

/// Decodes a derivation: `Ok(None)` for an empty payload or a version this build does not
/// know (the document is then loaded instead), an error for a payload that claims a known
/// version and is not one (the sender broke the protocol).
pub fn decode(buf: &[u8]) -> Result<Option<Derivation>, DecodeError> {
    if buf.len() > MAX_BYTES {
        return Err(DecodeError::TooLarge {
            len: buf.len(),
            max: MAX_BYTES,
        });
    }
    match buf.first() {
        Some(&VERSION) => {}
        _ => return Ok(None),
    }
    let mut r = Reader { buf, at: 1 };
    let code = r.byte()?;
    let doc_type = doc_type_from(code).ok_or(DecodeError::DocType { code })?;
    // A row is at least its table code and one byte per column (two columns at least).
    let row_count = r.count(3)?;
    let mut rows = Vec::with_capacity(row_count);
    for _ in 0..row_count {
        let code = r.byte()?;
        let table = Table::from_code(code).ok_or(DecodeError::Table { code })?;
        let mut values = Vec::with_capacity(table.columns());
        for _ in 0..table.columns() {
            values.push(r.value()?);
        }
        rows.push(Row { table, values });
    }
    let conflict_count = r.count(3)?;
    let mut conflicts = Vec::with_capacity(conflict_count);
    for _ in 0..conflict_count {
        conflicts.push(ConflictRow {
            path: r.string()?,
            values: r.string()?,
            sources: r.string()?,
        });
    }
    if r.left() > 0 {
        return Err(DecodeError::Trailing { left: r.left() });
    }
    let d = Derivation {
        doc_type,
        rows,
        conflicts,
    };
    check_shape(&d)?;
    Ok(Some(d))
}

/// The rows a writer relies on: the document's own row first and once (a patient's
/// search row right after it, once), and only tables of the document's type.
fn check_shape(d: &Derivation) -> Result<(), DecodeError> {
    let bad = DecodeError::Shape {
        doc_type: d.doc_type.as_str(),
    };
    let head = match d.doc_type {
        DocType::Patient => Table::Patient,
        DocType::Product => Table::Product,
        DocType::Ledger => Table::Ledger,
        DocType::Appointment => Table::Appointment,
        DocType::Clinic => return Err(bad),
    };
    let once = |t: Table| d.rows.iter().filter(|r| r.table == t).count() == 1;
    if d.rows.first().map(|r| r.table) != Some(head)
        || !once(head)
        || d.rows.iter().any(|r| r.table.doc_type() != d.doc_type)
    {
        return Err(bad);
    }
    if head == Table::Patient
        && (d.rows.get(1).map(|r| r.table) != Some(Table::PatientSearch)
            || !once(Table::PatientSearch))
    {
        return Err(bad);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Derivation {
        let mut values = vec![Value::Text("Anna".into()); 13];
        values[2] = Value::Null;
        values[8] = Value::Int(-3);
        values[12] = Value::Int(i64::MIN);
        Derivation {
            doc_type: DocType::Patient,
            rows: vec![
                Row {
                    table: Table::Patient,
                    values,
                },
                Row {
                    table: Table::PatientSearch,
                    values: vec![Value::Text("anna".into()), Value::Text("".into())],
                },
                Row {
                    table: Table::Encounter,
                    values: vec![Value::Int(i64::MAX); 7],
                },
            ],
            conflicts: vec![ConflictRow {
                path: "[\"a\"]".into(),
                values: "[1,2]".into(),
                sources: "[null,null]".into(),
            }],
        }
    }

    #[test]
    fn a_derivation_round_trips_to_the_same_bytes() {
        let d = sample();
        let bytes = encode(&d);
        let back = decode(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.as_ref(), Some(&d));
        assert_eq!(back.map(|b| encode(&b)), Some(bytes));
    }

    #[test]
    fn ids_go_as_sixteen_bytes_and_come_back_as_the_same_text() {
        let id = "0193a5b2-7c1e-7d3a-9f00-1234567890ab";
        let mut d = sample();
        d.rows[0].values[0] = Value::Text(id.into());
        // Not canonical (uppercase, braces): kept as text, so it too comes back unchanged.
        d.rows[0].values[1] = Value::Text(id.to_uppercase());
        d.rows[0].values[3] = Value::Text(format!("{{{id}}}"));
        let bytes = encode(&d);
        assert_eq!(
            bytes.len(),
            // Three texts of "Anna" (a tag, a length, four bytes) replaced.
            encode(&sample()).len() - 3 * (2 + 4) + 17 + (2 + 36) + (2 + 38),
            "one id in 17 bytes, the two others as text"
        );
        let back = decode(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.as_ref(), Some(&d));
        for len in 1..bytes.len() {
            assert!(decode(&bytes[..len]).is_err(), "cut at {len} accepted");
        }
    }

    #[test]
    fn an_unknown_version_is_no_derivation_not_an_error() {
        let mut bytes = encode(&sample());
        bytes[0] = 2;
        assert_eq!(decode(&bytes), Ok(None));
        assert_eq!(decode(&[]), Ok(None));
    }

    #[test]
    fn every_cut_of_a_payload_is_refused() {
        let bytes = encode(&sample());
        for len in 1..bytes.len() {
            assert!(decode(&bytes[..len]).is_err(), "cut at {len} accepted");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer), Err(DecodeError::Trailing { left: 1 }));
    }

    #[test]
    fn a_huge_claimed_count_is_refused_before_allocating() {
        let mut bytes = vec![VERSION, 1];
        put_varint(&mut bytes, u64::MAX >> 1);
        assert!(matches!(decode(&bytes), Err(DecodeError::Count { .. })));
        let mut text = vec![VERSION, 1, 1, Table::Patient.code(), 2];
        put_varint(&mut text, 1 << 40);
        assert!(matches!(decode(&text), Err(DecodeError::Count { .. })));
        let big = vec![VERSION; MAX_BYTES + 1];
        assert!(matches!(decode(&big), Err(DecodeError::TooLarge { .. })));
    }

    #[test]
    fn rows_that_do_not_fit_the_document_are_refused() {
        let mut wrong_type = sample();
        wrong_type.doc_type = DocType::Product;
        assert!(matches!(
            decode(&encode(&wrong_type)),
            Err(DecodeError::Shape { .. })
        ));
        let mut no_search = sample();
        no_search.rows.remove(1);
        assert!(matches!(
            decode(&encode(&no_search)),
            Err(DecodeError::Shape { .. })
        ));
        let mut twice = sample();
        twice.rows.push(twice.rows[0].clone());
        assert!(matches!(
            decode(&encode(&twice)),
            Err(DecodeError::Shape { .. })
        ));
    }

    #[test]
    fn non_shortest_varints_and_bad_tags_are_refused() {
        let bytes = encode(&sample());
        // The row count (3) written as 0x83 0x00.
        let mut long = bytes[..2].to_vec();
        long.extend_from_slice(&[0x83, 0x00]);
        long.extend_from_slice(&bytes[3..]);
        assert!(matches!(decode(&long), Err(DecodeError::Varint { .. })));
        let mut tag = bytes.clone();
        tag[4] = 9;
        assert!(matches!(decode(&tag), Err(DecodeError::Tag { tag: 9, .. })));
    }
}
