//! Admins limited to clinics (`admin add --clinic ID`, repeatable): the lists on `/api`
//! and `/admin` show only their clinics, and every route that takes something of a
//! clinic, given another clinic's, answers exactly as for something that does not exist
//! (404); the hub-wide pages answer 403. Exploit tests: a limited admin tries each route
//! with another clinic's ids.

use std::time::Duration;

use crate::on_both_stores;
use dermis_hub::auth;
use dermis_hub::jobs::JobState;
use dermis_hub::store::hooks::{DocProjection, NewWebhook};
use dermis_hub::store::{HubStore, NewAdmin, Scope};
use dermis_hub::webhooks::events::{DerivedEvent, EventType, StockEntry};
use dermis_model::ClinicId;
use serde_json::{Value, json};
use uuid::Uuid;

use super::api::{PASSWORD, hub_with_admin, login};
use super::common::{Fixture, TestHub, WITHIN, create_clinic, dead_job, enroll, http};
use super::tokens::{code, hub_cmd, run, stderr};

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The status alone (a live stream's body never ends).
async fn status_only(hub: &TestHub, path: &str, cookie: &str) -> u16 {
    no_redirects()
        .get(hub.http(path))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
        .status()
        .as_u16()
}

async fn get(hub: &TestHub, path: &str, cookie: &str) -> (u16, String) {
    let response = no_redirects()
        .get(hub.http(path))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// The first `update` (or other) event of a live page's stream, or its status.
async fn first_event(hub: &TestHub, path: &str, cookie: &str) -> (u16, String) {
    let mut response = http()
        .get(hub.http(path))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status().as_u16();
    if status != 200 {
        return (status, response.text().await.unwrap_or_default());
    }
    let mut seen = String::new();
    let read = tokio::time::timeout(WITHIN, async {
        while let Ok(Some(chunk)) = response.chunk().await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains("\n\n") && seen.contains("data:") {
                return;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "no event on {path}: {seen}");
    (status, seen)
}

/// What the projector writes for one clinic: a delivery, a SKU below zero and a
/// document with a conflict, each naming `tag`. Written before the hub runs; the
/// clinic's projector cursor then sits at its change log's end, so the hub's own
/// projector leaves it alone.
async fn seed<S: HubStore>(store: &S, clinic: ClinicId, tag: &str) -> Uuid {
    let doc = Uuid::now_v7();
    let projection = DocProjection {
        doc_id: doc,
        doc_type: "patient".into(),
        seq: 2,
        events: vec![
            DerivedEvent {
                key: format!("patient.created:{doc}"),
                event_type: EventType::PatientCreated,
                data: json!({ "tag": tag }),
            },
            DerivedEvent {
                key: format!("staff.changed:{clinic}:{tag}"),
                event_type: EventType::StaffChanged,
                data: json!({
                    "clinic_id": clinic,
                    "change": format!("hash-{tag}"),
                    "at": null,
                    "at_ms": 1_800_000_000_000_i64,
                    "by": { "kind": "user", "user_id": null, "username": format!("boss-{tag}") },
                    "node_id": null,
                    "users": [{
                        "user_id": Uuid::now_v7(),
                        "username": format!("staff-{tag}"),
                        "what": ["added"],
                        "role": "nurse",
                        "active": true,
                    }],
                }),
            },
        ],
        stock: vec![StockEntry {
            entry_id: format!("move-{tag}"),
            sku: format!("SKU-{tag}"),
            delta: -2,
        }],
        conflicts: vec![format!("field_{tag}")],
        audit: vec![dermis_model::audit::AuditEntry {
            id: format!("audit-{tag}"),
            at: 1_800_000_000_000,
            user: format!("auditor-{tag}"),
            user_id: None,
            node_id: dermis_model::NodeId::new(),
            action: dermis_model::audit::AuditAction::View,
            target: dermis_model::audit::AuditTarget {
                kind: "patient".into(),
                id: format!("chart-{tag}"),
                patient: None,
            },
            reason: None,
        }],
        receipts: vec![],
        rows: None,
        derivation: None,
    };
    let done = store
        .commit_projection(clinic, 0, 1, &[projection], dermis_model::now_millis())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(done.is_some_and(|o| o.new_deliveries.len() == 1), "seeded");
    doc
}

async fn cookie_of(hub: &TestHub, username: &str) -> String {
    let (status, body, cookie) = login(hub, username, PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    cookie
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned()
}

async fn a_limited_admin_reaches_only_its_clinics<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    let alpha = create_clinic(&store, "Alpha Clinic").await;
    let beta = create_clinic(&store, "Beta Clinic").await;
    let webhook = NewWebhook {
        url: "https://hooks.example.org/in".into(),
        events: vec![EventType::PatientCreated],
        clinic: None,
        secret: dermis_hub::webhooks::sign::new_secret(),
    };
    store
        .add_webhook(&webhook, dermis_model::now_millis())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let alpha_doc = seed(&store, alpha, "alpha").await;
    let beta_doc = seed(&store, beta, "beta").await;
    let hash = auth::hash_password(PASSWORD).unwrap_or_else(|e| panic!("{e}"));
    store
        .add_admin(
            &NewAdmin {
                username: "alice".into(),
                password_hash: hash,
                scope: Scope::Clinics(vec![alpha]),
                email: None,
                oidc_subject: None,
            },
            dermis_model::now_millis(),
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));

    // Made before the hub runs (whose projector queues jobs of its own); no job
    // workers: the dead job stays dead unless someone retries it.
    let job = dead_job(&store).await;
    let hub = hub_with_admin(&f, |o| o.jobs.workers = 0).await;
    let alpha_node = enroll(&store, &hub, alpha, "Desk Alpha").await.node_id;
    let beta_node = enroll(&store, &hub, beta, "Desk Beta").await.node_id;
    let alice = cookie_of(&hub, "alice").await;
    let ops = cookie_of(&hub, "ops").await;

    // /api/nodes: only Alpha's node; the unlimited admin sees both.
    let names = |body: &str| -> Vec<String> {
        serde_json::from_str::<Value>(body)
            .ok()
            .and_then(|v| v["nodes"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|n| n["name"].as_str().map(str::to_owned))
            .collect()
    };
    let (status, body) = get(&hub, "/api/nodes", &alice).await;
    assert_eq!((status, names(&body)), (200, vec!["Desk Alpha".to_owned()]));
    let (_, body) = get(&hub, "/api/nodes", &ops).await;
    assert_eq!(names(&body).len(), 2, "{body}");

    // The lists: Alpha's rows, nothing of Beta.
    for (path, alpha_mark, beta_mark) in [
        ("/admin", alpha_node.to_string(), beta_node.to_string()),
        ("/admin", "Alpha Clinic".into(), "Beta Clinic".into()),
        (
            "/admin/webhooks",
            "Alpha Clinic".into(),
            "Beta Clinic".into(),
        ),
        ("/admin/stock", "SKU-alpha".into(), "SKU-beta".into()),
        (
            "/admin/conflicts",
            alpha_doc.to_string(),
            beta_doc.to_string(),
        ),
        ("/admin/staff", "staff-alpha".into(), "staff-beta".into()),
        ("/admin/staff", "boss-alpha".into(), "boss-beta".into()),
    ] {
        let (status, html) = get(&hub, &format!("{path}?lang=en"), &alice).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            html.contains(&alpha_mark),
            "{path} lacks {alpha_mark}:\n{html}"
        );
        assert!(
            !html.contains(&beta_mark),
            "{path} shows {beta_mark}:\n{html}"
        );
        let (_, html) = get(&hub, &format!("{path}?lang=en"), &ops).await;
        assert!(
            html.contains(&beta_mark),
            "the unlimited admin sees {beta_mark} on {path}"
        );
        let (_, live) = first_event(
            &hub,
            &format!("/admin/events?view={}", view_of(path)),
            &alice,
        )
        .await;
        assert!(
            live.contains(&alpha_mark) && !live.contains(&beta_mark),
            "live {path}: {live}"
        );
    }
    // The audit trail: Alpha's entries only, also when Beta is asked for by name.
    let (status, html) = get(&hub, "/admin/audit?lang=en", &alice).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("auditor-alpha") && !html.contains("auditor-beta"),
        "{html}"
    );
    let (status, html) = get(&hub, &format!("/admin/audit?lang=en&clinic={beta}"), &alice).await;
    assert_eq!(status, 200);
    assert!(
        !html.contains("auditor-beta") && html.contains("No entries match."),
        "{html}"
    );
    let (_, html) = get(&hub, &format!("/admin/audit?lang=en&clinic={beta}"), &ops).await;
    assert!(
        html.contains("auditor-beta") && !html.contains("auditor-alpha"),
        "{html}"
    );
    let (_, html) = get(&hub, "/admin/audit?lang=en&user=AUDITOR-ALPHA", &ops).await;
    assert!(
        html.contains("auditor-alpha") && !html.contains("auditor-beta"),
        "{html}"
    );
    let (_, html) = get(&hub, "/admin/audit?lang=en&from=2030-01-01", &ops).await;
    assert!(html.contains("No entries match."), "{html}");
    let (_, html) = get(
        &hub,
        "/admin/audit?lang=en&from=2027-01-15&to=2027-01-15",
        &ops,
    )
    .await;
    assert!(
        html.contains("auditor-alpha") && html.contains("auditor-beta"),
        "{html}"
    );
    let (status, html) = get(&hub, "/admin/audit?lang=en&from=tomorrow", &ops).await;
    assert_eq!(status, 400, "{html}");
    assert!(html.contains("not valid"), "{html}");
    let (status, _) = get(&hub, "/admin/audit?lang=en&patient=%3Cscript%3E", &ops).await;
    assert_eq!(status, 400, "a patient filter is an id");

    // Beta's workstation answers exactly as one that does not exist.
    let nobody = Uuid::now_v7();
    let (status, foreign) = get(&hub, &format!("/admin/nodes/{beta_node}?lang=en"), &alice).await;
    let (unknown_status, unknown) =
        get(&hub, &format!("/admin/nodes/{nobody}?lang=en"), &alice).await;
    assert_eq!((status, unknown_status), (404, 404));
    assert_eq!(foreign, unknown, "no difference to learn from");
    assert!(!foreign.contains("Desk Beta"));
    assert_eq!(
        get(&hub, &format!("/admin/nodes/{alpha_node}"), &alice)
            .await
            .0,
        200
    );
    assert_eq!(
        get(&hub, &format!("/admin/nodes/{beta_node}"), &ops)
            .await
            .0,
        200
    );
    let (_, live_foreign) = first_event(
        &hub,
        &format!("/admin/events?view=node&id={beta_node}"),
        &alice,
    )
    .await;
    let (_, live_unknown) = first_event(
        &hub,
        &format!("/admin/events?view=node&id={nobody}"),
        &alice,
    )
    .await;
    assert!(
        live_foreign.contains("There is no such workstation"),
        "{live_foreign}"
    );
    assert_eq!(live_foreign, live_unknown);
    // The hub-wide pages: 403 to a limited admin, and not in its navigation.
    for path in [
        "/admin/health",
        "/admin/jobs",
        "/admin/events?view=health",
        "/admin/events?view=jobs",
    ] {
        assert_eq!(status_only(&hub, path, &alice).await, 403, "{path}");
        assert_eq!(
            status_only(&hub, path, &ops).await,
            200,
            "{path} for the unlimited admin"
        );
    }
    let retry = no_redirects()
        .post(hub.http(&format!("/admin/jobs/{job}/retry")))
        .header("cookie", &alice)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(retry.status().as_u16(), 403);
    let still = store.job(job).await.unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(still.map(|j| j.state), Some(JobState::Dead), "not retried");
    let (_, overview) = get(&hub, "/admin?lang=en", &alice).await;
    assert!(!overview.contains("href=\"/admin/health") && !overview.contains("href=\"/admin/jobs"));
    let (_, overview) = get(&hub, "/admin?lang=en", &ops).await;
    assert!(overview.contains("href=\"/admin/health") && overview.contains("href=\"/admin/jobs"));
    hub.stop().await;
}

fn view_of(path: &str) -> &'static str {
    match path {
        "/admin/webhooks" => "webhooks",
        "/admin/stock" => "stock",
        "/admin/conflicts" => "conflicts",
        "/admin/staff" => "staff",
        _ => "overview",
    }
}

/// `admin add --clinic` is repeatable, checks each clinic, writes nothing when one is
/// unknown; `admin list` shows the scope.
async fn the_binary_adds_limited_admins<S: HubStore>(f: Fixture<S>) {
    let alpha = create_clinic(&f.store, "Alpha").await;
    let beta = create_clinic(&f.store, "Beta").await;
    let (a, b) = (alpha.to_string(), beta.to_string());
    let out = run(
        hub_cmd(
            &f,
            &[
                "admin",
                "add",
                "--username",
                "carol",
                "--clinic",
                &a,
                "--clinic",
                &b,
            ],
        ),
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let unknown = Uuid::now_v7().to_string();
    let out = run(
        hub_cmd(
            &f,
            &[
                "admin",
                "add",
                "--username",
                "dave",
                "--clinic",
                &a,
                "--clinic",
                &unknown,
            ],
        ),
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("clinic: no clinic {unknown}")),
        "{}",
        stderr(&out)
    );
    let out = run(
        hub_cmd(
            &f,
            &["admin", "add", "--username", "erin", "--clinic", "nope"],
        ),
        "",
    );
    assert_eq!(code(&out), Some(2), "a clinic id that does not parse");
    let out = run(
        hub_cmd(&f, &["admin", "add", "--username", "root"]),
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));

    let out = run(hub_cmd(&f, &["admin", "list", "--json"]), "");
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let scope_of = |name: &str| {
        listed
            .as_array()
            .and_then(|all| all.iter().find(|a| a["username"] == json!(name)))
            .map(|a| a["scope"].clone())
    };
    let mut both = vec![a.clone(), b.clone()];
    both.sort();
    assert_eq!(scope_of("carol"), Some(json!({ "clinics": both })));
    assert_eq!(scope_of("root"), Some(json!("all")));
    assert_eq!(scope_of("dave"), None, "nothing written");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("argon2"),
        "never a hash"
    );
    let out = run(hub_cmd(&f, &["admin", "list"]), "");
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        table.contains("carol") && table.contains(&a) && table.contains("all"),
        "{table}"
    );
}

on_both_stores!(
    a_limited_admin_reaches_only_its_clinics,
    the_binary_adds_limited_admins,
);
