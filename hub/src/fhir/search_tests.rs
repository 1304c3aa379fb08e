use dermis_model::ClinicId;
use uuid::Uuid;

use super::*;
use crate::fhir::samples;

const A: Uuid = Uuid::from_u128(0xa);
const B: Uuid = Uuid::from_u128(0xb);

fn links() -> Links {
    Links {
        base: "https://hub.example/fhir/r4".into(),
    }
}

fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn two_clinics() -> samples::Memory {
    let mut m = samples::clinic(A, 7);
    let b = samples::clinic(B, 3);
    m.patients.extend(b.patients);
    m.encounters.extend(b.encounters);
    m.photos.extend(b.photos);
    m.appointments.extend(b.appointments);
    m
}

#[test]
fn unknown_parameters_are_refused_unless_lenient() {
    let p = params(&[("name", "ann"), ("shoe-size", "42")]);
    assert_eq!(
        Search::parse(Kind::Patient, &p, false),
        Err(FhirError::UnknownParam {
            param: "shoe-size".into()
        })
    );
    let s = Search::parse(Kind::Patient, &p, true).expect("lenient");
    assert_eq!(s.name.as_deref(), Some("ann"));
    assert_eq!(
        s.echo,
        params(&[("name", "ann")]),
        "the ignored one is not echoed"
    );
    assert!(
        Search::parse(Kind::Encounter, &params(&[("name", "x")]), false).is_err(),
        "name is a Patient parameter only"
    );
}

#[test]
fn parameters_are_checked_and_bounded() {
    let parse = |pairs: &[(&str, &str)]| Search::parse(Kind::Appointment, &params(pairs), false);
    assert_eq!(
        parse(&[("_count", "100000")]).map(|s| s.count),
        Ok(MAX_COUNT)
    );
    assert_eq!(parse(&[("_count", "0")]).map(|s| s.count), Ok(1));
    assert!(
        matches!(parse(&[("_count", "x")]), Err(FhirError::Invalid { param, .. }) if param == "_count")
    );
    assert!(
        matches!(parse(&[("_cursor", "!!")]), Err(FhirError::Invalid { param, .. }) if param == "_cursor")
    );
    assert!(
        matches!(parse(&[("patient", "Patient/nope")]), Err(FhirError::Invalid { param, .. }) if param == "patient")
    );
    assert!(
        matches!(parse(&[("_id", "a"), ("_id", "b")]), Err(FhirError::Invalid { param, .. }) if param == "_id")
    );
    assert!(
        matches!(parse(&[("date", "2024-13-01")]), Err(FhirError::Invalid { param, .. }) if param == "date")
    );
    assert!(
        parse(&[
            ("date", "ge2024-01-01"),
            ("date", "lt2024-02-01"),
            ("date", "2024-01-05")
        ])
        .is_err()
    );
    let many: Vec<(String, String)> = (0..21)
        .map(|_| ("_format".to_owned(), "json".to_owned()))
        .collect();
    assert!(
        Search::parse(Kind::Patient, &many, true).is_err(),
        "at most 20 parameters"
    );
    let long = "x".repeat(300);
    assert!(
        parse(&[("_id", long.as_str())]).is_err(),
        "values are bounded"
    );
    let s = parse(&[("date", "ge2024-01-01"), ("date", "lt2024-02-01")]).expect("a window");
    assert_eq!(
        (s.from, s.to),
        (day_start("2024-01-01"), day_start("2024-02-01"))
    );
    let s = parse(&[("date", "2024-01-01")]).expect("a day");
    assert_eq!(s.to.zip(s.from).map(|(t, f)| t - f), Some(86_400_000));
}

