//! Settings → Clinic in the window: the first-run prompt leads an administrator there;
//! what is saved is what receipts print (checked through `receipt print`) and how the
//! till prices tax; other roles neither see it nor may change it.

mod gui_support;

use dermis_model::clinic::Permission;
use dermis_model::ledger::{Payment, PaymentMethod};
use dermis_node::demo::DEMO_PASSWORD;
use dermis_node::gui::app::{Nav, Screen};
use dermis_node::gui::backend::{
    Backend, BackendConfig, ClinicCommand, ClinicForm, Command, Op, Reply, UiError,
};
use dermis_node::i18n::{Locale, Localizer};
use dermis_node::node::Session;
use dermis_node::ops;
use dermis_node::ops::sales::ItemInput;
use egui_kittest::kittest::Queryable;
use gui_support::*;

const FIRST_RUN: &str =
    "The clinic's legal name, address and tax ID are not set yet: receipts print without them.";

/// The node binary on `dir`, signed in as the demo admin, with the environment the
/// test's own store was made in (so it finds the same key).
fn cli(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_dermis-node"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DERMIS_NODE_DATA_DIR")
        .env_remove("DERMIS_LOCALE")
        .env("DERMIS_USER", "admin")
        .env("DERMIS_PASSWORD", DEMO_PASSWORD)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the node binary runs")
}

