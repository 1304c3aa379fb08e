//! OIDC sign-in against a real OpenID Provider: the certified `oidc-provider` npm
//! package, run on loopback by `hub/tests/browser/oidc_provider.mjs` (its npm
//! dependencies are installed with `npm ci` when missing; scripts/setup.sh does it for
//! CI). A plain HTTP client walks the redirects as a browser would, keeping cookies per
//! host.
//!
//! Admins are matched by `sub`, or by an email the provider says is verified; unknown
//! identities, a `state` or flow cookie that is not this browser's, a replayed code,
//! and ID tokens that are forged, re-signed, unsigned, HMAC-signed, for another client,
//! from another issuer, expired or for another nonce are all refused, on both stores.
//!
//! Needs `node` and `npm`. Without them the tests are skipped with a notice, except
//! under `CI=true`, where that is a failure.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use crate::common::npm;
use crate::on_both_stores;
use dermis_hub::auth::AuthOptions;
use dermis_hub::oidc::OidcConfig;
use dermis_hub::store::admins::NO_PASSWORD;
use dermis_hub::store::{HubStore, NewAdmin, Scope};
use reqwest::Url;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::net::TcpListener;
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

use super::common::{Fixture, TestHub, options, skip};

const CLIENT_ID: &str = "dermis-hub";
const CLIENT_SECRET: &str = "a client secret of the test provider";

/// The provider process, driven over its stdin.
pub struct OpenIdProvider {
    pub issuer: String,
    child: Child,
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
}

