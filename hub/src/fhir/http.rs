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
use dermis_sync::driver::error_chain;
use serde_json::Value;
use uuid::Uuid;

use super::capability;
use super::export::{self, ExportJob, Level};
use super::outcome::{FhirError, fhir_json};
use super::resources::Links;
use super::search::{self, Kind, Search};
use crate::jobs::{Job, JobFailure, NewJob};
use crate::principal::{ApiCaller, ClinicChoice, Refusal, api_caller};
use crate::readmodel::ReadModel;
use crate::server::Hub;
use crate::store::HubStore;

type Shared<S> = State<Arc<Hub<S>>>;

pub fn routes<S: HubStore + ReadModel>() -> Router<Arc<Hub<S>>> {
    Router::new()
        .route("/fhir/r4/metadata", get(metadata::<S>))
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
}

/// The server's `…/fhir/r4` URL: `PUBLIC_URL`'s origin, else the request's `Host` (only
/// a plain host name and port are accepted from it).
fn links<S>(hub: &Hub<S>, headers: &HeaderMap) -> Links {
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

fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    let raw = raw.unwrap_or_default();
    reqwest::Url::parse(&format!("http://x/?{raw}"))
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn lenient(headers: &HeaderMap) -> bool {
    prefers(headers, "handling=lenient")
}

fn prefers(headers: &HeaderMap, token: &str) -> bool {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split([',', ';']))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

/// The caller and the clinic the request is about.
async fn caller<S: HubStore>(
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
            search::everything(&hub.store, clinic, &links(&hub, &headers), &id).await
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

async fn export_system<S: HubStore + ReadModel>(
    State(hub): Shared<S>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    kick_off(&hub, Level::System, query.as_deref(), &headers)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn export_patients<S: HubStore + ReadModel>(
    State(hub): Shared<S>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    kick_off(&hub, Level::Patient, query.as_deref(), &headers)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

fn internal(what: &'static str) -> impl FnOnce(crate::store::StoreError) -> FhirError {
    move |e| {
        tracing::error!(error = %error_chain(&e), "{what}");
        FhirError::Internal
    }
}

fn blob_failure(e: crate::blobs::BlobError) -> FhirError {
    tracing::error!(error = %error_chain(&e), "export files");
    FhirError::Internal
}

/// The kick-off: checks, then one queued job per clinic at a time.
async fn kick_off<S: HubStore + ReadModel>(
    hub: &Arc<Hub<S>>,
    level: Level,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Result<Response, FhirError> {
    let params = query_pairs(query);
    let (_, clinic) = caller(hub, headers, &params).await?;
    if !prefers(headers, "respond-async") {
        return Err(FhirError::invalid(
            "Prefer",
            "a bulk export needs Prefer: respond-async",
        ));
    }
    let lenient = lenient(headers);
    let mut types = None;
    for (k, v) in &params {
        match k.as_str() {
            "_type" if types.is_none() => types = Some(v.as_str()),
            "_type" => return Err(FhirError::invalid("_type", "given more than once")),
            "_outputFormat" => {
                if !matches!(
                    v.as_str(),
                    "application/fhir+ndjson" | "application/ndjson" | "ndjson"
                ) {
                    return Err(FhirError::invalid(
                        "_outputFormat",
                        "only NDJSON is written",
                    ));
                }
            }
            "clinic" => {}
            _ if lenient => {}
            other => {
                return Err(FhirError::UnknownParam {
                    param: other.to_owned(),
                });
            }
        }
    }
    let links = links(hub, headers);
    let path = if level == Level::System {
        "$export"
    } else {
        "Patient/$export"
    };
    let request = match query.filter(|q| !q.is_empty()) {
        Some(q) => format!(
            "{}/{path}?{}",
            links.base,
            q.chars().take(1000).collect::<String>()
        ),
        None => format!("{}/{path}", links.base),
    };
    let payload = ExportJob {
        export: Uuid::new_v4(),
        level,
        types: export::parse_types(types)?,
        request,
        base: links.base.clone(),
        at: dermis_model::now_millis(),
        ttl_ms: i64::try_from(hub.options.fhir_export_ttl.as_millis()).unwrap_or(i64::MAX),
    };
    let job = NewJob::now(
        export::JOB_KIND,
        Some(clinic),
        serde_json::to_value(&payload).map_err(|_| FhirError::Internal)?,
    )
    .dedup(format!("fhir-export:{clinic}"))
    .attempts(export::ATTEMPTS);
    let id = crate::jobs::enqueue(hub, job)
        .await
        .map_err(internal("queueing an export"))?;
    let queued = hub
        .store
        .job(id)
        .await
        .map_err(internal("reading an export job"))?;
    if queued.and_then(|j| export_of(&j)).map(|p| p.export) != Some(payload.export) {
        return Err(FhirError::Busy);
    }
    let mut response = StatusCode::ACCEPTED.into_response();
    let status = format!("{}/$export-status/{id}/{}", links.base, payload.export);
    if let Ok(value) = HeaderValue::from_str(&status) {
        response
            .headers_mut()
            .insert(header::CONTENT_LOCATION, value);
    }
    Ok(response)
}

fn export_of(job: &Job) -> Option<ExportJob> {
    (job.kind == export::JOB_KIND)
        .then(|| serde_json::from_value(job.payload.clone()).ok())
        .flatten()
}

/// The export a status URL names, if it is the caller's clinic's.
async fn find_export<S: HubStore>(
    hub: &Hub<S>,
    clinic: ClinicId,
    job: &str,
    export: &str,
) -> Result<(Job, ExportJob), FhirError> {
    let gone = || FhirError::NotFound {
        kind: "export".into(),
    };
    let job_id: i64 = job.parse().map_err(|_| gone())?;
    let export_id = Uuid::parse_str(export).map_err(|_| gone())?;
    let job = hub
        .store
        .job(job_id)
        .await
        .map_err(internal("reading an export job"))?
        .ok_or_else(gone)?;
    match export_of(&job) {
        Some(payload) if job.clinic == Some(clinic) && payload.export == export_id => {
            Ok((job, payload))
        }
        _ => Err(gone()),
    }
}

async fn manifest<S>(
    hub: &Hub<S>,
    clinic: ClinicId,
    export: uuid::Uuid,
) -> Result<Option<export::Manifest>, FhirError> {
    let Some(bytes) = hub
        .blobs
        .get(&export::manifest_key(clinic, export))
        .await
        .map_err(blob_failure)?
    else {
        return Ok(None);
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|_| FhirError::Internal)
}

async fn export_status<S: HubStore + ReadModel>(
    State(hub): Shared<S>,
    Path((job, export)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let result: Result<Response, FhirError> = async {
        let params = query_pairs(query.as_deref());
        let (_, clinic) = caller(&hub, &headers, &params).await?;
        let (job, payload) = find_export(&hub, clinic, &job, &export).await?;
        let gone = FhirError::NotFound {
            kind: "export".into(),
        };
        if hub
            .blobs
            .exists(&export::cancel_key(clinic, payload.export))
            .await
            .map_err(blob_failure)?
        {
            return Err(gone);
        }
        if let Some(manifest) = manifest(&hub, clinic, payload.export).await? {
            if manifest.expires_at <= dermis_model::now_millis() {
                return Err(gone);
            }
            let mut body = serde_json::to_value(&manifest).map_err(|_| FhirError::Internal)?;
            if let Some(map) = body.as_object_mut() {
                map.remove("dermisExpiresAt");
            }
            let mut response = (StatusCode::OK, body.to_string()).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            let expires = httpdate(manifest.expires_at);
            if let Ok(value) = HeaderValue::from_str(&expires) {
                response.headers_mut().insert(header::EXPIRES, value);
            }
            return Ok(response);
        }
        let progress = match job.state {
            crate::jobs::JobState::Dead => {
                return Ok(fhir_json(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &super::outcome::outcome(
                        "error",
                        "exception",
                        "the export failed; start a new one",
                    ),
                ));
            }
            crate::jobs::JobState::Done => return Err(gone),
            crate::jobs::JobState::Pending => "queued",
            crate::jobs::JobState::Running => "running",
            crate::jobs::JobState::Failed => "retrying",
        };
        let mut response = StatusCode::ACCEPTED.into_response();
        response
            .headers_mut()
            .insert("x-progress", HeaderValue::from_static(progress));
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        Ok(response)
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// An HTTP date for the `Expires` header.
fn httpdate(ms: i64) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

async fn export_cancel<S: HubStore + ReadModel>(
    State(hub): Shared<S>,
    Path((job, export)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let result: Result<Response, FhirError> = async {
        let params = query_pairs(query.as_deref());
        let (_, clinic) = caller(&hub, &headers, &params).await?;
        let (_, payload) = find_export(&hub, clinic, &job, &export).await?;
        let marker = export::cancel_key(clinic, payload.export);
        if hub.blobs.exists(&marker).await.map_err(blob_failure)? {
            return Err(FhirError::NotFound {
                kind: "export".into(),
            });
        }
        hub.blobs
            .put(
                &marker,
                bytes::Bytes::from_static(b"cancelled"),
                "text/plain",
            )
            .await
            .map_err(blob_failure)?;
        if let Some(manifest) = manifest(&hub, clinic, payload.export).await? {
            let names = manifest
                .output
                .iter()
                .filter_map(|f| f.url.rsplit('/').next());
            let mut keys: Vec<String> = names
                .map(|name| format!("{}/{name}", export::prefix(clinic, payload.export)))
                .collect();
            keys.push(export::manifest_key(clinic, payload.export));
            export::delete_all(&hub.blobs, &keys).await;
        }
        Ok(StatusCode::ACCEPTED.into_response())
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

async fn export_file<S: HubStore + ReadModel>(
    State(hub): Shared<S>,
    Path((export, file)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let result: Result<Response, FhirError> = async {
        let params = query_pairs(query.as_deref());
        let (_, clinic) = caller(&hub, &headers, &params).await?;
        let gone = || FhirError::NotFound {
            kind: "export file".into(),
        };
        let export = Uuid::parse_str(&export).map_err(|_| gone())?;
        if !export::valid_file_name(&file) {
            return Err(gone());
        }
        // The key holds the caller's own clinic: another clinic's export is simply absent.
        let live = manifest(&hub, clinic, export)
            .await?
            .is_some_and(|m| m.expires_at > dermis_model::now_millis());
        if !live
            || hub
                .blobs
                .exists(&export::cancel_key(clinic, export))
                .await
                .map_err(blob_failure)?
        {
            return Err(gone());
        }
        let key = format!("{}/{file}", export::prefix(clinic, export));
        let bytes = hub
            .blobs
            .get(&key)
            .await
            .map_err(blob_failure)?
            .ok_or_else(gone)?;
        let mut response = (StatusCode::OK, bytes).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/fhir+ndjson"),
        );
        Ok(response)
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// One attempt of an export job: writes the files, then queues their expiry.
pub async fn export_job<S: HubStore + ReadModel>(
    hub: &Arc<Hub<S>>,
    job: &Job,
) -> Result<(), JobFailure> {
    let clinic = job
        .clinic
        .ok_or_else(|| JobFailure::permanent("an export job needs a clinic"))?;
    let payload = export_of(job).ok_or_else(|| JobFailure::permanent("bad export payload"))?;
    let written = export::write(
        &hub.store,
        &hub.blobs,
        clinic,
        &payload,
        export::FILE_LINES,
        dermis_model::now_millis,
    )
    .await
    .map_err(|e| JobFailure::retry(format!("export: {}", error_chain(&e))))?;
    let Some((manifest, keys)) = written else {
        return Ok(());
    };
    let expire = export::ExpireJob {
        export: payload.export,
        keys,
    };
    let mut next = NewJob::now(
        export::EXPIRE_JOB_KIND,
        Some(clinic),
        serde_json::to_value(&expire)
            .map_err(|e| JobFailure::permanent(format!("expiry payload: {e}")))?,
    )
    .dedup(format!("fhir-export-expire:{}", payload.export));
    next.run_at = manifest.expires_at;
    crate::jobs::enqueue(hub, next).await.map_err(|e| {
        JobFailure::retry(format!("queueing the export's expiry: {}", error_chain(&e)))
    })?;
    Ok(())
}

/// Deletes an expired export's files (and its cancel marker, if any).
pub async fn expire_job<S: HubStore>(hub: &Arc<Hub<S>>, job: &Job) -> Result<(), JobFailure> {
    let clinic = job
        .clinic
        .ok_or_else(|| JobFailure::permanent("an expiry job needs a clinic"))?;
    let payload: export::ExpireJob = serde_json::from_value(job.payload.clone())
        .map_err(|e| JobFailure::permanent(format!("bad expiry payload: {e}")))?;
    let prefix = format!("{}/", export::prefix(clinic, payload.export));
    let mut keys: Vec<String> = payload
        .keys
        .into_iter()
        .filter(|k| k.starts_with(&prefix))
        .collect();
    keys.push(export::cancel_key(clinic, payload.export));
    export::delete_all(&hub.blobs, &keys).await;
    Ok(())
}
