use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::fhir::samples;

const CLINIC: Uuid = Uuid::from_u128(0xc1);
const PATIENT: Uuid = Uuid::from_u128(0x1);

fn links() -> Links {
    Links {
        base: "https://hub.example/fhir/r4".into(),
    }
}

/// No `""`, `[]` or `{}` anywhere: FHIR refuses them.
fn assert_no_empties(v: &Value) {
    match v {
        Value::String(s) => assert!(!s.is_empty(), "empty string"),
        Value::Array(a) => {
            assert!(!a.is_empty(), "empty array");
            a.iter().for_each(assert_no_empties);
        }
        Value::Object(o) => {
            assert!(!o.is_empty(), "empty object");
            o.values().for_each(assert_no_empties);
        }
        _ => {}
    }
}

#[test]
fn a_patient_has_the_clinics_record_number_names_telecom_and_address() {
    let p = patient(&samples::patient(CLINIC, PATIENT));
    assert_eq!(p["resourceType"], "Patient");
    assert_eq!(p["id"], PATIENT.to_string());
    assert_eq!(p["identifier"][0]["system"], mrn_system(CLINIC));
    assert_eq!(p["identifier"][0]["value"], "MRN-0042");
    assert_eq!(p["name"][0]["family"], "Petrosyan");
    assert_eq!(p["name"][0]["given"], json!(["Anna", "Maria"]));
    assert_eq!(p["birthDate"], "1984-07-21");
    assert_eq!(p["gender"], "female");
    assert_eq!(
        p["telecom"],
        json!([
            { "system": "phone", "value": "+33 6 12 34 56 78" },
            { "system": "email", "value": "anna@example.org" }
        ]),
        "a blank phone is left out"
    );
    assert_eq!(p["address"][0]["text"], "12 rue des Lilas, Lyon");
    assert_eq!(p["meta"]["lastUpdated"], "2024-03-05T10:00:00.001Z");
    assert_no_empties(&p);
}

#[test]
fn a_sparse_patient_leaves_out_what_it_lacks_and_maps_an_unknown_sex() {
    let mut record = samples::patient(CLINIC, PATIENT);
    record.middle_name = None;
    record.first_name = " ".into();
    record.birth_date = None;
    record.phones.clear();
    record.email = Some(String::new());
    record.address = None;
    record.sex = "x".into();
    let p = patient(&record);
    assert_eq!(p["name"][0].get("given"), None);
    assert_eq!(p.get("telecom"), None);
    assert_eq!(p.get("birthDate"), None);
    assert_eq!(p.get("address"), None);
    assert_eq!(p["gender"], "unknown");
    assert_no_empties(&p);
}

#[test]
fn a_visit_is_an_ambulatory_encounter_that_lists_its_conditions() {
    let visit = Uuid::from_u128(0xe);
    let record = samples::encounter(CLINIC, PATIENT, visit);
    let e = encounter(&record);
    assert_eq!(e["status"], "finished");
    assert_eq!(e["class"]["code"], "AMB");
    assert_eq!(e["subject"]["reference"], format!("Patient/{PATIENT}"));
    assert_eq!(e["period"]["start"], "2024-03-05");
    assert_eq!(e["participant"][0]["individual"]["display"], "Dr. Martin");
    assert_eq!(
        e["diagnosis"][0]["condition"]["reference"],
        format!("Condition/{visit}-L40.0")
    );
    let mut draft = record;
    draft.status = "draft".into();
    draft.diagnoses.clear();
    let e = encounter(&draft);
    assert_eq!(e["status"], "in-progress");
    assert_eq!(e.get("diagnosis"), None);
    assert_no_empties(&e);
}

#[test]
fn a_diagnosis_is_a_condition_coded_in_icd10_on_its_visit() {
    let visit = Uuid::from_u128(0xe);
    let record = samples::encounter(CLINIC, PATIENT, visit);
    let c = condition(&record, &record.diagnoses[0]).expect("a coded diagnosis");
    assert_eq!(c["code"]["coding"][0]["system"], ICD10);
    assert_eq!(c["code"]["coding"][0]["code"], "L40.0");
    assert_eq!(c["code"]["coding"][0]["display"], "Psoriasis vulgaris");
    assert_eq!(c["subject"]["reference"], format!("Patient/{PATIENT}"));
    assert_eq!(c["encounter"]["reference"], format!("Encounter/{visit}"));
    assert_eq!(c["verificationStatus"]["coding"][0]["code"], "confirmed");
    let id = c["id"].as_str().expect("an id");
    assert!(id.len() <= 64);
    assert_eq!(parse_condition_id(id), Some((visit, "L40.0")));
    assert_eq!(parse_condition_id("not-a-condition"), None);
    assert_eq!(parse_condition_id(&format!("{visit}-")), None);
    let blank = crate::readmodel::records::DiagnosisRecord {
        code: " ".into(),
        label: "x".into(),
    };
    assert_eq!(condition(&record, &blank), None, "no code, no Condition");
    assert_no_empties(&c);
}

