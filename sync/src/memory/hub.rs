//! The in-memory hub store: every clinic's documents and change log.

use std::collections::{BTreeMap, HashMap};

use automerge::{AutoCommit, ChangeHash};
use dermis_model::{ClinicId, DocType};
use uuid::Uuid;

use super::{Never, doc_data, rejected, sorted};
use crate::apply::{self, ApplyError, NoRules};
use crate::chunks::DocLimits;
use crate::store::{ChangePage, DocStore};
use crate::wire::{DocData, DocPush, FetchItem, IndexEntry, PushOutcome};

struct HubDoc {
    clinic: ClinicId,
    doc_type: DocType,
    doc: AutoCommit,
    seq: u64,
}

/// A multi-clinic hub store.
#[derive(Default)]
pub struct MemoryHubStore {
    seqs: HashMap<ClinicId, u64>,
    docs: HashMap<Uuid, HubDoc>,
    /// Appointments by start time, as a hub's read model lists them ([`Self::book`]).
    booked: Vec<(ClinicId, crate::config::Millis, crate::boot_first::Booked)>,
}

impl MemoryHubStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every document of a clinic with its heads, for convergence checks.
    pub fn heads(&mut self, clinic: ClinicId) -> BTreeMap<Uuid, Vec<ChangeHash>> {
        self.docs
            .iter_mut()
            .filter(|(_, d)| d.clinic == clinic)
            .map(|(id, d)| (*id, sorted(d.doc.get_heads())))
            .collect()
    }

    /// Lists an appointment starting at `start` for [`DocStore::booked_between`], as a
    /// hub's projector does once it has read the appointment's document (which this store
    /// need not hold: a read model may be ahead of or behind the log).
    pub fn book(
        &mut self,
        clinic: ClinicId,
        start: crate::config::Millis,
        booked: crate::boot_first::Booked,
    ) {
        self.booked.push((clinic, start, booked));
    }

    pub fn doc(&self, id: Uuid) -> Option<&AutoCommit> {
        self.docs.get(&id).map(|d| &d.doc)
    }

    fn apply_one(&mut self, clinic: ClinicId, push: &DocPush) -> PushOutcome {
        let doc_type = match apply::parse_type(&push.doc_type) {
            Ok(t) => t,
            Err(e) => return rejected(&e),
        };
        let next_seq = self.seqs.get(&clinic).copied().unwrap_or(0) + 1;
        match self.docs.get_mut(&push.doc_id) {
            Some(existing) if existing.clinic != clinic || existing.doc_type != doc_type => {
                rejected(&ApplyError::Foreign)
            }
            Some(existing) => {
                let applied = apply::parse(&push.data, DocLimits::default()).and_then(|r| {
                    apply::apply_to_copy(&existing.doc, r, push.doc_id, doc_type, clinic, &NoRules)
                });
                match applied.map(|(doc, a)| (doc, a.before, a.after)) {
                    Ok((_, before, after)) if before == after => PushOutcome::Applied {
                        seq: existing.seq,
                        heads: after,
                    },
                    Ok((doc, _, after)) => {
                        existing.doc = doc;
                        existing.seq = next_seq;
                        self.seqs.insert(clinic, next_seq);
                        PushOutcome::Applied {
                            seq: next_seq,
                            heads: after,
                        }
                    }
                    Err(e) => rejected(&e),
                }
            }
            None => match apply::parse(&push.data, DocLimits::default())
                .and_then(|r| apply::load_new(r, push.doc_id, doc_type, clinic))
            {
                Ok(mut doc) => {
                    let heads = doc.get_heads();
                    self.docs.insert(
                        push.doc_id,
                        HubDoc {
                            clinic,
                            doc_type,
                            doc,
                            seq: next_seq,
                        },
                    );
                    self.seqs.insert(clinic, next_seq);
                    PushOutcome::Applied {
                        seq: next_seq,
                        heads,
                    }
                }
                Err(e) => rejected(&e),
            },
        }
    }
}

impl DocStore for MemoryHubStore {
    type Error = Never;

    async fn apply(
        &mut self,
        clinic: ClinicId,
        docs: &[DocPush],
    ) -> Result<Vec<PushOutcome>, Never> {
        Ok(docs.iter().map(|d| self.apply_one(clinic, d)).collect())
    }

    async fn changed_since(
        &mut self,
        clinic: ClinicId,
        cursor: u64,
        limit: usize,
    ) -> Result<ChangePage, Never> {
        let latest = self.seqs.get(&clinic).copied().unwrap_or(0);
        let mut entries: Vec<(u64, Uuid, DocType, Vec<ChangeHash>)> = self
            .docs
            .iter_mut()
            .filter(|(_, d)| d.clinic == clinic && d.seq > cursor)
            .map(|(id, d)| (d.seq, *id, d.doc_type, sorted(d.doc.get_heads())))
            .collect();
        entries.sort_by_key(|e| e.0);
        let more = entries.len() > limit;
        entries.truncate(limit);
        let up_to = if more {
            entries.last().map_or(cursor, |e| e.0)
        } else {
            latest.max(cursor)
        };
        let entries = entries
            .into_iter()
            .map(|(seq, doc_id, t, heads)| IndexEntry {
                doc_id,
                doc_type: t.as_str().into(),
                seq,
                heads,
            })
            .collect();
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
                let d = self
                    .docs
                    .get_mut(&item.doc_id)
                    .filter(|d| d.clinic == clinic)?;
                Some(doc_data(item, d.doc_type, d.seq, &mut d.doc))
            })
            .collect())
    }

    async fn booked_between(
        &mut self,
        clinic: ClinicId,
        from: crate::config::Millis,
        to: crate::config::Millis,
        limit: usize,
    ) -> Result<Vec<crate::boot_first::Booked>, Never> {
        let mut found: Vec<_> = self
            .booked
            .iter()
            .filter(|(c, start, _)| *c == clinic && (from..to).contains(start))
            .map(|(_, start, b)| (*start, b.appointment, *b))
            .collect();
        found.sort_by_key(|(start, id, _)| (*start, *id));
        Ok(found.into_iter().take(limit).map(|(_, _, b)| b).collect())
    }

    async fn latest_seq(&mut self, clinic: ClinicId) -> Result<u64, Never> {
        Ok(self.seqs.get(&clinic).copied().unwrap_or(0))
    }
}
