//! A raw WebSocket client that sends whatever bytes a test wants (forged ids, broken
//! frames) and reads the hub's answers as decoded messages.

use std::time::Duration;

use dermis_sync::wire::{ClientMsg, ErrorCode, HubMsg, Limits, OutboxStats};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};
use uuid::Uuid;

use super::WITHIN;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `/sync` with a token; `Err(status)` when the upgrade is refused.
pub async fn open(url: &str, token: Option<&str>) -> Result<Socket, (u16, serde_json::Value)> {
    let mut request = url
        .into_client_request()
        .unwrap_or_else(|e| panic!("request: {e}"));
    if let Some(token) = token {
        let value = format!("Bearer {token}")
            .parse()
            .unwrap_or_else(|e| panic!("header: {e:?}"));
        request.headers_mut().insert("authorization", value);
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tungstenite::Error::Http(response)) => {
            let body = response
                .body()
                .as_ref()
                .and_then(|b| serde_json::from_slice(b).ok())
                .unwrap_or(serde_json::Value::Null);
            Err((response.status().as_u16(), body))
        }
        Err(e) => panic!("connect: {e}"),
    }
}

pub async fn send(socket: &mut Socket, msg: &ClientMsg) {
    send_bytes(socket, msg.encode()).await;
}

pub async fn send_bytes(socket: &mut Socket, bytes: Vec<u8>) {
    socket
        .send(Message::Binary(bytes.into()))
        .await
        .unwrap_or_else(|e| panic!("send: {e}"));
}

pub fn hello(node_id: Uuid) -> ClientMsg {
    ClientMsg::Hello {
        node_id,
        app_version: "raw".into(),
        cursor: 0,
        outbox: OutboxStats::default(),
        features: 0,
    }
}

/// The next hub message (pings are answered and skipped); `None` once the hub closed.
pub async fn next(socket: &mut Socket) -> Option<HubMsg> {
    next_within(socket, WITHIN).await
}

/// [`next`] for a reader that expects the hub to hold its answer back longer than
/// [`WITHIN`] (a node over its Automerge budget waits for the budget's window).
pub async fn next_within(socket: &mut Socket, within: Duration) -> Option<HubMsg> {
    let read = async {
        loop {
            match socket.next().await? {
                Ok(Message::Binary(frame)) => {
                    let msg = HubMsg::decode(&frame, &Limits::default())
                        .unwrap_or_else(|e| panic!("the hub sent a bad frame: {e}"));
                    if let HubMsg::Ping { nonce } = msg {
                        let pong = ClientMsg::Pong { nonce }.encode();
                        let _ = socket.send(Message::Binary(pong.into())).await;
                        continue;
                    }
                    return Some(msg);
                }
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(within, read)
        .await
        .unwrap_or_else(|_| panic!("the hub said nothing in {within:?}"))
}

/// Reads (within `within` each) until batch `batch`'s ack, which must apply every
/// document; `Index` pages on the way are skipped.
pub async fn applied(socket: &mut Socket, batch: u64, within: Duration) {
    loop {
        match next_within(socket, within).await {
            Some(HubMsg::PushAck { batch: b, results }) if b == batch => {
                assert!(
                    results.iter().all(|r| matches!(
                        r.outcome,
                        dermis_sync::wire::PushOutcome::Applied { .. }
                    )),
                    "{results:?}"
                );
                return;
            }
            Some(HubMsg::Index { .. }) => {}
            other => panic!("expected batch {batch}'s ack, got {other:?}"),
        }
    }
}

/// Says hello and expects the welcome; returns the hub's seq.
pub async fn handshake(socket: &mut Socket, node_id: Uuid) -> u64 {
    send(socket, &hello(node_id)).await;
    match next(socket).await {
        Some(HubMsg::Welcome { hub_seq, .. }) => hub_seq,
        other => panic!("expected a welcome, got {other:?}"),
    }
}

/// How the hub ended a connection.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Ending {
    pub error: Option<ErrorCode>,
    pub close_code: Option<u16>,
}

/// Reads until the hub closes: the `Error` frame's code and the close code.
pub async fn ending(socket: &mut Socket) -> Ending {
    let mut ending = Ending::default();
    let read = async {
        while let Some(message) = socket.next().await {
            match message {
                Ok(Message::Binary(frame)) => {
                    if let Ok(HubMsg::Error { code, .. }) =
                        HubMsg::decode(&frame, &Limits::default())
                    {
                        ending.error = Some(code);
                    }
                }
                Ok(Message::Close(frame)) => {
                    ending.close_code = frame.map(|f| u16::from(f.code));
                    return;
                }
                Ok(_) => {}
                Err(_) => return,
            }
        }
    };
    if tokio::time::timeout(Duration::from_secs(20), read)
        .await
        .is_err()
    {
        panic!("the hub did not close the connection");
    }
    ending
}
