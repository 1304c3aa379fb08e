//! Store figures for `make bench`: insert rate, search latency over 50k patients, and the
//! open time and memory of a 50k-patient store (measured in a fresh child process, so
//! the numbers are what a workstation opening its store sees). Each figure is printed for a
//! plain store and an encrypted one: the cost of encryption at rest.
//! `DERMIS_BENCH_PATIENTS` (default 50000) and `DERMIS_BENCH_INSERTS` (10000) scale it.

use std::time::{Duration, Instant};

use dermis_node::demo::{DemoSpec, generate};
use dermis_node::node::{Node, Session};
use dermis_node::store::queries;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn queries_for(node: &Node, count: usize) -> Vec<String> {
    let mut stmt = node
        .store
        .conn()
        .prepare("SELECT first_name, last_name FROM patients ORDER BY rowid LIMIT 2000")
        .expect("prepare");
    let names: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    (0..count)
        .map(|i| {
            let (first, last) = &names[(i * 7919) % names.len()];
            let word = if i % 2 == 0 { first } else { last };
            let len = 1 + i % 4;
            let prefix: String = word.chars().take(len).collect();
            if i % 5 == 0 {
                format!("{prefix} {}", last.chars().take(2).collect::<String>())
            } else {
                prefix
            }
        })
        .collect()
}

/// Runs in a fresh process: open the store, count, search; print timings and peak RSS.
fn child_open(dir: &str) {
    let started = Instant::now();
    let mut node = Node::open(std::path::Path::new(dir)).expect("open");
    let counts = queries::counts(node.store.conn()).expect("counts");
    let opened = started.elapsed();
    let session = Session::operator();
    let mut times = Vec::new();
    for q in queries_for(&node, 2000) {
        let t = Instant::now();
        let rows = dermis_node::ops::patients::search(&node, &session, &q, 20).expect("search");
        times.push(t.elapsed());
        std::hint::black_box(rows);
    }
    times.sort();
    // Open a few patient documents too, as the app does when one is selected.
    let recent = queries::recent_patients(node.store.conn(), 50).expect("recent");
    for p in &recent {
        let _ = dermis_node::ops::patients::get(&mut node, &session, p.id.parse().expect("id"))
            .expect("get");
    }
    println!(
        "open_ms={} patients={} search_p50_ms={} search_p99_ms={} search_max_ms={} peak_rss_mb={:.1}",
        opened.as_secs_f64() * 1000.0,
        counts.patients,
        percentile(&times, 0.50).as_secs_f64() * 1000.0,
        percentile(&times, 0.99).as_secs_f64() * 1000.0,
        times.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        peak_rss_mb()
    );
}

/// Set in the child of a plain run: open the store without encryption.
const PLAIN_ENV: &str = "DERMIS_BENCH_PLAIN";

