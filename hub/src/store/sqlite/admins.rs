//! The embedded store's [`AdminStore`].

use std::collections::HashMap;

use dermis_model::{ClinicId, Millis};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use uuid::Uuid;

use super::{SqliteStore, lite, parse_uuid};
use crate::store::admins::NO_PASSWORD;
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

/// The admin with this id, its scope read in the same transaction.
fn account(conn: &mut Connection, id: &str) -> Result<Option<AdminAccount>, StoreError> {
    let tx = conn.transaction().map_err(lite("begin"))?;
    let row = tx
        .query_row(
            "SELECT id, username, token_version, all_clinics FROM admin_users WHERE id = ?1",
            [id],
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
}

/// An `admin_users` row as `admin list` shows it, before its id and scope are parsed.
struct Listed {
    id: String,
    all: bool,
    info: AdminInfo,
}

fn listed(r: &Row<'_>) -> rusqlite::Result<Listed> {
    Ok(Listed {
        id: r.get(0)?,
        all: r.get(2)?,
        info: AdminInfo {
            id: Uuid::nil(),
            username: r.get(1)?,
            scope: Scope::All,
            email: r.get(5)?,
            oidc_subject: r.get(6)?,
            password: r.get::<_, String>(7)? != NO_PASSWORD,
            created_at: r.get(3)?,
            last_login_at: r.get(4)?,
        },
    })
}

impl AdminStore for SqliteStore {
    async fn add_admin(&self, admin: &NewAdmin, now: Millis) -> Result<Uuid, StoreError> {
        let username = normalize_username(&admin.username)?;
        let new = admin.clone();
        self.call(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(lite("begin"))?;
            for clinic in new.scope.clinics().unwrap_or_default() {
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
            for (field, sql, value) in [
                (
                    "email",
                    "SELECT 1 FROM admin_users WHERE email = ?1",
                    &new.email,
                ),
                (
                    "oidc_subject",
                    "SELECT 1 FROM admin_users WHERE oidc_subject = ?1",
                    &new.oidc_subject,
                ),
            ] {
                let Some(value) = value else { continue };
                let taken = tx
                    .query_row(sql, [value], |_| Ok(()))
                    .optional()
                    .map_err(lite("find admin identity"))?;
                if taken.is_some() {
                    return Err(StoreError::Invalid {
                        field,
                        reason: "another admin has it".into(),
                    });
                }
            }
            let id = Uuid::now_v7();
            let done = tx.execute(
                "INSERT INTO admin_users (id, username, password_hash, created_at, updated_at,
                                          all_clinics, email, oidc_subject)
                 VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7)",
                params![
                    id.to_string(),
                    username,
                    new.password_hash,
                    now,
                    new.scope.is_all(),
                    new.email,
                    new.oidc_subject
                ],
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
            for clinic in new.scope.clinics().unwrap_or_default() {
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

    async fn admin_for_identity(
        &self,
        subject: &str,
        verified_email: Option<&str>,
    ) -> Result<Option<AdminAccount>, StoreError> {
        let (subject, email) = (subject.to_owned(), verified_email.map(str::to_owned));
        self.call(move |conn| {
            let by_subject: Option<String> = conn
                .query_row(
                    "SELECT id FROM admin_users WHERE oidc_subject = ?1",
                    [&subject],
                    |r| r.get(0),
                )
                .optional()
                .map_err(lite("find admin identity"))?;
            let id = match (by_subject, email) {
                (Some(id), _) => Some(id),
                (None, Some(email)) => conn
                    .query_row(
                        "SELECT id FROM admin_users WHERE email = ?1 AND oidc_subject IS NULL",
                        [email],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(lite("find admin identity"))?,
                (None, None) => None,
            };
            match id {
                Some(id) => account(conn, &id),
                None => Ok(None),
            }
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
                    "SELECT id, username, all_clinics, created_at, last_login_at, email,
                            oidc_subject, password_hash
                     FROM admin_users ORDER BY username",
                )
                .map_err(lite("list admins"))?;
            let rows = stmt
                .query_map([], listed)
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .map_err(lite("list admins"))?;
            rows.into_iter()
                .map(|row| {
                    let mut info = row.info;
                    info.id = parse_uuid("admin_users.id", &row.id)?;
                    if !row.all {
                        info.scope = Scope::Clinics(clinics.remove(&row.id).unwrap_or_default());
                    }
                    Ok(info)
                })
                .collect()
        })
        .await
    }

    async fn admin_account(&self, id: Uuid) -> Result<Option<AdminAccount>, StoreError> {
        self.call(move |conn| account(conn, &id.to_string())).await
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
