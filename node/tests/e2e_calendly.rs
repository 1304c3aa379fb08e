//! A Calendly booking reaches a workstation: a real `dermis-hub` process with a Calendly
//! signing key receives a signed `invitee.created` delivery over HTTP, writes the
//! appointment into the clinic's change log, and a real `dermis-node` process gets it by
//! `sync --once` and lists it with `appointment list --json`; the cancellation follows
//! the same way.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use common::hub::Hub;
use common::ok;
use sha2::{Digest, Sha256};

const KEY: &[u8] = b"e2e-calendly-key";

/// HMAC-SHA256 (RFC 2104) with `sha2` alone, as Calendly computes it.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

fn signature(body: &str) -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mac = hmac_sha256(KEY, format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac))
}

/// POSTs a signed delivery over a plain socket; returns (status, body).
fn deliver(addr: &str, clinic: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "POST /api/integrations/calendly/{clinic} HTTP/1.1\r\nHost: {addr}\r\n\
         Content-Type: application/json\r\nCalendly-Webhook-Signature: {}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        signature(body),
        body.len()
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned());
    (status, body.unwrap_or_default())
}

fn delivery(event: &str) -> String {
    serde_json::json!({
        "event": event,
        "payload": {
            "uri": "https://api.calendly.com/scheduled_events/E2E/invitees/I2E",
            "name": "Nora Petrosyan",
            "email": "nora@example.am",
            "scheduled_event": {
                "name": "Acne follow-up",
                "start_time": "2026-12-02T09:00:00Z",
                "end_time": "2026-12-02T09:20:00Z"
            }
        }
    })
    .to_string()
}

fn appointments(node: &Path) -> serde_json::Value {
    let text = ok(
        node,
        &[
            "appointment",
            "list",
            "--from",
            "2026-12-01",
            "--days",
            "7",
            "--json",
        ],
    );
    serde_json::from_str(&text).unwrap()
}

#[test]
fn a_calendly_booking_and_its_cancellation_reach_the_node_by_sync() {
    let tmp = tempfile::tempdir().unwrap();
    let hub_dir = tmp.path().join("hub");
    std::fs::create_dir_all(&hub_dir).unwrap();
    let key = String::from_utf8(KEY.to_vec()).unwrap();
    let hub = Hub::start_with(&hub_dir, vec![("CALENDLY_WEBHOOK_SIGNING_KEY".into(), key)]);
    let clinic = hub.clinic_add("Calendly Clinic");
    let node = tmp.path().join("node");
    let code = hub.node_add(&clinic, "Front desk");
    ok(
        &node,
        &[
            "enroll",
            "--hub",
            &hub.url(),
            "--code",
            &code,
            "--node-name",
            "Front desk",
        ],
    );

    let (status, answer) = deliver(&hub.addr, &clinic, &delivery("invitee.created"));
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains("\"created\""), "{answer}");
    ok(&node, &["sync", "--once", "--timeout", "60"]);
    let listed = appointments(&node);
    let rows = listed.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{listed}");
    assert_eq!(rows[0]["title"], "Acne follow-up");
    assert_eq!(rows[0]["invitee_name"], "Nora Petrosyan");
    assert_eq!(rows[0]["source"], "calendly");
    assert_eq!(rows[0]["status"], "scheduled");

    let (status, answer) = deliver(&hub.addr, &clinic, &delivery("invitee.canceled"));
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains("\"canceled\""), "{answer}");
    ok(&node, &["sync", "--once", "--timeout", "60"]);
    let listed = appointments(&node);
    assert_eq!(listed[0]["status"], "canceled", "{listed}");
}
