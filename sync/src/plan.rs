//! The document plan both hub stores share, with no IO: deciding what a pushed batch does
//! to the stored documents ([`plan_apply`]) and answering a fetch from stored rows
//! ([`fetched`]). A store loads the rows, calls these, and writes what they say.
//!
//! Documents are stored as a snapshot plus incremental change rows, folded into a new
//! snapshot after [`COMPACT_AFTER_CHANGES`] changes or [`COMPACT_AFTER_BYTES`] bytes (the
//! node's store folds by the same rule, [`should_compact`]). A document received whole is
//! stored as received.

use std::collections::HashMap;

use automerge::{AutoCommit, ChangeHash};
use dermis_model::clinic::{self, ErasureRecord};
use dermis_model::{ClinicId, DocType};
use uuid::Uuid;

use crate::apply::{self, ApplyError, PushRules};
use crate::chunks::DocLimits;
use crate::wire::{DocData, DocPush, FetchItem, PushOutcome};

pub const COMPACT_AFTER_CHANGES: i64 = 64;
pub const COMPACT_AFTER_BYTES: i64 = 64 * 1024;

/// Whether a document with `change_count` change rows totalling `change_bytes` should
/// fold a new change of `new_bytes` into its snapshot instead of adding a row.
pub fn should_compact(change_count: i64, change_bytes: i64, new_bytes: usize) -> bool {
    change_count + 1 >= COMPACT_AFTER_CHANGES
        || change_bytes.saturating_add(i64::try_from(new_bytes).unwrap_or(i64::MAX))
            >= COMPACT_AFTER_BYTES
}

/// A stored document that does not load: the store is damaged, not the push.
#[derive(Debug, thiserror::Error)]
#[error("stored document {id} does not load")]
pub struct Damaged {
    pub id: Uuid,
    #[source]
    pub source: Box<automerge::AutomergeError>,
}

