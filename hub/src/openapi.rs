//! The OpenAPI 3 description of the hub's HTTP API, generated from the handlers'
//! annotations (utoipa). `dermis-hub openapi` prints it, `GET /api/openapi.json` serves
//! it, and `docs/openapi.json` is a committed copy a test keeps equal to it
//! (`make openapi-schema` rewrites it).
//!
//! The WebSocket `/sync` is not HTTP request/response and is specified in docs/SYNC.md.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api;
use crate::photos;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Dermis hub",
        description = "Enrollment, health, readiness, admin sign-in, node status, the \
                       photo lane (resumable uploads, thumbnails; docs/PHOTOS.md) and \
                       /api/v1, a clinic's data for integrations (docs/API.md). Nodes \
                       sync over the WebSocket /sync (docs/SYNC.md).",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        api::enroll::enroll,
        api::enroll::healthz,
        api::ops::readyz,
        api::ops::metrics,
        openapi,
        api::auth::login,
        api::auth::logout,
        api::nodes::list,
        api::calendly::receive,
        photos::api::upload_status,
        photos::api::put_chunk,
        photos::api::serve::get_blob,
        api::reports::sales_csv,
        api::v1::read::patients,
        api::v1::write::post_patient,
        api::v1::read::patient,
        api::v1::read::encounters,
        api::v1::photos::list,
        api::v1::photos::file,
        api::v1::read::products,
        api::v1::read::stock,
        api::v1::read::sales,
        api::v1::read::appointments,
        api::v1::write::post_appointment,
        api::v1::read::appointment,
    ),
    components(schemas(
        api::enroll::EnrollRequest,
        api::enroll::EnrollResponse,
        api::ErrorBody,
        api::Health,
        api::Ready,
        api::LoginRequest,
        api::LoginResponse,
        api::NodeList,
        api::NodeView,
        api::ClinicRef,
        api::Outbox,
        api::calendly::CalendlyAnswer,
        photos::api::UploadStatus,
        photos::api::OffsetMismatch,
        api::v1::problem::ProblemBody,
        api::v1::problem::FieldProblem,
        api::v1::schemas::PatientPage,
        api::v1::schemas::EncounterPage,
        api::v1::schemas::PhotoPage,
        api::v1::schemas::ProductPage,
        api::v1::schemas::SalePage,
        api::v1::schemas::AppointmentPage,
        api::v1::schemas::StockList,
        api::v1::schemas::NewPatient,
        api::v1::schemas::NewAppointment,
        api::v1::schemas::Created,
        api::v1::photos::PhotoView,
        crate::readmodel::records::PatientRecord,
        crate::readmodel::records::AllergyRecord,
        crate::readmodel::records::EncounterRecord,
        crate::readmodel::records::DiagnosisRecord,
        crate::readmodel::records::PrescriptionRecord,
        crate::readmodel::records::PhotoRecord,
        crate::readmodel::records::ProductRecord,
        crate::readmodel::records::StockRecord,
        crate::readmodel::records::SaleRecord,
        crate::readmodel::records::SaleLineRecord,
        crate::readmodel::records::PaymentRecord,
        crate::readmodel::records::AppointmentRecord,
    )),
    modifiers(&Security),
    tags(
        (name = "nodes", description = "Node enrollment"),
        (name = "admin", description = "Hub admins: sign-in and node status"),
        (name = "operations", description = "Health, readiness, metrics"),
        (name = "integrations", description = "Webhooks from other systems (Calendly)"),
        (name = "photos", description = "The photo lane: node tokens, resumable uploads, images without metadata"),
        (name = "reports", description = "Clinic reports for accountants (CSV)"),
        (name = "api/v1", description = "A clinic's data for integrations (docs/API.md): API keys (`dermis-hub apikey add`) or admin tokens; errors are application/problem+json"),
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "node_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The node token from POST /api/enroll"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("dmk_…")
                    .description(Some(
                        "An API key from `dermis-hub apikey add` (one clinic, read or read-write)",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::COOKIE))),
        );
    }
}

/// The description as a value.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The description as pretty-printed JSON with a final newline, exactly what
/// `docs/openapi.json` holds.
pub fn json() -> String {
    let mut text = document()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_described() {
        let doc = document();
        for path in [
            "/api/enroll",
            "/api/healthz",
            "/api/readyz",
            "/api/auth/login",
            "/api/auth/logout",
            "/api/nodes",
            "/api/openapi.json",
            "/metrics",
            "/api/integrations/calendly/{clinic_id}",
            "/api/uploads/{sha256}",
            "/api/blobs/{sha256}",
            "/api/v1/patients",
            "/api/v1/patients/{id}",
            "/api/v1/encounters",
            "/api/v1/photos",
            "/api/v1/photo-files/{clinic}/{sha256}/{variant}",
            "/api/v1/products",
            "/api/v1/stock",
            "/api/v1/sales",
            "/api/v1/appointments",
            "/api/v1/appointments/{id}",
        ] {
            assert!(
                doc.paths.paths.contains_key(path),
                "{path} is not documented"
            );
        }
        assert!(json().ends_with("}\n"));
    }

    /// Generated clients name a method per operation id: two alike make one of them
    /// unreachable (or the generated code wrong).
    #[test]
    fn operation_ids_are_unique() {
        let doc: serde_json::Value = serde_json::from_str(&json()).unwrap_or_default();
        let mut seen = std::collections::BTreeSet::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                if let Some(id) = op["operationId"].as_str() {
                    assert!(
                        seen.insert(id.to_owned()),
                        "{method} {path}: operationId {id} twice"
                    );
                }
            }
        }
        assert!(seen.len() > 20);
    }
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3 description of the hub's HTTP API"))
)]
pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], json()).into_response()
}
