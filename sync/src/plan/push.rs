//! Planning a pushed batch: each document checked, parsed, applied to the stored copy
//! and offered to the rules, then one write per changed document, in seq order.

use std::collections::HashMap;

use automerge::{AutoCommit, ChangeHash};
use dermis_model::clinic::{self, ErasureRecord};
use dermis_model::{ClinicId, DocType};
use uuid::Uuid;

use super::{Damaged, DocCache, StoredDoc, load_cached, should_compact, sorted, stored_len};
use crate::apply::{self, ApplyError, PushRules};
use crate::chunks::DocLimits;
use crate::wire::{DocPush, PushOutcome};

/// One row change for a store to make. Seqs are assigned afterwards, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Write {
    Insert {
        id: Uuid,
        doc_type: String,
        snapshot: Vec<u8>,
        heads: Vec<ChangeHash>,
    },
    /// A change row `n`; the document's counters grow by one change of `data.len()` bytes.
    Append {
        id: Uuid,
        n: i64,
        data: Vec<u8>,
        heads: Vec<ChangeHash>,
    },
    /// Replace the snapshot and drop the change rows.
    Compact {
        id: Uuid,
        snapshot: Vec<u8>,
        heads: Vec<ChangeHash>,
    },
}

impl Write {
    pub fn id(&self) -> Uuid {
        match self {
            Write::Insert { id, .. } | Write::Append { id, .. } | Write::Compact { id, .. } => *id,
        }
    }
}

#[derive(Debug)]
enum Slot {
    Done(PushOutcome),
    /// Applied to a document this batch changes: its seq is known after the writes.
    Changed {
        id: Uuid,
        heads: Vec<ChangeHash>,
    },
}

/// What a pushed batch does: the writes (one per changed document, in the order their
/// seqs are to be given) and the outcome of each pushed document.
#[derive(Debug)]
pub struct Plan {
    pub writes: Vec<Write>,
    /// For each written document that was stored before, the heads it was planned on: a
    /// store that plans outside its write lock writes only if they are still the stored
    /// ones (else it plans again).
    pub bases: HashMap<Uuid, Vec<ChangeHash>>,
    /// The patient erasures recorded in the clinic documents this plan writes (all of
    /// them, old and new: a store records the ones it has not yet applied, in the
    /// transaction that writes the plan).
    pub erasures: Vec<ErasureRecord>,
    slots: Vec<Slot>,
}

impl Plan {
    /// The outcomes, given the seq each changed document received.
    pub fn outcomes(self, seqs: &HashMap<Uuid, u64>) -> Vec<PushOutcome> {
        self.slots
            .into_iter()
            .map(|slot| match slot {
                Slot::Done(outcome) => outcome,
                Slot::Changed { id, heads } => PushOutcome::Applied {
                    seq: seqs.get(&id).copied().unwrap_or(0),
                    heads,
                },
            })
            .collect()
    }
}

struct Working {
    clinic: ClinicId,
    doc_type: String,
    seq: u64,
    doc: Option<AutoCommit>,
    base: Option<StoredDoc>,
    /// The bytes a new document arrived as, stored as received unless changed again.
    raw: Option<Vec<u8>>,
    changed: bool,
}

impl Working {
    /// The document as this batch has it so far, loaded (or copied from `cache`) on
    /// first use.
    fn current(&mut self, id: Uuid, cache: &DocCache) -> Result<AutoCommit, Damaged> {
        match (self.doc.take(), &self.base) {
            (Some(doc), _) => Ok(doc),
            (None, Some(base)) => load_cached(id, base, cache),
            // A working entry always has a row or a pushed copy; an empty document
            // fails the checks that follow.
            (None, None) => Ok(AutoCommit::new()),
        }
    }
}

pub(crate) fn rejected(e: &ApplyError) -> PushOutcome {
    match e {
        ApplyError::MissingDeps => PushOutcome::NeedFull,
        other => PushOutcome::Rejected {
            code: other.code(),
            message: other.to_string(),
        },
    }
}

