//! The sales journal in the window: entries found by receipt number, days, patient and
//! product with the day's totals; a sale opened; refunded and voided with a reason that
//! lands in the ledger entry and in the audit trail; the role that may not void sees why
//! and is refused by the backend too; receipts printed again as PDF and 48-column text,
//! and from the till's confirmation; the screen in six languages with money and dates
//! the language's way and figures right-aligned.

mod gui_support;

use std::path::Path;
use std::time::Duration;

use dermis_model::PatientId;
use dermis_model::ledger::{Payment, PaymentMethod};
use dermis_node::demo::{self, DEMO_PASSWORD, DemoSpec};
use dermis_node::gui::app::{Nav, Screen};
use dermis_node::gui::backend::{
    Backend, BackendConfig, Command, Op, Reply, UiError, protocol::JournalSearch,
};
use dermis_node::i18n::{Locale, Localizer};
use dermis_node::node::{Node, Session};
use dermis_node::ops::sales::ItemInput;
use dermis_node::ops::{self, users::Login};
use dermis_node::store::queries;
use egui_kittest::kittest::{NodeT, Queryable};
use gui_support::*;

/// A demo clinic with a past year of sales, and three sales made today by the cashier.
struct Shop {
    dir: tempfile::TempDir,
    /// Two sunscreens and a cleanser, in cash, to the first patient.
    a: String,
    /// A sun milk, by card, to nobody.
    b: String,
    /// Three of the fifth product, by card, to the second patient.
    c: String,
    first: queries::PatientRow,
    second: queries::PatientRow,
    /// A demo sale of an earlier day: its receipt and day (YYYY-MM-DD).
    past: (String, String),
}

fn session(node: &mut Node, username: &str) -> Session {
    match ops::users::login(node, username, DEMO_PASSWORD).expect("login") {
        Login::SignedIn(s) => s,
        _ => panic!("{username} cannot sign in"),
    }
}

fn item(sku: &str, qty: i64) -> ItemInput {
    ItemInput {
        sku: sku.into(),
        qty,
        discount_minor: 0,
    }
}

fn pay(method: PaymentMethod, amount_minor: i64) -> Payment {
    Payment {
        method,
        amount_minor,
    }
}

