//! Likely duplicate patients: two desks that registered one person while offline. Pairs
//! are found by blocking, not by comparing every patient with every other: each patient
//! yields a few keys (folded name with birth date, normalised phone, normalised email),
//! and only patients sharing a key are paired. The cost is linear in the patients plus
//! the pairs found; a key shared by more than [`MAX_BLOCK`] patients (a clinic's own
//! phone number typed for many) says nothing about identity and is skipped.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::text::{fold, phone_digits};

/// A key shared by more patients than this pairs none of them.
pub const MAX_BLOCK: usize = 20;

/// What duplicate detection reads of a patient (from the node's index, not documents).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Candidate {
    pub id: String,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub last_name: String,
    /// YYYY-MM-DD.
    pub birth_date: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Why two records look like one person.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateReason {
    /// The same name (any case, accents and word order) and the same birth date.
    NameAndBirthDate,
    Phone,
    Email,
}

impl DuplicateReason {
    /// How much this reason alone says, from 0 to 1.
    pub fn weight(self) -> f64 {
        match self {
            DuplicateReason::NameAndBirthDate => 0.9,
            DuplicateReason::Email => 0.7,
            DuplicateReason::Phone => 0.6,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            DuplicateReason::NameAndBirthDate => "same name and birth date",
            DuplicateReason::Phone => "same phone",
            DuplicateReason::Email => "same email",
        }
    }
}

/// Two records that look like one person; `a` < `b`.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct DuplicatePair {
    pub a: String,
    pub b: String,
    /// 0 to 1: each reason's weight combined as independent evidence.
    pub score: f64,
    pub reasons: Vec<DuplicateReason>,
    /// The reasons in words.
    pub reason: String,
}

/// A name's words folded (case, accents) and sorted, so "Petrosyan Anna" and "ANNA
/// PETROSYAN" are one key. The middle name is left out: one desk often omits it.
pub fn name_key(first: &str, last: &str) -> Option<String> {
    let mut words: Vec<String> = fold(&format!("{first} {last}"))
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    if words.is_empty() {
        return None;
    }
    words.sort();
    Some(words.join(" "))
}

/// The national part of a phone number: its last nine digits, so "+33 6 12 34 56 78" and
/// "06 12 34 56 78" agree. Numbers of fewer than seven digits are too short to tell.
pub fn phone_key(phone: &str) -> Option<String> {
    let digits = phone_digits(phone);
    if digits.len() < 7 {
        return None;
    }
    Some(digits[digits.len().saturating_sub(9)..].to_owned())
}

pub fn email_key(email: &str) -> Option<String> {
    let e = fold(email.trim());
    e.contains('@').then_some(e)
}

