//! Documents received whole and stored without being held loaded: a first sync writes
//! thousands of them, and a loaded document costs ~16 KB of heap. The worker thread that
//! checked such a document also read its index rows ([`index::Derived`]) and dropped
//! it; the transaction keeps only the bytes as received, the heads and those rows, and
//! writes them at commit like any new document (one `docs` row, its index rows, no
//! outbox entry). The document is loaded again only when it is opened or edited: in the
//! same transaction ([`Tx::load_lean`]) or later through the store's bounded cache.

use std::collections::HashMap;

use automerge::{AutoCommit, ChangeHash};
use dermis_model::{DocId, DocType};
use rusqlite::params;

use super::{Applied, Exec, Origin, Pending, StoreError, Tx, encode_heads, index};

struct LeanDoc {
    doc_type: DocType,
    heads: Vec<ChangeHash>,
    raw: Vec<u8>,
    derived: index::Derived,
    synced: Option<(Vec<ChangeHash>, Option<u64>)>,
}

/// The lean documents of one transaction, in the order they arrived.
#[derive(Default)]
pub(super) struct LeanDocs {
    docs: HashMap<DocId, LeanDoc>,
    order: Vec<DocId>,
}

impl LeanDocs {
    pub(super) fn contains(&self, id: DocId) -> bool {
        self.docs.contains_key(&id)
    }

    pub(super) fn remove(&mut self, id: DocId) -> bool {
        let had = self.docs.remove(&id).is_some();
        if had {
            self.order.retain(|x| *x != id);
        }
        had
    }

    /// Records the hub's heads for a lean document; hands them back for any other.
    #[allow(clippy::type_complexity)]
    pub(super) fn mark_synced(
        &mut self,
        id: DocId,
        heads: Vec<ChangeHash>,
        hub_seq: Option<u64>,
    ) -> Option<(Vec<ChangeHash>, Option<u64>)> {
        match self.docs.get_mut(&id) {
            Some(doc) => {
                doc.synced = Some((heads, hub_seq));
                None
            }
            None => Some((heads, hub_seq)),
        }
    }
}

impl Tx<'_> {
    /// Adds a document received whole, checked and read on another thread.
    pub(super) fn insert_lean(
        &mut self,
        id: DocId,
        doc_type: DocType,
        heads: Vec<ChangeHash>,
        derived: index::Derived,
        raw: Vec<u8>,
    ) -> Applied {
        let applied = Applied {
            heads: heads.clone(),
            changed: true,
            created: true,
        };
        self.lean.order.push(id);
        self.lean.docs.insert(
            id,
            LeanDoc {
                doc_type,
                heads,
                raw,
                derived,
                synced: None,
            },
        );
        applied
    }

    /// Loads a lean document of this transaction when it is needed after all (the same
    /// document arrives again, or is edited): it becomes an ordinary pending document.
    pub(super) fn load_lean(&mut self, id: DocId) -> Result<bool, StoreError> {
        let Some(lean) = self.lean.docs.remove(&id) else {
            return Ok(false);
        };
        self.lean.order.retain(|x| *x != id);
        let doc = AutoCommit::load(&lean.raw).map_err(|source| StoreError::Damaged {
            id,
            source: Box::new(source),
        })?;
        self.pending.insert(
            id,
            Pending {
                doc,
                doc_type: lean.doc_type,
                base: None,
                origin: Origin::Remote,
                synced: lean.synced,
                raw_snapshot: Some(lean.raw),
                // Its index rows are read again from the document when it is written.
                record: None,
            },
        );
        self.order.push(id);
        Ok(true)
    }

    /// Writes the lean documents (at commit): the received bytes as the snapshot, the
    /// heads, what the hub confirmed and the index rows. A patient erased by a clinic
    /// document of this same transaction is not written.
    pub(super) fn write_lean(
        &mut self,
        local_seq: &mut i64,
        search: &mut index::SearchRows,
    ) -> Result<Vec<DocId>, StoreError> {
        let order = std::mem::take(&mut self.lean.order);
        let mut written = Vec::with_capacity(order.len());
        for id in order {
            let Some(doc) = self.lean.docs.remove(&id) else {
                continue;
            };
            if doc.doc_type == DocType::Patient && self.is_erased(id)? {
                continue;
            }
            *local_seq += 1;
            let id_text = id.to_string();
            let (synced, hub_seq) = match &doc.synced {
                Some((heads, seq)) => (Some(encode_heads(heads)), seq.map(|s| s as i64)),
                None => (None, None),
            };
            self.tx.exec(
                "INSERT INTO docs(id, doc_type, snapshot, heads, change_count, change_bytes, rev, local_seq, updated_at, synced_heads, hub_seq)
                 VALUES (?1, ?2, ?3, ?4, 0, 0, 1, ?5, ?6, ?7, ?8)",
                params![
                    id_text,
                    doc.doc_type.as_str(),
                    doc.raw,
                    encode_heads(&doc.heads),
                    *local_seq,
                    self.now,
                    synced,
                    hub_seq
                ],
            )?;
            index::write_derived(&self.tx, id, doc.doc_type, &doc.derived, self.now, search)?;
            written.push(id);
        }
        Ok(written)
    }
}
