//! The command line: `dermis-hub [--data-dir DIR] COMMAND`. `serve` (the default) runs
//! the server; the admin commands print their one result on stdout (an id, a code) so
//! scripts can capture it, and everything else on stderr. Every command opens the store
//! the configuration names and brings its schema up to date first.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use dermis_model::{ClinicId, Millis, now_millis};
use uuid::Uuid;

use crate::auth::AuthOptions;
use crate::config::Config;
use crate::credentials;
use crate::server::{self, ServerOptions};
use crate::store::HubStore;
use crate::store::postgres::PgStore;
use crate::store::sqlite::SqliteStore;
use crate::webhooks;

mod admin;
mod apikey;
mod backup;
mod hooks;
mod output;

use admin::admin;
pub use apikey::{ApiKeyCommand, ScopeArg};
use backup::backup_or_restore;
use hooks::{calendly, embedded_dir, warn_about_the_shared_calendly_key, webhook};
use output::print_out;
pub use output::{table, webhook_table};

/// How long an enrollment code stays valid.
pub const ENROLL_CODE_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

#[derive(Debug, Parser)]
#[command(
    name = "dermis-hub",
    version,
    about = "The Dermis hub: sync server and admin commands"
)]
pub struct Cli {
    /// Where the embedded database and blobs live [env: DERMIS_HUB_DATA_DIR]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (WebSocket /sync, /api) on HUB_BIND (default 0.0.0.0:8000)
    Serve,
    /// Manage clinics
    #[command(subcommand)]
    Clinic(ClinicCommand),
    /// Manage nodes (clinic workstations)
    #[command(subcommand)]
    Node(NodeCommand),
    /// Manage hub admins (who may use /admin and /api)
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Manage outgoing webhooks (docs/WEBHOOKS.md)
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Calendly webhook signing keys, one per clinic (docs/WEBHOOKS.md)
    #[command(subcommand)]
    Calendly(CalendlyCommand),
    /// Rebuild a clinic's read models (the tables /api/v1, FHIR and the reports read)
    /// from its documents; derives no webhook event and counts no stock movement again
    Reproject {
        #[arg(long)]
        clinic: ClinicId,
        /// Print JSON instead of a sentence
        #[arg(long)]
        json: bool,
    },
    /// Manage API keys for /api/v1 and /fhir/r4 (docs/API.md)
    #[command(subcommand)]
    Apikey(ApiKeyCommand),
    /// Print the OpenAPI description of the HTTP API (JSON)
    Openapi,
    /// Write the embedded store, its key and the blob folder to one encrypted file
    /// (passphrase from DERMIS_BACKUP_PASSPHRASE, else standard input); safe while serving
    Backup {
        /// The backup file to create (it must not exist)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Restore a backup into this data dir, which must hold no store yet
    Restore {
        /// The backup file
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Add an admin; the password is read from standard input (first line)
    Add {
        #[arg(long)]
        username: String,
        /// Limit the admin to this clinic (repeatable): they see and change only these
        /// clinics on /admin and /api, and not the hub-wide pages. Default: every clinic
        #[arg(long = "clinic", value_name = "ID")]
        clinics: Vec<ClinicId>,
        /// The admin's email at the OpenID Provider (OIDC sign-in matches it when the
        /// provider says it is verified)
        #[arg(long)]
        email: Option<String>,
        /// The admin's subject (`sub`) at the OpenID Provider (OIDC sign-in matches it
        /// first)
        #[arg(long = "oidc-subject", value_name = "SUB")]
        oidc_subject: Option<String>,
        /// No password: the admin signs in through the OpenID Provider only (needs
        /// --email or --oidc-subject); standard input is not read
        #[arg(long)]
        no_password: bool,
    },
    /// List the admins and the clinics each is limited to (never a password)
    List {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Set an admin's password, read from standard input (first line); ends every
    /// token the admin was given before (the admin signs in again everywhere)
    Passwd {
        #[arg(long)]
        username: String,
    },
    /// Remove an admin; every token of theirs stops working at once
    Remove {
        #[arg(long)]
        username: String,
    },
    /// End every token an admin holds (every browser and API client signs in again)
    LogoutAll {
        #[arg(long)]
        username: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Add a webhook; prints its signing secret (whsec_…), shown once
    Add {
        /// Where events are POSTed (http or https)
        #[arg(long)]
        url: String,
        /// Comma-separated: patient.created, encounter.signed, sale.completed,
        /// stock.negative, photo.ready
        #[arg(long)]
        events: String,
        /// Only this clinic's events (default: every clinic)
        #[arg(long)]
        clinic: Option<ClinicId>,
    },
    /// List webhooks (never their secrets)
    List {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Remove a webhook; its pending deliveries are dropped, past ones stay listed
    Remove { id: Uuid },
}

#[derive(Debug, Subcommand)]
pub enum CalendlyCommand {
    /// Set a clinic's Calendly webhook signing key, read from standard input (first
    /// line); stored encrypted under HUB_SECRET_KEY. Deliveries to
    /// /api/integrations/calendly/CLINIC are checked against it only
    Key {
        #[arg(long)]
        clinic: ClinicId,
    },
    /// Remove a clinic's Calendly signing key
    Remove {
        #[arg(long)]
        clinic: ClinicId,
    },
    /// List the clinics that have a Calendly signing key (never the keys)
    List,
}

/// A command refused for what it was given (exit status 2, like a usage error).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

#[derive(Debug, Subcommand)]
pub enum ClinicCommand {
    /// Create a clinic and its clinic document; prints the clinic id
    Add {
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum NodeCommand {
    /// Add a node to a clinic; prints its one-time enrollment code (valid 7 days)
    Add {
        #[arg(long)]
        clinic: ClinicId,
        #[arg(long)]
        name: String,
    },
    /// List every node with its status and sync figures
    List {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Revoke a node: running hubs disconnect it and refuse it from now on
    Revoke { id: Uuid },
}

/// Runs a command against the configured store.
pub async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    if matches!(command, Command::Openapi) {
        // Needs no store: `make openapi-schema` works anywhere.
        return print_out(&crate::openapi::json());
    }
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating the data directory {}", config.data_dir.display()))?;
    if let Command::Backup { out } | Command::Restore { from: out } = &command {
        // Before the store is opened: opening one would make it (a restore needs none).
        return backup_or_restore(&command, out, &config).await;
    }
    match &config.database_url {
        Some(url) => {
            let store = PgStore::connect(url.expose(), Duration::from_secs(10))
                .await
                .context("opening the Postgres store (DATABASE_URL)")?;
            dispatch(store, command, &config).await
        }
        None => {
            let path = config.sqlite_path();
            let store = tokio::task::spawn_blocking(move || SqliteStore::open(&path))
                .await
                .context("opening the embedded store")?
                .with_context(|| {
                    format!(
                        "opening the embedded store {}",
                        config.sqlite_path().display()
                    )
                })?;
            dispatch(store, command, &config).await
        }
    }
}

async fn dispatch<S: HubStore>(store: S, command: Command, config: &Config) -> anyhow::Result<()> {
    let now = now_millis();
    match command {
        Command::Serve => {
            if config.database_url.is_none() {
                // The only process serving this file: nobody can still be online.
                store.reset_online(now).await?;
                // Nor can any job still be running: back to the queue at once.
                store.reset_stale_jobs(now + 1, now, None).await?;
            }
            let listener = tokio::net::TcpListener::bind(config.bind)
                .await
                .with_context(|| format!("binding {}", config.bind))?;
            let mut options = ServerOptions::new(config.blob_dir());
            options.s3 = config.s3.clone();
            options.photo_max_bytes = config.photo_max_bytes;
            options.auth = AuthOptions::from_config(&config.admin_auth);
            options.webhooks.block_private = config.webhook_block_private;
            options.public_url = config.public_url.clone();
            options.pool = config.pool;
            options.group_commit = config.group_commit;
            options.oidc = config.oidc.clone();
            options.trusted_proxies = config.trusted_proxies.clone();
            options.metrics_token = config.metrics_token.clone();
            options.photo_decode_workers = config.decode_workers;
            options.staging_quota_bytes = config.staging_quota_bytes;
            options.photo_decode_queue = config.decode_queue;
            options.node_token_ttl = config.node_token_ttl;
            options.http = config.http;
            options.session_history = config.session_history;
            options.api_rate_per_minute = config.api_rate_per_minute;
            options.fhir_export_ttl = config.fhir_export_ttl;
            options.limits.max_frame_bytes = config.max_frame_bytes;
            options.engine.boot_rows = config.sync_boot_rows;
            options.engine.compressed_frames = config.sync_compressed_frames;
            options.engine.boot_first = config.sync_boot_first;
            options.engine.fetch_rows = config.sync_fetch_rows;
            options.calendly = config.calendly.clone();
            options.calendly.secret_key = crate::secrets::hub_key(
                config
                    .secret_key
                    .as_ref()
                    .map(crate::config::Secret::expose),
                embedded_dir(config),
                false,
            )?;
            warn_about_the_shared_calendly_key(&store, config).await;
            if config.admin_auth.jwt_secret.is_none() {
                tracing::info!("JWT_SECRET is not set: admin sessions end when the hub restarts");
            }
            match &config.tls {
                None => {
                    server::serve(store, options, listener, shutdown_signal())
                        .await
                        .context("serving")?;
                }
                Some(files) => {
                    let certs = server::tls::CertStore::open(files.clone())
                        .map_err(|e| Refused(dermis_sync::driver::error_chain(&e)))?;
                    let tls = server::tls::TlsListener::new(
                        server::no_delay(listener),
                        certs.server_config()?,
                        server::tls::HANDSHAKE_TIMEOUT,
                    );
                    tracing::info!(cert = %files.cert.display(), "serving HTTPS and WSS");
                    let watcher = tokio::spawn(server::tls::watch(certs, config.tls_reload));
                    let served = server::serve_on(store, options, tls, shutdown_signal()).await;
                    watcher.abort();
                    served.context("serving")?;
                }
            }
        }
        Command::Clinic(ClinicCommand::Add { name }) => {
            let id = store.create_clinic(&name, now).await?;
            print_out(&format!("{id}\n"))?;
        }
        Command::Node(NodeCommand::Add { clinic, name }) => {
            let code = credentials::new_enroll_code();
            let canonical = credentials::normalize_code(&code)
                .context("a generated enrollment code did not normalise")?;
            let ttl = Millis::try_from(ENROLL_CODE_TTL.as_millis()).unwrap_or(Millis::MAX);
            let node = store
                .add_node(
                    clinic,
                    &name,
                    &credentials::hash_secret(&canonical),
                    now + ttl,
                    now,
                )
                .await?;
            eprintln!(
                "node {} (N{}) added; the code below is shown once",
                node.id, node.number
            );
            print_out(&format!("{code}\n"))?;
        }
        Command::Node(NodeCommand::List { json }) => {
            let nodes = store.list_nodes().await?;
            if json {
                print_out(&format!("{}\n", serde_json::to_string_pretty(&nodes)?))?;
            } else {
                print_out(&table(&nodes, now))?;
            }
        }
        Command::Admin(command) => admin(&store, command, now).await?,
        Command::Openapi => print_out(&crate::openapi::json())?,
        Command::Apikey(command) => apikey::run(&store, command, now, print_out).await?,
        Command::Backup { .. } | Command::Restore { .. } => {
            unreachable!("handled before the store opens")
        }
        Command::Webhook(command) => webhook(&store, command, config, now).await?,
        Command::Calendly(command) => calendly(&store, command, config, now).await?,
        Command::Reproject { clinic, json } => {
            if !store.clinic_exists(clinic).await? {
                return Err(Refused(format!("no clinic {clinic}")).into());
            }
            let started = std::time::Instant::now();
            let done = webhooks::projector::reproject_clinic(&store, clinic, now).await?;
            if json {
                print_out(&format!("{}\n", serde_json::to_string(&done)?))?;
            } else {
                print_out(&format!(
                    "reprojected clinic {clinic}: {} documents in {} ms{}\n",
                    done.docs,
                    started.elapsed().as_millis(),
                    match done.unreadable {
                        0 => String::new(),
                        n => format!(", {n} unreadable (see the log)"),
                    }
                ))?;
            }
        }
        Command::Node(NodeCommand::Revoke { id }) => {
            if !store.revoke_node(id, now).await? {
                anyhow::bail!("no node {id}");
            }
            print_out(&format!("revoked {id}\n"))?;
        }
    }
    Ok(())
}

/// Ctrl-C, or SIGTERM on Unix (what `docker stop` sends).
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_parses_as_documented() {
        let cli = Cli::try_parse_from(["dermis-hub", "--data-dir", "/d", "node", "list", "--json"]);
        assert!(matches!(
            cli,
            Ok(Cli {
                command: Some(Command::Node(NodeCommand::List { json: true })),
                ..
            })
        ));
        let bare = Cli::try_parse_from(["dermis-hub"]);
        assert!(
            matches!(bare, Ok(Cli { command: None, .. })),
            "serve is the default"
        );
        let bad = Cli::try_parse_from([
            "dermis-hub",
            "node",
            "add",
            "--clinic",
            "nope",
            "--name",
            "x",
        ]);
        assert!(bad.is_err(), "clinic ids are checked");
        let admin = Cli::try_parse_from(["dermis-hub", "admin", "add", "--username", "ops"]);
        assert!(matches!(
            admin,
            Ok(Cli {
                command: Some(Command::Admin(AdminCommand::Add { .. })),
                ..
            })
        ));
        let openapi = Cli::try_parse_from(["dermis-hub", "openapi"]);
        assert!(matches!(
            openapi,
            Ok(Cli {
                command: Some(Command::Openapi),
                ..
            })
        ));
    }
}