/// Every likely duplicate pair, best first (then by ids).
pub fn find_duplicates(people: &[Candidate]) -> Vec<DuplicatePair> {
    let mut blocks: HashMap<(DuplicateReason, String), Vec<usize>> = HashMap::new();
    for (i, p) in people.iter().enumerate() {
        if let (Some(name), Some(born)) = (name_key(&p.first_name, &p.last_name), &p.birth_date) {
            blocks
                .entry((DuplicateReason::NameAndBirthDate, format!("{name}|{born}")))
                .or_default()
                .push(i);
        }
        if let Some(k) = p.phone.as_deref().and_then(phone_key) {
            blocks
                .entry((DuplicateReason::Phone, k))
                .or_default()
                .push(i);
        }
        if let Some(k) = p.email.as_deref().and_then(email_key) {
            blocks
                .entry((DuplicateReason::Email, k))
                .or_default()
                .push(i);
        }
    }
    let mut pairs: BTreeMap<(usize, usize), Vec<DuplicateReason>> = BTreeMap::new();
    for ((reason, _), members) in blocks {
        if members.len() < 2 || members.len() > MAX_BLOCK {
            continue;
        }
        for (n, &x) in members.iter().enumerate() {
            for &y in &members[n + 1..] {
                let (x, y) = if people[x].id <= people[y].id {
                    (x, y)
                } else {
                    (y, x)
                };
                if people[x].id == people[y].id {
                    continue;
                }
                pairs.entry((x, y)).or_default().push(reason);
            }
        }
    }
    let mut out: Vec<DuplicatePair> = pairs
        .into_iter()
        .map(|((x, y), mut reasons)| {
            reasons.sort();
            reasons.dedup();
            let miss: f64 = reasons.iter().map(|r| 1.0 - r.weight()).product();
            let score = ((1.0 - miss) * 100.0).round() / 100.0;
            let reason = reasons
                .iter()
                .map(|r| r.describe())
                .collect::<Vec<_>>()
                .join(", ");
            DuplicatePair {
                a: people[x].id.clone(),
                b: people[y].id.clone(),
                score,
                reasons,
                reason,
            }
        })
        .collect();
    out.sort_by(|p, q| {
        q.score
            .total_cmp(&p.score)
            .then_with(|| p.a.cmp(&q.a))
            .then_with(|| p.b.cmp(&q.b))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn person(id: &str, first: &str, last: &str, born: Option<&str>) -> Candidate {
        Candidate {
            id: id.into(),
            first_name: first.into(),
            last_name: last.into(),
            birth_date: born.map(Into::into),
            ..Default::default()
        }
    }

    #[test]
    fn names_fold_case_accents_and_order() {
        let a = person("1", "Élodie", "Müller", Some("1984-03-09"));
        let b = person("2", "MULLER", "elodie", Some("1984-03-09"));
        let c = person("3", "Elodie", "Muller", Some("1985-03-09"));
        let pairs = find_duplicates(&[a, b, c]);
        assert_eq!(pairs.len(), 1);
        assert_eq!((pairs[0].a.as_str(), pairs[0].b.as_str()), ("1", "2"));
        assert_eq!(pairs[0].reasons, vec![DuplicateReason::NameAndBirthDate]);
        assert_eq!(pairs[0].score, 0.9);
    }

    #[test]
    fn phones_and_emails_are_normalised_and_reasons_add_up() {
        let mut a = person("a", "Anna", "Petrosyan", Some("1990-01-01"));
        a.phone = Some("+33 6 12 34 56 78".into());
        a.email = Some("Anna@Example.am ".into());
        let mut b = person("b", "Ann", "Petrosian", None);
        b.phone = Some("06.12.34.56.78".into());
        b.email = Some("anna@example.am".into());
        let mut c = person("c", "Other", "Person", None);
        c.phone = Some("12-34".into());
        let pairs = find_duplicates(&[b, a, c]);
        assert_eq!(pairs.len(), 1);
        assert_eq!(
            pairs[0].reasons,
            vec![DuplicateReason::Phone, DuplicateReason::Email]
        );
        assert_eq!(pairs[0].score, 0.88);
        assert_eq!(pairs[0].reason, "same phone, same email");
        assert_eq!(pairs[0].a, "a");
    }

    #[test]
    fn a_key_shared_by_a_crowd_pairs_nobody() {
        let crowd: Vec<Candidate> = (0..=MAX_BLOCK)
            .map(|i| Candidate {
                id: format!("{i:03}"),
                first_name: format!("P{i}"),
                last_name: "X".into(),
                phone: Some("+374 10 000000".into()),
                ..Default::default()
            })
            .collect();
        assert!(find_duplicates(&crowd).is_empty());
    }

    #[test]
    fn fifty_thousand_patients_are_paired_by_blocks() {
        // Quadratic pairing would be 1.25e9 comparisons; blocking finds the 500 planted
        // pairs in one pass.
        let mut people: Vec<Candidate> = (0..50_000)
            .map(|i| Candidate {
                id: format!("{i:06}"),
                first_name: format!("First{i}"),
                last_name: format!("Last{}", i / 3),
                birth_date: Some(format!("19{:02}-01-{:02}", i % 90, i % 28 + 1)),
                phone: Some(format!("+374 {:08}", i)),
                email: None,
                middle_name: None,
            })
            .collect();
        for k in 0..500 {
            let mut twin = people[k * 7].clone();
            twin.id = format!("t{k:05}");
            twin.phone = None;
            people.push(twin);
        }
        let pairs = find_duplicates(&people);
        assert_eq!(pairs.len(), 500);
        assert!(
            pairs
                .iter()
                .all(|p| p.reasons == [DuplicateReason::NameAndBirthDate])
        );
    }

    proptest! {
        #[test]
        fn the_name_key_ignores_order_case_and_accents(first in "[a-z]{1,10}", last in "[a-z]{1,10}") {
            let upper_accented = |s: &str| s.replace('e', "É").to_uppercase();
            prop_assert_eq!(
                name_key(&first, &last),
                name_key(&upper_accented(&last), &upper_accented(&first))
            );
        }

        #[test]
        fn pairs_are_ordered_and_unique(n in 0usize..40, seed in any::<u64>()) {
            let people: Vec<Candidate> = (0..n)
                .map(|i| Candidate {
                    id: format!("{i:02}"),
                    first_name: ["Anna", "Ani", "Aram"][(seed as usize + i) % 3].into(),
                    last_name: "P".into(),
                    birth_date: Some("2000-01-01".into()),
                    phone: Some(format!("+374 10 00000{}", (seed as usize + i) % 4)),
                    ..Default::default()
                })
                .collect();
            let pairs = find_duplicates(&people);
            let mut seen = std::collections::HashSet::new();
            for p in &pairs {
                prop_assert!(p.a < p.b);
                prop_assert!(seen.insert((p.a.clone(), p.b.clone())));
                prop_assert!(p.score > 0.0 && p.score <= 1.0);
            }
        }
    }
}
