//! Loaded documents kept between pushes, by id and heads.
//!
//! Loading a stored document costs time in proportion to its size: a day's ledger of
//! 2,000 entries (38 KB saved) takes about 11 ms to load and 0.07 ms to clone. Every edit
//! on a node appends to its day's ledger, so without a cache the hub loaded that ledger
//! again for each push, and once more to project it. A document's heads name its whole
//! history, so a document kept at the heads a store row still has is that row's content,
//! whichever clinic, session or hub instance asks; a row written since has other heads
//! and simply misses.
//!
//! The budget counts the memory a loaded document is estimated to take (see
//! [`DocCache::cost`]); the least recently used go first.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use automerge::{ActorId, AutoCommit, ChangeHash};
use uuid::Uuid;

/// Loaded documents by id, each at the heads it was kept at.
pub struct DocCache {
    budget: usize,
    inner: Mutex<Inner>,
    hits: AtomicU64,
    misses: AtomicU64,
}

#[derive(Default)]
struct Inner {
    docs: HashMap<Uuid, Kept>,
    /// Last use → id, oldest first.
    order: BTreeMap<u64, Uuid>,
    bytes: usize,
    clock: u64,
}

struct Kept {
    heads: Vec<ChangeHash>,
    doc: AutoCommit,
    bytes: usize,
    used: u64,
}

/// Memory of a loaded document beyond its saved bytes' share, whatever its size. Measured
/// (release, RSS of 44,063 loaded copies): a 1.5 KB ledger takes about 88 KiB loaded.
const PER_DOC: usize = 96 * 1024;
/// Memory per saved byte of a large document: a 38 KB ledger (2,000 entries) takes 2.7
/// times its saved size loaded (1,772 copies).
const PER_SAVED_BYTE: usize = 3;

/// What `/metrics` shows of the cache.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    pub docs: usize,
    pub bytes: usize,
}

impl std::fmt::Debug for DocCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocCache")
            .field("budget", &self.budget)
            .field("stats", &self.stats())
            .finish()
    }
}

fn sorted(heads: &[ChangeHash]) -> Vec<ChangeHash> {
    let mut heads = heads.to_vec();
    heads.sort();
    heads
}

