//! `/fhir/r4` end to end, on both stores: documents written as a node writes them and
//! pushed as its sync would, the projector run, then the real server asked over HTTP —
//! metadata, read, search with paging, strict and lenient parameters, `$everything`,
//! Bulk Data export (kick-off, 429 while one runs, poll, download, cancel), and tenancy
//! (a caller of one clinic never sees another's ids, exports or files). Everything the
//! server returns is validated against the R4 definitions.

#[allow(dead_code)]
mod common;
#[path = "readmodel/docs.rs"]
#[allow(dead_code)]
mod docs;
#[path = "fhir_r4/validator.rs"]
mod validator;

use std::time::Duration;

use common::{Fixture, TestHub, add_admin, create_clinic, http, options, sign_in};
use dermis_hub::auth::AuthOptions;
use dermis_hub::server::ServerOptions;
use dermis_hub::store::{HubStore, Scope};
use dermis_hub::webhooks::projector::project_all;
use dermis_model::encounter::Author;
use dermis_model::{ClinicId, DocType};
use docs::{DAY, T0, push};
use serde_json::{Value, json};
use uuid::Uuid;
use validator::assert_valid;

on_both_stores!(
    fhir_reads_and_searches_the_projected_documents,
    a_caller_of_one_clinic_never_sees_another,
    bulk_export_runs_in_the_background_and_downloads_once_done,
    hostile_requests_are_refused_before_any_work,
);

struct World {
    a: ClinicId,
    b: ClinicId,
    elodie: Uuid,
    ivan: Uuid,
    visit: Uuid,
    bob: Uuid,
}

/// Clinic A: Élodie (an allergy, a signed visit with a diagnosis and a prescription, a
/// photo, an appointment) and Ivan; clinic B: Bob. All projected.
async fn world<S: HubStore>(store: &S) -> World {
    let a = create_clinic(store, "Clinic A").await;
    let b = create_clinic(store, "Clinic B").await;
    let doctor = Author {
        id: None,
        name: "Dr Amara".into(),
    };
    let (elodie, mut e_doc) = docs::patient(a, "Élodie", "Müller", "M-0001", T0);
    docs::allergies(&mut e_doc);
    let visit = docs::visit(
        &mut e_doc,
        &doctor,
        time::macros::date!(2027 - 01 - 15),
        true,
    );
    docs::photo(&mut e_doc, Some(visit));
    let (ivan, i_doc) = docs::patient(a, "Ivan", "Petrov", "M-0002", T0 + DAY);
    let (appointment, a_doc) = docs::appointment(a, Some(elodie), T0 + 2 * DAY);
    push(
        store,
        a,
        vec![
            (elodie, DocType::Patient, e_doc.save()),
            (ivan, DocType::Patient, i_doc.clone().save()),
            (appointment, DocType::Appointment, a_doc.clone().save()),
        ],
    )
    .await;
    let (bob, mut b_doc) = docs::patient(b, "Bob", "Other", "M-0001", T0);
    docs::visit(
        &mut b_doc,
        &doctor,
        time::macros::date!(2027 - 01 - 16),
        true,
    );
    push(store, b, vec![(bob, DocType::Patient, b_doc.save())]).await;
    project_all(store, &|| T0 + 10 * DAY)
        .await
        .unwrap_or_else(|e| panic!("project: {e}"));
    World {
        a,
        b,
        elodie,
        ivan,
        visit,
        bob,
    }
}

/// A hub with an admin who sees every clinic (`ops`) and one who sees clinic A only
/// (`clinic-a`), as an API key of clinic A would.
async fn hub<S: HubStore>(
    f: &Fixture<S>,
    w: &World,
    tweak: impl FnOnce(&mut ServerOptions),
) -> TestHub {
    add_admin(&f.store, "ops", Scope::All).await;
    add_admin(&f.store, "clinic-a", Scope::Clinics(vec![w.a])).await;
    let mut opts = options(f.dir.path(), Duration::from_secs(2));
    opts.auth = AuthOptions::default().with_secret(b"fhir-test-secret");
    tweak(&mut opts);
    TestHub::start(f.store.clone(), opts).await
}

