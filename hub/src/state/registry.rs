//! The sessions running in this process: which clinic each serves and which node it
//! belongs to, so a commit wakes the clinic's other sessions at once, and a revoked
//! node's sessions can be told to close. Hub instances share nothing else; other
//! instances learn about commits through the store's notifications.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use dermis_model::ClinicId;
use dermis_sync::hub_engine::LiveBatch;
use dermis_sync::wire::ErrorCode;
use tokio::sync::{mpsc, watch};
use uuid::Uuid;

/// Something a session must do that did not come from its socket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Terminate { code: ErrorCode, reason: String },
}

struct Member {
    node: Uuid,
    clinic: ClinicId,
    commands: mpsc::UnboundedSender<Command>,
}

#[derive(Default)]
struct Inner {
    /// The highest seq known per clinic; sessions watch it. A watch keeps only the
    /// latest value, so a burst of commits costs a session one wake-up.
    clinics: HashMap<ClinicId, watch::Sender<Advance>>,
    /// Pushes being applied by this process's sessions, per clinic, and the highest seq
    /// another notice named meanwhile (see [`Registry::pushing`]).
    pushing: HashMap<ClinicId, (usize, u64)>,
    members: HashMap<u64, Member>,
    next_key: u64,
}

pub struct Registry {
    inner: Mutex<Inner>,
    /// How many sessions run, so shutdown can wait for them to close.
    count: watch::Sender<usize>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry {
            inner: Mutex::new(Inner::default()),
            count: watch::channel(0).0,
        }
    }
}

/// How far a clinic's change log reached, with the documents of the commit that took
/// it there when that commit was a push small enough to carry them (sessions send them
/// on as `HubMsg::Live`; a session that missed a batch is told with an `Index`).
#[derive(Clone, Debug, Default)]
pub struct Advance {
    pub seq: u64,
    pub live: Option<Arc<LiveBatch>>,
}

/// A push being applied (see [`Registry::pushing`]).
pub struct PushGuard<'a> {
    registry: &'a Registry,
    clinic: ClinicId,
}

impl Drop for PushGuard<'_> {
    fn drop(&mut self) {
        let held = {
            let mut inner = self.registry.lock();
            let Some((count, held)) = inner.pushing.get_mut(&self.clinic) else {
                return;
            };
            *count = count.saturating_sub(1);
            if *count > 0 {
                return;
            }
            let held = *held;
            inner.pushing.remove(&self.clinic);
            held
        };
        if held > 0 {
            self.registry.advance_live(self.clinic, held, None);
        }
    }
}

/// A session's place in the registry; leaving it (drop) removes the session.
pub struct Membership<'a> {
    registry: &'a Registry,
    key: u64,
    pub clinic_seq: watch::Receiver<Advance>,
    pub commands: mpsc::UnboundedReceiver<Command>,
}

impl Drop for Membership<'_> {
    fn drop(&mut self) {
        let mut inner = self.registry.lock();
        if let Some(member) = inner.members.remove(&self.key) {
            // Our own receiver is still alive here: 1 means nobody else watches.
            let unused = inner
                .clinics
                .get(&member.clinic)
                .is_some_and(|tx| tx.receiver_count() <= 1);
            if unused {
                inner.clinics.remove(&member.clinic);
            }
        }
        drop(inner);
        self.registry
            .count
            .send_modify(|n| *n = n.saturating_sub(1));
    }
}

impl Registry {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the maps consistent (every change is a
        // single insert or remove), so a poisoned lock is safe to keep using.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn join(&self, clinic: ClinicId, node: Uuid) -> Membership<'_> {
        let (commands_tx, commands) = mpsc::unbounded_channel();
        let mut inner = self.lock();
        let clinic_seq = inner
            .clinics
            .entry(clinic)
            .or_insert_with(|| watch::channel(Advance::default()).0)
            .subscribe();
        inner.next_key += 1;
        let key = inner.next_key;
        inner.members.insert(
            key,
            Member {
                node,
                clinic,
                commands: commands_tx,
            },
        );
        drop(inner);
        self.count.send_modify(|n| *n += 1);
        Membership {
            registry: self,
            key,
            clinic_seq,
            commands,
        }
    }

    /// A commit reached `seq` in `clinic`: wake its sessions (if it is news). While a
    /// session of this process is applying a push in the clinic, the notice waits for it
    /// (the store's notice of that very push would otherwise wake the sessions first, and
    /// they would read an `Index` instead of sending its documents live); it is given out
    /// when the pushes end, or with a later batch.
    pub fn advance(&self, clinic: ClinicId, seq: u64) {
        {
            let mut inner = self.lock();
            if let Some((count, held)) = inner.pushing.get_mut(&clinic)
                && *count > 0
            {
                *held = (*held).max(seq);
                return;
            }
        }
        self.advance_live(clinic, seq, None);
    }

