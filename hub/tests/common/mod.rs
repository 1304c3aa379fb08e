//! Shared test harness: fresh Postgres databases and SQLite files, an in-process hub on
//! port 0, enrollment over HTTP, a real sync client (`node`), a raw frame client
//! (`raw`), and a throwaway Postgres cluster (`cluster`).
//!
//! Postgres tests read `DERMIS_TEST_DATABASE_URL`. Without it they print a notice and
//! pass, unless `CI=true`, where a missing database is a failure.

pub mod attacks;
pub mod cluster;
pub mod node;
pub mod npm;
pub mod raw;

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use automerge::ChangeHash;
use dermis_hub::server::{ServerOptions, serve};
use dermis_hub::store::postgres::PgStore;
use dermis_hub::store::sqlite::SqliteStore;
use dermis_hub::store::{HubStore, NodeInfo};
use dermis_model::ClinicId;
use dermis_sync::DocStore;
use sqlx::Connection;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use uuid::Uuid;

pub const DB_ENV: &str = "DERMIS_TEST_DATABASE_URL";

/// How long any awaited condition may take before the test fails.
pub const WITHIN: Duration = Duration::from_secs(15);

pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Skips (with a notice) or, under CI, fails.
pub fn skip(why: &str) {
    assert!(!ci(), "CI=true and {why}");
    eprintln!("SKIPPED: {why}");
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{base}/{name}{query}")
}

/// A database created for one test and dropped when the test ends.
pub struct TestDb {
    pub url: String,
    admin_url: String,
    name: String,
}

async fn admin_execute(admin_url: &str, sql: String) -> Result<(), String> {
    let connect = sqlx::PgConnection::connect(admin_url);
    let mut conn = tokio::time::timeout(Duration::from_secs(5), connect)
        .await
        .map_err(|_| "connecting timed out".to_owned())?
        .map_err(|e| e.to_string())?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    let _ = conn.close().await;
    Ok(())
}

impl TestDb {
    /// `None` (after a notice) when no test database is configured.
    pub async fn create() -> Option<TestDb> {
        let Ok(admin_url) = std::env::var(DB_ENV) else {
            skip(&format!("{DB_ENV} is not set: Postgres tests skipped"));
            return None;
        };
        Some(TestDb::create_on(&admin_url).await)
    }

    pub async fn create_on(admin_url: &str) -> TestDb {
        let name = format!("dermis_test_{}", Uuid::new_v4().simple());
        if let Err(e) = admin_execute(admin_url, format!("CREATE DATABASE {name}")).await {
            panic!("cannot create a test database on {DB_ENV}: {e}");
        }
        TestDb {
            url: with_database(admin_url, &name),
            admin_url: admin_url.to_owned(),
            name,
        }
    }

    pub async fn store(&self) -> PgStore {
        PgStore::connect(&self.url, Duration::from_secs(5))
            .await
            .unwrap_or_else(|e| panic!("connect to the test database: {e:?}"))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop cannot await: a thread with its own runtime does it.
        let done = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(admin_execute(&admin_url, sql))
        })
        .join();
        if let Ok(Err(e)) = done {
            eprintln!("could not drop test database {}: {e}", self.name);
        }
    }
}

/// A store under test, with what keeps its data alive.
pub struct Fixture<S> {
    pub store: S,
    pub dir: tempfile::TempDir,
    pub db: Option<TestDb>,
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

pub async fn postgres() -> Option<Fixture<PgStore>> {
    let db = TestDb::create().await?;
    Some(Fixture {
        store: db.store().await,
        dir: tempdir(),
        db: Some(db),
    })
}

pub fn open_sqlite(dir: &std::path::Path) -> SqliteStore {
    SqliteStore::open(&dir.join("hub.db")).unwrap_or_else(|e| panic!("open sqlite: {e:?}"))
}

pub async fn sqlite() -> Option<Fixture<SqliteStore>> {
    let dir = tempdir();
    Some(Fixture {
        store: open_sqlite(dir.path()),
        dir,
        db: None,
    })
}

/// Declares each listed `async fn name<S: HubStore>(Fixture<S>)` as a test on both stores.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(fixture) = $crate::common::postgres().await {
                        super::$name(fixture).await;
                    }
                }
            )*
        }
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(fixture) = $crate::common::sqlite().await {
                        super::$name(fixture).await;
                    }
                }
            )*
        }
    };
}

