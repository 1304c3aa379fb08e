//! Patient erasure on the hub, on both stores: an admin's erasure recorded in the clinic
//! document removes the patient document and its history at once, then the `erasure`
//! job removes their appointments, the webhook events naming them, their photo rows and
//! every blob of their photos; a push of any erased id (the patient, an appointment, a
//! new appointment for them) is refused for good; another patient keeps everything; and
//! on the embedded store no byte of the erased chart stays in the database file or its
//! WAL.

#[allow(dead_code)]
mod common;
#[allow(dead_code)]
#[path = "photos/helpers.rs"]
mod helpers;
#[path = "common/images.rs"]
mod images;

use automerge::{ActorId, AutoCommit};
use common::{Fixture, eventually};
use dermis_hub::blobs::{self, Blobs, LocalBlobs, Variant};
use dermis_hub::store::HubStore;
use dermis_hub::store::hooks::NewWebhook;
use dermis_hub::store::rules::forge;
use dermis_hub::webhooks::events::EventType;
use dermis_model::appointment::{AppointmentDraft, AppointmentSource, create_appointment};
use dermis_model::clinic::Role;
use dermis_model::patient::PatientDraft;
use dermis_model::provenance::Provenance;
use dermis_model::{AppointmentId, ClinicId, NodeId, PatientId, UserId, now_millis};
use dermis_sync::wire::{DocPush, ErrorCode, FetchItem, PushOutcome};
use helpers::{Api, Env, Upload, options, patient_doc_with_photo, photo_in_doc, start};
use uuid::Uuid;

on_both_stores!(
    an_erasure_leaves_nothing_of_the_patient_and_the_id_is_never_stored_again,
    an_erasure_by_a_node_that_is_not_an_admin_is_refused_and_removes_nothing,
);

/// In the erased patient's name, notes and nowhere else.
const MARKER: &str = "Zyxwvutsrq";

async fn push<S: HubStore>(
    store: &S,
    clinic: ClinicId,
    id: Uuid,
    doc_type: &str,
    data: Vec<u8>,
) -> PushOutcome {
    let mut s = store.clone();
    let out = s
        .apply(
            clinic,
            &[DocPush {
                doc_id: id,
                doc_type: doc_type.into(),
                data,
            }],
        )
        .await
        .unwrap_or_else(|e| panic!("apply: {e}"));
    out.into_iter()
        .next()
        .unwrap_or_else(|| panic!("an outcome"))
}

fn applied(outcome: &PushOutcome) -> bool {
    matches!(outcome, PushOutcome::Applied { .. })
}

async fn stored<S: HubStore>(store: &S, clinic: ClinicId, id: Uuid) -> bool {
    let mut s = store.clone();
    let got = s
        .fetch(
            clinic,
            &[FetchItem {
                doc_id: id,
                have: vec![],
            }],
        )
        .await
        .unwrap_or_else(|e| panic!("fetch: {e}"));
    got.first().is_some_and(Option::is_some)
}

/// A patient named with [`MARKER`] (when `marked`) holding one photo of `bytes`, stored
/// as a node's push would; the document is returned for later edits.
async fn patient<S: HubStore>(env: &Env<S>, marked: bool, bytes: &[u8]) -> (Upload, AutoCommit) {
    let name = if marked { MARKER } else { "Kept" };
    let draft = PatientDraft {
        first_name: name.into(),
        last_name: "Erasure".into(),
        notes: format!("notes of {name}"),
        ..Default::default()
    };
    patient_doc_with_photo(&env.store, env.clinic, &draft, bytes).await
}

fn appointment_for(clinic: ClinicId, patient: Uuid) -> (Uuid, Vec<u8>) {
    let id = AppointmentId::new();
    let draft = AppointmentDraft {
        patient_id: Some(PatientId(patient)),
        invitee_name: None,
        invitee_email: None,
        title: "Follow-up".into(),
        start: now_millis(),
        end: now_millis() + 1_800_000,
        source: AppointmentSource::Manual,
        external_id: None,
        notes: String::new(),
        clinician_id: None,
        invitee_phone: None,
    };
    let mut doc = create_appointment(id, clinic, &draft, ActorId::random())
        .unwrap_or_else(|e| panic!("create appointment: {e}"));
    (id.0, doc.save())
}

/// The clinic document as the hub holds it, with an admin added by the operator (allowed
/// while the clinic has none), pushed; and that admin's provenance.
async fn with_admin<S: HubStore>(env: &Env<S>) -> (AutoCommit, Option<String>, Option<String>) {
    let mut doc = AutoCommit::load(&env.node.clinic_doc).unwrap_or_else(|e| panic!("load: {e}"));
    let node = NodeId::from_uuid(env.node.node_id);
    let (admin, doctor) = (UserId::new(), UserId::new());
    let operator = forge::by(Provenance::operator(node));
    forge::add_staff(&mut doc, admin, "anna", Role::Admin, operator.as_deref())
        .unwrap_or_else(|e| panic!("{e}"));
    let as_admin = forge::by(Provenance::user(admin, node));
    forge::add_staff(&mut doc, doctor, "dora", Role::Doctor, as_admin.as_deref())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(applied(
        &push(&env.store, env.clinic, env.clinic.0, "clinic", doc.save()).await
    ));
    let as_doctor = forge::by(Provenance::user(doctor, node));
    (doc, as_admin, as_doctor)
}

