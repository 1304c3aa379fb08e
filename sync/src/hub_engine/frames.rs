//! Frames from the node: each is checked and turned into a request, queued, and served
//! one at a time in order (a store operation for the driver to run).

use super::send::collapse;
use super::{Busy, HubOutput, HubSession, HubStoreOp, LIVE_MAX_BYTES, MAX_QUEUE, offered_features};
use crate::config::Millis;
use crate::wire::{
    ClientMsg, DocPush, ErrorCode, FEATURE_BOOT_FIRST, FEATURE_BOOT_ROWS, FEATURE_BOOTSTRAP,
    FetchItem, HubMsg,
};

#[derive(Debug)]
pub(super) enum Request {
    Push {
        batch: u64,
        docs: Vec<DocPush>,
    },
    Pull {
        request: u64,
        cursor: u64,
        limit: u32,
    },
    Fetch {
        request: u64,
        items: Vec<FetchItem>,
    },
    Live,
    Bootstrap {
        request: u64,
        cursor: u64,
    },
}

impl HubSession {
    pub fn handle_frame(&mut self, now: Millis, frame: &[u8]) -> Vec<HubOutput> {
        let mut out = Vec::new();
        if self.closed {
            return out;
        }
        self.last_rx = now;
        self.frames_in += 1;
        self.bytes_in += frame.len() as u64;
        if !self.rate_ok(now) {
            self.fail(now, ErrorCode::RateLimited, "too many frames", &mut out);
            return out;
        }
        let msg = match ClientMsg::decode(frame, &self.limits) {
            Ok(m) => m,
            Err(e) => {
                self.fail(now, e.code(), e.to_string(), &mut out);
                return out;
            }
        };
        match msg {
            ClientMsg::Hello {
                node_id,
                app_version,
                cursor,
                outbox,
                features,
            } => {
                if self.hello {
                    self.fail(
                        now,
                        ErrorCode::ProtocolViolation,
                        "hello sent twice",
                        &mut out,
                    );
                } else if node_id != self.node_id {
                    self.fail(
                        now,
                        ErrorCode::Forbidden,
                        "the hello names another node than the token",
                        &mut out,
                    );
                } else {
                    self.hello = true;
                    // Only what this hub offers; derivations ride on bootstrap frames only.
                    self.features = features & offered_features(&self.config);
                    if self.features & FEATURE_BOOTSTRAP == 0 {
                        self.features &= !(FEATURE_BOOT_ROWS | FEATURE_BOOT_FIRST);
                    }
                    self.sent_up_to = cursor;
                    out.push(HubOutput::NodeReport {
                        app_version: Some(app_version),
                        cursor: Some(cursor),
                        outbox,
                        last_error: None,
                    });
                    self.busy = Some(Busy::Welcome);
                    out.push(HubOutput::Store(HubStoreOp::LatestSeq));
                }
            }
            _ if !self.hello => self.fail(
                now,
                ErrorCode::ProtocolViolation,
                "the first frame must be hello",
                &mut out,
            ),
            ClientMsg::Push { batch, docs } => {
                if docs.len() > self.config.push_batch_docs.max(1) * 2 {
                    self.fail(
                        now,
                        ErrorCode::ProtocolViolation,
                        "push batch too large",
                        &mut out,
                    );
                } else {
                    self.docs_in += docs.len() as u64;
                    self.queue_request(now, Request::Push { batch, docs }, &mut out);
                }
            }
            ClientMsg::Pull {
                request,
                cursor,
                limit,
            } => self.queue_request(
                now,
                Request::Pull {
                    request,
                    cursor,
                    limit,
                },
                &mut out,
            ),
            ClientMsg::Fetch { request, items } => {
                self.queue_request(now, Request::Fetch { request, items }, &mut out)
            }
            ClientMsg::Bootstrap { request, cursor } => {
                if self.features & FEATURE_BOOTSTRAP == 0 {
                    self.fail(
                        now,
                        ErrorCode::ProtocolViolation,
                        "bootstrap was not agreed",
                        &mut out,
                    );
                } else {
                    self.queue_request(now, Request::Bootstrap { request, cursor }, &mut out);
                }
            }
            ClientMsg::Ping { nonce } => self.send(now, &HubMsg::Pong { nonce }, &mut out),
            ClientMsg::Pong { .. } => {}
            ClientMsg::Report {
                cursor,
                outbox,
                last_error,
            } => {
                out.push(HubOutput::NodeCursor { cursor });
                out.push(HubOutput::NodeReport {
                    app_version: None,
                    cursor: Some(cursor),
                    outbox,
                    last_error: (!last_error.is_empty()).then_some(last_error),
                });
            }
            ClientMsg::TokenStored => {
                if self.token_offered && !self.token_stored {
                    self.token_stored = true;
                    out.push(HubOutput::TokenStored);
                } else {
                    self.fail(
                        now,
                        ErrorCode::ProtocolViolation,
                        "token stored without a new token",
                        &mut out,
                    );
                }
            }
        }
        out
    }

