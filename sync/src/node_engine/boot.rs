//! The node's side of a bootstrap (protocol 1 revision 5, [`FEATURE_BOOTSTRAP`]): the
//! first sync of a node that has never pulled, in whole documents a frame at a time.
//! Each frame is checked whole before anything of it is stored ([`check_frame`]), stored
//! in one transaction with its `up_to` as the cursor, and the next frame is asked for as
//! soon as one arrives, while at most [`BOOT_AHEAD`] frames wait to be stored.
//!
//! With [`FEATURE_BOOT_ROWS`] (revision 6) items may carry their index derivation: the
//! engine only checks that each decodes (a malformed one refuses the frame); the node's
//! store takes them from the frame as it arrives (`node/src/sync/predecode.rs`).
//!
//! With [`FEATURE_BOOT_FIRST`] (revision 8) the answer to the bootstrap from 0 starts
//! with `Docs` frames of today's appointments and their patients
//! ([`crate::boot_first`]): checked, stored without moving the cursor, and met again
//! in their place in the log.

use super::{
    BOOT_AHEAD, ClientMsg, DocData, ErrorCode, FEATURE_BOOT_FIRST, FEATURE_BOOT_ROWS,
    FEATURE_BOOTSTRAP, Millis, NodeOutput, NodeSession, NodeStoreOp, Pull, Purpose,
};
use crate::bootstrap::check_frame;
use crate::store::ApplyFailure;

impl NodeSession {
    /// Whether a `Docs` frame for `request` is part of what a first sync sends before
    /// the log: agreed, and answering the bootstrap from 0 before its first frame.
    pub(super) fn boot_first_due(&self, request: u64) -> bool {
        self.features & FEATURE_BOOT_FIRST != 0
            && matches!(self.pull, Pull::Booting { asked: Some((r, 0)), .. } if r == request)
    }

    /// Documents sent before the log (revision 8): refused whole unless they pass
    /// [`crate::boot_first::check_docs`]; stored without a cursor, so a session that ends
    /// now starts its bootstrap from 0 again. Each frame shows the hub is working on the
    /// request, so its deadline starts again.
    pub(super) fn on_first_docs(
        &mut self,
        now: Millis,
        items: Vec<DocData>,
        out: &mut Vec<NodeOutput>,
    ) {
        if let Err(e) = crate::boot_first::check_docs(&items, self.first_docs) {
            self.close(ErrorCode::ProtocolViolation, e.to_string(), out);
            return;
        }
        self.first_docs += items.len();
        if let Pull::Booting { at, .. } = &mut self.pull {
            *at = now;
        }
        if !items.is_empty() {
            self.enqueue(
                NodeStoreOp::ApplyDocs {
                    docs: items,
                    cursor: None,
                },
                Purpose::First,
                out,
            );
        }
    }

    /// A bootstrap frame: refused whole (the session ends, nothing applied) unless it
    /// answers the request in flight and passes [`check_frame`].
    #[allow(clippy::too_many_arguments)]
    pub(super) fn on_bootstrap(
        &mut self,
        now: Millis,
        request: u64,
        from: u64,
        up_to: u64,
        more: bool,
        items: Vec<DocData>,
        derived: &[Vec<u8>],
        out: &mut Vec<NodeOutput>,
    ) {
        if self.features & FEATURE_BOOTSTRAP == 0 {
            self.close(
                ErrorCode::ProtocolViolation,
                "a bootstrap frame this node did not ask for",
                out,
            );
            return;
        }
        let asked = match &self.pull {
            Pull::Booting {
                asked: Some((r, cursor)),
                ..
            } if *r == request => *cursor,
            _ => {
                self.close(
                    ErrorCode::ProtocolViolation,
                    "a bootstrap frame that answers no request",
                    out,
                );
                return;
            }
        };
        let rows_asked = self.features & FEATURE_BOOT_ROWS != 0;
        if let Err(e) = check_frame(asked, from, up_to, more, &items, derived, rows_asked) {
            self.close(ErrorCode::ProtocolViolation, e.to_string(), out);
            return;
        }
        self.caught_up_sent = false;
        self.stats.pulled_docs += items.len() as u64;
        if let Pull::Booting {
            asked,
            next_from,
            applies,
            last,
            at,
        } = &mut self.pull
        {
            *asked = None;
            *next_from = up_to;
            *applies += 1;
            *last = !more;
            *at = now;
        }
        self.enqueue(
            NodeStoreOp::ApplyDocs {
                docs: items,
                cursor: Some(up_to),
            },
            Purpose::Boot { up_to },
            out,
        );
        self.boot_ask_next(now, out);
    }

    /// Asks for the next frame when one is due and few enough wait to be stored.
    fn boot_ask_next(&mut self, now: Millis, out: &mut Vec<NodeOutput>) {
        let Pull::Booting {
            asked: None,
            next_from,
            applies,
            last: false,
            ..
        } = self.pull
        else {
            return;
        };
        if applies >= BOOT_AHEAD {
            return;
        }
        let request = self.next_id();
        if let Pull::Booting { asked, at, .. } = &mut self.pull {
            *asked = Some((request, next_from));
            *at = now;
        }
        let msg = ClientMsg::Bootstrap {
            request,
            cursor: next_from,
        };
        self.send(now, &msg, out);
    }

    /// A frame is stored. Documents the store refused are reported, and the cursor is
    /// then moved past them on its own (a whole document that does not store will not
    /// store on a retry either: the pulled path gives up on it the same way).
    pub(super) fn boot_stored(
        &mut self,
        now: Millis,
        up_to: u64,
        failures: Vec<ApplyFailure>,
        out: &mut Vec<NodeOutput>,
    ) {
        if !failures.is_empty() {
            for f in failures {
                out.push(NodeOutput::Problem(f.into()));
            }
            // The store kept its cursor: move it alone, still counted as this frame.
            self.enqueue(
                NodeStoreOp::ApplyDocs {
                    docs: Vec::new(),
                    cursor: Some(up_to),
                },
                Purpose::Boot { up_to },
                out,
            );
            return;
        }
        self.cursor = self.cursor.max(up_to);
        let done = match &mut self.pull {
            Pull::Booting {
                applies,
                last,
                asked,
                ..
            } => {
                *applies = applies.saturating_sub(1);
                *last && *applies == 0 && asked.is_none()
            }
            _ => false,
        };
        if done {
            self.pull = Pull::Idle;
            if self.live_wanted {
                self.live_wanted = false;
                self.pulled_all = false;
                self.start_pull(now, out);
            } else {
                self.pulled_all = true;
            }
        } else {
            self.boot_ask_next(now, out);
        }
    }
}
