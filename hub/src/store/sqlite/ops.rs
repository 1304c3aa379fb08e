//! The embedded store's [`OpsStore`]: admin users and the admin pages' reads.

use dermis_model::{ClinicId, Millis};
use rusqlite::{OptionalExtension, Row, params};
use uuid::Uuid;

use super::{SqliteStore, lite, migrate, parse_uuid};
use crate::store::ops::normalize_username;
use crate::store::{
    AdminCredentials, ClinicInfo, OpsStore, SessionInfo, StoreError, StoreStats, u64_of,
};

fn session_info(r: &Row<'_>) -> rusqlite::Result<SessionInfo> {
    let count = |i: usize| -> rusqlite::Result<u64> { Ok(u64_of(r.get(i)?)) };
    Ok(SessionInfo {
        id: r.get(0)?,
        started_at: r.get(1)?,
        ended_at: r.get(2)?,
        frames_in: count(3)?,
        frames_out: count(4)?,
        bytes_in: count(5)?,
        bytes_out: count(6)?,
        docs_in: count(7)?,
        docs_out: count(8)?,
        close_code: r
            .get::<_, Option<i64>>(9)?
            .and_then(|c| u16::try_from(c).ok()),
        error: r.get(10)?,
    })
}

impl OpsStore for SqliteStore {
    async fn create_admin(
        &self,
        username: &str,
        password_hash: &str,
        now: Millis,
    ) -> Result<Uuid, StoreError> {
        let username = normalize_username(username)?;
        let hash = password_hash.to_owned();
        self.call(move |conn| {
            let id = Uuid::now_v7();
            let done = conn.execute(
                "INSERT INTO admin_users (id, username, password_hash, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?4)",
                params![id.to_string(), username, hash, now],
            );
            match done {
                Ok(_) => Ok(id),
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
                {
                    Err(StoreError::AdminExists { username })
                }
                Err(e) => Err(lite("insert admin")(e)),
            }
        })
        .await
    }

    async fn set_admin_password(
        &self,
        username: &str,
        password_hash: &str,
        now: Millis,
    ) -> Result<bool, StoreError> {
        let username = normalize_username(username)?;
        let hash = password_hash.to_owned();
        self.call(move |conn| {
            let n = conn
                .execute(
                    "UPDATE admin_users SET password_hash = ?2, updated_at = ?3,
                            token_version = token_version + 1
                     WHERE username = ?1",
                    params![username, hash, now],
                )
                .map_err(lite("update admin"))?;
            Ok(n > 0)
        })
        .await
    }

    async fn admin_credentials(
        &self,
        username: &str,
    ) -> Result<Option<AdminCredentials>, StoreError> {
        let Ok(username) = normalize_username(username) else {
            return Ok(None);
        };
        self.call(move |conn| {
            let row = conn
                .query_row(
                    "SELECT id, username, password_hash, token_version FROM admin_users
                     WHERE username = ?1",
                    [username],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, i64>(3)?,
                        ))
                    },
                )
                .optional()
                .map_err(lite("read admin"))?;
            let Some((id, username, password_hash, version)) = row else {
                return Ok(None);
            };
            Ok(Some(AdminCredentials {
                id: parse_uuid("admin_users.id", &id)?,
                username,
                password_hash,
                token_version: u64_of(version),
            }))
        })
        .await
    }

    async fn admin_logged_in(&self, id: Uuid, now: Millis) -> Result<(), StoreError> {
        self.call(move |conn| {
            conn.execute(
                "UPDATE admin_users SET last_login_at = ?2 WHERE id = ?1",
                params![id.to_string(), now],
            )
            .map_err(lite("record admin login"))?;
            Ok(())
        })
        .await
    }

    async fn list_clinics(&self) -> Result<Vec<ClinicInfo>, StoreError> {
        self.call(|conn| {
            let mut stmt = conn
                .prepare_cached("SELECT id, name, seq, created_at FROM clinics ORDER BY name, id")
                .map_err(lite("list clinics"))?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                })
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .map_err(lite("list clinics"))?;
            rows.into_iter()
                .map(|(id, name, seq, created_at)| {
                    Ok(ClinicInfo {
                        id: ClinicId(parse_uuid("clinics.id", &id)?),
                        name,
                        seq: u64_of(seq),
                        created_at,
                    })
                })
                .collect()
        })
        .await
    }

    async fn node_sessions(&self, node: Uuid, limit: u32) -> Result<Vec<SessionInfo>, StoreError> {
        self.call(move |conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT id, started_at, ended_at, frames_in, frames_out, bytes_in, bytes_out,
                            docs_in, docs_out, close_code, error
                     FROM sync_sessions WHERE node_id = ?1
                     ORDER BY started_at DESC, id DESC LIMIT ?2",
                )
                .map_err(lite("list sessions"))?;
            stmt.query_map(params![node.to_string(), limit], session_info)
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .map_err(lite("list sessions"))
        })
        .await
    }

    async fn stats(&self) -> Result<StoreStats, StoreError> {
        self.call(|conn| {
            let tx = conn.transaction().map_err(lite("begin"))?;
            let n = |sql: &str| -> Result<u64, StoreError> {
                tx.query_row(sql, [], |r| r.get::<_, i64>(0))
                    .map(u64_of)
                    .map_err(lite("read stats"))
            };
            Ok(StoreStats {
                backend: "sqlite",
                clinics: n("SELECT count(*) FROM clinics")?,
                nodes: n("SELECT count(*) FROM nodes")?,
                docs: n("SELECT count(*) FROM docs")?,
                doc_bytes: n("SELECT COALESCE(sum(length(snapshot)), 0) FROM docs")?
                    + n("SELECT COALESCE(sum(length(data)), 0) FROM doc_changes")?,
                sessions: n("SELECT count(*) FROM sync_sessions")?,
                admins: n("SELECT count(*) FROM admin_users")?,
                database_bytes: Some(n(
                    "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
                )?),
            })
        })
        .await
    }

    async fn schema_complete(&self) -> Result<bool, StoreError> {
        self.call(|conn| migrate::complete(conn)).await
    }
}
