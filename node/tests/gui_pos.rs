//! The point of sale in the window: the barcode field has the focus when the screen
//! opens, so a scanner's first code lands in it.

mod gui_support;

use dermis_node::gui::app::{Nav, Screen};
use egui_kittest::kittest::{NodeT, Queryable};
use gui_support::*;

fn scan_focused(h: &AppHarness) -> bool {
    h.query_all_by_label("Barcode")
        .any(|n| n.accesskit_node().is_focused())
}

#[test]
fn the_barcode_field_has_the_focus_when_the_till_opens() {
    let dir = demo_dir(3);
    let mut h = signed_in(dir.path(), "cashier");
    h.state_mut().navigate(Nav::Show(Screen::Products));
    settle(&mut h);
    assert!(!scan_focused(&h));
    h.state_mut().navigate(Nav::Show(Screen::Pos));
    settle(&mut h);
    assert!(
        scan_focused(&h),
        "the till opened without the barcode field focused"
    );
    // Away and back: the focus is the barcode field's again.
    h.state_mut().navigate(Nav::Show(Screen::Products));
    settle(&mut h);
    h.state_mut().navigate(Nav::Show(Screen::Pos));
    settle(&mut h);
    assert!(scan_focused(&h));
}

fn field_text(h: &AppHarness, label: &str) -> String {
    h.get_by_label(label)
        .accesskit_node()
        .value()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn exact_cash_and_rest_by_card_fill_the_payments() {
    let dir = demo_dir(3);
    let node = open(dir.path());
    let product = dermis_node::store::queries::products(node.store.conn())
        .expect("products")
        .into_iter()
        .next()
        .expect("a product");
    drop(node);
    let mut h = signed_in(dir.path(), "cashier");
    h.state_mut().navigate(Nav::Show(Screen::Pos));
    settle(&mut h);
    type_into(&mut h, "Barcode", &product.sku);
    press_enter(&mut h, "Barcode");
    settle(&mut h);
    wait_until(&mut h, "a quote", |h| shows(h, "Amount due"));
    let total = dermis_model::money::format_minor(product.price_minor, 2);
    click(&mut h, "Exact cash");
    settle(&mut h);
    assert_eq!(field_text(&h, "Cash"), total);
    type_into(&mut h, "Cash", "1");
    settle(&mut h);
    click(&mut h, "Rest by card");
    settle(&mut h);
    let rest = dermis_model::money::format_minor(product.price_minor - 100, 2);
    assert_eq!(field_text(&h, "Card"), rest);
}

#[test]
fn the_cart_has_headers_steps_quantities_and_warns_of_stock() {
    let dir = demo_dir(3);
    let mut node = open(dir.path());
    let session = dermis_node::node::Session::operator();
    let form = dermis_model::product::ProductForm {
        sku: "RARE".into(),
        name: "Rare serum".into(),
        price: "10.00".into(),
        reorder_level: "1".into(),
        ..Default::default()
    };
    dermis_node::ops::catalog::add_product(&mut node, &session, &form).expect("product");
    dermis_node::ops::catalog::move_stock(
        &mut node,
        &session,
        "RARE",
        dermis_model::ledger::MovementKind::In,
        "3",
        "delivery",
    )
    .expect("stock");
    drop(node);
    let mut h = signed_in(dir.path(), "cashier");
    h.state_mut().navigate(Nav::Show(Screen::Pos));
    settle(&mut h);
    type_into(&mut h, "Barcode", "RARE");
    press_enter(&mut h, "Barcode");
    settle(&mut h);
    for header in ["Product", "Quantity", "Discount", "Line total"] {
        assert!(shows(&h, header), "no {header:?} header");
    }
    assert!(
        !shows_part(&h, "on the shelf"),
        "3 on the shelf, 1 sold: no warning"
    );
    click(&mut h, "+");
    settle(&mut h);
    assert!(shows(&h, "Low stock: 3 on the shelf"));
    click(&mut h, "+");
    click(&mut h, "+");
    settle(&mut h);
    assert!(shows(&h, "Out of stock: 3 on the shelf"));
    assert_eq!(h.state().pos_cart_quantity("RARE"), Some(4));
    click(&mut h, "−");
    settle(&mut h);
    assert_eq!(h.state().pos_cart_quantity("RARE"), Some(3));
}

#[test]
fn a_sale_attached_to_a_patient_shows_on_their_chart() {
    let dir = demo_dir(3);
    let node = open(dir.path());
    let conn = node.store.conn();
    let product = dermis_node::store::queries::products(conn)
        .expect("products")
        .into_iter()
        .find(|p| p.on_hand > 0)
        .expect("a product in stock");
    let patient = dermis_node::store::queries::recent_patients(conn, 10)
        .expect("patients")
        .into_iter()
        .next()
        .expect("a patient");
    drop(node);
    let mut h = signed_in(dir.path(), "cashier");
    h.state_mut().navigate(Nav::Show(Screen::Pos));
    settle(&mut h);
    type_into(&mut h, "Customer (patient)", &patient.mrn);
    settle(&mut h);
    let offered = format!(
        "{} {} · {}",
        patient.first_name, patient.last_name, patient.mrn
    );
    wait_until(&mut h, "the patient offered", |h| shows_part(h, &offered));
    h.query_all_by_label_contains(&offered)
        .next()
        .expect("the offered patient")
        .click();
    h.run_ok();
    settle(&mut h);
    assert!(shows(&h, "Detach"), "the buyer is not attached");
    assert!(
        shows_part(&h, &format!("Record {}", patient.mrn)),
        "the patient's banner is in view at the till"
    );
    type_into(&mut h, "Barcode", &product.sku);
    press_enter(&mut h, "Barcode");
    settle(&mut h);
    click(&mut h, "Exact cash");
    settle(&mut h);
    click(&mut h, "Complete sale");
    settle(&mut h);
    let receipt = h.state().pos_receipt().expect("a receipt").to_owned();
    click(&mut h, "New sale");
    settle(&mut h);
    assert!(
        !shows(&h, "Detach"),
        "the next customer starts without the patient"
    );

    let node = open(dir.path());
    let sale = dermis_node::store::pos::entry_by_receipt(node.store.conn(), &receipt)
        .expect("read")
        .expect("the sale");
    assert_eq!(sale.patient_id.as_deref(), Some(patient.id.as_str()));
    drop(node);

    h.state_mut()
        .navigate(Nav::OpenPatient(patient.id.parse().expect("id")));
    settle(&mut h);
    assert!(shows(&h, "Purchases"));
    assert!(shows(&h, &receipt), "the chart does not list {receipt}");
}
