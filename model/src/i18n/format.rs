//! Locale-aware numbers, money, dates and times, following CLDR conventions for the
//! six UI languages. Fluent formats none of these itself.
//!
//! Pure functions on integers: money is minor units plus a currency exponent, never a
//! float. Negative values take a leading ASCII minus.

use time::{Date, OffsetDateTime, Time};

use super::Locale;

const NBSP: char = '\u{00A0}';
const NNBSP: char = '\u{202F}';

/// How a locale writes the parts of a number.
struct NumberSymbols {
    decimal: char,
    group: char,
    /// CLDR `minimumGroupingDigits`: Spanish writes `1234` but `12.345`.
    min_grouping_digits: usize,
}

fn symbols(locale: Locale) -> NumberSymbols {
    match locale {
        Locale::En => NumberSymbols {
            decimal: '.',
            group: ',',
            min_grouping_digits: 1,
        },
        Locale::Fr => NumberSymbols {
            decimal: ',',
            group: NNBSP,
            min_grouping_digits: 1,
        },
        Locale::Ru | Locale::Uk | Locale::Hy => NumberSymbols {
            decimal: ',',
            group: NBSP,
            min_grouping_digits: 1,
        },
        Locale::Es => NumberSymbols {
            decimal: ',',
            group: '.',
            min_grouping_digits: 2,
        },
    }
}

/// Groups a string of ASCII digits by thousands, if it is long enough for the locale.
fn group_digits(digits: &str, symbols: &NumberSymbols) -> String {
    if digits.len() < 3 + symbols.min_grouping_digits {
        return digits.to_owned();
    }
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(symbols.group);
        }
        out.push(digit);
    }
    out
}

/// `1234567` → en `1,234,567`, fr `1 234 567` (U+202F), ru `1 234 567` (U+00A0),
/// es `1234` but `12.345`.
pub fn format_integer(value: i64, locale: Locale) -> String {
    format_decimal(value, 0, locale)
}

/// A fixed-point number: `minor / 10^exponent`, all digits kept.
/// `format_decimal(123450, 2, Fr)` → `1 234,50`.
pub fn format_decimal(minor: i64, exponent: u8, locale: Locale) -> String {
    let symbols = symbols(locale);
    let (sign, integer, fraction) = split_fixed_point(minor, exponent);
    let mut out = String::from(sign);
    out.push_str(&group_digits(&integer, &symbols));
    if !fraction.is_empty() {
        out.push(symbols.decimal);
        out.push_str(&fraction);
    }
    out
}

/// Sign, integer digits and fraction digits of `minor / 10^exponent`, done on the
/// decimal string so that no exponent can overflow.
fn split_fixed_point(minor: i64, exponent: u8) -> (&'static str, String, String) {
    let sign = if minor < 0 { "-" } else { "" };
    let exponent = usize::from(exponent);
    let digits = minor.unsigned_abs().to_string();
    let padded = format!("{digits:0>width$}", width = exponent + 1);
    let (integer, fraction) = padded.split_at(padded.len() - exponent);
    (sign, integer.to_owned(), fraction.to_owned())
}

/// ISO 4217 minor-unit digits for the currencies a clinic meets; 2 for everything else.
pub fn currency_exponent(currency_code: &str) -> u8 {
    match currency_code.trim().to_ascii_uppercase().as_str() {
        "JPY" | "KRW" => 0,
        "KWD" | "BHD" | "OMR" | "JOD" | "TND" => 3,
        _ => 2,
    }
}

/// The symbol printed for a currency, if it has one we use; otherwise the code is printed.
pub fn currency_symbol(currency_code: &str) -> Option<&'static str> {
    match currency_code.trim().to_ascii_uppercase().as_str() {
        "EUR" => Some("€"),
        "USD" => Some("$"),
        "GBP" => Some("£"),
        "RUB" => Some("₽"),
        "UAH" => Some("₴"),
        "AMD" => Some("֏"),
        _ => None,
    }
}

/// An amount in minor units: en `€1,234.50` (`-€1,234.50`, `CHF 1,234.50`),
/// fr `1 234,50 €`, ru/uk/hy `1 234,50 ₽`, es `1234,50 €` / `12.345,50 €`.
/// The space before a trailing symbol and after a leading code is U+00A0.
pub fn format_money(minor: i64, currency_code: &str, locale: Locale) -> String {
    let exponent = currency_exponent(currency_code);
    let code = currency_code.trim().to_ascii_uppercase();
    let symbol = currency_symbol(&code);
    let signed = format_decimal(minor, exponent, locale);
    let number = signed.strip_prefix('-').unwrap_or(&signed);
    let sign = if minor < 0 { "-" } else { "" };
    match (locale, symbol) {
        (Locale::En, Some(symbol)) => format!("{sign}{symbol}{number}"),
        (Locale::En, None) => format!("{sign}{code}{NBSP}{number}"),
        (_, symbol) => format!("{sign}{number}{NBSP}{}", symbol.unwrap_or(&code)),
    }
}

