//! The OpenAPI 3 description of the hub's HTTP API, generated from the handlers'
//! annotations (utoipa). `dermis-hub openapi` prints it, `GET /api/openapi.json` serves
//! it, and `docs/openapi.json` is a committed copy a test keeps equal to it
//! (`make openapi-schema` rewrites it).
//!
//! The WebSocket `/sync` is not HTTP request/response and is specified in docs/SYNC.md.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api;
use crate::photos;
use crate::server;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Dermis hub",
        description = "Enrollment, health, readiness, admin sign-in, node status and the \
                       photo lane (resumable uploads, thumbnails; docs/PHOTOS.md). Nodes \
                       sync over the WebSocket /sync (docs/SYNC.md).",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        server::api::enroll,
        server::api::healthz,
        api::ops::readyz,
        api::ops::metrics,
        api::ops::openapi,
        api::auth::login,
        api::auth::logout,
        api::nodes::list,
        api::calendly::receive,
        photos::api::upload_status,
        photos::api::put_chunk,
        photos::api::get_blob,
        api::reports::sales_csv,
    ),
    components(schemas(
        server::EnrollRequest,
        server::EnrollResponse,
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
    )),
    modifiers(&Security),
    tags(
        (name = "nodes", description = "Node enrollment"),
        (name = "admin", description = "Hub admins: sign-in and node status"),
        (name = "operations", description = "Health, readiness, metrics"),
        (name = "integrations", description = "Webhooks from other systems (Calendly)"),
        (name = "photos", description = "The photo lane: node tokens, resumable uploads, images without metadata"),
        (name = "reports", description = "Clinic reports for accountants (CSV)"),
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
        ] {
            assert!(
                doc.paths.paths.contains_key(path),
                "{path} is not documented"
            );
        }
        assert!(json().ends_with("}\n"));
    }
}
