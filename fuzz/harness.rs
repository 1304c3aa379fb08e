//! The hub's apply path under arbitrary push bytes: what the `hub_apply` fuzz target runs
//! for each input, and what the hub's ordinary tests (`hub/tests/fuzz_seeds.rs`) run over
//! the committed seeds and a deterministic stream of their mutations, so it is checked on
//! stable Rust too.
//!
//! An input is a batch of at most [`MAX_PUSHES`] pushes, each written as a selector byte,
//! a little-endian `u16` length and that many bytes of data; the last push takes whatever
//! is left, so any bytes are an input. The selector picks the document (the stored
//! patient, one of two new ids, another clinic's stored document) and the type it is
//! pushed as, so the same bytes reach merges, new documents, refusals for another clinic
//! and type mismatches. Bit 4 of the first selector makes the stored patient due for
//! compaction, so writes of every kind are reached.
//!
//! Checked for every input, beyond "never panics": the stored documents always load (the
//! plan never reports them damaged); there is one outcome per push; nothing is written to
//! another clinic's document; and whatever the plan writes loads back with the heads it
//! claims and the identity it was pushed under. The hub's own rules and its limits on
//! received bytes are the ones the server uses (`dermis_hub::store::rules`).

use std::collections::HashMap;

use automerge::{AutoCommit, ChangeHash};
use dermis_model::ClinicId;
use dermis_sync::plan::{COMPACT_AFTER_CHANGES, StoredDoc, Write};
use dermis_sync::wire::{DocPush, PushOutcome};
use uuid::Uuid;

/// Pushes read from one input at most.
pub const MAX_PUSHES: usize = 8;

/// A patient document of the fixture clinic, stored as this snapshot...
pub const PATIENT_SNAPSHOT: &[u8] = include_bytes!("fixtures/patient.snapshot");
/// ...plus this change row.
pub const PATIENT_CHANGE: &[u8] = include_bytes!("fixtures/patient.change");
/// A patient document of another clinic.
pub const FOREIGN_SNAPSHOT: &[u8] = include_bytes!("fixtures/foreign.snapshot");

/// Ids no stored document has: pushes to them make new documents.
pub const NEW_IDS: [Uuid; 2] = [
    Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0a01),
    Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0a02),
];

/// The types a push may claim: every real one, and one the hub does not know.
pub const TYPES: [&str; 4] = ["patient", "product", "appointment", "no-such-type"];

/// The stored documents every input is applied to.
#[derive(Clone, Debug)]
pub struct Fixture {
    pub clinic: ClinicId,
    pub patient: Uuid,
    pub foreign: Uuid,
    pub foreign_clinic: ClinicId,
    stored: HashMap<Uuid, StoredDoc>,
}

fn sorted(mut heads: Vec<ChangeHash>) -> Vec<ChangeHash> {
    heads.sort();
    heads
}

fn meta(bytes: &[u8]) -> (Vec<ChangeHash>, dermis_model::doc::DocMeta) {
    let mut doc = AutoCommit::load(bytes).expect("a fixture loads");
    let meta = dermis_model::doc::read_meta(&doc).expect("a fixture has its meta");
    (sorted(doc.get_heads()), meta)
}

impl Fixture {
    pub fn load() -> Fixture {
        let (_, patient) = meta(PATIENT_SNAPSHOT);
        let mut whole = PATIENT_SNAPSHOT.to_vec();
        whole.extend_from_slice(PATIENT_CHANGE);
        let (patient_heads, _) = meta(&whole);
        let (foreign_heads, foreign) = meta(FOREIGN_SNAPSHOT);
        assert_ne!(patient.clinic_id, foreign.clinic_id);
        let stored = HashMap::from([
            (
                patient.id.0,
                StoredDoc {
                    clinic: patient.clinic_id,
                    doc_type: "patient".into(),
                    seq: 2,
                    heads: patient_heads,
                    snapshot: PATIENT_SNAPSHOT.to_vec(),
                    changes: vec![PATIENT_CHANGE.to_vec()],
                    // Recorded heads unknown: the answer is built by loading.
                    change_heads: Vec::new(),
                    change_count: 1,
                    change_bytes: PATIENT_CHANGE.len() as i64,
                },
            ),
            (
                foreign.id.0,
                StoredDoc {
                    clinic: foreign.clinic_id,
                    doc_type: "patient".into(),
                    seq: 1,
                    heads: foreign_heads,
                    // As the stores hand it over: another clinic's content never is.
                    snapshot: Vec::new(),
                    changes: Vec::new(),
                    change_heads: Vec::new(),
                    change_count: 0,
                    change_bytes: 0,
                },
            ),
        ]);
        Fixture {
            clinic: patient.clinic_id,
            patient: patient.id.0,
            foreign: foreign.id.0,
            foreign_clinic: foreign.clinic_id,
            stored,
        }
    }

