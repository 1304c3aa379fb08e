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

    /// A commit reached `seq` in `clinic`: wake its sessions (if it is news).
    pub fn advance(&self, clinic: ClinicId, seq: u64) {
        self.advance_live(clinic, seq, None);
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
