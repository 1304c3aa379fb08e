//! One connection's loop: frames read from the socket into the engine, its store
//! operations run, its frames written out (compressed when that is smaller), with the
//! node's status gathered, tokens rotated, and the end of the session recorded.

use std::collections::VecDeque;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use dermis_model::{ClinicId, Millis, now_millis};
use dermis_sync::driver::{error_chain, run_hub_op};
use dermis_sync::hub_engine::{HubOutput, HubSession, HubStoreOp, HubStoreResult};
use dermis_sync::wire::{ErrorCode, FEATURE_TOKEN_ROTATION, HubMsg, Limits};
use uuid::Uuid;

use super::registry::Command;
use super::{Hub, socket_limits};
use crate::credentials::hash_secret;
use crate::store::{HubStore, NodeUpdate, SessionEnd};

/// The `up_to` of a frame that is the last page of an index (a live update, or the
/// answer to a pull with nothing more to follow): the node has now been told everything
/// up to it. Only `Index` frames (type 0x83, never large) are decoded.
fn index_end(frame: &[u8]) -> Option<u64> {
    if frame.get(3) != Some(&0x83) {
        return None;
    }
    match HubMsg::decode(frame, &Limits::default()) {
        Ok(HubMsg::Index {
            up_to, more: false, ..
        }) => Some(up_to),
        _ => None,
    }
}

/// `frame` compressed (revision 7) when that makes it smaller, else `frame`: on the
/// node's share of the Automerge pool, as an 8 MiB frame takes tens of milliseconds and
/// the node that asked for it pays for it.
async fn compress(pool: &crate::pool::Caller, frame: Vec<u8>) -> Result<Vec<u8>, Ending> {
    pool.run(move || dermis_sync::wire::compress_frame(&frame).unwrap_or(frame))
        .await
        .map_err(|source| Ending::Left {
            code: None,
            error: Some(Lost::Compress { source }),
        })
}

/// What ended the loop.
#[derive(Debug)]
pub(super) enum Ending {
    /// We sent a close frame with this code.
    Closed { code: ErrorCode, reason: String },
    /// The node closed (with its close code, if it sent one) or the socket failed.
    Left {
        code: Option<u16>,
        error: Option<Lost>,
    },
}

/// Why a session ended without a close from either side; its chain of causes is what
/// the session's row records.
#[derive(Debug, thiserror::Error)]
pub(super) enum Lost {
    #[error("reading from the node failed")]
    Read {
        #[source]
        source: axum::BoxError,
    },
    #[error("sending to the node failed")]
    Send {
        #[source]
        source: axum::Error,
    },
    #[error("the node did not read what was sent")]
    Stalled,
    #[error("the hub could not compress a frame")]
    Compress {
        #[source]
        source: crate::pool::PoolError,
    },
}

pub(super) struct Driver<'a, S> {
    pub(super) hub: &'a Hub<S>,
    pub(super) store: S,
    pub(super) node: Uuid,
    pub(super) clinic: ClinicId,
    /// When the session's token is due for rotation; `None` once this session offered
    /// a new one (or the store said the node is no longer active).
    pub(super) rotate_at: Option<Millis>,
    pub(super) engine: HubSession,
    pub(super) socket: WebSocket,
    pub(super) pending: VecDeque<HubOutput>,
    /// The socket refused a frame at its header and sits inside it: read no more.
    pub(super) stuck: bool,
    /// Status for the node's row not yet written, and when it is due (see [`STATUS_EVERY`]).
    pub(super) status: Option<(NodeUpdate, tokio::time::Instant)>,
}

/// How long a session gathers its node's status (cursor, outbox, deliveries, last sync)
/// before writing it. Written as it came, a 10-node clinic made about 20 write
/// transactions per edit (each node's delivery, cursor and report), each waiting for the
/// disk on the embedded store's one thread ahead of the fetches that carry the edit. The
/// admin pages read it up to this much later; a session's last status is written when
/// it ends, before its session row.
const STATUS_EVERY: Duration = Duration::from_millis(250);