const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// en `Nov 27, 2026`; fr/es `27/11/2026`; ru/uk/hy `27.11.2026`.
pub fn format_date(date: Date, locale: Locale) -> String {
    let day = date.day();
    let month = u8::from(date.month());
    let year = date.year();
    match locale {
        Locale::En => {
            let name = EN_MONTHS[usize::from(month) - 1];
            format!("{name} {day}, {year}")
        }
        Locale::Fr | Locale::Es => format!("{day:02}/{month:02}/{year:04}"),
        Locale::Ru | Locale::Uk | Locale::Hy => format!("{day:02}.{month:02}.{year:04}"),
    }
}

/// en `2:05 PM` (12-hour, U+202F before the day period, as CLDR 42+ writes it);
/// every other locale `14:05`.
pub fn format_time(time: Time, locale: Locale) -> String {
    let (hour, minute) = (time.hour(), time.minute());
    match locale {
        Locale::En => {
            let period = if hour < 12 { "AM" } else { "PM" };
            let hour12 = match hour % 12 {
                0 => 12,
                h => h,
            };
            format!("{hour12}:{minute:02}{NNBSP}{period}")
        }
        _ => format!("{hour:02}:{minute:02}"),
    }
}

/// Date and time in the value's own offset (convert to the clinic's offset first):
/// en `Nov 27, 2026, 2:05 PM`, others `27.11.2026 14:05` / `27/11/2026 14:05`.
pub fn format_datetime(value: OffsetDateTime, locale: Locale) -> String {
    let date = format_date(value.date(), locale);
    let time = format_time(value.time(), locale);
    match locale {
        Locale::En => format!("{date}, {time}"),
        _ => format!("{date} {time}"),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime, time};

    use super::*;
    use Locale::*;

    /// Writes U+00A0 as `~` and U+202F as `^` so expectations can be read.
    fn visible(s: String) -> String {
        s.replace(NBSP, "~").replace(NNBSP, "^")
    }

    #[test]
    fn integers_group_by_locale() {
        let cases: [(Locale, [&str; 5]); 6] = [
            (En, ["0", "999", "1,234", "12,345", "1,234,567"]),
            (Fr, ["0", "999", "1^234", "12^345", "1^234^567"]),
            (Ru, ["0", "999", "1~234", "12~345", "1~234~567"]),
            (Uk, ["0", "999", "1~234", "12~345", "1~234~567"]),
            (Hy, ["0", "999", "1~234", "12~345", "1~234~567"]),
            (Es, ["0", "999", "1234", "12.345", "1.234.567"]),
        ];
        for (locale, expected) in cases {
            let got = [0, 999, 1234, 12345, 1234567].map(|n| visible(format_integer(n, locale)));
            assert_eq!(got, expected, "{locale}");
        }
    }

    #[test]
    fn negative_and_extreme_integers() {
        assert_eq!(format_integer(-1234, En), "-1,234");
        assert_eq!(visible(format_integer(-1234, Ru)), "-1~234");
        assert_eq!(format_integer(-1234, Es), "-1234");
        assert_eq!(format_integer(-12345, Es), "-12.345");
        assert_eq!(format_integer(i64::MIN, En), "-9,223,372,036,854,775,808");
        assert_eq!(format_integer(i64::MAX, Es), "9.223.372.036.854.775.807");
    }

    #[test]
    fn decimals_keep_every_digit() {
        assert_eq!(format_decimal(123450, 2, En), "1,234.50");
        assert_eq!(visible(format_decimal(123450, 2, Fr)), "1^234,50");
        assert_eq!(format_decimal(5, 2, En), "0.05");
        assert_eq!(format_decimal(-5, 2, Ru), "-0,05");
        assert_eq!(format_decimal(0, 3, Hy), "0,000");
        assert_eq!(format_decimal(1234, 0, Es), "1234");
        assert_eq!(format_decimal(1234500, 3, Es), "1234,500");
        assert_eq!(format_decimal(12345500, 3, Es), "12.345,500");
        assert_eq!(format_decimal(7, 20, En), "0.00000000000000000007");
        assert_eq!(
            format_decimal(i64::MIN, 2, En),
            "-92,233,720,368,547,758.08"
        );
    }

    #[test]
    fn money_in_each_locale() {
        let cases = [
            (En, "€1,234.50"),
            (Fr, "1^234,50~€"),
            (Ru, "1~234,50~€"),
            (Uk, "1~234,50~€"),
            (Hy, "1~234,50~€"),
            (Es, "1234,50~€"),
        ];
        for (locale, expected) in cases {
            assert_eq!(
                visible(format_money(123450, "EUR", locale)),
                expected,
                "{locale}"
            );
        }
        assert_eq!(visible(format_money(1234550, "EUR", Es)), "12.345,50~€");
        assert_eq!(visible(format_money(123450, "RUB", Ru)), "1~234,50~₽");
        assert_eq!(visible(format_money(123450, "UAH", Uk)), "1~234,50~₴");
        assert_eq!(visible(format_money(123450, "AMD", Hy)), "1~234,50~֏");
        assert_eq!(format_money(1999, "USD", En), "$19.99");
        assert_eq!(format_money(1999, "gbp", En), "£19.99");
        assert_eq!(visible(format_money(123450, "CHF", En)), "CHF~1,234.50");
        assert_eq!(visible(format_money(123450, "CHF", Fr)), "1^234,50~CHF");
    }

    #[test]
    fn negative_and_zero_money() {
        assert_eq!(format_money(-123450, "EUR", En), "-€1,234.50");
        assert_eq!(visible(format_money(-123450, "EUR", Fr)), "-1^234,50~€");
        assert_eq!(visible(format_money(-50, "RUB", Ru)), "-0,50~₽");
        assert_eq!(visible(format_money(0, "EUR", Es)), "0,00~€");
        assert_eq!(format_money(0, "USD", En), "$0.00");
        assert_eq!(
            format_money(i64::MIN, "USD", En),
            "-$92,233,720,368,547,758.08"
        );
    }

    #[test]
    fn currency_exponents() {
        assert_eq!(visible(format_money(1234, "JPY", En)), "JPY~1,234");
        assert_eq!(visible(format_money(123456, "KRW", Ru)), "123~456~KRW");
        assert_eq!(visible(format_money(-1234, "JPY", Fr)), "-1^234~JPY");
        assert_eq!(visible(format_money(1234567, "KWD", En)), "KWD~1,234.567");
        assert_eq!(visible(format_money(1500, "TND", Es)), "1,500~TND");
        for code in ["BHD", "OMR", "JOD", "TND", "kwd"] {
            assert_eq!(currency_exponent(code), 3, "{code}");
        }
        for code in ["EUR", "USD", "AMD", "XYZ"] {
            assert_eq!(currency_exponent(code), 2, "{code}");
        }
    }

    #[test]
    fn dates_in_each_locale() {
        let d = date!(2026 - 11 - 27);
        assert_eq!(format_date(d, En), "Nov 27, 2026");
        assert_eq!(format_date(d, Fr), "27/11/2026");
        assert_eq!(format_date(d, Es), "27/11/2026");
        assert_eq!(format_date(d, Ru), "27.11.2026");
        assert_eq!(format_date(d, Uk), "27.11.2026");
        assert_eq!(format_date(d, Hy), "27.11.2026");
        let early = date!(2026 - 01 - 05);
        assert_eq!(format_date(early, En), "Jan 5, 2026");
        assert_eq!(format_date(early, Fr), "05/01/2026");
        assert_eq!(format_date(early, Ru), "05.01.2026");
        assert_eq!(format_date(date!(2024 - 05 - 31), En), "May 31, 2024");
    }

    #[test]
    fn times_in_each_locale() {
        let t = time!(14:05);
        assert_eq!(visible(format_time(t, En)), "2:05^PM");
        for locale in [Fr, Es, Ru, Uk, Hy] {
            assert_eq!(format_time(t, locale), "14:05", "{locale}");
        }
        assert_eq!(visible(format_time(time!(0:00), En)), "12:00^AM");
        assert_eq!(visible(format_time(time!(12:30), En)), "12:30^PM");
        assert_eq!(visible(format_time(time!(9:07:59), En)), "9:07^AM");
        assert_eq!(format_time(time!(9:07:59), Ru), "09:07");
    }

    #[test]
    fn datetimes_in_each_locale() {
        let dt = datetime!(2026-11-27 14:05 UTC);
        assert_eq!(visible(format_datetime(dt, En)), "Nov 27, 2026, 2:05^PM");
        assert_eq!(format_datetime(dt, Fr), "27/11/2026 14:05");
        assert_eq!(format_datetime(dt, Ru), "27.11.2026 14:05");
        assert_eq!(format_datetime(dt, Hy), "27.11.2026 14:05");
    }
}
