//! The write path: a transaction that loads documents, takes local edits, and at commit
//! writes each changed document's change, index rows and outbox entry at once.

use std::collections::HashMap;
use std::path::Path;

use automerge::{AutoCommit, ChangeHash};
use dermis_model::provenance::Provenance;
use dermis_model::{DocId, DocType, Millis};
use rusqlite::{OptionalExtension, params};

use super::cache::DocCache;
use super::{Exec, StoreError, cached_or_loaded, decode_heads, encode_heads, index, lean, migrate};

/// Where a pending write came from: a local edit goes to the outbox; a change from the
/// hub does not (and records what the hub has).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Origin {
    Local,
    Remote,
}

pub(super) struct Pending {
    pub(super) doc: AutoCommit,
    pub(super) doc_type: DocType,
    /// `None` for a document created in this transaction.
    pub(super) base: Option<Base>,
    pub(super) origin: Origin,
    /// Set when the hub's heads for this document became known in this transaction.
    pub(super) synced: Option<(Vec<ChangeHash>, Option<u64>)>,
    /// A document received whole from the hub is stored as received, not re-saved.
    pub(super) raw_snapshot: Option<Vec<u8>>,
    /// The document as read when it was checked on arrival, so it is not read again
    /// for the index. Cleared by a local edit.
    pub(super) record: Option<dermis_model::doc::Record>,
}

pub(super) struct Base {
    heads: Vec<ChangeHash>,
    change_count: i64,
    change_bytes: i64,
    rev: i64,
}

/// What applying changes from the hub did.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Applied {
    pub heads: Vec<ChangeHash>,
    pub changed: bool,
    pub created: bool,
}

/// A write transaction. Documents loaded through it are edited in memory and written,
/// with their index rows and outbox entries, when it commits; dropping it writes nothing.
pub struct Tx<'s> {
    pub(super) tx: rusqlite::Transaction<'s>,
    pub(super) cache: &'s mut DocCache,
    pub(super) checkpoints: &'s mut super::checkpoint::Checkpointer,
    pub(super) actor: Option<&'s automerge::ActorId>,
    pub(super) pending: HashMap<DocId, Pending>,
    pub(super) order: Vec<DocId>,
    /// Documents received whole and stored without being held loaded.
    pub(super) lean: lean::LeanDocs,
    pub(super) now: Millis,
    pub(super) by: Provenance,
}

impl<'s> Tx<'s> {
    pub fn now(&self) -> Millis {
        self.now
    }

