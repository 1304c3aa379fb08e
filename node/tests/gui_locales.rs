//! Every screen of the desktop app drawn in every language, failing on any message the
//! language lacks (the app's translator records each id that had to fall back).

mod gui_support;

use dermis_model::PatientId;
use dermis_node::demo::DEMO_PASSWORD;
use dermis_node::gui::app::{Nav, Screen};
use dermis_node::i18n::{Locale, Localizer};
use dermis_node::node::Session;
use dermis_node::ops::photos::{self, PhotoImport};
use dermis_node::store::queries;
use gui_support::*;

/// A demo store with a photo and a conflict, so those screens have something to show.
fn rich_store() -> (tempfile::TempDir, PatientId, String) {
    let dir = demo_dir(6);
    let mut node = open(dir.path());
    let row = queries::recent_patients(node.store.conn(), 20)
        .expect("patients")
        .into_iter()
        .find(|p| p.encounter_count > 0)
        .expect("a patient with visits");
    let patient: PatientId = row.id.parse().expect("id");
    let visit = queries::encounters_of(node.store.conn(), &row.id)
        .expect("visits")
        .remove(0)
        .id;
    let image = image::RgbImage::from_pixel(64, 48, image::Rgb([180, 120, 90]));
    let file = dir.path().join("sample.png");
    image.save(&file).expect("png");
    photos::add(
        &mut node,
        &Session::operator(),
        &PhotoImport {
            patient,
            file,
            body_part: "face".into(),
            tags: vec!["follow-up".into()],
            encounter: None,
        },
        dermis_model::photo::DEFAULT_MAX_PHOTO_BYTES,
    )
    .expect("photo");
    let other = queries::recent_patients(node.store.conn(), 20).expect("patients")[1]
        .id
        .clone();
    make_conflict(&mut node, other.parse().expect("id"));
    (dir, patient, visit)
}

fn make_conflict(node: &mut dermis_node::node::Node, id: PatientId) {
    use automerge::transaction::Transactable;
    let saved = node
        .store
        .with_doc(id.into(), |doc| doc.clone().save())
        .expect("read")
        .expect("doc");
    let mut other = automerge::AutoCommit::load(&saved)
        .expect("load")
        .with_actor(automerge::ActorId::random());
    let heads = other.get_heads();
    other
        .put(automerge::ROOT, "email", "one@example.org")
        .expect("put");
    let change = other.save_after(&heads);
    let session = Session::operator();
    let mut form = dermis_model::patient::PatientForm::from_patient(
        &dermis_node::ops::patients::get(node, &session, id).expect("get"),
    );
    form.email = "two@example.org".into();
    dermis_node::ops::patients::update(node, &session, id, &form).expect("edit");
    let clinic = node.identity.clinic_id;
    let mut tx = node.store.begin(dermis_model::now_millis()).expect("tx");
    tx.apply_remote(id.into(), dermis_model::DocType::Patient, clinic, &change)
        .expect("apply");
    tx.commit().expect("commit");
}

fn assert_complete(h: &AppHarness, locale: Locale, place: &str) {
    let missing = h.state().missing_messages();
    assert!(missing.is_empty(), "{locale} {place}: missing {missing:?}");
}

