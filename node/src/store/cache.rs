//! A bounded cache of loaded documents. A loaded document costs ~16 KB of heap, so the
//! store never holds them all: lists and search read index tables instead. Each entry
//! remembers the row's `rev`, so a copy made stale by another process is never used.

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

    /// Takes the document out if the cached copy is at `rev`; a stale copy is dropped.
    pub fn take(&mut self, id: &DocId, rev: i64) -> Option<AutoCommit> {
        let entry = self.entries.remove(id)?;
        (entry.rev == rev).then_some(entry.doc)
    }

    /// Borrows the document if the cached copy is at `rev`.
    pub fn get(&mut self, id: &DocId, rev: i64) -> Option<&mut AutoCommit> {
        self.tick += 1;
        let tick = self.tick;
        if self.entries.get(id).is_some_and(|e| e.rev != rev) {
            self.entries.remove(id);
            return None;
        }
        let entry = self.entries.get_mut(id)?;
        entry.used = tick;
        Some(&mut entry.doc)
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
    fn evicts_the_least_recently_used_and_drops_stale_copies() {
        let mut cache = DocCache::new(2);
        let (a, b, c) = (DocId::new(), DocId::new(), DocId::new());
        cache.put(a, 1, AutoCommit::new());
        cache.put(b, 1, AutoCommit::new());
        assert!(cache.get(&a, 1).is_some());
        cache.put(c, 1, AutoCommit::new());
        assert_eq!(cache.len(), 2);
        assert!(cache.get(&b, 1).is_none(), "b was least recently used");
        assert!(
            cache.get(&a, 2).is_none(),
            "a newer rev on disk makes the copy stale"
        );
        assert!(cache.get(&a, 1).is_none(), "and the stale copy is gone");
        assert!(cache.take(&c, 1).is_some());
        assert_eq!(cache.len(), 0, "taking removes the entry");
    }
}