fn local_blobs<S>(f: &Fixture<S>) -> Blobs {
    Blobs::Local(LocalBlobs::new(f.dir.path().join("blobs")))
}

fn photo_keys(clinic: ClinicId, sha: &str) -> Vec<String> {
    vec![
        blobs::key(clinic, Variant::Original, sha),
        blobs::key(clinic, Variant::Gallery, sha),
        blobs::key(clinic, Variant::Full, sha),
    ]
}

async fn blobs_present(blobs: &Blobs, keys: &[String]) -> usize {
    let mut n = 0;
    for key in keys {
        if blobs.exists(key).await.unwrap_or_else(|e| panic!("{e}")) {
            n += 1;
        }
    }
    n
}

/// Rows of `table` in the store whose `column` holds `needle` (as text).
async fn rows_naming<S>(f: &Fixture<S>, table: &str, column: &str, needle: &str) -> i64 {
    let sql = format!("SELECT count(*) FROM {table} WHERE strpos({column}::text, $1) > 0");
    match &f.db {
        Some(db) => {
            let pool = sqlx::PgPool::connect(&db.url)
                .await
                .unwrap_or_else(|e| panic!("connect: {e}"));
            let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(needle)
                .fetch_one(&pool)
                .await
                .unwrap_or_else(|e| panic!("{table}: {e}"));
            pool.close().await;
            n
        }
        None => {
            let conn = rusqlite::Connection::open_with_flags(
                f.dir.path().join("hub.db"),
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .unwrap_or_else(|e| panic!("open: {e}"));
            let sql =
                format!("SELECT count(*) FROM {table} WHERE instr(CAST({column} AS TEXT), ?1) > 0");
            conn.query_row(&sql, [needle], |r| r.get(0))
                .unwrap_or_else(|e| panic!("{table}: {e}"))
        }
    }
}

/// Whether the embedded store's files (database and WAL) hold `needle` anywhere.
fn files_hold<S>(f: &Fixture<S>, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for name in ["hub.db", "hub.db-wal"] {
        let bytes = std::fs::read(f.dir.path().join(name)).unwrap_or_default();
        if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
            found.push(name.to_owned());
        }
    }
    found
}

