//! A node's budget of worker time.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::PoolOptions;

/// A node's budget as a virtual clock (the generic cell rate algorithm): `due` moves on
/// by the window's share of each job's worker time, and work may start once `due` is not
/// in the future. It never lags the present by more than one window, so an idle node
/// saves up at most one budget.
#[derive(Debug)]
pub(super) struct Budget {
    /// Wall time a unit of worker time costs: `window / budget`.
    scale: f64,
    window: Duration,
    pub(super) due: Mutex<Instant>,
}

impl Budget {
    pub(super) fn new(options: &PoolOptions, now: Instant) -> Budget {
        Budget {
            scale: options.window.as_secs_f64() / options.budget.as_secs_f64(),
            window: options.window,
            due: Mutex::new(now.checked_sub(options.window).unwrap_or(now)),
        }
    }

    /// How long to wait before more work may start.
    pub(super) fn wait(&self, now: Instant) -> Duration {
        self.due
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .saturating_duration_since(now)
    }

    /// Whether the whole budget is available again.
    pub(super) fn full(&self, now: Instant) -> bool {
        let floor = now.checked_sub(self.window).unwrap_or(now);
        *self.due.lock().unwrap_or_else(PoisonError::into_inner) <= floor
    }

    pub(super) fn charge(&self, now: Instant, spent: Duration) {
        let mut due = self.due.lock().unwrap_or_else(PoisonError::into_inner);
        let floor = now.checked_sub(self.window).unwrap_or(now);
        let cost =
            Duration::try_from_secs_f64(spent.as_secs_f64() * self.scale).unwrap_or(Duration::MAX);
        let from = (*due).max(floor);
        *due = from.checked_add(cost).unwrap_or(from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> PoolOptions {
        PoolOptions {
            workers: 1,
            queue: 1,
            budget: Duration::from_millis(100),
            window: Duration::from_secs(1),
            lend: false,
            doc_cache_bytes: 0,
        }
    }

    #[test]
    fn a_budget_allows_one_burst_then_its_rate() {
        let start = Instant::now();
        let budget = Budget::new(&options(), start);
        assert_eq!(budget.wait(start), Duration::ZERO, "a fresh node may start");
        budget.charge(start, Duration::from_millis(60));
        assert_eq!(budget.wait(start), Duration::ZERO, "within the burst");
        budget.charge(start, Duration::from_millis(60));
        // 120 ms of a 100 ms budget per second: 20 ms over, 200 ms of wall time.
        let wait = budget.wait(start);
        assert!(
            wait > Duration::from_millis(190) && wait <= Duration::from_millis(200),
            "{wait:?}"
        );
        // An idle node saves up no more than one budget.
        let later = start + Duration::from_secs(60);
        assert_eq!(budget.wait(later), Duration::ZERO);
        budget.charge(later, Duration::from_millis(100));
        assert_eq!(budget.wait(later), Duration::ZERO);
        budget.charge(later, Duration::from_millis(10));
        assert!(budget.wait(later) > Duration::from_millis(90));
    }
}
