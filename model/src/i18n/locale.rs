//! The UI languages Dermis ships, and how a user or the environment names them.

use std::fmt;
use std::str::FromStr;

use unic_langid::LanguageIdentifier;

/// A UI language. The order of [`Locale::ALL`] is the order a language picker shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Locale {
    #[default]
    En,
    Ru,
    Fr,
    Uk,
    Hy,
    Es,
}

/// A locale string that names none of the languages Dermis ships.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unsupported locale {input:?}: supported codes are en, ru, fr, uk, hy, es \
     (a region or encoding may follow, as in \"ru-RU\" or \"ru_RU.UTF-8\")"
)]
pub struct ParseLocaleError {
    /// What was given, as given.
    pub input: String,
}

impl Locale {
    pub const ALL: [Locale; 6] = [
        Locale::En,
        Locale::Ru,
        Locale::Fr,
        Locale::Uk,
        Locale::Hy,
        Locale::Es,
    ];

    /// The ISO 639-1 code, which is also the folder name under `locales/`.
    pub const fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Ru => "ru",
            Locale::Fr => "fr",
            Locale::Uk => "uk",
            Locale::Hy => "hy",
            Locale::Es => "es",
        }
    }

    /// The language's name in itself, so a user can find theirs whatever the UI shows now.
    pub const fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Ru => "Русский",
            Locale::Fr => "Français",
            Locale::Uk => "Українська",
            Locale::Hy => "Հայերեն",
            Locale::Es => "Español",
        }
    }

    /// Position in [`Locale::ALL`].
    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    /// The language identifier Fluent uses to pick plural rules.
    pub fn langid(self) -> LanguageIdentifier {
        // The codes are valid BCP 47 language subtags, so this never fails.
        self.code().parse().unwrap_or_default()
    }

    /// Accepts a bare code or a POSIX / BCP 47 locale: `ru`, `RU`, `ru-RU`,
    /// `ru_RU.UTF-8`, `ru_RU@euro`. Only the language part decides.
    pub fn parse(s: &str) -> Result<Locale, ParseLocaleError> {
        let trimmed = s.trim();
        let language = trimmed
            .split(['.', '@'])
            .next()
            .and_then(|tag| tag.split(['-', '_']).next())
            .unwrap_or("")
            .to_ascii_lowercase();
        Locale::ALL
            .into_iter()
            .find(|locale| locale.code() == language)
            .ok_or_else(|| ParseLocaleError {
                input: s.to_owned(),
            })
    }

    /// `DERMIS_LOCALE` if it names a supported language, else `LANG`, else English.
    /// `LANG=C` or a language we do not ship falls through to English, as users expect.
    pub fn from_env() -> Locale {
        let dermis = std::env::var("DERMIS_LOCALE").ok();
        let lang = std::env::var("LANG").ok();
        Self::from_env_values(dermis.as_deref(), lang.as_deref())
    }

    fn from_env_values(dermis_locale: Option<&str>, lang: Option<&str>) -> Locale {
        if let Some(value) = dermis_locale.filter(|v| !v.trim().is_empty()) {
            match Locale::parse(value) {
                Ok(locale) => return locale,
                Err(error) => tracing::warn!(%error, "ignoring DERMIS_LOCALE"),
            }
        }
        lang.and_then(|value| Locale::parse(value).ok())
            .unwrap_or_default()
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Locale {
    type Err = ParseLocaleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Locale::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_regions_and_posix_locales() {
        for (input, expected) in [
            ("ru", Locale::Ru),
            ("RU", Locale::Ru),
            ("ru-RU", Locale::Ru),
            ("ru_RU.UTF-8", Locale::Ru),
            ("ru_RU@euro", Locale::Ru),
            (" uk_UA.utf8 ", Locale::Uk),
            ("hy-AM", Locale::Hy),
            ("fr_CA", Locale::Fr),
            ("es-419", Locale::Es),
            ("en_US.UTF-8", Locale::En),
            ("Fr", Locale::Fr),
        ] {
            assert_eq!(Locale::parse(input), Ok(expected), "input {input:?}");
            assert_eq!(input.parse::<Locale>(), Ok(expected), "input {input:?}");
        }
    }

    #[test]
    fn rejects_unknown_locales_naming_the_supported_ones() {
        for input in ["de", "C", "POSIX", "", "  ", "english", "r", "-ru"] {
            let error = Locale::parse(input).expect_err(input);
            assert_eq!(error.input, input);
            let message = error.to_string();
            for locale in Locale::ALL {
                assert!(message.contains(locale.code()), "{message}");
            }
        }
    }

    #[test]
    fn codes_round_trip_and_names_are_native() {
        for locale in Locale::ALL {
            assert_eq!(Locale::parse(locale.code()), Ok(locale));
            assert_eq!(locale.to_string(), locale.code());
            assert_eq!(Locale::ALL[locale.index()], locale);
            assert_eq!(locale.langid().language.as_str(), locale.code());
        }
        let names: Vec<_> = Locale::ALL.iter().map(|l| l.native_name()).collect();
        assert_eq!(
            names,
            [
                "English",
                "Русский",
                "Français",
                "Українська",
                "Հայերեն",
                "Español"
            ]
        );
    }

    #[test]
    fn environment_prefers_dermis_locale_then_lang_then_english() {
        assert_eq!(
            Locale::from_env_values(Some("hy"), Some("ru_RU.UTF-8")),
            Locale::Hy
        );
        assert_eq!(
            Locale::from_env_values(None, Some("ru_RU.UTF-8")),
            Locale::Ru
        );
        assert_eq!(Locale::from_env_values(Some(""), Some("fr_FR")), Locale::Fr);
        assert_eq!(
            Locale::from_env_values(Some("klingon"), Some("uk_UA")),
            Locale::Uk
        );
        assert_eq!(Locale::from_env_values(None, Some("C.UTF-8")), Locale::En);
        assert_eq!(Locale::from_env_values(None, Some("de_DE")), Locale::En);
        assert_eq!(Locale::from_env_values(None, None), Locale::En);
    }
}
