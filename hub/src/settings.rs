//! The values settings are made of, which the modules that use them read: a secret that
//! is never logged, the hub's public URL, the S3 and admin sign-in settings. They sit
//! below everything so that a module can take its settings without importing
//! [`crate::config`], which gathers them from every module (scripts/check_hub_layers.sh).

use std::time::Duration;

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
