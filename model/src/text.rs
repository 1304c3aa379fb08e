//! Text folding for search: the same function prepares what is indexed and what is
//! typed, so matching is case- and diacritic-insensitive in every script we support
//! (Latin, Cyrillic, Armenian).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower-cases, decomposes and drops combining marks: "Élodie" → "elodie",
/// "Ёлка" → "елка", "ԱՐԱՄ" → "արամ".
pub fn fold(input: &str) -> String {
    input
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The digits of a phone number, so "+33 (6) 12-34" is found by typing "33612".
pub fn phone_digits(input: &str) -> String {
    input.chars().filter(char::is_ascii_digit).collect()
}

/// The words of a query or of indexed text after folding: letters and digits only.
pub fn words(input: &str) -> Vec<String> {
    fold(input)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents_in_every_script() {
        assert_eq!(fold("Élodie Müller"), "elodie muller");
        assert_eq!(fold("ЁЛКИНА Йорш"), "елкина иорш");
        assert_eq!(fold("ԱՐԱՄ Պետրոսյան"), "արամ պետրոսյան");
        assert_eq!(fold("Їжак"), "іжак");
        assert_eq!(fold("Ñoño"), "nono");
    }

    #[test]
    fn splits_into_words() {
        assert_eq!(
            words("  O'Brien-Smith, Anna "),
            vec!["o", "brien", "smith", "anna"]
        );
        assert_eq!(phone_digits("+33 (6) 12-34"), "3361234");
    }
}
