//! The Postgres store's side beyond documents: clinics, nodes, enrollment, sessions,
//! and the LISTEN loop that turns other instances' commits into [`StoreEvent`]s.

use std::time::Duration;

use dermis_model::{ClinicId, Millis};
use sqlx::Row;
use sqlx::postgres::{PgListener, PgRow};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::{CHANGES_CHANNEL, NODES_CHANNEL, PgStore, ms, notify, pg, ts};
use crate::store::{
    Enrolled, Fut, HubStore, NewNode, NodeAuth, NodeInfo, NodeStatus, NodeUpdate, SessionEnd,
    StoreError, StoreEvent, check_name, encode_heads, i64_of, new_clinic_doc, u64_of,
};

fn node_info(row: &PgRow) -> Result<NodeInfo, sqlx::Error> {
    let opt_ms = |i: usize| -> Result<Option<Millis>, sqlx::Error> {
        Ok(row.try_get::<Option<time::OffsetDateTime>, _>(i)?.map(ms))
    };
    let status: String = row.try_get(5)?;
    Ok(NodeInfo {
        id: row.try_get(0)?,
        clinic_id: row.try_get(1)?,
        name: row.try_get(2)?,
        enrolled_name: row.try_get(3)?,
        number: u32::try_from(row.try_get::<i32, _>(4)?).unwrap_or(0),
        status: NodeStatus::parse(&status)
            .map(NodeStatus::as_str)
            .unwrap_or("unknown"),
        online: row.try_get(6)?,
        created_at: ms(row.try_get(7)?),
        enrolled_at: opt_ms(8)?,
        last_seen_at: opt_ms(9)?,
        last_sync_at: opt_ms(10)?,
        app_version: row.try_get(11)?,
        cursor: u64_of(row.try_get(12)?),
        outbox_count: u64_of(row.try_get(13)?),
        outbox_bytes: u64_of(row.try_get(14)?),
        outbox_oldest_age_ms: u64_of(row.try_get(15)?),
        last_error: row.try_get(16)?,
        delivered_seq: u64_of(row.try_get(17)?),
        transport: row.try_get(18)?,
    })
}

/// Parses a notification into an event; anything unexpected is ignored (and logged).
fn event(channel: &str, payload: &str) -> Option<StoreEvent> {
    match channel {
        CHANGES_CHANNEL => {
            let (clinic, seq) = payload.split_once(':')?;
            Some(StoreEvent::ClinicAdvanced {
                clinic: clinic.parse().ok()?,
                seq: seq.parse().ok()?,
            })
        }
        NODES_CHANNEL => {
            let node = payload.strip_prefix("revoked:")?;
            Some(StoreEvent::NodeRevoked {
                node: node.parse().ok()?,
            })
        }
        super::jobs::JOBS_CHANNEL => Some(StoreEvent::JobsQueued),
        _ => None,
    }
}