impl OpenIdProvider {
    /// `None` (after a notice) without node. The provider listens on `host`; with
    /// `forms`, its screens are pages that submit themselves (for a browser).
    pub async fn start(redirect_uri: &str, host: &str, forms: bool) -> Option<OpenIdProvider> {
        let Some(node) = npm::which("node") else {
            skip(
                "node is not installed: the OIDC tests are skipped (scripts/setup.sh installs it)",
            );
            return None;
        };
        let dir = npm::browser_dir();
        npm::npm_ci(&dir).await;
        let mut child = Command::new(node)
            .arg("oidc_provider.mjs")
            .current_dir(&dir)
            .env("CLIENT_ID", CLIENT_ID)
            .env("CLIENT_SECRET", CLIENT_SECRET)
            .env("REDIRECT_URI", redirect_uri)
            .env("PROVIDER_HOST", host)
            .env("INTERACTION", if forms { "form" } else { "redirect" })
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("starting node oidc_provider.mjs: {e}"));
        let stdin = child.stdin.take().unwrap_or_else(|| panic!("no stdin"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let mut lines = BufReader::new(stdout).lines();
        let first = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .unwrap_or_else(|_| panic!("the provider did not start"))
            .unwrap_or_else(|e| panic!("reading the provider: {e}"))
            .unwrap_or_default();
        let issuer = first
            .strip_prefix("ISSUER ")
            .unwrap_or_else(|| panic!("the provider said {first:?}"))
            .to_owned();
        Some(OpenIdProvider {
            issuer,
            child,
            stdin,
            lines,
        })
    }

    async fn command(&mut self, line: &str) {
        self.stdin
            .write_all(format!("{line}\n").as_bytes())
            .await
            .unwrap_or_else(|e| panic!("writing to the provider: {e}"));
        let answer = tokio::time::timeout(Duration::from_secs(10), self.lines.next_line())
            .await
            .unwrap_or_else(|_| panic!("the provider did not answer {line}"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(answer.as_deref(), Some("OK"), "{line}");
    }

    /// The account the next sign-in at the provider is.
    pub async fn next_account(&mut self, sub: &str, email: Option<(&str, bool)>) {
        let mut account = serde_json::json!({ "sub": sub });
        if let Some((email, verified)) = email {
            account["email"] = email.into();
            account["email_verified"] = verified.into();
        }
        self.command(&format!("ACCOUNT {account}")).await;
    }

    pub async fn tamper(&mut self, mode: &str) {
        self.command(&format!("TAMPER {mode}")).await;
    }

    pub async fn stop(mut self) {
        drop(self.stdin);
        let _ = tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await;
    }
}

/// A browser's cookies and redirects, by hand.
#[derive(Default)]
pub struct Browser {
    jar: HashMap<String, BTreeMap<String, String>>,
}

fn origin(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(0)
    )
}

impl Browser {
    pub async fn get(&mut self, url: &Url) -> reqwest::Response {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let mut request = client.get(url.clone());
        if let Some(cookies) = self.jar.get(&origin(url)).filter(|c| !c.is_empty()) {
            let header: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            request = request.header("cookie", header.join("; "));
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {url}: {e}"));
        let cookies = self.jar.entry(origin(url)).or_default();
        for set in response.headers().get_all("set-cookie") {
            let set = set.to_str().unwrap_or_default();
            let pair = set.split(';').next().unwrap_or_default();
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            if value.is_empty() || set.contains("Max-Age=0") {
                cookies.remove(name.trim());
            } else {
                cookies.insert(name.trim().to_owned(), value.to_owned());
            }
        }
        response
    }

    pub fn cookie(&self, url: &Url, name: &str) -> Option<String> {
        self.jar.get(&origin(url))?.get(name).cloned()
    }

    pub fn set_cookie(&mut self, url: &Url, name: &str, value: Option<&str>) {
        let cookies = self.jar.entry(origin(url)).or_default();
        match value {
            Some(v) => cookies.insert(name.to_owned(), v.to_owned()),
            None => cookies.remove(name),
        };
    }

    /// Follows redirects from `url` until one points at `stop` (returned, not visited).
    pub async fn until(&mut self, url: &Url, stop: &str) -> Url {
        let mut at = url.clone();
        for _ in 0..20 {
            let response = self.get(&at).await;
            let status = response.status().as_u16();
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let Some(location) = location else {
                let body = response.text().await.unwrap_or_default();
                panic!("{at} answered {status} without a redirect: {body}");
            };
            at = at
                .join(&location)
                .unwrap_or_else(|e| panic!("{location}: {e}"));
            if at.as_str().starts_with(stop) {
                return at;
            }
        }
        panic!("too many redirects from {url}");
    }
}

/// A hub with OIDC on `listener`'s address, and the provider it trusts.
pub async fn hub_with_provider<S: HubStore>(
    f: &Fixture<S>,
    tweak: impl FnOnce(&mut dermis_hub::server::ServerOptions),
) -> Option<(TestHub, OpenIdProvider)> {
    hub_with_provider_on(f, "127.0.0.1", false, tweak).await
}

/// [`hub_with_provider`] with the provider on `host`.
pub async fn hub_with_provider_on<S: HubStore>(
    f: &Fixture<S>,
    host: &str,
    forms: bool,
    tweak: impl FnOnce(&mut dermis_hub::server::ServerOptions),
) -> Option<(TestHub, OpenIdProvider)> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let redirect = format!("http://{addr}/admin/oidc/callback");
    let provider = OpenIdProvider::start(&redirect, host, forms).await?;
    let mut opts = options(f.dir.path(), Duration::from_secs(2));
    opts.auth = AuthOptions::default().with_secret(b"oidc-test-secret, long enough to sign");
    opts.oidc = Some(OidcConfig {
        issuer: provider.issuer.clone(),
        client_id: CLIENT_ID.into(),
        client_secret: dermis_hub::config::Secret::new(CLIENT_SECRET),
        redirect_url: redirect,
        scopes: "openid email".into(),
    });
    tweak(&mut opts);
    let hub = TestHub::start_on(f.store.clone(), opts, listener).await;
    Some((hub, provider))
}

async fn add<S: HubStore>(store: &S, username: &str, email: Option<&str>, subject: Option<&str>) {
    let admin = NewAdmin {
        username: username.into(),
        password_hash: NO_PASSWORD.into(),
        scope: Scope::All,
        email: email.map(str::to_owned),
        oidc_subject: subject.map(str::to_owned),
    };
    store
        .add_admin(&admin, dermis_model::now_millis())
        .await
        .unwrap_or_else(|e| panic!("add admin {username}: {e:?}"));
}

/// How one sign-on ended: the callback's status and body, and the session cookie.
pub struct Ending {
    pub status: u16,
    pub body: String,
    pub session: Option<String>,
}

/// Starts a sign-on, walks the provider, and returns the callback URL the provider sent
/// the browser to (not visited yet).
pub async fn to_callback(hub: &TestHub, browser: &mut Browser) -> Url {
    let start =
        Url::parse(&hub.http("/admin/oidc/start?lang=en")).unwrap_or_else(|e| panic!("{e}"));
    browser
        .until(&start, &hub.http("/admin/oidc/callback"))
        .await
}

pub async fn finish(hub: &TestHub, browser: &mut Browser, callback: &Url) -> Ending {
    let response = browser.get(callback).await;
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    let hub_url = Url::parse(&hub.http("/")).unwrap_or_else(|e| panic!("{e}"));
    Ending {
        status,
        body,
        session: browser.cookie(&hub_url, dermis_hub::auth::COOKIE),
    }
}

async fn sign_on(hub: &TestHub) -> Ending {
    let mut browser = Browser::default();
    let callback = to_callback(hub, &mut browser).await;
    finish(hub, &mut browser, &callback).await
}

async fn api_nodes(hub: &TestHub, session: &str) -> u16 {
    super::common::http()
        .get(hub.http("/api/nodes"))
        .header("cookie", format!("{}={session}", dermis_hub::auth::COOKIE))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .status()
        .as_u16()
}

fn refused(ending: &Ending, status: u16, text: &str, what: &str) {
    assert_eq!(ending.status, status, "{what}: {}", ending.body);
    assert!(ending.body.contains(text), "{what}: {}", ending.body);
    assert!(ending.session.is_none(), "{what}: no session");
}

async fn admins_sign_in_by_subject_or_verified_email<S: HubStore>(f: Fixture<S>) {
    let Some((hub, mut op)) = hub_with_provider(&f, |_| {}).await else {
        return;
    };
    add(&f.store, "bob", None, Some("bob-sub")).await;
    add(&f.store, "ana", Some("ana@clinic.example"), None).await;
    add(
        &f.store,
        "carl",
        Some("carl@clinic.example"),
        Some("carl-sub"),
    )
    .await;

    // The sign-in page offers single sign-on.
    let page = super::common::http()
        .get(hub.http("/admin/login?lang=en"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let html = page.text().await.unwrap_or_default();
    assert!(
        html.contains("href=\"/admin/oidc/start?lang=en\""),
        "{html}"
    );

    // The authorization request carries PKCE (S256), state and nonce.
    let mut browser = Browser::default();
    let start =
        Url::parse(&hub.http("/admin/oidc/start?lang=en")).unwrap_or_else(|e| panic!("{e}"));
    let response = browser.get(&start).await;
    assert_eq!(response.status().as_u16(), 303);
    let to = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .and_then(|l| Url::parse(l).ok())
        .unwrap_or_else(|| panic!("no redirect to the provider"));
    let query: HashMap<String, String> = to.query_pairs().into_owned().collect();
    assert!(to.as_str().starts_with(&op.issuer), "{to}");
    assert_eq!(
        query.get("code_challenge_method").map(String::as_str),
        Some("S256")
    );
    assert_eq!(query.get("code_challenge").map(String::len), Some(43));
    assert_eq!(query.get("state").map(String::len), Some(43));
    assert_eq!(query.get("nonce").map(String::len), Some(43));
    assert_eq!(query.get("client_id").map(String::as_str), Some(CLIENT_ID));

    // By subject (no email at all).
    op.next_account("bob-sub", None).await;
    let bob = sign_on(&hub).await;
    assert_eq!(bob.status, 200, "{}", bob.body);
    assert!(
        bob.body
            .contains("http-equiv=\"refresh\" content=\"0;url=/admin?lang=en\"")
    );
    let session = bob.session.unwrap_or_default();
    assert_eq!(api_nodes(&hub, &session).await, 200, "the session works");
    let page = super::common::http()
        .get(hub.http("/admin?lang=en"))
        .header("cookie", format!("{}={session}", dermis_hub::auth::COOKIE))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(page.text().await.unwrap_or_default().contains("<b>bob</b>"));
    // It is a session like a password's: `admin logout-all` ends it.
    assert!(
        f.store
            .end_admin_tokens("bob", dermis_model::now_millis())
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
    );
    assert_eq!(api_nodes(&hub, &session).await, 401);

    // By a verified email, case aside, for an admin bound to no subject.
    op.next_account("ana-at-the-provider", Some(("Ana@Clinic.Example", true)))
        .await;
    let ana = sign_on(&hub).await;
    assert_eq!(ana.status, 200, "{}", ana.body);
    assert_eq!(api_nodes(&hub, &ana.session.unwrap_or_default()).await, 200);

    // Refused: an email the provider does not vouch for; an email of an admin bound to
    // another subject; an identity no admin has.
    for (sub, email, what) in [
        (
            "ana-at-the-provider",
            Some(("ana@clinic.example", false)),
            "unverified email",
        ),
        (
            "mallory",
            Some(("carl@clinic.example", true)),
            "another subject's admin",
        ),
        ("stranger", None, "unknown"),
    ] {
        op.next_account(sub, email).await;
        refused(
            &sign_on(&hub).await,
            401,
            "No hub admin account matches this identity",
            what,
        );
    }
    op.next_account("carl-sub", Some(("carl@clinic.example", true)))
        .await;
    assert_eq!(sign_on(&hub).await.status, 200, "carl by subject");
    hub.stop().await;
    op.stop().await;
}

async fn forged_or_misdirected_answers_are_refused<S: HubStore>(f: Fixture<S>) {
    // Room for every refusal below before the address is blocked.
    let Some((hub, mut op)) = hub_with_provider(&f, |o| o.login_failures = 100).await else {
        return;
    };
    add(&f.store, "bob", None, Some("bob-sub")).await;
    add(&f.store, "admin", None, Some("admin-sub")).await;
    let hub_url = Url::parse(&hub.http("/")).unwrap_or_else(|e| panic!("{e}"));

    // ID tokens that fail a check, one by one.
    for mode in [
        "rogue-key",
        "unknown-kid",
        "alg-none",
        "hs256",
        "payload",
        "wrong-aud",
        "wrong-iss",
        "expired",
        "wrong-nonce",
    ] {
        op.next_account("bob-sub", None).await;
        op.tamper(mode).await;
        refused(
            &sign_on(&hub).await,
            401,
            "Single sign-on did not complete",
            mode,
        );
    }
    op.tamper("none").await;

    // A state that is not this browser's; no flow cookie; a forged flow cookie.
    op.next_account("bob-sub", None).await;
    let mut browser = Browser::default();
    let callback = to_callback(&hub, &mut browser).await;
    let mut other_state = callback.clone();
    let pairs: Vec<(String, String)> = callback
        .query_pairs()
        .into_owned()
        .map(|(k, v)| {
            if k == "state" {
                (k, "x".repeat(43))
            } else {
                (k, v)
            }
        })
        .collect();
    other_state.query_pairs_mut().clear().extend_pairs(pairs);
    let flow = browser.cookie(&hub_url, "dermis_oidc");
    refused(
        &finish(&hub, &mut browser, &other_state).await,
        400,
        "did not complete",
        "state",
    );
    browser.set_cookie(&hub_url, "dermis_oidc", None);
    refused(
        &finish(&hub, &mut browser, &callback).await,
        400,
        "did not complete",
        "no flow cookie",
    );
    let forged = flow
        .as_deref()
        .map(|f| format!("{}x", &f[..f.len() - 1]))
        .unwrap_or_default();
    browser.set_cookie(&hub_url, "dermis_oidc", Some(&forged));
    refused(
        &finish(&hub, &mut browser, &callback).await,
        400,
        "did not complete",
        "forged flow cookie",
    );

    // Login CSRF: the attacker's own callback (its code and state) in the victim's
    // browser, which has a flow of its own.
    op.next_account("admin-sub", None).await;
    let mut attacker = Browser::default();
    let attackers = to_callback(&hub, &mut attacker).await;
    let mut victim = Browser::default();
    let _ = to_callback(&hub, &mut victim).await;
    refused(
        &finish(&hub, &mut victim, &attackers).await,
        400,
        "did not complete",
        "login CSRF",
    );

    // A code used once is used up: replaying the callback (with its flow cookie) fails.
    op.next_account("bob-sub", None).await;
    let mut browser = Browser::default();
    let callback = to_callback(&hub, &mut browser).await;
    let flow = browser.cookie(&hub_url, "dermis_oidc");
    assert_eq!(finish(&hub, &mut browser, &callback).await.status, 200);
    let mut replay = Browser::default();
    replay.set_cookie(&hub_url, "dermis_oidc", flow.as_deref());
    refused(
        &finish(&hub, &mut replay, &callback).await,
        401,
        "did not complete",
        "replayed code",
    );

    // A provider error and an answer naming another issuer.
    let mut browser = Browser::default();
    op.next_account("bob-sub", None).await;
    let callback = to_callback(&hub, &mut browser).await;
    let mut errored = callback.clone();
    errored.set_query(Some(&format!(
        "error=access_denied&state={}",
        callback
            .query_pairs()
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    )));
    refused(
        &finish(&hub, &mut browser, &errored).await,
        401,
        "did not complete",
        "provider error",
    );
    let mut browser = Browser::default();
    let callback = to_callback(&hub, &mut browser).await;
    let mut mixed_up = callback.clone();
    let pairs: Vec<(String, String)> = callback
        .query_pairs()
        .into_owned()
        .map(|(k, v)| {
            if k == "iss" {
                (k, "http://127.0.0.1:1".into())
            } else {
                (k, v)
            }
        })
        .collect();
    mixed_up.query_pairs_mut().clear().extend_pairs(pairs);
    refused(
        &finish(&hub, &mut browser, &mixed_up).await,
        400,
        "did not complete",
        "mix-up",
    );

    // Every refusal counted against the address, like a wrong password.
    let metrics = super::common::http()
        .get(hub.http("/metrics"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(
        metrics.contains("dermis_admin_login_failures_total 16"),
        "each refusal counts like a wrong password: {metrics}"
    );
    hub.stop().await;
    op.stop().await;
}

/// The whole round trip in headless Chromium: the session cookie is `SameSite=Strict`,
/// and the browser comes back from the provider's site, so the hub's last step must be
/// a same-site navigation of its own for `/admin` to see the session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_signs_in_through_the_provider() {
    let chromium = std::env::var("CHROMIUM")
        .ok()
        .map(PathBuf::from)
        .or_else(|| npm::which("chromium"));
    let Some(chromium) = chromium else {
        skip("chromium is not installed: the OIDC browser test is skipped");
        return;
    };
    let Some(f) = super::common::sqlite().await else {
        return;
    };
    // 127.0.0.2 is another site than the hub's 127.0.0.1 to the browser, and the
    // provider's own page sends the browser back.
    let Some((hub, mut op)) = hub_with_provider_on(&f, "127.0.0.2", true, |_| {}).await else {
        return;
    };
    add(&f.store, "dana", None, Some("dana-sub")).await;
    op.next_account("dana-sub", None).await;
    let node = npm::which("node").unwrap_or_else(|| panic!("node"));
    let run = Command::new(node)
        .arg("oidc_browser.mjs")
        .current_dir(npm::browser_dir())
        .env("HUB_URL", hub.http(""))
        .env("CHROMIUM", &chromium)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(90), run)
        .await
        .unwrap_or_else(|_| panic!("the browser script did not finish"))
        .unwrap_or_else(|e| panic!("node oidc_browser.mjs: {e}"));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "the browser script failed; it said {said}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(said.trim(), "SIGNED_IN dana /admin");
    hub.stop().await;
    op.stop().await;
}

/// Without OIDC configured the routes do not exist.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_provider_there_is_no_single_sign_on() {
    let Some(f) = super::common::sqlite().await else {
        return;
    };
    let hub = TestHub::start(
        f.store.clone(),
        options(f.dir.path(), Duration::from_secs(2)),
    )
    .await;
    for path in ["/admin/oidc/start", "/admin/oidc/callback?code=x&state=y"] {
        let status = super::common::http()
            .get(hub.http(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .status()
            .as_u16();
        assert_eq!(status, 404, "{path}");
    }
    let html = super::common::http()
        .get(hub.http("/admin/login"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(!html.contains("/admin/oidc/start"));
    hub.stop().await;
}

/// `admin add --email/--oidc-subject/--no-password` through the binary: exit 2 naming
/// the field for what cannot be, nothing written; `admin list` says how each signs in.
async fn the_binary_adds_single_sign_on_admins<S: HubStore>(f: Fixture<S>) {
    use super::tokens::{code, hub_cmd, run, stderr};
    let sso = [
        "admin",
        "add",
        "--username",
        "sso",
        "--no-password",
        "--email",
        "SSO@Clinic.Example",
        "--oidc-subject",
        "sso-sub",
    ];
    let out = run(hub_cmd(&f, &sso), "");
    assert_eq!(code(&out), Some(0), "no password read: {}", stderr(&out));
    let cases: [(&[&str], &str); 4] = [
        (
            &["admin", "add", "--username", "x", "--no-password"],
            "no-password",
        ),
        (
            &[
                "admin",
                "add",
                "--username",
                "x",
                "--email",
                "not an address",
            ],
            "email",
        ),
        (
            &[
                "admin",
                "add",
                "--username",
                "x",
                "--no-password",
                "--email",
                "sso@clinic.example",
            ],
            "email: another admin has it",
        ),
        (
            &[
                "admin",
                "add",
                "--username",
                "x",
                "--no-password",
                "--oidc-subject",
                "sso-sub",
            ],
            "oidc_subject: another admin has it",
        ),
    ];
    for (args, named) in cases {
        let out = run(hub_cmd(&f, args), "");
        assert_eq!(code(&out), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(named), "{args:?}: {}", stderr(&out));
    }
    let listed = f
        .store
        .list_admins()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(listed.len(), 1, "nothing written: {listed:?}");
    assert_eq!(listed[0].email.as_deref(), Some("sso@clinic.example"));
    assert!(!listed[0].password);
    let table = run(hub_cmd(&f, &["admin", "list"]), "");
    let table = String::from_utf8_lossy(&table.stdout).into_owned();
    assert!(
        table
            .lines()
            .any(|l| l.contains("sso") && l.contains(" oidc ")),
        "{table}"
    );
    // No password matches an admin without one.
    let hub = TestHub::start(
        f.store.clone(),
        options(f.dir.path(), Duration::from_secs(2)),
    )
    .await;
    assert_eq!(super::api::login(&hub, "sso", "!").await.0, 401);
    assert_eq!(super::api::login(&hub, "sso", "").await.0, 401);
    hub.stop().await;
}

on_both_stores!(
    admins_sign_in_by_subject_or_verified_email,
    forged_or_misdirected_answers_are_refused,
    the_binary_adds_single_sign_on_admins,
);
