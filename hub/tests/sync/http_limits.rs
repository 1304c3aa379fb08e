//! What one HTTP client can hold (`dermis_hub::server::http`), attacked over real
//! sockets: a slowloris client is cut at the header timeout while others are served;
//! connections over the cap (global and per address) are closed at once and the hub
//! serves again when they go; an oversized head gets 431; an oversized body 413 with the
//! hub's error body whether or not it declares its length, and writes nothing; a handler
//! slower than the request timeout answers 503 `timeout`; a sync session outlives the
//! request timeout.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::common::node::TestNode;
use super::common::{Fixture, TestHub, create_clinic, enroll, http, options};
use crate::on_both_stores;
use dermis_hub::server::http::HttpLimits;
use dermis_hub::store::HubStore;

const LONG: Duration = Duration::from_secs(3600);

fn limits() -> HttpLimits {
    HttpLimits {
        max_connections: 16,
        max_per_address: 8,
        header_timeout: Duration::from_millis(800),
        request_timeout: Duration::from_millis(1500),
        max_header_bytes: 16 * 1024,
        max_body_bytes: 8 * 1024,
    }
}

async fn hub_with<S: HubStore>(f: &Fixture<S>, limits: HttpLimits) -> TestHub {
    let mut opts = options(f.dir.path(), LONG);
    opts.http = limits;
    TestHub::start(f.store.clone(), opts).await
}

