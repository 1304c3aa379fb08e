//! OpenID Connect sign-in for hub admins: the authorization code flow with PKCE (S256),
//! against one provider (`OIDC_ISSUER`, `OIDC_CLIENT_ID`, `OIDC_CLIENT_SECRET`).
//!
//! `/admin/oidc/start` makes a fresh `state`, `nonce` and PKCE verifier, keeps them in a
//! short-lived cookie signed with the hub's JWT secret ([`Flow`]), and sends the browser
//! to the provider. `/admin/oidc/callback` checks the returned `state` against that
//! cookie, exchanges the code (with the verifier and the client secret) at the token
//! endpoint, and verifies the ID token ([`provider`]): its signature against the
//! provider's published keys (asymmetric algorithms only), issuer, audience, expiry and
//! the `nonce`. The identity then has to match an existing admin — by `sub`, or by a
//! verified `email` for an admin not bound to another subject — and the admin gets the
//! same session (and token version) a password sign-in gives. Unknown identities are
//! refused; nothing is created on the fly.
//!
//! What the provider says is bounded (response sizes, timeouts, no redirects) and its
//! addresses must be https, or plain http on loopback only (tests, `make dev`).

pub mod provider;

use std::net::IpAddr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::settings::{ConfigError, PublicUrl, Secret};

pub use provider::{Identity, OidcError, Provider};

/// Where the provider sends the browser back to, under the hub's address.
pub const CALLBACK_PATH: &str = "/admin/oidc/callback";

/// The flow cookie: what `/admin/oidc/start` remembers for the callback.
pub const FLOW_COOKIE: &str = "dermis_oidc";

/// How long a sign-in at the provider may take.
pub const FLOW_TTL: std::time::Duration = std::time::Duration::from_secs(600);

/// `OIDC_*` settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OidcConfig {
    /// `OIDC_ISSUER`, without a trailing slash.
    pub issuer: String,
    /// `OIDC_CLIENT_ID`.
    pub client_id: String,
    /// `OIDC_CLIENT_SECRET` / `_FILE`.
    pub client_secret: Secret,
    /// `OIDC_REDIRECT_URL`, else `PUBLIC_URL` + [`CALLBACK_PATH`]: must be registered at
    /// the provider exactly so.
    pub redirect_url: String,
    /// `OIDC_SCOPES` (default `openid email profile`).
    pub scopes: String,
}

/// Whether the hub may talk to (or send browsers to) `url`: https, or plain http to a
/// loopback host.
pub fn allowed_url(url: &reqwest::Url) -> bool {
    match url.scheme() {
        "https" => url.host().is_some(),
        "http" => url.host_str().is_some_and(|host| {
            let host = host.trim_start_matches('[').trim_end_matches(']');
            host.eq_ignore_ascii_case("localhost")
                || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }),
        _ => false,
    }
}

fn checked_url(name: &'static str, value: &str) -> Result<reqwest::Url, ConfigError> {
    reqwest::Url::parse(value.trim())
        .ok()
        .filter(|u| allowed_url(u) && u.username().is_empty() && u.password().is_none())
        .ok_or_else(|| ConfigError::OidcUrl {
            name,
            value: value.to_owned(),
        })
}

/// The `OIDC_*` settings; `None` without `OIDC_ISSUER`. `secret` reads a variable or
/// its `_FILE`.
pub fn config(
    env: &impl Fn(&str) -> Option<String>,
    secret: impl Fn(&'static str) -> Result<Option<Secret>, ConfigError>,
    public_url: Option<&PublicUrl>,
) -> Result<Option<OidcConfig>, ConfigError> {
    let Some(issuer) = env("OIDC_ISSUER") else {
        return Ok(None);
    };
    let issuer = checked_url("OIDC_ISSUER", &issuer)?
        .as_str()
        .trim_end_matches('/')
        .to_owned();
    let client_id =
        env("OIDC_CLIENT_ID")
            .map(|c| c.trim().to_owned())
            .ok_or(ConfigError::OidcMissing {
                name: "OIDC_CLIENT_ID",
            })?;
    let client_secret = secret("OIDC_CLIENT_SECRET")?.ok_or(ConfigError::OidcMissing {
        name: "OIDC_CLIENT_SECRET",
    })?;
    let redirect_url = match (env("OIDC_REDIRECT_URL"), public_url) {
        (Some(url), _) => checked_url("OIDC_REDIRECT_URL", &url)?.to_string(),
        (None, Some(public)) => format!("{}{CALLBACK_PATH}", public.origin()),
        (None, None) => {
            return Err(ConfigError::OidcMissing {
                name: "PUBLIC_URL (or OIDC_REDIRECT_URL)",
            });
        }
    };
    let scopes = env("OIDC_SCOPES").map_or_else(
        || "openid email profile".to_owned(),
        |s| s.split_whitespace().collect::<Vec<_>>().join(" "),
    );
    if !scopes.split(' ').any(|s| s == "openid") {
        return Err(ConfigError::OidcScopes { value: scopes });
    }
    Ok(Some(OidcConfig {
        issuer,
        client_id,
        client_secret,
        redirect_url,
        scopes,
    }))
}

/// What the hub remembers between sending the browser to the provider and its return,
/// in a cookie signed with the JWT secret (the browser cannot change it, and it is only
/// ever sent back to `/admin/oidc`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flow {
    pub state: String,
    pub nonce: String,
    /// The PKCE code verifier (RFC 7636): 43 characters of base64url.
    pub verifier: String,
    /// The admin pages' language to come back to.
    pub lang: String,
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Flow {
    pub fn new(lang: &str) -> Flow {
        Flow {
            state: random_token(),
            nonce: random_token(),
            verifier: random_token(),
            lang: lang.to_owned(),
        }
    }

    /// The PKCE `code_challenge` (S256).
    pub fn challenge(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.verifier.as_bytes()))
    }
}

