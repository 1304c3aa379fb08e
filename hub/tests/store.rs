//! Both hub stores against the sync conformance suite, durability across a reopen,
//! compaction, concurrent writers, and the clinic/node/enrollment operations.

#[allow(dead_code)]
mod common;

use std::collections::HashSet;
use std::future::Future;
use std::time::Duration;

use common::{Fixture, create_clinic, open_sqlite, tempdir};
use dermis_hub::store::{HubStore, NodeAuth, NodeStatus, NodeUpdate, SessionEnd, StoreError};
use dermis_model::{ClinicId, DocType, now_millis};
use dermis_sync::conformance::{self, Clinics, Durability, patient_doc, push, rename};
use dermis_sync::wire::{FetchItem, OutboxStats, PushOutcome};
use uuid::Uuid;

async fn empty_clinic<S: HubStore>(store: &S) -> ClinicId {
    let id = ClinicId::new();
    store
        .insert_clinic(id, "Conformance", now_millis())
        .await
        .unwrap_or_else(|e| panic!("insert clinic: {e:?}"));
    id
}

async fn conformance_suite_passes<S: HubStore>(f: Fixture<S>) {
    let mut store = f.store.clone();
    let clinics = Clinics {
        a: empty_clinic(&store).await,
        b: Some(empty_clinic(&store).await),
    };
    conformance::check_all(&mut store, clinics).await;
}

