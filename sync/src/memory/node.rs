//! The in-memory node store: one clinic's documents, the outbox and the cursor.

use std::collections::{BTreeMap, BTreeSet};

use automerge::{AutoCommit, ChangeHash};
use dermis_model::{ClinicId, DocType, Millis};
use uuid::Uuid;

use super::{Never, doc_data, rejected, sorted};
use crate::apply::{self, ApplyError, NoRules};
use crate::chunks::DocLimits;
use crate::store::{ApplyFailure, ChangePage, DocStore, NodeSyncStore, OutgoingDoc, PushAck};
use crate::wire::{DocData, DocPush, FetchItem, IndexEntry, OutboxStats, PushOutcome};

struct NodeDoc {
    doc_type: DocType,
    doc: AutoCommit,
    synced: Option<Vec<ChangeHash>>,
    local_seq: u64,
}

struct OutboxEntry {
    version: i64,
    first_at: Millis,
    bytes: u64,
    rejected: Option<String>,
}

/// A single-clinic node store with an outbox and a cursor.
pub struct MemoryNodeStore {
    pub clinic: ClinicId,
    /// Local edits are written as this actor, whatever actor a loaded copy carries.
    actor: automerge::ActorId,
    docs: BTreeMap<Uuid, NodeDoc>,
    outbox: BTreeMap<Uuid, OutboxEntry>,
    cursor: u64,
    local_seq: u64,
    /// The hub token kept by [`NodeSyncStore::store_token`], if any.
    pub token: Option<String>,
}

/// What the hub is known to have after it reported `heads`: its whole document then, so
/// those heads alone (sorted), as the node's store keeps them. (A union with earlier
/// reports would hold their ancestors too: no version the hub ever stored, so it could
/// not answer a fetch from its change rows.)
fn hub_version(heads: &[ChangeHash]) -> Vec<ChangeHash> {
    let set: BTreeSet<ChangeHash> = heads.iter().copied().collect();
    set.into_iter().collect()
}

impl MemoryNodeStore {
    pub fn new(clinic: ClinicId) -> Self {
        Self::with_actor(clinic, automerge::ActorId::random())
    }

    pub fn with_actor(clinic: ClinicId, actor: automerge::ActorId) -> Self {
        MemoryNodeStore {
            clinic,
            actor,
            docs: BTreeMap::new(),
            outbox: BTreeMap::new(),
            cursor: 0,
            local_seq: 0,
            token: None,
        }
    }

    fn touch_outbox(&mut self, id: Uuid, now: Millis, bytes: u64) {
        let entry = self.outbox.entry(id).or_insert(OutboxEntry {
            version: 0,
            first_at: now,
            bytes: 0,
            rejected: None,
        });
        entry.version += 1;
        entry.bytes += bytes;
        entry.rejected = None;
    }

    /// A local edit (the app's side): the change is durable when this returns.
    pub fn create(&mut self, id: Uuid, doc_type: DocType, doc: AutoCommit, now: Millis) {
        self.local_seq += 1;
        self.docs.insert(
            id,
            NodeDoc {
                doc_type,
                doc,
                synced: None,
                local_seq: self.local_seq,
            },
        );
        self.touch_outbox(id, now, 1);
    }

    /// Edits a document locally; returns the new change's hash, or `None` when the edit
    /// changed nothing or the document is unknown.
    pub fn edit(
        &mut self,
        id: Uuid,
        now: Millis,
        f: impl FnOnce(&mut AutoCommit),
    ) -> Option<ChangeHash> {
        let d = self.docs.get_mut(&id)?;
        d.doc.set_actor(self.actor.clone());
        let before = d.doc.get_heads();
        f(&mut d.doc);
        // `f` may have committed its own changes (with a message): heads tell.
        d.doc.commit();
        let after = d.doc.get_heads();
        if before == after {
            return None;
        }
        self.local_seq += 1;
        d.local_seq = self.local_seq;
        self.touch_outbox(id, now, 1);
        after.first().copied()
    }

    /// Why the hub refused the document's pending changes, while it is parked.
    pub fn rejected(&self, id: Uuid) -> Option<&str> {
        self.outbox.get(&id).and_then(|e| e.rejected.as_deref())
    }

    pub fn doc(&self, id: Uuid) -> Option<&AutoCommit> {
        self.docs.get(&id).map(|d| &d.doc)
    }

    pub fn doc_ids(&self) -> Vec<Uuid> {
        self.docs.keys().copied().collect()
    }

    pub fn heads(&mut self) -> BTreeMap<Uuid, Vec<ChangeHash>> {
        self.docs
            .iter_mut()
            .map(|(id, d)| (*id, sorted(d.doc.get_heads())))
            .collect()
    }

