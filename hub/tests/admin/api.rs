//! `/api/auth/*`, `/api/nodes`, `/api/readyz`, `/metrics`, `/api/openapi.json`.

use std::time::Duration;

use crate::on_both_stores;
use dermis_hub::auth::{self, AuthOptions, LocalIssuer};
use dermis_hub::store::HubStore;
use serde_json::{Value, json};

use super::common::node::TestNode;
use super::common::{Fixture, TestHub, create_clinic, enroll, eventually, http, options};

pub const PASSWORD: &str = "correct horse battery";

/// A hub with one admin, `ops`.
pub async fn hub_with_admin<S: HubStore>(
    f: &Fixture<S>,
    tweak: impl FnOnce(&mut dermis_hub::server::ServerOptions),
) -> TestHub {
    let hash = auth::hash_password(PASSWORD).unwrap_or_else(|e| panic!("{e}"));
    f.store
        .create_admin("Ops", &hash, dermis_model::now_millis())
        .await
        .unwrap_or_else(|e| panic!("create admin: {e:?}"));
    let mut opts = options(f.dir.path(), Duration::from_secs(2));
    opts.auth = AuthOptions::default().with_secret(b"admin-test-secret");
    opts.admin_refresh = Duration::from_millis(100);
    tweak(&mut opts);
    TestHub::start(f.store.clone(), opts).await
}

pub async fn login(hub: &TestHub, username: &str, password: &str) -> (u16, Value, Option<String>) {
    let response = http()
        .post(hub.http("/api/auth/login"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("login: {e}"));
    let status = response.status().as_u16();
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, response.json().await.unwrap_or(Value::Null), cookie)
}

