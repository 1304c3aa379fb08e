//! `dermis-hub admin …`: adding, listing and changing hub admins and how they sign in.

use anyhow::Context;
use dermis_model::Millis;

use crate::auth::{self};
use crate::store::ops::normalize_username;
use crate::store::{HubStore, NewAdmin, Scope, StoreError};

use super::output::{align, print_out, when};
use super::{AdminCommand, Refused};

/// A username that cannot be one, or a taken one: refused as invalid input.
pub(super) fn invalid_admin_input(e: StoreError) -> anyhow::Error {
    match e {
        StoreError::Invalid { .. } | StoreError::AdminExists { .. } => {
            Refused(e.to_string()).into()
        }
        other => other.into(),
    }
}

pub(super) async fn admin<S: HubStore>(
    store: &S,
    command: AdminCommand,
    now: Millis,
) -> anyhow::Result<()> {
    match command {
        AdminCommand::Add {
            username,
            clinics,
            email,
            oidc_subject,
            no_password,
        } => {
            let username = normalize_username(&username).map_err(invalid_admin_input)?;
            let email = email
                .map(|e| {
                    crate::oidc::normalize_email(&e)
                        .ok_or_else(|| Refused("email: not an email address".into()))
                })
                .transpose()?;
            let oidc_subject = oidc_subject
                .map(|s| {
                    crate::oidc::check_subject(&s).ok_or_else(|| {
                        Refused("oidc-subject: 1 to 255 characters, no control characters".into())
                    })
                })
                .transpose()?;
            if no_password && email.is_none() && oidc_subject.is_none() {
                return Err(Refused(
                    "no-password: an admin without a password needs --email or --oidc-subject to sign in".into(),
                )
                .into());
            }
            for clinic in &clinics {
                if !store.clinic_exists(*clinic).await? {
                    return Err(Refused(format!("clinic: no clinic {clinic}")).into());
                }
            }
            let scope = if clinics.is_empty() {
                Scope::All
            } else {
                Scope::Clinics(clinics)
            };
            let password_hash = if no_password {
                crate::store::admins::NO_PASSWORD.to_owned()
            } else {
                new_password_hash().await?
            };
            let new = NewAdmin {
                username: username.clone(),
                password_hash,
                scope,
                email,
                oidc_subject,
            };
            let id = store
                .add_admin(&new, now)
                .await
                .map_err(invalid_admin_input)?;
            match &new.scope {
                Scope::All => eprintln!("admin {username} added (every clinic)"),
                Scope::Clinics(c) => {
                    eprintln!("admin {username} added, limited to {} clinic(s)", c.len())
                }
            }
            print_out(&format!("{id}\n"))?;
        }
        AdminCommand::List { json } => {
            let admins = store.list_admins().await?;
            if json {
                print_out(&format!("{}\n", serde_json::to_string_pretty(&admins)?))?;
            } else {
                let mut rows = vec![
                    ["ID", "USERNAME", "CLINICS", "SIGN-IN", "LAST SIGN-IN"].map(String::from),
                ];
                for a in &admins {
                    let clinics = match &a.scope {
                        Scope::All => "all".to_owned(),
                        Scope::Clinics(c) if c.is_empty() => "none".to_owned(),
                        Scope::Clinics(c) => c
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(","),
                    };
                    rows.push([
                        a.id.to_string(),
                        a.username.clone(),
                        clinics,
                        sign_in_ways(a),
                        when(a.last_login_at, now),
                    ]);
                }
                print_out(&align(rows))?;
            }
        }
        AdminCommand::Passwd { username } => {
            let username = known_admin(store, &username).await?;
            let hash = new_password_hash().await?;
            if !store.set_admin_password(&username, &hash, now).await? {
                return Err(Refused(format!("no admin {username:?}")).into());
            }
            eprintln!("password of {username} changed; their earlier tokens no longer work");
        }
        AdminCommand::Remove { username } => {
            let username = normalize_username(&username).map_err(invalid_admin_input)?;
            if !store.remove_admin(&username).await? {
                return Err(Refused(format!("no admin {username:?}")).into());
            }
            print_out(&format!("removed {username}\n"))?;
        }
        AdminCommand::LogoutAll { username } => {
            let username = normalize_username(&username).map_err(invalid_admin_input)?;
            if !store.end_admin_tokens(&username, now).await? {
                return Err(Refused(format!("no admin {username:?}")).into());
            }
            eprintln!("every token of {username} is ended; they sign in again");
        }
    }
    Ok(())
}

/// How an admin can sign in, for `admin list`: `password`, `oidc`, both, or `none`.
pub(super) fn sign_in_ways(admin: &crate::store::AdminInfo) -> String {
    let oidc = admin.email.is_some() || admin.oidc_subject.is_some();
    match (admin.password, oidc) {
        (true, true) => "password,oidc",
        (true, false) => "password",
        (false, true) => "oidc",
        (false, false) => "none",
    }
    .to_owned()
}

/// The normalised username of an existing admin, or invalid input.
pub(super) async fn known_admin<S: HubStore>(store: &S, username: &str) -> anyhow::Result<String> {
    let username = normalize_username(username).map_err(invalid_admin_input)?;
    if store.admin_credentials(&username).await?.is_none() {
        return Err(Refused(format!("no admin {username:?}")).into());
    }
    Ok(username)
}

/// Reads a password from the first line of standard input (so it never shows in the
/// process list or shell history), checks it and hashes it (argon2id).
pub(super) async fn new_password_hash() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    auth::check_new_password(&password).map_err(|e| Refused(format!("password: {e}")))?;
    tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .context("hashing the password")?
        .map_err(Into::into)
}
