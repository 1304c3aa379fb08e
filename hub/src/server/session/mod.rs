//! WebSocket `/sync`: the token check before the upgrade, then one task per connection
//! driving the sans-IO [`HubSession`] — frames in, store operations run, frames out —
//! with clinic wake-ups, the engine's deadlines, revocation and shutdown.
//!
//! The session's node and clinic come from the token, never from a frame.
//!
//! Node tokens rotate here (docs/SYNC.md, revision 3): the upgrade answer offers
//! `Dermis-Features: token-rotation`; to a node that asked for it in its `Hello`, a
//! session whose token is older than `NODE_TOKEN_DAYS` (at the start, or when it gets
//! that old while open) sends one new token, after recording its hash as the node's next
//! token ([`crate::store::NodeTokenStore`]).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use dermis_model::{Millis, now_millis};
use dermis_sync::driver::error_chain;
use dermis_sync::hub_engine::HubSession;
use dermis_sync::wire::{ErrorCode, FEATURES_HEADER, features_header};
use tracing::Instrument;

mod driver;

use super::Hub;
use super::registry;
use crate::principal::authenticate_node;
use crate::store::{HubStore, NodeAuth, transport_value};
use driver::Driver;

/// The request header in which a node says what protects its link: `tls`,
/// `loopback-http` or `insecure-http` (docs/SYNC.md, protocol 1 revision 2).
pub const TRANSPORT_HEADER: &str = "dermis-transport";

/// WebSocket framing on top of a frame at the limit: a message up to this much larger
/// still reaches the engine, which refuses it as `frame_too_large` like any other.
const MESSAGE_SLACK: usize = 64 * 1024;

/// WebSocket limits for a protocol frame limit of `max_frame`: (message, frame).
///
/// A larger message is refused by the socket itself. Up to the frame limit (twice the
/// message limit) it is read whole and dropped, so the stream stays at a frame boundary
/// and the close handshake still works: the node learns `frame_too_large`. A frame
/// whose header announces more is refused before its payload is read; the stream is
/// then stuck inside it, so nothing more is read and the node may see only a reset.
fn socket_limits(max_frame: usize) -> (usize, usize) {
    let message = max_frame + MESSAGE_SLACK;
    (message, message * 2)
}

pub async fn upgrade<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let auth = match authenticate_node(&hub, &headers).await {
        Ok(auth) => auth,
        Err(response) => return response,
    };
    let ws = match ws {
        Ok(ws) => ws,
        Err(rejection) => return rejection.into_response(),
    };
    // What the node says protects its link (docs/SYNC.md), for /admin.
    let transport = transport_value(headers.get(TRANSPORT_HEADER).and_then(|v| v.to_str().ok()));
    if let Err(e) = hub.store.set_node_transport(auth.node_id, transport).await {
        tracing::warn!(error = %error_chain(&e), "cannot record the node's transport");
    }
    let (message, frame) = socket_limits(hub.options.limits.max_frame_bytes);
    let offered = features_header(dermis_sync::hub_engine::offered_features(
        &hub.options.engine,
    ));
    let span = tracing::info_span!("sync", node = %auth.node_id, clinic = %auth.clinic_id);
    let mut response = ws
        .max_message_size(message)
        .max_frame_size(frame)
        .on_upgrade(move |socket| run(hub, auth, socket).instrument(span));
    if let Ok(offered) = HeaderValue::from_str(&offered) {
        response.headers_mut().insert(FEATURES_HEADER, offered);
    }
    response
}

async fn run<S: HubStore>(hub: Arc<Hub<S>>, auth: NodeAuth, socket: WebSocket) {
    let now = now_millis();
    let session_row = match hub.store.session_started(auth.node_id, now).await {
        Ok(id) => Some(id),
        Err(e) => {
            tracing::warn!(error = %error_chain(&e), "cannot record the session");
            None
        }
    };
    let mut membership = hub.registry.join(auth.clinic_id, auth.node_id);
    hub.metrics.session_started();
    let mut driver = Driver {
        hub: &hub,
        // Its Automerge work is charged to this node's budget.
        store: hub.store.for_node(auth.node_id),
        node: auth.node_id,
        clinic: auth.clinic_id,
        rotate_at: Some(rotation_due(
            auth.token_issued_at,
            hub.options.node_token_ttl,
        )),
        engine: HubSession::new(
            auth.node_id,
            auth.clinic_id,
            now,
            hub.options.engine.clone(),
            hub.options.limits,
        ),
        socket,
        pending: VecDeque::new(),
        stuck: false,
        status: None,
    };
    if session_row.is_none() {
        // Without the database nothing can be served: tell the node to retry.
        let out = driver.engine.terminate(
            now,
            ErrorCode::Internal,
            "the hub could not reach its database; retry later",
        );
        driver.pending.extend(out);
    }
    let ending = driver.drive(&mut membership).await;
    driver.write_status().await;
    let end = driver.finish(ending).await;
    if let Some(row) = session_row
        && let Err(e) = hub
            .store
            .session_ended(row, auth.node_id, &end, now_millis())
            .await
    {
        tracing::warn!(error = %error_chain(&e), "cannot record the end of the session");
    }
    // Last: shutdown waits for every membership to go, so the row is written by then.
    drop(membership);
}

/// When a token issued at `issued_at` is due for rotation (a token of unknown age: now).
fn rotation_due(issued_at: Option<Millis>, ttl: Duration) -> Millis {
    let ttl = Millis::try_from(ttl.as_millis()).unwrap_or(Millis::MAX);
    issued_at.map_or(0, |at| at.saturating_add(ttl))
}
