//! `/admin` in a real browser: headless Chromium, driven by `playwright-core` from
//! `hub/tests/browser` (its npm dependencies are installed with `npm ci` when missing),
//! signs in, sees the node list, and watches a node go online and offline as a real
//! sync client connects and disconnects — without reloading the page; opens the webhook
//! deliveries, negative stock and open conflicts pages from the navigation; then retries
//! a dead job from `/admin/jobs`. A second test has a page of another site post the
//! admin's credentials to the sign-in form (login CSRF), and a sign-out: both refused.
//! A third signs in as an admin limited to one clinic: its workstation goes online live,
//! nothing of the other clinic shows, and the hub-wide pages and the other clinic's
//! workstation are refused. A fourth opens a clinic's report from the navigation, picks
//! a period in the form, reads its totals, downloads its sales CSV from the link and
//! follows a preset (`DERMIS_UPDATE_SCREENSHOTS=1` saves docs/screenshots/admin-reports.png).
//!
//! Needs `chromium` and `node` (scripts/setup.sh installs them). Without them the test
//! is skipped with a notice, except under `CI=true`, where that is a failure.

#[allow(dead_code)]
mod common;
#[path = "readmodel/docs.rs"]
#[allow(dead_code)]
mod docs;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use dermis_hub::auth::{self, AuthOptions};
use dermis_hub::jobs::{JobState, JobStore};
use dermis_hub::store::{AdminStore, NewAdmin, OpsStore, Scope};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use common::node::TestNode;
use common::npm;
use common::{TestHub, create_clinic, dead_job, enroll, options, skip};

const PASSWORD: &str = "browser test password";