/// Status for the admin pages: worth a log line when it fails, not the session. (A
/// free function: the driver holds the socket, which must not be shared across awaits.)
async fn update_node<S: HubStore>(hub: &Hub<S>, node: Uuid, update: &NodeUpdate) {
    if let Err(e) = hub.store.update_node(node, update, now_millis()).await {
        tracing::warn!(error = %error_chain(&e), "cannot update the node's status");
    }
}

/// How long to wait before trying a rotation again after the store failed.
const ROTATION_RETRY: Millis = 60_000;

fn deadline_in(deadline: Millis, now: Millis) -> tokio::time::Instant {
    let wait = u64::try_from(deadline.saturating_sub(now)).unwrap_or(0);
    tokio::time::Instant::now() + Duration::from_millis(wait)
}

/// A close reason fits a control frame (125 bytes with the code).
fn close_reason(reason: &str) -> String {
    let mut end = reason.len().min(120);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    reason[..end].to_owned()
}

/// How a read failed.
#[derive(Debug, thiserror::Error)]
enum ReadError {
    /// A message over the limit, read whole and dropped: the stream is still usable.
    #[error("a message over the limit")]
    TooLong,
    /// A frame over the limit, refused at its header: read nothing more.
    #[error("a frame over the limit")]
    FrameTooLong,
    /// The connection failed: the session is over.
    #[error("the socket failed")]
    Other {
        #[source]
        source: axum::BoxError,
    },
}

fn read_error(e: axum::Error, frame_limit: usize) -> ReadError {
    use tokio_tungstenite::tungstenite::Error;
    use tokio_tungstenite::tungstenite::error::CapacityError;
    let inner = e.into_inner();
    match inner.downcast_ref::<Error>() {
        Some(Error::Capacity(CapacityError::MessageTooLong { max_size, .. })) => {
            if *max_size == frame_limit {
                ReadError::FrameTooLong
            } else {
                ReadError::TooLong
            }
        }
        _ => ReadError::Other { source: inner },
    }
}

