//! The node's SQLite store as seen by the sync engine: [`NodeSyncStore`] (outbox,
//! confirmed heads, cursor) and [`DocStore`] (so it passes the same conformance suite as
//! the hub's stores; its change log is the order of local writes).

use super::state;
use crate::node::Node;
use crate::phases::{self, Phase};
use crate::store::sync_rows::{self, OutboxRow, SyncedHeads};
use crate::store::{Decoded, StoreError, decode_received};
use automerge::ChangeHash;
use dermis_model::{ClinicId, DocId, DocType};
use dermis_sync::apply;
use dermis_sync::store::{
    ApplyFailure, ChangePage, DocStore, FailureKind, NodeSyncStore, OutgoingDoc, PushAck,
    StoreFault,
};
use dermis_sync::wire::{
    DocData, DocPush, ErrorCode, FetchItem, IndexEntry, OutboxStats, PushOutcome,
};

/// The node store's failures by kind, for the session's end and the node's status.
impl StoreFault for StoreError {
    fn kind(&self) -> FailureKind {
        match self {
            StoreError::DiskFull { .. } => FailureKind::DiskFull,
            StoreError::Busy { .. } => FailureKind::Busy,
            StoreError::Sqlite { source } | StoreError::Migration { source, .. } => {
                source.sqlite_error().map_or(FailureKind::Other, |e| {
                    FailureKind::of_sqlite_code(e.extended_code)
                })
            }
            StoreError::Damaged { .. } | StoreError::Document { .. } => FailureKind::Corrupt,
            StoreError::Io { .. }
            | StoreError::Key(_)
            | StoreError::WrongKey { .. }
            | StoreError::NotInitialized { .. }
            | StoreError::NotAStore { .. } => FailureKind::Unavailable,
            StoreError::Foreign { .. }
            | StoreError::Refused { .. }
            | StoreError::Erased { .. }
            | StoreError::TooNew { .. } => FailureKind::Refused,
            _ => FailureKind::Other,
        }
    }
}

fn failure(doc_id: uuid::Uuid, e: &StoreError) -> ApplyFailure {
    let code = match e {
        StoreError::Foreign { .. } => ErrorCode::Forbidden,
        StoreError::Refused { source, .. } => source.code(),
        StoreError::MissingDeps { .. }
        | StoreError::Damaged { .. }
        | StoreError::Document { .. } => ErrorCode::InvalidDocument,
        _ => ErrorCode::Internal,
    };
    ApplyFailure {
        doc_id,
        code,
        reason: e.to_string(),
    }
}

fn outcome_of(e: &StoreError) -> PushOutcome {
    match e {
        StoreError::MissingDeps { .. } => PushOutcome::NeedFull,
        other => {
            let f = failure(uuid::Uuid::nil(), other);
            PushOutcome::Rejected {
                code: f.code,
                message: f.reason,
            }
        }
    }
}

/// A failure of the store itself (disk full, database gone): the session ends and the
/// driver retries; per-document refusals are reported in the results instead.
fn is_store_failure(e: &StoreError) -> bool {
    !matches!(
        e,
        StoreError::Foreign { .. }
            | StoreError::Refused { .. }
            | StoreError::MissingDeps { .. }
            | StoreError::Damaged { .. }
            | StoreError::Document { .. }
            | StoreError::Erased { .. }
    )
}

/// Why a document was parked instead of pushed: the reason the node keeps and shows.
pub fn too_large(size: usize, max_bytes: usize) -> String {
    format!(
        "{}: this document is {size} bytes, over the {max_bytes} bytes one sync frame to this hub may carry (HUB_MAX_FRAME_BYTES)",
        dermis_sync::wire::ErrorCode::FrameTooLarge
    )
}

impl Node {
    /// Sets the till's and audit's indexes aside for a first sync (`store::deferred`). A
    /// failure leaves them in place: the first sync is then only slower.
    pub(super) fn set_indexes_aside(&mut self) {
        if let Err(e) = self.store.defer_indexes() {
            tracing::warn!(error = %dermis_sync::driver::error_chain(&e), "the indexes a first sync sets aside stay in place");
        }
    }

