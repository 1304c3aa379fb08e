//! Who a request comes from, and what sign-in and enrollment attempts may cost.
//!
//! [`TrustedProxies`] (`TRUSTED_PROXIES`, a comma-separated CIDR list) decides whether
//! `X-Forwarded-For` is believed: only when the TCP peer is one of them, and then the
//! client is the rightmost hop that is not itself a trusted proxy. Anyone else's
//! header is ignored, so a caller cannot pick the address its attempts count against.
//!
//! [`AttemptLimiter`] counts an attempt *before* the work it guards (argon2, a code
//! look-up), so a thousand concurrent attempts cannot all slip past a check that only
//! counts finished failures. [`HashGate`] lets a few argon2 runs go at once with a short
//! bounded queue; beyond it a caller is told to retry instead of being held in memory.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use tokio::sync::{Semaphore, SemaphorePermit};

/// One `address/prefix` block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// `10.0.0.0/8`, `::1/128`, or a bare address (a block of one).
    pub fn parse(text: &str) -> Option<Cidr> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix.parse::<u8>().ok()?)),
            None => (text, None),
        };
        let network: IpAddr = addr.parse().ok()?;
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(bits);
        (prefix <= bits).then_some(Cidr { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// An IPv4 peer seen through an IPv6 socket (`::ffff:a.b.c.d`) is that IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// The proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`); empty by default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Cidr>);

impl TrustedProxies {
    /// A comma-separated list of CIDR blocks or addresses; the first bad entry is the error.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| Cidr::parse(entry).ok_or_else(|| entry.to_owned()))
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    /// Whether `ip` is one of the trusted proxies (which carry many clients' requests:
    /// the per-address connection cap does not apply to them).
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|cidr| cidr.contains(ip))
    }

    /// The address attempts count against: the peer itself unless it is a trusted
    /// proxy; then the rightmost `X-Forwarded-For` hop that is not a trusted proxy (an
    /// unreadable hop stops the walk at the trusted hop that reported it).
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let hops = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect::<Vec<_>>();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.trim().parse::<IpAddr>() else {
                return client;
            };
            client = canonical(ip);
            if !self.trusts(client) {
                return client;
            }
        }
        client
    }
}

/// Attempts per key (a client address, a username) in a fixed window. An attempt is
/// counted when it starts ([`AttemptLimiter::begin`]); one that succeeds is taken back
/// ([`AttemptLimiter::forgive`]).
pub struct AttemptLimiter<K> {
    max: u32,
    window: Duration,
    seen: Mutex<HashMap<K, (u32, Instant)>>,
}

/// Keys remembered at most; past it, expired entries are dropped, and if that is not
/// enough the oldest windows go first.
const MAX_KEYS: usize = 10_000;

impl<K: Hash + Eq + Clone> AttemptLimiter<K> {
    pub fn new(max: u32, window: Duration) -> AttemptLimiter<K> {
        AttemptLimiter {
            max,
            window,
            seen: Mutex::new(HashMap::new()),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<K, (u32, Instant)>) -> T) -> T {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut seen)
    }

    /// Counts an attempt for `key`, or says how long until one is allowed again.
    pub fn begin(&self, key: &K) -> Result<(), Duration> {
        let now = Instant::now();
        self.with(|seen| {
            if let Some((n, since)) = seen.get_mut(key) {
                let age = now.duration_since(*since);
                if age >= self.window {
                    *n = 0;
                    *since = now;
                } else if *n >= self.max {
                    return Err(self.window - age);
                }
                *n += 1;
                return Ok(());
            }
            if seen.len() >= MAX_KEYS {
                seen.retain(|_, (_, since)| now.duration_since(*since) < self.window);
                if seen.len() >= MAX_KEYS {
                    let oldest = seen
                        .iter()
                        .min_by_key(|(_, (_, since))| *since)
                        .map(|(k, _)| k.clone());
                    if let Some(oldest) = oldest {
                        seen.remove(&oldest);
                    }
                }
            }
            if self.max == 0 {
                return Err(self.window);
            }
            seen.insert(key.clone(), (1, now));
            Ok(())
        })
    }

    /// Takes back an attempt that succeeded (or was never tried).
    pub fn forgive(&self, key: &K) {
        self.with(|seen| {
            if let Some((n, _)) = seen.get_mut(key) {
                *n = n.saturating_sub(1);
            }
        });
    }

    /// Whether `key` has used its attempts in the current window.
    pub fn blocked(&self, key: &K) -> bool {
        let now = Instant::now();
        self.with(|seen| {
            seen.get(key).is_some_and(|(n, since)| {
                *n >= self.max && now.duration_since(*since) < self.window
            })
        })
    }
}

/// How many argon2 runs go at once, and how many more may wait for a turn. The runs
/// happen on the gate's own threads, one per permit: argon2 allocates ~19 MiB per check,
/// and the allocator keeps a freed block in the arena of the thread that used it, so
/// checks spread over the shared blocking pool's many threads would pin ~19 MiB in each.
pub struct HashGate {
    permits: Semaphore,
    waiting: AtomicUsize,
    max_waiting: usize,
    jobs: Mutex<std::sync::mpsc::Sender<Job>>,
}