fn shop() -> Shop {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut node = Node::init(dir.path(), "Dermis Test Clinic", "Front desk").expect("init");
    demo::generate(
        &mut node,
        &DemoSpec {
            patients: 6,
            seed: 7,
            sales: 40,
        },
    )
    .expect("demo data");
    let cashier = session(&mut node, "cashier");
    let patients = queries::recent_patients(node.store.conn(), 10).expect("patients");
    let (first, second) = (patients[0].clone(), patients[1].clone());
    let pid = |p: &queries::PatientRow| -> PatientId { p.id.parse().expect("id") };
    let products = queries::products(node.store.conn()).expect("products");
    let fifth = products[4].sku.clone();
    let a = ops::sales::sell(
        &mut node,
        &cashier,
        &[item("SPF50-50", 2), item("CLN-GEL-200", 1)],
        &[pay(PaymentMethod::Cash, 6000)],
        Some(pid(&first)),
    )
    .expect("sale a");
    let b = ops::sales::sell(
        &mut node,
        &cashier,
        &[item("SPF30-100", 1)],
        &[pay(PaymentMethod::Card, 1590)],
        None,
    )
    .expect("sale b");
    let c_total = products[4].price_minor * 3;
    let c = ops::sales::sell(
        &mut node,
        &cashier,
        &[item(&fifth, 3)],
        &[pay(PaymentMethod::Card, c_total)],
        Some(pid(&second)),
    )
    .expect("sale c");
    let today_start = dermis_node::node::today()
        .midnight()
        .assume_utc()
        .unix_timestamp()
        * 1000;
    let past: (String, i64) = node
        .store
        .conn()
        .query_row(
            "SELECT receipt, at FROM sales WHERE kind = 'sale' AND at < ?1 ORDER BY at DESC LIMIT 1",
            [today_start],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a demo sale before today");
    let past_day = dermis_node::ops::catalog::day_of(past.1);
    Shop {
        dir,
        a: a.receipt,
        b: b.receipt,
        c: c.receipt,
        first,
        second,
        past: (past.0, past_day),
    }
}

fn journal(dir: &Path, user: &str) -> AppHarness {
    let mut h = signed_in(dir, user);
    h.state_mut().navigate(Nav::Show(Screen::Journal));
    settle(&mut h);
    h
}

/// Receipts on the journal's page now.
fn listed(h: &AppHarness) -> Vec<String> {
    h.state()
        .journal_page()
        .map(|p| p.rows.iter().map(|r| r.receipt.clone()).collect())
        .unwrap_or_default()
}

/// Empties the input named `label` as a user would: select all, delete.
fn clear(h: &mut AppHarness, label: &str) {
    input(h, label).focus();
    h.run_ok();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.run_ok();
}

fn money(minor: i64, locale: Locale) -> String {
    dermis_node::i18n::format_money(minor, "EUR", locale)
}

#[test]
fn entries_are_found_by_receipt_date_patient_and_product_with_the_days_totals() {
    let shop = shop();
    let mut h = journal(shop.dir.path(), "cashier");
    // Today's entries, newest first, with the headers of the table.
    let today = listed(&h);
    for r in [&shop.a, &shop.b, &shop.c] {
        assert!(today.contains(r), "{r} is today's: {today:?}");
        assert!(shows(&h, r), "{r} is on screen");
    }
    assert!(!today.contains(&shop.past.0));
    for header in [
        "Receipt",
        "Date and time",
        "Cashier",
        "Patient",
        "Items",
        "Payment",
        "Total",
        "Status",
    ] {
        assert!(shows(&h, header), "no {header:?} header");
    }
    let patient_name = format!("{} {}", shop.first.first_name, shop.first.last_name);
    assert!(shows(&h, &patient_name), "a linked sale names its patient");
    assert!(shows(
        &h,
        "Sunscreen fluid SPF 50+ 50 ml × 2, Gentle cleansing gel 200 ml"
    ));
    // The day's totals are the accountant's report of the day.
    let mut node = open(shop.dir.path());
    let admin = session(&mut node, "admin");
    let day = dermis_model::validate::format_date(dermis_node::node::today());
    let report = ops::till::sales_report(&mut node, &admin, &day, &day).expect("report");
    drop(node);
    assert!(
        shows_part(&h, "Totals for"),
        "the totals say what they are of"
    );
    assert!(shows(&h, &money(report.total.net, Locale::En)), "net");
    assert!(shows(&h, &money(report.total.sales, Locale::En)), "gross");
    for m in &report.total.by_method {
        assert!(shows(&h, &money(m.net, Locale::En)), "{:?}", m.method);
    }

    // A receipt by its number alone.
    let number = shop
        .b
        .rsplit('-')
        .next()
        .expect("number")
        .trim_start_matches('0');
    type_into(&mut h, "Receipt number", number);
    settle(&mut h);
    assert_eq!(listed(&h), vec![shop.b.clone()]);
    assert!(shows(&h, "Receipt numbers are looked up on every day."));
    // A receipt of another day, though the dates say today.
    type_into(&mut h, "Receipt number", &shop.past.0);
    settle(&mut h);
    assert_eq!(listed(&h), vec![shop.past.0.clone()]);
    clear(&mut h, "Receipt number");
    settle(&mut h);

    // A patient by name, then by record number.
    type_into(&mut h, "Patient", &shop.first.last_name);
    settle(&mut h);
    assert_eq!(listed(&h), vec![shop.a.clone()]);
    type_into(&mut h, "Patient", &shop.second.mrn);
    settle(&mut h);
    assert_eq!(listed(&h), vec![shop.c.clone()]);
    click(&mut h, "Clear the search");
    settle(&mut h);

    // A product by SKU, by part of its name, by barcode.
    type_into(&mut h, "Product", "SPF30-100");
    settle(&mut h);
    assert!(listed(&h).contains(&shop.b));
    assert!(!listed(&h).contains(&shop.a) && !listed(&h).contains(&shop.c));
    type_into(&mut h, "Product", "cleansing gel");
    settle(&mut h);
    assert!(listed(&h).contains(&shop.a) && !listed(&h).contains(&shop.b));
    let barcode = queries::products(open(shop.dir.path()).store.conn())
        .expect("products")
        .into_iter()
        .find(|p| p.sku == "SPF30-100")
        .and_then(|p| p.barcode)
        .expect("a barcode");
    type_into(&mut h, "Product", &barcode);
    settle(&mut h);
    assert!(listed(&h).contains(&shop.b) && !listed(&h).contains(&shop.a));
    click(&mut h, "Clear the search");
    settle(&mut h);

    // Another day: its entries only.
    type_into(&mut h, "From", &shop.past.1);
    type_into(&mut h, "To", &shop.past.1);
    settle(&mut h);
    let that_day = listed(&h);
    assert!(that_day.contains(&shop.past.0), "{that_day:?}");
    assert!(!that_day.contains(&shop.a));
    let page = h.state().journal_page().expect("page");
    for row in &page.rows {
        assert_eq!(dermis_node::ops::catalog::day_of(row.at), shop.past.1);
    }
    // A date that is not one is named, and nothing is searched for it.
    type_into(&mut h, "From", "31.31.2026");
    settle(&mut h);
    assert!(shows(&h, "From is not a valid date."), "the field is named");
    assert_eq!(listed(&h), that_day, "the last search stays");
    // All dates: every entry, a page at a time.
    click(&mut h, "All dates");
    settle(&mut h);
    assert!(
        listed(&h).len() == 43 || listed(&h).len() == 44,
        "{}",
        listed(&h).len()
    );
    assert!(shows(&h, "Totals for all dates"));
}

/// Opens `receipt` from the journal's table.
fn open_sale(h: &mut AppHarness, receipt: &str) {
    click(h, receipt);
    settle(h);
    assert!(
        h.state()
            .journal_sale()
            .is_some_and(|d| d.sale.receipt == receipt),
        "{receipt} opened"
    );
}

fn is_disabled(h: &AppHarness, label: &str) -> bool {
    h.query_all_by_label(label)
        .filter(|n| n.accesskit_node().role() == egui::accesskit::Role::Button)
        .all(|n| n.accesskit_node().is_disabled())
}

/// Clicks the button `label` if it is (still) there.
fn click_if_there(h: &mut AppHarness, label: &str) {
    let there = h
        .query_all_by_label(label)
        .any(|n| n.accesskit_node().role() == egui::accesskit::Role::Button);
    if there {
        click(h, label);
    }
}

fn sale_id(dir: &Path, receipt: &str) -> String {
    open(dir)
        .store
        .conn()
        .query_row("SELECT id FROM sales WHERE receipt = ?1", [receipt], |r| {
            r.get(0)
        })
        .expect("sale")
}

/// The refunds or voids of the sale `receipt`: (receipt, kind, reason on the index row,
/// reason in the audit trail).
fn reversals(dir: &Path, receipt: &str) -> Vec<(String, String, Option<String>, Option<String>)> {
    let id = sale_id(dir, receipt);
    let node = open(dir);
    let mut stmt = node
        .store
        .conn()
        .prepare(
            "SELECT s.receipt, s.kind, s.reason,
                    (SELECT a.reason FROM audit_entries a WHERE a.target_kind = 'sale' AND a.target = s.id AND a.action = 'create')
             FROM sales s WHERE s.original_id = ?1 ORDER BY s.at",
        )
        .expect("sql");
    stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query")
        .map(|r| r.expect("row"))
        .collect()
}

#[test]
fn a_sale_opens_and_is_refunded_with_a_reason_once_however_often_it_is_clicked() {
    let shop = shop();
    let mut h = journal(shop.dir.path(), "cashier");
    open_sale(&mut h, &shop.a);
    assert!(shows(&h, &format!("Sale {}", shop.a)));
    for text in [
        "Sunscreen fluid SPF 50+ 50 ml",
        "SPF50-50",
        "Gentle cleansing gel 200 ml",
        "Change given",
        "Cash",
    ] {
        assert!(shows(&h, text), "{text:?} is on the sale");
    }
    let patient = format!(
        "Patient: {} {} ({})",
        shop.first.first_name, shop.first.last_name, shop.first.mrn
    );
    assert!(shows(&h, &patient), "{patient}");
    assert!(shows_part(&h, "Tax 20% included in"), "tax by rate");
    assert!(shows_part(&h, "Intact: its content matches its hash"));
    assert!(shows(&h, "Nothing refunded or voided."));
    // A cashier may refund, not void.
    assert!(!is_disabled(&h, "Refund items…"));
    assert!(is_disabled(&h, "Void sale…"));

    click(&mut h, "Refund items…");
    settle(&mut h);
    assert!(shows(&h, &format!("Refund items of sale {}", shop.a)));
    assert!(shows(&h, "Choose how many of each item to refund."));
    click(&mut h, "Everything that is left");
    settle(&mut h);
    let amount = money(2 * 1890 + 1250, Locale::En);
    let confirm = format!("Refund {amount}");
    assert!(
        shows_part(&h, &format!("{amount} goes back in Cash")),
        "it says what it will do"
    );
    assert!(is_disabled(&h, &confirm), "no refund without a reason");
    type_into(&mut h, "Reason", "Allergic reaction, jar unopened");
    assert!(!is_disabled(&h, &confirm));
    // Two clicks: one refund.
    click(&mut h, &confirm);
    click_if_there(&mut h, &confirm);
    settle(&mut h);
    let done = reversals(shop.dir.path(), &shop.a);
    assert_eq!(done.len(), 1, "one refund: {done:?}");
    let (refund, kind, reason, audited) = &done[0];
    assert_eq!(kind, "refund");
    assert_eq!(reason.as_deref(), Some("Allergic reaction, jar unopened"));
    assert_eq!(audited.as_deref(), Some("Allergic reaction, jar unopened"));
    assert!(shows(&h, &format!("Refund {refund} recorded.")));
    assert!(shows(&h, "Refunded"), "the sale's status");
    assert!(shows(&h, refund), "the refund is listed under the sale");
    assert!(shows(&h, "Allergic reaction, jar unopened"));
    assert!(is_disabled(&h, "Refund items…"));
    assert!(shows(&h, "Everything on this sale has been refunded."));
    // The reason is in the ledger entry itself, which the chain covers.
    let mut node = open(shop.dir.path());
    let admin = session(&mut node, "admin");
    let (entry, _) = ops::till::entry(&mut node, &admin, refund).expect("entry");
    assert_eq!(
        entry.reason.as_deref(),
        Some("Allergic reaction, jar unopened")
    );
    let reports = ops::till::verify(&mut node, &admin).expect("verify");
    assert!(reports.iter().all(|r| r.intact), "{reports:?}");
    drop(node);
    // The refund opens too, naming the sale it reverses and why.
    click(&mut h, refund);
    settle(&mut h);
    assert!(shows(&h, &format!("Refund {refund}")));
    assert!(shows(&h, "Reason: Allergic reaction, jar unopened"));
    assert!(shows(&h, &shop.a), "a link back to the sale");
    click(&mut h, "Back to the journal");
    settle(&mut h);
    assert!(listed(&h).contains(refund), "the journal lists the refund");
}

#[test]
fn part_of_a_sale_is_refunded_and_what_is_left_is_offered_next_time() {
    let shop = shop();
    let mut h = journal(shop.dir.path(), "reception");
    open_sale(&mut h, &shop.c);
    click(&mut h, "Refund items…");
    settle(&mut h);
    click(&mut h, "+");
    settle(&mut h);
    type_into(&mut h, "Reason", "Wrong shade");
    let sku = &h.state().journal_sale().expect("sale").sale.lines[0];
    let (unit, method) = (sku.unit_minor, "Card");
    let confirm = format!("Refund {}", money(unit, Locale::En));
    assert!(
        shows_part(&h, &format!("goes back in {method}")),
        "the sale's method first"
    );
    click(&mut h, &confirm);
    settle(&mut h);
    assert!(shows(&h, "Partly refunded"));
    let detail = h.state().journal_sale().expect("sale");
    assert_eq!(detail.refunded, vec![1]);
    assert_eq!(detail.refundable(), vec![2]);
    // A partly refunded sale is not voided, even by an administrator.
    drop(h);
    let mut h = journal(shop.dir.path(), "admin");
    open_sale(&mut h, &shop.c);
    assert!(is_disabled(&h, "Void sale…"));
    assert!(shows(
        &h,
        "Part of this sale was refunded: refund the rest instead of voiding it."
    ));
}

#[test]
fn an_administrator_voids_a_sale_with_a_reason() {
    let shop = shop();
    let mut h = journal(shop.dir.path(), "admin");
    open_sale(&mut h, &shop.b);
    click(&mut h, "Void sale…");
    settle(&mut h);
    assert!(shows(&h, &format!("Void sale {}?", shop.b)));
    let amount = money(1590, Locale::En);
    assert!(
        shows_part(&h, &format!("{amount} goes back (Card {amount})")),
        "the dialog says what goes back"
    );
    assert!(is_disabled(&h, "Void the sale"), "no void without a reason");
    type_into(&mut h, "Reason", "Rung up on the wrong patient");
    // Enter in the reason confirms; a click straight after writes no second void.
    press_enter(&mut h, "Reason");
    click_if_there(&mut h, "Void the sale");
    settle(&mut h);
    let done = reversals(shop.dir.path(), &shop.b);
    assert_eq!(done.len(), 1, "{done:?}");
    let (void, kind, reason, audited) = &done[0];
    assert_eq!(kind, "void");
    assert_eq!(reason.as_deref(), Some("Rung up on the wrong patient"));
    assert_eq!(audited.as_deref(), Some("Rung up on the wrong patient"));
    assert!(shows(&h, &format!("Void {void} recorded.")));
    assert!(shows(&h, "Voided"));
    assert!(is_disabled(&h, "Void sale…"));
    assert!(is_disabled(&h, "Refund items…"));
    assert!(shows(
        &h,
        "This sale was voided: nothing is left to refund."
    ));
    click(&mut h, "Back to the journal");
    settle(&mut h);
    assert!(listed(&h).contains(void));
    assert!(shows(&h, &format!("Void of {}", shop.b)));
}

#[test]
fn a_cashier_sees_why_they_may_not_void_and_the_backend_refuses_them_too() {
    let shop = shop();
    let mut h = journal(shop.dir.path(), "cashier");
    open_sale(&mut h, &shop.b);
    assert!(is_disabled(&h, "Void sale…"));
    let why = "Your role does not allow you to void sales.";
    assert!(shows(&h, why), "the reason is shown beside the button");
    // Past the window's disabled button, the backend says no.
    h.state_mut().send_command(Command::VoidSale {
        receipt: shop.b.clone(),
        reason: "trying anyway".into(),
    });
    settle(&mut h);
    assert!(reversals(shop.dir.path(), &shop.b).is_empty(), "no void");
    assert_eq!(h.query_all_by_label(why).count(), 2, "and says why");

    // The backend alone: a cashier's void is refused, and a refund without a reason too.
    let mut backend = Backend::spawn(BackendConfig {
        data_dir: shop.dir.path().to_owned(),
        max_photo_bytes: dermis_model::photo::DEFAULT_MAX_PHOTO_BYTES,
        viewer: dermis_node::gui::Viewer::Off,
    })
    .expect("spawn");
    let mut send = |command: Command| -> Reply {
        assert!(backend.try_send(command).is_ok());
        loop {
            assert!(backend.wait_for_reply(Duration::from_secs(30)), "a reply");
            match backend.try_recv() {
                Some(Reply::Ready { .. }) | None => continue,
                Some(reply) => return reply,
            }
        }
    };
    let login = send(Command::Login {
        username: "cashier".into(),
        password: DEMO_PASSWORD.into(),
    });
    assert!(matches!(login, Reply::LoggedIn(_)), "{login:?}");
    let refused = send(Command::VoidSale {
        receipt: shop.b.clone(),
        reason: "trying anyway".into(),
    });
    assert!(
        matches!(
            refused,
            Reply::Failed {
                op: Op::Reverse,
                error: UiError::Denied(dermis_model::clinic::Permission::VoidSale)
            }
        ),
        "{refused:?}"
    );
    let no_reason = send(Command::RefundSale {
        receipt: shop.b.clone(),
        items: vec![("SPF30-100".into(), 1)],
        method: PaymentMethod::Card,
        reason: "  ".into(),
    });
    match no_reason {
        Reply::Failed {
            op: Op::Reverse,
            error: UiError::Invalid(errors),
        } => assert_eq!(errors.0[0].field, "reason"),
        other => panic!("{other:?}"),
    }
    assert!(reversals(shop.dir.path(), &shop.b).is_empty());
    // A doctor does not sell: the journal is not theirs to search.
    let search = JournalSearch::default();
    let mut doctor = signed_in(shop.dir.path(), "doctor");
    doctor.state_mut().navigate(Nav::Show(Screen::Journal));
    settle(&mut doctor);
    assert_ne!(doctor.state().screen(), Screen::Journal);
    assert!(
        !shows(&doctor, "Sales journal"),
        "no journal in the doctor's navigation"
    );
    doctor.state_mut().send_command(Command::SearchJournal {
        generation: 1,
        search,
        offset: 0,
    });
    settle(&mut doctor);
    assert!(doctor.state().journal_page().is_none());
}

fn pdf_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(bytes.starts_with(b"%PDF-"));
    pdf_extract::extract_text_from_mem(&bytes).expect("pdf text")
}