/// Whether two secrets match, in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    use hmac::Mac;
    // Comparing MACs of both under a random key leaks nothing about the values.
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    let mac = |v: &str| {
        let mut m = <hmac::Hmac<Sha256> as Mac>::new_from_slice(&key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        m.update(v.as_bytes());
        m.finalize().into_bytes()
    };
    mac(a) == mac(b)
}

/// An OIDC subject as an admin record keeps it: 1 to 255 characters, no control
/// characters.
pub fn check_subject(subject: &str) -> Option<String> {
    let s = subject.trim();
    ((1..=255).contains(&s.chars().count()) && !s.chars().any(char::is_control))
        .then(|| s.to_owned())
}

/// An email address as an admin record keeps it: trimmed, lower-cased, one `@`, at most
/// 254 characters, no spaces or control characters.
pub fn normalize_email(email: &str) -> Option<String> {
    let e = email.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.split('@').count() == 2
        && e.split('@').all(|part| !part.is_empty())
        && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    fn load(
        pairs: &[(&str, &str)],
        public: Option<&str>,
    ) -> Result<Option<OidcConfig>, ConfigError> {
        let env = env(pairs);
        let public = public.and_then(PublicUrl::parse);
        config(&env, |name| Ok(env(name).map(Secret::new)), public.as_ref())
    }

    #[test]
    fn settings_need_the_client_and_a_redirect_address() {
        assert_eq!(load(&[], None).ok(), Some(None), "off without OIDC_ISSUER");
        let full = [
            ("OIDC_ISSUER", "https://idp.example.org/realms/x/"),
            ("OIDC_CLIENT_ID", "dermis"),
            ("OIDC_CLIENT_SECRET", "s3cret"),
        ];
        let Ok(Some(c)) = load(&full, Some("https://hub.example.org")) else {
            panic!("loads")
        };
        assert_eq!(c.issuer, "https://idp.example.org/realms/x");
        assert_eq!(
            c.redirect_url,
            "https://hub.example.org/admin/oidc/callback"
        );
        assert_eq!(c.scopes, "openid email profile");
        assert!(!format!("{c:?}").contains("s3cret"));
        assert!(matches!(
            load(&full, None),
            Err(ConfigError::OidcMissing { .. })
        ));
        for missing in ["OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] {
            let pairs: Vec<_> = full
                .iter()
                .copied()
                .filter(|(k, _)| *k != missing)
                .collect();
            assert!(
                matches!(load(&pairs, Some("https://h.example")), Err(ConfigError::OidcMissing { name }) if name == missing),
                "{missing}"
            );
        }
        for issuer in [
            "http://idp.example.org",
            "ftp://idp",
            "https://u:p@idp.example.org",
            "nope",
        ] {
            let mut pairs = full.to_vec();
            pairs[0] = ("OIDC_ISSUER", issuer);
            assert!(
                matches!(
                    load(&pairs, Some("https://h.example")),
                    Err(ConfigError::OidcUrl { .. })
                ),
                "{issuer}"
            );
        }
        let mut local = full.to_vec();
        local[0] = ("OIDC_ISSUER", "http://127.0.0.1:9999");
        local.push((
            "OIDC_REDIRECT_URL",
            "http://localhost:8000/admin/oidc/callback",
        ));
        local.push(("OIDC_SCOPES", "openid  email"));
        let Ok(Some(c)) = load(&local, None) else {
            panic!("loopback http is allowed")
        };
        assert_eq!(c.redirect_url, "http://localhost:8000/admin/oidc/callback");
        assert_eq!(c.scopes, "openid email");
        local.pop();
        local.push(("OIDC_SCOPES", "email"));
        assert!(matches!(
            load(&local, None),
            Err(ConfigError::OidcScopes { .. })
        ));
    }

    #[test]
    fn flows_are_fresh_and_the_challenge_is_s256() {
        let (a, b) = (Flow::new("en"), Flow::new("en"));
        assert_ne!(a.state, b.state);
        assert_ne!(a.nonce, a.state);
        assert_eq!(a.verifier.len(), 43);
        // RFC 7636, appendix B.
        let rfc = Flow {
            verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into(),
            ..a
        };
        assert_eq!(
            rfc.challenge(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
    }

    #[test]
    fn identities_are_checked_and_normalised() {
        assert_eq!(
            normalize_email(" Ana@Clinic.Example ").as_deref(),
            Some("ana@clinic.example")
        );
        for bad in ["", "ana", "a@b@c", "@x", "a b@c", "a@"] {
            assert_eq!(normalize_email(bad), None, "{bad}");
        }
        assert_eq!(
            check_subject(" 248289761001 ").as_deref(),
            Some("248289761001")
        );
        assert_eq!(check_subject(""), None);
        assert_eq!(check_subject("a\u{0}b"), None);
        assert_eq!(check_subject(&"x".repeat(256)), None);
    }
}