    /// Builds the indexes a first sync set aside, if any. A failure leaves them to the
    /// next time the store is opened: the tables read without them meanwhile.
    pub(super) fn build_indexes_set_aside(&self) {
        let t = std::time::Instant::now();
        match self.store.restore_indexes() {
            Ok(0) => {}
            Ok(built) => {
                phases::add(Phase::Indexes, t);
                phases::indexes_built(built);
                tracing::info!(built, "the indexes set aside for a first sync were built");
            }
            Err(e) => {
                tracing::warn!(error = %dermis_sync::driver::error_chain(&e), "the indexes set aside for a first sync were not built; the next start builds them");
            }
        }
    }

    fn outbox_batch_sync(
        &mut self,
        max_docs: usize,
        max_bytes: usize,
    ) -> Result<Vec<OutgoingDoc>, StoreError> {
        let rows = sync_rows::outbox_waiting(self.store.conn(), max_docs)?;
        let mut out = Vec::new();
        let mut bytes = 0;
        for row in rows {
            let OutboxRow {
                doc_id: id_text,
                version,
                doc_type,
                synced_heads: synced,
            } = row;
            let Ok(id) = id_text.parse::<DocId>() else {
                continue;
            };
            // What the hub lacks: the whole document as stored when it has nothing, else
            // the changes after what it confirmed (which needs the document loaded).
            let found = match &synced {
                None => self.store.stored_bytes(id)?.map(|s| (s.data, s.heads)),
                Some(h) => self
                    .store
                    .with_doc_mut(id, |doc| (doc.save_after(h), doc.get_heads()))?,
            };
            let Some((data, heads)) = found else {
                continue;
            };
            // Alone over what one frame to the hub may carry: sending it would end
            // every session at once, so it is parked with the reason, like a refusal.
            if data.len() > max_bytes {
                sync_rows::park(
                    self.store.conn(),
                    &id_text,
                    version,
                    &too_large(data.len(), max_bytes),
                )?;
                continue;
            }
            if !out.is_empty() && bytes + data.len() > max_bytes {
                break;
            }
            bytes += data.len();
            out.push(OutgoingDoc {
                push: DocPush {
                    doc_id: id.0,
                    doc_type,
                    data,
                },
                version,
                heads,
            });
        }
        Ok(out)
    }