#[test]
fn an_allergy_carries_its_substance_reaction_and_severity() {
    let a = allergy(&samples::allergy(PATIENT, Uuid::from_u128(0xa)));
    assert_eq!(a["patient"]["reference"], format!("Patient/{PATIENT}"));
    assert_eq!(a["code"]["text"], "Penicillin");
    assert_eq!(a["criticality"], "high");
    assert_eq!(a["reaction"][0]["manifestation"][0]["text"], "Hives");
    assert_eq!(a["reaction"][0]["severity"], "severe");
    let mut unknown = samples::allergy(PATIENT, Uuid::from_u128(0xa));
    unknown.severity = "unknown".into();
    unknown.reaction = String::new();
    let a = allergy(&unknown);
    assert_eq!(a["criticality"], "unable-to-assess");
    assert_eq!(a.get("reaction"), None, "no manifestation, no reaction");
    assert_no_empties(&a);
}

#[test]
fn a_prescription_is_an_order_with_dosage_and_dispense() {
    let record = samples::prescription(Uuid::from_u128(0xe), PATIENT, Uuid::from_u128(0x9));
    let m = medication_request(&record);
    assert_eq!(m["intent"], "order");
    assert_eq!(
        m["medicationCodeableConcept"]["text"],
        "Clobetasol 0.05% cream"
    );
    assert_eq!(
        m["dosageInstruction"][0]["text"],
        "Apply thinly twice a day"
    );
    assert_eq!(
        m["dosageInstruction"][0]["patientInstruction"],
        "Not on the face"
    );
    assert_eq!(m["dispenseRequest"]["quantity"]["value"], 2);
    assert_eq!(m["dispenseRequest"]["numberOfRepeatsAllowed"], 1);
    assert_eq!(m["requester"]["display"], "Dr. Martin");
    assert_eq!(m["authoredOn"], "2024-03-05T10:00:00Z");
    assert_no_empties(&m);
}

#[test]
fn a_photo_is_media_with_its_body_site_and_content() {
    let id = Uuid::from_u128(0xf);
    let m = media(&samples::photo(CLINIC, PATIENT, id), &links());
    assert_eq!(m["subject"]["reference"], format!("Patient/{PATIENT}"));
    assert_eq!(m["bodySite"]["coding"][0]["code"], "upper_back");
    assert_eq!(m["bodySite"]["text"], "upper back");
    assert_eq!(m["content"]["contentType"], "image/jpeg");
    assert_eq!(m["content"]["size"], 123_456);
    assert_eq!(
        m["content"]["url"],
        format!("https://hub.example/fhir/r4/Media/{id}/$content")
    );
    assert_eq!(m["createdDateTime"], "2024-03-05T10:00:00Z");
    assert_no_empties(&m);
}

#[test]
fn appointment_states_map_to_fhir_codes_and_participants() {
    let cases = [
        ("scheduled", "booked"),
        ("checked_in", "checked-in"),
        ("canceled", "cancelled"),
        ("completed", "fulfilled"),
        ("no_show", "noshow"),
    ];
    for (model, fhir) in cases {
        assert_eq!(appointment_status(model), fhir);
    }
    let a = appointment(&samples::appointment(
        CLINIC,
        Some(PATIENT),
        Uuid::from_u128(0xb),
    ));
    assert_eq!(a["status"], "booked");
    assert_eq!(
        a["participant"][0]["actor"]["reference"],
        format!("Patient/{PATIENT}")
    );
    assert_eq!(
        a["participant"][1]["actor"]["identifier"]["system"],
        "urn:dermis:staff"
    );
    assert_eq!(a["start"], "2024-03-06T10:00:00Z");
    assert_eq!(a["end"], "2024-03-06T10:30:00Z");
    let mut bare = samples::appointment(CLINIC, None, Uuid::from_u128(0xb));
    bare.clinician_id = None;
    bare.status = "canceled".into();
    bare.cancel_reason = Some("Sick".into());
    let a = appointment(&bare);
    assert_eq!(
        a["participant"][0]["status"], "needs-action",
        "participant is 1..*"
    );
    assert_eq!(a["cancelationReason"]["text"], "Sick");
    assert_no_empties(&a);
}
