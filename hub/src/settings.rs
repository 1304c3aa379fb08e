//! The values settings are made of, which the modules that use them read: a secret that
//! is never logged, the hub's public URL, the S3 and admin sign-in settings, the HTTP
//! limits, the webhook, Calendly and job-queue options, and the error a bad setting
//! gives ([`ConfigError`]). They sit below everything so that a module can take its
//! settings without importing [`crate::config`], which gathers them from every module
//! (scripts/check_hub_layers.sh).

use std::path::PathBuf;
use std::time::Duration;

use rand::Rng;

/// A value that must not be logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// `PUBLIC_URL`, checked: an absolute http(s) URL; kept as its origin
/// (`scheme://host[:port]`, lower case, no path).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicUrl {
    origin: String,
}

impl PublicUrl {
    pub fn parse(text: &str) -> Option<PublicUrl> {
        let url = reqwest::Url::parse(text.trim()).ok()?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return None;
        }
        if !url.username().is_empty() || url.password().is_some() {
            return None;
        }
        Some(PublicUrl {
            origin: url.origin().ascii_serialization(),
        })
    }

    /// `https://hub.example.org` (with `:port` when not the scheme's default).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn is_https(&self) -> bool {
        self.origin.starts_with("https://")
    }
}

/// Where photos go when `S3_ENDPOINT` is set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Config {
    /// `S3_ENDPOINT`, e.g. `http://127.0.0.1:9000` (MinIO).
    pub endpoint: String,
    /// `S3_REGION` (default `us-east-1`).
    pub region: String,
    /// `S3_BUCKET` (default `dermis`); created when missing.
    pub bucket: String,
    /// `S3_ACCESS_KEY_ID` / `S3_ACCESS_KEY_ID_FILE`.
    pub access_key_id: Secret,
    /// `S3_SECRET_ACCESS_KEY` / `S3_SECRET_ACCESS_KEY_FILE`.
    pub secret_access_key: Secret,
}

/// The shortest `JWT_SECRET` (and `JWT_SECRET_PREVIOUS`) accepted: HS256 keys shorter
/// than its output can be brute-forced offline from any one token.
pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// Admin sign-in settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminAuthConfig {
    /// `JWT_SECRET` / `JWT_SECRET_FILE`: the HS256 key, at least
    /// [`MIN_JWT_SECRET_BYTES`]. `None`: a random key per start.
    pub jwt_secret: Option<Secret>,
    /// `JWT_SECRET_PREVIOUS` / `_FILE`: the key before a rotation; it still verifies
    /// tokens (never signs) until they expire.
    pub jwt_secret_previous: Option<Secret>,
    /// `JWT_ISSUER`.
    pub issuer: String,
    /// `JWT_AUDIENCE`.
    pub audience: String,
    /// `JWT_TTL_SECONDS`: how long a token (and the session cookie) lasts.
    pub ttl: Duration,
    /// Mark the session cookie `Secure`: set when the hub serves TLS itself
    /// (`HUB_TLS_CERT`) or `PUBLIC_URL` is https, and by `COOKIE_SECURE=true`.
    pub cookie_secure: bool,
}

impl Default for AdminAuthConfig {
    fn default() -> Self {
        AdminAuthConfig {
            jwt_secret: None,
            jwt_secret_previous: None,
            issuer: "dermis-hub".into(),
            audience: "dermis-admin".into(),
            ttl: Duration::from_secs(900),
            cookie_secure: false,
        }
    }
}