async fn many_changes_are_compacted_and_still_read_back<S: HubStore>(f: Fixture<S>) {
    let mut store = f.store.clone();
    let clinic = empty_clinic(&store).await;
    let (id, mut doc) = patient_doc(clinic, "Zero");
    let mut heads_at_10 = Vec::new();
    store
        .apply(clinic, &[push(id, DocType::Patient, doc.save())])
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    for i in 0..150 {
        let change = rename(&mut doc, &format!("Name {i}"));
        let out = store
            .apply(clinic, &[push(id, DocType::Patient, change)])
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(matches!(out[0], PushOutcome::Applied { .. }), "{out:?}");
        if i == 10 {
            heads_at_10 = doc.get_heads();
        }
    }
    let fetched = store
        .fetch(
            clinic,
            &[
                FetchItem {
                    doc_id: id,
                    have: Vec::new(),
                },
                FetchItem {
                    doc_id: id,
                    have: heads_at_10.clone(),
                },
            ],
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let (Some(full), Some(delta)) = (&fetched[0], &fetched[1]) else {
        panic!("missing: {fetched:?}")
    };
    let loaded = automerge::AutoCommit::load(&full.data).unwrap_or_else(|e| panic!("{e}"));
    let patient = dermis_model::patient::read_patient(&loaded).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(patient.first_name, "Name 149");
    let mut old = doc.fork_at(&heads_at_10).unwrap_or_else(|e| panic!("{e}"));
    old.load_incremental(&delta.data)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(old.get_heads().len(), doc.get_heads().len());
    assert_eq!(store.latest_seq(clinic).await.ok(), Some(151));
}

/// A node one or two changes behind is answered from the change rows after its version
/// (recorded with each row), and ends at the stored version.
async fn a_node_behind_by_some_changes_gets_what_follows_its_version<S: HubStore>(f: Fixture<S>) {
    let mut store = f.store.clone();
    let clinic = empty_clinic(&store).await;
    let (id, mut doc) = patient_doc(clinic, "Ana");
    store
        .apply(clinic, &[push(id, DocType::Patient, doc.save())])
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let mut versions = Vec::new();
    for name in ["Anna", "Annie", "Anya"] {
        let change = rename(&mut doc, name);
        store
            .apply(clinic, &[push(id, DocType::Patient, change)])
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        versions.push(doc.get_heads());
    }
    for have in &versions[..2] {
        let fetched = store
            .fetch(
                clinic,
                &[FetchItem {
                    doc_id: id,
                    have: have.clone(),
                }],
            )
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        let Some(Some(delta)) = fetched.first() else {
            panic!("missing: {fetched:?}")
        };
        assert!(!delta.full);
        let mut behind = doc.fork_at(have).unwrap_or_else(|e| panic!("{e}"));
        behind
            .load_incremental(&delta.data)
            .unwrap_or_else(|e| panic!("{e}"));
        let (mut got, mut want) = (behind.get_heads(), doc.get_heads());
        got.sort();
        want.sort();
        assert_eq!(got, want);
        let patient =
            dermis_model::patient::read_patient(&behind).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(patient.first_name, "Anya");
    }
}

/// Two handles (two pools, two SQLite connections) write one document at once: every
/// change lands, and the seqs they get are distinct and in commit order.
async fn concurrent_writers_serialise<S: HubStore>(first: S, second: S) {
    let clinic = empty_clinic(&first).await;
    let (id, mut doc) = patient_doc(clinic, "Shared");
    let mut writer = first.clone();
    writer
        .apply(clinic, &[push(id, DocType::Patient, doc.save())])
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let mut tasks = Vec::new();
    for (w, handle) in [first.clone(), second.clone()].into_iter().enumerate() {
        let mut fork = doc.fork().with_actor(automerge::ActorId::random());
        tasks.push(tokio::spawn(async move {
            let mut handle = handle;
            let mut seqs = Vec::new();
            for i in 0..20 {
                let change = rename(&mut fork, &format!("writer {w} edit {i}"));
                let out = handle
                    .apply(clinic, &[push(id, DocType::Patient, change)])
                    .await
                    .unwrap_or_else(|e| panic!("{e:?}"));
                match &out[0] {
                    PushOutcome::Applied { seq, .. } => seqs.push(*seq),
                    other => panic!("{other:?}"),
                }
            }
            (seqs, fork)
        }));
    }
    let mut all = HashSet::new();
    for task in tasks {
        let (seqs, fork) = task.await.unwrap_or_else(|e| panic!("{e}"));
        assert!(
            seqs.windows(2).all(|w| w[0] < w[1]),
            "one writer's seqs increase"
        );
        all.extend(seqs);
        doc.merge(&mut fork.clone())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(all.len(), 40, "every change got its own seq");
    let mut reader = second.clone();
    assert_eq!(reader.latest_seq(clinic).await.ok(), Some(41));
    let page = reader
        .changed_since(clinic, 0, 10)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let mut expected = doc.get_heads();
    expected.sort();
    assert_eq!(
        page.entries[0].heads, expected,
        "the hub holds both writers' changes"
    );
}

async fn clinics_nodes_and_enrollment<S: HubStore>(f: Fixture<S>) {
    let mut store = f.store.clone();
    let now = now_millis();
    let clinic = create_clinic(&store, "Skin & Co").await;
    assert_eq!(
        store.latest_seq(clinic).await.ok(),
        Some(1),
        "the clinic document is seq 1"
    );
    let page = store
        .changed_since(clinic, 0, 10)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(page.entries.len(), 1);
    assert_eq!(
        (page.entries[0].doc_id, page.entries[0].doc_type.as_str()),
        (clinic.0, "clinic")
    );
    let fetched = store
        .fetch(
            clinic,
            &[FetchItem {
                doc_id: clinic.0,
                have: Vec::new(),
            }],
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let doc = fetched[0]
        .as_ref()
        .map(|d| automerge::AutoCommit::load(&d.data));
    let Some(Ok(doc)) = doc else {
        panic!("clinic document: {fetched:?}")
    };
    let read = dermis_model::clinic::read_clinic(&doc).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read.name, "Skin & Co");
    assert!(matches!(
        store.create_clinic("  ", now).await,
        Err(StoreError::Invalid { .. })
    ));

    let other = create_clinic(&store, "Other").await;
    let add = |clinic, name: &'static str, hash: &'static str, expires| {
        let store = store.clone();
        async move { store.add_node(clinic, name, hash, expires, now).await }
    };
    let first = add(clinic, "Desk", "h1", now + 60_000)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let second = add(clinic, "Room 2", "h2", now + 60_000)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let elsewhere = add(other, "Desk", "h3", now + 60_000)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let expired = add(clinic, "Late", "h4", now - 1)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        (
            first.number,
            second.number,
            elsewhere.number,
            expired.number
        ),
        (1, 2, 1, 3)
    );
    assert!(matches!(
        add(ClinicId::new(), "Nowhere", "h5", now + 1).await,
        Err(StoreError::UnknownClinic { .. })
    ));

    let enrolled = store
        .enroll("h1", "Desk PC", "t1", now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let enrolled = enrolled.unwrap_or_else(|| panic!("a fresh code enrolls"));
    assert_eq!(
        (enrolled.node_id, enrolled.clinic_id, enrolled.node_number),
        (first.id, clinic, 1)
    );
    assert_eq!(enrolled.clinic_name, "Skin & Co");
    assert_eq!(
        store.enroll("h1", "Again", "t9", now).await.ok(),
        Some(None),
        "codes work once"
    );
    assert_eq!(
        store.enroll("h4", "Late", "t4", now).await.ok(),
        Some(None),
        "expired"
    );
    assert_eq!(
        store.enroll("nope", "X", "t5", now).await.ok(),
        Some(None),
        "unknown"
    );
    let auth = store
        .authenticate("t1", now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        auth.map(|a| (a.node_id, a.clinic_id, a.status)),
        Some((first.id, clinic, NodeStatus::Active))
    );
    assert_eq!(store.authenticate("t9", now).await.ok(), Some(None));

    // Revoked before enrolling: the code is dead.
    assert_eq!(store.revoke_node(second.id, now).await.ok(), Some(true));
    assert_eq!(
        store.enroll("h2", "Room 2", "t2", now).await.ok(),
        Some(None)
    );
    assert_eq!(
        store.revoke_node(Uuid::now_v7(), now).await.ok(),
        Some(false)
    );
    let inactive = store
        .inactive_among(&[first.id, second.id, Uuid::nil()])
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(inactive, vec![second.id, Uuid::nil()]);

    // Sessions and reports show on the node's row.
    let session = store
        .session_started(first.id, now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let update = NodeUpdate {
        app_version: Some("node 1.2".into()),
        cursor: Some(7),
        outbox: Some(OutboxStats {
            count: 2,
            bytes: 300,
            oldest_age_ms: 5000,
        }),
        last_error: Some(Some("disk full".into())),
        synced: true,
        delivered: Some(9),
    };
    store
        .update_node(first.id, &update, now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let row = common::node_row(&store, first.id).await;
    assert!(row.online);
    assert_eq!(
        (
            row.app_version.as_deref(),
            row.cursor,
            row.outbox_count,
            row.outbox_bytes,
            row.outbox_oldest_age_ms
        ),
        (Some("node 1.2"), 7, 2, 300, 5000)
    );
    assert_eq!(row.last_error.as_deref(), Some("disk full"));
    assert_eq!(row.delivered_seq, 9);
    assert_eq!(
        (row.status, row.enrolled_name.as_deref()),
        ("active", Some("Desk PC"))
    );
    assert!(row.last_sync_at.is_some());
    let end = SessionEnd {
        frames_in: 3,
        close_code: Some(4005),
        ..SessionEnd::default()
    };
    store
        .session_ended(session, first.id, &end, now + 1)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(!common::node_row(&store, first.id).await.online);
    let seqs = store
        .latest_seqs(&[clinic, other])
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(seqs.len(), 2);
    assert!(seqs.iter().all(|(_, seq)| *seq == 1));
}

/// Ended sessions older than the cutoff go, a batch per statement, oldest first; open
/// sessions and newer ones stay, and the node page's list still shows them.
async fn old_sync_sessions_are_pruned_in_batches<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    let clinic = create_clinic(&store, "Prune").await;
    let now = now_millis();
    let node = store
        .add_node(clinic, "Desk", "prune-code", now + 60_000, now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let day = 86_400_000;
    let session = |started: i64, ended: Option<i64>, error: &str| {
        let store = store.clone();
        let error = error.to_owned();
        async move {
            let id = store
                .session_started(node.id, started)
                .await
                .unwrap_or_else(|e| panic!("{e:?}"));
            if let Some(ended) = ended {
                let end = SessionEnd {
                    error: Some(error),
                    ..SessionEnd::default()
                };
                store
                    .session_ended(id, node.id, &end, ended)
                    .await
                    .unwrap_or_else(|e| panic!("{e:?}"));
            }
            id
        }
    };
    // Seven sessions that ended 100 days ago or more, one that ended yesterday, one
    // that started 200 days ago and is still open.
    for i in 0..7 {
        session(now - (120 - i) * day, Some(now - (100 + i) * day), "old").await;
    }
    let recent = session(now - day - 5, Some(now - day), "recent").await;
    let open = session(now - 200 * day, None, "").await;
    let count = |store: S| async move {
        store
            .node_sessions(node.id, 100)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
    };
    assert_eq!(count(store.clone()).await.len(), 9);

    let cutoff = dermis_hub::server::housekeeping::cutoff(now, Duration::from_secs(90 * 86_400));
    // One statement deletes at most its batch.
    assert_eq!(store.prune_sessions(cutoff, 3).await.ok(), Some(3));
    assert_eq!(count(store.clone()).await.len(), 6);
    // The loop deletes the rest, three at a time, and stops.
    let pruned = dermis_hub::server::housekeeping::prune_sessions(&store, cutoff, 3).await;
    assert_eq!(pruned.ok(), Some(4));
    let left = count(store.clone()).await;
    let ids: HashSet<i64> = left.iter().map(|s| s.id).collect();
    assert_eq!(ids, HashSet::from([recent, open]), "{left:?}");
    assert!(left.iter().all(|s| s.error.as_deref() != Some("old")));
    assert!(common::node_row(&store, node.id).await.online, "still open");
    // Nothing more to do.
    assert_eq!(store.prune_sessions(cutoff, 3).await.ok(), Some(0));
    let stats = store.stats().await.unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(stats.sessions, 2);
}

/// A session gathers its node's status and writes it once (`STATUS_EVERY`): the merged
/// update leaves the row as writing each update in turn does.
async fn a_merged_status_update_writes_what_the_sequence_would<S: HubStore>(f: Fixture<S>) {
    let store = f.store;
    let clinic = create_clinic(&store, "Status").await;
    let now = now_millis();
    let mut nodes = Vec::new();
    for code in ["status-one", "status-all"] {
        let node = store
            .add_node(clinic, code, code, now + 60_000, now)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        let hash = format!("{code}-token");
        let enrolled = store.enroll(code, code, &hash, now).await;
        assert!(enrolled.unwrap_or_else(|e| panic!("{e:?}")).is_some());
        nodes.push(node.id);
    }
    let outbox = |count| OutboxStats {
        count,
        bytes: count * 100,
        oldest_age_ms: count * 10,
    };
    // What a session sees: the hello, deliveries, cursors, reports that clear an error.
    let sequence = [
        NodeUpdate {
            app_version: Some("node 2.0".into()),
            cursor: Some(3),
            outbox: Some(outbox(4)),
            ..NodeUpdate::default()
        },
        NodeUpdate {
            delivered: Some(8),
            ..NodeUpdate::default()
        },
        NodeUpdate {
            last_error: Some(Some("disk full".into())),
            outbox: Some(outbox(2)),
            ..NodeUpdate::default()
        },
        NodeUpdate {
            cursor: Some(8),
            synced: true,
            ..NodeUpdate::default()
        },
        NodeUpdate {
            cursor: Some(8),
            outbox: Some(outbox(0)),
            last_error: Some(None),
            ..NodeUpdate::default()
        },
        NodeUpdate {
            delivered: Some(9),
            ..NodeUpdate::default()
        },
    ];
    let mut merged = NodeUpdate::default();
    for update in &sequence {
        store
            .update_node(nodes[0], update, now)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        merged.merge(update.clone());
    }
    store
        .update_node(nodes[1], &merged, now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let status = |row: dermis_hub::store::NodeInfo| {
        (
            row.app_version,
            row.cursor,
            (row.outbox_count, row.outbox_bytes, row.outbox_oldest_age_ms),
            row.last_error,
            row.delivered_seq,
            row.last_sync_at,
        )
    };
    let one_by_one = status(common::node_row(&store, nodes[0]).await);
    assert_eq!(
        one_by_one,
        (Some("node 2.0".into()), 8, (0, 0, 0), None, 9, Some(now))
    );
    assert_eq!(status(common::node_row(&store, nodes[1]).await), one_by_one);
}

on_both_stores!(
    a_merged_status_update_writes_what_the_sequence_would,
    conformance_suite_passes,
    many_changes_are_compacted_and_still_read_back,
    a_node_behind_by_some_changes_gets_what_follows_its_version,
    clinics_nodes_and_enrollment,
    old_sync_sessions_are_pruned_in_batches,
    audit_pages_show_every_entry_once_even_within_one_millisecond,
    receipt_links_are_kept_once_and_checked_per_workstation,
);

/// The projector keeps each chained receipt's link once (a ledger read twice adds
/// nothing), per workstation; the chain check over them finds an entry whose content did
/// not match its hash, and a gap.
async fn receipt_links_are_kept_once_and_checked_per_workstation<S: HubStore>(f: Fixture<S>) {
    use dermis_hub::store::hooks::DocProjection;
    use dermis_hub::webhooks::events::ReceiptLink;
    use dermis_model::ledger::chain::{self, BreakKind, GENESIS, Link};
    let store = &f.store;
    let clinic = create_clinic(store, "Receipts").await;
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    let link = |node: Uuid, seq: i64, prev: &str, ok: bool| ReceiptLink {
        sale_id: format!("{node}-{seq}"),
        node_id: node.to_string(),
        link: Link {
            seq,
            receipt: format!("N1-{seq:06}"),
            prev_hash: prev.into(),
            hash: format!("h{seq}"),
            content_ok: ok,
        },
    };
    let receipts = vec![
        link(a, 1, GENESIS, true),
        link(a, 2, "h1", true),
        link(b, 1, GENESIS, true),
        link(b, 2, "h1", false),
        link(b, 4, "h3", true),
    ];
    for seq in 1..=2 {
        let projection = DocProjection {
            doc_id: Uuid::now_v7(),
            doc_type: "ledger".into(),
            seq,
            events: vec![],
            stock: vec![],
            conflicts: vec![],
            audit: vec![],
            receipts: receipts.clone(),
            rows: None,
            derivation: None,
        };
        store
            .commit_projection(clinic, seq - 1, seq, &[projection], now_millis())
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
    }
    let of_a = store
        .receipt_links(a)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(of_a.len(), 2, "kept once: {of_a:?}");
    let ra = chain::verify_links(dermis_model::NodeId(a), &of_a);
    assert!(ra.intact, "{ra:?}");
    assert_eq!(ra.last_receipt.as_deref(), Some("N1-000002"));
    let of_b = store
        .receipt_links(b)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let rb = chain::verify_links(dermis_model::NodeId(b), &of_b);
    let broken = rb.broken.map(|x| (x.receipt, x.kind));
    assert_eq!(broken, Some(("N1-000002".into(), BreakKind::Edited)));
    let none = store
        .receipt_links(Uuid::now_v7())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(none.is_empty());
}

/// `/admin/audit` pages back with (time, id) of the last entry shown: 250 entries
/// recorded in the same millisecond come out over three pages, each exactly once.
async fn audit_pages_show_every_entry_once_even_within_one_millisecond<S: HubStore>(f: Fixture<S>) {
    use dermis_hub::store::hooks::{AuditQuery, DocProjection};
    use dermis_model::audit::{AuditAction, AuditEntry, AuditTarget};
    let store = &f.store;
    let clinic = create_clinic(store, "Audit Paging").await;
    let at = 1_800_000_000_000;
    let audit: Vec<AuditEntry> = (0..250)
        .map(|i| AuditEntry {
            id: format!("entry-{i:03}"),
            at,
            user: "anna".into(),
            user_id: None,
            node_id: dermis_model::NodeId::new(),
            action: AuditAction::View,
            target: AuditTarget {
                kind: "patient".into(),
                id: format!("chart-{i}"),
                patient: None,
            },
            reason: None,
        })
        .collect();
    let projection = DocProjection {
        doc_id: Uuid::now_v7(),
        doc_type: "ledger".into(),
        seq: 1,
        events: vec![],
        stock: vec![],
        conflicts: vec![],
        audit,
        receipts: vec![],
        rows: None,
        derivation: None,
    };
    store
        .commit_projection(clinic, 0, 1, &[projection], now_millis())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let mut seen = Vec::new();
    let mut query = AuditQuery {
        clinic: Some(clinic),
        limit: 100,
        ..AuditQuery::default()
    };
    for _ in 0..4 {
        let page = store
            .audit_entries(None, &query)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        let Some(last) = page.last() else { break };
        query.before = Some(last.at);
        query.before_id = Some(last.id.clone());
        seen.extend(page.into_iter().map(|e| e.id));
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (250, 250), "each entry once");
    assert_eq!(
        seen.first().map(String::as_str),
        Some("entry-249"),
        "newest first"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_durability_across_reopen() {
    let Some(db) = common::TestDb::create().await else {
        return;
    };
    let store = db.store().await;
    let clinic = empty_clinic(&store).await;
    let mut writer = store.clone();
    let written = Durability::write(&mut writer, clinic).await;
    store.pool().close().await;
    drop((store, writer));
    let mut reopened = db.store().await;
    written.verify(&mut reopened).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_durability_across_reopen() {
    let dir = tempdir();
    let store = open_sqlite(dir.path());
    let clinic = empty_clinic(&store).await;
    let mut writer = store.clone();
    let written = Durability::write(&mut writer, clinic).await;
    drop((store, writer));
    let mut reopened = open_sqlite(dir.path());
    written.verify(&mut reopened).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_concurrent_writers_serialise() {
    let Some(db) = common::TestDb::create().await else {
        return;
    };
    concurrent_writers_serialise(db.store().await, db.store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_concurrent_writers_serialise() {
    let dir = tempdir();
    concurrent_writers_serialise(open_sqlite(dir.path()), open_sqlite(dir.path())).await;
}

/// A node enrolled with token hash `current`, and the `enroll` time.
async fn enrolled_node<S: HubStore>(store: &S, current: &str) -> (Uuid, i64) {
    let clinic = create_clinic(store, "Tokens").await;
    let now = now_millis();
    let node = store
        .add_node(clinic, "Desk", "token-code", now + 60_000, now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let enrolled = store
        .enroll("token-code", "Desk PC", current, now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(enrolled.is_some());
    (node.id, now)
}

/// `n` token checks with `token_hash`, each finished in time while another connection
/// holds a lock that any write would wait for: they write nothing. Returns the last.
async fn checks_without_writing<S: HubStore>(store: &S, token_hash: &str, n: usize) -> NodeAuth {
    let mut last = None;
    for _ in 0..n {
        let check = store.authenticate(token_hash, now_millis());
        let auth = tokio::time::timeout(Duration::from_secs(5), check)
            .await
            .unwrap_or_else(|_| panic!("a token check waited for the write lock"))
            .unwrap_or_else(|e| panic!("a token check failed: {e:?}"));
        last = auth;
    }
    last.unwrap_or_else(|| panic!("the token was not accepted"))
}

/// The rotation story under a held write lock: the current token is checked again and
/// again without a write; the next token's first use writes (and is checked with the
/// lock released), then its further uses write nothing either.
async fn token_checks_write_only_on_a_new_tokens_first_use<S, L, F>(store: S, lock: L)
where
    S: HubStore,
    L: Fn() -> F,
    F: Future<Output = Box<dyn std::any::Any + Send>>,
{
    let (node, enrolled_at) = enrolled_node(&store, "current-hash").await;
    let held = lock().await;
    let auth = checks_without_writing(&store, "current-hash", 100).await;
    assert_eq!(auth.node_id, node);
    assert_eq!(auth.token_issued_at, Some(enrolled_at), "nothing rewritten");
    drop(held);

    assert_eq!(
        store
            .offer_node_token(node, "next-hash", now_millis())
            .await
            .ok(),
        Some(true)
    );
    let held = lock().await;
    // Offered but not yet used: both tokens are read without a write.
    let auth = checks_without_writing(&store, "current-hash", 20).await;
    assert_eq!(auth.token_issued_at, Some(enrolled_at));
    drop(held);

    // The first use of the next token writes: it becomes the token.
    let first_use = now_millis() + 1;
    let promoted = store
        .authenticate("next-hash", first_use)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .unwrap_or_else(|| panic!("the next token was refused"));
    assert_eq!(promoted.token_issued_at, Some(first_use));
    assert_eq!(
        store.authenticate("current-hash", now_millis()).await.ok(),
        Some(None),
        "the token before it stopped working"
    );
    let held = lock().await;
    let auth = checks_without_writing(&store, "next-hash", 100).await;
    assert_eq!(auth.token_issued_at, Some(first_use), "promoted once");
    drop(held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_token_checks_write_only_on_a_new_tokens_first_use() {
    let dir = tempdir();
    let path = dir.path().join("hub.db");
    let store = open_sqlite(dir.path());
    // Another process writing the file: its write transaction stays open while held.
    let lock = || {
        let path = path.clone();
        async move {
            let conn = rusqlite::Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
            conn.execute_batch("BEGIN IMMEDIATE")
                .unwrap_or_else(|e| panic!("{e}"));
            Box::new(std::sync::Mutex::new(conn)) as Box<dyn std::any::Any + Send>
        }
    };
    token_checks_write_only_on_a_new_tokens_first_use(store, lock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_token_checks_write_only_on_a_new_tokens_first_use() {
    let Some(db) = common::TestDb::create().await else {
        return;
    };
    let url = db.url.clone();
    // A transaction holding a lock that every UPDATE of `nodes` waits for, and no read.
    let lock = || {
        let url = url.clone();
        async move {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&url)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            sqlx::raw_sql("BEGIN; LOCK TABLE nodes IN SHARE MODE")
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            Box::new(conn) as Box<dyn std::any::Any + Send>
        }
    };
    token_checks_write_only_on_a_new_tokens_first_use(db.store().await, lock).await;
}
