//! The `GET` routes of `/api/v1` that answer from the read models as they are: patients
//! (with allergies on a single read), visits, products, stock, sales and appointments.
//! Photos, which add signed URLs, are [`super::photos`].

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use super::problem::Problem;
use super::{ctx, json_ok, store_problem};
use crate::principal::ApiCaller;
use crate::readmodel::{Page, PatientQuery, RangeQuery, RecordQuery};
use crate::state::Hub;
use crate::store::HubStore;

/// The clinic parameter every route takes.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClinicParam {
    /// The clinic, for a caller who sees several (an admin); else its only one. The
    /// `Dermis-Clinic` header does the same.
    #[param(example = "0190f0a8-0000-7000-8000-000000000001")]
    pub clinic: Option<Uuid>,
}

#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PatientParams {
    /// Free text over names, record number, phone and email (at most 100 characters).
    #[param(example = "petros")]
    pub q: Option<String>,
    /// Only patients changed since: unix milliseconds, RFC 3339 or `YYYY-MM-DD`.
    #[param(example = "2026-01-01T00:00:00Z")]
    pub updated_since: Option<String>,
    /// Items per page, 1 to 500 (default 50).
    #[param(example = 100, minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// A previous page's `next_cursor`.
    pub cursor: Option<String>,
}

#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordParams {
    /// Only this patient's.
    #[param(example = "0190f0a8-7d3c-7b7a-9a51-4d2f4c1e2a10")]
    pub patient: Option<Uuid>,
    /// Only those changed since: unix milliseconds, RFC 3339 or `YYYY-MM-DD`.
    pub updated_since: Option<String>,
    /// Items per page, 1 to 500 (default 50).
    #[param(example = 100, minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// A previous page's `next_cursor`.
    pub cursor: Option<String>,
}

#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only those changed since: unix milliseconds, RFC 3339 or `YYYY-MM-DD`.
    pub updated_since: Option<String>,
    /// Items per page, 1 to 500 (default 50).
    #[param(example = 100, minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// A previous page's `next_cursor`.
    pub cursor: Option<String>,
}

#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeParams {
    /// From (inclusive): unix milliseconds, RFC 3339 or `YYYY-MM-DD` (UTC).
    #[param(example = "2026-03-01")]
    pub from: Option<String>,
    /// To (exclusive): unix milliseconds, RFC 3339 or `YYYY-MM-DD` (UTC).
    #[param(example = "2026-04-01")]
    pub to: Option<String>,
    /// Items per page, 1 to 500 (default 50).
    #[param(example = 100, minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// A previous page's `next_cursor`.
    pub cursor: Option<String>,
}

#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AppointmentParams {
    /// Starting from (inclusive): unix milliseconds, RFC 3339 or `YYYY-MM-DD` (UTC).
    #[param(example = "2026-03-01")]
    pub from: Option<String>,
    /// Starting before (exclusive).
    #[param(example = "2026-04-01")]
    pub to: Option<String>,
    /// Only this patient's.
    pub patient: Option<Uuid>,
    /// Items per page, 1 to 500 (default 50).
    #[param(example = 100, minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// A previous page's `next_cursor`.
    pub cursor: Option<String>,
}

fn answer<T: serde::Serialize>(headers: &HeaderMap, result: Result<T, Problem>) -> Response {
    match result {
        Ok(value) => json_ok(headers, &value),
        Err(problem) => problem.into_response(),
    }
}

fn range(params: &super::params::Params) -> Result<RangeQuery, Problem> {
    let from = params.time("from")?;
    let to = params.time("to")?;
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        return Err(Problem::parameter("to", "to must not be before from"));
    }
    Ok(RangeQuery {
        from,
        to,
        patient: params.uuid("patient")?,
        limit: params.limit()?,
        cursor: params.cursor()?,
    })
}

fn path_id(id: &str, field: &str) -> Result<Uuid, Problem> {
    Uuid::parse_str(id).map_err(|_| Problem::parameter(field, format!("{field} must be a UUID")))
}

