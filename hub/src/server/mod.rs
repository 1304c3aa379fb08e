//! The HTTP side of the hub (axum). [`serve`] takes a bound listener and a shutdown
//! future, so tests bind port 0 and stop the server without sleeping.
//!
//! - `GET /sync` with `Authorization: Bearer <token>`: 401 `{"error":"unauthorized"}`
//!   for a missing or unknown token and 403 `{"error":"revoked"}` for a revoked node,
//!   before any upgrade; otherwise a WebSocket carrying protocol v1 (docs/SYNC.md) for
//!   the token's node and clinic.
//! - `POST /api/enroll` `{"code","node_name"}`: 200 `{"node_id","clinic_id",
//!   "clinic_name","node_number","token","clinic_doc"}` (`clinic_doc` is the clinic
//!   document's bytes, standard base64); 401 `invalid_code`; 400 `bad_request`; 429
//!   `rate_limited` after repeated failures from one address.
//! - `GET /api/healthz`: 200 `{"status":"ok","db":"ok","storage":"ok"}`, or 503 with
//!   `"status":"error"` and the failing part (`"db":"unreachable"`,
//!   `"storage":"unwritable"` for the blob folder, `"storage":"unreachable"` for S3).
//! - The photo lane (`/api/uploads/*`, `/api/blobs/*`, node tokens): `crate::photos`.
//!
//! Every error body is `{"error": <stable code>, "message": <safe text>}`.
//!
//! The admin side's routes are merged in here: the JSON API in [`crate::api`]
//! (`/api/auth/*`, `/api/nodes`, `/api/readyz`, `/api/openapi.json`, `/metrics`) and the
//! HTML pages in [`crate::admin`] (`/admin/*`).
//!
//! A hub instance keeps no state of its own beyond its running sessions: everything
//! else is in the store, and commits made elsewhere (another instance, the command
//! line) arrive as store events or are noticed by a periodic check.

pub(crate) mod api;
pub mod client;
pub mod housekeeping;
pub mod http;
mod registry;
pub(crate) mod session;
pub mod tls;

pub use api::{EnrollRequest, EnrollResponse};
pub use client::{AttemptLimiter, HashGate, TrustedProxies};

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use dermis_sync::EngineConfig;
use dermis_sync::wire::{ErrorCode, Limits};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

use crate::auth::{AuthOptions, Authority};
use crate::blobs::{Blobs, LocalBlobs, S3Blobs};
use crate::jobs::{JobOptions, Workers};
use crate::metrics::{Metrics, Snapshot};
use crate::store::{HubStore, StoreEvent};
use crate::webhooks::WebhookOptions;
use crate::webhooks::calendly::CalendlyOptions;

pub use registry::Registry;