impl<S: HubStore> Driver<'_, S> {
    pub(super) async fn drive(
        &mut self,
        membership: &mut super::registry::Membership<'_>,
    ) -> Ending {
        let mut shutdown = self.hub.shutdown.clone();
        loop {
            if let Some(ending) = self.flush(membership).await {
                return ending;
            }
            self.maybe_rotate().await;
            if !self.pending.is_empty() {
                continue;
            }
            let now = now_millis();
            let deadline = deadline_in(self.engine.next_deadline(), now);
            // Only while the node can be offered a token: welcomed, and it agreed.
            let rotation = self
                .rotate_at
                .filter(|_| self.can_rotate())
                .map(|at| deadline_in(at, now));
            let status_due = self.status.as_ref().map(|(_, at)| *at);
            let out = tokio::select! {
                _ = async { shutdown.wait_for(|stop| *stop).await.map(|_| ()) } => {
                    self.engine.terminate(now, ErrorCode::ShuttingDown, "the hub is restarting; reconnect")
                }
                Some(Command::Terminate { code, reason }) = membership.commands.recv() => {
                    self.engine.terminate(now, code, &reason)
                }
                Ok(()) = membership.clinic_seq.changed() => {
                    let advance = membership.clinic_seq.borrow_and_update().clone();
                    self.engine.clinic_advanced(now, advance.seq, advance.live.as_deref())
                }
                message = self.socket.recv(), if self.engine.wants_frames() => {
                    let now = now_millis();
                    match message {
                        Some(Ok(Message::Binary(frame))) => {
                            self.hub.metrics.frame_in(frame.len());
                            self.engine.handle_frame(now, &frame)
                        }
                        Some(Ok(Message::Text(_))) => self.engine.terminate(
                            now,
                            ErrorCode::Malformed,
                            "text messages are not part of the protocol",
                        ),
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => Vec::new(),
                        Some(Ok(Message::Close(frame))) => {
                            return Ending::Left { code: frame.map(|f| f.code), error: None };
                        }
                        Some(Err(e)) => {
                            let frame_limit = socket_limits(self.hub.options.limits.max_frame_bytes).1;
                            match read_error(e, frame_limit) {
                                ReadError::TooLong => {}
                                ReadError::FrameTooLong => self.stuck = true,
                                ReadError::Other { source } => {
                                    let error = Some(Lost::Read { source });
                                    return Ending::Left { code: None, error };
                                }
                            }
                            self.engine.terminate(
                                now,
                                ErrorCode::FrameTooLarge,
                                "a message exceeded the frame limit",
                            )
                        }
                        None => return Ending::Left { code: None, error: None },
                    }
                }
                _ = tokio::time::sleep_until(deadline) => self.engine.tick(now_millis()),
                () = async {
                    match status_due {
                        Some(at) => tokio::time::sleep_until(at).await,
                        None => std::future::pending().await,
                    }
                } => {
                    self.write_status().await;
                    Vec::new()
                }
                () = async {
                    match rotation {
                        Some(at) => tokio::time::sleep_until(at).await,
                        None => std::future::pending().await,
                    }
                } => Vec::new(),
            };
            self.pending.extend(out);
        }
    }

    /// Gathers status for the node's row, written once [`STATUS_EVERY`] has passed.
    fn note_status(&mut self, update: NodeUpdate) {
        match &mut self.status {
            Some((pending, _)) => pending.merge(update),
            None => {
                self.status = Some((update, tokio::time::Instant::now() + STATUS_EVERY));
            }
        }
    }

    /// Writes the gathered status now.
    pub(super) async fn write_status(&mut self) {
        if let Some((update, _)) = self.status.take() {
            update_node(self.hub, self.node, &update).await;
        }
    }

    /// Whether this session may offer the node a new token now.
    fn can_rotate(&self) -> bool {
        self.engine.is_welcomed()
            && !self.engine.is_closed()
            && !self.engine.token_offered()
            && self.engine.node_features() & FEATURE_TOKEN_ROTATION != 0
    }

    /// Offers the node a new token when its own is due: the new token's hash is stored
    /// as the node's next token first, so the node can use it as soon as it has it.
    async fn maybe_rotate(&mut self) {
        let now = now_millis();
        let Some(at) = self.rotate_at else {
            return;
        };
        if at > now || !self.can_rotate() {
            return;
        }
        let token = crate::credentials::new_token();
        match self
            .hub
            .store
            .offer_node_token(self.node, &hash_secret(&token), now)
            .await
        {
            Ok(true) => {
                self.rotate_at = None;
                let out = self.engine.offer_token(now, token);
                self.pending.extend(out);
                tracing::info!("offered the node a new token");
            }
            // Revoked meanwhile: the status check ends the session.
            Ok(false) => self.rotate_at = None,
            Err(e) => {
                tracing::warn!(error = %error_chain(&e), "cannot offer a new node token; retrying later");
                self.rotate_at = Some(now + ROTATION_RETRY);
            }
        }
    }

    /// Sends one frame; `Some` when the node is gone or stopped reading.
    async fn send_frame(&mut self, bytes: Vec<u8>) -> Option<Ending> {
        self.hub.metrics.frame_out(bytes.len());
        let delivered = index_end(&bytes);
        let send = self.socket.send(Message::Binary(bytes.into()));
        match tokio::time::timeout(self.hub.options.send_timeout, send).await {
            Ok(Ok(())) => {}
            Ok(Err(source)) => {
                return Some(Ending::Left {
                    code: None,
                    error: Some(Lost::Send { source }),
                });
            }
            Err(_) => {
                return Some(Ending::Left {
                    code: None,
                    error: Some(Lost::Stalled),
                });
            }
        }
        if let Some(seq) = delivered {
            self.note_status(NodeUpdate {
                delivered: Some(seq),
                ..NodeUpdate::default()
            });
        }
        None
    }

    /// Carries out the engine's outputs; `Some` once the session is over.
    async fn flush(&mut self, membership: &mut super::registry::Membership<'_>) -> Option<Ending> {
        while let Some(output) = self.pending.pop_front() {
            match output {
                HubOutput::Send(bytes) => {
                    if let Some(ending) = self.send_frame(bytes).await {
                        return Some(ending);
                    }
                }
                HubOutput::SendCompressed(bytes) => {
                    let sent = match compress(self.store.doc_pool(), bytes).await {
                        Ok(bytes) => self.send_frame(bytes).await,
                        Err(ending) => Some(ending),
                    };
                    if let Some(ending) = sent {
                        return Some(ending);
                    }
                }
                HubOutput::Store(op) => {
                    // A push holds notices of commits in the clinic until its own batch
                    // is given out (or it ends without one).
                    let pushing = matches!(op, HubStoreOp::Apply { .. })
                        .then(|| self.hub.registry.pushing(self.clinic));
                    let started = std::time::Instant::now();
                    let mut shutdown = self.hub.shutdown.clone();
                    // An operation may wait long (a node over its Automerge budget):
                    // shutdown and revocation do not wait for it. Dropped, it writes
                    // nothing more, or its ack is lost and the node pushes again.
                    let ended = tokio::select! {
                        result = run_hub_op(&mut self.store, self.clinic, op) => Ok(result),
                        _ = async { shutdown.wait_for(|stop| *stop).await.map(|_| ()) } => {
                            Err((ErrorCode::ShuttingDown, "the hub is restarting; reconnect".to_owned()))
                        }
                        Some(Command::Terminate { code, reason }) = membership.commands.recv() => {
                            Err((code, reason))
                        }
                    };
                    let result = match ended {
                        Ok(result) => result,
                        Err((code, reason)) => {
                            let out = self.engine.terminate(now_millis(), code, &reason);
                            for output in out.into_iter().rev() {
                                self.pending.push_front(output);
                            }
                            continue;
                        }
                    };
                    self.hub.metrics.store_op(started.elapsed());
                    if let HubStoreResult::Failed(reason) = &result {
                        tracing::error!(kind = ?reason.kind, error = %error_chain(reason), "store operation failed");
                    }
                    let out = self.engine.stored(now_millis(), result);
                    // The batch goes out before the guard lets held notices go.
                    for output in &out {
                        if let HubOutput::ClinicAdvanced { seq, live } = output {
                            self.hub
                                .registry
                                .advance_live(self.clinic, *seq, live.clone());
                        }
                    }
                    drop(pushing);
                    self.pending.extend(out);
                }
                HubOutput::Close { code, reason } => {
                    let frame = CloseFrame {
                        code: code.close_code(),
                        reason: close_reason(&reason).into(),
                    };
                    // The node may already be gone; the ending is the same.
                    let _ = self.socket.send(Message::Close(Some(frame))).await;
                    return Some(Ending::Closed { code, reason });
                }
                HubOutput::NodeReport {
                    app_version,
                    cursor,
                    outbox,
                    last_error,
                } => {
                    let hello = app_version.is_some();
                    let update = NodeUpdate {
                        app_version,
                        cursor,
                        outbox: Some(outbox),
                        // A hello says nothing about errors; a report always does.
                        last_error: (!hello).then_some(last_error),
                        synced: false,
                        delivered: None,
                    };
                    self.note_status(update);
                }
                HubOutput::ClinicAdvanced { .. } => {
                    // Given to the registry as soon as the store answered (above).
                    self.note_status(NodeUpdate {
                        synced: true,
                        ..NodeUpdate::default()
                    });
                }
                HubOutput::TokenStored => {
                    match self
                        .hub
                        .store
                        .node_token_stored(self.node, now_millis())
                        .await
                    {
                        Ok(_) => tracing::info!("the node keeps its new token"),
                        Err(e) => {
                            tracing::warn!(error = %error_chain(&e), "cannot record the kept token")
                        }
                    }
                }
                HubOutput::NodeCursor { cursor } => {
                    self.note_status(NodeUpdate {
                        cursor: Some(cursor),
                        synced: true,
                        ..NodeUpdate::default()
                    });
                }
            }
        }
        None
    }

    /// After our close frame: wait briefly for the node's, so it reads ours before
    /// the connection drops. Then the session's figures for its row.
    pub(super) async fn finish(mut self, ending: Ending) -> SessionEnd {
        let (close_code, error) = match &ending {
            Ending::Closed { code, reason } => {
                if !self.stuck {
                    let grace = self.hub.options.close_grace;
                    let _ = tokio::time::timeout(grace, async {
                        while let Some(Ok(message)) = self.socket.recv().await {
                            if matches!(message, Message::Close(_)) {
                                break;
                            }
                        }
                    })
                    .await;
                }
                tracing::info!(code = code.as_str(), "session closed by the hub");
                (Some(code.close_code()), Some(reason.clone()))
            }
            Ending::Left { code, error } => {
                let text = error.as_ref().map(|e| error_chain(e));
                if let Some(Lost::Compress { .. }) = error {
                    // The hub's fault, not the node's.
                    tracing::warn!(error = text.as_deref(), "session ended by the hub's fault");
                } else {
                    tracing::info!(code = ?code, error = text.as_deref(), "session ended by the node");
                }
                (*code, text)
            }
        };
        let e = &self.engine;
        SessionEnd {
            frames_in: e.frames_in,
            frames_out: e.frames_out,
            bytes_in: e.bytes_in,
            bytes_out: e.bytes_out,
            docs_in: e.docs_in,
            docs_out: e.docs_out,
            close_code,
            error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_last_index_pages_count_as_delivered() {
        let live = |request: u64, more: bool| {
            HubMsg::Index {
                request,
                from: 3,
                entries: Vec::new(),
                up_to: 9,
                more,
            }
            .encode()
        };
        assert_eq!(index_end(&live(0, false)), Some(9));
        assert_eq!(index_end(&live(0, true)), None, "more pages follow");
        assert_eq!(index_end(&live(4, false)), Some(9), "a pull's last page");
        assert_eq!(index_end(&HubMsg::Ping { nonce: 1 }.encode()), None);
        assert_eq!(index_end(b"DX"), None);
    }

    /// Only a frame refused at its header leaves the stream unreadable; any other
    /// failure ends the session with the socket's error as its cause, not its text.
    #[test]
    fn read_errors_keep_their_cause() {
        use std::error::Error as _;
        use tokio_tungstenite::tungstenite::Error;
        use tokio_tungstenite::tungstenite::error::CapacityError;
        let limit = 1000;
        let too_long = |max_size| {
            axum::Error::new(Error::Capacity(CapacityError::MessageTooLong {
                size: 5000,
                max_size,
            }))
        };
        assert!(matches!(
            read_error(too_long(limit), limit),
            ReadError::FrameTooLong
        ));
        assert!(matches!(
            read_error(too_long(limit / 2), limit),
            ReadError::TooLong
        ));
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        let failed = read_error(axum::Error::new(Error::Io(reset)), limit);
        let ReadError::Other { source } = failed else {
            panic!("{failed:?}");
        };
        let lost = Lost::Read { source };
        let cause = lost
            .source()
            .and_then(|s| s.downcast_ref::<Error>())
            .unwrap_or_else(|| panic!("the socket's error is not the cause: {lost:?}"));
        assert!(
            matches!(cause, Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionReset),
            "{cause:?}"
        );
        assert!(error_chain(&lost).starts_with("reading from the node failed: "));
    }

    #[test]
    fn close_reasons_fit_a_control_frame() {
        let long = "é".repeat(100);
        let reason = close_reason(&long);
        assert!(reason.len() <= 120);
        assert!(long.starts_with(&reason));
    }
}
