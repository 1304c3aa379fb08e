//! Timing and batching of a sync session. All times are milliseconds of the clock the
//! driver passes in; the engines never read a clock themselves.

/// Milliseconds, as passed in by the driver.
pub type Millis = i64;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineConfig {
    /// A request the peer has not answered in this long ends the session (the driver
    /// reconnects); every message may be lost, so nothing waits forever.
    pub request_timeout: Millis,
    /// Send a ping after this long without sending anything.
    pub ping_interval: Millis,
    /// End the session after this long without receiving anything.
    pub idle_timeout: Millis,
    /// Change-log entries asked for per pull.
    pub pull_limit: u32,
    /// Documents asked for per fetch.
    pub fetch_batch: usize,
    /// Documents sent per push.
    pub push_batch_docs: usize,
    /// This build's version, reported to the hub.
    pub app_version: String,
    /// A node asks for live updates that carry documents (`wire::FEATURE_LIVE_DOCS`)
    /// when the hub offers them; off, it syncs as a revision 3 node (tests of older peers).
    pub live_docs: bool,
    /// A node that has never pulled asks for its first sync in whole documents
    /// (`wire::FEATURE_BOOTSTRAP`) when the hub offers it; off, it pulls and fetches as
    /// a revision 4 node does.
    pub bootstrap: bool,
    /// With `bootstrap`, a node asks for each document's index derivation in bootstrap
    /// frames (`wire::FEATURE_BOOT_ROWS`, revision 6) when the hub offers it; off, it
    /// loads every document as a revision 5 node does.
    pub boot_rows: bool,
    /// A node asks for compressed frames (`wire::FEATURE_COMPRESSED`, revision 7) when
    /// the hub offers them; off, every frame comes as it is, as to a revision 6 node.
    pub compressed_frames: bool,
    /// With `bootstrap`, a first sync starts with today's appointments and their
    /// patients (`wire::FEATURE_BOOT_FIRST`, revision 8): a node asks for it and a hub
    /// offers it; off, the first sync is in change-log order only, as in revision 7.
    pub boot_first: bool,
    /// A node asks for each whole document's index derivation in `Docs` frames
    /// (`wire::FEATURE_FETCH_ROWS`, revision 9) and a hub offers it; off, fetched
    /// documents are loaded by the node as in revision 8.
    pub fetch_rows: bool,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            request_timeout: 30_000,
            ping_interval: 15_000,
            idle_timeout: 45_000,
            pull_limit: 10_000,
            fetch_batch: 1000,
            push_batch_docs: 500,
            app_version: String::new(),
            live_docs: true,
            bootstrap: true,
            boot_rows: true,
            compressed_frames: true,
            boot_first: true,
            fetch_rows: true,
        }
    }
}
