//! The appointment book driven as a receptionist uses it: booking with a clinician and
//! seeing it in the day and the week, moving, cancelling after the question, checking in,
//! marking a no-show, linking a Calendly booking to the patient with the same phone, and
//! the screen in every language. Each test checks what reached the store.

mod gui_support;

use dermis_model::appointment::{AppointmentDraft, AppointmentSource};
use dermis_model::{AppointmentId, Millis, PatientId, UserId};
use dermis_node::gui::app::{Nav, Screen};
use dermis_node::i18n::{Locale, Localizer};
use dermis_node::localtime;
use dermis_node::node::{Node, Session};
use dermis_node::ops;
use dermis_node::store::queries::{self, AppointmentRow, PatientRow};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use gui_support::*;
use time::macros::{date, time};
use time::{Date, Time};

/// A day far from the demo's own appointments.
const DAY: Date = date!(2030 - 03 - 05);

fn at(t: Time) -> Millis {
    localtime::to_millis(DAY, t)
}

fn rows_of_day(dir: &std::path::Path) -> Vec<AppointmentRow> {
    let node = open(dir);
    let from = localtime::day_start(DAY);
    queries::appointments_between(node.store.conn(), from, from + 86_400_000).expect("rows")
}

fn row(dir: &std::path::Path, id: AppointmentId) -> AppointmentRow {
    rows_of_day(dir)
        .into_iter()
        .find(|r| r.id == id.to_string())
        .expect("the appointment")
}

fn clinician(node: &mut Node, username: &str) -> UserId {
    node.clinic()
        .expect("clinic")
        .user_by_name(username)
        .expect("user")
        .id
}

fn patients(node: &Node) -> Vec<PatientRow> {
    queries::recent_patients(node.store.conn(), 20).expect("patients")
}

fn book(node: &mut Node, draft: AppointmentDraft) -> AppointmentId {
    ops::appointments::add(node, &Session::operator(), &draft).expect("booked")
}

fn draft(start: Millis, patient: Option<PatientId>, clinician: Option<UserId>) -> AppointmentDraft {
    AppointmentDraft {
        patient_id: patient,
        invitee_name: None,
        invitee_email: None,
        title: "Consultation".into(),
        start,
        end: start + 30 * 60_000,
        source: AppointmentSource::Manual,
        external_id: None,
        notes: String::new(),
        clinician_id: clinician,
        invitee_phone: None,
    }
}

/// Opens the book on [`DAY`] through its date field, as a user typing the date would.
fn open_book_on_day(h: &mut AppHarness) {
    h.state_mut().navigate(Nav::Show(Screen::Appointments));
    settle(h);
    type_into(h, "Go to date", "2030-03-05");
    settle(h);
}

/// The block (a button) whose label contains `part`.
fn click_block(h: &mut AppHarness, part: &str) {
    let found: Vec<_> = h
        .query_all_by_label_contains(part)
        .filter(|n| n.accesskit_node().role() == Role::Button)
        .collect();
    assert_eq!(found.len(), 1, "one block shows {part:?}");
    found[0].click();
    h.run_ok();
    settle(h);
}

