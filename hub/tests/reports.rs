//! The clinic reports over HTTP, on both stores: documents written as a node writes them
//! and pushed as its sync would, the projector run, then `/admin/reports` (the page and
//! each CSV download) and the accountant's `GET /api/v1/reports/sales.csv` checked
//! against the sales, stock, visits and patients that were written; bad periods refused
//! naming the field; a limited admin never sees another clinic's report.

#[allow(dead_code)]
mod common;
#[path = "readmodel/docs.rs"]
#[allow(dead_code)]
mod docs;

use std::time::Duration;

use common::{Fixture, TestHub, add_admin, create_clinic, options, sign_in};
use dermis_hub::auth::AuthOptions;
use dermis_hub::store::{HubStore, Scope};
use dermis_hub::webhooks::projector::project_all;
use dermis_model::encounter::Author;
use dermis_model::{ClinicId, DocType, NodeId};
use docs::{DAY, T0, push};
use serde_json::Value;

on_both_stores!(
    the_figures_are_those_of_the_documents,
    bad_periods_are_refused_naming_the_field,
    a_limited_admin_sees_only_their_clinics_reports,
);

async fn start<S: HubStore>(f: &Fixture<S>) -> TestHub {
    let mut opts = options(f.dir.path(), Duration::from_secs(60));
    opts.auth = AuthOptions::default().with_secret(b"reports-test-secret");
    TestHub::start(f.store.clone(), opts).await
}

/// GET with a header; status, content type and body.
async fn get(hub: &TestHub, path: &str, header: (&str, &str)) -> (u16, String, String) {
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
        .get(hub.http(path))
        .header(header.0, header.1)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        status,
        content_type,
        response.text().await.unwrap_or_default(),
    )
}

/// Rows of a CSV the reports write (no quoted separators in these figures), by header.
fn rows(csv: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut lines = csv.split("\r\n").filter(|l| !l.is_empty());
    let header: Vec<String> = lines
        .next()
        .unwrap_or_default()
        .split(',')
        .map(str::to_owned)
        .collect();
    lines
        .map(|line| {
            header
                .iter()
                .cloned()
                .zip(line.split(',').map(str::to_owned))
                .collect()
        })
        .collect()
}

/// A clinic with two patients (a day apart), a signed visit by Dr Amara on 2027-01-15,
/// 10 units of SPF50 at 12.00 received and sold 2 + 1 on two days, projected.
async fn clinic_with_a_week<S: HubStore>(store: &S, name: &str) -> ClinicId {
    let clinic = create_clinic(store, name).await;
    let (elodie, mut e_doc) = docs::patient(clinic, "Élodie", "Müller", "M-0001", T0);
    let doctor = Author {
        id: None,
        name: "Dr Amara".into(),
    };
    docs::visit(
        &mut e_doc,
        &doctor,
        time::macros::date!(2027 - 01 - 15),
        true,
    );
    let (ivan, i_doc) = docs::patient(clinic, "Ivan", "Petrov", "M-0002", T0 + DAY);
    let (product, p_doc) = docs::product(clinic, "SPF50", 1200);
    let node = NodeId::new();
    let sales = [
        docs::sale(node, product, "SPF50", 2, 1200, T0, Some(elodie)),
        docs::sale(node, product, "SPF50", 1, 1200, T0 + DAY, None),
    ];
    let (ledger, l_doc) = docs::ledger(clinic, node, "SPF50", product, 10, &sales);
    push(
        store,
        clinic,
        vec![
            (elodie, DocType::Patient, e_doc.save()),
            (ivan, DocType::Patient, i_doc.clone().save()),
            (product, DocType::Product, p_doc.clone().save()),
            (ledger, DocType::Ledger, l_doc.clone().save()),
        ],
    )
    .await;
    project_all(store, &dermis_model::now_millis)
        .await
        .unwrap_or_else(|e| panic!("project: {e}"));
    clinic
}

const PERIOD: &str = "from=2027-01-15&to=2027-01-21";

