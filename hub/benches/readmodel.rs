//! The read models' figures, for `make bench` (part `readmodel`), on the embedded store
//! and, when `DERMIS_TEST_DATABASE_URL` names a Postgres server, on Postgres too (a
//! throwaway database):
//!
//! - projector catch-up: `DERMIS_BENCH_CHANGES` documents (default 10,000: patients with
//!   a visit and an allergy, appointments, products, ledgers of ten sales) pushed as
//!   nodes push them, then one projector pass timed — documents per second, events,
//!   stock and read-model rows included;
//! - a day ledger's projection: a ledger of `DERMIS_BENCH_LEDGER_ENTRIES` audit entries
//!   (default 1,000: a busy workstation's afternoon), then 200 edits, each one more entry
//!   pushed as a node pushes it (the changes after what the hub has) and one projector
//!   pass timed — p50 and p99 of a pass;
//! - `patients(q)` at `DERMIS_BENCH_SEARCH_PATIENTS` patients (default 50,000, written
//!   by `replace_read_models`, the rebuild's path): p50 and p99 over 1,000 queries of
//!   the kinds people type (a surname prefix, first and last name, a record number,
//!   phone digits, a name nobody has). Target: p99 ≤ 20 ms.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench that cannot set up has nothing to report.

#[allow(dead_code)]
#[path = "../tests/readmodel/docs.rs"]
mod docs;

use std::time::{Duration, Instant};

use automerge::AutoCommit;
use dermis_hub::readmodel::PatientQuery;
use dermis_hub::readmodel::derive::{DocRows, patient_rows};
use dermis_hub::store::HubStore;
use dermis_hub::store::postgres::PgStore;
use dermis_hub::store::sqlite::SqliteStore;
use dermis_hub::webhooks::projector::project_all;
use dermis_model::encounter::Author;
use dermis_model::patient::Patient;
use dermis_model::{ClinicId, DocType, NodeId};
use sqlx::Connection;
use uuid::Uuid;

const FIRST: [&str; 16] = [
    "Élodie", "Anna", "Ivan", "Maria", "Jean", "Lucía", "Aram", "Olga", "Noah", "Zoé", "Mikhail",
    "Sofía", "Hugo", "Anahit", "Pierre", "Nadia",
];
const LAST: [&str; 16] = [
    "Müller",
    "Petrov",
    "García",
    "Martin",
    "Dubois",
    "Sargsyan",
    "Kovalenko",
    "Lefèvre",
    "Hovhannisyan",
    "Smirnov",
    "Fernández",
    "Bernard",
    "Moreau",
    "Shevchenko",
    "López",
    "Roux",
];

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The documents of a busy clinic: patients with a visit and an allergy, appointments,
/// products, and ledgers of ten sales each.
fn clinic_docs(clinic: ClinicId, n: usize) -> Vec<(Uuid, DocType, Vec<u8>)> {
    let doctor = Author {
        id: None,
        name: "Dr Bench".into(),
    };
    let mut out = Vec::with_capacity(n);
    let (products, appointments, ledgers) = (n / 10, n / 10, n / 100);
    let patients = n - products - appointments - ledgers;
    let mut patient_ids = Vec::new();
    for i in 0..patients {
        let (id, mut doc) = docs::patient(
            clinic,
            FIRST[i % 16],
            LAST[(i / 16) % 16],
            &format!("B-{i}"),
            docs::T0,
        );
        docs::allergies(&mut doc);
        docs::visit(
            &mut doc,
            &doctor,
            time::macros::date!(2027 - 01 - 15),
            i % 2 == 0,
        );
        patient_ids.push(id);
        out.push((id, DocType::Patient, doc.save()));
    }
    let mut product_ids = Vec::new();
    for i in 0..products {
        let (id, mut doc): (Uuid, AutoCommit) =
            docs::product(clinic, &format!("SKU{i}"), 1000 + i as i64);
        product_ids.push(id);
        out.push((id, DocType::Product, doc.save()));
    }
    for i in 0..appointments {
        let (id, mut doc) = docs::appointment(
            clinic,
            patient_ids.get(i).copied(),
            docs::T0 + i as i64 * 60_000,
        );
        out.push((id, DocType::Appointment, doc.save()));
    }
    for i in 0..ledgers {
        let node = NodeId::new();
        let product = product_ids.get(i).copied().unwrap_or_else(Uuid::now_v7);
        let sku = format!("SKU{i}");
        let sales: Vec<_> = (0..10)
            .map(|k| {
                docs::sale(
                    node,
                    product,
                    &sku,
                    1,
                    1000,
                    docs::T0 + k * 1000,
                    patient_ids.get(k as usize).copied(),
                )
            })
            .collect();
        let (id, mut doc) = docs::ledger(clinic, node, &sku, product, 20, &sales);
        out.push((id, DocType::Ledger, doc.save()));
    }
    out
}