#[test]
fn a_receptionist_books_moves_checks_in_cancels_and_marks_a_no_show() {
    let dir = demo_dir(6);
    let (doctor, nurse, first, second) = {
        let mut node = open(dir.path());
        let doctor = clinician(&mut node, "doctor");
        let nurse = clinician(&mut node, "nurse");
        let people = patients(&node);
        (doctor, nurse, people[0].clone(), people[1].clone())
    };
    let first_name = format!("{} {}", first.last_name, first.first_name);
    let second_name = format!("{} {}", second.last_name, second.first_name);
    let mut h = signed_in(dir.path(), "reception");
    open_book_on_day(&mut h);
    assert!(
        shows_part(&h, "Dr Anna Petrosyan"),
        "a column per clinician"
    );
    assert!(shows_part(&h, "Nurse Camille Martin"));

    // Book: the patient found by record number, the doctor, 10:15 for 30 minutes.
    click(&mut h, "New appointment");
    type_into(&mut h, "Find patient (name or record number)", &first.mrn);
    wait_until(&mut h, "the patient found", |h| {
        h.query_all_by_label_contains(&first.mrn)
            .any(|n| n.accesskit_node().role() != Role::Label)
    });
    h.query_all_by_label_contains(&first.mrn)
        .find(|n| n.accesskit_node().role() != Role::Label)
        .expect("the match")
        .click();
    h.run_ok();
    click(&mut h, "Clinician");
    click(&mut h, "Dr Anna Petrosyan");
    type_into(&mut h, "Start time", "10:15");
    type_into(&mut h, "Reason for visit", "Mole check");
    click(&mut h, "Book");
    // A second click while the first is with the worker books nothing more.
    if let Some(again) = h.query_all_by_label("Book").next() {
        again.click();
    }
    settle(&mut h);
    let booked = rows_of_day(dir.path());
    assert_eq!(booked.len(), 1, "booked once: {booked:?}");
    let a = &booked[0];
    assert_eq!(a.patient_id.as_deref(), Some(first.id.as_str()));
    assert_eq!(a.clinician_id, Some(doctor.to_string()));
    assert_eq!((a.start, a.end), (at(time!(10:15)), at(time!(10:45))));
    assert_eq!(a.title, "Mole check");
    let a_id: AppointmentId = a.id.parse().expect("id");
    assert!(shows_part(&h, &first_name), "the day view shows the block");
    assert!(shows_part(&h, "Mole check · Scheduled"), "status in words");

    click(&mut h, "Week");
    settle(&mut h);
    assert!(shows_part(&h, &first_name), "the week view shows it too");
    let tuesday = format!("Tu {}", dermis_node::i18n::format_date(DAY, Locale::En));
    assert!(shows_part(&h, &tuesday), "the week's columns are its days");
    click(&mut h, "Day");
    settle(&mut h);

    // Move it to the nurse at 11:00 through the dialog; Enter saves.
    click_block(&mut h, &first_name);
    click(&mut h, "Move…");
    type_into(&mut h, "Start time", "11:00");
    click(&mut h, "Clinician");
    click(&mut h, "Nurse Camille Martin");
    press_enter(&mut h, "Start time");
    settle(&mut h);
    let moved = row(dir.path(), a_id);
    assert_eq!(
        (moved.start, moved.end),
        (at(time!(11:00)), at(time!(11:30)))
    );
    assert_eq!(moved.clinician_id, Some(nurse.to_string()));

    // Check in: the chart is offered.
    click(&mut h, "Check in");
    settle(&mut h);
    assert_eq!(row(dir.path(), a_id).status, "checked_in");
    assert!(shows_part(&h, "Checked in"));
    assert!(shows(&h, "Open chart"));

    // Two more made at another desk: one to cancel, one who does not come.
    let (b, c) = {
        let mut node = open(dir.path());
        let second_id = second.id.parse().expect("id");
        (
            book(
                &mut node,
                draft(at(time!(12:00)), Some(second_id), Some(doctor)),
            ),
            book(
                &mut node,
                draft(at(time!(14:00)), Some(second_id), Some(nurse)),
            ),
        )
    };
    h.state_mut().navigate(Nav::ShowAppointment {
        id: b,
        at: at(time!(12:00)),
    });
    settle(&mut h);
    wait_until(&mut h, "the new bookings", |h| {
        h.query_all_by_label_contains(&second_name)
            .filter(|n| n.accesskit_node().role() == Role::Button)
            .count()
            == 2
    });
    click(&mut h, "Cancel…");
    assert!(
        shows(&h, "Cancel this appointment?"),
        "cancelling asks first"
    );
    click(&mut h, "Keep it");
    settle(&mut h);
    assert_eq!(row(dir.path(), b).status, "scheduled", "kept");
    click(&mut h, "Cancel…");
    type_into(&mut h, "Reason for cancelling", "Has the flu");
    click(&mut h, "Cancel the appointment");
    settle(&mut h);
    let cancelled = row(dir.path(), b);
    assert_eq!(cancelled.status, "canceled");
    assert_eq!(cancelled.cancel_reason.as_deref(), Some("Has the flu"));
    assert!(
        shows_part(&h, "1 cancelled appointment"),
        "listed under the grid"
    );

    click_block(&mut h, &second_name);
    click(&mut h, "Mark as no-show");
    settle(&mut h);
    assert_eq!(row(dir.path(), c).status, "no_show");
    // A no-show who turns up late can still be checked in.
    assert!(shows(&h, "Check in"));
}

