//! FHIR figures for `make bench` (run it with `--release`; debug figures mean nothing):
//! a system-level `$export` of a 10k-patient clinic (`DERMIS_BENCH_FHIR_PATIENTS`),
//! written as NDJSON to the blob folder:
//!
//! - on the embedded store: documents written as a node writes them (each patient with
//!   an allergy and a visit with a diagnosis and a prescription; an appointment per ten
//!   patients; ledgers of ten sales), pushed as its sync would, projected, then exported
//!   from the read models — the figure the issue sets (≤ 10 s);
//! - the FHIR side alone (mapping, serialising, writing) over the read model held in
//!   memory, each patient also with a photo and an appointment.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench that cannot set up has nothing to report.

use std::time::Instant;

use dermis_hub::blobs::{Blobs, LocalBlobs};
use dermis_hub::fhir::export::{self, ExportJob, Level};
use dermis_hub::fhir::samples;
use dermis_hub::fhir::search::Kind;
use dermis_hub::store::HubStore;
use dermis_hub::store::sqlite::SqliteStore;
use dermis_hub::webhooks::projector::project_all;
use dermis_model::encounter::Author;
use dermis_model::{ClinicId, DocType, NodeId};
use uuid::Uuid;

#[allow(dead_code)]
#[path = "../tests/readmodel/docs.rs"]
mod docs;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|v| *v > 0)
        .unwrap_or(default)
}

fn job(base: &str) -> ExportJob {
    ExportJob {
        export: Uuid::now_v7(),
        level: Level::System,
        types: Kind::ALL.iter().map(|k| k.as_str().to_owned()).collect(),
        request: format!("{base}/$export"),
        base: base.into(),
        at: dermis_model::now_millis(),
        ttl_ms: 3_600_000,
    }
}

/// A clinic of `patients` on the embedded store, projected; then its export timed.
async fn on_the_store(patients: usize) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let store = SqliteStore::open(&dir.path().join("hub.db")).expect("the store");
    let clinic = store
        .create_clinic("Bench export", docs::T0)
        .await
        .expect("a clinic");
    let doctor = Author {
        id: None,
        name: "Dr Bench".into(),
    };
    let mut all = Vec::new();
    let mut ids = Vec::new();
    for i in 0..patients {
        let (id, mut doc) = docs::patient(clinic, "Anna", "Petrova", &format!("B-{i}"), docs::T0);
        docs::allergies(&mut doc);
        docs::visit(
            &mut doc,
            &doctor,
            time::macros::date!(2027 - 01 - 15),
            i % 2 == 0,
        );
        ids.push(id);
        all.push((id, DocType::Patient, doc.save()));
    }
    for i in 0..patients / 10 {
        let (id, mut doc) =
            docs::appointment(clinic, ids.get(i).copied(), docs::T0 + i as i64 * 60_000);
        all.push((id, DocType::Appointment, doc.save()));
    }
    for i in 0..patients / 100 {
        let (product, mut p_doc) = docs::product(clinic, &format!("SKU{i}"), 1000);
        all.push((product, DocType::Product, p_doc.save()));
        let node = NodeId::new();
        let sales: Vec<_> = (0..10)
            .map(|k| {
                docs::sale(
                    node,
                    product,
                    &format!("SKU{i}"),
                    1,
                    1000,
                    docs::T0 + k * 1000,
                    ids.get(k as usize).copied(),
                )
            })
            .collect();
        let (id, mut doc) = docs::ledger(clinic, node, &format!("SKU{i}"), product, 20, &sales);
        all.push((id, DocType::Ledger, doc.save()));
    }
    for chunk in all.chunks(200) {
        docs::push(&store, clinic, chunk.to_vec()).await;
    }
    project_all(&store, &dermis_model::now_millis)
        .await
        .expect("projected");
    let blobs = Blobs::Local(LocalBlobs::new(dir.path().join("blobs")));
    let job = job("http://localhost/fhir/r4");
    let start = Instant::now();
    let (manifest, _) = export::write(
        &store,
        &blobs,
        clinic,
        &job,
        export::FILE_LINES,
        dermis_model::now_millis,
    )
    .await
    .expect("export")
    .expect("not cancelled");
    let elapsed = start.elapsed();
    let lines: u64 = manifest.output.iter().map(|f| f.count).sum();
    println!(
        "$export on the embedded store, {patients} patients with visits and sales: {lines} resources in {:.2} s ({:.0} resources/s; target ≤ 10 s)",
        elapsed.as_secs_f64(),
        lines as f64 / elapsed.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let patients = env_usize("DERMIS_BENCH_FHIR_PATIENTS", 10_000);
    println!("== FHIR ==");
    on_the_store(patients).await;
    let clinic = Uuid::now_v7();
    let memory = samples::clinic(clinic, patients as u128);
    let dir = tempfile::tempdir().expect("a temp dir");
    let blobs = Blobs::Local(LocalBlobs::new(dir.path()));
    let job = job("http://localhost/fhir/r4");
    let start = Instant::now();
    let (manifest, _) = export::write(
        &memory,
        &blobs,
        ClinicId(clinic),
        &job,
        export::FILE_LINES,
        dermis_model::now_millis,
    )
    .await
    .expect("export")
    .expect("not cancelled");
    let elapsed = start.elapsed();
    let lines: u64 = manifest.output.iter().map(|f| f.count).sum();
    println!(
        "$export (FHIR side, read model in memory), {patients} patients: {lines} resources in {:.2} s ({:.0} resources/s)",
        elapsed.as_secs_f64(),
        lines as f64 / elapsed.as_secs_f64()
    );
}