    fn push_acked_sync(&mut self, acks: &[PushAck]) -> Result<(), StoreError> {
        let tx = self.store.begin(crate::node::now())?;
        for ack in acks {
            let id = ack.doc_id.to_string();
            match &ack.outcome {
                PushOutcome::Applied { seq, .. } => {
                    // The hub now has what we pushed (and everything before it).
                    sync_rows::push_applied(tx.sql(), &id, ack.version, &ack.heads, *seq)?;
                }
                PushOutcome::NeedFull => sync_rows::forget_synced(tx.sql(), &id)?,
                PushOutcome::Rejected { code, message } => {
                    sync_rows::park(tx.sql(), &id, ack.version, &format!("{code}: {message}"))?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn plan_fetch_sync(&mut self, entries: &[IndexEntry]) -> Result<Vec<FetchItem>, StoreError> {
        let mut items = Vec::new();
        let mut settled: Vec<(String, Vec<ChangeHash>, u64)> = Vec::new();
        for entry in entries {
            let id = DocId(entry.doc_id);
            let row = sync_rows::synced_heads(self.store.conn(), &id.to_string())?;
            let Some(SyncedHeads {
                heads: local,
                synced,
            }) = row
            else {
                items.push(FetchItem {
                    doc_id: entry.doc_id,
                    have: Vec::new(),
                });
                continue;
            };
            let mut wanted = entry.heads.clone();
            wanted.sort();
            let up_to_date = local == wanted
                || self
                    .store
                    .with_doc(id, |doc| apply::has_all(doc, &wanted))?
                    .unwrap_or(false);
            if up_to_date {
                settled.push((id.to_string(), wanted, entry.seq));
            } else {
                let have = synced.unwrap_or(local);
                items.push(FetchItem {
                    doc_id: entry.doc_id,
                    have,
                });
            }
        }
        if !settled.is_empty() {
            let tx = self.store.begin(crate::node::now())?;
            for (id, heads, seq) in settled {
                sync_rows::set_synced(tx.sql(), &id, &heads, seq)?;
            }
            tx.commit()?;
        }
        Ok(items)
    }

    fn apply_docs_sync(
        &mut self,
        clinic: ClinicId,
        docs: &[DocData],
        cursor: Option<u64>,
    ) -> Result<Vec<ApplyFailure>, StoreError> {
        self.apply_docs_loaded_ahead(clinic, docs, cursor, None)
    }

    /// [`NodeSyncStore::apply_docs`], taking the whole documents `ahead` has already
    /// loaded (see [`super::predecode`]) and loading the rest itself.
    pub fn apply_docs_loaded_ahead(
        &mut self,
        clinic: ClinicId,
        docs: &[DocData],
        cursor: Option<u64>,
        ahead: Option<&super::predecode::Predecoder>,
    ) -> Result<Vec<ApplyFailure>, StoreError> {
        let mut failures = Vec::new();
        // Loading and reading whole documents is most of a catch-up's cost and needs no
        // store: do it on every core before the write transaction.
        let t = std::time::Instant::now();
        let decoded = decode_all(clinic, docs, ahead);
        phases::add(Phase::Decode, t);
        let t = std::time::Instant::now();
        let mut tx = self.store.begin(crate::node::now())?;
        for (d, decoded) in docs.iter().zip(decoded) {
            let id = DocId(d.doc_id);
            let Some(doc_type) = DocType::parse(&d.doc_type) else {
                failures.push(ApplyFailure {
                    doc_id: d.doc_id,
                    code: ErrorCode::InvalidDocument,
                    reason: format!("unknown document type {:?}", d.doc_type),
                });
                continue;
            };
            let applied = match decoded {
                Some(Ok(decoded)) => tx.apply_decoded(id, doc_type, clinic, decoded),
                Some(Err(e)) => Err(e),
                None => tx.apply_remote(id, doc_type, clinic, &d.data),
            };
            match applied {
                Ok(_) => tx.mark_synced(id, d.heads.clone(), Some(d.seq))?,
                // An erased patient is never stored again, whoever still sends it.
                Err(StoreError::Erased { .. }) => {}
                Err(e) if is_store_failure(&e) => return Err(e),
                Err(e) => failures.push(failure(d.doc_id, &e)),
            }
        }
        if let Some(c) = cursor
            && failures.is_empty()
        {
            let current = state::get(tx.sql(), state::CURSOR)?
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
            state::set(tx.sql(), state::CURSOR, &c.max(current).to_string())?;
        }
        phases::add(Phase::Stage, t);
        tx.commit()?;
        Ok(failures)
    }

    pub fn sync_cursor(&self) -> Result<u64, StoreError> {
        Ok(state::get(self.store.conn(), state::CURSOR)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    pub fn outbox_figures(&self, now: i64) -> Result<OutboxStats, StoreError> {
        let stats = crate::store::queries::outbox_stats(self.store.conn())?;
        Ok(OutboxStats {
            count: stats.count as u64,
            bytes: stats.bytes as u64,
            oldest_age_ms: stats
                .oldest_at
                .map_or(0, |t| u64::try_from(now - t).unwrap_or(0)),
        })
    }
}

impl NodeSyncStore for Node {
    type Error = StoreError;

    async fn outbox_batch(
        &mut self,
        max_docs: usize,
        max_bytes: usize,
    ) -> Result<Vec<OutgoingDoc>, StoreError> {
        let t = std::time::Instant::now();
        let batch = self.outbox_batch_sync(max_docs, max_bytes);
        phases::add(Phase::Outbox, t);
        batch
    }

    async fn push_acked(&mut self, acks: &[PushAck]) -> Result<(), StoreError> {
        self.push_acked_sync(acks)
    }

    async fn plan_fetch(&mut self, entries: &[IndexEntry]) -> Result<Vec<FetchItem>, StoreError> {
        self.plan_fetch_sync(entries)
    }

    async fn apply_docs(
        &mut self,
        clinic: ClinicId,
        docs: &[DocData],
        cursor: Option<u64>,
    ) -> Result<Vec<ApplyFailure>, StoreError> {
        self.apply_docs_sync(clinic, docs, cursor)
    }

    async fn cursor(&mut self) -> Result<u64, StoreError> {
        self.sync_cursor()
    }

    async fn outbox_stats(&mut self, now: dermis_model::Millis) -> Result<OutboxStats, StoreError> {
        self.outbox_figures(now)
    }

    /// The hub's new token replaces the kept one in `sync_state`, committed
    /// (`synchronous=FULL`) before the hub is told: every later connection and the photo
    /// lane use it.
    async fn store_token(&mut self, token: &str) -> Result<(), StoreError> {
        super::state::set(self.store.conn(), super::state::HUB_TOKEN, token)
    }
}

impl Node {
    fn doc_store_apply(
        &mut self,
        clinic: ClinicId,
        docs: &[DocPush],
    ) -> Result<Vec<PushOutcome>, StoreError> {
        let mut outcomes = Vec::new();
        for p in docs {
            let id = DocId(p.doc_id);
            let Some(doc_type) = DocType::parse(&p.doc_type) else {
                outcomes.push(PushOutcome::Rejected {
                    code: ErrorCode::InvalidDocument,
                    message: "unknown document type".into(),
                });
                continue;
            };
            if clinic != self.identity.clinic_id {
                outcomes.push(PushOutcome::Rejected {
                    code: ErrorCode::Forbidden,
                    message: "another clinic".into(),
                });
                continue;
            }
            let mut tx = self.store.begin(crate::node::now())?;
            match tx.apply_remote(id, doc_type, clinic, &p.data) {
                Ok(_) => {
                    tx.commit()?;
                    let entry = sync_rows::written_entry(self.store.conn(), &id.to_string())?;
                    outcomes.push(PushOutcome::Applied {
                        seq: entry.local_seq,
                        heads: entry.heads,
                    });
                }
                Err(e) if is_store_failure(&e) => return Err(e),
                Err(e) => outcomes.push(outcome_of(&e)),
            }
        }
        Ok(outcomes)
    }

    fn doc_store_changed_since(
        &self,
        clinic: ClinicId,
        cursor: u64,
        limit: usize,
    ) -> Result<ChangePage, StoreError> {
        if clinic != self.identity.clinic_id {
            return Ok(ChangePage {
                entries: Vec::new(),
                up_to: cursor,
                more: false,
            });
        }
        let rows = sync_rows::written_after(self.store.conn(), cursor, limit.saturating_add(1))?;
        let mut entries = Vec::new();
        for row in rows {
            let Ok(doc_id) = row.doc_id.parse::<uuid::Uuid>() else {
                continue;
            };
            entries.push(IndexEntry {
                doc_id,
                doc_type: row.doc_type,
                seq: row.local_seq,
                heads: row.heads,
            });
        }
        let more = entries.len() > limit;
        entries.truncate(limit);
        let latest: u64 = self
            .store
            .meta("local_seq")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let up_to = if more {
            entries.last().map_or(cursor, |e| e.seq)
        } else {
            latest.max(cursor)
        };
        Ok(ChangePage {
            entries,
            up_to,
            more,
        })
    }

    fn doc_store_fetch(
        &mut self,
        clinic: ClinicId,
        items: &[FetchItem],
    ) -> Result<Vec<Option<DocData>>, StoreError> {
        let mut out = Vec::new();
        for item in items {
            if clinic != self.identity.clinic_id {
                out.push(None);
                continue;
            }
            let id = DocId(item.doc_id);
            let Some(sync_rows::LocalEntry {
                doc_type,
                local_seq: seq,
                ..
            }) = sync_rows::local_entry_of(self.store.conn(), &id.to_string())?
            else {
                out.push(None);
                continue;
            };
            let data = self.store.with_doc_mut(id, |doc| {
                let full = item.have.is_empty();
                let data = if full {
                    doc.save()
                } else {
                    doc.save_after(&item.have)
                };
                let mut heads = doc.get_heads();
                heads.sort();
                DocData {
                    doc_id: item.doc_id,
                    doc_type: doc_type.clone(),
                    seq,
                    heads,
                    full,
                    data,
                }
            })?;
            out.push(data);
        }
        Ok(out)
    }
}

impl DocStore for Node {
    type Error = StoreError;

    async fn apply(
        &mut self,
        clinic: ClinicId,
        docs: &[DocPush],
    ) -> Result<Vec<PushOutcome>, StoreError> {
        self.doc_store_apply(clinic, docs)
    }

    async fn changed_since(
        &mut self,
        clinic: ClinicId,
        cursor: u64,
        limit: usize,
    ) -> Result<ChangePage, StoreError> {
        self.doc_store_changed_since(clinic, cursor, limit)
    }

    async fn fetch(
        &mut self,
        clinic: ClinicId,
        items: &[FetchItem],
    ) -> Result<Vec<Option<DocData>>, StoreError> {
        self.doc_store_fetch(clinic, items)
    }

    async fn latest_seq(&mut self, clinic: ClinicId) -> Result<u64, StoreError> {
        if clinic != self.identity.clinic_id {
            return Ok(0);
        }
        Ok(self
            .store
            .meta("local_seq")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }
}

/// Decodes the whole documents of a batch in parallel; `None` for incremental data (it
/// applies to the stored document inside the transaction). Documents `ahead` has loaded
/// are taken from it.
fn decode_all(
    clinic: ClinicId,
    docs: &[DocData],
    ahead: Option<&super::predecode::Predecoder>,
) -> Vec<Option<Result<Decoded, StoreError>>> {
    let mut out: Vec<Option<Result<Decoded, StoreError>>> = docs
        .iter()
        .map(|d| ahead.and_then(|a| a.take(d.doc_id, &d.data)))
        .collect();
    let rest: Vec<usize> = (0..docs.len())
        .filter(|&i| out[i].is_none() && docs[i].full)
        .collect();
    let loaded = decode_in_parallel(clinic, rest.iter().map(|&i| &docs[i]).collect());
    for (i, result) in rest.into_iter().zip(loaded) {
        out[i] = result;
    }
    out
}

/// Loads whole documents on every core (one thread for a few); `None` for a type this
/// build does not know (refused when applied).
fn decode_in_parallel(
    clinic: ClinicId,
    docs: Vec<&DocData>,
) -> Vec<Option<Result<Decoded, StoreError>>> {
    let decode = |d: &&DocData| -> Option<Result<Decoded, StoreError>> {
        let doc_type = DocType::parse(&d.doc_type)?;
        Some(decode_received(
            DocId(d.doc_id),
            doc_type,
            clinic,
            d.data.clone(),
        ))
    };
    if docs.len() < 16 {
        return docs.iter().map(decode).collect();
    }
    // Asked only for a batch worth splitting: the answer reads the cgroup's files.
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if workers < 2 {
        return docs.iter().map(decode).collect();
    }
    let chunk = docs.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let handles: Vec<_> = docs
            .chunks(chunk)
            .map(|part| {
                (
                    part.len(),
                    scope.spawn(move || part.iter().map(decode).collect::<Vec<_>>()),
                )
            })
            .collect();
        handles
            .into_iter()
            // A worker that panicked leaves its documents to the sequential path.
            .flat_map(|(len, h)| {
                h.join()
                    .unwrap_or_else(|_| (0..len).map(|_| None).collect())
            })
            .collect()
    })
}
