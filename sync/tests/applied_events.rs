//! Documents the hub and the nodes keep loaded while changes are applied to them carry no
//! record of those changes beyond the document itself. Automerge 0.12 appends an event
//! per applied operation to an `AutoCommit`'s patch log, active or not, and never empties
//! it (`dermis_model::doc::forget_applied`): a day ledger kept for a day grew with every
//! edit, and each clone copied it all. The log is only visible in the document's `Debug`
//! text (`PutMap` events), so that is what these tests read; each also checks that the
//! events do show up where nobody empties them, so a change of that text cannot make
//! them pass unseen.

use automerge::{AutoCommit, ChangeHash};
use dermis_model::ClinicId;
use dermis_sync::apply::{apply_to, parse};
use dermis_sync::chunks::DocLimits;
use dermis_sync::conformance::{patient_doc, rename};
use dermis_sync::plan::{DocCache, StoredDoc, load};

/// Events of applied operations a document carries.
fn events(doc: &AutoCommit) -> usize {
    format!("{doc:?}").matches("PutMap").count()
}

/// A patient saved, then renamed `n` times, each rename a change row as the stores keep
/// them.
fn stored_with_rows(n: usize) -> (uuid::Uuid, StoredDoc, AutoCommit) {
    let clinic = ClinicId::new();
    let (id, mut doc) = patient_doc(clinic, "Ana");
    let snapshot = doc.save();
    let mut changes = Vec::new();
    let mut change_heads: Vec<Vec<ChangeHash>> = Vec::new();
    for i in 0..n {
        changes.push(rename(&mut doc, &format!("Ana {i}")));
        change_heads.push(doc.get_heads());
    }
    let stored = StoredDoc {
        clinic,
        doc_type: "patient".into(),
        seq: 1,
        heads: doc.get_heads(),
        snapshot,
        change_count: i64::try_from(changes.len()).unwrap_or(i64::MAX),
        change_bytes: 0,
        changes,
        change_heads,
    };
    (id, stored, doc)
}

/// `stored` loaded by Automerge alone, as the stores loaded it before: the control, which
/// keeps the applied events.
fn loaded_by_automerge(stored: &StoredDoc) -> AutoCommit {
    let mut raw = AutoCommit::load(&stored.snapshot).unwrap_or_else(|e| panic!("{e}"));
    for change in &stored.changes {
        raw.load_incremental(change)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    raw
}

#[test]
fn a_document_loaded_from_its_rows_carries_no_applied_events() {
    let (id, stored, _) = stored_with_rows(20);
    let raw = loaded_by_automerge(&stored);
    assert!(events(&raw) >= 20, "automerge keeps them: {}", events(&raw));
    let loaded = load(id, &stored).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(events(&loaded), 0);
}

#[test]
fn a_document_pushes_are_applied_to_carries_no_applied_events() {
    let (id, stored, mut writer) = stored_with_rows(0);
    let mut kept = load(id, &stored).unwrap_or_else(|e| panic!("{e}"));
    let mut raw = kept.clone();
    for i in 0..20 {
        let change = rename(&mut writer, &format!("Anna {i}"));
        let received = parse(&change, DocLimits::default()).unwrap_or_else(|e| panic!("{e}"));
        apply_to(
            &mut kept,
            received,
            id,
            dermis_model::DocType::Patient,
            stored.clinic,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        raw.load_incremental(&change)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert!(events(&raw) >= 20, "automerge keeps them: {}", events(&raw));
    assert_eq!(events(&kept), 0);
}

#[test]
fn the_document_cache_keeps_no_applied_events() {
    let (id, stored, _) = stored_with_rows(20);
    let mut raw = loaded_by_automerge(&stored);
    assert!(events(&raw) >= 20);
    let cache = DocCache::new(64 << 20);
    let heads = raw.get_heads();
    cache.put(id, &heads, &raw, 1000);
    let copy = cache.get(id, &heads).unwrap_or_else(|| panic!("kept"));
    assert_eq!(events(&copy), 0);
}
