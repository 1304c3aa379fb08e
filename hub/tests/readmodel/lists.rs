//! Paging and tenancy of the read models: pages that neither skip nor repeat at any
//! size, forged cursors refused and huge limits capped; and one clinic's rows never
//! answering another clinic's queries, whatever the query.

use std::collections::BTreeSet;

use dermis_hub::readmodel::records::PatientRecord;
use dermis_hub::readmodel::{PatientQuery, RangeQuery, RecordQuery};
use dermis_hub::store::{HubStore, StoreError};
use dermis_model::DocType;
use uuid::Uuid;

use super::common::Fixture;
use super::docs::{self, DAY, T0, push};
use super::{Clock, doctor, project, q, world};

pub async fn pages_neither_skip_nor_repeat_and_a_forged_cursor_is_refused<S: HubStore>(
    f: Fixture<S>,
) {
    let clock = Clock::new();
    let s = &f.store;
    let c = super::common::create_clinic(s, "Paging").await;
    let mut want = BTreeSet::new();
    // Three pushes, so the pages cross rows stamped at different times and rows stamped
    // at the same time.
    for batch in 0..3 {
        let mut docs = Vec::new();
        for i in 0..9 {
            let (id, mut doc) = docs::patient(
                c,
                "Page",
                &format!("Patient{batch}{i}"),
                &format!("P-{batch}{i}"),
                T0,
            );
            docs::visit(
                &mut doc,
                &doctor(),
                time::macros::date!(2027 - 01 - 15),
                false,
            );
            want.insert(id);
            docs.push((id, DocType::Patient, doc.save()));
        }
        push(s, c, docs).await;
        project(s, &clock).await;
    }
    for limit in [1, 4, 5, 27, 100] {
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = s
                .patients(
                    c,
                    &PatientQuery {
                        limit,
                        cursor: cursor.clone(),
                        ..Default::default()
                    },
                )
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(page.items.len() <= limit as usize);
            seen.extend(page.items.iter().map(|p: &PatientRecord| p.id));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen.len(), want.len(), "limit {limit}: no repeats");
        assert_eq!(
            seen.iter().copied().collect::<BTreeSet<_>>(),
            want,
            "limit {limit}: no skips"
        );
        // Visits page the same way.
        let mut visits = 0;
        let mut cursor = None;
        loop {
            let page = s
                .encounters(
                    c,
                    &RecordQuery {
                        limit,
                        cursor: cursor.clone(),
                        ..Default::default()
                    },
                )
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            visits += page.items.len();
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(visits, want.len());
    }
    for forged in ["garbage", "MTIzLm5vdC1hLXV1aWQ", &"A".repeat(5000)] {
        let got = s
            .patients(
                c,
                &PatientQuery {
                    cursor: Some(forged.into()),
                    limit: 5,
                    ..Default::default()
                },
            )
            .await;
        assert!(
            matches!(
                got,
                Err(StoreError::Invalid {
                    field: "cursor",
                    ..
                })
            ),
            "{got:?}"
        );
    }
    // A query as large as a caller can send is bounded, not an error.
    let started = std::time::Instant::now();
    let big = s
        .patients(c, &q(&"Patient0 ".repeat(200_000)))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        big.items
            .iter()
            .all(|p| p.last_name.starts_with("Patient0"))
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let huge = s
        .patients(
            c,
            &PatientQuery {
                limit: u32::MAX,
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        huge.items.len(),
        want.len(),
        "a huge limit is capped, not refused"
    );
}

pub async fn one_clinic_never_answers_for_another<S: HubStore>(f: Fixture<S>) {
    let clock = Clock::new();
    let a = world(&f.store, &clock).await;
    let b = world(&f.store, &clock).await;
    let s = &f.store;
    for (mine, theirs) in [(&a, &b), (&b, &a)] {
        let c = mine.clinic;
        let ids: Vec<Uuid> = s
            .patients(c, &q(""))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .items
            .iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(
            ids.iter().copied().collect::<BTreeSet<_>>(),
            BTreeSet::from([mine.elodie, mine.ivan])
        );
        assert!(
            s.patient(c, theirs.elodie)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .is_none()
        );
        assert!(
            s.encounter(c, theirs.visit)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .is_none()
        );
        assert!(
            s.appointment(c, theirs.appointment)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .is_none()
        );
        let their_patient = s
            .patient(theirs.clinic, theirs.elodie)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("their patient"));
        let their_visit = s
            .encounter(theirs.clinic, theirs.visit)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("their visit"));
        let their_allergy = their_patient.allergies[0].id;
        assert!(
            s.allergy(c, their_allergy)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .is_none()
        );
        assert!(
            s.prescription(c, their_visit.prescriptions[0].id)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .is_none()
        );
        let their_photos = s
            .photos(
                theirs.clinic,
                &RecordQuery {
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            s.photo(c, their_photos.items[0].id)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .is_none()
        );
        assert!(
            s.allergies_of(c, &[theirs.elodie])
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .is_empty()
        );
        let all = RecordQuery {
            limit: 100,
            ..Default::default()
        };
        let visits = s
            .encounters(c, &all)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            visits.items.iter().map(|v| v.id).collect::<Vec<_>>(),
            [mine.visit]
        );
        let foreign = RecordQuery {
            patient: Some(theirs.elodie),
            limit: 100,
            ..Default::default()
        };
        assert!(
            s.encounters(c, &foreign)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .items
                .is_empty()
        );
        assert!(
            s.photos(c, &foreign)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .items
                .is_empty()
        );
        let products = s.products(c, &all).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            products.items.iter().map(|p| p.id).collect::<Vec<_>>(),
            [mine.product]
        );
        let stock = s.stock(c).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            stock
                .iter()
                .map(|r| (r.product_id, r.on_hand))
                .collect::<Vec<_>>(),
            [(Some(mine.product), 7)]
        );
        let window = RangeQuery {
            limit: 100,
            ..Default::default()
        };
        let sales = s.sales(c, &window).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sales.items.len(), 2);
        assert!(sales.items.iter().all(|x| x.clinic_id == c.0));
        let appts = s
            .appointments(c, &window)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            appts.items.iter().map(|x| x.id).collect::<Vec<_>>(),
            [mine.appointment]
        );
        let days = s
            .sales_by_day(c, 0, T0 + 10 * DAY)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(days.iter().map(|d| d.sales).sum::<u64>(), 2);
        let new = s
            .new_patients_by_day(c, 0, T0 + 10 * DAY)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(new.iter().map(|d| d.1).sum::<u64>(), 2);
        let visits = s
            .visits_by_clinician(c, 0, T0 + 10 * DAY)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(visits.iter().map(|d| d.visits).sum::<u64>(), 1);
    }
}