    pub fn outbox_len(&self) -> usize {
        self.outbox.len()
    }

    pub fn has_change(&self, id: Uuid, hash: &ChangeHash) -> bool {
        self.docs
            .get(&id)
            .is_some_and(|d| automerge::ReadDoc::get_change_by_hash(&d.doc, hash).is_some())
    }

    /// Applies a document from the hub; returns whether anything changed.
    fn apply_remote(&mut self, clinic: ClinicId, d: &DocData) -> Result<bool, ApplyError> {
        if clinic != self.clinic {
            return Err(ApplyError::Foreign);
        }
        let doc_type = apply::parse_type(&d.doc_type)?;
        match self.docs.get_mut(&d.doc_id) {
            Some(existing) if existing.doc_type != doc_type => Err(ApplyError::Foreign),
            Some(existing) => {
                let received = apply::parse(&d.data, DocLimits::default())?;
                let (doc, applied) = apply::apply_to_copy(
                    &existing.doc,
                    received,
                    d.doc_id,
                    doc_type,
                    clinic,
                    &NoRules,
                )?;
                let (before, after) = (applied.before, applied.after);
                existing.synced = Some(hub_version(&d.heads));
                if before == after {
                    return Ok(false);
                }
                existing.doc = doc;
                self.local_seq += 1;
                existing.local_seq = self.local_seq;
                Ok(true)
            }
            None => {
                let received = apply::parse(&d.data, DocLimits::default())?;
                let doc = apply::load_new(received, d.doc_id, doc_type, clinic)?;
                self.local_seq += 1;
                self.docs.insert(
                    d.doc_id,
                    NodeDoc {
                        doc_type,
                        doc,
                        synced: Some(d.heads.clone()),
                        local_seq: self.local_seq,
                    },
                );
                Ok(true)
            }
        }
    }
}

impl NodeSyncStore for MemoryNodeStore {
    type Error = Never;

    async fn outbox_batch(
        &mut self,
        max_docs: usize,
        max_bytes: usize,
    ) -> Result<Vec<OutgoingDoc>, Never> {
        let mut order: Vec<(Millis, Uuid)> = self
            .outbox
            .iter()
            .filter(|(_, e)| e.rejected.is_none())
            .map(|(id, e)| (e.first_at, *id))
            .collect();
        order.sort();
        let mut out = Vec::new();
        let mut bytes = 0;
        for (_, id) in order {
            let (Some(entry), Some(d)) = (self.outbox.get(&id), self.docs.get_mut(&id)) else {
                continue;
            };
            let data = match &d.synced {
                Some(heads) => d.doc.save_after(heads),
                None => d.doc.save(),
            };
            if data.len() > max_bytes {
                let reason = format!(
                    "{}: this document is {} bytes, over the {max_bytes} bytes one sync frame may carry",
                    crate::wire::ErrorCode::FrameTooLarge,
                    data.len()
                );
                if let Some(entry) = self.outbox.get_mut(&id) {
                    entry.rejected = Some(reason);
                }
                continue;
            }
            if !out.is_empty() && (out.len() >= max_docs || bytes + data.len() > max_bytes) {
                break;
            }
            bytes += data.len();
            out.push(OutgoingDoc {
                push: DocPush {
                    doc_id: id,
                    doc_type: d.doc_type.as_str().into(),
                    data,
                },
                version: entry.version,
                heads: sorted(d.doc.get_heads()),
            });
        }
        Ok(out)
    }

    async fn push_acked(&mut self, acks: &[PushAck]) -> Result<(), Never> {
        for ack in acks {
            let current = self.outbox.get(&ack.doc_id).map(|e| e.version);
            match &ack.outcome {
                PushOutcome::Applied { .. } => {
                    if let Some(d) = self.docs.get_mut(&ack.doc_id) {
                        d.synced = Some(hub_version(&ack.heads));
                    }
                    if current == Some(ack.version) {
                        self.outbox.remove(&ack.doc_id);
                    }
                }
                PushOutcome::NeedFull => {
                    if let Some(d) = self.docs.get_mut(&ack.doc_id) {
                        d.synced = None;
                    }
                }
                PushOutcome::Rejected { message, .. } => {
                    if current == Some(ack.version)
                        && let Some(e) = self.outbox.get_mut(&ack.doc_id)
                    {
                        e.rejected = Some(message.clone());
                    }
                }
            }
        }
        Ok(())
    }

