//! `GET /fhir/r4/metadata`: the CapabilityStatement, built from [`Kind`]'s own lists so
//! it says exactly what the routes do.

use serde_json::{Value, json};

use super::search::Kind;

/// The server's CapabilityStatement; `base` is its `…/fhir/r4` URL.
pub fn statement(base: &str) -> Value {
    let resources: Vec<Value> = Kind::ALL
        .into_iter()
        .map(|kind| {
            let mut params = vec![json!({ "name": "_id", "type": "token" })];
            params.extend(
                kind.params()
                    .iter()
                    .map(|(name, kind)| json!({ "name": name, "type": kind })),
            );
            let mut resource = json!({
                "type": kind.as_str(),
                "interaction": [{ "code": "read" }, { "code": "search-type" }],
                "searchParam": params,
            });
            if kind == Kind::Patient {
                resource["operation"] = json!([
                    {
                        "name": "everything",
                        "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything"
                    },
                    {
                        "name": "export",
                        "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export"
                    }
                ]);
            }
            resource
        })
        .collect();
    json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": dermis_model::rfc3339(dermis_model::now_millis()),
        "publisher": "Dermis",
        "kind": "instance",
        "instantiates": ["http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"],
        "software": { "name": "Dermis hub", "version": env!("CARGO_PKG_VERSION") },
        "implementation": { "description": "Dermis hub FHIR R4 API (read-only)", "url": base },
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [{
            "mode": "server",
            "documentation": "Bearer credentials: an API key (dmk_…) or an admin's token. An admin who sees several clinics names one with the Dermis-Clinic header. Unknown search parameters answer 400 unless the request says Prefer: handling=lenient.",
            "security": {
                "cors": false,
                "description": "Authorization: Bearer <API key or admin token>"
            },
            "resource": resources,
            "operation": [{
                "name": "export",
                "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"
            }]
        }]
    })
}