impl HubStore for PgStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(pg("ping"))?;
        Ok(())
    }

    fn with_pool(&self, pool: &crate::pool::DocPool) -> Self {
        self.with_caller(pool.hub())
    }

    fn with_doc_limits(&self, limits: dermis_sync::chunks::DocLimits) -> Self {
        self.with_limits(limits)
    }

    fn with_group_commit(&self, max: usize) -> Self {
        self.with_group_max(max)
    }

    fn for_node(&self, node: Uuid) -> Self {
        self.with_caller(self.docs().pool().caller(node))
    }

    fn doc_pool(&self) -> &crate::pool::Caller {
        self.docs()
    }

    async fn create_clinic(&self, name: &str, now: Millis) -> Result<ClinicId, StoreError> {
        let id = ClinicId::new();
        let named = name.to_owned();
        let (snapshot, heads) = self
            .docs()
            .run(move || new_clinic_doc(id, &named))
            .await
            .map_err(|source| StoreError::Pool { source })??;
        let mut tx = self.pool.begin().await.map_err(pg("begin"))?;
        sqlx::query("INSERT INTO clinics (id, name, seq, created_at) VALUES ($1, $2, 1, $3)")
            .bind(id.0)
            .bind(name.trim())
            .bind(ts(now))
            .execute(&mut *tx)
            .await
            .map_err(pg("insert clinic"))?;
        sqlx::query(
            "INSERT INTO docs (clinic_id, id, doc_type, snapshot, heads, seq, updated_at)
             VALUES ($1, $1, 'clinic', $2, $3, 1, $4)",
        )
        .bind(id.0)
        .bind(snapshot)
        .bind(encode_heads(&heads))
        .bind(ts(now))
        .execute(&mut *tx)
        .await
        .map_err(pg("insert clinic document"))?;
        tx.commit().await.map_err(pg("commit"))?;
        Ok(id)
    }

    async fn insert_clinic(&self, id: ClinicId, name: &str, now: Millis) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO clinics (id, name, seq, created_at) VALUES ($1, $2, 0, $3)")
            .bind(id.0)
            .bind(check_name("clinic name", name)?)
            .bind(ts(now))
            .execute(&self.pool)
            .await
            .map_err(pg("insert clinic"))?;
        Ok(())
    }

    async fn add_node(
        &self,
        clinic: ClinicId,
        name: &str,
        code_hash: &str,
        expires_at: Millis,
        now: Millis,
    ) -> Result<NewNode, StoreError> {
        let name = check_name("node name", name)?;
        let mut tx = self.pool.begin().await.map_err(pg("begin"))?;
        // Locking the clinic serialises numbering: two admins adding nodes at once get
        // different numbers.
        let exists = sqlx::query("SELECT 1 FROM clinics WHERE id = $1 FOR UPDATE")
            .bind(clinic.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(pg("lock clinic"))?;
        if exists.is_none() {
            return Err(StoreError::UnknownClinic { id: clinic });
        }
        let id = Uuid::now_v7();
        let number: i32 = sqlx::query_scalar(
            "INSERT INTO nodes (id, clinic_id, name, number, enroll_code_hash, enroll_expires_at, status, created_at)
             SELECT $1, $2, $3, COALESCE(MAX(number), 0) + 1, $4, $5, 'pending', $6
             FROM nodes WHERE clinic_id = $2
             RETURNING number",
        )
        .bind(id)
        .bind(clinic.0)
        .bind(&name)
        .bind(code_hash)
        .bind(ts(expires_at))
        .bind(ts(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(pg("insert node"))?;
        tx.commit().await.map_err(pg("commit"))?;
        Ok(NewNode {
            id,
            number: u32::try_from(number).unwrap_or(0),
        })
    }

    async fn enroll(
        &self,
        code_hash: &str,
        enrolled_name: &str,
        token_hash: &str,
        now: Millis,
    ) -> Result<Option<Enrolled>, StoreError> {
        let enrolled_name = check_name("node_name", enrolled_name)?;
        let row = sqlx::query(
            "UPDATE nodes AS n SET status = 'active', token_hash = $2, enroll_code_hash = NULL,
                    enroll_expires_at = NULL, enrolled_at = $3, token_issued_at = $3, enrolled_name = $4
             FROM clinics AS c
             WHERE n.clinic_id = c.id AND n.enroll_code_hash = $1 AND n.status = 'pending'
               AND n.enroll_expires_at > $3
             RETURNING n.id, n.clinic_id, n.number, c.name",
        )
        .bind(code_hash)
        .bind(token_hash)
        .bind(ts(now))
        .bind(&enrolled_name)
        .fetch_optional(&self.pool)
        .await
        .map_err(pg("enroll"))?;
        let Some(row) = row else {
            return Ok(None);
        };
        let read = |row: &PgRow| -> Result<Enrolled, sqlx::Error> {
            Ok(Enrolled {
                node_id: row.try_get(0)?,
                clinic_id: ClinicId(row.try_get(1)?),
                node_number: u32::try_from(row.try_get::<i32, _>(2)?).unwrap_or(0),
                clinic_name: row.try_get(3)?,
            })
        };
        read(&row).map(Some).map_err(pg("read enrollment"))
    }

    async fn authenticate(
        &self,
        token_hash: &str,
        now: Millis,
    ) -> Result<Option<NodeAuth>, StoreError> {
        let read = || {
            sqlx::query(
                "SELECT id, clinic_id, status, token_issued_at,
                        next_token_hash IS NOT DISTINCT FROM $1 AND status = 'active'
                 FROM nodes WHERE token_hash = $1 OR next_token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(&self.pool)
        };
        let mut row = read().await.map_err(pg("authenticate"))?;
        // Only the next token's first use writes: it becomes the token (one statement:
        // atomic). Every request with the current token is a read alone.
        let first_use = match &row {
            Some(r) => r.try_get::<bool, _>(4).map_err(pg("read node"))?,
            None => false,
        };
        if first_use {
            sqlx::query(
                "UPDATE nodes SET token_hash = next_token_hash, next_token_hash = NULL,
                        next_token_stored_at = NULL, token_issued_at = $2
                 WHERE next_token_hash = $1 AND status = 'active'",
            )
            .bind(token_hash)
            .bind(ts(now))
            .execute(&self.pool)
            .await
            .map_err(pg("promote the next node token"))?;
            row = read().await.map_err(pg("authenticate"))?;
        }
        let Some(row) = row else {
            return Ok(None);
        };
        let status: String = row.try_get(2).map_err(pg("read node"))?;
        Ok(Some(NodeAuth {
            node_id: row.try_get(0).map_err(pg("read node"))?,
            clinic_id: ClinicId(row.try_get(1).map_err(pg("read node"))?),
            status: NodeStatus::parse(&status)?,
            token_issued_at: row
                .try_get::<Option<time::OffsetDateTime>, _>(3)
                .map_err(pg("read node"))?
                .map(ms),
        }))
    }

    async fn list_nodes(&self) -> Result<Vec<NodeInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, clinic_id, name, enrolled_name, number, status, online, created_at,
                    enrolled_at, last_seen_at, last_sync_at, app_version, cursor, outbox_count,
                    outbox_bytes, outbox_oldest_age_ms, last_error, delivered_seq, transport
             FROM nodes ORDER BY clinic_id, number",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(pg("list nodes"))?;
        rows.iter()
            .map(node_info)
            .collect::<Result<_, _>>()
            .map_err(pg("read node"))
    }

    async fn revoke_node(&self, id: Uuid, _now: Millis) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await.map_err(pg("begin"))?;
        let done = sqlx::query(
            "UPDATE nodes SET status = 'revoked', enroll_code_hash = NULL, enroll_expires_at = NULL,
                    next_token_hash = NULL
             WHERE id = $1",
        )
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(pg("revoke node"))?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        notify(&mut tx, NODES_CHANNEL, &format!("revoked:{id}")).await?;
        tx.commit().await.map_err(pg("commit"))?;
        Ok(true)
    }

    async fn inactive_among(&self, ids: &[Uuid]) -> Result<Vec<Uuid>, StoreError> {
        let active: Vec<Uuid> =
            sqlx::query_scalar("SELECT id FROM nodes WHERE id = ANY($1) AND status = 'active'")
                .bind(ids)
                .fetch_all(&self.pool)
                .await
                .map_err(pg("read node status"))?;
        Ok(ids
            .iter()
            .filter(|id| !active.contains(id))
            .copied()
            .collect())
    }

    async fn latest_seqs(&self, clinics: &[ClinicId]) -> Result<Vec<(ClinicId, u64)>, StoreError> {
        let ids: Vec<Uuid> = clinics.iter().map(|c| c.0).collect();
        let rows = sqlx::query("SELECT id, seq FROM clinics WHERE id = ANY($1)")
            .bind(ids)
            .fetch_all(&self.pool)
            .await
            .map_err(pg("read clinic seqs"))?;
        rows.iter()
            .map(|row| -> Result<(ClinicId, u64), sqlx::Error> {
                Ok((ClinicId(row.try_get(0)?), u64_of(row.try_get(1)?)))
            })
            .collect::<Result<_, _>>()
            .map_err(pg("read clinic seqs"))
    }

    async fn update_node(&self, id: Uuid, u: &NodeUpdate, now: Millis) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE nodes SET last_seen_at = $2,
                    app_version = COALESCE($3, app_version),
                    cursor = COALESCE($4, cursor),
                    outbox_count = COALESCE($5, outbox_count),
                    outbox_bytes = COALESCE($6, outbox_bytes),
                    outbox_oldest_age_ms = COALESCE($7, outbox_oldest_age_ms),
                    last_error = CASE WHEN $8 THEN $9 ELSE last_error END,
                    last_sync_at = CASE WHEN $10 THEN $2 ELSE last_sync_at END,
                    delivered_seq = COALESCE($11, delivered_seq)
             WHERE id = $1",
        )
        .bind(id)
        .bind(ts(now))
        .bind(u.app_version.as_deref())
        .bind(u.cursor.map(i64_of))
        .bind(u.outbox.map(|o| i64_of(o.count)))
        .bind(u.outbox.map(|o| i64_of(o.bytes)))
        .bind(u.outbox.map(|o| i64_of(o.oldest_age_ms)))
        .bind(u.last_error.is_some())
        .bind(u.last_error.clone().flatten())
        .bind(u.synced)
        .bind(u.delivered.map(i64_of))
        .execute(&self.pool)
        .await
        .map_err(pg("update node"))?;
        Ok(())
    }

    async fn set_node_transport(
        &self,
        id: Uuid,
        transport: Option<&'static str>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE nodes SET transport = $2 WHERE id = $1")
            .bind(id)
            .bind(transport)
            .execute(&self.pool)
            .await
            .map_err(pg("record node transport"))?;
        Ok(())
    }

    async fn session_started(&self, node: Uuid, now: Millis) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(pg("begin"))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sync_sessions (node_id, started_at) VALUES ($1, $2) RETURNING id",
        )
        .bind(node)
        .bind(ts(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(pg("open session"))?;
        sqlx::query("UPDATE nodes SET online = true, last_seen_at = $2 WHERE id = $1")
            .bind(node)
            .bind(ts(now))
            .execute(&mut *tx)
            .await
            .map_err(pg("mark node online"))?;
        tx.commit().await.map_err(pg("commit"))?;
        Ok(id)
    }

    async fn session_ended(
        &self,
        session: i64,
        node: Uuid,
        end: &SessionEnd,
        now: Millis,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(pg("begin"))?;
        sqlx::query(
            "UPDATE sync_sessions SET ended_at = $2, frames_in = $3, frames_out = $4, bytes_in = $5,
                    bytes_out = $6, docs_in = $7, docs_out = $8, close_code = $9, error = $10
             WHERE id = $1",
        )
        .bind(session)
        .bind(ts(now))
        .bind(i64_of(end.frames_in))
        .bind(i64_of(end.frames_out))
        .bind(i64_of(end.bytes_in))
        .bind(i64_of(end.bytes_out))
        .bind(i64_of(end.docs_in))
        .bind(i64_of(end.docs_out))
        .bind(end.close_code.map(i32::from))
        .bind(end.error.as_deref())
        .execute(&mut *tx)
        .await
        .map_err(pg("close session"))?;
        sqlx::query(
            "UPDATE nodes SET last_seen_at = $2,
                    online = EXISTS (SELECT 1 FROM sync_sessions WHERE node_id = $1 AND ended_at IS NULL)
             WHERE id = $1",
        )
        .bind(node)
        .bind(ts(now))
        .execute(&mut *tx)
        .await
        .map_err(pg("mark node offline"))?;
        tx.commit().await.map_err(pg("commit"))?;
        Ok(())
    }

    async fn prune_sessions(&self, ended_before: Millis, batch: u32) -> Result<u64, StoreError> {
        // `= ANY(ARRAY(…))` looks the batch up by primary key; `IN (subquery)` made
        // Postgres hash-join against the whole table (250 ms per 5,000 rows of a
        // million, against 20 ms).
        let done = sqlx::query(
            "DELETE FROM sync_sessions WHERE id = ANY(ARRAY(
                 SELECT id FROM sync_sessions
                 WHERE ended_at IS NOT NULL AND ended_at < $1
                 ORDER BY ended_at LIMIT $2))",
        )
        .bind(ts(ended_before))
        .bind(i64::from(batch))
        .execute(&self.pool)
        .await
        .map_err(pg("prune sessions"))?;
        Ok(done.rows_affected())
    }

    async fn reset_online(&self, now: Millis) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(pg("begin"))?;
        sqlx::query("UPDATE sync_sessions SET ended_at = $1, error = 'hub restarted' WHERE ended_at IS NULL")
            .bind(ts(now))
            .execute(&mut *tx)
            .await
            .map_err(pg("close stale sessions"))?;
        sqlx::query("UPDATE nodes SET online = false WHERE online")
            .execute(&mut *tx)
            .await
            .map_err(pg("mark nodes offline"))?;
        tx.commit().await.map_err(pg("commit"))?;
        Ok(())
    }

    fn watch(&self, events: mpsc::UnboundedSender<StoreEvent>) -> Fut<'static, ()> {
        let pool = self.pool.clone();
        Box::pin(async move {
            let mut backoff = Duration::from_millis(100);
            while !events.is_closed() {
                match PgListener::connect_with(&pool).await {
                    Ok(mut listener) => {
                        match listener
                            .listen_all([CHANGES_CHANNEL, NODES_CHANNEL, super::jobs::JOBS_CHANNEL])
                            .await
                        {
                            Ok(()) => {
                                backoff = Duration::from_millis(100);
                                tracing::info!("listening for changes from other hub instances");
                                if events.send(StoreEvent::Resync).is_err() {
                                    return;
                                }
                                relay(&mut listener, &events).await;
                            }
                            Err(e) => tracing::warn!(error = %e, "LISTEN failed; retrying"),
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot connect to listen; retrying"),
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        })
    }
}

/// Forwards notifications until the connection is lost or nobody listens any more.
async fn relay(listener: &mut PgListener, events: &mpsc::UnboundedSender<StoreEvent>) {
    loop {
        match listener.try_recv().await {
            Ok(Some(n)) => match event(n.channel(), n.payload()) {
                Some(e) => {
                    if events.send(e).is_err() {
                        return;
                    }
                }
                None => tracing::warn!(channel = n.channel(), "ignored an unexpected notification"),
            },
            Ok(None) => {
                tracing::warn!("lost the LISTEN connection; reconnecting");
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, "LISTEN connection failed; reconnecting");
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_parse_or_are_ignored() {
        let clinic = ClinicId::new();
        assert_eq!(
            event(CHANGES_CHANNEL, &format!("{clinic}:42")),
            Some(StoreEvent::ClinicAdvanced { clinic, seq: 42 })
        );
        let node = Uuid::now_v7();
        assert_eq!(
            event(NODES_CHANNEL, &format!("revoked:{node}")),
            Some(StoreEvent::NodeRevoked { node })
        );
        assert_eq!(
            event(super::super::jobs::JOBS_CHANNEL, ""),
            Some(StoreEvent::JobsQueued)
        );
        assert_eq!(event(CHANGES_CHANNEL, "garbage"), None);
        assert_eq!(event("other", "x:1"), None);
    }
}