/// Test server options: production values, except that the periodic status check is
/// `status_interval` (make it long to prove something arrives without it).
pub fn options(dir: &std::path::Path, status_interval: Duration) -> ServerOptions {
    let mut options = ServerOptions::new(dir.join("blobs"));
    options.status_interval = status_interval;
    options
}

/// A hub serving on 127.0.0.1, port 0.
pub struct TestHub {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl TestHub {
    pub async fn start<S: HubStore>(store: S, options: ServerOptions) -> TestHub {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("bind: {e}"));
        TestHub::start_on(store, options, listener).await
    }

    /// On a listener bound already (when the options must name the hub's address).
    pub async fn start_on<S: HubStore>(
        store: S,
        options: ServerOptions,
        listener: TcpListener,
    ) -> TestHub {
        // Hub logs in test output when RUST_LOG asks for them.
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .try_init();
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("local_addr: {e}"));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(store, options, listener, async move {
            let _ = stopped.await;
        }));
        TestHub {
            addr,
            stop: Some(stop),
            task,
        }
    }

    pub fn http(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn ws(&self) -> String {
        format!("ws://{}/sync", self.addr)
    }

    /// Stops the server and waits for it (and its sessions) to finish.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match tokio::time::timeout(WITHIN, &mut self.task).await {
            Ok(Ok(Ok(()))) => {}
            other => panic!("the hub did not stop cleanly: {other:?}"),
        }
    }
}

/// What a node gets from enrolling.
#[derive(Clone, Debug)]
pub struct Enrollment {
    pub node_id: Uuid,
    pub clinic_id: ClinicId,
    pub number: u32,
    pub token: String,
    pub clinic_doc: Vec<u8>,
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_else(|e| panic!("http client: {e}"))
}

