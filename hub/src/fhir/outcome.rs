//! FHIR errors: every failure of a `/fhir/r4` route answers an `OperationOutcome` with
//! the HTTP status it stands for, as `application/fhir+json`. Messages name the
//! parameter at fault and never carry patient data or a store's error text.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// FHIR's JSON media type.
pub const FHIR_JSON: &str = "application/fhir+json";

/// Why a FHIR request failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FhirError {
    /// A search parameter, id or header the server cannot use (400).
    #[error("invalid {param}: {reason}")]
    Invalid { param: String, reason: String },
    /// A search parameter this server does not support, under strict handling (400).
    #[error("unknown search parameter {param}")]
    UnknownParam { param: String },
    #[error("not signed in")]
    Unauthorized,
    /// The caller may not do this (a read key starting an export it may not start).
    #[error("forbidden")]
    Forbidden,
    /// No such resource in the caller's clinic (another clinic's ids too).
    #[error("{kind} not found")]
    NotFound { kind: String },
    /// A resource type this server does not serve.
    #[error("resource type {kind} is not supported")]
    UnsupportedType { kind: String },
    /// One export runs per clinic at a time.
    #[error("an export is already running for this clinic")]
    Busy,
    /// Over the caller's `API_RATE_PER_MINUTE` (429, `Retry-After` in seconds).
    #[error("too many requests; retry in {retry_after} s")]
    Throttled { retry_after: u64 },
    #[error("the answer would hold more than {limit} resources")]
    TooMany { limit: usize },
    /// The store or the blob store failed; logged where it happened.
    #[error("internal error")]
    Internal,
}

impl FhirError {
    pub fn invalid(param: impl Into<String>, reason: impl Into<String>) -> FhirError {
        FhirError::Invalid {
            param: param.into(),
            reason: reason.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            FhirError::Invalid { .. } | FhirError::UnknownParam { .. } => StatusCode::BAD_REQUEST,
            FhirError::Unauthorized => StatusCode::UNAUTHORIZED,
            FhirError::Forbidden => StatusCode::FORBIDDEN,
            FhirError::NotFound { .. } | FhirError::UnsupportedType { .. } => StatusCode::NOT_FOUND,
            FhirError::Busy | FhirError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            FhirError::TooMany { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            FhirError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The issue's `code` (FHIR's IssueType value set).
    fn issue_code(&self) -> &'static str {
        match self {
            FhirError::Invalid { .. } => "invalid",
            FhirError::UnknownParam { .. } | FhirError::UnsupportedType { .. } => "not-supported",
            FhirError::Unauthorized => "login",
            FhirError::Forbidden => "forbidden",
            FhirError::NotFound { .. } => "not-found",
            FhirError::Busy | FhirError::Throttled { .. } => "throttled",
            FhirError::TooMany { .. } => "too-costly",
            FhirError::Internal => "exception",
        }
    }

    pub fn outcome(&self) -> Value {
        outcome("error", self.issue_code(), &self.to_string())
    }
}

/// An `OperationOutcome` with one issue.
pub fn outcome(severity: &str, code: &str, diagnostics: &str) -> Value {
    json!({
        "resourceType": "OperationOutcome",
        "issue": [{ "severity": severity, "code": code, "diagnostics": diagnostics }]
    })
}

/// A FHIR JSON body with `status`.
pub fn fhir_json(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
    response
}

impl IntoResponse for FhirError {
    fn into_response(self) -> Response {
        let mut response = fhir_json(self.status(), &self.outcome());
        if self == FhirError::Busy {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        }
        if let FhirError::Throttled { retry_after } = self
            && let Ok(value) = HeaderValue::from_str(&retry_after.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if self == FhirError::Unauthorized {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// A store error as the caller sees it: a forged cursor names `_cursor`; anything else is
/// logged here and answered as internal.
pub fn from_store(e: crate::store::StoreError) -> FhirError {
    match e {
        crate::store::StoreError::Invalid {
            field: "cursor", ..
        } => FhirError::invalid("_cursor", "not a cursor this server made"),
        crate::store::StoreError::Invalid { field, reason } => FhirError::invalid(field, reason),
        other => {
            tracing::error!(error = %dermis_sync::driver::error_chain(&other), "FHIR read failed");
            FhirError::Internal
        }
    }
}
