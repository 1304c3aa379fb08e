//! The embedded store's [`AdminStore`].

use dermis_model::Millis;
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::{SqliteStore, lite, parse_uuid};
use crate::store::ops::normalize_username;
use crate::store::{AdminAccount, AdminStore, StoreError, u64_of};

impl AdminStore for SqliteStore {
    async fn admin_account(&self, id: Uuid) -> Result<Option<AdminAccount>, StoreError> {
        self.call(move |conn| {
            let row = conn
                .query_row(
                    "SELECT id, username, token_version FROM admin_users WHERE id = ?1",
                    [id.to_string()],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, i64>(2)?,
                        ))
                    },
                )
                .optional()
                .map_err(lite("read admin"))?;
            let Some((id, username, version)) = row else {
                return Ok(None);
            };
            Ok(Some(AdminAccount {
                id: parse_uuid("admin_users.id", &id)?,
                username,
                token_version: u64_of(version),
            }))
        })
        .await
    }

    async fn remove_admin(&self, username: &str) -> Result<bool, StoreError> {
        let username = normalize_username(username)?;
        self.call(move |conn| {
            let n = conn
                .execute("DELETE FROM admin_users WHERE username = ?1", [username])
                .map_err(lite("remove admin"))?;
            Ok(n > 0)
        })
        .await
    }

    async fn end_admin_tokens(&self, username: &str, now: Millis) -> Result<bool, StoreError> {
        let username = normalize_username(username)?;
        self.call(move |conn| {
            let n = conn
                .execute(
                    "UPDATE admin_users SET token_version = token_version + 1, updated_at = ?2
                     WHERE username = ?1",
                    params![username, now],
                )
                .map_err(lite("end admin tokens"))?;
            Ok(n > 0)
        })
        .await
    }
}