#[test]
fn every_screen_renders_in_every_language_without_a_missing_message() {
    let (dir, patient, visit) = rich_store();
    let localizer = Localizer::new();
    let product_sku = queries::products(open(dir.path()).store.conn()).expect("products")[0]
        .sku
        .clone();
    for locale in Locale::ALL {
        let t = |id: &str| localizer.t(locale, id);
        let mut h = harness(dir.path(), locale);
        assert!(
            shows(&h, &t("gui-login-title")),
            "{locale}: the login screen is translated"
        );
        assert_complete(&h, locale, "login");
        type_into(&mut h, &t("field-username"), "admin");
        type_into(&mut h, &t("field-password"), DEMO_PASSWORD);
        press_enter(&mut h, &t("field-password"));
        wait_until(&mut h, "signing in", |h| h.state().session().is_some());
        settle(&mut h);
        assert!(
            shows(&h, &t("gui-nav-settings")),
            "{locale}: the navigation is translated"
        );

        let visits: Vec<Nav> = vec![
            Nav::Show(Screen::Dashboard),
            Nav::Show(Screen::Patients),
            Nav::Show(Screen::Appointments),
            Nav::NewPatient,
            Nav::OpenPatient(patient),
            Nav::EditPatient,
            Nav::OpenPatient(patient),
            Nav::OpenEncounter(visit.parse().expect("id")),
            Nav::NewEncounter {
                patient,
                name: "Test Patient".into(),
            },
            Nav::Photos {
                patient,
                name: "Test Patient".into(),
                visit: Some(visit.parse().expect("id")),
            },
            Nav::Show(Screen::Pos),
            Nav::Show(Screen::Products),
            Nav::Show(Screen::Sync),
            Nav::Show(Screen::Conflicts),
            Nav::Show(Screen::Settings),
        ];
        for nav in visits {
            let place = format!("{nav:?}");
            h.state_mut().navigate(nav);
            settle(&mut h);
            assert_complete(&h, locale, &place);
        }

        // Forms with their messages: a patient form refused, a cart, a product chosen,
        // the gallery's full view.
        h.state_mut().navigate(Nav::NewPatient);
        settle(&mut h);
        click(&mut h, &t("gui-save"));
        settle(&mut h);
        assert!(
            shows_part(&h, &t("field-last-name")),
            "{locale}: the refused form names its fields"
        );
        assert_complete(&h, locale, "patient form errors");

        h.state_mut().navigate(Nav::Show(Screen::Pos));
        settle(&mut h);
        type_into(&mut h, &t("field-barcode"), &product_sku);
        press_enter(&mut h, &t("field-barcode"));
        settle(&mut h);
        type_into(&mut h, &t("pay-card"), "1");
        settle(&mut h);
        assert_complete(&h, locale, "cart");

        h.state_mut().navigate(Nav::Show(Screen::Products));
        settle(&mut h);
        click(&mut h, &product_sku);
        settle(&mut h);
        assert_complete(&h, locale, "product");

        h.state_mut().navigate(Nav::Photos {
            patient,
            name: "Test Patient".into(),
            visit: None,
        });
        settle(&mut h);
        assert_complete(&h, locale, "photos");

        click(&mut h, &t("gui-logout"));
        wait_until(&mut h, "the login screen", |h| h.state().at_login());
        assert_complete(&h, locale, "logout");

        // The dialogs a doctor meets: leaving a visit with unsaved work, then signing one.
        type_into(&mut h, &t("field-username"), "doctor");
        type_into(&mut h, &t("field-password"), DEMO_PASSWORD);
        press_enter(&mut h, &t("field-password"));
        wait_until(&mut h, "the doctor signing in", |h| {
            h.state().session().is_some()
        });
        settle(&mut h);
        h.state_mut().navigate(Nav::NewEncounter {
            patient,
            name: "Test Patient".into(),
        });
        settle(&mut h);
        type_into(&mut h, &t("field-complaint"), "Rash");
        click(&mut h, &t("gui-date-calendar"));
        assert!(
            shows(&h, &t("gui-date-next-month")),
            "{locale}: the calendar opens"
        );
        assert_complete(&h, locale, "calendar");
        h.key_press(egui::Key::Escape);
        h.run_ok();
        click(&mut h, &t("gui-back"));
        settle(&mut h);
        assert!(shows(&h, &t("gui-unsaved-title")), "{locale}: leaving asks");
        assert_complete(&h, locale, "unsaved dialog");
        click(&mut h, &t("gui-unsaved-stay"));
        settle(&mut h);
        click(&mut h, &t("gui-save"));
        settle(&mut h);
        click(&mut h, &t("gui-encounter-sign"));
        settle(&mut h);
        assert!(
            shows(&h, &t("gui-encounter-sign-title")),
            "{locale}: signing asks"
        );
        assert_complete(&h, locale, "sign dialog");
        click(&mut h, &t("gui-cancel"));
        settle(&mut h);

        click(&mut h, &t("gui-logout"));
        wait_until(&mut h, "the login screen", |h| h.state().at_login());
    }
}

#[test]
fn the_first_run_screen_renders_in_every_language() {
    let localizer = Localizer::new();
    for locale in Locale::ALL {
        let dir = tempfile::tempdir().expect("temp");
        let mut h = harness(dir.path(), locale);
        assert!(h.state().at_setup());
        assert!(shows(&h, &localizer.t(locale, "gui-setup-title")));
        click(&mut h, &localizer.t(locale, "gui-setup-create"));
        settle(&mut h);
        assert!(
            shows_part(&h, &localizer.t(locale, "field-clinic-name")),
            "{locale}: errors name the fields"
        );
        let missing = h.state().missing_messages();
        assert!(missing.is_empty(), "{locale}: missing {missing:?}");
    }
}