/// Decides a batch for `clinic` against the stored documents it names (`stored` holds
/// every pushed id that exists, whatever its clinic). Documents of another clinic are
/// refused without being loaded or parsed. Each document is judged on its own, as
/// [`crate::memory::MemoryHubStore`] does: its bytes are checked and parsed once under
/// `limits`, applied, checked, and offered to `rules`. A stored document `cache` keeps
/// at its stored heads is copied instead of loaded, and each document the plan writes is
/// kept there at its new heads (a plan that is not written leaves a version no row has,
/// which is never asked for).
pub fn plan_apply(
    clinic: ClinicId,
    pushes: &[DocPush],
    mut stored: HashMap<Uuid, StoredDoc>,
    limits: DocLimits,
    rules: &dyn PushRules,
    cache: &DocCache,
) -> Result<Plan, Damaged> {
    let mut working: HashMap<Uuid, Working> = HashMap::new();
    let mut order: Vec<Uuid> = Vec::new();
    let mut slots = Vec::with_capacity(pushes.len());
    for push in pushes {
        let doc_type = match apply::parse_type(&push.doc_type)
            .and_then(|t| rules.admit(push.doc_id, t).map(|()| t))
        {
            Ok(t) => t,
            Err(e) => {
                slots.push(Slot::Done(rejected(&e)));
                continue;
            }
        };
        if !working.contains_key(&push.doc_id)
            && let Some(s) = stored.remove(&push.doc_id)
        {
            working.insert(
                push.doc_id,
                Working {
                    clinic: s.clinic,
                    doc_type: s.doc_type.clone(),
                    seq: s.seq,
                    doc: None,
                    base: Some(s),
                    raw: None,
                    changed: false,
                },
            );
        }
        let slot = match working.get_mut(&push.doc_id) {
            Some(w) if w.clinic != clinic || w.doc_type != doc_type.as_str() => {
                Slot::Done(rejected(&ApplyError::Foreign))
            }
            Some(w) => {
                let current = w.current(push.doc_id, cache)?;
                let applied = apply::parse(&push.data, limits).and_then(|received| {
                    apply::apply_to_copy(&current, received, push.doc_id, doc_type, clinic, rules)
                });
                match applied.map(|(doc, a)| (doc, a.before, a.after)) {
                    Ok((_, before, after)) if before == after => {
                        w.doc = Some(current);
                        if w.changed {
                            Slot::Changed {
                                id: push.doc_id,
                                heads: sorted(after),
                            }
                        } else {
                            Slot::Done(PushOutcome::Applied {
                                seq: w.seq,
                                heads: sorted(after),
                            })
                        }
                    }
                    Ok((doc, _, after)) => {
                        w.doc = Some(doc);
                        w.raw = None;
                        if !w.changed {
                            w.changed = true;
                            order.push(push.doc_id);
                        }
                        Slot::Changed {
                            id: push.doc_id,
                            heads: sorted(after),
                        }
                    }
                    Err(e) => {
                        w.doc = Some(current);
                        Slot::Done(rejected(&e))
                    }
                }
            }
            None => match apply::parse(&push.data, limits).and_then(|received| {
                apply::load_new_record(received, push.doc_id, doc_type, clinic, rules)
            }) {
                Ok((mut doc, _)) => {
                    let heads = sorted(doc.get_heads());
                    working.insert(
                        push.doc_id,
                        Working {
                            clinic,
                            doc_type: doc_type.as_str().to_owned(),
                            seq: 0,
                            doc: Some(doc),
                            base: None,
                            raw: Some(push.data.clone()),
                            changed: true,
                        },
                    );
                    order.push(push.doc_id);
                    Slot::Changed {
                        id: push.doc_id,
                        heads,
                    }
                }
                Err(e) => Slot::Done(rejected(&e)),
            },
        };
        slots.push(slot);
    }
    let mut writes = Vec::with_capacity(order.len());
    let mut bases = HashMap::new();
    let mut erasures = Vec::new();
    for id in order {
        let Some(mut w) = working.remove(&id) else {
            continue;
        };
        let mut doc = w.current(id, cache)?;
        let heads = sorted(doc.get_heads());
        if w.doc_type == DocType::Clinic.as_str() {
            // A clinic document passed the schema check above, so its erasures read; a
            // record that does not read is skipped, as nodes skip it.
            erasures.extend(clinic::erasures(&doc).unwrap_or_default());
        }
        // What the written row holds, saved: the cache's measure of the document.
        let appended_len = w.base.as_ref().map_or(0, stored_len);
        let write = match w.base {
            None => Write::Insert {
                id,
                doc_type: w.doc_type,
                snapshot: w.raw.unwrap_or_else(|| doc.save()),
                heads,
            },
            Some(base) => {
                let data = doc.save_after(&base.heads);
                bases.insert(id, sorted(base.heads.clone()));
                if should_compact(base.change_count, base.change_bytes, data.len()) {
                    Write::Compact {
                        id,
                        snapshot: doc.save(),
                        heads,
                    }
                } else {
                    Write::Append {
                        id,
                        n: base.change_count + 1,
                        data,
                        heads,
                    }
                }
            }
        };
        let (heads, bytes) = match &write {
            Write::Insert {
                snapshot, heads, ..
            }
            | Write::Compact {
                snapshot, heads, ..
            } => (heads, snapshot.len()),
            Write::Append { data, heads, .. } => (heads, appended_len + data.len()),
        };
        cache.put(id, heads, &doc, bytes);
        writes.push(write);
    }
    Ok(Plan {
        writes,
        bases,
        erasures,
        slots,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::NoRules;
    use crate::conformance::{patient_doc, push, rename};
    use crate::plan::COMPACT_AFTER_CHANGES;
    use crate::plan::test_docs::stored_from;

    fn plan_apply(
        clinic: ClinicId,
        pushes: &[DocPush],
        stored: HashMap<Uuid, StoredDoc>,
    ) -> Result<Plan, Damaged> {
        super::plan_apply(
            clinic,
            pushes,
            stored,
            DocLimits::default(),
            &NoRules,
            &DocCache::off(),
        )
    }

    /// A document kept at its stored heads is not loaded (its snapshot here does not
    /// load), and the plan keeps what it writes at the new heads for the next push.
    #[test]
    fn a_cached_document_is_planned_without_loading_and_kept_at_its_new_heads() {
        let clinic = ClinicId::new();
        let (id, mut doc) = patient_doc(clinic, "Ana");
        let mut stored = stored_from(clinic, &mut doc, 3);
        let cache = DocCache::new(1 << 20);
        cache.put(id, &stored.heads, &doc, stored.snapshot.len());
        stored.snapshot = b"not automerge".to_vec();
        let change = rename(&mut doc, "Anna");
        let planned = |stored: StoredDoc, cache: &DocCache| {
            super::plan_apply(
                clinic,
                &[push(id, DocType::Patient, change.clone())],
                HashMap::from([(id, stored)]),
                DocLimits::default(),
                &NoRules,
                cache,
            )
        };
        let plan = planned(stored.clone(), &cache).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(&plan.writes[..], [Write::Append { n: 1, .. }]));
        let mut kept = cache
            .get(id, &doc.get_heads())
            .expect("kept at the new heads");
        assert_eq!(kept.get_heads(), doc.get_heads());
        // Without the cache the damaged row is found.
        assert!(planned(stored, &DocCache::off()).is_err());
    }

    #[test]
    fn a_new_document_is_stored_as_received() {
        let clinic = ClinicId::new();
        let (id, mut doc) = patient_doc(clinic, "Ana");
        let bytes = doc.save();
        let plan = match plan_apply(
            clinic,
            &[push(id, DocType::Patient, bytes.clone())],
            HashMap::new(),
        ) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        assert!(matches!(&plan.writes[..], [Write::Insert { snapshot, .. }] if *snapshot == bytes));
        let outcomes = plan.outcomes(&HashMap::from([(id, 7)]));
        assert!(matches!(outcomes[0], PushOutcome::Applied { seq: 7, .. }));
    }

    #[test]
    fn changes_append_until_the_threshold_then_compact() {
        let clinic = ClinicId::new();
        let (id, mut doc) = patient_doc(clinic, "Ana");
        let mut stored = stored_from(clinic, &mut doc, 3);
        let change = rename(&mut doc, "Anna");
        let plan = plan_apply(
            clinic,
            &[push(id, DocType::Patient, change.clone())],
            HashMap::from([(id, stored.clone())]),
        );
        assert!(
            matches!(
                plan.as_ref().map(|p| &p.writes[..]),
                Ok([Write::Append { n: 1, .. }])
            ),
            "{plan:?}"
        );
        stored.change_count = COMPACT_AFTER_CHANGES - 1;
        let plan = plan_apply(
            clinic,
            &[push(id, DocType::Patient, change)],
            HashMap::from([(id, stored)]),
        );
        assert!(
            matches!(
                plan.as_ref().map(|p| &p.writes[..]),
                Ok([Write::Compact { .. }])
            ),
            "{plan:?}"
        );
    }

    #[test]
    fn another_clinics_document_is_refused_unloaded() {
        let (a, b) = (ClinicId::new(), ClinicId::new());
        let (id, mut doc) = patient_doc(b, "Bob");
        let mut stored = stored_from(b, &mut doc, 1);
        // Not a loadable document: proves it is never loaded.
        stored.snapshot = b"not automerge".to_vec();
        let (_, mut forged) = patient_doc(a, "Forged");
        let plan = plan_apply(
            a,
            &[push(id, DocType::Patient, forged.save())],
            HashMap::from([(id, stored)]),
        );
        let Ok(plan) = plan else { panic!("{plan:?}") };
        assert!(plan.writes.is_empty());
        assert!(matches!(
            plan.outcomes(&HashMap::new())[0],
            PushOutcome::Rejected { .. }
        ));
    }

    #[test]
    fn one_document_twice_in_a_batch_is_one_write() {
        let clinic = ClinicId::new();
        let (id, mut doc) = patient_doc(clinic, "Ana");
        let whole = doc.save();
        let change = rename(&mut doc, "Anna");
        let plan = plan_apply(
            clinic,
            &[
                push(id, DocType::Patient, whole),
                push(id, DocType::Patient, change),
            ],
            HashMap::new(),
        );
        let Ok(plan) = plan else { panic!("{plan:?}") };
        assert_eq!(plan.writes.len(), 1);
        let outcomes = plan.outcomes(&HashMap::from([(id, 4)]));
        assert!(
            outcomes
                .iter()
                .all(|o| matches!(o, PushOutcome::Applied { seq: 4, .. }))
        );
    }
}
