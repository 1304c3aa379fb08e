//! The read models, against both stores: documents written as a node writes them and
//! pushed as its sync would, the projector run, then every query of `ReadModel` checked
//! — search (case- and accent-blind, phone digits), each list and single read, stock,
//! sales and the report aggregates; pages that neither skip nor repeat and a forged
//! cursor refused; one clinic's rows never answering another's queries; a merged patient
//! answering as its keeper; an erased patient's rows gone for good; and `reproject`
//! rebuilding what incremental projection built, without new events or stock counts.

#[allow(dead_code)]
mod common;
#[path = "readmodel/docs.rs"]
mod docs;

use std::sync::atomic::{AtomicI64, Ordering};

use common::Fixture;
use dermis_hub::readmodel::{PatientQuery, RangeQuery, RecordQuery};
use dermis_hub::store::{HubStore, StoreError};
use dermis_hub::webhooks::projector::{project_all, reproject_clinic};
use dermis_model::encounter::Author;
use dermis_model::{ClinicId, DocType, NodeId};
use docs::{DAY, T0, push};
use uuid::Uuid;

on_both_stores!(
    every_query_answers_from_the_projected_documents,
    pages_neither_skip_nor_repeat_and_a_forged_cursor_is_refused,
    one_clinic_never_answers_for_another,
    a_merged_patient_answers_as_its_keeper,
    an_erased_patient_is_gone_and_never_comes_back,
    reproject_rebuilds_what_projection_built_without_events_or_stock,
    reproject_on_the_command_line,
    every_search_plan_finds_the_same_patients_in_list_order,
    the_hub_keeps_each_documents_derivation_at_its_heads,
    a_ledger_projected_after_every_push_is_kept_whole,
    the_hub_lists_the_appointments_around_now,
);

/// A projector clock that moves 1 s per reading, so every step stamps a later time.
struct Clock(AtomicI64);

impl Clock {
    fn new() -> Clock {
        Clock(AtomicI64::new(T0 + 10 * DAY))
    }
    fn now(&self) -> i64 {
        self.0.fetch_add(1000, Ordering::SeqCst)
    }
}

async fn project<S: HubStore>(store: &S, clock: &Clock) {
    project_all(store, &|| clock.now())
        .await
        .unwrap_or_else(|e| panic!("project: {e}"));
}

fn q(text: &str) -> PatientQuery {
    PatientQuery {
        q: Some(text.into()),
        limit: 50,
        ..PatientQuery::default()
    }
}

async fn names<S: HubStore>(store: &S, clinic: ClinicId, query: PatientQuery) -> Vec<String> {
    let page = store
        .patients(clinic, &query)
        .await
        .unwrap_or_else(|e| panic!("patients: {e}"));
    let mut out: Vec<String> = page.items.iter().map(|p| p.last_name.clone()).collect();
    out.sort();
    out
}

fn doctor() -> Author {
    Author {
        id: None,
        name: "Dr Amara".into(),
    }
}

/// A clinic with two patients (one with allergies, a signed visit, a photo), a product,
/// a ledger with two sales, and an appointment; all projected. Returns the ids.
struct World {
    clinic: ClinicId,
    elodie: Uuid,
    ivan: Uuid,
    visit: Uuid,
    product: Uuid,
    appointment: Uuid,
}

