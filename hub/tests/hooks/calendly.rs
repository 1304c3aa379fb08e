//! Calendly in: signed deliveries become appointment documents in the clinic's change
//! log (which nodes then pull), once per event; bad, stale and unsigned deliveries are
//! refused without touching anything.

use std::time::Duration;

use dermis_hub::config::Secret;
use dermis_hub::secrets::SecretKey;
use dermis_hub::store::HubStore;
use dermis_hub::webhooks::calendly::{seal_key, sign};
use dermis_model::appointment::{AppointmentSource, AppointmentStatus, read_appointment};
use dermis_model::{ClinicId, now_millis};
use dermis_sync::wire::FetchItem;
use serde_json::{Value, json};
use uuid::Uuid;

use super::common::node::TestNode;
use super::common::{Fixture, TestHub, create_clinic, enroll, http, hub_heads};
use super::support::{hub_cli_input, quick_options};
use crate::on_both_stores;

const KEY: &str = "calendly-test-signing-key";

on_both_stores!(
    a_booking_becomes_an_appointment_once_and_a_cancellation_cancels_it,
    an_unfinished_claim_is_taken_over_after_its_timeout,
    each_clinic_is_checked_against_its_own_key_only,
    the_calendly_key_command_keeps_a_clinic_key_encrypted,
);

async fn an_unfinished_claim_is_taken_over_after_its_timeout<S: HubStore>(f: Fixture<S>) {
    let clinic = create_clinic(&f.store, "Claims Clinic").await;
    let key = "invitee.created:https://api.calendly.com/x/invitees/C";
    let t = now_millis();
    let claim =
        |now: i64, stale_before: i64| f.store.calendly_claim(key, clinic, now, stale_before);
    assert_eq!(claim(t, t - 1000).await.ok(), Some(true), "first claim");
    assert_eq!(claim(t + 1, t - 1000).await.ok(), Some(false), "in hand");
    // Its hub died: once the claim is older than the timeout, a retry takes it over.
    assert_eq!(claim(t + 10, t + 5).await.ok(), Some(true), "taken over");
    f.store
        .calendly_done(key)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        claim(t + 100, t + 50).await.ok(),
        Some(false),
        "done for good"
    );
    assert_eq!(f.store.calendly_handled(key).await.ok(), Some(true));
}

fn delivery(event: &str, invitee: &str) -> Vec<u8> {
    json!({
        "event": event,
        "created_at": "2026-11-28T01:00:00.000000Z",
        "created_by": "https://api.calendly.com/users/U",
        "payload": {
            "uri": invitee,
            "name": "Lucía García",
            "email": "lucia@example.es",
            "status": if event == "invitee.canceled" { "canceled" } else { "active" },
            "scheduled_event": {
                "uri": "https://api.calendly.com/scheduled_events/E",
                "name": "Mole check",
                "start_time": "2026-12-01T10:00:00.000000Z",
                "end_time": "2026-12-01T10:30:00.000000Z"
            }
        }
    })
    .to_string()
    .into_bytes()
}

