//! A shift's X or Z report laid out as receipt rows, to print on the till's 80 mm
//! printer or as a PDF of that width ([`super::receipt_pdf`]). Unlike a receipt, whose
//! wording is fixed, the report is printed in the language of the window that asks
//! for it: it is the cashier's and the manager's paper, not the customer's.

use dermis_model::Millis;
use dermis_model::clinic::Business;
use dermis_model::ledger::ShiftReport;
use dermis_model::ledger::report::format_rate;

use super::receipt::{Row, Style, row, styled};
use crate::i18n::{self, FluentArg, Locale, Localizer};

/// Wording and number formats of one language, for one currency.
#[derive(Clone, Debug)]
pub struct Words {
    pub localizer: Localizer,
    pub locale: Locale,
    /// ISO 4217 code of the clinic's currency.
    pub currency: String,
}

impl Words {
    fn t(&self, id: &str) -> String {
        self.localizer.t(self.locale, id)
    }

    fn t_args(&self, id: &str, args: &[(&str, FluentArg<'_>)]) -> String {
        self.localizer.t_args(self.locale, id, args)
    }

    fn money(&self, minor: i64) -> String {
        i18n::format_money(minor, &self.currency, self.locale)
    }

    fn datetime(&self, at: Millis) -> String {
        let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        format!("{} UTC", i18n::format_datetime(t, self.locale))
    }
}

/// A tax rate the language's way: `5.5%` in English, `5,5 %` in French.
pub fn rate_text(bps: u32, locale: Locale) -> String {
    let plain = format_rate(bps);
    match locale {
        Locale::En => plain,
        _ => plain.replace('.', ",").replace('%', "\u{a0}%"),
    }
}

/// Who the report is from, printed at its head.
#[derive(Clone, Copy, Debug)]
pub struct Heading<'a> {
    pub business: &'a Business,
    /// Printed when the clinic has no legal name yet.
    pub clinic_name: &'a str,
    pub node_name: &'a str,
}

/// The over/short word of a difference, so a printout never relies on a sign alone.
pub fn difference_word(difference: i64) -> &'static str {
    match difference.signum() {
        1 => "gui-shift-over",
        -1 => "gui-shift-short",
        _ => "gui-shift-balanced",
    }
}

/// What the report prints, in order.
pub fn layout(r: &ShiftReport, head: &Heading<'_>, w: &Words) -> Vec<Row> {
    let mut rows = Vec::new();
    let b = head.business;
    let name = if b.legal_name.is_empty() {
        head.clinic_name
    } else {
        &b.legal_name
    };
    rows.push(styled(Style::Center, name, ""));
    for line in b.address.lines().filter(|l| !l.trim().is_empty()) {
        rows.push(styled(Style::Center, line.trim(), ""));
    }
    if !b.tax_id.is_empty() {
        rows.push(styled(
            Style::Center,
            format!("{}: {}", w.t("gui-field-tax-id"), b.tax_id),
            "",
        ));
    }
    rows.push(styled(Style::Rule, "", ""));
    let title = if r.closed_at.is_some() {
        "gui-shift-z-report"
    } else {
        "gui-shift-x-report"
    };
    rows.push(styled(Style::Strong, w.t(title), ""));
    rows.push(row(
        format!("{}: {}", w.t("field-node-name"), head.node_name),
        "",
    ));
    let who = |by: &Option<String>| by.clone().unwrap_or_default();
    rows.push(row(w.t("gui-shift-opened"), ""));
    rows.push(row(
        format!("  {}", w.datetime(r.opened_at)),
        who(&r.opened_by),
    ));
    if let Some(at) = r.closed_at {
        rows.push(row(w.t("gui-shift-closed"), ""));
        rows.push(row(format!("  {}", w.datetime(at)), who(&r.closed_by)));
    }
    let receipts = match (&r.first_receipt, &r.last_receipt) {
        (Some(first), Some(last)) => w.t_args(
            "gui-shift-receipt-range",
            &[("first", first.into()), ("last", last.into())],
        ),
        _ => w.t("gui-shift-no-receipts"),
    };
    rows.push(row(w.t("gui-shift-receipts"), receipts));
    rows.push(row(
        w.t("gui-shift-sales-count"),
        i18n::format_integer(r.sales_count as i64, w.locale),
    ));
    rows.push(row(
        w.t("gui-shift-refunds-count"),
        i18n::format_integer(r.refunds_count as i64, w.locale),
    ));
    rows.push(row(
        w.t("gui-shift-voids-count"),
        i18n::format_integer(r.voids_count as i64, w.locale),
    ));
    rows.push(styled(Style::Rule, "", ""));
    rows.push(row(w.t("gui-shift-float"), w.money(r.opening_float)));
    rows.push(row(w.t("gui-shift-cash-sales"), w.money(r.cash_sales)));
    rows.push(row(w.t("gui-shift-cash-refunds"), w.money(-r.cash_refunds)));
    rows.push(row(w.t("gui-shift-pay-ins"), w.money(r.pay_ins)));
    rows.push(row(w.t("gui-shift-pay-outs"), w.money(-r.pay_outs)));
    rows.push(styled(
        Style::Strong,
        w.t("gui-shift-expected"),
        w.money(r.expected_cash),
    ));
    if let (Some(counted), Some(difference)) = (r.counted_cash, r.difference) {
        rows.push(row(w.t("gui-shift-counted"), w.money(counted)));
        rows.push(styled(
            Style::Strong,
            w.t("gui-shift-difference"),
            w.money(difference),
        ));
        rows.push(row(format!("  {}", w.t(difference_word(difference))), ""));
    }
    rows.push(styled(Style::Rule, "", ""));
    rows.push(styled(Style::Strong, w.t("gui-shift-by-method"), ""));
    for m in &r.by_method {
        rows.push(row(
            w.t(&format!("pay-{}", m.method.as_str())),
            w.money(m.net),
        ));
    }
    rows.push(row(w.t("gui-shift-net-total"), w.money(r.net_total)));
    if !r.tax_by_rate.is_empty() {
        rows.push(styled(Style::Strong, w.t("gui-shift-by-rate"), ""));
        for t in &r.tax_by_rate {
            rows.push(row(
                format!("{} · {}", rate_text(t.rate_bps, w.locale), w.money(t.gross)),
                w.money(t.tax),
            ));
        }
    }
    let moves = r
        .pay_in_moves
        .iter()
        .map(|m| (m, 1))
        .chain(r.pay_out_moves.iter().map(|m| (m, -1)));
    let mut first = true;
    for (m, sign) in moves {
        if first {
            rows.push(styled(Style::Rule, "", ""));
            rows.push(styled(Style::Strong, w.t("gui-shift-moves"), ""));
            first = false;
        }
        rows.push(row(m.reason.clone(), w.money(sign * m.amount)));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_the_languages_way() {
        assert_eq!(rate_text(550, Locale::En), "5.5%");
        assert_eq!(rate_text(550, Locale::Fr), "5,5\u{a0}%");
        assert_eq!(rate_text(2000, Locale::Ru), "20\u{a0}%");
    }

    #[test]
    fn a_difference_is_named_not_only_signed() {
        assert_eq!(difference_word(5), "gui-shift-over");
        assert_eq!(difference_word(-5), "gui-shift-short");
        assert_eq!(difference_word(0), "gui-shift-balanced");
    }
}
