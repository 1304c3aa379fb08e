//! The Postgres store's [`OpsStore`]: admin users and the admin pages' reads.

use dermis_model::{ClinicId, Millis};
use sqlx::Row;
use sqlx::postgres::PgRow;
use uuid::Uuid;

use super::{MIGRATOR, PgStore, ms, pg, ts};
use crate::store::ops::normalize_username;
use crate::store::{
    AdminCredentials, ClinicInfo, OpsStore, SessionInfo, StoreError, StoreStats, u64_of,
};

/// Postgres' code for a unique constraint violation.
const UNIQUE_VIOLATION: &str = "23505";

fn session_info(row: &PgRow) -> Result<SessionInfo, sqlx::Error> {
    let count = |i: usize| -> Result<u64, sqlx::Error> { Ok(u64_of(row.try_get(i)?)) };
    Ok(SessionInfo {
        id: row.try_get(0)?,
        started_at: ms(row.try_get(1)?),
        ended_at: row.try_get::<Option<time::OffsetDateTime>, _>(2)?.map(ms),
        frames_in: count(3)?,
        frames_out: count(4)?,
        bytes_in: count(5)?,
        bytes_out: count(6)?,
        docs_in: count(7)?,
        docs_out: count(8)?,
        close_code: row
            .try_get::<Option<i32>, _>(9)?
            .and_then(|c| u16::try_from(c).ok()),
        error: row.try_get(10)?,
    })
}

impl OpsStore for PgStore {
    async fn create_admin(
        &self,
        username: &str,
        password_hash: &str,
        now: Millis,
    ) -> Result<Uuid, StoreError> {
        let username = normalize_username(username)?;
        let id = Uuid::now_v7();
        let done = sqlx::query(
            "INSERT INTO admin_users (id, username, password_hash, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(id)
        .bind(&username)
        .bind(password_hash)
        .bind(ts(now))
        .execute(self.pool())
        .await;
        match done {
            Ok(_) => Ok(id),
            Err(sqlx::Error::Database(db)) if db.code().as_deref() == Some(UNIQUE_VIOLATION) => {
                Err(StoreError::AdminExists { username })
            }
            Err(e) => Err(pg("insert admin")(e)),
        }
    }

    async fn set_admin_password(
        &self,
        username: &str,
        password_hash: &str,
        now: Millis,
    ) -> Result<bool, StoreError> {
        let username = normalize_username(username)?;
        let done = sqlx::query(
            "UPDATE admin_users SET password_hash = $2, updated_at = $3,
                    token_version = token_version + 1
             WHERE username = $1",
        )
        .bind(&username)
        .bind(password_hash)
        .bind(ts(now))
        .execute(self.pool())
        .await
        .map_err(pg("update admin"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn admin_credentials(
        &self,
        username: &str,
    ) -> Result<Option<AdminCredentials>, StoreError> {
        // A name that cannot exist is simply not found: the caller answers as for a
        // wrong password.
        let Ok(username) = normalize_username(username) else {
            return Ok(None);
        };
        let row = sqlx::query(
            "SELECT id, username, password_hash, token_version FROM admin_users
             WHERE username = $1",
        )
        .bind(&username)
        .fetch_optional(self.pool())
        .await
        .map_err(pg("read admin"))?;
        let Some(row) = row else {
            return Ok(None);
        };
        let read = |row: &PgRow| -> Result<AdminCredentials, sqlx::Error> {
            Ok(AdminCredentials {
                id: row.try_get(0)?,
                username: row.try_get(1)?,
                password_hash: row.try_get(2)?,
                token_version: u64_of(row.try_get(3)?),
            })
        };
        read(&row).map(Some).map_err(pg("read admin"))
    }

    async fn admin_logged_in(&self, id: Uuid, now: Millis) -> Result<(), StoreError> {
        sqlx::query("UPDATE admin_users SET last_login_at = $2 WHERE id = $1")
            .bind(id)
            .bind(ts(now))
            .execute(self.pool())
            .await
            .map_err(pg("record admin login"))?;
        Ok(())
    }

    async fn list_clinics(&self) -> Result<Vec<ClinicInfo>, StoreError> {
        let rows = sqlx::query("SELECT id, name, seq, created_at FROM clinics ORDER BY name, id")
            .fetch_all(self.pool())
            .await
            .map_err(pg("list clinics"))?;
        rows.iter()
            .map(|row| -> Result<ClinicInfo, sqlx::Error> {
                Ok(ClinicInfo {
                    id: ClinicId(row.try_get(0)?),
                    name: row.try_get(1)?,
                    seq: u64_of(row.try_get(2)?),
                    created_at: ms(row.try_get(3)?),
                })
            })
            .collect::<Result<_, _>>()
            .map_err(pg("read clinic"))
    }

    async fn node_sessions(&self, node: Uuid, limit: u32) -> Result<Vec<SessionInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, started_at, ended_at, frames_in, frames_out, bytes_in, bytes_out,
                    docs_in, docs_out, close_code, error
             FROM sync_sessions WHERE node_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2",
        )
        .bind(node)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await
        .map_err(pg("list sessions"))?;
        rows.iter()
            .map(session_info)
            .collect::<Result<_, _>>()
            .map_err(pg("read session"))
    }

    async fn stats(&self) -> Result<StoreStats, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT count(*) FROM clinics),
                    (SELECT count(*) FROM nodes),
                    (SELECT count(*) FROM docs),
                    (SELECT COALESCE(sum(octet_length(snapshot)), 0)::bigint FROM docs)
                      + (SELECT COALESCE(sum(octet_length(data)), 0)::bigint FROM doc_changes),
                    (SELECT count(*) FROM sync_sessions),
                    (SELECT count(*) FROM admin_users),
                    pg_database_size(current_database())",
        )
        .fetch_one(self.pool())
        .await
        .map_err(pg("read stats"))?;
        let read = |row: &PgRow| -> Result<StoreStats, sqlx::Error> {
            let n = |i: usize| -> Result<u64, sqlx::Error> { Ok(u64_of(row.try_get(i)?)) };
            Ok(StoreStats {
                backend: "postgres",
                clinics: n(0)?,
                nodes: n(1)?,
                docs: n(2)?,
                doc_bytes: n(3)?,
                sessions: n(4)?,
                admins: n(5)?,
                database_bytes: Some(n(6)?),
            })
        };
        read(&row).map_err(pg("read stats"))
    }

    async fn schema_complete(&self) -> Result<bool, StoreError> {
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(self.pool())
                .await
                .map_err(pg("read migrations"))?;
        Ok(MIGRATOR.iter().all(|m| applied.contains(&m.version)))
    }
}