async fn an_erasure_leaves_nothing_of_the_patient_and_the_id_is_never_stored_again<S: HubStore>(
    f: Fixture<S>,
) {
    let env = start(&f.store, options(f.dir.path())).await;
    let api = Api::of(&env);
    let blobs = local_blobs(&f);
    env.store
        .add_webhook(
            &NewWebhook {
                // Nothing listens there: deliveries stay pending, with their payloads.
                url: "http://127.0.0.1:9/hook".into(),
                events: vec![EventType::PatientCreated, EventType::PhotoReady],
                clinic: Some(env.clinic),
                secret: "whsec_erasure".into(),
            },
            now_millis(),
        )
        .await
        .unwrap_or_else(|e| panic!("add webhook: {e}"));
    let (mut clinic_doc, as_admin, _) = with_admin(&env).await;

    let (gone, mut gone_doc) = patient(&env, true, &images::photo_like(640, 480, 7)).await;
    let (kept, _) = patient(&env, false, &images::photo_like(640, 480, 8)).await;
    for up in [&gone, &kept] {
        api.upload_from(up, 0, up.bytes.len()).await;
        eventually("the thumbnails to be ready", || async {
            photo_in_doc(&env.store, env.clinic, up)
                .await
                .thumbnails_ready
        })
        .await;
    }
    let (gone_visit, visit_bytes) = appointment_for(env.clinic, gone.patient);
    let (kept_visit, kept_visit_bytes) = appointment_for(env.clinic, kept.patient);
    assert!(applied(
        &push(
            &env.store,
            env.clinic,
            gone_visit,
            "appointment",
            visit_bytes.clone()
        )
        .await
    ));
    assert!(applied(
        &push(
            &env.store,
            env.clinic,
            kept_visit,
            "appointment",
            kept_visit_bytes
        )
        .await
    ));
    let gone_id = gone.patient.to_string();
    eventually("the webhook events naming the patient", || async {
        rows_naming(&f, "webhook_events", "data", &gone_id).await >= 2
    })
    .await;
    // The other patient's events too, before the erasure: afterwards they must still be
    // there (the projector writes them on its own time, so asserting only at the end
    // raced it on Postgres).
    let kept_id = kept.patient.to_string();
    eventually("the webhook events naming the other patient", || async {
        rows_naming(&f, "webhook_events", "data", &kept_id).await >= 2
    })
    .await;
    let gone_keys = photo_keys(env.clinic, &gone.sha256);
    assert_eq!(
        blobs_present(&blobs, &gone_keys).await,
        3,
        "original and thumbnails stored"
    );
    if f.db.is_none() {
        assert!(
            !files_hold(&f, MARKER).is_empty(),
            "the control: the chart is in the store's files"
        );
    }

    // The erasure, as the admin's node pushes it.
    forge::erase_patient(
        &mut clinic_doc,
        PatientId(gone.patient),
        as_admin.as_deref(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(applied(
        &push(
            &env.store,
            env.clinic,
            env.clinic.0,
            "clinic",
            clinic_doc.save()
        )
        .await
    ));
    assert!(
        !stored(&env.store, env.clinic, gone.patient).await,
        "the patient document goes with the push"
    );

    // An offline edit of the erased patient is refused, whole or as changes.
    let heads = gone_doc.get_heads();
    dermis_model::doc::put_str(&mut gone_doc, &automerge::ROOT, "notes", "offline edit")
        .unwrap_or_else(|e| panic!("{e}"));
    gone_doc.commit();
    for data in [gone_doc.save(), gone_doc.save_after(&heads)] {
        let refused = push(&env.store, env.clinic, gone.patient, "patient", data).await;
        assert!(
            matches!(&refused, PushOutcome::Rejected { code: ErrorCode::Forbidden, message } if message.contains("erased")),
            "{refused:?}"
        );
    }
    assert!(
        !stored(&env.store, env.clinic, gone.patient).await,
        "never stored again"
    );

    // The job finishes the rest.
    eventually("the erasure to be done", || async {
        env.store
            .erasures(Some(env.clinic))
            .await
            .unwrap_or_default()
            .iter()
            .any(|e| e.patient == gone.patient && e.done_at.is_some())
    })
    .await;
    let record = env
        .store
        .erasures(Some(env.clinic))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(record.len(), 1, "{record:?}");
    assert_eq!((record[0].documents, record[0].blobs), (2, 1), "{record:?}");
    assert!(
        !stored(&env.store, env.clinic, gone_visit).await,
        "their appointment is removed"
    );
    let again = push(
        &env.store,
        env.clinic,
        gone_visit,
        "appointment",
        visit_bytes,
    )
    .await;
    assert!(matches!(again, PushOutcome::Rejected { .. }), "{again:?}");
    let (new_visit, new_bytes) = appointment_for(env.clinic, gone.patient);
    let refused = push(&env.store, env.clinic, new_visit, "appointment", new_bytes).await;
    assert!(
        matches!(&refused, PushOutcome::Rejected { message, .. } if message.contains("erased patient")),
        "a new appointment for the erased patient: {refused:?}"
    );
    assert_eq!(
        blobs_present(&blobs, &gone_keys).await,
        0,
        "every blob of the photo is deleted"
    );
    assert_eq!(rows_naming(&f, "webhook_events", "data", &gone_id).await, 0);
    assert_eq!(
        rows_naming(&f, "photo_blobs", "patient_id", &gone_id).await,
        0
    );
    assert_eq!(rows_naming(&f, "docs", "id", &gone_id).await, 0);
    assert_eq!(rows_naming(&f, "doc_changes", "doc_id", &gone_id).await, 0);

    // The other patient keeps everything.
    assert!(stored(&env.store, env.clinic, kept.patient).await);
    assert!(stored(&env.store, env.clinic, kept_visit).await);
    assert_eq!(
        blobs_present(&blobs, &photo_keys(env.clinic, &kept.sha256)).await,
        3
    );
    assert!(rows_naming(&f, "webhook_events", "data", &kept_id).await >= 2);

    if f.db.is_none() {
        assert_eq!(
            files_hold(&f, MARKER),
            Vec::<String>::new(),
            "no byte of the chart stays"
        );
    }
}

async fn an_erasure_by_a_node_that_is_not_an_admin_is_refused_and_removes_nothing<S: HubStore>(
    f: Fixture<S>,
) {
    let env = start(&f.store, options(f.dir.path())).await;
    let (mut clinic_doc, _, as_doctor) = with_admin(&env).await;
    let (up, _) = patient(&env, true, &images::photo_like(64, 48, 3)).await;
    forge::erase_patient(&mut clinic_doc, PatientId(up.patient), as_doctor.as_deref())
        .unwrap_or_else(|e| panic!("{e}"));
    let refused = push(
        &env.store,
        env.clinic,
        env.clinic.0,
        "clinic",
        clinic_doc.save(),
    )
    .await;
    assert!(
        matches!(refused, PushOutcome::Rejected { .. }),
        "{refused:?}"
    );
    assert!(
        stored(&env.store, env.clinic, up.patient).await,
        "the patient stays"
    );
    let erasures = env
        .store
        .erasures(Some(env.clinic))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(erasures.is_empty(), "{erasures:?}");
}
