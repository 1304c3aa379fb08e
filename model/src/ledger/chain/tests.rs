use proptest::prelude::*;

use super::*;
use crate::ledger::{Payment, PaymentMethod, SaleKind, SaleLine};
use crate::{Currency, ProductId, SaleId};

fn entry(node: NodeId, n: i64, total: i64) -> Sale {
    Sale {
        id: SaleId::new(),
        receipt: format!("N1-{n:06}"),
        kind: SaleKind::Sale,
        original_id: None,
        at: 1_000 + n,
        cashier: Some("Mia".into()),
        cashier_id: None,
        node_id: node,
        currency: Currency::EUR,
        lines: vec![SaleLine {
            product_id: ProductId::new(),
            sku: "SPF50".into(),
            name: "Sun cream".into(),
            qty: 1,
            unit_minor: total,
            discount_minor: 0,
            tax_bps: 2000,
            tax_minor: crate::ledger::included_tax(total, 2000),
            total_minor: total,
        }],
        subtotal_minor: total,
        discount_minor: 0,
        tax_minor: crate::ledger::included_tax(total, 2000),
        total_minor: total,
        payments: vec![Payment {
            method: PaymentMethod::Cash,
            amount_minor: total,
        }],
        change_minor: 0,
        patient_id: None,
        shift_id: None,
        reason: None,
        chain: None,
    }
}

/// `legacy` unchained entries, then `chained` linked ones, as a node writes them.
fn book(node: NodeId, legacy: usize, totals: &[i64]) -> Vec<Sale> {
    let mut out = Vec::new();
    let mut prev = GENESIS.to_owned();
    for (i, total) in totals.iter().enumerate() {
        let n = i as i64 + 1;
        let mut s = entry(node, n, *total);
        if i >= legacy {
            link(&mut s, n, &prev);
            prev = s.chain.as_ref().map(|c| c.hash.clone()).unwrap_or_default();
        }
        out.push(s);
    }
    out
}

#[derive(Clone, Debug)]
enum Tamper {
    Edit(usize),
    Remove(usize),
    Swap(usize, usize),
    Strip(usize),
}

fn tamper_strategy(chained: usize) -> impl Strategy<Value = Tamper> {
    // Removing the last entry leaves a shorter chain that is intact: only an anchor
    // elsewhere (the hub) tells; `the_tail_is_what_an_anchor_must_guard` shows it.
    prop_oneof![
        (0..chained).prop_map(Tamper::Edit),
        (0..chained - 1).prop_map(Tamper::Remove),
        (0..chained, 0..chained)
            .prop_filter("two entries", |(a, b)| a != b)
            .prop_map(|(a, b)| Tamper::Swap(a.min(b), a.max(b))),
        (0..chained).prop_map(Tamper::Strip),
    ]
}

proptest! {
    #[test]
    fn an_untouched_chain_is_intact_with_its_legacy_prefix(
        legacy in 0usize..4,
        totals in proptest::collection::vec(1i64..100_000, 1..20),
    ) {
        let node = NodeId::new();
        let legacy = legacy.min(totals.len());
        let mut sales = book(node, legacy, &totals);
        sales.reverse();
        let report = verify_node(node, &sales);
        prop_assert!(report.intact, "{report:?}");
        prop_assert_eq!(report.legacy, legacy);
        let links: Vec<Link> = sales.iter().filter_map(Link::of).collect();
        let from_links = verify_links(node, &links);
        prop_assert!(from_links.intact);
        prop_assert_eq!(&from_links.head_hash, &report.head_hash);
        prop_assert_eq!(report.chained, totals.len() - legacy);
        // Two copies of the same ledgers read as one.
        let twice: Vec<Sale> = sales.iter().chain(sales.iter()).cloned().collect();
        prop_assert_eq!(verify_node(node, &twice), report);
    }

    #[test]
    fn any_tampering_with_a_receipt_is_caught(
        (totals, tamper) in proptest::collection::vec(1i64..100_000, 2..16)
            .prop_flat_map(|t| { let n = t.len(); (Just(t), tamper_strategy(n)) }),
        legacy in 0usize..3,
    ) {
        let node = NodeId::new();
        let mut totals = totals;
        // The legacy prefix comes before the chained entries being tampered with.
        totals.splice(0..0, std::iter::repeat_n(500, legacy));
        let original = book(node, legacy, &totals);
        let mut sales = original.clone();
        let at = |i: usize| legacy + i;
        let expected = match tamper {
            Tamper::Edit(i) => {
                sales[at(i)].total_minor += 1;
                (sales[at(i)].receipt.clone(), BreakKind::Edited)
            }
            Tamper::Remove(i) => {
                sales.remove(at(i));
                (sales[at(i)].receipt.clone(), BreakKind::Missing)
            }
            Tamper::Swap(i, j) => {
                let a = sales[at(i)].chain.take();
                let b = sales[at(j)].chain.take();
                sales[at(i)].chain = b;
                sales[at(j)].chain = a;
                // Entry j now claims i's place and sorts there: its hash is i's.
                (sales[at(j)].receipt.clone(), BreakKind::Edited)
            }
            Tamper::Strip(i) => {
                sales[at(i)].chain = None;
                if i == 0 {
                    // The first linked entry now reads as legacy; the next is not a start.
                    (sales[at(1)].receipt.clone(), BreakKind::Missing)
                } else {
                    (sales[at(i)].receipt.clone(), BreakKind::Unchained)
                }
            }
        };
        let report = verify_node(node, &sales);
        prop_assert!(!report.intact);
        // A reader of links alone (the hub) finds a break too, at the same receipt
        // unless the link itself was stripped (then at the gap it leaves).
        // The last entry stripped of its link reads, from links alone, as a cut tail: an
        // anchor catches that (`a_kept_head_catches_a_cut_tail`).
        let chained = totals.len() - legacy;
        if !matches!(tamper, Tamper::Strip(i) if i + 1 == chained) {
            let links: Vec<Link> = sales.iter().filter_map(Link::of).collect();
            let from_links = verify_links(node, &links);
            prop_assert!(!from_links.intact);
            if !matches!(tamper, Tamper::Strip(_)) {
                prop_assert_eq!(&from_links.broken, &report.broken);
            }
        }
        let broken = report.broken.clone().map(|b| (b.receipt, b.kind));
        prop_assert_eq!(broken, Some(expected));
        // Tampering in one copy shows although another copy is intact.
        if let Tamper::Edit(_) = tamper {
            let both: Vec<Sale> = original.iter().chain(sales.iter()).cloned().collect();
            prop_assert!(!verify_node(node, &both).intact);
        }
    }
}