    /// A session of this process starts applying a push in `clinic`; notices of commits
    /// wait until the guard is dropped (after the push's own batch is given out).
    pub fn pushing(&self, clinic: ClinicId) -> PushGuard<'_> {
        self.lock().pushing.entry(clinic).or_insert((0, 0)).0 += 1;
        PushGuard {
            registry: self,
            clinic,
        }
    }

    /// [`Registry::advance`] with the documents of the push that reached `seq`. The
    /// batch is news too when only the seq was heard of (another hub instance's notice
    /// of the same commit may come first).
    pub fn advance_live(&self, clinic: ClinicId, seq: u64, live: Option<Arc<LiveBatch>>) {
        let inner = self.lock();
        if let Some(tx) = inner.clinics.get(&clinic) {
            tx.send_if_modified(|latest| {
                let news = seq > latest.seq
                    || (seq == latest.seq && latest.live.is_none() && live.is_some());
                if news {
                    *latest = Advance { seq, live };
                }
                news
            });
        }
    }

    /// Tells every session of `node` to close.
    pub fn terminate_node(&self, node: Uuid, code: ErrorCode, reason: &str) -> usize {
        let inner = self.lock();
        let mut told = 0;
        for member in inner.members.values().filter(|m| m.node == node) {
            let command = Command::Terminate {
                code,
                reason: reason.to_owned(),
            };
            if member.commands.send(command).is_ok() {
                told += 1;
            }
        }
        told
    }

    pub fn nodes(&self) -> Vec<Uuid> {
        let inner = self.lock();
        let set: HashSet<Uuid> = inner.members.values().map(|m| m.node).collect();
        set.into_iter().collect()
    }

    /// How many sessions run in this process.
    pub fn sessions(&self) -> usize {
        *self.count.borrow()
    }

    pub fn clinics(&self) -> Vec<ClinicId> {
        self.lock().clinics.keys().copied().collect()
    }

    /// Waits until no session runs.
    pub async fn drained(&self) {
        let mut count = self.count.subscribe();
        // The sender lives as long as `self`, so this only ends when the count is 0.
        let _ = count.wait_for(|n| *n == 0).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn advances_wake_only_the_clinic_and_only_with_news() {
        let registry = Registry::default();
        let (a, b) = (ClinicId::new(), ClinicId::new());
        let mut one = registry.join(a, Uuid::now_v7());
        let mut other = registry.join(b, Uuid::now_v7());
        registry.advance(a, 5);
        assert!(one.clinic_seq.has_changed().unwrap_or(false));
        assert_eq!(one.clinic_seq.borrow_and_update().seq, 5);
        assert!(!other.clinic_seq.has_changed().unwrap_or(true));
        registry.advance(a, 3);
        assert!(!one.clinic_seq.has_changed().unwrap_or(true), "old news");
        other.commands.close();
    }

    fn batch(up_to: u64) -> Arc<LiveBatch> {
        Arc::new(LiveBatch {
            from: up_to - 1,
            up_to,
            origin: Uuid::now_v7(),
            docs: Vec::new(),
        })
    }

    #[tokio::test]
    async fn a_notice_waits_for_the_pushes_in_flight_and_a_batch_goes_first() {
        let registry = Registry::default();
        let clinic = ClinicId::new();
        let mut member = registry.join(clinic, Uuid::now_v7());
        // The store's notice of a push arrives before the pushing session gives its batch.
        let push = registry.pushing(clinic);
        registry.advance(clinic, 4);
        assert!(!member.clinic_seq.has_changed().unwrap_or(true), "held");
        registry.advance_live(clinic, 4, Some(batch(4)));
        drop(push);
        let seen = member.clinic_seq.borrow_and_update().clone();
        assert_eq!(seen.seq, 4);
        assert!(seen.live.is_some(), "the batch, not the bare notice");
        assert!(!member.clinic_seq.has_changed().unwrap_or(true));

        // A notice of another instance's commit, held while two pushes run, is given out
        // when the last ends, even if neither had a batch.
        let (first, second) = (registry.pushing(clinic), registry.pushing(clinic));
        registry.advance(clinic, 9);
        drop(first);
        assert!(
            !member.clinic_seq.has_changed().unwrap_or(true),
            "one still runs"
        );
        drop(second);
        let seen = member.clinic_seq.borrow_and_update().clone();
        assert_eq!((seen.seq, seen.live.is_none()), (9, true));

        // A bare notice of the same seq never replaces the batch.
        registry.advance_live(clinic, 10, Some(batch(10)));
        registry.advance(clinic, 10);
        assert!(member.clinic_seq.borrow_and_update().live.is_some());
    }

    #[tokio::test]
    async fn terminate_reaches_every_session_of_the_node_and_leaving_cleans_up() {
        let registry = Registry::default();
        let clinic = ClinicId::new();
        let node = Uuid::now_v7();
        let mut first = registry.join(clinic, node);
        let second = registry.join(clinic, Uuid::now_v7());
        assert_eq!(registry.nodes().len(), 2);
        assert_eq!(
            registry.terminate_node(node, ErrorCode::Revoked, "revoked"),
            1
        );
        assert!(matches!(
            first.commands.recv().await,
            Some(Command::Terminate {
                code: ErrorCode::Revoked,
                ..
            })
        ));
        drop(first);
        drop(second);
        assert!(registry.clinics().is_empty());
        registry.drained().await;
    }
}