async fn token(hub: &TestHub, username: &str) -> String {
    sign_in(hub, username).await.0
}

/// A caller: a bearer token and, for an admin of several clinics, the clinic named.
#[derive(Clone)]
struct Caller {
    token: Option<String>,
    clinic: Option<ClinicId>,
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// An OperationOutcome whose diagnostics mention `word`.
    fn outcome_names(&self, word: &str) -> bool {
        let v = self.json();
        v["resourceType"] == "OperationOutcome"
            && v["issue"][0]["diagnostics"]
                .as_str()
                .is_some_and(|d| d.contains(word))
    }
}

async fn call(
    method: reqwest::Method,
    url: &str,
    caller: &Caller,
    extra: &[(&str, &str)],
) -> Answer {
    let mut request = http().request(method, url);
    if let Some(token) = &caller.token {
        request = request.bearer_auth(token);
    }
    if let Some(clinic) = caller.clinic {
        request = request.header("Dermis-Clinic", clinic.0.to_string());
    }
    for (k, v) in extra {
        request = request.header(*k, *v);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap_or_default(),
    }
}

async fn get(hub: &TestHub, path: &str, caller: &Caller) -> Answer {
    call(reqwest::Method::GET, &hub.http(path), caller, &[]).await
}

fn entries(bundle: &Value) -> Vec<Value> {
    bundle["entry"]
        .as_array()
        .map(|e| e.iter().map(|x| x["resource"].clone()).collect())
        .unwrap_or_default()
}

fn next_link(bundle: &Value) -> Option<String> {
    bundle["link"]
        .as_array()?
        .iter()
        .find(|l| l["relation"] == "next")?["url"]
        .as_str()
        .map(str::to_owned)
}

