//! Everything language-dependent in the node: which UI languages exist ([`Locale`])
//! and numbers, money, dates and times written the way each language writes them
//! ([`format_money`] and friends).

mod format;
mod locale;

pub use format::{
    currency_exponent, currency_symbol, format_date, format_datetime, format_decimal,
    format_integer, format_money, format_time,
};
pub use locale::{Locale, ParseLocaleError};
