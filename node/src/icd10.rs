//! The dermatology subset of ICD-10-CM that diagnosis pickers search: codes, their
//! official English descriptions and whether a code is billable. The list is
//! `node/assets/icd10cm_derm.tsv` (see `node/assets/ICD10_README.md` for its source),
//! embedded at compile time and parsed once on first use.
//!
//! Validating that a diagnosis code is well-formed belongs to `dermis-model`; this
//! module only knows which codes exist here and what they are called.

use std::collections::HashMap;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

const TSV: &str = include_str!("../assets/icd10cm_derm.tsv");

/// One ICD-10-CM code of the subset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Icd10Entry {
    /// As printed, with the dot: `L40.0`.
    pub code: &'static str,
    /// The official English description.
    pub label: &'static str,
    /// A leaf code that can go on a claim; category headers are kept for search.
    pub billable: bool,
}

struct Index {
    entries: Vec<Icd10Entry>,
    /// Per entry: the code upper-cased without its dot (`L400`).
    keys: Vec<String>,
    /// Per entry: the label's words, lower-cased and without diacritics.
    words: Vec<Vec<String>>,
    by_key: HashMap<String, usize>,
    /// The header comment naming the source of the list.
    source: &'static str,
}

static INDEX: LazyLock<Index> = LazyLock::new(|| Index::parse(TSV));

impl Index {
    fn parse(tsv: &'static str) -> Index {
        let mut entries = Vec::new();
        let mut source = "";
        for line in tsv.lines() {
            if let Some(comment) = line.strip_prefix('#') {
                if source.is_empty() {
                    source = comment.trim();
                }
                continue;
            }
            let mut fields = line.split('\t');
            let (Some(code), Some(label)) = (fields.next(), fields.next()) else {
                continue; // Blank line; the tests check no entry is lost this way.
            };
            let billable = fields.next().is_some_and(|b| b.trim() == "1");
            entries.push(Icd10Entry {
                code: code.trim(),
                label: label.trim(),
                billable,
            });
        }
        let keys: Vec<String> = entries.iter().map(|e| code_key(e.code)).collect();
        let words = entries.iter().map(|e| words_of(e.label)).collect();
        let by_key = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), i))
            .collect();
        Index {
            entries,
            keys,
            words,
            by_key,
            source,
        }
    }
}

/// Upper case, no dot, no surrounding space: `l40.0` and `L400` both give `L400`.
fn code_key(code: &str) -> String {
    code.trim()
        .chars()
        .filter(|c| *c != '.')
        .flat_map(char::to_uppercase)
        .collect()
}

/// A letter, a digit, then at most five letters or digits, with an optional dot.
fn looks_like_code(query: &str) -> bool {
    let key = code_key(query);
    let mut chars = key.chars();
    let dots = query.trim().matches('.').count();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && matches!(chars.next(), Some(c) if c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_alphanumeric())
        && key.len() <= 7
        && dots <= 1
}

/// Lower case without diacritics (`Acné` → `acne`), split into words.
fn words_of(text: &str) -> Vec<String> {
    let folded: String = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Every entry of the subset, sorted by code.
pub fn entries() -> &'static [Icd10Entry] {
    &INDEX.entries
}

/// Where the list comes from, as its header says (package, ICD-10-CM year).
pub fn source() -> &'static str {
    INDEX.source
}

/// The entry for `code`, ignoring case and the dot: `l40.0`, `L400` and `L40.0` agree.
pub fn lookup(code: &str) -> Option<&'static Icd10Entry> {
    let index = &*INDEX;
    index
        .by_key
        .get(&code_key(code))
        .map(|&i| &index.entries[i])
}

