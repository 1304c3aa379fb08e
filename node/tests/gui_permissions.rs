//! The window's backend is a permission boundary of its own: these tests skip the
//! screens (which hide what a role may not do) and send commands straight to the
//! worker, as a bug or a tampered UI would.

mod gui_support;

use std::time::{Duration, Instant};

use dermis_model::clinic::Permission;
use dermis_model::encounter::EncounterForm;
use dermis_model::{EncounterId, PatientId};
use dermis_node::demo::DEMO_PASSWORD;
use dermis_node::gui::backend::{Backend, BackendConfig, Command, Op, Reply, UiError, View};
use dermis_node::store::queries;
use gui_support::backend::{next_reply, send, signed_in_backend};
use gui_support::{DEADLINE, demo_dir, open};

fn a_visit(dir: &std::path::Path) -> (PatientId, EncounterId) {
    let node = open(dir);
    let patient = queries::recent_patients(node.store.conn(), 50)
        .expect("patients")
        .into_iter()
        .find(|p| p.encounter_count > 0)
        .expect("a patient with visits");
    let visit = queries::encounters_of(node.store.conn(), &patient.id)
        .expect("visits")
        .remove(0);
    (
        patient.id.parse().expect("id"),
        visit.id.parse().expect("id"),
    )
}

fn denied(reply: &Reply) -> Option<Permission> {
    match reply {
        Reply::Failed {
            error: UiError::Denied(permission),
            ..
        } => Some(*permission),
        _ => None,
    }
}

#[test]
fn a_cashier_asking_for_a_clinical_note_is_denied_by_the_backend() {
    let dir = demo_dir(8);
    let (patient, visit) = a_visit(dir.path());
    let mut cashier = signed_in_backend(dir.path(), "cashier");

    let reply = send(&mut cashier, Command::OpenEncounter { id: visit });
    assert!(
        matches!(
            reply,
            Reply::Failed {
                op: Op::Load,
                error: UiError::Denied(Permission::ViewClinical)
            }
        ),
        "{reply:?}"
    );
    let reply = send(
        &mut cashier,
        Command::LoadPhotos {
            patient,
            have: Vec::new(),
        },
    );
    assert_eq!(denied(&reply), Some(Permission::ViewClinical), "{reply:?}");
    let reply = send(
        &mut cashier,
        Command::SaveEncounter {
            patient,
            id: None,
            form: EncounterForm {
                complaint: "written by a cashier".into(),
                ..EncounterForm::default()
            },
        },
    );
    assert_eq!(denied(&reply), Some(Permission::EditClinical), "{reply:?}");
    let visits = queries::encounters_of(open(dir.path()).store.conn(), &patient.to_string())
        .expect("visits");
    assert!(visits.iter().all(|v| v.complaint != "written by a cashier"));

    // What a cashier may open comes without the clinical parts.
    match send(&mut cashier, Command::OpenPatient { id: patient }) {
        Reply::Patient(view) => {
            assert!(view.encounters.is_empty());
            assert!(view.patient.encounters.is_empty());
            assert!(view.patient.allergies.is_empty());
            assert!(view.patient.medical_history.is_empty());
        }
        other => panic!("expected the patient, got {other:?}"),
    }

    // The same command from a doctor is answered.
    let mut doctor = signed_in_backend(dir.path(), "doctor");
    match send(&mut doctor, Command::OpenEncounter { id: visit }) {
        Reply::Encounter(view) => assert_eq!(view.encounter.id, visit),
        other => panic!("expected the visit, got {other:?}"),
    }
}

#[test]
fn only_a_doctor_signs_and_only_an_admin_manages_staff() {
    let dir = demo_dir(8);
    let (_, visit) = a_visit(dir.path());
    let mut nurse = signed_in_backend(dir.path(), "nurse");
    let reply = send(&mut nurse, Command::SignEncounter { id: visit });
    assert_eq!(denied(&reply), Some(Permission::SignEncounter), "{reply:?}");

    let mut reception = signed_in_backend(dir.path(), "reception");
    let reply = send(
        &mut reception,
        Command::AddUser {
            username: "intruder".into(),
            display_name: "Intruder".into(),
            role: "admin".into(),
            password: "long enough password".into(),
        },
    );
    assert_eq!(denied(&reply), Some(Permission::ManageUsers), "{reply:?}");
    let reply = send(&mut reception, Command::Refresh(View::Users));
    assert_eq!(denied(&reply), Some(Permission::ManageUsers), "{reply:?}");
    let mut node = open(dir.path());
    assert!(
        node.clinic()
            .expect("clinic")
            .user_by_name("intruder")
            .is_none()
    );
}

