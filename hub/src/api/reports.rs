//! `GET /api/v1/reports/sales.csv?from=&to=` — the accountant's file: one row per UTC
//! day and currency with the day's counts, amounts, takings by payment method and
//! taxable amount and tax per rate ([`crate::reports::csv::sales`] documents the
//! columns). `from` and `to` are `YYYY-MM-DD`, both included; `to` defaults to today
//! and `from` to the first of `to`'s month; a period covers at most 366 days. An API key
//! answers for its clinic; an admin seeing several clinics names one (`clinic=`).

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dermis_model::ClinicId;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::principal::{self, ClinicChoice, Refusal};
use crate::reports::{Period, Report, csv, today_utc};
use crate::server::Hub;
use crate::store::HubStore;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SalesCsvParams {
    /// First day, `YYYY-MM-DD` (UTC); default: the first of `to`'s month.
    #[param(example = "2026-12-01")]
    pub from: Option<String>,
    /// Last day included, `YYYY-MM-DD` (UTC); default: today.
    #[param(example = "2026-12-31")]
    pub to: Option<String>,
    /// The clinic, for a caller who sees several.
    pub clinic: Option<String>,
}

/// An `application/problem+json` answer (RFC 9457) naming the field at fault.
fn problem(status: StatusCode, title: &str, detail: &str, field: Option<&str>) -> Response {
    let mut body = json!({
        "type": "about:blank",
        "title": title,
        "status": status.as_u16(),
        "detail": detail,
    });
    if let Some(field) = field {
        body["field"] = json!(field);
    }
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

/// The sales of a period as CSV.
#[utoipa::path(
    get,
    path = "/api/v1/reports/sales.csv",
    tag = "reports",
    params(SalesCsvParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One row per UTC day and currency: date, currency, sales, refunds, voids, gross, refunded, voided, net, tax, cash, card, other, then taxable_<rate> and tax_<rate> for every tax rate in the period (highest first). Amounts are decimal strings in the currency's units.", content_type = "text/csv",
            example = "date,currency,sales,refunds,voids,gross,refunded,voided,net,tax,cash,card,other,taxable_20.00,tax_20.00\r\n2026-12-01,EUR,12,1,0,420.00,18.90,0.00,401.10,66.85,120.00,281.10,0.00,401.10,66.85\r\n"),
        (status = 400, description = "A bad date or period; `field` names it", content_type = "application/problem+json"),
        (status = 401, description = "No valid key or token", content_type = "application/problem+json"),
        (status = 404, description = "Not a clinic the caller sees", content_type = "application/problem+json"),
    )
)]
pub async fn sales_csv<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Query(params): Query<SalesCsvParams>,
    headers: HeaderMap,
) -> Response {
    let caller = match principal::api_caller(&hub, &headers).await {
        Ok(caller) => caller,
        Err(Refusal::SignIn) => {
            return problem(
                StatusCode::UNAUTHORIZED,
                "Unauthorized",
                "a valid API key or admin token is required",
                None,
            );
        }
        Err(Refusal::Unavailable) => return unavailable(),
    };
    let named = match params
        .clinic
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(text) => match Uuid::parse_str(text) {
            Ok(id) => Some(ClinicId(id)),
            Err(_) => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    "Invalid parameter",
                    "clinic: expected a clinic id",
                    Some("clinic"),
                );
            }
        },
        None => headers
            .get("dermis-clinic")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| Uuid::parse_str(v.trim()).ok())
            .map(ClinicId),
    };
    let clinic = match caller.clinic(named) {
        Ok(clinic) => clinic,
        Err(ClinicChoice::Missing) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "Missing parameter",
                "clinic: name the clinic (you see several)",
                Some("clinic"),
            );
        }
        Err(ClinicChoice::NotVisible) => {
            return problem(
                StatusCode::NOT_FOUND,
                "Not found",
                "no such clinic",
                Some("clinic"),
            );
        }
    };
    let period = match Period::parse(params.from.as_deref(), params.to.as_deref(), today_utc()) {
        Ok(period) => period,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "Invalid parameter",
                &e.to_string(),
                Some(e.field()),
            );
        }
    };
    match Report::load(&hub.store, clinic, period).await {
        Ok(report) => {
            let (from, to) = period.iso();
            let mut response = csv::sales(&report.sales).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8; header=present"),
            );
            if let Ok(value) = HeaderValue::from_str(&format!(
                "attachment; filename=\"{}\"",
                csv::file_name("sales", &from, &to)
            )) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => {
            tracing::error!(error = %dermis_sync::driver::error_chain(&e), "sales csv");
            unavailable()
        }
    }
}

fn unavailable() -> Response {
    problem(
        StatusCode::SERVICE_UNAVAILABLE,
        "Unavailable",
        "the hub cannot reach its database; retry later",
        None,
    )
}
