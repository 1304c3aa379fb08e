//! The `/fhir/r4` routes: who is asking ([`crate::principal::api_caller`]: an API key or
//! an admin's token), which clinic (the key's own; an admin who sees several names one
//! with the `Dermis-Clinic` header or `?clinic=`), then [`super::search`] or
//! [`super::export`]. Every answer is `application/fhir+json` (NDJSON files
//! `application/fhir+ndjson`); every error an `OperationOutcome`.
//!
//! - `GET /fhir/r4/metadata` (no credentials needed)
//! - `GET /fhir/r4/{Type}?…`, `GET /fhir/r4/{Type}/{id}`, `GET /fhir/r4/Patient/{id}/$everything`
//! - `GET /fhir/r4/$export`, `GET /fhir/r4/Patient/$export` (with `Prefer: respond-async`)
//!   → 202 and `Content-Location: …/$export-status/{job}/{export}`; `GET` there → 202
//!   (`X-Progress`) until done, then 200 with the manifest; `DELETE` there cancels.
//! - `GET /fhir/r4/$export-file/{export}/{file}`: one NDJSON file, for the same clinic.
//! - `GET /fhir/r4/Media/{id}/$content`: the photo (`Media.content.url`), without its
//!   metadata.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dermis_model::ClinicId;
use serde_json::Value;
use uuid::Uuid;

use super::bulk::{export_cancel, export_file, export_patients, export_status, export_system};
use super::capability;
use super::outcome::{FhirError, fhir_json};
use super::resources::Links;
use super::search::{self, Kind, Search};
use crate::principal::{ApiCaller, ClinicChoice, Refusal, api_caller};
use crate::readmodel::ReadModel;
use crate::state::Hub;
use crate::store::HubStore;

pub(super) type Shared<S> = State<Arc<Hub<S>>>;

pub fn routes<S: HubStore + ReadModel>(hub: Arc<Hub<S>>) -> Router<Arc<Hub<S>>> {
    let guarded = Router::new()
        .route("/fhir/r4/$export", get(export_system::<S>))
        .route("/fhir/r4/Patient/$export", get(export_patients::<S>))
        .route(
            "/fhir/r4/$export-status/{job}/{export}",
            get(export_status::<S>).delete(export_cancel::<S>),
        )
        .route(
            "/fhir/r4/$export-file/{export}/{file}",
            get(export_file::<S>),
        )
        .route("/fhir/r4/Patient/{id}/$everything", get(everything::<S>))
        .route("/fhir/r4/Media/{id}/$content", get(media_content::<S>))
        .route("/fhir/r4/Patient", get(search_patients::<S>))
        .route("/fhir/r4/Patient/{id}", get(read_patient::<S>))
        .route("/fhir/r4/{kind}", get(search_type::<S>))
        .route("/fhir/r4/{kind}/{id}", get(read::<S>))
        .route_layer(axum::middleware::from_fn_with_state(hub, guard::<S>));
    Router::new()
        .route("/fhir/r4/metadata", get(metadata::<S>))
        .merge(guarded)
}

/// Every route but `metadata` runs within its caller's rate and is audited, as on
/// `/api/v1` ([`crate::principal::metered`]), answering refusals as `OperationOutcome`s.
async fn guard<S: HubStore>(
    State(hub): Shared<S>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let caller = match api_caller(&hub, request.headers()).await {
        Ok(caller) => caller,
        Err(Refusal::SignIn) => return FhirError::Unauthorized.into_response(),
        Err(Refusal::Unavailable) => return FhirError::Internal.into_response(),
    };
    crate::principal::metered(&hub, caller, request, next, |wait| {
        FhirError::Throttled {
            retry_after: wait.as_secs().max(1),
        }
        .into_response()
    })
    .await
}

/// The server's `…/fhir/r4` URL: `PUBLIC_URL`'s origin, else the request's `Host` (only
/// a plain host name and port are accepted from it).
pub(super) fn links<S>(hub: &Hub<S>, headers: &HeaderMap) -> Links {
    if let Some(public) = &hub.options.public_url {
        return Links {
            base: format!("{}/fhir/r4", public.origin()),
        };
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']')
                })
        })
        .unwrap_or("localhost");
    Links {
        base: format!("http://{host}/fhir/r4"),
    }
}

pub(super) fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    let raw = raw.unwrap_or_default();
    reqwest::Url::parse(&format!("http://x/?{raw}"))
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

pub(super) fn lenient(headers: &HeaderMap) -> bool {
    prefers(headers, "handling=lenient")
}

pub(super) fn prefers(headers: &HeaderMap, token: &str) -> bool {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split([',', ';']))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

