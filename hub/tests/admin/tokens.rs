//! Admin tokens that end: `admin passwd`, `admin logout-all` and `admin remove` (the
//! real binary, against the store a running hub serves) end every earlier token at
//! once, on the JSON API, on the pages and on a live page's event stream;
//! `JWT_SECRET_PREVIOUS` keeps tokens working across a rotation; the binary's exit codes.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::on_both_stores;
use dermis_hub::auth::{AuthOptions, LocalIssuer};
use dermis_hub::store::HubStore;

use super::api::{PASSWORD, hub_with_admin, login, token};
use super::common::{Fixture, TestHub, WITHIN, http, options, tempdir};

const BIN: &str = env!("CARGO_BIN_EXE_dermis-hub");

/// The binary on the fixture's store, with a clean environment.
pub(super) fn hub_cmd<S>(f: &Fixture<S>, args: &[&str]) -> Command {
    bin(f.dir.path(), f.db.as_ref().map(|db| db.url.as_str()), args)
}

pub(super) fn bin(data_dir: &Path, database_url: Option<&str>, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir").arg(data_dir).args(args);
    for (var, _) in std::env::vars() {
        let ours = [
            "DATABASE_URL",
            "JWT_",
            "HUB_",
            "DERMIS_",
            "OIDC_",
            "RUST_LOG",
        ];
        if ours.iter().any(|p| var.starts_with(p)) {
            cmd.env_remove(var);
        }
    }
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd
}

/// Runs the command with `stdin` written to it.
pub(super) fn run(mut cmd: Command, stdin: &str) -> Output {
    cmd.stdin(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {BIN}: {e}"));
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.as_bytes());
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("wait {BIN}: {e}"))
}

pub(super) fn code(output: &Output) -> Option<i32> {
    output.status.code()
}

pub(super) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub(super) async fn status_of(hub: &TestHub, path: &str, header: (&str, &str)) -> u16 {
    http()
        .get(hub.http(path))
        .header(header.0, header.1)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
        .status()
        .as_u16()
}

/// Where `/admin` sends a request with this cookie: `None` when it shows the page.
async fn admin_page(hub: &TestHub, cookie: &str) -> Option<String> {
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
        .get(hub.http("/admin"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET /admin: {e}"));
    match response.status().as_u16() {
        200 => None,
        303 => response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        other => panic!("GET /admin answered {other}"),
    }
}

/// A bearer token and a session cookie of `ops`, both working.
async fn signed_in_twice(hub: &TestHub) -> (String, String) {
    let bearer = format!("Bearer {}", token(hub).await);
    let (status, _, set_cookie) = login(hub, "ops", PASSWORD).await;
    assert_eq!(status, 200);
    let cookie = set_cookie
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        status_of(hub, "/api/nodes", ("authorization", &bearer)).await,
        200
    );
    assert_eq!(status_of(hub, "/api/nodes", ("cookie", &cookie)).await, 200);
    assert_eq!(admin_page(hub, &cookie).await, None);
    (bearer, cookie)
}

/// Both are refused now: 401 on the API, the sign-in page for `/admin`.
async fn both_refused(hub: &TestHub, (bearer, cookie): &(String, String), after: &str) {
    assert_eq!(
        status_of(hub, "/api/nodes", ("authorization", bearer)).await,
        401,
        "bearer after {after}"
    );
    assert_eq!(
        status_of(hub, "/api/nodes", ("cookie", cookie)).await,
        401,
        "cookie after {after}"
    );
    assert_eq!(
        admin_page(hub, cookie).await.as_deref(),
        Some("/admin/login?lang=en"),
        "/admin after {after}"
    );
}

async fn the_binary_ends_every_earlier_token_at_once<S: HubStore>(f: Fixture<S>) {
    let hub = hub_with_admin(&f, |_| {}).await;

    let before = signed_in_twice(&hub).await;
    let out = run(
        hub_cmd(&f, &["admin", "logout-all", "--username", "OPS"]),
        "",
    );
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    both_refused(&hub, &before, "logout-all").await;
    // The sign-in page no longer takes the ended cookie for a session.
    let form = http()
        .get(hub.http("/admin/login"))
        .header("cookie", &before.1)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(form.status().as_u16(), 200, "no redirect loop");

    let before = signed_in_twice(&hub).await;
    let new_password = "a new password, long enough";
    let out = run(
        hub_cmd(&f, &["admin", "passwd", "--username", "ops"]),
        &format!("{new_password}\n"),
    );
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    both_refused(&hub, &before, "passwd").await;
    assert_eq!(
        login(&hub, "ops", PASSWORD).await.0,
        401,
        "the old password"
    );
    let (status, body, _) = login(&hub, "ops", new_password).await;
    assert_eq!(status, 200, "{body}");
    let fresh = format!("Bearer {}", body["token"].as_str().unwrap_or_default());
    assert_eq!(
        status_of(&hub, "/api/nodes", ("authorization", &fresh)).await,
        200
    );

    let out = run(hub_cmd(&f, &["admin", "remove", "--username", "ops"]), "");
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "removed ops");
    assert_eq!(
        status_of(&hub, "/api/nodes", ("authorization", &fresh)).await,
        401,
        "a removed admin's token"
    );
    assert_eq!(login(&hub, "ops", new_password).await.0, 401);
    hub.stop().await;
}

