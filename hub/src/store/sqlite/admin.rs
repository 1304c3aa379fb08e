//! The embedded store's side beyond documents: clinics, nodes, enrollment and sessions.
//! It has no notification channel: the server's periodic check notices what the
//! command line changed (a revoked node).

use dermis_model::{ClinicId, Millis};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::{SqliteStore, lite, parse_uuid};
use crate::store::{
    Enrolled, Fut, HubStore, NewNode, NodeAuth, NodeInfo, NodeStatus, NodeUpdate, SessionEnd,
    StoreError, StoreEvent, check_name, encode_heads, i64_of, new_clinic_doc, u64_of,
};

const NODE_COLUMNS: &str = "id, clinic_id, name, enrolled_name, number, status, online, created_at,
    enrolled_at, last_seen_at, last_sync_at, app_version, cursor, outbox_count, outbox_bytes,
    outbox_oldest_age_ms, last_error, delivered_seq, transport";

fn node_info(r: &Row<'_>) -> rusqlite::Result<(String, String, NodeInfo, String)> {
    let id: String = r.get(0)?;
    let clinic: String = r.get(1)?;
    let status: String = r.get(5)?;
    let info = NodeInfo {
        id: Uuid::nil(),
        clinic_id: Uuid::nil(),
        name: r.get(2)?,
        enrolled_name: r.get(3)?,
        number: u32::try_from(r.get::<_, i64>(4)?).unwrap_or(0),
        status: "unknown",
        online: r.get(6)?,
        created_at: r.get(7)?,
        enrolled_at: r.get(8)?,
        last_seen_at: r.get(9)?,
        last_sync_at: r.get(10)?,
        app_version: r.get(11)?,
        cursor: u64_of(r.get(12)?),
        outbox_count: u64_of(r.get(13)?),
        outbox_bytes: u64_of(r.get(14)?),
        outbox_oldest_age_ms: u64_of(r.get(15)?),
        last_error: r.get(16)?,
        delivered_seq: u64_of(r.get(17)?),
        transport: r.get(18)?,
    };
    Ok((id, clinic, info, status))
}

fn immediate(conn: &mut Connection) -> Result<rusqlite::Transaction<'_>, StoreError> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(lite("begin"))
}

