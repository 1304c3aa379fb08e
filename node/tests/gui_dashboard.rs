//! The dashboard at the window's default size (1280 × 800), in every language: the
//! "Needs attention" table of unsigned visits stays inside the window, its long texts
//! cut short (whole on hover) instead of running past the right edge; the top bar's sync
//! badges never cover the clinic's or the workstation's name.

mod gui_support;

use dermis_model::PatientId;
use dermis_model::encounter::EncounterForm;
use dermis_node::demo::DEMO_PASSWORD;
use dermis_node::i18n::{Locale, Localizer};
use dermis_node::ops::{self, users};
use dermis_node::store::queries;
use egui_kittest::kittest::Queryable;
use gui_support::*;

const COMPLAINT: &str = "Breakouts on cheeks and chin since a new moisturiser";

/// A draft visit written by the demo doctor, whose name is what the table shows; returns
/// the visit's text as the table links it and the clinician's name.
fn long_draft(dir: &std::path::Path) -> (String, String) {
    let mut node = open(dir);
    let row = queries::recent_patients(node.store.conn(), 1).expect("patients")[0].clone();
    let patient: PatientId = row.id.parse().expect("id");
    let doctor = users::login(&mut node, "doctor", DEMO_PASSWORD)
        .expect("login")
        .session()
        .expect("doctor");
    ops::encounters::add(
        &mut node,
        &doctor,
        patient,
        &EncounterForm {
            date: dermis_node::node::today().to_string(),
            complaint: COMPLAINT.into(),
            ..EncounterForm::default()
        },
    )
    .expect("draft");
    let draft = queries::draft_encounters(node.store.conn(), 100)
        .expect("drafts")
        .into_iter()
        .find(|d| d.complaint == COMPLAINT)
        .expect("the draft");
    (
        format!("{} — {}", draft.patient_name, draft.complaint),
        draft.clinician,
    )
}

/// Signs the demo's `user` in on the login screen as shown in `locale`.
fn sign_in(h: &mut AppHarness, localizer: &Localizer, locale: Locale, user: &str) {
    let t = |id: &str| localizer.t(locale, id);
    type_into(h, &t("field-username"), user);
    type_into(h, &t("field-password"), DEMO_PASSWORD);
    press_enter(h, &t("field-password"));
    wait_until(h, "signing in", |h| h.state().session().is_some());
    settle(h);
}

#[test]
fn the_dashboard_fits_a_1280_pixel_window_in_every_language() {
    let dir = demo_dir(6);
    let (visit, clinician) = long_draft(dir.path());
    let localizer = Localizer::new();
    for locale in Locale::ALL {
        let mut h = harness_sized(dir.path(), locale, DEFAULT_WINDOW);
        sign_in(&mut h, &localizer, locale, "doctor");
        let right = h.ctx.content_rect().right();
        let header = localizer.t(locale, "field-clinician");
        for label in [visit.as_str(), clinician.as_str(), header.as_str()] {
            let rects: Vec<egui::Rect> = h.query_all_by_label(label).map(|n| n.rect()).collect();
            assert!(!rects.is_empty(), "{locale}: {label:?} is on the dashboard");
            for rect in rects {
                assert!(
                    rect.right() <= right + 0.5,
                    "{locale}: {label:?} ends at x = {}, past the window's right edge {right}",
                    rect.right()
                );
            }
        }
    }
}

/// A node with no hub and changes waiting shows two badges in the top bar; in Armenian
/// at 1280 pixels they ran over the workstation's name ("Front desk"). They are cut
/// short instead (whole on hover), after the clinic, the workstation and the user.
#[test]
fn the_top_bar_badges_leave_the_clinic_and_workstation_names_readable_in_every_language() {
    let dir = demo_dir(6);
    let pending = queries::outbox_stats(open(dir.path()).store.conn())
        .expect("outbox")
        .count;
    assert!(pending > 0, "the demo's changes wait for a hub");
    let localizer = Localizer::new();
    for locale in Locale::ALL {
        let mut h = harness_sized(dir.path(), locale, DEFAULT_WINDOW);
        sign_in(&mut h, &localizer, locale, "admin");
        let t = |id: &str| localizer.t(locale, id);
        // The top bar's copy of a label (the dashboard's sync panel repeats the badges).
        let rect_of = |h: &AppHarness, label: &str| {
            h.query_all_by_label(label)
                .map(|n| n.rect())
                .min_by(|a, b| a.top().total_cmp(&b.top()))
                .unwrap_or_else(|| panic!("{locale}: {label:?} is in the window"))
        };
        let names = [rect_of(&h, "Dermis Test Clinic"), rect_of(&h, "Front desk")];
        let badges = [
            t("gui-sync-no-hub"),
            localizer.t_args(locale, "changes-pending", &[("count", pending.into())]),
        ];
        let right = h.ctx.content_rect().right();
        for badge in &badges {
            let rect = rect_of(&h, badge);
            for name in names {
                assert!(
                    rect.left() >= name.right(),
                    "{locale}: the badge {badge:?} starts at x = {} over a name ending at {}",
                    rect.left(),
                    name.right()
                );
            }
            assert!(
                rect.right() <= right + 0.5,
                "{locale}: {badge:?} ends past the window"
            );
        }
    }
}
