//! What every request handler, sync session and background task of one hub instance
//! shares: [`Hub`] (the store, blob storage, the running sessions, limiters and gates)
//! and the options it runs with ([`ServerOptions`]). It sits low in the hub's layers
//! (scripts/check_hub_layers.sh) so that the modules the server assembles take it from
//! here rather than from [`crate::server`], which assembles them.

pub mod client;
pub mod decode;
pub mod health;
pub(crate) mod registry;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use dermis_sync::EngineConfig;
use dermis_sync::wire::Limits;
use tokio::sync::watch;
use uuid::Uuid;

use crate::auth::{AuthOptions, Authority};
use crate::blobs::Blobs;
use crate::metrics::{Metrics, Snapshot};
use crate::settings::{CalendlyOptions, HttpLimits, JobOptions, WebhookOptions};

pub use client::{AttemptLimiter, HashGate, TrustedProxies};
pub use registry::Registry;

/// How the server behaves; [`ServerOptions::new`] gives the production values.
#[derive(Clone, Debug)]
pub struct ServerOptions {
    /// Where blobs go without S3; `/api/healthz` checks it is writable.
    pub blob_dir: PathBuf,
    /// Blobs in this S3 bucket instead of `blob_dir` (`S3_ENDPOINT` set).
    pub s3: Option<crate::settings::S3Config>,
    /// The largest photo accepted (`PHOTO_MAX_BYTES`).
    pub photo_max_bytes: u64,
    /// The most pixels an image may declare before the hub decodes it.
    pub photo_max_pixels: u64,
    /// Bytes one clinic may hold in unfinished uploads (`HUB_STAGING_QUOTA_BYTES`).
    pub staging_quota_bytes: u64,
    /// Concurrent decodes for requests (`HUB_DECODE_WORKERS`).
    pub photo_decode_workers: usize,
    /// Connections, header and body sizes, timeouts ([`crate::server::http`]).
    pub http: HttpLimits,
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
    pub metrics_token: Option<crate::settings::Secret>,
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
    pub public_url: Option<crate::settings::PublicUrl>,
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
    /// (`crate::server::housekeeping`).
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
            photo_max_pixels: DEFAULT_MAX_PIXELS,
            staging_quota_bytes: DEFAULT_STAGING_QUOTA_BYTES,
            photo_decode_workers: decode::DEFAULT_DECODE_WORKERS,
            http: HttpLimits::default(),
            photo_decode_queue: decode::DEFAULT_DECODE_QUEUE,
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
            prune_batch: PRUNE_BATCH,
            api_rate_per_minute: DEFAULT_API_RATE_PER_MINUTE,
            fhir_export_ttl: DEFAULT_FHIR_EXPORT_TTL,
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
    pub(crate) enroll_limiter: AttemptLimiter<IpAddr>,
    /// `/api/v1` requests per caller per minute.
    pub(crate) api_rate: AttemptLimiter<CallerId>,
    /// Signs the short-lived photo URLs `/api/v1/photos` hands out (derived from the
    /// admin token secret, so every instance sharing `JWT_SECRET` accepts them).
    pub(crate) url_key: [u8; 32],
    /// The last blob-storage probe and when it ran; the lock also makes concurrent
    /// health checks share one probe.
    pub(crate) storage_probe: tokio::sync::Mutex<Option<(std::time::Instant, &'static str)>>,
    pub(crate) shutdown: watch::Receiver<bool>,
    /// Bumped when a job is queued, to wake idle workers.
    pub(crate) jobs_wake: watch::Sender<u64>,
    /// Where Automerge work runs (`/metrics` reads its figures).
    pub pool: crate::pool::DocPool,
    /// Bounds decoding photos for requests.
    pub decode: decode::DecodeGate,
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

/// Rows housekeeping deletes per statement by default.
pub const PRUNE_BATCH: u32 = 5_000;

/// Default pixel budget: 64 megapixels (a 48 MP phone photo fits; a decompression bomb
/// does not).
pub const DEFAULT_MAX_PIXELS: u64 = 64_000_000;

/// Default `API_RATE_PER_MINUTE`: ten requests a second on average per key, enough for
/// an integration paging through a clinic, too few to scrape a hub quickly.
pub const DEFAULT_API_RATE_PER_MINUTE: u32 = 600;
/// Default `FHIR_EXPORT_HOURS`: a day to download an export.
pub const DEFAULT_FHIR_EXPORT_TTL: Duration = Duration::from_secs(24 * 3600);

/// The caller as the audit trail and the rate limiter name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallerId {
    ApiKey(Uuid),
    Admin(Uuid),
}
