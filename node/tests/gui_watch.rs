//! The window shows what another writer stores (the sync daemon, a second window) while
//! it is busy: a command reaches the worker every 50 ms, as the top bar's sync badge and
//! screens that refresh on a timer send them, and the open screen still picks up a row
//! written through a second connection to the same SQLite file, within a deadline.
//!
//! With a watch that only ran after 1.5 s without a command, neither test ever saw the
//! new row: the steady commands kept the worker from ever being idle.

mod gui_support;

use std::time::{Duration, Instant};

use dermis_model::appointment::{AppointmentDraft, AppointmentSource};
use dermis_model::patient::PatientForm;
use dermis_node::gui::app::{Nav, Screen};
use dermis_node::gui::backend::{Command, View};
use dermis_node::node::Session;
use dermis_node::{localtime, ops};
use gui_support::*;

/// How often the busy window sends the worker a command.
const STEADY: Duration = Duration::from_millis(50);
/// How long the window may take to show another writer's row while busy. Far above the
/// worker's quarter-second watch (a debug build on a loaded machine), far below "never".
const WITHIN: Duration = Duration::from_secs(20);

/// Steps frames, sending a sync badge refresh every [`STEADY`], until `condition`
/// holds; false if it still does not after [`WITHIN`]. Also returns how many commands
/// were sent, to show that the worker was never left idle.
fn busy_until(h: &mut AppHarness, condition: impl Fn(&mut AppHarness) -> bool) -> (bool, u32) {
    let start = Instant::now();
    let mut next = start;
    let mut sent = 0;
    loop {
        let now = Instant::now();
        if now >= next {
            h.state_mut()
                .send_command(Command::Refresh(View::SyncStatus));
            sent += 1;
            next += STEADY;
        }
        h.run_ok();
        if condition(h) {
            return (true, sent);
        }
        if start.elapsed() >= WITHIN {
            return (false, sent);
        }
        let left = next.saturating_duration_since(Instant::now());
        h.state_mut().wait_for_backend(left);
    }
}

fn zora() -> PatientForm {
    PatientForm {
        first_name: "Zora".into(),
        last_name: "Zzyzx".into(),
        sex: "female".into(),
        ..PatientForm::default()
    }
}

#[test]
fn a_patient_stored_by_another_writer_shows_in_the_open_search_while_commands_keep_coming() {
    let dir = demo_dir(5);
    let mut h = signed_in(dir.path(), "reception");
    h.state_mut().navigate(Nav::Show(Screen::Patients));
    settle(&mut h);
    type_into(&mut h, "Search patients", "Zzyzx");
    settle(&mut h);
    assert_eq!(
        h.state().patients_found(),
        Some(0),
        "nobody of that name yet"
    );
    assert!(shows(&h, "No patients found."));

    let mut other = open(dir.path());
    ops::patients::add(&mut other, &Session::operator(), &zora()).expect("stored elsewhere");

    let (shown, sent) = busy_until(&mut h, |h| {
        h.state().patients_found() == Some(1) && shows(h, "Zzyzx Zora")
    });
    assert!(
        shown,
        "the search on screen never showed the patient stored elsewhere ({sent} commands sent)"
    );
    assert_eq!(h.state().screen(), Screen::Patients);
}

#[test]
fn an_appointment_booked_at_another_desk_shows_on_the_dashboard_while_commands_keep_coming() {
    let dir = demo_dir(5);
    let mut h = signed_in(dir.path(), "reception");
    assert_eq!(h.state().screen(), Screen::Dashboard);
    assert!(shows(&h, "Today's appointments"));
    assert!(!shows(&h, "Walk-in Zzyzx"));

    let mut other = open(dir.path());
    let noon = localtime::day_start(localtime::today()) + 12 * 3_600_000;
    ops::appointments::add(
        &mut other,
        &Session::operator(),
        &AppointmentDraft {
            patient_id: None,
            invitee_name: Some("Walk-in Zzyzx".into()),
            invitee_email: None,
            title: "Consultation".into(),
            start: noon,
            end: noon + 30 * 60_000,
            source: AppointmentSource::Manual,
            external_id: None,
            notes: String::new(),
            clinician_id: None,
            invitee_phone: None,
        },
    )
    .expect("booked elsewhere");

    let (shown, sent) = busy_until(&mut h, |h| shows(h, "Walk-in Zzyzx"));
    assert!(
        shown,
        "today's appointments never showed the booking made elsewhere ({sent} commands sent)"
    );
}
