//! The command line: `dermis-hub [--data-dir DIR] COMMAND`. `serve` (the default) runs
//! the server; the admin commands print their one result on stdout (an id, a code) so
//! scripts can capture it, and everything else on stderr. Every command opens the store
//! the configuration names and brings its schema up to date first.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use dermis_model::{ClinicId, Millis, now_millis};
use uuid::Uuid;

use crate::auth::{self, AuthOptions};
use crate::config::Config;
use crate::credentials;
use crate::server::{self, ServerOptions};
use crate::store::hooks::{NewWebhook, WebhookInfo};
use crate::store::ops::normalize_username;
use crate::store::postgres::PgStore;
use crate::store::sqlite::SqliteStore;
use crate::store::{HubStore, NewAdmin, NodeInfo, Scope, StoreError};
use crate::webhooks;

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
    Apikey(crate::apikeys::ApiKeyCommand),
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
        Command::Apikey(command) => crate::apikeys::run(&store, command, now, print_out).await?,
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

/// A username that cannot be one, or a taken one: refused as invalid input.
fn invalid_admin_input(e: StoreError) -> anyhow::Error {
    match e {
        StoreError::Invalid { .. } | StoreError::AdminExists { .. } => {
            Refused(e.to_string()).into()
        }
        other => other.into(),
    }
}

