//! The start of a first sync (protocol 1 revision 8, [`crate::wire::FEATURE_BOOT_FIRST`]):
//! what the clinic needs today goes before the change log. Answering the first
//! `ClientMsg::Bootstrap` of a node that has never pulled, the hub lists the clinic's
//! appointments in a window around now from its read model ([`window`]), fetches them and
//! the patients they name ([`items`]), and sends those whole in `Docs` frames carrying
//! the bootstrap's request number, before the log-ordered bootstrap frames. A
//! receptionist at a new workstation can then find the morning's patients while the
//! rest of the clinic arrives.
//!
//! The part is bounded on both sides whatever the clinic holds: at most
//! [`MAX_APPOINTMENTS`] appointments are read, at most [`MAX_DOCS`] documents and about
//! [`MAX_BYTES`] of data sent; a node refuses more ([`check_docs`]). Documents sent first
//! do not move the node's cursor: every one of them comes again in its place in the log,
//! where the node, already holding it, merges it as it merges any document it has.

use std::collections::HashSet;

use uuid::Uuid;

use crate::config::Millis;
use crate::wire::{DocData, FetchItem};

const HOUR: Millis = 3_600_000;

/// How far before now the window starts. The hub does not know the clinic's time zone
/// (a clinic's nodes keep local time; the hub keeps UTC), so "today" is taken wide: 12
/// hours back covers the morning's appointments from any zone's point of view.
pub const WINDOW_BEFORE: Millis = 12 * HOUR;
/// How far after now the window ends: the rest of today in any time zone (up to UTC+14)
/// and tomorrow morning, whose patients are prepared the evening before.
pub const WINDOW_AFTER: Millis = 36 * HOUR;

/// Appointments read from the window, earliest first: a clinic books a few dozen a day;
/// one booking far more (or a hostile one) gets no more than this.
pub const MAX_APPOINTMENTS: usize = 500;
/// Documents the hub sends first at most: each appointment and its patient.
pub const MAX_DOCS: usize = 2 * MAX_APPOINTMENTS;
/// Data the hub sends first at most (plus one document): half a default frame, so the
/// first log frame is never far behind.
pub const MAX_BYTES: usize = 4 << 20;

/// The window of appointment start times sent first, `[from, to)`, around `now`.
pub fn window(now: Millis) -> (Millis, Millis) {
    (
        now.saturating_sub(WINDOW_BEFORE),
        now.saturating_add(WINDOW_AFTER),
    )
}

/// An appointment in the window, as the hub's read model lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Booked {
    pub appointment: Uuid,
    /// The patient it names; `None` for a booking by someone who is not a patient yet.
    pub patient: Option<Uuid>,
}

/// The documents to send first for `booked` (earliest first): the patients, each once,
/// in the order of their first appointment (what the search looks for), then the
/// appointments; at most [`MAX_DOCS`], each asked for whole.
pub fn items(booked: &[Booked]) -> Vec<FetchItem> {
    let booked = &booked[..booked.len().min(MAX_APPOINTMENTS)];
    let mut seen = HashSet::with_capacity(2 * booked.len());
    let patients = booked.iter().filter_map(|b| b.patient);
    let appointments = booked.iter().map(|b| b.appointment);
    patients
        .chain(appointments)
        .filter(|id| seen.insert(*id))
        .take(MAX_DOCS)
        .map(|doc_id| FetchItem {
            doc_id,
            have: Vec::new(),
        })
        .collect()
}

/// Why a node refuses a `Docs` frame sent first: nothing of it is applied and the session
/// ends with `protocol_violation`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FirstError {
    #[error("a document sent first is not whole")]
    NotWhole,
    #[error("a frame sent first names a document twice")]
    Repeated,
    #[error("{count} documents sent first, more than the {max} a hub sends")]
    TooMany { count: usize, max: usize },
}

