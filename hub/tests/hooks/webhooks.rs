//! Webhooks out: signed deliveries to a real receiver, retries, replays, stock going
//! negative, the URL policy, the command line and the admin pages.

use std::time::Duration;

use dermis_hub::auth::{self, AuthOptions};
use dermis_hub::metrics::Metrics;
use dermis_hub::store::HubStore;
use dermis_hub::store::hooks::{NewWebhook, state};
use dermis_hub::webhooks::deliver::{self, Mode, Step, WebhookOptions};
use dermis_hub::webhooks::events::EventType;
use dermis_hub::webhooks::projector::{project_all, project_clinic};
use dermis_hub::webhooks::sign;
use dermis_model::ledger::MovementKind;
use dermis_model::{ClinicId, DocType, NodeId, now_millis};
use dermis_sync::conformance::{patient_doc, rename};
use serde_json::Value;

use super::common::{Fixture, TestHub, create_clinic, eventually, http};
use super::support::{
    Receiver, add_webhook, append, hub_cli, ledger, loopback_allowed, push, push_patient,
    quick_options,
};
use crate::on_both_stores;

on_both_stores!(
    a_failed_delivery_is_retried_with_the_same_signed_id_until_delivered,
    an_uploaded_photo_is_announced_once_its_thumbnails_are_made,
    two_hub_instances_deliver_each_event_once,
    a_change_seen_twice_or_replayed_is_one_delivery,
    only_events_after_a_webhook_was_added_reach_it,
    stock_sold_below_zero_on_two_nodes_is_one_stock_negative_event,
    deliveries_to_private_addresses_die_when_blocked,
    the_admin_pages_show_deliveries_negative_stock_and_conflicts,
);

fn now() -> i64 {
    now_millis()
}

