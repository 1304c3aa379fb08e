//! Hub admin authentication: argon2id password hashes (PHC strings), short-lived JWTs
//! (HS256, issuer / audience / expiry validated) and the session cookie the `/admin`
//! pages carry the same token in.
//!
//! A token says who signed in and which token version their account had
//! ([`Claims::ver`]); [`crate::principal`] compares that with the store on every
//! request, so a valid signature alone is not enough. Tokens are signed with
//! `JWT_SECRET`; during a rotation `JWT_SECRET_PREVIOUS` still verifies the tokens
//! signed before it (never signs).

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, header};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::settings::AdminAuthConfig;

mod password;

pub use password::{
    MIN_PASSWORD_CHARS, check_new_password, decoy_hash, hash_password, verify_password,
};

/// Name of the session cookie.
pub const COOKIE: &str = "dermis_session";

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// (password-hash's error does not implement `std::error::Error` here, so it is
    /// carried as a value and shown in the message.)
    #[error("hashing a password: {cause}")]
    Hash { cause: argon2::password_hash::Error },
    #[error("signing a token")]
    Sign {
        #[source]
        source: jsonwebtoken::errors::Error,
    },
    /// Bad signature, wrong issuer or audience, expired, malformed: one answer for all.
    #[error("invalid or expired token")]
    InvalidToken {
        #[source]
        source: Option<jsonwebtoken::errors::Error>,
    },
    #[error("the password must have at least {min} characters")]
    WeakPassword { min: usize },
}

/// What an admin token says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The admin user's id.
    pub sub: String,
    /// The admin's username (OIDC's standard claim for it).
    pub preferred_username: String,
    pub iss: String,
    pub aud: String,
    /// Seconds since the Unix epoch.
    pub iat: u64,
    pub exp: u64,
    /// The admin's token version when it was signed; a token whose version is not the
    /// account's current one is refused.
    #[serde(default)]
    pub ver: u64,
}

/// Token settings; the secret never appears in `Debug` output.
#[derive(Clone)]
pub struct AuthOptions {
    secret: Arc<[u8]>,
    /// Verifies, never signs: the secret before a rotation.
    previous: Option<Arc<[u8]>>,
    pub issuer: String,
    pub audience: String,
    pub ttl: Duration,
    pub cookie_secure: bool,
}

impl std::fmt::Debug for AuthOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthOptions")
            .field("secret", &"<redacted>")
            .field("previous", &self.previous.as_ref().map(|_| "<redacted>"))
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("ttl", &self.ttl)
            .field("cookie_secure", &self.cookie_secure)
            .finish()
    }
}

impl AuthOptions {
    /// The configured settings; without `JWT_SECRET`, a random secret (tokens then end
    /// with the process).
    pub fn from_config(config: &AdminAuthConfig) -> AuthOptions {
        let secret: Arc<[u8]> = match &config.jwt_secret {
            Some(secret) if !secret.expose().is_empty() => secret.expose().as_bytes().into(),
            _ => random_secret(),
        };
        let previous = config
            .jwt_secret_previous
            .as_ref()
            .filter(|secret| !secret.expose().is_empty())
            .map(|secret| secret.expose().as_bytes().into());
        AuthOptions {
            secret,
            previous,
            issuer: config.issuer.clone(),
            audience: config.audience.clone(),
            ttl: config.ttl,
            cookie_secure: config.cookie_secure,
        }
    }

    /// A 32-byte key for another purpose (`label`), derived from the signing secret:
    /// HMAC-SHA256(secret, label). Instances sharing `JWT_SECRET` derive the same key.
    pub fn derived_key(&self, label: &[u8]) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(&self.secret) else {
            return [0; 32];
        };
        mac.update(label);
        mac.finalize().into_bytes().into()
    }

    /// Sets the signing secret (tests; several instances sharing tokens use
    /// `JWT_SECRET`).
    #[must_use]
    pub fn with_secret(mut self, secret: &[u8]) -> AuthOptions {
        self.secret = secret.into();
        self
    }

    /// Also accepts tokens signed with `secret` (the secret before a rotation).
    #[must_use]
    pub fn with_previous_secret(mut self, secret: &[u8]) -> AuthOptions {
        self.previous = Some(secret.into());
        self
    }
}

