//! `dermis-hub apikey add|list|revoke`: API keys for `/api/v1` and `/fhir/r4` (the
//! secret and its hash are [`crate::apikeys`]'s).

use clap::Subcommand;
use dermis_model::{ClinicId, Millis};
use uuid::Uuid;

use super::Refused;
use crate::apikeys::{hash, new_secret};
use crate::store::api_keys::{ApiKeyInfo, ApiKeyScope, NewApiKey};
use crate::store::{HubStore, StoreError};

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