/// A setting the hub cannot start with; the message names the variable and what it takes.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("no platform data directory is known here: set DERMIS_HUB_DATA_DIR or --data-dir")]
    NoDataDir,
    #[error("HUB_BIND must be an address like 0.0.0.0:8000, got {value:?}")]
    Bind {
        value: String,
        #[source]
        source: std::net::AddrParseError,
    },
    #[error("LOG_FORMAT must be text or json, got {value:?}")]
    LogFormat { value: String },
    #[error("set DATABASE_URL or DATABASE_URL_FILE, not both")]
    DatabaseUrlTwice,
    #[error("set {name} or {name}_FILE, not both")]
    SecretTwice { name: &'static str },
    #[error("reading {name}_FILE {path}")]
    SecretFile {
        name: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{name} must be at least {MIN_JWT_SECRET_BYTES} bytes, got {len}; make one with `openssl rand -hex 32`"
    )]
    JwtSecretShort { name: &'static str, len: usize },
    #[error("JWT_TTL_SECONDS must be a whole number of seconds from 1 to 86400, got {value:?}")]
    JwtTtl { value: String },
    #[error("{name} must be true or false, got {value:?}")]
    Bool { name: &'static str, value: String },
    #[error("S3_ENDPOINT is set: set {name} (or {name}_FILE) too")]
    S3Missing { name: &'static str },
    #[error("S3_ENDPOINT must be an http:// or https:// URL, got {value:?}")]
    S3Endpoint { value: String },
    #[error("S3_BUCKET must be 3 to 63 lowercase letters, digits, '.' or '-', got {value:?}")]
    S3Bucket { value: String },
    #[error("PHOTO_MAX_BYTES must be a whole number of bytes from 1 to 1073741824, got {value:?}")]
    PhotoMaxBytes { value: String },
    #[error(
        "CALENDLY_TOLERANCE_SECONDS must be a whole number of seconds from 1 to 3600, got {value:?}"
    )]
    CalendlyTolerance { value: String },
    #[error("set both HUB_TLS_CERT and HUB_TLS_KEY (PEM files), or neither; {missing} is missing")]
    TlsHalf { missing: &'static str },
    #[error(
        "HUB_TLS_RELOAD_SECONDS must be a whole number of seconds from 1 to 86400, got {value:?}"
    )]
    TlsReload { value: String },
    #[error("PUBLIC_URL must be an absolute http:// or https:// URL, got {value:?}")]
    PublicUrl { value: String },
    #[error(
        "TRUSTED_PROXIES must be comma-separated CIDR blocks like 10.0.0.0/8 or addresses, got {value:?}"
    )]
    TrustedProxies { value: String },
    #[error("HUB_SECRET_KEY must be 32 bytes written as 64 hex digits or as base64")]
    SecretKey,
    #[error("{name} must be a whole number from {min} to {max}, got {value:?}")]
    OutOfRange {
        name: &'static str,
        min: u64,
        max: u64,
        value: String,
    },
    #[error(
        "HUB_STAGING_QUOTA_BYTES ({quota}) must be at least PHOTO_MAX_BYTES ({photo_max}): a clinic's staged uploads must hold one whole photo"
    )]
    StagingBelowPhoto { quota: u64, photo_max: u64 },
    #[error("OIDC_ISSUER is set: set {name} too")]
    OidcMissing { name: &'static str },
    #[error("{name} must be an https:// URL (http:// only on loopback), got {value:?}")]
    OidcUrl { name: &'static str, value: String },
    #[error("OIDC_SCOPES must include openid, got {value:?}")]
    OidcScopes { value: String },
}

/// The limits, with the production values from [`HttpLimits::default`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpLimits {
    /// `HUB_MAX_CONNECTIONS`.
    pub max_connections: usize,
    /// `HUB_MAX_CONNECTIONS_PER_ADDRESS`.
    pub max_per_address: usize,
    /// `HUB_HEADER_TIMEOUT_SECONDS`.
    pub header_timeout: Duration,
    /// `HUB_REQUEST_TIMEOUT_SECONDS`.
    pub request_timeout: Duration,
    /// `HUB_MAX_HEADER_BYTES`.
    pub max_header_bytes: usize,
    /// `HUB_MAX_BODY_BYTES`.
    pub max_body_bytes: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            max_connections: 2048,
            max_per_address: 128,
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_header_bytes: 64 * 1024,
            max_body_bytes: 256 * 1024,
        }
    }
}