async fn catch_up<S: HubStore>(store: &S, name: &str, n: usize) {
    let clinic = store
        .create_clinic("Bench catch-up", docs::T0)
        .await
        .unwrap();
    let all = clinic_docs(clinic, n);
    for chunk in all.chunks(200) {
        docs::push(store, clinic, chunk.to_vec()).await;
    }
    let started = Instant::now();
    let pass = project_all(store, &dermis_model::now_millis).await.unwrap();
    let took = started.elapsed();
    println!(
        "{name}: projector catch-up after {n} document changes: {:.2} s, {:.0} docs/s ({} events)",
        took.as_secs_f64(),
        pass.docs as f64 / took.as_secs_f64(),
        pass.new_events
    );
}

/// One chart view in `doc`'s audit map, committed.
fn viewed(doc: &mut AutoCommit, node: NodeId, i: usize) {
    docs::chart_view(doc, node, format!("bench-{i:06}"), docs::T0 + i as i64);
}

async fn ledger_passes<S: HubStore>(store: &S, name: &str, entries: usize) {
    let clinic = store.create_clinic("Bench ledger", docs::T0).await.unwrap();
    let node = NodeId::new();
    let (id, mut doc) = docs::ledger(clinic, node, "SPF50", Uuid::new_v4(), 10, &[]);
    for i in 0..entries {
        viewed(&mut doc, node, i);
    }
    docs::push(store, clinic, vec![(id, DocType::Ledger, doc.save())]).await;
    project_all(store, &dermis_model::now_millis).await.unwrap();
    let mut took = Vec::new();
    for i in entries..entries + 200 {
        let before = doc.get_heads();
        viewed(&mut doc, node, i);
        let change = doc.save_after(&before);
        docs::push(store, clinic, vec![(id, DocType::Ledger, change)]).await;
        let started = Instant::now();
        let pass = project_all(store, &dermis_model::now_millis).await.unwrap();
        took.push(started.elapsed());
        assert_eq!(pass.docs, 1);
    }
    took.sort();
    println!(
        "{name}: projector pass after one more entry on a day ledger of {entries}: p50 {:.2} ms, p99 {:.2} ms",
        percentile(&took, 0.50),
        percentile(&took, 0.99)
    );
}