async fn the_figures_are_those_of_the_documents<S: HubStore>(f: Fixture<S>) {
    let clinic = clinic_with_a_week(&f.store, "Clinique Étoile").await;
    add_admin(&f.store, "ops", Scope::All).await;
    let hub = start(&f).await;
    let (token, cookie) = sign_in(&hub, "ops").await;
    let cookie = ("cookie", cookie.as_str());

    let (status, _, page) = get(
        &hub,
        &format!("/admin/reports?clinic={}&{PERIOD}&lang=en", clinic.0),
        cookie,
    )
    .await;
    assert_eq!(status, 200, "{page}");
    // Sales of 24.00 and 12.00: the period's net and, at 20 % included, its tax.
    assert!(page.contains("€36.00"), "{page}");
    assert!(page.contains("<svg class=\"chart\""), "a chart: {page}");
    assert!(page.contains("Dr Amara"), "visits per clinician: {page}");
    for file in ["sales", "methods", "tax", "stock", "visits", "patients"] {
        assert!(
            page.contains(&format!(
                "/admin/reports/{file}.csv?clinic={}&amp;{}",
                clinic.0,
                PERIOD.replace('&', "&amp;")
            )),
            "{file} download link"
        );
    }

    let (status, content_type, sales) = get(
        &hub,
        &format!("/admin/reports/sales.csv?clinic={}&{PERIOD}", clinic.0),
        cookie,
    )
    .await;
    assert_eq!(status, 200, "{sales}");
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let days = rows(&sales);
    assert_eq!(days.len(), 2, "{sales}");
    assert_eq!(days[0]["date"], "2027-01-15");
    assert_eq!(days[0]["net"], "24.00");
    assert_eq!(days[0]["sales"], "1");
    // Paid 29.00 in cash with 5.00 change: the drawer keeps 24.00.
    assert_eq!(days[0]["cash"], "24.00");
    assert_eq!(days[0]["tax"], "4.00");
    assert_eq!(days[0]["taxable_20.00"], "24.00");
    assert_eq!(days[1]["net"], "12.00");

    let (_, _, stock) = get(
        &hub,
        &format!("/admin/reports/stock.csv?clinic={}&{PERIOD}", clinic.0),
        cookie,
    )
    .await;
    let stock = rows(&stock);
    assert_eq!(stock[0]["sku"], "SPF50");
    assert_eq!(stock[0]["on_hand"], "7");
    assert_eq!(stock[0]["value"], "84.00");

    let (_, _, visits) = get(
        &hub,
        &format!("/admin/reports/visits.csv?clinic={}&{PERIOD}", clinic.0),
        cookie,
    )
    .await;
    let visits = rows(&visits);
    assert_eq!(
        (
            visits[0]["clinician"].as_str(),
            visits[0]["visits"].as_str()
        ),
        ("Dr Amara", "1")
    );
    assert_eq!(visits[0]["signed"], "1");

    let (_, _, patients) = get(
        &hub,
        &format!("/admin/reports/patients.csv?clinic={}&{PERIOD}", clinic.0),
        cookie,
    )
    .await;
    let patients = rows(&patients);
    let counted: Vec<(&str, &str)> = patients
        .iter()
        .map(|r| (r["date"].as_str(), r["new_patients"].as_str()))
        .collect();
    assert_eq!(counted, [("2027-01-15", "1"), ("2027-01-16", "1")]);

    // The accountant's file is the page's sales download.
    let bearer = format!("Bearer {token}");
    let (status, _, api) = get(
        &hub,
        &format!("/api/v1/reports/sales.csv?clinic={}&{PERIOD}", clinic.0),
        ("authorization", &bearer),
    )
    .await;
    assert_eq!(status, 200, "{api}");
    assert_eq!(api, sales);
    // An admin who sees every clinic must name one.
    let (status, content_type, problem) = get(
        &hub,
        &format!("/api/v1/reports/sales.csv?{PERIOD}"),
        ("authorization", &bearer),
    )
    .await;
    assert_eq!(status, 400, "{problem}");
    assert_eq!(content_type, "application/problem+json");
    let problem: Value = serde_json::from_str(&problem).unwrap_or(Value::Null);
    assert_eq!(problem["field"], "clinic", "{problem}");
    // Nor does the file go to anyone else.
    let (status, _, _) = get(
        &hub,
        &format!("/api/v1/reports/sales.csv?clinic={}&{PERIOD}", clinic.0),
        ("authorization", "Bearer not-a-token"),
    )
    .await;
    assert_eq!(status, 401);
    hub.stop().await;
}

