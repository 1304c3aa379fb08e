//! The index derivations the projector keeps for revision 6 bootstrap frames: each
//! document's is the node's own (`dermis_model::derivation::derive` on the document as
//! stored), answered only at the heads it was read at, removed with an erased patient's
//! rows, and rebuilt by `reproject`.

use automerge::ChangeHash;
use dermis_hub::store::HubStore;
use dermis_hub::webhooks::projector::reproject_clinic;
use dermis_model::ClinicId;
use dermis_sync::wire::FetchItem;
use uuid::Uuid;

use super::common::Fixture;
use super::docs::{DAY, T0};
use super::{Clock, world};

/// Each document's heads and the derivation the node would write its index from.
async fn expected<S: HubStore>(
    s: &S,
    c: ClinicId,
    ids: &[Uuid],
) -> Vec<(Uuid, Vec<ChangeHash>, Vec<u8>)> {
    let items: Vec<FetchItem> = ids
        .iter()
        .map(|id| FetchItem {
            doc_id: *id,
            have: Vec::new(),
        })
        .collect();
    let fetched = s
        .clone()
        .fetch(c, &items)
        .await
        .unwrap_or_else(|e| panic!("fetch: {e}"));
    fetched
        .into_iter()
        .map(|d| {
            let d = d.unwrap_or_else(|| panic!("every document is stored"));
            let doc_type = dermis_model::DocType::parse(&d.doc_type)
                .unwrap_or_else(|| panic!("{}", d.doc_type));
            let mut doc = automerge::AutoCommit::load(&d.data).unwrap_or_else(|e| panic!("{e}"));
            let record =
                dermis_model::doc::read_record(&doc, doc_type).unwrap_or_else(|e| panic!("{e}"));
            let derivation = dermis_model::derivation::derive(&mut doc, &record)
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap_or_else(|| panic!("not a clinic"));
            (
                d.doc_id,
                d.heads,
                dermis_model::derivation::codec::encode(&derivation),
            )
        })
        .collect()
}

async fn stored<S: HubStore>(
    s: &S,
    c: ClinicId,
    asked: &[(Uuid, Vec<ChangeHash>)],
) -> Vec<Option<Vec<u8>>> {
    s.clone()
        .derivations(c, asked)
        .await
        .unwrap_or_else(|e| panic!("derivations: {e}"))
}

pub async fn the_hub_keeps_each_documents_derivation_at_its_heads<S: HubStore>(f: Fixture<S>) {
    let clock = Clock::new();
    let s = &f.store;
    let w = world(s, &clock).await;
    let c = w.clinic;
    let ids = [w.elodie, w.ivan, w.product, w.appointment];
    let want = expected(s, c, &ids).await;
    let asked: Vec<(Uuid, Vec<ChangeHash>)> =
        want.iter().map(|(id, h, _)| (*id, h.clone())).collect();
    let got = stored(s, c, &asked).await;
    for ((id, _, bytes), got) in want.iter().zip(&got) {
        assert_eq!(got.as_ref(), Some(bytes), "document {id}");
    }
    // Other heads (a document that moved on, or a node's stale page): none.
    let stale: Vec<(Uuid, Vec<ChangeHash>)> = ids
        .iter()
        .map(|id| (*id, vec![ChangeHash([1; 32])]))
        .collect();
    assert!(stored(s, c, &stale).await.iter().all(Option::is_none));
    // Another clinic's question finds nothing.
    assert!(
        stored(s, ClinicId::new(), &asked)
            .await
            .iter()
            .all(Option::is_none)
    );

    // A rebuild clears and writes them again.
    reproject_clinic(s, c, T0 + 30 * DAY)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stored(s, c, &asked).await, got);

    // An erased patient's, and their appointment's, are gone; others stay.
    super::identity::erase(s, c, w.elodie).await;
    let after = stored(s, c, &asked).await;
    assert_eq!(after[0], None, "the erased patient");
    assert_eq!(after[3], None, "the erased patient's appointment");
    assert_eq!(after[1], got[1]);
    assert_eq!(after[2], got[2]);
    reproject_clinic(s, c, T0 + 31 * DAY)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let rebuilt = stored(s, c, &asked).await;
    assert_eq!(rebuilt[0], None, "the erased patient after a rebuild");
    assert_eq!(rebuilt[1], got[1]);
}