    /// The stored rows, as a store reads them for a plan; `compact_due` puts the patient
    /// one change short of compaction.
    pub fn stored(&self, compact_due: bool) -> HashMap<Uuid, StoredDoc> {
        let mut stored = self.stored.clone();
        if compact_due && let Some(patient) = stored.get_mut(&self.patient) {
            patient.change_count = COMPACT_AFTER_CHANGES - 1;
        }
        stored
    }

    /// The document a selector names.
    pub fn target(&self, selector: u8) -> Uuid {
        match selector & 0b11 {
            0 => self.patient,
            1 => NEW_IDS[0],
            2 => NEW_IDS[1],
            _ => self.foreign,
        }
    }
}

/// The selector byte for a push to `target` (0: the patient, 1 and 2: new ids, 3: the
/// other clinic's document) claimed as `TYPES[doc_type]`.
pub fn selector(target: u8, doc_type: u8) -> u8 {
    (target & 0b11) | ((doc_type & 0b11) << 2)
}

/// Writes pushes as an input (for the seeds).
pub fn encode(pushes: &[(u8, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, (selector, data)) in pushes.iter().enumerate() {
        out.push(*selector);
        if i + 1 < pushes.len() {
            let len = u16::try_from(data.len()).expect("a seed push under 64 KiB, or last");
            out.extend_from_slice(&len.to_le_bytes());
        } else {
            out.extend_from_slice(&u16::MAX.to_le_bytes());
        }
        out.extend_from_slice(data);
    }
    out
}

/// Reads an input: the pushes, and whether compaction is due.
pub fn decode(fixture: &Fixture, input: &[u8]) -> (Vec<DocPush>, bool) {
    let compact_due = input.first().is_some_and(|s| s & 0x10 != 0);
    let mut pushes = Vec::new();
    let mut rest = input;
    while let Some((&selector, after)) = rest.split_first() {
        if pushes.len() == MAX_PUSHES {
            break;
        }
        let (len, after) = match after {
            [a, b, tail @ ..] => (usize::from(u16::from_le_bytes([*a, *b])), tail),
            tail => (tail.len(), &tail[tail.len()..]),
        };
        let take = if pushes.len() + 1 == MAX_PUSHES {
            after.len()
        } else {
            len.min(after.len())
        };
        let (data, tail) = after.split_at(take);
        pushes.push(DocPush {
            doc_id: fixture.target(selector),
            doc_type: TYPES[usize::from((selector >> 2) & 0b11)].into(),
            data: data.to_vec(),
        });
        rest = tail;
    }
    (pushes, compact_due)
}

/// Loads what a write stores, on top of what was stored before it.
fn written<'w>(before: Option<&StoredDoc>, write: &'w Write) -> (AutoCommit, &'w [ChangeHash]) {
    let load = |bytes: &[u8]| {
        AutoCommit::load(bytes).unwrap_or_else(|e| panic!("a written document does not load: {e}"))
    };
    match write {
        Write::Insert {
            snapshot, heads, ..
        }
        | Write::Compact {
            snapshot, heads, ..
        } => (load(snapshot), heads),
        Write::Append { n, data, heads, .. } => {
            let before = before.expect("an append to a stored document");
            assert_eq!(
                *n,
                before.change_count + 1,
                "change rows are numbered in order"
            );
            let mut bytes = before.snapshot.clone();
            for change in &before.changes {
                bytes.extend_from_slice(change);
            }
            bytes.extend_from_slice(data);
            (load(&bytes), heads)
        }
    }
}

