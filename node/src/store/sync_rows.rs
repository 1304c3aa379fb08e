//! The rows sync keeps beside the documents: the outbox (what the hub has not yet
//! confirmed, by version), each document's confirmed heads and change-log seq, and the
//! `sync_state` table (hub address, token, cursor, last error), so that every process on
//! the data dir (the daemon, the app, the CLI) sees the same. The sync engine's store
//! (`crate::sync::store_impl`) decides; these functions only read and write the rows.

use automerge::ChangeHash;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Exec, StoreError, decode_heads, encode_heads};

/// One document waiting in the outbox, as a push is planned from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxRow {
    pub doc_id: String,
    /// Bumped by every local edit: an ack clears only the version it answers.
    pub version: i64,
    pub doc_type: String,
    /// What the hub is known to have (`None`: nothing, or forgotten after `NeedFull`).
    pub synced_heads: Option<Vec<ChangeHash>>,
}

/// The `limit` oldest waiting entries (read through the `outbox_waiting` index, schema
/// 17). The limit is part of the statement, not bound: SQLite's planner reads a bound
/// LIMIT, so a statement with `LIMIT ?` is prepared again at every run, cached or not.
/// Each caller passes its one constant, so each is one cached statement.
pub(crate) fn outbox_waiting_sql(limit: usize) -> String {
    let limit = limit.min(i64::MAX as usize);
    format!(
        "SELECT o.doc_id, o.version, d.doc_type, d.synced_heads FROM outbox o JOIN docs d ON d.id = o.doc_id
         WHERE o.rejected IS NULL ORDER BY o.first_at, o.doc_id LIMIT {limit}"
    )
}

/// Up to `limit` outbox documents not parked as refused, oldest edit first.
pub fn outbox_waiting(conn: &Connection, limit: usize) -> Result<Vec<OutboxRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&outbox_waiting_sql(limit))?;
    let rows = stmt.query_map([], |r| {
        Ok(OutboxRow {
            doc_id: r.get(0)?,
            version: r.get(1)?,
            doc_type: r.get(2)?,
            synced_heads: r.get::<_, Option<Vec<u8>>>(3)?.map(|h| decode_heads(&h)),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether anything waits to go to the hub (refused documents wait for an edit, not for
/// the hub).
pub fn outbox_has_waiting(conn: &Connection) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM outbox WHERE rejected IS NULL)")?
        .query_row([], |r| r.get::<_, bool>(0))?)
}

/// How many documents are parked as refused.
pub fn refused_count(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM outbox WHERE rejected IS NOT NULL")?
        .query_row([], |r| r.get(0))?)
}

/// Parks one outbox version with the reason it is not sent (the hub refused it, or it
/// cannot fit a frame); a later edit makes a new version, which goes again.
pub fn park(conn: &Connection, doc_id: &str, version: i64, reason: &str) -> Result<(), StoreError> {
    conn.exec(
        "UPDATE outbox SET rejected = ?3 WHERE doc_id = ?1 AND version = ?2",
        params![doc_id, version, reason],
    )?;
    Ok(())
}

/// The hub stored a push at `seq`: it has `heads` (and everything before), and the
/// outbox entry goes if it is still the version pushed.
pub fn push_applied(
    conn: &Connection,
    doc_id: &str,
    version: i64,
    heads: &[ChangeHash],
    seq: u64,
) -> Result<(), StoreError> {
    conn.exec(
        "UPDATE docs SET synced_heads = ?2, hub_seq = MAX(COALESCE(hub_seq, 0), ?3) WHERE id = ?1",
        params![doc_id, encode_heads(heads), seq_param(seq)],
    )?;
    conn.exec(
        "DELETE FROM outbox WHERE doc_id = ?1 AND version = ?2",
        params![doc_id, version],
    )?;
    Ok(())
}

/// Forgets what the hub was thought to have, so the next push sends the whole document.
pub fn forget_synced(conn: &Connection, doc_id: &str) -> Result<(), StoreError> {
    conn.exec(
        "UPDATE docs SET synced_heads = NULL WHERE id = ?1",
        [doc_id],
    )?;
    Ok(())
}

/// Records that the hub's `heads` at `seq` are what this node holds already.
pub fn set_synced(
    conn: &Connection,
    doc_id: &str,
    heads: &[ChangeHash],
    seq: u64,
) -> Result<(), StoreError> {
    conn.exec(
        "UPDATE docs SET synced_heads = ?2, hub_seq = ?3 WHERE id = ?1",
        params![doc_id, encode_heads(heads), seq_param(seq)],
    )?;
    Ok(())
}

/// A document's own heads and the heads the hub is known to have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncedHeads {
    pub heads: Vec<ChangeHash>,
    pub synced: Option<Vec<ChangeHash>>,
}

pub fn synced_heads(conn: &Connection, doc_id: &str) -> Result<Option<SyncedHeads>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT heads, synced_heads FROM docs WHERE id = ?1")?
        .query_row([doc_id], |r| {
            Ok(SyncedHeads {
                heads: decode_heads(&r.get::<_, Vec<u8>>(0)?),
                synced: r.get::<_, Option<Vec<u8>>>(1)?.map(|h| decode_heads(&h)),
            })
        })
        .optional()?)
}

