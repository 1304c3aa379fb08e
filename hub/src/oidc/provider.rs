//! Talking to the OpenID Provider: discovery (`/.well-known/openid-configuration`), its
//! signing keys (JWKS), the token request, and the ID token's verification.
//!
//! The metadata and keys are cached; keys are fetched again when a token names a key id
//! not seen yet (a provider rotating its keys), at most once per
//! [`KEY_REFRESH_INTERVAL`]. Every response is read up to [`MAX_RESPONSE_BYTES`] within
//! [`TIMEOUT`], and no redirect is followed.

use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tokio::sync::Mutex;

use super::{Flow, OidcConfig, allowed_url, check_subject, normalize_email, same_secret};

/// The most the hub reads of any answer of the provider.
pub const MAX_RESPONSE_BYTES: usize = 256 * 1024;
/// How long any request to the provider may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How long discovery and keys are kept before they are fetched again.
pub const CACHE_FOR: Duration = Duration::from_secs(3600);
/// The least time between two key fetches caused by an unknown key id.
pub const KEY_REFRESH_INTERVAL: Duration = Duration::from_secs(30);
/// Clock skew allowed on `exp`, `iat`.
const LEEWAY_SECONDS: u64 = 60;

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("building the HTTP client")]
    Client {
        #[source]
        source: reqwest::Error,
    },
    #[error("requesting {what} from the provider")]
    Request {
        what: &'static str,
        #[source]
        source: reqwest::Error,
    },
    #[error("the provider answered {status} ({what})")]
    Status { what: &'static str, status: u16 },
    #[error("the provider's {what} is longer than {MAX_RESPONSE_BYTES} bytes")]
    TooLarge { what: &'static str },
    #[error("the provider's {what} is not the expected JSON")]
    Json {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("the provider's metadata: {reason}")]
    Metadata { reason: String },
    /// The ID token failed a check: the reason names which (never the token).
    #[error("ID token refused: {reason}")]
    IdToken { reason: &'static str },
    #[error("ID token refused: {reason}")]
    IdTokenCheck {
        reason: &'static str,
        #[source]
        source: jsonwebtoken::errors::Error,
    },
}

/// What the provider vouches for, once the ID token checks out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    /// Only when the provider says it is verified (`email_verified: true`).
    pub email: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
struct Metadata {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    userinfo_endpoint: Option<String>,
}

struct Cached {
    metadata: Metadata,
    keys: Vec<Jwk>,
    fetched: Instant,
    keys_fetched: Instant,
}

/// One OpenID Provider.
pub struct Provider {
    config: OidcConfig,
    http: reqwest::Client,
    cache: Mutex<Option<Cached>>,
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
    access_token: Option<String>,
}

/// The UserInfo answer (OIDC Core 5.3.2): only what the hub reads.
#[derive(Deserialize)]
struct UserInfo {
    sub: String,
    email: Option<String>,
    email_verified: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Jwks {
    keys: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct IdClaims {
    sub: String,
    /// A string or an array (jsonwebtoken checks that ours is among them).
    aud: serde_json::Value,
    azp: Option<String>,
    nonce: Option<String>,
    email: Option<String>,
    email_verified: Option<serde_json::Value>,
}

/// Only signatures by the provider's private key: never `none`, never a shared secret.
fn asymmetric(alg: Algorithm) -> bool {
    !matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)
}

fn url_of(what: &'static str, text: &str) -> Result<reqwest::Url, OidcError> {
    reqwest::Url::parse(text)
        .ok()
        .filter(allowed_url)
        .ok_or_else(|| OidcError::Metadata {
            reason: format!("{what} must be an https URL (http only on loopback)"),
        })
}

async fn read_json<T: DeserializeOwned>(
    what: &'static str,
    response: reqwest::Response,
) -> Result<T, OidcError> {
    let status = response.status();
    if !status.is_success() {
        return Err(OidcError::Status {
            what,
            status: status.as_u16(),
        });
    }
    if response
        .content_length()
        .is_some_and(|n| n > MAX_RESPONSE_BYTES as u64)
    {
        return Err(OidcError::TooLarge { what });
    }
    let mut response = response;
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|source| OidcError::Request { what, source })?
    {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(OidcError::TooLarge { what });
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|source| OidcError::Json { what, source })
}

impl Provider {
    pub fn new(config: OidcConfig) -> Result<Provider, OidcError> {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("dermis-hub/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| OidcError::Client { source })?;
        Ok(Provider {
            config,
            http,
            cache: Mutex::new(None),
        })
    }

    pub fn config(&self) -> &OidcConfig {
        &self.config
    }

    async fn get<T: DeserializeOwned>(
        &self,
        what: &'static str,
        url: &str,
    ) -> Result<T, OidcError> {
        let response = self
            .http
            .get(url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|source| OidcError::Request { what, source })?;
        read_json(what, response).await
    }

    async fn fetch_keys(&self, jwks_uri: &str) -> Result<Vec<Jwk>, OidcError> {
        let set: Jwks = self.get("key set", jwks_uri).await?;
        // A key the library cannot read (another type) is skipped, not fatal.
        Ok(set
            .keys
            .into_iter()
            .filter_map(|k| serde_json::from_value::<Jwk>(k).ok())
            .collect())
    }

    async fn discover(&self) -> Result<Cached, OidcError> {
        let url = format!("{}/.well-known/openid-configuration", self.config.issuer);
        let metadata: Metadata = self.get("metadata", &url).await?;
        if metadata.issuer.trim_end_matches('/') != self.config.issuer {
            return Err(OidcError::Metadata {
                reason: format!(
                    "its issuer {:?} is not OIDC_ISSUER",
                    metadata.issuer.chars().take(200).collect::<String>()
                ),
            });
        }
        url_of("authorization_endpoint", &metadata.authorization_endpoint)?;
        url_of("token_endpoint", &metadata.token_endpoint)?;
        url_of("jwks_uri", &metadata.jwks_uri)?;
        if let Some(userinfo) = &metadata.userinfo_endpoint {
            url_of("userinfo_endpoint", userinfo)?;
        }
        let keys = self.fetch_keys(&metadata.jwks_uri).await?;
        let now = Instant::now();
        Ok(Cached {
            metadata,
            keys,
            fetched: now,
            keys_fetched: now,
        })
    }

    /// The cached metadata, discovered first when missing or old.
    async fn metadata(&self) -> Result<Metadata, OidcError> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref()
            && cached.fetched.elapsed() < CACHE_FOR
        {
            return Ok(cached.metadata.clone());
        }
        let fresh = self.discover().await?;
        let metadata = fresh.metadata.clone();
        *cache = Some(fresh);
        Ok(metadata)
    }

    /// The provider's key for a token header, fetching the keys again (rate-limited)
    /// when the key id is new.
    async fn key_for(&self, kid: Option<&str>, alg: Algorithm) -> Result<Jwk, OidcError> {
        let find = |keys: &[Jwk]| -> Option<Jwk> {
            keys.iter()
                .filter(|k| {
                    !matches!(&k.common.public_key_use, Some(u) if *u != PublicKeyUse::Signature)
                })
                .filter(|k| match kid {
                    Some(kid) => k.common.key_id.as_deref() == Some(kid),
                    None => true,
                })
                .find(|k| {
                    k.common
                        .key_algorithm
                        .is_none_or(|a| format!("{a:?}") == format!("{alg:?}"))
                })
                .cloned()
        };
        let mut cache = self.cache.lock().await;
        let Some(cached) = cache.as_mut() else {
            drop(cache);
            self.metadata().await?;
            return Box::pin(self.key_for(kid, alg)).await;
        };
        if let Some(key) = find(&cached.keys) {
            return Ok(key);
        }
        if cached.keys_fetched.elapsed() >= KEY_REFRESH_INTERVAL {
            cached.keys = self.fetch_keys(&cached.metadata.jwks_uri).await?;
            cached.keys_fetched = Instant::now();
            if let Some(key) = find(&cached.keys) {
                return Ok(key);
            }
        }
        Err(OidcError::IdToken {
            reason: "signed with a key the provider does not publish",
        })
    }

    /// Where to send the browser to sign in.
    pub async fn authorize_url(&self, flow: &Flow) -> Result<String, OidcError> {
        let metadata = self.metadata().await?;
        let mut url = url_of("authorization_endpoint", &metadata.authorization_endpoint)?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", &self.config.redirect_url)
            .append_pair("scope", &self.config.scopes)
            .append_pair("state", &flow.state)
            .append_pair("nonce", &flow.nonce)
            .append_pair("code_challenge", &flow.challenge())
            .append_pair("code_challenge_method", "S256");
        Ok(url.to_string())
    }

    /// Exchanges the code for tokens and returns the identity the ID token vouches for.
    pub async fn exchange(&self, code: &str, flow: &Flow) -> Result<Identity, OidcError> {
        let metadata = self.metadata().await?;
        let response = self
            .http
            .post(&metadata.token_endpoint)
            .basic_auth(
                form_encode(&self.config.client_id),
                Some(form_encode(self.config.client_secret.expose())),
            )
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", &self.config.redirect_url),
                ("code_verifier", &flow.verifier),
            ]))
            .send()
            .await
            .map_err(|source| OidcError::Request {
                what: "token",
                source,
            })?;
        let tokens: TokenResponse = read_json("token answer", response).await?;
        let id_token = tokens.id_token.ok_or(OidcError::IdToken {
            reason: "the token answer has no ID token",
        })?;
        let mut identity = self
            .verify(&id_token, &metadata.issuer, &flow.nonce)
            .await?;
        // Providers may leave the email out of the ID token and give it at UserInfo
        // (OIDC Core 5.4): asked there, and taken only for the same subject.
        if identity.email.is_none()
            && let (Some(endpoint), Some(access)) =
                (&metadata.userinfo_endpoint, &tokens.access_token)
        {
            let response = self
                .http
                .get(endpoint)
                .bearer_auth(access)
                .header("accept", "application/json")
                .send()
                .await
                .map_err(|source| OidcError::Request {
                    what: "userinfo",
                    source,
                })?;
            let info: UserInfo = read_json("userinfo answer", response).await?;
            if info.sub != identity.subject {
                return Err(OidcError::IdToken {
                    reason: "UserInfo names another subject than the ID token",
                });
            }
            identity.email = verified_email(info.email, info.email_verified.as_ref());
        }
        Ok(identity)
    }

    /// Checks the ID token: an asymmetric signature by a published key, issuer,
    /// audience (and `azp` when there are several), expiry, and the flow's nonce.
    async fn verify(&self, token: &str, issuer: &str, nonce: &str) -> Result<Identity, OidcError> {
        let header =
            jsonwebtoken::decode_header(token).map_err(|source| OidcError::IdTokenCheck {
                reason: "its header does not parse (or names an unknown algorithm)",
                source,
            })?;
        if !asymmetric(header.alg) {
            return Err(OidcError::IdToken {
                reason: "not signed with the provider's private key (symmetric algorithm)",
            });
        }
        let jwk = self.key_for(header.kid.as_deref(), header.alg).await?;
        let key = DecodingKey::from_jwk(&jwk).map_err(|source| OidcError::IdTokenCheck {
            reason: "the provider's key does not load",
            source,
        })?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[&self.config.client_id]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECONDS;
        let claims = jsonwebtoken::decode::<IdClaims>(token, &key, &validation)
            .map_err(|source| OidcError::IdTokenCheck {
                reason: "signature, issuer, audience or expiry",
                source,
            })?
            .claims;
        let audiences = claims.aud.as_array().map_or(1, Vec::len);
        if audiences > 1 && claims.azp.as_deref() != Some(self.config.client_id.as_str()) {
            return Err(OidcError::IdToken {
                reason: "several audiences and azp is not this client",
            });
        }
        if !claims
            .nonce
            .as_deref()
            .is_some_and(|n| same_secret(n, nonce))
        {
            return Err(OidcError::IdToken {
                reason: "the nonce is not this sign-in's",
            });
        }
        let subject = check_subject(&claims.sub).ok_or(OidcError::IdToken {
            reason: "the subject is empty or too long",
        })?;
        let email = verified_email(claims.email, claims.email_verified.as_ref());
        Ok(Identity { subject, email })
    }
}

