//! The conformance suite every [`DocStore`] passes: the node's SQLite store, the hub's
//! Postgres and embedded SQLite stores, and the in-memory store. Each store's own tests
//! call [`check_all`] on a fresh store (and [`Durability`] across a reopen), so one
//! definition of "a store behaves" holds everywhere.
//!
//! The node's own sync store ([`crate::NodeSyncStore`]) has its suite in [`node`].
//!
//! The checks panic with a description of what broke, like assertions in a test.

pub mod node;

use automerge::{ActorId, AutoCommit, ChangeHash};
use dermis_model::patient::{PatientDraft, create_patient};
use dermis_model::{ClinicId, DocType, PatientId};
use uuid::Uuid;

use crate::store::DocStore;
use crate::wire::{DocPush, ErrorCode, FetchItem, PushOutcome};

/// The clinics a store is checked with: `a` always; `b` for multi-clinic stores (a
/// single-clinic node store passes `None`, and documents of another clinic must still be
/// refused).
#[derive(Clone, Copy, Debug)]
pub struct Clinics {
    pub a: ClinicId,
    pub b: Option<ClinicId>,
}

/// A patient document of `clinic`, made by a fresh actor.
pub fn patient_doc(clinic: ClinicId, first_name: &str) -> (Uuid, AutoCommit) {
    let id = PatientId::new();
    let draft = PatientDraft {
        first_name: first_name.into(),
        last_name: "Conformance".into(),
        ..Default::default()
    };
    let mut doc = match create_patient(id, clinic, &draft, "T-1", 1, None, ActorId::random()) {
        Ok(doc) => doc,
        Err(e) => panic!("test document: {e}"),
    };
    doc.commit();
    (id.0, doc)
}

/// Changes `first_name` and returns the bytes of just that change.
pub fn rename(doc: &mut AutoCommit, name: &str) -> Vec<u8> {
    let before = doc.get_heads();
    if let Err(e) = dermis_model::doc::put_str(doc, &automerge::ROOT, "first_name", name) {
        panic!("rename: {e}");
    }
    doc.commit();
    doc.save_after(&before)
}

pub fn push(id: Uuid, doc_type: DocType, data: Vec<u8>) -> DocPush {
    DocPush {
        doc_id: id,
        doc_type: doc_type.as_str().into(),
        data,
    }
}

fn sorted(mut heads: Vec<ChangeHash>) -> Vec<ChangeHash> {
    heads.sort();
    heads
}

fn applied(outcome: &PushOutcome, what: &str) -> (u64, Vec<ChangeHash>) {
    match outcome {
        PushOutcome::Applied { seq, heads } => (*seq, sorted(heads.clone())),
        other => panic!("{what}: expected Applied, got {other:?}"),
    }
}

async fn apply_one<S: DocStore>(store: &mut S, clinic: ClinicId, p: DocPush) -> PushOutcome {
    match store.apply(clinic, &[p]).await {
        Ok(mut v) if v.len() == 1 => v.remove(0),
        Ok(v) => panic!("apply returned {} outcomes for one document", v.len()),
        Err(e) => panic!("apply failed: {e}"),
    }
}

async fn latest<S: DocStore>(store: &mut S, clinic: ClinicId) -> u64 {
    store
        .latest_seq(clinic)
        .await
        .unwrap_or_else(|e| panic!("latest_seq: {e}"))
}

