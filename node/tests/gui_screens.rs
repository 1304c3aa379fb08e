//! The desktop app's screens driven through egui_kittest: widgets are found by their
//! labels, typed into and clicked, and each test checks what reached the store.

mod gui_support;

use dermis_model::clinic::Role;
use dermis_node::demo::DEMO_PASSWORD;
use dermis_node::gui::app::{Nav, Screen};
use dermis_node::i18n::Locale;
use dermis_node::node::{Node, Session};
use dermis_node::ops;
use dermis_node::store::queries;
use egui_kittest::kittest::Queryable;
use gui_support::*;

#[test]
fn first_run_creates_the_clinic_and_signs_in_its_administrator() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut h = harness(dir.path(), Locale::En);
    assert!(
        h.state().at_setup(),
        "an empty data dir starts the first run"
    );
    // The place for joining a hub is there, without a button that would do nothing.
    assert!(shows(&h, "Join a clinic that already uses Dermis"));

    type_into(&mut h, "Clinic name", "Clinique du Lac");
    type_into(&mut h, "Workstation name", "Reception");
    type_into(&mut h, "Username", "boss");
    type_into(&mut h, "Display name", "Dr Boss");
    type_into(&mut h, "Password", "short");
    type_into(&mut h, "Repeat the password", "short");
    click(&mut h, "Create the clinic");
    settle(&mut h);
    assert!(
        shows(&h, "Password must be at least 8 characters long."),
        "the weak password is refused under its field"
    );
    assert!(
        Node::open(dir.path()).is_err(),
        "nothing is created while the form is invalid"
    );

    type_into(&mut h, "Password", "short-long-enough");
    type_into(&mut h, "Repeat the password", "short-long-enough");
    click(&mut h, "Create the clinic");
    wait_until(&mut h, "the new admin signed in", |h| {
        h.state().session().is_some()
    });
    settle(&mut h);
    let session = h.state().session().expect("signed in");
    assert_eq!(session.role, Role::Admin);
    assert_eq!(session.clinic_name, "Clinique du Lac");

    let mut node = open(dir.path());
    let clinic = node.clinic().expect("clinic");
    assert_eq!(clinic.name, "Clinique du Lac");
    assert_eq!(node.identity.node_name, "Reception");
    let admin = clinic.user_by_name("boss").expect("admin stored");
    assert_eq!(admin.role, Role::Admin);
    assert!(
        ops::users::login(&mut node, "boss", "short-long-enough")
            .expect("login")
            .session()
            .is_some(),
        "the password typed is the one stored"
    );
}

#[test]
fn login_refuses_a_wrong_password_and_opens_the_dashboard_on_the_right_one() {
    let dir = demo_dir(12);
    let mut h = harness(dir.path(), Locale::En);
    type_into(&mut h, "Username", "nurse");
    type_into(&mut h, "Password", "wrong password");
    click(&mut h, "Sign in");
    wait_until(&mut h, "the refusal", |h| {
        shows(h, "Wrong username or password.")
    });
    assert!(h.state().session().is_none());

    login(&mut h, "nurse", DEMO_PASSWORD);
    assert_eq!(h.state().screen(), Screen::Dashboard);
    assert!(shows(&h, "Today's appointments"));
    assert!(shows(&h, "Recent patients"));
    assert!(
        shows(&h, "Not connected to a hub"),
        "sync state at a glance"
    );

    click(&mut h, "Sign out");
    wait_until(&mut h, "the login screen", |h| h.state().at_login());
}

#[test]
fn a_patient_created_through_the_form_is_found_by_search() {
    let dir = demo_dir(12);
    let mut h = signed_in(dir.path(), "reception");
    click(&mut h, "Patients");
    settle(&mut h);
    click(&mut h, "New patient");
    type_into(&mut h, "First name", "Zabel");
    type_into(&mut h, "Date of birth", "31.12.1990");
    click(&mut h, "Save");
    settle(&mut h);
    assert!(shows(&h, "Last name is required."), "error under the field");
    assert!(shows(&h, "Date of birth is not a valid date."));
    assert!(
        queries::search_patients(open(dir.path()).store.conn(), "Zabel", 5)
            .expect("search")
            .is_empty()
    );

    type_into(&mut h, "Last name", "Yesayan");
    type_into(&mut h, "Date of birth", "1990-12-31");
    type_into(&mut h, "Phone", "+374 10 555 123");
    click(&mut h, "Save");
    wait_until(&mut h, "the new patient's page", |h| {
        h.state().screen() == Screen::Patient
    });
    settle(&mut h);
    assert!(shows(&h, "Zabel Yesayan"));

    let rows = queries::search_patients(open(dir.path()).store.conn(), "yesay", 5).expect("search");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].birth_date.as_deref(), Some("1990-12-31"));

    // Searching as you type finds it in the list too.
    click(&mut h, "Patients");
    settle(&mut h);
    type_into(&mut h, "Search patients", "Yesa");
    settle(&mut h);
    assert!(shows(&h, "Yesayan Zabel"));
    assert!(shows(&h, "1 patient"));
}

