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

/// A day ledger grows with every push, and after its first read the projector reads only
/// what each push added (`dermis_hub::pool::ledgers`). What it keeps is still the
/// whole ledger's: the derivation a node would write, every audit entry, the stock.
pub async fn a_ledger_projected_after_every_push_is_kept_whole<S: HubStore>(f: Fixture<S>) {
    use dermis_model::ledger::{MovementKind, StockMovement, append_movement, append_sale};
    use dermis_model::{DocType, MovementId, NodeId, ProductId};

    let clock = Clock::new();
    let s = &f.store;
    let c = super::common::create_clinic(s, "Ledger Clinic").await;
    let node = NodeId::new();
    let product = Uuid::new_v4();
    let (id, mut doc) = super::docs::ledger(c, node, "SPF50", product, 10, &[]);
    super::docs::push(s, c, vec![(id, DocType::Ledger, doc.save())]).await;
    super::project(s, &clock).await;
    for step in 1..=4_i64 {
        let sale = super::docs::sale(node, product, "SPF50", 1, 1200, T0 + step, None);
        append_sale(&mut doc, &sale).unwrap_or_else(|e| panic!("{e}"));
        let out = StockMovement {
            id: MovementId::new(),
            product_id: ProductId(product),
            sku: "SPF50".into(),
            kind: MovementKind::Out,
            qty: 1,
            reason: "sale".into(),
            user: None,
            user_id: None,
            at: T0 + step,
            node_id: node,
            sale_id: Some(sale.id),
        };
        append_movement(&mut doc, &out).unwrap_or_else(|e| panic!("{e}"));
        doc.commit();
        super::docs::chart_view(&mut doc, node, format!("view-{step}"), T0 + step);
        super::docs::push(s, c, vec![(id, DocType::Ledger, doc.save())]).await;
        super::project(s, &clock).await;

        let want = expected(s, c, &[id]).await;
        let got = stored(s, c, &[(id, want[0].1.clone())]).await;
        assert_eq!(
            got[0].as_ref(),
            Some(&want[0].2),
            "step {step}: the derivation"
        );
        let stock = s.stock(c).await.unwrap_or_else(|e| panic!("{e}"));
        let on_hand: Vec<(String, i64)> = stock.into_iter().map(|r| (r.sku, r.on_hand)).collect();
        assert_eq!(
            on_hand,
            [("SPF50".to_owned(), 10 - step)],
            "step {step}: the stock"
        );
        let query = dermis_hub::store::hooks::AuditQuery {
            clinic: Some(c),
            limit: 100,
            ..Default::default()
        };
        let audit = s
            .audit_entries(None, &query)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            audit.len(),
            usize::try_from(step).unwrap_or(0),
            "step {step}: audit"
        );
    }
    let memory = s.doc_pool().projected_ledgers().stats();
    assert_eq!(
        (memory.ledgers, memory.found, memory.missed),
        (1, 4, 1),
        "read whole once, then in steps from what was remembered"
    );
}