/// The caller and the clinic the request is about.
pub(super) async fn caller<S: HubStore>(
    hub: &Hub<S>,
    headers: &HeaderMap,
    params: &[(String, String)],
) -> Result<(ApiCaller, ClinicId), FhirError> {
    let caller = match api_caller(hub, headers).await {
        Ok(caller) => caller,
        Err(Refusal::SignIn) => return Err(FhirError::Unauthorized),
        Err(Refusal::Unavailable) => return Err(FhirError::Internal),
    };
    let header = headers
        .get("dermis-clinic")
        .map(|v| v.to_str().unwrap_or("?"));
    let param = params
        .iter()
        .find(|(k, _)| k == "clinic")
        .map(|(_, v)| v.as_str());
    let named = match header.or(param) {
        Some(text) => {
            Some(ClinicId(Uuid::parse_str(text.trim()).map_err(|_| {
                FhirError::invalid("clinic", "not a clinic id")
            })?))
        }
        None => None,
    };
    match caller.clinic(named) {
        Ok(clinic) => Ok((caller, clinic)),
        Err(ClinicChoice::Missing) => Err(FhirError::invalid(
            "clinic",
            "you see several clinics: name one with the Dermis-Clinic header",
        )),
        Err(ClinicChoice::NotVisible) => Err(FhirError::NotFound {
            kind: "clinic".into(),
        }),
    }
}

fn ok(body: &Value) -> Response {
    fhir_json(StatusCode::OK, body)
}

fn answer(result: Result<Value, FhirError>) -> Response {
    match result {
        Ok(body) => ok(&body),
        Err(e) => e.into_response(),
    }
}

async fn metadata<S: HubStore + ReadModel>(State(hub): Shared<S>, headers: HeaderMap) -> Response {
    ok(&capability::statement(&links(&hub, &headers).base))
}

async fn search_patients<S: HubStore + ReadModel>(
    hub: Shared<S>,
    query: RawQuery,
    headers: HeaderMap,
) -> Response {
    search_type(hub, Path(Kind::Patient.as_str().to_owned()), query, headers).await
}

async fn search_type<S: HubStore + ReadModel>(
    State(hub): Shared<S>,
    Path(kind): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    answer(
        async {
            let params = query_pairs(query.as_deref());
            let (_, clinic) = caller(&hub, &headers, &params).await?;
            let kind = Kind::parse(&kind).ok_or(FhirError::UnsupportedType { kind })?;
            let s = Search::parse(kind, &params, lenient(&headers))?;
            let links = links(&hub, &headers);
            let found = search::find(&hub.store, clinic, &links, kind, &s).await?;
            Ok(search::bundle(&links, Some(kind), &s, found))
        }
        .await,
    )
}

async fn read_patient<S: HubStore + ReadModel>(
    hub: Shared<S>,
    Path(id): Path<String>,
    query: RawQuery,
    headers: HeaderMap,
) -> Response {
    read(
        hub,
        Path((Kind::Patient.as_str().to_owned(), id)),
        query,
        headers,
    )
    .await
}

async fn read<S: HubStore + ReadModel>(
    State(hub): Shared<S>,
    Path((kind, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    answer(
        async {
            let params = query_pairs(query.as_deref());
            let (_, clinic) = caller(&hub, &headers, &params).await?;
            let kind = Kind::parse(&kind).ok_or(FhirError::UnsupportedType { kind })?;
            search::read(&hub.store, clinic, &links(&hub, &headers), kind, &id).await
        }
        .await,
    )
}

async fn everything<S: HubStore + ReadModel>(
    State(hub): Shared<S>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    answer(
        async {
            let params = query_pairs(query.as_deref());
            let (_, clinic) = caller(&hub, &headers, &params).await?;
            super::everything::everything(&hub.store, clinic, &links(&hub, &headers), &id).await
        }
        .await,
    )
}

/// A photo's image, without its metadata (the photo lane's cleaned original), for the
/// caller's clinic only.
async fn media_content<S: HubStore + ReadModel>(
    State(hub): Shared<S>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let found = async {
        let params = query_pairs(query.as_deref());
        let (_, clinic) = caller(&hub, &headers, &params).await?;
        let gone = || FhirError::NotFound {
            kind: "Media".into(),
        };
        let uuid = Uuid::parse_str(&id).map_err(|_| gone())?;
        let photo = hub
            .store
            .photo(clinic, uuid)
            .await
            .map_err(super::outcome::from_store)?;
        let photo = photo
            .filter(|p| crate::photos::valid_sha256(&p.sha256))
            .ok_or_else(gone)?;
        Ok((clinic, photo.sha256))
    }
    .await;
    let (clinic, sha256) = match found {
        Ok(found) => found,
        Err(e) => return FhirError::into_response(e),
    };
    let key = crate::blobs::key(clinic, crate::blobs::Variant::Original, &sha256);
    match crate::photos::api::clean_original(&hub, clinic, &sha256, &key).await {
        Ok((content_type, bytes)) => {
            let mut response = (StatusCode::OK, bytes).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
            response
        }
        Err(response) => response,
    }
}