/// The first demo patient that has visits, and its name as the list shows it.
fn patient_with_visits(dir: &std::path::Path) -> (dermis_model::PatientId, String) {
    let node = open(dir);
    let row = queries::recent_patients(node.store.conn(), 50)
        .expect("patients")
        .into_iter()
        .find(|p| p.encounter_count > 0)
        .expect("a demo patient with visits");
    (
        row.id.parse().expect("id"),
        format!("{} {}", row.last_name, row.first_name),
    )
}

#[test]
fn a_doctor_writes_a_visit_with_a_diagnosis_and_signs_it() {
    let dir = demo_dir(12);
    let (patient, _) = patient_with_visits(dir.path());
    let mut h = signed_in(dir.path(), "doctor");
    h.state_mut().navigate(Nav::OpenPatient(patient));
    settle(&mut h);
    assert!(shows(&h, "Allergies"), "allergies are shown to clinicians");
    click(&mut h, "New visit");
    type_into(&mut h, "Chief complaint", "Itchy plaques on elbows");
    type_into(&mut h, "Assessment", "Plaque psoriasis");
    type_into(&mut h, "Find a diagnosis", "psoriasis vulgaris");
    h.run_ok();
    click(&mut h, "L40.0  Psoriasis vulgaris");
    click(&mut h, "Save");
    settle(&mut h);

    let node = open(dir.path());
    let visits = queries::encounters_of(node.store.conn(), &patient.to_string()).expect("visits");
    let visit = visits
        .iter()
        .find(|e| e.complaint == "Itchy plaques on elbows")
        .expect("saved visit");
    assert_eq!(visit.status, "draft");
    assert_eq!(visit.diagnoses, vec!["L40.0".to_owned()]);

    click(&mut h, "Sign");
    settle(&mut h);
    assert!(
        shows(&h, "Sign this visit?"),
        "signing is irreversible, so it asks first"
    );
    assert!(
        shows(&h, "L40.0  Psoriasis vulgaris"),
        "the dialog shows the diagnoses being sealed"
    );
    let draft = queries::encounters_of(open(dir.path()).store.conn(), &patient.to_string())
        .expect("visits");
    assert_eq!(
        draft
            .iter()
            .find(|e| e.id == visit.id)
            .map(|e| e.status.as_str()),
        Some("draft"),
        "nothing is signed before the answer"
    );
    click(&mut h, "Sign the visit");
    settle(&mut h);
    let visits = queries::encounters_of(open(dir.path()).store.conn(), &patient.to_string())
        .expect("visits");
    let visit = visits.iter().find(|e| e.id == visit.id).expect("visit");
    assert_eq!(visit.status, "signed");
    assert!(shows(
        &h,
        "A signed visit cannot be changed. Add an addendum to correct it."
    ));
    assert!(
        !has_input(&h, "Chief complaint"),
        "no editable fields once signed"
    );

    type_into(&mut h, "Addendum", "Biopsy result: confirmed.");
    click(&mut h, "Add addendum");
    settle(&mut h);
    assert!(shows(&h, "Biopsy result: confirmed."));
}

/// A demo patient with no allergy recorded, given one (severe) so the banner has a chip.
fn patient_allergic_to_neomycin(dir: &std::path::Path) -> dermis_model::PatientId {
    let (patient, _) = patient_with_visits(dir);
    let mut node = open(dir);
    let session = Session::operator();
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
    patient
}

#[test]
fn the_allergies_stay_in_view_on_a_visit_and_unsaved_work_is_not_lost_by_a_click() {
    let dir = demo_dir(12);
    let patient = patient_allergic_to_neomycin(dir.path());
    let mut h = signed_in(dir.path(), "doctor");
    h.state_mut().navigate(Nav::OpenPatient(patient));
    settle(&mut h);
    click(&mut h, "New visit");
    settle(&mut h);
    assert_eq!(h.state().screen(), Screen::Encounter);
    assert!(
        shows(&h, "Neomycin — Severe"),
        "the allergy is a chip on the visit screen"
    );
    assert!(shows_part(&h, "Record N1-"), "the record number is in view");

    type_into(&mut h, "Chief complaint", "Weeping eczema of the hands");
    click(&mut h, "Back");
    settle(&mut h);
    assert!(shows(&h, "Leave without saving?"));
    assert_eq!(
        h.state().screen(),
        Screen::Encounter,
        "it asks before leaving"
    );
    click(&mut h, "Keep editing");
    settle(&mut h);
    assert_eq!(
        h.get_by_label("Chief complaint").value().as_deref(),
        Some("Weeping eczema of the hands"),
        "what was typed is still there"
    );
    click(&mut h, "Patients");
    settle(&mut h);
    assert!(
        shows(&h, "Leave without saving?"),
        "the navigation bar asks too"
    );
    click(&mut h, "Discard the changes");
    settle(&mut h);
    assert_eq!(h.state().screen(), Screen::Patients);
    let visits = queries::encounters_of(open(dir.path()).store.conn(), &patient.to_string())
        .expect("visits");
    assert!(
        visits
            .iter()
            .all(|e| e.complaint != "Weeping eczema of the hands"),
        "discarded work is not written"
    );
}

