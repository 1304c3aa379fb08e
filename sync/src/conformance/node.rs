//! The conformance suite every [`NodeSyncStore`] passes: the node's SQLite store and the
//! in-memory store of the simulation. It checks the rules the node engine relies on —
//! outbox versions (an edit made while a push is in flight stays queued), `NeedFull`
//! (the next push is the whole document), parked refusals (skipped until edited again,
//! also a document too large for one frame), fetch planning from what the hub is known to
//! have, applying the hub's documents all-or-nothing with the cursor, and the token.
//!
//! The checks panic with a description of what broke, like assertions in a test.

use std::future::Future;

use automerge::{AutoCommit, ChangeHash};
use dermis_model::{ClinicId, DocType, Millis};
use uuid::Uuid;

use super::{patient_doc, rename};
use crate::store::{NodeSyncStore, OutgoingDoc, PushAck};
use crate::wire::{DocData, ErrorCode, FetchItem, IndexEntry, PushOutcome};

/// A node store under test: what the engine sees ([`NodeSyncStore`]) plus what the app
/// does to it (local writes) and what `status` shows of it. Local writes go through the
/// store's own write path, so they enter the outbox as an edit in the app would.
pub trait NodeFixture: NodeSyncStore {
    /// The clinic the store belongs to.
    fn clinic(&self) -> ClinicId;
    /// The time the store stamps its outbox entries with now.
    fn now(&self) -> Millis;
    /// Stores a new document written on this node.
    fn create_local(
        &mut self,
        id: Uuid,
        doc_type: DocType,
        doc: AutoCommit,
    ) -> impl Future<Output = ()>;
    /// Edits a stored document on this node: its `first_name` becomes `name`.
    fn rename_local(&mut self, id: Uuid, name: &str) -> impl Future<Output = ()>;
    /// A stored document's heads, sorted (`None`: no such document).
    fn heads_of(&mut self, id: Uuid) -> impl Future<Output = Option<Vec<ChangeHash>>>;
    /// Why a document is parked (refused, or too large for a frame), while it is.
    fn parked(&mut self, id: Uuid) -> impl Future<Output = Option<String>>;
    /// The hub token the store keeps.
    fn token(&mut self) -> impl Future<Output = Option<String>>;
}

const BIG: usize = 8 * 1024 * 1024;

fn sorted(mut heads: Vec<ChangeHash>) -> Vec<ChangeHash> {
    heads.sort();
    heads
}

async fn batch<S: NodeFixture>(
    store: &mut S,
    max_docs: usize,
    max_bytes: usize,
) -> Vec<OutgoingDoc> {
    store
        .outbox_batch(max_docs, max_bytes)
        .await
        .unwrap_or_else(|e| panic!("outbox_batch: {e}"))
}

async fn ack<S: NodeFixture>(store: &mut S, doc: &OutgoingDoc, outcome: PushOutcome) {
    let ack = PushAck {
        doc_id: doc.push.doc_id,
        version: doc.version,
        heads: doc.heads.clone(),
        outcome,
    };
    store
        .push_acked(&[ack])
        .await
        .unwrap_or_else(|e| panic!("push_acked: {e}"));
}

fn applied(seq: u64, doc: &OutgoingDoc) -> PushOutcome {
    PushOutcome::Applied {
        seq,
        heads: doc.heads.clone(),
    }
}

async fn outbox_count<S: NodeFixture>(store: &mut S) -> u64 {
    let now = store.now();
    store
        .outbox_stats(now)
        .await
        .unwrap_or_else(|e| panic!("outbox_stats: {e}"))
        .count
}

async fn cursor<S: NodeFixture>(store: &mut S) -> u64 {
    store
        .cursor()
        .await
        .unwrap_or_else(|e| panic!("cursor: {e}"))
}

/// The one outgoing document of `id` in a batch with room for everything.
async fn outgoing<S: NodeFixture>(store: &mut S, id: Uuid, what: &str) -> OutgoingDoc {
    batch(store, 1000, BIG)
        .await
        .into_iter()
        .find(|d| d.push.doc_id == id)
        .unwrap_or_else(|| panic!("{what}: the document is not in the outbox batch"))
}