/// The email, normalised, when the provider says it is verified (`true`, or the string
/// `"true"` some providers send).
fn verified_email(email: Option<String>, verified: Option<&serde_json::Value>) -> Option<String> {
    let verified = matches!(verified, Some(serde_json::Value::Bool(true)))
        || matches!(verified, Some(serde_json::Value::String(s)) if s == "true");
    email.filter(|_| verified).and_then(|e| normalize_email(&e))
}

/// `application/x-www-form-urlencoded` of `pairs`.
fn form_body(pairs: &[(&str, &str)]) -> String {
    reqwest::Url::parse_with_params("x:", pairs)
        .ok()
        .and_then(|u| u.query().map(str::to_owned))
        .unwrap_or_default()
}

/// `client_secret_basic` form-encodes the id and secret before Basic encoding (RFC 6749
/// section 2.3.1).
fn form_encode(value: &str) -> String {
    form_body(&[("v", value)])
        .strip_prefix("v=")
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_asymmetric_signatures_count() {
        assert!(!asymmetric(Algorithm::HS256));
        assert!(asymmetric(Algorithm::RS256));
        assert!(asymmetric(Algorithm::ES256));
        assert!(asymmetric(Algorithm::EdDSA));
    }

    #[test]
    fn client_credentials_are_form_encoded_for_basic_auth() {
        assert_eq!(form_encode("dermis"), "dermis");
        assert_eq!(form_encode("a b:c/d+"), "a+b%3Ac%2Fd%2B");
    }
}