fn synthetic_patient(clinic: ClinicId, i: usize) -> Patient {
    let last = format!(
        "{}{}",
        LAST[(i / 16) % 16],
        if i.is_multiple_of(3) {
            String::new()
        } else {
            format!("-{}", i % 997)
        }
    );
    let phone = format!(
        "+33 6 {:02} {:02} {:02} {:02}",
        i % 97,
        (i / 97) % 100,
        (i / 9700) % 100,
        i % 89
    );
    let mut p = docs::row_patient(
        clinic,
        FIRST[i % 16],
        &last,
        &format!("N1-{i:06}"),
        &phone,
        docs::T0 + i as i64,
    );
    p.birth_date = time::Date::from_ordinal_date(1940 + (i % 70) as i32, 1 + (i % 365) as u16).ok();
    p.email = Some(format!("patient{i}@example.org"));
    p
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Writes `n` patients' rows, then times the searches; returns the clinic.
async fn search<S: HubStore>(store: &S, name: &str, n: usize) -> ClinicId {
    let clinic = store.create_clinic("Bench search", docs::T0).await.unwrap();
    let rows: Vec<(Uuid, DocRows)> = (0..n)
        .map(|i| {
            let p = synthetic_patient(clinic, i);
            (p.id.0, DocRows::Patient(Box::new(patient_rows(p))))
        })
        .collect();
    let started = Instant::now();
    store
        .replace_read_models(clinic, rows, docs::T0)
        .await
        .unwrap();
    println!(
        "{name}: {n} patients' rows written in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    time_search(store, name, clinic, n).await;
    clinic
}

/// 1,000 searches of the kinds people type, one at a time: p50, p99 and the slowest,
/// then each kind's.
async fn time_search<S: HubStore>(store: &S, name: &str, clinic: ClinicId, n: usize) {
    // The kinds of text people type, with a name for the figures of each.
    const KINDS: [&str; 5] = [
        "surname prefix",
        "first and last name",
        "record number",
        "phone digits",
        "a name nobody has",
    ];
    let queries: Vec<(usize, String)> = (0..1000)
        .map(|i| {
            let text = match i % 5 {
                0 => LAST[i % 16].chars().take(3).collect(),
                1 => format!("{} {}", FIRST[i % 16], LAST[(i / 7) % 16]),
                2 => format!("N1-{:06}", (i * 37) % n),
                3 => format!("+33 6 {:02}", i % 97),
                _ => "Zzyzx".into(),
            };
            (i % 5, text)
        })
        .collect();
    let mut times = Vec::with_capacity(queries.len());
    let mut by_kind = vec![Vec::new(); KINDS.len()];
    let mut hits = 0;
    for (kind, text) in &queries {
        let query = PatientQuery {
            q: Some(text.clone()),
            limit: 50,
            ..PatientQuery::default()
        };
        let t = Instant::now();
        let page = store.patients(clinic, &query).await.unwrap();
        let took = t.elapsed();
        times.push(took);
        by_kind[*kind].push(took);
        hits += page.items.len();
    }
    times.sort();
    println!(
        "{name}: patients(q) at {n} patients: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms over {} queries ({hits} hits)",
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        percentile(&times, 1.0),
        times.len(),
    );
    for (kind, mut times) in KINDS.iter().zip(by_kind) {
        times.sort();
        println!(
            "{name}:   {kind}: p50 {:.2} ms, p99 {:.2} ms",
            percentile(&times, 0.5),
            percentile(&times, 0.99)
        );
    }
}

async fn postgres() -> Option<(PgStore, String, String)> {
    let admin = std::env::var("DERMIS_TEST_DATABASE_URL").ok()?;
    let db = format!("dermis_bench_{}", Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin).await.ok()?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
        .execute(&mut conn)
        .await
        .ok()?;
    let url = match admin.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{db}"),
        None => return None,
    };
    let store = PgStore::connect(&url, Duration::from_secs(10)).await.ok()?;
    Some((store, admin, db))
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let changes = env_usize("DERMIS_BENCH_CHANGES", 10_000);
    let patients = env_usize("DERMIS_BENCH_SEARCH_PATIENTS", 50_000);
    let ledger_entries = env_usize("DERMIS_BENCH_LEDGER_ENTRIES", 1_000);
    println!("== hub read models: projector catch-up, a day ledger's passes, patient search ==");
    // `DERMIS_BENCH_ONLY=search` (or `catch-up`, `ledger`) runs one part, as the node's bench.
    let only = std::env::var("DERMIS_BENCH_ONLY").unwrap_or_default();
    let runs = |part: &str| only.is_empty() || only.split(',').any(|p| p.trim() == part);
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&dir.path().join("hub.db")).unwrap();
    if runs("catch-up") {
        catch_up(&sqlite, "embedded", changes).await;
    }
    if runs("ledger") {
        ledger_passes(&sqlite, "embedded", ledger_entries).await;
    }
    if runs("search") {
        search(&sqlite, "embedded", patients).await;
    }
    match postgres().await {
        Some((store, admin, db)) => {
            if runs("catch-up") {
                catch_up(&store, "postgres", changes).await;
            }
            if runs("ledger") {
                ledger_passes(&store, "postgres", ledger_entries).await;
            }
            if runs("search") {
                // Right after the rows are written (no statistics, no visibility map: a
                // rebuild's worst case), then as a hub runs once autovacuum has been by.
                let clinic = search(&store, "postgres", patients).await;
                sqlx::raw_sql("VACUUM ANALYZE")
                    .execute(store.pool())
                    .await
                    .unwrap();
                time_search(&store, "postgres, vacuumed", clinic, patients).await;
            }
            store.pool().close().await;
            // `DERMIS_BENCH_KEEP_DB=1` keeps the database to look at (EXPLAIN) afterwards.
            if std::env::var_os("DERMIS_BENCH_KEEP_DB").is_some() {
                println!("postgres: kept database {db}");
            } else if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {db} WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await;
            }
        }
        None => println!("postgres: skipped (DERMIS_TEST_DATABASE_URL unset or unreachable)"),
    }
}
