//! The report's sections as HTML: per section a heading with its CSV link, a bar chart
//! ([`super::super::chart`]) and a table with headers, right-aligned localised figures
//! and totals. Pure: the page handler ([`super`]) loads the figures.

use std::fmt::Write;

use dermis_model::ClinicId;
use dermis_model::i18n::{format_date, format_decimal, format_integer, format_money};
use dermis_model::validate::parse_stored_date;

use super::super::chart::{Bar, bars};
use super::super::html::{Ui, esc};
use crate::readmodel::ClinicianVisits;
use crate::reports::{Period, Report, by_method, by_tax_rate, sales_totals, stock_valuation};

/// Bars a stock chart shows: the most valuable products.
const STOCK_BARS: usize = 12;

/// A stored day in the locale's way, escaped.
fn day_label(ui: &Ui, iso: &str) -> String {
    esc(&day_label_plain(ui, iso))
}

fn money(ui: &Ui, minor: i64, currency: &str) -> String {
    esc(&format_money(minor, currency, ui.locale))
}

fn count(ui: &Ui, n: impl TryInto<i64>) -> String {
    esc(&format_integer(n.try_into().unwrap_or(i64::MAX), ui.locale))
}

fn rate(ui: &Ui, bps: u32) -> String {
    esc(&format!(
        "{}\u{a0}%",
        format_decimal(i64::from(bps), 2, ui.locale)
    ))
}

fn method_name(ui: &Ui, method: &str) -> String {
    let id = format!("admin-reports-method-{method}");
    if ui.has(&id) { ui.t(&id) } else { esc(method) }
}

/// A section's heading with its download link.
fn heading(ui: &Ui, title_id: &str, file: &str, clinic: ClinicId, period: &Period) -> String {
    let (from, to) = period.iso();
    format!(
        "<h2 id=\"{file}\">{} <a class=\"csv\" href=\"/admin/reports/{file}.csv?clinic={clinic}&amp;from={from}&amp;to={to}\" download>{}</a></h2>\n",
        ui.t(title_id),
        ui.t("admin-reports-csv"),
        clinic = clinic.0,
    )
}

