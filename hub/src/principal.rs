//! Who is asking: the admin a request's token names, checked against the store on every
//! request. A token is accepted only while its admin account exists and still has the
//! token version the token carries, so `admin passwd`, `admin logout-all` and
//! `admin remove` end every earlier token at once, on every hub instance (the check
//! reads the shared store; nothing is cached).
//!
//! The JSON API answers a refused token with 401 `unauthorized`
//! ([`crate::api::auth::require_admin`]); the pages redirect to the sign-in page
//! ([`crate::admin::page_admin`]).
//!
//! An admin limited to clinics ([`Scope::Clinics`]) sees and changes only those: every
//! list is filtered by [`Admin::scope`], and anything of another clinic (a node, a
//! delivery, a conflict) answers exactly as if it did not exist (404), so a limited
//! admin cannot even learn that it exists. The hub-wide pages (health, jobs) answer 403
//! to a limited admin, whatever they ask for.
//!
//! The same goes for the other callers: an API key or an admin on `/api/v1` and
//! `/fhir/r4` ([`api_caller`], metered by [`metered`]), and a node on `/sync` and the
//! photo lane ([`authenticate_node`]).

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use dermis_model::{ClinicId, now_millis};
use dermis_sync::driver::error_chain;
use uuid::Uuid;

use crate::auth::Claims;
use crate::credentials::hash_secret;
use crate::reply::{error, unavailable};
pub use crate::state::CallerId;
use crate::state::Hub;
use crate::store::api_keys::{ApiKeyScope, ApiKeyUse};
use crate::store::{HubStore, NodeAuth, NodeStatus, Scope};

/// A signed-in admin whose token is current.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Admin {
    pub id: Uuid,
    pub username: String,
    /// Which clinics the admin sees and changes, as the store says now.
    pub scope: Scope,
    /// The claims the token carried (its expiry ends live pages).
    pub claims: Claims,
}

impl Admin {
    /// Whether the admin may use the hub-wide pages (health, jobs).
    pub fn hub_wide(&self) -> bool {
        self.scope.is_all()
    }
}

/// Why a request has no admin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No token, a bad one, or one its account no longer accepts.
    SignIn,
    /// The store could not be asked; logged where it happened.
    Unavailable,
}

/// The request's admin, from its bearer token or session cookie.
pub async fn admin<S: HubStore>(hub: &Hub<S>, headers: &HeaderMap) -> Result<Admin, Refusal> {
    let claims = hub
        .auth
        .from_headers(headers)
        .map_err(|_| Refusal::SignIn)?;
    check(&hub.store, claims).await
}

/// Whether the account the (signature-checked) claims name still accepts them.
pub async fn check<S: HubStore>(store: &S, claims: Claims) -> Result<Admin, Refusal> {
    let id = Uuid::parse_str(&claims.sub).map_err(|_| Refusal::SignIn)?;
    match store.admin_account(id).await {
        Ok(Some(account)) if account.token_version == claims.ver => Ok(Admin {
            id,
            username: account.username,
            scope: account.scope,
            claims,
        }),
        Ok(Some(_)) => {
            tracing::info!(admin = %id, "refused an ended admin token");
            Err(Refusal::SignIn)
        }
        Ok(None) => Err(Refusal::SignIn),
        Err(e) => {
            tracing::error!(error = %error_chain(&e), "cannot read the admin account");
            Err(Refusal::Unavailable)
        }
    }
}

/// Who calls `/api/v1` or `/fhir/r4`: an API key (`dmk_…`, one clinic, read or
/// read-write) or a signed-in admin (the clinics their scope allows, read-write).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiCaller {
    /// The clinics the caller sees: one for a key.
    pub scope: Scope,
    /// May create documents (`POST`): read-write keys and admins.
    pub can_write: bool,
    pub who: CallerId,
}

/// Why a clinic-data request has no clinic to answer for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClinicChoice {
    /// The caller sees several clinics and named none (`clinic` query parameter or
    /// `Dermis-Clinic` header): 400 naming `clinic`.
    Missing,
    /// The named clinic is not one the caller sees: answered as not found (404), so a
    /// caller cannot learn that it exists.
    NotVisible,
}

impl ApiCaller {
    /// The clinic a request is about: the one named (it must be visible), or the only one
    /// the caller sees.
    pub fn clinic(&self, named: Option<ClinicId>) -> Result<ClinicId, ClinicChoice> {
        match (named, &self.scope) {
            (Some(clinic), scope) if scope.allows(clinic) => Ok(clinic),
            (Some(_), _) => Err(ClinicChoice::NotVisible),
            (None, Scope::Clinics(clinics)) if clinics.len() == 1 => Ok(clinics[0]),
            (None, _) => Err(ClinicChoice::Missing),
        }
    }
}