async fn post(hub: &TestHub, clinic: &str, body: &[u8], signature: Option<String>) -> (u16, Value) {
    let mut request = http()
        .post(hub.http(&format!("/api/integrations/calendly/{clinic}")))
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some(signature) = signature {
        request = request.header("Calendly-Webhook-Signature", signature);
    }
    let response = request.send().await.unwrap_or_else(|e| panic!("{e}"));
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn signed(body: &[u8], age_secs: i64) -> Option<String> {
    Some(sign(KEY.as_bytes(), now_millis() / 1000 - age_secs, body))
}

async fn appointment<S: HubStore>(
    store: &S,
    clinic: ClinicId,
    id: Uuid,
) -> (u64, dermis_model::appointment::Appointment) {
    let mut store = store.clone();
    let data = store
        .fetch(
            clinic,
            &[FetchItem {
                doc_id: id,
                have: Vec::new(),
            }],
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .next()
        .flatten()
        .unwrap_or_else(|| panic!("no appointment {id} in the clinic"));
    assert_eq!(data.doc_type, "appointment");
    let doc = automerge::AutoCommit::load(&data.data).unwrap_or_else(|e| panic!("{e}"));
    (
        data.seq,
        read_appointment(&doc).unwrap_or_else(|e| panic!("{e}")),
    )
}

async fn a_booking_becomes_an_appointment_once_and_a_cancellation_cancels_it<S: HubStore>(
    f: Fixture<S>,
) {
    let clinic = create_clinic(&f.store, "Calendly Clinic").await;
    let mut opts = quick_options(f.dir.path());
    opts.calendly.signing_key = Some(Secret::new(KEY));
    opts.calendly.tolerance = Duration::from_secs(180);
    let hub = TestHub::start(f.store.clone(), opts).await;
    let c = clinic.to_string();
    let invitee = "https://api.calendly.com/scheduled_events/E/invitees/I1";
    let body = delivery("invitee.created", invitee);

    // Refusals first: nothing may be stored by them.
    let (status, answer) = post(&hub, &c, &body, None).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (401, Some("invalid_signature"))
    );
    let forged = Some(sign(b"not the key", now_millis() / 1000, &body));
    let (status, answer) = post(&hub, &c, &body, forged).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (401, Some("invalid_signature"))
    );
    let (status, answer) = post(&hub, &c, &body, signed(&body, 600)).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (400, Some("stale_timestamp"))
    );
    let tampered = delivery(
        "invitee.created",
        "https://api.calendly.com/x/invitees/OTHER",
    );
    let (status, _) = post(&hub, &c, &tampered, signed(&body, 0)).await;
    assert_eq!(status, 401, "a signature is for its own body");
    let (status, answer) = post(&hub, &ClinicId::new().to_string(), &body, signed(&body, 0)).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (404, Some("unknown_clinic"))
    );
    let (status, answer) = post(&hub, "not-a-clinic", &body, signed(&body, 0)).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (404, Some("unknown_clinic"))
    );
    let junk = b"{\"event\": 5}";
    let (status, answer) = post(&hub, &c, junk, signed(junk, 0)).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (400, Some("bad_request"))
    );
    assert_eq!(
        hub_heads(&f.store, clinic).await.len(),
        1,
        "only the clinic document"
    );

    let (status, answer) = post(&hub, &c, &body, signed(&body, 5)).await;
    assert_eq!(
        (status, answer["status"].as_str()),
        (200, Some("created")),
        "{answer}"
    );
    let id: Uuid = answer["appointment_id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{answer}"));
    let heads = hub_heads(&f.store, clinic).await;
    assert!(
        heads.contains_key(&id),
        "the appointment is in the change log"
    );
    let (seq, a) = appointment(&f.store, clinic, id).await;
    assert_eq!(a.source, AppointmentSource::Calendly);
    assert_eq!(a.status, AppointmentStatus::Scheduled);
    assert_eq!(a.invitee_name.as_deref(), Some("Lucía García"));
    assert_eq!(a.invitee_email.as_deref(), Some("lucia@example.es"));
    assert_eq!(a.external_id.as_deref(), Some(invitee));
    assert_eq!(a.title, "Mole check");
    assert_eq!(a.end - a.start, 30 * 60 * 1000);

    // Calendly retries and replays: the same answer, no second appointment.
    let (status, answer) = post(&hub, &c, &body, signed(&body, 1)).await;
    assert_eq!(
        (status, answer["status"].as_str()),
        (200, Some("duplicate"))
    );
    assert_eq!(
        answer["appointment_id"].as_str(),
        Some(id.to_string().as_str())
    );
    assert_eq!(hub_heads(&f.store, clinic).await.len(), 2);

    // A node of the clinic receives it by sync.
    let node = TestNode::new(&enroll(&f.store, &hub, clinic, "Desk").await);
    let mut link = node.connect(&hub.ws()).await;
    link.wait("caught up", |s| s.caught_up > 0).await;
    assert!(
        node.heads().await.contains_key(&id),
        "the node has the appointment"
    );

    let cancel = delivery("invitee.canceled", invitee);
    let (status, answer) = post(&hub, &c, &cancel, signed(&cancel, 0)).await;
    assert_eq!(
        (status, answer["status"].as_str()),
        (200, Some("canceled")),
        "{answer}"
    );
    let (later, a) = appointment(&f.store, clinic, id).await;
    assert_eq!(a.status, AppointmentStatus::Canceled);
    assert!(later > seq, "the cancellation is a new change in the log");
    let (status, answer) = post(&hub, &c, &cancel, signed(&cancel, 0)).await;
    assert_eq!(
        (status, answer["status"].as_str()),
        (200, Some("duplicate"))
    );
    let unknown = delivery(
        "invitee.canceled",
        "https://api.calendly.com/x/invitees/NEVER",
    );
    let (status, answer) = post(&hub, &c, &unknown, signed(&unknown, 0)).await;
    assert_eq!((status, answer["status"].as_str()), (200, Some("ignored")));
    // Its booking arriving after the cancellation is stored cancelled.
    let late = delivery(
        "invitee.created",
        "https://api.calendly.com/x/invitees/NEVER",
    );
    let (status, answer) = post(&hub, &c, &late, signed(&late, 0)).await;
    assert_eq!((status, answer["status"].as_str()), (200, Some("created")));
    let late_id: Uuid = answer["appointment_id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{answer}"));
    let (_, a) = appointment(&f.store, clinic, late_id).await;
    assert_eq!(a.status, AppointmentStatus::Canceled);
    link.abort();
    hub.stop().await;

    // Without a signing key the endpoint says so.
    let bare = TestHub::start(f.store.clone(), quick_options(f.dir.path())).await;
    let (status, answer) = post(&bare, &c, &body, signed(&body, 0)).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (503, Some("not_configured"))
    );
    bare.stop().await;
}