/// Entries matching `query`, best first, at most `limit`.
///
/// A query that looks like a code (`L7`, `l40.5`) matches codes by prefix, the exact
/// code first. Otherwise every word of the query must begin some word of the label
/// (or, for a code-like word such as `C43`, the code), ignoring case and diacritics;
/// labels whose matches come earlier, then shorter labels, rank first.
pub fn search(query: &str, limit: usize) -> Vec<&'static Icd10Entry> {
    let index = &*INDEX;
    if limit == 0 || query.trim().is_empty() {
        return Vec::new();
    }
    if looks_like_code(query) {
        let key = code_key(query);
        let mut hits: Vec<usize> = (0..index.entries.len())
            .filter(|&i| index.keys[i].starts_with(&key))
            .collect();
        // Entries are sorted by code, so the exact code (the shortest) comes first.
        hits.sort_by_key(|&i| (index.keys[i] != key, i));
        return hits
            .into_iter()
            .take(limit)
            .map(|i| &index.entries[i])
            .collect();
    }

    let query_words = words_of(query);
    if query_words.is_empty() {
        return Vec::new();
    }
    let code_words: Vec<Option<String>> = query_words
        .iter()
        .map(|w| looks_like_code(w).then(|| code_key(w)))
        .collect();
    let mut ranked: Vec<((usize, usize, usize), usize)> = Vec::new();
    'entries: for (i, label_words) in index.words.iter().enumerate() {
        let mut position_sum = 0;
        for (word, code_word) in query_words.iter().zip(&code_words) {
            if let Some(position) = label_words
                .iter()
                .position(|lw| lw.starts_with(word.as_str()))
            {
                position_sum += position;
            } else if code_word
                .as_ref()
                .is_some_and(|key| index.keys[i].starts_with(key.as_str()))
            {
                // A code prefix ranks like a match at the start of the label.
            } else {
                continue 'entries;
            }
        }
        ranked.push(((position_sum, index.entries[i].label.chars().count(), i), i));
    }
    ranked.sort_unstable_by_key(|(rank, _)| *rank);
    ranked
        .into_iter()
        .take(limit)
        .map(|(_, i)| &index.entries[i])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(entries: &[&Icd10Entry]) -> Vec<&'static str> {
        entries.iter().map(|e| e.code).collect()
    }

    #[test]
    fn the_embedded_list_parses_whole() {
        let data_lines = TSV
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count();
        assert_eq!(entries().len(), data_lines);
        assert!(entries().len() > 1000, "{}", entries().len());
        assert!(
            source().starts_with("source: simple-icd-10-cm"),
            "{}",
            source()
        );
        assert!(source().contains("public domain"));
        for pair in entries().windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        for entry in entries() {
            assert!(!entry.label.is_empty(), "{}", entry.code);
            assert!(looks_like_code(entry.code), "{}", entry.code);
        }
        assert_eq!(INDEX.by_key.len(), entries().len(), "two codes share a key");
    }

    #[test]
    fn the_subset_has_the_promised_ranges() {
        let l_codes = entries().iter().filter(|e| e.code.starts_with('L')).count();
        assert!(l_codes > 1000, "{l_codes} L codes");
        for code in [
            "A46", "B00.1", "B07.0", "B08.1", "B35.1", "B36.0", "B37.2", "B86", "C43.59", "C44.91",
            "D03.9", "D04.9", "D18.01", "D22.9", "D23.9", "D48.5", "L00", "L99", "Q80.0", "Q82.5",
            "R21", "T69.1", "T33", "Z12.83", "Z85.820", "Z85.828",
        ] {
            assert!(lookup(code).is_some(), "{code} missing");
        }
        for code in [
            "B08.0", "D18.00", "D48.4", "T34", "T33.01", "E11.9", "L40.00",
        ] {
            assert!(lookup(code).is_none(), "{code} should not be in the subset");
        }
    }

    #[test]
    fn lookup_ignores_case_and_the_dot() {
        let entry = lookup("l40.0").expect("L40.0");
        assert_eq!(entry.code, "L40.0");
        assert_eq!(entry.label, "Psoriasis vulgaris");
        assert!(entry.billable);
        assert_eq!(lookup("L400"), Some(entry));
        assert_eq!(lookup(" L40.0 "), Some(entry));
        let header = lookup("L40").expect("L40");
        assert!(!header.billable, "a category header is not billable");
        assert_eq!(lookup("L40.0.0"), None);
        assert_eq!(lookup(""), None);
    }

    #[test]
    fn psoriasis_lists_psoriasis_codes_first() {
        let hits = search("psoriasis", 10);
        assert_eq!(
            codes(&hits),
            [
                "L40", "L40.0", "L40.9", "L40.8", "L40.4", "L40.5", "L40.50", "L40.1"
            ],
            "labels starting with the word first, then shorter labels"
        );
        assert_eq!(codes(&search("PSORIASIS", 10)), codes(&hits));
        // "Parapsoriasis" does not match: words match by prefix, not substring.
        let prefix = search("psor", 10);
        assert_eq!(prefix.len(), 10);
        assert!(
            prefix.iter().all(|e| e.code.starts_with("L40")),
            "{:?}",
            codes(&prefix)
        );
    }

    #[test]
    fn every_word_must_match() {
        let hits = search("melanoma trunk", 20);
        assert!(
            hits.iter().any(|e| e.code == "C43.59"),
            "{:?}",
            codes(&hits)
        );
        for entry in &hits {
            let words = words_of(entry.label);
            assert!(
                words.iter().any(|w| w.starts_with("melanoma")),
                "{}",
                entry.label
            );
            assert!(
                words.iter().any(|w| w.starts_with("trunk")),
                "{}",
                entry.label
            );
        }
        assert!(search("melanoma zzzz", 20).is_empty());
    }

    #[test]
    fn code_like_queries_match_code_prefixes() {
        let hits = search("L7", 50);
        assert!(!hits.is_empty());
        assert_eq!(hits[0].code, "L70");
        assert!(
            hits.iter().all(|e| e.code.starts_with("L7")),
            "{:?}",
            codes(&hits)
        );
        let exact = search("l40.5", 5);
        assert_eq!(exact[0].code, "L40.5");
        assert!(exact[1..].iter().all(|e| e.code.starts_with("L40.5")));
        let undotted = search("L405", 5);
        assert_eq!(codes(&undotted), codes(&exact));
        let mixed = search("C43 trunk", 10);
        assert!(
            mixed.iter().any(|e| e.code == "C43.59"),
            "{:?}",
            codes(&mixed)
        );
        assert!(
            mixed.iter().all(|e| e.code.starts_with("C43")),
            "{:?}",
            codes(&mixed)
        );
    }

    #[test]
    fn diacritics_and_case_do_not_matter() {
        let plain = search("acne excoriee", 5);
        assert_eq!(plain.first().map(|e| e.code), Some("L70.5"));
        assert_eq!(codes(&search("Acné Excoriée", 5)), codes(&plain));
        assert!(search("cafe au lait", 5).iter().any(|e| e.code == "L81.3"));
    }

    #[test]
    fn empty_queries_and_limits() {
        assert!(search("", 10).is_empty());
        assert!(search("   ", 10).is_empty());
        assert!(search("--", 10).is_empty());
        assert!(search("psoriasis", 0).is_empty());
        assert_eq!(search("psoriasis", 3).len(), 3);
        assert_eq!(
            search("L", 4).len(),
            4,
            "a letter alone searches label words"
        );
        assert_eq!(search("L9", 2).len(), 2);
    }
}
