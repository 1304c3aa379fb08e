//! Signed in everywhere: once a clinic has staff users, every command that reads or
//! writes clinic data signs in, and a missing sign-in, a wrong password, a locked user
//! or a role that may not do it exits 3 with a message that says which. `status`,
//! `sync` and `enroll` need no sign-in; a node without staff acts as its operator.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

use common::*;

const ANNA_PASSWORD: &str = "anna's long password";

/// A command with no sign-in at all.
fn anonymous(dir: &Path, args: &[&str]) -> Output {
    cmd(dir)
        .env_remove("DERMIS_USER")
        .env_remove("DERMIS_PASSWORD")
        .args(args)
        .output()
        .expect("runs")
}

fn as_user(dir: &Path, user: &str, password: &str, args: &[&str]) -> Output {
    cmd_as(dir, user, password)
        .args(args)
        .output()
        .expect("runs")
}

fn init_with_admin(dir: &Path) {
    let o = cmd(dir)
        .env("DERMIS_PASSWORD", ANNA_PASSWORD)
        .args([
            "init",
            "--clinic-name",
            "Signed Clinic",
            "--node-name",
            "Desk",
            "--admin",
            "anna",
        ])
        .output()
        .expect("runs");
    assert!(o.status.success(), "init --admin: {}", stderr(&o));
}

fn add_user(dir: &Path, username: &str, role: &str, password: &str) {
    let mut child = cmd_as(dir, "anna", ANNA_PASSWORD)
        .args(["user", "add", "--username", username, "--role", role])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("write");
    let o = child.wait_with_output().expect("wait");
    assert!(o.status.success(), "user add {username}: {}", stderr(&o));
}

#[track_caller]
fn assert_denied(o: &Output, says: &str) {
    assert_eq!(o.status.code(), Some(3), "stderr: {}", stderr(o));
    assert!(
        stderr(o).contains(says),
        "expected {says:?} in {}",
        stderr(o)
    );
    assert!(stdout(o).is_empty(), "nothing is printed: {}", stdout(o));
}

