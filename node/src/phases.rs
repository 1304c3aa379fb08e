//! Where a sync's time goes, for the sync bench (`DERMIS_SYNC_PHASES`): wall time spent
//! waiting for the hub, reading frames, loading documents, staging them, writing their
//! rows and committing. Counters are process-wide and cost an `Instant` pair per step;
//! `sync --report` prints them only when the variable is set, so the report's shape is
//! unchanged otherwise.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Set (to anything) to add `phases` to `sync --report`.
pub const PHASES_ENV: &str = "DERMIS_SYNC_PHASES";

/// One measured step of a sync.
#[derive(Clone, Copy, Debug)]
pub enum Phase {
    /// Waiting for the next frame from the hub.
    Wait,
    /// Decoding frames and running the engine on them.
    Frame,
    /// Of `Frame`: decompressing compressed frames (revision 7), CPU-bound on the sync
    /// thread.
    Decompress,
    /// Loading whole documents received (or waiting for the loaders).
    Decode,
    /// Staging documents in the write transaction.
    Stage,
    /// Writing documents and their index rows at commit.
    Write,
    /// The commit itself (the disk sync).
    Commit,
    /// Reading the outbox and saving its documents for a push.
    Outbox,
    /// Building the indexes a first sync set aside (`store::deferred`).
    Indexes,
}

const PHASES: [(&str, Phase); 9] = [
    ("wait_ms", Phase::Wait),
    ("frame_ms", Phase::Frame),
    ("decompress_ms", Phase::Decompress),
    ("decode_ms", Phase::Decode),
    ("stage_ms", Phase::Stage),
    ("write_ms", Phase::Write),
    ("commit_ms", Phase::Commit),
    ("outbox_ms", Phase::Outbox),
    ("indexes_ms", Phase::Indexes),
];

static NANOS: [AtomicU64; 9] = [const { AtomicU64::new(0) }; 9];

/// Documents stored from the hub's derivation without being loaded (revision 6).
static DERIVED_DOCS: AtomicU64 = AtomicU64::new(0);

/// Indexes a first sync set aside and built again (`store::deferred`).
static INDEXES_BUILT: AtomicU64 = AtomicU64::new(0);

/// Counts indexes built again after a first sync.
pub fn indexes_built(count: usize) {
    INDEXES_BUILT.fetch_add(count as u64, Ordering::Relaxed);
}

/// Counts a document made ready from its received derivation.
pub fn derived_doc() {
    DERIVED_DOCS.fetch_add(1, Ordering::Relaxed);
}

/// Adds the time since `since` to `phase`.
pub fn add(phase: Phase, since: Instant) {
    let nanos = u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX);
    NANOS[phase as usize].fetch_add(nanos, Ordering::Relaxed);
}

/// Whether [`PHASES_ENV`] asks for the figures.
pub fn wanted() -> bool {
    std::env::var_os(PHASES_ENV).is_some()
}

/// The figures so far, in milliseconds by phase.
pub fn figures() -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for (name, phase) in PHASES {
        let ms = NANOS[phase as usize].load(Ordering::Relaxed) as f64 / 1e6;
        out.insert(name.into(), serde_json::json!((ms * 10.0).round() / 10.0));
    }
    out.insert(
        "derived_docs".into(),
        serde_json::json!(DERIVED_DOCS.load(Ordering::Relaxed)),
    );
    out.insert(
        "indexes_built".into(),
        serde_json::json!(INDEXES_BUILT.load(Ordering::Relaxed)),
    );
    serde_json::Value::Object(out)
}
