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

pub fn cmd(dir: &Path) -> Command {
    let mut c = Command::new(bin());
    c.arg("--data-dir")
        .arg(dir)
        .env_remove("DERMIS_NODE_DATA_DIR")
        .env_remove("DERMIS_LOCALE")
        .env("DERMIS_USER", "tester");
    c.stdin(Stdio::null());
    c
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
