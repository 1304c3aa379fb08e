//! The appointments a first sync sends before the log (docs/SYNC.md, revision 8), as
//! each store lists them from its read model: only the clinic's own, only those
//! starting in the window, none canceled, earliest first, never more than asked, with
//! the patient each names.

use dermis_hub::store::HubStore;
use dermis_model::DocType;
use dermis_model::appointment::{AppointmentStatus, set_status};
use dermis_sync::boot_first::{self, Booked};
use uuid::Uuid;

use super::common::Fixture;
use super::docs::{self, T0, push};
use super::{Clock, project};

const HOUR: i64 = 3_600_000;

pub async fn the_hub_lists_the_appointments_around_now<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    let clock = Clock::new();
    let clinic = super::common::create_clinic(&store, "Booked").await;
    let other = super::common::create_clinic(&store, "Elsewhere").await;
    let now = T0 + 30 * HOUR;
    let (ana, ana_doc) = docs::patient(clinic, "Ana", "Lima", "B-1", T0);
    let (ben, ben_doc) = docs::patient(clinic, "Ben", "Okafor", "B-2", T0);
    let at = |start: i64, patient: Option<Uuid>| docs::appointment(clinic, patient, start);
    let (early, early_doc) = at(now - 13 * HOUR, Some(ana));
    let (morning, morning_doc) = at(now - 2 * HOUR, Some(ana));
    let (soon, soon_doc) = at(now + HOUR, Some(ben));
    let (walk_in, walk_in_doc) = at(now + 35 * HOUR, None);
    let (late, late_doc) = at(now + 37 * HOUR, Some(ben));
    let (canceled, mut canceled_doc) = at(now + 3 * HOUR, Some(ana));
    set_status(&mut canceled_doc, AppointmentStatus::Canceled).unwrap_or_else(|e| panic!("{e}"));
    let mut mine = vec![
        (ana, DocType::Patient, ana_doc.clone().save()),
        (ben, DocType::Patient, ben_doc.clone().save()),
    ];
    for (id, mut doc) in [
        (early, early_doc),
        (morning, morning_doc),
        (soon, soon_doc),
        (walk_in, walk_in_doc),
        (late, late_doc),
        (canceled, canceled_doc),
    ] {
        mine.push((id, DocType::Appointment, doc.save()));
    }
    push(&store, clinic, mine).await;
    let (theirs, theirs_doc) = docs::appointment(other, None, now);
    push(
        &store,
        other,
        vec![(theirs, DocType::Appointment, theirs_doc.clone().save())],
    )
    .await;
    project(&store, &clock).await;

    let (from, to) = boot_first::window(now);
    let mut s = store.clone();
    let listed = s
        .booked_between(clinic, from, to, boot_first::MAX_APPOINTMENTS)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        listed,
        vec![
            Booked {
                appointment: morning,
                patient: Some(ana)
            },
            Booked {
                appointment: soon,
                patient: Some(ben)
            },
            Booked {
                appointment: walk_in,
                patient: None
            },
        ]
    );
    let two = s
        .booked_between(clinic, from, to, 2)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(two, listed[..2].to_vec());
    let theirs_listed = s
        .booked_between(other, from, to, 10)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        theirs_listed
            .iter()
            .map(|b| b.appointment)
            .collect::<Vec<_>>(),
        vec![theirs]
    );
}