#[test]
fn an_admin_sets_the_clinic_up_and_receipts_print_it() {
    let dir = demo_dir(2);
    let mut h = signed_in(dir.path(), "admin");
    assert!(
        shows(&h, FIRST_RUN),
        "the first run prompt is on the dashboard"
    );
    click(&mut h, "Set up the clinic");
    settle(&mut h);
    assert_eq!(h.state().screen(), Screen::Settings);

    type_into(&mut h, "Legal name", "Clinique Étoile SARL");
    type_into(&mut h, "Address", "12 rue de la Paix");
    type_into(&mut h, "Tax ID", "FR12345678901");
    type_into(&mut h, "Rate of Reduced rate, %", "five");
    click(&mut h, "Save clinic details");
    settle(&mut h);
    assert!(
        shows(&h, "Tax rate is not a valid tax rate."),
        "a rate that does not read is refused by name"
    );
    let node = open(dir.path());
    assert_eq!(
        ops::till::business(&mut { node })
            .expect("business")
            .legal_name,
        "",
        "nothing was written"
    );
    type_into(&mut h, "Rate of Reduced rate, %", "5,5");
    click(&mut h, "Prices include tax");
    // The section is the last of Settings: its button may be below the fold.
    h.get_by_label("Save clinic details").scroll_to_me();
    h.run_ok();
    click(&mut h, "Save clinic details");
    wait_until(&mut h, "the save", |h| shows(h, "Saved."));

    let mut node = open(dir.path());
    let business = ops::till::business(&mut node).expect("business");
    assert_eq!(business.legal_name, "Clinique Étoile SARL");
    assert_eq!(business.address, "12 rue de la Paix");
    assert_eq!(business.tax_id, "FR12345678901");
    let clinic = node.clinic().expect("clinic");
    assert_eq!(clinic.tax_rate("reduced"), Some(550));
    assert_eq!(clinic.tax_rate("standard"), Some(2000), "untouched");
    assert!(!clinic.prices_include_tax);

    // The till now adds tax on top of the price, and the receipt names the clinic.
    let product = dermis_node::store::queries::products(node.store.conn())
        .expect("products")
        .into_iter()
        .find(|p| p.active && p.tax_class == "standard")
        .expect("a product at the standard rate");
    let sale = ops::sales::sell(
        &mut node,
        &Session::operator(),
        &[ItemInput {
            sku: product.sku.clone(),
            qty: 1,
            discount_minor: 0,
        }],
        &[Payment {
            method: PaymentMethod::Cash,
            amount_minor: product.price_minor * 2,
        }],
        None,
    )
    .expect("sale");
    let tax = (product.price_minor * 2000 + 5000) / 10_000;
    assert_eq!(sale.tax_minor, tax);
    assert_eq!(sale.total_minor, product.price_minor + tax);
    drop(node);
    let out = dir.path().join("receipt.txt");
    let o = cli(
        dir.path(),
        &[
            "receipt",
            "print",
            &sale.receipt,
            "--format",
            "text",
            "--out",
            out.to_str().expect("path"),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).expect("receipt");
    for wanted in ["Clinique Étoile SARL", "12 rue de la Paix", "FR12345678901"] {
        assert!(text.contains(wanted), "{wanted:?} missing from\n{text}");
    }

    // The till says the tax comes on top.
    h.state_mut().navigate(Nav::Show(Screen::Pos));
    settle(&mut h);
    type_into(&mut h, "Barcode", &product.sku);
    press_enter(&mut h, "Barcode");
    settle(&mut h);
    wait_until(&mut h, "the cart's totals", |h| h.state().pos_quoted());
    assert!(shows(&h, "Tax added"), "the till says the tax is added");
    assert!(!shows(&h, "Of which tax"));

    // The prompt has done its work.
    h.state_mut().navigate(Nav::Show(Screen::Dashboard));
    settle(&mut h);
    assert!(!shows(&h, FIRST_RUN));
}

fn reply(backend: &mut Backend) -> Reply {
    let deadline = std::time::Instant::now() + DEADLINE;
    loop {
        if let Some(reply) = backend.try_recv() {
            return reply;
        }
        assert!(std::time::Instant::now() < deadline, "no reply");
        backend.wait_for_reply(std::time::Duration::from_millis(250));
    }
}

fn send(backend: &mut Backend, command: Command) -> Reply {
    assert!(backend.try_send(command).is_ok(), "the queue has room");
    reply(backend)
}

#[test]
fn only_an_admin_changes_the_clinic() {
    let dir = demo_dir(2);
    let mut h = signed_in(dir.path(), "cashier");
    assert!(!shows(&h, FIRST_RUN), "no prompt for a cashier");
    h.state_mut().navigate(Nav::Show(Screen::Settings));
    settle(&mut h);
    assert!(!has_input(&h, "Legal name"));
    drop(h);

    let mut backend = Backend::spawn(BackendConfig {
        data_dir: dir.path().to_owned(),
        max_photo_bytes: dermis_model::photo::DEFAULT_MAX_PHOTO_BYTES,
        viewer: dermis_node::gui::Viewer::Off,
    })
    .expect("spawn");
    assert!(matches!(reply(&mut backend), Reply::Ready { .. }));
    let login = send(
        &mut backend,
        Command::Login {
            username: "cashier".into(),
            password: DEMO_PASSWORD.into(),
        },
    );
    assert!(matches!(login, Reply::LoggedIn(_)));
    let form = ClinicForm {
        business: vec![("legal_name", "Not mine to name".into())],
        ..ClinicForm::default()
    };
    for command in [ClinicCommand::Load, ClinicCommand::Save(form)] {
        match send(&mut backend, Command::Clinic(command)) {
            Reply::Failed {
                op: Op::Clinic,
                error: UiError::Denied(Permission::ManageSettings),
            } => {}
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    assert_eq!(
        ops::till::business(&mut open(dir.path()))
            .expect("business")
            .legal_name,
        ""
    );
}

#[test]
fn the_clinic_settings_read_in_every_language() {
    let dir = demo_dir(2);
    let localizer = Localizer::new();
    for locale in Locale::ALL {
        let t = |id: &str| localizer.t(locale, id);
        let mut h = harness(dir.path(), locale);
        type_into(&mut h, &t("field-username"), "admin");
        type_into(&mut h, &t("field-password"), DEMO_PASSWORD);
        press_enter(&mut h, &t("field-password"));
        wait_until(&mut h, "signing in", |h| h.state().session().is_some());
        settle(&mut h);
        assert!(
            shows(&h, &t("gui-clinic-first-run")),
            "{locale}: the prompt"
        );
        click(&mut h, &t("gui-clinic-set-up"));
        settle(&mut h);
        assert!(has_input(&h, &t("gui-field-legal-name")), "{locale}");
        click(&mut h, &t("gui-clinic-prices-include-tax"));
        settle(&mut h);
        assert!(shows(&h, &t("gui-clinic-added-hint")), "{locale}");
        let missing = h.state().missing_messages();
        assert!(missing.is_empty(), "{locale}: missing {missing:?}");
    }
}
