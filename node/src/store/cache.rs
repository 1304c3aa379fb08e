//! A bounded cache of loaded documents. A loaded document costs ~16 KB of heap, so the
//! store never holds them all: lists and search read index tables instead. Each entry
//! remembers the row's `rev`, so a copy made stale by another process is never used as
//! it is (the store may bring it up to date, see `store::cached_or_loaded`).

use std::collections::HashMap;

use automerge::AutoCommit;
use dermis_model::DocId;

pub struct DocCache {
    capacity: usize,
    tick: u64,
    entries: HashMap<DocId, Entry>,
}

struct Entry {
    rev: i64,
    used: u64,
    doc: AutoCommit,
}

impl DocCache {
    pub fn new(capacity: usize) -> Self {
        DocCache {
            capacity: capacity.max(1),
            tick: 0,
            entries: HashMap::new(),
        }
    }

    /// Takes the document out whatever its rev, with the rev it was cached at.
    pub fn take_any(&mut self, id: &DocId) -> Option<(i64, AutoCommit)> {
        self.entries.remove(id).map(|e| (e.rev, e.doc))
    }

    pub fn put(&mut self, id: DocId, rev: i64, doc: AutoCommit) {
        self.tick += 1;
        if self.entries.len() >= self.capacity
            && !self.entries.contains_key(&id)
            && let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, e)| e.used)
                .map(|(k, _)| *k)
        {
            self.entries.remove(&oldest);
        }
        self.entries.insert(
            id,
            Entry {
                rev,
                used: self.tick,
                doc,
            },
        );
    }

    pub fn forget(&mut self, id: &DocId) {
        self.entries.remove(id);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_the_least_recently_used_and_hands_out_stale_copies_with_their_rev() {
        let mut cache = DocCache::new(2);
        let (a, b, c) = (DocId::new(), DocId::new(), DocId::new());
        cache.put(a, 1, AutoCommit::new());
        cache.put(b, 1, AutoCommit::new());
        // Using a (taken out and put back) makes b the least recently used.
        let (rev, doc) = cache.take_any(&a).expect("a");
        cache.put(a, rev, doc);
        cache.put(c, 1, AutoCommit::new());
        assert_eq!(cache.len(), 2);
        assert!(cache.take_any(&b).is_none(), "b was least recently used");
        cache.put(a, 1, AutoCommit::new());
        assert_eq!(
            cache.take_any(&a).map(|(rev, _)| rev),
            Some(1),
            "a copy comes with the rev it was cached at, for the caller to judge"
        );
        assert!(cache.take_any(&a).is_none(), "taking removes the entry");
        assert_eq!(cache.take_any(&c).map(|(rev, _)| rev), Some(1));
        assert_eq!(cache.len(), 0);
    }
}
