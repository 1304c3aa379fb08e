//! The embedded store's [`ApiKeyStore`].

use dermis_model::{ClinicId, Millis};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use uuid::Uuid;

use super::{SqliteStore, lite, parse_uuid};
use crate::store::api_keys::{
    ApiKeyAuth, ApiKeyInfo, ApiKeyScope, ApiKeyStore, ApiKeyUse, NewApiKey,
};
use crate::store::{StoreError, check_name};

type InfoRow = (
    String,
    String,
    String,
    String,
    Millis,
    Option<Millis>,
    Option<Millis>,
);

fn info(row: InfoRow) -> Result<ApiKeyInfo, StoreError> {
    let (id, clinic, name, scope, created_at, revoked_at, last_used_at) = row;
    Ok(ApiKeyInfo {
        id: parse_uuid("api_keys.id", &id)?,
        clinic_id: parse_uuid("api_keys.clinic_id", &clinic)?,
        name,
        scope: ApiKeyScope::from_row(&scope)?,
        created_at,
        revoked_at,
        last_used_at,
    })
}

impl ApiKeyStore for SqliteStore {
    async fn add_api_key(&self, key: &NewApiKey, now: Millis) -> Result<(), StoreError> {
        let name = check_name("name", &key.name)?;
        let key = key.clone();
        self.call(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(lite("begin"))?;
            let found = tx
                .query_row(
                    "SELECT 1 FROM clinics WHERE id = ?1",
                    [key.clinic.to_string()],
                    |_| Ok(()),
                )
                .optional()
                .map_err(lite("read clinic"))?;
            if found.is_none() {
                return Err(StoreError::UnknownClinic { id: key.clinic });
            }
            tx.execute(
                "INSERT INTO api_keys (id, clinic_id, name, scope, secret_hash, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    key.id.to_string(),
                    key.clinic.to_string(),
                    name,
                    key.scope.as_str(),
                    key.secret_hash,
                    now
                ],
            )
            .map_err(lite("insert api key"))?;
            tx.commit().map_err(lite("commit api key"))
        })
        .await
    }

    async fn list_api_keys(&self) -> Result<Vec<ApiKeyInfo>, StoreError> {
        self.call(|conn| {
            let mut stmt = conn
                .prepare(
                    "SELECT id, clinic_id, name, scope, created_at, revoked_at, last_used_at
                     FROM api_keys ORDER BY created_at, id",
                )
                .map_err(lite("list api keys"))?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                })
                .map_err(lite("list api keys"))?
                .collect::<Result<Vec<InfoRow>, _>>()
                .map_err(lite("read api key"))?;
            rows.into_iter().map(info).collect()
        })
        .await
    }

    async fn revoke_api_key(&self, id: Uuid, now: Millis) -> Result<bool, StoreError> {
        self.call(move |conn| {
            let n = conn
                .execute(
                    "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1",
                    params![id.to_string(), now],
                )
                .map_err(lite("revoke api key"))?;
            Ok(n > 0)
        })
        .await
    }

    async fn api_key_by_hash(&self, secret_hash: &str) -> Result<Option<ApiKeyAuth>, StoreError> {
        let secret_hash = secret_hash.to_owned();
        self.call(move |conn| {
            let row: Option<(String, String, String, bool)> = conn
                .query_row(
                    "SELECT id, clinic_id, scope, revoked_at IS NOT NULL FROM api_keys
                     WHERE secret_hash = ?1",
                    [secret_hash],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()
                .map_err(lite("read api key"))?;
            row.map(|(id, clinic, scope, revoked)| {
                Ok(ApiKeyAuth {
                    id: parse_uuid("api_keys.id", &id)?,
                    clinic: ClinicId(parse_uuid("api_keys.clinic_id", &clinic)?),
                    scope: ApiKeyScope::from_row(&scope)?,
                    revoked,
                })
            })
            .transpose()
        })
        .await
    }

    async fn record_api_key_use(&self, used: &ApiKeyUse) -> Result<(), StoreError> {
        let used = used.clone();
        self.call(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(lite("begin"))?;
            tx.execute(
                "INSERT INTO api_key_uses (key_id, method, route, status, at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    used.key_id.to_string(),
                    used.method,
                    used.route,
                    used.status,
                    used.at
                ],
            )
            .map_err(lite("record api key use"))?;
            tx.execute(
                "UPDATE api_keys SET last_used_at = MAX(COALESCE(last_used_at, ?2), ?2)
                 WHERE id = ?1",
                params![used.key_id.to_string(), used.at],
            )
            .map_err(lite("record api key last use"))?;
            tx.commit().map_err(lite("commit api key use"))
        })
        .await
    }

    async fn api_key_uses(&self, key: Uuid, limit: u32) -> Result<Vec<ApiKeyUse>, StoreError> {
        self.call(move |conn| {
            let mut stmt = conn
                .prepare(
                    "SELECT method, route, status, at FROM api_key_uses
                     WHERE key_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2",
                )
                .map_err(lite("list api key uses"))?;
            stmt.query_map(params![key.to_string(), limit], |r| {
                Ok(ApiKeyUse {
                    key_id: key,
                    method: r.get(0)?,
                    route: r.get(1)?,
                    status: r.get(2)?,
                    at: r.get(3)?,
                })
            })
            .map_err(lite("list api key uses"))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(lite("read api key use"))
        })
        .await
    }
}
