use dermis_model::ClinicId;
use uuid::Uuid;

use super::*;
use crate::blobs::LocalBlobs;
use crate::fhir::samples;

const A: Uuid = Uuid::from_u128(0xa);

fn job(types: &[&str]) -> ExportJob {
    ExportJob {
        export: Uuid::from_u128(0xe1),
        level: Level::System,
        types: types.iter().map(|t| (*t).to_owned()).collect(),
        request: "https://hub.example/fhir/r4/$export".into(),
        base: "https://hub.example/fhir/r4".into(),
        at: samples::AT,
        ttl_ms: 3_600_000,
    }
}

#[tokio::test]
async fn an_export_writes_ndjson_per_type_then_the_manifest() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let blobs = Blobs::Local(LocalBlobs::new(dir.path()));
    let m = samples::clinic(A, 5);
    let all: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    let job = job(&all);
    let (manifest, keys) = write(&m, &blobs, ClinicId(A), &job, 2, || 1_000)
        .await
        .expect("written")
        .expect("not cancelled");
    assert_eq!(manifest.transaction_time, "2024-03-05T10:00:00Z");
    assert!(manifest.requires_access_token);
    assert_eq!(manifest.expires_at, 3_601_000);
    for kind in Kind::ALL {
        let files: Vec<&OutputFile> = manifest
            .output
            .iter()
            .filter(|f| f.kind == kind.as_str())
            .collect();
        assert_eq!(files.len(), 3, "{kind:?}: 5 lines at 2 a file");
        assert_eq!(files.iter().map(|f| f.count).sum::<u64>(), 5);
        for (n, file) in files.iter().enumerate() {
            let name = file_name(kind, n + 1);
            assert!(valid_file_name(&name), "{name}");
            assert_eq!(
                file.url,
                format!(
                    "https://hub.example/fhir/r4/$export-file/{}/{name}",
                    job.export
                )
            );
            let key = format!("{}/{name}", prefix(ClinicId(A), job.export));
            let bytes = blobs.get(&key).await.expect("read").expect("there");
            let text = String::from_utf8(bytes.to_vec()).expect("utf-8");
            for line in text.lines() {
                let v: serde_json::Value = serde_json::from_str(line).expect("one resource a line");
                assert_eq!(v["resourceType"], kind.as_str());
            }
        }
    }
    assert_eq!(keys.len(), 7 * 3 + 1, "every file and the manifest");
    let stored = blobs
        .get(&manifest_key(ClinicId(A), job.export))
        .await
        .expect("read")
        .expect("there");
    let back: Manifest = serde_json::from_slice(&stored).expect("a manifest");
    assert_eq!(back, manifest);
}

#[tokio::test]
async fn a_cancelled_export_stops_and_leaves_no_files() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let blobs = Blobs::Local(LocalBlobs::new(dir.path()));
    let m = samples::clinic(A, 3);
    let job = job(&["Patient", "Encounter"]);
    blobs
        .put(
            &cancel_key(ClinicId(A), job.export),
            Bytes::from_static(b"1"),
            "text/plain",
        )
        .await
        .expect("marker");
    let out = write(&m, &blobs, ClinicId(A), &job, FILE_LINES, || 0)
        .await
        .expect("ran");
    assert!(out.is_none());
    assert!(
        !blobs
            .exists(&manifest_key(ClinicId(A), job.export))
            .await
            .expect("asked")
    );
    let first = format!("{}/patient.ndjson", prefix(ClinicId(A), job.export));
    assert!(!blobs.exists(&first).await.expect("asked"));
}

#[test]
fn types_and_file_names_are_checked() {
    assert_eq!(parse_types(None).map(|t| t.len()), Ok(7));
    assert_eq!(
        parse_types(Some("Patient, Condition,Patient")),
        Ok(vec!["Patient".to_owned(), "Condition".to_owned()])
    );
    assert!(parse_types(Some("Patient,Observation")).is_err());
    assert!(valid_file_name("allergyintolerance.ndjson"));
    assert!(valid_file_name("patient-2.ndjson"));
    for bad in [
        "patient-1.ndjson",
        "../manifest.json",
        "manifest.json",
        "patient.ndjson/x",
        "cancelled",
        "observation.ndjson",
    ] {
        assert!(!valid_file_name(bad), "{bad}");
    }
}
