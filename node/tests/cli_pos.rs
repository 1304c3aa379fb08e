//! The till's command-line contract: `clinic set` for receipts, `sale add --patient`,
//! shifts with X and Z reports, `sale verify`, `receipt print`, `report sales`. Exit
//! codes: 0 ok, 2 bad input naming the field (nothing written), 3 not permitted, 1 else.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::path::Path;

use common::{init, ok, run, stderr};
use serde_json::Value;

fn json(d: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(d, args)).unwrap()
}

/// A clinic with two products in stock.
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
            "Sunscreen SPF 50",
            "--price",
            "20.00",
        ],
    );
    ok(
        d,
        &[
            "product",
            "add",
            "--sku",
            "BALM",
            "--name",
            "Бальзам для губ",
            "--price",
            "5.50",
            "--tax-class",
            "reduced",
        ],
    );
    for sku in ["SPF50", "BALM"] {
        ok(
            d,
            &[
                "stock", "in", "--sku", sku, "--qty", "50", "--reason", "delivery",
            ],
        );
    }
}

fn code(d: &Path, args: &[&str]) -> (Option<i32>, String) {
    let o = run(d, args);
    (o.status.code(), stderr(&o))
}

#[test]
fn clinic_set_keeps_what_receipts_print() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    shop(d);
    ok(
        d,
        &[
            "clinic",
            "set",
            "--legal-name",
            "ООО «Дерма Плюс»",
            "--address",
            "Երևան, Աբովյան 1",
            "--tax-id",
            "FR12345678901",
            "--phone",
            "+33 1 23 45 67 89",
            "--tax-rate",
            "reduced=5.5",
        ],
    );
    let receipt = ok(d, &["sale", "add", "--item", "BALM:2", "--pay", "cash:20"]);
    let out = d.join("r.txt");
    ok(
        d,
        &[
            "receipt",
            "print",
            &receipt,
            "--format",
            "text",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let text = std::fs::read_to_string(&out).unwrap();
    for wanted in [
        "ООО «Дерма Плюс»",
        "Երևան, Աբովյան 1",
        "Tax ID: FR12345678901",
        "Tel: +33 1 23 45 67 89",
        "Tax 5.5% of 11.00",
    ] {
        assert!(text.contains(wanted), "{wanted:?} missing from\n{text}");
    }
    // The PDF embeds fonts for every script: its text extracts as it was written.
    let pdf = d.join("r.pdf");
    ok(
        d,
        &[
            "receipt",
            "print",
            &receipt,
            "--format",
            "pdf",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let extracted = pdf_extract::extract_text_from_mem(&bytes).unwrap();
    for wanted in [
        "Дерма Плюс",
        "Երևան",
        "Աբովյան",
        "FR12345678901",
        receipt.as_str(),
        "Бальзам для губ",
        "TOTAL",
        "EUR 11.00",
        "Tax 5.5% of 11.00",
    ] {
        assert!(
            extracted.contains(wanted),
            "{wanted:?} missing from the PDF's text:\n{extracted}"
        );
    }

    let (exit, err) = code(d, &["clinic", "set", "--tax-rate", "standard=120"]);
    assert_eq!(exit, Some(2), "{err}");
    assert!(err.contains("tax-rate"), "{err}");
    let (exit, err) = code(d, &["clinic", "set", "--legal-name", &"x".repeat(300)]);
    assert_eq!(exit, Some(2), "{err}");
    assert!(err.contains("legal-name"), "{err}");
}

#[test]
fn a_sale_links_to_an_existing_patient() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    shop(d);
    let patient = ok(
        d,
        &[
            "patient",
            "add",
            "--first-name",
            "Ana",
            "--last-name",
            "Roy",
        ],
    );
    ok(
        d,
        &[
            "sale",
            "add",
            "--item",
            "SPF50:1",
            "--pay",
            "card:20",
            "--patient",
            &patient,
        ],
    );
    let sales = json(d, &["sale", "list", "--json"]);
    assert_eq!(sales[0]["patient_id"], patient.as_str());
    let stranger = uuid::Uuid::now_v7().to_string();
    for bad in [stranger.as_str(), "not-an-id"] {
        let (exit, err) = code(
            d,
            &[
                "sale",
                "add",
                "--item",
                "SPF50:1",
                "--pay",
                "card:20",
                "--patient",
                bad,
            ],
        );
        assert_eq!(exit, Some(2), "{err}");
        assert!(err.contains("patient"), "{err}");
    }
    assert_eq!(
        json(d, &["sale", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1,
        "nothing written"
    );
    // Erased, the patient's purchases stay in the books without a name to them.
    ok(
        d,
        &["patient", "erase", &patient, "--yes", "--reason", "asked"],
    );
    let sales = json(d, &["sale", "list", "--json"]);
    assert!(sales[0]["patient_id"].is_null(), "{sales}");
    assert_eq!(sales[0]["total_minor"], 2000);
}

#[test]
fn a_shift_from_float_to_z_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    shop(d);
    // A sale before the shift is not the shift's.
    ok(d, &["sale", "add", "--item", "SPF50:1", "--pay", "cash:20"]);
    let (exit, err) = code(
        d,
        &["shift", "pay-in", "--amount", "5", "--reason", "coins"],
    );
    assert_eq!(exit, Some(2), "no open shift: {err}");
    assert!(err.contains("shift"), "{err}");
    let (exit, err) = code(d, &["shift", "open", "--float", "-10"]);
    assert_eq!(exit, Some(2), "{err}");
    assert!(err.contains("float"), "{err}");

    ok(d, &["shift", "open", "--float", "100.00"]);
    let (exit, err) = code(d, &["shift", "open", "--float", "50"]);
    assert_eq!(exit, Some(2), "a second shift: {err}");
    assert!(err.contains("shift"), "{err}");
    let (exit, err) = code(d, &["shift", "pay-out", "--amount", "-3", "--reason", "x"]);
    assert_eq!(exit, Some(2), "{err}");
    assert!(err.contains("amount"), "{err}");
    let (exit, err) = code(d, &["shift", "pay-in", "--amount", "3", "--reason", " "]);
    assert_eq!(exit, Some(2), "{err}");
    assert!(err.contains("reason"), "{err}");

    // Cash 50 for 40 (10 change), card 5.50, a cash refund of one SPF50, a void of the
    // card sale, a pay-in and a pay-out.
    let first = ok(d, &["sale", "add", "--item", "SPF50:2", "--pay", "cash:50"]);
    let card = ok(
        d,
        &["sale", "add", "--item", "BALM:1", "--pay", "card:5.50"],
    );
    let refund = ok(
        d,
        &[
            "sale", "refund", &first, "--item", "SPF50:1", "--method", "cash",
        ],
    );
    let void = ok(d, &["sale", "void", &card]);
    ok(
        d,
        &[
            "shift",
            "pay-in",
            "--amount",
            "20",
            "--reason",
            "change from the bank",
        ],
    );
    ok(
        d,
        &[
            "shift",
            "pay-out",
            "--amount",
            "7.25",
            "--reason",
            "window cleaner",
        ],
    );

    let x = json(d, &["shift", "report", "--json"]);
    assert_eq!(x["report"], "x");
    assert_eq!(x["expected_cash"], 10_000 + 4_000 - 2_000 + 2_000 - 725);
    assert!(x["difference"].is_null());

    let z = json(d, &["shift", "close", "--counted", "130.00", "--json"]);
    assert_eq!(z["report"], "z");
    assert_eq!(z["opening_float"], 10_000);
    assert_eq!(z["cash_sales"], 4_000);
    assert_eq!(z["cash_refunds"], 2_000);
    assert_eq!(z["pay_ins"], 2_000);
    assert_eq!(z["pay_outs"], 725);
    assert_eq!(z["expected_cash"], 13_275);
    assert_eq!(z["counted_cash"], 13_000);
    assert_eq!(z["difference"], -275);
    assert_eq!(z["currency"], "EUR");
    assert_eq!(z["first_receipt"], first.as_str());
    assert_eq!(z["last_receipt"], void.as_str());
    let receipts: Vec<&str> = z["sales"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["receipt"].as_str().unwrap())
        .collect();
    assert_eq!(
        receipts,
        [
            first.as_str(),
            card.as_str(),
            refund.as_str(),
            void.as_str()
        ]
    );
    let card_net = z["by_method"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["method"] == "card")
        .unwrap()["net"]
        .clone();
    assert_eq!(card_net, 0, "the card sale was voided");
    let rates: Vec<i64> = z["tax_by_rate"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["rate_bps"].as_i64().unwrap())
        .collect();
    assert_eq!(rates, [1000, 2000]);

    // Closed: no X report, and sales no longer belong to it.
    let (exit, _) = code(d, &["shift", "report"]);
    assert_eq!(exit, Some(2));
    let later = ok(d, &["sale", "add", "--item", "SPF50:1", "--pay", "cash:20"]);
    let sales = json(d, &["sale", "list", "--json"]);
    let row = sales
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["receipt"] == later.as_str())
        .unwrap();
    assert!(row["shift_id"].is_null());
}

#[test]
fn a_cashier_may_run_a_shift_and_a_doctor_may_not() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    ok(d, &["demo", "--patients", "3", "--sales", "2"]);
    let as_doctor = |args: &[&str]| {
        common::cmd_as(d, "doctor", common::DEMO_PASSWORD)
            .args(args)
            .output()
            .unwrap()
    };
    let o = as_doctor(&["shift", "open", "--float", "10"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let o = as_doctor(&["sale", "verify"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    common::ok_as(
        d,
        "cashier",
        common::DEMO_PASSWORD,
        &["shift", "open", "--float", "10"],
    );
    // Demo sales are chained too.
    let v = json(d, &["sale", "verify", "--json"]);
    assert_eq!(v["intact"], true, "{v}");
}

#[test]
fn receipts_are_chained_and_verified() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    shop(d);
    let (exit, _) = code(d, &["sale", "verify"]);
    assert_eq!(exit, Some(0), "no receipts yet is intact");
    let a = ok(d, &["sale", "add", "--item", "SPF50:1", "--pay", "cash:20"]);
    ok(d, &["sale", "refund", &a, "--item", "SPF50:1"]);
    ok(
        d,
        &["sale", "add", "--item", "BALM:3", "--pay", "card:16.50"],
    );
    let v = json(d, &["sale", "verify", "--json"]);
    assert_eq!(v["intact"], true, "{v}");
    let node = &v["nodes"][0];
    assert_eq!(node["chained"], 3);
    assert_eq!(node["legacy"], 0);
    assert_eq!(node["legacy_prefix"], false);
    assert_eq!(node["first_receipt"], "N1-000001");
    assert_eq!(node["last_receipt"], "N1-000003");
    assert!(node["broken"].is_null());
}

#[test]
fn receipts_print_as_text_escpos_and_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    shop(d);
    ok(
        d,
        &[
            "clinic",
            "set",
            "--legal-name",
            "Dermis Test SARL",
            "--address",
            "1 rue de la Paix\n75002 Paris",
            "--tax-id",
            "FR99",
        ],
    );
    let sale = ok(
        d,
        &[
            "sale",
            "add",
            "--item",
            "SPF50:2:1.00",
            "--item",
            "BALM:1",
            "--pay",
            "card:20",
            "--pay",
            "cash:30",
        ],
    );
    let refund = ok(
        d,
        &[
            "sale", "refund", &sale, "--item", "BALM:1", "--method", "cash",
        ],
    );
    let path = |name: &str| d.join(name).to_str().unwrap().to_owned();

    ok(
        d,
        &[
            "receipt",
            "print",
            &sale,
            "--format",
            "text",
            "--out",
            &path("s.txt"),
        ],
    );
    let text = std::fs::read_to_string(d.join("s.txt")).unwrap();
    for line in text.lines() {
        assert!(
            line.chars().count() <= 48,
            "wider than 48 columns: {line:?}"
        );
    }
    for wanted in [
        "Dermis Test SARL",
        "75002 Paris",
        "Tax ID: FR99",
        "SALE",
        &format!("Receipt {sale}"),
        "Cashier: ",
        "Sunscreen SPF 50",
        "2 x 20.00",
        "Discount",
        "Tax 20% of 39.00",
        "Tax 10% of 5.50",
        "Card",
        "Change",
    ] {
        assert!(text.contains(wanted), "{wanted:?} missing from\n{text}");
    }
    let total = text.lines().find(|l| l.starts_with("TOTAL")).unwrap();
    assert_eq!(
        total.chars().count(),
        48,
        "the total is right-aligned: {total:?}"
    );
    assert!(total.ends_with("EUR 44.50"), "{total:?}");

    ok(
        d,
        &[
            "receipt",
            "print",
            &refund,
            "--format",
            "text",
            "--out",
            &path("r.txt"),
        ],
    );
    let text = std::fs::read_to_string(d.join("r.txt")).unwrap();
    assert!(text.contains(&format!("REFUND of {sale}")), "{text}");
    assert!(text.contains("TOTAL REFUNDED"), "{text}");
    assert!(text.contains("Cash returned"), "{text}");

    // In the clinic's language when asked: French labels and decimal commas.
    ok(
        d,
        &[
            "--locale",
            "fr",
            "receipt",
            "print",
            &sale,
            "--format",
            "text",
            "--out",
            &path("fr.txt"),
        ],
    );
    let text = std::fs::read_to_string(d.join("fr.txt")).unwrap();
    for wanted in [
        "VENTE",
        &format!("Ticket {sale}"),
        "2 x 20,00",
        "Remise",
        "TVA 20% sur 39,00",
    ] {
        assert!(text.contains(wanted), "{wanted:?} missing from\n{text}");
    }
    let total = text.lines().find(|l| l.starts_with("TOTAL TTC")).unwrap();
    assert!(total.ends_with("EUR 44,50"), "{total:?}");

    ok(
        d,
        &[
            "receipt",
            "print",
            &sale,
            "--format",
            "escpos",
            "--out",
            &path("s.bin"),
        ],
    );
    let bytes = std::fs::read(d.join("s.bin")).unwrap();
    assert_eq!(&bytes[..2], b"\x1b@", "ESC @ first");
    assert_eq!(
        &bytes[bytes.len() - 4..bytes.len() - 2],
        b"\x1dV",
        "GS V cut last"
    );

    let (exit, err) = code(
        d,
        &[
            "receipt",
            "print",
            &sale,
            "--format",
            "docx",
            "--out",
            &path("x"),
        ],
    );
    assert_eq!(exit, Some(2), "{err}");
    assert!(err.contains("format"), "{err}");
    assert!(!d.join("x").exists(), "nothing written");
    let (exit, err) = code(
        d,
        &[
            "receipt",
            "print",
            "N9-999999",
            "--format",
            "text",
            "--out",
            &path("x"),
        ],
    );
    assert_eq!(exit, Some(2), "{err}");
    assert!(err.contains("receipt"), "{err}");
}

#[test]
fn the_sales_report_by_day_method_and_rate() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    shop(d);
    let a = ok(d, &["sale", "add", "--item", "SPF50:2", "--pay", "cash:50"]);
    let b = ok(d, &["sale", "add", "--item", "BALM:2", "--pay", "card:11"]);
    ok(
        d,
        &[
            "sale", "refund", &a, "--item", "SPF50:1", "--method", "card",
        ],
    );
    ok(d, &["sale", "void", &b]);
    let day = time::OffsetDateTime::now_utc().date();
    let day = format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    );
    let r = json(
        d,
        &[
            "report",
            "sales",
            "--from",
            "2020-01-01",
            "--to",
            &day,
            "--json",
        ],
    );
    let t = &r["total"];
    assert_eq!(t["sales_count"], 2);
    assert_eq!(t["refunds_count"], 1);
    assert_eq!(t["voids_count"], 1);
    assert_eq!(t["sales"], 4_000 + 1_100);
    assert_eq!(t["net"], 4_000 + 1_100 - 2_000 - 1_100);
    assert_eq!(r["days"][0]["day"], day.as_str());
    let method = |m: &str| {
        t["by_method"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["method"] == m)
            .unwrap()["net"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(method("cash"), 4_000);
    assert_eq!(method("card"), 1_100 - 2_000 - 1_100);

    let csv = ok(
        d,
        &["report", "sales", "--from", &day, "--to", &day, "--csv"],
    );
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("day,figure,key,count,amount,tax"));
    assert!(csv.contains(&format!("{day},tax_rate,20%,,2000,")), "{csv}");
    assert!(csv.contains("total,kind,voids,1,1100,"), "{csv}");

    let (exit, err) = code(
        d,
        &["report", "sales", "--from", "2026-13-01", "--to", &day],
    );
    assert_eq!(exit, Some(2), "{err}");
    assert!(err.contains("from"), "{err}");
    let (exit, err) = code(
        d,
        &["report", "sales", "--from", &day, "--to", "2020-01-01"],
    );
    assert_eq!(exit, Some(2), "{err}");
    assert!(err.contains("to"), "{err}");
    let empty = json(
        d,
        &[
            "report",
            "sales",
            "--from",
            "2020-01-01",
            "--to",
            "2020-01-02",
            "--json",
        ],
    );
    assert_eq!(empty["days"], serde_json::json!([]));
}

/// The demo looks like a shop: deliveries come before the sales they cover, nothing is
/// sold from an empty shelf, and a few products (not all) end the year low.
#[test]
fn the_demo_shop_never_sells_what_it_has_not_received() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    let report = json(d, &["demo", "--patients", "200", "--seed", "1"]);
    assert!(report["sales"].as_u64().unwrap() > 300, "{report}");
    let stock = json(d, &["stock", "show", "--json"]);
    let rows = stock.as_array().unwrap();
    assert!(
        rows.iter().all(|r| r["on_hand"].as_i64().unwrap() >= 0),
        "{stock}"
    );
    let low = rows
        .iter()
        .filter(|r| r["on_hand"].as_i64().unwrap() <= r["reorder_level"].as_i64().unwrap())
        .count();
    assert!(
        low >= 1 && low < rows.len() / 2,
        "a few products low, not all: {stock}"
    );
    // Every sale came after a delivery of what it sold.
    let export = json(d, &["export", "--json"]);
    let mut events: Vec<(i64, String, i64)> = Vec::new();
    for m in export["stock_movements"].as_array().unwrap() {
        let delta = match m["kind"].as_str().unwrap() {
            "out" => -m["qty"].as_i64().unwrap(),
            _ => m["qty"].as_i64().unwrap(),
        };
        events.push((
            m["at"].as_i64().unwrap(),
            m["sku"].as_str().unwrap().into(),
            delta,
        ));
    }
    // At one instant a delivery counts before a sale.
    events.sort_by_key(|(at, _, delta)| (*at, -*delta));
    let mut on_hand = std::collections::HashMap::new();
    for (at, sku, delta) in events {
        let level = on_hand.entry(sku.clone()).or_insert(0);
        *level += delta;
        assert!(*level >= 0, "{sku} below zero at {at}");
    }
}

#[test]
fn prices_may_have_tax_added_at_the_till() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    shop(d);
    // By default prices include tax: a 20.00 sunscreen costs 20.00.
    ok(d, &["sale", "add", "--item", "SPF50:1", "--pay", "card:20"]);
    let (exit, err) = code(d, &["clinic", "set", "--prices-include-tax", "maybe"]);
    assert_eq!(exit, Some(2), "{err}");
    assert!(err.contains("prices-include-tax"), "{err}");
    ok(d, &["clinic", "set", "--prices-include-tax", "false"]);
    // Now 20 % is added on top: 24.00, of which 4.00 tax; 20.00 no longer covers it.
    let (exit, err) = code(d, &["sale", "add", "--item", "SPF50:1", "--pay", "card:20"]);
    assert_eq!(exit, Some(2), "{err}");
    ok(d, &["sale", "add", "--item", "SPF50:1", "--pay", "card:24"]);
    let sales = json(d, &["sale", "list", "--json"]);
    let totals: Vec<i64> = sales
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["total_minor"].as_i64().unwrap())
        .collect();
    assert!(totals.contains(&2000) && totals.contains(&2400), "{sales}");
    ok(d, &["clinic", "set", "--prices-include-tax", "true"]);
    ok(d, &["sale", "add", "--item", "SPF50:1", "--pay", "card:20"]);
}
