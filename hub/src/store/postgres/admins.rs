//! The Postgres store's [`AdminStore`].

use dermis_model::Millis;
use sqlx::Row;
use uuid::Uuid;

use super::{PgStore, pg, ts};
use crate::store::ops::normalize_username;
use crate::store::{AdminAccount, AdminStore, StoreError, u64_of};

impl AdminStore for PgStore {
    async fn admin_account(&self, id: Uuid) -> Result<Option<AdminAccount>, StoreError> {
        let row = sqlx::query("SELECT id, username, token_version FROM admin_users WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(pg("read admin"))?;
        let Some(row) = row else {
            return Ok(None);
        };
        let read = |row: &sqlx::postgres::PgRow| -> Result<AdminAccount, sqlx::Error> {
            Ok(AdminAccount {
                id: row.try_get(0)?,
                username: row.try_get(1)?,
                token_version: u64_of(row.try_get(2)?),
            })
        };
        read(&row).map(Some).map_err(pg("read admin"))
    }

    async fn remove_admin(&self, username: &str) -> Result<bool, StoreError> {
        let username = normalize_username(username)?;
        let done = sqlx::query("DELETE FROM admin_users WHERE username = $1")
            .bind(&username)
            .execute(self.pool())
            .await
            .map_err(pg("remove admin"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn end_admin_tokens(&self, username: &str, now: Millis) -> Result<bool, StoreError> {
        let username = normalize_username(username)?;
        let done = sqlx::query(
            "UPDATE admin_users SET token_version = token_version + 1, updated_at = $2
             WHERE username = $1",
        )
        .bind(&username)
        .bind(ts(now))
        .execute(self.pool())
        .await
        .map_err(pg("end admin tokens"))?;
        Ok(done.rows_affected() > 0)
    }
}