/// Runs every check on a store. The store may already hold documents of `clinics.a`
/// (a new clinic starts with its clinic document); `clinics.b` must be untouched.
pub async fn check_all<S: DocStore>(store: &mut S, clinics: Clinics) {
    let a = clinics.a;
    let start = latest(store, a).await;
    let page = store
        .changed_since(a, 0, 100_000)
        .await
        .unwrap_or_else(|e| panic!("changed_since: {e}"));
    assert!(!page.more, "everything fits in one big page");
    assert_eq!(page.up_to, start, "the change log reaches the latest seq");
    let existing: Vec<Uuid> = page.entries.iter().map(|e| e.doc_id).collect();

    // A new document, whole.
    let (id, mut doc) = patient_doc(a, "Anna");
    let (seq1, heads1) = applied(
        &apply_one(store, a, push(id, DocType::Patient, doc.save())).await,
        "new document",
    );
    assert!(seq1 > 0, "a stored change gets a seq");
    assert_eq!(
        heads1,
        sorted(doc.get_heads()),
        "the store reports the document's heads"
    );
    assert_eq!(latest(store, a).await, seq1);

    // The same bytes again change nothing and get no new seq.
    let (seq_again, heads_again) = applied(
        &apply_one(store, a, push(id, DocType::Patient, doc.save())).await,
        "repeat",
    );
    assert_eq!(
        (seq_again, &heads_again),
        (seq1, &heads1),
        "re-applying is a no-op"
    );
    assert_eq!(latest(store, a).await, seq1, "a no-op takes no seq");

    // An incremental change.
    let old_heads = doc.get_heads();
    let change = rename(&mut doc, "Anne");
    let (seq2, heads2) = applied(
        &apply_one(store, a, push(id, DocType::Patient, change.clone())).await,
        "incremental change",
    );
    assert!(seq2 > seq1, "a new change gets a higher seq");
    assert_eq!(heads2, sorted(doc.get_heads()));

    // Fetch: whole, and only what a holder of the old heads lacks.
    let fetched = store
        .fetch(
            a,
            &[
                FetchItem {
                    doc_id: id,
                    have: Vec::new(),
                },
                FetchItem {
                    doc_id: id,
                    have: old_heads.clone(),
                },
            ],
        )
        .await
        .unwrap_or_else(|e| panic!("fetch: {e}"));
    let (Some(full), Some(delta)) = (&fetched[0], &fetched[1]) else {
        panic!("fetch of a stored document returned nothing: {fetched:?}")
    };
    assert!(
        full.full && !delta.full,
        "the full flag says which is which"
    );
    assert_eq!(sorted(full.heads.clone()), heads2);
    assert_eq!(full.seq, seq2, "fetch reports the document's seq");
    let mut loaded =
        AutoCommit::load(&full.data).unwrap_or_else(|e| panic!("full fetch does not load: {e}"));
    assert_eq!(
        sorted(loaded.get_heads()),
        heads2,
        "the whole document loads to the same heads"
    );
    let mut old = doc
        .fork_at(&old_heads)
        .unwrap_or_else(|e| panic!("fork: {e}"));
    old.load_incremental(&delta.data)
        .unwrap_or_else(|e| panic!("delta does not apply: {e}"));
    assert_eq!(
        sorted(old.get_heads()),
        heads2,
        "the delta brings the old heads up to date"
    );
    assert!(
        delta.data.len() < full.data.len(),
        "the delta is smaller than the whole document"
    );

    // The change log: every document once, in seq order, across pages.
    let mut ids = vec![id];
    for name in ["Bea", "Cem", "Dan", "Eva"] {
        let (other, d) = patient_doc(a, name);
        let mut d = d;
        applied(
            &apply_one(store, a, push(other, DocType::Patient, d.save())).await,
            "another document",
        );
        ids.push(other);
    }
    let mut cursor = 0;
    let mut seen = Vec::new();
    let mut last_seq = 0;
    for _ in 0..10 {
        let page = store
            .changed_since(a, cursor, 2)
            .await
            .unwrap_or_else(|e| panic!("changed_since: {e}"));
        assert!(page.entries.len() <= 2, "pages respect the limit");
        for e in &page.entries {
            assert!(e.seq > last_seq, "entries come in seq order");
            assert!(e.seq <= page.up_to, "up_to covers the page");
            last_seq = e.seq;
            if !existing.contains(&e.doc_id) {
                assert_eq!(e.doc_type, "patient");
            }
            seen.push(e.doc_id);
        }
        assert!(page.up_to >= cursor, "the cursor never goes back");
        cursor = page.up_to;
        if !page.more {
            break;
        }
    }
    let mut expected = ids.clone();
    expected.extend(&existing);
    expected.sort();
    seen.sort();
    assert_eq!(
        seen, expected,
        "each document appears once in the change log"
    );
    assert_eq!(
        cursor,
        latest(store, a).await,
        "the last page reaches the latest seq"
    );

    // Changes whose dependencies are unknown: NeedFull, nothing stored.
    let (lost_id, mut lost) = patient_doc(a, "Lost");
    let _ = rename(&mut lost, "Lost again");
    let first = lost
        .get_changes(&[])
        .first()
        .map(|c| vec![c.hash()])
        .unwrap_or_default();
    let first_change_missing = lost.save_after(&first);
    let before = latest(store, a).await;
    let outcome = apply_one(
        store,
        a,
        push(lost_id, DocType::Patient, first_change_missing),
    )
    .await;
    assert_eq!(
        outcome,
        PushOutcome::NeedFull,
        "changes without their dependencies ask for the whole document"
    );
    assert_eq!(latest(store, a).await, before, "nothing was stored");
    let none = store
        .fetch(
            a,
            &[FetchItem {
                doc_id: lost_id,
                have: Vec::new(),
            }],
        )
        .await
        .unwrap_or_else(|e| panic!("fetch: {e}"));
    assert_eq!(none, vec![None], "the refused document does not exist");

    // Garbage, a lying type, and a document of another clinic are refused.
    let (junk_id, _) = patient_doc(a, "Junk");
    let junk = apply_one(
        store,
        a,
        push(
            junk_id,
            DocType::Patient,
            b"\x85\x6f\x4a\x83 definitely not automerge".to_vec(),
        ),
    )
    .await;
    assert!(
        matches!(
            junk,
            PushOutcome::Rejected {
                code: ErrorCode::InvalidDocument,
                ..
            }
        ),
        "garbage is refused: {junk:?}"
    );
    let (typed_id, mut typed) = patient_doc(a, "Typed");
    let wrong_type = apply_one(store, a, push(typed_id, DocType::Product, typed.save())).await;
    assert!(
        matches!(wrong_type, PushOutcome::Rejected { .. }),
        "a patient sent as a product is refused: {wrong_type:?}"
    );
    let other_clinic = ClinicId::new();
    let (foreign_id, mut foreign) = patient_doc(other_clinic, "Foreign");
    let foreign_out = apply_one(store, a, push(foreign_id, DocType::Patient, foreign.save())).await;
    assert!(
        matches!(
            foreign_out,
            PushOutcome::Rejected {
                code: ErrorCode::Forbidden,
                ..
            }
        ),
        "another clinic's document is refused: {foreign_out:?}"
    );
    let meta = dermis_model::DocMeta::new(DocType::Clinic, a, dermis_model::DocId(Uuid::now_v7()));
    let mut bare = dermis_model::doc::create(&meta, ActorId::random())
        .unwrap_or_else(|e| panic!("create: {e}"));
    let unreadable = apply_one(store, a, push(meta.id.0, DocType::Clinic, bare.save())).await;
    assert!(
        matches!(
            unreadable,
            PushOutcome::Rejected {
                code: ErrorCode::InvalidDocument,
                ..
            }
        ),
        "a clinic document without its fields is refused: {unreadable:?}"
    );
    assert_eq!(latest(store, a).await, before, "refusals store nothing");

    // A batch is judged document by document.
    let (good_id, mut good) = patient_doc(a, "Good");
    let outcomes = store
        .apply(
            a,
            &[
                push(good_id, DocType::Patient, good.save()),
                push(junk_id, DocType::Patient, b"junk".to_vec()),
            ],
        )
        .await
        .unwrap_or_else(|e| panic!("apply: {e}"));
    assert!(
        matches!(outcomes[0], PushOutcome::Applied { .. })
            && matches!(outcomes[1], PushOutcome::Rejected { .. }),
        "mixed batch: {outcomes:?}"
    );

    // Unknown documents fetch as nothing.
    let unknown = store
        .fetch(
            a,
            &[FetchItem {
                doc_id: Uuid::now_v7(),
                have: Vec::new(),
            }],
        )
        .await
        .unwrap_or_else(|e| panic!("fetch: {e}"));
    assert_eq!(unknown, vec![None]);

    // Tenancy between two clinics of one store.
    if let Some(b) = clinics.b {
        assert_eq!(
            latest(store, b).await,
            0,
            "clinic b is untouched by clinic a's writes"
        );
        let (b_id, mut b_doc) = patient_doc(b, "Bob");
        applied(
            &apply_one(store, b, push(b_id, DocType::Patient, b_doc.save())).await,
            "clinic b document",
        );
        let peek = store
            .fetch(
                a,
                &[FetchItem {
                    doc_id: b_id,
                    have: Vec::new(),
                }],
            )
            .await
            .unwrap_or_else(|e| panic!("fetch: {e}"));
        assert_eq!(
            peek,
            vec![None],
            "clinic a cannot read clinic b's document by id"
        );
        let page = store
            .changed_since(a, 0, 1000)
            .await
            .unwrap_or_else(|e| panic!("changed_since: {e}"));
        assert!(
            page.entries.iter().all(|e| e.doc_id != b_id),
            "clinic b's document is not in clinic a's change log"
        );
        // A forged write: clinic a sends a document with clinic b's id.
        let (_, mut forged) = patient_doc(a, "Forged");
        let forged_out = apply_one(store, a, push(b_id, DocType::Patient, forged.save())).await;
        assert!(
            matches!(forged_out, PushOutcome::Rejected { .. }),
            "a forged id is refused: {forged_out:?}"
        );
        let b_page = store
            .changed_since(b, 0, 1000)
            .await
            .unwrap_or_else(|e| panic!("changed_since: {e}"));
        assert_eq!(
            b_page.entries.len(),
            1,
            "clinic b still has exactly its one document"
        );
        assert_eq!(
            sorted(b_page.entries[0].heads.clone()),
            sorted(b_doc.get_heads()),
            "and it is unchanged"
        );
    }
}