#[test]
fn a_receipt_is_printed_again_as_pdf_and_as_text_and_from_the_till() {
    let shop = shop();
    let receipts = shop.dir.path().join("printouts");
    let mut h = journal(shop.dir.path(), "cashier");
    open_sale(&mut h, &shop.a);
    click(&mut h, "Print receipt");
    click_if_there(&mut h, "Print receipt");
    settle(&mut h);
    let pdf = receipts.join(format!("receipt-{}.pdf", shop.a));
    assert!(
        shows_part(&h, &format!("It is saved as {}", pdf.display())),
        "no viewer in tests: the window says where the file is"
    );
    let text = pdf_text(&pdf);
    assert!(text.contains(&shop.a), "{text}");
    assert!(text.contains("Sunscreen fluid SPF 50+ 50 ml"), "{text}");
    click(&mut h, "Save as text");
    settle(&mut h);
    let txt = receipts.join(format!("receipt-{}.txt", shop.a));
    assert!(shows_part(&h, "saved as text (48 columns)"));
    let text = std::fs::read_to_string(&txt).expect("text receipt");
    assert!(text.contains(&shop.a), "{text}");
    assert!(
        text.lines().all(|l| l.chars().count() <= 48),
        "48 columns:\n{text}"
    );
    // Each print is in the audit trail.
    let prints: i64 = open(shop.dir.path())
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_entries WHERE action = 'print' AND target = ?1",
            [sale_id(shop.dir.path(), &shop.a)],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(prints, 2, "one per click that printed");

    // The till: a sale completed, its receipt printed from the confirmation.
    h.state_mut().navigate(Nav::Show(Screen::Pos));
    settle(&mut h);
    type_into(&mut h, "Barcode", "SPF30-100");
    press_enter(&mut h, "Barcode");
    settle(&mut h);
    wait_until(&mut h, "a quote", |h| shows(h, "Amount due"));
    click(&mut h, "Exact cash");
    settle(&mut h);
    click(&mut h, "Complete sale");
    settle(&mut h);
    let sold = open(shop.dir.path())
        .store
        .conn()
        .query_row(
            "SELECT receipt FROM sales ORDER BY at DESC, receipt DESC LIMIT 1",
            [],
            |r| r.get::<_, String>(0),
        )
        .expect("the new sale");
    assert!(shows(&h, &format!("Receipt {sold}")), "the number is shown");
    click(&mut h, "Print receipt");
    settle(&mut h);
    let text = pdf_text(&receipts.join(format!("receipt-{sold}.pdf")));
    assert!(text.contains(&sold), "{text}");
}