fn chromium() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    npm::which("chromium").or_else(|| npm::which("chromium-browser"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_goes_online_and_offline_on_the_live_admin_page() {
    let (Some(chromium), Some(node_bin)) = (chromium(), npm::which("node")) else {
        skip(
            "chromium or node is not installed: the browser test is skipped (scripts/setup.sh installs them)",
        );
        return;
    };
    let dir = npm::browser_dir();
    npm::npm_ci(&dir).await;

    let Some(f) = common::sqlite().await else {
        return;
    };
    let store = f.store.clone();
    let hash = auth::hash_password(PASSWORD).unwrap_or_else(|e| panic!("{e}"));
    store
        .create_admin("browser", &hash, dermis_model::now_millis())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let mut opts = options(f.dir.path(), Duration::from_secs(2));
    opts.auth = AuthOptions::default().with_secret(b"browser-test");
    opts.admin_refresh = Duration::from_millis(200);
    // No workers: the job the browser retries stays queued for the test to see.
    opts.jobs.workers = 0;
    let hub = TestHub::start(f.store.clone(), opts).await;
    let job = dead_job(&store).await;
    let clinic = create_clinic(&store, "Browser Clinic").await;
    let node = TestNode::new(&enroll(&store, &hub, clinic, "Front desk").await);

    let mut child = Command::new(node_bin)
        .arg("admin.mjs")
        .current_dir(&dir)
        .env("HUB_URL", hub.http(""))
        .env("ADMIN_USER", "browser")
        .env("ADMIN_PASSWORD", PASSWORD)
        .env("NODE_ID", node.id.to_string())
        .env("JOB_ID", job.to_string())
        .env("CHROMIUM", &chromium)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("starting node admin.mjs: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut lines = BufReader::new(stdout).lines();
    let mut link = None;
    let mut said = Vec::new();
    let drive = async {
        while let Ok(Some(line)) = lines.next_line().await {
            said.push(line.clone());
            if line == "READY" {
                link = Some(node.connect(&hub.ws()).await);
            } else if line.starts_with("ONLINE")
                && let Some(link) = link.take()
            {
                link.abort();
            } else if line.starts_with("RETRIED") {
                break;
            }
        }
    };
    let finished = tokio::time::timeout(Duration::from_secs(90), drive).await;
    let output = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output()).await;
    let (status, stderr) = match output {
        Ok(Ok(out)) => (
            out.status,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ),
        other => panic!("the browser script did not exit: {other:?}"),
    };
    assert!(
        finished.is_ok(),
        "the browser script timed out; it said {said:?}\n{stderr}"
    );
    assert!(
        status.success(),
        "the browser script failed; it said {said:?}\n{stderr}"
    );
    assert!(said.iter().any(|l| l.starts_with("ONLINE")), "{said:?}");
    assert!(
        said.iter().any(|l| l.starts_with("OFFLINE Offline since")),
        "{said:?}"
    );
    assert!(said.iter().any(|l| l == "PAGES ok"), "{said:?}");
    assert!(
        said.iter().any(|l| l == "RETRIED waiting"),
        "the retried job shows as waiting: {said:?}"
    );
    let retried = store
        .job(job)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .unwrap_or_else(|| panic!("the job is gone"));
    assert_eq!(
        (retried.state, retried.attempts),
        (JobState::Pending, 0),
        "back in the queue with fresh attempts"
    );
    hub.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_or_sign_out_posted_from_another_site_is_refused() {
    let (Some(chromium), Some(node_bin)) = (chromium(), npm::which("node")) else {
        skip(
            "chromium or node is not installed: the browser test is skipped (scripts/setup.sh installs them)",
        );
        return;
    };
    let dir = npm::browser_dir();
    npm::npm_ci(&dir).await;
    let Some(f) = common::sqlite().await else {
        return;
    };
    let hash = auth::hash_password(PASSWORD).unwrap_or_else(|e| panic!("{e}"));
    f.store
        .create_admin("browser", &hash, dermis_model::now_millis())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let mut opts = options(f.dir.path(), Duration::from_secs(2));
    opts.auth = AuthOptions::default().with_secret(b"browser-test");
    let hub = TestHub::start(f.store.clone(), opts).await;
    let run = Command::new(node_bin)
        .arg("cross_site.mjs")
        .current_dir(&dir)
        .env("HUB_URL", hub.http(""))
        .env("ADMIN_USER", "browser")
        .env("ADMIN_PASSWORD", PASSWORD)
        .env("CHROMIUM", &chromium)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(90), run)
        .await
        .unwrap_or_else(|_| panic!("the browser script did not finish"))
        .unwrap_or_else(|e| panic!("node cross_site.mjs: {e}"));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "the browser script failed; it said {said}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(
        lines,
        [
            "CROSS_SIGNIN 403 no-cookie",
            "OWN_SIGNIN ok",
            "CROSS_SIGNOUT 403 signed-in"
        ],
        "{said}"
    );
    hub.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clinic_limited_admin_sees_only_its_clinic() {
    let (Some(chromium), Some(node_bin)) = (chromium(), npm::which("node")) else {
        skip(
            "chromium or node is not installed: the browser test is skipped (scripts/setup.sh installs them)",
        );
        return;
    };
    let dir = npm::browser_dir();
    npm::npm_ci(&dir).await;
    let Some(f) = common::sqlite().await else {
        return;
    };
    let store = f.store.clone();
    let own_clinic = create_clinic(&store, "Own Clinic").await;
    let other_clinic = create_clinic(&store, "Other Clinic").await;
    let hash = auth::hash_password(PASSWORD).unwrap_or_else(|e| panic!("{e}"));
    let limited = NewAdmin {
        username: "limited".into(),
        password_hash: hash,
        scope: Scope::Clinics(vec![own_clinic]),
        email: None,
        oidc_subject: None,
    };
    store
        .add_admin(&limited, dermis_model::now_millis())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let mut opts = options(f.dir.path(), Duration::from_secs(2));
    opts.auth = AuthOptions::default().with_secret(b"browser-test");
    opts.admin_refresh = Duration::from_millis(200);
    let hub = TestHub::start(f.store.clone(), opts).await;
    let own = TestNode::new(&enroll(&store, &hub, own_clinic, "Own desk").await);
    let other = enroll(&store, &hub, other_clinic, "Other desk").await;

    let mut child = Command::new(node_bin)
        .arg("scoped.mjs")
        .current_dir(&dir)
        .env("HUB_URL", hub.http(""))
        .env("ADMIN_USER", "limited")
        .env("ADMIN_PASSWORD", PASSWORD)
        .env("OWN_NODE", own.id.to_string())
        .env("OTHER_NODE", other.node_id.to_string())
        .env("OTHER_CLINIC", other_clinic.to_string())
        .env("CHROMIUM", &chromium)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("starting node scoped.mjs: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut lines = BufReader::new(stdout).lines();
    let mut link = None;
    let mut said = Vec::new();
    let drive = async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line == "READY" {
                link = Some(own.connect(&hub.ws()).await);
            }
            said.push(line);
        }
    };
    let finished = tokio::time::timeout(Duration::from_secs(90), drive).await;
    let output = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output()).await;
    let (status, stderr) = match output {
        Ok(Ok(out)) => (
            out.status,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ),
        other => panic!("the browser script did not exit: {other:?}"),
    };
    assert!(
        finished.is_ok() && status.success(),
        "the browser script failed; it said {said:?}\n{stderr}"
    );
    assert_eq!(
        said,
        [
            "READY",
            "OWN ok",
            "OTHER 0",
            "NAV /admin,/admin/webhooks,/admin/stock,/admin/conflicts,/admin/staff,/admin/audit,/admin/reports",
            "FOREIGN_NODE 404 There is no such workstation.",
            "HEALTH 403 This page covers the whole hub; your account is limited to some clinics.",
        ],
        "{stderr}"
    );
    if let Some(link) = link {
        link.abort();
    }
    hub.stop().await;
}

