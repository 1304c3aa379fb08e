//! Helpers shared by the node's integration tests: run the real binary, wait for
//! conditions with a deadline (never a fixed sleep).
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub mod hub;
pub mod tls;

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_dermis-node")
}

/// The demo staff's password (`demo` makes admin, doctor, nurse, reception and cashier).
pub const DEMO_PASSWORD: &str = "dermis-demo";

/// The node binary on `dir`, signed in as the demo admin: a node with staff users (after
/// `demo`) needs a sign-in for clinic data, a node without acts as its operator and
/// ignores it. Tests of other users use [`cmd_as`]; tests of sign-in remove both.
pub fn cmd(dir: &Path) -> Command {
    let mut c = Command::new(bin());
    c.arg("--data-dir")
        .arg(dir)
        .env_remove("DERMIS_NODE_DATA_DIR")
        .env_remove("DERMIS_LOCALE")
        // Keys in files: a test never writes into the keyring of the person running it
        // (`keyring.rs` starts a keyring of its own).
        .env("DERMIS_NODE_KEYRING", "off")
        .env("DERMIS_USER", "admin")
        .env("DERMIS_PASSWORD", DEMO_PASSWORD);
    c.stdin(Stdio::null());
    c
}

/// A command signed in as `user` with `password`.
pub fn cmd_as(dir: &Path, user: &str, password: &str) -> Command {
    let mut c = cmd(dir);
    c.env("DERMIS_USER", user).env("DERMIS_PASSWORD", password);
    c
}

/// Runs a command signed in as `user`, which must succeed; its trimmed standard output.
pub fn ok_as(dir: &Path, user: &str, password: &str, args: &[&str]) -> String {
    let o = cmd_as(dir, user, password)
        .args(args)
        .output()
        .expect("the node binary runs");
    assert!(
        o.status.success(),
        "{args:?} as {user} failed with {:?}: {}",
        o.status.code(),
        stderr(&o)
    );
    stdout(&o).trim().to_owned()
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    cmd(dir).args(args).output().expect("the node binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs a command that must succeed and returns its trimmed standard output.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let o = run(dir, args);
    assert!(
        o.status.success(),
        "{args:?} failed with {:?}: {}",
        o.status.code(),
        stderr(&o)
    );
    stdout(&o).trim().to_owned()
}

pub fn init(dir: &Path) {
    ok(
        dir,
        &[
            "init",
            "--clinic-name",
            "Test Clinic",
            "--node-name",
            "Desk",
        ],
    );
}

pub fn status_json(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(dir, &["status", "--json"])).expect("status --json is JSON")
}

/// Polls `condition` until it holds or `within` passes; panics with `what` on timeout.
pub fn wait_until(within: Duration, what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    let mut pause = Duration::from_millis(5);
    loop {
        if condition() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {within:?} waiting for {what}"
        );
        // A short, growing pause between checks of a condition — not a fixed wait.
        #[allow(clippy::disallowed_methods)]
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}
