//! The `hub_apply` fuzz target's harness (`fuzz/harness.rs`) as ordinary tests on stable
//! Rust: every committed seed, then a deterministic stream of their mutations, through
//! the hub's apply plan with its invariants checked; and the seeds through the real
//! stores' apply (both stores), which must answer every push and never fail.
//!
//! `DERMIS_FUZZ_MUTATIONS` (default 2000) sets how many mutations run. The fixtures and
//! seeds are written by the ignored test `write_the_fixtures_and_seeds` (run it with
//! `--ignored`; it replaces both, as they depend on each other).

#[allow(dead_code)]
mod common;
#[path = "../../fuzz/harness.rs"]
mod harness;

use std::path::PathBuf;

use automerge::ActorId;
use dermis_hub::store::HubStore;
use dermis_model::patient::{PatientDraft, create_patient};
use dermis_model::product::{ProductDraft, create_product};
use dermis_model::{ClinicId, DocType, PatientId, ProductId};
use dermis_sync::conformance::{push, rename};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::common::Fixture;

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

fn seeds() -> Vec<(String, Vec<u8>)> {
    let dir = fuzz_dir().join("seeds/hub_apply");
    let mut seeds: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
            (path.display().to_string(), bytes)
        })
        .collect();
    seeds.sort();
    assert!(
        seeds.len() >= 10,
        "the seeds are committed: {}",
        dir.display()
    );
    seeds
}

#[test]
fn every_seed_passes_the_harness() {
    let fixture = harness::Fixture::load();
    let mut kinds = std::collections::BTreeSet::new();
    for (name, input) in seeds() {
        let checked = std::panic::catch_unwind(|| harness::check(&fixture, &input));
        let Ok(writes) = checked else {
            panic!("seed {name}")
        };
        kinds.extend(writes);
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["append", "compact", "insert"],
        "the seeds reach every kind of write"
    );
}

/// One mutation of the kind libFuzzer makes: a byte changed, bytes inserted, removed or
/// repeated, or a splice of two inputs.
fn mutate(rng: &mut StdRng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    let at = |rng: &mut StdRng, len: usize| rng.random_range(0..=len);
    match rng.random_range(0..6) {
        0 if !out.is_empty() => {
            let i = rng.random_range(0..out.len());
            out[i] ^= 1 << rng.random_range(0..8);
        }
        1 => {
            let i = at(rng, out.len());
            let extra: Vec<u8> = (0..rng.random_range(1..16)).map(|_| rng.random()).collect();
            out.splice(i..i, extra);
        }
        2 if !out.is_empty() => {
            let i = rng.random_range(0..out.len());
            let j = (i + rng.random_range(1..64)).min(out.len());
            out.drain(i..j);
        }
        3 if !out.is_empty() => {
            let i = rng.random_range(0..out.len());
            let j = (i + rng.random_range(1..256)).min(out.len());
            let copy = out[i..j].to_vec();
            let k = at(rng, out.len());
            out.splice(k..k, copy);
        }
        4 => {
            let i = at(rng, out.len());
            let j = at(rng, other.len());
            out.truncate(i);
            out.extend_from_slice(&other[j..]);
        }
        _ if !out.is_empty() => {
            // A selector or a length byte: another document, type or split.
            let i = rng.random_range(0..out.len().min(3));
            out[i] = rng.random();
        }
        _ => out.push(rng.random()),
    }
    out
}

