//! Messages the hub sends to a node (type codes 0x80–0xFF) and their encoding.

use automerge::ChangeHash;
use uuid::Uuid;

use super::codec::{Counter, Item, Reader, Sink};
use super::{DecodeError, ErrorCode, Limits, open_frame, write_header};

const WELCOME: u8 = 0x81;
const PUSH_ACK: u8 = 0x82;
const INDEX: u8 = 0x83;
const DOCS: u8 = 0x84;
const PING: u8 = 0x85;
const PONG: u8 = 0x86;
const NEW_TOKEN: u8 = 0x87;
const LIVE: u8 = 0x88;
const BOOTSTRAP: u8 = 0x89;
const BOOTSTRAP_ROWS: u8 = 0x8A;
const DOCS_ROWS: u8 = 0x8C;
const ERROR: u8 = 0x8F;

const OUTCOME_APPLIED: u8 = 0;
const OUTCOME_NEED_FULL: u8 = 1;
const OUTCOME_REJECTED: u8 = 2;

/// A hub → node frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HubMsg {
    /// Answer to `Hello`: who the node is to the hub, and the bounds the node must keep
    /// its own frames and batches within.
    Welcome {
        clinic_id: Uuid,
        node_id: Uuid,
        hub_seq: u64,
        server_time_ms: u64,
        max_frame_bytes: u32,
        max_batch_docs: u32,
    },
    /// Sent after the hub's transaction for `batch` has committed: every result is durable.
    PushAck {
        batch: u64,
        results: Vec<PushResult>,
    },
    /// Documents changed in `(from, up_to]` of the clinic's change log. `request` 0 marks
    /// an unsolicited live update; `more` says another page follows. A node applies a
    /// page only if `from` is not beyond its cursor, so a lost page is never skipped.
    Index {
        request: u64,
        from: u64,
        entries: Vec<IndexEntry>,
        up_to: u64,
        more: bool,
    },
    /// Answer to `Fetch`; `missing` lists requested ids the hub does not have.
    ///
    /// `derived` (revision 9, only to a node whose `Hello` asked for
    /// [`super::FEATURE_FETCH_ROWS`]) is empty, or holds one entry per item: a whole
    /// document's encoded index derivation at exactly the item's heads, or empty bytes
    /// (always for changes). A frame with derivations is type 0x8C, one without 0x84.
    Docs {
        request: u64,
        items: Vec<DocData>,
        missing: Vec<Uuid>,
        derived: Vec<Vec<u8>>,
    },
    Ping {
        nonce: u64,
    },
    Pong {
        nonce: u64,
    },
    /// A new node token (revision 3, only to a node whose `Hello` asked for
    /// [`super::FEATURE_TOKEN_ROTATION`]). The node stores it durably, answers
    /// `TokenStored`, and uses it from its next connection; the token it connected with
    /// works until then.
    NewToken {
        token: String,
    },
    /// An unsolicited live update that carries the documents changed in `(from, up_to]`
    /// (revision 4, only to a node whose `Hello` asked for [`super::FEATURE_LIVE_DOCS`]):
    /// each item is the data of the push that changed it (`full` when it is a whole
    /// document), so the node applies it without a `Fetch`. Documents the node itself
    /// pushed in that range are left out: it has them. A node applies it like a live
    /// `Index` (only if `from` is not beyond its cursor), and fetches any document whose
    /// data does not apply to what it has.
    Live {
        from: u64,
        up_to: u64,
        items: Vec<DocData>,
    },
    /// Answer to `ClientMsg::Bootstrap` (revision 5, only to a node whose `Hello` asked
    /// for [`super::FEATURE_BOOTSTRAP`]): the whole documents whose latest change is in
    /// `(from, up_to]`, by ascending seq, every item `full`. `more` says documents after
    /// `up_to` exist. The node stores them and moves its cursor to `up_to` in one
    /// transaction.
    ///
    /// `derived` (revision 6, only to a node whose `Hello` also asked for
    /// [`super::FEATURE_BOOT_ROWS`]) is empty, or holds one entry per item: that document's
    /// encoded index derivation (`dermis_model::derivation::codec`) at exactly the item's
    /// heads, or empty bytes when the hub has none. A frame with derivations is type 0x8A,
    /// one without is the revision 5 type 0x89.
    Bootstrap {
        request: u64,
        from: u64,
        up_to: u64,
        more: bool,
        items: Vec<DocData>,
        derived: Vec<Vec<u8>>,
    },
    /// Sent just before the hub closes the connection with `code.close_code()`. The
    /// message is safe to show staff and never carries patient data.
    Error {
        code: ErrorCode,
        message: String,
    },
}