#[test]
fn the_tail_is_what_an_anchor_must_guard() {
    let node = NodeId::new();
    let mut sales = book(node, 0, &[100, 200, 300]);
    let full = verify_node(node, &sales);
    sales.pop();
    let cut = verify_node(node, &sales);
    assert!(cut.intact);
    assert_eq!(cut.head_seq, Some(2));
    assert_ne!(cut.head_hash, full.head_hash, "a kept head shows the cut");
}

#[test]
fn each_node_has_its_own_chain() {
    let (a, b) = (NodeId::new(), NodeId::new());
    let mut sales = book(a, 1, &[100, 200]);
    sales.extend(book(b, 0, &[300]));
    let reports = verify_all(&sales);
    assert_eq!(reports.len(), 2);
    assert!(reports.iter().all(|r| r.intact));
    let ra = reports.iter().find(|r| r.node_id == a).expect("a");
    assert_eq!((ra.legacy, ra.chained), (1, 1));
    assert_eq!(ra.first_receipt.as_deref(), Some("N1-000002"));
}

#[test]
fn a_kept_head_catches_a_cut_tail() {
    let node = NodeId::new();
    let mut sales = book(node, 0, &[100, 200, 300]);
    let full = verify_node(node, &sales);
    let (seq, hash) = (
        full.head_seq.unwrap_or(0),
        full.head_hash.clone().unwrap_or_default(),
    );
    let mut same = full.clone();
    check_anchor(&mut same, seq, &hash, |n| format!("N1-{n:06}"));
    assert!(same.intact);
    sales.pop();
    let mut cut = verify_node(node, &sales);
    check_anchor(&mut cut, seq, &hash, |n| format!("N1-{n:06}"));
    assert_eq!(
        cut.broken,
        Some(ChainBreak {
            receipt: "N1-000003".into(),
            kind: BreakKind::Missing
        })
    );
}

/// An entry with fixed ids, so its hash can be written down.
fn pinned() -> Sale {
    fn id<T: std::str::FromStr>(s: &str) -> T {
        s.parse().unwrap_or_else(|_| panic!("{s}"))
    }
    let node: NodeId = id("0190a0e4-0000-7000-8000-000000000001");
    Sale {
        id: id("0190a0e4-0000-7000-8000-000000000002"),
        lines: vec![SaleLine {
            product_id: id("0190a0e4-0000-7000-8000-000000000003"),
            ..entry(node, 1, 100).lines[0].clone()
        }],
        ..entry(node, 1, 100)
    }
}

#[test]
fn a_reason_is_hashed_when_given_and_older_entries_keep_their_hash() {
    let plain = pinned();
    // The hash an entry without a reason had before reasons existed: entries written
    // then must still verify.
    assert_eq!(
        entry_hash(GENESIS, 1, &plain),
        "1f5cf45c0121577c396e9d60f19c6d7d085b34a9edf125a5b0ff1a47d6ade0b2",
        "the encoding of an entry without a reason changed"
    );
    let mut with = plain.clone();
    with.reason = Some("damaged jar".into());
    assert_ne!(
        entry_hash(GENESIS, 1, &plain),
        entry_hash(GENESIS, 1, &with),
        "the reason is part of the content"
    );
    // Changing the reason after the fact breaks the link.
    link(&mut with, 1, GENESIS);
    assert_eq!(check_entry(&with, None), EntryCheck::Intact);
    with.reason = Some("changed my mind".into());
    assert_eq!(check_entry(&with, None), EntryCheck::Edited);
    with.reason = None;
    assert_eq!(check_entry(&with, None), EntryCheck::Edited);
}

#[test]
fn one_entry_is_checked_against_its_hash_and_the_one_before() {
    let node = NodeId::new();
    let sales = book(node, 1, &[100, 200, 300, 400]);
    assert_eq!(check_entry(&sales[0], None), EntryCheck::Unchained);
    // The first chained entry starts the chain: nothing before it to find.
    assert_eq!(check_entry(&sales[1], None), EntryCheck::Intact);
    assert_eq!(check_entry(&sales[2], Some(&sales[1])), EntryCheck::Intact);
    assert_eq!(check_entry(&sales[2], None), EntryCheck::PreviousMissing);
    assert_eq!(
        check_entry(&sales[3], Some(&sales[1])),
        EntryCheck::PreviousMissing
    );
    let mut edited_before = sales[2].clone();
    if let Some(c) = edited_before.chain.as_mut() {
        c.hash = "f".repeat(64);
    }
    assert_eq!(
        check_entry(&sales[3], Some(&edited_before)),
        EntryCheck::Reordered
    );
    let mut edited = sales[3].clone();
    edited.total_minor += 1;
    assert_eq!(check_entry(&edited, Some(&sales[2])), EntryCheck::Edited);
}
