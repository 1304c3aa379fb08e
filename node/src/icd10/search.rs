//! Finding codes by what a clinician types: a code prefix (`L40`, `l40.5`), or words
//! that begin words of the label in the user's language or in English (`псор`,
//! `eczema` for `eczéma`). Each language's labels are folded once (lower case, no
//! diacritics, so `ё` finds `е` and `é` finds `e`) into a word index; a search is one
//! linear pass over it, well under a millisecond for the 1,676 codes.

use std::borrow::Cow;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::{INDEX, Icd10Entry, code_key, looks_like_code, translations};
use crate::i18n::Locale;

/// Words in the user's language rank before words found only in the English label.
const ENGLISH_PENALTY: usize = 64;

/// One language's folded words, per entry of the English list.
struct Words {
    /// The label's words in the language, then (other than for English) the English ones.
    words: Vec<Vec<Box<str>>>,
    /// How many of an entry's `words` come from the label in the language itself.
    own: Vec<usize>,
}

impl Words {
    fn build(locale: Locale) -> Words {
        let labels = translations::labels(locale);
        let mut words = Vec::with_capacity(INDEX.entries.len());
        let mut own = Vec::with_capacity(INDEX.entries.len());
        for (i, entry) in INDEX.entries.iter().enumerate() {
            let mut list = words_of(labels.display(i));
            own.push(list.len());
            if locale != Locale::En {
                list.extend(words_of(entry.label));
            }
            words.push(list.into_iter().map(String::into_boxed_str).collect());
        }
        Words { words, own }
    }
}

static EN: LazyLock<Words> = LazyLock::new(|| Words::build(Locale::En));
static RU: LazyLock<Words> = LazyLock::new(|| Words::build(Locale::Ru));
static FR: LazyLock<Words> = LazyLock::new(|| Words::build(Locale::Fr));
static UK: LazyLock<Words> = LazyLock::new(|| Words::build(Locale::Uk));
static HY: LazyLock<Words> = LazyLock::new(|| Words::build(Locale::Hy));
static ES: LazyLock<Words> = LazyLock::new(|| Words::build(Locale::Es));

fn words_for(locale: Locale) -> &'static Words {
    match locale {
        Locale::En => &EN,
        Locale::Ru => &RU,
        Locale::Fr => &FR,
        Locale::Uk => &UK,
        Locale::Hy => &HY,
        Locale::Es => &ES,
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '`')
}

/// Lower case without diacritics (`Acné` → `acne`, `Чёрный` → `черный`), split into
/// words. A word written with an apostrophe is kept both split and joined, so the
/// French `l'aine` is found by `aine` and the Ukrainian `кропив'янка` by `кропивянка`.
pub(super) fn words_of(text: &str) -> Vec<String> {
    let folded: String = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    let mut words = Vec::new();
    for raw in folded.split(|c: char| !c.is_alphanumeric() && !is_apostrophe(c)) {
        let parts = raw.split(is_apostrophe).filter(|w| !w.is_empty());
        words.extend(parts.map(str::to_owned));
        if raw.chars().any(is_apostrophe) {
            let joined: String = raw.chars().filter(|c| !is_apostrophe(*c)).collect();
            if !joined.is_empty() {
                words.push(joined);
            }
        }
    }
    words
}

/// A code typed with the keyboard still in a Cyrillic layout (`д40` for `L40`): the
/// key under the letter on a Russian or Ukrainian keyboard gives its Latin letter. Only
/// a letter followed by a digit is read this way; no word of any label starts so.
fn latin_code_letter(query: &str) -> Cow<'_, str> {
    let trimmed = query.trim_start();
    let mut chars = trimmed.chars();
    let (Some(first), Some(second)) = (chars.next(), chars.next()) else {
        return Cow::Borrowed(query);
    };
    // The letters ICD-10 chapters use here, under their ЙЦУКЕН keys.
    let latin = match first.to_lowercase().next().unwrap_or(first) {
        'ф' => 'A',
        'и' => 'B',
        'с' => 'C',
        'в' => 'D',
        'д' => 'L',
        'й' => 'Q',
        'к' => 'R',
        'е' => 'T',
        'я' => 'Z',
        _ => return Cow::Borrowed(query),
    };
    if !second.is_ascii_digit() {
        return Cow::Borrowed(query);
    }
    Cow::Owned(format!("{latin}{}", &trimmed[first.len_utf8()..]))
}

