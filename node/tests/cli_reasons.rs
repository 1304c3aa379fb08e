//! `sale void --reason` and `sale refund --reason`: the reason is optional on the command
//! line (scripts written before it keep working), recorded when given on the entry the
//! receipt chain covers and in the audit trail, and refused when blank (exit 2 naming
//! `reason`, nothing written).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::path::Path;

use common::{init, ok, run, stderr};
use serde_json::Value;

fn json(d: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(d, args)).unwrap()
}

fn shop(d: &Path) {
    init(d);
    ok(
        d,
        &[
            "product",
            "add",
            "--sku",
            "SPF50",
            "--name",
            "Sunscreen",
            "--price",
            "20.00",
        ],
    );
    ok(
        d,
        &[
            "stock", "in", "--sku", "SPF50", "--qty", "10", "--reason", "delivery",
        ],
    );
}

/// The reason the audit trail holds for the entry with receipt `receipt`.
fn audited_reason(d: &Path, receipt: &str) -> Option<String> {
    let sales = json(d, &["sale", "list", "--json"]);
    let id = sales
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["receipt"] == receipt)
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .expect("the entry is listed");
    let trail = json(d, &["audit", "list", "--json"]);
    trail
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["target_kind"] == "sale" && e["target"] == id.as_str())
        .and_then(|e| e["reason"].as_str().map(str::to_owned))
}

#[test]
fn a_void_and_a_refund_record_their_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    shop(d);
    let a = ok(d, &["sale", "add", "--item", "SPF50:2", "--pay", "cash:40"]);
    let b = ok(d, &["sale", "add", "--item", "SPF50:1", "--pay", "card:20"]);
    let refund = ok(
        d,
        &[
            "sale",
            "refund",
            &a,
            "--item",
            "SPF50:1",
            "--reason",
            "Allergic reaction",
        ],
    );
    let void = ok(d, &["sale", "void", &b, "--reason", "  Rung up twice "]);
    assert_eq!(
        audited_reason(d, &refund).as_deref(),
        Some("Allergic reaction")
    );
    assert_eq!(
        audited_reason(d, &void).as_deref(),
        Some("Rung up twice"),
        "trimmed"
    );
    // The text audit list shows it too.
    let text = ok(d, &["audit", "list"]);
    assert!(text.contains("reason: Rung up twice"), "{text}");
    // The reason is part of the chained entry: the chain is intact with it.
    let v = json(d, &["sale", "verify", "--json"]);
    assert_eq!(v["intact"], true, "{v}");
    // Without --reason, as before: no reason recorded.
    let c = ok(d, &["sale", "add", "--item", "SPF50:1", "--pay", "card:20"]);
    let plain = ok(d, &["sale", "void", &c]);
    assert_eq!(audited_reason(d, &plain), None);
    // The receipt of a refund prints as before.
    let out = dir.path().join("refund.txt");
    ok(
        d,
        &[
            "receipt",
            "print",
            &refund,
            "--format",
            "text",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(std::fs::read_to_string(&out).unwrap().contains(&refund));
}

#[test]
fn a_blank_reason_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    shop(d);
    let a = ok(d, &["sale", "add", "--item", "SPF50:1", "--pay", "cash:20"]);
    for args in [
        vec!["sale", "void", a.as_str(), "--reason", " "],
        vec!["sale", "refund", &a, "--item", "SPF50:1", "--reason", ""],
    ] {
        let o = run(d, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains("reason"), "{}", stderr(&o));
    }
    let sales = json(d, &["sale", "list", "--json"]);
    assert_eq!(sales.as_array().unwrap().len(), 1, "nothing was written");
}
