//! The Postgres store's [`ApiKeyStore`].

use dermis_model::{ClinicId, Millis};
use sqlx::Row;
use sqlx::postgres::PgRow;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{PgStore, ms, pg, ts};
use crate::store::api_keys::{
    ApiKeyAuth, ApiKeyInfo, ApiKeyScope, ApiKeyStore, ApiKeyUse, NewApiKey,
};
use crate::store::{StoreError, check_name};

fn info(row: &PgRow) -> Result<ApiKeyInfo, sqlx::Error> {
    let scope: String = row.try_get(3)?;
    let revoked: Option<OffsetDateTime> = row.try_get(5)?;
    let used: Option<OffsetDateTime> = row.try_get(6)?;
    Ok(ApiKeyInfo {
        id: row.try_get(0)?,
        clinic_id: row.try_get(1)?,
        name: row.try_get(2)?,
        scope: ApiKeyScope::from_row(&scope).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        created_at: ms(row.try_get(4)?),
        revoked_at: revoked.map(ms),
        last_used_at: used.map(ms),
    })
}

impl ApiKeyStore for PgStore {
    async fn add_api_key(&self, key: &NewApiKey, now: Millis) -> Result<(), StoreError> {
        let name = check_name("name", &key.name)?;
        let mut tx = self.pool().begin().await.map_err(pg("begin"))?;
        let found: Option<i32> = sqlx::query_scalar("SELECT 1 FROM clinics WHERE id = $1")
            .bind(key.clinic.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(pg("read clinic"))?;
        if found.is_none() {
            return Err(StoreError::UnknownClinic { id: key.clinic });
        }
        sqlx::query(
            "INSERT INTO api_keys (id, clinic_id, name, scope, secret_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(key.id)
        .bind(key.clinic.0)
        .bind(name)
        .bind(key.scope.as_str())
        .bind(&key.secret_hash)
        .bind(ts(now))
        .execute(&mut *tx)
        .await
        .map_err(pg("insert api key"))?;
        tx.commit().await.map_err(pg("commit api key"))
    }

    async fn list_api_keys(&self) -> Result<Vec<ApiKeyInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, clinic_id, name, scope, created_at, revoked_at, last_used_at
             FROM api_keys ORDER BY created_at, id",
        )
        .fetch_all(self.pool())
        .await
        .map_err(pg("list api keys"))?;
        rows.iter()
            .map(info)
            .collect::<Result<_, _>>()
            .map_err(pg("read api key"))
    }

    async fn revoke_api_key(&self, id: Uuid, now: Millis) -> Result<bool, StoreError> {
        let done =
            sqlx::query("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1")
                .bind(id)
                .bind(ts(now))
                .execute(self.pool())
                .await
                .map_err(pg("revoke api key"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn api_key_by_hash(&self, secret_hash: &str) -> Result<Option<ApiKeyAuth>, StoreError> {
        let row = sqlx::query(
            "SELECT id, clinic_id, scope, revoked_at IS NOT NULL FROM api_keys
             WHERE secret_hash = $1",
        )
        .bind(secret_hash)
        .fetch_optional(self.pool())
        .await
        .map_err(pg("read api key"))?;
        let Some(row) = row else {
            return Ok(None);
        };
        let read = || -> Result<(Uuid, Uuid, String, bool), sqlx::Error> {
            Ok((
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
            ))
        };
        let (id, clinic, scope, revoked) = read().map_err(pg("read api key"))?;
        Ok(Some(ApiKeyAuth {
            id,
            clinic: ClinicId(clinic),
            scope: ApiKeyScope::from_row(&scope)?,
            revoked,
        }))
    }

    async fn record_api_key_use(&self, used: &ApiKeyUse) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await.map_err(pg("begin"))?;
        sqlx::query(
            "INSERT INTO api_key_uses (key_id, method, route, status, at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(used.key_id)
        .bind(&used.method)
        .bind(&used.route)
        .bind(i32::from(used.status))
        .bind(ts(used.at))
        .execute(&mut *tx)
        .await
        .map_err(pg("record api key use"))?;
        sqlx::query(
            "UPDATE api_keys SET last_used_at = GREATEST(COALESCE(last_used_at, $2), $2)
             WHERE id = $1",
        )
        .bind(used.key_id)
        .bind(ts(used.at))
        .execute(&mut *tx)
        .await
        .map_err(pg("record api key last use"))?;
        tx.commit().await.map_err(pg("commit api key use"))
    }

    async fn api_key_uses(&self, key: Uuid, limit: u32) -> Result<Vec<ApiKeyUse>, StoreError> {
        let rows = sqlx::query(
            "SELECT key_id, method, route, status, at FROM api_key_uses
             WHERE key_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(key)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await
        .map_err(pg("list api key uses"))?;
        rows.iter()
            .map(|row| -> Result<ApiKeyUse, sqlx::Error> {
                let status: i32 = row.try_get(3)?;
                Ok(ApiKeyUse {
                    key_id: row.try_get(0)?,
                    method: row.try_get(1)?,
                    route: row.try_get(2)?,
                    status: u16::try_from(status).unwrap_or(0),
                    at: ms(row.try_get(4)?),
                })
            })
            .collect::<Result<_, _>>()
            .map_err(pg("read api key use"))
    }
}