#[tokio::test]
async fn paging_walks_every_patient_of_the_clinic_once() {
    let m = two_clinics();
    let mut seen = Vec::new();
    let mut pairs = params(&[("_count", "3")]);
    loop {
        let s = Search::parse(Kind::Patient, &pairs, false).expect("search");
        let found = find(&m, ClinicId(A), &links(), Kind::Patient, &s)
            .await
            .expect("page");
        let bundle = bundle(&links(), Some(Kind::Patient), &s, found);
        assert_eq!(bundle["type"], "searchset");
        for e in bundle["entry"].as_array().into_iter().flatten() {
            seen.push(e["resource"]["id"].as_str().unwrap_or_default().to_owned());
            assert!(
                e["fullUrl"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("https://hub.example/fhir/r4/Patient/")
            );
        }
        let next = bundle["link"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|l| l["relation"] == "next")
            .and_then(|l| l["url"].as_str())
            .map(str::to_owned);
        let Some(next) = next else { break };
        let url = reqwest::Url::parse(&next).expect("an absolute next link");
        assert_eq!(url.path(), "/fhir/r4/Patient");
        pairs = url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    }
    let mut expected: Vec<String> = m
        .patients
        .iter()
        .filter(|p| p.clinic_id == A)
        .map(|p| p.id.to_string())
        .collect();
    assert_eq!(seen.len(), 7);
    seen.sort();
    expected.sort();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn patient_filters_reach_the_query() {
    let m = two_clinics();
    let search = |pairs: Vec<(String, String)>| {
        let m = m.clone();
        async move {
            let s = Search::parse(Kind::Patient, &pairs, false).expect("search");
            find(&m, ClinicId(A), &links(), Kind::Patient, &s)
                .await
                .expect("found")
                .resources
                .len()
        }
    };
    let system = crate::fhir::resources::mrn_system(A);
    assert_eq!(search(params(&[("identifier", "MRN-0003")])).await, 1);
    assert_eq!(
        search(params(&[("identifier", &format!("{system}|MRN-0003"))])).await,
        1
    );
    assert_eq!(
        search(params(&[("identifier", "urn:other|MRN-0003")])).await,
        0,
        "another system"
    );
    assert_eq!(search(params(&[("name", "petro")])).await, 7);
    assert_eq!(search(params(&[("birthdate", "1984-07-21")])).await, 7);
    assert_eq!(search(params(&[("birthdate", "1984-07-22")])).await, 0);
    assert_eq!(search(params(&[("phone", "612345678")])).await, 7);
    assert_eq!(
        search(params(&[("_id", &m.patients[8].id.to_string())])).await,
        0,
        "clinic B's patient"
    );
    assert_eq!(
        search(params(&[("_id", &m.patients[1].id.to_string())])).await,
        1
    );
}

#[tokio::test]
async fn every_type_reads_by_id_and_another_clinics_ids_are_not_found() {
    let m = two_clinics();
    let a = ClinicId(A);
    let b = ClinicId(B);
    let visit = &m.encounters[0];
    let ids = [
        (Kind::Patient, m.patients[0].id.to_string()),
        (Kind::Encounter, visit.id.to_string()),
        (
            Kind::Condition,
            crate::fhir::resources::condition_id(visit.id, &visit.diagnoses[0].code),
        ),
        (
            Kind::MedicationRequest,
            visit.prescriptions[0].id.to_string(),
        ),
        (
            Kind::AllergyIntolerance,
            m.patients[0].allergies[0].id.to_string(),
        ),
        (Kind::Media, m.photos[0].id.to_string()),
        (Kind::Appointment, m.appointments[0].id.to_string()),
    ];
    for (kind, id) in ids {
        let r = read(&m, a, &links(), kind, &id)
            .await
            .expect("its own clinic reads it");
        assert_eq!(r["resourceType"], kind.as_str());
        assert_eq!(r["id"], id.as_str());
        assert_eq!(
            read(&m, b, &links(), kind, &id).await,
            Err(FhirError::NotFound {
                kind: kind.as_str().into()
            }),
            "{kind:?} of clinic A read as clinic B"
        );
    }
    assert!(
        read(&m, a, &links(), Kind::Patient, "../etc")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn searches_by_patient_and_date_filter() {
    let m = two_clinics();
    let patient = m.patients[2].id;
    for kind in [
        Kind::Encounter,
        Kind::Condition,
        Kind::MedicationRequest,
        Kind::Media,
        Kind::Appointment,
        Kind::AllergyIntolerance,
    ] {
        let pairs = params(&[("patient", &format!("Patient/{patient}"))]);
        let s = Search::parse(kind, &pairs, false).expect("search");
        let found = find(&m, ClinicId(A), &links(), kind, &s)
            .await
            .expect("found");
        assert_eq!(found.resources.len(), 1, "{kind:?}");
        let all = Search::parse(kind, &[], false).expect("search");
        let found = find(&m, ClinicId(A), &links(), kind, &all)
            .await
            .expect("found");
        assert_eq!(found.resources.len(), 7, "{kind:?} of the whole clinic");
    }
    let on = |date: &str| {
        let m = m.clone();
        let pairs = params(&[("date", date)]);
        async move {
            let s = Search::parse(Kind::Encounter, &pairs, false).expect("search");
            find(&m, ClinicId(A), &links(), Kind::Encounter, &s)
                .await
                .expect("found")
                .resources
                .len()
        }
    };
    assert_eq!(on("2024-03-05").await, 7);
    assert_eq!(on("gt2024-03-05").await, 0);
    assert_eq!(on("le2024-03-05").await, 7);
    let s = Search::parse(Kind::Appointment, &params(&[("date", "2024-03-06")]), false)
        .expect("search");
    assert_eq!(
        find(&m, ClinicId(A), &links(), Kind::Appointment, &s)
            .await
            .map(|f| f.resources.len()),
        Ok(7)
    );
}

#[tokio::test]
async fn everything_holds_the_patient_and_all_their_resources() {
    let m = two_clinics();
    let id = m.patients[0].id.to_string();
    let bundle = crate::fhir::everything::everything(&m, ClinicId(A), &links(), &id)
        .await
        .expect("everything");
    let mut kinds: Vec<String> = bundle["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            e["resource"]["resourceType"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "AllergyIntolerance",
            "Appointment",
            "Condition",
            "Encounter",
            "Media",
            "MedicationRequest",
            "Patient"
        ]
    );
    assert_eq!(
        crate::fhir::everything::everything(&m, ClinicId(B), &links(), &id).await,
        Err(FhirError::NotFound {
            kind: "Patient".into()
        })
    );
}
