//! A shared workstation: the window locks when idle (or when asked) over the signed-in
//! user's work, unlocks only with that user's password, lets someone else sign in
//! instead, and locks a user name out with growing delays after failed sign-ins.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod gui_support;

use std::time::Duration;

use dermis_node::demo::DEMO_PASSWORD;
use dermis_node::i18n::Locale;
use dermis_node::ops::users::FREE_ATTEMPTS;
use egui_kittest::kittest::Queryable;
use gui_support::*;

#[test]
fn an_idle_window_locks_and_the_same_user_unlocks_it_with_the_work_still_there() {
    let dir = demo_dir(12);
    let lock_after = Duration::from_secs(600);
    let mut h = harness_locking_after(dir.path(), Locale::En, lock_after);
    login(&mut h, "doctor", DEMO_PASSWORD);
    click(&mut h, "Patients");
    settle(&mut h);
    type_into(&mut h, "Search patients", "unsaved-query");
    // Just short of the idle time: still open.
    h.state_mut()
        .backdate_last_input(lock_after - Duration::from_secs(5));
    h.run_ok();
    assert!(!h.state().is_locked());
    // Past it, with no input since: the next frame locks.
    h.state_mut().backdate_last_input(Duration::from_secs(6));
    h.run_ok();
    assert!(h.state().is_locked());
    assert!(
        shows_part(&h, "Dr Anna Petrosyan"),
        "the lock names who is signed in"
    );
    assert!(
        !shows(&h, "Patients"),
        "nothing of the clinic shows behind the lock"
    );

    type_into(&mut h, "Password", "not the password");
    click(&mut h, "Unlock");
    wait_until(&mut h, "the refusal", |h| shows(h, "Wrong password."));
    assert!(h.state().is_locked());

    type_into(&mut h, "Password", DEMO_PASSWORD);
    click(&mut h, "Unlock");
    wait_until(&mut h, "unlocking", |h| !h.state().is_locked());
    settle(&mut h);
    assert_eq!(
        h.state().session().map(|s| s.username.as_str()),
        Some("doctor")
    );
    assert!(
        h.query_all_by_value("unsaved-query").next().is_some(),
        "what was typed before the lock is still there"
    );
}

#[test]
fn another_user_switches_in_from_the_lock_screen() {
    let dir = demo_dir(8);
    let mut h = harness(dir.path(), Locale::En);
    login(&mut h, "reception", DEMO_PASSWORD);
    click(&mut h, "Lock");
    assert!(h.state().is_locked());
    click(&mut h, "Switch user");
    wait_until(&mut h, "the login screen", |h| h.state().at_login());
    assert!(h.state().session().is_none());
    login(&mut h, "cashier", DEMO_PASSWORD);
    assert_eq!(
        h.state().session().map(|s| s.username.as_str()),
        Some("cashier")
    );
}

#[test]
fn failed_sign_ins_lock_the_user_name_and_even_the_right_password_waits() {
    let dir = demo_dir(4);
    let mut h = harness(dir.path(), Locale::En);
    wait_until(&mut h, "the login screen", |h| h.state().at_login());
    for _ in 0..FREE_ATTEMPTS {
        type_into(&mut h, "Username", "nurse");
        type_into(&mut h, "Password", "guess");
        click(&mut h, "Sign in");
        wait_until(&mut h, "the refusal", |h| {
            shows(h, "Wrong username or password.")
        });
    }
    type_into(&mut h, "Username", "nurse");
    type_into(&mut h, "Password", "one guess too many");
    click(&mut h, "Sign in");
    wait_until(&mut h, "the lockout", |h| {
        shows_part(h, "Too many failed sign-ins for this user")
    });
    type_into(&mut h, "Username", "nurse");
    type_into(&mut h, "Password", DEMO_PASSWORD);
    click(&mut h, "Sign in");
    wait_until(&mut h, "the lockout again", |h| {
        shows_part(h, "Try again in 1 minute")
    });
    assert!(
        h.state().session().is_none(),
        "a locked user is not signed in"
    );
    // Another user name is not locked by the nurse's failures.
    login(&mut h, "admin", DEMO_PASSWORD);
}