#[test]
fn init_with_an_admin_makes_every_clinical_command_sign_in() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    init_with_admin(d);

    let added = ok_as(
        d,
        "anna",
        ANNA_PASSWORD,
        &[
            "patient",
            "add",
            "--first-name",
            "Zara",
            "--last-name",
            "Oxley",
        ],
    );
    assert_eq!(added.len(), 36, "a patient id: {added}");

    assert_denied(
        &anonymous(d, &["patient", "search", "zara"]),
        "not signed in",
    );
    let no_password = cmd(d)
        .env("DERMIS_USER", "anna")
        .env_remove("DERMIS_PASSWORD")
        .args(["patient", "search", "zara"])
        .output()
        .unwrap();
    assert_denied(&no_password, "no password for anna");
    assert_denied(
        &as_user(d, "anna", "wrong password", &["patient", "search", "zara"]),
        "sign-in failed",
    );
    assert_denied(
        &as_user(d, "nobody", ANNA_PASSWORD, &["export", "--json"]),
        "sign-in failed",
    );

    // --user comes before the command and wins over DERMIS_USER.
    let o = cmd(d)
        .env("DERMIS_USER", "nobody")
        .env("DERMIS_PASSWORD", ANNA_PASSWORD)
        .args(["--user", "anna", "patient", "search", "zara"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Oxley"));

    // What shows or moves no clinical content needs no sign-in.
    let status = anonymous(d, &["status", "--json"]);
    assert!(status.status.success(), "{}", stderr(&status));
    assert!(!stdout(&status).contains("Oxley"));
    let sync = anonymous(d, &["sync", "--once", "--timeout", "1"]);
    assert_ne!(
        sync.status.code(),
        Some(3),
        "sync needs no sign-in: {}",
        stderr(&sync)
    );
}

#[test]
fn roles_apply_on_the_command_line_as_in_the_window() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    init_with_admin(d);
    add_user(d, "rita", "reception", "reception password");
    add_user(d, "carl", "cashier", "cashier password");
    let patient = ok_as(
        d,
        "rita",
        "reception password",
        &[
            "patient",
            "add",
            "--first-name",
            "Ivo",
            "--last-name",
            "Brandt",
        ],
    );

    // Reception may register patients but not read or write clinical notes.
    assert_denied(
        &as_user(
            d,
            "rita",
            "reception password",
            &[
                "encounter",
                "add",
                "--patient",
                &patient,
                "--subjective",
                "itch",
            ],
        ),
        "permission denied",
    );
    assert_denied(
        &as_user(
            d,
            "carl",
            "cashier password",
            &["patient", "add", "--first-name", "Eve", "--last-name", "Ng"],
        ),
        "may not edit patients",
    );
    assert_denied(
        &as_user(d, "rita", "reception password", &["export", "--json"]),
        "permission denied",
    );
    // Only an admin adds staff once the clinic has an admin.
    let mut child = cmd_as(d, "rita", "reception password")
        .args(["user", "add", "--username", "mallory", "--role", "admin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"mallory's password\n")
        .unwrap();
    assert_denied(
        &child.wait_with_output().unwrap(),
        "may not manage staff users",
    );
    let users = ok_as(d, "anna", ANNA_PASSWORD, &["user", "list", "--json"]);
    assert!(!users.contains("mallory"), "nothing was written: {users}");
}

#[test]
fn failed_sign_ins_lock_the_user_out_even_with_the_right_password() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    init_with_admin(d);
    add_user(d, "rita", "reception", "reception password");
    for attempt in 1..=dermis_node::ops::users::FREE_ATTEMPTS {
        let o = as_user(d, "anna", "a guess", &["patient", "search", "x"]);
        assert_denied(&o, "sign-in failed");
        assert!(
            !stderr(&o).contains("locked"),
            "attempt {attempt} is not locked yet"
        );
    }
    assert_denied(
        &as_user(d, "anna", "one guess too many", &["patient", "search", "x"]),
        "sign-in locked",
    );
    let o = as_user(d, "anna", ANNA_PASSWORD, &["patient", "search", "x"]);
    assert_denied(&o, "sign-in locked");
    assert!(
        stderr(&o).contains("try again in 30 s") || stderr(&o).contains("try again in 29 s"),
        "{}",
        stderr(&o)
    );
    // The lock is per user name: other staff still work at this workstation.
    let rita = as_user(d, "rita", "reception password", &["patient", "search", "x"]);
    assert!(rita.status.success(), "{}", stderr(&rita));
}

#[test]
fn init_with_a_weak_admin_password_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("node");
    let o = cmd(&d)
        .env("DERMIS_PASSWORD", "short")
        .args([
            "init",
            "--clinic-name",
            "C",
            "--node-name",
            "N",
            "--admin",
            "anna",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("password"), "{}", stderr(&o));
    assert!(!d.join("dermis-node.db").exists(), "no store was made");
}

#[test]
fn init_reads_the_admin_password_from_standard_input() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut child = cmd(d)
        .env_remove("DERMIS_PASSWORD")
        .args([
            "init",
            "--clinic-name",
            "C",
            "--node-name",
            "N",
            "--admin",
            "Anna",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{ANNA_PASSWORD}\n").as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let users: serde_json::Value = serde_json::from_str(&ok_as(
        d,
        "anna",
        ANNA_PASSWORD,
        &["user", "list", "--json"],
    ))
    .unwrap();
    assert_eq!(users[0]["username"], "anna");
    assert_eq!(users[0]["role"], "admin");
}

#[test]
fn a_node_without_staff_acts_as_its_operator() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    init(d);
    let o = anonymous(
        d,
        &[
            "patient",
            "add",
            "--first-name",
            "Lena",
            "--last-name",
            "Holm",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}
