//! The R4 validator the FHIR tests run: `hub/tests/fhir/validate.js` over the npm `fhir`
//! package (the published R4 StructureDefinitions and value sets), installed from its
//! lock file when missing, one test process at a time (`common::npm`).

use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::Value;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use crate::common::npm::{npm_ci_for, which};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fhir")
}

/// What the validator found: how many resources it checked (a Bundle's entries count
/// too) and the invalid ones with their messages.
#[derive(Debug)]
pub struct Report {
    pub checked: u64,
    pub invalid: Vec<Value>,
}

/// Validates `resources` against the R4 definitions.
pub async fn validate(resources: &[Value]) -> Report {
    npm_ci_for(&dir(), &["fhir"]).await;
    let node = which("node").unwrap_or_else(|| panic!("node is missing (apt-get install nodejs)"));
    let mut child = Command::new(node)
        .arg("validate.js")
        .current_dir(dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting the validator: {e}"));
    let mut input = String::new();
    for r in resources {
        input.push_str(&r.to_string());
        input.push('\n');
    }
    let mut stdin = child
        .stdin
        .take()
        .unwrap_or_else(|| panic!("the validator's stdin"));
    stdin
        .write_all(input.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("feeding the validator: {e}"));
    drop(stdin);
    let out = child
        .wait_with_output()
        .await
        .unwrap_or_else(|e| panic!("running the validator: {e}"));
    assert!(
        out.status.success(),
        "the validator failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "the validator's answer is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    Report {
        checked: report["checked"].as_u64().unwrap_or_default(),
        invalid: report["invalid"].as_array().cloned().unwrap_or_default(),
    }
}

/// Fails the test unless every resource (and every Bundle entry) is valid R4.
pub async fn assert_valid(what: &str, resources: &[Value]) {
    let report = validate(resources).await;
    assert!(
        report.checked >= resources.len() as u64,
        "{what}: nothing checked"
    );
    assert!(
        report.invalid.is_empty(),
        "{what}: invalid R4:\n{}",
        serde_json::to_string_pretty(&report.invalid).unwrap_or_default()
    );
}