/// How the server behaves; [`ServerOptions::new`] gives the production values.
#[derive(Clone, Debug)]
pub struct ServerOptions {
    /// Where blobs go without S3; `/api/healthz` checks it is writable.
    pub blob_dir: PathBuf,
    /// Blobs in this S3 bucket instead of `blob_dir` (`S3_ENDPOINT` set).
    pub s3: Option<crate::config::S3Config>,
    /// The largest photo accepted (`PHOTO_MAX_BYTES`).
    pub photo_max_bytes: u64,
    /// The most pixels an image may declare before the hub decodes it.
    pub photo_max_pixels: u64,
    /// Bytes one clinic may hold in unfinished uploads (`HUB_STAGING_QUOTA_BYTES`).
    pub staging_quota_bytes: u64,
    /// Concurrent decodes for requests (`HUB_DECODE_WORKERS`).
    pub photo_decode_workers: usize,
    /// Connections, header and body sizes, timeouts ([`http`]).
    pub http: http::HttpLimits,
    /// Requests that may wait for a decode before 503 (`HUB_DECODE_QUEUE`).
    pub photo_decode_queue: usize,
    pub limits: Limits,
    pub engine: EngineConfig,
    /// How often connected nodes' status and their clinics' seqs are re-read: what
    /// notices a revocation or a commit that no notification announced.
    pub status_interval: Duration,
    /// Failed enrollment attempts allowed per IP address per window.
    pub enroll_failures: u32,
    pub enroll_window: Duration,
    /// How long a session waits for the node's close frame after sending its own.
    pub close_grace: Duration,
    /// How long one frame may wait for the node to read it before the session ends: a
    /// node that stops reading costs the hub at most the frames in flight.
    pub send_timeout: Duration,
    /// How long shutdown waits for sessions to close.
    pub shutdown_grace: Duration,
    /// Admin tokens and the session cookie.
    pub auth: AuthOptions,
    /// Failed admin sign-ins allowed per client address per window (counted when they
    /// start, before any hashing).
    pub login_failures: u32,
    /// Failed admin sign-ins allowed per username per window, from any address.
    pub login_user_failures: u32,
    pub login_window: Duration,
    /// Argon2 checks run at once (each holds ~19 MiB), and how many more sign-ins may
    /// wait for a turn before the rest get 503 `busy` with `Retry-After`.
    pub login_hashes: usize,
    pub login_queue: usize,
    /// `TRUSTED_PROXIES`: peers whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    /// `METRICS_TOKEN`: `/metrics` needs it as a bearer token; without it `/metrics`
    /// answers loopback clients only.
    pub metrics_token: Option<crate::config::Secret>,
    /// How long `/api/healthz` reuses its last blob-storage probe, so a flood of health
    /// checks writes one probe file per period rather than one per call.
    pub storage_probe_ttl: Duration,
    /// How often a live admin page re-reads the store for changes.
    pub admin_refresh: Duration,
    /// Outgoing webhooks and the event projector.
    pub webhooks: WebhookOptions,
    /// The Calendly endpoint.
    pub calendly: CalendlyOptions,
    /// The job queue's workers in this instance.
    pub jobs: JobOptions,
    /// `PUBLIC_URL`: its origin is accepted on admin form posts.
    pub public_url: Option<crate::config::PublicUrl>,
    /// `HUB_AUTOMERGE_*`: the pool every store handle of this server runs Automerge work
    /// on, and each node's budget there.
    pub pool: crate::pool::PoolOptions,
    /// `HUB_GROUP_COMMIT_MAX`: pushes written in one transaction at most.
    pub group_commit: usize,
    /// `OIDC_*`: admins may sign in through this OpenID Provider.
    pub oidc: Option<crate::oidc::OidcConfig>,
    /// `NODE_TOKEN_DAYS`: a node whose token is older gets a new one over its session.
    pub node_token_ttl: Duration,
    /// `HUB_SESSION_HISTORY_DAYS`: ended sync sessions older than this are deleted
    /// ([`housekeeping`]).
    pub session_history: Duration,
    /// How often housekeeping runs (also once at start).
    pub housekeeping_interval: Duration,
    /// Rows housekeeping deletes per statement.
    pub prune_batch: u32,
    /// `API_RATE_PER_MINUTE`: requests per API key (or admin) per minute on `/api/v1`.
    pub api_rate_per_minute: u32,
    /// `FHIR_EXPORT_HOURS`: how long a bulk export's files are kept.
    pub fhir_export_ttl: Duration,
}

