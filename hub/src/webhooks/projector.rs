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
use dermis_model::derivation::{self, Derivation, Table, codec};
use dermis_model::doc::Record;
use dermis_model::{ClinicId, DocType, Millis, SchemaError, ledger};
use dermis_sync::driver::error_chain;
use dermis_sync::plan::DocCache;
use dermis_sync::wire::FetchItem;
use uuid::Uuid;

use super::events::{Derived, derive, ledger_entries};
use crate::pool::ledgers::{Projected, ProjectedLedgers};
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

/// A document as the projector reads it, with what to remember of it once committed (a
/// ledger's [`Projected`]); or skipped when it does not load or read (logged by id; it
/// still advances the cursor, so one bad document cannot stop every later event).
fn project_doc(
    clinic: ClinicId,
    data: dermis_sync::wire::DocData,
    cache: &DocCache,
    ledgers: &ProjectedLedgers,
) -> Option<(DocProjection, Option<Projected>)> {
    let doc_type = DocType::parse(&data.doc_type)?;
    let mut doc = match load_doc(&data, cache) {
        Ok(doc) => doc,
        Err(e) => {
            tracing::warn!(doc = %data.doc_id, error = %e, "projector: a document does not load");
            return None;
        }
    };
    let read = if doc_type == DocType::Ledger {
        let since = ledgers.take(clinic, data.doc_id);
        project_ledger(clinic, &mut doc, since)
            .map(|(derived, projected, stored)| (derived, Some(stored), Some(projected)))
    } else {
        let derivation = index_derivation(doc_type, &mut doc);
        derive(clinic, doc_type, &mut doc).map(|derived| (derived, derivation, None))
    };
    match read {
        Ok((derived, derivation, projected)) => Some((
            DocProjection {
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
            },
            projected,
        )),
        Err(e) => {
            tracing::warn!(doc = %data.doc_id, error = %error_chain(&e), "projector: a document does not read");
            None
        }
    }
}

/// A ledger's contribution and its whole derivation (kept in memory, and encoded as
/// stored). With `since` (what was committed of it before, [`crate::pool::ledgers`]) only
/// the entries added after those heads are read: the rest were projected then, and their index rows are in `since`'s
/// derivation already. Without, or when `since`'s heads are not in the document, the
/// ledger is read whole.
fn project_ledger(
    clinic: ClinicId,
    doc: &mut AutoCommit,
    since: Option<Projected>,
) -> Result<(Derived, Projected, StoredDerivation), SchemaError> {
    let since = since.filter(|p| p.heads.iter().all(|h| doc.get_change_by_hash(h).is_some()));
    let mut out = Derived::default();
    let derivation = match since {
        Some(Projected {
            heads,
            mut derivation,
            ..
        }) => {
            let added = ledger::added_since(doc, &heads)?;
            let new = ledger::read_ledger_only(doc, &added)?;
            if let Some((_, rows)) = derivation::rows(&Record::Ledger(new.clone())) {
                // The ledger's own row (its node and day) is read again with the new entries.
                derivation.rows.retain(|r| r.table != Table::Ledger);
                derivation.rows.extend(rows);
                in_ledger_order(&mut derivation.rows);
            }
            if !derivation.conflicts.is_empty()
                || dermis_model::conflict::may_have_new_conflicts(doc, &heads)
            {
                derivation.conflicts = derivation::conflict_rows(doc)?;
            }
            ledger_entries(clinic, new, &mut out);
            derivation
        }
        None => {
            let whole = ledger::read_ledger(doc)?;
            let record = Record::Ledger(whole.clone());
            ledger_entries(clinic, whole, &mut out);
            derivation::derive(doc, &record)?.unwrap_or(Derivation {
                doc_type: DocType::Ledger,
                rows: Vec::new(),
                conflicts: Vec::new(),
            })
        }
    };
    if !derivation.conflicts.is_empty() {
        out.conflicts = dermis_model::conflict::find_conflicts(doc)?
            .iter()
            .map(|c| c.path_string())
            .collect();
    }
    let stored = StoredDerivation {
        heads: doc.get_heads(),
        data: codec::encode(&derivation),
    };
    let projected = Projected {
        heads: stored.heads.clone(),
        derivation,
        encoded: stored.data.len(),
    };
    Ok((out, projected, stored))
}

