//! FHIR figures for `make bench` (run it with `--release`; debug figures mean nothing):
//! a system-level `$export` of a 10k-patient clinic (`DERMIS_BENCH_FHIR_PATIENTS`), each
//! patient with an allergy, a visit (a diagnosis, a prescription), a photo and an
//! appointment, written as NDJSON to the blob folder: the FHIR side alone (mapping,
//! serialising, writing), over the read model held in memory.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench that cannot set up has nothing to report.

use std::time::Instant;

use dermis_hub::blobs::{Blobs, LocalBlobs};
use dermis_hub::fhir::export::{self, ExportJob, Level};
use dermis_hub::fhir::samples;
use dermis_hub::fhir::search::Kind;
use dermis_model::ClinicId;
use uuid::Uuid;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|v| *v > 0)
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let patients = env_usize("DERMIS_BENCH_FHIR_PATIENTS", 10_000);
    let clinic = Uuid::new_v4();
    let memory = samples::clinic(clinic, patients as u128);
    let dir = tempfile::tempdir().expect("a temp dir");
    let blobs = Blobs::Local(LocalBlobs::new(dir.path()));
    let job = ExportJob {
        export: Uuid::new_v4(),
        level: Level::System,
        types: Kind::ALL.iter().map(|k| k.as_str().to_owned()).collect(),
        request: "http://localhost/fhir/r4/$export".into(),
        base: "http://localhost/fhir/r4".into(),
        at: dermis_model::now_millis(),
        ttl_ms: 3_600_000,
    };
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
    println!("== FHIR ==");
    println!(
        "$export (FHIR side, read model in memory), {patients} patients: {lines} resources in {:.2} s ({:.0} resources/s)",
        elapsed.as_secs_f64(),
        lines as f64 / elapsed.as_secs_f64()
    );
}
