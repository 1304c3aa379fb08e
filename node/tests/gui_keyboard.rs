//! The desk's day from the keyboard: signing in with Tab and Enter, Ctrl+F to the
//! patient search, Enter to open the patient found, Ctrl+S to save a visit, Esc to
//! leave a dialog. Every key goes through egui as a real key press would.

mod gui_support;

use dermis_node::demo::DEMO_PASSWORD;
use dermis_node::gui::app::{Nav, Screen};
use dermis_node::i18n::Locale;
use egui::{Event, Key, Modifiers};
use gui_support::*;

fn typed(h: &mut AppHarness, text: &str) {
    h.event(Event::Text(text.to_owned()));
    h.run_ok();
}

#[test]
fn a_receptionist_signs_in_and_finds_a_patient_without_the_mouse() {
    let dir = demo_dir(5);
    let patient = dermis_node::store::queries::recent_patients(open(dir.path()).store.conn(), 5)
        .expect("patients")
        .pop()
        .expect("a patient");
    let mut h = harness(dir.path(), Locale::En);
    wait_until(&mut h, "the login screen", |h| h.state().at_login());
    // The username field has the focus on the login screen; Tab reaches the password.
    typed(&mut h, "reception");
    h.key_press(Key::Tab);
    h.run_ok();
    typed(&mut h, DEMO_PASSWORD);
    h.key_press(Key::Enter);
    wait_until(&mut h, "signing in", |h| h.state().session().is_some());
    settle(&mut h);

    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    settle(&mut h);
    assert_eq!(h.state().screen(), Screen::Patients);
    typed(&mut h, &patient.mrn);
    settle(&mut h);
    h.key_press(Key::Enter);
    settle(&mut h);
    assert_eq!(h.state().screen(), Screen::Patient);
    assert!(shows_part(&h, &patient.mrn), "the chart of {}", patient.mrn);
}

#[test]
fn a_doctor_saves_a_visit_with_ctrl_s_and_leaves_the_sign_dialog_with_esc() {
    let dir = demo_dir(3);
    let row = dermis_node::store::queries::recent_patients(open(dir.path()).store.conn(), 1)
        .expect("patients")
        .remove(0);
    let mut h = signed_in(dir.path(), "doctor");
    h.state_mut().navigate(Nav::NewEncounter {
        patient: row.id.parse().expect("id"),
        name: format!("{} {}", row.first_name, row.last_name),
    });
    settle(&mut h);
    type_into(&mut h, "Chief complaint", "Itchy rash on both forearms");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    settle(&mut h);
    let node = open(dir.path());
    let visits =
        dermis_node::store::queries::encounters_of(node.store.conn(), &row.id).expect("visits");
    assert!(
        visits
            .iter()
            .any(|v| v.complaint == "Itchy rash on both forearms"),
        "Ctrl+S saved the visit"
    );
    drop(node);

    click(&mut h, "Sign");
    settle(&mut h);
    assert!(shows(&h, "Sign this visit?"), "the sign dialog is open");
    h.key_press(Key::Escape);
    settle(&mut h);
    assert!(!shows(&h, "Sign this visit?"), "Esc closes the dialog");
    assert!(
        has_input(&h, "Chief complaint"),
        "the visit is still a draft"
    );
}

#[test]
fn a_new_patient_is_registered_with_tab_and_enter_alone() {
    let dir = demo_dir(3);
    let mut h = signed_in(dir.path(), "reception");
    h.state_mut().navigate(Nav::NewPatient);
    settle(&mut h);
    // The cursor waits in the first field; Tab walks the form in the order it reads.
    let tab = |h: &mut AppHarness, times: usize| {
        for _ in 0..times {
            h.key_press(Key::Tab);
            h.run_ok();
        }
    };
    typed(&mut h, "Mariam");
    tab(&mut h, 1);
    typed(&mut h, "Keyboardian");
    tab(&mut h, 2); // past the middle name, into the birth date
    typed(&mut h, "1990-03-12");
    tab(&mut h, 3); // past the calendar button and the sex, into the phone
    typed(&mut h, "+374 10 123456");
    tab(&mut h, 1);
    typed(&mut h, "mariam@example.am");
    assert_eq!(value_of(&h, "First name").as_deref(), Some("Mariam"));
    assert_eq!(value_of(&h, "Last name").as_deref(), Some("Keyboardian"));
    assert_eq!(value_of(&h, "Phone").as_deref(), Some("+374 10 123456"));
    assert_eq!(value_of(&h, "Email").as_deref(), Some("mariam@example.am"));
    // Address, record number, then Save: Enter presses the focused button.
    tab(&mut h, 3);
    h.key_press(Key::Enter);
    settle(&mut h);
    let found = dermis_node::store::queries::search_patients(
        open(dir.path()).store.conn(),
        "Keyboardian",
        5,
    )
    .expect("search");
    assert_eq!(found.len(), 1, "the patient was registered");
    assert_eq!(found[0].birth_date.as_deref(), Some("1990-03-12"));
    assert_eq!(found[0].email.as_deref(), Some("mariam@example.am"));
}