impl HubStore for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        self.call(|conn| {
            conn.query_row("SELECT 1", [], |_| Ok(()))
                .map_err(lite("ping"))
        })
        .await
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
        let name = name.trim().to_owned();
        self.call(move |conn| {
            let tx = immediate(conn)?;
            tx.execute(
                "INSERT INTO clinics (id, name, seq, created_at) VALUES (?1, ?2, 1, ?3)",
                params![id.to_string(), name, now],
            )
            .map_err(lite("insert clinic"))?;
            tx.execute(
                "INSERT INTO docs (clinic_id, id, doc_type, snapshot, heads, seq, updated_at)
                 VALUES (?1, ?1, 'clinic', ?2, ?3, 1, ?4)",
                params![id.to_string(), snapshot, encode_heads(&heads), now],
            )
            .map_err(lite("insert clinic document"))?;
            tx.commit().map_err(lite("commit"))?;
            Ok(id)
        })
        .await
    }

    async fn insert_clinic(&self, id: ClinicId, name: &str, now: Millis) -> Result<(), StoreError> {
        let name = check_name("clinic name", name)?;
        self.call(move |conn| {
            conn.execute(
                "INSERT INTO clinics (id, name, seq, created_at) VALUES (?1, ?2, 0, ?3)",
                params![id.to_string(), name, now],
            )
            .map_err(lite("insert clinic"))?;
            Ok(())
        })
        .await
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
        let code_hash = code_hash.to_owned();
        self.call(move |conn| {
            let tx = immediate(conn)?;
            let exists = tx
                .query_row(
                    "SELECT 1 FROM clinics WHERE id = ?1",
                    [clinic.to_string()],
                    |_| Ok(()),
                )
                .optional()
                .map_err(lite("find clinic"))?;
            if exists.is_none() {
                return Err(StoreError::UnknownClinic { id: clinic });
            }
            let id = Uuid::now_v7();
            let number: i64 = tx
                .query_row(
                    "INSERT INTO nodes (id, clinic_id, name, number, enroll_code_hash, enroll_expires_at, status, created_at)
                     SELECT ?1, ?2, ?3, COALESCE(MAX(number), 0) + 1, ?4, ?5, 'pending', ?6
                     FROM nodes WHERE clinic_id = ?2
                     RETURNING number",
                    params![id.to_string(), clinic.to_string(), name, code_hash, expires_at, now],
                    |r| r.get(0),
                )
                .map_err(lite("insert node"))?;
            tx.commit().map_err(lite("commit"))?;
            Ok(NewNode {
                id,
                number: u32::try_from(number).unwrap_or(0),
            })
        })
        .await
    }

    async fn enroll(
        &self,
        code_hash: &str,
        enrolled_name: &str,
        token_hash: &str,
        now: Millis,
    ) -> Result<Option<Enrolled>, StoreError> {
        let enrolled_name = check_name("node_name", enrolled_name)?;
        let (code_hash, token_hash) = (code_hash.to_owned(), token_hash.to_owned());
        self.call(move |conn| {
            let tx = immediate(conn)?;
            let row = tx
                .query_row(
                    "UPDATE nodes SET status = 'active', token_hash = ?2, enroll_code_hash = NULL,
                            enroll_expires_at = NULL, enrolled_at = ?3, token_issued_at = ?3, enrolled_name = ?4
                     WHERE enroll_code_hash = ?1 AND status = 'pending' AND enroll_expires_at > ?3
                     RETURNING id, clinic_id, number",
                    params![code_hash, token_hash, now, enrolled_name],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, i64>(2)?,
                        ))
                    },
                )
                .optional()
                .map_err(lite("enroll"))?;
            let Some((id, clinic, number)) = row else {
                return Ok(None);
            };
            let clinic_name: String = tx
                .query_row("SELECT name FROM clinics WHERE id = ?1", [&clinic], |r| {
                    r.get(0)
                })
                .map_err(lite("read clinic"))?;
            tx.commit().map_err(lite("commit"))?;
            Ok(Some(Enrolled {
                node_id: parse_uuid("nodes.id", &id)?,
                clinic_id: ClinicId(parse_uuid("nodes.clinic_id", &clinic)?),
                clinic_name,
                node_number: u32::try_from(number).unwrap_or(0),
            }))
        })
        .await
    }

    async fn authenticate(
        &self,
        token_hash: &str,
        now: Millis,
    ) -> Result<Option<NodeAuth>, StoreError> {
        let token_hash = token_hash.to_owned();
        self.call(move |conn| {
            let read = |conn: &rusqlite::Connection| {
                conn.query_row(
                    "SELECT id, clinic_id, status, token_issued_at,
                            next_token_hash IS ?1 AND status = 'active'
                     FROM nodes WHERE token_hash = ?1 OR next_token_hash = ?1",
                    [&token_hash],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, Option<i64>>(3)?,
                            r.get::<_, bool>(4)?,
                        ))
                    },
                )
                .optional()
                .map_err(lite("authenticate"))
            };
            let mut row = read(conn)?;
            // Only the next token's first use writes: it becomes the token (one
            // statement: atomic). Every request with the current token is a read alone,
            // so it never waits for the write lock (another process writing the file).
            if row.as_ref().is_some_and(|r| r.4) {
                conn.execute(
                    "UPDATE nodes SET token_hash = next_token_hash, next_token_hash = NULL,
                            next_token_stored_at = NULL, token_issued_at = ?2
                     WHERE next_token_hash = ?1 AND status = 'active'",
                    params![token_hash, now],
                )
                .map_err(lite("promote the next node token"))?;
                row = read(conn)?;
            }
            let Some((id, clinic, status, issued, _)) = row else {
                return Ok(None);
            };
            Ok(Some(NodeAuth {
                node_id: parse_uuid("nodes.id", &id)?,
                clinic_id: ClinicId(parse_uuid("nodes.clinic_id", &clinic)?),
                status: NodeStatus::parse(&status)?,
                token_issued_at: issued,
            }))
        })
        .await
    }

    async fn list_nodes(&self) -> Result<Vec<NodeInfo>, StoreError> {
        self.call(|conn| {
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT {NODE_COLUMNS} FROM nodes ORDER BY clinic_id, number"
                ))
                .map_err(lite("list nodes"))?;
            let rows = stmt
                .query_map([], node_info)
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .map_err(lite("list nodes"))?;
            rows.into_iter()
                .map(|(id, clinic, mut info, status)| {
                    info.id = parse_uuid("nodes.id", &id)?;
                    info.clinic_id = parse_uuid("nodes.clinic_id", &clinic)?;
                    info.status = NodeStatus::parse(&status)?.as_str();
                    Ok(info)
                })
                .collect()
        })
        .await
    }

    async fn revoke_node(&self, id: Uuid, _now: Millis) -> Result<bool, StoreError> {
        self.call(move |conn| {
            let n = conn
                .execute(
                    "UPDATE nodes SET status = 'revoked', enroll_code_hash = NULL, enroll_expires_at = NULL,
                    next_token_hash = NULL
                     WHERE id = ?1",
                    [id.to_string()],
                )
                .map_err(lite("revoke node"))?;
            Ok(n > 0)
        })
        .await
    }

    async fn inactive_among(&self, ids: &[Uuid]) -> Result<Vec<Uuid>, StoreError> {
        let ids = ids.to_vec();
        self.call(move |conn| {
            let mut stmt = conn
                .prepare_cached("SELECT status FROM nodes WHERE id = ?1")
                .map_err(lite("read node status"))?;
            let mut inactive = Vec::new();
            for id in ids {
                let status: Option<String> = stmt
                    .query_row([id.to_string()], |r| r.get(0))
                    .optional()
                    .map_err(lite("read node status"))?;
                if status.as_deref() != Some("active") {
                    inactive.push(id);
                }
            }
            Ok(inactive)
        })
        .await
    }

    async fn latest_seqs(&self, clinics: &[ClinicId]) -> Result<Vec<(ClinicId, u64)>, StoreError> {
        let clinics = clinics.to_vec();
        self.call(move |conn| {
            let mut out = Vec::with_capacity(clinics.len());
            for clinic in clinics {
                out.push((clinic, super::latest(conn, clinic)?));
            }
            Ok(out)
        })
        .await
    }

    async fn update_node(&self, id: Uuid, u: &NodeUpdate, now: Millis) -> Result<(), StoreError> {
        let u = u.clone();
        self.call(move |conn| {
            conn.execute(
                "UPDATE nodes SET last_seen_at = ?2,
                        app_version = COALESCE(?3, app_version),
                        cursor = COALESCE(?4, cursor),
                        outbox_count = COALESCE(?5, outbox_count),
                        outbox_bytes = COALESCE(?6, outbox_bytes),
                        outbox_oldest_age_ms = COALESCE(?7, outbox_oldest_age_ms),
                        last_error = CASE WHEN ?8 THEN ?9 ELSE last_error END,
                        last_sync_at = CASE WHEN ?10 THEN ?2 ELSE last_sync_at END,
                        delivered_seq = COALESCE(?11, delivered_seq)
                 WHERE id = ?1",
                params![
                    id.to_string(),
                    now,
                    u.app_version,
                    u.cursor.map(i64_of),
                    u.outbox.map(|o| i64_of(o.count)),
                    u.outbox.map(|o| i64_of(o.bytes)),
                    u.outbox.map(|o| i64_of(o.oldest_age_ms)),
                    u.last_error.is_some(),
                    u.last_error.clone().flatten(),
                    u.synced,
                    u.delivered.map(i64_of),
                ],
            )
            .map_err(lite("update node"))?;
            Ok(())
        })
        .await
    }

    async fn set_node_transport(
        &self,
        id: Uuid,
        transport: Option<&'static str>,
    ) -> Result<(), StoreError> {
        self.call(move |conn| {
            conn.execute(
                "UPDATE nodes SET transport = ?2 WHERE id = ?1",
                params![id.to_string(), transport],
            )
            .map_err(lite("record node transport"))?;
            Ok(())
        })
        .await
    }

    async fn session_started(&self, node: Uuid, now: Millis) -> Result<i64, StoreError> {
        self.call(move |conn| {
            let tx = immediate(conn)?;
            tx.execute(
                "INSERT INTO sync_sessions (node_id, started_at) VALUES (?1, ?2)",
                params![node.to_string(), now],
            )
            .map_err(lite("open session"))?;
            let id = tx.last_insert_rowid();
            tx.execute(
                "UPDATE nodes SET online = 1, last_seen_at = ?2 WHERE id = ?1",
                params![node.to_string(), now],
            )
            .map_err(lite("mark node online"))?;
            tx.commit().map_err(lite("commit"))?;
            Ok(id)
        })
        .await
    }

    async fn session_ended(
        &self,
        session: i64,
        node: Uuid,
        end: &SessionEnd,
        now: Millis,
    ) -> Result<(), StoreError> {
        let end = end.clone();
        self.call(move |conn| {
            let tx = immediate(conn)?;
            tx.execute(
                "UPDATE sync_sessions SET ended_at = ?2, frames_in = ?3, frames_out = ?4, bytes_in = ?5,
                        bytes_out = ?6, docs_in = ?7, docs_out = ?8, close_code = ?9, error = ?10
                 WHERE id = ?1",
                params![
                    session,
                    now,
                    i64_of(end.frames_in),
                    i64_of(end.frames_out),
                    i64_of(end.bytes_in),
                    i64_of(end.bytes_out),
                    i64_of(end.docs_in),
                    i64_of(end.docs_out),
                    end.close_code,
                    end.error,
                ],
            )
            .map_err(lite("close session"))?;
            tx.execute(
                "UPDATE nodes SET last_seen_at = ?2,
                        online = EXISTS (SELECT 1 FROM sync_sessions WHERE node_id = ?1 AND ended_at IS NULL)
                 WHERE id = ?1",
                params![node.to_string(), now],
            )
            .map_err(lite("mark node offline"))?;
            tx.commit().map_err(lite("commit"))?;
            Ok(())
        })
        .await
    }

    async fn prune_sessions(&self, ended_before: Millis, batch: u32) -> Result<u64, StoreError> {
        self.call(move |conn| {
            let tx = immediate(conn)?;
            let n = tx
                .execute(
                    "DELETE FROM sync_sessions WHERE id IN (
                         SELECT id FROM sync_sessions
                         WHERE ended_at IS NOT NULL AND ended_at < ?1
                         ORDER BY ended_at LIMIT ?2)",
                    params![ended_before, batch],
                )
                .map_err(lite("prune sessions"))?;
            tx.commit().map_err(lite("commit"))?;
            Ok(n as u64)
        })
        .await
    }

    async fn reset_online(&self, now: Millis) -> Result<(), StoreError> {
        self.call(move |conn| {
            let tx = immediate(conn)?;
            tx.execute(
                "UPDATE sync_sessions SET ended_at = ?1, error = 'hub restarted' WHERE ended_at IS NULL",
                [now],
            )
            .map_err(lite("close stale sessions"))?;
            tx.execute("UPDATE nodes SET online = 0 WHERE online", [])
                .map_err(lite("mark nodes offline"))?;
            tx.commit().map_err(lite("commit"))?;
            Ok(())
        })
        .await
    }

    fn watch(&self, _events: mpsc::UnboundedSender<StoreEvent>) -> Fut<'static, ()> {
        Box::pin(std::future::pending())
    }
}
