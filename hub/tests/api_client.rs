//! The API as an integrator meets it: a TypeScript client generated from the committed
//! docs/openapi.json (openapi-typescript types + openapi-fetch), type-checked and
//! compiled with tsc, run under Node against a real hub, checking each status and
//! validating each body against the description's schemas (ajv). If the server and its
//! description drift apart, this fails (hub/tests/api_client/client.ts).

#[allow(dead_code)]
mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::npm::{npm_ci_for, which};
use common::{TestHub, create_clinic, options, tempdir};
use dermis_hub::apikeys;
use dermis_hub::auth::AuthOptions;
use dermis_hub::store::HubStore;
use dermis_hub::store::api_keys::{ApiKeyScope, NewApiKey};
use dermis_model::{ClinicId, now_millis};
use tokio::process::Command;
use uuid::Uuid;

fn client_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api_client")
}

fn openapi_json() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.json")
}

async fn key<S: HubStore>(store: &S, clinic: ClinicId, scope: ApiKeyScope) -> String {
    let secret = apikeys::new_secret();
    let new = NewApiKey {
        id: Uuid::now_v7(),
        clinic,
        name: "generated client".into(),
        scope,
        secret_hash: apikeys::hash(&secret),
    };
    store
        .add_api_key(&new, now_millis())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    secret
}

/// Runs a tool of the client folder; its output on failure.
async fn run(program: &Path, args: &[&str], envs: &[(&str, String)]) -> String {
    let out = Command::new(program)
        .args(args)
        .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
        .current_dir(client_dir())
        .output()
        .await
        .unwrap_or_else(|e| panic!("running {}: {e}", program.display()));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "{} {args:?} failed:\n{text}",
        program.display()
    );
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_generated_from_the_description_passes_the_walk_through() {
    let Some(node) = which("node") else {
        common::skip("node is missing (apt-get install nodejs npm)");
        return;
    };
    let dir = client_dir();
    npm_ci_for(
        &dir,
        &[
            "openapi-typescript",
            "openapi-fetch",
            "typescript",
            "ajv",
            "ajv-formats",
        ],
    )
    .await;
    let bin = dir.join("node_modules/.bin");
    // Generated afresh from the committed description, then type-checked and compiled.
    let spec = openapi_json().to_string_lossy().into_owned();
    run(
        &bin.join("openapi-typescript"),
        &[&spec, "-o", "generated/schema.d.ts"],
        &[],
    )
    .await;
    run(&bin.join("tsc"), &["-p", "tsconfig.json"], &[]).await;

    let data = tempdir();
    let store = common::open_sqlite(data.path());
    let clinic = create_clinic(&store, "Client Clinic").await;
    let rw = key(&store, clinic, ApiKeyScope::ReadWrite).await;
    let read = key(&store, clinic, ApiKeyScope::Read).await;
    let mut opts = options(data.path(), Duration::from_secs(2));
    opts.auth = AuthOptions::default().with_secret(b"api-client-test");
    opts.webhooks.projector_interval = Duration::from_millis(50);
    let hub = TestHub::start(store, opts).await;
    let out = run(
        &node,
        &["dist/client.js"],
        &[
            ("HUB_URL", hub.http("")),
            ("KEY_RW", rw),
            ("KEY_READ", read),
            ("OPENAPI_JSON", spec.clone()),
        ],
    )
    .await;
    assert!(out.contains("all checks passed"), "{out}");
    hub.stop().await;
}
