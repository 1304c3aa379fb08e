//! Property tests of the CRDT behaviour the clinic relies on: replicas that diverge by any
//! edits converge whichever way they merge; concurrent writes of one field stay visible as
//! a conflict; concurrent edits of a SOAP note merge by character.

use automerge::{ActorId, AutoCommit};
use dermis_model::conflict::{find_conflicts, resolve};
use dermis_model::encounter::{
    Author, EncounterDraft, add_encounter, sign_encounter, update_encounter,
};
use dermis_model::patient::{
    PatientDraft, Severity, add_allergy, create_patient, read_patient, remove_allergy,
    update_patient,
};
use dermis_model::{AllergyId, ClinicId, EncounterId, PatientId};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Edit {
    FirstName(String),
    Email(Option<String>),
    Phones(Vec<String>),
    NotesInsert(usize, String),
    AddAllergy(u8, String),
    RemoveAllergy(u8),
    AddEncounter(u8),
    EncounterPlan(u8, String),
    SignEncounter(u8),
}

fn word() -> impl Strategy<Value = String> {
    "[a-zA-Zа-яԱ-Ֆé]{1,8}"
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        word().prop_map(Edit::FirstName),
        proptest::option::of("[a-z]{1,5}@[a-z]{1,5}\\.fr").prop_map(Edit::Email),
        proptest::collection::vec("[0-9]{6,9}", 0..3).prop_map(Edit::Phones),
        (0usize..40, word()).prop_map(|(at, w)| Edit::NotesInsert(at, w)),
        (0u8..4, word()).prop_map(|(k, w)| Edit::AddAllergy(k, w)),
        (0u8..4).prop_map(Edit::RemoveAllergy),
        (0u8..3).prop_map(Edit::AddEncounter),
        (0u8..3, word()).prop_map(|(k, w)| Edit::EncounterPlan(k, w)),
        (0u8..3).prop_map(Edit::SignEncounter),
    ]
}

/// Fixed ids so that both replicas can address "allergy 2" or "encounter 1".
struct Ids {
    allergies: Vec<AllergyId>,
    encounters: Vec<EncounterId>,
}

fn today() -> time::Date {
    time::macros::date!(2026 - 11 - 27)
}

fn base() -> (AutoCommit, Ids) {
    let draft = PatientDraft {
        first_name: "Anna".into(),
        last_name: "Petrosyan".into(),
        ..Default::default()
    };
    let doc = create_patient(
        PatientId::new(),
        ClinicId::new(),
        &draft,
        "N1-P000001",
        0,
        None,
        ActorId::random(),
    )
    .expect("patient");
    let ids = Ids {
        allergies: (0..4).map(|_| AllergyId::new()).collect(),
        encounters: (0..3).map(|_| EncounterId::new()).collect(),
    };
    (doc, ids)
}

fn apply(doc: &mut AutoCommit, ids: &Ids, edit: &Edit) {
    let mut draft = draft_of(doc);
    let author = Author {
        id: None,
        name: "Dr A".into(),
    };
    match edit {
        Edit::FirstName(n) => draft.first_name = n.clone(),
        Edit::Email(e) => draft.email = e.clone(),
        Edit::Phones(p) => draft.phones = p.clone(),
        Edit::NotesInsert(at, w) => {
            let chars: Vec<char> = draft.notes.chars().collect();
            let at = (*at).min(chars.len());
            draft.notes = chars[..at]
                .iter()
                .chain(w.chars().collect::<Vec<_>>().iter())
                .chain(chars[at..].iter())
                .collect();
        }
        Edit::AddAllergy(k, w) => {
            add_allergy(doc, ids.allergies[*k as usize], w, "", Severity::Mild).expect("allergy")
        }
        Edit::RemoveAllergy(k) => {
            remove_allergy(doc, ids.allergies[*k as usize]).expect("remove");
        }
        Edit::AddEncounter(k) => {
            let enc = EncounterDraft {
                date: today(),
                complaint: "rash".into(),
                subjective: String::new(),
                objective: String::new(),
                assessment: String::new(),
                plan: String::new(),
                diagnoses: vec![],
            };
            let id = ids.encounters[*k as usize];
            if read_patient(doc)
                .expect("read")
                .encounters
                .iter()
                .all(|e| e.id != id)
            {
                add_encounter(doc, id, &enc, &author, 1).expect("encounter");
            }
        }
        Edit::EncounterPlan(k, w) => {
            let id = ids.encounters[*k as usize];
            if let Some(e) = read_patient(doc)
                .expect("read")
                .encounters
                .into_iter()
                .find(|e| e.id == id)
            {
                let d = EncounterDraft {
                    date: e.date,
                    complaint: e.complaint,
                    subjective: e.subjective,
                    objective: e.objective,
                    assessment: e.assessment,
                    plan: format!("{}{w}", e.plan),
                    diagnoses: e.diagnoses,
                };
                // Refused once signed: that refusal is part of the behaviour under test.
                let _ = update_encounter(doc, id, &d);
            }
        }
        Edit::SignEncounter(k) => {
            let _ = sign_encounter(doc, ids.encounters[*k as usize], &author, 2);
        }
    }
    if matches!(
        edit,
        Edit::FirstName(_) | Edit::Email(_) | Edit::Phones(_) | Edit::NotesInsert(..)
    ) {
        update_patient(doc, &draft).expect("update");
    }
    doc.commit();
}

