//! The clinic reports (`/admin/reports` and `GET /api/v1/reports/sales.csv`): the period
//! a report covers, the figures read from the read models ([`crate::readmodel`]) and the
//! sums over them, and their CSV ([`csv`]). Rendering as HTML is the admin pages' job;
//! this module knows no HTML and no HTTP.
//!
//! Days are UTC days: the read models group sales and visits by UTC date, and so does
//! every figure here (a clinic's own time zone is not kept yet).

pub mod csv;

use std::collections::BTreeMap;

use dermis_model::validate::{day_start_millis, format_date, parse_stored_date};
use dermis_model::{ClinicId, Millis};
use time::{Date, Duration};

use crate::readmodel::records::StockRecord;
use crate::readmodel::{ClinicianVisits, ReadModel, SalesDay};
use crate::store::StoreError;

/// The longest period one report covers: a year and a day (a leap year's whole year).
pub const MAX_DAYS: i64 = 366;

/// A period of whole UTC days, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

/// Why a period was refused, naming the field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("{field}: expected a date as YYYY-MM-DD")]
    NotADate { field: &'static str },
    #[error("to: the period ends before it starts")]
    Reversed,
    #[error("to: a report covers at most {MAX_DAYS} days")]
    TooLong,
    #[error("preset: unknown preset")]
    UnknownPreset,
}

impl PeriodError {
    /// The request field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            PeriodError::NotADate { field } => field,
            PeriodError::Reversed | PeriodError::TooLong => "to",
            PeriodError::UnknownPreset => "preset",
        }
    }
}

/// The presets the admin page offers, by name.
pub const PRESETS: [&str; 4] = ["today", "this-week", "this-month", "last-month"];

fn parse_day(text: &str, field: &'static str) -> Result<Date, PeriodError> {
    parse_stored_date(text.trim()).ok_or(PeriodError::NotADate { field })
}

fn given(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

fn first_of_month(day: Date) -> Date {
    day.replace_day(1).unwrap_or(day)
}

impl Period {
    /// From `from` and `to` (`YYYY-MM-DD`, blank = not given): a missing `from` is the
    /// first of `to`'s month, a missing `to` is `today` (or `from`, if that is later).
    pub fn parse(from: Option<&str>, to: Option<&str>, today: Date) -> Result<Period, PeriodError> {
        let to_day = given(to).map(|t| parse_day(t, "to")).transpose()?;
        let from_day = given(from).map(|f| parse_day(f, "from")).transpose()?;
        let (from, to) = match (from_day, to_day) {
            (Some(f), Some(t)) => (f, t),
            (Some(f), None) => (f, today.max(f)),
            (None, Some(t)) => (first_of_month(t), t),
            (None, None) => (first_of_month(today), today),
        };
        Period::new(from, to)
    }

    pub fn new(from: Date, to: Date) -> Result<Period, PeriodError> {
        if to < from {
            return Err(PeriodError::Reversed);
        }
        if (to - from).whole_days() + 1 > MAX_DAYS {
            return Err(PeriodError::TooLong);
        }
        Ok(Period { from, to })
    }

    /// A named period around `today`: `today`, `this-week` (from Monday), `this-month`,
    /// `last-month`.
    pub fn preset(name: &str, today: Date) -> Result<Period, PeriodError> {
        let (from, to) = match name {
            "today" => (today, today),
            "this-week" => (
                today - Duration::days(i64::from(today.weekday().number_days_from_monday())),
                today,
            ),
            "this-month" => (first_of_month(today), today),
            "last-month" => {
                let last = first_of_month(today) - Duration::days(1);
                (first_of_month(last), last)
            }
            _ => return Err(PeriodError::UnknownPreset),
        };
        Period::new(from, to)
    }

    /// `[start of from, start of the day after to)` in unix milliseconds.
    pub fn millis(&self) -> (Millis, Millis) {
        (
            day_start_millis(self.from),
            day_start_millis(self.to + Duration::days(1)),
        )
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).whole_days() + 1
    }

    /// `YYYY-MM-DD` of both ends.
    pub fn iso(&self) -> (String, String) {
        (format_date(self.from), format_date(self.to))
    }
}

/// Today's UTC date.
pub fn today_utc() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// Everything one clinic's report shows for a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub period: Period,
    pub sales: Vec<SalesDay>,
    pub stock: Vec<StockRecord>,
    pub visits: Vec<ClinicianVisits>,
    pub new_patients: Vec<(String, u64)>,
}