impl ServerOptions {
    pub fn new(blob_dir: PathBuf) -> ServerOptions {
        ServerOptions {
            blob_dir,
            s3: None,
            photo_max_bytes: dermis_model::photo::DEFAULT_MAX_PHOTO_BYTES,
            photo_max_pixels: crate::photos::image::DEFAULT_MAX_PIXELS,
            staging_quota_bytes: DEFAULT_STAGING_QUOTA_BYTES,
            photo_decode_workers: crate::photos::gate::DEFAULT_DECODE_WORKERS,
            http: http::HttpLimits::default(),
            photo_decode_queue: crate::photos::gate::DEFAULT_DECODE_QUEUE,
            limits: Limits::default(),
            engine: EngineConfig {
                app_version: concat!("dermis-hub ", env!("CARGO_PKG_VERSION")).into(),
                ..EngineConfig::default()
            },
            status_interval: Duration::from_secs(2),
            enroll_failures: 10,
            enroll_window: Duration::from_secs(15 * 60),
            close_grace: Duration::from_secs(2),
            send_timeout: Duration::from_secs(45),
            shutdown_grace: Duration::from_secs(5),
            auth: AuthOptions::default(),
            login_failures: 10,
            login_user_failures: 30,
            login_hashes: 2,
            login_queue: 16,
            trusted_proxies: TrustedProxies::default(),
            metrics_token: None,
            storage_probe_ttl: Duration::from_secs(5),
            login_window: Duration::from_secs(15 * 60),
            admin_refresh: Duration::from_secs(1),
            webhooks: WebhookOptions::default(),
            calendly: CalendlyOptions::default(),
            jobs: JobOptions::default(),
            public_url: None,
            pool: crate::pool::PoolOptions::default(),
            group_commit: crate::store::GROUP_COMMIT_MAX,
            oidc: None,
            node_token_ttl: Duration::from_secs(30 * 86_400),
            session_history: Duration::from_secs(90 * 86_400),
            housekeeping_interval: Duration::from_secs(3600),
            prune_batch: housekeeping::PRUNE_BATCH,
            api_rate_per_minute: crate::config::DEFAULT_API_RATE_PER_MINUTE,
            fhir_export_ttl: crate::config::DEFAULT_FHIR_EXPORT_TTL,
        }
    }
}

/// Default `HUB_STAGING_QUOTA_BYTES`: 1 GiB of unfinished uploads per clinic.
pub const DEFAULT_STAGING_QUOTA_BYTES: u64 = 1 << 30;

/// What every request handler and session shares.
pub struct Hub<S> {
    pub store: S,
    /// Photo originals and thumbnails.
    pub blobs: Blobs,
    pub options: ServerOptions,
    pub registry: Registry,
    pub metrics: Metrics,
    pub auth: Authority,
    /// The OpenID Provider admins may sign in through.
    pub oidc: Option<crate::oidc::Provider>,
    /// Sign-in attempts per client address and per username, and the argon2 gate.
    pub(crate) login_by_address: AttemptLimiter<IpAddr>,
    pub(crate) login_by_user: AttemptLimiter<String>,
    pub(crate) hashes: HashGate,
    enroll_limiter: AttemptLimiter<IpAddr>,
    /// `/api/v1` requests per caller per minute.
    pub(crate) api_rate: AttemptLimiter<crate::principal::CallerId>,
    /// Signs the short-lived photo URLs `/api/v1/photos` hands out (derived from the
    /// admin token secret, so every instance sharing `JWT_SECRET` accepts them).
    pub(crate) url_key: [u8; 32],
    /// The last blob-storage probe and when it ran; the lock also makes concurrent
    /// health checks share one probe.
    pub(crate) storage_probe: tokio::sync::Mutex<Option<(std::time::Instant, &'static str)>>,
    pub(crate) shutdown: watch::Receiver<bool>,
    /// Bumped when a job is queued, to wake idle workers.
    jobs_wake: watch::Sender<u64>,
    /// Where Automerge work runs (`/metrics` reads its figures).
    pub pool: crate::pool::DocPool,
    /// Bounds decoding photos for requests.
    pub decode: crate::photos::gate::DecodeGate,
}

impl<S> Hub<S> {
    /// The address a request's attempts count against ([`TrustedProxies::client`]).
    pub fn client_ip(&self, peer: SocketAddr, headers: &axum::http::HeaderMap) -> IpAddr {
        self.options.trusted_proxies.client(peer.ip(), headers)
    }

    /// Wakes this instance's idle job workers.
    pub fn wake_jobs(&self) {
        self.jobs_wake.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// The figures `/metrics` reads at scrape time.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            connected_nodes: self.registry.nodes().len() as u64,
            open_sessions: self.registry.sessions() as u64,
            pool: self.pool.stats(),
        }
    }
}