#[test]
fn an_allergy_entered_in_error_leaves_the_banner_and_stays_struck_through() {
    let dir = demo_dir(12);
    let patient = patient_allergic_to_neomycin(dir.path());
    let mut h = signed_in(dir.path(), "doctor");
    h.state_mut().navigate(Nav::OpenPatient(patient));
    settle(&mut h);
    assert!(shows(&h, "Neomycin — Severe"), "the chip in the banner");
    click(&mut h, "Entered in error");
    type_into(
        &mut h,
        "Why it was entered in error",
        "recorded on the wrong patient",
    );
    click(&mut h, "Mark as entered in error");
    settle(&mut h);
    assert!(!shows(&h, "Neomycin — Severe"), "no longer an allergy");
    assert!(shows(&h, "Allergies not recorded"));
    assert!(
        shows_part(&h, "Neomycin — recorded on the wrong patient"),
        "kept in the record, struck through"
    );
    let mut node = open(dir.path());
    let chart = ops::patients::get(&mut node, &Session::operator(), patient).expect("chart");
    assert!(chart.allergies.is_empty());
    assert_eq!(
        chart.allergies_in_error[0].reason,
        "recorded on the wrong patient"
    );
}

#[test]
fn no_known_allergies_is_recorded_and_told_apart_from_never_asked() {
    let dir = demo_dir(12);
    let patient = patient_allergic_to_neomycin(dir.path());
    {
        let mut node = open(dir.path());
        let session = Session::operator();
        let chart = ops::patients::get(&mut node, &session, patient).expect("chart");
        for a in chart.allergies {
            ops::patients::remove_allergy(&mut node, &session, patient, a.id).expect("remove");
        }
    }
    let mut h = signed_in(dir.path(), "doctor");
    h.state_mut().navigate(Nav::OpenPatient(patient));
    settle(&mut h);
    assert!(shows(&h, "Allergies not recorded"));
    assert!(!shows(&h, "No known allergies"));
    click(&mut h, "Patient has no known allergies");
    settle(&mut h);
    assert!(shows(&h, "No known allergies"));
    assert!(!shows(&h, "Allergies not recorded"));
    let mut node = open(dir.path());
    let chart = ops::patients::get(&mut node, &Session::operator(), patient).expect("chart");
    assert_eq!(
        chart.allergy_status(),
        dermis_model::patient::AllergyStatus::NoneKnown
    );

    // A cashier sees who the patient is, but no allergy status at all.
    let mut h = signed_in(dir.path(), "cashier");
    h.state_mut().navigate(Nav::OpenPatient(patient));
    settle(&mut h);
    assert!(shows_part(&h, "Record N1-"));
    assert!(!shows(&h, "No known allergies"));
    assert!(!shows(&h, "Allergies not recorded"));
}

#[test]
fn typing_in_a_visit_survives_the_window_going_away_unsaved() {
    let dir = demo_dir(12);
    let (patient, _) = patient_with_visits(dir.path());
    let drafts = |dir: &std::path::Path| -> i64 {
        open(dir)
            .store
            .conn()
            .query_row("SELECT count(*) FROM visit_drafts", [], |r| r.get(0))
            .expect("count")
    };
    {
        let mut h = signed_in(dir.path(), "doctor");
        h.state_mut().navigate(Nav::OpenPatient(patient));
        settle(&mut h);
        click(&mut h, "New visit");
        type_into(&mut h, "Chief complaint", "Scaly patches on the scalp");
        wait_until(&mut h, "the typing to be kept", |_| drafts(dir.path()) == 1);
        // The window goes away without a save, as in a crash or a power cut.
    }
    let mut h = signed_in(dir.path(), "doctor");
    h.state_mut().navigate(Nav::OpenPatient(patient));
    settle(&mut h);
    click(&mut h, "New visit");
    settle(&mut h);
    assert_eq!(
        h.get_by_label("Chief complaint").value().as_deref(),
        Some("Scaly patches on the scalp"),
        "what was typed is back"
    );
    assert!(shows(
        &h,
        "Unsaved changes to this visit were kept and are back."
    ));
    click(&mut h, "Save");
    settle(&mut h);
    assert_eq!(drafts(dir.path()), 0, "a saved visit's draft is forgotten");

    // Discarding on purpose forgets the draft too.
    type_into(&mut h, "Plan", "Ketoconazole shampoo twice weekly");
    wait_until(&mut h, "the change to be kept", |_| drafts(dir.path()) == 1);
    click(&mut h, "Back");
    settle(&mut h);
    click(&mut h, "Discard the changes");
    settle(&mut h);
    assert_eq!(drafts(dir.path()), 0);
}