async fn bad_periods_are_refused_naming_the_field<S: HubStore>(f: Fixture<S>) {
    let clinic = create_clinic(&f.store, "Only").await;
    add_admin(&f.store, "ops", Scope::All).await;
    let hub = start(&f).await;
    let (token, cookie) = sign_in(&hub, "ops").await;
    let bearer = format!("Bearer {token}");
    for (query, field) in [
        ("from=2027-13-01", "from"),
        ("to=15/01/2027", "to"),
        ("from=2027-01-20&to=2027-01-10", "to"),
        ("from=2025-01-01&to=2026-12-31", "to"),
    ] {
        let path = format!("/api/v1/reports/sales.csv?clinic={}&{query}", clinic.0);
        let (status, _, body) = get(&hub, &path, ("authorization", &bearer)).await;
        assert_eq!(status, 400, "{query}: {body}");
        let problem: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        assert_eq!(problem["field"], field, "{query}: {problem}");
        assert_eq!(problem["status"], 400);
        let page = format!("/admin/reports?clinic={}&{query}&lang=en", clinic.0);
        let (status, _, body) = get(&hub, &page, ("cookie", &cookie)).await;
        assert_eq!(status, 400, "{query}");
        assert!(body.contains("role=\"alert\""), "{query}: {body}");
        let csv = format!("/admin/reports/sales.csv?clinic={}&{query}", clinic.0);
        assert_eq!(get(&hub, &csv, ("cookie", &cookie)).await.0, 400, "{query}");
    }
    let (status, _, _) = get(
        &hub,
        &format!("/admin/reports/everything.csv?clinic={}", clinic.0),
        ("cookie", &cookie),
    )
    .await;
    assert_eq!(status, 404);
    hub.stop().await;
}

async fn a_limited_admin_sees_only_their_clinics_reports<S: HubStore>(f: Fixture<S>) {
    let alpha = clinic_with_a_week(&f.store, "Alpha").await;
    let beta = clinic_with_a_week(&f.store, "Beta").await;
    add_admin(&f.store, "alice", Scope::Clinics(vec![alpha])).await;
    let hub = start(&f).await;
    let (token, cookie) = sign_in(&hub, "alice").await;
    let cookie = ("cookie", cookie.as_str());
    let bearer = format!("Bearer {token}");

    let (status, _, page) = get(&hub, &format!("/admin/reports?{PERIOD}&lang=en"), cookie).await;
    assert_eq!(status, 200);
    assert!(page.contains(&alpha.0.to_string()), "her clinic by default");
    assert!(!page.contains(&beta.0.to_string()), "{page}");
    assert!(!page.contains("Beta"), "{page}");
    let (status, _, page) = get(
        &hub,
        &format!("/admin/reports?clinic={}&{PERIOD}", beta.0),
        cookie,
    )
    .await;
    assert_eq!(status, 404);
    assert!(!page.contains("€36.00"), "{page}");
    let (status, _, _) = get(
        &hub,
        &format!("/admin/reports/sales.csv?clinic={}&{PERIOD}", beta.0),
        cookie,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _, _) = get(
        &hub,
        &format!("/api/v1/reports/sales.csv?clinic={}&{PERIOD}", beta.0),
        ("authorization", &bearer),
    )
    .await;
    assert_eq!(status, 404);
    // Her only clinic needs no naming.
    let (status, _, csv) = get(
        &hub,
        &format!("/api/v1/reports/sales.csv?{PERIOD}"),
        ("authorization", &bearer),
    )
    .await;
    assert_eq!(status, 200, "{csv}");
    assert_eq!(rows(&csv).len(), 2);
    hub.stop().await;
}
