//! Read-model records as FHIR R4 (4.0.1) resources: pure functions from
//! [`crate::readmodel::records`] to JSON, one per resource type the hub serves.
//!
//! FHIR forbids empty strings and empty arrays, so every optional text goes through
//! [`text`] and every list is left out when empty. Codes map to the R4 value sets the
//! definitions bind them to (`gender`, `Encounter.status`, `Appointment.status`,
//! allergy severity and criticality); the tests in `hub/tests/fhir_api.rs` validate the
//! output against the published definitions.

use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::readmodel::records::{
    AllergyRecord, AppointmentRecord, DiagnosisRecord, EncounterRecord, PatientRecord, PhotoRecord,
    PrescriptionRecord,
};
use dermis_model::rfc3339;

/// ICD-10's system URI (terminology.hl7.org names it so for R4).
pub const ICD10: &str = "http://hl7.org/fhir/sid/icd-10";
/// The `Dermis` system of model body parts (`scalp`, `upper_back`, …).
pub const BODY_PART_SYSTEM: &str = "urn:dermis:body-part";

/// A clinic's record-number system: a URI per clinic, because record numbers are unique
/// only within one.
pub fn mrn_system(clinic: Uuid) -> String {
    format!("urn:dermis:clinic:{clinic}:mrn")
}

/// Where a resource's links point: `base` is the server's `…/fhir/r4` URL (used for
/// `Media.content.url`).
#[derive(Clone, Debug)]
pub struct Links {
    pub base: String,
}

/// Some trimmed text, or nothing for a blank one (FHIR refuses `""`).
pub fn text(s: &str) -> Option<Value> {
    let t = s.trim();
    (!t.is_empty()).then(|| Value::String(t.to_owned()))
}

fn put(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        map.insert(key.to_owned(), v);
    }
}

fn reference(kind: &str, id: Uuid) -> Value {
    json!({ "reference": format!("{kind}/{id}") })
}

/// A person known only by name (and the hub's staff id, when the model has one): the
/// hub serves no Practitioner resources, so a logical reference by identifier.
fn person(name: Option<&str>, staff_id: Option<Uuid>) -> Option<Value> {
    let mut map = Map::new();
    if let Some(id) = staff_id {
        map.insert(
            "identifier".into(),
            json!({ "system": "urn:dermis:staff", "value": id.to_string() }),
        );
    }
    put(&mut map, "display", name.and_then(text));
    (!map.is_empty()).then_some(Value::Object(map))
}

fn meta(updated_at: i64) -> Value {
    json!({ "lastUpdated": rfc3339(updated_at) })
}

fn gender(sex: &str) -> &'static str {
    match sex {
        "female" => "female",
        "male" => "male",
        "other" => "other",
        _ => "unknown",
    }
}

pub fn patient(p: &PatientRecord) -> Value {
    let mut name = Map::new();
    name.insert("use".into(), json!("official"));
    put(&mut name, "family", text(&p.last_name));
    let given: Vec<Value> = [Some(p.first_name.as_str()), p.middle_name.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(text)
        .collect();
    if !given.is_empty() {
        name.insert("given".into(), Value::Array(given));
    }
    let mut telecom: Vec<Value> = p
        .phones
        .iter()
        .filter_map(|phone| text(phone))
        .map(|value| json!({ "system": "phone", "value": value }))
        .collect();
    if let Some(email) = p.email.as_deref().and_then(text) {
        telecom.push(json!({ "system": "email", "value": email }));
    }
    let mut out = Map::new();
    out.insert("resourceType".into(), json!("Patient"));
    out.insert("id".into(), json!(p.id.to_string()));
    out.insert("meta".into(), meta(p.updated_at));
    if let Some(mrn) = text(&p.mrn) {
        out.insert(
            "identifier".into(),
            json!([{
                "use": "usual",
                "type": { "coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                    "code": "MR",
                    "display": "Medical record number"
                }] },
                "system": mrn_system(p.clinic_id),
                "value": mrn
            }]),
        );
    }
    out.insert("active".into(), json!(true));
    if name.len() > 1 {
        out.insert("name".into(), json!([Value::Object(name)]));
    }
    if !telecom.is_empty() {
        out.insert("telecom".into(), Value::Array(telecom));
    }
    out.insert("gender".into(), json!(gender(&p.sex)));
    put(
        &mut out,
        "birthDate",
        p.birth_date.as_deref().and_then(text),
    );
    if let Some(address) = p.address.as_deref().and_then(text) {
        out.insert("address".into(), json!([{ "text": address }]));
    }
    Value::Object(out)
}

/// `L40.0` → `L40.0`; anything but letters, digits and dots is dropped so the code can be
/// part of a resource id.
fn id_part(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .take(27)
        .collect()
}

/// A diagnosis's Condition id: its visit's id and its code (a visit lists a code once),
/// within FHIR's 64 characters.
pub fn condition_id(encounter: Uuid, code: &str) -> String {
    format!("{encounter}-{}", id_part(code))
}

