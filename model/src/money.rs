//! Money as integer minor units plus an ISO 4217 code. Never a float: amounts are parsed
//! from decimal text digit by digit and computed with checked integer arithmetic.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An ISO 4217 currency code: three ASCII upper-case letters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("{input:?} is not a currency code (three letters, like EUR)")]
    BadCurrency { input: String },
    #[error("{input:?} is not an amount (digits with at most {exponent} decimals, like 12.50)")]
    BadAmount { input: String, exponent: u8 },
    #[error("amount is too large")]
    Overflow,
    #[error("cannot combine {left} with {right}")]
    CurrencyMismatch { left: Currency, right: Currency },
}

impl Currency {
    pub const EUR: Currency = Currency(*b"EUR");
    pub const USD: Currency = Currency(*b"USD");
    pub const AMD: Currency = Currency(*b"AMD");

    pub fn parse(s: &str) -> Result<Self, MoneyError> {
        let upper = s.trim().to_ascii_uppercase();
        let bytes = upper.as_bytes();
        if bytes.len() == 3 && bytes.iter().all(u8::is_ascii_uppercase) {
            Ok(Currency([bytes[0], bytes[1], bytes[2]]))
        } else {
            Err(MoneyError::BadCurrency {
                input: s.to_owned(),
            })
        }
    }

    pub fn code(&self) -> &str {
        // Only ASCII upper-case letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Decimal places of the minor unit (ISO 4217).
    pub fn exponent(&self) -> u8 {
        match self.code() {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF"
            | "UGX" | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            _ => 2,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, MoneyError> {
        Currency::parse(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// An amount of money in minor units (cents).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Money { minor: 0, currency }
    }

    /// Parses decimal text such as `12.50`, `12,5`, `-3` or `1 234.00` in the currency's
    /// minor units. More decimals than the currency has is an error, never a rounding.
    pub fn parse(input: &str, currency: Currency) -> Result<Self, MoneyError> {
        parse_minor(input, currency.exponent()).map(|minor| Money { minor, currency })
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }

    /// Plain decimal text (`12.50`), locale-neutral: for JSON, CSV and logs of amounts.
    pub fn to_decimal_string(&self) -> String {
        format_minor(self.minor, self.currency.exponent())
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal_string(), self.currency)
    }
}

/// Parses decimal text into minor units with `exponent` decimals.
pub fn parse_minor(input: &str, exponent: u8) -> Result<i64, MoneyError> {
    let bad = || MoneyError::BadAmount {
        input: input.to_owned(),
        exponent,
    };
    let cleaned: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_'))
        .collect();
    let (negative, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    let (whole, frac) = match digits.find(['.', ',']) {
        Some(pos) => (&digits[..pos], &digits[pos + 1..]),
        None => (digits, ""),
    };
    let whole_ok = !whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit());
    let frac_ok = frac.bytes().all(|b| b.is_ascii_digit())
        && frac.len() <= exponent as usize
        && !(digits.contains(['.', ',']) && frac.is_empty());
    if !whole_ok || !frac_ok {
        return Err(bad());
    }
    let scale = 10i64
        .checked_pow(u32::from(exponent))
        .ok_or(MoneyError::Overflow)?;
    let whole: i64 = whole.parse().map_err(|_| MoneyError::Overflow)?;
    let mut frac_value: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| bad())?
    };
    for _ in frac.len()..exponent as usize {
        frac_value *= 10;
    }
    let minor = whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac_value))
        .ok_or(MoneyError::Overflow)?;
    Ok(if negative { -minor } else { minor })
}

/// Formats minor units as plain decimal text with `exponent` decimals.
pub fn format_minor(minor: i64, exponent: u8) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    if exponent == 0 {
        return format!("{sign}{abs}");
    }
    let scale = 10u64.pow(u32::from(exponent));
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = exponent as usize
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_amount_spellings() {
        let eur = Currency::EUR;
        assert_eq!(Money::parse("12.50", eur).map(|m| m.minor), Ok(1250));
        assert_eq!(Money::parse("12,5", eur).map(|m| m.minor), Ok(1250));
        assert_eq!(Money::parse("12", eur).map(|m| m.minor), Ok(1200));
        assert_eq!(Money::parse("-0.05", eur).map(|m| m.minor), Ok(-5));
        assert_eq!(Money::parse("1 234.00", eur).map(|m| m.minor), Ok(123_400));
        let jpy = Currency::parse("jpy").expect("JPY");
        assert_eq!(Money::parse("500", jpy).map(|m| m.minor), Ok(500));
        let kwd = Currency::parse("KWD").expect("KWD");
        assert_eq!(Money::parse("1.234", kwd).map(|m| m.minor), Ok(1234));
    }

    #[test]
    fn refuses_what_would_need_rounding_or_guessing() {
        let eur = Currency::EUR;
        for bad in [
            "12.505", "", "abc", "1.2.3", "12.", ".5", "1e3", "--1", "١٢",
        ] {
            assert!(Money::parse(bad, eur).is_err(), "{bad:?} must be refused");
        }
        let jpy = Currency::parse("JPY").expect("JPY");
        assert!(Money::parse("5.5", jpy).is_err());
        assert_eq!(
            Money::parse("99999999999999999999", eur),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn formats_back_to_the_same_text() {
        assert_eq!(format_minor(1250, 2), "12.50");
        assert_eq!(format_minor(-5, 2), "-0.05");
        assert_eq!(format_minor(500, 0), "500");
        assert_eq!(format_minor(1234, 3), "1.234");
        assert_eq!(format_minor(i64::MIN, 2), "-92233720368547758.08");
    }

    #[test]
    fn currencies_do_not_mix() {
        let a = Money::new(100, Currency::EUR);
        let b = Money::new(100, Currency::USD);
        assert!(matches!(
            a.checked_add(b),
            Err(MoneyError::CurrencyMismatch { .. })
        ));
        assert_eq!(a.checked_add(a).map(|m| m.minor), Ok(200));
    }

    #[test]
    fn currency_codes_are_three_letters() {
        assert!(Currency::parse("EURO").is_err());
        assert!(Currency::parse("E1R").is_err());
        assert_eq!(
            Currency::parse(" eur ").map(|c| c.to_string()),
            Ok("EUR".into())
        );
    }
}
