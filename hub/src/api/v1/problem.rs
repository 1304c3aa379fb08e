//! `application/problem+json` (RFC 9457) for every `/api/v1` error: a stable `type`
//! (`urn:dermis:problem:<code>`), a `title`, the `status`, a safe `detail`, and the
//! offending `field` when one input is at fault (`errors` lists every field of a
//! refused body). Causes are logged where they happen, never sent.

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub const CONTENT_TYPE: &str = "application/problem+json";

/// One refused field of a body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    #[schema(example = "birth_date")]
    pub field: String,
    /// The model's stable code for what is wrong (`required`, `date_in_future`, …).
    #[schema(example = "date_in_future")]
    pub code: String,
    #[schema(example = "birth_date cannot be in the future")]
    pub detail: String,
}

/// An RFC 9457 problem, boxed: handlers pass it around in every `Result`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem(Box<ProblemBody>);

impl std::ops::Deref for Problem {
    type Target = ProblemBody;
    fn deref(&self) -> &ProblemBody {
        &self.0
    }
}

impl std::ops::DerefMut for Problem {
    fn deref_mut(&mut self) -> &mut ProblemBody {
        &mut self.0
    }
}

/// An RFC 9457 problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = Problem)]
#[schema(example = json!({
    "type": "urn:dermis:problem:invalid_parameter",
    "title": "Invalid parameter",
    "status": 400,
    "detail": "limit must be a whole number from 1 to 500",
    "field": "limit"
}))]
pub struct ProblemBody {
    /// `urn:dermis:problem:<code>`; the code is stable.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The parameter, header or body field at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every refused field of a body (422).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// Seconds until a retry may succeed (429); also sent as `Retry-After`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, title: &str, detail: impl Into<String>) -> Problem {
        Problem(Box::new(ProblemBody {
            kind: format!("urn:dermis:problem:{code}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            field: None,
            errors: Vec::new(),
            retry_after: None,
        }))
    }

    pub fn field(mut self, field: impl Into<String>) -> Problem {
        self.field = Some(field.into());
        self
    }

    /// 400 `invalid_parameter` naming the query parameter or header.
    pub fn parameter(field: &str, detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            "Invalid parameter",
            detail,
        )
        .field(field)
    }

    /// 400 `invalid_body` naming the body field (or `body` for the body as a whole).
    pub fn body(field: &str, detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "Invalid body",
            detail,
        )
        .field(field)
    }

    pub fn unauthorized() -> Problem {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            "send Authorization: Bearer <api key (dmk_…) or admin token>; this one is missing, unknown, revoked or expired",
        )
        .field("Authorization")
    }

    pub fn read_only() -> Problem {
        Problem::new(
            StatusCode::FORBIDDEN,
            "read_only_key",
            "Forbidden",
            "this API key may only read; creating needs a read-write key",
        )
        .field("Authorization")
    }

    pub fn not_found(field: &str) -> Problem {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "Not found",
            "nothing with this id in this clinic",
        )
        .field(field)
    }

    pub fn rate_limited(wait: Duration) -> Problem {
        let seconds = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
        let mut problem = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many requests",
            format!(
                "this caller has used its requests for the minute (API_RATE_PER_MINUTE); retry in {seconds} s"
            ),
        );
        problem.retry_after = Some(seconds);
        problem
    }

    pub fn unavailable() -> Problem {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Unavailable",
            "the hub cannot reach its database; retry later",
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let body = serde_json::to_vec(&*self.0).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
