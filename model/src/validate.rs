//! Field validation. Every error names its field, carries a stable code that the UI
//! translates (`error-<code>` in `locales/`), and a plain English message for logs, the
//! CLI in English and API clients. All errors of a form are returned together.

use std::fmt;

use serde::Serialize;

macro_rules! error_codes {
    ($($variant:ident => $code:literal),* $(,)?) => {
        /// Stable validation error codes. Never rename one: translations and API clients
        /// depend on them.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
        pub enum ErrorCode { $($variant),* }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            pub fn as_str(&self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),* }
            }
        }
    };
}

error_codes! {
    Required => "required",
    TooLong => "too_long",
    InvalidChars => "invalid_chars",
    InvalidDate => "invalid_date",
    DateInFuture => "date_in_future",
    DateTooOld => "date_too_old",
    InvalidEmail => "invalid_email",
    InvalidPhone => "invalid_phone",
    InvalidSex => "invalid_sex",
    InvalidAmount => "invalid_amount",
    InvalidCurrency => "invalid_currency",
    CurrencyMismatch => "currency_mismatch",
    NegativeAmount => "negative_amount",
    InvalidSku => "invalid_sku",
    DuplicateSku => "duplicate_sku",
    UnknownSku => "unknown_sku",
    InactiveProduct => "inactive_product",
    InvalidQuantity => "invalid_quantity",
    InvalidIcd10 => "invalid_icd10",
    UnknownPatient => "unknown_patient",
    UnknownEncounter => "unknown_encounter",
    EncounterSigned => "encounter_signed",
    InsufficientPayment => "insufficient_payment",
    ChangeWithoutCash => "change_without_cash",
    InvalidPaymentMethod => "invalid_payment_method",
    InvalidBodyPart => "invalid_body_part",
    InvalidRole => "invalid_role",
    InvalidLocale => "invalid_locale",
    InvalidTaxRate => "invalid_tax_rate",
    InvalidBarcode => "invalid_barcode",
    InvalidTimeRange => "invalid_time_range",
    InvalidStatus => "invalid_status",
    InvalidId => "invalid_id",
    InvalidUsername => "invalid_username",
    WeakPassword => "weak_password",
    DuplicateUsername => "duplicate_username",
    DiscountTooLarge => "discount_too_large",
    EmptyCart => "empty_cart",
    InvalidMime => "invalid_mime",
    FileTooLarge => "file_too_large",
    UnknownProduct => "unknown_product",
    UnknownSale => "unknown_sale",
    AlreadyVoided => "already_voided",
    RefundExceedsSale => "refund_exceeds_sale",
    PermissionDenied => "permission_denied",
    AllergiesListed => "allergies_listed",
    AllergyConflict => "allergy_conflict",
    InvalidTransition => "invalid_transition",
    AlreadyMerged => "already_merged",
    ShiftOpen => "shift_open",
    NoOpenShift => "no_open_shift",
    ChainBroken => "chain_broken",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One invalid field. `field` is the form's field name (`birth_date`, `items[2].qty`);
/// `params` carries the numbers the message needs (`max`, `min`) for translation.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<(String, i64)>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            code,
            message: message.into(),
            params: Vec::new(),
        }
    }

    pub fn with_param(mut self, name: &str, value: i64) -> Self {
        self.params.push((name.to_owned(), value));
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// All the field errors of one form or command; never empty when returned as an error.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, thiserror::Error)]
#[serde(transparent)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&parts.join("; "))
    }
}

