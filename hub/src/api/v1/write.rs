//! `POST /api/v1/patients` and `POST /api/v1/appointments`: read-write keys and admins
//! create documents through the hub's document writer ([`crate::docwrite`]), as a node
//! would, so they reach every node of the clinic by sync. A body is bounded
//! ([`MAX_BODY_BYTES`]) before it is parsed, must be a JSON object of known fields, and
//! is checked by the model's own forms; a refusal names the field and writes nothing.

use std::sync::Arc;

use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dermis_model::appointment::{AppointmentDraft, AppointmentSource, create_appointment};
use dermis_model::patient::{PatientForm, create_patient};
use dermis_model::validate::ValidationErrors;
use dermis_model::{AppointmentId, ClinicId, Millis, PatientId, UserId, now_millis};
use dermis_sync::driver::error_chain;
use dermis_sync::wire::FetchItem;
use http_body_util::BodyExt;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::params::parse_time;
use super::problem::{FieldProblem, Problem};
use super::schemas::Created;
use super::{Ctx, ctx, store_problem};
use crate::docwrite::{self, WriteError};
use crate::principal::ApiCaller;
use crate::readmodel::PatientQuery;
use crate::state::Hub;
use crate::store::HubStore;

/// The largest body a `POST` may send.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The body, bounded, as a JSON object whose keys are all in `known`.
async fn object(
    headers: &HeaderMap,
    body: Body,
    known: &[&str],
) -> Result<Map<String, Value>, Problem> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Unsupported media type",
            "send Content-Type: application/json",
        )
        .field("Content-Type"));
    }
    let too_large = || {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "Body too large",
            format!("a body may hold at most {MAX_BODY_BYTES} bytes"),
        )
        .field("body")
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    let bytes: Bytes = http_body_util::Limited::new(body, MAX_BODY_BYTES)
        .collect()
        .await
        .map_err(|_| too_large())?
        .to_bytes();
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|_| Problem::body("body", "the body is not valid JSON"))?;
    let Value::Object(map) = value else {
        return Err(Problem::body("body", "the body must be a JSON object"));
    };
    if let Some(unknown) = map.keys().find(|k| !known.contains(&k.as_str())) {
        let shown: String = unknown.chars().take(40).collect();
        return Err(Problem::body(
            &shown,
            format!("unknown field; known fields are {}", known.join(", ")),
        ));
    }
    Ok(map)
}

fn text(map: &Map<String, Value>, field: &str) -> Result<Option<String>, Problem> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Problem::body(field, format!("{field} must be a string"))),
    }
}

fn uuid(map: &Map<String, Value>, field: &str) -> Result<Option<Uuid>, Problem> {
    text(map, field)?
        .map(|s| {
            Uuid::parse_str(&s).map_err(|_| Problem::body(field, format!("{field} must be a UUID")))
        })
        .transpose()
}

fn time(map: &Map<String, Value>, field: &str) -> Result<Millis, Problem> {
    let bad = || {
        Problem::body(
            field,
            format!("{field} must be unix milliseconds or an RFC 3339 date-time"),
        )
    };
    match map.get(field) {
        None | Some(Value::Null) => Err(Problem::body(field, format!("{field} is required"))),
        Some(Value::Number(n)) => n
            .as_i64()
            .and_then(|n| parse_time(&n.to_string()))
            .ok_or_else(bad),
        Some(Value::String(s)) => parse_time(s).ok_or_else(bad),
        Some(_) => Err(bad()),
    }
}

fn texts(map: &Map<String, Value>, field: &str, max: usize) -> Result<Vec<String>, Problem> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) if items.len() <= max => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| Problem::body(field, format!("{field} must hold strings")))
            })
            .collect(),
        Some(_) => Err(Problem::body(
            field,
            format!("{field} must be a list of at most {max} strings"),
        )),
    }
}

/// The model's refusal as 422, naming the first field and listing every one.
fn invalid(errors: &ValidationErrors) -> Problem {
    let first = errors.0.first();
    let mut problem = Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        "Invalid input",
        first.map_or_else(
            || "the input is not valid".to_owned(),
            |e| e.message.clone(),
        ),
    );
    problem.field = first.map(|e| e.field.clone());
    problem.errors = errors
        .0
        .iter()
        .map(|e| FieldProblem {
            field: e.field.clone(),
            code: e.code.as_str().to_owned(),
            detail: e.message.clone(),
        })
        .collect();
    problem
}

