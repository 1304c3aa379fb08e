//! What the projector last committed of each day ledger: the heads it read the ledger at
//! and the ledger's whole index derivation there.
//!
//! Every edit on a node appends an audit entry to that node's day ledger, so the
//! projector sees the same ledger again after every push, a little longer each time. Read
//! whole, each pass over a ledger of 1,000 entries offered all 1,000 audit rows to the
//! store again and took 17–19 ms (embedded store; 27 ms on Postgres); from what was
//! kept here, 1.4–2.0 ms (`DERMIS_BENCH_ONLY=ledger cargo bench -p dermis-hub --bench
//! readmodel`). Ledger entries are append-only and every
//! projection of them is idempotent (events once per key, movements once per id), so
//! a ledger projected at some heads needs only the entries its later changes add
//! ([`dermis_model::ledger::added_since`]), plus the derivation kept here to extend.
//!
//! Kept in memory only, and only after the projection that derived it was committed: a
//! hub that restarts, or another instance's projections, only make the next read of a
//! ledger start from older heads (or whole) — a superset of what it needs, never less.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use automerge::ChangeHash;
use dermis_model::ClinicId;
use dermis_model::derivation::Derivation;
use uuid::Uuid;

/// A ledger as the projector last committed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Projected {
    pub heads: Vec<ChangeHash>,
    /// The whole ledger's index derivation at `heads`.
    pub derivation: Derivation,
    /// Length of the derivation encoded: what its memory is estimated from.
    pub encoded: usize,
}

/// Memory a kept derivation is estimated to take per encoded byte: decoded, each value
/// is a 32-byte `Value` and most are a `String` with its own heap block, where encoded
/// a short text is its length and its bytes.
const PER_ENCODED_BYTE: usize = 4;

/// The projector's memory of ledgers, within a budget of estimated bytes; the least
/// recently kept go first.
#[derive(Debug)]
pub struct ProjectedLedgers {
    budget: usize,
    inner: Mutex<Inner>,
    /// Ledgers found here (derived in steps) and not (read whole).
    found: AtomicU64,
    missed: AtomicU64,
}

/// What `/metrics` shows of the memory.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProjectedStats {
    pub found: u64,
    pub missed: u64,
    pub ledgers: usize,
    pub bytes: usize,
}

#[derive(Debug, Default)]
struct Inner {
    kept: HashMap<(ClinicId, Uuid), (Projected, u64)>,
    bytes: usize,
    clock: u64,
}

fn cost(p: &Projected) -> usize {
    p.encoded.saturating_mul(PER_ENCODED_BYTE)
}

impl ProjectedLedgers {
    /// A memory of at most `budget` estimated bytes; 0 keeps nothing (every ledger is
    /// read whole).
    pub fn new(budget: usize) -> ProjectedLedgers {
        ProjectedLedgers {
            budget,
            inner: Mutex::new(Inner::default()),
            found: AtomicU64::new(0),
            missed: AtomicU64::new(0),
        }
    }

    /// Takes what is kept of `doc`: the caller puts it back ([`ProjectedLedgers::keep`])
    /// once the projection it is used for is committed, so a projection that fails or
    /// loses the cursor to another instance leaves nothing behind.
    pub fn take(&self, clinic: ClinicId, doc: Uuid) -> Option<Projected> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let Some((projected, _)) = inner.kept.remove(&(clinic, doc)) else {
            self.missed.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        self.found.fetch_add(1, Ordering::Relaxed);
        inner.bytes -= cost(&projected);
        Some(projected)
    }

    /// Keeps `projected` as what was committed of `doc`, dropping the least recently
    /// kept ledgers while over the budget (one larger than the budget is not kept).
    pub fn keep(&self, clinic: ClinicId, doc: Uuid, projected: Projected) {
        let bytes = cost(&projected);
        if bytes > self.budget {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.clock += 1;
        let used = inner.clock;
        if let Some((old, _)) = inner.kept.insert((clinic, doc), (projected, used)) {
            inner.bytes -= cost(&old);
        }
        inner.bytes += bytes;
        while inner.bytes > self.budget {
            let Some(oldest) = inner
                .kept
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(key, _)| *key)
            else {
                break;
            };
            if let Some((gone, _)) = inner.kept.remove(&oldest) {
                inner.bytes -= cost(&gone);
            }
        }
    }

    pub fn stats(&self) -> ProjectedStats {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        ProjectedStats {
            found: self.found.load(Ordering::Relaxed),
            missed: self.missed.load(Ordering::Relaxed),
            ledgers: inner.kept.len(),
            bytes: inner.bytes,
        }
    }

    /// Ledgers kept and their estimated bytes.
    #[cfg(test)]
    fn held(&self) -> (usize, usize) {
        let s = self.stats();
        (s.ledgers, s.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dermis_model::DocType;

    fn projected(encoded: usize) -> Projected {
        Projected {
            heads: Vec::new(),
            derivation: Derivation {
                doc_type: DocType::Ledger,
                rows: Vec::new(),
                conflicts: Vec::new(),
            },
            encoded,
        }
    }

    #[test]
    fn taken_once_and_only_what_was_kept() {
        let memory = ProjectedLedgers::new(1 << 20);
        let (clinic, doc) = (ClinicId::new(), Uuid::new_v4());
        assert_eq!(memory.take(clinic, doc), None);
        memory.keep(clinic, doc, projected(100));
        assert_eq!(memory.take(ClinicId::new(), doc), None, "another clinic's");
        assert_eq!(memory.held(), (1, 400));
        assert_eq!(memory.take(clinic, doc), Some(projected(100)));
        assert_eq!(memory.take(clinic, doc), None);
        assert_eq!(memory.held(), (0, 0));
        let stats = memory.stats();
        assert_eq!((stats.found, stats.missed), (1, 3));
    }

    #[test]
    fn the_least_recently_kept_go_first_and_nothing_with_no_budget() {
        let memory = ProjectedLedgers::new(1000);
        let clinic = ClinicId::new();
        let docs: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
        for doc in &docs {
            memory.keep(clinic, *doc, projected(100));
        }
        // 3 x 400 estimated bytes: the first kept is dropped.
        assert_eq!(memory.held(), (2, 800));
        assert_eq!(memory.take(clinic, docs[0]), None);
        memory.keep(clinic, docs[1], projected(10));
        assert_eq!(memory.held(), (2, 440), "replaced, not added");
        memory.keep(clinic, Uuid::new_v4(), projected(1000));
        assert_eq!(memory.held(), (2, 440), "larger than the budget: not kept");

        let off = ProjectedLedgers::new(0);
        off.keep(clinic, docs[0], projected(1));
        assert_eq!(off.take(clinic, docs[0]), None);
    }
}