impl DocCache {
    /// A cache of documents estimated to take at most `budget` bytes of memory; 0 keeps
    /// nothing.
    pub fn new(budget: usize) -> DocCache {
        DocCache {
            budget,
            inner: Mutex::new(Inner::default()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// A cache that keeps nothing: every document is loaded.
    pub fn off() -> DocCache {
        DocCache::new(0)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves whole entries or none: the map is usable.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A copy of document `id` as it is at `heads`, if kept. The copy has an actor of its
    /// own, so two copies of one kept document never write changes under the same actor.
    pub fn get(&self, id: Uuid, heads: &[ChangeHash]) -> Option<AutoCommit> {
        if self.budget == 0 {
            return None;
        }
        let heads = sorted(heads);
        let mut inner = self.lock();
        let inner = &mut *inner;
        inner.clock += 1;
        let clock = inner.clock;
        let found = match inner.docs.get_mut(&id) {
            Some(kept) if kept.heads == heads => {
                inner.order.remove(&kept.used);
                kept.used = clock;
                inner.order.insert(clock, id);
                let mut copy = kept.doc.clone();
                copy.set_actor(ActorId::random());
                Some(copy)
            }
            _ => None,
        };
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// The memory a loaded document saved in `saved` bytes is estimated to take.
    pub fn cost(saved: usize) -> usize {
        saved.saturating_mul(PER_SAVED_BYTE).saturating_add(PER_DOC)
    }

    /// Keeps a copy of `doc` (whose heads are `heads`, saved in about `saved` bytes) in
    /// place of any other version of it. A document costing more than the whole budget
    /// is not kept; the least recently used make room.
    pub fn put(&self, id: Uuid, heads: &[ChangeHash], doc: &AutoCommit, saved: usize) {
        let bytes = DocCache::cost(saved);
        if bytes > self.budget {
            self.forget(id);
            return;
        }
        let heads = sorted(heads);
        let mut copy = doc.clone();
        // Whoever applied to `doc` may not have; the kept copy is cloned for every use.
        dermis_model::doc::forget_applied(&mut copy);
        let mut inner = self.lock();
        let inner = &mut *inner;
        if let Some(old) = inner.docs.remove(&id) {
            inner.order.remove(&old.used);
            inner.bytes -= old.bytes;
        }
        while inner.bytes + bytes > self.budget {
            let Some((_, oldest)) = inner.order.pop_first() else {
                break;
            };
            if let Some(old) = inner.docs.remove(&oldest) {
                inner.bytes -= old.bytes;
            }
        }
        inner.clock += 1;
        let used = inner.clock;
        inner.order.insert(used, id);
        inner.bytes += bytes;
        inner.docs.insert(
            id,
            Kept {
                heads,
                doc: copy,
                bytes,
                used,
            },
        );
    }

    /// Drops any kept version of `id`.
    pub fn forget(&self, id: Uuid) {
        let mut inner = self.lock();
        if let Some(old) = inner.docs.remove(&id) {
            inner.order.remove(&old.used);
            inner.bytes -= old.bytes;
        }
    }

    pub fn stats(&self) -> CacheStats {
        let inner = self.lock();
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            docs: inner.docs.len(),
            bytes: inner.bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::{patient_doc, rename};
    use dermis_model::ClinicId;

    fn doc(name: &str) -> (Uuid, AutoCommit) {
        patient_doc(ClinicId::new(), name)
    }

    #[test]
    fn a_kept_document_is_found_only_at_its_heads() {
        let cache = DocCache::new(1 << 20);
        let (id, mut ana) = doc("Ana");
        let heads = ana.get_heads();
        cache.put(id, &heads, &ana, 100);
        let mut found = cache.get(id, &heads).expect("kept");
        assert_eq!(found.get_heads(), heads);
        assert_eq!(found.save(), ana.save());
        rename(&mut ana, "Anna");
        assert!(cache.get(id, &ana.get_heads()).is_none(), "other heads");
        assert!(cache.get(Uuid::now_v7(), &heads).is_none(), "other id");
        assert_eq!(
            cache.stats(),
            CacheStats {
                hits: 1,
                misses: 2,
                docs: 1,
                bytes: DocCache::cost(100)
            }
        );
    }

    #[test]
    fn heads_match_in_any_order() {
        let cache = DocCache::new(1 << 20);
        let (id, mut a) = doc("Ana");
        let mut b = a.fork();
        rename(&mut a, "Anna");
        rename(&mut b, "Anya");
        a.merge(&mut b).expect("merge");
        let mut heads = a.get_heads();
        assert_eq!(heads.len(), 2);
        cache.put(id, &heads, &a, 10);
        heads.reverse();
        assert!(cache.get(id, &heads).is_some());
    }

    #[test]
    fn each_copy_writes_as_its_own_actor() {
        let cache = DocCache::new(1 << 20);
        let (id, mut ana) = doc("Ana");
        let heads = ana.get_heads();
        cache.put(id, &heads, &ana, 10);
        let (mut one, mut two) = (
            cache.get(id, &heads).expect("kept"),
            cache.get(id, &heads).expect("kept"),
        );
        assert_ne!(one.get_actor(), two.get_actor());
        assert_ne!(one.get_actor(), ana.get_actor());
        rename(&mut one, "One");
        rename(&mut two, "Two");
        // Changes by one actor with the same seq would refuse to merge.
        one.merge(&mut two).expect("two actors merge");
    }

    #[test]
    fn the_least_recently_used_make_room_and_the_budget_holds() {
        let cost = DocCache::cost(100);
        let cache = DocCache::new(2 * cost + cost / 2);
        let docs: Vec<(Uuid, AutoCommit)> = ["A", "B", "C"].iter().map(|n| doc(n)).collect();
        let heads: Vec<Vec<ChangeHash>> = docs.iter().map(|(_, d)| d.clone().get_heads()).collect();
        cache.put(docs[0].0, &heads[0], &docs[0].1, 100);
        cache.put(docs[1].0, &heads[1], &docs[1].1, 100);
        // A was used after B, so B is the one to go.
        assert!(cache.get(docs[0].0, &heads[0]).is_some());
        cache.put(docs[2].0, &heads[2], &docs[2].1, 100);
        assert!(cache.get(docs[1].0, &heads[1]).is_none());
        assert!(cache.get(docs[0].0, &heads[0]).is_some());
        assert!(cache.get(docs[2].0, &heads[2]).is_some());
        assert_eq!(cache.stats().bytes, 2 * cost);
        // Too large for the whole budget: not kept, and its older version goes too.
        cache.put(docs[0].0, &heads[0], &docs[0].1, cost);
        assert!(cache.get(docs[0].0, &heads[0]).is_none());
        assert_eq!(cache.stats().docs, 1);
        // A new version replaces the old one in the count.
        cache.put(docs[2].0, &heads[2], &docs[2].1, 150);
        assert_eq!(cache.stats().bytes, DocCache::cost(150));
    }

    #[test]
    fn a_cache_without_budget_keeps_nothing() {
        let cache = DocCache::off();
        let (id, mut ana) = doc("Ana");
        let heads = ana.get_heads();
        cache.put(id, &heads, &ana, 0);
        assert!(cache.get(id, &heads).is_none());
        assert_eq!(cache.stats().docs, 0);
    }
}
