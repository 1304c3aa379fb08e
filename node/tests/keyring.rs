//! The store key in the OS keyring, with the real binary and a real Secret Service: a
//! private D-Bus session bus and GNOME Keyring's daemon, unlocked, in the test's temp
//! dir (never the keyring of whoever runs the tests). A node initialised there keeps its
//! key in the keyring and no key file; every later command finds it; with the keyring
//! gone the node refuses to open, says where it looked, and changes nothing; with the
//! keyring turned off the key goes to a file as before.
//!
//! Needs `dbus-daemon` and `gnome-keyring-daemon` (`scripts/setup.sh` installs them);
//! under `CI=true` their absence is a failure, elsewhere the test says so and passes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

struct Keyring {
    bus: Child,
    daemon: Child,
    address: String,
    runtime: PathBuf,
    home: PathBuf,
}

impl Keyring {
    /// A session bus and an unlocked keyring under `root`, or `None` when this machine
    /// has neither program (a failure under CI).
    fn start(root: &Path) -> Option<Keyring> {
        let have = |p: &str| {
            Command::new("sh")
                .args(["-c", &format!("command -v {p}")])
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !have("dbus-daemon") || !have("gnome-keyring-daemon") {
            assert!(
                std::env::var("CI").is_err(),
                "dbus-daemon and gnome-keyring-daemon are needed (scripts/setup.sh installs them)"
            );
            eprintln!("skipped: no dbus-daemon or gnome-keyring-daemon here");
            return None;
        }
        let runtime = root.join("run");
        let home = root.join("home");
        std::fs::create_dir_all(&runtime).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        let socket = root.join("bus");
        let address = format!("unix:path={}", socket.display());
        // A bus with no service directories: nothing is started on demand, so no
        // locked keyring daemon of the system's can claim the Secret Service's name
        // before the one started here (a call to it before it is up would do that).
        let config = root.join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>{address}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#
            ),
        )
        .unwrap();
        let bus = Command::new("dbus-daemon")
            .args(["--nofork", &format!("--config-file={}", config.display())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        common::wait_until(Duration::from_secs(20), "the session bus", || {
            socket.exists()
        });
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("HOME", &home)
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("XDG_DATA_HOME", home.join("data"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The login keyring's password, then end of input: created and unlocked.
        let mut stdin = daemon.stdin.take().unwrap();
        stdin.write_all(b"test-password").unwrap();
        drop(stdin);
        let keyring = Keyring {
            bus,
            daemon,
            address,
            runtime,
            home,
        };
        common::wait_until(
            Duration::from_secs(20),
            "the Secret Service on the bus",
            || keyring.secret_service_up(),
        );
        common::wait_until(
            Duration::from_secs(20),
            "the Secret Service's login collection",
            || keyring.collections().contains("collection/login"),
        );
        Some(keyring)
    }

    /// Whether the Secret Service's name has an owner (asked of the bus itself, so it
    /// starts nothing).
    fn secret_service_up(&self) -> bool {
        Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
    }

    fn collections(&self) -> String {
        Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets",
                "org.freedesktop.DBus.Properties.Get",
                "string:org.freedesktop.Secret.Service",
                "string:Collections",
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }

    fn stop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        self.stop();
    }
}

struct Desk {
    dir: PathBuf,
    config: PathBuf,
}

impl Desk {
    fn cmd(&self, keyring: &Keyring) -> Command {
        let mut c = common::cmd(&self.dir);
        c.env_remove("DERMIS_NODE_KEYRING")
            .env_remove("DERMIS_NODE_KEY_FILE")
            .env("XDG_CONFIG_HOME", &self.config)
            .env("DBUS_SESSION_BUS_ADDRESS", &keyring.address)
            .env("XDG_RUNTIME_DIR", &keyring.runtime)
            .env("HOME", &keyring.home);
        c
    }

    fn run(&self, keyring: &Keyring, args: &[&str]) -> Output {
        self.cmd(keyring).args(args).output().unwrap()
    }

    fn ok(&self, keyring: &Keyring, args: &[&str]) -> String {
        let o = self.run(keyring, args);
        assert!(
            o.status.success(),
            "{args:?}: {:?} {}",
            o.status.code(),
            common::stderr(&o)
        );
        common::stdout(&o).trim().to_owned()
    }

    fn key_files(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.config.join("dermis/keys"))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    }
}

fn init(desk: &Desk, keyring: &Keyring) {
    desk.ok(
        keyring,
        &[
            "init",
            "--clinic-name",
            "Keyring Clinic",
            "--node-name",
            "Desk",
        ],
    );
    desk.ok(keyring, &["demo", "--patients", "5", "--seed", "2"]);
}

fn digest(path: &Path) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

#[test]
fn the_key_lives_in_the_keyring_and_without_it_the_store_stays_shut() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(mut keyring) = Keyring::start(tmp.path()) else {
        return;
    };
    let desk = Desk {
        dir: tmp.path().join("node"),
        config: tmp.path().join("config"),
    };
    init(&desk, &keyring);
    assert_eq!(desk.key_files(), Vec::<PathBuf>::new(), "no key file");
    let status = desk.ok(&keyring, &["status", "--json"]);
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(status["key"], "the OS keyring", "{status}");
    let id = desk.ok(
        &keyring,
        &[
            "patient",
            "add",
            "--first-name",
            "Keyed",
            "--last-name",
            "Store",
        ],
    );
    let found = desk.ok(&keyring, &["patient", "search", "Keyed"]);
    assert!(found.contains(&id), "{found}");

    // The keyring goes away (another OS user, a copied disk): nothing opens, nothing
    // changes, and the message says where the key was looked for.
    keyring.stop();
    let store = dermis_node::node::Node::store_path(&desk.dir);
    let before = digest(&store);
    let o = desk.run(&keyring, &["patient", "search", "Keyed"]);
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    let err = common::stderr(&o);
    assert!(err.contains("key for this data dir is missing"), "{err}");
    assert!(err.contains("OS keyring"), "{err}");
    assert!(
        common::stdout(&o).trim().is_empty(),
        "nothing printed from the store"
    );
    assert_eq!(digest(&store), before, "nothing written");
    assert_eq!(desk.key_files(), Vec::<PathBuf>::new(), "no key made up");
}

#[test]
fn with_the_keyring_turned_off_the_key_goes_to_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(keyring) = Keyring::start(tmp.path()) else {
        return;
    };
    let desk = Desk {
        dir: tmp.path().join("node"),
        config: tmp.path().join("config"),
    };
    let o = desk
        .cmd(&keyring)
        .env("DERMIS_NODE_KEYRING", "off")
        .args([
            "init",
            "--clinic-name",
            "File Clinic",
            "--node-name",
            "Desk",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert_eq!(desk.key_files().len(), 1, "the key is in a file");
    // A store keyed by a file keeps its file, keyring or not.
    let status: serde_json::Value =
        serde_json::from_str(&desk.ok(&keyring, &["status", "--json"])).unwrap();
    assert!(
        status["key"].as_str().is_some_and(|k| k.ends_with(".key")),
        "{status}"
    );
}
