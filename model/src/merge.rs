//! Patient merges: "OTHER is the same person as KEEP". A merge is a fact about the
//! identity of records, kept beside erasures in the clinic document under
//! `merges/<other id>` (DESIGN.md, "Identity of records"), and never a rewrite of
//! documents:
//!
//! - OTHER's document stays as it is and keeps its encounters, prescriptions, photos and
//!   allergies. Readers resolve an id through the merges first and show KEEP's record
//!   with everything of the records merged into it. So an edit of OTHER made offline on
//!   another node while the merge was made lands in OTHER's document, syncs like any
//!   edit, and shows in KEEP's record: nothing is copied, so no copy goes stale.
//! - Concurrent merges stay deterministic. Each merged id has one entry (a map key: two
//!   nodes merging the same OTHER into different records end with one of them, chosen by
//!   Automerge the same everywhere). A → B on one node and B → A on another make a
//!   cycle; [`resolve`] breaks every cycle at its smallest id, which survives, so both
//!   nodes show one record, the same one, holding both.

use std::collections::{BTreeMap, BTreeSet};

use automerge::{AutoCommit, ReadDoc, ScalarValue};
use serde::Serialize;

use crate::doc::{self, SchemaError};
use crate::patient::Patient;
use crate::{Millis, PatientId};

/// A merge as the clinic document records it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct MergeRecord {
    /// The record merged away.
    pub other: PatientId,
    /// The record it was merged into (as the merging node saw it).
    pub into: PatientId,
    pub at: Millis,
    pub by: String,
}

/// Records the merge under `merges/<other>`, written whole in one change.
pub fn record_merge(doc: &mut AutoCommit, record: &MergeRecord) -> Result<(), SchemaError> {
    use automerge::hydrate::Value as H;
    use automerge::transaction::Transactable;
    let map = doc::ensure_map(doc, &automerge::ROOT, "merges")?;
    let mut f: std::collections::HashMap<&str, H> = std::collections::HashMap::new();
    f.insert("into", H::scalar(record.into.to_string().as_str()));
    f.insert("at", H::scalar(ScalarValue::Timestamp(record.at)));
    f.insert("by", H::scalar(record.by.as_str()));
    doc.batch_create_object(&map, record.other.to_string(), &H::from(f), false)?;
    Ok(())
}

/// Every merge the clinic document records; entries that do not read are skipped.
///
/// Two nodes that record their first merge concurrently each create the `merges` map,
/// and Automerge keeps one as the value and the other as a conflict; two nodes merging
/// one OTHER concurrently do the same with its entry. So every conflicting map and entry
/// is read, and for one OTHER the entry with the smallest `into` is taken: the same on
/// every node, and no merge is dropped unseen.
pub fn merges(doc: &impl ReadDoc) -> Result<Vec<MergeRecord>, SchemaError> {
    let mut by_other: BTreeMap<PatientId, MergeRecord> = BTreeMap::new();
    for (value, map) in doc.get_all(&automerge::ROOT, "merges")? {
        if !matches!(value, automerge::Value::Object(automerge::ObjType::Map)) {
            continue;
        }
        for key in doc.keys(&map).collect::<Vec<_>>() {
            let Ok(other) = key.parse::<PatientId>() else {
                continue;
            };
            for (entry, obj) in doc.get_all(&map, key.as_str())? {
                if !matches!(entry, automerge::Value::Object(automerge::ObjType::Map)) {
                    continue;
                }
                let Some(Ok(into)) = doc::str_at(doc, &obj, "into")?.map(|s| s.parse()) else {
                    continue;
                };
                let record = MergeRecord {
                    other,
                    into,
                    at: doc::i64_at(doc, &obj, "at")?.unwrap_or(0),
                    by: doc::str_at(doc, &obj, "by")?.unwrap_or_default(),
                };
                match by_other.get(&other) {
                    Some(seen) if seen.into <= record.into => {}
                    _ => {
                        by_other.insert(other, record);
                    }
                }
            }
        }
    }
    Ok(by_other.into_values().collect())
}

/// Where each merged-away id ends: its surviving record, after chains (A → B → C) and
/// cycles (A → B and B → A, made concurrently) are followed. A cycle's smallest id
/// survives. Survivors are never keys, and the result does not depend on the order of
/// `records`.
pub fn resolve(records: &[MergeRecord]) -> BTreeMap<PatientId, PatientId> {
    let next: BTreeMap<PatientId, PatientId> = records
        .iter()
        .filter(|r| r.other != r.into)
        .map(|r| (r.other, r.into))
        .collect();
    // Each cycle's smallest member survives: its own edge is ignored.
    let mut survivors_of_cycles: BTreeSet<PatientId> = BTreeSet::new();
    for &start in next.keys() {
        let mut seen = BTreeSet::new();
        let mut at = start;
        while let Some(&to) = next.get(&at) {
            if !seen.insert(at) {
                // `at` is on a cycle: walk it once to find its smallest id.
                let mut smallest = at;
                let mut k = next[&at];
                while k != at {
                    smallest = smallest.min(k);
                    k = next[&k];
                }
                survivors_of_cycles.insert(smallest);
                break;
            }
            at = to;
        }
    }
    let mut out = BTreeMap::new();
    for &start in next.keys() {
        if survivors_of_cycles.contains(&start) {
            continue;
        }
        let mut at = start;
        let mut steps = 0;
        while let Some(&to) = next.get(&at) {
            if survivors_of_cycles.contains(&at) || steps > next.len() {
                break;
            }
            at = to;
            steps += 1;
        }
        out.insert(start, at);
    }
    out
}

