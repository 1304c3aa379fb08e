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
    /// PHC string (argon2id); [`NO_PASSWORD`] for an admin who signs in through the
    /// OpenID Provider only.
    pub password_hash: String,
    pub scope: Scope,
    /// Normalised ([`crate::oidc::normalize_email`]).
    pub email: Option<String>,
    /// The admin's `sub` at the OpenID Provider ([`crate::oidc::check_subject`]).
    pub oidc_subject: Option<String>,
}

/// The stored "hash" of an admin without a password: no PHC string, so no password
/// matches it.
pub const NO_PASSWORD: &str = "!";

/// An admin as `admin list` shows it (never a hash).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AdminInfo {
    pub id: Uuid,
    pub username: String,
    pub scope: Scope,
    pub email: Option<String>,
    pub oidc_subject: Option<String>,
    /// Whether a password sign-in is possible.
    pub password: bool,
    pub created_at: Millis,
    pub last_login_at: Option<Millis>,
}

/// Admin accounts. See the module documentation.
pub trait AdminStore {
    /// Adds an admin with its clinics, in one transaction: [`StoreError::AdminExists`]
    /// when the name is taken, [`StoreError::UnknownClinic`] for a clinic that does not
    /// exist, [`StoreError::Invalid`] for an email or subject another admin has (and
    /// nothing is written).
    fn add_admin(
        &self,
        admin: &NewAdmin,
        now: Millis,
    ) -> impl Future<Output = Result<Uuid, StoreError>> + Send;

    /// The admin an OpenID identity names: the one whose subject is `subject`, else the
    /// one whose email is `verified_email` and who is bound to no subject.
    fn admin_for_identity(
        &self,
        subject: &str,
        verified_email: Option<&str>,
    ) -> impl Future<Output = Result<Option<AdminAccount>, StoreError>> + Send;

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
