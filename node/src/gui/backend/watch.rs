//! When the worker looks whether another connection changed the store, and when it
//! moves queued audit views into their ledger. Both are deadlines, not idle timeouts:
//! a window that keeps receiving commands (a search typed key by key, a screen that
//! refreshes on a timer) must still notice what the sync daemon stored. Pure: the
//! worker passes in `now`, so the schedule is tested without a clock.

use std::time::{Duration, Instant};

/// How often the worker checks `PRAGMA data_version`, busy or not. The check is one
/// cheap pragma; a quarter second is below what a user waiting for a sync notices.
pub(super) const LOOK_EVERY: Duration = Duration::from_millis(250);

/// How long the worker must go without a command before it moves every queued audit
/// view into the ledger (a write), and how often it tries again while idle.
pub(super) const IDLE_FLUSH_AFTER: Duration = Duration::from_millis(1500);

/// The least time between two store changes told to the UI. The first change is told at
/// the next look; while a sync keeps writing, the screen on view refreshes at most this
/// often (a refresh reloads what the screen shows; the photos screen at least keeps the
/// thumbnails it holds).
pub(super) const TELL_AT_MOST_EVERY: Duration = Duration::from_secs(1);

/// What is due when the worker wakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Due {
    /// Check whether another connection committed.
    pub look: bool,
    /// No command for [`IDLE_FLUSH_AFTER`]: flush the audit queue in full.
    pub idle_flush: bool,
}

/// The worker's two deadlines.
#[derive(Debug, Clone)]
pub(super) struct Schedule {
    look_at: Instant,
    flush_at: Instant,
}

/// Store changes seen and not yet told to the UI, told at most every
/// [`TELL_AT_MOST_EVERY`]: none is lost, a burst becomes one refresh.
#[derive(Debug, Clone, Default)]
pub(super) struct Telling {
    told_at: Option<Instant>,
    pending: bool,
}

impl Telling {
    /// A look at `now` found the store `changed` (or not): whether to tell the UI now.
    /// A change held back is told at a later look, changed or not.
    pub(super) fn looked(&mut self, now: Instant, changed: bool) -> bool {
        self.pending |= changed;
        let may = self
            .told_at
            .is_none_or(|at| now.saturating_duration_since(at) >= TELL_AT_MOST_EVERY);
        if self.pending && may {
            self.pending = false;
            self.told_at = Some(now);
            return true;
        }
        false
    }
}

impl Schedule {
    pub(super) fn new(now: Instant) -> Schedule {
        Schedule {
            look_at: now + LOOK_EVERY,
            flush_at: now + IDLE_FLUSH_AFTER,
        }
    }

    /// How long the worker may wait for a command before something is due.
    pub(super) fn wait(&self, now: Instant) -> Duration {
        self.look_at
            .min(self.flush_at)
            .saturating_duration_since(now)
    }

    /// Commands arrived at `now`: the window is not idle, so the full audit flush moves
    /// back; the look keeps its deadline.
    pub(super) fn commands_arrived(&mut self, now: Instant) {
        self.flush_at = now + IDLE_FLUSH_AFTER;
    }

    /// What is due at `now` (after a wait or after a batch of commands), each deadline
    /// that fired set again from `now`.
    pub(super) fn due(&mut self, now: Instant) -> Due {
        let mut due = Due::default();
        if now >= self.look_at {
            due.look = true;
            self.look_at = now + LOOK_EVERY;
        }
        if now >= self.flush_at {
            due.idle_flush = true;
            self.flush_at = now + IDLE_FLUSH_AFTER;
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TICK: Duration = Duration::from_millis(50);

    #[test]
    fn steady_commands_do_not_put_the_look_off() {
        let start = Instant::now();
        let mut schedule = Schedule::new(start);
        let mut looks = 0;
        let mut flushes = 0;
        // A command every 50 ms for three seconds, as a screen refreshing on a timer sends.
        for step in 1..=60u32 {
            let now = start + TICK * step;
            schedule.commands_arrived(now);
            let due = schedule.due(now);
            looks += u32::from(due.look);
            flushes += u32::from(due.idle_flush);
            assert!(schedule.wait(now) <= LOOK_EVERY);
        }
        // One look per 250 ms: 3 s / 250 ms.
        assert_eq!(looks, 12);
        assert_eq!(flushes, 0, "a busy window is not idle");
    }

    #[test]
    fn an_idle_worker_looks_every_quarter_second_and_flushes_after_its_idle_time() {
        let start = Instant::now();
        let mut schedule = Schedule::new(start);
        let mut now = start;
        let mut looks = Vec::new();
        let mut flushes = Vec::new();
        while now < start + Duration::from_secs(3) {
            now += schedule.wait(now);
            let due = schedule.due(now);
            if due.look {
                looks.push(now - start);
            }
            if due.idle_flush {
                flushes.push(now - start);
            }
        }
        assert_eq!(looks.first(), Some(&LOOK_EVERY));
        assert_eq!(looks.len(), 12);
        assert_eq!(
            flushes,
            vec![IDLE_FLUSH_AFTER, IDLE_FLUSH_AFTER * 2],
            "the idle flush keeps its cadence"
        );
    }

    #[test]
    fn a_first_change_is_told_at_once_and_a_burst_at_most_once_a_second() {
        let start = Instant::now();
        let mut telling = Telling::default();
        assert!(
            !telling.looked(start, false),
            "nothing changed, nothing told"
        );
        let first = start + LOOK_EVERY;
        assert!(telling.looked(first, true), "the first change at once");
        // A sync writing before every look for 1.25 s more: one refresh in it, and the
        // writes after that refresh are held back.
        let mut told = Vec::new();
        for step in 2..=6u32 {
            let now = start + LOOK_EVERY * step;
            if telling.looked(now, true) {
                told.push(now - first);
            }
        }
        assert_eq!(told, vec![TELL_AT_MOST_EVERY], "one refresh a second");
        // The writes held back are still told once the second has passed, though the
        // looks after them find nothing new.
        let mut later = Vec::new();
        for step in 7..=16u32 {
            let now = start + LOOK_EVERY * step;
            if telling.looked(now, false) {
                later.push(now - first);
            }
        }
        assert_eq!(later, vec![TELL_AT_MOST_EVERY * 2], "told, and only once");
    }

    #[test]
    fn a_look_is_due_after_a_long_batch() {
        let start = Instant::now();
        let mut schedule = Schedule::new(start);
        // One batch that ran for a second: the look is due as soon as it ends.
        let end = start + Duration::from_secs(1);
        schedule.commands_arrived(start);
        assert_eq!(
            schedule.due(end),
            Due {
                look: true,
                idle_flush: false
            }
        );
        assert_eq!(schedule.wait(end), LOOK_EVERY);
    }
}
