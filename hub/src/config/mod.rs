//! The hub's settings: typed defaults in one place ([`Config::default`]), then the
//! environment, then command-line flags — each layer overriding the one before. Names
//! match `.env.example`. Secrets (the database URL, which may carry a password, the S3
//! keys and the JWT signing secret) have a `_FILE` variant and never appear in `Debug`
//! output or logs.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::pool::PoolOptions;
use crate::settings::TlsFiles;
use crate::webhooks::calendly::CalendlyOptions;

mod env;

pub use crate::settings::{
    AdminAuthConfig, ConfigError, MIN_JWT_SECRET_BYTES, PublicUrl, S3Config, Secret,
};
pub use crate::state::{DEFAULT_API_RATE_PER_MINUTE, DEFAULT_FHIR_EXPORT_TTL};

use env::{boolean, number, pool_options, s3_config, secret};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// `DERMIS_HUB_DATA_DIR`, `--data-dir`: the embedded database and the blob folder.
    pub data_dir: PathBuf,
    /// `HUB_BIND`: where `serve` listens.
    pub bind: SocketAddr,
    /// `DATABASE_URL` or `DATABASE_URL_FILE`: Postgres; without it, the embedded store.
    pub database_url: Option<Secret>,
    /// `LOG_FORMAT`: `text` or `json`.
    pub log_format: LogFormat,
    /// `JWT_*` and `COOKIE_SECURE`: how admins sign in.
    pub admin_auth: AdminAuthConfig,
    /// `S3_*`: blobs in an S3 bucket when `S3_ENDPOINT` is set; else in [`Config::blob_dir`].
    pub s3: Option<S3Config>,
    /// `PHOTO_MAX_BYTES`: the largest photo the hub accepts.
    pub photo_max_bytes: u64,
    /// `WEBHOOK_BLOCK_PRIVATE` (default true): outgoing webhooks never go to loopback,
    /// private, link-local or other special-purpose addresses.
    pub webhook_block_private: bool,
    /// `CALENDLY_WEBHOOK_SIGNING_KEY` (or `_FILE`) and `CALENDLY_TOLERANCE_SECONDS`.
    pub calendly: CalendlyOptions,
    /// `HUB_TLS_CERT` and `HUB_TLS_KEY` (PEM files): `serve` speaks HTTPS and WSS with
    /// them; `None`: plain HTTP, for loopback or behind a TLS proxy.
    pub tls: Option<TlsFiles>,
    /// `HUB_TLS_RELOAD_SECONDS`: how often the certificate files are looked at for a
    /// renewal (SIGHUP reloads at once).
    pub tls_reload: Duration,
    /// `PUBLIC_URL`: the address browsers and nodes use for this hub (`https://…` behind
    /// a TLS proxy). Its origin is accepted on admin form posts; https makes the session
    /// cookie `Secure`.
    pub public_url: Option<PublicUrl>,
    /// `HUB_SECRET_KEY` (or `_FILE`): 32 bytes (64 hex digits or base64) that encrypt the
    /// secrets the hub must read back (per-clinic Calendly signing keys). Without it the
    /// embedded store keeps a generated key in `secret.key` beside `hub.db`.
    pub secret_key: Option<Secret>,
    /// `HUB_AUTOMERGE_WORKERS`, `HUB_AUTOMERGE_QUEUE`, `HUB_AUTOMERGE_BUDGET_MS` and
    /// `HUB_AUTOMERGE_WINDOW_SECONDS`: the pool Automerge work runs on and each node's
    /// budget there (`crate::pool`).
    pub pool: PoolOptions,
    /// `HUB_GROUP_COMMIT_MAX` (1 to 1000, default 64): at most this many pushes that
    /// reach the store together are written in one transaction (group commit); 1 writes
    /// each push in a transaction of its own.
    pub group_commit: usize,
    /// `OIDC_*`: admins may sign in through an OpenID Provider ([`crate::oidc`]).
    pub oidc: Option<crate::oidc::OidcConfig>,
    /// `TRUSTED_PROXIES`: comma-separated CIDR blocks whose `X-Forwarded-For` names the
    /// client (for sign-in and enrollment limits); empty: the TCP peer is the client.
    pub trusted_proxies: crate::state::TrustedProxies,
    /// `METRICS_TOKEN` (or `_FILE`): `/metrics` then needs `Authorization: Bearer` with
    /// it; unset, `/metrics` answers loopback clients only.
    pub metrics_token: Option<Secret>,
    /// `HUB_DECODE_WORKERS` and `HUB_DECODE_QUEUE`: photos decoded at once for requests,
    /// and requests that may wait for a slot before a 503 (`crate::photos::gate`).
    pub decode_workers: usize,
    pub decode_queue: usize,
    /// `HUB_STAGING_QUOTA_BYTES`: unfinished upload bytes one clinic may hold.
    pub staging_quota_bytes: u64,
    /// `NODE_TOKEN_DAYS` (default 30): how old a node's token may get before the hub
    /// gives the node a new one over its sync session.
    pub node_token_ttl: Duration,
    /// `HUB_MAX_CONNECTIONS`, `HUB_MAX_CONNECTIONS_PER_ADDRESS`,
    /// `HUB_HEADER_TIMEOUT_SECONDS`, `HUB_REQUEST_TIMEOUT_SECONDS`, `HUB_MAX_HEADER_BYTES`,
    /// `HUB_MAX_BODY_BYTES` (`crate::server::http`).
    pub http: crate::settings::HttpLimits,
    /// `HUB_SESSION_HISTORY_DAYS` (default 90): how long ended sync sessions are kept
    /// for the admin pages before the housekeeping task deletes them.
    pub session_history: Duration,
    /// `FHIR_EXPORT_HOURS` (1 to 720, default 24): how long a FHIR bulk export's files
    /// are kept after it ends (`crate::fhir::export`).
    pub fhir_export_ttl: Duration,
    /// `HUB_MAX_FRAME_BYTES` (64 KiB to 256 MiB, default 8 MiB): the largest sync frame
    /// a node may send, and what pushed documents may cost to check
    /// (`crate::store::rules::doc_limits`).
    pub max_frame_bytes: usize,
    /// `API_RATE_PER_MINUTE` (1 to 100000, default 600): requests one API key (or one
    /// admin) may make to `/api/v1` and `/fhir/r4` per minute; past it, 429 with
    /// `Retry-After`.
    pub api_rate_per_minute: u32,
    /// `HUB_SYNC_BOOT_ROWS` (default true): offer index rows with a first sync
    /// (docs/SYNC.md, revision 6); false, nodes load every document as in revision 5.
    pub sync_boot_rows: bool,
    /// `HUB_SYNC_COMPRESSED_FRAMES` (default true): offer compressed first-sync frames
    /// (docs/SYNC.md, revision 7); false, every frame goes as it is.
    pub sync_compressed_frames: bool,
    /// `HUB_SYNC_BOOT_FIRST` (default true): offer a first sync that starts with today's
    /// appointments and their patients (docs/SYNC.md, revision 8); false, a first sync
    /// is in change-log order only.
    pub sync_boot_first: bool,
    /// `HUB_SYNC_FETCH_ROWS` (default true): offer index rows with whole documents in
    /// `Docs` frames (docs/SYNC.md, revision 9); false, nodes load every document they
    /// fetch whole, as in revision 8.
    pub sync_fetch_rows: bool,
}

