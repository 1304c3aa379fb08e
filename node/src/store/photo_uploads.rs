//! The `photo_uploads` table: what this node owes the hub of each photo it imported.
//! Read by the upload lane, `photo list`, `status` and the app; written by `photo add`
//! (in the document's transaction) and by the lane after every answer of the hub.

use dermis_model::Millis;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::StoreError;

/// Set once the photos held before schema 3 have their upload rows.
const BACKFILLED: &str = "photo_uploads_backfilled";

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UploadState {
    /// Nothing acknowledged by the hub yet.
    Local,
    /// Part of the bytes acknowledged.
    Uploading,
    /// The hub holds the whole, verified original.
    Uploaded,
    /// Refused by the hub for good; the reason is in `last_error`.
    Failed,
}

impl UploadState {
    pub fn as_str(&self) -> &'static str {
        match self {
            UploadState::Local => "local",
            UploadState::Uploading => "uploading",
            UploadState::Uploaded => "uploaded",
            UploadState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<UploadState> {
        [
            UploadState::Local,
            UploadState::Uploading,
            UploadState::Uploaded,
            UploadState::Failed,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// One row of `photo_uploads`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct UploadRow {
    pub photo_id: String,
    pub patient_id: String,
    pub sha256: String,
    pub size: u64,
    /// Bytes the hub has acknowledged.
    pub acked: u64,
    pub state: UploadState,
    /// Failed tries since the last progress: drives the backoff.
    pub attempts: u32,
    /// Permanent refusals (413/415/422) in a row.
    pub refusals: u32,
    pub last_error: Option<String>,
    pub next_attempt_at: Millis,
}

const COLUMNS: &str = "photo_id, patient_id, sha256, size, acked, state, attempts, refusals, last_error, next_attempt_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UploadRow> {
    let state: String = r.get(5)?;
    Ok(UploadRow {
        photo_id: r.get(0)?,
        patient_id: r.get(1)?,
        sha256: r.get(2)?,
        size: r.get::<_, i64>(3)?.max(0) as u64,
        acked: r.get::<_, i64>(4)?.max(0) as u64,
        state: UploadState::parse(&state).unwrap_or(UploadState::Local),
        attempts: r.get::<_, i64>(6)?.clamp(0, i64::from(u32::MAX)) as u32,
        refusals: r.get::<_, i64>(7)?.clamp(0, i64::from(u32::MAX)) as u32,
        last_error: r.get(8)?,
        next_attempt_at: r.get(9)?,
    })
}

/// Records a photo just imported: called inside the transaction that adds it to the
/// patient document, so a photo is never in the document without its upload row.
pub fn insert_new(
    conn: &Connection,
    photo_id: &str,
    patient_id: &str,
    sha256: &str,
    size: u64,
    now: Millis,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO photo_uploads(photo_id, patient_id, sha256, size, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(photo_id) DO NOTHING",
        params![photo_id, patient_id, sha256, size as i64, now],
    )?;
    Ok(())
}

pub fn get(conn: &Connection, photo_id: &str) -> Result<Option<UploadRow>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM photo_uploads WHERE photo_id = ?1"),
            [photo_id],
            row,
        )
        .optional()?)
}

/// Uploads not finished whose next try is due, oldest first.
pub fn due(conn: &Connection, now: Millis, limit: usize) -> Result<Vec<UploadRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM photo_uploads WHERE state IN ('local', 'uploading') AND next_attempt_at <= ?1
         ORDER BY next_attempt_at, updated_at, photo_id LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![now, limit as i64], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// When the next unfinished upload becomes due (`None`: nothing left to send).
pub fn next_due_at(conn: &Connection) -> Result<Option<Millis>, StoreError> {
    Ok(conn.query_row(
        "SELECT MIN(next_attempt_at) FROM photo_uploads WHERE state IN ('local', 'uploading')",
        [],
        |r| r.get(0),
    )?)
}

/// Writes back what the state machine decided.
pub fn save(conn: &Connection, r: &UploadRow, now: Millis) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE photo_uploads SET acked = ?2, state = ?3, attempts = ?4, refusals = ?5, last_error = ?6,
             next_attempt_at = ?7, updated_at = ?8 WHERE photo_id = ?1",
        params![
            r.photo_id,
            r.acked as i64,
            r.state.as_str(),
            i64::from(r.attempts),
            i64::from(r.refusals),
            r.last_error,
            r.next_attempt_at,
            now
        ],
    )?;
    Ok(())
}

