//! Fluent bundles for every UI language, built once from the embedded `.ftl` files and
//! shared by the UI thread and any server thread.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::types::{FluentNumber, FluentNumberStyle};
use fluent_bundle::{FluentArgs, FluentError, FluentResource, FluentValue};

use super::{Locale, format_integer};

type Bundle = FluentBundle<FluentResource>;

/// A value for a Fluent variable. Numbers stay numbers so that plural selection works
/// (`{ $count -> [one] … }` never matches a string).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FluentArg<'a> {
    Str(Cow<'a, str>),
    Int(i64),
}

impl<'a> From<&'a str> for FluentArg<'a> {
    fn from(value: &'a str) -> Self {
        FluentArg::Str(Cow::Borrowed(value))
    }
}

impl<'a> From<&'a String> for FluentArg<'a> {
    fn from(value: &'a String) -> Self {
        FluentArg::Str(Cow::Borrowed(value))
    }
}

impl From<String> for FluentArg<'_> {
    fn from(value: String) -> Self {
        FluentArg::Str(Cow::Owned(value))
    }
}

macro_rules! int_arg {
    ($($ty:ty),*) => {$(
        impl From<$ty> for FluentArg<'_> {
            fn from(value: $ty) -> Self {
                FluentArg::Int(i64::from(value))
            }
        }
    )*};
}
int_arg!(i8, i16, i32, i64, u8, u16, u32);

macro_rules! saturating_int_arg {
    ($($ty:ty),*) => {$(
        impl From<$ty> for FluentArg<'_> {
            fn from(value: $ty) -> Self {
                FluentArg::Int(i64::try_from(value).unwrap_or(i64::MAX))
            }
        }
    )*};
}
saturating_int_arg!(u64, usize);

impl<'a> FluentArg<'a> {
    fn to_value(&self) -> FluentValue<'a> {
        match self {
            FluentArg::Str(s) => FluentValue::String(s.clone()),
            FluentArg::Int(n) => FluentValue::from(*n),
        }
    }
}

/// Something wrong with the embedded message files, found while loading them.
/// Loading goes on regardless: a bad entry is skipped, never a reason to panic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadIssue {
    /// The folder name under `locales/`.
    pub locale: String,
    pub file: String,
    pub problem: String,
}

impl fmt::Display for LoadIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "locales/{}/{}: {}", self.locale, self.file, self.problem)
    }
}

struct Inner {
    /// Indexed by [`Locale::index`].
    bundles: Vec<Bundle>,
    issues: Vec<LoadIssue>,
}

/// Translates message ids into the user's language. Cheap to clone; `Send + Sync`.
#[derive(Clone)]
pub struct Localizer {
    inner: Arc<Inner>,
}

impl fmt::Debug for Localizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Localizer")
            .field("issues", &self.inner.issues)
            .finish_non_exhaustive()
    }
}

impl Default for Localizer {
    fn default() -> Self {
        Self::new()
    }
}

impl Localizer {
    /// Builds bundles from the `locales/<code>/*.ftl` files embedded at compile time.
    /// Problems in them are logged and kept in [`Localizer::issues`].
    pub fn new() -> Self {
        let localizer = Self::from_sources(super::FTL_FILES);
        for issue in localizer.issues() {
            tracing::warn!(%issue, "problem in embedded message files");
        }
        localizer
    }

    /// Builds bundles from `(locale code, file name, Fluent source)` triples.
    pub(crate) fn from_sources(sources: &[(&str, &str, &str)]) -> Self {
        let mut bundles: Vec<Bundle> = Locale::ALL
            .iter()
            .map(|&locale| {
                let mut bundle = Bundle::new_concurrent(vec![locale.langid()]);
                bundle.set_use_isolating(false);
                bundle.set_formatter(Some(number_formatter(locale)));
                bundle
            })
            .collect();
        let mut issues = Vec::new();
        for &(code, file, source) in sources {
            let issue = |problem: String| LoadIssue {
                locale: code.to_owned(),
                file: file.to_owned(),
                problem,
            };
            let Some(locale) = Locale::ALL.into_iter().find(|l| l.code() == code) else {
                issues.push(issue("not a supported locale; file ignored".to_owned()));
                continue;
            };
            let resource = match FluentResource::try_new(source.to_owned()) {
                Ok(resource) => resource,
                Err((resource, errors)) => {
                    for error in errors {
                        let line = line_of(source, error.pos.start);
                        issues.push(issue(format!("line {line}: {error}")));
                    }
                    resource
                }
            };
            if let Err(errors) = bundles[locale.index()].add_resource(resource) {
                issues.extend(errors.into_iter().map(|e| issue(e.to_string())));
            }
        }
        Localizer {
            inner: Arc::new(Inner { bundles, issues }),
        }
    }

