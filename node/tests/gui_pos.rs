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
