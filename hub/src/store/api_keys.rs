//! API keys (`dermis-hub apikey …`) and the audit of their uses. A key belongs to one
//! clinic and is read or read-write; the store keeps only the SHA-256 of its secret
//! ([`crate::apikeys::hash`]), so a copy of the database lets no one call the API. A
//! revoked key stays listed (with when it was revoked) and its uses stay in the audit.
//!
//! Making and checking secrets, and what a scope allows, is [`crate::apikeys`]'s.

use std::future::Future;

use dermis_model::{ClinicId, Millis};
use uuid::Uuid;

use super::StoreError;

/// What a key may do in its clinic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ApiKeyScope {
    /// Every `GET`.
    #[serde(rename = "read")]
    Read,
    /// Also `POST` (creating patients and appointments).
    #[serde(rename = "read-write")]
    ReadWrite,
}

impl ApiKeyScope {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiKeyScope::Read => "read",
            ApiKeyScope::ReadWrite => "read-write",
        }
    }

    pub fn parse(text: &str) -> Option<ApiKeyScope> {
        match text {
            "read" => Some(ApiKeyScope::Read),
            "read-write" => Some(ApiKeyScope::ReadWrite),
            _ => None,
        }
    }

    pub(crate) fn from_row(text: &str) -> Result<ApiKeyScope, StoreError> {
        ApiKeyScope::parse(text).ok_or_else(|| StoreError::BadRow {
            what: "api_keys.scope",
            value: text.chars().take(20).collect(),
        })
    }
}

/// A key to add: its id, owner and the hash of its secret (never the secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewApiKey {
    pub id: Uuid,
    pub clinic: ClinicId,
    pub name: String,
    pub scope: ApiKeyScope,
    pub secret_hash: String,
}

/// Whose key a secret is, as a request checks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiKeyAuth {
    pub id: Uuid,
    pub clinic: ClinicId,
    pub scope: ApiKeyScope,
    pub revoked: bool,
}

/// A key as `apikey list` shows it (never its secret or hash).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ApiKeyInfo {
    pub id: Uuid,
    pub clinic_id: Uuid,
    pub name: String,
    pub scope: ApiKeyScope,
    pub created_at: Millis,
    pub revoked_at: Option<Millis>,
    pub last_used_at: Option<Millis>,
}

/// One audited use of a key.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ApiKeyUse {
    pub key_id: Uuid,
    pub method: String,
    /// The route's path template (`/api/v1/patients/{id}`), never the ids in it.
    pub route: String,
    pub status: u16,
    pub at: Millis,
}

/// See the module documentation.
pub trait ApiKeyStore {
    /// Adds a key: [`StoreError::UnknownClinic`] for a clinic that does not exist,
    /// [`StoreError::Invalid`] for a bad name; nothing is written then.
    fn add_api_key(
        &self,
        key: &NewApiKey,
        now: Millis,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Every key, oldest first.
    fn list_api_keys(&self) -> impl Future<Output = Result<Vec<ApiKeyInfo>, StoreError>> + Send;

    /// Marks a key revoked (at once, on every hub instance: each request reads the
    /// store). `false` when there is no such key; revoking twice keeps the first time.
    fn revoke_api_key(
        &self,
        id: Uuid,
        now: Millis,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The key whose secret hashes to `secret_hash`, revoked or not.
    fn api_key_by_hash(
        &self,
        secret_hash: &str,
    ) -> impl Future<Output = Result<Option<ApiKeyAuth>, StoreError>> + Send;

    /// Records one use of a key (and it as the key's last use).
    fn record_api_key_use(
        &self,
        used: &ApiKeyUse,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The key's most recent uses, newest first, at most `limit`.
    fn api_key_uses(
        &self,
        key: Uuid,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<ApiKeyUse>, StoreError>> + Send;
}
