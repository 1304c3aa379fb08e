//! The receipt chain against a tampered copy of the ledgers: an entry edited, removed or
//! moved in a ledger document is found by `sale verify` (ops::till::verify), named by
//! its receipt, although the index still holds what was first written.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

use automerge::ReadDoc;
use automerge::transaction::Transactable;
use dermis_model::DocId;
use dermis_model::ledger::chain::BreakKind;
use dermis_model::ledger::{Payment, PaymentMethod};
use dermis_model::product::ProductForm;
use dermis_node::node::{Node, Session};
use dermis_node::ops::{self, sales::ItemInput};

/// A node with three receipts: N1-000001..3.
fn three_receipts(dir: &std::path::Path) -> Node {
    let mut node = Node::init(dir, "Chain", "Desk").unwrap();
    let s = Session::operator();
    let form = ProductForm {
        sku: "SPF50".into(),
        name: "Sunscreen".into(),
        price: "20.00".into(),
        ..Default::default()
    };
    ops::catalog::add_product(&mut node, &s, &form).unwrap();
    let item = [ItemInput {
        sku: "SPF50".into(),
        qty: 1,
        discount_minor: 0,
    }];
    let cash = [Payment {
        method: PaymentMethod::Cash,
        amount_minor: 2000,
    }];
    let first = ops::sales::sell(&mut node, &s, &item, &cash, None).unwrap();
    ops::sales::sell(&mut node, &s, &item, &cash, None).unwrap();
    ops::sales::refund(
        &mut node,
        &s,
        &first.receipt,
        &[("SPF50".into(), 1)],
        PaymentMethod::Cash,
    )
    .unwrap();
    node
}

/// Edits the ledger holding the entry of `receipt` with `edit(doc, sales map, entry)`.
fn tamper(
    node: &mut Node,
    receipt: &str,
    edit: impl FnOnce(&mut automerge::AutoCommit, automerge::ObjId, String),
) {
    let s = Session::operator();
    let row = dermis_node::store::pos::entry_by_receipt(node.store.conn(), receipt)
        .unwrap()
        .expect("receipt");
    let ledger: DocId = dermis_node::store::queries::ledger_of_sale(node.store.conn(), &row.id)
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    let mut tx = node.begin(&s).unwrap();
    let doc = tx.edit(ledger).unwrap().unwrap();
    let (_, sales) = doc.get(automerge::ROOT, "sales").unwrap().unwrap();
    edit(doc, sales, row.id.clone());
    tx.commit().unwrap();
}

fn broken(node: &mut Node) -> Option<(String, BreakKind)> {
    let reports = ops::till::verify(node, &Session::operator()).unwrap();
    assert_eq!(reports.len(), 1);
    reports[0].broken.clone().map(|b| (b.receipt, b.kind))
}

#[test]
fn an_intact_chain_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let mut node = three_receipts(dir.path());
    let reports = ops::till::verify(&mut node, &Session::operator()).unwrap();
    assert!(reports[0].intact, "{reports:?}");
    assert_eq!(reports[0].chained, 3);
}

#[test]
fn an_edited_receipt_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut node = three_receipts(dir.path());
    tamper(&mut node, "N1-000002", |doc, sales, id| {
        let (_, entry) = doc.get(&sales, id.as_str()).unwrap().unwrap();
        doc.put(&entry, "total_minor", 1i64).unwrap();
    });
    assert_eq!(
        broken(&mut node),
        Some(("N1-000002".into(), BreakKind::Edited))
    );
}

#[test]
fn a_removed_receipt_breaks_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let mut node = three_receipts(dir.path());
    tamper(&mut node, "N1-000002", |doc, sales, id| {
        doc.delete(&sales, id.as_str()).unwrap();
    });
    assert_eq!(
        broken(&mut node),
        Some(("N1-000003".into(), BreakKind::Missing))
    );
}

#[test]
fn the_last_receipt_removed_shows_against_the_nodes_head() {
    let dir = tempfile::tempdir().unwrap();
    let mut node = three_receipts(dir.path());
    tamper(&mut node, "N1-000003", |doc, sales, id| {
        doc.delete(&sales, id.as_str()).unwrap();
    });
    assert_eq!(
        broken(&mut node),
        Some(("N1-000003".into(), BreakKind::Missing))
    );
}

#[test]
fn receipts_moved_out_of_order_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let mut node = three_receipts(dir.path());
    // The first two entries swap places in the chain.
    tamper(&mut node, "N1-000001", |doc, sales, _| {
        let keys: Vec<String> = doc.keys(&sales).collect();
        let entries: Vec<(String, automerge::ObjId)> = keys
            .into_iter()
            .map(|k| {
                let (_, obj) = doc.get(&sales, k.as_str()).unwrap().unwrap();
                (k, obj)
            })
            .collect();
        let seq_of = |doc: &automerge::AutoCommit, obj: &automerge::ObjId| -> i64 {
            match doc.get(obj, "chain_seq").unwrap() {
                Some((automerge::Value::Scalar(s), _)) => match s.as_ref() {
                    automerge::ScalarValue::Int(n) => *n,
                    other => panic!("{other:?}"),
                },
                other => panic!("{other:?}"),
            }
        };
        let one = entries
            .iter()
            .find(|(_, o)| seq_of(doc, o) == 1)
            .unwrap()
            .1
            .clone();
        let two = entries
            .iter()
            .find(|(_, o)| seq_of(doc, o) == 2)
            .unwrap()
            .1
            .clone();
        doc.put(&one, "chain_seq", 2i64).unwrap();
        doc.put(&two, "chain_seq", 1i64).unwrap();
    });
    let found = broken(&mut node).expect("broken");
    assert_eq!(found.1, BreakKind::Edited, "{found:?}");
}