fn signed_with(key: &str, body: &[u8]) -> Option<String> {
    Some(sign(key.as_bytes(), now_millis() / 1000, body))
}

async fn each_clinic_is_checked_against_its_own_key_only<S: HubStore>(f: Fixture<S>) {
    let a = create_clinic(&f.store, "Clinic A").await;
    let secret = SecretKey::generate().unwrap_or_else(|e| panic!("{e}"));
    let mut opts = quick_options(f.dir.path());
    opts.calendly.signing_key = Some(Secret::new(KEY));
    opts.calendly.secret_key = Some(secret.clone());
    let hub = TestHub::start(f.store.clone(), opts).await;
    let booking = |n: u32| {
        delivery(
            "invitee.created",
            &format!("https://api.calendly.com/x/invitees/K{n}"),
        )
    };

    // One clinic: the hub-wide key is its key.
    let body = booking(1);
    let (status, answer) = post(&hub, &a.to_string(), &body, signed_with(KEY, &body)).await;
    assert_eq!(
        (status, answer["status"].as_str()),
        (200, Some("created")),
        "{answer}"
    );

    // A second clinic: the hub-wide key is accepted for neither.
    let b = create_clinic(&f.store, "Clinic B").await;
    let only_clinic_docs = |clinic| {
        let store = f.store.clone();
        async move { hub_heads(&store, clinic).await.len() }
    };
    for clinic in [a, b] {
        let body = booking(2);
        let (status, answer) =
            post(&hub, &clinic.to_string(), &body, signed_with(KEY, &body)).await;
        assert_eq!(
            (status, answer["error"].as_str()),
            (503, Some("not_configured")),
            "{answer}"
        );
    }
    assert_eq!(only_clinic_docs(b).await, 1, "nothing written into B");

    // Each clinic's own key, sealed in the store.
    let seal = |clinic, key: &str| seal_key(&secret, clinic, key).unwrap_or_else(|e| panic!("{e}"));
    for (clinic, key) in [(a, "key-of-a"), (b, "key-of-b")] {
        f.store
            .set_calendly_key(clinic, &seal(clinic, key), now_millis())
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
    }
    let listed = f.store.calendly_keys().await.unwrap_or_default();
    assert_eq!(listed.len(), 2);
    // A's key cannot write into B, nor B's into A, nor the hub-wide key into either.
    for (clinic, key) in [(b, "key-of-a"), (a, "key-of-b"), (b, KEY), (a, KEY)] {
        let body = booking(3);
        let (status, answer) =
            post(&hub, &clinic.to_string(), &body, signed_with(key, &body)).await;
        assert_eq!(
            (status, answer["error"].as_str()),
            (401, Some("invalid_signature")),
            "{key} into {clinic}: {answer}"
        );
    }
    assert_eq!(only_clinic_docs(b).await, 1, "nothing written into B");
    for (clinic, key) in [(a, "key-of-a"), (b, "key-of-b")] {
        let body = booking(4);
        let (status, answer) =
            post(&hub, &clinic.to_string(), &body, signed_with(key, &body)).await;
        assert_eq!(
            (status, answer["status"].as_str()),
            (200, Some("created")),
            "{answer}"
        );
    }
    assert_eq!(only_clinic_docs(b).await, 2, "B's own booking");

    // A sealed key moved into another clinic's row does not open there.
    f.store
        .set_calendly_key(b, &seal(a, "key-of-a"), now_millis())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let body = booking(5);
    let (status, answer) = post(&hub, &b.to_string(), &body, signed_with("key-of-a", &body)).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (503, Some("not_configured")),
        "{answer}"
    );
    // Removed: B has no key again.
    assert_eq!(f.store.remove_calendly_key(b).await.ok(), Some(true));
    assert_eq!(f.store.remove_calendly_key(b).await.ok(), Some(false));
    let (status, _) = post(&hub, &b.to_string(), &body, signed_with("key-of-b", &body)).await;
    assert_eq!(status, 503);
    assert_eq!(only_clinic_docs(b).await, 2);
    // A key for a clinic that does not exist is refused by the store.
    let ghost = ClinicId::new();
    assert!(matches!(
        f.store
            .set_calendly_key(ghost, &seal(ghost, "x"), now_millis())
            .await,
        Err(dermis_hub::store::StoreError::UnknownClinic { .. })
    ));
    hub.stop().await;
}

