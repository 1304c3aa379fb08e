//! The reports as CSV (RFC 4180: comma-separated, CRLF line ends, a field quoted when it
//! holds a comma, a quote or a line break, quotes doubled), one header row of stable
//! snake_case column names. Amounts are decimal strings in the currency's units
//! (`1234.50`, `-7.00`, a dot, no grouping). Text cells that a spreadsheet would take
//! for a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) are
//! prefixed with `'`, so a product named `=HYPERLINK(…)` stays text; numbers are never
//! prefixed.

use dermis_model::i18n::currency_exponent;

use super::{Valued, by_method, by_tax_rate, rate_text};
use crate::readmodel::{ClinicianVisits, SalesDay};

/// One cell.
enum Cell<'a> {
    Text(&'a str),
    Num(String),
}

fn push_row(out: &mut String, cells: &[Cell<'_>]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match cell {
            Cell::Num(n) => out.push_str(n),
            Cell::Text(t) => push_text(out, t),
        }
    }
    out.push_str("\r\n");
}

fn push_text(out: &mut String, text: &str) {
    let guarded = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quoted = guarded || text.contains([',', '"', '\n', '\r']);
    if quoted {
        out.push('"');
    }
    if guarded {
        out.push('\'');
    }
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quoted {
        out.push('"');
    }
}

fn header(out: &mut String, names: &[&str]) {
    let cells: Vec<Cell<'_>> = names.iter().map(|n| Cell::Text(n)).collect();
    push_row(out, &cells);
}

/// Minor units as a decimal string in the currency's units.
pub fn amount(minor: i64, currency: &str) -> String {
    let exponent = u32::from(currency_exponent(currency));
    if exponent == 0 {
        return minor.to_string();
    }
    let scale = 10_u64.pow(exponent);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = exponent as usize
    )
}

fn int(n: impl ToString) -> Cell<'static> {
    Cell::Num(n.to_string())
}

/// The accountant's file: one row per UTC day and currency with the day's counts and
/// amounts, the net takings by payment method (`cash`, `card`, `other`), then for every
/// tax rate seen in the period (highest first) the net taxable amount and the tax
/// (`taxable_20.00`, `tax_20.00`). Days without sales have no row.
pub fn sales(days: &[SalesDay]) -> String {
    let mut rates: Vec<u32> = by_tax_rate(days).iter().map(|r| r.1).collect();
    rates.sort_unstable_by(|a, b| b.cmp(a));
    rates.dedup();
    let mut names: Vec<String> = [
        "date", "currency", "sales", "refunds", "voids", "gross", "refunded", "voided", "net",
        "tax", "cash", "card", "other",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for rate in &rates {
        names.push(format!("taxable_{}", rate_text(*rate)));
        names.push(format!("tax_{}", rate_text(*rate)));
    }
    let mut out = String::new();
    header(
        &mut out,
        &names.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    for day in days {
        let c = day.currency.as_str();
        let method = |m: &str| {
            day.by_method
                .iter()
                .filter(|(name, _)| name == m)
                .map(|(_, v)| *v)
                .sum::<i64>()
        };
        let mut cells = vec![
            Cell::Text(&day.day),
            Cell::Text(c),
            int(day.sales),
            int(day.refunds),
            int(day.voids),
            Cell::Num(amount(day.gross_minor, c)),
            Cell::Num(amount(day.refunds_minor, c)),
            Cell::Num(amount(day.voids_minor, c)),
            Cell::Num(amount(day.net_minor, c)),
            Cell::Num(amount(day.tax_minor, c)),
            Cell::Num(amount(method("cash"), c)),
            Cell::Num(amount(method("card"), c)),
            Cell::Num(amount(method("other"), c)),
        ];
        for rate in &rates {
            let (taxable, tax) = day
                .by_tax_rate
                .iter()
                .filter(|(bps, _, _)| bps == rate)
                .fold((0, 0), |(a, b), (_, t, x)| (a + t, b + x));
            cells.push(Cell::Num(amount(taxable, c)));
            cells.push(Cell::Num(amount(tax, c)));
        }
        push_row(&mut out, &cells);
    }
    out
}

/// Net takings per currency and payment method over the period.
pub fn methods(days: &[SalesDay]) -> String {
    let mut out = String::new();
    header(&mut out, &["currency", "method", "net"]);
    for (currency, method, net) in by_method(days) {
        push_row(
            &mut out,
            &[
                Cell::Text(&currency),
                Cell::Text(&method),
                Cell::Num(amount(net, &currency)),
            ],
        );
    }
    out
}

/// Net taxable amount and tax per currency and rate over the period.
pub fn tax_rates(days: &[SalesDay]) -> String {
    let mut out = String::new();
    header(&mut out, &["currency", "rate_percent", "taxable", "tax"]);
    for (currency, bps, taxable, tax) in by_tax_rate(days) {
        push_row(
            &mut out,
            &[
                Cell::Text(&currency),
                Cell::Num(rate_text(bps)),
                Cell::Num(amount(taxable, &currency)),
                Cell::Num(amount(tax, &currency)),
            ],
        );
    }
    out
}

/// Stock on hand valued at current prices; `value` is empty for stock below zero or
/// without a price, and `below_zero` says which.
pub fn stock(rows: &[Valued]) -> String {
    let mut out = String::new();
    header(
        &mut out,
        &[
            "sku",
            "name",
            "on_hand",
            "unit_price",
            "currency",
            "value",
            "below_zero",
        ],
    );
    for row in rows {
        let s = &row.stock;
        let currency = s.currency.as_deref().unwrap_or("");
        push_row(
            &mut out,
            &[
                Cell::Text(&s.sku),
                Cell::Text(s.name.as_deref().unwrap_or("")),
                int(s.on_hand),
                Cell::Num(
                    s.price_minor
                        .map_or_else(String::new, |p| amount(p, currency)),
                ),
                Cell::Text(currency),
                Cell::Num(
                    row.value_minor
                        .map_or_else(String::new, |v| amount(v, currency)),
                ),
                Cell::Num((s.on_hand < 0).to_string()),
            ],
        );
    }
    out
}

/// Visits per clinician over the period.
pub fn visits(rows: &[ClinicianVisits]) -> String {
    let mut out = String::new();
    header(&mut out, &["clinician", "clinician_id", "visits", "signed"]);
    for row in rows {
        let id = row
            .clinician_id
            .map(|id| id.to_string())
            .unwrap_or_default();
        push_row(
            &mut out,
            &[
                Cell::Text(&row.clinician),
                Cell::Text(&id),
                int(row.visits),
                int(row.signed),
            ],
        );
    }
    out
}

/// New patients per UTC day.
pub fn new_patients(rows: &[(String, u64)]) -> String {
    let mut out = String::new();
    header(&mut out, &["date", "new_patients"]);
    for (day, count) in rows {
        push_row(&mut out, &[Cell::Text(day), int(*count)]);
    }
    out
}

/// A file name for a section's download: `dermis-sales-2026-12-01-2026-12-31.csv`.
pub fn file_name(section: &str, from: &str, to: &str) -> String {
    format!("dermis-{section}-{from}-{to}.csv")
}
