//! Messages a node sends to the hub (type codes 0x01–0x7F) and their encoding.

use automerge::ChangeHash;
use uuid::Uuid;

use super::codec::{Counter, Item, Reader, Sink};
use super::{DecodeError, Limits, open_frame, write_header};

const HELLO: u8 = 0x01;
const PUSH: u8 = 0x02;
const PULL: u8 = 0x03;
const FETCH: u8 = 0x04;
const PING: u8 = 0x05;
const PONG: u8 = 0x06;
const REPORT: u8 = 0x07;
const TOKEN_STORED: u8 = 0x08;
/// `Hello` with features (revision 3): the same fields, then `features`.
const HELLO_FEATURES: u8 = 0x09;
/// `Bootstrap` (revision 5, with [`super::FEATURE_BOOTSTRAP`]).
const BOOTSTRAP: u8 = 0x0A;

/// A node → hub frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientMsg {
    /// First frame on every connection. The cursor lets the hub send only what changed
    /// since the node's last durable pull; the outbox figures feed `/admin`.
    ///
    /// `features` (revision 3) are the optional features the node asks for, a subset of
    /// what the hub offered in its `Dermis-Features` upgrade header
    /// ([`super::FEATURE_TOKEN_ROTATION`]). Without features a hello is the revision 1
    /// frame (type 0x01) byte for byte; with some it is type 0x09, the same fields and
    /// then `features`, which a hub that offered nothing never receives.
    Hello {
        node_id: Uuid,
        app_version: String,
        cursor: u64,
        outbox: OutboxStats,
        features: u64,
    },
    /// Local changes to store. The hub answers with one `PushAck` for the same `batch`
    /// after its transaction commits; only then may the node clear its outbox entries.
    Push {
        batch: u64,
        docs: Vec<DocPush>,
    },
    /// Asks for the index of documents changed after `cursor`, at most `limit` entries.
    Pull {
        request: u64,
        cursor: u64,
        limit: u32,
    },
    /// Asks for document data the node lacks; answered by `Docs` with the same `request`.
    Fetch {
        request: u64,
        items: Vec<FetchItem>,
    },
    Ping {
        nonce: u64,
    },
    Pong {
        nonce: u64,
    },
    /// Outbox figures and the latest local sync error, so an admin sees a node that is
    /// connected but stuck.
    Report {
        cursor: u64,
        outbox: OutboxStats,
        last_error: String,
    },
    /// The token of the hub's `NewToken` is stored durably: the node uses it from its
    /// next connection (revision 3, only with [`super::FEATURE_TOKEN_ROTATION`]).
    TokenStored,
    /// Asks for the whole documents whose latest change is after `cursor`, about one
    /// frame of them (revision 5, only with [`super::FEATURE_BOOTSTRAP`]): a node that
    /// has never pulled catches up with these instead of `Pull` and `Fetch`. Answered by
    /// one `HubMsg::Bootstrap` with the same `request`.
    Bootstrap {
        request: u64,
        cursor: u64,
    },
}

/// What a node still holds unsynced. All zero when the outbox is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutboxStats {
    pub count: u64,
    pub bytes: u64,
    pub oldest_age_ms: u64,
}

/// One document's local changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocPush {
    pub doc_id: Uuid,
    pub doc_type: String,
    /// Automerge changes or a saved document; the codec does not look inside.
    pub data: Vec<u8>,
}

/// One document the node wants, and what it already has of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchItem {
    pub doc_id: Uuid,
    /// The node's heads for the document; empty asks for the whole document.
    pub have: Vec<ChangeHash>,
}

/// The exact bytes `doc` adds to a `Push` frame, for splitting batches under
/// `max_frame_bytes` (see [`super::FRAME_OVERHEAD`]).
pub fn doc_push_encoded_len(doc: &DocPush) -> usize {
    doc.encoded_len()
}

impl ClientMsg {
    pub fn type_code(&self) -> u8 {
        match self {
            Self::Hello { features: 0, .. } => HELLO,
            Self::Hello { .. } => HELLO_FEATURES,
            Self::Push { .. } => PUSH,
            Self::Pull { .. } => PULL,
            Self::Fetch { .. } => FETCH,
            Self::Ping { .. } => PING,
            Self::Pong { .. } => PONG,
            Self::Report { .. } => REPORT,
            Self::TokenStored => TOKEN_STORED,
            Self::Bootstrap { .. } => BOOTSTRAP,
        }
    }

    /// One whole frame, header included.
    pub fn encode(&self) -> Vec<u8> {
        let mut frame = Vec::with_capacity(self.encoded_len());
        self.write(&mut frame);
        frame
    }

