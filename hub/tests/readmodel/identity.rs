//! The read models and the identity of records: merges answer as the keeper, erasures
//! remove rows for good; and `reproject`, which must rebuild exactly what incremental
//! projection built (merges and erasures included) without deriving events or counting
//! stock again.

use std::process::Command;

use dermis_hub::readmodel::derive::rows;
use dermis_hub::readmodel::{PatientQuery, RangeQuery, RecordQuery};
use dermis_hub::store::HubStore;
use dermis_hub::store::hooks::{DocProjection, NewWebhook};
use dermis_hub::store::rules::forge;
use dermis_hub::webhooks::events::EventType;
use dermis_model::patient::{Severity, add_allergy};
use dermis_model::{AllergyId, DocType, NodeId, PatientId};
use serde_json::{Value, json};
use uuid::Uuid;

use super::common::Fixture;
use super::docs::{self, DAY, T0, push};
use super::{Clock, doctor, fetch_patient, names, project, q, reproject_clinic, world};

fn all() -> RecordQuery {
    RecordQuery {
        limit: 500,
        ..Default::default()
    }
}

pub async fn a_merged_patient_answers_as_its_keeper<S: HubStore>(f: Fixture<S>) {
    let clock = Clock::new();
    let s = &f.store;
    let c = super::common::create_clinic(s, "Merges").await;
    let (keep, mut k_doc) = docs::patient(c, "Anna", "Keeper", "M-1", T0);
    docs::allergies(&mut k_doc);
    let keep_visit = docs::visit(
        &mut k_doc,
        &doctor(),
        time::macros::date!(2027 - 01 - 15),
        true,
    );
    let (other, mut o_doc) = docs::patient(c, "Anna", "Otherton", "M-2", T0 + DAY);
    add_allergy(
        &mut o_doc,
        AllergyId::new(),
        "Nickel",
        "eczema",
        Severity::Moderate,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let other_visit = docs::visit(
        &mut o_doc,
        &doctor(),
        time::macros::date!(2027 - 01 - 16),
        false,
    );
    let (appt, a_doc) = docs::appointment(c, Some(other), T0 + 3 * DAY);
    let (product, p_doc) = docs::product(c, "CREAM", 900);
    let node = NodeId::new();
    let (ledger, l_doc) = docs::ledger(
        c,
        node,
        "CREAM",
        product,
        5,
        &[docs::sale(node, product, "CREAM", 1, 900, T0, Some(other))],
    );
    push(
        s,
        c,
        vec![
            (keep, DocType::Patient, k_doc.save()),
            (other, DocType::Patient, o_doc.save()),
            (appt, DocType::Appointment, a_doc.clone().save()),
            (product, DocType::Product, p_doc.clone().save()),
            (ledger, DocType::Ledger, l_doc.clone().save()),
        ],
    )
    .await;
    project(s, &clock).await;
    assert_eq!(
        names(s, c, q("anna")).await,
        ["Keeper", "Otherton"],
        "the control"
    );

    docs::merge(s, c, other, keep).await;
    project(s, &clock).await;
    assert_eq!(
        names(s, c, q("anna")).await,
        ["Keeper"],
        "lists show the keeper only"
    );
    let answered = s
        .patient(c, other)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("an answer"));
    assert_eq!((answered.id, answered.last_name.as_str()), (keep, "Keeper"));
    let mut substances: Vec<&str> = answered
        .allergies
        .iter()
        .map(|a| a.substance.as_str())
        .collect();
    substances.sort_unstable();
    assert_eq!(
        substances,
        ["Nickel", "Penicillin"],
        "the merged record's allergies too"
    );
    for asked in [keep, other] {
        let visits = s
            .encounters(
                c,
                &RecordQuery {
                    patient: Some(asked),
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut ids: Vec<Uuid> = visits.items.iter().map(|v| v.id).collect();
        ids.sort();
        let mut want = vec![keep_visit, other_visit];
        want.sort();
        assert_eq!(ids, want);
        assert!(visits.items.iter().all(|v| v.patient_id == keep));
        let appts = s
            .appointments(
                c,
                &RangeQuery {
                    patient: Some(asked),
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            appts
                .items
                .iter()
                .map(|a| (a.id, a.patient_id))
                .collect::<Vec<_>>(),
            [(appt, Some(keep))]
        );
        let sales = s
            .sales(
                c,
                &RangeQuery {
                    patient: Some(asked),
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            sales.items.iter().map(|x| x.patient_id).collect::<Vec<_>>(),
            [Some(keep)]
        );
    }
    let new = s
        .new_patients_by_day(c, 0, T0 + 9 * DAY)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(new, [("2027-01-15".to_owned(), 1)]);

    // An edit of OTHER made offline while the merge was made lands later: still KEEP.
    let (_, mut o_doc) = fetch_patient(s, c, other).await;
    dermis_model::doc::put_str(&mut o_doc, &automerge::ROOT, "last_name", "Otherwise")
        .unwrap_or_else(|e| panic!("{e}"));
    o_doc.commit();
    push(s, c, vec![(other, DocType::Patient, o_doc.save())]).await;
    project(s, &clock).await;
    assert_eq!(names(s, c, q("anna")).await, ["Keeper"]);
    assert_eq!(
        s.patient(c, other)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .map(|p| p.id),
        Some(keep)
    );
}

/// Erases `patient` as the clinic's admin does, through the clinic document.
pub async fn erase<S: HubStore>(s: &S, c: dermis_model::ClinicId, patient: Uuid) {
    let (mut clinic_doc, as_admin) = docs::with_admin(s, c).await;
    forge::erase_patient(&mut clinic_doc, PatientId(patient), as_admin.as_deref())
        .unwrap_or_else(|e| panic!("{e}"));
    push(s, c, vec![(c.0, DocType::Clinic, clinic_doc.save())]).await;
}

pub async fn an_erased_patient_is_gone_and_never_comes_back<S: HubStore>(f: Fixture<S>) {
    let clock = Clock::new();
    let s = &f.store;
    let w = world(s, &clock).await;
    let c = w.clinic;
    let (_, stale) = fetch_patient(s, c, w.elodie).await;
    assert!(
        s.patient(c, w.elodie)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .is_some(),
        "the control"
    );

    erase(s, c, w.elodie).await;
    let gone = |what: &str, empty: bool| assert!(empty, "{what} of the erased patient remain");
    // At once, in the erasure's own transaction: before the projector runs.
    for round in 0..2 {
        gone(
            "the patient",
            s.patient(c, w.elodie)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .is_none(),
        );
        gone("search hits", names(s, c, q("elodie")).await.is_empty());
        gone(
            "visits",
            s.encounter(c, w.visit)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .is_none(),
        );
        gone(
            "photos",
            s.photos(c, &all())
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .items
                .is_empty(),
        );
        gone(
            "appointments",
            s.appointment(c, w.appointment)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .is_none(),
        );
        let sales = s
            .sales(
                c,
                &RangeQuery {
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sales.items.len(), 2, "the takings stay");
        gone(
            "sale links",
            sales.items.iter().all(|x| x.patient_id.is_none()),
        );
        assert_eq!(
            names(s, c, q("ivan")).await,
            ["Petrov"],
            "the other patient stays"
        );
        if round == 0 {
            project(s, &clock).await;
        }
    }
    // A stale read of the erased document (another hub instance fetched it before the
    // erasure) projects nothing.
    let (_, i_doc) = fetch_patient(s, c, w.ivan).await;
    let mut i_doc = i_doc;
    dermis_model::doc::put_str(&mut i_doc, &automerge::ROOT, "notes", "edited")
        .unwrap_or_else(|e| panic!("{e}"));
    i_doc.commit();
    push(s, c, vec![(w.ivan, DocType::Patient, i_doc.save())]).await;
    let lag = s.projector_lag().await.unwrap_or_else(|e| panic!("{e}"));
    let (_, from, to) = lag
        .into_iter()
        .find(|(clinic, _, _)| *clinic == c)
        .unwrap_or_else(|| panic!("lag"));
    let stale_rows = rows(DocType::Patient, &stale).unwrap_or_else(|e| panic!("{e}"));
    let projection = DocProjection {
        doc_id: w.elodie,
        doc_type: "patient".into(),
        seq: to,
        events: vec![],
        stock: vec![],
        conflicts: vec![],
        audit: vec![],
        receipts: vec![],
        rows: Some(stale_rows),
        derivation: None,
    };
    s.commit_projection(c, from, to, &[projection], T0 + 20 * DAY)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("the step commits"));
    gone(
        "the patient (stale read)",
        s.patient(c, w.elodie)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .is_none(),
    );
    gone(
        "visits (stale read)",
        s.encounters(c, &all())
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .items
            .is_empty(),
    );
    // A reproject does not bring it back either.
    reproject_clinic(s, c, T0 + 21 * DAY)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    gone(
        "the patient (reproject)",
        s.patient(c, w.elodie)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .is_none(),
    );
}

/// Everything the read models answer for a clinic, `updated_at` left out (a rebuild
/// stamps its own time).
async fn snapshot<S: HubStore>(s: &S, c: dermis_model::ClinicId, ids: &[Uuid]) -> Value {
    let wide = RangeQuery {
        limit: 500,
        ..Default::default()
    };
    let mut v = json!({
        "patients": s.patients(c, &PatientQuery { limit: 500, ..Default::default() }).await.map(|p| p.items).unwrap_or_else(|e| panic!("{e}")),
        "encounters": s.encounters(c, &all()).await.map(|p| p.items).unwrap_or_else(|e| panic!("{e}")),
        "photos": s.photos(c, &all()).await.map(|p| p.items).unwrap_or_else(|e| panic!("{e}")),
        "products": s.products(c, &all()).await.map(|p| p.items).unwrap_or_else(|e| panic!("{e}")),
        "stock": s.stock(c).await.unwrap_or_else(|e| panic!("{e}")),
        "sales": s.sales(c, &wide).await.map(|p| p.items).unwrap_or_else(|e| panic!("{e}")),
        "appointments": s.appointments(c, &wide).await.map(|p| p.items).unwrap_or_else(|e| panic!("{e}")),
        "sales_by_day": s.sales_by_day(c, 0, T0 + 30 * DAY).await.unwrap_or_else(|e| panic!("{e}")),
        "visits": s.visits_by_clinician(c, 0, T0 + 30 * DAY).await.unwrap_or_else(|e| panic!("{e}")),
        "new_patients": s.new_patients_by_day(c, 0, T0 + 30 * DAY).await.unwrap_or_else(|e| panic!("{e}")),
    });
    let mut singles = Vec::new();
    for id in ids {
        singles.push(json!(
            s.patient(c, *id).await.unwrap_or_else(|e| panic!("{e}"))
        ));
    }
    v["singles"] = Value::Array(singles);
    strip(&mut v);
    // Lists ordered by update time may order differently after a rebuild: by id.
    for list in ["patients", "encounters", "photos", "products"] {
        if let Some(items) = v[list].as_array_mut() {
            items.sort_by_key(|i| i["id"].as_str().unwrap_or_default().to_owned());
        }
    }
    v
}

fn strip(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.remove("updated_at");
            map.values_mut().for_each(strip);
        }
        Value::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}

pub async fn reproject_rebuilds_what_projection_built_without_events_or_stock<S: HubStore>(
    f: Fixture<S>,
) {
    let clock = Clock::new();
    let s = &f.store;
    let w = world(s, &clock).await;
    let c = w.clinic;
    s.add_webhook(
        &NewWebhook {
            url: "http://127.0.0.1:9/hook".into(),
            events: EventType::ALL.to_vec(),
            clinic: Some(c),
            secret: "whsec_reproject".into(),
        },
        T0,
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let (x, x_doc) = docs::patient(c, "Xavier", "Merged", "M-9", T0 + 2 * DAY);
    push(s, c, vec![(x, DocType::Patient, x_doc.clone().save())]).await;
    docs::merge(s, c, x, w.elodie).await;
    erase(s, c, w.ivan).await;
    project(s, &clock).await;
    let ids = [w.elodie, w.ivan, x];
    let before = snapshot(s, c, &ids).await;
    let deliveries = s
        .recent_deliveries(Some(&[c]), 1000)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .len();
    assert!(deliveries > 0, "the control: the webhook gets events");
    assert_eq!(
        before["patients"].as_array().map(Vec::len),
        Some(1),
        "the keeper alone"
    );

    let done = reproject_clinic(s, c, T0 + 40 * DAY)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(done.docs >= 5, "{done:?}");
    assert_eq!(done.unreadable, 0);
    let after = snapshot(s, c, &ids).await;
    assert_eq!(after, before);
    assert_eq!(
        s.recent_deliveries(Some(&[c]), 1000)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .len(),
        deliveries,
        "no event derived again"
    );
    // Twice is the same as once (the stock row stays 7, counted once).
    reproject_clinic(s, c, T0 + 41 * DAY)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(snapshot(s, c, &ids).await, before);
}

const BIN: &str = env!("CARGO_BIN_EXE_dermis-hub");

fn cli<S>(f: &Fixture<S>, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir").arg(f.dir.path()).args(args);
    for var in [
        "DATABASE_URL",
        "DATABASE_URL_FILE",
        "DERMIS_HUB_DATA_DIR",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    if let Some(db) = &f.db {
        cmd.env("DATABASE_URL", &db.url);
    }
    cmd.output().unwrap_or_else(|e| panic!("run {BIN}: {e}"))
}

pub async fn reproject_on_the_command_line<S: HubStore>(f: Fixture<S>) {
    let clock = Clock::new();
    let w = world(&f.store, &clock).await;
    let before = snapshot(&f.store, w.clinic, &[w.elodie]).await;
    let id = w.clinic.to_string();
    let out = cli(&f, &["reproject", "--clinic", &id]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("reprojected clinic {id}: 6 documents")),
        "{stdout}"
    );
    assert_eq!(snapshot(&f.store, w.clinic, &[w.elodie]).await, before);
    let json = cli(&f, &["reproject", "--clinic", &id, "--json"]);
    let parsed: Value = serde_json::from_slice(&json.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parsed["docs"], 6, "the clinic document and five more");
    for (args, says) in [
        (vec!["reproject", "--clinic", "not-a-clinic"], "--clinic"),
        (
            vec![
                "reproject",
                "--clinic",
                "0190c1c4-0000-7000-8000-000000000000",
            ],
            "no clinic",
        ),
        (vec!["reproject"], "--clinic"),
    ] {
        let out = cli(&f, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}
