//! The cash drawer's shift in the window: opened with a float, pay-ins and pay-outs, the
//! X report against `ops::shifts::x_report`, closing counted by denomination with the
//! difference in words, the Z report printed as a PDF; the till's shift line; who may.

mod gui_support;

use dermis_model::clinic::Permission;
use dermis_model::ledger::{Payment, PaymentMethod, ShiftReport};
use dermis_node::demo::DEMO_PASSWORD;
use dermis_node::gui::app::{Nav, Screen};
use dermis_node::gui::backend::{
    Backend, BackendConfig, Command, Op, Reply, ShiftCommand, UiError,
};
use dermis_node::i18n::{Locale, Localizer, format_money};
use dermis_node::node::{Node, Session};
use dermis_node::ops;
use dermis_node::ops::sales::ItemInput;
use egui_kittest::kittest::Queryable;
use gui_support::*;

fn eur(minor: i64) -> String {
    format_money(minor, "EUR", Locale::En)
}

/// A cash sale of the first product, paid with a note so that change is given.
fn cash_sale(node: &mut Node) -> i64 {
    let product = dermis_node::store::queries::products(node.store.conn())
        .expect("products")
        .into_iter()
        .find(|p| p.active)
        .expect("a product");
    let paid = (product.price_minor * 2 / 1000 + 1) * 1000;
    let sale = ops::sales::sell(
        node,
        &Session::operator(),
        &[ItemInput {
            sku: product.sku.clone(),
            qty: 2,
            discount_minor: 0,
        }],
        &[Payment {
            method: PaymentMethod::Cash,
            amount_minor: paid,
        }],
        None,
    )
    .expect("sale");
    assert!(sale.change_minor > 0, "the sale gives change");
    sale.total_minor
}

fn x_report(dir: &std::path::Path) -> ShiftReport {
    ops::shifts::x_report(&mut open(dir), &Session::operator()).expect("x report")
}

/// The first text showing `label` (the cash figures come before the tables).
fn first_rect(h: &AppHarness, label: &str) -> egui::Rect {
    h.query_all_by_label(label)
        .next()
        .unwrap_or_else(|| panic!("{label:?} is shown"))
        .rect()
}

fn right_edge(h: &AppHarness, label: &str) -> f32 {
    first_rect(h, label).max.x
}

/// Counts of each EUR denomination that add up to `minor`, largest first.
fn counts_for(mut minor: i64) -> Vec<(i64, i64)> {
    let list =
        dermis_model::denominations::denominations(dermis_model::Currency::EUR).expect("EUR");
    let mut out = Vec::new();
    for d in list {
        let n = minor / d.minor;
        if n > 0 {
            out.push((d.minor, n));
            minor -= n * d.minor;
        }
    }
    assert_eq!(minor, 0);
    out
}