#[test]
fn ctrl_f_finds_a_patient_from_any_screen() {
    let dir = demo_dir(4);
    let mut h = signed_in(dir.path(), "reception");
    click(&mut h, "Sync");
    settle(&mut h);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    settle(&mut h);
    assert_eq!(h.state().screen(), Screen::Patients);
    assert!(
        h.get_by_label("Search patients").is_focused(),
        "the search field has the keyboard"
    );
}

#[test]
fn unsigned_visits_wait_on_the_dashboard_until_signed() {
    let dir = demo_dir(12);
    let (patient, name) = patient_with_visits(dir.path());
    let drafts = |dir: &std::path::Path| {
        queries::draft_encounters(open(dir).store.conn(), 100)
            .expect("drafts")
            .len()
    };
    let before = drafts(dir.path());
    let mut h = signed_in(dir.path(), "doctor");
    h.state_mut().navigate(Nav::OpenPatient(patient));
    settle(&mut h);
    click(&mut h, "New visit");
    type_into(&mut h, "Chief complaint", "Follow-up of acne");
    click(&mut h, "Save");
    settle(&mut h);
    assert_eq!(drafts(dir.path()), before + 1);

    click(&mut h, "Dashboard");
    settle(&mut h);
    let waiting = match before + 1 {
        1 => "1 visit not signed".to_owned(),
        n => format!("{n} visits not signed"),
    };
    assert!(shows(&h, &waiting), "{waiting}");
    click(&mut h, &format!("{name} — Follow-up of acne"));
    settle(&mut h);
    assert_eq!(h.state().screen(), Screen::Encounter);
    click(&mut h, "Sign");
    click(&mut h, "Sign the visit");
    settle(&mut h);
    click(&mut h, "Dashboard");
    settle(&mut h);
    assert!(
        !shows_part(&h, "Follow-up of acne"),
        "a signed visit leaves the list"
    );
    assert_eq!(drafts(dir.path()), before);
}

#[test]
fn a_nurse_cannot_sign_and_the_sign_button_is_not_offered() {
    let dir = demo_dir(12);
    let (patient, _) = patient_with_visits(dir.path());
    let mut h = signed_in(dir.path(), "nurse");
    h.state_mut().navigate(Nav::OpenPatient(patient));
    settle(&mut h);
    click(&mut h, "New visit");
    type_into(&mut h, "Chief complaint", "Rash");
    click(&mut h, "Save");
    settle(&mut h);
    assert!(h.query_all_by_label("Sign").next().is_none());
}

#[test]
fn a_cashier_sees_no_clinical_notes_and_cannot_open_a_visit() {
    let dir = demo_dir(12);
    let (patient, name) = patient_with_visits(dir.path());
    let visit = queries::encounters_of(open(dir.path()).store.conn(), &patient.to_string())
        .expect("visits")
        .remove(0);
    let mut h = signed_in(dir.path(), "cashier");
    click(&mut h, "Patients");
    settle(&mut h);
    assert!(h.query_all_by_label("New patient").next().is_none());
    h.state_mut().navigate(Nav::OpenPatient(patient));
    settle(&mut h);
    assert!(shows_part(&h, name.split(' ').next().unwrap_or_default()));
    for clinical in [
        "Allergies",
        "Visits",
        "New visit",
        "Photos",
        "Medical history",
    ] {
        assert!(
            h.query_all_by_label(clinical).next().is_none(),
            "{clinical} is hidden"
        );
    }
    // Asking for the visit anyway goes nowhere.
    h.state_mut()
        .navigate(Nav::OpenEncounter(visit.id.parse().expect("id")));
    settle(&mut h);
    assert_eq!(h.state().screen(), Screen::Patient);
    assert!(!has_input(&h, "Chief complaint"));
}