impl Report {
    pub async fn load<S: ReadModel + Sync>(
        store: &S,
        clinic: ClinicId,
        period: Period,
    ) -> Result<Report, StoreError> {
        let (from, to) = period.millis();
        Ok(Report {
            period,
            sales: store.sales_by_day(clinic, from, to).await?,
            stock: store.stock(clinic).await?,
            visits: store.visits_by_clinician(clinic, from, to).await?,
            new_patients: store.new_patients_by_day(clinic, from, to).await?,
        })
    }
}

/// A period's sales in one currency.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SalesTotal {
    pub currency: String,
    pub sales: u64,
    pub refunds: u64,
    pub voids: u64,
    pub gross_minor: i64,
    pub refunds_minor: i64,
    pub voids_minor: i64,
    pub net_minor: i64,
    pub tax_minor: i64,
}

/// The period's totals, one per currency (by code).
pub fn sales_totals(days: &[SalesDay]) -> Vec<SalesTotal> {
    let mut by: BTreeMap<&str, SalesTotal> = BTreeMap::new();
    for day in days {
        let t = by.entry(&day.currency).or_insert_with(|| SalesTotal {
            currency: day.currency.clone(),
            ..SalesTotal::default()
        });
        t.sales += day.sales;
        t.refunds += day.refunds;
        t.voids += day.voids;
        t.gross_minor += day.gross_minor;
        t.refunds_minor += day.refunds_minor;
        t.voids_minor += day.voids_minor;
        t.net_minor += day.net_minor;
        t.tax_minor += day.tax_minor;
    }
    by.into_values().collect()
}

/// Net takings per (currency, payment method) over the period, in the model's method
/// order (cash, card, other), then any other method by name.
pub fn by_method(days: &[SalesDay]) -> Vec<(String, String, i64)> {
    let mut by: BTreeMap<(String, (usize, String)), i64> = BTreeMap::new();
    for day in days {
        for (method, amount) in &day.by_method {
            let rank = dermis_model::ledger::PaymentMethod::ALL
                .iter()
                .position(|m| m.as_str() == method)
                .unwrap_or(usize::MAX);
            *by.entry((day.currency.clone(), (rank, method.clone())))
                .or_default() += amount;
        }
    }
    by.into_iter()
        .map(|((currency, (_, method)), amount)| (currency, method, amount))
        .collect()
}

/// Net taxable amount and tax per (currency, rate in basis points) over the period,
/// highest rate first.
pub fn by_tax_rate(days: &[SalesDay]) -> Vec<(String, u32, i64, i64)> {
    let mut by: BTreeMap<(String, std::cmp::Reverse<u32>), (i64, i64)> = BTreeMap::new();
    for day in days {
        for (bps, taxable, tax) in &day.by_tax_rate {
            let entry = by
                .entry((day.currency.clone(), std::cmp::Reverse(*bps)))
                .or_default();
            entry.0 += taxable;
            entry.1 += tax;
        }
    }
    by.into_iter()
        .map(|((currency, rate), (taxable, tax))| (currency, rate.0, taxable, tax))
        .collect()
}

/// One SKU valued at its current price.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Valued {
    pub stock: StockRecord,
    /// On hand × unit price; `None` without a known price, and for stock below zero
    /// (flagged, never counted as value).
    pub value_minor: Option<i64>,
}

/// Stock valued at current retail prices (the model keeps no cost price): each SKU,
/// and the total per currency of the SKUs with stock on hand and a price.
pub fn stock_valuation(stock: &[StockRecord]) -> (Vec<Valued>, Vec<(String, i64)>) {
    let mut totals: BTreeMap<String, i64> = BTreeMap::new();
    let rows = stock
        .iter()
        .map(|s| {
            let value_minor = match (s.price_minor, &s.currency) {
                (Some(price), Some(currency)) if s.on_hand >= 0 => {
                    let value = s.on_hand.saturating_mul(price);
                    let total = totals.entry(currency.clone()).or_default();
                    *total = total.saturating_add(value);
                    Some(value)
                }
                _ => None,
            };
            Valued {
                stock: s.clone(),
                value_minor,
            }
        })
        .collect();
    (rows, totals.into_iter().collect())
}

/// A rate in basis points as a percentage with two decimals: 2000 → `20.00`, 550 →
/// `5.50` (a dot, for files; pages format it for the locale).
pub fn rate_text(bps: u32) -> String {
    format!("{}.{:02}", bps / 100, bps % 100)
}

#[cfg(test)]
mod tests;
