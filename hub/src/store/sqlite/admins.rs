//! The embedded store's [`AdminStore`].

use std::collections::HashMap;

use dermis_model::{ClinicId, Millis};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use uuid::Uuid;

use super::{SqliteStore, lite, parse_uuid};
use crate::store::ops::normalize_username;
use crate::store::{AdminAccount, AdminInfo, AdminStore, NewAdmin, Scope, StoreError, u64_of};

/// The clinics of a limited admin.
fn clinics_of(conn: &Connection, admin: &str) -> Result<Vec<ClinicId>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT clinic_id FROM admin_clinics WHERE admin_id = ?1 ORDER BY clinic_id",
        )
        .map_err(lite("read admin clinics"))?;
    let ids = stmt
        .query_map([admin], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(lite("read admin clinics"))?;
    ids.iter()
        .map(|id| Ok(ClinicId(parse_uuid("admin_clinics.clinic_id", id)?)))
        .collect()
}

impl AdminStore for SqliteStore {
    async fn add_admin(&self, admin: &NewAdmin, now: Millis) -> Result<Uuid, StoreError> {
        let username = normalize_username(&admin.username)?;
        let hash = admin.password_hash.clone();
        let scope = admin.scope.clone();
        self.call(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(lite("begin"))?;
            for clinic in scope.clinics().unwrap_or_default() {
                let exists = tx
                    .query_row(
                        "SELECT 1 FROM clinics WHERE id = ?1",
                        [clinic.to_string()],
                        |_| Ok(()),
                    )
                    .optional()
                    .map_err(lite("find clinic"))?;
                if exists.is_none() {
                    return Err(StoreError::UnknownClinic { id: *clinic });
                }
            }
            let id = Uuid::now_v7();
            let done = tx.execute(
                "INSERT INTO admin_users (id, username, password_hash, created_at, updated_at,
                                          all_clinics)
                 VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
                params![id.to_string(), username, hash, now, scope.is_all()],
            );
            match done {
                Ok(_) => {}
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
                {
                    return Err(StoreError::AdminExists { username });
                }
                Err(e) => return Err(lite("insert admin")(e)),
            }
            for clinic in scope.clinics().unwrap_or_default() {
                tx.execute(
                    "INSERT OR IGNORE INTO admin_clinics (admin_id, clinic_id) VALUES (?1, ?2)",
                    params![id.to_string(), clinic.to_string()],
                )
                .map_err(lite("insert admin clinic"))?;
            }
            tx.commit().map_err(lite("commit"))?;
            Ok(id)
        })
        .await
    }

    async fn list_admins(&self) -> Result<Vec<AdminInfo>, StoreError> {
        self.call(|conn| {
            let tx = conn.transaction().map_err(lite("begin"))?;
            let mut clinics: HashMap<String, Vec<ClinicId>> = HashMap::new();
            {
                let mut stmt = tx
                    .prepare("SELECT admin_id, clinic_id FROM admin_clinics ORDER BY clinic_id")
                    .map_err(lite("list admin clinics"))?;
                let rows = stmt
                    .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
                    .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                    .map_err(lite("list admin clinics"))?;
                for (admin, clinic) in rows {
                    let clinic = ClinicId(parse_uuid("admin_clinics.clinic_id", &clinic)?);
                    clinics.entry(admin).or_default().push(clinic);
                }
            }
            let mut stmt = tx
                .prepare(
                    "SELECT id, username, all_clinics, created_at, last_login_at
                     FROM admin_users ORDER BY username",
                )
                .map_err(lite("list admins"))?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, bool>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                    ))
                })
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .map_err(lite("list admins"))?;
            rows.into_iter()
                .map(|(id, username, all, created_at, last_login_at)| {
                    let scope = if all {
                        Scope::All
                    } else {
                        Scope::Clinics(clinics.remove(&id).unwrap_or_default())
                    };
                    Ok(AdminInfo {
                        id: parse_uuid("admin_users.id", &id)?,
                        username,
                        scope,
                        created_at,
                        last_login_at,
                    })
                })
                .collect()
        })
        .await
    }

    async fn admin_account(&self, id: Uuid) -> Result<Option<AdminAccount>, StoreError> {
        self.call(move |conn| {
            let tx = conn.transaction().map_err(lite("begin"))?;
            let row = tx
                .query_row(
                    "SELECT id, username, token_version, all_clinics FROM admin_users
                     WHERE id = ?1",
                    [id.to_string()],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, i64>(2)?,
                            r.get::<_, bool>(3)?,
                        ))
                    },
                )
                .optional()
                .map_err(lite("read admin"))?;
            let Some((id, username, version, all)) = row else {
                return Ok(None);
            };
            let scope = if all {
                Scope::All
            } else {
                Scope::Clinics(clinics_of(&tx, &id)?)
            };
            Ok(Some(AdminAccount {
                id: parse_uuid("admin_users.id", &id)?,
                username,
                token_version: u64_of(version),
                scope,
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
