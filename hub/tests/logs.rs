//! No patient data in the hub's logs: a sync session carrying a patient document with
//! distinctive names, phone, e-mail and notes runs through the hub (both stores, and the
//! admin API listing the node), the event projector derives its `patient.created`
//! webhook and delivers it to a real receiver, and a Calendly booking with the same
//! name and e-mail becomes an appointment, with every log line captured at TRACE, in
//! the JSON format production uses; none of those values may appear in any line.
//!
//! Its own test binary: the capturing subscriber is process-global.

#[allow(dead_code)]
mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use automerge::ActorId;
use dermis_hub::store::HubStore;
use dermis_model::patient::{PatientDraft, create_patient};
use dermis_model::{DocType, PatientId, now_millis};

use common::node::TestNode;
use common::{Fixture, TestHub, create_clinic, enroll, eventually, http, hub_heads, options};
use dermis_hub::config::Secret;
use dermis_hub::store::hooks::{NewWebhook, state};
use dermis_hub::webhooks::events::EventType;

/// Answers 204 to every POST: where the test's webhook deliveries go.
async fn receiver() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("local_addr: {e}"));
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(|| async { axum::http::StatusCode::NO_CONTENT }),
    );
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/hook"), task)
}

/// Values that must never reach a log line.
const SECRETS: [&str; 5] = [
    "Zephyrine",
    "Quagliarello",
    "+33 6 98 76 54 32",
    "zephyrine.q@example.org",
    "allergic to penicillin since 1987",
];

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        let bytes = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

async fn sync_a_patient<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    let mut opts = options(f.dir.path(), Duration::from_secs(1));
    opts.webhooks.projector_interval = Duration::from_millis(50);
    // The receiver listens on loopback, which the hub refuses by default.
    opts.webhooks.block_private = false;
    opts.jobs.poll = Duration::from_millis(50);
    opts.calendly.signing_key = Some(Secret::new("log-test-key"));
    let hub = TestHub::start(f.store.clone(), opts).await;
    let clinic = create_clinic(&store, "Log Clinic").await;
    let (url, receiving) = receiver().await;
    let webhook = NewWebhook {
        url,
        events: EventType::ALL.to_vec(),
        clinic: None,
        secret: dermis_hub::webhooks::sign::new_secret(),
    };
    store
        .add_webhook(&webhook, now_millis())
        .await
        .unwrap_or_else(|e| panic!("add webhook: {e:?}"));
    let writer = TestNode::new(&enroll(&store, &hub, clinic, "Writer").await);
    let reader = TestNode::new(&enroll(&store, &hub, clinic, "Reader").await);

    let id = PatientId::new();
    let draft = PatientDraft {
        first_name: SECRETS[0].into(),
        last_name: SECRETS[1].into(),
        phones: vec![SECRETS[2].into()],
        email: Some(SECRETS[3].into()),
        medical_history: SECRETS[4].into(),
        notes: SECRETS[4].into(),
        ..Default::default()
    };
    let actor = ActorId::from(writer.id.as_bytes().as_slice());
    let mut doc = create_patient(id, clinic, &draft, "LOG-1", now_millis(), None, actor)
        .unwrap_or_else(|e| panic!("create patient: {e}"));
    doc.commit();
    writer
        .store
        .lock()
        .await
        .create(id.0, DocType::Patient, doc, now_millis());

    let mut w = writer.connect(&hub.ws()).await;
    let mut r = reader.connect(&hub.ws()).await;
    w.caught_up_after(0).await;
    r.caught_up_after(0).await;
    w.changed();
    eventually("the patient to reach the hub", || async {
        hub_heads(&store, clinic).await.contains_key(&id.0)
    })
    .await;
    eventually("the patient to reach the other node", || async {
        reader.first_name(id.0).await.as_deref() == Some(SECRETS[0])
    })
    .await;
    let edit = writer.rename(id.0, &format!("{} II", SECRETS[0])).await;
    w.changed();
    eventually("the edit to reach the other node", || async {
        reader
            .heads()
            .await
            .get(&id.0)
            .is_some_and(|h| h.contains(&edit))
    })
    .await;
    eventually("the patient.created webhook to be delivered", || async {
        store
            .recent_deliveries(None, 10)
            .await
            .is_ok_and(|d| d.iter().any(|d| d.state == state::DELIVERED))
    })
    .await;
    let booking = serde_json::json!({
        "event": "invitee.created",
        "payload": {
            "uri": "https://api.calendly.com/scheduled_events/L/invitees/L",
            "name": format!("{} {}", SECRETS[0], SECRETS[1]),
            "email": SECRETS[3],
            "scheduled_event": {
                "name": "Consultation",
                "start_time": "2026-12-01T10:00:00Z",
                "end_time": "2026-12-01T10:30:00Z"
            }
        }
    })
    .to_string();
    let signature = dermis_hub::webhooks::calendly::sign(
        b"log-test-key",
        now_millis() / 1000,
        booking.as_bytes(),
    );
    let answer = http()
        .post(hub.http(&format!("/api/integrations/calendly/{clinic}")))
        .header("Calendly-Webhook-Signature", signature)
        .body(booking)
        .send()
        .await
        .unwrap_or_else(|e| panic!("calendly: {e}"));
    assert_eq!(answer.status().as_u16(), 200);
    w.abort();
    r.abort();
    hub.stop().await;
    receiving.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_patient_data_in_any_log_line() {
    let capture = Capture::default();
    let sink = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber)
        .unwrap_or_else(|e| panic!("a subscriber was already set: {e}"));

    if let Some(f) = common::sqlite().await {
        sync_a_patient(f).await;
    }
    if let Some(f) = common::postgres().await {
        sync_a_patient(f).await;
    }

    let text = capture.text();
    let lines = text.lines().count();
    assert!(
        lines > 50,
        "too few log lines to prove anything ({lines}):\n{text}"
    );
    for secret in SECRETS {
        let leaks: Vec<&str> = text
            .lines()
            .filter(|l| l.contains(secret))
            .take(3)
            .collect();
        assert!(
            leaks.is_empty(),
            "{secret:?} appears in the logs:\n{}",
            leaks.join("\n")
        );
    }
    eprintln!("checked {lines} log lines at TRACE");
}