/// The checks a node makes on a `Docs` frame sent first, `before` documents having come
/// first already on this request.
pub fn check_docs(items: &[DocData], before: usize) -> Result<(), FirstError> {
    let count = before.saturating_add(items.len());
    if count > MAX_DOCS {
        return Err(FirstError::TooMany {
            count,
            max: MAX_DOCS,
        });
    }
    let mut seen = HashSet::with_capacity(items.len());
    for item in items {
        if !item.full {
            return Err(FirstError::NotWhole);
        }
        if !seen.insert(item.doc_id) {
            return Err(FirstError::Repeated);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: u8) -> Uuid {
        Uuid::from_u128(u128::from(n))
    }

    fn doc(n: u8) -> DocData {
        DocData {
            doc_id: id(n),
            doc_type: "patient".into(),
            seq: u64::from(n),
            heads: Vec::new(),
            full: true,
            data: vec![1],
        }
    }

    #[test]
    fn patients_go_first_once_each_then_the_appointments() {
        let booked = [
            Booked {
                appointment: id(10),
                patient: Some(id(1)),
            },
            Booked {
                appointment: id(11),
                patient: None,
            },
            Booked {
                appointment: id(12),
                patient: Some(id(2)),
            },
            Booked {
                appointment: id(13),
                patient: Some(id(1)),
            },
        ];
        let ids: Vec<Uuid> = items(&booked).into_iter().map(|i| i.doc_id).collect();
        assert_eq!(ids, vec![id(1), id(2), id(10), id(11), id(12), id(13)]);
        assert!(items(&booked).iter().all(|i| i.have.is_empty()));
    }

    #[test]
    fn the_window_is_wide_enough_for_any_time_zone() {
        let (from, to) = window(100 * HOUR);
        assert_eq!((from, to), (88 * HOUR, 136 * HOUR));
        // Clocks near the ends of the range do not overflow.
        assert_eq!(window(Millis::MIN).0, Millis::MIN);
        assert_eq!(window(Millis::MAX).1, Millis::MAX);
    }

    #[test]
    fn forged_first_frames_are_refused() {
        assert_eq!(check_docs(&[doc(1), doc(2)], 0), Ok(()));
        let mut part = doc(3);
        part.full = false;
        assert_eq!(check_docs(&[part], 0), Err(FirstError::NotWhole));
        assert_eq!(check_docs(&[doc(1), doc(1)], 0), Err(FirstError::Repeated));
        assert_eq!(
            check_docs(&[doc(1), doc(2)], MAX_DOCS - 1),
            Err(FirstError::TooMany {
                count: MAX_DOCS + 1,
                max: MAX_DOCS
            })
        );
        assert_eq!(
            check_docs(&[], usize::MAX),
            Err(FirstError::TooMany {
                count: usize::MAX,
                max: MAX_DOCS
            })
        );
    }

    proptest! {
        /// Whatever the read model lists (repeats, a flood), the part sent first is
        /// bounded, names each document once, holds every listed patient of the
        /// appointments it covers before any appointment, and a node accepts it.
        #[test]
        fn the_part_sent_first_is_bounded_and_unique(
            booked in proptest::collection::vec(
                (0u16..2000, proptest::option::of(0u16..300)),
                0..1500,
            )
        ) {
            let booked: Vec<Booked> = booked
                .into_iter()
                .map(|(a, p)| Booked {
                    appointment: Uuid::from_u128(1_000_000 + u128::from(a)),
                    patient: p.map(|p| Uuid::from_u128(u128::from(p))),
                })
                .collect();
            let out = items(&booked);
            prop_assert!(out.len() <= MAX_DOCS);
            let ids: Vec<Uuid> = out.iter().map(|i| i.doc_id).collect();
            let unique: HashSet<Uuid> = ids.iter().copied().collect();
            prop_assert_eq!(unique.len(), ids.len());
            let covered = &booked[..booked.len().min(MAX_APPOINTMENTS)];
            let patients: HashSet<Uuid> = covered.iter().filter_map(|b| b.patient).collect();
            let first_appointment = ids
                .iter()
                .position(|i| i.as_u128() >= 1_000_000)
                .unwrap_or(ids.len());
            prop_assert!(ids[..first_appointment].iter().all(|i| patients.contains(i)));
            prop_assert_eq!(first_appointment, patients.len());
            let docs: Vec<DocData> = ids
                .iter()
                .map(|&doc_id| DocData {
                    doc_id,
                    doc_type: "patient".into(),
                    seq: 1,
                    heads: Vec::new(),
                    full: true,
                    data: Vec::new(),
                })
                .collect();
            prop_assert_eq!(check_docs(&docs, 0), Ok(()));
        }
    }
}