async fn world<S: HubStore>(store: &S, clock: &Clock) -> World {
    let clinic = common::create_clinic(store, "Read Model Clinic").await;
    let (elodie, mut e_doc) = docs::patient(clinic, "Élodie", "Müller", "M-0001", T0);
    docs::allergies(&mut e_doc);
    let visit = docs::visit(
        &mut e_doc,
        &doctor(),
        time::macros::date!(2027 - 01 - 15),
        true,
    );
    docs::photo(&mut e_doc, Some(visit));
    let (ivan, mut i_doc) = docs::patient(clinic, "Ivan", "Petrov", "M-0002", T0 + DAY);
    let (product, p_doc) = docs::product(clinic, "SPF50", 1200);
    let node = NodeId::new();
    let sales = [
        docs::sale(node, product, "SPF50", 2, 1200, T0, Some(elodie)),
        docs::sale(node, product, "SPF50", 1, 1200, T0 + DAY, None),
    ];
    let (ledger, l_doc) = docs::ledger(clinic, node, "SPF50", product, 10, &sales);
    let (appointment, a_doc) = docs::appointment(clinic, Some(elodie), T0 + 2 * DAY);
    push(
        store,
        clinic,
        vec![
            (elodie, DocType::Patient, e_doc.save()),
            (ivan, DocType::Patient, i_doc.save()),
            (product, DocType::Product, p_doc.clone().save()),
            (ledger, DocType::Ledger, l_doc.clone().save()),
            (appointment, DocType::Appointment, a_doc.clone().save()),
        ],
    )
    .await;
    project(store, clock).await;
    World {
        clinic,
        elodie,
        ivan,
        visit,
        product,
        appointment,
    }
}

