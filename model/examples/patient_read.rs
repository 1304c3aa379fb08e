//! What reading a patient document costs, and what one pass over its root map would
//! cost instead of one `get` per field (each `get` seeks the document's op columns
//! again): `cargo run --release -p dermis-model --example patient_read`. The first
//! step of making a fresh node's catch-up and `export` cheaper (issue 12's profile:
//! field reads were ~40% of an export, loading ~27%).

use std::time::{Duration, Instant};

use automerge::{ActorId, AutoCommit, ReadDoc, Value};
use dermis_model::patient::{PatientForm, create_patient, read_patient, update_patient};
use dermis_model::{ClinicId, PatientId};

const DOCS: usize = 2000;

fn per_doc(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6 / DOCS as f64
}

fn main() {
    let today = time::macros::date!(2026 - 12 - 05);
    let clinic = ClinicId::new();
    let mut saved = Vec::with_capacity(DOCS);
    for i in 0..DOCS {
        let mut form = PatientForm {
            first_name: format!("Anna{i}"),
            last_name: "Petrosyan".into(),
            birth_date: "1980-04-01".into(),
            sex: "female".into(),
            phones: vec!["+374 10 123456".into()],
            email: format!("anna{i}@example.com"),
            address: "Yerevan".into(),
            ..Default::default()
        };
        let draft = form.validate(today).expect("valid form");
        let mut doc = create_patient(
            PatientId::new(),
            clinic,
            &draft,
            &format!("MRN{i}"),
            1_800_000_000_000,
            None,
            ActorId::random(),
        )
        .expect("patient");
        // A few later edits, as a chart gets.
        for n in 0..4 {
            form.notes = format!("visit note {n}");
            update_patient(&mut doc, &form.validate(today).expect("valid")).expect("update");
            doc.commit();
        }
        saved.push(doc.save());
    }
    let bytes: usize = saved.iter().map(Vec::len).sum();

    let t = Instant::now();
    let docs: Vec<AutoCommit> = saved
        .iter()
        .map(|s| AutoCommit::load(s).expect("load"))
        .collect();
    let load = t.elapsed();

    let t = Instant::now();
    let mut fields = 0usize;
    for doc in &docs {
        let p = read_patient(doc).expect("read");
        fields += p.first_name.len() + p.email.map_or(0, |e| e.len());
    }
    let read = t.elapsed();

    let t = Instant::now();
    let mut values = 0usize;
    for doc in &docs {
        for item in doc.map_range(automerge::ROOT, ..) {
            let value: Value<'static> = item.value.into();
            values += usize::from(value.is_scalar());
        }
    }
    let one_pass = t.elapsed();
    std::hint::black_box((fields, values));

    println!(
        "{DOCS} patient documents ({} bytes each on average, 5 changes):",
        bytes / DOCS
    );
    println!(
        "  load                         {:6.1} us/doc",
        per_doc(load)
    );
    println!(
        "  read_patient                 {:6.1} us/doc",
        per_doc(read)
    );
    println!(
        "  one map_range pass over root {:6.1} us/doc ({} scalar values)",
        per_doc(one_pass),
        values / DOCS
    );
}