impl ValidationErrors {
    pub fn single(field: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        ValidationErrors(vec![FieldError::new(field, code, message)])
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    pub fn add(&mut self, field: impl Into<String>, code: ErrorCode, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn for_field(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }

    /// `Ok(value)` when nothing was collected, else these errors.
    pub fn into_result<T>(self, value: T) -> Result<T, ValidationErrors> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

/// Trims a text field and checks it: required or optional, a length limit in characters,
/// and no control characters except new lines where `multiline`.
pub fn text_field(
    errors: &mut ValidationErrors,
    field: &str,
    input: &str,
    required: bool,
    max_chars: usize,
    multiline: bool,
) -> Option<String> {
    let value = if multiline {
        input.trim_end()
    } else {
        input.trim()
    };
    if value.is_empty() {
        if required {
            errors.add(field, ErrorCode::Required, format!("{field} is required"));
        }
        return None;
    }
    let count = value.chars().count();
    if count > max_chars {
        errors.push(
            FieldError::new(
                field,
                ErrorCode::TooLong,
                format!("{field} is too long ({count} characters, at most {max_chars})"),
            )
            .with_param("max", max_chars as i64),
        );
        return None;
    }
    let bad_char = |c: char| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'));
    if value.chars().any(bad_char) {
        errors.add(
            field,
            ErrorCode::InvalidChars,
            format!("{field} contains control characters"),
        );
        return None;
    }
    Some(value.to_owned())
}

/// Parses an ISO date (`YYYY-MM-DD`).
pub fn date_field(errors: &mut ValidationErrors, field: &str, input: &str) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(input.trim(), format) {
        Ok(date) => Some(date),
        Err(_) => {
            errors.add(
                field,
                ErrorCode::InvalidDate,
                format!(
                    "{field} must be a date written YYYY-MM-DD, got {:?}",
                    input.trim()
                ),
            );
            None
        }
    }
}

pub fn format_date(date: time::Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    date.format(format).unwrap_or_default()
}

/// The first millisecond of a UTC day, as unix milliseconds.
pub fn day_start_millis(date: time::Date) -> crate::Millis {
    date.midnight()
        .assume_utc()
        .unix_timestamp()
        .saturating_mul(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "duplicate code {code}");
            assert!(
                code.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            );
        }
    }

    #[test]
    fn text_fields_are_trimmed_and_bounded() {
        let mut errors = ValidationErrors::default();
        assert_eq!(
            text_field(&mut errors, "name", "  Anna ", true, 10, false),
            Some("Anna".into())
        );
        assert_eq!(text_field(&mut errors, "a", "   ", true, 10, false), None);
        assert_eq!(
            text_field(&mut errors, "b", "x".repeat(11).as_str(), true, 10, false),
            None
        );
        assert_eq!(
            text_field(&mut errors, "c", "bell\u{7}", false, 10, false),
            None
        );
        assert_eq!(text_field(&mut errors, "d", "", false, 10, false), None);
        let codes: Vec<_> = errors
            .0
            .iter()
            .map(|e| (e.field.as_str(), e.code))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("a", ErrorCode::Required),
                ("b", ErrorCode::TooLong),
                ("c", ErrorCode::InvalidChars)
            ]
        );
        assert_eq!(
            errors.for_field("b").map(|e| e.params.clone()),
            Some(vec![("max".into(), 10)])
        );
    }

    #[test]
    fn dates_must_be_iso() {
        let mut errors = ValidationErrors::default();
        assert!(date_field(&mut errors, "birth_date", "1980-02-29").is_some());
        assert!(date_field(&mut errors, "birth_date", "1981-02-29").is_none());
        assert!(date_field(&mut errors, "birth_date", "29.02.1980").is_none());
        assert_eq!(errors.0.len(), 2);
    }
}

/// Serialises a `time::Date` as `YYYY-MM-DD`.
pub mod serde_date {
    pub fn serialize<S: serde::Serializer>(date: &time::Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_date(*date))
    }

    /// The same for optional dates.
    pub mod option {
        pub fn serialize<S: serde::Serializer>(
            date: &Option<time::Date>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match date {
                Some(d) => s.serialize_str(&super::super::format_date(*d)),
                None => s.serialize_none(),
            }
        }
    }
}

/// Parses a stored `YYYY-MM-DD` date (documents keep dates as text).
pub fn parse_stored_date(s: &str) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, format).ok()
}
