//! The hub's own HTTP/1.1 accept loop, so that what one client can hold is bounded
//! before any handler runs (axum's `serve` exposes none of hyper's limits):
//! - at most `max_connections` connections at once, and `max_per_address` from one
//!   address (not from a `TRUSTED_PROXIES` peer, which carries many clients); a
//!   connection over either is closed at once, before its first request is read (over
//!   TLS, handshakes run inside the listener, under their own timeout);
//! - the request head must arrive within `header_timeout` (a slowloris client that
//!   dribbles header bytes is cut), also between keep-alive requests;
//! - the request head is at most `max_header_bytes` (431 beyond);
//! - an ordinary request's handler has `request_timeout` (503 `timeout`) — not the
//!   WebSocket upgrade, the live admin stream or the photo lane, which stream for as
//!   long as they need and bound themselves;
//! - a request body is at most `max_body_bytes` unless its route says otherwise (the
//!   photo lane): 413 `too_large`, decided from `Content-Length` before reading, and
//!   while reading for a body without one.
//!
//! Only HTTP/1.1 is served (with upgrades for the WebSocket): nodes, browsers and API
//! clients all speak it, and HTTP/2's extra attack surface buys a clinic nothing.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::watch;

pub use crate::settings::HttpLimits;

/// Paths whose responses stream for as long as they need (and bound themselves).
fn streams(path: &str) -> bool {
    path == "/sync"
        || path == "/admin/events"
        || path.starts_with("/api/uploads")
        || path.starts_with("/api/blobs")
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(serde_json::json!({ "error": code, "message": message })),
    )
        .into_response()
}

/// The request timeout and the body limit as one middleware (see the module's text).
pub async fn limit_requests(limits: HttpLimits, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if streams(&path) {
        return next.run(request).await;
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = || {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            &format!("the request body is over {} bytes", limits.max_body_bytes),
        )
    };
    if declared.is_some_and(|n| n > limits.max_body_bytes as u64) {
        return too_large();
    }
    // The body is read here, within the limit and the timeout, so that every route
    // answers an oversized one alike (whatever its extractor makes of a read error).
    let (parts, body) = request.into_parts();
    let answer = async move {
        match axum::body::to_bytes(body, limits.max_body_bytes).await {
            Ok(bytes) => {
                next.run(Request::from_parts(parts, Body::from(bytes)))
                    .await
            }
            Err(e) if over_limit(&e) => too_large(),
            Err(_) => error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "the request body could not be read",
            ),
        }
    };
    match tokio::time::timeout(limits.request_timeout, answer).await {
        // An extractor met the limit while reading a body without a length: the
        // hub's error body instead of axum's text (a route's own JSON or problem+json
        // answer stands).
        Ok(response)
            if response.status() == StatusCode::PAYLOAD_TOO_LARGE
                && !response
                    .headers()
                    .get(header::CONTENT_TYPE)
                    .is_some_and(|v| {
                        v == HeaderValue::from_static("application/json")
                            || v == HeaderValue::from_static(crate::api::v1::problem::CONTENT_TYPE)
                    }) =>
        {
            too_large()
        }
        Ok(response) => response,
        Err(_) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "the hub took too long to answer; try again",
        ),
    }
}

/// Whether reading a body failed because it was over the limit.
fn over_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}

/// Connections open per address.
#[derive(Default)]
struct PerAddress(Mutex<HashMap<IpAddr, usize>>);

/// One admitted connection: gives its places back when it ends.
struct Admitted {
    _permit: tokio::sync::OwnedSemaphorePermit,
    counts: Arc<PerAddress>,
    ip: IpAddr,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut counts = self.counts.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = counts.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.ip);
            }
        }
    }
}

/// Serves `app` on `listener` under `limits` until `shutdown`, then lets open requests
/// finish (upgraded WebSockets are the caller's to end).
pub async fn serve<L>(
    mut listener: L,
    app: Router,
    limits: HttpLimits,
    proxies: super::TrustedProxies,
    metrics_refused: impl Fn() + Send + Sync + 'static,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()>
where
    L: axum::serve::Listener<Addr = SocketAddr>,
{
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    let counts = Arc::new(PerAddress::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut tasks = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (io, peer) = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        while tasks.try_join_next().is_some() {}
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            metrics_refused();
            drop(io);
            continue;
        };
        let admitted = {
            let mut by_ip = counts.0.lock().unwrap_or_else(PoisonError::into_inner);
            let n = by_ip.entry(peer.ip()).or_insert(0);
            if *n >= limits.max_per_address && !proxies.trusts(peer.ip()) {
                None
            } else {
                *n += 1;
                Some(Admitted {
                    _permit: permit,
                    counts: counts.clone(),
                    ip: peer.ip(),
                })
            }
        };
        let Some(admitted) = admitted else {
            metrics_refused();
            drop(io);
            continue;
        };
        let service = app.clone().layer(axum::Extension(ConnectInfo(peer)));
        let mut stop = stop_rx.clone();
        tasks.spawn(async move {
            let _admitted = admitted;
            let service = TowerToHyperService::new(service);
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .max_buf_size(limits.max_header_bytes.max(8192));
            let conn = builder
                .serve_connection(TokioIo::new(io), service)
                .with_upgrades();
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                () = async { let _ = stop.wait_for(|s| *s).await; } => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    let _ = stop_tx.send(true);
    while tasks.join_next().await.is_some() {}
    Ok(())
}
