//! Prescribing and printing on a visit in the window: the drug is checked against the
//! patient's allergies as it is typed, a match must be answered with a reason (kept on
//! the prescription), and the visit's documents are written and handed to a viewer.

mod gui_support;

use dermis_model::encounter::EncounterForm;
use dermis_model::{EncounterId, PatientId};
use dermis_node::gui::app::Nav;
use dermis_node::node::Session;
use dermis_node::ops;
use egui_kittest::kittest::{NodeT, Queryable};
use gui_support::*;

/// A demo patient allergic to neomycin (only), with a draft visit of today.
fn allergic_patient_with_a_draft(dir: &std::path::Path) -> (PatientId, EncounterId) {
    let mut node = open(dir);
    let session = Session::operator();
    let patient: PatientId = dermis_node::store::queries::recent_patients(node.store.conn(), 1)
        .expect("patients")[0]
        .id
        .parse()
        .expect("id");
    let chart = ops::patients::get(&mut node, &session, patient).expect("chart");
    for a in chart.allergies {
        ops::patients::remove_allergy(&mut node, &session, patient, a.id).expect("remove");
    }
    ops::patients::add_allergy(
        &mut node,
        &session,
        patient,
        &dermis_model::patient::AllergyForm {
            substance: "Neomycin".into(),
            reaction: "contact dermatitis".into(),
            severity: "severe".into(),
        },
    )
    .expect("allergy");
    let visit = ops::encounters::add(
        &mut node,
        &session,
        patient,
        &EncounterForm {
            date: dermis_model::validate::format_date(dermis_node::node::today()),
            complaint: "Infected eczema of the hands".into(),
            ..EncounterForm::default()
        },
    )
    .expect("visit");
    (patient, visit)
}

#[test]
fn a_drug_matching_an_allergy_must_be_answered_before_it_is_prescribed() {
    let dir = demo_dir(3);
    let (patient, visit) = allergic_patient_with_a_draft(dir.path());
    let mut h = signed_in(dir.path(), "doctor");
    h.state_mut().navigate(Nav::OpenEncounter(visit));
    settle(&mut h);
    assert!(shows(&h, "No prescriptions on this visit."));

    // Gentamicin is an aminoglycoside, as neomycin is: the warning names the allergy.
    type_into(&mut h, "Drug", "Gentamicin 0.1% cream");
    type_into(&mut h, "Dose", "thin layer");
    type_into(&mut h, "Instructions", "twice daily for 7 days");
    assert!(shows(&h, "Allergy warning"));
    assert!(
        shows_part(
            &h,
            "Allergic to Neomycin: Gentamicin 0.1% cream contains gentamicin"
        ),
        "the warning names the allergy and the substance"
    );
    assert!(
        h.get_by_label("Prescribe despite the allergy")
            .accesskit_node()
            .is_disabled(),
        "the warning is answered before anything is written"
    );
    type_into(
        &mut h,
        "Reason to prescribe anyway",
        "tolerated gentamicin in 2025",
    );
    click(&mut h, "Prescribe despite the allergy");
    settle(&mut h);
    assert!(shows(&h, "Gentamicin 0.1% cream"));
    assert!(shows_part(
        &h,
        "Prescribed despite the allergy to Neomycin: tolerated gentamicin in 2025"
    ));
    assert_eq!(
        value_of(&h, "Drug").unwrap_or_default(),
        "",
        "the form starts again"
    );

    // A drug the patient is not allergic to is prescribed at once.
    type_into(&mut h, "Drug", "Hydrocortisone 1% cream");
    type_into(&mut h, "Dose", "thin layer");
    type_into(&mut h, "Instructions", "once daily");
    type_into(&mut h, "Quantity", "two");
    assert!(!shows(&h, "Allergy warning"));
    click(&mut h, "Add prescription");
    settle(&mut h);
    assert!(
        shows(&h, "Quantity must be at least 1."),
        "a quantity in words is refused, naming the field"
    );
    type_into(&mut h, "Quantity", "2");
    click(&mut h, "Add prescription");
    settle(&mut h);

    let mut node = open(dir.path());
    let listed = ops::prescriptions::list(&mut node, &Session::operator(), patient).expect("list");
    assert_eq!(listed.len(), 2);
    let gentamicin = listed
        .iter()
        .find(|r| r.prescription.drug.starts_with("Gentamicin"))
        .expect("gentamicin");
    let answer = gentamicin
        .prescription
        .allergy_override
        .as_ref()
        .expect("the reason is kept");
    assert_eq!(answer.reason, "tolerated gentamicin in 2025");
    assert_eq!(answer.allergies, vec!["Neomycin".to_owned()]);
    let hydrocortisone = listed
        .iter()
        .find(|r| r.prescription.drug.starts_with("Hydrocortisone"))
        .expect("hydrocortisone");
    assert_eq!(hydrocortisone.prescription.quantity, Some(2));
    assert!(hydrocortisone.prescription.allergy_override.is_none());
}

