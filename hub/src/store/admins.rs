//! Hub admin accounts as the server checks them on every request: whether the admin a
//! token names still exists and whether the token is still current (its token version).
//! Ending tokens is a write here (`admin passwd`, `admin logout-all`, `admin remove`),
//! so it holds at once on every hub instance sharing the store.
//!
//! Creating admins and reading their password hashes for sign-in stay in
//! [`super::OpsStore`].

use std::future::Future;

use dermis_model::Millis;
use uuid::Uuid;

use super::StoreError;

/// An admin as a request sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminAccount {
    pub id: Uuid,
    pub username: String,
    /// Tokens signed with another version are refused.
    pub token_version: u64,
}

/// Admin accounts. See the module documentation.
pub trait AdminStore {
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