/// Runs every check on a store. The store may already hold documents (a new node holds
/// its clinic document); the checks first push and settle whatever its outbox holds.
pub async fn check_node_store<S: NodeFixture>(store: &mut S) {
    let clinic = store.clinic();
    let mut seq = 1_000;

    // Whatever is queued goes, and an `Applied` ack clears it.
    for _ in 0..100 {
        let docs = batch(store, 1000, BIG).await;
        if docs.is_empty() {
            break;
        }
        for d in &docs {
            seq += 1;
            ack(store, d, applied(seq, d)).await;
        }
    }
    assert_eq!(
        outbox_count(store).await,
        0,
        "acked documents leave the outbox"
    );
    let start = store.now();
    let stats = store
        .outbox_stats(start)
        .await
        .unwrap_or_else(|e| panic!("outbox_stats: {e}"));
    assert_eq!(
        (stats.count, stats.bytes, stats.oldest_age_ms),
        (0, 0, 0),
        "an empty outbox has no figures"
    );

    // A new document goes whole, at its heads.
    let (id, doc) = patient_doc(clinic, "Nadia");
    store.create_local(id, DocType::Patient, doc).await;
    let first = outgoing(store, id, "a new document").await;
    assert_eq!(first.push.doc_type, "patient");
    let local = store
        .heads_of(id)
        .await
        .unwrap_or_else(|| panic!("the created document is not stored"));
    assert_eq!(
        sorted(first.heads.clone()),
        local,
        "the push carries the node's heads"
    );
    // What the hub holds of the document: every push it applied.
    let mut hub = AutoCommit::load(&first.push.data)
        .unwrap_or_else(|e| panic!("a new document's push does not load: {e}"));
    assert_eq!(
        sorted(hub.get_heads()),
        local,
        "and it is the whole document"
    );
    // The edit was stamped between `start` and `edited`: five seconds after `edited`,
    // its age is at least five seconds and at most that plus the time the edit took.
    let edited = store.now();
    let stats = store
        .outbox_stats(edited + 5_000)
        .await
        .unwrap_or_else(|e| panic!("outbox_stats: {e}"));
    assert_eq!(stats.count, 1, "one document waits");
    assert!(stats.bytes > 0, "its bytes are counted");
    let age = stats.oldest_age_ms;
    let took = u64::try_from(edited - start).unwrap_or(0);
    assert!(
        (5_000..=5_000 + took).contains(&age),
        "its age counts from the edit: {age} ms, edit took {took} ms"
    );

    // An edit while the push is in flight: the ack clears only the version pushed.
    store.rename_local(id, "Nadia K").await;
    seq += 1;
    ack(store, &first, applied(seq, &first)).await;
    assert_eq!(outbox_count(store).await, 1, "the newer edit stays queued");
    let second = outgoing(store, id, "the edit made in flight").await;
    assert_ne!(second.version, first.version, "a new edit is a new version");
    hub.load_incremental(&second.push.data)
        .unwrap_or_else(|e| panic!("the next push does not apply on the acked heads: {e}"));
    assert_eq!(
        sorted(hub.get_heads()),
        sorted(second.heads.clone()),
        "what the hub confirmed plus the next push is the node's document"
    );
    assert!(
        second.push.data.len() < first.push.data.len(),
        "after an ack only the changes since go"
    );
    seq += 1;
    ack(store, &second, applied(seq, &second)).await;
    assert_eq!(
        outbox_count(store).await,
        0,
        "acked at its version: cleared"
    );

    // NeedFull: the hub lacks history, so the next push is the whole document.
    store.rename_local(id, "Nadia Kh").await;
    let partial = outgoing(store, id, "an edit").await;
    ack(store, &partial, PushOutcome::NeedFull).await;
    let full = outgoing(store, id, "after NeedFull").await;
    let mut reloaded = AutoCommit::load(&full.push.data)
        .unwrap_or_else(|e| panic!("the push after NeedFull does not load alone: {e}"));
    assert_eq!(
        sorted(reloaded.get_heads()),
        sorted(full.heads.clone()),
        "after NeedFull the whole document goes"
    );
    seq += 1;
    ack(store, &full, applied(seq, &full)).await;
    hub = reloaded;
    let hub_heads = sorted(full.heads.clone());

    // A refusal parks the document, with the hub's message, until it is edited again.
    store.rename_local(id, "Refused").await;
    let refused = outgoing(store, id, "an edit to be refused").await;
    ack(
        store,
        &refused,
        PushOutcome::Rejected {
            code: ErrorCode::InvalidDocument,
            message: "first_name is not allowed".into(),
        },
    )
    .await;
    assert!(
        batch(store, 1000, BIG)
            .await
            .iter()
            .all(|d| d.push.doc_id != id),
        "a parked document is not pushed again"
    );
    let reason = store.parked(id).await.unwrap_or_default();
    assert!(
        reason.contains("first_name is not allowed"),
        "the hub's reason is kept: {reason:?}"
    );
    assert_eq!(
        outbox_count(store).await,
        1,
        "a parked document still counts as unsynced"
    );
    store.rename_local(id, "Accepted").await;
    assert_eq!(store.parked(id).await, None, "an edit unparks it");
    let again = outgoing(store, id, "the edit after a refusal").await;
    // A refusal of an older version does not park the newer one.
    store.rename_local(id, "Accepted again").await;
    ack(
        store,
        &again,
        PushOutcome::Rejected {
            code: ErrorCode::InvalidDocument,
            message: "stale".into(),
        },
    )
    .await;
    assert_eq!(
        store.parked(id).await,
        None,
        "a stale refusal parks nothing"
    );
    let latest = outgoing(store, id, "the newest edit").await;
    hub.load_incremental(&latest.push.data)
        .unwrap_or_else(|e| panic!("the push does not apply on the hub's version: {e}"));
    seq += 1;
    ack(store, &latest, applied(seq, &latest)).await;
    let hub_heads_now = sorted(latest.heads.clone());
    assert_ne!(hub_heads, hub_heads_now);

    // Batches keep to their limits, and one document alone over what a frame carries
    // is parked as `frame_too_large` instead of ending every session.
    let mut small = Vec::new();
    for name in ["Oleg", "Petra", "Quinn"] {
        let (other, d) = patient_doc(clinic, name);
        store.create_local(other, DocType::Patient, d).await;
        small.push(other);
    }
    assert_eq!(
        batch(store, 2, BIG).await.len(),
        2,
        "at most max_docs documents"
    );
    let one = batch(store, 1000, BIG).await;
    let first_len = one.first().map_or(0, |d| d.push.data.len());
    let limited = batch(store, 1000, first_len).await;
    assert_eq!(
        limited.len(),
        1,
        "at most max_bytes of data (one document here)"
    );
    let fits_none = batch(store, 1000, 16).await;
    assert!(fits_none.is_empty(), "nothing fits 16 bytes: {fits_none:?}");
    for other in &small {
        let reason = store.parked(*other).await.unwrap_or_default();
        assert!(
            reason.starts_with(ErrorCode::FrameTooLarge.as_str()),
            "a document over the frame is parked as frame_too_large: {reason:?}"
        );
    }
    for (i, other) in small.iter().enumerate() {
        store.rename_local(*other, &format!("Edited {i}")).await;
    }
    let resent = batch(store, 1000, BIG).await;
    assert_eq!(
        resent.len(),
        3,
        "edited again, they go again (the limit may be raised)"
    );
    for d in &resent {
        seq += 1;
        ack(store, d, applied(seq, d)).await;
    }
    assert_eq!(outbox_count(store).await, 0);

    // Planning a fetch from the hub's change log.
    let before_cursor = cursor(store).await;
    let (new_id, mut new_doc) = patient_doc(clinic, "Remote");
    assert_eq!(sorted(hub.get_heads()), hub_heads_now);
    let entries = vec![
        IndexEntry {
            doc_id: id,
            doc_type: "patient".into(),
            seq: seq + 1,
            heads: hub_heads_now.clone(),
        },
        IndexEntry {
            doc_id: new_id,
            doc_type: "patient".into(),
            seq: seq + 2,
            heads: sorted(new_doc.get_heads()),
        },
    ];
    let items = store
        .plan_fetch(&entries)
        .await
        .unwrap_or_else(|e| panic!("plan_fetch: {e}"));
    assert_eq!(
        items,
        vec![FetchItem {
            doc_id: new_id,
            have: Vec::new(),
        }],
        "a document already at the hub's heads needs no fetch; an unknown one is fetched whole"
    );

    // Another node's change to a document held here: fetched from what the hub has.
    let mut elsewhere = hub.fork();
    let remote_change = rename(&mut elsewhere, "Renamed elsewhere");
    let remote_heads = sorted(elsewhere.get_heads());
    let items = store
        .plan_fetch(&[IndexEntry {
            doc_id: id,
            doc_type: "patient".into(),
            seq: seq + 3,
            heads: remote_heads.clone(),
        }])
        .await
        .unwrap_or_else(|e| panic!("plan_fetch: {e}"));
    assert_eq!(
        items,
        vec![FetchItem {
            doc_id: id,
            have: hub_heads_now.clone(),
        }],
        "a changed document is fetched from the heads the hub confirmed"
    );

    // Applying the hub's documents moves the cursor with them.
    let docs = vec![
        DocData {
            doc_id: id,
            doc_type: "patient".into(),
            seq: seq + 3,
            heads: remote_heads.clone(),
            full: false,
            data: remote_change,
        },
        DocData {
            doc_id: new_id,
            doc_type: "patient".into(),
            seq: seq + 2,
            heads: sorted(new_doc.get_heads()),
            full: true,
            data: new_doc.save(),
        },
    ];
    let target = before_cursor + 50;
    let failures = store
        .apply_docs(clinic, &docs, Some(target))
        .await
        .unwrap_or_else(|e| panic!("apply_docs: {e}"));
    assert!(
        failures.is_empty(),
        "the hub's documents apply: {failures:?}"
    );
    assert_eq!(cursor(store).await, target, "the cursor moves with them");
    let merged = store.heads_of(id).await.unwrap_or_default();
    assert_eq!(merged, remote_heads, "the remote change is stored");
    assert_eq!(
        store.heads_of(new_id).await,
        Some(sorted(new_doc.get_heads())),
        "the new document is stored"
    );
    assert_eq!(
        outbox_count(store).await,
        0,
        "documents from the hub are not pushed back"
    );
    let settled = store
        .plan_fetch(&[IndexEntry {
            doc_id: id,
            doc_type: "patient".into(),
            seq: seq + 3,
            heads: remote_heads.clone(),
        }])
        .await
        .unwrap_or_else(|e| panic!("plan_fetch: {e}"));
    assert!(settled.is_empty(), "nothing left to fetch once applied");

    // A local edit after it goes as the changes on top of the hub's version.
    store.rename_local(id, "Edited here").await;
    let mine = outgoing(store, id, "an edit on top of a fetched change").await;
    let mut hub_view = elsewhere.fork();
    hub_view
        .load_incremental(&mine.push.data)
        .unwrap_or_else(|e| panic!("the push does not apply on the hub's version: {e}"));
    assert_eq!(sorted(hub_view.get_heads()), sorted(mine.heads.clone()));
    seq += 10;
    ack(store, &mine, applied(seq, &mine)).await;

    // A batch with a document that cannot apply moves no cursor; the cursor never goes back.
    let (bad_id, _) = patient_doc(clinic, "Bad");
    let (foreign_id, mut foreign) = patient_doc(ClinicId::new(), "Foreign");
    let failures = store
        .apply_docs(
            clinic,
            &[
                DocData {
                    doc_id: bad_id,
                    doc_type: "patient".into(),
                    seq: seq + 1,
                    heads: Vec::new(),
                    full: true,
                    data: b"\x85\x6f\x4a\x83 not automerge".to_vec(),
                },
                DocData {
                    doc_id: foreign_id,
                    doc_type: "patient".into(),
                    seq: seq + 2,
                    heads: sorted(foreign.get_heads()),
                    full: true,
                    data: foreign.save(),
                },
            ],
            Some(target + 100),
        )
        .await
        .unwrap_or_else(|e| panic!("apply_docs: {e}"));
    let mut codes: Vec<(Uuid, ErrorCode)> = failures.iter().map(|f| (f.doc_id, f.code)).collect();
    codes.sort_by_key(|(id, _)| *id);
    let mut expected = vec![
        (bad_id, ErrorCode::InvalidDocument),
        (foreign_id, ErrorCode::Forbidden),
    ];
    expected.sort_by_key(|(id, _)| *id);
    assert_eq!(codes, expected, "each failure is reported with its code");
    assert_eq!(
        cursor(store).await,
        target,
        "a failed batch does not move the cursor"
    );
    assert_eq!(
        store.heads_of(bad_id).await,
        None,
        "nothing of it is stored"
    );
    assert_eq!(
        store.heads_of(foreign_id).await,
        None,
        "nor another clinic's document"
    );
    let failures = store
        .apply_docs(clinic, &[], Some(before_cursor))
        .await
        .unwrap_or_else(|e| panic!("apply_docs: {e}"));
    assert!(failures.is_empty());
    assert_eq!(cursor(store).await, target, "the cursor never goes back");

    // The hub's new token is kept.
    store
        .store_token("token-2")
        .await
        .unwrap_or_else(|e| panic!("store_token: {e}"));
    assert_eq!(store.token().await.as_deref(), Some("token-2"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::now_or_never;
    use crate::memory::MemoryNodeStore;

    /// The in-memory store's clock is the suite's: a fixed instant.
    const NOW: Millis = 1_700_000_000_000;

    impl NodeFixture for MemoryNodeStore {
        fn clinic(&self) -> ClinicId {
            self.clinic
        }

        fn now(&self) -> Millis {
            NOW
        }

        async fn create_local(&mut self, id: Uuid, doc_type: DocType, doc: AutoCommit) {
            self.create(id, doc_type, doc, NOW);
        }

        async fn rename_local(&mut self, id: Uuid, name: &str) {
            let edited = self.edit(id, NOW, |doc| {
                let _ = rename(doc, name);
            });
            assert!(edited.is_some(), "rename of an unknown document");
        }

        async fn heads_of(&mut self, id: Uuid) -> Option<Vec<ChangeHash>> {
            self.heads().remove(&id)
        }

        async fn parked(&mut self, id: Uuid) -> Option<String> {
            self.rejected(id).map(str::to_owned)
        }

        async fn token(&mut self) -> Option<String> {
            self.token.clone()
        }
    }

    #[test]
    fn the_memory_node_store_conforms() {
        let mut store = MemoryNodeStore::new(ClinicId::new());
        now_or_never(check_node_store(&mut store)).expect("in-memory futures never wait");
    }
}