/// The fate of one pushed document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushResult {
    pub doc_id: Uuid,
    pub outcome: PushOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    /// Stored at change-log position `seq`; `heads` are the hub's heads afterwards.
    Applied { seq: u64, heads: Vec<ChangeHash> },
    /// The hub lacks the history the changes depend on; push the whole document.
    NeedFull,
    /// Refused for good; retrying the same data will not help.
    Rejected { code: ErrorCode, message: String },
}

/// One changed document in the clinic's change log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    pub doc_id: Uuid,
    pub doc_type: String,
    pub seq: u64,
    pub heads: Vec<ChangeHash>,
}

/// One document's data as the hub sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocData {
    pub doc_id: Uuid,
    pub doc_type: String,
    pub seq: u64,
    pub heads: Vec<ChangeHash>,
    /// `data` is a whole saved document rather than changes on top of the node's `have`.
    pub full: bool,
    pub data: Vec<u8>,
}

/// The exact bytes `entry` adds to an `Index` frame, for cutting pages under
/// `max_frame_bytes`.
pub fn index_entry_encoded_len(entry: &IndexEntry) -> usize {
    entry.encoded_len()
}

/// The exact bytes `doc` adds to a `Docs` frame, for splitting batches under
/// `max_frame_bytes` (see [`super::FRAME_OVERHEAD`]).
pub fn doc_data_encoded_len(doc: &DocData) -> usize {
    doc.encoded_len()
}

impl HubMsg {
    pub fn type_code(&self) -> u8 {
        match self {
            Self::Welcome { .. } => WELCOME,
            Self::PushAck { .. } => PUSH_ACK,
            Self::Index { .. } => INDEX,
            Self::Docs { derived, .. } if !derived.is_empty() => DOCS_ROWS,
            Self::Docs { .. } => DOCS,
            Self::Ping { .. } => PING,
            Self::Pong { .. } => PONG,
            Self::NewToken { .. } => NEW_TOKEN,
            Self::Live { .. } => LIVE,
            Self::Bootstrap { derived, .. } if !derived.is_empty() => BOOTSTRAP_ROWS,
            Self::Bootstrap { .. } => BOOTSTRAP,
            Self::Error { .. } => ERROR,
        }
    }

    /// One whole frame, header included.
    pub fn encode(&self) -> Vec<u8> {
        let mut frame = Vec::with_capacity(self.encoded_len());
        self.write(&mut frame);
        frame
    }

    /// The length [`HubMsg::encode`] will produce, without copying any payload.
    pub fn encoded_len(&self) -> usize {
        let mut counter = Counter::default();
        self.write(&mut counter);
        counter.0
    }

