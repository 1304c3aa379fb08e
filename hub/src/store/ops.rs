//! What the admin side reads and writes beyond sync: hub admin users (argon2id hashes,
//! never passwords), the clinics with their change-log position (a node's lag is the
//! clinic's seq minus the node's cursor), a node's recent sync sessions, and figures
//! for the storage and database health page. Every [`super::HubStore`] implements it.
//!
//! Pages that come with the jobs, webhooks, stock and conflict tables add their reads
//! here, next to these.

use std::future::Future;

use dermis_model::{ClinicId, Millis};
use uuid::Uuid;

use super::StoreError;

/// A clinic as the admin pages list it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ClinicInfo {
    pub id: ClinicId,
    pub name: String,
    /// The clinic's latest change-log position.
    pub seq: u64,
    pub created_at: Millis,
}

/// One row of `sync_sessions`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SessionInfo {
    pub id: i64,
    pub started_at: Millis,
    pub ended_at: Option<Millis>,
    pub frames_in: u64,
    pub frames_out: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub docs_in: u64,
    pub docs_out: u64,
    pub close_code: Option<u16>,
    pub error: Option<String>,
}

/// Sizes and counts for the health page.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct StoreStats {
    /// `postgres` or `sqlite`.
    pub backend: &'static str,
    pub clinics: u64,
    pub nodes: u64,
    pub docs: u64,
    /// Bytes of document snapshots and change rows.
    pub doc_bytes: u64,
    pub sessions: u64,
    pub admins: u64,
    /// The database's size on disk, where the backend can tell.
    pub database_bytes: Option<u64>,
}

/// An admin user's stored credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminCredentials {
    pub id: Uuid,
    pub username: String,
    /// PHC string (argon2id).
    pub password_hash: String,
    /// What a token signed now carries ([`super::AdminAccount::token_version`]).
    pub token_version: u64,
}

/// Admin usernames: trimmed, lower-cased, 1 to 64 characters of letters, digits and
/// `.`, `_`, `-`, `@`.
pub fn normalize_username(username: &str) -> Result<String, StoreError> {
    let name = username.trim().to_lowercase();
    let ok = (1..=64).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(name)
    } else {
        Err(StoreError::Invalid {
            field: "username",
            reason: "must be 1 to 64 letters, digits, '.', '_', '-' or '@'".into(),
        })
    }
}

/// The admin side's reads and writes. See the module documentation.
pub trait OpsStore {
    /// Adds an admin user; [`StoreError::AdminExists`] when the name is taken.
    fn create_admin(
        &self,
        username: &str,
        password_hash: &str,
        now: Millis,
    ) -> impl Future<Output = Result<Uuid, StoreError>> + Send;

    /// Replaces an admin's password hash and ends every token signed before (the token
    /// version moves on); `false` when there is no such admin.
    fn set_admin_password(
        &self,
        username: &str,
        password_hash: &str,
        now: Millis,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The stored credentials of `username` (normalised first), if it exists.
    fn admin_credentials(
        &self,
        username: &str,
    ) -> impl Future<Output = Result<Option<AdminCredentials>, StoreError>> + Send;

    /// Records a successful sign-in.
    fn admin_logged_in(
        &self,
        id: Uuid,
        now: Millis,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Every clinic, by name.
    fn list_clinics(&self) -> impl Future<Output = Result<Vec<ClinicInfo>, StoreError>> + Send;

    /// A node's latest sync sessions, newest first.
    fn node_sessions(
        &self,
        node: Uuid,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<SessionInfo>, StoreError>> + Send;

    fn stats(&self) -> impl Future<Output = Result<StoreStats, StoreError>> + Send;

    /// Whether every schema migration this build knows has run (`/api/readyz`).
    fn schema_complete(&self) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised_and_bounded() {
        assert_eq!(
            normalize_username("  Admin ").ok().as_deref(),
            Some("admin")
        );
        assert_eq!(
            normalize_username("ops.lead@clinic").ok().as_deref(),
            Some("ops.lead@clinic")
        );
        assert!(normalize_username("").is_err());
        assert!(normalize_username("two words").is_err());
        assert!(normalize_username("<script>").is_err());
        assert!(normalize_username(&"a".repeat(65)).is_err());
    }
}
