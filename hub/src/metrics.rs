//! Prometheus metrics, kept in atomics and written in the text exposition format at
//! `GET /metrics`. Every name starts with `dermis_`.
//!
//! `dermis_job_queue_depth` is set by the job queue ([`Metrics::set_job_depth`]);
//! `dermis_webhook_failures_total` counts every failed webhook delivery attempt
//! ([`Metrics::webhook_failed`], from `webhooks::deliver`).

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the store-latency histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// Job states the queue-depth gauge is labelled with.
pub const JOB_STATES: [&str; 3] = ["pending", "failed", "dead"];

fn count_in(names: &[&str], counters: &[AtomicU64], name: &str) {
    if let Some(i) = names.iter().position(|n| *n == name) {
        counters[i].fetch_add(1, Ordering::Relaxed);
    }
}

/// A histogram with fixed buckets; the sum is kept in microseconds.
#[derive(Default)]
struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }
}

/// The hub's counters. One per server; cheap to update from any task.
#[derive(Default)]
pub struct Metrics {
    frames_in: AtomicU64,
    frames_out: AtomicU64,
    bytes_in: AtomicU64,
    bytes_out: AtomicU64,
    sessions: AtomicU64,
    store_ops: Histogram,
    login_failures: AtomicU64,
    password_hashes: AtomicU64,
    storage_probes: AtomicU64,
    job_depth: [AtomicU64; JOB_STATES.len()],
    webhook_failures: AtomicU64,
    photo_chunk_bytes: AtomicU64,
    photo_uploads: [AtomicU64; PHOTO_UPLOAD_OUTCOMES.len()],
    thumbnails: [AtomicU64; THUMBNAIL_OUTCOMES.len()],
    photo_cleanings: AtomicU64,
    photo_decode_refusals: AtomicU64,
    connections_refused: AtomicU64,
}

/// How photo uploads end, for `dermis_photo_uploads_total`.
pub const PHOTO_UPLOAD_OUTCOMES: [&str; 2] = ["complete", "sha256_mismatch"];
/// How thumbnail jobs end, for `dermis_photo_thumbnails_total`.
pub const THUMBNAIL_OUTCOMES: [&str; 2] = ["ready", "failed"];

/// Figures read at scrape time rather than counted.
#[derive(Clone, Copy, Debug, Default)]
pub struct Snapshot {
    /// Distinct nodes with a session in this process.
    pub connected_nodes: u64,
    /// Sessions open in this process.
    pub open_sessions: u64,
    /// The Automerge pool's figures.
    pub pool: crate::pool::PoolStats,
}

