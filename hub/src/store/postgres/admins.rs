//! The Postgres store's [`AdminStore`].

use std::collections::HashMap;

use dermis_model::{ClinicId, Millis};
use sqlx::Row;
use sqlx::postgres::PgRow;
use uuid::Uuid;

use super::{PgStore, ms, pg, ts};
use crate::store::admins::NO_PASSWORD;
use crate::store::ops::normalize_username;
use crate::store::{AdminAccount, AdminInfo, AdminStore, NewAdmin, Scope, StoreError, u64_of};

/// Postgres' code for a unique constraint violation.
const UNIQUE_VIOLATION: &str = "23505";

impl AdminStore for PgStore {
    async fn add_admin(&self, admin: &NewAdmin, now: Millis) -> Result<Uuid, StoreError> {
        let username = normalize_username(&admin.username)?;
        let clinics: Vec<Uuid> = admin
            .scope
            .clinics()
            .unwrap_or_default()
            .iter()
            .map(|c| c.0)
            .collect();
        let mut tx = self.pool().begin().await.map_err(pg("begin"))?;
        let known: Vec<Uuid> =
            sqlx::query_scalar("SELECT id FROM clinics WHERE id = ANY($1) FOR SHARE")
                .bind(&clinics)
                .fetch_all(&mut *tx)
                .await
                .map_err(pg("find clinics"))?;
        if let Some(missing) = clinics.iter().find(|c| !known.contains(c)) {
            return Err(StoreError::UnknownClinic {
                id: ClinicId(*missing),
            });
        }
        for (field, sql, value) in [
            (
                "email",
                "SELECT 1 FROM admin_users WHERE email = $1",
                &admin.email,
            ),
            (
                "oidc_subject",
                "SELECT 1 FROM admin_users WHERE oidc_subject = $1",
                &admin.oidc_subject,
            ),
        ] {
            let Some(value) = value else { continue };
            let taken: Option<i32> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(value)
                .fetch_optional(&mut *tx)
                .await
                .map_err(pg("find admin identity"))?;
            if taken.is_some() {
                return Err(StoreError::Invalid {
                    field,
                    reason: "another admin has it".into(),
                });
            }
        }
        let id = Uuid::now_v7();
        let done = sqlx::query(
            "INSERT INTO admin_users (id, username, password_hash, created_at, updated_at,
                                      all_clinics, email, oidc_subject)
             VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(&username)
        .bind(&admin.password_hash)
        .bind(ts(now))
        .bind(admin.scope.is_all())
        .bind(&admin.email)
        .bind(&admin.oidc_subject)
        .execute(&mut *tx)
        .await;
        match done {
            Ok(_) => {}
            Err(sqlx::Error::Database(db)) if db.code().as_deref() == Some(UNIQUE_VIOLATION) => {
                return Err(StoreError::AdminExists { username });
            }
            Err(e) => return Err(pg("insert admin")(e)),
        }
        sqlx::query(
            "INSERT INTO admin_clinics (admin_id, clinic_id)
             SELECT $1, c FROM unnest($2::uuid[]) AS c ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(&clinics)
        .execute(&mut *tx)
        .await
        .map_err(pg("insert admin clinics"))?;
        tx.commit().await.map_err(pg("commit"))?;
        Ok(id)
    }

    async fn list_admins(&self) -> Result<Vec<AdminInfo>, StoreError> {
        let mut tx = self.pool().begin().await.map_err(pg("begin"))?;
        let links: Vec<(Uuid, Uuid)> =
            sqlx::query_as("SELECT admin_id, clinic_id FROM admin_clinics ORDER BY clinic_id")
                .fetch_all(&mut *tx)
                .await
                .map_err(pg("list admin clinics"))?;
        let rows = sqlx::query(
            "SELECT id, username, all_clinics, created_at, last_login_at, email, oidc_subject,
                    password_hash
             FROM admin_users ORDER BY username",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(pg("list admins"))?;
        tx.commit().await.map_err(pg("commit"))?;
        let mut clinics: HashMap<Uuid, Vec<ClinicId>> = HashMap::new();
        for (admin, clinic) in links {
            clinics.entry(admin).or_default().push(ClinicId(clinic));
        }
        rows.iter()
            .map(|row| -> Result<AdminInfo, sqlx::Error> {
                let id: Uuid = row.try_get(0)?;
                let scope = if row.try_get(2)? {
                    Scope::All
                } else {
                    Scope::Clinics(clinics.remove(&id).unwrap_or_default())
                };
                Ok(AdminInfo {
                    id,
                    username: row.try_get(1)?,
                    scope,
                    email: row.try_get(5)?,
                    oidc_subject: row.try_get(6)?,
                    password: row.try_get::<String, _>(7)? != NO_PASSWORD,
                    created_at: ms(row.try_get(3)?),
                    last_login_at: row.try_get::<Option<time::OffsetDateTime>, _>(4)?.map(ms),
                })
            })
            .collect::<Result<_, _>>()
            .map_err(pg("read admin"))
    }

    async fn admin_for_identity(
        &self,
        subject: &str,
        verified_email: Option<&str>,
    ) -> Result<Option<AdminAccount>, StoreError> {
        let id: Option<Uuid> = sqlx::query_scalar(
            "SELECT id FROM (
                 SELECT id, 0 AS rank FROM admin_users WHERE oidc_subject = $1
                 UNION ALL
                 SELECT id, 1 FROM admin_users
                 WHERE $2::text IS NOT NULL AND email = $2 AND oidc_subject IS NULL
             ) AS found ORDER BY rank LIMIT 1",
        )
        .bind(subject)
        .bind(verified_email)
        .fetch_optional(self.pool())
        .await
        .map_err(pg("find admin identity"))?;
        match id {
            Some(id) => self.admin_account(id).await,
            None => Ok(None),
        }
    }

    async fn admin_account(&self, id: Uuid) -> Result<Option<AdminAccount>, StoreError> {
        // One statement, so the scope and the version are read together.
        let row = sqlx::query(
            "SELECT a.id, a.username, a.token_version, a.all_clinics,
                    COALESCE(array_agg(c.clinic_id ORDER BY c.clinic_id)
                             FILTER (WHERE c.clinic_id IS NOT NULL), '{}')
             FROM admin_users a LEFT JOIN admin_clinics c ON c.admin_id = a.id
             WHERE a.id = $1
             GROUP BY a.id",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .map_err(pg("read admin"))?;
        let Some(row) = row else {
            return Ok(None);
        };
        let read = |row: &PgRow| -> Result<AdminAccount, sqlx::Error> {
            let scope = if row.try_get(3)? {
                Scope::All
            } else {
                let clinics: Vec<Uuid> = row.try_get(4)?;
                Scope::Clinics(clinics.into_iter().map(ClinicId).collect())
            };
            Ok(AdminAccount {
                id: row.try_get(0)?,
                username: row.try_get(1)?,
                token_version: u64_of(row.try_get(2)?),
                scope,
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
