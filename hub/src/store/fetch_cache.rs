//! Answers to fetches that name the heads a node has, kept for the clinic's other nodes.
//! After a push, every other online node of the clinic is told of the new version and
//! asks for it with the same heads (the version before the push); building each answer
//! loads the document and saves what follows those heads. With twenty nodes that was
//! three quarters of the hub's CPU (`perf`, the sync bench's throughput run), so the
//! first answer is kept and the others are copies of it.
//!
//! An answer is keyed by document, stored version (`seq`: every write gives a new one,
//! so a kept answer is never stale) and the node's heads. The store reads the document's
//! row first, so a fetch reaches a kept answer only while the clinic still has that
//! version (an erased document's row is gone); answers leave by least recent use within
//! [`CACHE_BYTES`].

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use automerge::ChangeHash;
use dermis_sync::wire::FetchItem;
use uuid::Uuid;

/// What the kept answers may hold in all.
pub const CACHE_BYTES: usize = 16 << 20;
/// A larger answer is not kept: it would push out many small ones, and is rarely asked
/// for by many nodes at once (a node far behind gets the whole document).
pub const ENTRY_BYTES: usize = 256 << 10;

/// Which answer: a document's stored version and the heads the asking node has.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FetchKey {
    doc_id: Uuid,
    seq: u64,
    have: Vec<ChangeHash>,
}

impl FetchKey {
    /// The key of `item` answered from the version stored at `seq`.
    pub fn new(item: &FetchItem, seq: u64) -> FetchKey {
        let mut have = item.have.clone();
        have.sort();
        have.dedup();
        FetchKey {
            doc_id: item.doc_id,
            seq,
            have,
        }
    }

    fn cost(&self, data: &[u8]) -> usize {
        data.len() + self.have.len() * 32 + 64
    }
}

/// The kept answers, shared by a store's handles.
#[derive(Debug, Default)]
pub struct FetchCache {
    inner: Mutex<Lru>,
}

#[derive(Debug, Default)]
struct Lru {
    entries: HashMap<FetchKey, (Arc<[u8]>, u64)>,
    /// Keys by their last use, oldest first.
    order: BTreeMap<u64, FetchKey>,
    bytes: usize,
    tick: u64,
}

impl FetchCache {
    /// The answer kept for `key`, if any (and it becomes the most recently used).
    pub fn get(&self, key: &FetchKey) -> Option<Arc<[u8]>> {
        let mut lru = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        lru.tick += 1;
        let Lru {
            entries,
            order,
            tick,
            ..
        } = &mut *lru;
        let (data, used) = entries.get_mut(key)?;
        order.remove(used);
        *used = *tick;
        order.insert(*tick, key.clone());
        Some(data.clone())
    }

    /// Keeps `data` as the answer for `key`, making room by dropping the least recently
    /// used answers; an answer over [`ENTRY_BYTES`] is not kept.
    pub fn put(&self, key: FetchKey, data: &[u8]) {
        if data.len() > ENTRY_BYTES {
            return;
        }
        let mut lru = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if lru.entries.contains_key(&key) {
            return;
        }
        lru.tick += 1;
        let tick = lru.tick;
        lru.bytes += key.cost(data);
        lru.order.insert(tick, key.clone());
        lru.entries.insert(key, (Arc::from(data), tick));
        while lru.bytes > CACHE_BYTES {
            let Some((_, oldest)) = lru.order.pop_first() else {
                break;
            };
            if let Some((data, _)) = lru.entries.remove(&oldest) {
                lru.bytes -= oldest.cost(&data);
            }
        }
    }

    /// How many answers are kept, and their cost in bytes.
    pub fn usage(&self) -> (usize, usize) {
        let lru = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        (lru.entries.len(), lru.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8, seq: u64) -> FetchKey {
        FetchKey::new(
            &FetchItem {
                doc_id: Uuid::from_bytes([n; 16]),
                have: vec![ChangeHash([n; 32]), ChangeHash([1; 32])],
            },
            seq,
        )
    }

    #[test]
    fn heads_in_any_order_are_one_key_and_another_version_is_another() {
        let a = FetchItem {
            doc_id: Uuid::from_bytes([7; 16]),
            have: vec![ChangeHash([2; 32]), ChangeHash([1; 32])],
        };
        let b = FetchItem {
            doc_id: a.doc_id,
            have: vec![ChangeHash([1; 32]), ChangeHash([2; 32])],
        };
        assert_eq!(FetchKey::new(&a, 5), FetchKey::new(&b, 5));
        let cache = FetchCache::default();
        cache.put(FetchKey::new(&a, 5), b"change");
        assert_eq!(
            cache.get(&FetchKey::new(&b, 5)).as_deref(),
            Some(&b"change"[..])
        );
        assert!(
            cache.get(&FetchKey::new(&a, 6)).is_none(),
            "a newer version"
        );
    }

    #[test]
    fn the_least_recently_used_answers_leave_first_within_the_budget() {
        let cache = FetchCache::default();
        let big = vec![0u8; ENTRY_BYTES];
        let fits = CACHE_BYTES / key(0, 0).cost(&big);
        for n in 0..fits {
            cache.put(key(n as u8, 1), &big);
        }
        assert_eq!(cache.usage().0, fits);
        // The first is used again, so the second is the oldest when room is needed.
        assert!(cache.get(&key(0, 1)).is_some());
        cache.put(key(200, 1), &big);
        assert!(cache.get(&key(0, 1)).is_some(), "used recently: kept");
        assert!(
            cache.get(&key(1, 1)).is_none(),
            "least recently used: dropped"
        );
        assert!(cache.get(&key(200, 1)).is_some());
        let (count, bytes) = cache.usage();
        assert_eq!(count, fits);
        assert!(bytes <= CACHE_BYTES, "{bytes}");
    }

    #[test]
    fn an_answer_over_the_entry_limit_is_not_kept() {
        let cache = FetchCache::default();
        cache.put(key(1, 1), &vec![0u8; ENTRY_BYTES + 1]);
        assert!(cache.get(&key(1, 1)).is_none());
        assert_eq!(cache.usage(), (0, 0));
    }
}