/// The smallest `HUB_MAX_FRAME_BYTES`: nodes never size their frames below 64 KiB
/// (docs/SYNC.md).
pub const MIN_FRAME_BYTES: u64 = 64 * 1024;

/// The largest `HUB_MAX_FRAME_BYTES`: 256 MiB. A session may hold about this much
/// (and pushed documents four times it inflated) while a frame is checked.
pub const MAX_FRAME_BYTES: u64 = 256 * 1024 * 1024;

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: directories::ProjectDirs::from("org", "Dermis", "dermis-hub")
                .map(|d| d.data_dir().to_owned())
                .unwrap_or_default(),
            bind: SocketAddr::from(([0, 0, 0, 0], 8000)),
            database_url: None,
            log_format: LogFormat::Text,
            admin_auth: AdminAuthConfig::default(),
            s3: None,
            photo_max_bytes: dermis_model::photo::DEFAULT_MAX_PHOTO_BYTES,
            webhook_block_private: true,
            calendly: CalendlyOptions::default(),
            tls: None,
            tls_reload: Duration::from_secs(60),
            public_url: None,
            secret_key: None,
            pool: PoolOptions::default(),
            group_commit: crate::store::GROUP_COMMIT_MAX,
            oidc: None,
            trusted_proxies: crate::state::TrustedProxies::default(),
            metrics_token: None,
            decode_workers: crate::photos::gate::DEFAULT_DECODE_WORKERS,
            decode_queue: crate::photos::gate::DEFAULT_DECODE_QUEUE,
            staging_quota_bytes: crate::state::DEFAULT_STAGING_QUOTA_BYTES,
            node_token_ttl: Duration::from_secs(30 * 86_400),
            http: crate::settings::HttpLimits::default(),
            session_history: Duration::from_secs(90 * 86_400),
            fhir_export_ttl: DEFAULT_FHIR_EXPORT_TTL,
            max_frame_bytes: dermis_sync::wire::Limits::default().max_frame_bytes,
            api_rate_per_minute: DEFAULT_API_RATE_PER_MINUTE,
            sync_boot_rows: true,
            sync_boot_first: true,
            sync_fetch_rows: true,
            sync_compressed_frames: true,
        }
    }
}

