//! Free-text search answers the same whichever plan a store picks (the rarest term
//! driving, a walk of the list when every term is common, nothing when a term matches
//! nobody): the same patients, in list order, pages that neither skip nor repeat.

use std::collections::BTreeSet;

use dermis_hub::readmodel::derive::{DocRows, patient_rows};
use dermis_hub::readmodel::search::DRIVE_LIMIT;
use dermis_hub::readmodel::{PatientQuery, records::PatientRecord};
use dermis_hub::store::HubStore;
use dermis_model::ClinicId;
use uuid::Uuid;

use super::common::Fixture;
use super::docs::{self, T0};

/// Every patient `text` finds, page by page (`limit` each), in the order returned.
async fn all_pages<S: HubStore>(store: &S, clinic: ClinicId, text: &str, limit: u32) -> Vec<Uuid> {
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = store
            .patients(
                clinic,
                &PatientQuery {
                    q: Some(text.into()),
                    limit,
                    cursor: cursor.take(),
                    ..PatientQuery::default()
                },
            )
            .await
            .unwrap_or_else(|e| panic!("search {text:?}: {e}"));
        assert!(page.items.len() <= limit as usize);
        seen.extend(page.items.iter().map(|p: &PatientRecord| p.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return seen,
        }
    }
}

pub async fn every_search_plan_finds_the_same_patients_in_list_order<S: HubStore>(f: Fixture<S>) {
    let s = &f.store;
    let c = super::common::create_clinic(s, "Search plans").await;
    // More "Anna"s than a term may match and still drive, so "anna" alone is a walk;
    // 130 of them are also "Middleton" (drives), one is "Zanzibar" (drives, one row);
    // one Middleton is no Anna but "Middlemarch" (two of his words match "middl").
    let common = usize::try_from(DRIVE_LIMIT).unwrap_or(5_000) + 200;
    let mut middle = BTreeSet::new();
    let mut middlemarch = None;
    let mut rows = Vec::new();
    let mut zanzibar = None;
    for i in 0..common {
        let last = match i {
            7 => "Zanzibar".to_owned(),
            i if i % 40 == 3 || i == 11 => "Middleton".to_owned(),
            i => format!("Common{}", i % 10),
        };
        let first = if i == 11 { "Middlemarch" } else { "Anna" };
        let p = docs::row_patient(
            c,
            first,
            &last,
            &format!("S-{i}"),
            "+1 555 0100",
            T0 + i as i64,
        );
        match (first, last.as_str()) {
            (_, "Zanzibar") => zanzibar = Some(p.id.0),
            ("Anna", "Middleton") => {
                middle.insert(p.id.0);
            }
            ("Middlemarch", _) => middlemarch = Some(p.id.0),
            _ => {}
        }
        rows.push((p.id.0, DocRows::Patient(Box::new(patient_rows(p)))));
    }
    let all: BTreeSet<Uuid> = rows.iter().map(|(id, _)| *id).collect();
    s.replace_read_models(c, rows, T0)
        .await
        .unwrap_or_else(|e| panic!("rows: {e}"));
    // Every row was written at T0, so list order is id order.
    let in_order = |set: &BTreeSet<Uuid>| set.iter().copied().collect::<Vec<_>>();

    // A walk: the one common term, and two common terms.
    let annas: BTreeSet<Uuid> = all
        .iter()
        .copied()
        .filter(|id| Some(*id) != middlemarch)
        .collect();
    assert_eq!(all_pages(s, c, "anna", 500).await, in_order(&annas));
    let first_page = all_pages(s, c, "ANNA comm", 5_000).await;
    assert_eq!(first_page.len(), common - 2 - middle.len());
    assert!(first_page.windows(2).all(|w| w[0] < w[1]), "list order");
    // Driven by the rare term, the common one checked: every page size, list order.
    for limit in [1, 7, 50, 500] {
        assert_eq!(
            all_pages(s, c, "anna middl", limit).await,
            in_order(&middle),
            "limit {limit}"
        );
    }
    let middle_any: BTreeSet<Uuid> = middle.iter().copied().chain(middlemarch).collect();
    assert_eq!(
        all_pages(s, c, "Middleton", 50).await,
        in_order(&middle_any)
    );
    // Once each, though two of Middlemarch's words match.
    assert_eq!(all_pages(s, c, "middl", 7).await, in_order(&middle_any));
    assert_eq!(
        all_pages(s, c, "zanz ANNA", 50).await,
        zanzibar.into_iter().collect::<Vec<_>>()
    );
    // A term nobody has empties the answer, however common the others.
    assert!(all_pages(s, c, "anna nobody", 50).await.is_empty());
    assert!(all_pages(s, c, "middleton zanzibar", 50).await.is_empty());
}