/// The visit and code a Condition id names, if it is one [`condition_id`] makes.
pub fn parse_condition_id(id: &str) -> Option<(Uuid, &str)> {
    let (visit, code) = (id.get(..36)?, id.get(37..)?);
    (id.as_bytes().get(36) == Some(&b'-') && !code.is_empty())
        .then_some(())
        .and(Uuid::parse_str(visit).ok())
        .map(|uuid| (uuid, code))
}

pub fn encounter(e: &EncounterRecord) -> Value {
    let status = if e.status == "signed" {
        "finished"
    } else {
        "in-progress"
    };
    let mut out = Map::new();
    out.insert("resourceType".into(), json!("Encounter"));
    out.insert("id".into(), json!(e.id.to_string()));
    out.insert("meta".into(), meta(e.updated_at));
    out.insert("status".into(), json!(status));
    out.insert(
        "class".into(),
        json!({
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "AMB",
            "display": "ambulatory"
        }),
    );
    out.insert("subject".into(), reference("Patient", e.patient_id));
    if let Some(who) = person(Some(&e.clinician), e.clinician_id) {
        out.insert("participant".into(), json!([{ "individual": who }]));
    }
    put(
        &mut out,
        "period",
        text(&e.date).map(|d| json!({ "start": d })),
    );
    put(
        &mut out,
        "reasonCode",
        text(&e.complaint).map(|t| json!([{ "text": t }])),
    );
    let diagnoses: Vec<Value> = e
        .diagnoses
        .iter()
        .filter(|d| !id_part(&d.code).is_empty())
        .map(|d| json!({ "condition": { "reference": format!("Condition/{}", condition_id(e.id, &d.code)) } }))
        .collect();
    if !diagnoses.is_empty() {
        out.insert("diagnosis".into(), Value::Array(diagnoses));
    }
    Value::Object(out)
}

/// A visit's diagnosis as a Condition (`None` for a diagnosis without a usable code).
pub fn condition(e: &EncounterRecord, d: &DiagnosisRecord) -> Option<Value> {
    let code = text(&d.code)?;
    if id_part(&d.code).is_empty() {
        return None;
    }
    let mut coding = Map::new();
    coding.insert("system".into(), json!(ICD10));
    coding.insert("code".into(), code);
    put(&mut coding, "display", text(&d.label));
    let mut concept = Map::new();
    concept.insert("coding".into(), json!([Value::Object(coding)]));
    put(&mut concept, "text", text(&d.label));
    let mut out = Map::new();
    out.insert("resourceType".into(), json!("Condition"));
    out.insert("id".into(), json!(condition_id(e.id, &d.code)));
    out.insert("meta".into(), meta(e.updated_at));
    out.insert(
        "clinicalStatus".into(),
        json!({ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
            "code": "active"
        }] }),
    );
    out.insert(
        "verificationStatus".into(),
        json!({ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
            "code": if e.status == "signed" { "confirmed" } else { "provisional" }
        }] }),
    );
    out.insert(
        "category".into(),
        json!([{ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-category",
            "code": "encounter-diagnosis",
            "display": "Encounter Diagnosis"
        }] }]),
    );
    out.insert("code".into(), Value::Object(concept));
    out.insert("subject".into(), reference("Patient", e.patient_id));
    out.insert("encounter".into(), reference("Encounter", e.id));
    put(&mut out, "recordedDate", text(&e.date));
    Some(Value::Object(out))
}

pub fn allergy(a: &AllergyRecord) -> Value {
    let criticality = match a.severity.as_str() {
        "severe" => "high",
        "mild" | "moderate" => "low",
        _ => "unable-to-assess",
    };
    let mut out = Map::new();
    out.insert("resourceType".into(), json!("AllergyIntolerance"));
    out.insert("id".into(), json!(a.id.to_string()));
    out.insert(
        "clinicalStatus".into(),
        json!({ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
            "code": "active"
        }] }),
    );
    out.insert(
        "verificationStatus".into(),
        json!({ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
            "code": "confirmed"
        }] }),
    );
    out.insert("criticality".into(), json!(criticality));
    put(
        &mut out,
        "code",
        text(&a.substance).map(|t| json!({ "text": t })),
    );
    out.insert("patient".into(), reference("Patient", a.patient_id));
    if let Some(manifestation) = text(&a.reaction) {
        let mut reaction = Map::new();
        put(
            &mut reaction,
            "substance",
            text(&a.substance).map(|t| json!({ "text": t })),
        );
        reaction.insert("manifestation".into(), json!([{ "text": manifestation }]));
        if matches!(a.severity.as_str(), "mild" | "moderate" | "severe") {
            reaction.insert("severity".into(), json!(a.severity));
        }
        out.insert("reaction".into(), json!([Value::Object(reaction)]));
    }
    Value::Object(out)
}