#[test]
fn mutations_of_the_seeds_pass_the_harness() {
    let fixture = harness::Fixture::load();
    let seeds: Vec<Vec<u8>> = seeds().into_iter().map(|(_, bytes)| bytes).collect();
    let runs = std::env::var("DERMIS_FUZZ_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000usize);
    let mut rng = StdRng::seed_from_u64(0x00d3_2a15);
    for run in 0..runs {
        let base = &seeds[rng.random_range(0..seeds.len())];
        let other = &seeds[rng.random_range(0..seeds.len())];
        let mut input = mutate(&mut rng, base, other);
        for _ in 0..rng.random_range(0..4) {
            input = mutate(&mut rng, &input, other);
        }
        let checked = std::panic::catch_unwind(|| harness::check(&fixture, &input));
        assert!(
            checked.is_ok(),
            "mutation {run} fails the harness; its input in hex: {}",
            hex::encode(&input)
        );
    }
}

/// The fixture's clinics and documents in a real store, as nodes would have pushed them.
async fn stored_fixture<S: HubStore>(store: &S, fixture: &harness::Fixture) {
    let mut store = store.clone();
    let now = dermis_model::now_millis();
    for (clinic, name) in [(fixture.clinic, "Fuzz"), (fixture.foreign_clinic, "Other")] {
        store
            .insert_clinic(clinic, name, now)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
    }
    let pushes = [
        (fixture.clinic, fixture.patient, harness::PATIENT_SNAPSHOT),
        (fixture.clinic, fixture.patient, harness::PATIENT_CHANGE),
        (
            fixture.foreign_clinic,
            fixture.foreign,
            harness::FOREIGN_SNAPSHOT,
        ),
    ];
    for (clinic, id, bytes) in pushes {
        let out = store
            .apply(clinic, &[push(id, DocType::Patient, bytes.to_vec())])
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(
            matches!(out[..], [dermis_sync::wire::PushOutcome::Applied { .. }]),
            "{out:?}"
        );
    }
}

async fn every_seed_applies_through_the_store<S: HubStore>(f: Fixture<S>) {
    let fixture = harness::Fixture::load();
    stored_fixture(&f.store, &fixture).await;
    let mut store = f.store.clone();
    for (name, input) in seeds() {
        let (pushes, _) = harness::decode(&fixture, &input);
        let outcomes = store
            .apply(fixture.clinic, &pushes)
            .await
            .unwrap_or_else(|e| panic!("seed {name}: {e:?}"));
        assert_eq!(outcomes.len(), pushes.len(), "seed {name}");
    }
    // What the seeds wrote loads back whole.
    let page = store
        .changed_since(fixture.clinic, 0, 100)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let items: Vec<_> = page
        .entries
        .iter()
        .map(|e| dermis_sync::wire::FetchItem {
            doc_id: e.doc_id,
            have: Vec::new(),
        })
        .collect();
    assert!(items.len() >= 3, "the seeds made documents: {items:?}");
    for doc in store
        .fetch(fixture.clinic, &items)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
    {
        let doc = doc.unwrap_or_else(|| panic!("a listed document is fetched"));
        automerge::AutoCommit::load(&doc.data)
            .unwrap_or_else(|e| panic!("stored document {} loads: {e}", doc.doc_id));
    }
}

crate::on_both_stores!(every_seed_applies_through_the_store);

/// Writes `fuzz/fixtures` and `fuzz/seeds/hub_apply` afresh.
#[test]
#[ignore = "writes the fuzz fixtures and seeds"]
fn write_the_fixtures_and_seeds() {
    let clinic = ClinicId::new();
    let draft = PatientDraft {
        first_name: "Fixture".into(),
        last_name: "Patient".into(),
        ..Default::default()
    };
    let mut patient = create_patient(
        PatientId::new(),
        clinic,
        &draft,
        "F-1",
        1,
        None,
        ActorId::random(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    patient.commit();
    let snapshot = patient.save();
    let change = rename(&mut patient, "Fixture renamed");
    let foreign = create_patient(
        PatientId::new(),
        ClinicId::new(),
        &draft,
        "F-2",
        1,
        None,
        ActorId::random(),
    )
    .map(|mut d| d.save())
    .unwrap_or_else(|e| panic!("{e}"));

    let mut edited = patient.fork().with_actor(ActorId::random());
    let change_on_stored = rename(&mut edited, "Edited on a node");
    let whole_stored = edited.save();
    let mut new_patient = create_patient(
        PatientId::from_uuid(harness::NEW_IDS[0]),
        clinic,
        &draft,
        "F-3",
        1,
        None,
        ActorId::random(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    new_patient.commit();
    let new_patient_bytes = new_patient.save();
    let new_patient_change = rename(&mut new_patient, "New, renamed");
    let product = ProductDraft {
        sku: "FZ-1".into(),
        name: "Fuzz cream".into(),
        price: dermis_model::money::Money::new(1250, dermis_model::money::Currency::EUR),
        category: None,
        barcode: None,
        active: true,
        reorder_level: 2,
        tax_class: "standard".into(),
    };
    let new_product = create_product(
        ProductId::from_uuid(harness::NEW_IDS[1]),
        clinic,
        &product,
        1,
        ActorId::random(),
    )
    .map(|mut d| {
        d.commit();
        d.save()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let docs = harness::SeedDocs {
        change_on_stored,
        whole_stored,
        new_patient: new_patient_bytes,
        new_patient_change,
        new_product,
        change_bomb: common::attacks::compressed_change_bomb(64 << 20),
        document_bomb: common::attacks::document_column_bomb(64 << 20),
    };

    let dir = fuzz_dir();
    let write = |path: PathBuf, bytes: &[u8]| {
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    write(dir.join("fixtures/patient.snapshot"), &snapshot);
    write(dir.join("fixtures/patient.change"), &change);
    write(dir.join("fixtures/foreign.snapshot"), &foreign);
    let seeds = dir.join("seeds/hub_apply");
    if seeds.exists() {
        std::fs::remove_dir_all(&seeds).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::create_dir_all(&seeds).unwrap_or_else(|e| panic!("{e}"));
    for (name, bytes) in harness::seeds(&docs) {
        write(seeds.join(name), &bytes);
    }
}