/// Two weeks of a small shop: a cream sold every day (more at the weekend, some by card),
/// sunscreen on some days, new patients and visits by two doctors; projected.
async fn a_fortnight<S: dermis_hub::store::HubStore>(store: &S, clinic: dermis_model::ClinicId) {
    use dermis_model::encounter::Author;
    use dermis_model::ledger::{Payment, PaymentMethod};
    use dermis_model::{DocType, NodeId};
    use docs::{DAY, T0};

    let mut pushed = Vec::new();
    let doctors = [
        Author {
            id: None,
            name: "Dr Amara Diallo".into(),
        },
        Author {
            id: None,
            name: "Dr Lucas Martin".into(),
        },
    ];
    let mut patients = Vec::new();
    for day in 0..14_i64 {
        for n in 0..(1 + day % 3) {
            let (id, mut doc) = docs::patient(
                clinic,
                "Client",
                &format!("Number {day}-{n}"),
                &format!("M-{day:02}{n}"),
                T0 + day * DAY + n * 3_600_000,
            );
            if n < 2 {
                let date = time::Date::from_julian_day(
                    time::macros::date!(2027 - 01 - 15).to_julian_day()
                        + i32::try_from(day).unwrap_or(0),
                )
                .unwrap_or_else(|e| panic!("{e}"));
                docs::visit(
                    &mut doc,
                    &doctors[usize::from(n == 1 || day % 4 == 0)],
                    date,
                    day < 12,
                );
            }
            patients.push(id);
            pushed.push((id, DocType::Patient, doc.save()));
        }
    }
    for (sku, price, every) in [("CREAM-50", 2490, 1_i64), ("SPF50", 1890, 2)] {
        let (product, mut p_doc) = docs::product(clinic, sku, price);
        let node = NodeId::new();
        let sales: Vec<_> = (0..14_i64)
            .filter(|day| day % every == 0)
            .map(|day| {
                let qty =
                    1 + (day * 7 + i64::from(price == 1890)) % 4 + i64::from(day % 7 >= 5) * 2;
                let mut sale = docs::sale(
                    node,
                    product,
                    sku,
                    qty,
                    price,
                    T0 + day * DAY,
                    patients.get(usize::try_from(day).unwrap_or(0)).copied(),
                );
                if day % 3 == 1 {
                    sale.payments = vec![Payment {
                        method: PaymentMethod::Card,
                        amount_minor: sale.total_minor,
                    }];
                    sale.change_minor = 0;
                }
                sale
            })
            .collect();
        let (ledger, mut l_doc) = docs::ledger(clinic, node, sku, product, 60, &sales);
        pushed.push((product, DocType::Product, p_doc.save()));
        pushed.push((ledger, DocType::Ledger, l_doc.save()));
    }
    docs::push(store, clinic, pushed).await;
    dermis_hub::webhooks::projector::project_all(store, &dermis_model::now_millis)
        .await
        .unwrap_or_else(|e| panic!("project: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accountant_reads_a_clinics_report_and_downloads_it() {
    let (Some(chromium), Some(node_bin)) = (chromium(), npm::which("node")) else {
        skip(
            "chromium or node is not installed: the browser test is skipped (scripts/setup.sh installs them)",
        );
        return;
    };
    let dir = npm::browser_dir();
    npm::npm_ci(&dir).await;
    let Some(f) = common::sqlite().await else {
        return;
    };
    let store = f.store.clone();
    let clinic = create_clinic(&store, "Clinique Étoile").await;
    create_clinic(&store, "Another Clinic").await;
    a_fortnight(&store, clinic).await;
    let hash = auth::hash_password(PASSWORD).unwrap_or_else(|e| panic!("{e}"));
    store
        .create_admin("browser", &hash, dermis_model::now_millis())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let mut opts = options(f.dir.path(), Duration::from_secs(2));
    opts.auth = AuthOptions::default().with_secret(b"browser-test");
    let hub = TestHub::start(f.store.clone(), opts).await;
    let shot_dir = common::tempdir();
    let shot = if std::env::var("DERMIS_UPDATE_SCREENSHOTS").is_ok_and(|v| v == "1") {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots/admin-reports.png")
    } else {
        shot_dir.path().join("admin-reports.png")
    };
    let preset_before =
        dermis_hub::reports::Period::preset("last-month", dermis_hub::reports::today_utc())
            .map(|p| p.iso())
            .unwrap_or_else(|e| panic!("{e}"));
    let run = Command::new(node_bin)
        .arg("reports.mjs")
        .current_dir(&dir)
        .env("HUB_URL", hub.http(""))
        .env("ADMIN_USER", "browser")
        .env("ADMIN_PASSWORD", PASSWORD)
        .env("CLINIC", clinic.to_string())
        .env("FROM", "2027-01-15")
        .env("TO", "2027-01-28")
        .env("SCREENSHOT", &shot)
        .env("CHROMIUM", &chromium)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(90), run)
        .await
        .unwrap_or_else(|_| panic!("the browser script did not finish"))
        .unwrap_or_else(|e| panic!("node reports.mjs: {e}"));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "the browser script failed; it said {said}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = said.lines().collect();
    let preset_after =
        dermis_hub::reports::Period::preset("last-month", dermis_hub::reports::today_utc())
            .map(|p| p.iso())
            .unwrap_or_else(|e| panic!("{e}"));
    let preset = |(from, to): &(String, String)| format!("PRESET {from}..{to}");
    assert_eq!(
        lines[..lines.len() - 1],
        [
            "SECTIONS sales,methods,tax,stock,visits,patients",
            "CHARTS 5",
            "NET_TOTAL €1,524.30",
            "STOCK_TOTAL €1,103.70",
            "ALIGN right",
            "CSV dermis-sales-2027-01-15-2027-01-28.csv date,currency,sales,refunds",
        ],
        "{said}"
    );
    let last = lines.last().copied().unwrap_or_default();
    assert!(
        last == preset(&preset_before) || last == preset(&preset_after),
        "{said}"
    );
    let png = std::fs::metadata(&shot).unwrap_or_else(|e| panic!("{}: {e}", shot.display()));
    assert!(png.len() > 10_000, "a real picture: {} bytes", png.len());
    hub.stop().await;
}