#[test]
fn a_sale_by_barcode_completes_and_takes_the_stock_down() {
    let dir = demo_dir(12);
    let product = {
        let node = open(dir.path());
        queries::products(node.store.conn())
            .expect("products")
            .into_iter()
            .find(|p| p.barcode.is_some() && p.on_hand > 2)
            .expect("a product with a barcode")
    };
    let mut h = signed_in(dir.path(), "cashier");
    click(&mut h, "Point of sale");
    settle(&mut h);
    let barcode = product.barcode.clone().expect("barcode");
    type_into(&mut h, "Barcode", &barcode);
    press_enter(&mut h, "Barcode");
    settle(&mut h);
    type_into(&mut h, "Barcode", &product.sku);
    press_enter(&mut h, "Barcode");
    settle(&mut h);
    assert!(shows(&h, "2 items"), "scanning twice puts two in the cart");

    let total = product.price_minor * 2;
    let cash = format!("{}.00", total / 100 + 10);
    type_into(&mut h, "Cash", &cash);
    settle(&mut h);
    let change = dermis_node::i18n::format_money(
        (total / 100 + 10) * 100 - total,
        &product.currency,
        Locale::En,
    );
    assert!(shows(&h, &change), "change due {change} is shown");
    click(&mut h, "Complete sale");
    settle(&mut h);
    assert!(shows_part(&h, "Receipt N1-"), "the receipt is shown");

    let node = open(dir.path());
    let after = queries::products_by_sku(node.store.conn(), &product.sku).expect("product");
    assert_eq!(after[0].on_hand, product.on_hand - 2);
    let sale = &queries::recent_sales(node.store.conn(), 1).expect("sales")[0];
    assert_eq!(sale.total_minor, total);
    assert_eq!(sale.change_minor, (total / 100 + 10) * 100 - total);
}

#[test]
fn an_admin_adds_a_product_and_receives_stock() {
    let dir = demo_dir(4);
    let mut h = signed_in(dir.path(), "admin");
    click(&mut h, "Products and stock");
    settle(&mut h);
    click(&mut h, "New product");
    type_into(&mut h, "SKU", "SPF-NEW-50");
    type_into(&mut h, "Name", "Mineral sunscreen SPF 50");
    type_into(&mut h, "Price", "abc");
    click(&mut h, "Save");
    settle(&mut h);
    assert!(shows(&h, "Price is not a valid amount."));
    type_into(&mut h, "Price", "24.90");
    type_into(&mut h, "Barcode", "4006381333931");
    click(&mut h, "Save");
    settle(&mut h);
    let node = open(dir.path());
    let product = queries::products_by_sku(node.store.conn(), "SPF-NEW-50").expect("sku");
    assert_eq!(product.len(), 1);
    assert_eq!(product[0].price_minor, 2490);
    assert_eq!(product[0].on_hand, 0);
    assert!(shows(&h, "Stock of Mineral sunscreen SPF 50: 0"));

    type_into(&mut h, "Quantity", "12");
    type_into(&mut h, "Reason", "Delivery 2026-03");
    click(&mut h, "Record");
    settle(&mut h);
    let node = open(dir.path());
    let product = &queries::products_by_sku(node.store.conn(), "SPF-NEW-50").expect("sku")[0];
    assert_eq!(product.on_hand, 12);
    let moves = queries::movements_of(node.store.conn(), &product.id, 10).expect("moves");
    assert_eq!(moves.len(), 1);
    assert_eq!(moves[0].reason, "Delivery 2026-03");
    assert!(
        shows(&h, "Delivery 2026-03"),
        "the history shows the movement"
    );
}

#[test]
fn a_conflict_is_settled_by_keeping_one_value() {
    let dir = demo_dir(4);
    let patient = make_conflict(dir.path());
    let mut h = signed_in(dir.path(), "admin");
    click(&mut h, "Conflicts");
    settle(&mut h);
    assert!(shows(&h, "Keep this Ohanyan"));
    assert!(shows(&h, "Keep this Hovhannisyan"));
    // Who wrote each value, where and when.
    assert!(
        shows_part(&h, "the workstation's operator · this workstation ("),
        "the local edit names this workstation"
    );
    let doctor = open(dir.path())
        .clinic()
        .expect("clinic")
        .users
        .into_iter()
        .find(|u| u.username == "doctor")
        .expect("doctor")
        .display_name;
    assert!(
        shows_part(&h, &format!("{doctor} · workstation 5e1f0c2a · ")),
        "the synced edit names its author and workstation"
    );
    click(&mut h, "Keep this Ohanyan");
    settle(&mut h);
    assert!(shows(&h, "No conflicts."));
    let mut node = open(dir.path());
    assert!(
        queries::conflicts(node.store.conn())
            .expect("conflicts")
            .is_empty()
    );
    let p = ops::patients::get(&mut node, &Session::operator(), patient).expect("patient");
    assert_eq!(p.last_name, "Ohanyan");
}

/// The workstation the conflicting edit comes from.
const OTHER_DESK: &str = "5e1f0c2a-7d3b-4c8e-9a61-2b4d6f8e0a13";