fn draft_of(doc: &AutoCommit) -> PatientDraft {
    let p = read_patient(doc).expect("read");
    PatientDraft {
        first_name: p.first_name,
        last_name: p.last_name,
        middle_name: p.middle_name,
        birth_date: p.birth_date,
        sex: p.sex,
        phones: p.phones,
        email: p.email,
        address: p.address,
        mrn: Some(p.mrn),
        medical_history: p.medical_history,
        notes: p.notes,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn divergent_replicas_converge_in_either_merge_order(
        left in proptest::collection::vec(edit(), 0..12),
        right in proptest::collection::vec(edit(), 0..12),
    ) {
        let (mut origin, ids) = base();
        let mut a = origin.fork();
        let mut b = origin.fork();
        for e in &left { apply(&mut a, &ids, e); }
        for e in &right { apply(&mut b, &ids, e); }
        let mut ab = a.fork();
        ab.merge(&mut b.clone()).expect("merge");
        let mut ba = b.fork();
        ba.merge(&mut a.clone()).expect("merge");
        prop_assert_eq!(ab.get_heads(), ba.get_heads());
        prop_assert_eq!(read_patient(&ab).expect("read"), read_patient(&ba).expect("read"));
        prop_assert_eq!(find_conflicts(&ab).expect("c"), find_conflicts(&ba).expect("c"));
        // Nothing either side wrote into the notes is lost: notes only ever grow by
        // insertions, so the merged text holds exactly the inserted characters.
        let mut merged: Vec<char> = read_patient(&ab).expect("read").notes.chars().collect();
        let mut inserted: Vec<char> = left.iter().chain(&right).filter_map(|e| match e {
            Edit::NotesInsert(_, w) => Some(w.chars()),
            _ => None,
        }).flatten().collect();
        merged.sort_unstable();
        inserted.sort_unstable();
        prop_assert_eq!(merged, inserted);
    }

    #[test]
    fn concurrent_writes_of_one_field_stay_visible(x in "[a-m]{1,6}", y in "[n-z]{1,6}") {
        let (mut origin, ids) = base();
        let mut a = origin.fork();
        let mut b = origin.fork();
        apply(&mut a, &ids, &Edit::FirstName(x.clone()));
        apply(&mut b, &ids, &Edit::FirstName(y.clone()));
        a.merge(&mut b.clone()).expect("merge");
        b.merge(&mut a.clone()).expect("merge");
        let ca = find_conflicts(&a).expect("conflicts");
        prop_assert_eq!(&ca, &find_conflicts(&b).expect("conflicts"));
        prop_assert_eq!(ca.len(), 1);
        prop_assert_eq!(ca[0].path.clone(), vec!["first_name".to_owned()]);
        let mut values: Vec<String> = ca[0].values.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
        values.sort();
        prop_assert_eq!(values, vec![x.clone(), y.clone()]);
        // The winner shown is the first value, identical on both replicas.
        prop_assert_eq!(read_patient(&a).expect("r").first_name, read_patient(&b).expect("r").first_name);
        // Choosing one settles it everywhere once synced.
        resolve(&mut a, &["first_name".to_owned()], &serde_json::Value::String(y.clone())).expect("resolve");
        a.commit();
        b.merge(&mut a.clone()).expect("merge");
        prop_assert!(find_conflicts(&b).expect("c").is_empty());
        prop_assert_eq!(read_patient(&b).expect("r").first_name, y);
    }

    #[test]
    fn soap_notes_edited_concurrently_merge_by_character(prefix in "[a-z ]{1,20}", suffix in "[A-Z ]{1,20}") {
        let (mut origin, ids) = base();
        apply(&mut origin, &ids, &Edit::AddEncounter(0));
        apply(&mut origin, &ids, &Edit::EncounterPlan(0, "steroid cream".into()));
        let mut a = origin.fork();
        let mut b = origin.fork();
        let id = ids.encounters[0];
        let current = read_patient(&a).expect("r").encounters[0].clone();
        let draft = |plan: String| EncounterDraft { date: current.date, complaint: current.complaint.clone(), subjective: String::new(), objective: String::new(), assessment: String::new(), plan, diagnoses: vec![] };
        update_encounter(&mut a, id, &draft(format!("{prefix}steroid cream"))).expect("a");
        update_encounter(&mut b, id, &draft(format!("steroid cream{suffix}"))).expect("b");
        a.commit();
        b.commit();
        a.merge(&mut b).expect("merge");
        let plan = read_patient(&a).expect("r").encounters[0].plan.clone();
        prop_assert_eq!(plan, format!("{prefix}steroid cream{suffix}"));
        prop_assert!(find_conflicts(&a).expect("c").is_empty());
    }
}