impl Default for AuthOptions {
    fn default() -> Self {
        AuthOptions::from_config(&AdminAuthConfig::default())
    }
}

fn random_secret() -> Arc<[u8]> {
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    secret.to_vec().into()
}

/// Signs and checks this hub's own HS256 tokens.
pub struct LocalIssuer {
    encoding: EncodingKey,
    /// The current secret, then the previous one.
    decoding: Vec<DecodingKey>,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl: Duration,
}

/// A freshly signed token.
#[derive(Clone, Debug)]
pub struct Issued {
    pub token: String,
    /// Seconds since the Unix epoch.
    pub expires_at: u64,
}

impl LocalIssuer {
    pub fn new(options: &AuthOptions) -> LocalIssuer {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&options.issuer]);
        validation.set_audience(&[&options.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        LocalIssuer {
            encoding: EncodingKey::from_secret(&options.secret),
            decoding: std::iter::once(&options.secret)
                .chain(options.previous.as_ref())
                .map(|secret| DecodingKey::from_secret(secret))
                .collect(),
            validation,
            issuer: options.issuer.clone(),
            audience: options.audience.clone(),
            ttl: options.ttl,
        }
    }

    /// A token for an admin at token version `ver`, valid from `now` (seconds since the
    /// epoch) for the TTL.
    pub fn issue(
        &self,
        admin_id: &str,
        username: &str,
        ver: u64,
        now: u64,
    ) -> Result<Issued, AuthError> {
        let expires_at = now + self.ttl.as_secs();
        let claims = Claims {
            sub: admin_id.to_owned(),
            preferred_username: username.to_owned(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now,
            exp: expires_at,
            ver,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|source| AuthError::Sign { source })?;
        Ok(Issued { token, expires_at })
    }

    /// The token's claims when its signature (by the current or the previous secret),
    /// issuer, audience and expiry hold.
    pub fn verify(&self, token: &str) -> Result<Claims, AuthError> {
        let mut last = None;
        for key in &self.decoding {
            match jsonwebtoken::decode::<Claims>(token, key, &self.validation) {
                Ok(data) => return Ok(data.claims),
                // Only a signature that does not match is worth trying the next key.
                Err(e) if *e.kind() == jsonwebtoken::errors::ErrorKind::InvalidSignature => {
                    last = Some(e);
                }
                Err(e) => {
                    last = Some(e);
                    break;
                }
            }
        }
        Err(AuthError::InvalidToken { source: last })
    }

    /// Signs a short-lived value of another kind than an admin token (the OIDC flow
    /// state), under its own audience `purpose`, so neither is ever taken for the other.
    pub fn seal<T: Serialize>(
        &self,
        purpose: &str,
        value: &T,
        ttl: Duration,
        now: u64,
    ) -> Result<String, AuthError> {
        let sealed = Sealed {
            iss: &self.issuer,
            aud: purpose,
            exp: now + ttl.as_secs(),
            value,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &sealed, &self.encoding)
            .map_err(|source| AuthError::Sign { source })
    }

    /// The value [`LocalIssuer::seal`] sealed for `purpose`, while it has not expired.
    pub fn open<T: DeserializeOwned>(&self, purpose: &str, token: &str) -> Result<T, AuthError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[purpose]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.leeway = 5;
        let mut last = None;
        for key in &self.decoding {
            match jsonwebtoken::decode::<Opened<T>>(token, key, &validation) {
                Ok(data) => return Ok(data.claims.value),
                Err(e) => last = Some(e),
            }
        }
        Err(AuthError::InvalidToken { source: last })
    }
}

#[derive(Serialize)]
struct Sealed<'a, T> {
    iss: &'a str,
    aud: &'a str,
    exp: u64,
    value: &'a T,
}

#[derive(Deserialize)]
struct Opened<T> {
    value: T,
}

