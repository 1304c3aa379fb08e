//! The node's SQLite store passes the same conformance suite as every other store, and
//! keeps what it stored across a close and reopen.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

use dermis_node::node::Node;
use dermis_sync::conformance::{Clinics, Durability, check_all};

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(f)
}

#[test]
fn the_node_store_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let mut node = Node::init(dir.path(), "Conformance", "Desk").unwrap();
    let clinic = node.identity.clinic_id;
    block_on(check_all(&mut node, Clinics { a: clinic, b: None }));
}

#[test]
fn the_node_store_is_durable_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let mut node = Node::init(dir.path(), "Durable", "Desk").unwrap();
    let clinic = node.identity.clinic_id;
    let written = block_on(Durability::write(&mut node, clinic));
    drop(node);
    let mut reopened = Node::open(dir.path()).unwrap();
    block_on(written.verify(&mut reopened));
}