async fn a_failed_delivery_is_retried_with_the_same_signed_id_until_delivered<S: HubStore>(
    f: Fixture<S>,
) {
    let clinic = create_clinic(&f.store, "Hooks Clinic").await;
    let receiver = Receiver::start(1).await;
    let secret = add_webhook(&f, &receiver.url, "patient.created", Some(clinic));
    assert!(secret.starts_with("whsec_"), "{secret}");
    let hub = TestHub::start(f.store.clone(), quick_options(f.dir.path())).await;

    let (patient, mut doc) = push_patient(&f.store, clinic, "Webhook").await;
    eventually("two attempts at the receiver", || async {
        receiver.seen().len() >= 2
    })
    .await;
    let seen = receiver.seen();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!((seen[0].answered, seen[1].answered), (500, 204));
    assert!(seen[0].id.starts_with("msg_"), "{:?}", seen[0].id);
    assert_eq!(
        seen[0].id, seen[1].id,
        "one webhook-id per event, on every retry"
    );
    for request in &seen {
        assert!(
            sign::verify(
                &secret,
                &request.id,
                request.timestamp,
                &request.body,
                &request.signature
            ),
            "the signature must verify with the printed secret: {request:?}"
        );
        assert!((request.timestamp - now() / 1000).abs() < 60);
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        assert_eq!(body["type"], "patient.created");
        assert_eq!(body["data"]["patient_id"], patient.to_string());
        assert_eq!(body["data"]["clinic_id"], clinic.to_string());
        assert!(body["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')));
        let text = String::from_utf8_lossy(&request.body);
        assert!(!text.contains("Webhook"), "no patient name: {text}");
    }
    assert_eq!(seen[0].body, seen[1].body, "the same body on every attempt");

    eventually("the delivery to be recorded as delivered", || async {
        f.store
            .recent_deliveries(None, 10)
            .await
            .is_ok_and(|d| d.len() == 1 && d[0].state == state::DELIVERED)
    })
    .await;
    let delivery = &f
        .store
        .recent_deliveries(None, 10)
        .await
        .unwrap_or_default()[0];
    assert_eq!(delivery.attempts, 2);
    assert_eq!(delivery.last_status, Some(204));
    let attempts = f
        .store
        .delivery_attempts(delivery.id)
        .await
        .unwrap_or_default();
    let codes: Vec<Option<u16>> = attempts.iter().map(|a| a.status_code).collect();
    assert_eq!(codes, vec![Some(500), Some(204)]);

    let metrics = http()
        .get(hub.http("/metrics"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(
        metrics.contains("dermis_webhook_failures_total 1"),
        "{metrics}"
    );

    // A later edit of the same patient is no new patient.
    let change = rename(&mut doc, "Renamed");
    push(&f.store, clinic, vec![(patient, DocType::Patient, change)]).await;
    eventually("the projector to catch up", || async {
        f.store.projector_lag().await.is_ok_and(|l| l.is_empty())
    })
    .await;
    assert_eq!(
        f.store
            .recent_deliveries(None, 10)
            .await
            .map(|d| d.len())
            .ok(),
        Some(1)
    );
    hub.stop().await;
}

async fn an_uploaded_photo_is_announced_once_its_thumbnails_are_made<S: HubStore>(f: Fixture<S>) {
    let receiver = Receiver::start(0).await;
    add_webhook(&f, &receiver.url, "photo.ready", None);
    let mut opts = super::helpers::options(f.dir.path());
    opts.webhooks.projector_interval = Duration::from_millis(50);
    // The receiver listens on loopback, which the hub refuses by default.
    opts.webhooks.block_private = false;
    let env = super::helpers::start(&f.store, opts).await;
    let api = super::helpers::Api::of(&env);
    let bytes = super::images::photo_like(640, 480, 7);
    let up = super::helpers::patient_with_photo(&env.store, env.clinic, &bytes).await;
    let last = api.upload_from(&up, 0, bytes.len()).await;
    assert_eq!(last["complete"], true);
    eventually("photo.ready at the receiver", || async {
        !receiver.seen().is_empty()
    })
    .await;
    // Nothing more comes once every change is projected and every job has run.
    eventually("the projector to catch up", || async {
        f.store.projector_lag().await.is_ok_and(|l| l.is_empty())
    })
    .await;
    env.hub.stop().await;
    let seen = receiver.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let body: Value = serde_json::from_slice(&seen[0].body).unwrap_or_default();
    assert_eq!(body["type"], "photo.ready");
    assert_eq!(body["data"]["photo_id"], up.photo.to_string());
    assert_eq!(body["data"]["patient_id"], up.patient.to_string());
}

async fn two_hub_instances_deliver_each_event_once<S: HubStore>(f: Fixture<S>) {
    let clinic = create_clinic(&f.store, "Two Hubs Clinic").await;
    let receiver = Receiver::start(2).await;
    add_webhook(&f, &receiver.url, "patient.created", None);
    let a = TestHub::start(f.store.clone(), quick_options(f.dir.path())).await;
    let b = TestHub::start(f.store.clone(), quick_options(f.dir.path())).await;
    let mut patients = Vec::new();
    for name in ["One", "Two", "Three"] {
        let (id, _) = push_patient(&f.store, clinic, name).await;
        patients.push(id.to_string());
    }
    eventually("every delivery delivered", || async {
        f.store
            .recent_deliveries(None, 10)
            .await
            .is_ok_and(|d| d.len() == 3 && d.iter().all(|d| d.state == state::DELIVERED))
    })
    .await;
    a.stop().await;
    b.stop().await;
    let seen = receiver.seen();
    let delivered: Vec<&super::support::Seen> = seen.iter().filter(|s| s.answered == 204).collect();
    assert_eq!(delivered.len(), 3, "each event delivered once: {seen:?}");
    assert_eq!(seen.len(), 5, "two failures, three deliveries: {seen:?}");
    let mut ids: Vec<&str> = delivered.iter().map(|s| s.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 3);
    let mut got: Vec<String> = delivered
        .iter()
        .filter_map(|s| serde_json::from_slice::<Value>(&s.body).ok())
        .filter_map(|v| v["data"]["patient_id"].as_str().map(str::to_owned))
        .collect();
    got.sort_unstable();
    patients.sort_unstable();
    assert_eq!(got, patients);
}

async fn a_change_seen_twice_or_replayed_is_one_delivery<S: HubStore>(f: Fixture<S>) {
    let clinic = create_clinic(&f.store, "Replay Clinic").await;
    let webhook = NewWebhook {
        url: "http://hooks.invalid/x".into(),
        events: vec![EventType::PatientCreated, EventType::SaleCompleted],
        clinic: None,
        secret: sign::new_secret(),
    };
    f.store
        .add_webhook(&webhook, now())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let (patient, mut doc) = push_patient(&f.store, clinic, "Twice").await;

    // Two instances reading from the same cursor at once: one step commits, the
    // other is refused whole.
    let (one, two) = tokio::join!(
        project_clinic(&f.store, clinic, 0, &now),
        project_clinic(&f.store, clinic, 0, &now)
    );
    let (one, two) = (
        one.unwrap_or_else(|e| panic!("{e:?}")),
        two.unwrap_or_else(|e| panic!("{e:?}")),
    );
    assert_eq!(one.new_events + two.new_events, 1);
    assert_eq!(one.new_deliveries.len() + two.new_deliveries.len(), 1);
    // A late replay from the old cursor changes nothing either.
    let again = project_clinic(&f.store, clinic, 0, &now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((again.new_events, again.new_deliveries.len()), (0, 0));
    // The same document seen again at a later position: the event's key exists.
    let change = rename(&mut doc, "Twice again");
    push(&f.store, clinic, vec![(patient, DocType::Patient, change)]).await;
    let later = project_all(&f.store, &now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((later.docs, later.new_events), (1, 0));
    // Nothing left to do: a pass finds no clinic behind.
    let idle = project_all(&f.store, &now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(idle.docs, 0);
    let deliveries = f
        .store
        .recent_deliveries(None, 10)
        .await
        .unwrap_or_default();
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    // Enqueued once: marking is idempotent and the list empties.
    let ids = f.store.unenqueued_deliveries(10).await.unwrap_or_default();
    assert_eq!(ids, vec![deliveries[0].id]);
    f.store
        .mark_enqueued(&ids)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(f.store.unenqueued_deliveries(10).await.ok(), Some(vec![]));
}

async fn only_events_after_a_webhook_was_added_reach_it<S: HubStore>(f: Fixture<S>) {
    let clinic = create_clinic(&f.store, "Before Clinic").await;
    let other = create_clinic(&f.store, "Other Clinic").await;
    push_patient(&f.store, clinic, "Early").await;
    // Added after the first patient, before the projector saw it.
    let hook = |clinic: Option<ClinicId>| NewWebhook {
        url: "http://hooks.invalid/x".into(),
        events: vec![EventType::PatientCreated],
        clinic,
        secret: sign::new_secret(),
    };
    let mine = f
        .store
        .add_webhook(&hook(Some(clinic)), now())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let unknown = f
        .store
        .add_webhook(&hook(Some(ClinicId::new())), now())
        .await;
    assert!(
        unknown.is_err(),
        "a webhook of an unknown clinic is refused"
    );
    push_patient(&f.store, clinic, "Late").await;
    push_patient(&f.store, other, "Elsewhere").await;
    let pass = project_all(&f.store, &now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(pass.new_events, 3, "every event is derived");
    let deliveries = f
        .store
        .recent_deliveries(None, 10)
        .await
        .unwrap_or_default();
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    assert_eq!(deliveries[0].webhook_id, mine);
    assert_eq!(deliveries[0].clinic_id, clinic);
    let listed = f.store.list_webhooks().await.unwrap_or_default();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].events, vec!["patient.created".to_owned()]);
    assert!(f.store.remove_webhook(mine).await.unwrap_or(false));
    assert!(!f.store.remove_webhook(mine).await.unwrap_or(true));
    // The delivery stays as history; its next attempt finds the webhook gone.
    let step = deliver::attempt(
        &f.store,
        &loopback_allowed(),
        &Metrics::default(),
        deliveries[0].id,
        Mode::Normal,
        now,
    )
    .await
    .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(matches!(step, Step::Dead { .. }), "{step:?}");
}

async fn stock_sold_below_zero_on_two_nodes_is_one_stock_negative_event<S: HubStore>(
    f: Fixture<S>,
) {
    let clinic = create_clinic(&f.store, "Stock Clinic").await;
    let webhook = NewWebhook {
        url: "http://hooks.invalid/x".into(),
        events: vec![EventType::StockNegative, EventType::SaleCompleted],
        clinic: Some(clinic),
        secret: sign::new_secret(),
    };
    f.store
        .add_webhook(&webhook, now())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let (a, b) = (NodeId::new(), NodeId::new());
    let (delivery, mut doc) = ledger(clinic, a, "SPF50", &[(MovementKind::In, 5, None)]);
    push(
        &f.store,
        clinic,
        vec![(delivery, DocType::Ledger, doc.save())],
    )
    .await;
    project_all(&f.store, &now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(f.store.negative_stock().await.ok(), Some(vec![]));
    // Both workstations sell offline what only one of them could: 3 + 4 of 5.
    let (sold_a, mut doc_a) = ledger(
        clinic,
        a,
        "SPF50",
        &[(MovementKind::Out, 3, Some("N1-000001"))],
    );
    let (sold_b, mut doc_b) = ledger(
        clinic,
        b,
        "SPF50",
        &[(MovementKind::Out, 4, Some("N2-000001"))],
    );
    push(
        &f.store,
        clinic,
        vec![
            (sold_a, DocType::Ledger, doc_a.save()),
            (sold_b, DocType::Ledger, doc_b.save()),
        ],
    )
    .await;
    project_all(&f.store, &now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let negative = f.store.negative_stock().await.unwrap_or_default();
    assert_eq!(negative.len(), 1, "{negative:?}");
    assert_eq!(
        (negative[0].sku.as_str(), negative[0].on_hand),
        ("SPF50", -2)
    );
    // Selling more while below zero, and seeing the same ledger again, adds no event.
    let before = doc_b.get_heads();
    append(
        &mut doc_b,
        b,
        "SPF50",
        MovementKind::Out,
        1,
        Some("N2-000002"),
    );
    doc_b.commit();
    let change = doc_b.save_after(&before);
    push(&f.store, clinic, vec![(sold_b, DocType::Ledger, change)]).await;
    project_all(&f.store, &now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    project_clinic(&f.store, clinic, 0, &now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let negative = f.store.negative_stock().await.unwrap_or_default();
    assert_eq!(negative[0].on_hand, -3, "each movement counted once");
    let deliveries = f
        .store
        .recent_deliveries(None, 20)
        .await
        .unwrap_or_default();
    let of = |t: &str| deliveries.iter().filter(|d| d.event_type == t).count();
    assert_eq!(of("stock.negative"), 1, "{deliveries:?}");
    assert_eq!(of("sale.completed"), 3, "{deliveries:?}");
    // Restocking clears the page's entry.
    let (restock, mut doc) = ledger(clinic, a, "SPF50", &[(MovementKind::In, 10, None)]);
    push(
        &f.store,
        clinic,
        vec![(restock, DocType::Ledger, doc.save())],
    )
    .await;
    project_all(&f.store, &now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(f.store.negative_stock().await.ok(), Some(vec![]));
}

async fn deliveries_to_private_addresses_die_when_blocked<S: HubStore>(f: Fixture<S>) {
    let clinic = create_clinic(&f.store, "Private Clinic").await;
    let receiver = Receiver::start(0).await;
    // Allowed when added (blocking off), refused when delivered (blocking on).
    let secret = add_webhook(&f, &receiver.url, "patient.created", None);
    let refused = hub_cli(
        &f,
        &[("WEBHOOK_BLOCK_PRIVATE", "true")],
        &[
            "webhook",
            "add",
            "--url",
            &receiver.url,
            "--events",
            "patient.created",
        ],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("private"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(refused.stdout.is_empty());
    push_patient(&f.store, clinic, "Private").await;
    let pass = project_all(&f.store, &now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(pass.new_deliveries.len(), 1);
    let id = pass.new_deliveries[0];
    let metrics = Metrics::default();
    let blocked = WebhookOptions {
        block_private: true,
        ..WebhookOptions::default()
    };
    let step = deliver::attempt(&f.store, &blocked, &metrics, id, Mode::Normal, now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(
        matches!(&step, Step::Dead { reason } if reason.contains("private")),
        "{step:?}"
    );
    assert!(receiver.seen().is_empty(), "nothing was sent");
    let attempts = f.store.delivery_attempts(id).await.unwrap_or_default();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].status_code, None);
    assert!(
        attempts[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("private"))
    );
    // A dead delivery is settled: another attempt sends nothing.
    let open = loopback_allowed();
    let again = deliver::attempt(&f.store, &open, &metrics, id, Mode::Normal, now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(again, Step::Done);
    assert!(receiver.seen().is_empty());
    assert!(
        metrics
            .render(Default::default())
            .contains("dermis_webhook_failures_total 1")
    );
    // An admin's retry (the job revived on /admin/jobs) tries it once more.
    let revived = deliver::attempt(&f.store, &open, &metrics, id, Mode::Revive, now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(revived, Step::Done);
    assert_eq!(receiver.seen().len(), 1);
    let delivered = f.store.delivery_target(id).await.ok().flatten();
    assert_eq!(
        delivered.map(|t| t.state),
        Some(state::DELIVERED.to_owned())
    );
    // A failure past the 24 h window is final: an event from long ago, receiver down.
    let down = Receiver::start(usize::MAX).await;
    let late = NewWebhook {
        url: down.url.clone(),
        events: vec![EventType::PatientCreated],
        clinic: None,
        secret: secret.clone(),
    };
    f.store
        .add_webhook(&late, now())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    push_patient(&f.store, clinic, "Later").await;
    let pass = project_all(&f.store, &now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let targets = pass.new_deliveries;
    assert_eq!(targets.len(), 2, "both webhooks");
    let short = WebhookOptions {
        retry_window: Duration::from_millis(1),
        ..loopback_allowed()
    };
    let mut dead = 0;
    for id in targets {
        match deliver::attempt(&f.store, &short, &metrics, id, Mode::Normal, now).await {
            Ok(Step::Dead { .. }) => dead += 1,
            Ok(Step::Done) => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(dead, 1, "the failing receiver's delivery gives up");
    assert_eq!(down.seen().len(), 1);
    assert_eq!(down.seen()[0].answered, 500);
}

async fn the_admin_pages_show_deliveries_negative_stock_and_conflicts<S: HubStore>(f: Fixture<S>) {
    let clinic = create_clinic(&f.store, "Pages <Clinic>").await;
    let receiver = Receiver::start(0).await;
    add_webhook(&f, &receiver.url, "stock.negative", Some(clinic));
    let hash = auth::hash_password("pages password").unwrap_or_else(|e| panic!("{e}"));
    f.store
        .create_admin("ops", &hash, now())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let mut opts = quick_options(f.dir.path());
    opts.auth = AuthOptions::default().with_secret(b"hooks-pages");
    opts.admin_refresh = Duration::from_millis(100);
    let hub = TestHub::start(f.store.clone(), opts).await;
    let node = NodeId::new();
    let (sold, mut doc) = ledger(
        clinic,
        node,
        "TONER-1",
        &[(MovementKind::Out, 2, Some("N1-000009"))],
    );
    // A patient edited concurrently on two workstations.
    let (patient, mut one) = patient_doc(clinic, "Conflict");
    let mut two = one.fork().with_actor(automerge::ActorId::random());
    dermis_model::doc::put_str(&mut one, &automerge::ROOT, "email", "a@example.com")
        .unwrap_or_else(|e| panic!("{e}"));
    dermis_model::doc::put_str(&mut two, &automerge::ROOT, "email", "b@example.com")
        .unwrap_or_else(|e| panic!("{e}"));
    one.merge(&mut two).unwrap_or_else(|e| panic!("{e}"));
    push(
        &f.store,
        clinic,
        vec![
            (sold, DocType::Ledger, doc.save()),
            (patient, DocType::Patient, one.save()),
        ],
    )
    .await;
    eventually("the delivery", || async { !receiver.seen().is_empty() }).await;

    let login = http()
        .post(hub.http("/api/auth/login"))
        .json(&serde_json::json!({"username": "ops", "password": "pages password"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let cookie = login
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .to_owned();
    let get = |path: &'static str| {
        let hub = &hub;
        let cookie = cookie.clone();
        async move {
            let response = http()
                .get(hub.http(path))
                .header("cookie", cookie)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(response.status().as_u16(), 200, "{path}");
            response.text().await.unwrap_or_default()
        }
    };
    eventually("the delivery to show as delivered", || async {
        get("/admin/webhooks?lang=en")
            .await
            .contains("data-state=\"delivered\"")
    })
    .await;
    let page = get("/admin/webhooks?lang=en").await;
    assert!(page.contains("data-event=\"stock.negative\""), "{page}");
    assert!(page.contains("data-status=\"204\""), "{page}");
    assert!(page.contains("Pages &lt;Clinic&gt;"), "{page}");
    assert!(
        page.contains("href=\"/admin/stock?lang=en\""),
        "nav: {page}"
    );
    let page = get("/admin/stock?lang=ru").await;
    assert!(
        page.contains("data-sku=\"TONER-1\" data-on-hand=\"-2\""),
        "{page}"
    );
    assert!(page.contains("Отрицательные остатки"), "{page}");
    let page = get("/admin/conflicts?lang=fr").await;
    assert!(page.contains(&format!("data-doc=\"{patient}\"")), "{page}");
    assert!(page.contains("<code>email</code>"), "{page}");
    assert!(
        !page.contains("a@example.com"),
        "values never shown: {page}"
    );
    assert!(page.contains("Dossier patient"), "{page}");
    // Someone chooses a value on a workstation: the conflict leaves the page.
    let before = one.get_heads();
    dermis_model::conflict::resolve(
        &mut one,
        &["email".to_owned()],
        &Value::String("a@example.com".into()),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    one.commit();
    let change = one.save_after(&before);
    push(&f.store, clinic, vec![(patient, DocType::Patient, change)]).await;
    eventually("the resolved conflict to leave the page", || async {
        get("/admin/conflicts?lang=en")
            .await
            .contains("No record has conflicting values.")
    })
    .await;
    // The live stream serves these views too.
    let response = http()
        .get(hub.http("/admin/events?view=stock&lang=en"))
        .header("cookie", cookie.clone())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 200);
    drop(response);
    hub.stop().await;
}

#[tokio::test]
async fn webhook_commands_refuse_bad_input_and_never_list_secrets() {
    let Some(f) = super::common::sqlite().await else {
        return;
    };
    let clinic = create_clinic(&f.store, "CLI Clinic").await;
    for (args, needle) in [
        (
            vec![
                "--url",
                "ftp://example.com/x",
                "--events",
                "patient.created",
            ],
            "http",
        ),
        (
            vec!["--url", "not a url", "--events", "patient.created"],
            "parse",
        ),
        (
            vec![
                "--url",
                "https://example.com/x",
                "--events",
                "patient.deleted",
            ],
            "unknown event",
        ),
    ] {
        let mut full = vec!["webhook", "add"];
        full.extend(args.iter().copied());
        let out = hub_cli(&f, &[], &full);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty());
    }
    let unknown_clinic = ClinicId::new().to_string();
    let out = hub_cli(
        &f,
        &[],
        &[
            "webhook",
            "add",
            "--url",
            "https://example.com/x",
            "--events",
            "sale.completed",
            "--clinic",
            &unknown_clinic,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let secret = add_webhook(
        &f,
        "https://example.com/hook",
        "sale.completed,stock.negative",
        Some(clinic),
    );
    let key = sign::secret_key(&secret).unwrap_or_default();
    assert!(key.len() >= 24);
    let listed = hub_cli(&f, &[], &["webhook", "list", "--json"]);
    let text = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(
        !text.contains(&secret) && !text.contains("whsec_"),
        "{text}"
    );
    let hooks: Value = serde_json::from_str(&text).unwrap_or_default();
    assert_eq!(hooks[0]["url"], "https://example.com/hook");
    assert_eq!(hooks[0]["clinic_id"], clinic.to_string());
    assert_eq!(hooks[0]["events"][1], "stock.negative");
    let id = hooks[0]["id"].as_str().unwrap_or_default().to_owned();
    let table = hub_cli(&f, &[], &["webhook", "list"]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("https://example.com/hook"));
    let removed = hub_cli(&f, &[], &["webhook", "remove", &id]);
    assert!(removed.status.success());
    let again = hub_cli(&f, &[], &["webhook", "remove", &id]);
    assert_eq!(again.status.code(), Some(2));
    let empty = hub_cli(&f, &[], &["webhook", "list", "--json"]);
    assert_eq!(String::from_utf8_lossy(&empty.stdout).trim(), "[]");
}
