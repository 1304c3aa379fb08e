//! The dermatology subset of ICD-10-CM that diagnosis pickers search: codes, their
//! official English descriptions, whether a code is billable, and their labels in the
//! other UI languages. The list is `node/assets/icd10cm_derm.tsv` (see
//! `node/assets/ICD10_README.md` for its source), embedded at compile time and parsed
//! once on first use; `translations` owns the per-language labels and `search` the
//! folded word index that finds a code by what a clinician types.
//!
//! Validating that a diagnosis code is well-formed belongs to `dermis-model`; this
//! module only knows which codes exist here and what they are called. An encounter
//! stores the English label (the record stays language-neutral); screens and documents
//! show [`label`] in the reader's language.

mod search;
mod translations;

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::i18n::Locale;

pub use search::search;

const TSV: &str = include_str!("../../assets/icd10cm_derm.tsv");

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
        let by_key = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), i))
            .collect();
        Index {
            entries,
            keys,
            by_key,
            source,
        }
    }

    fn position(&self, code: &str) -> Option<usize> {
        self.by_key.get(&code_key(code)).copied()
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
    index.position(code).map(|i| &index.entries[i])
}

/// What `code` is called in `locale`: the official English description for English;
/// otherwise Dermis's translation, or, for a code not translated yet, its closest
/// translated ancestor followed by the English description in parentheses. `None` for
/// a code outside the subset.
pub fn label(code: &str, locale: Locale) -> Option<&'static str> {
    INDEX
        .position(code)
        .map(|i| translations::labels(locale).display(i))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn labels_follow_the_locale() {
        assert_eq!(label("L40.0", Locale::En), Some("Psoriasis vulgaris"));
        assert_eq!(label("l400", Locale::En), Some("Psoriasis vulgaris"));
        assert_eq!(label("L40", Locale::Ru), Some("Псориаз"));
        assert_eq!(label("L40", Locale::Uk), Some("Псоріаз"));
        assert_eq!(label("L40", Locale::Hy), Some("Պսորիազ"));
        assert_eq!(label("L70", Locale::Fr), Some("Acné"));
        assert_eq!(
            label("L20", Locale::Es),
            Some("Dermatitis atópica (eccema atópico)")
        );
        assert_eq!(label("E11.9", Locale::Ru), None);
    }
}
