//! The node's SQLite store passes the same conformance suites as every other store (the
//! document store's, and the node sync store's as the in-memory node store does), and
//! keeps what it stored across a close and reopen.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

use automerge::{AutoCommit, ChangeHash};
use dermis_model::{ClinicId, DocId, DocType, Millis};
use dermis_node::node::Node;
use dermis_node::store::{StoreError, queries};
use dermis_node::sync::state;
use dermis_sync::conformance::node::{NodeFixture, check_node_store};
use dermis_sync::conformance::{Clinics, Durability, check_all};
use dermis_sync::store::{ApplyFailure, NodeSyncStore, OutgoingDoc, PushAck};
use dermis_sync::wire::{DocData, FetchItem, IndexEntry, OutboxStats};
use uuid::Uuid;

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

/// The node as the sync suite sees it: its `NodeSyncStore`, plus local writes made the
/// way the app makes them (a store transaction, so they enter the outbox).
struct NodeUnderTest(Node);

impl NodeSyncStore for NodeUnderTest {
    type Error = StoreError;

    async fn outbox_batch(
        &mut self,
        max_docs: usize,
        max_bytes: usize,
    ) -> Result<Vec<OutgoingDoc>, StoreError> {
        self.0.outbox_batch(max_docs, max_bytes).await
    }

    async fn push_acked(&mut self, acks: &[PushAck]) -> Result<(), StoreError> {
        self.0.push_acked(acks).await
    }

    async fn plan_fetch(&mut self, entries: &[IndexEntry]) -> Result<Vec<FetchItem>, StoreError> {
        self.0.plan_fetch(entries).await
    }

    async fn apply_docs(
        &mut self,
        clinic: ClinicId,
        docs: &[DocData],
        cursor: Option<u64>,
    ) -> Result<Vec<ApplyFailure>, StoreError> {
        self.0.apply_docs(clinic, docs, cursor).await
    }

    async fn cursor(&mut self) -> Result<u64, StoreError> {
        NodeSyncStore::cursor(&mut self.0).await
    }

    async fn outbox_stats(&mut self, now: Millis) -> Result<OutboxStats, StoreError> {
        self.0.outbox_stats(now).await
    }

    async fn store_token(&mut self, token: &str) -> Result<(), StoreError> {
        self.0.store_token(token).await
    }
}

impl NodeFixture for NodeUnderTest {
    fn clinic(&self) -> ClinicId {
        self.0.identity.clinic_id
    }

    fn now(&self) -> Millis {
        dermis_node::node::now()
    }

    async fn create_local(&mut self, id: Uuid, doc_type: DocType, doc: AutoCommit) {
        let mut tx = self.0.store.begin(dermis_node::node::now()).unwrap();
        tx.insert(DocId(id), doc_type, doc).unwrap();
        tx.commit().unwrap();
    }

    async fn rename_local(&mut self, id: Uuid, name: &str) {
        let mut tx = self.0.store.begin(dermis_node::node::now()).unwrap();
        let doc = tx.edit(DocId(id)).unwrap().expect("the document exists");
        dermis_model::doc::put_str(doc, &automerge::ROOT, "first_name", name).unwrap();
        tx.commit().unwrap();
    }

    async fn heads_of(&mut self, id: Uuid) -> Option<Vec<ChangeHash>> {
        let (_, mut heads) = self.0.store.doc_heads(DocId(id)).unwrap()?;
        heads.sort();
        Some(heads)
    }

    async fn parked(&mut self, id: Uuid) -> Option<String> {
        queries::refused_docs(self.0.store.conn())
            .unwrap()
            .into_iter()
            .find(|r| r.doc_id == id.to_string())
            .map(|r| r.reason)
    }

    async fn token(&mut self) -> Option<String> {
        state::get(self.0.store.conn(), state::HUB_TOKEN).unwrap()
    }
}

#[test]
fn the_node_sync_store_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::init(dir.path(), "Sync conformance", "Desk").unwrap();
    let mut node = NodeUnderTest(node);
    block_on(check_node_store(&mut node));
}
