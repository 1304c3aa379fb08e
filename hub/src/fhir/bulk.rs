//! The HTTP side of Bulk Data export ([`super::export`] writes the files): kick-off,
//! status, cancel, download, and the two job arms the queue runs.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dermis_model::ClinicId;
use dermis_sync::driver::error_chain;
use uuid::Uuid;

use super::export::{self, ExportJob, Level};
use super::http::{Shared, caller, lenient, links, prefers, query_pairs};
use super::outcome::{FhirError, fhir_json};
use crate::jobs::{Job, JobFailure, NewJob};
use crate::readmodel::ReadModel;
use crate::state::Hub;
use crate::store::HubStore;

pub(super) async fn export_system<S: HubStore + ReadModel>(
    State(hub): Shared<S>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    kick_off(&hub, Level::System, query.as_deref(), &headers)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

pub(super) async fn export_patients<S: HubStore + ReadModel>(
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
        export: uuid::Builder::from_random_bytes(rand::random()).into_uuid(),
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

pub(super) async fn export_status<S: HubStore + ReadModel>(
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

pub(super) async fn export_cancel<S: HubStore + ReadModel>(
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

pub(super) async fn export_file<S: HubStore + ReadModel>(
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