    /// Parses one whole frame. Fails on anything but exactly one valid message, so a
    /// caller never applies part of a frame.
    pub fn decode(frame: &[u8], limits: &Limits) -> Result<Self, DecodeError> {
        let (type_code, mut r) = open_frame(frame, limits)?;
        let msg = match type_code {
            WELCOME => Self::Welcome {
                clinic_id: r.uuid("Welcome.clinic_id")?,
                node_id: r.uuid("Welcome.node_id")?,
                hub_seq: r.u64("Welcome.hub_seq")?,
                server_time_ms: r.u64("Welcome.server_time_ms")?,
                max_frame_bytes: r.u32("Welcome.max_frame_bytes")?,
                max_batch_docs: r.u32("Welcome.max_batch_docs")?,
            },
            PUSH_ACK => Self::PushAck {
                batch: r.u64("PushAck.batch")?,
                results: r.list("PushAck.results")?,
            },
            INDEX => Self::Index {
                request: r.u64("Index.request")?,
                from: r.u64("Index.from")?,
                entries: r.list("Index.entries")?,
                up_to: r.u64("Index.up_to")?,
                more: r.bool("Index.more")?,
            },
            DOCS | DOCS_ROWS => {
                let request = r.u64("Docs.request")?;
                let items: Vec<DocData> = r.list("Docs.items")?;
                let missing = r.list("Docs.missing")?;
                let derived = if type_code == DOCS_ROWS {
                    derivations(&mut r, items.len(), "Docs.derived")?
                } else {
                    Vec::new()
                };
                Self::Docs {
                    request,
                    items,
                    missing,
                    derived,
                }
            }
            PING => Self::Ping {
                nonce: r.u64("Ping.nonce")?,
            },
            PONG => Self::Pong {
                nonce: r.u64("Pong.nonce")?,
            },
            NEW_TOKEN => Self::NewToken {
                token: r.string("NewToken.token")?,
            },
            LIVE => Self::Live {
                from: r.u64("Live.from")?,
                up_to: r.u64("Live.up_to")?,
                items: r.list("Live.items")?,
            },
            BOOTSTRAP | BOOTSTRAP_ROWS => {
                let request = r.u64("Bootstrap.request")?;
                let from = r.u64("Bootstrap.from")?;
                let up_to = r.u64("Bootstrap.up_to")?;
                let more = r.bool("Bootstrap.more")?;
                let items: Vec<DocData> = r.list("Bootstrap.items")?;
                let derived = if type_code == BOOTSTRAP_ROWS {
                    derivations(&mut r, items.len(), "Bootstrap.derived")?
                } else {
                    Vec::new()
                };
                Self::Bootstrap {
                    request,
                    from,
                    up_to,
                    more,
                    items,
                    derived,
                }
            }
            ERROR => Self::Error {
                code: ErrorCode::from_u16(r.u16("Error.code")?),
                message: r.string("Error.message")?,
            },
            code => return Err(DecodeError::UnknownType { code }),
        };
        r.finish()?;
        Ok(msg)
    }

    fn write<S: Sink>(&self, out: &mut S) {
        write_header(out, self.type_code());
        match self {
            Self::Welcome {
                clinic_id,
                node_id,
                hub_seq,
                server_time_ms,
                max_frame_bytes,
                max_batch_docs,
            } => {
                clinic_id.encode(out);
                node_id.encode(out);
                out.put_varint(*hub_seq);
                out.put_varint(*server_time_ms);
                out.put_varint(u64::from(*max_frame_bytes));
                out.put_varint(u64::from(*max_batch_docs));
            }
            Self::PushAck { batch, results } => {
                out.put_varint(*batch);
                out.put_list(results);
            }
            Self::Index {
                request,
                from,
                entries,
                up_to,
                more,
            } => {
                out.put_varint(*request);
                out.put_varint(*from);
                out.put_list(entries);
                out.put_varint(*up_to);
                out.put_bool(*more);
            }
            Self::Docs {
                request,
                items,
                missing,
                derived,
            } => {
                out.put_varint(*request);
                out.put_list(items);
                out.put_list(missing);
                put_derivations(out, derived);
            }
            Self::Ping { nonce } | Self::Pong { nonce } => out.put_varint(*nonce),
            Self::NewToken { token } => out.put_str(token),
            Self::Live { from, up_to, items } => {
                out.put_varint(*from);
                out.put_varint(*up_to);
                out.put_list(items);
            }
            Self::Bootstrap {
                request,
                from,
                up_to,
                more,
                items,
                derived,
            } => {
                out.put_varint(*request);
                out.put_varint(*from);
                out.put_varint(*up_to);
                out.put_bool(*more);
                out.put_list(items);
                put_derivations(out, derived);
            }
            Self::Error { code, message } => {
                out.put_varint(u64::from(code.as_u16()));
                out.put_str(message);
            }
        }
    }
}

/// The derivations of a frame with rows (0x8A, 0x8C): one entry per item, and at least
/// one item, since a frame without derivations has one encoding (0x89, 0x84).
fn derivations(
    r: &mut Reader<'_>,
    items: usize,
    what: &'static str,
) -> Result<Vec<Vec<u8>>, DecodeError> {
    let count = r.u64(what)?;
    if items == 0 || count != items as u64 {
        return Err(DecodeError::Invalid { what });
    }
    let mut derived = Vec::with_capacity(items);
    for _ in 0..items {
        derived.push(r.bytes(what)?.to_vec());
    }
    Ok(derived)
}