    fn queue_request(&mut self, now: Millis, request: Request, out: &mut Vec<HubOutput>) {
        if self.queue.len() >= MAX_QUEUE {
            self.fail(
                now,
                ErrorCode::RateLimited,
                "too many requests waiting",
                out,
            );
            return;
        }
        self.queue.push_back(request);
        self.serve_next(now, out);
    }

    pub(super) fn serve_next(&mut self, now: Millis, out: &mut Vec<HubOutput>) {
        if self.busy.is_some() || self.closed {
            return;
        }
        let request = match self.queue.pop_front() {
            Some(r) => r,
            None if self.live && self.live_pending > self.sent_up_to => Request::Live,
            None => return,
        };
        match request {
            Request::Push { batch, docs } => {
                let ids = docs.iter().map(|d| d.doc_id).collect();
                let bytes: usize = docs.iter().map(|d| d.data.len()).sum();
                let kept = (bytes <= LIVE_MAX_BYTES).then(|| docs.clone());
                self.busy = Some(Busy::Push { batch, ids, kept });
                out.push(HubOutput::Store(HubStoreOp::Apply { docs }));
            }
            Request::Pull {
                request,
                cursor,
                limit,
            } => {
                self.busy = Some(Busy::Pull {
                    request,
                    from: cursor,
                });
                self.sent_up_to = self.sent_up_to.max(cursor);
                let limit = (limit as usize).clamp(1, self.config.pull_limit.max(1) as usize);
                out.push(HubOutput::NodeCursor { cursor });
                out.push(HubOutput::Store(HubStoreOp::ChangedSince { cursor, limit }));
            }
            Request::Fetch { request, items } => {
                self.fetch_step(request, collapse(items), None, out);
            }
            Request::Bootstrap { request, cursor } => {
                self.sent_up_to = self.sent_up_to.max(cursor);
                out.push(HubOutput::NodeCursor { cursor });
                if cursor == 0 && self.features & FEATURE_BOOT_FIRST != 0 && !self.first_served {
                    // Revision 8: today's appointments and their patients go first.
                    self.first_served = true;
                    let (from, to) = crate::boot_first::window(now);
                    self.busy = Some(Busy::BootFirst { request });
                    out.push(HubOutput::Store(HubStoreOp::Booked {
                        from,
                        to,
                        limit: crate::boot_first::MAX_APPOINTMENTS,
                    }));
                } else {
                    self.boot_page(request, cursor, out);
                }
            }
            Request::Live => {
                self.busy = Some(Busy::Live {
                    from: self.sent_up_to,
                });
                out.push(HubOutput::Store(HubStoreOp::ChangedSince {
                    cursor: self.sent_up_to,
                    limit: self.config.pull_limit.max(1) as usize,
                }));
            }
        }
    }

    /// Reads the change-log page a bootstrap frame from `cursor` is made of.
    pub(super) fn boot_page(&mut self, request: u64, cursor: u64, out: &mut Vec<HubOutput>) {
        self.busy = Some(Busy::Bootstrap {
            request,
            from: cursor,
            page: None,
            derived: None,
        });
        out.push(HubOutput::Store(HubStoreOp::ChangedSince {
            cursor,
            limit: crate::bootstrap::PAGE_DOCS.min(self.config.pull_limit.max(1) as usize),
        }));
    }
}
