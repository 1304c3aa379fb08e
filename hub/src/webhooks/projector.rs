//! The event projector: follows each clinic's change log from its own cursor, loads the
//! documents that changed, derives events, stock movements and conflicts from them
//! ([`super::events::derive`]) and commits all of it with the advanced cursor in one
//! transaction ([`crate::store::HookStore::commit_projection`]).
//!
//! It runs for every clinic from the start of its change log, webhooks or not (stock
//! on hand and open conflicts need the whole history); which events reach a webhook is
//! decided by change-log position: an event goes to a webhook only when the change that
//! revealed it came after the webhook was added.
//!
//! The same step keeps the read models ([`crate::readmodel`]): each document's rows are
//! derived here and replaced in the step's transaction, so they move with the cursor.
//!
//! Safe with several hub instances: each step is checked against the cursor it read
//! from, events are kept once per key and movements counted once per id, so a change
//! seen twice (a replay, two instances, a crash before the commit) derives nothing new.

use automerge::AutoCommit;
use dermis_model::{ClinicId, DocType, Millis};
use dermis_sync::driver::error_chain;
use dermis_sync::plan::DocCache;
use dermis_sync::wire::FetchItem;

use super::events::derive;
use crate::store::hooks::{DocProjection, ProjectionOutcome, StoredDerivation};
use crate::store::{HubStore, StoreError};

/// Documents per page of the change log.
pub const PAGE: usize = 100;
/// Documents per fetch.
const FETCH: usize = 25;

/// What one pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub docs: u64,
    pub new_events: u64,
    pub new_deliveries: Vec<i64>,
}

impl Pass {
    fn add(&mut self, outcome: ProjectionOutcome, docs: usize) {
        self.docs += docs as u64;
        self.new_events += outcome.new_events;
        self.new_deliveries.extend(outcome.new_deliveries);
    }
}

/// `data`'s document: a copy of the one `cache` keeps at its heads (the push that wrote
/// it kept it there), else loaded and kept at the heads it loads with.
fn load_doc(
    data: &dermis_sync::wire::DocData,
    cache: &DocCache,
) -> Result<AutoCommit, automerge::AutomergeError> {
    if let Some(doc) = cache.get(data.doc_id, &data.heads) {
        return Ok(doc);
    }
    let mut doc = AutoCommit::load(&data.data)?;
    cache.put(data.doc_id, &doc.get_heads(), &doc, data.data.len());
    Ok(doc)
}

/// A document as the projector reads it: derived, or skipped when it does not load or
/// read (logged by id; it still advances the cursor, so one bad document cannot stop
/// every later event).
fn project_doc(
    clinic: ClinicId,
    data: dermis_sync::wire::DocData,
    cache: &DocCache,
) -> Option<DocProjection> {
    let doc_type = DocType::parse(&data.doc_type)?;
    let mut doc = match load_doc(&data, cache) {
        Ok(doc) => doc,
        Err(e) => {
            tracing::warn!(doc = %data.doc_id, error = %e, "projector: a document does not load");
            return None;
        }
    };
    let derivation = index_derivation(doc_type, &mut doc);
    match derive(clinic, doc_type, &mut doc) {
        Ok(derived) => Some(DocProjection {
            doc_id: data.doc_id,
            doc_type: data.doc_type,
            seq: data.seq,
            events: derived.events,
            stock: derived.stock,
            conflicts: derived.conflicts,
            audit: derived.audit,
            receipts: derived.receipts,
            rows: derived.rows,
            derivation,
        }),
        Err(e) => {
            tracing::warn!(doc = %data.doc_id, error = %error_chain(&e), "projector: a document does not read");
            None
        }
    }
}

/// The derivation a fresh node's index is written from (docs/SYNC.md, revision 6): the
/// same function the node runs on a document it loads, so the two cannot differ.
fn index_derivation(doc_type: DocType, doc: &mut AutoCommit) -> Option<StoredDerivation> {
    let record = dermis_model::doc::read_record(doc, doc_type).ok()?;
    let derivation = dermis_model::derivation::derive(doc, &record).ok()??;
    Some(StoredDerivation {
        heads: doc.get_heads(),
        data: dermis_model::derivation::codec::encode(&derivation),
    })
}