async fn every_query_answers_from_the_projected_documents<S: HubStore>(f: Fixture<S>) {
    let clock = Clock::new();
    let w = world(&f.store, &clock).await;
    let s = &f.store;
    let c = w.clinic;
    // Free text: case- and accent-blind prefixes of names, record number, email, phone.
    assert_eq!(names(s, c, q("elodie")).await, ["Müller"]);
    assert_eq!(names(s, c, q("MULL")).await, ["Müller"]);
    assert_eq!(names(s, c, q("élo mül")).await, ["Müller"]);
    assert_eq!(names(s, c, q("m-0002")).await, ["Petrov"]);
    assert_eq!(names(s, c, q("ivan@example")).await, ["Petrov"]);
    assert_eq!(names(s, c, q("+33 6 12")).await, ["Müller", "Petrov"]);
    assert!(names(s, c, q("zzz")).await.is_empty());
    assert!(
        names(s, c, q("uller")).await.is_empty(),
        "prefixes, not infixes"
    );
    // FHIR-style filters.
    let by = |f: fn(&mut PatientQuery)| {
        let mut query = PatientQuery {
            limit: 10,
            ..PatientQuery::default()
        };
        f(&mut query);
        query
    };
    assert_eq!(
        names(s, c, by(|q| q.name = Some("pet".into()))).await,
        ["Petrov"]
    );
    assert_eq!(
        names(s, c, by(|q| q.name = Some("ÉLO".into()))).await,
        ["Müller"]
    );
    assert_eq!(
        names(s, c, by(|q| q.mrn = Some("M-0001".into()))).await,
        ["Müller"]
    );
    assert_eq!(
        names(s, c, by(|q| q.birth_date = Some("1990-04-12".into())))
            .await
            .len(),
        2
    );
    assert_eq!(
        names(s, c, by(|q| q.phone = Some("06 12 34".into())))
            .await
            .len(),
        0
    );
    assert_eq!(
        names(s, c, by(|q| q.phone = Some("612 345".into())))
            .await
            .len(),
        2
    );

    let elodie = s
        .patient(c, w.elodie)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("Élodie"));
    assert_eq!(elodie.first_name, "Élodie");
    assert_eq!(elodie.mrn, "M-0001");
    assert_eq!(elodie.birth_date.as_deref(), Some("1990-04-12"));
    let substances: Vec<&str> = elodie
        .allergies
        .iter()
        .map(|a| a.substance.as_str())
        .collect();
    assert_eq!(
        substances,
        ["Penicillin"],
        "the allergy entered in error is not one"
    );
    assert_eq!(elodie.allergies[0].severity, "severe");
    assert!(elodie.updated_at > T0 + 10 * DAY - 1);

    let visits = s
        .encounters(
            c,
            &RecordQuery {
                patient: Some(w.elodie),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(visits.items.len(), 1);
    let v = &visits.items[0];
    assert_eq!(
        (v.id, v.patient_id, v.status.as_str()),
        (w.visit, w.elodie, "signed")
    );
    assert_eq!(v.diagnoses[0].code, "L40.0");
    assert_eq!(v.prescriptions[0].drug, "Clobetasol 0.05% cream");
    assert_eq!(v.date, "2027-01-15");
    assert_eq!(
        s.encounter(c, w.visit)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .as_ref(),
        Some(v)
    );
    let none = s
        .encounters(
            c,
            &RecordQuery {
                patient: Some(w.ivan),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(none.items.is_empty());

    let photos = s
        .photos(
            c,
            &RecordQuery {
                patient: Some(w.elodie),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(photos.items.len(), 1);
    assert_eq!(
        (
            photos.items[0].body_part.as_str(),
            photos.items[0].encounter_id
        ),
        ("face", Some(w.visit))
    );

    // One record by id answers as the lists do.
    fn ok<T>(e: StoreError) -> T {
        panic!("{e}")
    }
    let photo = &photos.items[0];
    assert_eq!(
        s.photo(c, photo.id).await.unwrap_or_else(ok).as_ref(),
        Some(photo)
    );
    let rx = &v.prescriptions[0];
    assert_eq!(
        s.prescription(c, rx.id).await.unwrap_or_else(ok).as_ref(),
        Some(rx)
    );
    let allergy = &elodie.allergies[0];
    assert_eq!(
        s.allergy(c, allergy.id).await.unwrap_or_else(ok).as_ref(),
        Some(allergy)
    );
    assert_eq!(s.photo(c, w.visit).await.unwrap_or_else(ok), None);
    // A page's allergies in one read: in the order of the patients given, each
    // patient's as a single read gives them.
    assert_eq!(
        s.allergies_of(c, &[w.ivan, w.elodie, w.ivan])
            .await
            .unwrap_or_else(ok),
        elodie.allergies
    );
    assert!(s.allergies_of(c, &[]).await.unwrap_or_else(ok).is_empty());

    let products = s
        .products(
            c,
            &RecordQuery {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(products.items.len(), 1);
    assert_eq!(
        (products.items[0].id, products.items[0].price_minor),
        (w.product, 1200)
    );
    let stock = s.stock(c).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stock.len(), 1);
    assert_eq!(
        (stock[0].sku.as_str(), stock[0].on_hand, stock[0].product_id),
        ("SPF50", 10 - 3, Some(w.product))
    );

    let range = |from, to| RangeQuery {
        from: Some(from),
        to: Some(to),
        limit: 10,
        ..Default::default()
    };
    let sales = s
        .sales(c, &range(T0, T0 + 2 * DAY))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sales.items.len(), 2);
    assert_eq!(sales.items[0].total_minor, 2400);
    assert_eq!(sales.items[0].patient_id, Some(w.elodie));
    assert_eq!(sales.items[0].lines[0].sku, "SPF50");
    assert_eq!(sales.items[0].clinic_id, c.0);
    let first_day = s
        .sales(c, &range(T0, T0 + DAY))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first_day.items.len(), 1, "[from, to)");
    let theirs = s
        .sales(
            c,
            &RangeQuery {
                patient: Some(w.elodie),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(theirs.items.len(), 1);

    let appts = s
        .appointments(c, &range(T0, T0 + 3 * DAY))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(appts.items.len(), 1);
    assert_eq!(
        (appts.items[0].id, appts.items[0].patient_id),
        (w.appointment, Some(w.elodie))
    );
    assert!(
        s.appointments(c, &range(T0, T0 + DAY))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .items
            .is_empty()
    );
    assert_eq!(
        s.appointment(c, w.appointment)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .map(|a| a.status),
        Some("scheduled".into())
    );

    // Reports.
    let days = s
        .sales_by_day(c, T0 - DAY, T0 + 5 * DAY)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let figures: Vec<(String, u64, i64, i64)> = days
        .iter()
        .map(|d| (d.day.clone(), d.sales, d.net_minor, d.tax_minor))
        .collect();
    assert_eq!(
        figures,
        [
            ("2027-01-15".into(), 1, 2400, 400),
            ("2027-01-16".into(), 1, 1200, 200)
        ]
    );
    assert!(
        days[0].by_method.contains(&("cash".into(), 2400)),
        "cash net of change: {:?}",
        days[0].by_method
    );
    assert_eq!(days[0].by_tax_rate, vec![(2000, 2400, 400)]);
    let visits = s
        .visits_by_clinician(c, T0 - DAY, T0 + DAY)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(visits.len(), 1);
    assert_eq!(
        (
            visits[0].clinician.as_str(),
            visits[0].visits,
            visits[0].signed
        ),
        ("Dr Amara", 1, 1)
    );
    assert!(
        s.visits_by_clinician(c, T0 + DAY, T0 + 2 * DAY)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .is_empty()
    );
    let new = s
        .new_patients_by_day(c, T0 - DAY, T0 + 5 * DAY)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(new, [("2027-01-15".into(), 1), ("2027-01-16".into(), 1)]);

    // An edit replaces the rows and moves updated_at; an unchanged re-read does not.
    let before = elodie.updated_at;
    let (_, mut e_doc) = fetch_patient(s, c, w.elodie).await;
    dermis_model::doc::put_str(&mut e_doc, &automerge::ROOT, "last_name", "Martin")
        .unwrap_or_else(|e| panic!("{e}"));
    e_doc.commit();
    push(s, c, vec![(w.elodie, DocType::Patient, e_doc.save())]).await;
    project(s, &clock).await;
    assert_eq!(names(s, c, q("martin")).await, ["Martin"]);
    assert!(
        names(s, c, q("müller")).await.is_empty(),
        "the old name's terms are gone"
    );
    let after = s
        .patient(c, w.elodie)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .map(|p| p.updated_at);
    assert!(after > Some(before));
    let ivan_before = s
        .patient(c, w.ivan)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .map(|p| p.updated_at);
    let since = s
        .patients(
            c,
            &PatientQuery {
                updated_since: after,
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        since.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        [w.elodie]
    );
    assert!(ivan_before < after);
}

async fn fetch_patient<S: HubStore>(
    store: &S,
    clinic: ClinicId,
    id: Uuid,
) -> (Uuid, automerge::AutoCommit) {
    let mut s = store.clone();
    let got = s
        .fetch(
            clinic,
            &[dermis_sync::wire::FetchItem {
                doc_id: id,
                have: vec![],
            }],
        )
        .await
        .unwrap_or_else(|e| panic!("fetch: {e}"));
    let data = got
        .into_iter()
        .flatten()
        .next()
        .unwrap_or_else(|| panic!("the patient"));
    (
        id,
        automerge::AutoCommit::load(&data.data).unwrap_or_else(|e| panic!("{e}")),
    )
}

#[path = "readmodel/booked.rs"]
mod booked;
#[path = "readmodel/derivations.rs"]
mod derivations;
#[path = "readmodel/identity.rs"]
mod identity;
#[path = "readmodel/lists.rs"]
mod lists;
#[path = "readmodel/search.rs"]
mod search;
use booked::the_hub_lists_the_appointments_around_now;
use derivations::{
    a_ledger_projected_after_every_push_is_kept_whole,
    the_hub_keeps_each_documents_derivation_at_its_heads,
};
use identity::{
    a_merged_patient_answers_as_its_keeper, an_erased_patient_is_gone_and_never_comes_back,
    reproject_on_the_command_line,
    reproject_rebuilds_what_projection_built_without_events_or_stock,
};
use lists::{
    one_clinic_never_answers_for_another,
    pages_neither_skip_nor_repeat_and_a_forged_cursor_is_refused,
};
use search::every_search_plan_finds_the_same_patients_in_list_order;