#[test]
fn a_shift_is_opened_paid_in_and_out_counted_closed_and_printed() {
    let dir = demo_dir(3);
    let mut h = signed_in(dir.path(), "cashier");
    h.state_mut().navigate(Nav::Show(Screen::Pos));
    settle(&mut h);
    assert!(shows(&h, "No shift open"), "the till says no shift is open");
    click(&mut h, "Open one");
    settle(&mut h);
    assert_eq!(h.state().screen(), Screen::Shift);
    assert!(shows(&h, "No shift is open on this workstation."));

    // A float that does not read is refused by name, nothing written.
    type_into(&mut h, "Opening float", "ten");
    click(&mut h, "Open shift");
    settle(&mut h);
    assert!(shows_part(&h, "Opening float is not a valid amount"));
    type_into(&mut h, "Opening float", "100");
    click(&mut h, "Open shift");
    wait_until(&mut h, "the shift to open", |h| {
        shows_part(h, "Shift open since")
    });

    click(&mut h, "Pay in");
    type_into(&mut h, "Amount", "20");
    click(&mut h, "Record");
    settle(&mut h);
    assert!(
        shows(&h, "Reason is required."),
        "a pay-in without a reason is refused"
    );
    assert!(has_input(&h, "Reason"), "the dialog stays open");
    type_into(&mut h, "Reason", "Change from the bank");
    click(&mut h, "Record");
    wait_until(&mut h, "the pay-in", |h| shows(h, "Change from the bank"));
    click(&mut h, "Pay out");
    type_into(&mut h, "Amount", "5.50");
    type_into(&mut h, "Reason", "Window cleaner");
    click(&mut h, "Record");
    wait_until(&mut h, "the pay-out", |h| shows(h, "Window cleaner"));

    // A sale at the till, then the X report as the screen shows it and as ops has it.
    let mut node = open(dir.path());
    cash_sale(&mut node);
    drop(node);
    h.state_mut().navigate(Nav::Show(Screen::Pos));
    settle(&mut h);
    assert!(
        shows_part(&h, "Shift open since"),
        "the till names the shift"
    );
    h.state_mut().navigate(Nav::Show(Screen::Shift));
    settle(&mut h);
    let x = x_report(dir.path());
    assert_eq!(x.opening_float, 10_000);
    assert_eq!(x.pay_ins, 2_000);
    assert_eq!(x.pay_outs, 550);
    assert_eq!(x.sales_count, 1);
    for (what, minor) in [
        ("opening float", x.opening_float),
        ("cash sales", x.cash_sales),
        ("pay-ins", x.pay_ins),
        ("pay-outs", -x.pay_outs),
        ("expected cash", x.expected_cash),
    ] {
        assert!(shows(&h, &eur(minor)), "{what} {} is shown", eur(minor));
    }
    let first = x.first_receipt.clone().expect("a receipt");
    assert!(shows(&h, &format!("{first} to {first}")));
    // Amounts are right-aligned: their right edges line up, however long they are.
    let (float_edge, out_edge) = (right_edge(&h, &eur(10_000)), right_edge(&h, &eur(-550)));
    assert!(
        (float_edge - out_edge).abs() < 1.0,
        "{float_edge} vs {out_edge}"
    );
    assert!(
        first_rect(&h, &eur(10_000)).min.x < first_rect(&h, &eur(-550)).min.x,
        "the longer amount starts further left"
    );

    // Close, counted note by note, one euro short.
    click(&mut h, "Close shift");
    click(&mut h, "By note and coin");
    let counted = x.expected_cash - 100;
    for (value, n) in counts_for(counted) {
        type_into(&mut h, &format!("Count of {}", eur(value)), &n.to_string());
    }
    settle(&mut h);
    assert!(
        shows(&h, &eur(counted)),
        "the count is summed as it is typed"
    );
    assert!(
        shows(
            &h,
            &format!("{} · Short: less cash than expected", eur(-100))
        ),
        "the difference is named, not only coloured"
    );
    click(&mut h, "Continue");
    assert!(shows_part(&h, "cannot be undone"), "closing asks first");
    click(&mut h, "Close the shift for good");
    wait_until(&mut h, "the Z report", |h| shows(h, "Z report"));
    let z_id = x.shift_id;
    let z = ops::shifts::report(&mut open(dir.path()), z_id).expect("z");
    assert_eq!(z.counted_cash, Some(counted));
    assert_eq!(z.difference, Some(-100));

    click(&mut h, "Print");
    wait_until(&mut h, "the printout", |h| {
        shows_part(h, "The report is saved as") || shows_part(h, "Sent to the PDF viewer")
    });
    let pdf = std::fs::read_dir(dir.path().join("printouts"))
        .expect("printouts")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .expect("a PDF");
    assert!(
        shows_part(&h, &pdf.display().to_string()),
        "the path is shown"
    );
    let text =
        pdf_extract::extract_text_from_mem(&std::fs::read(&pdf).expect("read")).expect("text");
    for wanted in [
        "Z report".to_owned(),
        "Expected cash".to_owned(),
        eur(z.expected_cash),
        eur(counted),
        "Short: less cash than expected".to_owned(),
        first,
    ] {
        assert!(text.contains(&wanted), "{wanted:?} missing from\n{text}");
    }

    // Back: no shift open, the closed one listed with its difference, its report a click away.
    click(&mut h, "Back");
    settle(&mut h);
    assert!(shows(&h, "No shift is open on this workstation."));
    assert!(shows(&h, &eur(-100)), "the difference is listed");
    assert!(shows(&h, "Short"), "in words too");
    click(&mut h, "View report");
    wait_until(&mut h, "the past Z report", |h| shows(h, "Z report"));
    assert!(shows(&h, &eur(-100)) && shows(&h, "Short: less cash than expected"));
}