async fn fhir_reads_and_searches_the_projected_documents<S: HubStore>(f: Fixture<S>) {
    let w = world(&f.store).await;
    let hub = hub(&f, &w, |_| {}).await;
    let ops = Caller {
        token: Some(token(&hub, "ops").await),
        clinic: Some(w.a),
    };
    let nobody = Caller {
        token: None,
        clinic: None,
    };
    let mut returned = Vec::new();

    let metadata = get(&hub, "/fhir/r4/metadata", &nobody).await;
    assert_eq!(metadata.status, 200, "metadata needs no credentials");
    assert_eq!(
        metadata.header("content-type").as_deref(),
        Some("application/fhir+json")
    );
    let statement = metadata.json();
    assert_eq!(statement["fhirVersion"], "4.0.1");
    returned.push(statement);

    let refused = get(&hub, "/fhir/r4/Patient", &nobody).await;
    assert_eq!(refused.status, 401);
    assert!(refused.outcome_names("not signed in"));
    let unnamed = Caller {
        clinic: None,
        ..ops.clone()
    };
    let which = get(&hub, "/fhir/r4/Patient", &unnamed).await;
    assert_eq!(which.status, 400, "an admin of several clinics names one");
    assert!(which.outcome_names("clinic"));

    // Each type, searched by patient, then each resource read back by id.
    let elodie = w.elodie;
    let mut kinds = Vec::new();
    for kind in [
        "Encounter",
        "Condition",
        "AllergyIntolerance",
        "MedicationRequest",
        "Media",
        "Appointment",
    ] {
        let answer = get(
            &hub,
            &format!("/fhir/r4/{kind}?patient=Patient/{elodie}"),
            &ops,
        )
        .await;
        assert_eq!(answer.status, 200, "{kind}: {}", answer.body);
        let bundle = answer.json();
        let found = entries(&bundle);
        assert_eq!(found.len(), 1, "{kind}: {bundle}");
        for resource in &found {
            let id = resource["id"].as_str().unwrap_or_default();
            let read = get(&hub, &format!("/fhir/r4/{kind}/{id}"), &ops).await;
            assert_eq!(read.status, 200, "{kind}/{id}: {}", read.body);
            assert_eq!(&read.json(), resource);
            kinds.push(kind);
        }
        returned.push(bundle);
    }
    assert_eq!(kinds.len(), 6);
    let condition = get(&hub, &format!("/fhir/r4/Condition?subject={elodie}"), &ops).await;
    let condition = entries(&condition.json());
    assert_eq!(
        condition[0]["code"]["coding"][0]["system"],
        "http://hl7.org/fhir/sid/icd-10"
    );
    assert_eq!(condition[0]["code"]["coding"][0]["code"], "L40.0");
    assert_eq!(
        condition[0]["encounter"]["reference"],
        format!("Encounter/{}", w.visit)
    );

    // Patient: read and the four parameters.
    let patient = get(&hub, &format!("/fhir/r4/Patient/{elodie}"), &ops).await;
    assert_eq!(patient.status, 200);
    let patient = patient.json();
    assert_eq!(patient["name"][0]["family"], "Müller");
    assert_eq!(patient["birthDate"], "1990-04-12");
    returned.push(patient);
    let system = format!("urn:dermis:clinic:{}:mrn", w.a.0);
    for (query, expected) in [
        ("name=%C3%A9lo", vec![elodie]),
        ("name=pet", vec![w.ivan]),
        ("birthdate=1990-04-12", vec![elodie, w.ivan]),
        ("identifier=M-0002", vec![w.ivan]),
        (
            &format!("identifier={system}%7CM-0001") as &str,
            vec![elodie],
        ),
        ("identifier=urn:other%7CM-0001", vec![]),
        ("phone=612345678", vec![elodie, w.ivan]),
        (&format!("_id={elodie}") as &str, vec![elodie]),
    ] {
        let answer = get(&hub, &format!("/fhir/r4/Patient?{query}"), &ops).await;
        assert_eq!(answer.status, 200, "{query}: {}", answer.body);
        let mut ids: Vec<String> = entries(&answer.json())
            .iter()
            .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
            .collect();
        ids.sort();
        let mut want: Vec<String> = expected.iter().map(Uuid::to_string).collect();
        want.sort();
        assert_eq!(ids, want, "{query}");
    }

    // Paging: one a page, following `next`, sees each patient once.
    let mut seen = Vec::new();
    let mut url = hub.http("/fhir/r4/Patient?_count=1");
    loop {
        let answer = call(reqwest::Method::GET, &url, &ops, &[]).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        let bundle = answer.json();
        seen.extend(
            entries(&bundle)
                .iter()
                .map(|r| r["id"].as_str().unwrap_or_default().to_owned()),
        );
        returned.push(bundle.clone());
        match next_link(&bundle) {
            Some(next) => {
                assert!(next.starts_with(&hub.http("/fhir/r4/Patient?")), "{next}");
                url = next;
            }
            None => break,
        }
    }
    seen.sort();
    let mut both = vec![elodie.to_string(), w.ivan.to_string()];
    both.sort();
    assert_eq!(seen, both);

    // Strict by default, lenient when asked; forged cursors and bad values named.
    let strict = get(&hub, "/fhir/r4/Patient?name=x&_sort=name", &ops).await;
    assert_eq!(strict.status, 400);
    assert!(strict.outcome_names("_sort"));
    let lenient = call(
        reqwest::Method::GET,
        &hub.http("/fhir/r4/Patient?name=pet&_sort=name"),
        &ops,
        &[("Prefer", "handling=lenient")],
    )
    .await;
    assert_eq!(lenient.status, 200);
    assert_eq!(entries(&lenient.json()).len(), 1);
    // A cursor of the store's own shape, but forged.
    let forged = base64_url(&base64_url("1.not-a-uuid"));
    let bad = get(&hub, &format!("/fhir/r4/Patient?_cursor={forged}"), &ops).await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.outcome_names("_cursor"));
    let bad = get(&hub, "/fhir/r4/Encounter?date=2027-02-30", &ops).await;
    assert!(bad.status == 400 && bad.outcome_names("date"));
    let unknown = get(&hub, "/fhir/r4/Observation", &ops).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(
        get(&hub, &format!("/fhir/r4/Patient/{}", Uuid::new_v4()), &ops)
            .await
            .status,
        404
    );

    // Dates: the visit's day, and the appointment's window.
    let on = get(&hub, "/fhir/r4/Encounter?date=2027-01-15", &ops).await;
    assert_eq!(entries(&on.json()).len(), 1);
    let after = get(&hub, "/fhir/r4/Encounter?date=gt2027-01-15", &ops).await;
    assert!(entries(&after.json()).is_empty());
    let window = get(
        &hub,
        "/fhir/r4/Appointment?date=ge2027-01-17&date=lt2027-01-18",
        &ops,
    )
    .await;
    assert_eq!(entries(&window.json()).len(), 1, "{}", window.body);

    // $everything: the patient and one of each.
    let all = get(
        &hub,
        &format!("/fhir/r4/Patient/{elodie}/$everything"),
        &ops,
    )
    .await;
    assert_eq!(all.status, 200, "{}", all.body);
    let all = all.json();
    let mut types: Vec<String> = entries(&all)
        .iter()
        .map(|r| r["resourceType"].as_str().unwrap_or_default().to_owned())
        .collect();
    types.sort();
    assert_eq!(
        types,
        [
            "AllergyIntolerance",
            "Appointment",
            "Condition",
            "Encounter",
            "Media",
            "MedicationRequest",
            "Patient"
        ]
    );
    returned.push(all);
    returned.push(strict.json());
    assert_valid("what /fhir/r4 returned", &returned).await;
    hub.stop().await;
}