/// A document's row and change rows, as loaded by a store.
#[derive(Clone, Debug)]
pub struct StoredDoc {
    pub clinic: ClinicId,
    pub doc_type: String,
    pub seq: u64,
    pub heads: Vec<ChangeHash>,
    pub snapshot: Vec<u8>,
    /// The change rows in order.
    pub changes: Vec<Vec<u8>>,
    /// The document's heads after each change row, where the store recorded them (empty
    /// for a row written before it did): a node at one of these versions is sent the
    /// rows after it without a load ([`fetched`]).
    pub change_heads: Vec<Vec<ChangeHash>>,
    pub change_count: i64,
    pub change_bytes: i64,
}

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
    /// The document as this batch has it so far, loaded on first use.
    fn current(&mut self, id: Uuid) -> Result<AutoCommit, Damaged> {
        match (self.doc.take(), &self.base) {
            (Some(doc), _) => Ok(doc),
            (None, Some(base)) => load(id, base),
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

pub(crate) fn sorted(mut heads: Vec<ChangeHash>) -> Vec<ChangeHash> {
    heads.sort();
    heads
}

/// What a node at `have` lacks, when `have` is the version a change row recorded: the
/// rows after it. Each row holds every change after the document's heads before it (a
/// plan appends `save_after` those heads), so the rows after row k are exactly what
/// follows row k's heads. `None` (load the document) for any other `have`: a version
/// before the snapshot, rows without recorded heads, or heads the hub never stored.
fn rows_after(have: &[ChangeHash], stored: &StoredDoc) -> Option<Vec<u8>> {
    if stored.change_heads.len() != stored.changes.len() {
        return None;
    }
    let have = sorted(have.to_vec());
    let k = stored
        .change_heads
        .iter()
        .rposition(|heads| !heads.is_empty() && sorted(heads.clone()) == have)?;
    Some(stored.changes[k + 1..].concat())
}

/// Loads a stored document: its snapshot, then its change rows.
pub fn load(id: Uuid, stored: &StoredDoc) -> Result<AutoCommit, Damaged> {
    let damaged = |source| Damaged {
        id,
        source: Box::new(source),
    };
    let mut doc = AutoCommit::load(&stored.snapshot).map_err(damaged)?;
    for change in &stored.changes {
        doc.load_incremental(change).map_err(damaged)?;
    }
    Ok(doc)
}

/// Decides a batch for `clinic` against the stored documents it names (`stored` holds
/// every pushed id that exists, whatever its clinic). Documents of another clinic are
/// refused without being loaded or parsed. Each document is judged on its own, as
/// [`crate::memory::MemoryHubStore`] does: its bytes are checked and parsed once under
/// `limits`, applied, checked, and offered to `rules`.
pub fn plan_apply(
    clinic: ClinicId,
    pushes: &[DocPush],
    mut stored: HashMap<Uuid, StoredDoc>,
    limits: DocLimits,
    rules: &dyn PushRules,
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
                let current = w.current(push.doc_id)?;
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
        let mut doc = w.current(id)?;
        let heads = sorted(doc.get_heads());
        if w.doc_type == DocType::Clinic.as_str() {
            // A clinic document passed the schema check above, so its erasures read; a
            // record that does not read is skipped, as nodes skip it.
            erasures.extend(clinic::erasures(&doc).unwrap_or_default());
        }
        writes.push(match w.base {
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
        });
    }
    Ok(Plan {
        writes,
        bases,
        erasures,
        slots,
    })
}

/// Answers one fetch item from a stored document of the session's clinic. With an
/// empty `have` the stored bytes (snapshot, then change rows) go out as they are,
/// without loading the document; otherwise only what `have` lacks.
pub fn fetched(item: &FetchItem, stored: StoredDoc) -> Result<DocData, Damaged> {
    let full = item.have.is_empty();
    let data = if full {
        let mut data = stored.snapshot;
        for change in &stored.changes {
            data.extend_from_slice(change);
        }
        data
    } else if let Some(after) = rows_after(&item.have, &stored) {
        after
    } else {
        load(item.doc_id, &stored)?.save_after(&item.have)
    };
    Ok(DocData {
        doc_id: item.doc_id,
        doc_type: stored.doc_type,
        seq: stored.seq,
        heads: sorted(stored.heads),
        full,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::NoRules;
    use crate::conformance::{patient_doc, push, rename};
    use dermis_model::DocType;

    fn plan_apply(
        clinic: ClinicId,
        pushes: &[DocPush],
        stored: HashMap<Uuid, StoredDoc>,
    ) -> Result<Plan, Damaged> {
        super::plan_apply(clinic, pushes, stored, DocLimits::default(), &NoRules)
    }

    fn stored_from(clinic: ClinicId, doc: &mut AutoCommit, seq: u64) -> StoredDoc {
        StoredDoc {
            clinic,
            doc_type: "patient".into(),
            seq,
            heads: doc.get_heads(),
            snapshot: doc.save(),
            changes: Vec::new(),
            change_heads: Vec::new(),
            change_count: 0,
            change_bytes: 0,
        }
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

    #[test]
    fn a_full_fetch_concatenates_the_stored_bytes_and_loads() {
        let clinic = ClinicId::new();
        let (id, mut doc) = patient_doc(clinic, "Ana");
        let mut stored = stored_from(clinic, &mut doc, 1);
        let change = rename(&mut doc, "Anna");
        stored.changes.push(change);
        stored.heads = doc.get_heads();
        let item = FetchItem {
            doc_id: id,
            have: Vec::new(),
        };
        let data = match fetched(&item, stored) {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        assert!(data.full);
        let loaded = AutoCommit::load(&data.data).map(|mut d| sorted(d.get_heads()));
        assert_eq!(loaded.ok(), Some(sorted(doc.get_heads())));
    }

    /// A stored patient with three change rows after its snapshot, each recording the
    /// heads after it as the hub stores do; and the heads after the snapshot.
    fn three_rows(clinic: ClinicId) -> (Uuid, AutoCommit, StoredDoc, Vec<ChangeHash>) {
        let (id, mut doc) = patient_doc(clinic, "Ana");
        let mut stored = stored_from(clinic, &mut doc, 1);
        let at_snapshot = doc.get_heads();
        for name in ["Anna", "Annie", "Anya"] {
            stored.changes.push(rename(&mut doc, name));
            stored.change_heads.push(doc.get_heads());
        }
        stored.heads = doc.get_heads();
        (id, doc, stored, at_snapshot)
    }

    fn answer_brings(stored: &StoredDoc, have_doc: &mut AutoCommit, data: &[u8]) {
        if let Err(e) = have_doc.load_incremental(data) {
            panic!("{e}");
        }
        assert_eq!(sorted(have_doc.get_heads()), sorted(stored.heads.clone()));
    }

    #[test]
    fn a_node_at_a_recorded_version_gets_the_rows_after_it_without_a_load() {
        let clinic = ClinicId::new();
        let (id, _, mut stored, _) = three_rows(clinic);
        let mut at_first = AutoCommit::load(&stored.snapshot).unwrap_or_else(|e| panic!("{e}"));
        if let Err(e) = at_first.load_incremental(&stored.changes[0]) {
            panic!("{e}");
        }
        let item = FetchItem {
            doc_id: id,
            have: stored.change_heads[0].clone(),
        };
        let want = stored.changes[1..].concat();
        // Were the document loaded, this snapshot would fail it.
        stored.snapshot = b"not a document".to_vec();
        let data = fetched(&item, stored.clone()).unwrap_or_else(|e| panic!("{e}"));
        assert!(!data.full);
        assert_eq!(data.data, want, "rows 2 and 3, as stored");
        answer_brings(&stored, &mut at_first, &data.data);

        let current = FetchItem {
            doc_id: id,
            have: stored.heads.clone(),
        };
        let none = fetched(&current, stored).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            none.data.is_empty(),
            "a node at the last version lacks nothing"
        );
    }

    #[test]
    fn other_versions_and_rows_without_heads_are_answered_by_loading() {
        let clinic = ClinicId::new();
        let (id, _, stored, at_snapshot) = three_rows(clinic);
        // The snapshot's own version was never recorded in a row.
        let item = FetchItem {
            doc_id: id,
            have: at_snapshot,
        };
        let data = fetched(&item, stored.clone()).unwrap_or_else(|e| panic!("{e}"));
        let mut at_snapshot = AutoCommit::load(&stored.snapshot).unwrap_or_else(|e| panic!("{e}"));
        answer_brings(&stored, &mut at_snapshot, &data.data);

        // Rows written before heads were recorded: loaded, and the same answer.
        let mut old_rows = stored.clone();
        old_rows.change_heads = vec![Vec::new(); old_rows.changes.len()];
        let item = FetchItem {
            doc_id: id,
            have: stored.change_heads[0].clone(),
        };
        let loaded = fetched(&item, old_rows.clone()).unwrap_or_else(|e| panic!("{e}"));
        let recorded = fetched(&item, stored.clone()).unwrap_or_else(|e| panic!("{e}"));
        let mut a = AutoCommit::load(&stored.snapshot).unwrap_or_else(|e| panic!("{e}"));
        let mut b = a.fork();
        for doc in [&mut a, &mut b] {
            if let Err(e) = doc.load_incremental(&stored.changes[0]) {
                panic!("{e}");
            }
        }
        answer_brings(&stored, &mut a, &loaded.data);
        answer_brings(&stored, &mut b, &recorded.data);
        old_rows.snapshot = b"not a document".to_vec();
        assert!(fetched(&item, old_rows).is_err(), "without heads it loads");
    }
}
