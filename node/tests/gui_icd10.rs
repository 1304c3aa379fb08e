//! The diagnosis picker in the reader's language: a doctor working in Russian finds a
//! code by a Russian word, and the visit (draft, signing dialog, signed note) shows the
//! Russian label while the record keeps the language-neutral code and English label.

mod gui_support;

use dermis_node::demo::DEMO_PASSWORD;
use dermis_node::gui::app::Nav;
use dermis_node::i18n::{Locale, Localizer};
use dermis_node::node::Session;
use dermis_node::ops;
use dermis_node::store::queries;
use gui_support::*;

#[test]
fn a_doctor_working_in_russian_picks_a_diagnosis_by_a_russian_word() {
    let localizer = Localizer::new();
    let t = |id: &str| localizer.t(Locale::Ru, id);
    let dir = demo_dir(6);
    let patient = {
        let node = open(dir.path());
        let row = queries::recent_patients(node.store.conn(), 50)
            .expect("patients")
            .into_iter()
            .find(|p| p.encounter_count > 0)
            .expect("a demo patient with visits");
        row.id.parse::<dermis_model::PatientId>().expect("id")
    };
    let mut h = harness(dir.path(), Locale::Ru);
    type_into(&mut h, &t("field-username"), "doctor");
    type_into(&mut h, &t("field-password"), DEMO_PASSWORD);
    press_enter(&mut h, &t("field-password"));
    wait_until(&mut h, "signing in", |h| h.state().session().is_some());
    settle(&mut h);
    h.state_mut().navigate(Nav::OpenPatient(patient));
    settle(&mut h);
    click(&mut h, &t("gui-encounter-new"));
    type_into(&mut h, &t("field-complaint"), "Зудящие бляшки на локтях");

    // Russian words (the second a prefix) find the codes, labelled in Russian.
    type_into(&mut h, &t("gui-encounter-find-diagnosis"), "псориаз обыкн");
    h.run_ok();
    let russian = "Псориаз обыкновенный (вульгарный)";
    let choice = format!("L40.0  {russian}");
    assert!(shows(&h, &choice), "the picker offers {choice}");
    assert!(
        !shows(&h, "L40.0  Psoriasis vulgaris"),
        "the English label is not what a Russian reader is shown"
    );
    click(&mut h, &choice);
    settle(&mut h);
    assert!(
        shows(&h, russian),
        "the visit lists the chosen diagnosis in Russian"
    );
    click(&mut h, &t("gui-save"));
    settle(&mut h);

    let mut node = open(dir.path());
    let chart = ops::patients::get(&mut node, &Session::operator(), patient).expect("chart");
    let visit = chart
        .encounters
        .iter()
        .find(|e| e.complaint == "Зудящие бляшки на локтях")
        .expect("saved visit");
    let codes: Vec<(&str, &str)> = visit
        .diagnoses
        .iter()
        .map(|d| (d.code.as_str(), d.label.as_str()))
        .collect();
    assert_eq!(
        codes,
        [("L40.0", "Psoriasis vulgaris")],
        "the record keeps the code and its official English label"
    );

    click(&mut h, &t("gui-encounter-sign"));
    settle(&mut h);
    assert!(
        shows(&h, &choice),
        "the signing dialog names the diagnosis in Russian"
    );
    click(&mut h, &t("gui-encounter-sign-confirm"));
    wait_until(&mut h, "the visit signed", |h| {
        !has_input(h, &localizer.t(Locale::Ru, "field-complaint"))
    });
    settle(&mut h);
    assert!(
        shows(&h, russian),
        "the signed note shows the diagnosis in Russian"
    );
}
