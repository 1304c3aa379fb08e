//! Calendly in: signed deliveries become appointment documents in the clinic's change
//! log (which nodes then pull), once per event; bad, stale and unsigned deliveries are
//! refused without touching anything.

use std::time::Duration;

use dermis_hub::config::Secret;
use dermis_hub::store::HubStore;
use dermis_hub::webhooks::calendly::sign;
use dermis_model::appointment::{AppointmentSource, AppointmentStatus, read_appointment};
use dermis_model::{ClinicId, now_millis};
use dermis_sync::wire::FetchItem;
use serde_json::{Value, json};
use uuid::Uuid;

use super::common::node::TestNode;
use super::common::{Fixture, TestHub, create_clinic, enroll, http, hub_heads};
use super::support::quick_options;
use crate::on_both_stores;

const KEY: &str = "calendly-test-signing-key";

on_both_stores!(
    a_booking_becomes_an_appointment_once_and_a_cancellation_cancels_it,
    an_unfinished_claim_is_taken_over_after_its_timeout,
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