impl Config {
    /// Defaults, then `env` (a lookup, so tests need not touch the process
    /// environment), then the `--data-dir` flag.
    pub fn load(
        env: impl Fn(&str) -> Option<String>,
        data_dir_flag: Option<&Path>,
    ) -> Result<Config, ConfigError> {
        let mut config = Config::default();
        let env = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        if let Some(dir) = env("DERMIS_HUB_DATA_DIR") {
            config.data_dir = PathBuf::from(dir);
        }
        if let Some(bind) = env("HUB_BIND") {
            config.bind = bind.trim().parse().map_err(|source| ConfigError::Bind {
                value: bind.clone(),
                source,
            })?;
        }
        if let Some(format) = env("LOG_FORMAT") {
            config.log_format = match format.trim().to_ascii_lowercase().as_str() {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                _ => return Err(ConfigError::LogFormat { value: format }),
            };
        }
        config.database_url = match secret(&env, "DATABASE_URL") {
            Err(ConfigError::SecretTwice { .. }) => return Err(ConfigError::DatabaseUrlTwice),
            other => other?,
        };
        let auth = &mut config.admin_auth;
        for name in ["JWT_SECRET", "JWT_SECRET_PREVIOUS"] {
            let value = secret(&env, name)?;
            if let Some(value) = &value
                && value.expose().len() < MIN_JWT_SECRET_BYTES
            {
                return Err(ConfigError::JwtSecretShort {
                    name,
                    len: value.expose().len(),
                });
            }
            if name == "JWT_SECRET" {
                auth.jwt_secret = value;
            } else {
                auth.jwt_secret_previous = value;
            }
        }
        if let Some(issuer) = env("JWT_ISSUER") {
            auth.issuer = issuer.trim().to_owned();
        }
        if let Some(audience) = env("JWT_AUDIENCE") {
            auth.audience = audience.trim().to_owned();
        }
        if let Some(ttl) = env("JWT_TTL_SECONDS") {
            let seconds = ttl
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|s| (1..=86_400).contains(s))
                .ok_or_else(|| ConfigError::JwtTtl { value: ttl.clone() })?;
            auth.ttl = Duration::from_secs(seconds);
        }
        if let Some(secure) = env("COOKIE_SECURE") {
            auth.cookie_secure = boolean("COOKIE_SECURE", &secure)?;
        }
        config.s3 = s3_config(&env)?;
        if let Some(max) = env("PHOTO_MAX_BYTES") {
            config.photo_max_bytes = max
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|m| (1..=1 << 30).contains(m))
                .ok_or_else(|| ConfigError::PhotoMaxBytes { value: max.clone() })?;
        }
        if let Some(value) = env("HUB_SYNC_BOOT_ROWS") {
            config.sync_boot_rows = boolean("HUB_SYNC_BOOT_ROWS", &value)?;
        }
        if let Some(value) = env("HUB_SYNC_COMPRESSED_FRAMES") {
            config.sync_compressed_frames = boolean("HUB_SYNC_COMPRESSED_FRAMES", &value)?;
        }
        if let Some(value) = env("HUB_SYNC_BOOT_FIRST") {
            config.sync_boot_first = boolean("HUB_SYNC_BOOT_FIRST", &value)?;
        }
        if let Some(value) = env("HUB_SYNC_FETCH_ROWS") {
            config.sync_fetch_rows = boolean("HUB_SYNC_FETCH_ROWS", &value)?;
        }
        if let Some(block) = env("WEBHOOK_BLOCK_PRIVATE") {
            config.webhook_block_private = boolean("WEBHOOK_BLOCK_PRIVATE", &block)?;
        }
        config.calendly.signing_key = secret(&env, "CALENDLY_WEBHOOK_SIGNING_KEY")?;
        if let Some(tolerance) = env("CALENDLY_TOLERANCE_SECONDS") {
            let seconds = tolerance
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|s| (1..=3600).contains(s))
                .ok_or_else(|| ConfigError::CalendlyTolerance {
                    value: tolerance.clone(),
                })?;
            config.calendly.tolerance = Duration::from_secs(seconds);
        }
        config.tls = match (env("HUB_TLS_CERT"), env("HUB_TLS_KEY")) {
            (Some(cert), Some(key)) => Some(TlsFiles {
                cert: PathBuf::from(cert.trim()),
                key: PathBuf::from(key.trim()),
            }),
            (None, None) => None,
            (Some(_), None) => {
                return Err(ConfigError::TlsHalf {
                    missing: "HUB_TLS_KEY",
                });
            }
            (None, Some(_)) => {
                return Err(ConfigError::TlsHalf {
                    missing: "HUB_TLS_CERT",
                });
            }
        };
        if let Some(reload) = env("HUB_TLS_RELOAD_SECONDS") {
            let seconds = reload
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|s| (1..=86_400).contains(s))
                .ok_or_else(|| ConfigError::TlsReload {
                    value: reload.clone(),
                })?;
            config.tls_reload = Duration::from_secs(seconds);
        }
        if let Some(url) = env("PUBLIC_URL") {
            config.public_url =
                Some(PublicUrl::parse(&url).ok_or(ConfigError::PublicUrl { value: url })?);
        }
        config.pool = pool_options(&env)?;
        if let Some(n) = number(&env, "HUB_GROUP_COMMIT_MAX", 1, 1000)? {
            config.group_commit = n as usize;
        }
        if let Some(list) = env("TRUSTED_PROXIES") {
            config.trusted_proxies = crate::state::TrustedProxies::parse(&list)
                .map_err(|value| ConfigError::TrustedProxies { value })?;
        }
        config.metrics_token = secret(&env, "METRICS_TOKEN")?;
        if let Some(n) = number(&env, "HUB_DECODE_WORKERS", 1, 64)? {
            config.decode_workers = n as usize;
        }
        if let Some(n) = number(&env, "HUB_STAGING_QUOTA_BYTES", 1, u64::MAX >> 1)? {
            config.staging_quota_bytes = n;
        }
        if let Some(n) = number(&env, "HUB_DECODE_QUEUE", 0, 10_000)? {
            config.decode_queue = n as usize;
        }
        // Below one photo, the largest photo could never be uploaded: every upload of it
        // would fail at its last chunks with 507.
        if config.staging_quota_bytes < config.photo_max_bytes {
            return Err(ConfigError::StagingBelowPhoto {
                quota: config.staging_quota_bytes,
                photo_max: config.photo_max_bytes,
            });
        }
        config.secret_key = secret(&env, "HUB_SECRET_KEY")?;
        if let Some(key) = &config.secret_key
            && crate::secrets::SecretKey::parse(key.expose()).is_err()
        {
            return Err(ConfigError::SecretKey);
        }
        if let Some(n) = number(&env, "HUB_MAX_CONNECTIONS", 16, 1_000_000)? {
            config.http.max_connections = n as usize;
        }
        if let Some(n) = number(&env, "HUB_MAX_CONNECTIONS_PER_ADDRESS", 1, 1_000_000)? {
            config.http.max_per_address = n as usize;
        }
        if let Some(n) = number(&env, "HUB_HEADER_TIMEOUT_SECONDS", 1, 300)? {
            config.http.header_timeout = Duration::from_secs(n);
        }
        if let Some(n) = number(&env, "HUB_REQUEST_TIMEOUT_SECONDS", 1, 3600)? {
            config.http.request_timeout = Duration::from_secs(n);
        }
        if let Some(n) = number(&env, "HUB_MAX_HEADER_BYTES", 8192, 1 << 20)? {
            config.http.max_header_bytes = n as usize;
        }
        if let Some(n) = number(&env, "HUB_MAX_BODY_BYTES", 4096, 64 << 20)? {
            config.http.max_body_bytes = n as usize;
        }
        if let Some(days) = number(&env, "NODE_TOKEN_DAYS", 1, 3650)? {
            config.node_token_ttl = Duration::from_secs(days * 86_400);
        }
        if let Some(n) = number(
            &env,
            "HUB_MAX_FRAME_BYTES",
            MIN_FRAME_BYTES,
            MAX_FRAME_BYTES,
        )? {
            config.max_frame_bytes = usize::try_from(n).unwrap_or(usize::MAX);
        }
        if let Some(n) = number(&env, "API_RATE_PER_MINUTE", 1, 100_000)? {
            config.api_rate_per_minute = u32::try_from(n).unwrap_or(u32::MAX);
        }
        if let Some(days) = number(&env, "HUB_SESSION_HISTORY_DAYS", 1, 3650)? {
            config.session_history = Duration::from_secs(days * 86_400);
        }
        if let Some(hours) = number(&env, "FHIR_EXPORT_HOURS", 1, 720)? {
            config.fhir_export_ttl = Duration::from_secs(hours * 3600);
        }
        config.oidc =
            crate::oidc::config(&env, |name| secret(&env, name), config.public_url.as_ref())?;
        if config.tls.is_some() || config.public_url.as_ref().is_some_and(PublicUrl::is_https) {
            config.admin_auth.cookie_secure = true;
        }
        if let Some(dir) = data_dir_flag {
            config.data_dir = dir.to_owned();
        }
        if config.data_dir.as_os_str().is_empty() {
            return Err(ConfigError::NoDataDir);
        }
        Ok(config)
    }

    /// The embedded store's file.
    pub fn sqlite_path(&self) -> PathBuf {
        self.data_dir.join("hub.db")
    }

    /// Where blobs (photos) are kept without S3.
    pub fn blob_dir(&self) -> PathBuf {
        self.data_dir.join("blobs")
    }
}

#[cfg(test)]
mod tests;