fn base64_url(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

async fn a_caller_of_one_clinic_never_sees_another<S: HubStore>(f: Fixture<S>) {
    let w = world(&f.store).await;
    let hub = hub(&f, &w, |_| {}).await;
    // An admin limited to clinic A: as an API key of clinic A, it needs no header.
    let a_only = Caller {
        token: Some(token(&hub, "clinic-a").await),
        clinic: None,
    };
    let bundle = get(&hub, "/fhir/r4/Patient", &a_only).await;
    assert_eq!(bundle.status, 200, "{}", bundle.body);
    assert_eq!(
        entries(&bundle.json()).len(),
        2,
        "clinic A's two patients only"
    );
    let bob = w.bob;
    for path in [
        format!("/fhir/r4/Patient/{bob}"),
        format!("/fhir/r4/Patient/{bob}/$everything"),
    ] {
        let answer = get(&hub, &path, &a_only).await;
        assert_eq!(answer.status, 404, "{path}: {}", answer.body);
        assert!(answer.outcome_names("not found"));
    }
    for kind in ["Encounter", "Condition", "MedicationRequest"] {
        let answer = get(&hub, &format!("/fhir/r4/{kind}?patient={bob}"), &a_only).await;
        assert_eq!(answer.status, 200);
        assert!(entries(&answer.json()).is_empty(), "{kind} of clinic B");
    }
    let b_visits = get(
        &hub,
        &format!("/fhir/r4/Encounter?patient={bob}"),
        &Caller {
            token: Some(token(&hub, "ops").await),
            clinic: Some(w.b),
        },
    )
    .await;
    let b_visit = entries(&b_visits.json())[0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        get(&hub, &format!("/fhir/r4/Encounter/{b_visit}"), &a_only)
            .await
            .status,
        404
    );
    // Naming clinic B does not help: it is not one the caller sees.
    let forged = Caller {
        clinic: Some(w.b),
        ..a_only.clone()
    };
    assert_eq!(get(&hub, "/fhir/r4/Patient", &forged).await.status, 404);
    hub.stop().await;
}

async fn bulk_export_runs_in_the_background_and_downloads_once_done<S: HubStore>(f: Fixture<S>) {
    let w = world(&f.store).await;
    // This instance runs no jobs: the export stays queued until the second one starts.
    let front = hub(&f, &w, |o| o.jobs.workers = 0).await;
    let ops = Caller {
        token: Some(token(&front, "ops").await),
        clinic: Some(w.a),
    };
    let async_ = [
        ("Prefer", "respond-async"),
        ("Accept", "application/fhir+json"),
    ];
    let sync = get(&front, "/fhir/r4/$export", &ops).await;
    assert_eq!(sync.status, 400, "kick-off needs Prefer: respond-async");
    assert!(sync.outcome_names("respond-async"));
    let bad = call(
        reqwest::Method::GET,
        &front.http("/fhir/r4/$export?_type=Observation"),
        &ops,
        &async_,
    )
    .await;
    assert!(
        bad.status == 400 && bad.outcome_names("_type"),
        "{}",
        bad.body
    );
    let bad = call(
        reqwest::Method::GET,
        &front.http("/fhir/r4/$export?_since=2020-01-01"),
        &ops,
        &async_,
    )
    .await;
    assert!(
        bad.status == 400 && bad.outcome_names("_since"),
        "{}",
        bad.body
    );

    let kick = call(
        reqwest::Method::GET,
        &front.http("/fhir/r4/$export?_type=Patient,Condition,AllergyIntolerance,Encounter,MedicationRequest,Media,Appointment"),
        &ops,
        &async_,
    )
    .await;
    assert_eq!(kick.status, 202, "{}", kick.body);
    let status_url = kick
        .header("content-location")
        .unwrap_or_else(|| panic!("Content-Location"));
    let again = call(
        reqwest::Method::GET,
        &front.http("/fhir/r4/Patient/$export"),
        &ops,
        &async_,
    )
    .await;
    assert_eq!(again.status, 429, "one export per clinic at a time");
    assert!(again.header("retry-after").is_some());
    let queued = call(reqwest::Method::GET, &status_url, &ops, &[]).await;
    assert_eq!(queued.status, 202);
    assert_eq!(queued.header("x-progress").as_deref(), Some("queued"));
    // Another clinic's caller cannot poll it.
    let other = Caller {
        clinic: Some(w.b),
        ..ops.clone()
    };
    assert_eq!(
        call(reqwest::Method::GET, &status_url, &other, &[])
            .await
            .status,
        404
    );

    // A second instance with workers runs it; the first answers the poll.
    let worker = TestHub::start(f.store.clone(), {
        let mut o = options(f.dir.path(), Duration::from_secs(2));
        o.auth = AuthOptions::default().with_secret(b"fhir-test-secret");
        o.jobs.poll = Duration::from_millis(50);
        o
    })
    .await;
    let deadline = tokio::time::Instant::now() + common::WITHIN;
    let manifest = loop {
        let answer = call(reqwest::Method::GET, &status_url, &ops, &[]).await;
        match answer.status {
            200 => {
                assert!(answer.header("expires").is_some());
                break answer.json();
            }
            202 => assert!(answer.header("x-progress").is_some()),
            other => panic!("{other}: {}", answer.body),
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for the export"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(manifest["requiresAccessToken"], true);
    assert_eq!(manifest["error"], json!([]));
    assert!(
        manifest["request"]
            .as_str()
            .is_some_and(|r| r.contains("$export?_type="))
    );
    let outputs = manifest["output"].as_array().cloned().unwrap_or_default();
    let mut types: Vec<String> = outputs
        .iter()
        .map(|o| o["type"].as_str().unwrap_or_default().to_owned())
        .collect();
    types.sort();
    assert_eq!(types.len(), 7, "{manifest}");
    let mut lines = Vec::new();
    for output in &outputs {
        let url = output["url"].as_str().unwrap_or_default();
        let file = call(reqwest::Method::GET, url, &ops, &[]).await;
        assert_eq!(file.status, 200, "{url}: {}", file.body);
        assert_eq!(
            file.header("content-type").as_deref(),
            Some("application/fhir+ndjson")
        );
        for line in file.body.lines() {
            let resource: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            assert_eq!(resource["resourceType"], output["type"]);
            lines.push(resource);
        }
        assert_eq!(
            call(reqwest::Method::GET, url, &other, &[]).await.status,
            404,
            "clinic B downloads nothing"
        );
        let anonymous = Caller {
            token: None,
            clinic: None,
        };
        assert_eq!(
            call(reqwest::Method::GET, url, &anonymous, &[])
                .await
                .status,
            401
        );
    }
    assert!(
        lines
            .iter()
            .all(|r| r["resourceType"] != "Patient" || r["id"] != w.bob.to_string())
    );
    assert_eq!(
        lines
            .iter()
            .filter(|r| r["resourceType"] == "Patient")
            .count(),
        2
    );
    assert_valid("the export's NDJSON lines", &lines).await;
    let traversal = status_url
        .replace("$export-status", "$export-file")
        .rsplit_once('/')
        .map(|(_, export)| export.to_owned());
    let export_id = traversal.unwrap_or_default();
    for name in [
        "..%2Fmanifest.json",
        "manifest.json",
        "cancelled",
        "observation.ndjson",
    ] {
        let url = front.http(&format!("/fhir/r4/$export-file/{export_id}/{name}"));
        assert_eq!(
            call(reqwest::Method::GET, &url, &ops, &[]).await.status,
            404,
            "{name}"
        );
    }

    // Done: a new export may start; deleting this one removes it.
    let next = call(
        reqwest::Method::GET,
        &front.http("/fhir/r4/Patient/$export?_type=Patient"),
        &ops,
        &async_,
    )
    .await;
    assert_eq!(next.status, 202, "{}", next.body);
    let cancel = call(reqwest::Method::DELETE, &status_url, &ops, &[]).await;
    assert_eq!(cancel.status, 202);
    assert_eq!(
        call(reqwest::Method::GET, &status_url, &ops, &[])
            .await
            .status,
        404
    );
    let first = outputs[0]["url"].as_str().unwrap_or_default();
    assert_eq!(
        call(reqwest::Method::GET, first, &ops, &[]).await.status,
        404
    );
    worker.stop().await;
    front.stop().await;
}

async fn hostile_requests_are_refused_before_any_work<S: HubStore>(f: Fixture<S>) {
    let w = world(&f.store).await;
    let hub = hub(&f, &w, |_| {}).await;
    let ops = Caller {
        token: Some(token(&hub, "ops").await),
        clinic: Some(w.a),
    };
    // Too many parameters, an oversized value, a repeated one.
    let many: String = (0..25)
        .map(|n| format!("_format=json&_x{n}=1"))
        .collect::<Vec<_>>()
        .join("&");
    let answer = call(
        reqwest::Method::GET,
        &hub.http(&format!("/fhir/r4/Patient?{many}")),
        &ops,
        &[("Prefer", "handling=lenient")],
    )
    .await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(answer.outcome_names("parameters"));
    let long = "a".repeat(5000);
    let answer = get(&hub, &format!("/fhir/r4/Patient?name={long}"), &ops).await;
    assert!(
        answer.status == 400 && answer.outcome_names("name"),
        "{}",
        answer.status
    );
    let answer = get(&hub, "/fhir/r4/Patient?name=a&name=b", &ops).await;
    assert!(answer.status == 400 && answer.outcome_names("name"));
    // A forged Host header never reaches the links the server writes.
    let answer = call(
        reqwest::Method::GET,
        &hub.http("/fhir/r4/Patient?_count=1"),
        &ops,
        &[("Host", "evil.example\"@x")],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let text = answer.body;
    assert!(!text.contains("evil.example"), "{text}");
    // A bogus clinic header, an id that is no id, a file name that is no file.
    let bogus = call(
        reqwest::Method::GET,
        &hub.http("/fhir/r4/Patient"),
        &Caller {
            clinic: None,
            ..ops.clone()
        },
        &[("Dermis-Clinic", "../../etc")],
    )
    .await;
    assert!(bogus.status == 400 && bogus.outcome_names("clinic"));
    assert_eq!(
        get(&hub, "/fhir/r4/Patient/..%2F..%2Fetc", &ops)
            .await
            .status,
        404
    );
    assert_eq!(get(&hub, "/fhir/r4/Condition/x", &ops).await.status, 404);
    assert_eq!(
        get(&hub, "/fhir/r4/$export-status/1/not-an-export", &ops)
            .await
            .status,
        404
    );
    assert_eq!(
        get(
            &hub,
            "/fhir/r4/$export-status/99999/00000000-0000-0000-0000-000000000000",
            &ops
        )
        .await
        .status,
        404
    );
    hub.stop().await;
}