/// How webhooks are delivered. [`WebhookOptions::default`] gives production values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookOptions {
    /// `WEBHOOK_BLOCK_PRIVATE` (default true): deliver only to the public internet.
    pub block_private: bool,
    /// One request's time limit.
    pub timeout: Duration,
    /// How long after the event deliveries are retried.
    pub retry_window: Duration,
    /// The first retry's delay; each next one doubles, up to `backoff_max`.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// How often the projector looks for changes when nothing woke it.
    pub projector_interval: Duration,
}

impl Default for WebhookOptions {
    fn default() -> Self {
        WebhookOptions {
            block_private: true,
            timeout: Duration::from_secs(10),
            retry_window: Duration::from_secs(24 * 3600),
            backoff_base: Duration::from_secs(30),
            backoff_max: Duration::from_secs(3600),
            projector_interval: Duration::from_secs(1),
        }
    }
}

impl WebhookOptions {
    /// The delay after the `attempts`-th failed attempt (1-based).
    pub fn backoff(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(30);
        self.backoff_base
            .saturating_mul(1u32 << doublings)
            .min(self.backoff_max)
    }
}

/// Calendly settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendlyOptions {
    /// `CALENDLY_WEBHOOK_SIGNING_KEY` (or `_FILE`): the one key of a hub with exactly
    /// one clinic. With several clinics it is not accepted for any of them: each clinic
    /// has its own key (`dermis-hub calendly key --clinic ID`).
    pub signing_key: Option<Secret>,
    /// The key that opens the per-clinic signing keys stored sealed ([`crate::secrets`]).
    pub secret_key: Option<crate::secrets::SecretKey>,
    /// `CALENDLY_TOLERANCE_SECONDS`: how old (or how far ahead) a signature may be.
    pub tolerance: Duration,
}

impl Default for CalendlyOptions {
    fn default() -> Self {
        CalendlyOptions {
            signing_key: None,
            secret_key: None,
            tolerance: Duration::from_secs(180),
        }
    }
}

/// How the queue is worked; [`JobOptions::default`] gives the production values.
#[derive(Clone, Debug)]
pub struct JobOptions {
    /// Concurrent jobs in this instance; 0 runs none (the reaper still runs).
    pub workers: usize,
    /// How often an idle worker looks for due jobs without being woken.
    pub poll: Duration,
    /// How often a running job's claim is refreshed.
    pub heartbeat: Duration,
    /// A claim not refreshed for this long belongs to a dead instance.
    pub stale_after: Duration,
    /// First retry delay; doubled per attempt up to `backoff_cap`.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// How long finished jobs stay visible.
    pub keep_done: Duration,
    /// Names this instance's claims (host and pid by default).
    pub instance: String,
}

impl Default for JobOptions {
    fn default() -> Self {
        JobOptions {
            workers: 2,
            poll: Duration::from_secs(2),
            heartbeat: Duration::from_secs(5),
            stale_after: Duration::from_secs(60),
            backoff_base: Duration::from_secs(10),
            backoff_cap: Duration::from_secs(60 * 60),
            keep_done: Duration::from_secs(7 * 24 * 60 * 60),
            // The nonce keeps a restarted container (same hostname, pid 1) from taking
            // its dead predecessor's claims for its own live ones.
            instance: format!(
                "{}:{}:{:08x}",
                std::env::var("HOSTNAME").unwrap_or_else(|_| "hub".into()),
                std::process::id(),
                rand::rng().random::<u32>()
            ),
        }
    }
}

/// The PEM files the server reads (`crate::server::tls`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    /// `HUB_TLS_CERT`: the certificate chain, leaf first (fullchain.pem).
    pub cert: PathBuf,
    /// `HUB_TLS_KEY`: its private key.
    pub key: PathBuf,
}