/// Two workstations change one patient's last name at once: the store then holds both.
fn make_conflict(dir: &std::path::Path) -> dermis_model::PatientId {
    use automerge::transaction::Transactable;
    let mut node = open(dir);
    let row = queries::recent_patients(node.store.conn(), 1)
        .expect("patients")
        .remove(0);
    let id: dermis_model::PatientId = row.id.parse().expect("id");
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
        .put(automerge::ROOT, "last_name", "Hovhannisyan")
        .expect("put");
    // Made by the doctor on another workstation, as a synced change would be.
    let doctor = node
        .clinic()
        .expect("clinic")
        .users
        .into_iter()
        .find(|u| u.username == "doctor")
        .expect("the demo doctor");
    other.commit_with(
        dermis_model::provenance::Provenance::user(doctor.id, OTHER_DESK.parse().expect("id"))
            .commit_options(dermis_model::now_millis()),
    );
    let change = other.save_after(&heads);

    let session = Session::operator();
    let mut form = dermis_model::patient::PatientForm::from_patient(
        &ops::patients::get(&mut node, &session, id).expect("get"),
    );
    form.last_name = "Ohanyan".into();
    ops::patients::update(&mut node, &session, id, &form).expect("local edit");

    let clinic = node.identity.clinic_id;
    let mut tx = node.store.begin(dermis_model::now_millis()).expect("tx");
    tx.apply_remote(id.into(), dermis_model::DocType::Patient, clinic, &change)
        .expect("remote change");
    tx.commit().expect("commit");
    assert_eq!(
        queries::conflicts(node.store.conn())
            .expect("conflicts")
            .len(),
        1
    );
    id
}

#[test]
fn an_admin_adds_a_staff_member_and_changes_a_role() {
    let dir = demo_dir(4);
    let mut h = signed_in(dir.path(), "admin");
    click(&mut h, "Settings");
    settle(&mut h);
    assert!(shows(&h, "Staff"));
    type_into(&mut h, "Username", "anahit");
    type_into(&mut h, "Display name", "Anahit Sargsyan");
    type_into(&mut h, "Password", "a-strong-password");
    click(&mut h, "Add staff member");
    settle(&mut h);
    let mut node = open(dir.path());
    let user = node
        .clinic()
        .expect("clinic")
        .user_by_name("anahit")
        .cloned()
        .expect("added");
    assert_eq!(user.role, Role::Reception);
    assert!(
        ops::users::login(&mut node, "anahit", "a-strong-password")
            .expect("login")
            .session()
            .is_some()
    );

    click(&mut h, "Role anahit");
    click(&mut h, "Nurse");
    settle(&mut h);
    let clinic = open(dir.path()).clinic().expect("clinic");
    assert_eq!(
        clinic.user_by_name("anahit").map(|u| u.role),
        Some(Role::Nurse)
    );
}

#[test]
fn only_an_admin_sees_staff_management() {
    let dir = demo_dir(4);
    let mut h = signed_in(dir.path(), "doctor");
    click(&mut h, "Settings");
    settle(&mut h);
    assert!(shows(&h, "Language and appearance"));
    assert!(h.query_all_by_label("Add staff member").next().is_none());
}

#[test]
fn switching_the_language_takes_effect_at_once() {
    let dir = demo_dir(4);
    let mut h = signed_in(dir.path(), "admin");
    click(&mut h, "Settings");
    settle(&mut h);
    click(&mut h, "Language");
    click(&mut h, "Русский");
    h.run_ok();
    assert_eq!(h.state().locale(), Locale::Ru);
    assert!(shows(&h, "Настройки"));
    assert!(shows(&h, "Язык и оформление"));
    assert!(h.query_all_by_label("Settings").next().is_none());

    click(&mut h, "Тёмная");
    h.run_ok();
    assert_eq!(
        h.ctx.theme(),
        egui::Theme::Dark,
        "the theme follows at once too"
    );

    // Both are remembered for the next start on this workstation.
    settle(&mut h);
    let remembered = dermis_node::gui::prefs::load(dir.path());
    assert_eq!(remembered.locale, Some(Locale::Ru));
    assert!(remembered.dark);
    let options = dermis_node::gui::GuiOptions::from_env(dir.path().to_owned(), Locale::En);
    assert!(options.dark, "a new window opens dark");
}

