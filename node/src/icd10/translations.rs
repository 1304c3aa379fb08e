//! Labels of the subset in each UI language: Dermis's working translations
//! (`node/assets/icd10_{ru,fr,uk,hy,es}.tsv`, `code<TAB>label`), parsed once per
//! language on first use. Every code gets a label in every language: a code without a
//! translation borrows its closest translated ancestor's and adds the English
//! description in parentheses, so a picker never shows an empty line.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use super::{INDEX, code_key};
use crate::i18n::Locale;

const RU: &str = include_str!("../../assets/icd10_ru.tsv");
const FR: &str = include_str!("../../assets/icd10_fr.tsv");
const UK: &str = include_str!("../../assets/icd10_uk.tsv");
const HY: &str = include_str!("../../assets/icd10_hy.tsv");
const ES: &str = include_str!("../../assets/icd10_es.tsv");

/// One language's labels, in the order of the English list.
pub(super) struct Labels {
    shown: Vec<Cow<'static, str>>,
}

impl Labels {
    /// What the entry at `i` (a position in the English list) is called.
    pub(super) fn display(&'static self, i: usize) -> &'static str {
        self.shown.get(i).map_or("", |s| s.as_ref())
    }

    fn english() -> Labels {
        let entries = &INDEX.entries;
        Labels {
            shown: entries.iter().map(|e| Cow::Borrowed(e.label)).collect(),
        }
    }

    fn parse(tsv: &'static str) -> Labels {
        let index = &*INDEX;
        let own: HashMap<usize, &'static str> = rows(tsv)
            .filter_map(|(code, label)| index.by_key.get(&code_key(code)).map(|&i| (i, label)))
            .collect();
        let mut shown = Vec::with_capacity(index.entries.len());
        for (i, entry) in index.entries.iter().enumerate() {
            if let Some(label) = own.get(&i) {
                shown.push(Cow::Borrowed(*label));
                continue;
            }
            // The closest ancestor: drop the key's last character until a translated
            // code remains (L89.012 → L8901 → L890 → L89).
            let key = &index.keys[i];
            let ancestor = (3..key.len())
                .rev()
                .filter_map(|len| key.get(..len))
                .find_map(|prefix| index.by_key.get(prefix).and_then(|j| own.get(j)));
            shown.push(match ancestor {
                Some(parent) => Cow::Owned(format!("{parent} ({})", entry.label)),
                None => Cow::Borrowed(entry.label),
            });
        }
        Labels { shown }
    }
}

/// `(code, label)` for every data line of a translation file; comments and lines
/// without a label are skipped (the tests check the files hold none).
pub(super) fn rows(tsv: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    tsv.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once('\t'))
        .map(|(code, label)| (code.trim(), label.trim()))
        .filter(|(code, label)| !code.is_empty() && !label.is_empty())
}

static EN: LazyLock<Labels> = LazyLock::new(Labels::english);
static RU_LABELS: LazyLock<Labels> = LazyLock::new(|| Labels::parse(RU));
static FR_LABELS: LazyLock<Labels> = LazyLock::new(|| Labels::parse(FR));
static UK_LABELS: LazyLock<Labels> = LazyLock::new(|| Labels::parse(UK));
static HY_LABELS: LazyLock<Labels> = LazyLock::new(|| Labels::parse(HY));
static ES_LABELS: LazyLock<Labels> = LazyLock::new(|| Labels::parse(ES));

/// The labels of `locale`, built on first use.
pub(super) fn labels(locale: Locale) -> &'static Labels {
    match locale {
        Locale::En => &EN,
        Locale::Ru => &RU_LABELS,
        Locale::Fr => &FR_LABELS,
        Locale::Uk => &UK_LABELS,
        Locale::Hy => &HY_LABELS,
        Locale::Es => &ES_LABELS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::icd10::{entries, label, lookup};

    /// The raw translation file of `locale` (none for English, whose labels are the list's).
    fn file(locale: Locale) -> Option<&'static str> {
        match locale {
            Locale::En => None,
            Locale::Ru => Some(RU),
            Locale::Fr => Some(FR),
            Locale::Uk => Some(UK),
            Locale::Hy => Some(HY),
            Locale::Es => Some(ES),
        }
    }

    fn translated_locales() -> impl Iterator<Item = (Locale, &'static str)> {
        Locale::ALL
            .into_iter()
            .filter_map(|l| file(l).map(|tsv| (l, tsv)))
    }

    #[test]
    fn every_file_names_only_known_codes_once_with_a_label() {
        for (locale, tsv) in translated_locales() {
            let header = tsv.lines().next().unwrap_or_default();
            assert!(
                header.starts_with("# Dermis's working translations"),
                "{locale:?}: {header}"
            );
            let mut seen = std::collections::HashSet::new();
            for line in tsv.lines().filter(|l| !l.starts_with('#')) {
                let (code, text) = line.split_once('\t').unwrap_or((line, ""));
                assert!(lookup(code).is_some(), "{locale:?}: unknown code {code:?}");
                assert!(!text.trim().is_empty(), "{locale:?}: {code} has no label");
                assert!(!text.contains('\t'), "{locale:?}: {code} has a stray tab");
                assert!(seen.insert(code), "{locale:?}: {code} twice");
            }
        }
    }

    #[test]
    fn every_category_and_one_decimal_code_is_translated_everywhere() {
        for (locale, tsv) in translated_locales() {
            let labels = labels(locale);
            let own: std::collections::HashSet<&str> = rows(tsv).map(|(code, _)| code).collect();
            for (i, entry) in entries().iter().enumerate() {
                let key = code_key(entry.code);
                if key.len() > 4 {
                    continue; // Deeper codes may fall back to an ancestor.
                }
                assert!(
                    own.contains(entry.code),
                    "{locale:?}: {} is not translated",
                    entry.code
                );
                assert!(
                    !labels.display(i).trim().is_empty(),
                    "{locale:?}: {} is empty",
                    entry.code
                );
            }
        }
    }

    #[test]
    fn an_untranslated_code_borrows_its_ancestor_and_keeps_the_english_detail() {
        for (locale, tsv) in translated_locales() {
            let labels = labels(locale);
            let own: std::collections::HashSet<&str> = rows(tsv).map(|(code, _)| code).collect();
            for (i, entry) in entries().iter().enumerate() {
                let shown = labels.display(i);
                assert!(
                    !shown.trim().is_empty(),
                    "{locale:?}: {} is empty",
                    entry.code
                );
                if !own.contains(entry.code) {
                    assert!(
                        shown.ends_with(&format!("({})", entry.label)),
                        "{locale:?}: {} falls back to {shown:?}",
                        entry.code
                    );
                }
            }
        }
        // Every code has its own line today, so check the rule on a file with one line.
        let partial: &'static Labels = Box::leak(Box::new(Labels::parse("# t\nL89\tПролежень\n")));
        let shown = |code: &str| {
            let i = INDEX.by_key.get(&code_key(code)).copied();
            i.map_or("", |i| partial.display(i))
        };
        assert_eq!(shown("L89"), "Пролежень");
        assert_eq!(
            shown("L89.012"),
            "Пролежень (Pressure ulcer of right elbow, stage 2)"
        );
        assert_eq!(
            shown("L40.0"),
            "Psoriasis vulgaris",
            "no translated ancestor: the English label alone"
        );
        let composed = label("L89.012", Locale::Ru).unwrap_or_default();
        assert_eq!(composed, "Пролежень локтя справа, стадия 2");
    }
}
