//! `/api/v1` and API keys for real, on both stores: keys stored hashed, listed without
//! secrets, revoked at once and audited per use; `apikey` through the binary; a key sees
//! exactly its clinic (tenancy); a patient created over the API reaches a node by sync;
//! the attacks (oversized, malformed, forged, another clinic's ids, a read key writing,
//! a revoked key, bursts over the rate, concurrent creates) are refused and write
//! nothing; ETags answer 304. The generated TypeScript client runs in `api_client`.

#[allow(dead_code)]
mod common;

use std::time::Duration;

use common::node::TestNode;
use common::{Fixture, TestHub, create_clinic, enroll, http, hub_heads, options};
use dermis_hub::apikeys;
use dermis_hub::auth::{AuthOptions, Authority};
use dermis_hub::store::api_keys::{ApiKeyScope, ApiKeyUse, NewApiKey};
use dermis_hub::store::{HubStore, StoreError};
use dermis_model::{ClinicId, now_millis};
use serde_json::{Value, json};
use uuid::Uuid;

const SECRET: &[u8] = b"api-v1-test-secret";

on_both_stores!(
    keys_are_stored_hashed_listed_revoked_and_their_uses_kept,
    a_key_sees_exactly_its_clinic,
    a_patient_created_over_the_api_reaches_a_node_by_sync,
    bad_requests_are_problems_naming_the_field_and_write_nothing,
    a_read_key_a_revoked_key_and_an_unknown_key_are_refused_and_audited,
    bursts_over_the_rate_limit_get_429_with_retry_after,
    fhir_shares_the_keys_rate_and_audit,
    concurrent_creates_each_make_one_patient,
    an_etag_answers_304_and_admins_name_their_clinic,
    signed_photo_urls_work_until_they_expire_and_only_as_signed,
);

async fn add_key<S: HubStore>(store: &S, clinic: ClinicId, scope: ApiKeyScope) -> (Uuid, String) {
    let secret = apikeys::new_secret();
    let id = Uuid::now_v7();
    store
        .add_api_key(
            &NewApiKey {
                id,
                clinic,
                name: "integration".into(),
                scope,
                secret_hash: apikeys::hash(&secret),
            },
            now_millis(),
        )
        .await
        .unwrap_or_else(|e| panic!("add key: {e:?}"));
    (id, secret)
}

async fn start<S: HubStore>(
    f: &Fixture<S>,
    tweak: impl FnOnce(&mut dermis_hub::server::ServerOptions),
) -> TestHub {
    let mut opts = options(f.dir.path(), Duration::from_secs(2));
    opts.auth = AuthOptions::default().with_secret(SECRET);
    tweak(&mut opts);
    TestHub::start(f.store.clone(), opts).await
}

/// A request's status, headers and JSON body (`Null` when there is none).
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Answer {
    fn field(&self) -> Option<&str> {
        self.body["field"].as_str()
    }

    fn problem(&self) -> bool {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            == Some("application/problem+json")
            && self.body["type"]
                .as_str()
                .is_some_and(|t| t.starts_with("urn:dermis:problem:"))
            && self.body["status"].as_u64() == Some(u64::from(self.status))
            && self.body["title"].is_string()
            && self.body["detail"].is_string()
    }
}

