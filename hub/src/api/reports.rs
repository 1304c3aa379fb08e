//! `GET /api/v1/reports/sales.csv?from=&to=` — the accountant's file: one row per UTC
//! day and currency with the day's counts, amounts, takings by payment method and
//! taxable amount and tax per rate ([`crate::reports::csv::sales`] documents the
//! columns). `from` and `to` are `YYYY-MM-DD`, both included; `to` defaults to today
//! and `from` to the first of `to`'s month; a period covers at most 366 days. It sits
//! behind the `/api/v1` guard (API key or admin token, rate limit, audit): a key answers
//! for its clinic; an admin seeing several clinics names one (`clinic=`).

use std::sync::Arc;

use axum::Extension;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::v1::problem::Problem;
use super::v1::{ctx, store_problem};
use crate::principal::ApiCaller;
use crate::reports::{Period, Report, csv, today_utc};
use crate::state::Hub;
use crate::store::HubStore;

#[derive(Debug, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SalesCsvParams {
    /// First day, `YYYY-MM-DD` (UTC); default: the first of `to`'s month.
    #[param(example = "2026-12-01")]
    pub from: Option<String>,
    /// Last day included, `YYYY-MM-DD` (UTC); default: today.
    #[param(example = "2026-12-31")]
    pub to: Option<String>,
}

/// The sales of a period as CSV.
#[utoipa::path(
    get,
    path = "/api/v1/reports/sales.csv",
    operation_id = "sales_csv",
    tag = "reports",
    params(SalesCsvParams, super::v1::read::ClinicParam),
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "One row per UTC day and currency: date, currency, sales, refunds, voids, gross, refunded, voided, net, tax, cash, card, other, then taxable_<rate> and tax_<rate> for every tax rate in the period (highest first). Amounts are decimal strings in the currency's units.", content_type = "text/csv",
            example = "date,currency,sales,refunds,voids,gross,refunded,voided,net,tax,cash,card,other,taxable_20.00,tax_20.00\r\n2026-12-01,EUR,12,1,0,420.00,18.90,0.00,401.10,66.85,120.00,281.10,0.00,401.10,66.85\r\n"),
        (status = 400, description = "`invalid_parameter`: a bad date or period, naming it in `field`", body = super::v1::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`: no key or token, or an unknown, revoked or expired one", body = super::v1::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "`unknown_clinic`: the named clinic is not the caller's", body = super::v1::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`; `Retry-After` says when", body = super::v1::problem::ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn sales_csv<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let result = async {
        let c = ctx(&caller, &headers, query.as_deref(), &["from", "to"])?;
        let from = c.params.text("from")?;
        let to = c.params.text("to")?;
        let period = Period::parse(from.as_deref(), to.as_deref(), today_utc())
            .map_err(|e| Problem::parameter(e.field(), e.to_string()))?;
        let report = Report::load(&hub.store, c.clinic, period)
            .await
            .map_err(|e| store_problem("reading the sales report", &e))?;
        Ok::<_, Problem>((period, report))
    }
    .await;
    match result {
        Ok((period, report)) => csv_file(csv::sales(&report.sales), "sales", &period),
        Err(problem) => problem.into_response(),
    }
}

/// A report section's CSV as a file to save (`dermis-<section>-<from>-<to>.csv`), never
/// cached; the admin pages' downloads add their security headers to it.
pub fn csv_file(body: String, section: &str, period: &Period) -> Response {
    let (from, to) = period.iso();
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8; header=present"),
    );
    // The name is ours (a section and two ISO dates): nothing to escape.
    let name = csv::file_name(section, &from, &to);
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
