//! Group commit on both hub stores: pushes that reach the store together are written in
//! one transaction, and still each is judged, written or refused on its own — a stale
//! plan, a failing plan, a malformed or forged push never takes its group's others down,
//! and two nodes' concurrent pushes of one document both land (Automerge merge).

#[allow(dead_code)]
mod common;

use std::time::Instant;

use common::{WITHIN, open_sqlite, tempdir};
use dermis_hub::store::rules::HubRules;
use dermis_hub::store::{GroupCommit, HubStore};
use dermis_model::{ClinicId, DocType, now_millis};
use dermis_sync::chunks::DocLimits;
use dermis_sync::conformance::{patient_doc, push, rename};
use dermis_sync::plan::{Plan, plan_apply};
use dermis_sync::wire::{DocPush, FetchItem, PushOutcome};
use uuid::Uuid;

async fn empty_clinic<S: HubStore>(store: &S) -> ClinicId {
    let id = ClinicId::new();
    store
        .insert_clinic(id, "Group commit", now_millis())
        .await
        .unwrap_or_else(|e| panic!("insert clinic: {e:?}"));
    id
}

/// A plan inserting a document the store does not have (as read: nothing).
fn insert_plan(clinic: ClinicId, pushed: &DocPush) -> Plan {
    plan_apply(
        clinic,
        std::slice::from_ref(pushed),
        Default::default(),
        DocLimits::default(),
        &HubRules,
        &dermis_sync::plan::DocCache::off(),
    )
    .unwrap_or_else(|e| panic!("plan: {e}"))
}

fn applied_seq(outcomes: &[PushOutcome]) -> u64 {
    match outcomes {
        [PushOutcome::Applied { seq, .. }] => *seq,
        other => panic!("expected one Applied, got {other:?}"),
    }
}