    async fn plan_fetch(&mut self, entries: &[IndexEntry]) -> Result<Vec<FetchItem>, Never> {
        let mut items = Vec::new();
        for entry in entries {
            match self.docs.get_mut(&entry.doc_id) {
                None => items.push(FetchItem {
                    doc_id: entry.doc_id,
                    have: Vec::new(),
                }),
                Some(d) if apply::has_all(&d.doc, &entry.heads) => {
                    d.synced = Some(hub_version(&entry.heads))
                }
                Some(d) => {
                    let have = d.synced.clone().unwrap_or_else(|| d.doc.get_heads());
                    items.push(FetchItem {
                        doc_id: entry.doc_id,
                        have,
                    });
                }
            }
        }
        Ok(items)
    }

    async fn apply_docs(
        &mut self,
        clinic: ClinicId,
        docs: &[DocData],
        cursor: Option<u64>,
    ) -> Result<Vec<ApplyFailure>, Never> {
        let failures: Vec<ApplyFailure> = docs
            .iter()
            .filter_map(|d| {
                self.apply_remote(clinic, d).err().map(|e| ApplyFailure {
                    doc_id: d.doc_id,
                    code: e.code(),
                    reason: e.to_string(),
                })
            })
            .collect();
        if let Some(c) = cursor
            && failures.is_empty()
        {
            self.cursor = self.cursor.max(c);
        }
        Ok(failures)
    }

    async fn cursor(&mut self) -> Result<u64, Never> {
        Ok(self.cursor)
    }

    async fn outbox_stats(&mut self, now: Millis) -> Result<OutboxStats, Never> {
        let oldest = self.outbox.values().map(|e| e.first_at).min();
        Ok(OutboxStats {
            count: self.outbox.len() as u64,
            bytes: self.outbox.values().map(|e| e.bytes).sum(),
            oldest_age_ms: oldest.map_or(0, |t| u64::try_from(now - t).unwrap_or(0)),
        })
    }

    async fn store_token(&mut self, token: &str) -> Result<(), Never> {
        self.token = Some(token.to_owned());
        Ok(())
    }
}

/// The node store as a [`DocStore`] (for the conformance suite): its change log is the
/// order of local writes.
impl DocStore for MemoryNodeStore {
    type Error = Never;

    async fn apply(
        &mut self,
        clinic: ClinicId,
        docs: &[DocPush],
    ) -> Result<Vec<PushOutcome>, Never> {
        let mut out = Vec::new();
        for p in docs {
            let data = DocData {
                doc_id: p.doc_id,
                doc_type: p.doc_type.clone(),
                seq: 0,
                heads: Vec::new(),
                full: false,
                data: p.data.clone(),
            };
            out.push(match self.apply_remote(clinic, &data) {
                Ok(_) => match self.docs.get_mut(&p.doc_id) {
                    Some(d) => PushOutcome::Applied {
                        seq: d.local_seq,
                        heads: sorted(d.doc.get_heads()),
                    },
                    None => rejected(&ApplyError::Foreign),
                },
                Err(e) => rejected(&e),
            });
        }
        Ok(out)
    }

    async fn changed_since(
        &mut self,
        clinic: ClinicId,
        cursor: u64,
        limit: usize,
    ) -> Result<ChangePage, Never> {
        if clinic != self.clinic {
            return Ok(ChangePage {
                entries: Vec::new(),
                up_to: cursor,
                more: false,
            });
        }
        let mut entries: Vec<IndexEntry> = self
            .docs
            .iter_mut()
            .filter(|(_, d)| d.local_seq > cursor)
            .map(|(id, d)| IndexEntry {
                doc_id: *id,
                doc_type: d.doc_type.as_str().into(),
                seq: d.local_seq,
                heads: sorted(d.doc.get_heads()),
            })
            .collect();
        entries.sort_by_key(|e| e.seq);
        let more = entries.len() > limit;
        entries.truncate(limit);
        let up_to = if more {
            entries.last().map_or(cursor, |e| e.seq)
        } else {
            self.local_seq.max(cursor)
        };
        Ok(ChangePage {
            entries,
            up_to,
            more,
        })
    }

    async fn fetch(
        &mut self,
        clinic: ClinicId,
        items: &[FetchItem],
    ) -> Result<Vec<Option<DocData>>, Never> {
        Ok(items
            .iter()
            .map(|item| {
                if clinic != self.clinic {
                    return None;
                }
                let d = self.docs.get_mut(&item.doc_id)?;
                Some(doc_data(item, d.doc_type, d.local_seq, &mut d.doc))
            })
            .collect())
    }

    async fn latest_seq(&mut self, clinic: ClinicId) -> Result<u64, Never> {
        Ok(if clinic == self.clinic {
            self.local_seq
        } else {
            0
        })
    }
}