#[test]
fn the_sync_panel_reads_what_the_daemon_writes() {
    let dir = demo_dir(4);
    let mut h = signed_in(dir.path(), "reception");
    click(&mut h, "Sync");
    settle(&mut h);
    assert!(shows(&h, "Not connected to a hub"));
    assert!(shows(&h, "Never synced."));
    assert!(
        shows(&h, "Not yet on the hub"),
        "each record says whether it reached the hub"
    );
    let patient = &queries::recent_patients(open(dir.path()).store.conn(), 1).expect("patients")[0];
    assert!(
        shows(&h, &format!("{} {}", patient.last_name, patient.first_name)),
        "records are named, not shown as ids"
    );

    // What the sync daemon writes, from its own connection.
    let conn = dermis_node::store::Store::connect(&Node::store_path(dir.path())).expect("open");
    // A connected loop says it is alive as it connects (else the badge marks it stale).
    let alive = dermis_model::now_millis().to_string();
    for (key, value) in [
        ("online", "true"),
        ("hub_url", "wss://hub.example.org/sync"),
        ("last_sync_at", "1767225600000"),
        ("alive_at", alive.as_str()),
    ] {
        conn.execute(
            "INSERT INTO sync_state(key, value) VALUES (?1, ?2)",
            [key, value],
        )
        .expect("write");
    }
    drop(conn);
    wait_until(&mut h, "the panel to notice the daemon", |h| {
        shows(h, "Online")
    });
    assert!(shows(&h, "wss://hub.example.org/sync"));
    assert!(shows(&h, "Last sync: Jan 1, 2026, 12:00\u{202f}AM"));
}

#[test]
fn the_sync_badge_follows_the_daemon_on_any_screen() {
    let dir = demo_dir(4);
    let mut h = signed_in(dir.path(), "reception");
    click(&mut h, "Patients");
    settle(&mut h);
    assert!(shows(&h, "Not connected to a hub"));
    let conn = dermis_node::store::Store::connect(&Node::store_path(dir.path())).expect("open");
    let alive = dermis_model::now_millis().to_string();
    for (key, value) in [
        ("online", "true"),
        ("hub_url", "wss://hub.example.org/sync"),
        ("alive_at", alive.as_str()),
    ] {
        conn.execute(
            "INSERT INTO sync_state(key, value) VALUES (?1, ?2)",
            [key, value],
        )
        .expect("write");
    }
    wait_until(&mut h, "the badge to say online", |h| shows(h, "Online"));
    conn.execute(
        "UPDATE sync_state SET value = 'false' WHERE key = 'online'",
        [],
    )
    .expect("write");
    wait_until(&mut h, "the badge to say offline", |h| shows(h, "Offline"));
    assert_eq!(h.state().screen(), Screen::Patients);

    // Online as last written, but the loop has said nothing for ten minutes: killed.
    let silent = (dermis_model::now_millis() - 600_000).to_string();
    conn.execute(
        "UPDATE sync_state SET value = 'true' WHERE key = 'online'",
        [],
    )
    .expect("write");
    conn.execute(
        "UPDATE sync_state SET value = ?1 WHERE key = 'alive_at'",
        [&silent],
    )
    .expect("write");
    wait_until(&mut h, "the badge to mark the silence", |h| {
        shows(h, "No word from sync")
    });
    let alive = dermis_model::now_millis().to_string();
    conn.execute(
        "UPDATE sync_state SET value = ?1 WHERE key = 'alive_at'",
        [&alive],
    )
    .expect("write");
    wait_until(&mut h, "the badge to say online again", |h| {
        shows(h, "Online")
    });
}

#[test]
fn a_receptionist_editing_contact_details_keeps_the_clinical_notes_she_cannot_see() {
    let dir = demo_dir(6);
    let (patient, _) = patient_with_visits(dir.path());
    let session = Session::operator();
    let mut node = open(dir.path());
    let mut form = dermis_model::patient::PatientForm::from_patient(
        &ops::patients::get(&mut node, &session, patient).expect("get"),
    );
    form.medical_history = "Atopic dermatitis since childhood.".into();
    form.notes = "Prefers morning appointments.".into();
    ops::patients::update(&mut node, &session, patient, &form).expect("notes");
    drop(node);

    let mut h = signed_in(dir.path(), "reception");
    h.state_mut().navigate(Nav::OpenPatient(patient));
    settle(&mut h);
    assert!(
        !shows(&h, "Atopic dermatitis since childhood."),
        "notes are not shown"
    );
    click(&mut h, "Edit patient");
    assert!(!has_input(&h, "Medical history"));
    type_into(&mut h, "Phone", "+33 6 12 34 56 78");
    click(&mut h, "Save");
    settle(&mut h);

    let mut node = open(dir.path());
    let stored = ops::patients::get(&mut node, &session, patient).expect("get");
    assert_eq!(
        stored.phones.first().map(String::as_str),
        Some("+33 6 12 34 56 78")
    );
    assert_eq!(stored.medical_history, "Atopic dermatitis since childhood.");
    assert_eq!(stored.notes, "Prefers morning appointments.");
}