/// The caller of a clinic-data route, from its bearer token: an API key
/// (`Authorization: Bearer dmk_…`, checked by its hash; unknown or revoked is
/// [`Refusal::SignIn`]) or an admin's JWT (or session cookie).
pub async fn api_caller<S: HubStore>(
    hub: &Hub<S>,
    headers: &HeaderMap,
) -> Result<ApiCaller, Refusal> {
    if let Some(secret) = bearer_api_key(headers) {
        return key_caller(&hub.store, secret).await;
    }
    let admin = admin(hub, headers).await?;
    Ok(ApiCaller {
        scope: admin.scope,
        can_write: true,
        who: CallerId::Admin(admin.id),
    })
}

/// The bearer token when it is meant as an API key (it has the key prefix).
fn bearer_api_key(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && token.starts_with(crate::apikeys::PREFIX))
        .then_some(token)
}

async fn key_caller<S: HubStore>(store: &S, secret: &str) -> Result<ApiCaller, Refusal> {
    // Bounded before hashing: a key is 47 characters.
    if secret.len() > crate::apikeys::MAX_KEY_CHARS {
        return Err(Refusal::SignIn);
    }
    match store.api_key_by_hash(&crate::apikeys::hash(secret)).await {
        Ok(Some(key)) if !key.revoked => Ok(ApiCaller {
            scope: Scope::Clinics(vec![key.clinic]),
            can_write: key.scope == ApiKeyScope::ReadWrite,
            who: CallerId::ApiKey(key.id),
        }),
        Ok(Some(key)) => {
            tracing::info!(key = %key.id, "refused a revoked api key");
            Err(Refusal::SignIn)
        }
        Ok(None) => Err(Refusal::SignIn),
        Err(e) => {
            tracing::error!(error = %error_chain(&e), "cannot read the api key");
            Err(Refusal::Unavailable)
        }
    }
}

/// Runs a request of `caller` within its rate (else `limited`'s answer) and records the
/// use: an API key's in the store's audit of key uses, an admin's in the log. The
/// caller goes into the request's extensions for the handler. `/api/v1` and `/fhir/r4`
/// share it, each answering in its own error format.
pub async fn metered<S: HubStore>(
    hub: &Hub<S>,
    caller: ApiCaller,
    mut request: Request,
    next: Next,
    limited: impl FnOnce(std::time::Duration) -> Response,
) -> Response {
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = match hub.api_rate.begin(&caller.who) {
        Ok(()) => {
            request.extensions_mut().insert(caller.clone());
            next.run(request).await
        }
        Err(wait) => limited(wait),
    };
    match caller.who {
        CallerId::ApiKey(key_id) => {
            let used = ApiKeyUse {
                key_id,
                method,
                route,
                status: response.status().as_u16(),
                at: now_millis(),
            };
            if let Err(e) = hub.store.record_api_key_use(&used).await {
                tracing::warn!(key = %key_id, error = %error_chain(&e), "cannot audit an api key's use");
            }
        }
        CallerId::Admin(admin) => {
            tracing::info!(%admin, %method, %route, status = response.status().as_u16(), "api use by an admin");
        }
    }
    response
}

/// The token of an `Authorization: Bearer` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The active node a request's `Authorization: Bearer <node token>` belongs to, or the
/// answer to send: 401 `unauthorized` (missing, unknown or not yet enrolled), 403
/// `revoked`, 503 `unavailable`. `/sync` and the photo lane check tokens the same way.
pub async fn authenticate_node<S: HubStore>(
    hub: &Hub<S>,
    headers: &HeaderMap,
) -> Result<NodeAuth, Response> {
    let unauthorized = || {
        error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing or unknown node token",
        )
    };
    let Some(token) = bearer(headers) else {
        return Err(unauthorized());
    };
    let auth = match hub
        .store
        .authenticate(&hash_secret(token), now_millis())
        .await
    {
        Ok(Some(auth)) => auth,
        Ok(None) => return Err(unauthorized()),
        Err(e) => {
            tracing::error!(error = %error_chain(&e), "cannot check a node token");
            return Err(unavailable());
        }
    };
    match auth.status {
        NodeStatus::Active => Ok(auth),
        NodeStatus::Revoked => Err(error(
            StatusCode::FORBIDDEN,
            "revoked",
            "this node's access was revoked",
        )),
        NodeStatus::Pending => Err(unauthorized()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    #[test]
    fn bearer_tokens_are_read_case_insensitively_and_nothing_else() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            "bearer abc".parse().unwrap_or_else(|e| panic!("{e:?}")),
        );
        assert_eq!(bearer(&headers), Some("abc"));
        headers.insert(
            header::AUTHORIZATION,
            "Basic abc".parse().unwrap_or_else(|e| panic!("{e:?}")),
        );
        assert_eq!(bearer(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            "Bearer ".parse().unwrap_or_else(|e| panic!("{e:?}")),
        );
        assert_eq!(bearer(&headers), None);
    }
}