async fn call(
    hub: &TestHub,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> Answer {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
    let mut request = http().request(method, hub.http(path));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    answer(request).await
}

async fn answer(request: reqwest::RequestBuilder) -> Answer {
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("request: {e}"));
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap_or_default();
    Answer {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

/// A request and what it must get: method, path, body, status, the field named.
type Case = (
    &'static str,
    String,
    Option<Value>,
    u16,
    Option<&'static str>,
);

/// POSTs `kib` KiB of spaces, chunked (no Content-Length), over a raw socket; the status.
async fn chunked_post(hub: &TestHub, key: &str, kib: usize) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = tokio::net::TcpStream::connect(hub.addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let head = format!(
        "POST /api/v1/patients HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        hub.addr
    );
    let _ = tcp.write_all(head.as_bytes()).await;
    for _ in 0..kib {
        // The hub may answer and close before it has read everything: that is the point.
        if tcp
            .write_all(format!("400\r\n{}\r\n", " ".repeat(1024)).as_bytes())
            .await
            .is_err()
        {
            break;
        }
    }
    let _ = tcp.write_all(b"0\r\n\r\n").await;
    let mut reply = vec![0u8; 64];
    let n = tokio::time::timeout(common::WITHIN, tcp.read(&mut reply))
        .await
        .unwrap_or_else(|_| panic!("no answer to a chunked body"))
        .unwrap_or(0);
    let line = String::from_utf8_lossy(&reply[..n]).to_string();
    line.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn anna() -> Value {
    json!({"first_name": "Anna", "last_name": "Petrosyan", "birth_date": "1987-04-12", "sex": "female", "phones": ["+374 10 123456"]})
}

async fn keys_are_stored_hashed_listed_revoked_and_their_uses_kept<S: HubStore>(f: Fixture<S>) {
    let store = &f.store;
    let clinic = create_clinic(store, "Alpha").await;
    let (id, secret) = add_key(store, clinic, ApiKeyScope::Read).await;
    let found = store
        .api_key_by_hash(&apikeys::hash(&secret))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .unwrap_or_else(|| panic!("the key is not found by its hash"));
    assert_eq!(
        (found.id, found.clinic, found.scope, found.revoked),
        (id, clinic, ApiKeyScope::Read, false)
    );
    assert!(
        store
            .api_key_by_hash(&apikeys::hash("dmk_other"))
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
            .is_none()
    );
    // An unknown clinic and a bad name write nothing.
    let stray = NewApiKey {
        id: Uuid::now_v7(),
        clinic: ClinicId::new(),
        name: "x".into(),
        scope: ApiKeyScope::ReadWrite,
        secret_hash: apikeys::hash(&apikeys::new_secret()),
    };
    assert!(matches!(
        store.add_api_key(&stray, now_millis()).await,
        Err(StoreError::UnknownClinic { .. })
    ));
    let unnamed = NewApiKey {
        clinic,
        name: " \u{7} ".into(),
        ..stray
    };
    assert!(matches!(
        store.add_api_key(&unnamed, now_millis()).await,
        Err(StoreError::Invalid { field: "name", .. })
    ));
    let listed = store
        .list_api_keys()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(listed.len(), 1);
    let shown = serde_json::to_string(&listed).unwrap_or_default();
    assert!(
        !shown.contains(&secret) && !shown.contains(&apikeys::hash(&secret)),
        "{shown}"
    );
    // Uses, newest first; the last one is the key's last use.
    for (i, route) in ["/api/v1/patients", "/api/v1/patients/{id}"]
        .iter()
        .enumerate()
    {
        let used = ApiKeyUse {
            key_id: id,
            method: "GET".into(),
            route: (*route).into(),
            status: 200,
            at: 1_000 + i64::try_from(i).unwrap_or(0),
        };
        store
            .record_api_key_use(&used)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
    }
    let uses = store
        .api_key_uses(id, 10)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        uses.iter().map(|u| u.route.as_str()).collect::<Vec<_>>(),
        ["/api/v1/patients/{id}", "/api/v1/patients"]
    );
    let listed = store
        .list_api_keys()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(listed[0].last_used_at, Some(1_001));
    // Revoked at once, the first time kept; an unknown id is said so.
    assert!(
        store
            .revoke_api_key(id, 5_000)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
    );
    assert!(
        store
            .revoke_api_key(id, 6_000)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
    );
    assert!(
        !store
            .revoke_api_key(Uuid::now_v7(), 6_000)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
    );
    let listed = store
        .list_api_keys()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(listed[0].revoked_at, Some(5_000));
    let found = store
        .api_key_by_hash(&apikeys::hash(&secret))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(found.is_some_and(|k| k.revoked));
}

async fn a_key_sees_exactly_its_clinic<S: HubStore>(f: Fixture<S>) {
    let a = create_clinic(&f.store, "Alpha").await;
    let b = create_clinic(&f.store, "Beta").await;
    let (_, key_a) = add_key(&f.store, a, ApiKeyScope::ReadWrite).await;
    let (_, key_b) = add_key(&f.store, b, ApiKeyScope::ReadWrite).await;
    let hub = start(&f, |_| {}).await;
    let made = call(&hub, "POST", "/api/v1/patients", Some(&key_b), Some(anna())).await;
    assert_eq!(made.status, 201, "{}", made.body);
    let b_patient = made.body["id"].as_str().unwrap_or_default().to_owned();
    let appt = json!({"patient_id": b_patient, "title": "Check", "start": "2030-01-02T09:00:00Z", "end": "2030-01-02T09:30:00Z"});
    let made = call(
        &hub,
        "POST",
        "/api/v1/appointments",
        Some(&key_b),
        Some(appt.clone()),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let b_appt = made.body["id"].as_str().unwrap_or_default().to_owned();
    let before = hub_heads(&f.store, b).await;

    // Clinic A's key: B's ids are not found, naming B is not found, lists hold nothing of B.
    for path in [
        format!("/api/v1/patients/{b_patient}"),
        format!("/api/v1/appointments/{b_appt}"),
    ] {
        let got = call(&hub, "GET", &path, Some(&key_a), None).await;
        assert_eq!(got.status, 404, "{path}: {}", got.body);
        assert!(got.problem(), "{}", got.body);
    }
    for path in [
        "/api/v1/patients",
        "/api/v1/appointments",
        "/api/v1/encounters",
        "/api/v1/photos",
        "/api/v1/products",
        "/api/v1/stock",
        "/api/v1/sales",
    ] {
        let named = call(
            &hub,
            "GET",
            &format!("{path}?clinic={b}"),
            Some(&key_a),
            None,
        )
        .await;
        assert_eq!(
            (named.status, named.field()),
            (404, Some("clinic")),
            "{path}: {}",
            named.body
        );
        let header = answer(
            http()
                .get(hub.http(path))
                .bearer_auth(&key_a)
                .header("Dermis-Clinic", b.to_string()),
        )
        .await;
        assert_eq!(header.status, 404, "{path}: {}", header.body);
        let own = call(&hub, "GET", path, Some(&key_a), None).await;
        assert_eq!(own.status, 200, "{path}: {}", own.body);
        let text = own.body.to_string();
        assert!(
            !text.contains(&b_patient) && !text.contains(&b.to_string()),
            "{path} shows B: {text}"
        );
    }
    // Nor can A book B's patient, or write into B.
    let refused = call(
        &hub,
        "POST",
        "/api/v1/appointments",
        Some(&key_a),
        Some(appt),
    )
    .await;
    assert_eq!(
        (refused.status, refused.field()),
        (422, Some("patient_id")),
        "{}",
        refused.body
    );
    let refused = call(
        &hub,
        "POST",
        &format!("/api/v1/patients?clinic={b}"),
        Some(&key_a),
        Some(anna()),
    )
    .await;
    assert_eq!(refused.status, 404, "{}", refused.body);
    assert_eq!(hub_heads(&f.store, b).await, before);
    hub.stop().await;
}

async fn a_patient_created_over_the_api_reaches_a_node_by_sync<S: HubStore>(f: Fixture<S>) {
    let clinic = create_clinic(&f.store, "Alpha").await;
    let (_, key) = add_key(&f.store, clinic, ApiKeyScope::ReadWrite).await;
    let hub = start(&f, |_| {}).await;
    let enrollment = enroll(&f.store, &hub, clinic, "Desk").await;
    let node = TestNode::new(&enrollment);
    let mut link = node.connect(&hub.ws()).await;
    link.caught_up_after(0).await;
    let made = call(&hub, "POST", "/api/v1/patients", Some(&key), Some(anna())).await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = Uuid::parse_str(made.body["id"].as_str().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        made.headers.get("location").and_then(|v| v.to_str().ok()),
        Some(format!("/api/v1/patients/{id}").as_str())
    );
    assert!(
        made.body["mrn"]
            .as_str()
            .is_some_and(|m| m.starts_with("API-")),
        "{}",
        made.body
    );
    common::eventually("the node has the patient", || async {
        node.first_name(id).await.as_deref() == Some("Anna")
    })
    .await;
    // An appointment for that patient, at once (the documents, not the read model, say
    // the patient exists).
    let appt = json!({"patient_id": id, "title": "First visit", "start": 1_900_000_000_000_i64, "end": 1_900_000_900_000_i64});
    let made = call(&hub, "POST", "/api/v1/appointments", Some(&key), Some(appt)).await;
    assert_eq!(made.status, 201, "{}", made.body);
    let appt_id = Uuid::parse_str(made.body["id"].as_str().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    common::eventually("the node has the appointment", || async {
        node.heads().await.contains_key(&appt_id)
    })
    .await;
    link.abort();
    hub.stop().await;
}

async fn bad_requests_are_problems_naming_the_field_and_write_nothing<S: HubStore>(f: Fixture<S>) {
    let clinic = create_clinic(&f.store, "Alpha").await;
    let (_, key) = add_key(&f.store, clinic, ApiKeyScope::ReadWrite).await;
    let hub = start(&f, |_| {}).await;
    let before = hub_heads(&f.store, clinic).await;
    let k = Some(key.as_str());
    let cases: Vec<Case> = vec![
        (
            "GET",
            "/api/v1/patients?limit=501".into(),
            None,
            400,
            Some("limit"),
        ),
        (
            "GET",
            "/api/v1/patients?limit=0".into(),
            None,
            400,
            Some("limit"),
        ),
        (
            "GET",
            format!("/api/v1/patients?q={}", "a".repeat(101)),
            None,
            400,
            Some("q"),
        ),
        (
            "GET",
            "/api/v1/patients?cursor=%27%3B%20DROP%20TABLE%20patients".into(),
            None,
            400,
            Some("cursor"),
        ),
        (
            "GET",
            format!("/api/v1/patients?cursor={}", "A".repeat(600)),
            None,
            400,
            Some("cursor"),
        ),
        (
            "GET",
            "/api/v1/patients?updated_since=yesterday".into(),
            None,
            400,
            Some("updated_since"),
        ),
        (
            "GET",
            "/api/v1/patients?limit=5&limit=6".into(),
            None,
            400,
            Some("limit"),
        ),
        (
            "GET",
            "/api/v1/patients?sort=name".into(),
            None,
            400,
            Some("sort"),
        ),
        (
            "GET",
            "/api/v1/patients/not-a-uuid".into(),
            None,
            400,
            Some("id"),
        ),
        (
            "GET",
            format!("/api/v1/patients/{}", Uuid::now_v7()),
            None,
            404,
            Some("id"),
        ),
        (
            "GET",
            "/api/v1/sales?from=2026-02-01&to=2026-01-01".into(),
            None,
            400,
            Some("to"),
        ),
        (
            "GET",
            "/api/v1/encounters?patient=42".into(),
            None,
            400,
            Some("patient"),
        ),
        ("GET", "/api/v1/nothing-here".into(), None, 404, None),
        (
            "POST",
            "/api/v1/patients".into(),
            Some(json!({"first_name": "A", "last_name": "B", "ssn": "1"})),
            400,
            Some("ssn"),
        ),
        (
            "POST",
            "/api/v1/patients".into(),
            Some(json!({"first_name": 7, "last_name": "B"})),
            400,
            Some("first_name"),
        ),
        (
            "POST",
            "/api/v1/patients".into(),
            Some(json!(["Anna"])),
            400,
            Some("body"),
        ),
        (
            "POST",
            "/api/v1/patients".into(),
            Some(json!({"last_name": "B"})),
            422,
            Some("first_name"),
        ),
        (
            "POST",
            "/api/v1/patients".into(),
            Some(json!({"first_name": "A", "last_name": "B", "birth_date": "2999-01-01"})),
            422,
            Some("birth_date"),
        ),
        (
            "POST",
            "/api/v1/patients".into(),
            Some(json!({"first_name": "A", "last_name": "B", "phones": ["call me"]})),
            422,
            Some("phone"),
        ),
        (
            "POST",
            "/api/v1/appointments".into(),
            Some(json!({"invitee_name": "X", "start": 2_000, "end": 1_000})),
            422,
            Some("end"),
        ),
        (
            "POST",
            "/api/v1/appointments".into(),
            Some(json!({"invitee_name": "X", "end": 1_000})),
            400,
            Some("start"),
        ),
        (
            "POST",
            "/api/v1/appointments".into(),
            Some(json!({"patient_id": Uuid::now_v7(), "start": 1_000, "end": 2_000})),
            422,
            Some("patient_id"),
        ),
    ];
    for (method, path, body, status, field) in cases {
        let got = call(&hub, method, &path, k, body).await;
        assert_eq!(
            (got.status, got.field()),
            (status, field),
            "{method} {path}: {}",
            got.body
        );
        assert!(
            got.problem(),
            "{method} {path}: not a problem: {:?} {}",
            got.headers,
            got.body
        );
    }
    // A body over 64 KiB is refused before it is read whole; so is one that says less
    // than it sends, and one that is not JSON.
    let huge = json!({"first_name": "A", "last_name": "B", "notes": "x".repeat(70_000)});
    let got = call(&hub, "POST", "/api/v1/patients", k, Some(huge)).await;
    assert_eq!(
        (got.status, got.field()),
        (413, Some("body")),
        "{}",
        got.body
    );
    assert_eq!(chunked_post(&hub, &key, 80).await, 413);
    let got = answer(
        http()
            .post(hub.http("/api/v1/patients"))
            .bearer_auth(&key)
            .header("content-type", "application/json")
            .body("{\"first_name\":"),
    )
    .await;
    assert_eq!(
        (got.status, got.field()),
        (400, Some("body")),
        "{}",
        got.body
    );
    let got = answer(
        http()
            .post(hub.http("/api/v1/patients"))
            .bearer_auth(&key)
            .body(anna().to_string()),
    )
    .await;
    assert_eq!(
        (got.status, got.field()),
        (415, Some("Content-Type")),
        "{}",
        got.body
    );
    assert_eq!(
        hub_heads(&f.store, clinic).await,
        before,
        "a refused request wrote something"
    );
    hub.stop().await;
}

async fn a_read_key_a_revoked_key_and_an_unknown_key_are_refused_and_audited<S: HubStore>(
    f: Fixture<S>,
) {
    let clinic = create_clinic(&f.store, "Alpha").await;
    let (read_id, read) = add_key(&f.store, clinic, ApiKeyScope::Read).await;
    let (rw_id, rw) = add_key(&f.store, clinic, ApiKeyScope::ReadWrite).await;
    let hub = start(&f, |_| {}).await;
    let before = hub_heads(&f.store, clinic).await;
    assert_eq!(
        call(&hub, "GET", "/api/v1/patients", Some(&read), None)
            .await
            .status,
        200
    );
    for path in ["/api/v1/patients", "/api/v1/appointments"] {
        let got = call(&hub, "POST", path, Some(&read), Some(anna())).await;
        assert_eq!(
            (got.status, got.field()),
            (403, Some("Authorization")),
            "{}",
            got.body
        );
        assert!(got.problem());
    }
    assert_eq!(hub_heads(&f.store, clinic).await, before);
    for bad in [
        None,
        Some("dmk_unknown"),
        Some(&*"dmk_".repeat(1000)),
        Some("not-a-jwt"),
    ] {
        let got = call(&hub, "GET", "/api/v1/patients", bad, None).await;
        assert_eq!(got.status, 401, "{bad:?}: {}", got.body);
        assert!(got.problem());
    }
    assert_eq!(
        call(&hub, "GET", "/api/v1/stock", Some(&rw), None)
            .await
            .status,
        200
    );
    assert!(
        f.store
            .revoke_api_key(rw_id, now_millis())
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
    );
    let got = call(&hub, "GET", "/api/v1/stock", Some(&rw), None).await;
    assert_eq!(got.status, 401, "a revoked key still works: {}", got.body);
    // Every use of a key is in the audit: route template, method, status.
    let uses = f
        .store
        .api_key_uses(read_id, 10)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let seen: Vec<(String, String, u16)> = uses
        .into_iter()
        .rev()
        .map(|u| (u.method, u.route, u.status))
        .collect();
    assert_eq!(
        seen,
        [
            ("GET".into(), "/api/v1/patients".into(), 200),
            ("POST".into(), "/api/v1/patients".into(), 403),
            ("POST".into(), "/api/v1/appointments".into(), 403),
        ]
    );
    let uses = f
        .store
        .api_key_uses(rw_id, 10)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        uses.len(),
        1,
        "a revoked key's refused call is not its use: {uses:?}"
    );
    hub.stop().await;
}

async fn bursts_over_the_rate_limit_get_429_with_retry_after<S: HubStore>(f: Fixture<S>) {
    let clinic = create_clinic(&f.store, "Alpha").await;
    let (id, key) = add_key(&f.store, clinic, ApiKeyScope::Read).await;
    let (_, other) = add_key(&f.store, clinic, ApiKeyScope::Read).await;
    let hub = start(&f, |o| o.api_rate_per_minute = 5).await;
    let burst = (0..12).map(|_| call(&hub, "GET", "/api/v1/stock", Some(&key), None));
    let answers = futures_util::future::join_all(burst).await;
    let ok = answers.iter().filter(|a| a.status == 200).count();
    let limited: Vec<&Answer> = answers.iter().filter(|a| a.status == 429).collect();
    assert_eq!((ok, limited.len()), (5, 7));
    for got in limited {
        assert!(got.problem(), "{}", got.body);
        let retry = got
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        assert!(
            retry.is_some_and(|s| (1..=60).contains(&s)),
            "{:?}",
            got.headers
        );
    }
    // Another key has its own allowance.
    assert_eq!(
        call(&hub, "GET", "/api/v1/stock", Some(&other), None)
            .await
            .status,
        200
    );
    let uses = f
        .store
        .api_key_uses(id, 100)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(uses.iter().filter(|u| u.status == 429).count(), 7);
    hub.stop().await;
}

/// `/fhir/r4` counts against the same per-key rate and is audited as `/api/v1` is, and
/// answers its refusals as FHIR does; only the CapabilityStatement is free.
async fn fhir_shares_the_keys_rate_and_audit<S: HubStore>(f: Fixture<S>) {
    let clinic = create_clinic(&f.store, "Alpha").await;
    let (id, key) = add_key(&f.store, clinic, ApiKeyScope::Read).await;
    let hub = start(&f, |o| o.api_rate_per_minute = 5).await;
    assert_eq!(
        call(&hub, "GET", "/api/v1/stock", Some(&key), None)
            .await
            .status,
        200
    );
    let burst = (0..7).map(|_| call(&hub, "GET", "/fhir/r4/Patient", Some(&key), None));
    let answers = futures_util::future::join_all(burst).await;
    let ok = answers.iter().filter(|a| a.status == 200).count();
    let limited: Vec<&Answer> = answers.iter().filter(|a| a.status == 429).collect();
    assert_eq!(
        (ok, limited.len()),
        (4, 3),
        "one call of five went to /api/v1"
    );
    for got in limited {
        assert_eq!(got.body["resourceType"], "OperationOutcome", "{}", got.body);
        assert!(
            got.headers.get("retry-after").is_some(),
            "{:?}",
            got.headers
        );
    }
    for _ in 0..8 {
        let free = call(&hub, "GET", "/fhir/r4/metadata", None, None).await;
        assert_eq!(free.status, 200, "{}", free.body);
    }
    let unknown = call(&hub, "GET", "/fhir/r4/Patient", Some("dmk_not_a_key"), None).await;
    assert_eq!(unknown.status, 401);
    let uses = f
        .store
        .api_key_uses(id, 100)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let fhir: Vec<u16> = uses
        .iter()
        .filter(|u| u.route == "/fhir/r4/Patient")
        .map(|u| u.status)
        .collect();
    assert_eq!(fhir.len(), 7, "{uses:?}");
    assert_eq!(fhir.iter().filter(|s| **s == 429).count(), 3);
    hub.stop().await;
}

async fn concurrent_creates_each_make_one_patient<S: HubStore>(f: Fixture<S>) {
    let clinic = create_clinic(&f.store, "Alpha").await;
    let (_, key) = add_key(&f.store, clinic, ApiKeyScope::ReadWrite).await;
    let hub = start(&f, |_| {}).await;
    let before = hub_heads(&f.store, clinic).await.len();
    let creates = (0..16).map(|i| {
        call(
            &hub,
            "POST",
            "/api/v1/patients",
            Some(&key),
            Some(json!({"first_name": format!("P{i}"), "last_name": "Same"})),
        )
    });
    let answers = futures_util::future::join_all(creates).await;
    let mut ids = std::collections::BTreeSet::new();
    let mut mrns = std::collections::BTreeSet::new();
    for got in &answers {
        assert_eq!(got.status, 201, "{}", got.body);
        ids.insert(got.body["id"].as_str().unwrap_or_default().to_owned());
        mrns.insert(got.body["mrn"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!((ids.len(), mrns.len()), (16, 16));
    let heads = hub_heads(&f.store, clinic).await;
    assert_eq!(heads.len(), before + 16);
    for id in &ids {
        let id = Uuid::parse_str(id).unwrap_or_else(|e| panic!("{e}"));
        assert!(heads.contains_key(&id), "{id} is not stored");
    }
    hub.stop().await;
}

async fn an_etag_answers_304_and_admins_name_their_clinic<S: HubStore>(f: Fixture<S>) {
    let clinic = create_clinic(&f.store, "Alpha").await;
    let other = create_clinic(&f.store, "Beta").await;
    let (_, key) = add_key(&f.store, clinic, ApiKeyScope::Read).await;
    let admin = f
        .store
        .create_admin("ops", "!", now_millis())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let token = Authority::new(&AuthOptions::default().with_secret(SECRET))
        .issue(&admin.to_string(), "ops", 0)
        .unwrap_or_else(|e| panic!("{e:?}"))
        .token;
    let hub = start(&f, |_| {}).await;
    let first = call(&hub, "GET", "/api/v1/products", Some(&key), None).await;
    assert_eq!(first.status, 200);
    let tag = first
        .headers
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(tag.starts_with('"') && tag.len() == 34, "{tag}");
    let again = answer(
        http()
            .get(hub.http("/api/v1/products"))
            .bearer_auth(&key)
            .header("if-none-match", &tag),
    )
    .await;
    assert_eq!(again.status, 304);
    assert_eq!(
        again.headers.get("etag").and_then(|v| v.to_str().ok()),
        Some(tag.as_str())
    );
    let stale = answer(
        http()
            .get(hub.http("/api/v1/products"))
            .bearer_auth(&key)
            .header("if-none-match", "\"0000\""),
    )
    .await;
    assert_eq!(stale.status, 200);
    // Another body, another tag.
    let other_body = call(&hub, "GET", "/api/v1/stock", Some(&key), None).await;
    let sales = call(&hub, "GET", "/api/v1/sales?limit=7", Some(&key), None).await;
    assert_eq!(other_body.status, 200);
    assert_eq!(sales.status, 200);
    // An admin who sees every clinic names one; any will do.
    let got = call(&hub, "GET", "/api/v1/patients", Some(&token), None).await;
    assert_eq!(
        (got.status, got.field()),
        (400, Some("clinic")),
        "{}",
        got.body
    );
    let got = call(
        &hub,
        "GET",
        &format!("/api/v1/patients?clinic={other}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(got.status, 200, "{}", got.body);
    let made = answer(
        http()
            .post(hub.http("/api/v1/patients"))
            .bearer_auth(&token)
            .header("Dermis-Clinic", other.to_string())
            .json(&anna()),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let got = answer(
        http()
            .get(hub.http("/api/v1/patients"))
            .bearer_auth(&token)
            .header("Dermis-Clinic", "nope"),
    )
    .await;
    assert_eq!(
        (got.status, got.field()),
        (400, Some("Dermis-Clinic")),
        "{}",
        got.body
    );
    hub.stop().await;
}

async fn signed_photo_urls_work_until_they_expire_and_only_as_signed<S: HubStore>(f: Fixture<S>) {
    let clinic = create_clinic(&f.store, "Alpha").await;
    let hub = start(&f, |_| {}).await;
    let sha = "ab".repeat(32);
    let jpeg = b"\xff\xd8\xff\xe0 not really a jpeg".to_vec();
    let path = f
        .dir
        .path()
        .join("blobs")
        .join(clinic.to_string())
        .join("gallery");
    std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(path.join(format!("{sha}.jpg")), &jpeg).unwrap_or_else(|e| panic!("{e}"));
    let key = AuthOptions::default()
        .with_secret(SECRET)
        .derived_key(b"dermis api/v1 photo urls");
    let url = |variant: &str, expires: i64| {
        let sig = dermis_hub::api::v1::photos::signature(&key, clinic, &sha, variant, expires);
        format!("/api/v1/photo-files/{clinic}/{sha}/{variant}?expires={expires}&sig={sig}")
    };
    let later = now_millis() / 1000 + 60;
    let got = http()
        .get(hub.http(&url("gallery", later)))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got.status().as_u16(), 200);
    assert_eq!(got.bytes().await.unwrap_or_default().to_vec(), jpeg);
    let expired = call(
        &hub,
        "GET",
        &url("gallery", now_millis() / 1000 - 1),
        None,
        None,
    )
    .await;
    assert_eq!((expired.status, expired.field()), (403, Some("sig")));
    let forged = url("gallery", later).replace(
        &format!("expires={later}"),
        &format!("expires={}", later + 999_999),
    );
    assert_eq!(call(&hub, "GET", &forged, None, None).await.status, 403);
    let other_clinic =
        url("gallery", later).replace(&clinic.to_string(), &ClinicId::new().to_string());
    assert_eq!(
        call(&hub, "GET", &other_clinic, None, None).await.status,
        403
    );
    let original = url("original", later);
    assert_eq!(call(&hub, "GET", &original, None, None).await.status, 403);
    hub.stop().await;
}

/// `apikey add|list|revoke` through the binary: the key once on stdout, never listed,
/// refused input exits 2 and writes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apikey_commands_print_a_key_once_and_never_list_it() {
    let dir = common::tempdir();
    let bin = env!("CARGO_BIN_EXE_dermis-hub");
    let run = |args: &[&str]| {
        let mut cmd = std::process::Command::new(bin);
        cmd.arg("--data-dir").arg(dir.path()).args(args);
        for var in [
            "DATABASE_URL",
            "DATABASE_URL_FILE",
            "DERMIS_HUB_DATA_DIR",
            "RUST_LOG",
        ] {
            cmd.env_remove(var);
        }
        cmd.output().unwrap_or_else(|e| panic!("{e}"))
    };
    let clinic = run(&["clinic", "add", "--name", "Alpha"]);
    let clinic = String::from_utf8_lossy(&clinic.stdout).trim().to_owned();
    let added = run(&[
        "apikey",
        "add",
        "--clinic",
        &clinic,
        "--name",
        "Accounting",
        "--scope",
        "read-write",
    ]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let key = String::from_utf8_lossy(&added.stdout).trim().to_owned();
    assert!(key.starts_with("dmk_") && key.len() == 47, "{key}");
    for args in [&["apikey", "list"][..], &["apikey", "list", "--json"][..]] {
        let listed = run(args);
        assert!(listed.status.success());
        let text = String::from_utf8_lossy(&listed.stdout);
        assert!(
            text.contains("Accounting") && !text.contains(&key[4..]),
            "{text}"
        );
        assert!(!text.contains(&apikeys::hash(&key)), "{text}");
    }
    let json: Value =
        serde_json::from_slice(&run(&["apikey", "list", "--json"]).stdout).unwrap_or(Value::Null);
    assert_eq!(json[0]["scope"], "read-write");
    let id = json[0]["id"].as_str().unwrap_or_default().to_owned();
    for bad in [
        vec![
            "apikey", "add", "--clinic", &clinic, "--name", "x", "--scope", "admin",
        ],
        vec![
            "apikey",
            "add",
            "--clinic",
            "0190f0a8-0000-7000-8000-000000000001",
            "--name",
            "x",
            "--scope",
            "read",
        ],
        vec![
            "apikey", "add", "--clinic", &clinic, "--name", "", "--scope", "read",
        ],
        vec!["apikey", "revoke", "0190f0a8-0000-7000-8000-000000000001"],
    ] {
        let out = run(&bad);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{bad:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let json: Value =
        serde_json::from_slice(&run(&["apikey", "list", "--json"]).stdout).unwrap_or(Value::Null);
    assert_eq!(
        json.as_array().map(Vec::len),
        Some(1),
        "a refused add wrote a key"
    );
    let revoked = run(&["apikey", "revoke", &id]);
    assert!(revoked.status.success());
    let json: Value =
        serde_json::from_slice(&run(&["apikey", "list", "--json"]).stdout).unwrap_or(Value::Null);
    assert!(json[0]["revoked_at"].is_i64(), "{json}");
}