/// A document in the order of local writes (the node's own change log).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalEntry {
    pub doc_id: String,
    pub doc_type: String,
    pub local_seq: u64,
    pub heads: Vec<ChangeHash>,
}

fn local_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<LocalEntry> {
    Ok(LocalEntry {
        doc_id: r.get(0)?,
        doc_type: r.get(1)?,
        heads: decode_heads(&r.get::<_, Vec<u8>>(2)?),
        local_seq: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
    })
}

/// The documents last written after a local seq, oldest first, at most `limit`: the
/// limit is part of the statement, as in [`outbox_waiting_sql`].
fn written_after_sql(limit: usize) -> String {
    let limit = limit.min(i64::MAX as usize);
    format!(
        "SELECT id, doc_type, heads, local_seq FROM docs WHERE local_seq > ?1 ORDER BY local_seq LIMIT {limit}"
    )
}

/// Up to `limit` documents last written after local seq `after`, oldest first.
pub fn written_after(
    conn: &Connection,
    after: u64,
    limit: usize,
) -> Result<Vec<LocalEntry>, StoreError> {
    let mut stmt = conn.prepare_cached(&written_after_sql(limit))?;
    let rows = stmt.query_map(params![seq_param(after)], local_entry)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One document's entry in the node's own change log.
pub fn local_entry_of(conn: &Connection, doc_id: &str) -> Result<Option<LocalEntry>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id, doc_type, heads, local_seq FROM docs WHERE id = ?1")?
        .query_row([doc_id], local_entry)
        .optional()?)
}

/// The entry of a document just written (an error when it is not there).
pub fn written_entry(conn: &Connection, doc_id: &str) -> Result<LocalEntry, StoreError> {
    local_entry_of(conn, doc_id)?.ok_or(StoreError::Sqlite {
        source: rusqlite::Error::QueryReturnedNoRows,
    })
}

/// Drops a document and everything kept about it without a trace (no erasure record):
/// only for a document that never left this node, such as a standalone clinic document
/// once the node joins a hub's clinic.
pub fn forget_local_doc(conn: &Connection, doc_id: &str) -> Result<(), StoreError> {
    for sql in [
        "DELETE FROM docs WHERE id = ?1",
        "DELETE FROM doc_changes WHERE doc_id = ?1",
        "DELETE FROM outbox WHERE doc_id = ?1",
        "DELETE FROM conflicts WHERE doc_id = ?1",
    ] {
        conn.execute(sql, [doc_id])?;
    }
    Ok(())
}

fn seq_param(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

/// Keys of the `sync_state` table.
pub const HUB_URL: &str = "hub_url";
pub const HUB_TOKEN: &str = "hub_token";
/// `"true"`: plain http to a network address was allowed on purpose
/// (`--allow-insecure-http`).
pub const HUB_ALLOW_INSECURE_HTTP: &str = "hub_allow_insecure_http";
/// PEM of the CA certificate trusted for the hub besides the system's (`--ca-file`).
pub const HUB_CA_PEM: &str = "hub_ca_pem";
pub const CURSOR: &str = "cursor";
pub const ONLINE: &str = "online";
pub const LAST_SYNC_AT: &str = "last_sync_at";
pub const LAST_ERROR: &str = "last_error";
pub const LAST_CONNECTED_AT: &str = "last_connected_at";
/// When a connected sync loop last said it is alive: written every `ALIVE_EVERY` even
/// when nothing changes, so the window can tell a quiet link from a dead daemon.
pub const ALIVE_AT: &str = "alive_at";
pub const DAEMON_PID: &str = "daemon_pid";

pub fn get(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT value FROM sync_state WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

pub fn set(conn: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.exec("INSERT INTO sync_state(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value", params![key, value])?;
    Ok(())
}

pub fn clear(conn: &Connection, key: &str) -> Result<(), StoreError> {
    conn.exec("DELETE FROM sync_state WHERE key = ?1", [key])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::StatementStatus;

    /// The sync loop reads the outbox and the node's own change log at every step: each
    /// statement is prepared once, not again at each run (with a bound `LIMIT ?` SQLite
    /// prepared it again every time, cached or not).
    #[test]
    fn the_sync_loops_reads_are_not_prepared_again_at_each_run() {
        let dir = tempfile::tempdir().expect("dir");
        let store = crate::store::Store::create(&dir.path().join("store.db")).expect("store");
        let conn = store.conn();
        for _ in 0..3 {
            outbox_waiting(conn, 500).expect("outbox");
            written_after(conn, 0, 1001).expect("written");
        }
        for sql in [outbox_waiting_sql(500), written_after_sql(1001)] {
            let stmt = conn.prepare_cached(&sql).expect("cached");
            assert_eq!(stmt.get_status(StatementStatus::Run), 3, "{sql}");
            assert_eq!(stmt.get_status(StatementStatus::RePrepare), 0, "{sql}");
        }
    }
}