/// Data written before a store is closed, to check after it is reopened.
#[derive(Debug)]
pub struct Durability {
    clinic: ClinicId,
    id: Uuid,
    heads: Vec<ChangeHash>,
    seq: u64,
}

impl Durability {
    /// Writes a document with two changes.
    pub async fn write<S: DocStore>(store: &mut S, clinic: ClinicId) -> Durability {
        let (id, mut doc) = patient_doc(clinic, "Durable");
        applied(
            &apply_one(store, clinic, push(id, DocType::Patient, doc.save())).await,
            "durable write",
        );
        let change = rename(&mut doc, "Still here");
        let (seq, heads) = applied(
            &apply_one(store, clinic, push(id, DocType::Patient, change)).await,
            "durable change",
        );
        Durability {
            clinic,
            id,
            heads,
            seq,
        }
    }

    /// Checks the reopened store has it all, at the same seq.
    pub async fn verify<S: DocStore>(&self, store: &mut S) {
        let fetched = store
            .fetch(
                self.clinic,
                &[FetchItem {
                    doc_id: self.id,
                    have: Vec::new(),
                }],
            )
            .await
            .unwrap_or_else(|e| panic!("fetch: {e}"));
        let Some(Some(d)) = fetched.first() else {
            panic!("the document is gone after reopening")
        };
        assert_eq!(
            sorted(d.heads.clone()),
            self.heads,
            "same heads after reopening"
        );
        assert_eq!(d.seq, self.seq, "same seq after reopening");
        assert!(
            latest(store, self.clinic).await >= self.seq,
            "the seq counter survived"
        );
        let mut doc = AutoCommit::load(&d.data).unwrap_or_else(|e| panic!("load: {e}"));
        let p = dermis_model::patient::read_patient(&doc).unwrap_or_else(|e| panic!("read: {e}"));
        assert_eq!(p.first_name, "Still here");
        assert_eq!(sorted(doc.get_heads()), self.heads);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::now_or_never;
    use crate::memory::{MemoryHubStore, MemoryNodeStore};

    #[test]
    fn the_memory_hub_store_conforms() {
        let mut store = MemoryHubStore::new();
        now_or_never(check_all(
            &mut store,
            Clinics {
                a: ClinicId::new(),
                b: Some(ClinicId::new()),
            },
        ))
        .expect("in-memory futures never wait");
    }

    #[test]
    fn the_memory_node_store_conforms() {
        let clinic = ClinicId::new();
        let mut store = MemoryNodeStore::new(clinic);
        now_or_never(check_all(&mut store, Clinics { a: clinic, b: None }))
            .expect("in-memory futures never wait");
    }
}
