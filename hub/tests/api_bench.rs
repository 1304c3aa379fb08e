//! `GET /api/v1/patients?q=` at 50,000 patients (`scripts/bench.sh api`; ignored in the
//! normal run). Patient documents are pushed as nodes push them, projected once, then a
//! real hub answers 1,000 searches over HTTP with an API key, one at a time; prints
//! p50, p99 and the slowest. `DERMIS_BENCH_API_PATIENTS` sets the count.

#[allow(dead_code)]
mod common;
#[allow(dead_code)]
#[path = "readmodel/docs.rs"]
mod docs;

use std::time::{Duration, Instant};

use common::{TestHub, create_clinic, http, options, tempdir};
use dermis_hub::apikeys;
use dermis_hub::store::ApiKeyStore;
use dermis_hub::store::api_keys::{ApiKeyScope, NewApiKey};
use dermis_hub::webhooks::projector::project_all;
use dermis_model::{DocType, now_millis};
use uuid::Uuid;

const FIRST: &[&str] = &[
    "Anna", "Boris", "Chloé", "Dmitri", "Élodie", "Farid", "Gohar", "Hugo", "Inès", "José",
];
const LAST: &[&str] = &[
    "Petrosyan",
    "Ivanova",
    "Martin",
    "García",
    "Müller",
    "Kovalenko",
    "Dubois",
    "Sargsyan",
    "López",
    "Shevchenko",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: scripts/bench.sh api"]
async fn patient_search_latency_at_scale() {
    let n: usize = std::env::var("DERMIS_BENCH_API_PATIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let dir = tempdir();
    let store = common::open_sqlite(dir.path());
    let clinic = create_clinic(&store, "Bench").await;
    let started = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let docs: Vec<_> = chunk
            .iter()
            .map(|&i| {
                let first = format!("{}{i}", FIRST[i % FIRST.len()]);
                let (id, mut doc) = docs::patient(
                    clinic,
                    &first,
                    LAST[(i / 10) % LAST.len()],
                    &format!("B-{i}"),
                    docs::T0 + i64::try_from(i).unwrap_or(0),
                );
                (id, DocType::Patient, doc.save())
            })
            .collect();
        docs::push(&store, clinic, docs).await;
    }
    let pushed = started.elapsed();
    let started = Instant::now();
    // A pass may stop at a batch: until one finds nothing new.
    while project_all(&store, &now_millis)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .docs
        > 0
    {}
    let projected = started.elapsed();
    let secret = apikeys::new_secret();
    store
        .add_api_key(
            &NewApiKey {
                id: Uuid::now_v7(),
                clinic,
                name: "bench".into(),
                scope: ApiKeyScope::Read,
                secret_hash: apikeys::hash(&secret),
            },
            now_millis(),
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let mut opts = options(dir.path(), Duration::from_secs(2));
    opts.api_rate_per_minute = 100_000;
    let hub = TestHub::start(store, opts).await;
    let client = http();
    let queries = [
        "petros",
        "anna1",
        "müller",
        "B-4999",
        "shevch",
        "élodie12",
        "zzz",
        "garcia",
    ];
    let mut times = Vec::new();
    for i in 0..1_000 {
        let q = queries[i % queries.len()];
        let t = Instant::now();
        let response = client
            .get(hub.http(&format!("/api/v1/patients?q={q}&limit=50")))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status().as_u16(), 200);
        let _ = response.bytes().await;
        times.push(t.elapsed());
    }
    times.sort();
    let at = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
    println!(
        "== /api/v1: GET /api/v1/patients?q= over {n} patients (SQLite store, one client, HTTP on loopback) =="
    );
    println!("pushed {n} patient documents in {pushed:.1?}; projected in {projected:.1?}");
    println!(
        "p50 {:.2?}  p99 {:.2?}  max {:.2?}  (1000 searches, limit 50)",
        at(50),
        at(99),
        times[times.len() - 1]
    );
    hub.stop().await;
}
