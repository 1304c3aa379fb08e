//! Shared helpers of the desktop app tests: a demo store in a temporary folder, a
//! kittest harness around the real app with the bundled fonts installed, and waits
//! that step frames until a condition holds, with a deadline instead of a fixed sleep.

#![allow(dead_code)]

pub mod backend;

use std::path::Path;
use std::time::{Duration, Instant};

use dermis_node::demo::{self, DemoSpec};
use dermis_node::gui::{DermisApp, DevOptions, GuiOptions};
use dermis_node::i18n::Locale;
use dermis_node::node::Node;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

pub type AppHarness = Harness<'static, DermisApp>;

/// How long any one wait may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// A temporary data directory holding a demo clinic (staff users admin, doctor, nurse,
/// reception and cashier with password [`demo::DEMO_PASSWORD`]).
pub fn demo_dir(patients: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut node = Node::init(dir.path(), "Dermis Test Clinic", "Front desk").expect("init");
    demo::generate(
        &mut node,
        &DemoSpec {
            patients,
            seed: 7,
            sales: patients,
        },
    )
    .expect("demo data");
    dir
}

/// The app over `dir`, in a window big enough for every screen.
pub fn harness(dir: &Path, locale: Locale) -> AppHarness {
    harness_locking_after(dir, locale, Duration::from_secs(600))
}

/// The app over `dir`, locking after `lock_after` without input.
pub fn harness_locking_after(dir: &Path, locale: Locale, lock_after: Duration) -> AppHarness {
    build(dir, locale, lock_after, [1500.0, 1100.0])
}

/// The window's default inner size (see `gui::run`).
pub const DEFAULT_WINDOW: [f32; 2] = [1280.0, 800.0];

/// The app over `dir` in a window of `size`.
pub fn harness_sized(dir: &Path, locale: Locale, size: [f32; 2]) -> AppHarness {
    build(dir, locale, Duration::from_secs(600), size)
}

fn build(dir: &Path, locale: Locale, lock_after: Duration, size: [f32; 2]) -> AppHarness {
    let app = DermisApp::new(GuiOptions {
        data_dir: dir.to_owned(),
        locale,
        dark: false,
        max_photo_bytes: dermis_model::photo::DEFAULT_MAX_PHOTO_BYTES,
        lock_after,
        viewer: dermis_node::gui::Viewer::Off,
        dev: DevOptions::default(),
    })
    .expect("backend starts");
    let mut harness = Harness::builder()
        .with_size(size)
        .with_context_setup(dermis_node::gui::setup_context)
        .build_ui_state(|ui, app: &mut DermisApp| app.app_ui(ui), app);
    settle(&mut harness);
    harness
}

/// Steps frames and waits for the backend until every command has been answered and
/// the current screen has its data.
pub fn settle(h: &mut AppHarness) {
    let deadline = Instant::now() + DEADLINE;
    loop {
        h.run_ok();
        if h.state_mut().settled() {
            h.run_ok();
            if h.state_mut().settled() {
                return;
            }
        }
        assert!(Instant::now() < deadline, "the app did not settle in time");
        h.state_mut().wait_for_backend(Duration::from_millis(250));
    }
}

/// Steps frames (waiting on the backend in between) until `condition` holds.
pub fn wait_until(h: &mut AppHarness, what: &str, condition: impl Fn(&mut AppHarness) -> bool) {
    let deadline = Instant::now() + DEADLINE;
    loop {
        h.run_ok();
        if condition(h) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        h.state_mut().wait_for_backend(Duration::from_millis(250));
    }
}

/// Replaces what the input named `label` holds with `text`, as a user selecting all
/// and typing would.
pub fn type_into(h: &mut AppHarness, label: &str, text: &str) {
    input(h, label).focus();
    h.run_ok();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_ok();
    input(h, label).type_text(text);
    h.run_ok();
}

/// The one input named `label` (a table's header of the same name is not an input).
pub fn input<'h>(h: &'h AppHarness, label: &'h str) -> egui_kittest::Node<'h> {
    let mut inputs: Vec<_> = h
        .query_all_by_label(label)
        .filter(|n| n.accesskit_node().role() != Role::Label)
        .collect();
    assert_eq!(inputs.len(), 1, "expected one input named {label:?}");
    inputs.remove(0)
}

/// Whether an input (not a plain text) is named `label`.
pub fn has_input(h: &AppHarness, label: &str) -> bool {
    h.query_all_by_label(label)
        .any(|n| n.accesskit_node().role() != Role::Label)
}

/// Clicks the one widget (not a plain text) named `label`.
pub fn click(h: &mut AppHarness, label: &str) {
    let targets: Vec<_> = h
        .query_all_by_label(label)
        .filter(|n| n.accesskit_node().role() != Role::Label)
        .collect();
    assert_eq!(
        targets.len(),
        1,
        "expected one widget named {label:?}: {targets:#?}"
    );
    // A widget in view is clicked at once (no frame in between, in which a reply could
    // change the screen); one below the fold is scrolled to first, as a user would.
    let screen = h.ctx.content_rect();
    if screen.contains_rect(targets[0].rect()) {
        targets[0].click();
    } else {
        targets[0].scroll_to_me();
        h.run_ok();
        let targets: Vec<_> = h
            .query_all_by_label(label)
            .filter(|n| n.accesskit_node().role() != Role::Label)
            .collect();
        assert_eq!(targets.len(), 1, "{label:?} went away while scrolled to");
        targets[0].click();
    }
    h.run_ok();
}

/// Presses Enter in the input named `label`.
pub fn press_enter(h: &mut AppHarness, label: &str) {
    input(h, label).focus();
    h.run_ok();
    h.key_press(egui::Key::Enter);
    h.run_ok();
}

/// Whether some widget or text shows exactly `label`.
pub fn shows(h: &AppHarness, label: &str) -> bool {
    h.query_all_by_label(label).next().is_some()
}

/// Whether some text contains `part`.
pub fn shows_part(h: &AppHarness, part: &str) -> bool {
    h.query_all_by_label_contains(part).next().is_some()
}

/// Signs in through the login screen and waits for the dashboard.
pub fn login(h: &mut AppHarness, username: &str, password: &str) {
    wait_until(h, "the login screen", |h| h.state().at_login());
    type_into(h, "Username", username);
    type_into(h, "Password", password);
    click(h, "Sign in");
    wait_until(h, "signing in", |h| h.state().session().is_some());
    settle(h);
}

/// A demo store with the app signed in as `username`.
pub fn signed_in(dir: &Path, username: &str) -> AppHarness {
    let mut h = harness(dir, Locale::En);
    login(&mut h, username, demo::DEMO_PASSWORD);
    h
}

/// The node of `dir`, opened beside the app the way another process would.
pub fn open(dir: &Path) -> Node {
    Node::open(dir).expect("open store")
}

/// What the input named `label` holds, as a screen reader would read it.
pub fn value_of(h: &AppHarness, label: &str) -> Option<String> {
    input(h, label).accesskit_node().value()
}
