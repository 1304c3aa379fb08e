//! API keys for `/api/v1` and `/fhir/r4`: making a secret (`dmk_` and 256 random bits,
//! base64url), the hash the store keeps of it, and `dermis-hub apikey add|list|revoke`.
//! The store's side is [`crate::store::api_keys`]; checking a request's key is
//! [`crate::principal::api_caller`].

use base64::Engine;
use clap::Subcommand;
use dermis_model::{ClinicId, Millis};
use rand::RngCore;
use uuid::Uuid;

use crate::cli::Refused;
use crate::store::api_keys::{ApiKeyInfo, ApiKeyScope, NewApiKey};
use crate::store::{HubStore, StoreError};

/// What every key starts with, so a leaked one is recognisable (secret scanners) and a
/// bearer token is told apart from an admin's JWT without a lookup.
pub const PREFIX: &str = "dmk_";

/// Random bytes in a key: 256 bits.
const SECRET_BYTES: usize = 32;

/// The longest bearer value taken for a key; anything longer is refused unhashed.
pub const MAX_KEY_CHARS: usize = 100;

/// A new key's secret: `dmk_` and 43 base64url characters.
pub fn new_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// What the store keeps of a key: its SHA-256, hex (a key has 256 random bits, so a
/// slow hash would add nothing but cost per request).
pub fn hash(secret: &str) -> String {
    crate::credentials::hash_secret(secret)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScopeArg {
    Read,
    ReadWrite,
}

impl From<ScopeArg> for ApiKeyScope {
    fn from(scope: ScopeArg) -> Self {
        match scope {
            ScopeArg::Read => ApiKeyScope::Read,
            ScopeArg::ReadWrite => ApiKeyScope::ReadWrite,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Add a key for one clinic; prints the key (dmk_…), shown once: only its hash is kept
    Add {
        #[arg(long)]
        clinic: ClinicId,
        /// Who uses the key (e.g. "accounting export")
        #[arg(long)]
        name: String,
        /// read: every GET; read-write: also POST (patients, appointments)
        #[arg(long, value_enum)]
        scope: ScopeArg,
    },
    /// List keys (never the keys themselves)
    List {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key: it is refused (401) from the next request on, on every hub instance
    Revoke { id: Uuid },
}

/// Runs an `apikey` command; prints its one result on stdout through `out`.
pub async fn run<S: HubStore>(
    store: &S,
    command: ApiKeyCommand,
    now: Millis,
    out: impl Fn(&str) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    match command {
        ApiKeyCommand::Add {
            clinic,
            name,
            scope,
        } => {
            let secret = new_secret();
            let key = NewApiKey {
                id: Uuid::now_v7(),
                clinic,
                name,
                scope: scope.into(),
                secret_hash: hash(&secret),
            };
            match store.add_api_key(&key, now).await {
                Ok(()) => {}
                Err(StoreError::UnknownClinic { id }) => {
                    return Err(Refused(format!("no clinic {id}")).into());
                }
                Err(e @ StoreError::Invalid { .. }) => return Err(Refused(e.to_string()).into()),
                Err(e) => return Err(e.into()),
            }
            eprintln!(
                "api key {} ({}) added for clinic {clinic}; the key below is shown once",
                key.id,
                key.scope.as_str()
            );
            out(&format!("{secret}\n"))
        }
        ApiKeyCommand::List { json } => {
            let keys = store.list_api_keys().await?;
            if json {
                out(&format!("{}\n", serde_json::to_string_pretty(&keys)?))
            } else {
                out(&table(&keys))
            }
        }
        ApiKeyCommand::Revoke { id } => {
            if !store.revoke_api_key(id, now).await? {
                return Err(Refused(format!("no api key {id}")).into());
            }
            out(&format!("revoked {id}\n"))
        }
    }
}

fn table(keys: &[ApiKeyInfo]) -> String {
    let mut rows = vec![[
        "ID".to_owned(),
        "CLINIC".to_owned(),
        "SCOPE".to_owned(),
        "STATUS".to_owned(),
        "NAME".to_owned(),
    ]];
    for key in keys {
        rows.push([
            key.id.to_string(),
            key.clinic_id.to_string(),
            key.scope.as_str().to_owned(),
            if key.revoked_at.is_some() {
                "revoked".to_owned()
            } else {
                "active".to_owned()
            },
            key.name.clone(),
        ]);
    }
    let mut widths = [0usize; 5];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_carry_256_random_bits_and_differ() {
        let a = new_secret();
        let b = new_secret();
        assert!(a.starts_with(PREFIX));
        let body = &a[PREFIX.len()..];
        let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(body)
            .unwrap_or_default();
        assert_eq!(decoded.len(), 32);
        assert_ne!(a, b);
        assert_ne!(hash(&a), hash(&b));
        assert!(!hash(&a).contains(body));
    }
}