#[test]
fn a_visit_date_is_picked_from_the_calendar_and_saved() {
    let dir = demo_dir(12);
    let (patient, _) = patient_with_visits(dir.path());
    let mut h = signed_in(dir.path(), "doctor");
    h.state_mut().navigate(Nav::OpenPatient(patient));
    settle(&mut h);
    click(&mut h, "New visit");
    type_into(&mut h, "Chief complaint", "Dated from the calendar");
    // An ISO date is read in any language, and shown the language's way once left.
    type_into(&mut h, "Date", "2026-03-10");
    click(&mut h, "Choose from the calendar");
    assert_eq!(value_of(&h, "Date").as_deref(), Some("Mar 10, 2026"));
    assert!(
        shows(&h, "March") && value_of(&h, "Year").as_deref() == Some("2026"),
        "the calendar opens on the date's month"
    );
    h.key_press(egui::Key::Escape);
    h.run_ok();
    assert!(!shows(&h, "Next month"), "Esc closes the calendar");

    click(&mut h, "Choose from the calendar");
    click(&mut h, "Next month");
    assert!(shows(&h, "April"));
    // A year decades away is typed, not stepped to.
    type_into(&mut h, "Year", "1984");
    press_enter(&mut h, "Year");
    assert!(shows(&h, "April"), "the month stays");
    click(&mut h, "Apr 15, 1984");
    assert!(
        !shows(&h, "Next month"),
        "picking a day closes the calendar"
    );
    assert_eq!(value_of(&h, "Date").as_deref(), Some("Apr 15, 1984"));
    click(&mut h, "Save");
    settle(&mut h);

    let visits = queries::encounters_of(open(dir.path()).store.conn(), &patient.to_string())
        .expect("visits");
    let visit = visits
        .iter()
        .find(|e| e.complaint == "Dated from the calendar")
        .expect("saved visit");
    assert_eq!(visit.date, "1984-04-15");
}

#[test]
fn a_birth_date_typed_the_russian_way_is_stored_as_iso() {
    let localizer = dermis_node::i18n::Localizer::new();
    let t = |id: &str| localizer.t(Locale::Ru, id);
    let dir = demo_dir(4);
    let mut h = harness(dir.path(), Locale::Ru);
    type_into(&mut h, &t("field-username"), "reception");
    type_into(&mut h, &t("field-password"), DEMO_PASSWORD);
    press_enter(&mut h, &t("field-password"));
    wait_until(&mut h, "signing in", |h| h.state().session().is_some());
    settle(&mut h);
    h.state_mut().navigate(Nav::NewPatient);
    settle(&mut h);
    type_into(&mut h, &t("field-first-name"), "Анаит");
    type_into(&mut h, &t("field-last-name"), "Саркисян");

    // A day February does not have is kept as typed and refused by the form.
    type_into(&mut h, &t("field-birth-date"), "31.02.1984");
    click(&mut h, &t("gui-save"));
    settle(&mut h);
    let refused = localizer.t_args(
        Locale::Ru,
        "error-invalid-date",
        &[("field", t("field-birth-date").into())],
    );
    assert!(shows(&h, &refused), "the field's error is shown: {refused}");
    assert_eq!(
        value_of(&h, &t("field-birth-date")).as_deref(),
        Some("31.02.1984"),
        "what was typed stays"
    );

    type_into(&mut h, &t("field-birth-date"), "05.03.1984");
    click(&mut h, &t("gui-save"));
    wait_until(&mut h, "the new patient's page", |h| {
        h.state().screen() == Screen::Patient
    });
    settle(&mut h);
    let rows =
        queries::search_patients(open(dir.path()).store.conn(), "Саркисян", 5).expect("search");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].birth_date.as_deref(), Some("1984-03-05"));
}

#[test]
fn the_calendar_is_worked_from_the_keyboard() {
    let dir = demo_dir(6);
    let (patient, _) = patient_with_visits(dir.path());
    let mut h = signed_in(dir.path(), "doctor");
    h.state_mut().navigate(Nav::OpenPatient(patient));
    settle(&mut h);
    click(&mut h, "New visit");
    type_into(&mut h, "Date", "2026-03-10");
    input(&h, "Choose from the calendar").focus();
    h.run_ok();
    h.key_press(egui::Key::Enter);
    h.run_ok();
    assert!(shows(&h, "March"), "Enter opens the calendar");
    // Two days on, a week down, then a month on: 19 March, then 19 April.
    for key in [
        egui::Key::ArrowRight,
        egui::Key::ArrowRight,
        egui::Key::ArrowDown,
        egui::Key::PageDown,
    ] {
        h.key_press(key);
        h.run_ok();
    }
    assert!(shows(&h, "April"), "Page Down turns the month");
    h.key_press(egui::Key::Enter);
    h.run_ok();
    assert!(!shows(&h, "Next month"), "Enter picks the day and closes");
    assert_eq!(value_of(&h, "Date").as_deref(), Some("Apr 19, 2026"));
}