/// KEEP's record as readers show it: its own fields, with the encounters (and their
/// prescriptions), photos and allergies of every record merged into it, and the phones
/// and email those records add. Encounters and photos keep living in their own
/// documents; only the view is combined.
pub fn combine(mut keep: Patient, others: Vec<Patient>) -> Patient {
    for other in others {
        for e in other.encounters {
            if !keep.encounters.iter().any(|k| k.id == e.id) {
                keep.encounters.push(e);
            }
        }
        for ph in other.photos {
            if !keep.photos.iter().any(|k| k.id == ph.id) {
                keep.photos.push(ph);
            }
        }
        for a in other.allergies {
            let same = |k: &crate::patient::Allergy| {
                k.id == a.id || crate::text::fold(&k.substance) == crate::text::fold(&a.substance)
            };
            if !keep.allergies.iter().any(same) {
                keep.allergies.push(a);
            }
        }
        for phone in other.phones {
            let digits = crate::text::phone_digits(&phone);
            if !keep
                .phones
                .iter()
                .any(|p| crate::text::phone_digits(p) == digits)
            {
                keep.phones.push(phone);
            }
        }
        if keep.email.is_none() {
            keep.email = other.email;
        }
        if keep.birth_date.is_none() {
            keep.birth_date = other.birth_date;
        }
    }
    keep.encounters
        .sort_by(|a, b| b.date.cmp(&a.date).then(a.id.cmp(&b.id)));
    keep.photos
        .sort_by(|a, b| b.taken_at.cmp(&a.taken_at).then(a.id.cmp(&b.id)));
    keep
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn id(n: u128) -> PatientId {
        PatientId(Uuid::from_u128(n))
    }

    fn rec(other: u128, into: u128) -> MergeRecord {
        MergeRecord {
            other: id(other),
            into: id(into),
            at: 0,
            by: String::new(),
        }
    }

    #[test]
    fn chains_are_followed_and_cycles_keep_their_smallest_id() {
        let r = resolve(&[rec(1, 2), rec(2, 3)]);
        assert_eq!(r[&id(1)], id(3));
        assert_eq!(r[&id(2)], id(3));
        // A → B on one node, B → A on another: A (the smaller) survives on both.
        let r = resolve(&[rec(7, 4), rec(4, 7)]);
        assert_eq!(r.len(), 1);
        assert_eq!(r[&id(7)], id(4));
        let r = resolve(&[rec(5, 9), rec(9, 6), rec(6, 5), rec(8, 9)]);
        assert_eq!(r.get(&id(5)), None);
        assert_eq!(r[&id(9)], id(5));
        assert_eq!(r[&id(6)], id(5));
        assert_eq!(r[&id(8)], id(5));
    }

    #[test]
    fn records_round_trip_through_the_clinic_document() {
        let mut doc = AutoCommit::new();
        let m = MergeRecord {
            other: PatientId::new(),
            into: PatientId::new(),
            at: 42,
            by: "anna".into(),
        };
        record_merge(&mut doc, &m).expect("record");
        assert_eq!(merges(&doc).expect("read"), vec![m]);
    }

    #[test]
    fn concurrent_opposite_merges_converge_on_both_nodes() {
        // Neither node has a `merges` map yet: both create one.
        let mut n1 = AutoCommit::new();
        let mut n2 = n1.fork().with_actor(automerge::ActorId::random());
        let (a, b) = (PatientId::new(), PatientId::new());
        let at = |other, into| MergeRecord {
            other,
            into,
            at: 1,
            by: "x".into(),
        };
        record_merge(&mut n1, &at(a, b)).expect("a into b");
        record_merge(&mut n2, &at(b, a)).expect("b into a");
        n1.merge(&mut n2).expect("sync");
        n2.merge(&mut n1).expect("sync");
        let r1 = resolve(&merges(&n1).expect("read"));
        let r2 = resolve(&merges(&n2).expect("read"));
        assert_eq!(r1, r2);
        let (keep, gone) = (a.min(b), a.max(b));
        assert_eq!(r1.into_iter().collect::<Vec<_>>(), vec![(gone, keep)]);
        assert!(
            crate::conflict::find_conflicts(&n1)
                .expect("conflicts")
                .is_empty(),
            "concurrent merge maps are no conflict to resolve"
        );
    }

    #[test]
    fn one_record_merged_into_two_concurrently_reads_the_same_everywhere() {
        let mut n1 = AutoCommit::new();
        let mut n2 = n1.fork().with_actor(automerge::ActorId::random());
        let at = |other, into| MergeRecord {
            other,
            into,
            at: 1,
            by: "x".into(),
        };
        record_merge(&mut n1, &at(id(1), id(3))).expect("1 into 3");
        record_merge(&mut n2, &at(id(1), id(2))).expect("1 into 2");
        n1.merge(&mut n2).expect("sync");
        n2.merge(&mut n1).expect("sync");
        assert_eq!(merges(&n1).expect("read"), merges(&n2).expect("read"));
        assert_eq!(resolve(&merges(&n1).expect("read"))[&id(1)], id(2));
    }

    proptest! {
        #[test]
        fn survivors_are_never_merged_and_order_does_not_matter(
            edges in prop::collection::vec((0u128..8, 0u128..8), 0..12),
        ) {
            // One entry per merged id, as in the document's map.
            let mut by_other = BTreeMap::new();
            for (o, i) in edges { by_other.insert(o, i); }
            let records: Vec<_> = by_other.iter().map(|(o, i)| rec(*o, *i)).collect();
            let r = resolve(&records);
            for (other, into) in &r {
                prop_assert!(!r.contains_key(into), "{:?} resolves to a merged id", other);
                prop_assert_ne!(other, into);
            }
            let mut reversed = records.clone();
            reversed.reverse();
            prop_assert_eq!(resolve(&reversed), r);
        }
    }
}