/// One group holding a good plan, a stale one, one that fails (its clinic does not
/// exist) and another good one: the good two commit with consecutive seqs, the stale one
/// writes nothing, the failing one fails alone; one transaction in all.
async fn a_group_writes_and_refuses_each_plan_alone<S: HubStore + GroupCommit>(store: S) {
    let clinic = empty_clinic(&store).await;
    let mut writer = store.clone();
    let (a, mut doc_a) = patient_doc(clinic, "A");
    let (b, mut doc_b) = patient_doc(clinic, "B");
    let nowhere = ClinicId::new();
    let (c, mut doc_c) = patient_doc(nowhere, "C");
    let (d, mut doc_d) = patient_doc(clinic, "D");
    let push_b = push(b, DocType::Patient, doc_b.save());
    let stale = insert_plan(clinic, &push_b);
    // Someone else creates b first: the plan made on "absent" is stale.
    writer
        .apply(clinic, &[push_b])
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let before_seq = writer.latest_seq(clinic).await.unwrap_or(0);
    let (groups, plans) = store.group_stats();
    let results = store
        .commit_group(vec![
            (
                clinic,
                insert_plan(clinic, &push(a, DocType::Patient, doc_a.save())),
            ),
            (clinic, stale),
            (
                nowhere,
                insert_plan(nowhere, &push(c, DocType::Patient, doc_c.save())),
            ),
            (
                clinic,
                insert_plan(clinic, &push(d, DocType::Patient, doc_d.save())),
            ),
        ])
        .await;
    assert_eq!(results.len(), 4);
    let seq_a = match &results[0] {
        Ok(Some(out)) => applied_seq(out),
        other => panic!("a: {other:?}"),
    };
    assert!(matches!(results[1], Ok(None)), "b: {:?}", results[1]);
    assert!(results[2].is_err(), "c: {:?}", results[2]);
    let seq_d = match &results[3] {
        Ok(Some(out)) => applied_seq(out),
        other => panic!("d: {other:?}"),
    };
    assert_eq!(
        (seq_a, seq_d),
        (before_seq + 1, before_seq + 2),
        "consecutive"
    );
    assert_eq!(writer.latest_seq(clinic).await.ok(), Some(before_seq + 2));
    assert_eq!(
        store.group_stats(),
        (groups + 1, plans + 4),
        "one transaction for the four plans"
    );
    let fetched = writer
        .fetch(
            clinic,
            &[a, b, d].map(|doc_id| FetchItem {
                doc_id,
                have: Vec::new(),
            }),
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(fetched.iter().all(Option::is_some), "a, b and d are stored");
    let lost = writer
        .fetch(
            nowhere,
            &[FetchItem {
                doc_id: c,
                have: Vec::new(),
            }],
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(lost[0].is_none(), "nothing of the failed plan was written");
}

/// Twenty handles push at once, round after round: own documents, a malformed push, a
/// forged one (a patient's id pushed as the clinic document), and two nodes editing one
/// document. Each gets its own answer, and the store is seen grouping them.
async fn concurrent_pushes_are_grouped_and_judged_alone<S: HubStore + GroupCommit>(store: S) {
    let clinic = empty_clinic(&store).await;
    let mut writer = store.clone();
    let mut docs = Vec::new();
    for i in 0..17 {
        docs.push(patient_doc(clinic, &format!("Own {i}")));
    }
    let (shared, mut shared_doc) = patient_doc(clinic, "Shared");
    let mut first: Vec<DocPush> = docs
        .iter_mut()
        .map(|(id, doc)| push(*id, DocType::Patient, doc.save()))
        .collect();
    first.push(push(shared, DocType::Patient, shared_doc.save()));
    writer
        .apply(clinic, &first)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let (groups_at_start, plans_at_start) = store.group_stats();
    let started = Instant::now();
    let mut round = 0;
    loop {
        round += 1;
        let mut tasks = Vec::new();
        for (i, (id, doc)) in docs.iter_mut().enumerate() {
            let pushed = if i == 0 {
                // Not Automerge at all.
                push(
                    Uuid::now_v7(),
                    DocType::Patient,
                    vec![0x85, 0x6f, 0x4a, 0x83],
                )
            } else if i == 1 {
                // A patient's id and bytes, claimed to be the clinic document.
                push(
                    *id,
                    DocType::Clinic,
                    rename(doc, &format!("forged {round}")),
                )
            } else {
                push(
                    *id,
                    DocType::Patient,
                    rename(doc, &format!("round {round}")),
                )
            };
            let mut handle = store.clone();
            tasks.push((
                i,
                tokio::spawn(async move { handle.apply(clinic, &[pushed]).await }),
            ));
        }
        let mut forks = Vec::new();
        for w in 0..2 {
            let mut fork = shared_doc.fork().with_actor(automerge::ActorId::random());
            let change = rename(&mut fork, &format!("node {w} round {round}"));
            let mut handle = store.clone();
            tasks.push((
                100 + w,
                tokio::spawn(async move {
                    handle
                        .apply(clinic, &[push(shared, DocType::Patient, change)])
                        .await
                }),
            ));
            forks.push(fork);
        }
        for (i, task) in tasks {
            let out = task
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap_or_else(|e| panic!("push {i}: {e:?}"));
            match (i, &out[..]) {
                (0 | 1, [PushOutcome::Rejected { .. }]) => {}
                (0 | 1, other) => panic!("push {i} must be refused: {other:?}"),
                (_, [PushOutcome::Applied { .. }]) => {}
                (_, other) => panic!("push {i} must land: {other:?}"),
            }
        }
        for mut fork in forks {
            shared_doc
                .merge(&mut fork)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let stored = writer
            .fetch(
                clinic,
                &[FetchItem {
                    doc_id: shared,
                    have: Vec::new(),
                }],
            )
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        let stored = stored[0].clone().unwrap_or_else(|| panic!("shared"));
        let mut expected = shared_doc.get_heads();
        expected.sort();
        assert_eq!(stored.heads, expected, "both nodes' edits merged");
        let (groups, plans) = store.group_stats();
        let (groups, plans) = (groups - groups_at_start, plans - plans_at_start);
        assert!(plans >= 17 * round, "{plans} plans after {round} rounds");
        if groups < plans {
            break;
        }
        assert!(
            started.elapsed() < WITHIN,
            "no two pushes were ever written together in {round} rounds"
        );
    }
}

/// A batch large enough to be planned in parts at once (a node's first push): every push
/// gets its own answer in the batch's order, a malformed and a forged push among them
/// are refused alone, and every applied document is stored under its own seq. A batch
/// naming one document twice (planned part after part) applies both, in order.
async fn a_large_batch_answers_every_push_in_order<S: HubStore>(mut store: S) {
    let clinic = empty_clinic(&store).await;
    let mut docs: Vec<(Uuid, automerge::AutoCommit)> = (0..150)
        .map(|i| patient_doc(clinic, &format!("Batch {i}")))
        .collect();
    let mut batch: Vec<DocPush> = docs
        .iter_mut()
        .map(|(id, doc)| push(*id, DocType::Patient, doc.save()))
        .collect();
    batch[70] = push(
        Uuid::now_v7(),
        DocType::Patient,
        vec![0x85, 0x6f, 0x4a, 0x83],
    );
    batch[120].doc_type = DocType::Clinic.as_str().into();
    let outcomes = store
        .apply(clinic, &batch)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(outcomes.len(), batch.len(), "one answer per push");
    let mut seqs = std::collections::HashSet::new();
    for (i, outcome) in outcomes.iter().enumerate() {
        match (i, outcome) {
            (70 | 120, PushOutcome::Rejected { .. }) => {}
            (70 | 120, other) => panic!("push {i} must be refused: {other:?}"),
            (_, PushOutcome::Applied { seq, .. }) => {
                assert!(seqs.insert(*seq), "push {i}: seq {seq} given twice");
            }
            (_, other) => panic!("push {i} must land: {other:?}"),
        }
    }
    let items: Vec<FetchItem> = docs
        .iter()
        .map(|(id, _)| FetchItem {
            doc_id: *id,
            have: Vec::new(),
        })
        .collect();
    let stored = store
        .fetch(clinic, &items)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    for (i, ((_, doc), stored)) in docs.iter_mut().zip(&stored).enumerate() {
        match (i, stored) {
            (70 | 120, None) => {}
            (70 | 120, Some(_)) => panic!("refused push {i} was stored"),
            (_, Some(stored)) => {
                let mut heads = doc.get_heads();
                heads.sort();
                assert_eq!(stored.heads, heads, "push {i} stored whole");
            }
            (_, None) => panic!("applied push {i} is not stored"),
        }
    }

    // One document twice in a large batch: its rename after its first push.
    let mut again: Vec<DocPush> = docs[..100]
        .iter_mut()
        .enumerate()
        .filter(|(i, _)| *i != 70)
        .map(|(i, (id, doc))| push(*id, DocType::Patient, rename(doc, &format!("Again {i}"))))
        .collect();
    let (twice, twice_doc) = &mut docs[5];
    let last = rename(twice_doc, "Twice");
    again.push(push(*twice, DocType::Patient, last));
    let outcomes = store
        .apply(clinic, &again)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(outcomes.len(), again.len());
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, PushOutcome::Applied { .. })),
        "{outcomes:?}"
    );
    let stored = store
        .fetch(
            clinic,
            &[FetchItem {
                doc_id: *twice,
                have: Vec::new(),
            }],
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let mut heads = twice_doc.get_heads();
    heads.sort();
    let stored = stored[0].clone().unwrap_or_else(|| panic!("twice"));
    assert_eq!(stored.heads, heads, "both of its pushes applied, in order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_large_batch_answers_every_push_in_order() {
    let dir = tempdir();
    a_large_batch_answers_every_push_in_order(open_sqlite(dir.path())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_large_batch_answers_every_push_in_order() {
    let Some(db) = common::TestDb::create().await else {
        return;
    };
    a_large_batch_answers_every_push_in_order(db.store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_group_writes_and_refuses_each_plan_alone() {
    let dir = tempdir();
    a_group_writes_and_refuses_each_plan_alone(open_sqlite(dir.path())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_group_writes_and_refuses_each_plan_alone() {
    let Some(db) = common::TestDb::create().await else {
        return;
    };
    a_group_writes_and_refuses_each_plan_alone(db.store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_concurrent_pushes_are_grouped_and_judged_alone() {
    let dir = tempdir();
    concurrent_pushes_are_grouped_and_judged_alone(open_sqlite(dir.path())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_concurrent_pushes_are_grouped_and_judged_alone() {
    let Some(db) = common::TestDb::create().await else {
        return;
    };
    concurrent_pushes_are_grouped_and_judged_alone(db.store().await).await;
}