#[test]
fn nothing_but_login_is_answered_before_signing_in() {
    let dir = demo_dir(4);
    let (patient, _) = a_visit(dir.path());
    let mut backend = Backend::spawn(BackendConfig {
        data_dir: dir.path().to_owned(),
        max_photo_bytes: dermis_model::photo::DEFAULT_MAX_PHOTO_BYTES,
        viewer: dermis_node::gui::Viewer::Off,
    })
    .expect("spawn");
    assert!(matches!(next_reply(&mut backend), Reply::Ready { .. }));
    let reply = send(&mut backend, Command::OpenPatient { id: patient });
    assert!(denied(&reply).is_some(), "{reply:?}");
    let reply = send(
        &mut backend,
        Command::Login {
            username: "doctor".into(),
            password: "not the password".into(),
        },
    );
    assert!(matches!(reply, Reply::LoginFailed), "{reply:?}");
    let reply = send(&mut backend, Command::OpenPatient { id: patient });
    assert!(
        denied(&reply).is_some(),
        "a failed login grants nothing: {reply:?}"
    );
}

#[test]
fn a_locked_window_is_served_nothing_until_its_user_unlocks_it() {
    let dir = demo_dir(4);
    let (patient, _) = a_visit(dir.path());
    let mut backend = signed_in_backend(dir.path(), "doctor");
    assert!(backend.try_send(Command::Lock).is_ok());
    let reply = send(&mut backend, Command::OpenPatient { id: patient });
    assert!(denied(&reply).is_some(), "locked: {reply:?}");
    let reply = send(
        &mut backend,
        Command::Unlock {
            password: "not the password".into(),
        },
    );
    assert!(matches!(reply, Reply::LoginFailed), "{reply:?}");
    let reply = send(&mut backend, Command::OpenPatient { id: patient });
    assert!(denied(&reply).is_some(), "still locked: {reply:?}");
    let reply = send(
        &mut backend,
        Command::Unlock {
            password: DEMO_PASSWORD.into(),
        },
    );
    assert!(matches!(reply, Reply::Unlocked), "{reply:?}");
    let reply = send(&mut backend, Command::OpenPatient { id: patient });
    assert!(denied(&reply).is_none(), "unlocked: {reply:?}");
}

#[test]
fn opening_a_chart_is_one_view_on_the_trail_however_often_it_refreshes() {
    use dermis_node::store::audit::{AuditFilter, audit_entries};
    let dir = demo_dir(6);
    let (patient, _) = a_visit(dir.path());
    let other = queries::recent_patients(open(dir.path()).store.conn(), 10)
        .expect("patients")
        .into_iter()
        .find(|p| p.id != patient.to_string())
        .expect("another patient");
    let other: PatientId = other.id.parse().expect("id");
    let mut backend = signed_in_backend(dir.path(), "doctor");
    let views = |dir: &std::path::Path| {
        audit_entries(
            open(dir).store.conn(),
            &AuditFilter {
                patient: Some(patient.to_string()),
                user: Some("doctor".into()),
                from_ms: None,
                limit: 100,
            },
        )
        .expect("trail")
        .into_iter()
        .filter(|e| e.action == "view" && e.target_kind == "patient")
        .count()
    };
    for _ in 0..3 {
        let reply = send(&mut backend, Command::OpenPatient { id: patient });
        assert!(matches!(reply, Reply::Patient(_)), "{reply:?}");
    }
    assert_eq!(views(dir.path()), 1, "a refresh is not a new view");
    send(&mut backend, Command::OpenPatient { id: other });
    send(&mut backend, Command::OpenPatient { id: patient });
    assert_eq!(views(dir.path()), 2, "coming back to the chart is");

    // Recorded in the audit queue; once the window is idle they move into the day's
    // ledger (which syncs), still once each.
    let in_ledger_and_queue = |dir: &std::path::Path| -> (i64, i64) {
        let node = open(dir);
        let count = |sql: &str| -> i64 {
            node.store
                .conn()
                .query_row(sql, [patient.to_string()], |r| r.get(0))
                .expect("count")
        };
        (
            count(
                "SELECT count(*) FROM audit_entries WHERE patient_id = ?1 AND action = 'view' AND target_kind = 'patient'",
            ),
            count("SELECT count(*) FROM audit_queue WHERE patient_id = ?1"),
        )
    };
    let deadline = Instant::now() + DEADLINE;
    while in_ledger_and_queue(dir.path()) != (2, 0) {
        assert!(
            Instant::now() < deadline,
            "the idle window did not move its views: {:?}",
            in_ledger_and_queue(dir.path())
        );
        backend.wait_for_reply(Duration::from_millis(50));
    }
    assert_eq!(views(dir.path()), 2, "moved, not copied");
}
