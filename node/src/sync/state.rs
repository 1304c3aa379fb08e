//! What the node knows about its hub and its sync, kept in the store's `sync_state`
//! table so that every process on the data dir (the daemon, the app, the CLI) sees it.

use serde::Serialize;

pub use crate::store::sync_rows::{
    ALIVE_AT, CURSOR, DAEMON_PID, HUB_ALLOW_INSECURE_HTTP, HUB_CA_PEM, HUB_TOKEN, HUB_URL,
    LAST_CONNECTED_AT, LAST_ERROR, LAST_SYNC_AT, ONLINE, clear, get, set,
};
use crate::store::{Store, StoreError};

/// The sync figures shown by `status --json` and the app's sync panel.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    pub enrolled: bool,
    pub hub_url: Option<String>,
    pub online: bool,
    pub last_sync_at: Option<i64>,
    pub last_connected_at: Option<i64>,
    pub cursor: u64,
    pub last_error: Option<String>,
    pub outbox_count: i64,
    pub outbox_bytes: i64,
    pub oldest_unsynced_at: Option<i64>,
    pub oldest_unsynced_age_ms: Option<i64>,
    /// Documents the hub refused, waiting for an edit.
    pub rejected: i64,
    /// What protects the link to the hub (`None` when not enrolled, or when the kept
    /// address is refused now: plain http to a network address not allowed).
    pub transport: Option<super::link::Transport>,
    /// Plain http across a network, allowed on purpose: nothing is encrypted.
    pub insecure: bool,
}

pub fn status(store: &Store, now: i64) -> Result<SyncStatus, StoreError> {
    let conn = store.conn();
    let outbox = crate::store::queries::outbox_stats(conn)?;
    let rejected = crate::store::sync_rows::refused_count(conn)?;
    let num = |key: &str| -> Result<Option<i64>, StoreError> {
        Ok(get(conn, key)?.and_then(|v| v.parse().ok()))
    };
    let hub_url = get(conn, HUB_URL)?;
    let allow = get(conn, HUB_ALLOW_INSECURE_HTTP)?.as_deref() == Some("true");
    let transport = hub_url
        .as_deref()
        .and_then(|url| super::link::check(url, allow).ok())
        .map(|(_, transport)| transport);
    Ok(SyncStatus {
        transport,
        insecure: transport == Some(super::link::Transport::InsecureHttp),
        enrolled: get(conn, HUB_TOKEN)?.is_some(),
        hub_url,
        online: get(conn, ONLINE)?.as_deref() == Some("true"),
        last_sync_at: num(LAST_SYNC_AT)?,
        last_connected_at: num(LAST_CONNECTED_AT)?,
        cursor: num(CURSOR)?
            .and_then(|c| u64::try_from(c).ok())
            .unwrap_or(0),
        last_error: get(conn, LAST_ERROR)?,
        outbox_count: outbox.count,
        outbox_bytes: outbox.bytes,
        oldest_unsynced_at: outbox.oldest_at,
        oldest_unsynced_age_ms: outbox.oldest_at.map(|t| (now - t).max(0)),
        rejected,
    })
}