/// The upload rows of a patient's photos, by photo id.
pub fn for_patient(
    conn: &Connection,
    patient_id: &str,
) -> Result<std::collections::HashMap<String, UploadRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM photo_uploads WHERE patient_id = ?1"
    ))?;
    let rows = stmt.query_map([patient_id], row)?;
    let mut out = std::collections::HashMap::new();
    for r in rows {
        let r = r?;
        out.insert(r.photo_id.clone(), r);
    }
    Ok(out)
}

/// The upload figures of `status --json` and the sync panel.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct UploadFigures {
    /// Photos not yet on the hub (local or uploading).
    pub pending: i64,
    /// Bytes of them the hub has not acknowledged.
    pub pending_bytes: i64,
    pub uploading: i64,
    pub uploaded: i64,
    /// Refused by the hub for good.
    pub failed: i64,
}

pub(crate) const LANE_INPUTS_SQL: &str =
    "SELECT photos, thumbnails_ready, waiting FROM photo_lane_counts WHERE id = 1";

/// What a caught-up sync can bring the photo lane: photos (new ones, or gone with an
/// erasure), thumbnails the hub has made, and this node's photos waiting to go up. Equal
/// inputs mean a pass would find nothing new; retries that fall due wake the lane by its
/// timer, not through these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaneInputs {
    pub photos: i64,
    pub thumbnails_ready: i64,
    pub waiting: i64,
}

/// Read from the one row the store's triggers keep (schema 19), so it costs the same with
/// no photos or a hundred thousand: it runs after every caught-up sync.
pub fn lane_inputs(conn: &Connection) -> Result<LaneInputs, StoreError> {
    Ok(conn.prepare_cached(LANE_INPUTS_SQL)?.query_row([], |r| {
        Ok(LaneInputs {
            photos: r.get(0)?,
            thumbnails_ready: r.get(1)?,
            waiting: r.get(2)?,
        })
    })?)
}

pub fn figures(conn: &Connection) -> Result<UploadFigures, StoreError> {
    Ok(conn.query_row(
        "SELECT
            COALESCE(SUM(state IN ('local', 'uploading')), 0),
            COALESCE(SUM(CASE WHEN state IN ('local', 'uploading') THEN size - acked ELSE 0 END), 0),
            COALESCE(SUM(state = 'uploading'), 0),
            COALESCE(SUM(state = 'uploaded'), 0),
            COALESCE(SUM(state = 'failed'), 0)
         FROM photo_uploads",
        [],
        |r| {
            Ok(UploadFigures {
                pending: r.get(0)?,
                pending_bytes: r.get(1)?,
                uploading: r.get(2)?,
                uploaded: r.get(3)?,
                failed: r.get(4)?,
            })
        },
    )?)
}

/// Gives an upload row to every photo whose original this node holds but which has
/// none: photos imported before schema 3. Runs once per store. `has_original` says
/// whether this node holds a photo's original (by sha256).
pub fn backfill(
    conn: &Connection,
    has_original: impl Fn(&str) -> bool,
    now: Millis,
) -> Result<usize, StoreError> {
    let done: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [BACKFILLED], |r| {
            r.get(0)
        })
        .optional()?;
    if done.is_some() {
        return Ok(0);
    }
    let candidates: Vec<(String, String, String, i64)> = {
        let mut stmt = conn.prepare(
            "SELECT p.id, p.patient_id, p.sha256, p.size FROM photos p
             WHERE NOT EXISTS (SELECT 1 FROM photo_uploads u WHERE u.photo_id = p.id)",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut added = 0;
    let tx = conn.unchecked_transaction()?;
    for (photo, patient, sha256, size) in candidates {
        if has_original(&sha256) {
            insert_new(&tx, &photo, &patient, &sha256, size.max(0) as u64, now)?;
            added += 1;
        }
    }
    tx.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![BACKFILLED, now.to_string()],
    )?;
    tx.commit()?;
    Ok(added)
}