/// Applies one input through the hub's plan and checks what it would write; returns the
/// kind of each write (`insert`, `append`, `compact`).
pub fn check(fixture: &Fixture, input: &[u8]) -> Vec<&'static str> {
    let (pushes, compact_due) = decode(fixture, input);
    let stored = fixture.stored(compact_due);
    let plan = dermis_sync::plan::plan_apply(
        fixture.clinic,
        &pushes,
        stored.clone(),
        dermis_hub::store::rules::doc_limits(dermis_sync::wire::Limits::default().max_frame_bytes),
        &dermis_hub::store::rules::HubRules,
        &dermis_sync::plan::DocCache::off(),
    )
    .unwrap_or_else(|e| panic!("the stored documents are sound, yet: {e}"));
    // The same batch planned from copies of the stored documents kept in the hub's
    // document cache writes exactly the same rows.
    let warm = dermis_sync::plan::DocCache::new(usize::MAX);
    for (id, doc) in &stored {
        let mut loaded = dermis_sync::plan::load(*id, doc)
            .unwrap_or_else(|e| panic!("the stored documents are sound, yet: {e}"));
        warm.put(*id, &loaded.get_heads(), &loaded, 0);
    }
    let cached = dermis_sync::plan::plan_apply(
        fixture.clinic,
        &pushes,
        stored.clone(),
        dermis_hub::store::rules::doc_limits(dermis_sync::wire::Limits::default().max_frame_bytes),
        &dermis_hub::store::rules::HubRules,
        &warm,
    )
    .unwrap_or_else(|e| panic!("the stored documents are sound, yet: {e}"));
    assert_eq!(cached.writes, plan.writes, "planned from the cache");
    for write in &plan.writes {
        let id = write.id();
        assert_ne!(id, fixture.foreign, "written to another clinic's document");
        let (mut doc, heads) = written(stored.get(&id), write);
        assert_eq!(
            sorted(doc.get_heads()),
            *heads,
            "written heads are the document's"
        );
        let meta = dermis_model::doc::read_meta(&doc)
            .unwrap_or_else(|e| panic!("a written document has no meta: {e}"));
        assert_eq!(meta.id.0, id, "written under its own id");
        assert_eq!(
            meta.clinic_id, fixture.clinic,
            "written for the pushing clinic"
        );
        let claimed: Vec<&str> = pushes
            .iter()
            .filter(|p| p.doc_id == id)
            .map(|p| p.doc_type.as_str())
            .collect();
        assert!(
            claimed.contains(&meta.doc_type.as_str()),
            "written as a type it was pushed as"
        );
    }
    let kinds = plan
        .writes
        .iter()
        .map(|w| match w {
            Write::Insert { .. } => "insert",
            Write::Append { .. } => "append",
            Write::Compact { .. } => "compact",
        })
        .collect();
    let seqs: HashMap<Uuid, u64> = plan
        .writes
        .iter()
        .enumerate()
        .map(|(i, w)| (w.id(), 10 + i as u64))
        .collect();
    let outcomes = plan.outcomes(&seqs);
    assert_eq!(outcomes.len(), pushes.len(), "one outcome per push");
    for (push, outcome) in pushes.iter().zip(&outcomes) {
        if push.doc_id == fixture.foreign {
            assert!(
                !matches!(outcome, PushOutcome::Applied { .. }),
                "another clinic's document accepted a push: {outcome:?}"
            );
        }
    }
    kinds
}

/// The seeds, named: every kind of write, refusal and bomb the apply path knows.
pub fn seeds(make: &SeedDocs) -> Vec<(&'static str, Vec<u8>)> {
    let p = selector;
    let mut bombed_change = make.change_bomb.clone();
    bombed_change.truncate(bombed_change.len() / 2);
    vec![
        (
            "change_on_stored",
            encode(&[(p(0, 0), &make.change_on_stored)]),
        ),
        (
            "change_on_stored_compacting",
            encode(&[(p(0, 0) | 0x10, &make.change_on_stored)]),
        ),
        (
            "whole_stored_merged",
            encode(&[(p(0, 0), &make.whole_stored)]),
        ),
        ("new_patient", encode(&[(p(1, 0), &make.new_patient)])),
        ("new_product", encode(&[(p(2, 1), &make.new_product)])),
        (
            "new_then_its_change",
            encode(&[
                (p(1, 0), &make.new_patient),
                (p(1, 0), &make.new_patient_change),
            ]),
        ),
        (
            "change_without_its_base",
            encode(&[(p(1, 0), &make.new_patient_change)]),
        ),
        ("wrong_type", encode(&[(p(0, 1), &make.change_on_stored)])),
        ("unknown_type", encode(&[(p(1, 3), &make.new_patient)])),
        (
            "another_clinics_document",
            encode(&[(p(3, 0), &make.whole_stored)]),
        ),
        (
            "new_id_under_another_id",
            encode(&[(p(2, 0), &make.new_patient)]),
        ),
        ("change_bomb", encode(&[(p(1, 0), &make.change_bomb)])),
        ("document_bomb", encode(&[(p(1, 0), &make.document_bomb)])),
        ("truncated_bomb", encode(&[(p(1, 0), &bombed_change)])),
        (
            "several",
            encode(&[
                (p(0, 0), &make.change_on_stored),
                (p(1, 0), &make.new_patient),
                (p(3, 0), &make.change_on_stored),
                (p(2, 2), b"not automerge at all"),
            ]),
        ),
        ("empty", Vec::new()),
    ]
}

/// Documents the seeds are made of (built by `hub/tests/fuzz_seeds.rs`, which writes
/// the fixtures and the seeds).
#[derive(Clone, Debug, Default)]
pub struct SeedDocs {
    /// A change on top of the stored patient.
    pub change_on_stored: Vec<u8>,
    /// The stored patient with that change, saved whole.
    pub whole_stored: Vec<u8>,
    /// A new patient with id `NEW_IDS[0]`, saved.
    pub new_patient: Vec<u8>,
    /// A change on top of it.
    pub new_patient_change: Vec<u8>,
    /// A new product with id `NEW_IDS[1]`, saved.
    pub new_product: Vec<u8>,
    /// A compressed change chunk inflating far past the cap.
    pub change_bomb: Vec<u8>,
    /// A document chunk with a column inflating far past the cap.
    pub document_bomb: Vec<u8>,
}