/// Reads until the peer closes (or `within` passes): what it said.
async fn read_to_close(stream: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let read = tokio::time::timeout(within, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok().map(|()| out)
}

async fn healthz_ok(hub: &TestHub) -> bool {
    http()
        .get(hub.http("/api/healthz"))
        .send()
        .await
        .is_ok_and(|r| r.status().as_u16() == 200)
}

async fn a_slowloris_client_is_cut_while_others_are_served<S: HubStore>(f: Fixture<S>) {
    let hub = hub_with(&f, limits()).await;
    let mut slow = TcpStream::connect(hub.addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    slow.write_all(b"GET /api/healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Dribbles a header byte at a time, never ending the head; the hub answers others.
    let dribble = async {
        for _ in 0..200 {
            if slow.write_all(b"X").await.is_err() {
                return true;
            }
            assert!(healthz_ok(&hub).await, "others are served meanwhile");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    };
    let cut = tokio::time::timeout(Duration::from_secs(20), dribble).await;
    assert_eq!(cut.ok(), Some(true), "the slow client was cut");
    hub.stop().await;
}

async fn connections_over_the_caps_are_closed_and_the_hub_recovers<S: HubStore>(f: Fixture<S>) {
    let hub = hub_with(
        &f,
        HttpLimits {
            header_timeout: LONG,
            ..limits()
        },
    )
    .await;
    // Idle connections from this address up to its cap.
    let mut held = Vec::new();
    for _ in 0..8 {
        held.push(
            TcpStream::connect(hub.addr)
                .await
                .unwrap_or_else(|e| panic!("{e}")),
        );
    }
    // Held connections are admitted: each answers a request.
    let first = &mut held[0];
    first
        .write_all(b"GET /api/healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut buf = [0u8; 12];
    first
        .read_exact(&mut buf)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&buf, b"HTTP/1.1 200");
    // One more from the same address is closed without an answer.
    let mut extra = TcpStream::connect(hub.addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let _ = extra
        .write_all(b"GET /api/healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let said = read_to_close(&mut extra, Duration::from_secs(10)).await;
    assert_eq!(said, Some(Vec::new()), "closed at once, nothing said");
    drop(held);
    // Once they are gone, the address is served again.
    super::common::eventually("the hub to serve this address again", || async {
        healthz_ok(&hub).await
    })
    .await;
    assert!(metric(&hub).await >= 1.0, "counted in /metrics");
    hub.stop().await;
}

async fn metric(hub: &TestHub) -> f64 {
    // /metrics answers loopback clients; the refused connection was counted already.
    let text = http()
        .get(hub.http("/metrics"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    text.lines()
        .find_map(|l| {
            l.strip_prefix("dermis_http_connections_refused_total ")?
                .parse()
                .ok()
        })
        .unwrap_or(0.0)
}

async fn raw_request(hub: &TestHub, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(hub.addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let _ = stream.write_all(request).await;
    let said = read_to_close(&mut stream, Duration::from_secs(10))
        .await
        .unwrap_or_default();
    String::from_utf8_lossy(&said).into_owned()
}

async fn oversized_heads_and_bodies_are_refused_and_write_nothing<S: HubStore>(f: Fixture<S>) {
    let hub = hub_with(&f, limits()).await;
    let huge = "a".repeat(40 * 1024);
    let head = raw_request(
        &hub,
        format!(
            "GET /api/healthz HTTP/1.1\r\nHost: x\r\nX-Big: {huge}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )
    .await;
    assert!(
        head.starts_with("HTTP/1.1 431"),
        "{}",
        head.lines().next().unwrap_or_default()
    );

    // Declared too large: refused from its length, with the hub's error body.
    let body = "x".repeat(20 * 1024);
    let declared = raw_request(
        &hub,
        format!(
            "POST /api/enroll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
    .await;
    assert!(declared.starts_with("HTTP/1.1 413"), "{declared}");
    assert!(declared.contains("\"error\":\"too_large\""), "{declared}");
    // Chunked, no length: refused while read, the same answer.
    let chunk = format!("{:x}\r\n{body}\r\n0\r\n\r\n", body.len());
    let chunked = raw_request(
        &hub,
        format!(
            "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{chunk}"
        )
        .as_bytes(),
    )
    .await;
    assert!(chunked.starts_with("HTTP/1.1 413"), "{chunked}");
    assert!(chunked.contains("\"error\":\"too_large\""), "{chunked}");
    // Nothing was written: no node was enrolled, no admin signed in.
    assert!(f.store.list_nodes().await.is_ok_and(|n| n.is_empty()));
    hub.stop().await;
}

async fn a_body_that_never_ends_times_out_and_sync_outlives_the_request_timeout<S: HubStore>(
    f: Fixture<S>,
) {
    let hub = hub_with(&f, limits()).await;
    let clinic = create_clinic(&f.store, "Timeouts").await;
    // A sync session stays up well past the request timeout.
    let node = TestNode::new(&enroll(&f.store, &hub, clinic, "Desk").await);
    let mut link = node.connect(&hub.ws()).await;
    link.caught_up_after(0).await;
    // A JSON body that promises more than it sends: the handler waits for it and the
    // request timeout answers.
    let mut stream = TcpStream::connect(hub.addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    stream
        .write_all(b"POST /api/enroll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"code\":")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let said = read_to_close(&mut stream, Duration::from_secs(10))
        .await
        .unwrap_or_default();
    let said = String::from_utf8_lossy(&said);
    assert!(said.starts_with("HTTP/1.1 503"), "{said}");
    assert!(said.contains("\"error\":\"timeout\""), "{said}");
    // The session was open before that request began, a request timeout ago: it is
    // still open and still syncs.
    assert!(
        link.is_open(),
        "the sync session outlived the request timeout"
    );
    let patient = node.create_patient("Still here").await;
    link.changed();
    super::common::eventually("the edit to reach the hub", || async {
        super::common::hub_heads(&f.store, clinic)
            .await
            .contains_key(&patient)
    })
    .await;
    hub.stop().await;
}

on_both_stores!(
    a_slowloris_client_is_cut_while_others_are_served,
    connections_over_the_caps_are_closed_and_the_hub_recovers,
    oversized_heads_and_bodies_are_refused_and_write_nothing,
    a_body_that_never_ends_times_out_and_sync_outlives_the_request_timeout,
);