fn write_problem(e: &WriteError) -> Problem {
    tracing::error!(error = %error_chain(e), "api/v1: cannot write a document");
    Problem::unavailable()
}

/// The caller may create, in a clinic.
fn writer(caller: &ApiCaller, headers: &HeaderMap, query: Option<&str>) -> Result<Ctx, Problem> {
    let c = ctx(caller, headers, query, &[])?;
    if !c.caller.can_write {
        return Err(Problem::read_only());
    }
    Ok(c)
}

fn created(kind: &str, body: &Created) -> Response {
    let location = format!("/api/v1/{kind}/{}", body.id);
    let mut response = (StatusCode::CREATED, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

const PATIENT_FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "middle_name",
    "birth_date",
    "sex",
    "phones",
    "email",
    "address",
    "mrn",
    "medical_history",
    "notes",
];

/// Creates a patient document; nodes receive it by sync.
#[utoipa::path(
    post, path = "/api/v1/patients", operation_id = "create_patient", tag = "api/v1",
    params(super::read::ClinicParam),
    request_body = super::schemas::NewPatient,
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 201, description = "Created; `Location` is the patient's URL", body = super::schemas::Created,
         headers(("Location" = String, description = "/api/v1/patients/{id}"))),
        (status = 400, description = "`invalid_body` (not JSON, not an object, an unknown field or a wrong type, named in `field`) or `invalid_parameter`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "`read_only_key`: a read key may not create", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "`unknown_clinic`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "`mrn_taken`: another patient of the clinic has this record number", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 413, description = "`too_large`: over 64 KiB", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`: not application/json", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: `field` is the first refused field, `errors` every one", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "`unavailable`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn post_patient<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    match new_patient(&hub, &caller, &headers, query.as_deref(), body).await {
        Ok(body) => created("patients", &body),
        Err(problem) => problem.into_response(),
    }
}

async fn new_patient<S: HubStore>(
    hub: &Hub<S>,
    caller: &ApiCaller,
    headers: &HeaderMap,
    query: Option<&str>,
    body: Body,
) -> Result<Created, Problem> {
    let c = writer(caller, headers, query)?;
    let map = object(headers, body, PATIENT_FIELDS).await?;
    let form = PatientForm {
        first_name: text(&map, "first_name")?.unwrap_or_default(),
        last_name: text(&map, "last_name")?.unwrap_or_default(),
        middle_name: text(&map, "middle_name")?.unwrap_or_default(),
        birth_date: text(&map, "birth_date")?.unwrap_or_default(),
        sex: text(&map, "sex")?.unwrap_or_else(|| "unknown".to_owned()),
        phones: texts(&map, "phones", 10)?,
        email: text(&map, "email")?.unwrap_or_default(),
        address: text(&map, "address")?.unwrap_or_default(),
        mrn: text(&map, "mrn")?.unwrap_or_default(),
        medical_history: text(&map, "medical_history")?.unwrap_or_default(),
        notes: text(&map, "notes")?.unwrap_or_default(),
    };
    let today = time::OffsetDateTime::now_utc().date();
    let draft = form.validate(today).map_err(|e| invalid(&e))?;
    let id = PatientId::new();
    let mrn = match &draft.mrn {
        Some(mrn) => {
            let taken = hub
                .store
                .patients(
                    c.clinic,
                    &PatientQuery {
                        mrn: Some(mrn.clone()),
                        limit: 1,
                        ..PatientQuery::default()
                    },
                )
                .await
                .map_err(|e| store_problem("checking a record number", &e))?;
            if !taken.items.is_empty() {
                return Err(Problem::new(
                    StatusCode::CONFLICT,
                    "mrn_taken",
                    "Record number taken",
                    "another patient of this clinic has this record number",
                )
                .field("mrn"));
            }
            mrn.clone()
        }
        // No central counter (nodes number theirs `N3-P000123`): the id's random tail.
        None => format!("API-{}", &id.0.simple().to_string()[20..]).to_uppercase(),
    };
    let mut doc = create_patient(
        id,
        c.clinic,
        &draft,
        &mrn,
        now_millis(),
        None,
        automerge::ActorId::random(),
    )
    .map_err(|e| {
        write_problem(&WriteError::Edit {
            id: id.0,
            reason: e.to_string(),
        })
    })?;
    docwrite::create_doc(hub, c.clinic, id.0, &mut doc)
        .await
        .map_err(|e| write_problem(&e))?;
    tracing::info!(clinic = %c.clinic, patient = %id.0, "api/v1 created a patient");
    Ok(Created {
        id: id.0,
        mrn: Some(mrn),
    })
}

const APPOINTMENT_FIELDS: &[&str] = &[
    "patient_id",
    "invitee_name",
    "invitee_email",
    "invitee_phone",
    "title",
    "start",
    "end",
    "notes",
    "clinician_id",
];

/// Creates an appointment document; nodes receive it by sync.
#[utoipa::path(
    post, path = "/api/v1/appointments", operation_id = "create_appointment", tag = "api/v1",
    params(super::read::ClinicParam),
    request_body = super::schemas::NewAppointment,
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 201, description = "Created; `Location` is the appointment's URL", body = super::schemas::Created,
         headers(("Location" = String, description = "/api/v1/appointments/{id}"))),
        (status = 400, description = "`invalid_body` or `invalid_parameter`, naming the field", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "`read_only_key`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "`unknown_clinic`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 413, description = "`too_large`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (e.g. `end` before `start`; `patient_id` not a patient of this clinic)", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "`unavailable`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn post_appointment<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    match new_appointment(&hub, &caller, &headers, query.as_deref(), body).await {
        Ok(body) => created("appointments", &body),
        Err(problem) => problem.into_response(),
    }
}

async fn new_appointment<S: HubStore>(
    hub: &Hub<S>,
    caller: &ApiCaller,
    headers: &HeaderMap,
    query: Option<&str>,
    body: Body,
) -> Result<Created, Problem> {
    let c = writer(caller, headers, query)?;
    let map = object(headers, body, APPOINTMENT_FIELDS).await?;
    let draft = AppointmentDraft {
        patient_id: uuid(&map, "patient_id")?.map(PatientId),
        invitee_name: text(&map, "invitee_name")?,
        invitee_email: text(&map, "invitee_email")?,
        title: text(&map, "title")?.unwrap_or_default(),
        start: time(&map, "start")?,
        end: time(&map, "end")?,
        source: AppointmentSource::Manual,
        external_id: None,
        notes: text(&map, "notes")?.unwrap_or_default(),
        clinician_id: uuid(&map, "clinician_id")?.map(UserId),
        invitee_phone: text(&map, "invitee_phone")?,
    };
    draft.validate().map_err(|e| invalid(&e))?;
    if let Some(patient) = draft.patient_id
        && !is_patient(hub, c.clinic, patient.0).await?
    {
        let mut problem = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "Invalid input",
            "patient_id is not a patient of this clinic",
        )
        .field("patient_id");
        problem.errors.push(FieldProblem {
            field: "patient_id".into(),
            code: "unknown_patient".into(),
            detail: "patient_id is not a patient of this clinic".into(),
        });
        return Err(problem);
    }
    let id = AppointmentId::new();
    let mut doc =
        create_appointment(id, c.clinic, &draft, automerge::ActorId::random()).map_err(|e| {
            write_problem(&WriteError::Edit {
                id: id.0,
                reason: e.to_string(),
            })
        })?;
    docwrite::create_doc(hub, c.clinic, id.0, &mut doc)
        .await
        .map_err(|e| write_problem(&e))?;
    tracing::info!(clinic = %c.clinic, appointment = %id.0, "api/v1 created an appointment");
    Ok(Created {
        id: id.0,
        mrn: None,
    })
}

/// Whether the clinic has a patient document `id` (the documents, not the read model:
/// a patient created a moment ago counts before the projector has seen it).
async fn is_patient<S: HubStore>(
    hub: &Hub<S>,
    clinic: ClinicId,
    id: Uuid,
) -> Result<bool, Problem> {
    let mut store = hub.store.clone();
    let found = store
        .fetch(
            clinic,
            &[FetchItem {
                doc_id: id,
                have: Vec::new(),
            }],
        )
        .await
        .map_err(|e| store_problem("checking a patient", &e))?;
    Ok(found
        .into_iter()
        .next()
        .flatten()
        .is_some_and(|doc| doc.doc_type == dermis_model::DocType::Patient.as_str()))
}
