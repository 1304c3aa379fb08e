//! `/api/v1`'s reads end to end, on both stores: documents pushed as a node pushes them
//! (and patients created over the API), the hub's own projector run, then every `GET`
//! route answering from the read models — pages that neither skip nor repeat, search,
//! a patient with allergies, visits with diagnoses, photos, products, stock, sales and
//! appointments in a window — with one clinic's key seeing nothing of another's and a
//! forged cursor refused naming `cursor`.

#[allow(dead_code)]
mod common;
#[allow(dead_code)]
#[path = "readmodel/docs.rs"]
mod docs;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{Fixture, TestHub, create_clinic, eventually, http, options};
use dermis_hub::apikeys;
use dermis_hub::auth::AuthOptions;
use dermis_hub::store::HubStore;
use dermis_hub::store::api_keys::{ApiKeyScope, NewApiKey};
use dermis_model::encounter::Author;
use dermis_model::{ClinicId, DocType, NodeId, now_millis};
use docs::{DAY, T0, push};
use serde_json::{Value, json};
use uuid::Uuid;

on_both_stores!(every_get_route_answers_from_the_read_models_of_its_clinic_only);

async fn key<S: HubStore>(store: &S, clinic: ClinicId) -> String {
    let secret = apikeys::new_secret();
    store
        .add_api_key(
            &NewApiKey {
                id: Uuid::now_v7(),
                clinic,
                name: "reader".into(),
                scope: ApiKeyScope::ReadWrite,
                secret_hash: apikeys::hash(&secret),
            },
            now_millis(),
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    secret
}

async fn get(hub: &TestHub, key: &str, path: &str) -> (u16, Value) {
    let response = http()
        .get(hub.http(path))
        .bearer_auth(key)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn every_get_route_answers_from_the_read_models_of_its_clinic_only<S: HubStore>(
    f: Fixture<S>,
) {
    let store = &f.store;
    let a = create_clinic(store, "Alpha").await;
    let b = create_clinic(store, "Beta").await;
    let doctor = Author {
        id: None,
        name: "Dr Amara".into(),
    };
    let (elodie, mut e_doc) = docs::patient(a, "Élodie", "Müller", "M-0001", T0);
    docs::allergies(&mut e_doc);
    let visit = docs::visit(
        &mut e_doc,
        &doctor,
        time::macros::date!(2027 - 01 - 15),
        true,
    );
    docs::photo(&mut e_doc, Some(visit));
    let mut pushed = vec![(elodie, DocType::Patient, e_doc.save())];
    for i in 0..4 {
        let (id, mut doc) = docs::patient(
            a,
            &format!("Ivan{i}"),
            "Petrov",
            &format!("M-1{i}"),
            T0 + DAY,
        );
        pushed.push((id, DocType::Patient, doc.save()));
    }
    let (product, p_doc) = docs::product(a, "SPF50", 1200);
    let node = NodeId::new();
    let sales = [docs::sale(
        node,
        product,
        "SPF50",
        2,
        1200,
        T0,
        Some(elodie),
    )];
    let (ledger, l_doc) = docs::ledger(a, node, "SPF50", product, 10, &sales);
    let (appointment, a_doc) = docs::appointment(a, Some(elodie), T0 + 2 * DAY);
    pushed.extend([
        (product, DocType::Product, p_doc.clone().save()),
        (ledger, DocType::Ledger, l_doc.clone().save()),
        (appointment, DocType::Appointment, a_doc.clone().save()),
    ]);
    push(store, a, pushed).await;
    let (b_patient, mut b_doc) = docs::patient(b, "Zoe", "Other", "B-1", T0);
    let (b_appt, b_a_doc) = docs::appointment(b, Some(b_patient), T0 + 2 * DAY);
    push(
        store,
        b,
        vec![
            (b_patient, DocType::Patient, b_doc.save()),
            (b_appt, DocType::Appointment, b_a_doc.clone().save()),
        ],
    )
    .await;

    let mut opts = options(f.dir.path(), Duration::from_secs(2));
    opts.auth = AuthOptions::default().with_secret(b"api-v1-data");
    opts.webhooks.projector_interval = Duration::from_millis(50);
    let hub = TestHub::start(store.clone(), opts).await;
    let key_a = key(store, a).await;
    let key_b = key(store, b).await;

    // A patient made over the API joins the list once the projector has seen it.
    let made = http()
        .post(hub.http("/api/v1/patients"))
        .bearer_auth(&key_a)
        .json(&json!({"first_name": "Nadia", "last_name": "Api", "mrn": "API-7"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(made.status().as_u16(), 201);
    let nadia: Value = made.json().await.unwrap_or(Value::Null);
    let nadia = nadia["id"].as_str().unwrap_or_default().to_owned();
    eventually("six patients listed", || async {
        ids(&get(&hub, &key_a, "/api/v1/patients?limit=500").await.1).len() == 6
    })
    .await;
    // The same record number again is refused now that the read model knows it.
    let again = http()
        .post(hub.http("/api/v1/patients"))
        .bearer_auth(&key_a)
        .json(&json!({"first_name": "Other", "last_name": "Api", "mrn": "API-7"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.status().as_u16(), 409);

    // Pages of two: every patient once, the last page says so.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let path = match &cursor {
            Some(c) => format!("/api/v1/patients?limit=2&cursor={c}"),
            None => "/api/v1/patients?limit=2".to_owned(),
        };
        let (status, page) = get(&hub, &key_a, &path).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (6, 6), "{seen:?}");
    assert!(seen.contains(&nadia) && seen.contains(&elodie.to_string()));
    let (status, forged) = get(&hub, &key_a, "/api/v1/patients?cursor=AAAAAAAAAAAA").await;
    assert_eq!(
        (status, forged["field"].as_str()),
        (400, Some("cursor")),
        "{forged}"
    );

    // Search, one patient with allergies, changes since.
    let (_, found) = get(&hub, &key_a, "/api/v1/patients?q=elodie").await;
    assert_eq!(ids(&found), [elodie.to_string()]);
    let (status, one) = get(&hub, &key_a, &format!("/api/v1/patients/{elodie}")).await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["mrn"], "M-0001");
    let allergies: Vec<&str> = one["allergies"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["substance"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(allergies, ["Penicillin"]);
    let (_, none) = get(&hub, &key_a, "/api/v1/patients?updated_since=9000-01-01").await;
    assert_eq!(ids(&none).len(), 0);

    // Visits, photos, products, stock, sales, appointments.
    let (_, visits) = get(
        &hub,
        &key_a,
        &format!("/api/v1/encounters?patient={elodie}"),
    )
    .await;
    assert_eq!(ids(&visits), [visit.to_string()]);
    assert_eq!(visits["items"][0]["diagnoses"][0]["code"], "L40.0");
    let (_, photos) = get(&hub, &key_a, &format!("/api/v1/photos?patient={elodie}")).await;
    assert_eq!(
        photos["items"].as_array().map(Vec::len),
        Some(1),
        "{photos}"
    );
    assert_eq!(photos["items"][0]["body_part"], "face");
    assert!(
        photos["items"][0]["thumbnail_url"].is_null(),
        "no thumbnails made yet: {photos}"
    );
    let (_, products) = get(&hub, &key_a, "/api/v1/products").await;
    assert_eq!(ids(&products), [product.to_string()]);
    let (_, stock) = get(&hub, &key_a, "/api/v1/stock").await;
    assert_eq!(stock["items"][0]["sku"], "SPF50");
    assert_eq!(stock["items"][0]["on_hand"], 8);
    let (_, sold) = get(
        &hub,
        &key_a,
        &format!("/api/v1/sales?from={T0}&to={}", T0 + DAY),
    )
    .await;
    assert_eq!(sold["items"].as_array().map(Vec::len), Some(1), "{sold}");
    assert_eq!(sold["items"][0]["total_minor"], 2400);
    let (_, later) = get(&hub, &key_a, &format!("/api/v1/sales?from={}", T0 + DAY)).await;
    assert_eq!(ids(&later).len(), 0);
    let window = format!("/api/v1/appointments?from={}&to={}", T0 + DAY, T0 + 3 * DAY);
    let (_, appts) = get(&hub, &key_a, &window).await;
    assert_eq!(ids(&appts), [appointment.to_string()]);
    let (status, _) = get(&hub, &key_a, &format!("/api/v1/appointments/{appointment}")).await;
    assert_eq!(status, 200);

    // Clinic B's key and A's: each sees its own only.
    for path in [
        "/api/v1/patients?limit=500",
        "/api/v1/encounters",
        "/api/v1/photos",
        "/api/v1/products",
        "/api/v1/stock",
        "/api/v1/sales",
        "/api/v1/appointments",
    ] {
        let (_, mine) = get(&hub, &key_a, path).await;
        let text = mine.to_string();
        assert!(
            !text.contains(&b_patient.to_string()) && !text.contains(&b.to_string()),
            "{path}: {text}"
        );
        let (_, theirs) = get(&hub, &key_b, path).await;
        let text = theirs.to_string();
        assert!(
            !text.contains(&elodie.to_string()) && !text.contains(&a.to_string()),
            "{path}: {text}"
        );
    }
    for path in [
        format!("/api/v1/patients/{b_patient}"),
        format!("/api/v1/appointments/{b_appt}"),
    ] {
        assert_eq!(get(&hub, &key_a, &path).await.0, 404, "{path}");
        assert_eq!(get(&hub, &key_b, &path).await.0, 200, "{path}");
    }
    hub.stop().await;
}
