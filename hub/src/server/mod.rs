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
//! (`/api/auth/*`, `/api/nodes`, `/api/readyz`, `/metrics`; enrollment and health are
//! its handlers too), `/api/openapi.json` from [`crate::openapi`] and the HTML pages in
//! [`crate::admin`] (`/admin/*`). What they all share is [`crate::state::Hub`].
//!
//! A hub instance keeps no state of its own beyond its running sessions: everything
//! else is in the store, and commits made elsewhere (another instance, the command
//! line) arrive as store events or are noticed by a periodic check.

pub mod housekeeping;
pub mod http;
mod job_kinds;
pub(crate) mod session;
pub mod tls;

pub use crate::api::enroll::{EnrollRequest, EnrollResponse};
pub use crate::state::client;
use crate::state::registry;
pub use crate::state::{
    AttemptLimiter, DEFAULT_STAGING_QUOTA_BYTES, HashGate, Hub, Registry, ServerOptions,
    TrustedProxies,
};

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use dermis_sync::wire::ErrorCode;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

use crate::auth::Authority;
use crate::blobs::{Blobs, LocalBlobs, S3Blobs};
use crate::jobs::Workers;
use crate::metrics::Metrics;
use crate::store::{HubStore, StoreEvent};

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
        job_kinds::hub_runner(hub.clone()),
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
        .route("/api/enroll", post(crate::api::enroll::enroll::<S>))
        .route("/api/healthz", get(crate::api::enroll::healthz::<S>))
        .route("/api/openapi.json", get(crate::openapi::openapi))
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