pub fn medication_request(p: &PrescriptionRecord) -> Value {
    let mut dosage = Map::new();
    put(&mut dosage, "text", text(&p.dose));
    put(&mut dosage, "patientInstruction", text(&p.instructions));
    let mut dispense = Map::new();
    if let Some(quantity) = p.quantity {
        dispense.insert("quantity".into(), json!({ "value": quantity }));
    }
    dispense.insert("numberOfRepeatsAllowed".into(), json!(p.refills));
    let mut out = Map::new();
    out.insert("resourceType".into(), json!("MedicationRequest"));
    out.insert("id".into(), json!(p.id.to_string()));
    out.insert("status".into(), json!("active"));
    out.insert("intent".into(), json!("order"));
    out.insert(
        "medicationCodeableConcept".into(),
        json!({ "text": text(&p.drug).unwrap_or_else(|| json!("unnamed")) }),
    );
    out.insert("subject".into(), reference("Patient", p.patient_id));
    out.insert("encounter".into(), reference("Encounter", p.encounter_id));
    out.insert("authoredOn".into(), json!(rfc3339(p.at)));
    put(
        &mut out,
        "requester",
        person(Some(&p.prescriber), p.prescriber_id),
    );
    if let Some(reason) = p.allergy_override.as_deref().and_then(text) {
        out.insert(
            "note".into(),
            json!([{ "text": format!("Prescribed despite a recorded allergy: {}", reason.as_str().unwrap_or_default()) }]),
        );
    }
    if !dosage.is_empty() {
        out.insert("dosageInstruction".into(), json!([Value::Object(dosage)]));
    }
    out.insert("dispenseRequest".into(), Value::Object(dispense));
    Value::Object(out)
}

pub fn media(m: &PhotoRecord, links: &Links) -> Value {
    let mut content = Map::new();
    content.insert("contentType".into(), json!(m.mime));
    content.insert(
        "url".into(),
        json!(format!("{}/Media/{}/$content", links.base, m.id)),
    );
    content.insert(
        "size".into(),
        json!(u32::try_from(m.size).unwrap_or(u32::MAX)),
    );
    content.insert("creation".into(), json!(rfc3339(m.taken_at)));
    let mut out = Map::new();
    out.insert("resourceType".into(), json!("Media"));
    out.insert("id".into(), json!(m.id.to_string()));
    out.insert("status".into(), json!("completed"));
    out.insert(
        "type".into(),
        json!({ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/media-type",
            "code": "image",
            "display": "Image"
        }] }),
    );
    out.insert("subject".into(), reference("Patient", m.patient_id));
    if let Some(visit) = m.encounter_id {
        out.insert("encounter".into(), reference("Encounter", visit));
    }
    out.insert("createdDateTime".into(), json!(rfc3339(m.taken_at)));
    if let Some(code) = text(&m.body_part) {
        out.insert(
            "bodySite".into(),
            json!({
                "coding": [{ "system": BODY_PART_SYSTEM, "code": code }],
                "text": m.body_part.trim().replace('_', " ")
            }),
        );
    }
    let tags: Vec<Value> = m
        .tags
        .iter()
        .filter_map(|t| text(t))
        .map(|t| json!({ "text": t }))
        .collect();
    if !tags.is_empty() {
        out.insert("note".into(), Value::Array(tags));
    }
    out.insert("content".into(), Value::Object(content));
    Value::Object(out)
}

/// The model's appointment states as `Appointment.status` codes.
pub fn appointment_status(status: &str) -> &'static str {
    match status {
        "scheduled" => "booked",
        "checked_in" => "checked-in",
        "canceled" => "cancelled",
        "completed" => "fulfilled",
        "no_show" => "noshow",
        _ => "proposed",
    }
}

pub fn appointment(a: &AppointmentRecord) -> Value {
    let mut participants = Vec::new();
    if let Some(patient) = a.patient_id {
        participants.push(json!({ "actor": reference("Patient", patient), "status": "accepted" }));
    } else if let Some(invitee) = a.invitee_name.as_deref().and_then(text) {
        participants.push(json!({ "actor": { "display": invitee }, "status": "accepted" }));
    }
    if let Some(who) = person(None, a.clinician_id) {
        participants.push(json!({ "actor": who, "status": "accepted" }));
    }
    if participants.is_empty() {
        // Appointment.participant is 1..*: a booking with nobody named still has a patient.
        participants.push(json!({
            "type": [{ "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                "code": "SBJ",
                "display": "subject"
            }] }],
            "status": "needs-action"
        }));
    }
    let status = appointment_status(&a.status);
    let mut out = Map::new();
    out.insert("resourceType".into(), json!("Appointment"));
    out.insert("id".into(), json!(a.id.to_string()));
    out.insert("meta".into(), meta(a.updated_at));
    out.insert("status".into(), json!(status));
    if status == "cancelled" {
        put(
            &mut out,
            "cancelationReason",
            a.cancel_reason
                .as_deref()
                .and_then(text)
                .map(|t| json!({ "text": t })),
        );
    }
    put(&mut out, "description", text(&a.title));
    out.insert("start".into(), json!(rfc3339(a.start)));
    out.insert("end".into(), json!(rfc3339(a.end.max(a.start))));
    put(&mut out, "comment", text(&a.notes));
    out.insert("participant".into(), Value::Array(participants));
    Value::Object(out)
}

#[cfg(test)]
#[path = "resources_tests.rs"]
mod tests;