#[test]
fn a_calendly_booking_is_linked_to_the_patient_with_the_same_phone() {
    let dir = demo_dir(6);
    let (target, calendly, stranger) = {
        let mut node = open(dir.path());
        let target = patients(&node)
            .into_iter()
            .find(|p| p.phone.is_some())
            .expect("a patient with a phone");
        // The number as Calendly gives it: international form, no spaces.
        let phone: String = target
            .phone
            .as_deref()
            .unwrap_or_default()
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let mut invitee = draft(at(time!(9:00)), None, None);
        invitee.source = AppointmentSource::Calendly;
        invitee.invitee_name = Some(format!("{} {}", target.first_name, target.last_name));
        invitee.invitee_email = Some("someone.else@example.net".into());
        invitee.invitee_phone = Some(format!("+{phone}"));
        invitee.external_id = Some("https://api.calendly.com/invitees/T1".into());
        let calendly = book(&mut node, invitee);
        let mut new = draft(at(time!(9:30)), None, None);
        new.source = AppointmentSource::Calendly;
        new.invitee_name = Some("Sofia Marino".into());
        new.invitee_email = Some("sofia.marino@example.it".into());
        new.external_id = Some("https://api.calendly.com/invitees/T2".into());
        let stranger = book(&mut node, new);
        (target, calendly, stranger)
    };
    let mut h = signed_in(dir.path(), "reception");
    open_book_on_day(&mut h);
    assert!(
        shows_part(&h, "No clinician"),
        "a column for bookings without one"
    );
    click_block(&mut h, "9:00");
    assert!(
        shows_part(&h, "not linked"),
        "the block says it is not linked"
    );
    assert!(shows(&h, "Not linked to a patient record yet."));
    assert!(shows(&h, "someone.else@example.net"), "the invitee's email");
    wait_until(&mut h, "the matching patient", |h| {
        shows_part(h, &target.mrn)
    });
    assert!(shows_part(&h, "same phone"));
    click(&mut h, "Link");
    settle(&mut h);
    assert_eq!(
        row(dir.path(), calendly).patient_id.as_deref(),
        Some(target.id.as_str())
    );
    assert!(
        shows(&h, "Open chart"),
        "linked: the chart is one click away"
    );

    // Nobody matches the other invitee: register them from the booking, then it is linked.
    click_block(&mut h, "Sofia Marino");
    wait_until(&mut h, "no match", |h| {
        shows(h, "No patient has this email or phone.")
    });
    click(&mut h, "Register new patient");
    settle(&mut h);
    assert_eq!(value_of(&h, "First name").as_deref(), Some("Sofia"));
    assert_eq!(value_of(&h, "Last name").as_deref(), Some("Marino"));
    assert_eq!(
        value_of(&h, "Email").as_deref(),
        Some("sofia.marino@example.it")
    );
    click(&mut h, "Save");
    wait_until(&mut h, "the booking linked", |h| {
        h.state().screen() == Screen::Appointments
    });
    settle(&mut h);
    wait_until(&mut h, "the link written", |_| {
        row(dir.path(), stranger).patient_id.is_some()
    });
    let linked = row(dir.path(), stranger);
    assert_eq!(linked.patient_name.as_deref(), Some("Marino Sofia"));
}

#[test]
fn the_book_is_drawn_in_every_language_with_localised_days() {
    let dir = demo_dir(6);
    {
        let mut node = open(dir.path());
        let doctor = clinician(&mut node, "doctor");
        let p = patients(&node)[0].id.parse().expect("id");
        book(&mut node, draft(at(time!(10:00)), Some(p), Some(doctor)));
    }
    let localizer = Localizer::new();
    for locale in Locale::ALL {
        let t = |id: &str| localizer.t(locale, id);
        let mut h = harness(dir.path(), locale);
        type_into(&mut h, &t("field-username"), "reception");
        type_into(
            &mut h,
            &t("field-password"),
            dermis_node::demo::DEMO_PASSWORD,
        );
        press_enter(&mut h, &t("field-password"));
        wait_until(&mut h, "signing in", |h| h.state().session().is_some());
        settle(&mut h);
        h.state_mut().navigate(Nav::Show(Screen::Appointments));
        settle(&mut h);
        type_into(&mut h, &t("gui-book-go-to"), "2030-03-05");
        settle(&mut h);
        // 5 March 2030 is a Tuesday: its short name in the language, beside its date.
        let tuesday = format!(
            "{} {}",
            t("gui-weekday-2"),
            dermis_node::i18n::format_date(DAY, locale)
        );
        assert!(
            shows_part(&h, &tuesday),
            "{locale}: the day is titled {tuesday:?}"
        );
        assert!(shows_part(&h, &t("gui-appointment-scheduled")), "{locale}");
        click(&mut h, &t("gui-book-week"));
        settle(&mut h);
        let monday = dermis_node::i18n::format_date(date!(2030 - 03 - 04), locale);
        assert!(
            shows_part(&h, &format!("{} {monday}", t("gui-weekday-1"))),
            "{locale}: the week shows Monday"
        );
        click(&mut h, &t("gui-book-new"));
        settle(&mut h);
        assert!(shows(&h, &t("gui-book-title-new")), "{locale}");
        click(&mut h, &t("gui-book-save"));
        settle(&mut h);
        assert!(
            shows(&h, &t("gui-book-choose-patient")),
            "{locale}: refused in words"
        );
        h.key_press(egui::Key::Escape);
        settle(&mut h);
        assert!(!shows(&h, &t("gui-book-title-new")), "{locale}: Esc closes");
        let missing = h.state().missing_messages();
        assert!(missing.is_empty(), "{locale}: missing {missing:?}");
    }
}