async fn admin<S: HubStore>(store: &S, command: AdminCommand, now: Millis) -> anyhow::Result<()> {
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
fn sign_in_ways(admin: &crate::store::AdminInfo) -> String {
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
async fn known_admin<S: HubStore>(store: &S, username: &str) -> anyhow::Result<String> {
    let username = normalize_username(username).map_err(invalid_admin_input)?;
    if store.admin_credentials(&username).await?.is_none() {
        return Err(Refused(format!("no admin {username:?}")).into());
    }
    Ok(username)
}

async fn webhook<S: HubStore>(
    store: &S,
    command: WebhookCommand,
    config: &Config,
    now: Millis,
) -> anyhow::Result<()> {
    match command {
        WebhookCommand::Add {
            url,
            events,
            clinic,
        } => {
            let events =
                webhooks::events::parse_list(&events).map_err(|e| Refused(e.to_string()))?;
            let url = webhooks::target::check_new(&url, config.webhook_block_private)
                .await
                .map_err(|e| Refused(e.to_string()))?;
            let secret = webhooks::sign::new_secret();
            let new = NewWebhook {
                url: url.to_string(),
                events,
                clinic,
                secret: secret.clone(),
            };
            let id = match store.add_webhook(&new, now).await {
                Err(StoreError::UnknownClinic { id }) => {
                    return Err(Refused(format!("no clinic {id}")).into());
                }
                other => other?,
            };
            eprintln!("webhook {id} added; its signing secret below is shown once");
            print_out(&format!("{secret}\n"))?;
        }
        WebhookCommand::List { json } => {
            let hooks = store.list_webhooks().await?;
            if json {
                print_out(&format!("{}\n", serde_json::to_string_pretty(&hooks)?))?;
            } else {
                print_out(&webhook_table(&hooks))?;
            }
        }
        WebhookCommand::Remove { id } => {
            if !store.remove_webhook(id).await? {
                return Err(Refused(format!("no webhook {id}")).into());
            }
            print_out(&format!("removed {id}\n"))?;
        }
    }
    Ok(())
}

/// The data dir when the store is the embedded one (which may keep its secret key there).
fn embedded_dir(config: &Config) -> Option<&std::path::Path> {
    config
        .database_url
        .is_none()
        .then_some(config.data_dir.as_path())
}

/// `CALENDLY_WEBHOOK_SIGNING_KEY` serves a hub with exactly one clinic only.
async fn warn_about_the_shared_calendly_key<S: HubStore>(store: &S, config: &Config) {
    if config.calendly.signing_key.is_none() {
        return;
    }
    match store.clinic_count().await {
        Ok(1) => {}
        Ok(clinics) => tracing::warn!(
            clinics,
            "CALENDLY_WEBHOOK_SIGNING_KEY is accepted only on a hub with exactly one clinic, and is refused for every clinic here; give each clinic its own key with `dermis-hub calendly key --clinic ID`"
        ),
        Err(e) => {
            tracing::warn!(error = %dermis_sync::driver::error_chain(&e), "cannot count the clinics")
        }
    }
}

/// The longest Calendly signing key accepted (Calendly's are about 44 characters).
const MAX_CALENDLY_KEY: usize = 1024;

async fn calendly<S: HubStore>(
    store: &S,
    command: CalendlyCommand,
    config: &Config,
    now: Millis,
) -> anyhow::Result<()> {
    match command {
        CalendlyCommand::Key { clinic } => {
            // The first line, and no more than a key can be.
            let mut text = String::new();
            std::io::BufRead::read_line(
                &mut std::io::BufReader::new(std::io::Read::take(
                    std::io::stdin(),
                    MAX_CALENDLY_KEY as u64 + 2,
                )),
                &mut text,
            )
            .context("reading the signing key from standard input")?;
            let key = text.trim();
            if key.is_empty() {
                return Err(Refused("no signing key on standard input".into()).into());
            }
            if key.len() > MAX_CALENDLY_KEY || key.contains(['\n', '\r']) {
                return Err(Refused(format!(
                    "the signing key must be one line of at most {MAX_CALENDLY_KEY} characters"
                ))
                .into());
            }
            if !store.clinic_exists(clinic).await? {
                return Err(Refused(format!("no clinic {clinic}")).into());
            }
            let secret = crate::secrets::hub_key(
                config
                    .secret_key
                    .as_ref()
                    .map(crate::config::Secret::expose),
                embedded_dir(config),
                true,
            )
            .map_err(|e| match e {
                crate::secrets::SecretsError::NoKey => Refused(e.to_string()).into(),
                other => anyhow::Error::from(other),
            })?
            .ok_or_else(|| Refused(crate::secrets::SecretsError::NoKey.to_string()))?;
            let sealed = webhooks::calendly::seal_key(&secret, clinic, key)?;
            match store.set_calendly_key(clinic, &sealed, now).await {
                Err(StoreError::UnknownClinic { id }) => {
                    return Err(Refused(format!("no clinic {id}")).into());
                }
                other => other?,
            }
            eprintln!(
                "the Calendly signing key of clinic {clinic} is stored (encrypted); deliveries to /api/integrations/calendly/{clinic} are checked against it"
            );
        }
        CalendlyCommand::Remove { clinic } => {
            if !store.remove_calendly_key(clinic).await? {
                return Err(Refused(format!("clinic {clinic} has no Calendly signing key")).into());
            }
            print_out(&format!("removed {clinic}\n"))?;
        }
        CalendlyCommand::List => {
            let mut rows = vec![["CLINIC", "KEY SET AT"].map(String::from)];
            for (clinic, at) in store.calendly_keys().await? {
                rows.push([clinic.to_string(), crate::api::nodes::rfc3339_ms(at)]);
            }
            print_out(&align(rows))?;
        }
    }
    Ok(())
}

/// `webhook list` as an aligned table.
pub fn webhook_table(hooks: &[WebhookInfo]) -> String {
    let mut rows = vec![["ID", "CLINIC", "EVENTS", "URL"].map(String::from)];
    for h in hooks {
        rows.push([
            h.id.to_string(),
            h.clinic_id.map_or_else(|| "all".into(), |c| c.to_string()),
            h.events.join(","),
            h.url.clone(),
        ]);
    }
    align(rows)
}

/// Rows as columns padded to their widest cell, two spaces apart.
fn align<const N: usize>(rows: Vec<[String; N]>) -> String {
    let widths: Vec<usize> = (0..N)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// `backup` and `restore` of the embedded store (see [`crate::backup`]).
async fn backup_or_restore(command: &Command, file: &Path, config: &Config) -> anyhow::Result<()> {
    if config.database_url.is_some() {
        anyhow::bail!(
            "this hub keeps its data in Postgres (DATABASE_URL): back it up with pg_dump as \
             docs/RUNBOOK.md \"Backups\" shows; `dermis-hub backup` covers the embedded store"
        );
    }
    let restoring = matches!(command, Command::Restore { .. });
    let passphrase = backup_passphrase(!restoring)?;
    if config.s3.is_some() {
        eprintln!(
            "dermis-hub: photos are kept in S3 (S3_ENDPOINT): the {} covers the store and its key; \
             back up the bucket as docs/RUNBOOK.md \"Backups\" shows",
            if restoring { "restore" } else { "backup" }
        );
    }
    let (dir, file) = (config.data_dir.clone(), file.to_path_buf());
    let shown = file.display().to_string();
    let done = tokio::task::spawn_blocking(move || {
        if restoring {
            crate::backup::restore(&dir, &file, &passphrase)
        } else {
            crate::backup::backup(&dir, &file, &passphrase)
        }
    })
    .await
    .context("running the backup")?
    .map_err(anyhow::Error::new)?;
    let size = format!("{:.1} MB", done.bytes as f64 / 1e6);
    if restoring {
        eprintln!(
            "restored {} files ({size}) from {shown} into {}",
            done.files,
            config.data_dir.display()
        );
    } else {
        eprintln!(
            "backup written to {shown}: {} files ({size}), encrypted",
            done.files
        );
    }
    Ok(())
}

/// The backup passphrase: `DERMIS_BACKUP_PASSPHRASE`, else the first line of standard
/// input. A new backup's must be at least [`crate::backup::sealed::MIN_PASSPHRASE_CHARS`].
fn backup_passphrase(new: bool) -> anyhow::Result<String> {
    let passphrase = match std::env::var("DERMIS_BACKUP_PASSPHRASE") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .context("reading the passphrase from standard input")?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let min = crate::backup::sealed::MIN_PASSPHRASE_CHARS;
    if passphrase.is_empty() || (new && passphrase.chars().count() < min) {
        return Err(Refused(format!(
            "passphrase: give one of at least {min} characters in DERMIS_BACKUP_PASSPHRASE or on standard input"
        ))
        .into());
    }
    Ok(passphrase)
}

/// Reads a password from the first line of standard input (so it never shows in the
/// process list or shell history), checks it and hashes it (argon2id).
async fn new_password_hash() -> anyhow::Result<String> {
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

/// Writes a result to stdout. A reader that went away (`| head`) is not an error.
fn print_out(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
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

fn when(ms: Option<Millis>, now: Millis) -> String {
    match ms {
        None => "never".into(),
        Some(t) => {
            let ago = (now - t).max(0) / 1000;
            match ago {
                0..60 => format!("{ago}s ago"),
                60..3600 => format!("{}m ago", ago / 60),
                3600..86400 => format!("{}h ago", ago / 3600),
                _ => format!("{}d ago", ago / 86400),
            }
        }
    }
}

/// `node list` as an aligned table.
pub fn table(nodes: &[NodeInfo], now: Millis) -> String {
    let mut rows = vec![
        [
            "ID",
            "CLINIC",
            "NUMBER",
            "NAME",
            "STATUS",
            "ONLINE",
            "LAST SEEN",
            "VERSION",
            "CURSOR",
            "OUTBOX",
            "LAST ERROR",
        ]
        .map(String::from),
    ];
    for n in nodes {
        let outbox = if n.outbox_count == 0 {
            "empty".to_owned()
        } else {
            format!(
                "{} docs, {} B, oldest {}s",
                n.outbox_count,
                n.outbox_bytes,
                n.outbox_oldest_age_ms / 1000
            )
        };
        rows.push([
            n.id.to_string(),
            n.clinic_id.to_string(),
            format!("N{}", n.number),
            n.name.clone(),
            n.status.to_owned(),
            if n.online { "yes" } else { "no" }.to_owned(),
            when(n.last_seen_at, now),
            n.app_version.clone().unwrap_or_else(|| "-".into()),
            n.cursor.to_string(),
            outbox,
            n.last_error.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    align(rows)
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

    #[test]
    fn the_table_aligns_and_says_never() {
        let node = NodeInfo {
            id: Uuid::nil(),
            clinic_id: Uuid::nil(),
            name: "Front desk".into(),
            enrolled_name: None,
            number: 3,
            status: "pending",
            online: false,
            created_at: 0,
            enrolled_at: None,
            last_seen_at: None,
            last_sync_at: None,
            app_version: None,
            cursor: 0,
            outbox_count: 0,
            outbox_bytes: 0,
            outbox_oldest_age_ms: 0,
            last_error: None,
            delivered_seq: 0,
            transport: None,
        };
        let text = table(&[node], 0);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[1].contains("N3") && lines[1].contains("never"));
        assert_eq!(lines[0].find("STATUS"), lines[1].find("pending"));
    }
}