/// Runs the hub on `listener` (plain HTTP) until `shutdown` completes; then closes every
/// session with `shutting_down` and returns once they are closed (or the grace period
/// ends).
pub async fn serve<S: HubStore>(
    store: S,
    options: ServerOptions,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_on(store, options, no_delay(listener), shutdown).await
}

/// `listener` with Nagle's algorithm off on every connection it accepts. A sync session
/// writes small frames (a live update, an ack) that the node waits for; with Nagle on, a
/// frame written while the previous one is unacknowledged waits for the peer's delayed
/// ACK (up to 40 ms on Linux). The node's side has it off too.
pub fn no_delay(
    listener: TcpListener,
) -> impl axum::serve::Listener<Addr = SocketAddr, Io = tokio::net::TcpStream> {
    use axum::serve::ListenerExt;
    listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot turn Nagle's algorithm off");
        }
    })
}

/// [`serve`] on any listener whose peers have socket addresses: a [`tls::TlsListener`]
/// for HTTPS, or a wrapper that limits or counts connections.
pub async fn serve_on<S, L>(
    store: S,
    options: ServerOptions,
    listener: L,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()>
where
    S: HubStore,
    L: axum::serve::Listener<Addr = SocketAddr>,
{
    let (stop_tx, stop_rx) = watch::channel(false);
    let pool = crate::pool::DocPool::new(options.pool).map_err(std::io::Error::other)?;
    let store = store
        .with_pool(&pool)
        .with_group_commit(options.group_commit)
        .with_doc_limits(crate::store::rules::doc_limits(
            options.limits.max_frame_bytes,
        ));
    let blobs = open_blobs(&options).await;
    let oidc = match options.oidc.clone() {
        Some(config) => Some(crate::oidc::Provider::new(config).map_err(std::io::Error::other)?),
        None => None,
    };
    let hub = Arc::new(Hub {
        blobs,
        enroll_limiter: AttemptLimiter::new(options.enroll_failures, options.enroll_window),
        api_rate: AttemptLimiter::new(options.api_rate_per_minute, Duration::from_secs(60)),
        url_key: options.auth.derived_key(b"dermis api/v1 photo urls"),
        login_by_address: AttemptLimiter::new(options.login_failures, options.login_window),
        login_by_user: AttemptLimiter::new(options.login_user_failures, options.login_window),
        hashes: HashGate::new(options.login_hashes, options.login_queue),
        storage_probe: tokio::sync::Mutex::new(None),
        decode: crate::photos::gate::DecodeGate::new(
            options.photo_decode_workers,
            options.photo_decode_queue,
        ),
        auth: Authority::new(&options.auth),
        oidc,
        metrics: Metrics::default(),
        store,
        options,
        registry: Registry::default(),
        shutdown: stop_rx,
        jobs_wake: watch::channel(0).0,
        pool,
    });
    let background = tokio::spawn(follow_store(hub.clone()));
    let projector = tokio::spawn(crate::webhooks::run(hub.clone()));
    let housekeeping = tokio::spawn(housekeeping::run(hub.clone()));
    let metrics_hub = hub.clone();
    let workers = Workers::spawn(
        hub.store.clone(),
        hub.options.jobs.clone(),
        hub.jobs_wake.subscribe(),
        crate::jobs::hub_runner(hub.clone()),
        Some(Arc::new(move |counts: crate::jobs::JobCounts| {
            let metrics = &metrics_hub.metrics;
            metrics.set_job_depth("pending", counts.pending);
            metrics.set_job_depth("failed", counts.failed);
            metrics.set_job_depth("dead", counts.dead);
        })),
    );
    let limits = hub.options.http;
    let app = router(hub.clone())
        .layer(axum::middleware::from_fn(move |request, next| {
            http::limit_requests(limits, request, next)
        }))
        .layer(axum::extract::DefaultBodyLimit::max(limits.max_body_bytes));
    tracing::info!(addr = %listener.local_addr()?, "hub listening");
    let refused_hub = hub.clone();
    let served = http::serve(
        listener,
        app,
        limits,
        hub.options.trusted_proxies.clone(),
        move || refused_hub.metrics.connection_refused(),
        async move {
            shutdown.await;
            tracing::info!("shutting down");
            let _ = stop_tx.send(true);
        },
    )
    .await;
    if tokio::time::timeout(hub.options.shutdown_grace, hub.registry.drained())
        .await
        .is_err()
    {
        tracing::warn!("sessions still open at the end of the shutdown grace period");
    }
    workers.stop().await;
    background.abort();
    projector.abort();
    housekeeping.abort();
    served
}

/// The S3 bucket when one is configured (made now if missing; when S3 cannot be reached
/// yet, the hub starts anyway and `/api/healthz` says so), else the blob folder.
async fn open_blobs(options: &ServerOptions) -> Blobs {
    match &options.s3 {
        Some(config) => {
            let s3 = S3Blobs::new(config);
            if let Err(e) = s3.ensure_bucket().await {
                tracing::warn!(error = %dermis_sync::driver::error_chain(&e), "blob bucket not reachable at start");
            }
            Blobs::S3(s3)
        }
        None => Blobs::Local(LocalBlobs::new(options.blob_dir.clone())),
    }
}

fn router<S: HubStore>(hub: Arc<Hub<S>>) -> Router {
    Router::new()
        .route("/sync", get(session::upgrade::<S>))
        .route("/api/enroll", post(api::enroll::<S>))
        .route("/api/healthz", get(api::healthz::<S>))
        .merge(crate::photos::api::routes::<S>())
        .merge(crate::api::routes::<S>())
        .merge(crate::api::v1::routes::<S>(hub.clone()))
        .merge(crate::admin::routes::<S>())
        .merge(crate::fhir::http::routes::<S>(hub.clone()))
        .with_state(hub)
}

/// Turns store events and a periodic check into session wake-ups and terminations.
async fn follow_store<S: HubStore>(hub: Arc<Hub<S>>) {
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let watcher = tokio::spawn(hub.store.watch(events_tx.clone()));
    let mut tick = tokio::time::interval(hub.options.status_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut shutdown = hub.shutdown.clone();
    loop {
        tokio::select! {
            _ = async { shutdown.wait_for(|stop| *stop).await.map(|_| ()) } => break,
            Some(event) = events.recv() => match event {
                StoreEvent::ClinicAdvanced { clinic, seq } => hub.registry.advance(clinic, seq),
                StoreEvent::NodeRevoked { node } => {
                    hub.registry.terminate_node(node, ErrorCode::Revoked, REVOKED);
                }
                StoreEvent::JobsQueued => hub.wake_jobs(),
                StoreEvent::Resync => {
                    hub.wake_jobs();
                    recheck(&hub).await
                }
            },
            _ = tick.tick() => recheck(&hub).await,
        }
    }
    // Keeps the channel open for as long as the loop runs.
    drop(events_tx);
    watcher.abort();
}

const REVOKED: &str = "this node's access was revoked";

/// Re-reads what notifications may have missed: connected nodes that are no longer
/// active, and clinics whose change log moved.
async fn recheck<S: HubStore>(hub: &Hub<S>) {
    let nodes = hub.registry.nodes();
    if !nodes.is_empty() {
        match hub.store.inactive_among(&nodes).await {
            Ok(inactive) => {
                for node in inactive {
                    let told = hub
                        .registry
                        .terminate_node(node, ErrorCode::Revoked, REVOKED);
                    tracing::info!(%node, sessions = told, "closing a node that is no longer active");
                }
            }
            Err(e) => {
                tracing::warn!(error = %dermis_sync::driver::error_chain(&e), "cannot check node status")
            }
        }
    }
    let clinics = hub.registry.clinics();
    if !clinics.is_empty() {
        match hub.store.latest_seqs(&clinics).await {
            Ok(seqs) => {
                for (clinic, seq) in seqs {
                    hub.registry.advance(clinic, seq);
                }
            }
            Err(e) => {
                tracing::warn!(error = %dermis_sync::driver::error_chain(&e), "cannot check clinic seqs")
            }
        }
    }
}