    /// The length [`ClientMsg::encode`] will produce, without copying any payload.
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
            HELLO | HELLO_FEATURES => Self::Hello {
                node_id: r.uuid("Hello.node_id")?,
                app_version: r.string("Hello.app_version")?,
                cursor: r.u64("Hello.cursor")?,
                outbox: OutboxStats::decode(&mut r)?,
                features: if type_code == HELLO {
                    0
                } else {
                    // Type 0x09 only with features: one encoding per value.
                    match r.u64("Hello.features")? {
                        0 => {
                            return Err(DecodeError::Invalid {
                                what: "Hello.features",
                            });
                        }
                        features => features,
                    }
                },
            },
            PUSH => Self::Push {
                batch: r.u64("Push.batch")?,
                docs: r.list("Push.docs")?,
            },
            PULL => Self::Pull {
                request: r.u64("Pull.request")?,
                cursor: r.u64("Pull.cursor")?,
                limit: r.u32("Pull.limit")?,
            },
            FETCH => Self::Fetch {
                request: r.u64("Fetch.request")?,
                items: r.list("Fetch.items")?,
            },
            PING => Self::Ping {
                nonce: r.u64("Ping.nonce")?,
            },
            PONG => Self::Pong {
                nonce: r.u64("Pong.nonce")?,
            },
            REPORT => Self::Report {
                cursor: r.u64("Report.cursor")?,
                outbox: OutboxStats::decode(&mut r)?,
                last_error: r.string("Report.last_error")?,
            },
            TOKEN_STORED => Self::TokenStored,
            BOOTSTRAP => Self::Bootstrap {
                request: r.u64("Bootstrap.request")?,
                cursor: r.u64("Bootstrap.cursor")?,
            },
            code => return Err(DecodeError::UnknownType { code }),
        };
        r.finish()?;
        Ok(msg)
    }

    fn write<S: Sink>(&self, out: &mut S) {
        write_header(out, self.type_code());
        match self {
            Self::Hello {
                node_id,
                app_version,
                cursor,
                outbox,
                features,
            } => {
                node_id.encode(out);
                out.put_str(app_version);
                out.put_varint(*cursor);
                outbox.encode(out);
                if *features != 0 {
                    out.put_varint(*features);
                }
            }
            Self::Push { batch, docs } => {
                out.put_varint(*batch);
                out.put_list(docs);
            }
            Self::Pull {
                request,
                cursor,
                limit,
            } => {
                out.put_varint(*request);
                out.put_varint(*cursor);
                out.put_varint(u64::from(*limit));
            }
            Self::Fetch { request, items } => {
                out.put_varint(*request);
                out.put_list(items);
            }
            Self::Ping { nonce } | Self::Pong { nonce } => out.put_varint(*nonce),
            Self::Report {
                cursor,
                outbox,
                last_error,
            } => {
                out.put_varint(*cursor);
                outbox.encode(out);
                out.put_str(last_error);
            }
            Self::TokenStored => {}
            Self::Bootstrap { request, cursor } => {
                out.put_varint(*request);
                out.put_varint(*cursor);
            }
        }
    }
}

impl Item for OutboxStats {
    const MIN_LEN: usize = 3;

    fn encode<S: Sink>(&self, out: &mut S) {
        out.put_varint(self.count);
        out.put_varint(self.bytes);
        out.put_varint(self.oldest_age_ms);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            count: r.u64("OutboxStats.count")?,
            bytes: r.u64("OutboxStats.bytes")?,
            oldest_age_ms: r.u64("OutboxStats.oldest_age_ms")?,
        })
    }
}

impl Item for DocPush {
    const MIN_LEN: usize = 16 + 1 + 1;

    fn encode<S: Sink>(&self, out: &mut S) {
        self.doc_id.encode(out);
        out.put_str(&self.doc_type);
        out.put_bytes(&self.data);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            doc_id: r.uuid("DocPush.doc_id")?,
            doc_type: r.string("DocPush.doc_type")?,
            data: r.bytes("DocPush.data")?.to_vec(),
        })
    }
}

impl Item for FetchItem {
    const MIN_LEN: usize = 16 + 1;

    fn encode<S: Sink>(&self, out: &mut S) {
        self.doc_id.encode(out);
        out.put_list(&self.have);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            doc_id: r.uuid("FetchItem.doc_id")?,
            have: r.heads("FetchItem.have")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_len_matches_the_smallest_value() {
        let doc = DocPush {
            doc_id: Uuid::nil(),
            doc_type: String::new(),
            data: Vec::new(),
        };
        assert_eq!(doc.encoded_len(), DocPush::MIN_LEN);
        let item = FetchItem {
            doc_id: Uuid::nil(),
            have: Vec::new(),
        };
        assert_eq!(item.encoded_len(), FetchItem::MIN_LEN);
        assert_eq!(OutboxStats::default().encoded_len(), OutboxStats::MIN_LEN);
    }
}