/// Entries matching `query`, best first, at most `limit`, for a user reading `locale`.
///
/// A query that looks like a code (`L7`, `l40.5`) matches codes by prefix, the exact
/// code first. Otherwise every word of the query must begin some word of the label in
/// `locale` or of the English label (or, for a code-like word such as `C43`, the code),
/// ignoring case and diacritics. Labels whose matches come earlier, in the user's
/// language rather than only in English, then shorter labels rank first.
pub fn search(query: &str, locale: Locale, limit: usize) -> Vec<&'static Icd10Entry> {
    let index = &*INDEX;
    if limit == 0 || query.trim().is_empty() {
        return Vec::new();
    }
    let query = &latin_code_letter(query);
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
    let words = words_for(locale);
    let labels = translations::labels(locale);
    let mut ranked: Vec<((usize, usize, usize), usize)> = Vec::new();
    'entries: for (i, label_words) in words.words.iter().enumerate() {
        let own = words.own[i];
        let mut position_sum = 0;
        for (word, code_word) in query_words.iter().zip(&code_words) {
            if let Some(position) = label_words
                .iter()
                .position(|lw| lw.starts_with(word.as_str()))
            {
                position_sum += if position < own {
                    position
                } else {
                    ENGLISH_PENALTY + position - own
                };
            } else if code_word
                .as_ref()
                .is_some_and(|key| index.keys[i].starts_with(key.as_str()))
            {
                // A code prefix ranks like a match at the start of the label.
            } else {
                continue 'entries;
            }
        }
        let length = labels.display(i).chars().count();
        ranked.push(((position_sum, length, i), i));
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
    fn psoriasis_lists_psoriasis_codes_first() {
        let hits = search("psoriasis", Locale::En, 10);
        assert_eq!(
            codes(&hits),
            [
                "L40", "L40.0", "L40.9", "L40.8", "L40.4", "L40.5", "L40.50", "L40.1"
            ],
            "labels starting with the word first, then shorter labels"
        );
        assert_eq!(codes(&search("PSORIASIS", Locale::En, 10)), codes(&hits));
        // "Parapsoriasis" does not match: words match by prefix, not substring.
        let prefix = search("psor", Locale::En, 10);
        assert_eq!(prefix.len(), 10);
        assert!(
            prefix.iter().all(|e| e.code.starts_with("L40")),
            "{:?}",
            codes(&prefix)
        );
    }

    #[test]
    fn every_word_must_match() {
        let hits = search("melanoma trunk", Locale::En, 20);
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
        assert!(search("melanoma zzzz", Locale::En, 20).is_empty());
    }

    #[test]
    fn code_like_queries_match_code_prefixes() {
        let hits = search("L7", Locale::En, 50);
        assert!(!hits.is_empty());
        assert_eq!(hits[0].code, "L70");
        assert!(
            hits.iter().all(|e| e.code.starts_with("L7")),
            "{:?}",
            codes(&hits)
        );
        let exact = search("l40.5", Locale::En, 5);
        assert_eq!(exact[0].code, "L40.5");
        assert!(exact[1..].iter().all(|e| e.code.starts_with("L40.5")));
        let undotted = search("L405", Locale::En, 5);
        assert_eq!(codes(&undotted), codes(&exact));
        let mixed = search("C43 trunk", Locale::En, 10);
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
        let plain = search("acne excoriee", Locale::En, 5);
        assert_eq!(plain.first().map(|e| e.code), Some("L70.5"));
        assert_eq!(
            codes(&search("Acné Excoriée", Locale::En, 5)),
            codes(&plain)
        );
        assert!(
            search("cafe au lait", Locale::En, 5)
                .iter()
                .any(|e| e.code == "L81.3")
        );
    }

    #[test]
    fn empty_queries_and_limits() {
        assert!(search("", Locale::En, 10).is_empty());
        assert!(search("   ", Locale::En, 10).is_empty());
        assert!(search("--", Locale::En, 10).is_empty());
        assert!(search("psoriasis", Locale::En, 0).is_empty());
        assert_eq!(search("psoriasis", Locale::En, 3).len(), 3);
        assert_eq!(
            search("L", Locale::En, 4).len(),
            4,
            "a letter alone searches label words"
        );
        assert_eq!(search("L9", Locale::En, 2).len(), 2);
    }

    /// Each language finds the everyday diagnoses by their names in that language.
    #[test]
    fn every_language_finds_the_common_diagnoses() {
        let cases: [(Locale, [&str; 9]); 6] = [
            (
                Locale::En,
                [
                    "psoriasis",
                    "atopic dermatitis",
                    "acne",
                    "rosacea",
                    "malignant melanoma",
                    "seborrheic keratosis",
                    "urticaria",
                    "vitiligo",
                    "alopecia areata",
                ],
            ),
            (
                Locale::Ru,
                [
                    "псориаз",
                    "атопический дерматит",
                    "акне",
                    "розацеа",
                    "злокачественная меланома",
                    "себорейный кератоз",
                    "крапивница",
                    "витилиго",
                    "гнездная алопеция",
                ],
            ),
            (
                Locale::Uk,
                [
                    "псоріаз",
                    "атопічний дерматит",
                    "акне",
                    "розацеа",
                    "злоякісна меланома",
                    "себорейний кератоз",
                    "кропив'янка",
                    "вітиліго",
                    "гніздова алопеція",
                ],
            ),
            (
                Locale::Fr,
                [
                    "psoriasis",
                    "dermatite atopique",
                    "acné",
                    "rosacée",
                    "mélanome malin",
                    "kératose séborrhéique",
                    "urticaire",
                    "vitiligo",
                    "pelade",
                ],
            ),
            (
                Locale::Es,
                [
                    "psoriasis",
                    "dermatitis atópica",
                    "acné",
                    "rosácea",
                    "melanoma maligno",
                    "queratosis seborreica",
                    "urticaria",
                    "vitíligo",
                    "alopecia areata",
                ],
            ),
            (
                Locale::Hy,
                [
                    "պսորիազ",
                    "ատոպիկ դերմատիտ",
                    "ակնե",
                    "ռոզացեա",
                    "չարորակ մելանոմա",
                    "սեբորեային կերատոզ",
                    "եղնջացան",
                    "վիտիլիգո",
                    "բնային ալոպեցիա",
                ],
            ),
        ];
        let expected = [
            "L40", "L20", "L70", "L71", "C43", "L82", "L50", "L80", "L63",
        ];
        for (locale, queries) in cases {
            for (query, category) in queries.into_iter().zip(expected) {
                let hits = search(query, locale, 10);
                assert!(
                    hits.first().is_some_and(|e| e.code.starts_with(category)),
                    "{locale:?} {query:?}: {:?}",
                    codes(&hits)
                );
            }
        }
    }

    #[test]
    fn a_prefix_in_the_users_language_finds_the_category_first() {
        for (locale, query) in [
            (Locale::Ru, "псор"),
            (Locale::Uk, "псоріаз"),
            (Locale::Hy, "պսորիազ"),
            (Locale::Hy, "Պսոր"),
        ] {
            let hits = search(query, locale, 10);
            assert_eq!(
                hits.first().map(|e| e.code),
                Some("L40"),
                "{locale:?} {query:?}"
            );
            assert!(
                hits.iter().all(|e| e.code.starts_with("L40")),
                "{locale:?} {query:?}: {:?}",
                codes(&hits)
            );
        }
    }

    #[test]
    fn english_words_and_codes_work_in_every_language() {
        for locale in Locale::ALL {
            let by_english = search("psoriasis", locale, 5);
            assert!(
                by_english.iter().all(|e| e.code.starts_with("L40")) && !by_english.is_empty(),
                "{locale:?}: {:?}",
                codes(&by_english)
            );
            let by_code = search("L40", locale, 3);
            assert_eq!(codes(&by_code), ["L40", "L40.0", "L40.1"], "{locale:?}");
        }
    }

    #[test]
    fn accents_case_and_yo_are_folded() {
        let accented = search("eczéma", Locale::Fr, 20);
        let plain = search("ECZEMA", Locale::Fr, 20);
        assert_eq!(codes(&accented), codes(&plain));
        let first = accented.first().map(|e| e.code).unwrap_or_default();
        assert!(("L20".."L31").contains(&first), "{:?}", codes(&accented));
        assert!(
            accented.iter().any(|e| e.code == "L30.0"),
            "{:?}",
            codes(&accented)
        );
        let yo = search("гнёздная", Locale::Ru, 10);
        assert_eq!(codes(&yo), codes(&search("ГНЕЗДНАЯ", Locale::Ru, 10)));
        assert_eq!(yo.first().map(|e| e.code), Some("L63"));
        // Ukrainian apostrophe: written or left out, кропив'янка is found.
        assert_eq!(
            search("кропивянка", Locale::Uk, 1).first().map(|e| e.code),
            Some("L50")
        );
        assert_eq!(
            search("аккне", Locale::Ru, 5).len(),
            0,
            "a misspelt word finds nothing rather than noise"
        );
    }

    #[test]
    fn a_code_typed_in_a_cyrillic_layout_is_read_as_latin() {
        assert_eq!(
            codes(&search("д40.0", Locale::Ru, 3)),
            codes(&search("L40.0", Locale::Ru, 3))
        );
        assert_eq!(
            search("с43", Locale::Uk, 1).first().map(|e| e.code),
            Some("C43")
        );
        // A word is not a code: "дерматит" and a lone "д" still search label words.
        for query in ["дерматит", "д"] {
            let hits = search(query, Locale::Ru, 5);
            assert!(!hits.is_empty(), "{query:?}");
            for entry in hits {
                let shown = crate::icd10::label(entry.code, Locale::Ru).unwrap_or_default();
                assert!(
                    words_of(shown).iter().any(|w| w.starts_with(query)),
                    "{query:?} found {shown:?}"
                );
            }
        }
    }
}