#[test]
fn a_block_dragged_to_another_clinician_and_time_is_moved_there() {
    let dir = demo_dir(6);
    let (id, name, nurse) = {
        let mut node = open(dir.path());
        let doctor = clinician(&mut node, "doctor");
        let nurse = clinician(&mut node, "nurse");
        let p = patients(&node)[0].clone();
        let id = book(
            &mut node,
            draft(
                at(time!(10:00)),
                Some(p.id.parse().expect("id")),
                Some(doctor),
            ),
        );
        (id, format!("{} {}", p.last_name, p.first_name), nurse)
    };
    let mut h = signed_in(dir.path(), "reception");
    open_book_on_day(&mut h);
    // Booking the doctor at a time she is taken warns, naming who she sees then.
    click(&mut h, "New appointment");
    click(&mut h, "Clinician");
    click(&mut h, "Dr Anna Petrosyan");
    type_into(&mut h, "Start time", "10:15");
    assert!(
        shows_part(&h, &format!("Dr Anna Petrosyan already sees {name} at")),
        "the overlap is told"
    );
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    let block = h
        .query_all_by_label_contains(&name)
        .find(|n| n.accesskit_node().role() == Role::Button)
        .expect("the block")
        .rect();
    let nurse_column = h
        .query_all_by_label_contains("Nurse Camille Martin (")
        .next()
        .expect("the nurse's column")
        .rect();
    // Six quarter-hour slots of 20 px further down: 11:30, in the nurse's column.
    let from = block.center();
    let to = egui::pos2(nurse_column.center().x, from.y + 6.0 * 20.0);
    h.hover_at(from);
    h.run_ok();
    h.drag_at(from);
    h.run_ok();
    for step in 1..=4 {
        h.hover_at(from + (to - from) * (step as f32 / 4.0));
        h.run_ok();
    }
    h.drop_at(to);
    h.run_ok();
    settle(&mut h);
    let moved = row(dir.path(), id);
    assert_eq!(
        (moved.start, moved.end),
        (at(time!(11:30)), at(time!(12:00)))
    );
    assert_eq!(moved.clinician_id, Some(nurse.to_string()));
}

#[test]
fn todays_appointments_on_the_dashboard_open_the_book_and_page_down_turns_the_day() {
    let dir = demo_dir(6);
    let today = localtime::today();
    let first = {
        let node = open(dir.path());
        let from = localtime::day_start(today);
        queries::appointments_between(node.store.conn(), from, from + 86_400_000)
            .expect("rows")
            .into_iter()
            .next()
            .expect("the demo books today")
    };
    let who = first
        .patient_name
        .clone()
        .or(first.invitee_name.clone())
        .expect("a name");
    let mut h = signed_in(dir.path(), "reception");
    assert_eq!(h.state().screen(), Screen::Dashboard);
    h.query_all_by_label(&who)
        .find(|n| n.accesskit_node().role() == Role::Link)
        .expect("the appointment links into the book")
        .click();
    h.run_ok();
    settle(&mut h);
    assert_eq!(h.state().screen(), Screen::Appointments);
    assert!(
        h.query_all_by_label(&who)
            .any(|n| n.accesskit_node().role() == Role::Label),
        "the appointment is chosen: its panel is headed by the name"
    );
    let title = |d: Date| {
        format!(
            "{} {}",
            Localizer::new().t(
                Locale::En,
                &format!("gui-weekday-{}", d.weekday().number_from_monday())
            ),
            dermis_node::i18n::format_date(d, Locale::En)
        )
    };
    assert!(shows_part(&h, &title(today)));
    h.key_press(egui::Key::PageDown);
    settle(&mut h);
    assert!(
        shows_part(&h, &title(today + time::Duration::days(1))),
        "PageDown: the next day"
    );
    h.key_press(egui::Key::PageUp);
    settle(&mut h);
    assert!(shows_part(&h, &title(today)), "PageUp: back");
}
