//! Reading a date the way each UI language writes it, the inverse of
//! [`format_date`](super::format_date), and the calendar conventions a date picker
//! needs (which day a week starts on).
//!
//! Only unambiguous input is read: the locale's own form (`27.11.2026`, `27/11/2026`,
//! `Nov 27, 2026`) or ISO `2026-11-27`. A four-digit year is required (a two-digit year
//! hides its century, which matters for birth dates), and English numeric dates such as
//! `11/12/2026` are refused because readers disagree on which number is the month.

use time::{Date, Month, Weekday};

use super::Locale;

const EN_MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A date typed in `locale`'s form or as ISO `YYYY-MM-DD`; `None` for anything else,
/// including dates that do not exist (`31.02.2026`). Surrounding spaces are ignored.
pub fn parse_date(text: &str, locale: Locale) -> Option<Date> {
    let text = text.trim();
    if let Some(date) = parse_iso(text) {
        return Some(date);
    }
    match locale {
        Locale::En => parse_english(text),
        Locale::Fr | Locale::Es => parse_numeric(text, '/'),
        Locale::Ru | Locale::Uk | Locale::Hy => parse_numeric(text, '.'),
    }
}

/// The first day of the week in `locale`'s calendars: Sunday for English (the app's
/// English is the US form, as its dates and times are), Monday for the others.
pub fn first_weekday(locale: Locale) -> Weekday {
    match locale {
        Locale::En => Weekday::Sunday,
        _ => Weekday::Monday,
    }
}

/// `YYYY-MM-DD` with exactly those digit counts.
fn parse_iso(text: &str) -> Option<Date> {
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    build(year, month, day)
}

/// `D<sep>M<sep>YYYY`, day and month of one or two digits.
fn parse_numeric(text: &str, separator: char) -> Option<Date> {
    let mut parts = text.split(separator);
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !(1..=2).contains(&day.len()) || !(1..=2).contains(&month.len()) {
        return None;
    }
    build(year, month, day)
}

/// `Nov 27, 2026`, `November 27 2026`, `nov 27,2026`: a month name (the first three
/// letters or the whole word), the day, an optional comma, the year.
fn parse_english(text: &str) -> Option<Date> {
    let split = text.find(|c: char| !c.is_ascii_alphabetic())?;
    let (name, rest) = text.split_at(split);
    let name = name.to_ascii_lowercase();
    let month = EN_MONTHS
        .iter()
        .position(|full| name.len() >= 3 && (*full == name || full[..3] == name))?;
    let rest = rest.trim_start();
    let day_end = rest.find(|c: char| !c.is_ascii_digit())?;
    let (day, rest) = rest.split_at(day_end);
    let year = rest
        .strip_prefix(',')
        .unwrap_or(rest)
        .trim_start_matches(' ');
    if rest.len() == year.len() || !(1..=2).contains(&day.len()) {
        // Neither a comma nor a space between the day and the year.
        return None;
    }
    let month = u8::try_from(month + 1).ok()?;
    date(year, month, day)
}

fn build(year: &str, month: &str, day: &str) -> Option<Date> {
    date(year, digits(month)?, day)
}

fn date(year: &str, month: u8, day: &str) -> Option<Date> {
    if year.len() != 4 {
        return None;
    }
    let year = i32::from(digits::<u16>(year)?);
    let month = Month::try_from(month).ok()?;
    Date::from_calendar_date(year, month, digits(day)?).ok()
}

/// A number written only with ASCII digits (no sign, no spaces).
fn digits<T: std::str::FromStr>(text: &str) -> Option<T> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::i18n::format_date;
    use Locale::*;

    #[test]
    fn every_locale_reads_what_it_writes() {
        let days = [
            date!(2026 - 12 - 06),
            date!(1984 - 03 - 05),
            date!(2024 - 02 - 29),
            date!(1900 - 01 - 01),
            date!(2099 - 12 - 31),
        ];
        for locale in Locale::ALL {
            for day in days {
                let written = format_date(day, locale);
                assert_eq!(
                    parse_date(&written, locale),
                    Some(day),
                    "{locale} {written}"
                );
            }
            // A whole year, every day of it.
            let mut day = date!(2027 - 01 - 01);
            while day.year() == 2027 {
                let written = format_date(day, locale);
                assert_eq!(
                    parse_date(&written, locale),
                    Some(day),
                    "{locale} {written}"
                );
                day = day.next_day().expect("2027 has a next day");
            }
        }
    }

    #[test]
    fn every_locale_also_reads_iso() {
        for locale in Locale::ALL {
            assert_eq!(
                parse_date(" 1984-03-05 ", locale),
                Some(date!(1984 - 03 - 05))
            );
        }
    }

    #[test]
    fn the_locale_form_in_detail() {
        let day = Some(date!(1984 - 03 - 05));
        assert_eq!(parse_date("05.03.1984", Ru), day);
        assert_eq!(parse_date("5.3.1984", Uk), day);
        assert_eq!(parse_date("05.03.1984", Hy), day);
        assert_eq!(parse_date("05/03/1984", Fr), day);
        assert_eq!(parse_date("5/3/1984", Es), day);
        assert_eq!(parse_date("Mar 5, 1984", En), day);
        assert_eq!(parse_date("march 5 1984", En), day);
        assert_eq!(parse_date("MAR 5,1984", En), day);
    }

    #[test]
    fn impossible_ambiguous_and_foreign_forms_are_refused() {
        let refused = [
            (Ru, "31.02.2026"),
            (Ru, "29.02.2025"),
            (Ru, "00.01.2026"),
            (Ru, "12.13.2026"),
            (Ru, "05.03.84"),
            (Ru, "05/03/1984"),
            (Ru, "05.03.1984.1"),
            (Ru, "+5.03.1984"),
            (Ru, " . . "),
            (Ru, ""),
            (Fr, "31/04/2026"),
            (Fr, "05.03.1984"),
            (Es, "5/3/84"),
            (En, "3/5/1984"),
            (En, "05.03.1984"),
            (En, "Feb 30, 2026"),
            (En, "Ma 5, 1984"),
            (En, "Mars 5, 1984"),
            (En, "Mar 5"),
            (En, "Mar 51984"),
            (En, "Mar 123, 1984"),
            (Uk, "2026-2-3"),
            (Uk, "2026-02-30"),
            (Hy, "02026-01-01"),
            (Hy, "١٢.٠٣.١٩٨٤"),
        ];
        for (locale, text) in refused {
            assert_eq!(parse_date(text, locale), None, "{locale} {text:?}");
        }
    }

    #[test]
    fn weeks_start_on_sunday_only_in_english() {
        assert_eq!(first_weekday(En), Weekday::Sunday);
        for locale in [Ru, Fr, Uk, Hy, Es] {
            assert_eq!(first_weekday(locale), Weekday::Monday, "{locale}");
        }
    }
}