/// The value of one series in the hub's `/metrics`.
pub async fn metric(hub: &TestHub, series: &str) -> f64 {
    let text = http()
        .get(hub.http("/metrics"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET /metrics: {e}"))
        .text()
        .await
        .unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {series} in /metrics"))
}

/// Adds a node as `node add` does and returns its code.
pub async fn add_node<S: HubStore>(store: &S, clinic: ClinicId, name: &str) -> String {
    let code = dermis_hub::credentials::new_enroll_code();
    let canonical = dermis_hub::credentials::normalize_code(&code)
        .unwrap_or_else(|| panic!("code {code} does not normalise"));
    let now = dermis_model::now_millis();
    store
        .add_node(
            clinic,
            name,
            &dermis_hub::credentials::hash_secret(&canonical),
            now + 7 * 24 * 3600 * 1000,
            now,
        )
        .await
        .unwrap_or_else(|e| panic!("add node: {e:?}"));
    code
}

/// POSTs to /api/enroll: the status and the JSON body.
pub async fn post_enroll(hub: &TestHub, body: serde_json::Value) -> (u16, serde_json::Value) {
    let response = http()
        .post(hub.http("/api/enroll"))
        .json(&body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST /api/enroll: {e}"));
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(serde_json::Value::Null);
    (status, body)
}

/// Adds a node to `clinic` and enrolls it over HTTP.
pub async fn enroll<S: HubStore>(
    store: &S,
    hub: &TestHub,
    clinic: ClinicId,
    name: &str,
) -> Enrollment {
    let code = add_node(store, clinic, name).await;
    let (status, body) =
        post_enroll(hub, serde_json::json!({ "code": code, "node_name": name })).await;
    assert_eq!(status, 200, "enroll: {body}");
    let text = |k: &str| {
        body[k]
            .as_str()
            .unwrap_or_else(|| panic!("{k} missing: {body}"))
            .to_owned()
    };
    let uuid = |k: &str| Uuid::parse_str(&text(k)).unwrap_or_else(|e| panic!("{k}: {e}"));
    use base64::Engine;
    Enrollment {
        node_id: uuid("node_id"),
        clinic_id: ClinicId(uuid("clinic_id")),
        number: u32::try_from(body["node_number"].as_u64().unwrap_or(0)).unwrap_or(0),
        token: text("token"),
        clinic_doc: base64::engine::general_purpose::STANDARD
            .decode(text("clinic_doc"))
            .unwrap_or_else(|e| panic!("clinic_doc: {e}")),
    }
}

/// The password of the admins [`add_admin`] makes.
pub const ADMIN_PASSWORD: &str = "correct horse battery";

/// Adds admin `username` (password [`ADMIN_PASSWORD`]) who sees `scope`.
pub async fn add_admin<S: HubStore>(store: &S, username: &str, scope: dermis_hub::store::Scope) {
    let hash = dermis_hub::auth::hash_password(ADMIN_PASSWORD).unwrap_or_else(|e| panic!("{e}"));
    store
        .add_admin(
            &dermis_hub::store::NewAdmin {
                username: username.into(),
                password_hash: hash,
                scope,
                email: None,
                oidc_subject: None,
            },
            dermis_model::now_millis(),
        )
        .await
        .unwrap_or_else(|e| panic!("add admin: {e:?}"));
}

/// Signs `username` in with [`ADMIN_PASSWORD`] through `POST /api/auth/login`: the
/// bearer token and the session cookie (`name=value`).
pub async fn sign_in(hub: &TestHub, username: &str) -> (String, String) {
    let response = http()
        .post(hub.http("/api/auth/login"))
        .json(&serde_json::json!({ "username": username, "password": ADMIN_PASSWORD }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("login: {e}"));
    assert_eq!(response.status().as_u16(), 200, "{username} signs in");
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .to_owned();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    let token = body["token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token: {body}"))
        .to_owned();
    (token, cookie)
}

pub async fn create_clinic<S: HubStore>(store: &S, name: &str) -> ClinicId {
    store
        .create_clinic(name, dermis_model::now_millis())
        .await
        .unwrap_or_else(|e| panic!("create clinic: {e:?}"))
}

/// Every document of a clinic on the hub, with its heads.
pub async fn hub_heads<S: DocStore + Clone>(
    store: &S,
    clinic: ClinicId,
) -> BTreeMap<Uuid, Vec<ChangeHash>> {
    let mut store = store.clone();
    let page = store
        .changed_since(clinic, 0, 100_000)
        .await
        .unwrap_or_else(|e| panic!("changed_since: {e}"));
    page.entries
        .into_iter()
        .map(|e| (e.doc_id, e.heads))
        .collect()
}

pub async fn node_row<S: HubStore>(store: &S, id: Uuid) -> NodeInfo {
    store
        .list_nodes()
        .await
        .unwrap_or_else(|e| panic!("list nodes: {e:?}"))
        .into_iter()
        .find(|n| n.id == id)
        .unwrap_or_else(|| panic!("node {id} not listed"))
}

/// Polls `check` until it holds or `WITHIN` passes. For state outside our reach (a
/// store, another process); events we own are awaited directly.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + WITHIN;
    loop {
        if check().await {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A job that failed for good, as a corrupt photo's thumbnail job would.
pub async fn dead_job<S: dermis_hub::jobs::JobStore>(store: &S) -> i64 {
    let now = dermis_model::now_millis();
    // Due at the very `now` it is claimed with: `NewJob::now` reads the clock again, and
    // when the millisecond turns in between the job is not yet due for that claim.
    let new = dermis_hub::jobs::NewJob {
        max_attempts: 1,
        run_at: now,
        ..dermis_hub::jobs::NewJob::now("thumbnail", None, serde_json::json!({}))
    };
    let id = store
        .enqueue_job(&new, now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let claimed = store
        .claim_job("test-worker", now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .unwrap_or_else(|| panic!("no job to claim"));
    assert_eq!(claimed.id, id);
    let failure =
        dermis_hub::jobs::JobFailure::permanent("the image is corrupt: unexpected end of file");
    let (state, at) = dermis_hub::jobs::after_failure(
        &claimed,
        &failure,
        now,
        Duration::from_secs(1),
        Duration::from_secs(1),
        0.0,
    );
    assert!(
        store
            .finish_job(id, "test-worker", Err((state, at, failure.message)), now)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
    );
    id
}