async fn the_calendly_key_command_keeps_a_clinic_key_encrypted<S: HubStore>(f: Fixture<S>) {
    let a = create_clinic(&f.store, "Clinic A").await;
    let b = create_clinic(&f.store, "Clinic B").await;
    let postgres = f.db.is_some();
    let hex_key = "8f1e6a0c5b7d4e3f2a1908b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7";
    let key_cmd = |clinic: &str, input: &str, env: &[(&str, &str)]| {
        hub_cli_input(&f, env, &["calendly", "key", "--clinic", clinic], input)
    };
    let code = |o: &std::process::Output| o.status.code();
    let err = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();

    // Invalid input: exit 2, nothing stored.
    let o = key_cmd(&a.to_string(), "\n", &[("HUB_SECRET_KEY", hex_key)]);
    assert_eq!(code(&o), Some(2), "{}", err(&o));
    let o = key_cmd(
        &ClinicId::new().to_string(),
        "key\n",
        &[("HUB_SECRET_KEY", hex_key)],
    );
    assert_eq!(code(&o), Some(2), "{}", err(&o));
    let long = "k".repeat(2000);
    let o = key_cmd(&a.to_string(), &long, &[("HUB_SECRET_KEY", hex_key)]);
    assert_eq!(code(&o), Some(2), "{}", err(&o));
    assert_eq!(f.store.calendly_keys().await.map(|k| k.len()).ok(), Some(0));

    let env: Vec<(&str, &str)> = if postgres {
        // Several hub instances share Postgres: a generated per-instance key would not
        // do, so the command asks for HUB_SECRET_KEY.
        let o = key_cmd(&a.to_string(), "key-of-a\n", &[]);
        assert_eq!(code(&o), Some(2), "{}", err(&o));
        assert!(err(&o).contains("HUB_SECRET_KEY"), "{}", err(&o));
        vec![("HUB_SECRET_KEY", hex_key)]
    } else {
        Vec::new()
    };
    for (clinic, key) in [(a, "key-of-a\n"), (b, "key-of-b\r\n")] {
        let o = key_cmd(&clinic.to_string(), key, &env);
        assert_eq!(code(&o), Some(0), "{}", err(&o));
        assert!(!err(&o).contains("key-of"), "the key is never printed");
    }
    let secret = if postgres {
        SecretKey::parse(hex_key).unwrap_or_else(|e| panic!("{e}"))
    } else {
        let file = dermis_hub::secrets::key_file(f.dir.path());
        assert!(
            file.is_file(),
            "the embedded store's key is made beside hub.db"
        );
        dermis_hub::secrets::hub_key(None, Some(f.dir.path()), false)
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("the generated key loads"))
    };
    // At rest: sealed, not the key.
    let sealed = f
        .store
        .calendly_key(a)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    assert!(!sealed.windows(8).any(|w| w == b"key-of-a"));
    let list = hub_cli_input(&f, &env, &["calendly", "list"], "");
    let listed = String::from_utf8_lossy(&list.stdout).into_owned();
    assert!(
        listed.contains(&a.to_string()) && listed.contains(&b.to_string()),
        "{listed}"
    );
    assert!(!listed.contains("key-of"), "{listed}");

    let mut opts = quick_options(f.dir.path());
    opts.calendly.secret_key = Some(secret);
    let hub = TestHub::start(f.store.clone(), opts).await;
    let body = delivery("invitee.created", "https://api.calendly.com/x/invitees/CLI");
    let (status, _) = post(&hub, &b.to_string(), &body, signed_with("key-of-a", &body)).await;
    assert_eq!(status, 401, "A's key does not open B");
    let (status, answer) = post(&hub, &b.to_string(), &body, signed_with("key-of-b", &body)).await;
    assert_eq!(
        (status, answer["status"].as_str()),
        (200, Some("created")),
        "{answer}"
    );
    hub.stop().await;

    let o = hub_cli_input(
        &f,
        &env,
        &["calendly", "remove", "--clinic", &b.to_string()],
        "",
    );
    assert_eq!(code(&o), Some(0), "{}", err(&o));
    let o = hub_cli_input(
        &f,
        &env,
        &["calendly", "remove", "--clinic", &b.to_string()],
        "",
    );
    assert_eq!(code(&o), Some(2), "{}", err(&o));
}