type Job = Box<dyn FnOnce() + Send>;

/// No turn to hash: the queue is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

impl HashGate {
    /// Starts `concurrent` threads; they end when the gate is dropped.
    pub fn new(concurrent: usize, max_waiting: usize) -> HashGate {
        let concurrent = concurrent.max(1);
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let queue = std::sync::Arc::new(Mutex::new(queue));
        for i in 0..concurrent {
            let queue = queue.clone();
            let started = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    loop {
                        let job = queue
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                });
            if let Err(e) = started {
                tracing::error!(error = %e, "cannot start a password-hashing thread");
            }
        }
        HashGate {
            permits: Semaphore::new(concurrent),
            waiting: AtomicUsize::new(0),
            max_waiting,
            jobs: Mutex::new(jobs),
        }
    }

    /// Runs `work` on one of the gate's threads once it has a turn ([`HashGate::turn`]).
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let _turn = self.turn().await?;
        let (done, answer) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        self.jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .send(job)
            .map_err(|_| Busy)?;
        answer.await.map_err(|_| Busy)
    }

    /// A turn to hash, waiting behind at most `max_waiting` others; [`Busy`] at once
    /// when the queue is full.
    pub async fn turn(&self) -> Result<SemaphorePermit<'_>, Busy> {
        if let Ok(permit) = self.permits.try_acquire() {
            return Ok(permit);
        }
        let queued = self
            .waiting
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max_waiting).then_some(n + 1)
            });
        if queued.is_err() {
            return Err(Busy);
        }
        let permit = self.permits.acquire().await.map_err(|_| Busy);
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        permit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            if let Ok(v) = HeaderValue::from_str(v) {
                headers.append("x-forwarded-for", v);
            }
        }
        headers
    }

    #[test]
    fn cidr_blocks_match_their_addresses_only() {
        let net = Cidr::parse("10.1.0.0/16");
        assert!(net.is_some_and(|n| n.contains(ip("10.1.200.3"))));
        assert!(net.is_some_and(|n| !n.contains(ip("10.2.0.1"))));
        assert!(net.is_some_and(|n| n.contains(ip("::ffff:10.1.0.9"))));
        assert!(Cidr::parse("::1").is_some_and(|n| n.contains(ip("::1"))));
        assert!(Cidr::parse("0.0.0.0/0").is_some_and(|n| n.contains(ip("8.8.8.8"))));
        for bad in ["10.0.0.0/33", "nonsense", "10.0.0.0/x", "::/129"] {
            assert_eq!(Cidr::parse(bad), None, "{bad}");
        }
        assert_eq!(
            TrustedProxies::parse("127.0.0.1/32, bogus"),
            Err("bogus".to_owned())
        );
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_peer() {
        let none = TrustedProxies::default();
        let headers = forwarded(&["203.0.113.9"]);
        assert_eq!(
            none.client(ip("198.51.100.1"), &headers),
            ip("198.51.100.1")
        );

        let Ok(proxies) = TrustedProxies::parse("127.0.0.1/32,10.0.0.0/8") else {
            panic!("parse");
        };
        assert_eq!(
            proxies.client(ip("198.51.100.1"), &headers),
            ip("198.51.100.1"),
            "an untrusted peer's header is ignored"
        );
        // The client forged its own first hop; the rightmost untrusted one counts.
        let chain = forwarded(&["1.2.3.4, 203.0.113.9", "10.0.0.7"]);
        assert_eq!(proxies.client(ip("127.0.0.1"), &chain), ip("203.0.113.9"));
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &HeaderMap::new()),
            ip("127.0.0.1")
        );
        let garbled = forwarded(&["203.0.113.9, junk, 10.0.0.7"]);
        assert_eq!(proxies.client(ip("127.0.0.1"), &garbled), ip("10.0.0.7"));
    }

    #[test]
    fn attempts_count_when_they_start_and_successes_are_forgiven() {
        let limiter = AttemptLimiter::new(2, Duration::from_secs(60));
        let (a, b) = (ip("10.0.0.1"), ip("10.0.0.2"));
        assert!(limiter.begin(&a).is_ok());
        assert!(limiter.begin(&a).is_ok());
        let wait = limiter.begin(&a);
        assert!(wait.is_err_and(|w| w <= Duration::from_secs(60)));
        assert!(limiter.blocked(&a));
        assert!(limiter.begin(&b).is_ok());
        limiter.forgive(&a);
        assert!(limiter.begin(&a).is_ok());
        let expired = AttemptLimiter::new(1, Duration::ZERO);
        assert!(expired.begin(&a).is_ok());
        assert!(expired.begin(&a).is_ok());
    }

    #[tokio::test]
    async fn the_hash_gate_refuses_past_its_queue() {
        let gate = HashGate::new(1, 1);
        let held = gate.turn().await;
        assert!(held.is_ok());
        let waiter = gate.turn();
        tokio::pin!(waiter);
        assert!(futures_util::FutureExt::now_or_never(waiter.as_mut()).is_none());
        assert_eq!(gate.turn().await.err(), Some(Busy));
        drop(held);
        assert!(waiter.await.is_ok());
        assert_eq!(gate.run(|| 6 * 7).await, Ok(42));
    }
}
