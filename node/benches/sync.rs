//! Sync figures for `make bench`, with release builds of the real hub and node on
//! loopback: catch-up of a fresh node, edit propagation with ten nodes connected,
//! catching up after a thousand offline edits, reconnecting after one change among 50k
//! documents, hub memory, and sustained edits per second from twenty nodes.
//! `DERMIS_BENCH_PATIENTS` (default 10000) and `DERMIS_BENCH_BIG` (default 50000) scale it;
//! `DERMIS_BENCH_ONLY` (comma-separated: `catch-up`, `propagation`, `offline`, `large`,
//! `throughput`, `pushes`) runs only the sections it names, for profiling one of them.
//! The catch-up and the offline node's return start once the hub's projector has read
//! the pushed documents (`DERMIS_BENCH_PROJECTED=0`: at once, with the projector still
//! working, as before session 27) and print each sync's phases (`DERMIS_SYNC_PHASES`);
//! `DERMIS_BENCH_CATCHUP_RUNS` repeats the catch-up with more fresh nodes;
//! `DERMIS_BENCH_PROPAGATION_BEFORE` makes that many edits before propagation is measured
//! (the sender's day ledger then holds as many entries, as later in a clinic's day);
//! `DERMIS_BENCH_MARKS` prints uptime marks for cutting a `perf record -k boottime`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench that cannot set up has nothing to report.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::hub::Hub;
use common::{cmd, ok};
use dermis_node::node::{Node, Session};

fn report(d: &Path) -> serde_json::Value {
    report_with(d, true)
}

