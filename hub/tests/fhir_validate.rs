//! The hub's FHIR output checked against the official R4 definitions (the npm `fhir`
//! package): every mapping, the search and `$everything` Bundles, the
//! CapabilityStatement and the bulk export's NDJSON lines, built from read-model
//! records held in memory. The same checks run on the real stores in `fhir_api.rs`.

#[allow(dead_code)]
mod common;
#[path = "fhir_r4/validator.rs"]
mod validator;

use dermis_hub::blobs::{Blobs, LocalBlobs};
use dermis_hub::fhir::export::{self, ExportJob, Level};
use dermis_hub::fhir::resources::{self, Links};
use dermis_hub::fhir::samples;
use dermis_hub::fhir::search::{self, Kind, Search};
use dermis_model::ClinicId;
use serde_json::{Value, json};
use uuid::Uuid;
use validator::{assert_valid, validate};

const CLINIC: Uuid = Uuid::from_u128(0xc1);

fn links() -> Links {
    Links {
        base: "https://hub.example/fhir/r4".into(),
    }
}

/// Each mapping, on a full record and on sparse and edge-case variants.
fn every_mapping() -> Vec<Value> {
    let patient = Uuid::from_u128(1);
    let visit = Uuid::from_u128(2);
    let full = samples::patient(CLINIC, patient);
    let mut sparse = full.clone();
    sparse.first_name = String::new();
    sparse.middle_name = None;
    sparse.birth_date = None;
    sparse.phones.clear();
    sparse.email = None;
    sparse.address = None;
    sparse.sex = "unknown".into();
    let encounter = samples::encounter(CLINIC, patient, visit);
    let mut draft = encounter.clone();
    draft.status = "draft".into();
    draft.complaint = String::new();
    draft.clinician_id = None;
    let mut allergy = samples::allergy(patient, Uuid::from_u128(3));
    let mut out = vec![
        resources::patient(&full),
        resources::patient(&sparse),
        resources::encounter(&encounter),
        resources::encounter(&draft),
        resources::allergy(&allergy),
    ];
    allergy.severity = "unknown".into();
    allergy.reaction = String::new();
    out.push(resources::allergy(&allergy));
    out.extend(
        encounter
            .diagnoses
            .iter()
            .filter_map(|d| resources::condition(&encounter, d)),
    );
    out.extend(
        draft
            .diagnoses
            .iter()
            .filter_map(|d| resources::condition(&draft, d)),
    );
    let mut rx = samples::prescription(visit, patient, Uuid::from_u128(4));
    out.push(resources::medication_request(&rx));
    rx.quantity = None;
    rx.dose = String::new();
    rx.instructions = String::new();
    rx.prescriber_id = None;
    rx.allergy_override = Some("Tolerated before".into());
    out.push(resources::medication_request(&rx));
    let mut photo = samples::photo(CLINIC, patient, Uuid::from_u128(5));
    out.push(resources::media(&photo, &links()));
    photo.encounter_id = None;
    photo.tags.clear();
    out.push(resources::media(&photo, &links()));
    for status in [
        "scheduled",
        "checked_in",
        "canceled",
        "completed",
        "no_show",
    ] {
        let mut a = samples::appointment(CLINIC, Some(patient), Uuid::from_u128(6));
        a.status = status.into();
        a.cancel_reason = Some("Ill".into());
        out.push(resources::appointment(&a));
    }
    let mut booking = samples::appointment(CLINIC, None, Uuid::from_u128(7));
    booking.invitee_name = Some("Calendly invitee".into());
    booking.clinician_id = None;
    out.push(resources::appointment(&booking));
    booking.invitee_name = None;
    booking.notes = String::new();
    out.push(resources::appointment(&booking));
    out
}

#[tokio::test]
async fn every_mapping_is_valid_r4() {
    let all = every_mapping();
    let mut kinds: Vec<&str> = all
        .iter()
        .filter_map(|r| r["resourceType"].as_str())
        .collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds.len(), 7, "every resource type is covered: {kinds:?}");
    assert_valid("mappings", &all).await;
}

#[tokio::test]
async fn a_broken_resource_is_caught() {
    // What a careless mapping would emit: a gender code outside the value set, an empty
    // string, and an Encounter without its required class.
    let mut patient = resources::patient(&samples::patient(CLINIC, Uuid::from_u128(1)));
    patient["gender"] = json!("F");
    patient["name"][0]["given"] = json!([""]);
    let mut encounter = resources::encounter(&samples::encounter(
        CLINIC,
        Uuid::from_u128(1),
        Uuid::from_u128(2),
    ));
    if let Some(map) = encounter.as_object_mut() {
        map.remove("class");
    }
    let report = validate(&[patient, encounter]).await;
    assert_eq!(
        report.invalid.len(),
        2,
        "both are refused: {:?}",
        report.invalid
    );
    let text = serde_json::to_string(&report.invalid).unwrap_or_default();
    assert!(text.contains("Patient.gender"), "{text}");
    assert!(text.contains("Encounter.class"), "{text}");
}

#[tokio::test]
async fn bundles_the_capability_statement_and_export_lines_are_valid_r4() {
    let m = samples::clinic(CLINIC, 4);
    let clinic = ClinicId(CLINIC);
    let mut out = vec![dermis_hub::fhir::capability::statement(&links().base)];
    for kind in Kind::ALL {
        let pairs = vec![("_count".to_owned(), "2".to_owned())];
        let s = Search::parse(kind, &pairs, false).expect("a search");
        let found = search::find(&m, clinic, &links(), kind, &s)
            .await
            .expect("found");
        assert!(!found.resources.is_empty(), "{kind:?}");
        out.push(search::bundle(&links(), Some(kind), &s, found));
    }
    let empty = Search::parse(
        Kind::Patient,
        &[("name".to_owned(), "nobody".to_owned())],
        false,
    )
    .expect("a search");
    let found = search::find(&m, clinic, &links(), Kind::Patient, &empty)
        .await
        .expect("found");
    out.push(search::bundle(&links(), Some(Kind::Patient), &empty, found));
    let id = m.patients[0].id.to_string();
    out.push(
        dermis_hub::fhir::everything::everything(&m, clinic, &links(), &id)
            .await
            .expect("everything"),
    );
    let outcome = dermis_hub::fhir::FhirError::UnknownParam { param: "x".into() }.outcome();
    out.push(outcome);
    let dir = tempfile::tempdir().expect("a temp dir");
    let blobs = Blobs::Local(LocalBlobs::new(dir.path()));
    let job = ExportJob {
        export: Uuid::from_u128(9),
        level: Level::System,
        types: Kind::ALL.iter().map(|k| k.as_str().to_owned()).collect(),
        request: "https://hub.example/fhir/r4/$export".into(),
        base: links().base,
        at: samples::AT,
        ttl_ms: 60_000,
    };
    let (manifest, _) = export::write(&m, &blobs, clinic, &job, export::FILE_LINES, || 0)
        .await
        .expect("written")
        .expect("not cancelled");
    let mut lines = 0;
    for file in &manifest.output {
        let name = file.url.rsplit('/').next().unwrap_or_default();
        let key = format!("{}/{name}", export::prefix(clinic, job.export));
        let bytes = blobs.get(&key).await.expect("read").expect("there");
        for line in String::from_utf8_lossy(&bytes).lines() {
            out.push(serde_json::from_str(line).expect("a resource a line"));
            lines += 1;
        }
    }
    assert_eq!(lines, 4 * 7, "four patients, one of each type each");
    assert_valid(
        "bundles, CapabilityStatement, OperationOutcome and NDJSON",
        &out,
    )
    .await;
}