/// Puts a ledger's index rows in the order the whole ledger's derivation has them (the
/// ledger, then movements, audit entries, shift events and sales each by id, a sale's
/// lines and payments after it), so a ledger derived in steps is stored as the same
/// bytes as one derived whole. Each entry is kept under its id, and a ledger's maps
/// list their entries by key.
fn in_ledger_order(rows: &mut [derivation::Row]) {
    fn section(table: Table) -> u8 {
        match table {
            Table::Ledger => 0,
            Table::StockMovement => 1,
            Table::AuditEntry => 2,
            Table::ShiftEvent => 3,
            _ => 4,
        }
    }
    fn id(row: &derivation::Row) -> &str {
        match row.values.first() {
            Some(derivation::Value::Text(id)) => id,
            _ => "",
        }
    }
    // Stable: a sale's lines and payments share its id and stay after it.
    rows.sort_by(|a, b| (section(a.table), id(a)).cmp(&(section(b.table), id(b))));
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
        let mut remember: Vec<(Uuid, Projected)> = Vec::new();
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
            let ledgers = store.doc_pool().projected_ledgers().clone();
            let projected = store
                .doc_pool()
                .run(move || {
                    fetched
                        .into_iter()
                        .flatten()
                        .filter_map(|data| project_doc(clinic, data, &cache, &ledgers))
                        .collect::<Vec<_>>()
                })
                .await
                .map_err(|source| StoreError::Pool { source })?;
            for (doc, ledger) in projected {
                remember.extend(ledger.map(|l| (doc.doc_id, l)));
                docs.push(doc);
            }
        }
        let Some(outcome) = store
            .commit_projection(clinic, cursor, page.up_to, &docs, now())
            .await?
        else {
            // Another instance moved the cursor: it carries on from there.
            return Ok(pass);
        };
        pass.add(outcome, docs.len());
        let ledgers = store.doc_pool().projected_ledgers();
        for (doc, projected) in remember {
            ledgers.keep(clinic, doc, projected);
        }
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use automerge::ActorId;
    use dermis_model::audit::{AuditAction, AuditEntry, AuditTarget, append_audit};
    use dermis_model::ledger::{
        MovementKind, Payment, PaymentMethod, Sale, SaleKind, SaleLine, StockMovement,
        append_movement, append_sale, create_ledger,
    };
    use dermis_model::{DocId, MovementId, NodeId, ProductId, SaleId};

    fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
        r.unwrap_or_else(|e| panic!("{e}"))
    }

    fn audit(doc: &mut AutoCommit, node: NodeId, n: i64) {
        let entry = AuditEntry {
            id: format!("a-{}", Uuid::new_v4()),
            at: n,
            user: "Dr Vega".into(),
            user_id: None,
            node_id: node,
            action: AuditAction::View,
            target: AuditTarget {
                kind: "patient".into(),
                id: Uuid::new_v4().to_string(),
                patient: None,
            },
            reason: None,
        };
        ok(append_audit(doc, &entry));
        doc.commit();
    }

    fn sale_with_stock(doc: &mut AutoCommit, node: NodeId, n: i64) {
        let sale = Sale {
            id: SaleId::new(),
            receipt: format!("N1-{n:06}"),
            kind: SaleKind::Sale,
            original_id: None,
            at: n,
            cashier: Some("Ana".into()),
            cashier_id: None,
            node_id: node,
            currency: dermis_model::Currency::EUR,
            lines: (0..2)
                .map(|i| SaleLine {
                    product_id: ProductId::new(),
                    sku: format!("SKU-{i}"),
                    name: "Cream".into(),
                    qty: 1,
                    unit_minor: 500,
                    discount_minor: 0,
                    tax_bps: 0,
                    tax_minor: 0,
                    total_minor: 500,
                })
                .collect(),
            subtotal_minor: 1000,
            discount_minor: 0,
            tax_minor: 0,
            total_minor: 1000,
            payments: vec![Payment {
                method: PaymentMethod::Card,
                amount_minor: 1000,
            }],
            change_minor: 0,
            patient_id: None,
            shift_id: None,
            reason: None,
            chain: None,
        };
        ok(append_sale(doc, &sale));
        let movement = StockMovement {
            id: MovementId::new(),
            product_id: ProductId::new(),
            sku: "SKU-0".into(),
            kind: MovementKind::Out,
            qty: 1,
            reason: "sale".into(),
            user: None,
            user_id: None,
            at: n,
            node_id: node,
            sale_id: Some(sale.id),
        };
        ok(append_movement(doc, &movement));
        doc.commit();
    }

    /// Everything a projection keeps once per id, by what it is kept under.
    fn kept(d: &Derived) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        out.extend(d.events.iter().map(|e| format!("event {}", e.key)));
        out.extend(d.stock.iter().map(|s| format!("stock {}", s.entry_id)));
        out.extend(d.audit.iter().map(|a| format!("audit {}", a.id)));
        out.extend(d.receipts.iter().map(|r| format!("receipt {}", r.sale_id)));
        if let Some(crate::readmodel::derive::DocRows::Ledger(sales)) = &d.rows {
            out.extend(sales.iter().map(|s| format!("sale {}", s.id)));
        }
        out
    }

    /// What a ledger projected in steps (each from what the last committed) gives, step
    /// by step, against the same ledger read whole: the same derivation to the byte, and
    /// together the same entries — while each step reads only its own.
    #[test]
    fn a_ledger_projected_in_steps_gives_what_it_gives_read_whole() {
        let clinic = ClinicId::new();
        let node = NodeId::new();
        let mut doc = ok(create_ledger(
            DocId::new(),
            clinic,
            node,
            "2026-12-07",
            ActorId::random(),
        ));
        doc.commit();
        let mut since: Option<Projected> = None;
        let mut seen = BTreeSet::new();
        for step in 0..8_i64 {
            let audits_before = ok(ledger::read_ledger(&doc)).audit.len();
            for n in 0..3 {
                audit(&mut doc, node, step * 10 + n);
            }
            if step % 2 == 1 {
                sale_with_stock(&mut doc, node, step);
            }
            if step == 4 {
                // Another writer's entry merged in: two heads, then a merge.
                let mut other = doc.fork().with_actor(ActorId::random());
                audit(&mut other, node, 99);
                audit(&mut doc, node, 98);
                ok(doc.merge(&mut other));
            }
            if step == 6 {
                // A field written concurrently: a conflict, carried from step to step.
                let mut other = doc.fork().with_actor(ActorId::random());
                ok(dermis_model::doc::put_str(
                    &mut doc,
                    &automerge::ROOT,
                    "day",
                    "2026-12-08",
                ));
                ok(dermis_model::doc::put_str(
                    &mut other,
                    &automerge::ROOT,
                    "day",
                    "2026-12-09",
                ));
                doc.commit();
                other.commit();
                ok(doc.merge(&mut other));
            }
            let (whole, whole_projected, _) = ok(project_ledger(clinic, &mut doc.clone(), None));
            let (part, part_projected, part_stored) =
                ok(project_ledger(clinic, &mut doc, since.take()));
            assert_eq!(part_projected.heads, whole_projected.heads, "step {step}");
            assert_eq!(
                codec::encode(&part_projected.derivation),
                codec::encode(&whole_projected.derivation),
                "step {step}: the same derivation, byte for byte"
            );
            assert_eq!(part_projected.encoded, whole_projected.encoded);
            assert_eq!(part_stored.data, codec::encode(&part_projected.derivation));
            assert_eq!(part_stored.heads, part_projected.heads);
            assert_eq!(part.conflicts, whole.conflicts, "step {step}");
            assert_eq!(!part.conflicts.is_empty(), step >= 6, "step {step}");
            if step > 0 {
                let added = ok(ledger::read_ledger(&doc)).audit.len() - audits_before;
                assert_eq!(
                    part.audit.len(),
                    added,
                    "step {step}: only the new entries read"
                );
            }
            let part_kept = kept(&part);
            assert!(part_kept.is_disjoint(&seen), "step {step}: nothing twice");
            seen.extend(part_kept);
            assert_eq!(seen, kept(&whole), "step {step}: together, everything");
            since = Some(part_projected);
        }
    }

    #[test]
    fn a_ledger_remembered_at_heads_it_does_not_have_is_read_whole() {
        let clinic = ClinicId::new();
        let node = NodeId::new();
        let ledger_doc = |day: &str| {
            let mut doc = ok(create_ledger(
                DocId::new(),
                clinic,
                node,
                day,
                ActorId::random(),
            ));
            audit(&mut doc, node, 1);
            audit(&mut doc, node, 2);
            doc
        };
        let mut other = ledger_doc("2026-12-06");
        let (_, foreign, _) = ok(project_ledger(clinic, &mut other, None));
        let mut doc = ledger_doc("2026-12-07");
        let (whole, whole_projected, _) = ok(project_ledger(clinic, &mut doc.clone(), None));
        let (part, part_projected, _) = ok(project_ledger(clinic, &mut doc, Some(foreign)));
        assert_eq!(part.audit.len(), 2);
        assert_eq!(kept(&part), kept(&whole));
        assert_eq!(part_projected, whole_projected);
    }
}