pub async fn token(hub: &TestHub) -> String {
    let (status, body, _) = login(hub, "ops", PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().unwrap_or_default().to_owned()
}

async fn get(hub: &TestHub, path: &str, auth: Option<(&str, &str)>) -> (u16, String) {
    let mut request = http().get(hub.http(path));
    if let Some((name, value)) = auth {
        request = request.header(name, value);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

async fn sign_in_answers_alike_and_sets_a_strict_cookie<S: HubStore>(f: Fixture<S>) {
    let hub = hub_with_admin(&f, |_| {}).await;
    let (status, body, cookie) = login(&hub, "OPS ", PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().unwrap_or_default();
    assert_eq!(token.split('.').count(), 3, "a JWT: {body}");
    assert!(
        body["expires_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{body}"
    );
    let cookie = cookie.unwrap_or_default();
    assert!(
        cookie.starts_with(&format!("{}={token}", auth::COOKIE)),
        "{cookie}"
    );
    for part in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=900"] {
        assert!(cookie.contains(part), "{part} missing: {cookie}");
    }
    assert!(!cookie.contains("Secure"));

    let wrong = login(&hub, "ops", "not the password").await;
    let unknown = login(&hub, "nobody", PASSWORD).await;
    assert_eq!(
        (wrong.0, &wrong.1),
        (unknown.0, &unknown.1),
        "one answer for both"
    );
    assert_eq!(wrong.0, 401);
    assert_eq!(wrong.1["error"], json!("invalid_credentials"));

    let logout = http()
        .post(hub.http("/api/auth/logout"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(logout.status().as_u16(), 204);
    let cleared = logout
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    hub.stop().await;
}

async fn failed_sign_ins_are_rate_limited_per_address<S: HubStore>(f: Fixture<S>) {
    let hub = hub_with_admin(&f, |o| o.login_failures = 3).await;
    for _ in 0..3 {
        assert_eq!(login(&hub, "ops", "wrong password").await.0, 401);
    }
    let (status, body, _) = login(&hub, "ops", PASSWORD).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (429, Some("rate_limited")),
        "even the right password waits"
    );
    let (_, metrics) = get(&hub, "/metrics", None).await;
    assert!(
        metrics.contains("dermis_admin_login_failures_total 3"),
        "{metrics}"
    );
    hub.stop().await;
}

/// A wrong sign-in for `username` as if from `client`, through a proxy on loopback.
async fn login_from(hub: &TestHub, client: &str, username: &str) -> (u16, Option<String>, Value) {
    login_through(&http(), hub, client, username).await
}

async fn login_through(
    http: &reqwest::Client,
    hub: &TestHub,
    client: &str,
    username: &str,
) -> (u16, Option<String>, Value) {
    let response = http
        .post(hub.http("/api/auth/login"))
        .header("x-forwarded-for", client)
        .json(&json!({ "username": username, "password": "wrong password" }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("login: {e}"));
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, retry, response.json().await.unwrap_or(Value::Null))
}

async fn metric(hub: &TestHub, series: &str) -> u64 {
    let (_, text) = get(hub, "/metrics", None).await;
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("{series} missing:\n{text}"))
}

fn loopback_proxy() -> dermis_hub::server::TrustedProxies {
    dermis_hub::server::TrustedProxies::parse("127.0.0.1/32,::1/128")
        .unwrap_or_else(|bad| panic!("{bad}"))
}

/// 600 concurrent wrong sign-ins from 60 addresses (a trusted proxy on loopback names
/// them) start at most one argon2 check per address; the rest are refused before any
/// hashing with 429 (or 503 `busy` while the queue is full), each with Retry-After.
async fn a_flood_of_wrong_sign_ins_hashes_a_bounded_number_of_times<S: HubStore>(f: Fixture<S>) {
    let hub = hub_with_admin(&f, |o| {
        o.login_failures = 1;
        o.login_user_failures = 10_000;
        o.login_hashes = 2;
        o.login_queue = 8;
        o.trusted_proxies = loopback_proxy();
    })
    .await;
    // The queue keeps any one answer quick, but up to 60 checks run back to back on a
    // loaded 2-core machine: the client allows for all of them, not for one.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let attempts = (0..600).map(|i| {
        let (hub, client) = (&hub, &client);
        async move { login_through(client, hub, &format!("10.9.0.{}", i % 60), "ops").await }
    });
    let answers = futures_util::future::join_all(attempts).await;
    let mut by_status = std::collections::BTreeMap::<u16, u64>::new();
    for (status, retry, body) in &answers {
        *by_status.entry(*status).or_default() += 1;
        match status {
            401 => assert_eq!(body["error"], json!("invalid_credentials")),
            429 | 503 => {
                let code = if *status == 429 {
                    "rate_limited"
                } else {
                    "busy"
                };
                assert_eq!(body["error"], json!(code), "{body}");
                assert!(
                    retry
                        .as_deref()
                        .and_then(|r| r.parse::<u64>().ok())
                        .is_some_and(|r| r >= 1),
                    "Retry-After on {status}: {retry:?}"
                );
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    let hashes = metric(&hub, "dermis_admin_password_hashes_total").await;
    assert!(hashes <= 60, "{hashes} argon2 checks for {by_status:?}");
    assert_eq!(hashes, by_status.get(&401).copied().unwrap_or(0));
    assert!(hashes >= 1, "{by_status:?}");
    // An address whose attempt was checked has used its attempts.
    let checked = answers
        .iter()
        .position(|(status, _, _)| *status == 401)
        .unwrap_or_default();
    let address = format!("10.9.0.{}", checked % 60);
    assert_eq!(login_from(&hub, &address, "ops").await.0, 429);
    assert_eq!(login_from(&hub, "10.9.0.61", "ops").await.0, 401);
    hub.stop().await;
}

/// Attempts for one username count across addresses: a botnet cannot try more
/// passwords for `ops` by spreading out.
async fn wrong_sign_ins_for_one_username_are_limited_across_addresses<S: HubStore>(f: Fixture<S>) {
    let hub = hub_with_admin(&f, |o| {
        o.login_failures = 100;
        o.login_user_failures = 4;
        o.trusted_proxies = loopback_proxy();
    })
    .await;
    for i in 0..4 {
        let (status, _, body) = login_from(&hub, &format!("10.8.0.{i}"), "ops").await;
        assert_eq!(status, 401, "{body}");
    }
    let (status, retry, body) = login_from(&hub, "10.8.0.200", " OPS").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (429, Some("rate_limited"))
    );
    assert!(retry.is_some());
    assert_eq!(login_from(&hub, "10.8.0.200", "someone-else").await.0, 401);
    assert_eq!(metric(&hub, "dermis_admin_password_hashes_total").await, 5);
    hub.stop().await;
}

/// Without `TRUSTED_PROXIES` (or from a peer not in it) `X-Forwarded-For` is ignored:
/// a new forged address per attempt still counts against the real peer.
async fn a_forged_forwarded_for_from_an_untrusted_peer_is_ignored<S: HubStore>(f: Fixture<S>) {
    let hub = hub_with_admin(&f, |o| o.login_failures = 3).await;
    for i in 0..3 {
        assert_eq!(
            login_from(&hub, &format!("203.0.113.{i}"), "ops").await.0,
            401
        );
    }
    let (status, _, body) = login_from(&hub, "203.0.113.99", "ops").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (429, Some("rate_limited"))
    );

    let hub2 = hub_with_admin_again(&f, |o| {
        o.login_failures = 3;
        o.trusted_proxies = dermis_hub::server::TrustedProxies::parse("192.0.2.0/24")
            .unwrap_or_else(|bad| panic!("{bad}"));
    })
    .await;
    for i in 0..3 {
        assert_eq!(
            login_from(&hub2, &format!("203.0.113.{i}"), "ops").await.0,
            401
        );
    }
    assert_eq!(login_from(&hub2, "203.0.113.99", "ops").await.0, 429);
    hub.stop().await;
    hub2.stop().await;
}

/// With `METRICS_TOKEN` set, `/metrics` answers only that bearer token.
async fn metrics_need_the_token_when_one_is_set<S: HubStore>(f: Fixture<S>) {
    let hub = hub_with_admin(&f, |o| {
        o.metrics_token = Some(dermis_hub::config::Secret::new("scrape-secret"));
    })
    .await;
    assert_eq!(get(&hub, "/metrics", None).await.0, 401);
    let wrong = get(
        &hub,
        "/metrics",
        Some(("authorization", "Bearer scrape-secreT")),
    )
    .await;
    assert_eq!(wrong.0, 401, "{}", wrong.1);
    let (status, text) = get(
        &hub,
        "/metrics",
        Some(("authorization", "Bearer scrape-secret")),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        text.contains("dermis_admin_password_hashes_total 0"),
        "{text}"
    );
    hub.stop().await;
}

/// `/api/healthz` probes the blob folder (a file written and removed) once per TTL,
/// however often it is called.
async fn health_checks_reuse_the_storage_probe<S: HubStore>(f: Fixture<S>) {
    let hub = hub_with_admin(&f, |o| o.storage_probe_ttl = Duration::from_secs(3600)).await;
    for _ in 0..25 {
        let (status, body) = get(&hub, "/api/healthz", None).await;
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(metric(&hub, "dermis_health_storage_probes_total").await, 1);
    hub.stop().await;

    let uncached = hub_with_admin_again(&f, |o| o.storage_probe_ttl = Duration::ZERO).await;
    for _ in 0..3 {
        assert_eq!(get(&uncached, "/api/healthz", None).await.0, 200);
    }
    assert_eq!(
        metric(&uncached, "dermis_health_storage_probes_total").await,
        3
    );
    uncached.stop().await;
}

/// A second hub on the same store (its admin already exists).
async fn hub_with_admin_again<S: HubStore>(
    f: &Fixture<S>,
    tweak: impl FnOnce(&mut dermis_hub::server::ServerOptions),
) -> TestHub {
    let mut opts = options(f.dir.path(), Duration::from_secs(2));
    opts.auth = AuthOptions::default().with_secret(b"admin-test-secret");
    tweak(&mut opts);
    TestHub::start(f.store.clone(), opts).await
}

async fn nodes_need_a_valid_token_and_show_lag<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    let hub = hub_with_admin(&f, |_| {}).await;
    let clinic = create_clinic(&store, "Clinique <Étoile>").await;
    let first = TestNode::new(&enroll(&store, &hub, clinic, "Front desk").await);
    let second = TestNode::new(&enroll(&store, &hub, clinic, "Back office").await);

    assert_eq!(get(&hub, "/api/nodes", None).await.0, 401);
    assert_eq!(
        get(
            &hub,
            "/api/nodes",
            Some(("authorization", "Bearer nonsense"))
        )
        .await
        .0,
        401
    );
    // Signed with another key, or for another audience: refused, though they name the
    // real admin at its current token version.
    let ops = store
        .admin_credentials("ops")
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .unwrap_or_else(|| panic!("no ops"));
    let ops_id = ops.id.to_string();
    let mut foreign = AuthOptions::default().with_secret(b"someone else");
    let forged = LocalIssuer::new(&foreign)
        .issue(
            &ops_id,
            "ops",
            ops.token_version,
            jsonwebtoken::get_current_timestamp(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let bearer = format!("Bearer {}", forged.token);
    assert_eq!(
        get(&hub, "/api/nodes", Some(("authorization", &bearer)))
            .await
            .0,
        401
    );
    foreign = AuthOptions::default().with_secret(b"admin-test-secret");
    foreign.audience = "somebody-else".into();
    let wrong_aud = LocalIssuer::new(&foreign)
        .issue(
            &ops_id,
            "ops",
            ops.token_version,
            jsonwebtoken::get_current_timestamp(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let bearer = format!("Bearer {}", wrong_aud.token);
    assert_eq!(
        get(&hub, "/api/nodes", Some(("authorization", &bearer)))
            .await
            .0,
        401
    );
    let expired = LocalIssuer::new(&AuthOptions::default().with_secret(b"admin-test-secret"))
        .issue(
            &ops_id,
            "ops",
            ops.token_version,
            jsonwebtoken::get_current_timestamp() - 7200,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let bearer = format!("Bearer {}", expired.token);
    assert_eq!(
        get(&hub, "/api/nodes", Some(("authorization", &bearer)))
            .await
            .0,
        401
    );

    // The first node writes while the second is away: the second is behind.
    let mut link = first.connect(&hub.ws()).await;
    link.caught_up_after(0).await;
    first.create_patient("Ana").await;
    first.create_patient("Ben").await;
    link.changed();
    eventually("the pushes to be applied", || async {
        first.outbox_len().await == 0
    })
    .await;

    let token = token(&hub).await;
    let bearer = format!("Bearer {token}");
    let nodes = |body: &str| -> Vec<Value> {
        serde_json::from_str::<Value>(body)
            .ok()
            .and_then(|v| v["nodes"].as_array().cloned())
            .unwrap_or_default()
    };
    // The pushing node is told about its own changes live: it is not behind.
    let deadline = tokio::time::Instant::now() + super::common::WITHIN;
    let listed = loop {
        let (status, body) = get(&hub, "/api/nodes", Some(("authorization", &bearer))).await;
        let listed = nodes(&body);
        let caught_up = status == 200
            && listed.iter().any(|n| {
                n["name"] == json!("Front desk")
                    && n["cursor_lag"] == json!(0)
                    && n["online"] == json!(true)
            });
        if caught_up {
            break listed;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the first node never caught up: {body}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let back = listed
        .iter()
        .find(|n| n["name"] == json!("Back office"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(back["online"], json!(false));
    assert_eq!(
        back["cursor_lag"],
        json!(3),
        "the clinic document and two patients: {back}"
    );
    assert_eq!(back["clinic"]["name"], json!("Clinique <Étoile>"));
    assert_eq!(back["clinic"]["latest_seq"], json!(3));
    assert_eq!(back["number"], json!(2));
    assert_eq!(back["status"], json!("active"));
    assert!(back["outbox"]["count"].is_u64());
    let front = listed
        .iter()
        .find(|n| n["name"] == json!("Front desk"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(front["app_version"], json!("test-node 1"));
    assert!(front["last_sync_at"].as_str().is_some(), "{front}");

    // The cookie works as well as the header.
    let cookie = format!("{}={token}", auth::COOKIE);
    assert_eq!(
        get(&hub, "/api/nodes", Some(("cookie", &cookie))).await.0,
        200
    );
    drop(second);
    link.abort();
    hub.stop().await;
}

async fn readiness_metrics_and_openapi<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    let hub = hub_with_admin(&f, |_| {}).await;
    let (status, body) = get(&hub, "/api/readyz", None).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"ready"}"#));

    let clinic = create_clinic(&store, "Metrics").await;
    let node = TestNode::new(&enroll(&store, &hub, clinic, "A").await);
    let mut link = node.connect(&hub.ws()).await;
    link.caught_up_after(0).await;
    let (status, text) = get(&hub, "/metrics", None).await;
    assert_eq!(status, 200);
    let value = |series: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("{series} missing:\n{text}"))
    };
    assert_eq!(value("dermis_connected_nodes"), 1.0);
    assert!(value("dermis_sync_frames_total{direction=\"in\"}") >= 2.0);
    assert!(value("dermis_sync_bytes_total{direction=\"out\"}") > 0.0);
    assert!(value("dermis_sync_store_seconds_count") >= 1.0);
    assert_eq!(value("dermis_job_queue_depth{state=\"pending\"}"), 0.0);
    assert_eq!(value("dermis_webhook_failures_total"), 0.0);
    link.abort();

    let (status, served) = get(&hub, "/api/openapi.json", None).await;
    assert_eq!(status, 200);
    assert_eq!(served, dermis_hub::openapi::json());
    hub.stop().await;
}

on_both_stores!(
    sign_in_answers_alike_and_sets_a_strict_cookie,
    failed_sign_ins_are_rate_limited_per_address,
    a_flood_of_wrong_sign_ins_hashes_a_bounded_number_of_times,
    wrong_sign_ins_for_one_username_are_limited_across_addresses,
    a_forged_forwarded_for_from_an_untrusted_peer_is_ignored,
    metrics_need_the_token_when_one_is_set,
    health_checks_reuse_the_storage_probe,
    nodes_need_a_valid_token_and_show_lag,
    readiness_metrics_and_openapi,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_fails_when_the_database_is_gone() {
    let Some(f) = super::common::postgres().await else {
        return;
    };
    let hub = TestHub::start(
        f.store.clone(),
        options(f.dir.path(), Duration::from_secs(2)),
    )
    .await;
    assert_eq!(get(&hub, "/api/readyz", None).await.0, 200);
    f.store.pool().close().await;
    let (status, body) = get(&hub, "/api/readyz", None).await;
    assert_eq!(
        (status, body.as_str()),
        (503, r#"{"status":"not_ready","reason":"database"}"#)
    );
    hub.stop().await;
}

#[test]
fn the_committed_openapi_description_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == dermis_hub::openapi::json(),
        "docs/openapi.json differs from what the hub generates: run `make openapi-schema` and commit it"
    );
}