    /// Problems found while loading; empty for a healthy build.
    pub fn issues(&self) -> &[LoadIssue] {
        &self.inner.issues
    }

    /// Whether `locale` itself (not the English fallback) has a message `id` with a value.
    pub fn has_message(&self, locale: Locale, id: &str) -> bool {
        self.bundle(locale)
            .get_message(id)
            .is_some_and(|message| message.value().is_some())
    }

    /// The message `id` in `locale`, else in English, else `id` itself.
    pub fn t(&self, locale: Locale, id: &str) -> String {
        self.format(locale, id, None)
    }

    /// Like [`Localizer::t`], with variables: `t_args(l, "patients-count", &[("count", 3.into())])`.
    pub fn t_args(&self, locale: Locale, id: &str, args: &[(&str, FluentArg<'_>)]) -> String {
        self.format(locale, id, Some(&fluent_args(args)))
    }

    /// Formats `id` from `locale` alone, without fallback, returning Fluent's errors
    /// as text; `None` if the locale lacks the message.
    #[doc(hidden)]
    pub fn try_format(
        &self,
        locale: Locale,
        id: &str,
        args: &[(&str, FluentArg<'_>)],
    ) -> Option<(String, Vec<String>)> {
        let (text, errors) = self.format_in(locale, id, Some(&fluent_args(args)))?;
        Some((text, errors.iter().map(ToString::to_string).collect()))
    }

    fn bundle(&self, locale: Locale) -> &Bundle {
        &self.inner.bundles[locale.index()]
    }

    fn format_in(
        &self,
        locale: Locale,
        id: &str,
        args: Option<&FluentArgs<'_>>,
    ) -> Option<(String, Vec<FluentError>)> {
        let bundle = self.bundle(locale);
        let pattern = bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned();
        Some((text, errors))
    }

    fn format(&self, locale: Locale, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        for candidate in [locale, Locale::En] {
            if let Some((text, errors)) = self.format_in(candidate, id, args) {
                if !errors.is_empty() {
                    // Fluent errors name variables and messages, never argument values.
                    tracing::warn!(locale = %candidate, id, ?errors, "message formatted with errors");
                }
                return text;
            }
        }
        tracing::warn!(%locale, id, "no such message in this locale or in English");
        id.to_owned()
    }
}

fn fluent_args<'a>(args: &[(&'a str, FluentArg<'a>)]) -> FluentArgs<'a> {
    let mut fluent_args = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        fluent_args.set(*name, value.to_value());
    }
    fluent_args
}

fn line_of(source: &str, byte: usize) -> usize {
    source
        .get(..byte)
        .map_or(0, |before| before.matches('\n').count())
        + 1
}

/// Fluent prints numbers as Rust does (`1234`); this gives whole numbers the locale's
/// grouping (`1 234`). Anything with explicit NUMBER() options is left to Fluent.
fn number_formatter<M>(locale: Locale) -> fn(&FluentValue<'_>, &M) -> Option<String> {
    fn format_with<M, const I: usize>(value: &FluentValue<'_>, _: &M) -> Option<String> {
        let FluentValue::Number(FluentNumber { value, options }) = value else {
            return None;
        };
        let plain = options.style == FluentNumberStyle::Decimal
            && options.minimum_fraction_digits.is_none()
            && options.maximum_fraction_digits.is_none()
            && options.minimum_integer_digits.is_none()
            && options.minimum_significant_digits.is_none()
            && options.maximum_significant_digits.is_none();
        // Whole numbers an f64 holds exactly.
        let whole = value.fract() == 0.0 && value.abs() < 9.0e15;
        (plain && whole).then(|| format_integer(*value as i64, Locale::ALL[I]))
    }
    match locale {
        Locale::En => format_with::<M, 0>,
        Locale::Ru => format_with::<M, 1>,
        Locale::Fr => format_with::<M, 2>,
        Locale::Uk => format_with::<M, 3>,
        Locale::Hy => format_with::<M, 4>,
        Locale::Es => format_with::<M, 5>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCES: &[(&str, &str, &str)] = &[
        (
            "en",
            "a.ftl",
            "hello = Hello, { $name }!\nonly-en = English only\n\
             apples = { $count ->\n    [one] one apple\n   *[other] { $count } apples\n}\n",
        ),
        ("ru", "a.ftl", "hello = Привет, { $name }!\n"),
        ("de", "a.ftl", "hello = Hallo\n"),
        ("fr", "a.ftl", "hello = Bonjour\nbroken = { \n"),
        ("fr", "b.ftl", "hello = Salut\n"),
    ];

    #[test]
    fn is_send_sync_and_cheap_to_clone() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Localizer>();
        let localizer = Localizer::from_sources(SOURCES);
        let clone = localizer.clone();
        assert!(Arc::ptr_eq(&localizer.inner, &clone.inner));
        let from_thread = std::thread::spawn(move || clone.t(Locale::Ru, "only-en"))
            .join()
            .expect("thread panicked");
        assert_eq!(from_thread, "English only");
    }

    #[test]
    fn falls_back_to_english_then_to_the_id() {
        let localizer = Localizer::from_sources(SOURCES);
        let name = [("name", FluentArg::from("Ada"))];
        assert_eq!(localizer.t_args(Locale::Ru, "hello", &name), "Привет, Ada!");
        assert_eq!(localizer.t(Locale::Ru, "only-en"), "English only");
        assert_eq!(localizer.t(Locale::Hy, "hello"), "Hello, {$name}!");
        assert_eq!(localizer.t(Locale::Ru, "no-such-id"), "no-such-id");
        assert!(localizer.has_message(Locale::Ru, "hello"));
        assert!(!localizer.has_message(Locale::Ru, "only-en"));
    }

    #[test]
    fn placeables_are_not_wrapped_in_isolation_marks() {
        let localizer = Localizer::from_sources(SOURCES);
        let text = localizer.t_args(Locale::En, "hello", &[("name", "Ada".into())]);
        assert_eq!(text, "Hello, Ada!");
        assert!(!text.contains(['\u{2068}', '\u{2069}']));
    }

    #[test]
    fn reports_bad_files_without_failing() {
        let localizer = Localizer::from_sources(SOURCES);
        let issues: Vec<String> = localizer.issues().iter().map(|i| i.to_string()).collect();
        assert!(
            issues
                .iter()
                .any(|i| i.starts_with("locales/de/a.ftl: not a supported")),
            "{issues:?}"
        );
        assert!(
            issues
                .iter()
                .any(|i| i.starts_with("locales/fr/a.ftl: line ") && i.contains("Expected")),
            "{issues:?}"
        );
        assert!(
            issues
                .iter()
                .any(|i| i.starts_with("locales/fr/b.ftl") && i.contains("hello")),
            "{issues:?}"
        );
        // The first definition wins; the parse error did not cost the good entry.
        assert_eq!(localizer.t(Locale::Fr, "hello"), "Bonjour");
    }

    #[test]
    fn numbers_select_plurals_and_are_grouped_for_the_locale() {
        let localizer = Localizer::from_sources(SOURCES);
        let apples =
            |count: FluentArg<'_>| localizer.t_args(Locale::En, "apples", &[("count", count)]);
        assert_eq!(apples(1.into()), "one apple");
        assert_eq!(apples(2u32.into()), "2 apples");
        assert_eq!(apples(1234usize.into()), "1,234 apples");
        // A string is not a number: it never selects [one].
        assert_eq!(apples("1".into()), "1 apples");
    }
}