/// Projects one clinic from `cursor` to the end of its change log.
pub async fn project_clinic<S: HubStore>(
    store: &S,
    clinic: ClinicId,
    mut cursor: u64,
    now: &impl Fn() -> Millis,
) -> Result<Pass, StoreError> {
    let mut reader = store.clone();
    let mut pass = Pass::default();
    loop {
        let page = reader.changed_since(clinic, cursor, PAGE).await?;
        let mut docs = Vec::with_capacity(page.entries.len());
        for chunk in page.entries.chunks(FETCH) {
            let items: Vec<FetchItem> = chunk
                .iter()
                .map(|e| FetchItem {
                    doc_id: e.doc_id,
                    have: Vec::new(),
                })
                .collect();
            let fetched = reader.fetch(clinic, &items).await?;
            // Loading and reading documents is Automerge work: on the pool.
            let cache = store.doc_pool().doc_cache().clone();
            let projected = store
                .doc_pool()
                .run(move || {
                    fetched
                        .into_iter()
                        .flatten()
                        .filter_map(|data| project_doc(clinic, data, &cache))
                        .collect::<Vec<_>>()
                })
                .await
                .map_err(|source| StoreError::Pool { source })?;
            docs.extend(projected);
        }
        let Some(outcome) = store
            .commit_projection(clinic, cursor, page.up_to, &docs, now())
            .await?
        else {
            // Another instance moved the cursor: it carries on from there.
            return Ok(pass);
        };
        pass.add(outcome, docs.len());
        cursor = page.up_to;
        if !page.more {
            return Ok(pass);
        }
    }
}

/// One pass over every clinic whose change log is ahead of the projector.
pub async fn project_all<S: HubStore>(
    store: &S,
    now: &impl Fn() -> Millis,
) -> Result<Pass, StoreError> {
    let mut pass = Pass::default();
    for (clinic, cursor, _) in store.projector_lag().await? {
        let step = project_clinic(store, clinic, cursor, now).await?;
        pass.docs += step.docs;
        pass.new_events += step.new_events;
        pass.new_deliveries.extend(step.new_deliveries);
    }
    Ok(pass)
}

/// What `reproject` did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Reprojected {
    /// Documents whose rows were written.
    pub docs: u64,
    /// Documents that did not load or read (their rows are gone until they do).
    pub unreadable: u64,
}

/// Rebuilds one clinic's read models from its documents as they are now, replacing every
/// row in one transaction. Nothing else moves: no event is derived, no stock movement
/// counted, the projector's cursor stays where it is.
pub async fn reproject_clinic<S: HubStore>(
    store: &S,
    clinic: ClinicId,
    now: Millis,
) -> Result<Reprojected, StoreError> {
    let mut reader = store.clone();
    let mut cursor = 0;
    let mut rows = Vec::new();
    let mut derivations = Vec::new();
    let mut out = Reprojected::default();
    loop {
        let page = reader.changed_since(clinic, cursor, PAGE).await?;
        for chunk in page.entries.chunks(FETCH) {
            let items: Vec<FetchItem> = chunk
                .iter()
                .map(|e| FetchItem {
                    doc_id: e.doc_id,
                    have: Vec::new(),
                })
                .collect();
            let fetched = reader.fetch(clinic, &items).await?;
            let derived = store
                .doc_pool()
                .run(move || {
                    fetched
                        .into_iter()
                        .flatten()
                        .map(|data| (data.doc_id, doc_rows(&data)))
                        .collect::<Vec<_>>()
                })
                .await
                .map_err(|source| StoreError::Pool { source })?;
            for (doc_id, derived) in derived {
                match derived {
                    Some((r, d)) => {
                        if let Some(d) = d {
                            derivations.push((doc_id, r.patient(), d));
                        }
                        rows.push((doc_id, r));
                    }
                    None => out.unreadable += 1,
                }
            }
        }
        cursor = page.up_to;
        if !page.more {
            break;
        }
    }
    out.docs = rows.len() as u64;
    store.replace_read_models(clinic, rows, now).await?;
    // Cleared with the rows above; until written again a fresh node loads documents.
    store.keep_derivations(clinic, derivations).await?;
    Ok(out)
}

/// A document's read-model rows and index derivation, or `None` when it does not load
/// or read (logged by id).
fn doc_rows(
    data: &dermis_sync::wire::DocData,
) -> Option<(crate::readmodel::derive::DocRows, Option<StoredDerivation>)> {
    let doc_type = DocType::parse(&data.doc_type)?;
    let mut doc = AutoCommit::load(&data.data)
        .map_err(|e| tracing::warn!(doc = %data.doc_id, error = %e, "reproject: a document does not load"))
        .ok()?;
    let rows = crate::readmodel::derive::rows(doc_type, &doc)
        .map_err(|e| tracing::warn!(doc = %data.doc_id, error = %e, "reproject: a document does not read"))
        .ok()?;
    Some((rows, index_derivation(doc_type, &mut doc)))
}
