//! Hub admin accounts as the server checks them on every request: whether the admin a
//! token names still exists and whether the token is still current (its token version).
//! Ending tokens is a write here (`admin passwd`, `admin logout-all`, `admin remove`),
//! so it holds at once on every hub instance sharing the store.
//!
//! An admin may be limited to clinics ([`Scope`]); the server filters what such an
//! admin sees by it ([`crate::principal`]).
//!
//! Reading password hashes for sign-in stays in [`super::OpsStore`].

use std::future::Future;

use dermis_model::{ClinicId, Millis};
use uuid::Uuid;

use super::StoreError;

/// Which clinics an admin sees and changes.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every clinic, and the hub-wide pages (health, jobs).
    All,
    /// Only these (possibly none, when they were all removed).
    Clinics(Vec<ClinicId>),
}

impl Scope {
    pub fn allows(&self, clinic: ClinicId) -> bool {
        match self {
            Scope::All => true,
            Scope::Clinics(clinics) => clinics.contains(&clinic),
        }
    }

    /// The clinics to filter by; `None` for every clinic.
    pub fn clinics(&self) -> Option<&[ClinicId]> {
        match self {
            Scope::All => None,
            Scope::Clinics(clinics) => Some(clinics),
        }
    }

    pub fn is_all(&self) -> bool {
        matches!(self, Scope::All)
    }
}

/// An admin as a request sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminAccount {
    pub id: Uuid,
    pub username: String,
    /// Tokens signed with another version are refused.
    pub token_version: u64,
    pub scope: Scope,
}

/// What `admin add` creates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAdmin {
    pub username: String,
    /// PHC string (argon2id).
    pub password_hash: String,
    pub scope: Scope,
}

/// An admin as `admin list` shows it (never a hash).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AdminInfo {
    pub id: Uuid,
    pub username: String,
    pub scope: Scope,
    pub created_at: Millis,
    pub last_login_at: Option<Millis>,
}

/// Admin accounts. See the module documentation.
pub trait AdminStore {
    /// Adds an admin with its clinics, in one transaction: [`StoreError::AdminExists`]
    /// when the name is taken, [`StoreError::UnknownClinic`] for a clinic that does not
    /// exist (and nothing is written).
    fn add_admin(
        &self,
        admin: &NewAdmin,
        now: Millis,
    ) -> impl Future<Output = Result<Uuid, StoreError>> + Send;

    /// Every admin, by username.
    fn list_admins(&self) -> impl Future<Output = Result<Vec<AdminInfo>, StoreError>> + Send;

    /// The admin with this id, if it still exists.
    fn admin_account(
        &self,
        id: Uuid,
    ) -> impl Future<Output = Result<Option<AdminAccount>, StoreError>> + Send;

    /// Deletes an admin (every token of theirs stops working); `false` when there is no
    /// such admin.
    fn remove_admin(&self, username: &str)
    -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Bumps the admin's token version, ending every token signed before; `false` when
    /// there is no such admin.
    fn end_admin_tokens(
        &self,
        username: &str,
        now: Millis,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}