impl Metrics {
    pub fn frame_in(&self, bytes: usize) {
        self.frames_in.fetch_add(1, Ordering::Relaxed);
        self.bytes_in.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    pub fn frame_out(&self, bytes: usize) {
        self.frames_out.fetch_add(1, Ordering::Relaxed);
        self.bytes_out.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    pub fn session_started(&self) {
        self.sessions.fetch_add(1, Ordering::Relaxed);
    }

    /// One store operation of a sync session (apply, page, fetch) took `elapsed`.
    pub fn store_op(&self, elapsed: Duration) {
        self.store_ops.observe(elapsed);
    }

    pub fn login_failed(&self) {
        self.login_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// `/api/healthz` probed the blob storage (rather than reusing its last answer).
    pub fn storage_probed(&self) {
        self.storage_probes.fetch_add(1, Ordering::Relaxed);
    }

    /// A sign-in started an argon2 check (what a flood of sign-ins costs in CPU).
    pub fn password_hash_started(&self) {
        self.password_hashes.fetch_add(1, Ordering::Relaxed);
    }

    /// The job queue's depth in one of [`JOB_STATES`]; unknown states are ignored.
    pub fn set_job_depth(&self, state: &str, depth: u64) {
        if let Some(i) = JOB_STATES.iter().position(|s| *s == state) {
            self.job_depth[i].store(depth, Ordering::Relaxed);
        }
    }

    pub fn webhook_failed(&self) {
        self.webhook_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// A photo chunk of `bytes` was staged.
    pub fn photo_chunk(&self, bytes: usize) {
        self.photo_chunk_bytes
            .fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// A photo upload ended in one of [`PHOTO_UPLOAD_OUTCOMES`].
    pub fn photo_upload(&self, outcome: &str) {
        count_in(&PHOTO_UPLOAD_OUTCOMES, &self.photo_uploads, outcome);
    }

    /// A thumbnail job ended in one of [`THUMBNAIL_OUTCOMES`] (failed: for good).
    pub fn thumbnail(&self, outcome: &str) {
        count_in(&THUMBNAIL_OUTCOMES, &self.thumbnails, outcome);
    }

    /// An original was decoded to make its cleaned copy.
    pub fn photo_cleaned(&self) {
        self.photo_cleanings.fetch_add(1, Ordering::Relaxed);
    }

    /// A request for an image was refused because the decode gate was full.
    pub fn photo_decode_refused(&self) {
        self.photo_decode_refusals.fetch_add(1, Ordering::Relaxed);
    }

    /// A connection was closed at once: over the connection cap, or its address's.
    pub fn connection_refused(&self) {
        self.connections_refused.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text format (version 0.0.4).
    pub fn render(&self, now: Snapshot) -> String {
        let mut out = String::with_capacity(4096);
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let mut metric = |name: &str, kind: &str, help: &str, samples: &[(&str, u64)]| {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {kind}");
            for (labels, value) in samples {
                let _ = writeln!(out, "{name}{labels} {value}");
            }
        };
        metric(
            "dermis_build_info",
            "gauge",
            "Always 1; the version is in the label.",
            &[(concat!("{version=\"", env!("CARGO_PKG_VERSION"), "\"}"), 1)],
        );
        metric(
            "dermis_connected_nodes",
            "gauge",
            "Nodes with an open sync session on this hub instance.",
            &[("", now.connected_nodes)],
        );
        metric(
            "dermis_sync_sessions_open",
            "gauge",
            "Sync sessions open on this hub instance.",
            &[("", now.open_sessions)],
        );
        metric(
            "dermis_automerge_workers",
            "gauge",
            "Automerge worker threads (HUB_AUTOMERGE_WORKERS), by state.",
            &[
                ("{state=\"busy\"}", now.pool.busy),
                ("{state=\"all\"}", now.pool.workers),
            ],
        );
        metric(
            "dermis_automerge_waiting",
            "gauge",
            "Callers waiting for the Automerge queue or a worker.",
            &[("", now.pool.waiting)],
        );
        metric(
            "dermis_automerge_jobs_total",
            "counter",
            "Automerge jobs run (pushes planned, documents loaded).",
            &[("", now.pool.jobs)],
        );
        metric(
            "dermis_automerge_worker_seconds_total",
            "counter",
            "Time the Automerge workers spent on jobs, in whole seconds.",
            &[("", now.pool.worker_micros / 1_000_000)],
        );
        metric(
            "dermis_automerge_budget_waits_total",
            "counter",
            "Times a node waited because it had spent its Automerge budget.",
            &[("", now.pool.budget_waits)],
        );
        metric(
            "dermis_automerge_lent_jobs_total",
            "counter",
            "Jobs of nodes over their Automerge budget run on a worker nobody else wanted.",
            &[("", now.pool.lent)],
        );
        metric(
            "dermis_doc_cache_hits_total",
            "counter",
            "Stored documents copied from the document cache instead of loaded.",
            &[("", now.pool.cache.hits)],
        );
        metric(
            "dermis_doc_cache_misses_total",
            "counter",
            "Stored documents looked for in the document cache and loaded.",
            &[("", now.pool.cache.misses)],
        );
        metric(
            "dermis_doc_cache_bytes",
            "gauge",
            "Estimated memory of the documents the document cache keeps (HUB_DOC_CACHE_MB).",
            &[("", now.pool.cache.bytes as u64)],
        );
        metric(
            "dermis_projector_ledgers_total",
            "counter",
            "Day ledgers the projector read again: in steps, from what it last committed of them, or whole.",
            &[
                ("{read=\"steps\"}", now.pool.ledgers.found),
                ("{read=\"whole\"}", now.pool.ledgers.missed),
            ],
        );
        metric(
            "dermis_projector_ledger_bytes",
            "gauge",
            "Estimated memory of what the projector keeps of day ledgers to read them in steps.",
            &[("", now.pool.ledgers.bytes as u64)],
        );
        metric(
            "dermis_photo_cleanings_total",
            "counter",
            "Originals decoded to make their cleaned (metadata-free) copy.",
            &[("", load(&self.photo_cleanings))],
        );
        metric(
            "dermis_photo_decode_refusals_total",
            "counter",
            "Image requests refused with 503 because every decode slot and queue place was taken.",
            &[("", load(&self.photo_decode_refusals))],
        );
        metric(
            "dermis_sync_sessions_total",
            "counter",
            "Sync sessions started on this hub instance.",
            &[("", load(&self.sessions))],
        );
        metric(
            "dermis_sync_frames_total",
            "counter",
            "Sync protocol frames, by direction (in: from nodes).",
            &[
                ("{direction=\"in\"}", load(&self.frames_in)),
                ("{direction=\"out\"}", load(&self.frames_out)),
            ],
        );
        metric(
            "dermis_sync_bytes_total",
            "counter",
            "Sync protocol bytes, by direction (in: from nodes).",
            &[
                ("{direction=\"in\"}", load(&self.bytes_in)),
                ("{direction=\"out\"}", load(&self.bytes_out)),
            ],
        );
        metric(
            "dermis_admin_login_failures_total",
            "counter",
            "Failed admin sign-ins.",
            &[("", load(&self.login_failures))],
        );
        metric(
            "dermis_admin_password_hashes_total",
            "counter",
            "Argon2 password checks started by sign-ins.",
            &[("", load(&self.password_hashes))],
        );
        metric(
            "dermis_health_storage_probes_total",
            "counter",
            "Blob-storage probes made by /api/healthz (cached for a few seconds).",
            &[("", load(&self.storage_probes))],
        );
        let depth: Vec<(String, u64)> = JOB_STATES
            .iter()
            .zip(&self.job_depth)
            .map(|(state, n)| (format!("{{state=\"{state}\"}}"), load(n)))
            .collect();
        let depth: Vec<(&str, u64)> = depth.iter().map(|(l, n)| (l.as_str(), *n)).collect();
        metric(
            "dermis_job_queue_depth",
            "gauge",
            "Jobs waiting to run (pending), waiting for a retry (failed) and given up (dead).",
            &depth,
        );
        metric(
            "dermis_http_connections_refused_total",
            "counter",
            "Connections closed at once: over HUB_MAX_CONNECTIONS or HUB_MAX_CONNECTIONS_PER_ADDRESS.",
            &[("", load(&self.connections_refused))],
        );
        metric(
            "dermis_webhook_failures_total",
            "counter",
            "Failed webhook delivery attempts.",
            &[("", load(&self.webhook_failures))],
        );
        metric(
            "dermis_photo_chunk_bytes_total",
            "counter",
            "Bytes of photo upload chunks staged on this hub instance.",
            &[("", load(&self.photo_chunk_bytes))],
        );
        let labelled = |names: &[&str], counters: &[AtomicU64]| -> Vec<(String, u64)> {
            names
                .iter()
                .zip(counters)
                .map(|(outcome, n)| (format!("{{outcome=\"{outcome}\"}}"), load(n)))
                .collect()
        };
        let uploads = labelled(&PHOTO_UPLOAD_OUTCOMES, &self.photo_uploads);
        let thumbnails = labelled(&THUMBNAIL_OUTCOMES, &self.thumbnails);
        metric(
            "dermis_photo_uploads_total",
            "counter",
            "Photo uploads whose last chunk arrived, by outcome.",
            &uploads
                .iter()
                .map(|(l, n)| (l.as_str(), *n))
                .collect::<Vec<_>>(),
        );
        metric(
            "dermis_photo_thumbnails_total",
            "counter",
            "Thumbnail jobs that ended, by outcome (failed: the image is unusable).",
            &thumbnails
                .iter()
                .map(|(l, n)| (l.as_str(), *n))
                .collect::<Vec<_>>(),
        );
        let h = &self.store_ops;
        let name = "dermis_sync_store_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} Time of each store operation a sync session runs (apply a push, read a page, fetch)."
        );
        let _ = writeln!(out, "# TYPE {name} histogram");
        for (bound, bucket) in BUCKETS.iter().zip(&h.buckets) {
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {}", load(bucket));
        }
        let count = load(&h.count);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let sum = load(&h.sum_micros) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum {sum}");
        let _ = writeln!(out, "{name}_count {count}");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str, series: &str) -> Option<f64> {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
    }

    #[test]
    fn counters_and_histogram_render_as_prometheus_text() {
        let m = Metrics::default();
        m.frame_in(100);
        m.frame_in(50);
        m.frame_out(7);
        m.store_op(Duration::from_millis(3));
        m.store_op(Duration::from_secs(10));
        m.set_job_depth("pending", 4);
        m.set_job_depth("nonsense", 9);
        let text = m.render(Snapshot {
            connected_nodes: 2,
            open_sessions: 3,
            pool: crate::pool::PoolStats {
                workers: 2,
                busy: 1,
                budget_waits: 5,
                lent: 7,
                cache: dermis_sync::plan::CacheStats {
                    hits: 11,
                    misses: 4,
                    docs: 2,
                    bytes: 4096,
                },
                ledgers: crate::pool::ledgers::ProjectedStats {
                    found: 9,
                    missed: 3,
                    ledgers: 1,
                    bytes: 800,
                },
                ..crate::pool::PoolStats::default()
            },
        });
        assert_eq!(value(&text, "dermis_connected_nodes"), Some(2.0));
        assert_eq!(
            value(&text, "dermis_automerge_workers{state=\"busy\"}"),
            Some(1.0)
        );
        assert_eq!(
            value(&text, "dermis_automerge_budget_waits_total"),
            Some(5.0)
        );
        assert_eq!(value(&text, "dermis_automerge_lent_jobs_total"), Some(7.0));
        assert_eq!(value(&text, "dermis_doc_cache_hits_total"), Some(11.0));
        assert_eq!(value(&text, "dermis_doc_cache_misses_total"), Some(4.0));
        assert_eq!(value(&text, "dermis_doc_cache_bytes"), Some(4096.0));
        assert_eq!(
            value(&text, "dermis_projector_ledgers_total{read=\"steps\"}"),
            Some(9.0)
        );
        assert_eq!(
            value(&text, "dermis_projector_ledgers_total{read=\"whole\"}"),
            Some(3.0)
        );
        assert_eq!(value(&text, "dermis_projector_ledger_bytes"), Some(800.0));
        assert_eq!(
            value(&text, "dermis_sync_frames_total{direction=\"in\"}"),
            Some(2.0)
        );
        assert_eq!(
            value(&text, "dermis_sync_bytes_total{direction=\"in\"}"),
            Some(150.0)
        );
        assert_eq!(
            value(&text, "dermis_sync_bytes_total{direction=\"out\"}"),
            Some(7.0)
        );
        assert_eq!(
            value(&text, "dermis_sync_store_seconds_bucket{le=\"0.001\"}"),
            Some(0.0)
        );
        assert_eq!(
            value(&text, "dermis_sync_store_seconds_bucket{le=\"0.005\"}"),
            Some(1.0)
        );
        assert_eq!(
            value(&text, "dermis_sync_store_seconds_bucket{le=\"+Inf\"}"),
            Some(2.0)
        );
        assert_eq!(value(&text, "dermis_sync_store_seconds_count"), Some(2.0));
        assert_eq!(
            value(&text, "dermis_job_queue_depth{state=\"pending\"}"),
            Some(4.0)
        );
        assert_eq!(
            value(&text, "dermis_job_queue_depth{state=\"dead\"}"),
            Some(0.0)
        );
        assert_eq!(value(&text, "dermis_webhook_failures_total"), Some(0.0));
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            assert!(line.starts_with("dermis_"), "{line}");
        }
    }
}