/// `sync --once --report`, the first sync in whole documents (protocol revision 5) on or
/// off (`DERMIS_SYNC_BOOTSTRAP`: pulled and fetched as revision 4).
fn report_with(d: &Path, bootstrap: bool) -> serde_json::Value {
    let out = cmd(d)
        .env(
            dermis_node::sync::client::BOOTSTRAP_ENV,
            if bootstrap { "on" } else { "off" },
        )
        .env(dermis_node::phases::PHASES_ENV, "1")
        .args(["sync", "--once", "--timeout", "600", "--report"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "sync failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.lines().last().unwrap_or("{}")).unwrap()
}

/// The phase figures a `sync --report` gives with `DERMIS_SYNC_PHASES` set.
fn phases(report: &serde_json::Value) -> String {
    report["phases"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// With `DERMIS_BENCH_MARKS` set, prints the machine's uptime (CLOCK_BOOTTIME, as
/// `perf record -k boottime` stamps samples) beside `what`, to cut a profile to one step.
fn mark(what: &str) {
    if std::env::var_os("DERMIS_BENCH_MARKS").is_some() {
        let up = std::fs::read_to_string("/proc/uptime").unwrap_or_default();
        println!(
            "  mark {what}: {}",
            up.split_whitespace().next().unwrap_or("?")
        );
    }
}

fn enroll(hub: &Hub, clinic: &str, d: &Path, name: &str) {
    let code = hub.node_add(clinic, name);
    ok(
        d,
        &[
            "enroll",
            "--hub",
            &hub.url(),
            "--code",
            &code,
            "--node-name",
            name,
        ],
    );
}

/// The hub's projector lag for `clinic` now, and (unless `DERMIS_BENCH_PROJECTED=0`)
/// the seconds until it has read everything, waited for with a deadline.
fn projected(hub: &Hub, clinic: &str) -> (i64, Option<f64>) {
    let lag = hub.projector_lag(clinic);
    if std::env::var("DERMIS_BENCH_PROJECTED").as_deref() == Ok("0") {
        return (lag, None);
    }
    let t = Instant::now();
    common::wait_until(Duration::from_secs(600), "the hub's projector", || {
        hub.projector_lag(clinic) == 0
    });
    (lag, Some(t.elapsed().as_secs_f64()))
}

/// Whether `DERMIS_BENCH_ONLY` (unset: every section) names this section.
fn wanted(section: &str) -> bool {
    std::env::var("DERMIS_BENCH_ONLY")
        .map_or(true, |only| only.split(',').any(|s| s.trim() == section))
}

/// Whether no receiver has yet reported edit `i` (`samples` holds `receivers` per
/// earlier edit).
fn pending_all(receivers: usize, samples: &[Duration], i: usize) -> bool {
    samples.len() == receivers * i
}

fn pct(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn proc_kb(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(f64::NAN)
}

/// The name and CPU time (user and system, in milliseconds) of one `/proc/.../stat`:
/// a figure of work done that holds on a machine busy with other things, unlike wall time.
fn stat_cpu_ms(stat: &str) -> Option<(&str, f64)> {
    let (head, rest) = stat.rsplit_once(')')?;
    let name = head.split_once('(').map_or("?", |(_, n)| n);
    // Fields after the command's closing parenthesis; utime and stime are the 12th and
    // 13th of them, in clock ticks (USER_HZ, 100 on Linux).
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some((name, ticks * 10.0))
}

/// The CPU time a process has used so far, in milliseconds ([`stat_cpu_ms`]).
fn proc_cpu_ms(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| stat_cpu_ms(&s).map(|(_, ms)| ms))
        .unwrap_or(f64::NAN)
}

/// [`proc_cpu_ms`] of each of a process's threads, summed by thread name (the hub's
/// store thread, its Automerge pool, its async runtime).
fn threads_cpu_ms(pid: u32) -> std::collections::BTreeMap<String, f64> {
    let mut by_name = std::collections::BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return by_name;
    };
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        let Some((name, ms)) = stat_cpu_ms(&stat) else {
            continue;
        };
        // One pool's threads under one name: `hub-automerge-0` and `-1` together.
        let name = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-');
        *by_name.entry(name.to_owned()).or_insert(0.0) += ms;
    }
    by_name
}

/// What each of the hub's thread groups used between two [`threads_cpu_ms`] readings,
/// per `per` (an edit, a push), as text.
fn threads_cpu_text(
    before: &std::collections::BTreeMap<String, f64>,
    after: &std::collections::BTreeMap<String, f64>,
    per: f64,
) -> String {
    after
        .iter()
        .map(|(name, ms)| (name, (ms - before.get(name).copied().unwrap_or(0.0)) / per))
        .filter(|(_, ms)| *ms >= 0.01)
        .map(|(name, ms)| format!("{name} {ms:.2}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn daemon(d: &Path) -> Child {
    cmd(d)
        .args(["sync"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn online(d: &Path) -> bool {
    let v: serde_json::Value = serde_json::from_str(&ok(d, &["status", "--json"])).unwrap();
    v["online"] == true
}

fn has_patient(conn: &rusqlite::Connection, id: &str) -> bool {
    conn.prepare_cached("SELECT EXISTS(SELECT 1 FROM patients WHERE id = ?1)")
        .and_then(|mut s| s.query_row([id], |r| r.get(0)))
        .unwrap_or(false)
}

fn outbox_empty(conn: &rusqlite::Connection) -> bool {
    conn.prepare_cached("SELECT NOT EXISTS(SELECT 1 FROM outbox)")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .unwrap_or(false)
}

/// `PRAGMA data_version`: it changes when another connection commits to the store, and
/// is read from the WAL index without a page of a table. The propagation section polls
/// it every 200 µs and queries a store only when it changed: a query per poll on each of
/// nine encrypted stores kept part of one of the machine's two cores busy, beside the
/// processes being measured.
fn data_version(conn: &rusqlite::Connection) -> i64 {
    conn.prepare_cached("PRAGMA data_version")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .unwrap_or(-1)
}

/// Whether `conn`'s store changed since `seen` (then `seen` is updated): a store not yet
/// polled (`seen` of `i64::MIN`) counts as changed.
fn changed(conn: &rusqlite::Connection, seen: &mut i64) -> bool {
    let now = data_version(conn);
    let changed = now != *seen;
    *seen = now;
    changed
}

fn main() {
    let patients: usize = std::env::var("DERMIS_BENCH_PATIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let big: usize = std::env::var("DERMIS_BENCH_BIG")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let hub_dir = root.join("hub");
    std::fs::create_dir_all(&hub_dir).unwrap();
    let hub = Hub::start(&hub_dir);
    println!("== sync (release builds, loopback, embedded hub store) ==");
    let session = Session::operator();

    // 1. A fresh node catches up with a clinic's dataset.
    if wanted("catch-up") {
        let clinic = hub.clinic_add("Catch-up");
        let src = root.join("src");
        enroll(&hub, &clinic, &src, "source");
        let t = Instant::now();
        ok(
            &src,
            &[
                "demo",
                "--patients",
                &patients.to_string(),
                "--sales",
                "20000",
                "--seed",
                "1",
            ],
        );
        println!(
            "dataset: {patients} patients (~3 encounters each), 20000 sales, made in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        mark("push starts");
        let push = report(&src);
        mark("push ends");
        println!(
            "push to hub: {} docs in {} ms ({:.0} docs/s, {:.1} MB up)",
            push["pushed_docs"],
            push["elapsed_ms"],
            push["pushed_docs"].as_f64().unwrap_or(0.0) * 1000.0
                / push["elapsed_ms"].as_f64().unwrap_or(1.0),
            push["bytes_up"].as_f64().unwrap_or(0.0) / 1e6
        );
        println!("  phases: {}", phases(&push));
        // A workstation joins a clinic whose hub has long read what it holds: the hub's
        // projector finishes the pushed documents first, unless
        // DERMIS_BENCH_PROJECTED=0 (then it runs during the catch-up, as before).
        match projected(&hub, &clinic) {
            (lag, Some(secs)) => println!(
                "hub projector: {lag} docs behind after the push, caught up {secs:.1} s later"
            ),
            (lag, None) => {
                println!("hub projector: {lag} docs behind at the start of the catch-up")
            }
        }
        // DERMIS_BENCH_CATCHUP_RUNS (default 1): more fresh nodes catch up the same
        // dataset one after another, each printed, for a spread without another push.
        let runs: usize = std::env::var("DERMIS_BENCH_CATCHUP_RUNS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1)
            .max(1);
        let mut last = None;
        for run in 0..runs {
            let dst = root.join(format!("dst{run}"));
            enroll(&hub, &clinic, &dst, &format!("fresh{run}"));
            mark("catch-up starts");
            let pull = report(&dst);
            mark("catch-up ends");
            println!(
                "  phases: {}; hub projector {} docs behind after it",
                phases(&pull),
                hub.projector_lag(&clinic)
            );
            let pulled = pull["pulled_docs"].as_f64().unwrap_or(0.0);
            let pull_ms = pull["elapsed_ms"].as_f64().unwrap_or(1.0);
            println!(
                "fresh node catch-up: {pulled} docs in {pull_ms} ms ({:.0} docs/s), {:.1} MB down, node peak RSS {:.1} MB",
                pulled * 1000.0 / pull_ms,
                pull["bytes_down"].as_f64().unwrap_or(0.0) / 1e6,
                pull["peak_rss_mb"].as_f64().unwrap_or(f64::NAN)
            );
            last = Some((dst, pull_ms));
        }
        let (dst, pull_ms) = last.expect("at least one catch-up ran");
        // The same catch-up as a revision 4 node makes it (Pull, Index, Fetch), for the
        // comparison; after the bootstrap, so the headline figure is measured as before.
        let older = root.join("dst-r4");
        enroll(&hub, &clinic, &older, "fresh-r4");
        mark("revision 4 catch-up starts");
        let r4 = report_with(&older, false);
        mark("revision 4 catch-up ends");
        println!(
            "fresh node catch-up without bootstrap (revision 4: index, fetch): {} docs in {} ms, node peak RSS {:.1} MB",
            r4["pulled_docs"],
            r4["elapsed_ms"],
            r4["peak_rss_mb"].as_f64().unwrap_or(f64::NAN)
        );
        println!("  phases: {}", phases(&r4));
        {
            let mut node = Node::open(&dst).unwrap();
            node.store.set_cache_capacity(1);
            let ids: Vec<String> = node
                .store
                .conn()
                .prepare("SELECT id FROM docs")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let t = Instant::now();
            for id in &ids {
                node.store
                    .with_doc(id.parse().unwrap(), |d| {
                        std::hint::black_box(d.get_actor().to_bytes().len())
                    })
                    .unwrap();
            }
            let local = t.elapsed();
            println!(
                "loading the same {} docs from local disk: {:.0} ms; catch-up is {:.1}x that",
                ids.len(),
                ms(local),
                pull_ms / ms(local)
            );
        }
    }
    // 2. Edit propagation node -> hub -> node with ten nodes connected.
    if wanted("propagation") {
        let clinic = hub.clinic_add("Propagation");
        // DERMIS_BENCH_PROPAGATION_NODES (default 10, at least 2): fewer nodes show the
        // path's own latency without the receivers' work on the same two cores.
        let count: usize = std::env::var("DERMIS_BENCH_PROPAGATION_NODES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(10)
            .max(2);
        let nodes: Vec<PathBuf> = (0..count).map(|i| root.join(format!("p{i}"))).collect();
        for (i, d) in nodes.iter().enumerate() {
            enroll(&hub, &clinic, d, &format!("p{i}"));
        }
        let mut daemons: Vec<Child> = nodes.iter().map(|d| daemon(d)).collect();
        common::wait_until(Duration::from_secs(60), "every node online", || {
            nodes.iter().all(|d| online(d))
        });
        let mut sender = Node::open(&nodes[0]).unwrap();
        let receivers: Vec<rusqlite::Connection> = nodes[1..]
            .iter()
            .map(|d| dermis_node::store::Store::connect(&Node::store_path(d)).unwrap())
            .collect();
        let outbox = dermis_node::store::Store::connect(&Node::store_path(&nodes[0])).unwrap();
        // Per edit, until the sender's outbox is empty again: its daemon woke, pushed,
        // the hub committed and acknowledged, and the daemon stored the ack — the first
        // half of the path, beside the whole.
        let mut acks = Vec::new();
        let mut samples = Vec::new();
        // Per edit, the first of the nine to have it: the path's own latency, without the
        // queue of nine nodes applying it on this machine's two cores.
        let mut firsts = Vec::new();
        // Per edit, the sender's own commit (part of every figure here).
        let mut commits = Vec::new();
        // CPU used over the 100 edits by the hub, the sender's daemon and the receivers'
        // daemons: the work per propagated edit, which wall time on a busy machine hides.
        let cpu_of = |daemons: &[Child]| {
            (
                proc_cpu_ms(hub.pid()),
                proc_cpu_ms(daemons[0].id()),
                daemons[1..]
                    .iter()
                    .map(|d| proc_cpu_ms(d.id()))
                    .sum::<f64>(),
            )
        };
        // DERMIS_BENCH_PROPAGATION_BEFORE (default 0): edits made and propagated before
        // measuring. Each edit adds an entry to the sender's day ledger, which every
        // later edit changes again: 1,000 shows a busy afternoon rather than a morning.
        let before: usize = std::env::var("DERMIS_BENCH_PROPAGATION_BEFORE")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if before > 0 {
            let mut last = String::new();
            for i in 0..before {
                let form = dermis_model::patient::PatientForm {
                    first_name: format!("Earlier{i}"),
                    last_name: "Propagation".into(),
                    ..Default::default()
                };
                last = dermis_node::ops::patients::add(&mut sender, &session, &form)
                    .unwrap()
                    .to_string();
            }
            common::wait_until(
                Duration::from_secs(600),
                "the earlier edits everywhere",
                || outbox_empty(&outbox) && receivers.iter().all(|r| has_patient(r, &last)),
            );
            println!("edit propagation: {before} edits made and propagated before measuring");
        }
        // The last `PRAGMA data_version` each poll saw, per receiver and for the outbox.
        let mut seen = vec![i64::MIN; receivers.len()];
        let mut outbox_seen = i64::MIN;
        let cpu_before = cpu_of(&daemons);
        let bench_before = proc_cpu_ms(std::process::id());
        let hub_threads = threads_cpu_ms(hub.pid());
        let cache_of = || {
            (
                hub.metric("dermis_doc_cache_hits_total").unwrap_or(0.0),
                hub.metric("dermis_doc_cache_misses_total").unwrap_or(0.0),
            )
        };
        let cache_before = cache_of();
        for i in 0..100 {
            let form = dermis_model::patient::PatientForm {
                first_name: format!("Live{i}"),
                last_name: "Propagation".into(),
                ..Default::default()
            };
            let t = Instant::now();
            let id = dermis_node::ops::patients::add(&mut sender, &session, &form)
                .unwrap()
                .to_string();
            commits.push(t.elapsed());
            let mut pending: Vec<usize> = (0..receivers.len()).collect();
            let mut acked = false;
            while !pending.is_empty() || !acked {
                if !acked && changed(&outbox, &mut outbox_seen) && outbox_empty(&outbox) {
                    acks.push(t.elapsed());
                    acked = true;
                }
                pending.retain(|r| {
                    if changed(&receivers[*r], &mut seen[*r]) && has_patient(&receivers[*r], &id) {
                        if pending_all(receivers.len(), &samples, i) {
                            firsts.push(t.elapsed());
                        }
                        samples.push(t.elapsed());
                        false
                    } else {
                        true
                    }
                });
                assert!(
                    t.elapsed() < Duration::from_secs(30),
                    "edit {i} did not arrive"
                );
                #[allow(clippy::disallowed_methods)]
                std::thread::sleep(Duration::from_micros(200));
            }
        }
        println!(
            "edit propagation (commit on node 1 -> indexed on each of {} others, {count} nodes online, {} samples): p50 {:.1} ms, p99 {:.1} ms",
            count - 1,
            samples.len(),
            ms(pct(samples.clone(), 0.5)),
            ms(pct(samples, 0.99))
        );
        println!(
            "edit propagation, first of the {} to have each edit: p50 {:.1} ms, p99 {:.1} ms",
            count - 1,
            ms(pct(firsts.clone(), 0.5)),
            ms(pct(firsts, 0.99))
        );
        println!(
            "edit propagation, the sender's push acknowledged (its outbox empty again): p50 {:.1} ms, p99 {:.1} ms",
            ms(pct(acks.clone(), 0.5)),
            ms(pct(acks, 0.99))
        );
        println!(
            "edit propagation, the sender's own commit of the edit (included above): p50 {:.1} ms, p99 {:.1} ms",
            ms(pct(commits.clone(), 0.5)),
            ms(pct(commits, 0.99))
        );
        let cpu_after = cpu_of(&daemons);
        println!(
            "edit propagation, CPU per edit: hub {:.2} ms, the sender's daemon {:.2} ms, each receiving daemon {:.2} ms, this bench (the sender's commit and the polls) {:.2} ms",
            (cpu_after.0 - cpu_before.0) / 100.0,
            (cpu_after.1 - cpu_before.1) / 100.0,
            (cpu_after.2 - cpu_before.2) / 100.0 / (count - 1) as f64,
            (proc_cpu_ms(std::process::id()) - bench_before) / 100.0
        );
        println!(
            "edit propagation, the hub's CPU per edit by thread: {}",
            threads_cpu_text(&hub_threads, &threads_cpu_ms(hub.pid()), 100.0)
        );
        let cache_after = cache_of();
        println!(
            "edit propagation, the hub's document cache per edit: {:.2} copies, {:.2} loads",
            (cache_after.0 - cache_before.0) / 100.0,
            (cache_after.1 - cache_before.1) / 100.0
        );
        for mut d in daemons.drain(..) {
            let _ = (d.kill(), d.wait());
        }
    }
    // 3. A node offline while another makes 1000 edits, then reconnects.
    if wanted("offline") {
        let clinic = hub.clinic_add("Offline");
        let (w, o) = (root.join("writer"), root.join("offline"));
        enroll(&hub, &clinic, &w, "writer");
        enroll(&hub, &clinic, &o, "offline");
        report(&w);
        report(&o);
        let mut writer = Node::open(&w).unwrap();
        let mut ids = Vec::new();
        for i in 0..1000 {
            if i % 2 == 0 || ids.is_empty() {
                let form = dermis_model::patient::PatientForm {
                    first_name: format!("Off{i}"),
                    last_name: "Line".into(),
                    ..Default::default()
                };
                ids.push(dermis_node::ops::patients::add(&mut writer, &session, &form).unwrap());
            } else {
                let id = ids[i % ids.len()];
                let p = dermis_node::ops::patients::get(&mut writer, &session, id).unwrap();
                let mut form = dermis_model::patient::PatientForm::from_patient(&p);
                form.notes = format!("visit note {i}");
                dermis_node::ops::patients::update(&mut writer, &session, id, &form).unwrap();
            }
        }
        report(&w);
        // Back after a while offline: the hub has read the edits by then (as for the
        // catch-up, DERMIS_BENCH_PROJECTED=0 comes back at once, the projector working).
        let (lag, secs) = projected(&hub, &clinic);
        println!(
            "hub projector: {lag} docs behind when the writer's sync ended, {} {:.2} s later",
            hub.projector_lag(&clinic),
            secs.unwrap_or(0.0)
        );
        let back = report(&o);
        println!(
            "offline node catching up on 1000 edits (500 new patients, 500 updates): {} ms, {} docs, {:.0} KB down",
            back["elapsed_ms"],
            back["pulled_docs"],
            back["bytes_down"].as_f64().unwrap_or(0.0) / 1e3
        );
        println!("  phases: {}", phases(&back));
    }
    // 4. Reconnect after one change among a large store; hub memory with it.
    if wanted("large") {
        let clinic = hub.clinic_add("Large");
        let (f, g) = (root.join("large-a"), root.join("large-b"));
        enroll(&hub, &clinic, &f, "large-a");
        enroll(&hub, &clinic, &g, "large-b");
        let t = Instant::now();
        ok(
            &f,
            &[
                "demo",
                "--patients",
                &big.to_string(),
                "--sales",
                "2000",
                "--seed",
                "2",
            ],
        );
        println!(
            "large dataset: {big} patients made in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let push = report(&f);
        println!(
            "large push: {} docs in {} ms",
            push["pushed_docs"], push["elapsed_ms"]
        );
        let pull = report(&g);
        println!(
            "large catch-up: {} docs in {} ms, node peak RSS {:.1} MB",
            pull["pulled_docs"],
            pull["elapsed_ms"],
            pull["peak_rss_mb"].as_f64().unwrap_or(f64::NAN)
        );
        let pid = hub.pid();
        println!(
            "hub RSS with {} documents stored: {:.1} MB now, {:.1} MB peak",
            big + patients + 600,
            proc_kb(pid, "VmRSS:") / 1024.0,
            proc_kb(pid, "VmHWM:") / 1024.0
        );
        let id = ok(&f, &["patient", "search", "a", "--limit", "1", "--json"]);
        let id: serde_json::Value = serde_json::from_str(&id).unwrap();
        let id = id[0]["id"].as_str().unwrap().to_owned();
        ok(
            &f,
            &["patient", "update", &id, "--notes", "one change among many"],
        );
        report(&f);
        let one = report(&g);
        println!(
            "reconnect after one change among {big}+ docs: {} ms, {} B up + {} B down",
            one["elapsed_ms"], one["bytes_up"], one["bytes_down"]
        );
    }
    // 5. Sustained edits per second through one hub from twenty nodes.
    if wanted("throughput") {
        let clinic = hub.clinic_add("Throughput");
        let (edits, applied, secs) =
            throughput::run(&hub, &clinic, 20, Duration::from_secs(10), true);
        println!(
            "sustained from 20 nodes through one hub: {:.0} edits/s ({edits} edits stored and acknowledged in {secs:.1} s; {:.0} document pushes/s applied by the hub, edits made while a push is in flight travel together)",
            edits as f64 / secs,
            applied as f64 / secs
        );
    }
    // 6. Document pushes per second, one edit per push: each node edits again only once
    // its previous push is acknowledged (durable on the hub), so nothing is coalesced and
    // the figure is the hub's pushes applied durably; with group commit (the default) and
    // with each push in a transaction of its own (HUB_GROUP_COMMIT_MAX=1), side by side.
    if wanted("pushes") {
        for (label, max) in [
            ("group commit", None),
            ("one push per transaction", Some("1")),
        ] {
            let dir = root.join(format!("hub-pushes-{}", max.unwrap_or("default")));
            std::fs::create_dir_all(&dir).unwrap();
            let env = max
                .map(|m| vec![("HUB_GROUP_COMMIT_MAX".to_owned(), m.to_owned())])
                .unwrap_or_default();
            let hub = Hub::start_with(&dir, env);
            let clinic = hub.clinic_add("Pushes");
            let cpu = proc_cpu_ms(hub.pid());
            let threads = threads_cpu_ms(hub.pid());
            let (edits, applied, secs) =
                throughput::run(&hub, &clinic, 20, Duration::from_secs(10), false);
            let cpu = proc_cpu_ms(hub.pid()) - cpu;
            let threads =
                threads_cpu_text(&threads, &threads_cpu_ms(hub.pid()), applied.max(1) as f64);
            println!(
                "document pushes applied durably through one hub, 20 nodes, one edit per push ({label}): {:.0} pushes/s ({applied} pushes, {edits} edits in {secs:.1} s); hub CPU {:.2} ms per push (its user+system time over the run, enrolling the 20 included)",
                applied as f64 / secs,
                cpu / applied.max(1) as f64
            );
            println!("  the hub's CPU per push by thread: {threads}");
        }
    }
}

mod throughput {
    //! Twenty protocol clients (the sans-IO node engine over real WebSockets, with
    //! in-memory stores so the figure is the hub's, not twenty SQLite disks'), each
    //! editing its own patients as fast as it can.

    use std::time::{Duration, Instant};

    use dermis_sync::EngineConfig;
    use dermis_sync::driver::{now_or_never, run_node_op};
    use dermis_sync::memory::MemoryNodeStore;
    use dermis_sync::node_engine::{NodeOutput, NodeSession};
    use dermis_sync::store::NodeSyncStore;
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    use super::common::hub::Hub;

    /// Returns (edits acknowledged, document pushes applied, seconds). With `coalesce`
    /// a node edits while its push is in flight (edits travel together); without, it
    /// edits only once its outbox is empty, so every push carries one edit.
    pub fn run(
        hub: &Hub,
        clinic: &str,
        nodes: usize,
        for_how_long: Duration,
        coalesce: bool,
    ) -> (u64, u64, f64) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut tasks = Vec::new();
            let started = Instant::now();
            for i in 0..nodes {
                let code = hub.node_add(clinic, &format!("t{i}"));
                let link = dermis_node::sync::link::HubLink::new(&hub.url(), false, None).unwrap();
                let enrolled = dermis_node::sync::enroll::request(&link, &code, &format!("t{i}"))
                    .await
                    .unwrap();
                let url = format!("ws://{}/sync", hub.addr);
                tasks.push(tokio::spawn(client(url, enrolled, for_how_long, coalesce)));
            }
            let (mut edits, mut applied) = (0, 0);
            for t in tasks {
                let (e, a) = t.await.unwrap();
                edits += e;
                applied += a;
            }
            (edits, applied, started.elapsed().as_secs_f64())
        })
    }

    async fn client(
        url: String,
        enrolled: dermis_node::sync::enroll::Enrolled,
        for_how_long: Duration,
        coalesce: bool,
    ) -> (u64, u64) {
        let actor = dermis_model::doc::actor_for_node(enrolled.node_id);
        let mut store = MemoryNodeStore::with_actor(enrolled.clinic_id, actor.clone());
        let now = || dermis_model::now_millis();
        let ids: Vec<uuid::Uuid> = (0..5)
            .map(|k| {
                let id = dermis_model::PatientId::new();
                let draft = dermis_model::patient::PatientDraft {
                    first_name: format!("T{k}"),
                    last_name: "Load".into(),
                    ..Default::default()
                };
                let doc = dermis_model::patient::create_patient(
                    id,
                    enrolled.clinic_id,
                    &draft,
                    "T",
                    now(),
                    None,
                    actor.clone(),
                )
                .unwrap();
                store.create(id.0, dermis_model::DocType::Patient, doc, now());
                id.0
            })
            .collect();
        let mut request = url.as_str().into_client_request().unwrap();
        request.headers_mut().insert(
            "authorization",
            format!("Bearer {}", enrolled.token).parse().unwrap(),
        );
        let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        let mut session = NodeSession::new(enrolled.node_id.0, EngineConfig::default());
        let mut queue = session.start(now(), 0, Default::default());
        let started = Instant::now();
        let mut edits = 0u64;
        let mut n = 0usize;
        loop {
            while !queue.is_empty() {
                for out in std::mem::take(&mut queue) {
                    match out {
                        NodeOutput::Send(b) => ws.send(Message::Binary(b.into())).await.unwrap(),
                        NodeOutput::Store(op) => {
                            let r = now_or_never(run_node_op(&mut store, session.clinic(), op))
                                .unwrap();
                            queue.extend(session.stored(now(), r));
                        }
                        NodeOutput::Close { reason, .. } => panic!("session closed: {reason}"),
                        _ => {}
                    }
                }
            }
            let editing = started.elapsed() < for_how_long;
            let drained = now_or_never(store.outbox_stats(now()))
                .unwrap()
                .unwrap()
                .count
                == 0;
            if !editing && session.is_caught_up() && drained {
                return (edits, session.stats().pushed_docs);
            }
            if editing && (coalesce || drained) {
                // Edit while the previous push is in flight: edits accumulate and go out together.
                let id = ids[n % ids.len()];
                n += 1;
                if store
                    .edit(id, now(), |doc| {
                        let _ = dermis_model::doc::put_str(
                            doc,
                            &automerge::ROOT,
                            "notes_plain",
                            &format!("edit {n}"),
                        );
                    })
                    .is_some()
                {
                    edits += 1;
                }
                queue.extend(session.local_change(now()));
                if coalesce
                    && let Ok(Some(Ok(Message::Binary(b)))) =
                        tokio::time::timeout(Duration::from_micros(1), ws.next()).await
                {
                    queue.extend(session.handle_frame(now(), &b));
                }
            } else {
                match tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
                    Ok(Some(Ok(Message::Binary(b)))) => {
                        queue.extend(session.handle_frame(now(), &b))
                    }
                    Ok(Some(Ok(_))) => {}
                    other => panic!("connection ended: {other:?}"),
                }
            }
        }
    }
}