#[test]
fn a_visits_documents_print_from_the_window() {
    let dir = demo_dir(3);
    let (_, visit) = allergic_patient_with_a_draft(dir.path());
    let mut node = open(dir.path());
    ops::prescriptions::add(
        &mut node,
        &Session::operator(),
        visit,
        &dermis_model::prescription::PrescriptionForm {
            drug: "Mupirocin 2% ointment".into(),
            dose: "thin layer".into(),
            instructions: "three times daily".into(),
            ..Default::default()
        },
    )
    .expect("prescription");
    drop(node);
    let mut h = signed_in(dir.path(), "doctor");
    h.state_mut().navigate(Nav::OpenEncounter(visit));
    settle(&mut h);
    click(&mut h, "Print prescription");
    settle(&mut h);
    let folder = dir.path().join("printouts");
    let printed: Vec<_> = std::fs::read_dir(&folder)
        .expect("the printouts folder")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(printed.len(), 1, "{printed:?}");
    let bytes = std::fs::read(&printed[0]).expect("read");
    assert!(bytes.starts_with(b"%PDF"), "a PDF");
    assert!(
        shows_part(&h, &printed[0].display().to_string()),
        "the window says where the printout is"
    );
    click(&mut h, "Print visit summary");
    settle(&mut h);
    assert_eq!(std::fs::read_dir(&folder).expect("folder").count(), 2);
}

#[test]
fn the_allergy_warning_speaks_every_language() {
    use dermis_node::i18n::{Locale, Localizer};
    let dir = demo_dir(3);
    let (_, visit) = allergic_patient_with_a_draft(dir.path());
    let localizer = Localizer::new();
    for locale in Locale::ALL {
        let t = |id: &str| localizer.t(locale, id);
        let mut h = harness(dir.path(), locale);
        wait_until(&mut h, "the login screen", |h| h.state().at_login());
        type_into(&mut h, &t("field-username"), "doctor");
        type_into(
            &mut h,
            &t("field-password"),
            dermis_node::demo::DEMO_PASSWORD,
        );
        press_enter(&mut h, &t("field-password"));
        wait_until(&mut h, "signing in", |h| h.state().session().is_some());
        h.state_mut().navigate(Nav::OpenEncounter(visit));
        settle(&mut h);
        assert!(shows(&h, &t("gui-rx-title")), "{locale}: the section");
        type_into(&mut h, &t("field-drug"), "Neomycin 0.5% ointment");
        assert!(
            shows(&h, &t("gui-rx-allergy-title")),
            "{locale}: the warning"
        );
        assert!(
            shows_part(&h, "Neomycin 0.5% ointment"),
            "{locale}: the warning names the drug"
        );
        assert!(has_input(&h, &t("gui-rx-override-reason")));
        let missing = h.state().missing_messages();
        assert!(missing.is_empty(), "{locale}: missing {missing:?}");
    }
}