/// Everything the server needs to sign admins in and check their tokens.
pub struct Authority {
    local: LocalIssuer,
    ttl: Duration,
    cookie_secure: bool,
}

impl Authority {
    pub fn new(options: &AuthOptions) -> Authority {
        Authority {
            local: LocalIssuer::new(options),
            ttl: options.ttl,
            cookie_secure: options.cookie_secure,
        }
    }

    pub fn issue(&self, admin_id: &str, username: &str, ver: u64) -> Result<Issued, AuthError> {
        self.local.issue(
            admin_id,
            username,
            ver,
            jsonwebtoken::get_current_timestamp(),
        )
    }

    /// The token's claims; whether its account still accepts it is
    /// [`crate::principal`]'s question.
    pub fn verify(&self, token: &str) -> Result<Claims, AuthError> {
        self.local.verify(token)
    }

    /// The claims of the request's token: `Authorization: Bearer` first, then the
    /// session cookie.
    pub fn from_headers(&self, headers: &HeaderMap) -> Result<Claims, AuthError> {
        let token = bearer(headers)
            .or_else(|| session_cookie(headers))
            .ok_or(AuthError::InvalidToken { source: None })?;
        self.verify(token)
    }

    /// `Set-Cookie` value carrying `token` for as long as it is valid.
    pub fn cookie(&self, token: &str) -> String {
        let secure = if self.cookie_secure { "; Secure" } else { "" };
        format!(
            "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
            self.ttl.as_secs()
        )
    }

    /// See [`LocalIssuer::seal`].
    pub fn seal<T: Serialize>(
        &self,
        purpose: &str,
        value: &T,
        ttl: Duration,
    ) -> Result<String, AuthError> {
        self.local
            .seal(purpose, value, ttl, jsonwebtoken::get_current_timestamp())
    }

    /// See [`LocalIssuer::open`].
    pub fn open<T: DeserializeOwned>(&self, purpose: &str, token: &str) -> Result<T, AuthError> {
        self.local.open(purpose, token)
    }

    /// `Set-Cookie` value for a cookie only `path` receives, `SameSite=Lax` (it must
    /// come back on the top-level navigation from another site that ends a single
    /// sign-on), for `ttl`; an empty `value` removes it.
    pub fn lax_cookie(&self, name: &str, value: &str, path: &str, ttl: Duration) -> String {
        let secure = if self.cookie_secure { "; Secure" } else { "" };
        let age = if value.is_empty() { 0 } else { ttl.as_secs() };
        format!("{name}={value}; HttpOnly; SameSite=Lax; Path={path}; Max-Age={age}{secure}")
    }

    /// `Set-Cookie` value that removes the session cookie.
    pub fn clear_cookie(&self) -> String {
        let secure = if self.cookie_secure { "; Secure" } else { "" };
        format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}")
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v)
}

fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    cookie_value(headers, COOKIE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> AuthOptions {
        AuthOptions::default().with_secret(b"test-secret")
    }

    #[test]
    fn tokens_check_signature_issuer_audience_and_expiry() {
        let authority = Authority::new(&options());
        let issued = authority.issue("id-1", "admin", 7);
        let Ok(issued) = issued else {
            panic!("{issued:?}")
        };
        let claims = authority.verify(&issued.token);
        assert_eq!(
            claims.ok().map(|c| (c.preferred_username, c.ver)),
            Some(("admin".into(), 7))
        );

        let other_key = Authority::new(&options().with_secret(b"another"));
        assert!(other_key.verify(&issued.token).is_err(), "signature");
        let mut wrong_iss = options();
        wrong_iss.issuer = "someone-else".into();
        assert!(
            Authority::new(&wrong_iss).verify(&issued.token).is_err(),
            "iss"
        );
        let mut wrong_aud = options();
        wrong_aud.audience = "nodes".into();
        assert!(
            Authority::new(&wrong_aud).verify(&issued.token).is_err(),
            "aud"
        );

        let local = LocalIssuer::new(&options());
        let old = local.issue(
            "id-1",
            "admin",
            0,
            jsonwebtoken::get_current_timestamp() - 3600,
        );
        let Ok(old) = old else { panic!("{old:?}") };
        assert!(authority.verify(&old.token).is_err(), "expired");
    }

    #[test]
    fn the_previous_secret_verifies_during_a_rotation_but_never_signs() {
        let before = Authority::new(&options());
        let Ok(old) = before.issue("id-1", "admin", 0) else {
            panic!("issue")
        };
        let rotated =
            Authority::new(&options().with_secret(b"the new secret, long enough to use!"));
        assert!(rotated.verify(&old.token).is_err(), "not without PREVIOUS");
        let rotating = Authority::new(
            &options()
                .with_secret(b"the new secret, long enough to use!")
                .with_previous_secret(b"test-secret"),
        );
        assert!(rotating.verify(&old.token).is_ok(), "PREVIOUS verifies");
        let Ok(new) = rotating.issue("id-1", "admin", 0) else {
            panic!("issue")
        };
        assert!(
            before.verify(&new.token).is_err(),
            "signed with the new one"
        );
        assert!(rotated.verify(&new.token).is_ok());
        let unrelated = Authority::new(&options().with_secret(b"unrelated"));
        let Ok(foreign) = unrelated.issue("id-1", "admin", 0) else {
            panic!("issue")
        };
        assert!(rotating.verify(&foreign.token).is_err());
    }

    #[test]
    fn sealed_values_open_only_for_their_purpose_and_never_as_tokens() {
        let authority = Authority::new(&options());
        let sealed = authority.seal("flow", &vec!["a".to_owned()], Duration::from_secs(60));
        let Ok(sealed) = sealed else {
            panic!("{sealed:?}")
        };
        let opened: Result<Vec<String>, _> = authority.open("flow", &sealed);
        assert_eq!(opened.ok(), Some(vec!["a".to_owned()]));
        assert!(authority.open::<Vec<String>>("other", &sealed).is_err());
        assert!(authority.verify(&sealed).is_err(), "not an admin token");
        let Ok(token) = authority.issue("id", "admin", 0) else {
            panic!("issue")
        };
        assert!(
            authority
                .open::<serde_json::Value>("flow", &token.token)
                .is_err()
        );
        let other = Authority::new(&options().with_secret(b"another"));
        assert!(
            other.open::<Vec<String>>("flow", &sealed).is_err(),
            "signed"
        );
        let old = LocalIssuer::new(&options()).seal("flow", &1u8, Duration::from_secs(60), 1000);
        let Ok(old) = old else { panic!("seal") };
        assert!(authority.open::<u8>("flow", &old).is_err(), "expired");
        let lax = authority.lax_cookie("f", "v", "/admin/oidc", Duration::from_secs(600));
        assert_eq!(
            lax,
            "f=v; HttpOnly; SameSite=Lax; Path=/admin/oidc; Max-Age=600"
        );
        assert!(
            authority
                .lax_cookie("f", "", "/admin/oidc", Duration::from_secs(600))
                .contains("Max-Age=0")
        );
    }

    #[test]
    fn the_token_comes_from_the_bearer_header_or_the_cookie() {
        let authority = Authority::new(&options());
        let Ok(issued) = authority.issue("id-1", "admin", 0) else {
            panic!("issue")
        };
        let mut headers = HeaderMap::new();
        assert!(authority.from_headers(&headers).is_err());
        let cookie = format!("lang=fr; {COOKIE}={}", issued.token);
        headers.insert(
            header::COOKIE,
            cookie.parse().unwrap_or_else(|e| panic!("{e:?}")),
        );
        assert!(authority.from_headers(&headers).is_ok());
        assert_eq!(cookie_value(&headers, "lang"), Some("fr"));
        let set = authority.cookie("t");
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/")
        );
        assert!(!set.contains("Secure"));
        let mut secure = options();
        secure.cookie_secure = true;
        assert!(Authority::new(&secure).cookie("t").ends_with("; Secure"));
        assert!(authority.clear_cookie().contains("Max-Age=0"));
    }
}