fn table_head(ui: &Ui, class: &str, columns: &[(&str, bool)]) -> String {
    let mut out = format!("<table class=\"report {class}\">\n<thead><tr>");
    for (id, numeric) in columns {
        let class = if *numeric { " class=\"num\"" } else { "" };
        let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", ui.t(id));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    out
}

fn num(value: &str) -> String {
    format!("<td class=\"num\">{value}</td>")
}

fn empty(ui: &Ui) -> String {
    format!("<p class=\"empty\">{}</p>\n", ui.t("admin-reports-empty"))
}

/// The whole report under the form.
pub fn render(ui: &Ui, clinic: ClinicId, report: &Report) -> String {
    let period = &report.period;
    let (from, to) = period.iso();
    let mut out = format!(
        "<p class=\"summary\">{}</p>\n",
        ui.ta(
            "admin-reports-period",
            &[
                ("from", day_label_plain(ui, &from).into()),
                ("to", day_label_plain(ui, &to).into()),
                ("count", period.days().into()),
            ]
        )
    );
    out.push_str(&heading(ui, "admin-reports-sales", "sales", clinic, period));
    out.push_str(&sales_section(ui, report));
    out.push_str(&heading(
        ui,
        "admin-reports-methods",
        "methods",
        clinic,
        period,
    ));
    out.push_str(&methods_section(ui, report));
    out.push_str(&heading(ui, "admin-reports-tax", "tax", clinic, period));
    out.push_str(&tax_section(ui, report));
    out.push_str(&heading(ui, "admin-reports-stock", "stock", clinic, period));
    out.push_str(&stock_section(ui, report));
    out.push_str(&heading(
        ui,
        "admin-reports-visits",
        "visits",
        clinic,
        period,
    ));
    out.push_str(&visits_section(ui, report));
    out.push_str(&heading(
        ui,
        "admin-reports-patients",
        "patients",
        clinic,
        period,
    ));
    out.push_str(&patients_section(ui, report));
    out
}

/// A day in the locale's way, not escaped (a Fluent argument; the message is escaped).
fn day_label_plain(ui: &Ui, iso: &str) -> String {
    parse_stored_date(iso).map_or_else(|| iso.to_owned(), |d| format_date(d, ui.locale))
}

fn sales_section(ui: &Ui, report: &Report) -> String {
    if report.sales.is_empty() {
        return empty(ui);
    }
    let mut out = String::new();
    for total in sales_totals(&report.sales) {
        let c = total.currency.as_str();
        let days: Vec<_> = report.sales.iter().filter(|d| d.currency == c).collect();
        let chart: Vec<Bar> = days
            .iter()
            .map(|d| Bar {
                label: day_label_plain(ui, &d.day),
                value: d.net_minor,
                shown: format_money(d.net_minor, c, ui.locale),
            })
            .collect();
        out.push_str(&bars(
            &format!("{} ({c})", ui.plain("admin-reports-chart-net")),
            &chart,
        ));
        out.push_str(&table_head(
            ui,
            "sales",
            &[
                ("admin-reports-col-date", false),
                ("admin-reports-col-sales", true),
                ("admin-reports-col-refunds", true),
                ("admin-reports-col-voids", true),
                ("admin-reports-col-gross", true),
                ("admin-reports-col-refunded", true),
                ("admin-reports-col-voided", true),
                ("admin-reports-col-net", true),
                ("admin-reports-col-tax", true),
            ],
        ));
        let row = |label: String, counts: [u64; 3], amounts: [i64; 5]| -> String {
            let mut row = format!("<td>{label}</td>");
            for n in counts {
                row.push_str(&num(&count(ui, n)));
            }
            for m in amounts {
                row.push_str(&num(&money(ui, m, c)));
            }
            row
        };
        for d in &days {
            let _ = writeln!(
                out,
                "<tr>{}</tr>",
                row(
                    day_label(ui, &d.day),
                    [d.sales, d.refunds, d.voids],
                    [
                        d.gross_minor,
                        d.refunds_minor,
                        d.voids_minor,
                        d.net_minor,
                        d.tax_minor
                    ]
                )
            );
        }
        let _ = writeln!(
            out,
            "</tbody>\n<tfoot><tr class=\"total\">{}</tr></tfoot>\n</table>",
            row(
                ui.t("admin-reports-total"),
                [total.sales, total.refunds, total.voids],
                [
                    total.gross_minor,
                    total.refunds_minor,
                    total.voids_minor,
                    total.net_minor,
                    total.tax_minor
                ]
            )
        );
    }
    out
}

fn methods_section(ui: &Ui, report: &Report) -> String {
    let methods = by_method(&report.sales);
    if methods.is_empty() {
        return empty(ui);
    }
    let chart: Vec<Bar> = methods
        .iter()
        .map(|(c, m, v)| Bar {
            label: format!("{} ({c})", ui.plain(&format!("admin-reports-method-{m}"))),
            value: *v,
            shown: format_money(*v, c, ui.locale),
        })
        .collect();
    let mut out = bars(&ui.plain("admin-reports-chart-methods"), &chart);
    out.push_str(&table_head(
        ui,
        "methods",
        &[
            ("admin-reports-col-method", false),
            ("admin-reports-col-currency", false),
            ("admin-reports-col-net", true),
        ],
    ));
    for (currency, method, net) in &methods {
        let _ = writeln!(
            out,
            "<tr data-method=\"{}\"><td>{}</td><td>{}</td>{}</tr>",
            esc(method),
            method_name(ui, method),
            esc(currency),
            num(&money(ui, *net, currency))
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn tax_section(ui: &Ui, report: &Report) -> String {
    let rates = by_tax_rate(&report.sales);
    if rates.is_empty() {
        return empty(ui);
    }
    let mut out = table_head(
        ui,
        "tax",
        &[
            ("admin-reports-col-rate", true),
            ("admin-reports-col-currency", false),
            ("admin-reports-col-taxable", true),
            ("admin-reports-col-tax", true),
        ],
    );
    for (currency, bps, taxable, tax) in &rates {
        let _ = writeln!(
            out,
            "<tr data-rate=\"{bps}\">{}<td>{}</td>{}{}</tr>",
            num(&rate(ui, *bps)),
            esc(currency),
            num(&money(ui, *taxable, currency)),
            num(&money(ui, *tax, currency))
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn stock_section(ui: &Ui, report: &Report) -> String {
    if report.stock.is_empty() {
        return empty(ui);
    }
    let (rows, totals) = stock_valuation(&report.stock);
    let mut ranked: Vec<_> = rows.iter().filter(|r| r.value_minor.is_some()).collect();
    ranked.sort_by_key(|r| std::cmp::Reverse(r.value_minor));
    let chart: Vec<Bar> = ranked
        .iter()
        .take(STOCK_BARS)
        .map(|r| {
            let value = r.value_minor.unwrap_or(0);
            Bar {
                label: r.stock.name.clone().unwrap_or_else(|| r.stock.sku.clone()),
                value,
                shown: format_money(value, r.stock.currency.as_deref().unwrap_or(""), ui.locale),
            }
        })
        .collect();
    let mut out = format!(
        "<p class=\"intro\">{}</p>\n{}",
        ui.t("admin-reports-stock-note"),
        bars(&ui.plain("admin-reports-chart-stock"), &chart)
    );
    out.push_str(&table_head(
        ui,
        "stock",
        &[
            ("admin-reports-col-sku", false),
            ("admin-reports-col-product", false),
            ("admin-reports-col-on-hand", true),
            ("admin-reports-col-unit-price", true),
            ("admin-reports-col-value", true),
        ],
    ));
    for row in &rows {
        let s = &row.stock;
        let currency = s.currency.as_deref().unwrap_or("");
        let price = s.price_minor.map_or_else(
            || ui.t("admin-reports-no-price"),
            |p| money(ui, p, currency),
        );
        let value = match row.value_minor {
            Some(v) => money(ui, v, currency),
            None if s.on_hand < 0 => format!(
                "<span class=\"signal bad\">{}</span>",
                ui.t("admin-reports-below-zero")
            ),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "<tr data-sku=\"{sku}\"><td><code>{sku}</code></td><td>{}</td>{}{}{}</tr>",
            esc(s.name.as_deref().unwrap_or("")),
            num(&count(ui, s.on_hand)),
            num(&price),
            num(&value),
            sku = esc(&s.sku),
        );
    }
    out.push_str("</tbody>\n<tfoot>\n");
    for (currency, total) in &totals {
        let _ = writeln!(
            out,
            "<tr class=\"total\"><td colspan=\"4\">{} ({})</td>{}</tr>",
            ui.t("admin-reports-total"),
            esc(currency),
            num(&money(ui, *total, currency))
        );
    }
    out.push_str("</tfoot>\n</table>\n");
    out
}

/// A bar of a count, shown with the locale's grouping.
fn count_bar(ui: &Ui, label: String, n: u64) -> Bar {
    let value = i64::try_from(n).unwrap_or(i64::MAX);
    Bar {
        label,
        value,
        shown: format_integer(value, ui.locale),
    }
}

fn visits_section(ui: &Ui, report: &Report) -> String {
    if report.visits.is_empty() {
        return empty(ui);
    }
    // The clinician as written on the visits, not escaped.
    let name = |v: &ClinicianVisits| {
        if v.clinician.trim().is_empty() {
            ui.plain("admin-reports-unknown-clinician")
        } else {
            v.clinician.clone()
        }
    };
    let chart: Vec<Bar> = report
        .visits
        .iter()
        .map(|v| count_bar(ui, name(v), v.visits))
        .collect();
    let mut out = bars(&ui.plain("admin-reports-chart-visits"), &chart);
    out.push_str(&table_head(
        ui,
        "visits",
        &[
            ("admin-reports-col-clinician", false),
            ("admin-reports-col-visits", true),
            ("admin-reports-col-signed", true),
        ],
    ));
    for v in &report.visits {
        let _ = writeln!(
            out,
            "<tr><td>{}</td>{}{}</tr>",
            esc(&name(v)),
            num(&count(ui, v.visits)),
            num(&count(ui, v.signed))
        );
    }
    let (visits, signed) = report
        .visits
        .iter()
        .fold((0, 0), |(a, b), v| (a + v.visits, b + v.signed));
    let _ = writeln!(
        out,
        "</tbody>\n<tfoot><tr class=\"total\"><td>{}</td>{}{}</tr></tfoot>\n</table>",
        ui.t("admin-reports-total"),
        num(&count(ui, visits)),
        num(&count(ui, signed))
    );
    out
}

fn patients_section(ui: &Ui, report: &Report) -> String {
    if report.new_patients.is_empty() {
        return empty(ui);
    }
    let chart: Vec<Bar> = report
        .new_patients
        .iter()
        .map(|(day, n)| count_bar(ui, day_label_plain(ui, day), *n))
        .collect();
    let mut out = bars(&ui.plain("admin-reports-chart-patients"), &chart);
    out.push_str(&table_head(
        ui,
        "patients",
        &[
            ("admin-reports-col-date", false),
            ("admin-reports-col-new-patients", true),
        ],
    ));
    for (day, n) in &report.new_patients {
        let _ = writeln!(
            out,
            "<tr><td>{}</td>{}</tr>",
            day_label(ui, day),
            num(&count(ui, *n))
        );
    }
    let total: u64 = report.new_patients.iter().map(|(_, n)| n).sum();
    let _ = writeln!(
        out,
        "</tbody>\n<tfoot><tr class=\"total\"><td>{}</td>{}</tr></tfoot>\n</table>",
        ui.t("admin-reports-total"),
        num(&count(ui, total))
    );
    out
}