fn main() {
    if let Ok(dir) = std::env::var("DERMIS_BENCH_OPEN") {
        dermis_node::store::bench_plain_stores(std::env::var_os(PLAIN_ENV).is_some());
        child_open(&dir);
        return;
    }
    let scale: usize = std::env::var("DERMIS_BENCH_PATIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    println!(
        "== node store ({} build, {} cores) ==",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    // The same figures twice: a plain store (the cost's baseline), then encrypted
    // (SQLCipher, as every workstation runs).
    for plain in [true, false] {
        dermis_node::store::bench_plain_stores(plain);
        println!(
            "-- {} --",
            if plain {
                "plain store (baseline)"
            } else {
                "encrypted store (SQLCipher)"
            }
        );
        run(scale, plain);
    }
}

fn run(scale: usize, plain: bool) {
    // 1. Inserts, one durable transaction per patient, as the app and the CLI do.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut node = Node::init(dir.path(), "Bench", "Desk").expect("init");
    let session = Session::operator();
    let n: u32 = std::env::var("DERMIS_BENCH_INSERTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let started = Instant::now();
    for i in 0..n {
        let form = dermis_model::patient::PatientForm {
            first_name: format!("Anna{i}"),
            last_name: "Petrosyan".into(),
            birth_date: "1984-03-09".into(),
            phones: vec![format!("+374 10 {i:06}")],
            email: format!("anna{i}@example.am"),
            ..Default::default()
        };
        dermis_node::ops::patients::add(&mut node, &session, &form).expect("add");
    }
    let elapsed = started.elapsed();
    println!(
        "insert {n} patients, one fsync'd transaction each: {:.2} s, {:.0} patients/s, {} per insert",
        elapsed.as_secs_f64(),
        f64::from(n) / elapsed.as_secs_f64(),
        ms(elapsed / n)
    );
    drop(node);

    // 2. The demo dataset at scale, written in batches.
    let big = tempfile::tempdir().expect("tempdir");
    let mut node = Node::init(big.path(), "Bench", "Desk").expect("init");
    let started = Instant::now();
    let report = generate(
        &mut node,
        &DemoSpec {
            patients: scale,
            seed: 1,
            sales: 20_000,
        },
    )
    .expect("demo");
    let elapsed = started.elapsed();
    println!(
        "demo dataset: {} patients, {} encounters, {} sales in {:.1} s ({:.0} patients/s, batched)",
        report.patients,
        report.encounters,
        report.sales,
        elapsed.as_secs_f64(),
        report.patients as f64 / elapsed.as_secs_f64()
    );
    let size = std::fs::metadata(Node::store_path(big.path()))
        .map(|m| m.len())
        .unwrap_or(0);
    println!("store file: {:.1} MB", size as f64 / 1e6);
    chart_view_cost(&mut node);
    drop(node);

    // 3. Open + search in a fresh process.
    let exe = std::env::current_exe().expect("exe");
    let mut child = std::process::Command::new(exe);
    child.env("DERMIS_BENCH_OPEN", big.path());
    if plain {
        child.env(PLAIN_ENV, "1");
    } else {
        child.env_remove(PLAIN_ENV);
    }
    let out = child.output().expect("child");
    let line = String::from_utf8_lossy(&out.stdout);
    println!(
        "fresh process on the {scale}-patient store: {}",
        line.trim()
    );
}

/// What the audit trail adds to opening a chart: the read alone, then the read and its
/// `view` entry over the same 1,000 patients, as the window records it (a durable row in
/// the audit queue) and as the command line does (a transaction on the day's ledger);
/// then what moving the window's queued views into the ledger costs, in batches of 64.
fn chart_view_cost(node: &mut Node) {
    use dermis_model::audit::AuditAction;
    use dermis_node::ops::{audit, patients};
    let session = Session::operator();
    let ids: Vec<dermis_model::PatientId> = queries::recent_patients(node.store.conn(), 1000)
        .expect("patients")
        .into_iter()
        .map(|p| p.id.parse().expect("id"))
        .collect();
    let mut read = Vec::with_capacity(ids.len());
    let mut queued = Vec::with_capacity(ids.len());
    let mut flushes = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        let started = Instant::now();
        patients::get(node, &session, *id).expect("read");
        read.push(started.elapsed());
        let started = Instant::now();
        audit::queue(node, &session, AuditAction::View, audit::patient(*id)).expect("audit");
        queued.push(started.elapsed());
        if (n + 1) % 64 == 0 {
            let started = Instant::now();
            audit::flush_queue(node, &session).expect("flush");
            flushes.push(started.elapsed());
        }
    }
    audit::flush_queue(node, &session).expect("flush");
    let mut direct = Vec::with_capacity(ids.len());
    for id in &ids {
        let started = Instant::now();
        audit::record(node, &session, AuditAction::View, audit::patient(*id)).expect("audit");
        direct.push(started.elapsed());
    }
    for v in [&mut read, &mut queued, &mut direct, &mut flushes] {
        v.sort();
    }
    println!(
        "open a chart: read p50 {} p99 {}; its audit entry adds p50 {} p99 {} in the window (queued), p50 {} p99 {} on the command line (own ledger transaction); moving 64 queued views into the ledger p50 {} p99 {} ({} views)",
        ms(percentile(&read, 0.5)),
        ms(percentile(&read, 0.99)),
        ms(percentile(&queued, 0.5)),
        ms(percentile(&queued, 0.99)),
        ms(percentile(&direct, 0.5)),
        ms(percentile(&direct, 0.99)),
        ms(percentile(&flushes, 0.5)),
        ms(percentile(&flushes, 0.99)),
        ids.len()
    );
}
