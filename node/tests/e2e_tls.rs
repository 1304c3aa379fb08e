//! TLS end to end with real processes: a `dermis-hub` serving HTTPS and WSS with a
//! certificate made here by a CA made here (rcgen), `dermis-node` processes that enroll,
//! sync and upload and fetch a photo over it; a certificate nodes do not trust, an
//! expired one, a renewal picked up without a restart; and the plain-http rule.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::path::Path;
use std::time::Duration;

use common::hub::Hub;
use common::tls::{TestCa, hub_env, probe};
use common::{cmd, ok, run, status_json, stderr, wait_until};

fn noise_jpeg(side: u32, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    let image = image::RgbImage::from_fn(side, side, |_, _| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        image::Rgb([x as u8, (x >> 8) as u8, (x >> 16) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&image)
        .unwrap();
    out
}

fn enroll(d: &Path, hub: &str, code: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "enroll",
        "--hub",
        hub,
        "--code",
        code,
        "--node-name",
        "Desk",
    ];
    args.extend(extra);
    run(d, &args)
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn nodes_enroll_sync_and_move_a_photo_over_tls() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = TestCa::new("Clinic Test CA");
    let ca_file = ca.write(&tmp.path().join("ca.pem"));
    let cert = ca.issue(tmp.path(), "hub");
    let hub_dir = tmp.path().join("hub");
    std::fs::create_dir_all(&hub_dir).unwrap();
    let hub = Hub::start_with(&hub_dir, hub_env(&cert));
    assert!(hub.url().starts_with("https://"), "{}", hub.url());
    let clinic = hub.clinic_add("TLS Clinic");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for d in [&a, &b] {
        let code = hub.node_add(&clinic, "desk");
        let o = enroll(d, &hub.url(), &code, &["--ca-file", path(&ca_file)]);
        assert!(o.status.success(), "enroll over TLS: {}", stderr(&o));
    }
    // The CA is kept: later syncs need no flag, and the file may go.
    std::fs::remove_file(&ca_file).unwrap();

    let patient = ok(
        &a,
        &[
            "patient",
            "add",
            "--first-name",
            "Ani",
            "--last-name",
            "Sargsyan",
        ],
    );
    let jpeg = tmp.path().join("mole.jpg");
    let bytes = noise_jpeg(600, 3);
    std::fs::write(&jpeg, &bytes).unwrap();
    let photo = ok(
        &a,
        &[
            "photo",
            "add",
            "--patient",
            &patient,
            "--file",
            path(&jpeg),
            "--body-part",
            "upper_back",
        ],
    );
    let o = run(&a, &["sync", "--once", "--photos", "--timeout", "120"]);
    assert!(o.status.success(), "sync over wss: {}", stderr(&o));
    let listed: serde_json::Value =
        serde_json::from_str(&ok(&a, &["photo", "list", "--patient", &patient, "--json"])).unwrap();
    assert_eq!(listed[0]["upload"]["state"], "uploaded");

    let o = run(&b, &["sync", "--once", "--timeout", "120"]);
    assert!(o.status.success(), "sync over wss: {}", stderr(&o));
    let shown = ok(&b, &["patient", "show", &patient]);
    assert!(shown.contains("Sargsyan"), "{shown}");
    // The original comes back over https.
    let fetched = ok(&b, &["photo", "fetch", &photo, "--variant", "original"]);
    let fetched = dermis_node::atrest::seal::load_file(&b, std::path::Path::new(&fetched)).unwrap();
    assert!(fetched.starts_with(&[0xFF, 0xD8]), "a JPEG came back");

    let status = status_json(&a);
    assert_eq!(status["hub_transport"], "tls");
    assert_eq!(status["insecure"], false);
    let text = ok(&a, &["status"]);
    assert!(text.contains("encrypted (TLS)"), "{text}");
    let nodes: serde_json::Value =
        serde_json::from_str(&hub.cli(&["node", "list", "--json"])).unwrap();
    let transports: Vec<&str> = nodes
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["transport"].as_str())
        .collect();
    assert_eq!(transports, ["tls", "tls"], "{nodes}");
}