    pub fn sql(&self) -> &rusqlite::Transaction<'s> {
        &self.tx
    }

    pub(super) fn ensure_loaded(&mut self, id: DocId) -> Result<bool, StoreError> {
        if self.pending.contains_key(&id) {
            return Ok(true);
        }
        if self.load_lean(id)? {
            return Ok(true);
        }
        let row: Option<(String, Vec<u8>, i64, i64, i64)> = self
            .tx
            .prepare_cached(
                "SELECT doc_type, heads, change_count, change_bytes, rev FROM docs WHERE id = ?1",
            )?
            .query_row([id.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?;
        let Some((doc_type, heads, change_count, change_bytes, rev)) = row else {
            return Ok(false);
        };
        let doc_type = DocType::parse(&doc_type).ok_or(StoreError::Foreign { id })?;
        let heads = decode_heads(&heads);
        let (doc, _) = cached_or_loaded(&self.tx, self.cache, id, rev, &heads)?;
        let base = Base {
            heads,
            change_count,
            change_bytes,
            rev,
        };
        self.pending.insert(
            id,
            Pending {
                doc,
                doc_type,
                base: Some(base),
                origin: Origin::Remote,
                synced: None,
                raw_snapshot: None,
                record: None,
            },
        );
        self.order.push(id);
        Ok(true)
    }

    /// The document for reading inside the transaction.
    pub fn doc(&mut self, id: DocId) -> Result<Option<&AutoCommit>, StoreError> {
        if !self.ensure_loaded(id)? {
            return Ok(None);
        }
        Ok(self.pending.get(&id).map(|p| &p.doc))
    }

    /// The document for a local edit; the change goes to the outbox at commit.
    pub fn edit(&mut self, id: DocId) -> Result<Option<&mut AutoCommit>, StoreError> {
        if !self.ensure_loaded(id)? {
            return Ok(None);
        }
        let actor = self.actor;
        Ok(self.pending.get_mut(&id).map(|p| {
            p.origin = Origin::Local;
            // Received bytes no longer describe the document once it is edited here.
            p.raw_snapshot = None;
            p.record = None;
            if let Some(actor) = actor {
                p.doc.set_actor(actor.clone());
            }
            &mut p.doc
        }))
    }

    /// Adds a document made locally.
    pub fn insert(
        &mut self,
        id: DocId,
        doc_type: DocType,
        doc: AutoCommit,
    ) -> Result<(), StoreError> {
        let exists: bool = self
            .tx
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM docs WHERE id = ?1)")?
            .query_row([id.to_string()], |r| r.get(0))?;
        if exists || self.pending.contains_key(&id) || self.lean.contains(id) {
            return Err(StoreError::Foreign { id });
        }
        // The creation is its own change, with its provenance, now: an edit later in this
        // transaction may close the open Automerge transaction (a batch insert does) and
        // would otherwise commit the creation without a message.
        let mut doc = doc;
        doc.commit_with(self.by.commit_options(self.now));
        self.pending.insert(
            id,
            Pending {
                doc,
                doc_type,
                base: None,
                origin: Origin::Local,
                synced: None,
                raw_snapshot: None,
                record: None,
            },
        );
        self.order.push(id);
        Ok(())
    }

    /// Forgets a document's pending state: nothing of it will be written.
    pub(super) fn discard(&mut self, id: DocId) {
        self.lean.remove(id);
        self.pending.remove(&id);
        self.order.retain(|x| *x != id);
        self.cache.forget(&id);
    }

    /// Records the heads the hub has confirmed for a document (and its change-log seq).
    pub fn mark_synced(
        &mut self,
        id: DocId,
        heads: Vec<ChangeHash>,
        hub_seq: Option<u64>,
    ) -> Result<(), StoreError> {
        if let Some(p) = self.pending.get_mut(&id) {
            p.synced = Some((heads, hub_seq));
            return Ok(());
        }
        let (heads, hub_seq) = match self.lean.mark_synced(id, heads, hub_seq) {
            None => return Ok(()),
            Some(unknown) => unknown,
        };
        self.tx.exec(
            "UPDATE docs SET synced_heads = ?2, hub_seq = COALESCE(?3, hub_seq) WHERE id = ?1",
            params![
                id.to_string(),
                encode_heads(&heads),
                hub_seq.map(|s| s as i64)
            ],
        )?;
        Ok(())
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .tx
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.tx.exec(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Increments and returns a named counter kept in `meta` (receipt numbers, MRNs).
    pub fn next_counter(&self, key: &str) -> Result<i64, StoreError> {
        let next = self
            .meta(key)?
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
            + 1;
        self.set_meta(key, &next.to_string())?;
        Ok(next)
    }

    /// Writes every pending document (change, index rows, outbox) and commits.
    pub fn commit(mut self) -> Result<Vec<DocId>, StoreError> {
        let started = std::time::Instant::now();
        self.apply_recorded_erasures()?;
        let mut written = Vec::new();
        let mut to_cache = Vec::new();
        // Schema 1 had no refusals to clear (read once, not per document).
        let has_refusals = migrate::current(&self.tx)? >= 2;
        let order = std::mem::take(&mut self.order);
        let mut local_seq = self
            .meta("local_seq")?
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0);
        let mut local_written = false;
        let mut search = index::SearchRows::default();
        written.extend(self.write_lean(&mut local_seq, &mut search)?);
        for id in order {
            let Some(mut p) = self.pending.remove(&id) else {
                continue;
            };
            if p.origin == Origin::Local {
                // The one place a node's edits become changes: each says who made it
                // and where (the hub's rules and audit read it).
                p.doc.commit_with(self.by.commit_options(self.now));
            }
            let heads = p.doc.get_heads();
            let unchanged = p.base.as_ref().is_some_and(|b| b.heads == heads);
            if unchanged {
                if let Some((synced, seq)) = &p.synced {
                    self.tx.exec(
                        "UPDATE docs SET synced_heads = ?2, hub_seq = COALESCE(?3, hub_seq) WHERE id = ?1",
                        params![id.to_string(), encode_heads(synced), seq.map(|s| s as i64)],
                    )?;
                }
                if let Some(b) = &p.base {
                    to_cache.push((id, b.rev, p.doc));
                }
                continue;
            }
            local_seq += 1;
            let id_text = id.to_string();
            let (rev, change_bytes) = match &p.base {
                None => {
                    let snapshot = match p.raw_snapshot.take() {
                        Some(raw) => raw,
                        None => p.doc.save(),
                    };
                    self.tx.exec(
                        "INSERT INTO docs(id, doc_type, snapshot, heads, change_count, change_bytes, rev, local_seq, updated_at)
                         VALUES (?1, ?2, ?3, ?4, 0, 0, 1, ?5, ?6)",
                        params![id_text, p.doc_type.as_str(), snapshot, encode_heads(&heads), local_seq, self.now],
                    )?;
                    (1, snapshot.len() as i64)
                }
                Some(base) => {
                    let change = p.doc.save_after(&base.heads);
                    let rev = base.rev + 1;
                    if dermis_sync::plan::should_compact(
                        base.change_count,
                        base.change_bytes,
                        change.len(),
                    ) {
                        let snapshot = p.doc.save();
                        self.tx
                            .exec("DELETE FROM doc_changes WHERE doc_id = ?1", [&id_text])?;
                        self.tx.exec(
                            "UPDATE docs SET snapshot = ?2, heads = ?3, change_count = 0, change_bytes = 0, rev = ?4, local_seq = ?5, updated_at = ?6 WHERE id = ?1",
                            params![id_text, snapshot, encode_heads(&heads), rev, local_seq, self.now],
                        )?;
                    } else {
                        self.tx.exec(
                            "INSERT INTO doc_changes(doc_id, n, data) VALUES (?1, ?2, ?3)",
                            params![id_text, base.change_count + 1, change],
                        )?;
                        self.tx.exec(
                            "UPDATE docs SET heads = ?2, change_count = change_count + 1, change_bytes = change_bytes + ?3, rev = ?4, local_seq = ?5, updated_at = ?6 WHERE id = ?1",
                            params![id_text, encode_heads(&heads), change.len() as i64, rev, local_seq, self.now],
                        )?;
                    }
                    (rev, change.len() as i64)
                }
            };
            if let Some((synced, seq)) = &p.synced {
                self.tx.exec(
                    "UPDATE docs SET synced_heads = ?2, hub_seq = COALESCE(?3, hub_seq) WHERE id = ?1",
                    params![id_text, encode_heads(synced), seq.map(|s| s as i64)],
                )?;
            }
            if p.origin == Origin::Local {
                local_written = true;
                self.tx.exec(
                    "INSERT INTO outbox(doc_id, version, bytes, first_at, last_at) VALUES (?1, 1, ?2, ?3, ?3)
                     ON CONFLICT(doc_id) DO UPDATE SET version = version + 1, bytes = bytes + excluded.bytes, last_at = excluded.last_at",
                    params![id_text, change_bytes, self.now],
                )?;
                // A new version of a refused document goes again (docs/SYNC.md: parked
                // until the document is edited again).
                if has_refusals {
                    self.tx.exec(
                        "UPDATE outbox SET rejected = NULL WHERE doc_id = ?1 AND rejected IS NOT NULL",
                        [&id_text],
                    )?;
                }
            }
            index::reindex(
                &self.tx,
                id,
                p.doc_type,
                &mut p.doc,
                match (p.record.take(), &p.base) {
                    (Some(record), base) => index::Known::Read(
                        Box::new(record),
                        base.as_ref().map(|b| b.heads.as_slice()),
                    ),
                    (None, Some(base)) => index::Known::Since(&base.heads),
                    (None, None) => index::Known::Nothing,
                },
                self.now,
                &mut search,
            )?;
            written.push(id);
            to_cache.push((id, rev, p.doc));
        }
        index::write_search(&self.tx, search)?;
        self.tx.exec(
            "INSERT INTO meta(key, value) VALUES ('local_seq', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [local_seq.to_string()],
        )?;
        let dir = self
            .tx
            .path()
            .and_then(|p| Path::new(p).parent().map(Path::to_owned));
        crate::phases::add(crate::phases::Phase::Write, started);
        let started = std::time::Instant::now();
        self.tx.commit()?;
        self.checkpoints.after_commit();
        crate::phases::add(crate::phases::Phase::Commit, started);
        for (id, rev, doc) in to_cache {
            self.cache.put(id, rev, doc);
        }
        if local_written && let Some(dir) = dir {
            crate::sync::notify::local_change(&dir);
        }
        Ok(written)
    }
}
