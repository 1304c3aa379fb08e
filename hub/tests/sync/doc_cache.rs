//! The hub's document cache (issue 12), on both stores: a document pushed and then
//! changed is planned from the copy the first push kept instead of being loaded from its
//! rows again, and what is stored is the node's document all the same. With the cache
//! off (`HUB_DOC_CACHE_MB=0`) nothing is copied.

use std::time::Duration;

use crate::on_both_stores;
use dermis_hub::store::HubStore;
use dermis_model::DocType;
use dermis_sync::conformance::{patient_doc, push, rename};
use dermis_sync::wire::{ClientMsg, DocPush};

use super::common::{Fixture, TestHub, create_clinic, enroll, hub_heads, metric, options, raw};

const LONG: Duration = Duration::from_secs(3600);
const WITHIN: Duration = Duration::from_secs(60);

/// Pushes `docs` as `batch` and waits for every one to be applied.
async fn pushed(socket: &mut raw::Socket, batch: u64, docs: Vec<DocPush>) {
    raw::send(socket, &ClientMsg::Push { batch, docs }).await;
    raw::applied(socket, batch, WITHIN).await;
}

/// Pushes a patient and three renames of it; returns how many stored documents the hub
/// copied from its cache meanwhile.
async fn cache_hits_over_edits<S: HubStore>(f: Fixture<S>, cache_mb: usize) -> f64 {
    let store = f.store.clone();
    let mut opts = options(f.dir.path(), LONG);
    opts.pool.doc_cache_bytes = cache_mb << 20;
    let hub = TestHub::start(f.store.clone(), opts).await;
    let clinic = create_clinic(&store, "Cached").await;
    let node = enroll(&store, &hub, clinic, "Front desk").await;
    let mut socket = raw::open(&hub.ws(), Some(&node.token))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    raw::handshake(&mut socket, node.node_id).await;
    let (id, mut doc) = patient_doc(clinic, "Ana");
    pushed(&mut socket, 1, vec![push(id, DocType::Patient, doc.save())]).await;
    let before = metric(&hub, "dermis_doc_cache_hits_total").await;
    for (batch, name) in [(2, "Anna"), (3, "Anya"), (4, "Annie")] {
        let change = rename(&mut doc, name);
        pushed(&mut socket, batch, vec![push(id, DocType::Patient, change)]).await;
    }
    let hits = metric(&hub, "dermis_doc_cache_hits_total").await - before;
    let mut stored = hub_heads(&store, clinic).await.remove(&id).expect("stored");
    let mut heads = doc.get_heads();
    stored.sort();
    heads.sort();
    assert_eq!(stored, heads, "the stored document is the node's");
    drop(socket);
    hub.stop().await;
    hits
}

async fn each_edit_of_a_document_is_planned_from_the_cache<S: HubStore>(f: Fixture<S>) {
    let hits = cache_hits_over_edits(f, 64).await;
    assert!(hits >= 3.0, "one copy per rename at least: {hits}");
}

async fn with_the_cache_off_every_document_is_loaded<S: HubStore>(f: Fixture<S>) {
    assert_eq!(cache_hits_over_edits(f, 0).await, 0.0);
}

on_both_stores!(
    each_edit_of_a_document_is_planned_from_the_cache,
    with_the_cache_off_every_document_is_loaded,
);