#[test]
fn the_journal_in_six_languages_with_its_money_dates_and_figures_right_aligned() {
    let shop = shop();
    // Something refunded and something voided, so every status shows.
    let mut node = open(shop.dir.path());
    let admin = session(&mut node, "admin");
    ops::sales::refund_because(
        &mut node,
        &admin,
        &shop.a,
        &[("SPF50-50".into(), 1)],
        PaymentMethod::Cash,
        Some("Damaged"),
    )
    .expect("refund");
    ops::sales::void_because(&mut node, &admin, &shop.b, Some("Twice")).expect("void");
    drop(node);
    let localizer = Localizer::new();
    for locale in Locale::ALL {
        let t = |id: &str| localizer.t(locale, id);
        let mut h = harness(shop.dir.path(), locale);
        type_into(&mut h, &t("field-username"), "admin");
        type_into(&mut h, &t("field-password"), DEMO_PASSWORD);
        press_enter(&mut h, &t("field-password"));
        wait_until(&mut h, "signing in", |h| h.state().session().is_some());
        settle(&mut h);
        click(&mut h, &t("gui-nav-journal"));
        settle(&mut h);
        assert_eq!(h.state().screen(), Screen::Journal, "{locale}");
        let missing = h.state().missing_messages();
        assert!(missing.is_empty(), "{locale} journal: missing {missing:?}");
        let page = h.state().journal_page().expect("page").clone();
        // Money and dates the language's way.
        assert!(
            shows(&h, &money(page.totals.net, locale)),
            "{locale}: the net total {}",
            money(page.totals.net, locale)
        );
        // The totals column: every row's amount ends where its heading ends (another
        // heading may read the same, as "Сумма" does twice in Russian).
        let headings: Vec<f32> = h
            .query_all_by_label(&t("gui-journal-col-total"))
            .map(|n| n.rect().max.x)
            .collect();
        let mut amounts = Vec::new();
        for row in &page.rows {
            let when = dermis_node::i18n::format_datetime(
                time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(row.at) * 1_000_000)
                    .expect("time"),
                locale,
            );
            assert!(shows(&h, &when), "{locale}: {when}");
            let sign = if row.kind == "sale" { 1 } else { -1 };
            let total = money(sign * row.total_minor, locale);
            let edges: Vec<f32> = h
                .query_all_by_label(&total)
                .map(|n| n.rect().max.x)
                .collect();
            amounts.push((total, edges));
        }
        assert!(
            headings.iter().any(|x| amounts
                .iter()
                .all(|(_, edges)| edges.iter().any(|e| (e - x).abs() < 1.5))),
            "{locale}: amounts {amounts:?} do not end where a Total heading ends ({headings:?})"
        );
        for status in [
            "gui-journal-status-sale",
            "gui-journal-status-partly-refunded",
            "gui-journal-status-voided",
        ] {
            assert!(shows(&h, &t(status)), "{locale}: {status}");
        }
        // The partly refunded sale, its refund dialog, and a reprint.
        click(&mut h, &shop.a);
        settle(&mut h);
        click(&mut h, &t("gui-journal-refund"));
        settle(&mut h);
        assert!(shows(&h, &t("gui-journal-refund-none")), "{locale}");
        click(&mut h, &t("gui-journal-refund-all"));
        settle(&mut h);
        let missing = h.state().missing_messages();
        assert!(
            missing.is_empty(),
            "{locale} refund dialog: missing {missing:?}"
        );
        click(&mut h, &t("gui-cancel"));
        settle(&mut h);
        click(&mut h, &t("gui-journal-print"));
        settle(&mut h);
        // The other sale of the day and its void dialog.
        click(&mut h, &t("gui-journal-back"));
        settle(&mut h);
        click(&mut h, &shop.c);
        settle(&mut h);
        click(&mut h, &t("gui-journal-void"));
        settle(&mut h);
        let missing = h.state().missing_messages();
        assert!(
            missing.is_empty(),
            "{locale} void dialog: missing {missing:?}"
        );
        click(&mut h, &t("gui-cancel"));
        settle(&mut h);
        // The voided sale, with its void.
        click(&mut h, &t("gui-journal-back"));
        settle(&mut h);
        click(&mut h, &shop.b);
        settle(&mut h);
        let missing = h.state().missing_messages();
        assert!(
            missing.is_empty(),
            "{locale} voided sale: missing {missing:?}"
        );
    }
}