async fn a_live_page_ends_when_its_admin_is_logged_out<S: HubStore>(f: Fixture<S>) {
    let hub = hub_with_admin(&f, |_| {}).await;
    let (_, cookie) = signed_in_twice(&hub).await;
    let mut events = http()
        .get(hub.http("/admin/events?view=overview"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(events.status().as_u16(), 200);
    let mut seen = String::new();
    let mut ended = false;
    let read = tokio::time::timeout(WITHIN, async {
        while let Ok(Some(chunk)) = events.chunk().await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if !ended && seen.contains("event: update") {
                let out = run(
                    hub_cmd(&f, &["admin", "logout-all", "--username", "ops"]),
                    "",
                );
                assert_eq!(code(&out), Some(0), "{}", stderr(&out));
                ended = true;
                seen.clear();
            }
        }
        ended && seen.contains("event: expired")
    })
    .await;
    assert!(
        matches!(read, Ok(true)),
        "the stream did not end with `expired`: {seen}"
    );
    hub.stop().await;
}

async fn the_previous_secret_verifies_during_a_rotation<S: HubStore>(f: Fixture<S>) {
    const OLD: &[u8] = b"the old secret, thirty-two bytes or more";
    const NEW: &[u8] = b"the new secret, thirty-two bytes or more";
    let hub = hub_with_admin(&f, |o| o.auth = AuthOptions::default().with_secret(OLD)).await;
    let old = format!("Bearer {}", token(&hub).await);
    hub.stop().await;

    let mut rotating = options(f.dir.path(), Duration::from_secs(2));
    rotating.auth = AuthOptions::default()
        .with_secret(NEW)
        .with_previous_secret(OLD);
    let hub = TestHub::start(f.store.clone(), rotating).await;
    assert_eq!(
        status_of(&hub, "/api/nodes", ("authorization", &old)).await,
        200,
        "signed with JWT_SECRET_PREVIOUS"
    );
    let new = token(&hub).await;
    let only_old = LocalIssuer::new(&AuthOptions::default().with_secret(OLD));
    let only_new = LocalIssuer::new(&AuthOptions::default().with_secret(NEW));
    assert!(
        only_old.verify(&new).is_err(),
        "new tokens are not signed with the old secret"
    );
    assert!(
        only_new.verify(&new).is_ok(),
        "new tokens are signed with JWT_SECRET"
    );
    hub.stop().await;

    let mut rotated = options(f.dir.path(), Duration::from_secs(2));
    rotated.auth = AuthOptions::default().with_secret(NEW);
    let hub = TestHub::start(f.store.clone(), rotated).await;
    assert_eq!(
        status_of(&hub, "/api/nodes", ("authorization", &old)).await,
        401,
        "the rotation is over"
    );
    let new = format!("Bearer {new}");
    assert_eq!(
        status_of(&hub, "/api/nodes", ("authorization", &new)).await,
        200
    );
    hub.stop().await;
}

/// 0 ok, 2 invalid input (the field named, nothing written), 1 anything else.
async fn the_admin_commands_exit_as_documented<S: HubStore>(f: Fixture<S>) {
    let added = run(
        hub_cmd(&f, &["admin", "add", "--username", "Lead"]),
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(code(&added), Some(0), "{}", stderr(&added));
    let id = String::from_utf8_lossy(&added.stdout).trim().to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "the id alone: {id}");

    let cases: [(&[&str], &str, &str); 8] = [
        (
            &["admin", "add", "--username", "lead"],
            PASSWORD,
            "exists already",
        ),
        (
            &["admin", "add", "--username", "two words"],
            PASSWORD,
            "username",
        ),
        (
            &["admin", "add", "--username", "short"],
            "too short",
            "password",
        ),
        (
            &["admin", "passwd", "--username", "nobody"],
            PASSWORD,
            "no admin",
        ),
        (
            &["admin", "passwd", "--username", "lead"],
            "short",
            "password",
        ),
        (&["admin", "remove", "--username", "nobody"], "", "no admin"),
        (
            &["admin", "logout-all", "--username", "nobody"],
            "",
            "no admin",
        ),
        (
            &["admin", "logout-all", "--username", "<b>"],
            "",
            "username",
        ),
    ];
    for (args, stdin, named) in cases {
        let out = run(hub_cmd(&f, args), &format!("{stdin}\n"));
        assert_eq!(code(&out), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(named),
            "{args:?} names {named}: {}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty(), "{args:?} printed a result");
    }
    // Nothing was written: `short` was never added, lead's password is unchanged.
    assert!(
        f.store
            .admin_credentials("short")
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
            .is_none()
    );
    let lead = f
        .store
        .admin_credentials("lead")
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .unwrap_or_else(|| panic!("lead is gone"));
    assert_eq!(
        lead.token_version, 0,
        "no refused command ended lead's tokens"
    );
    assert!(dermis_hub::auth::verify_password(
        PASSWORD,
        &lead.password_hash
    ));
}

on_both_stores!(
    the_binary_ends_every_earlier_token_at_once,
    a_live_page_ends_when_its_admin_is_logged_out,
    the_previous_secret_verifies_during_a_rotation,
    the_admin_commands_exit_as_documented,
);

#[test]
fn a_short_jwt_secret_is_refused_at_start_by_name() {
    for (name, value) in [
        ("JWT_SECRET", "x".repeat(31)),
        ("JWT_SECRET_PREVIOUS", "short".to_owned()),
    ] {
        let dir = tempdir();
        let data = dir.path().join("data");
        let mut cmd = bin(&data, None, &["serve"]);
        cmd.env("HUB_BIND", "127.0.0.1:0").env(name, &value);
        let out = run(cmd, "");
        assert_eq!(code(&out), Some(2), "{name}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("{name} must be at least 32 bytes")),
            "{}",
            stderr(&out)
        );
        assert!(
            !stderr(&out).contains(&value),
            "the secret is never printed"
        );
        assert!(!data.exists(), "nothing written");
    }
}

#[test]
fn an_unreachable_database_exits_1() {
    let dir = tempdir();
    // A port nothing listens on: refused at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let url = format!("postgres://postgres@127.0.0.1:{port}/none?connect_timeout=2");
    let out = run(
        bin(
            dir.path(),
            Some(&url),
            &["admin", "logout-all", "--username", "ops"],
        ),
        "",
    );
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
}
