//! Everything language-dependent that the node and the hub share: which UI languages
//! exist ([`Locale`]), translated messages from the Fluent files under `locales/`
//! ([`Localizer`], embedded at build time), and numbers, money, dates and times written
//! the way each language writes them ([`format_money`] and friends). Pure: no IO beyond
//! the embedded files. Fonts (drawing it all) belong to the node's window.
//!
//! Message ids follow a few patterns callers build from stable codes, see [`message_id`]:
//! `error-<code>` for validation errors (with `$field`, and `$max` / `$min` where they
//! apply), `field-<name>` for field labels, `body-<part>`, `role-<role>`, `sex-<value>`,
//! `pay-<method>`, `stock-<kind>`, `status-<status>`. Plural messages take a numeric
//! `$count`. The domain types and their codes live in `dermis-model`; this module only
//! names them.

pub mod catalog;
mod dates;
mod format;
mod locale;
mod localizer;

pub use dates::{first_weekday, parse_date};
pub use format::{
    currency_exponent, currency_symbol, format_date, format_datetime, format_decimal,
    format_integer, format_money, format_time,
};
pub use locale::{Locale, ParseLocaleError};
pub use localizer::{FluentArg, LoadIssue, Localizer};

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// The message id for a stable code: `message_id("error", "too_long")` is
/// `error-too-long`, `message_id("body", "upper_back")` is `body-upper-back`.
pub fn message_id(prefix: &str, code: &str) -> String {
    format!("{prefix}-{}", code.replace('_', "-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_replace_underscores() {
        assert_eq!(message_id("error", "too_long"), "error-too-long");
        assert_eq!(message_id("body", "upper_back"), "body-upper-back");
        assert_eq!(message_id("field", "first-name"), "field-first-name");
    }

    #[test]
    fn build_script_embeds_the_same_files_for_every_locale() {
        let files_of = |locale: Locale| -> Vec<&str> {
            FTL_FILES
                .iter()
                .filter(|(code, _, _)| *code == locale.code())
                .map(|(_, file, _)| *file)
                .collect()
        };
        let english = files_of(Locale::En);
        for file in ["common.ftl", "errors.ftl", "fields.ftl"] {
            assert!(english.contains(&file), "en lacks {file}: {english:?}");
        }
        for locale in Locale::ALL {
            assert_eq!(files_of(locale), english, "{locale}");
        }
        let codes: Vec<&str> = Locale::ALL.iter().map(|l| l.code()).collect();
        for (code, file, source) in FTL_FILES {
            assert!(
                codes.contains(code),
                "locales/{code} is not a supported locale"
            );
            assert!(!source.trim().is_empty(), "locales/{code}/{file} is empty");
        }
    }
}