fn backend_as(dir: &std::path::Path, username: &str) -> Backend {
    let mut backend = Backend::spawn(BackendConfig {
        data_dir: dir.to_owned(),
        max_photo_bytes: dermis_model::photo::DEFAULT_MAX_PHOTO_BYTES,
        viewer: dermis_node::gui::Viewer::Off,
    })
    .expect("spawn");
    assert!(matches!(next(&mut backend), Reply::Ready { .. }));
    assert!(
        backend
            .try_send(Command::Login {
                username: username.into(),
                password: DEMO_PASSWORD.into(),
            })
            .is_ok()
    );
    assert!(matches!(next(&mut backend), Reply::LoggedIn(_)));
    backend
}

fn next(backend: &mut Backend) -> Reply {
    let deadline = std::time::Instant::now() + DEADLINE;
    loop {
        if let Some(reply) = backend.try_recv() {
            return reply;
        }
        assert!(std::time::Instant::now() < deadline, "no reply");
        backend.wait_for_reply(std::time::Duration::from_millis(250));
    }
}

#[test]
fn only_those_who_sell_keep_a_drawer() {
    let dir = demo_dir(2);
    // The doctor's window has no Shift screen, and its worker refuses the commands.
    let mut h = signed_in(dir.path(), "doctor");
    h.state_mut().navigate(Nav::Show(Screen::Shift));
    settle(&mut h);
    assert_ne!(h.state().screen(), Screen::Shift);
    assert!(!shows(&h, "Shift"), "no Shift in the doctor's navigation");
    drop(h);
    let mut backend = backend_as(dir.path(), "doctor");
    for command in [ShiftCommand::Load, ShiftCommand::Open { float_minor: 100 }] {
        assert!(backend.try_send(Command::Shift(command)).is_ok());
        match next(&mut backend) {
            Reply::Failed {
                op: Op::Shift,
                error: UiError::Denied(Permission::Sell),
            } => {}
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    assert!(
        ops::shifts::open_shift(&open(dir.path()))
            .expect("read")
            .is_none(),
        "nothing was opened"
    );
}

#[test]
fn the_shift_screen_reads_in_every_language() {
    let dir = demo_dir(2);
    let mut node = open(dir.path());
    ops::shifts::open(&mut node, &Session::operator(), 12_345).expect("open");
    cash_sale(&mut node);
    ops::shifts::pay(
        &mut node,
        &Session::operator(),
        dermis_model::ledger::ShiftEventKind::PayOut,
        1_000,
        "Stamps",
    )
    .expect("pay out");
    drop(node);
    let x = x_report(dir.path());
    let localizer = Localizer::new();
    for locale in Locale::ALL {
        let t = |id: &str| localizer.t(locale, id);
        let mut h = harness(dir.path(), locale);
        type_into(&mut h, &t("field-username"), "cashier");
        type_into(&mut h, &t("field-password"), DEMO_PASSWORD);
        press_enter(&mut h, &t("field-password"));
        wait_until(&mut h, "signing in", |h| h.state().session().is_some());
        settle(&mut h);
        h.state_mut().navigate(Nav::Show(Screen::Pos));
        settle(&mut h);
        h.state_mut().navigate(Nav::Show(Screen::Shift));
        settle(&mut h);
        let money = |minor| format_money(minor, "EUR", locale);
        for minor in [x.opening_float, x.expected_cash, -x.pay_outs] {
            assert!(shows(&h, &money(minor)), "{locale}: {} shown", money(minor));
        }
        let (a, b) = (
            right_edge(&h, &money(x.opening_float)),
            right_edge(&h, &money(-x.pay_outs)),
        );
        assert!((a - b).abs() < 1.0, "{locale}: figures right-aligned");
        click(&mut h, &t("gui-shift-pay-in"));
        settle(&mut h);
        click(&mut h, &t("gui-cancel"));
        click(&mut h, &t("gui-shift-close"));
        click(&mut h, &t("gui-shift-count-denominations"));
        settle(&mut h);
        assert!(shows(&h, &t("gui-shift-denomination")));
        click(&mut h, &t("gui-shift-continue"));
        settle(&mut h);
        click(&mut h, &t("gui-back"));
        click(&mut h, &t("gui-cancel"));
        settle(&mut h);
        let missing = h.state().missing_messages();
        assert!(missing.is_empty(), "{locale}: missing {missing:?}");
    }
}
