//! Read queries of the sync state: the outbox, documents the hub refused, what the sync
//! daemon last wrote about the hub link, and recently written documents.

use rusqlite::Connection;
use serde::Serialize;

use crate::store::StoreError;

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Default)]
pub struct OutboxStats {
    pub count: i64,
    pub bytes: i64,
    /// When the oldest change still waiting for the hub was made (ms since epoch).
    pub oldest_at: Option<i64>,
}

pub fn outbox_stats(conn: &Connection) -> Result<OutboxStats, StoreError> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*), COALESCE(SUM(bytes), 0), MIN(first_at) FROM outbox")?
        .query_row([], |r| {
            Ok(OutboxStats {
                count: r.get(0)?,
                bytes: r.get(1)?,
                oldest_at: r.get(2)?,
            })
        })?)
}

/// A document whose local changes the hub refused: parked, with the hub's reason, until
/// someone deals with it (the changes stay on this node; later edits of it stay too).
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct RefusedDoc {
    pub doc_id: String,
    pub doc_type: String,
    /// The hub's code and reason, e.g. `forbidden: change 1a2b3c4d edits ...`.
    pub reason: String,
    /// When the document was last edited here (ms since epoch).
    pub last_edit_at: i64,
    /// What the document is to a person: the patient's, product's or appointment's name
    /// from the index tables; `None` for other kinds, shown by their type.
    pub label: Option<String>,
}

/// A readable name for the document `d.id`: the patient's, the product's or the
/// appointment's, from the index tables (NULL for other kinds, shown by their type).
const DOC_LABEL: &str = "COALESCE(
        (SELECT p.last_name || ' ' || p.first_name FROM patients p WHERE p.id = d.id),
        (SELECT pr.name || ' (' || pr.sku || ')' FROM products pr WHERE pr.id = d.id),
        (SELECT COALESCE(NULLIF(a.title, ''), a.invitee_name) FROM appointments a WHERE a.id = d.id))";

/// The documents the hub refused, most recently edited first.
pub fn refused_docs(conn: &Connection) -> Result<Vec<RefusedDoc>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT o.doc_id, d.doc_type, o.rejected, o.last_at, {DOC_LABEL}
         FROM outbox o JOIN docs d ON d.id = o.doc_id
         WHERE o.rejected IS NOT NULL ORDER BY o.last_at DESC, o.doc_id"
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok(RefusedDoc {
            doc_id: r.get(0)?,
            doc_type: r.get(1)?,
            reason: r.get(2)?,
            last_edit_at: r.get(3)?,
            label: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether a document has local changes the hub has not confirmed.
pub fn is_pending(conn: &Connection, doc_id: &str) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM outbox WHERE doc_id = ?1)",
        [doc_id],
        |r| r.get(0),
    )?)
}

/// What the sync daemon last wrote about the hub link (`sync_state` table). Every field
/// is `None` until a daemon has run: the node is then not connected to a hub.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Default)]
pub struct SyncState {
    pub online: Option<bool>,
    pub hub_url: Option<String>,
    /// When the last sync finished (ms since epoch).
    pub last_sync_at: Option<i64>,
    pub last_error: Option<String>,
    pub cursor: Option<String>,
    /// When the sync loop last connected, and last said it is alive (ms since epoch).
    pub last_connected_at: Option<i64>,
    pub alive_at: Option<i64>,
}

impl SyncState {
    /// The latest sign that a sync loop was running: a connection, a sync or a heartbeat.
    pub fn last_sign_of_life(&self) -> Option<i64> {
        [self.alive_at, self.last_sync_at, self.last_connected_at]
            .into_iter()
            .flatten()
            .max()
    }

    /// Online as last written, but no sign of life for `after_ms` before `now`: the sync
    /// loop stopped (killed, crashed) without saying so.
    pub fn stale(&self, now: i64, after_ms: i64) -> bool {
        self.online == Some(true)
            && self
                .last_sign_of_life()
                .is_none_or(|at| now.saturating_sub(at) > after_ms)
    }

    /// Whether a hub was ever configured for this node.
    pub fn has_hub(&self) -> bool {
        self.hub_url
            .as_deref()
            .is_some_and(|u| !u.trim().is_empty())
    }
}

pub fn sync_state(conn: &Connection) -> Result<SyncState, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT key, value FROM sync_state")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut state = SyncState::default();
    for row in rows {
        let (key, value) = row?;
        match key.as_str() {
            "online" => state.online = Some(value.trim() == "true"),
            "hub_url" => state.hub_url = Some(value),
            "last_sync_at" => state.last_sync_at = value.trim().parse().ok(),
            "last_error" => state.last_error = Some(value).filter(|v| !v.trim().is_empty()),
            "cursor" => state.cursor = Some(value),
            "last_connected_at" => state.last_connected_at = value.trim().parse().ok(),
            "alive_at" => state.alive_at = value.trim().parse().ok(),
            _ => {}
        }
    }
    Ok(state)
}

/// A document as the sync panel lists it: whether the hub has all of its local changes.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct DocSyncRow {
    pub id: String,
    pub doc_type: String,
    pub updated_at: i64,
    /// Local changes the hub has not confirmed yet.
    pub pending: bool,
    /// What the document is to a person: the patient's, product's or appointment's name
    /// from the index tables; `None` for other kinds, shown by their type.
    pub label: Option<String>,
}

/// The most recently written documents, newest first, with their outbox state.
pub fn recent_docs(conn: &Connection, limit: usize) -> Result<Vec<DocSyncRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT d.id, d.doc_type, d.updated_at, EXISTS(SELECT 1 FROM outbox o WHERE o.doc_id = d.id),
                {DOC_LABEL}
         FROM docs d ORDER BY d.local_seq DESC LIMIT ?1"
    ))?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(DocSyncRow {
            id: r.get(0)?,
            doc_type: r.get(1)?,
            updated_at: r.get(2)?,
            pending: r.get(3)?,
            label: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn online_without_a_sign_of_life_is_stale() {
        let state = |online, alive_at, last_sync_at| SyncState {
            online,
            alive_at,
            last_sync_at,
            ..SyncState::default()
        };
        let now = 1_000_000;
        assert!(state(Some(true), Some(now - 91), None).stale(now, 90));
        assert!(!state(Some(true), Some(now - 90), None).stale(now, 90));
        assert!(
            !state(Some(true), Some(now - 500), Some(now - 10)).stale(now, 90),
            "a recent sync is a sign of life too"
        );
        assert!(state(Some(true), None, None).stale(now, 90), "never a sign");
        assert!(
            !state(Some(false), None, None).stale(now, 90),
            "offline is not stale"
        );
        assert!(!state(None, None, None).stale(now, 90));
    }
}
