//! Bounds on decoding photos: at most `permits` decodes run at once, requests and
//! thumbnail jobs together. Of requests, at most `queue` more wait, and anything beyond is
//! refused at once (the handler answers 503 with `Retry-After`); jobs wait their turn
//! ([`DecodeGate::wait`]), as many as there are job workers. Concurrent requests for the same cleaned original share one
//! decode: the first does it and caches the result in the blob store, the others wait
//! for it and read the cache.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedMutexGuard, Semaphore, SemaphorePermit};

/// Default concurrent decodes for requests (`HUB_DECODE_WORKERS`).
pub const DEFAULT_DECODE_WORKERS: usize = 2;
/// Default requests that may wait for a decode (`HUB_DECODE_QUEUE`).
pub const DEFAULT_DECODE_QUEUE: usize = 16;

/// The decode semaphore and the per-key single-flight locks of one hub instance.
pub struct DecodeGate {
    permits: Semaphore,
    waiting: AtomicUsize,
    queue: usize,
    flights: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// The gate is full: the caller should answer 503 with `Retry-After`.
#[derive(Debug)]
pub struct Busy;

impl DecodeGate {
    pub fn new(workers: usize, queue: usize) -> DecodeGate {
        DecodeGate {
            permits: Semaphore::new(workers.max(1)),
            waiting: AtomicUsize::new(0),
            queue,
            flights: Mutex::new(HashMap::new()),
        }
    }

    /// A decode slot: at once when one is free, after waiting when fewer than `queue`
    /// others wait, otherwise [`Busy`].
    pub async fn enter(&self) -> Result<SemaphorePermit<'_>, Busy> {
        if let Ok(permit) = self.permits.try_acquire() {
            return Ok(permit);
        }
        let waiting = self.waiting.fetch_add(1, Ordering::AcqRel);
        if waiting >= self.queue {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(Busy);
        }
        let permit = self.permits.acquire().await.map_err(|_| Busy);
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        permit
    }

    /// A decode slot for background work (thumbnail jobs): waits as long as it takes,
    /// outside the requests' queue, so a backlog of jobs never refuses a request by
    /// itself. `None` only if the gate is closed.
    pub async fn wait(&self) -> Option<SemaphorePermit<'_>> {
        self.permits.acquire().await.ok()
    }

    /// The lock that makes concurrent work on `key` happen once. Holders re-check the
    /// cache after taking it.
    pub async fn flight(&self, key: &str) -> Flight<'_> {
        let lock = {
            let mut flights = self.flights.lock().unwrap_or_else(|e| e.into_inner());
            flights
                .entry(key.to_owned())
                .or_insert_with(|| Arc::new(tokio::sync::Mutex::new(())))
                .clone()
        };
        Flight {
            guard: Some(lock.lock_owned().await),
            key: key.to_owned(),
            gate: self,
        }
    }
}

/// Held while one request works on a key; the map entry goes when nobody else wants it.
pub struct Flight<'a> {
    guard: Option<OwnedMutexGuard<()>>,
    key: String,
    gate: &'a DecodeGate,
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut flights = self.gate.flights.lock().unwrap_or_else(|e| e.into_inner());
        // Only the map holds the lock now: nobody waits on it.
        if flights
            .get(&self.key)
            .is_some_and(|lock| Arc::strong_count(lock) == 1)
        {
            flights.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn beyond_the_permits_and_the_queue_callers_are_refused_at_once() {
        let gate = Arc::new(DecodeGate::new(1, 1));
        let held = gate.enter().await.ok();
        assert!(held.is_some());
        let waiter = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.enter().await.map(|_| ()).is_ok() })
        };
        while gate.waiting.load(Ordering::Acquire) == 0 {
            tokio::task::yield_now().await;
        }
        assert!(gate.enter().await.is_err(), "the queue is full");
        drop(held);
        assert!(waiter.await.unwrap_or(false), "the waiter got the slot");
    }

    #[tokio::test]
    async fn background_work_shares_the_permits_but_not_the_requests_queue() {
        let gate = Arc::new(DecodeGate::new(1, 1));
        let held = gate.enter().await.ok();
        let job = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.wait().await.is_some() })
        };
        tokio::task::yield_now().await;
        assert!(!job.is_finished(), "the job waits for the request's decode");
        assert_eq!(gate.waiting.load(Ordering::Acquire), 0, "outside the queue");
        drop(held);
        assert!(job.await.unwrap_or(false), "then decodes");
    }

    #[tokio::test]
    async fn a_flight_entry_goes_when_its_last_holder_does() {
        let gate = DecodeGate::new(1, 1);
        drop(gate.flight("a").await);
        assert!(gate.flights.lock().map(|f| f.is_empty()).unwrap_or(false));
    }
}