/// Lists the clinic's patients, most recently changed last.
#[utoipa::path(
    get, path = "/api/v1/patients", operation_id = "list_patients", tag = "api/v1",
    params(PatientParams, ClinicParam),
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of patients (allergies are filled on a single read only)", body = super::schemas::PatientPage,
         headers(("ETag" = String, description = "Strong, of the body"))),
        (status = 304, description = "`If-None-Match` named this body's ETag"),
        (status = 400, description = "`invalid_parameter`, naming it in `field`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`: no key or token, or an unknown, revoked or expired one", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "`unknown_clinic`: the named clinic is not the caller's", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`; `Retry-After` says when", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "`unavailable`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn patients<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let result = async {
        let c = ctx(
            &caller,
            &headers,
            query.as_deref(),
            &["q", "updated_since", "limit", "cursor"],
        )?;
        let q = PatientQuery {
            q: c.params.text("q")?,
            updated_since: c.params.time("updated_since")?,
            limit: c.params.limit()?,
            cursor: c.params.cursor()?,
            ..PatientQuery::default()
        };
        hub.store
            .patients(c.clinic, &q)
            .await
            .map_err(|e| store_problem("listing patients", &e))
    }
    .await;
    answer(&headers, result)
}

/// One patient, with their allergies. A merged record answers as the one it was merged
/// into.
#[utoipa::path(
    get, path = "/api/v1/patients/{id}", operation_id = "get_patient", tag = "api/v1",
    params(("id" = Uuid, Path, description = "The patient's id"), ClinicParam),
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The patient", body = crate::readmodel::records::PatientRecord,
         headers(("ETag" = String, description = "Strong, of the body"))),
        (status = 304, description = "`If-None-Match` named this body's ETag"),
        (status = 400, description = "`invalid_parameter`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such patient in this clinic (another clinic's id answers the same)", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "`unavailable`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn patient<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let result = async {
        let c = ctx(&caller, &headers, query.as_deref(), &[])?;
        let id = path_id(&id, "id")?;
        hub.store
            .patient(c.clinic, id)
            .await
            .map_err(|e| store_problem("reading a patient", &e))?
            .ok_or_else(|| Problem::not_found("id"))
    }
    .await;
    answer(&headers, result)
}

/// Lists visits (with diagnoses and prescriptions), of one patient or all.
#[utoipa::path(
    get, path = "/api/v1/encounters", operation_id = "list_encounters", tag = "api/v1",
    params(RecordParams, ClinicParam),
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of visits", body = super::schemas::EncounterPage,
         headers(("ETag" = String, description = "Strong, of the body"))),
        (status = 304, description = "`If-None-Match` named this body's ETag"),
        (status = 400, description = "`invalid_parameter`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "`unknown_clinic`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "`unavailable`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn encounters<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let result = async {
        let c = ctx(
            &caller,
            &headers,
            query.as_deref(),
            &["patient", "updated_since", "limit", "cursor"],
        )?;
        let q = record_query(&c.params)?;
        hub.store
            .encounters(c.clinic, &q)
            .await
            .map_err(|e| store_problem("listing visits", &e))
    }
    .await;
    answer(&headers, result)
}

pub(super) fn record_query(params: &super::params::Params) -> Result<RecordQuery, Problem> {
    Ok(RecordQuery {
        patient: params.uuid("patient")?,
        updated_since: params.time("updated_since")?,
        limit: params.limit()?,
        cursor: params.cursor()?,
    })
}

/// Lists the clinic's products.
#[utoipa::path(
    get, path = "/api/v1/products", operation_id = "list_products", tag = "api/v1",
    params(ListParams, ClinicParam),
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of products", body = super::schemas::ProductPage,
         headers(("ETag" = String, description = "Strong, of the body"))),
        (status = 304, description = "`If-None-Match` named this body's ETag"),
        (status = 400, description = "`invalid_parameter`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "`unknown_clinic`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "`unavailable`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn products<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let result = async {
        let c = ctx(
            &caller,
            &headers,
            query.as_deref(),
            &["updated_since", "limit", "cursor"],
        )?;
        let q = record_query(&c.params)?;
        hub.store
            .products(c.clinic, &q)
            .await
            .map_err(|e| store_problem("listing products", &e))
    }
    .await;
    answer(&headers, result)
}

/// Stock on hand of every SKU the clinic has seen, derived from every workstation's
/// ledger (negative when sold offline beyond what was counted).
#[utoipa::path(
    get, path = "/api/v1/stock", operation_id = "list_stock", tag = "api/v1",
    params(ClinicParam),
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "Stock by SKU (one page; `next_cursor` is null)", body = super::schemas::StockList,
         headers(("ETag" = String, description = "Strong, of the body"))),
        (status = 304, description = "`If-None-Match` named this body's ETag"),
        (status = 400, description = "`invalid_parameter`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "`unknown_clinic`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "`unavailable`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn stock<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let result = async {
        let c = ctx(&caller, &headers, query.as_deref(), &[])?;
        let items = hub
            .store
            .stock(c.clinic)
            .await
            .map_err(|e| store_problem("reading stock", &e))?;
        Ok(Page {
            items,
            next_cursor: None,
        })
    }
    .await;
    answer(&headers, result)
}

/// Lists sales, refunds and voids in a time window, oldest first.
#[utoipa::path(
    get, path = "/api/v1/sales", operation_id = "list_sales", tag = "api/v1",
    params(RangeParams, ClinicParam),
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of ledger entries with their lines and payments", body = super::schemas::SalePage,
         headers(("ETag" = String, description = "Strong, of the body"))),
        (status = 304, description = "`If-None-Match` named this body's ETag"),
        (status = 400, description = "`invalid_parameter`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "`unknown_clinic`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "`unavailable`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn sales<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let result = async {
        let c = ctx(
            &caller,
            &headers,
            query.as_deref(),
            &["from", "to", "limit", "cursor"],
        )?;
        let q = range(&c.params)?;
        hub.store
            .sales(c.clinic, &q)
            .await
            .map_err(|e| store_problem("listing sales", &e))
    }
    .await;
    answer(&headers, result)
}

/// Lists appointments starting in a time window.
#[utoipa::path(
    get, path = "/api/v1/appointments", operation_id = "list_appointments", tag = "api/v1",
    params(AppointmentParams, ClinicParam),
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of appointments", body = super::schemas::AppointmentPage,
         headers(("ETag" = String, description = "Strong, of the body"))),
        (status = 304, description = "`If-None-Match` named this body's ETag"),
        (status = 400, description = "`invalid_parameter`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "`unknown_clinic`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "`unavailable`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn appointments<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let result = async {
        let c = ctx(
            &caller,
            &headers,
            query.as_deref(),
            &["from", "to", "patient", "limit", "cursor"],
        )?;
        let q = range(&c.params)?;
        hub.store
            .appointments(c.clinic, &q)
            .await
            .map_err(|e| store_problem("listing appointments", &e))
    }
    .await;
    answer(&headers, result)
}

/// One appointment.
#[utoipa::path(
    get, path = "/api/v1/appointments/{id}", operation_id = "get_appointment", tag = "api/v1",
    params(("id" = Uuid, Path, description = "The appointment's id"), ClinicParam),
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The appointment", body = crate::readmodel::records::AppointmentRecord,
         headers(("ETag" = String, description = "Strong, of the body"))),
        (status = 304, description = "`If-None-Match` named this body's ETag"),
        (status = 400, description = "`invalid_parameter`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such appointment in this clinic", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "`unavailable`", body = super::problem::ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn appointment<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let result = async {
        let c = ctx(&caller, &headers, query.as_deref(), &[])?;
        let id = path_id(&id, "id")?;
        hub.store
            .appointment(c.clinic, id)
            .await
            .map_err(|e| store_problem("reading an appointment", &e))?
            .ok_or_else(|| Problem::not_found("id"))
    }
    .await;
    answer(&headers, result)
}