#[test]
fn a_certificate_the_node_does_not_trust_is_refused_and_named() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = TestCa::new("Clinic Test CA");
    let cert = ca.issue(tmp.path(), "hub");
    let hub_dir = tmp.path().join("hub");
    std::fs::create_dir_all(&hub_dir).unwrap();
    let hub = Hub::start_with(&hub_dir, hub_env(&cert));
    let clinic = hub.clinic_add("TLS Clinic");
    let code = hub.node_add(&clinic, "desk");
    let d = tmp.path().join("n");

    // Without the CA: the system's roots do not know it.
    let o = enroll(&d, &hub.url(), &code, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(said.contains("not trusted"), "{said}");
    assert!(said.contains("unknown authority"), "{said}");
    assert!(said.contains("--ca-file"), "{said}");
    assert!(!d.join("dermis-node.db").exists() || status_json(&d)["enrolled"] == false);

    // With another CA than the one that signed the hub's certificate: the same.
    let other = TestCa::new("Somebody else's CA").write(&tmp.path().join("other.pem"));
    let o = enroll(&d, &hub.url(), &code, &["--ca-file", path(&other)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("unknown authority"), "{}", stderr(&o));

    // Enrolled with the right CA, a sync told by DERMIS_HUB_CA_FILE to trust another
    // one is refused with the problem named, and says nothing was lost.
    let right = ca.write(&tmp.path().join("ca.pem"));
    let o = enroll(&d, &hub.url(), &code, &["--ca-file", path(&right)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = cmd(&d)
        .args(["sync", "--once", "--timeout", "10"])
        .env("DERMIS_HUB_CA_FILE", &other)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("unknown authority"), "{}", stderr(&o));
    assert!(
        status_json(&d)["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("not trusted")),
        "the problem is kept for status and the app"
    );
    // A CA file that is not one is invalid input.
    let o = cmd(&d)
        .args(["sync", "--once", "--timeout", "10"])
        .env("DERMIS_HUB_CA_FILE", tmp.path().join("missing.pem"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("ca-file"), "{}", stderr(&o));
    let o = run(&d, &["sync", "--once", "--timeout", "30"]);
    assert!(
        o.status.success(),
        "the kept CA still works: {}",
        stderr(&o)
    );
}

#[test]
fn an_expired_certificate_is_refused_and_named() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = TestCa::new("Clinic Test CA");
    let ca_file = ca.write(&tmp.path().join("ca.pem"));
    let now = time::OffsetDateTime::now_utc();
    let cert = ca.issue_between(
        tmp.path(),
        "expired",
        now - time::Duration::days(400),
        now - time::Duration::days(35),
    );
    let hub_dir = tmp.path().join("hub");
    std::fs::create_dir_all(&hub_dir).unwrap();
    let hub = Hub::start_with(&hub_dir, hub_env(&cert));
    let clinic = hub.clinic_add("TLS Clinic");
    let code = hub.node_add(&clinic, "desk");
    let o = enroll(
        &tmp.path().join("n"),
        &hub.url(),
        &code,
        &["--ca-file", path(&ca_file)],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(said.contains("has expired"), "{said}");
    assert!(said.contains("valid until"), "{said}");
}

#[test]
fn a_renewed_certificate_is_used_by_new_connections_without_a_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = TestCa::new("Clinic Test CA");
    let ca_file = ca.write(&tmp.path().join("ca.pem"));
    let first = ca.issue(tmp.path(), "first");
    let live = common::tls::HubCert {
        cert: tmp.path().join("live.crt"),
        key: tmp.path().join("live.key"),
        der: first.der.clone(),
    };
    let install = |from: &common::tls::HubCert| {
        // As certbot does: new files renamed over the old ones.
        for (src, dst) in [(&from.cert, &live.cert), (&from.key, &live.key)] {
            let staged = dst.with_extension("new");
            std::fs::copy(src, &staged).unwrap();
            std::fs::rename(&staged, dst).unwrap();
        }
    };
    install(&first);

    // SIGHUP: the renewal is used at once (the periodic look is a day away).
    let hub_dir = tmp.path().join("hub");
    std::fs::create_dir_all(&hub_dir).unwrap();
    let mut env = hub_env(&live);
    env.push(("HUB_TLS_RELOAD_SECONDS".into(), "86400".into()));
    let hub = Hub::start_with(&hub_dir, env);
    let presented = || probe(&hub.addr).map(|(cert, _)| cert);
    assert_eq!(presented(), Some(first.der.clone()));
    let clinic = hub.clinic_add("TLS Clinic");
    let d = tmp.path().join("n");
    let code = hub.node_add(&clinic, "desk");
    let o = enroll(&d, &hub.url(), &code, &["--ca-file", path(&ca_file)]);
    assert!(o.status.success(), "{}", stderr(&o));

    let second = ca.issue(tmp.path(), "second");
    install(&second);
    let hangup = std::process::Command::new("kill")
        .args(["-HUP", &hub.pid().to_string()])
        .status()
        .unwrap();
    assert!(hangup.success());
    wait_until(
        Duration::from_secs(20),
        "new connections to get the renewed certificate",
        || presented() == Some(second.der.clone()),
    );
    let o = run(&d, &["sync", "--once", "--timeout", "30"]);
    assert!(o.status.success(), "sync after the renewal: {}", stderr(&o));

    // A broken renewal (a key that does not match) is not used: the hub keeps serving
    // the certificate it has.
    let third = ca.issue(tmp.path(), "third");
    std::fs::copy(&third.cert, &live.cert).unwrap();
    let hangup = std::process::Command::new("kill")
        .args(["-HUP", &hub.pid().to_string()])
        .status()
        .unwrap();
    assert!(hangup.success());
    wait_until(
        Duration::from_secs(20),
        "the hub to log the unusable renewal",
        || {
            std::fs::read_to_string(hub_dir.join("hub-test.log"))
                .is_ok_and(|log| log.contains("cannot be used"))
        },
    );
    assert_eq!(presented(), Some(second.der.clone()));
    let o = run(&d, &["sync", "--once", "--timeout", "30"]);
    assert!(o.status.success(), "still serving: {}", stderr(&o));
    drop(hub);

    // Without a signal: the periodic look at the files notices the renewal.
    let hub_dir = tmp.path().join("hub2");
    std::fs::create_dir_all(&hub_dir).unwrap();
    install(&first);
    let mut env = hub_env(&live);
    env.push(("HUB_TLS_RELOAD_SECONDS".into(), "1".into()));
    let hub = Hub::start_with(&hub_dir, env);
    let presented = || probe(&hub.addr).map(|(cert, _)| cert);
    assert_eq!(presented(), Some(first.der.clone()));
    install(&second);
    wait_until(
        Duration::from_secs(20),
        "the watched files' renewal to be used",
        || presented() == Some(second.der.clone()),
    );
}

/// The machine's address on its network (not loopback), as the route to a
/// documentation address shows it; nothing is sent.
fn network_address() -> std::net::IpAddr {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    socket.connect("198.51.100.1:9").unwrap();
    let ip = socket.local_addr().unwrap().ip();
    assert!(
        !ip.is_loopback() && !ip.is_unspecified(),
        "this machine has no network address ({ip})"
    );
    ip
}

#[test]
fn plain_http_is_for_loopback_unless_allowed_and_then_shows_as_insecure() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("n");
    // Refused before any connection: `.invalid` names never resolve, so a connection
    // attempt would fail differently (exit 1, unreachable).
    for hub in [
        "http://hub.invalid:8000",
        "hub.invalid:8000",
        "ws://10.1.2.3:8000/sync",
    ] {
        let o = enroll(&d, hub, "ABCD-EFGH", &[]);
        assert_eq!(o.status.code(), Some(2), "{hub}: {}", stderr(&o));
        let said = stderr(&o);
        assert!(said.contains("hub:") && said.contains("https://"), "{said}");
        assert!(!d.join("dermis-node.db").exists(), "nothing written");
    }

    let hub_dir = tmp.path().join("hub");
    std::fs::create_dir_all(&hub_dir).unwrap();
    let hub = Hub::start_on_all_interfaces(&hub_dir);
    let clinic = hub.clinic_add("LAN Clinic");
    let port = hub.addr.rsplit(':').next().unwrap().to_owned();
    let lan = format!("http://{}:{port}", network_address());
    let code = hub.node_add(&clinic, "desk");
    let o = enroll(&d, &lan, &code, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = enroll(&d, &lan, &code, &["--allow-insecure-http"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&d, &["sync", "--once", "--timeout", "30"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let status = status_json(&d);
    assert_eq!(status["hub_transport"], "insecure-http");
    assert_eq!(status["insecure"], true);
    let text = ok(&d, &["status"]);
    assert!(text.contains("INSECURE"), "{text}");
    let nodes: serde_json::Value =
        serde_json::from_str(&hub.cli(&["node", "list", "--json"])).unwrap();
    assert_eq!(nodes[0]["transport"], "insecure-http", "{nodes}");

    // The same node on loopback is not insecure.
    let local = tmp.path().join("local");
    let code = hub.node_add(&clinic, "server room");
    let o = enroll(&local, &hub.url(), &code, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(status_json(&local)["hub_transport"], "loopback-http");
    assert_eq!(status_json(&local)["insecure"], false);
}