/// Writes `derived` as [`derivations`] reads it; nothing when empty.
fn put_derivations<S: Sink>(out: &mut S, derived: &[Vec<u8>]) {
    if !derived.is_empty() {
        out.put_varint(derived.len() as u64);
        for d in derived {
            out.put_bytes(d);
        }
    }
}

impl Item for PushResult {
    /// An id and the one-byte `NeedFull` tag.
    const MIN_LEN: usize = 16 + 1;

    fn encode<S: Sink>(&self, out: &mut S) {
        self.doc_id.encode(out);
        match &self.outcome {
            PushOutcome::Applied { seq, heads } => {
                out.put_u8(OUTCOME_APPLIED);
                out.put_varint(*seq);
                out.put_list(heads);
            }
            PushOutcome::NeedFull => out.put_u8(OUTCOME_NEED_FULL),
            PushOutcome::Rejected { code, message } => {
                out.put_u8(OUTCOME_REJECTED);
                out.put_varint(u64::from(code.as_u16()));
                out.put_str(message);
            }
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let doc_id = r.uuid("PushResult.doc_id")?;
        let outcome = match r.u8("PushOutcome tag")? {
            OUTCOME_APPLIED => PushOutcome::Applied {
                seq: r.u64("Applied.seq")?,
                heads: r.heads("Applied.heads")?,
            },
            OUTCOME_NEED_FULL => PushOutcome::NeedFull,
            OUTCOME_REJECTED => PushOutcome::Rejected {
                code: ErrorCode::from_u16(r.u16("Rejected.code")?),
                message: r.string("Rejected.message")?,
            },
            _ => {
                return Err(DecodeError::Invalid {
                    what: "PushOutcome tag",
                });
            }
        };
        Ok(Self { doc_id, outcome })
    }
}

impl Item for IndexEntry {
    const MIN_LEN: usize = 16 + 1 + 1 + 1;

    fn encode<S: Sink>(&self, out: &mut S) {
        self.doc_id.encode(out);
        out.put_str(&self.doc_type);
        out.put_varint(self.seq);
        out.put_list(&self.heads);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            doc_id: r.uuid("IndexEntry.doc_id")?,
            doc_type: r.string("IndexEntry.doc_type")?,
            seq: r.u64("IndexEntry.seq")?,
            heads: r.heads("IndexEntry.heads")?,
        })
    }
}

impl Item for DocData {
    const MIN_LEN: usize = 16 + 1 + 1 + 1 + 1 + 1;

    fn encode<S: Sink>(&self, out: &mut S) {
        self.doc_id.encode(out);
        out.put_str(&self.doc_type);
        out.put_varint(self.seq);
        out.put_list(&self.heads);
        out.put_bool(self.full);
        out.put_bytes(&self.data);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            doc_id: r.uuid("DocData.doc_id")?,
            doc_type: r.string("DocData.doc_type")?,
            seq: r.u64("DocData.seq")?,
            heads: r.heads("DocData.heads")?,
            full: r.bool("DocData.full")?,
            data: r.bytes("DocData.data")?.to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_len_matches_the_smallest_value() {
        let result = PushResult {
            doc_id: Uuid::nil(),
            outcome: PushOutcome::NeedFull,
        };
        assert_eq!(result.encoded_len(), PushResult::MIN_LEN);
        let entry = IndexEntry {
            doc_id: Uuid::nil(),
            doc_type: String::new(),
            seq: 0,
            heads: Vec::new(),
        };
        assert_eq!(entry.encoded_len(), IndexEntry::MIN_LEN);
        let data = DocData {
            doc_id: Uuid::nil(),
            doc_type: String::new(),
            seq: 0,
            heads: Vec::new(),
            full: false,
            data: Vec::new(),
        };
        assert_eq!(data.encoded_len(), DocData::MIN_LEN);
    }

    #[test]
    fn unknown_outcome_tag_is_invalid() {
        let limits = Limits::default();
        let mut frame = b"DX\x01\x82\x00\x01".to_vec();
        frame.extend_from_slice(&[0; 16]);
        frame.push(3);
        assert_eq!(
            HubMsg::decode(&frame, &limits),
            Err(DecodeError::Invalid {
                what: "PushOutcome tag"
            })
        );
        frame.pop();
        frame.push(OUTCOME_NEED_FULL);
        assert!(HubMsg::decode(&frame, &limits).is_ok());
    }
}
