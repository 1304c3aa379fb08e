//! The accountant's sales report: per UTC day, sales, refunds and voids with their counts,
//! takings per payment method (cash net of change) and tax per rate. Amounts are minor
//! units; refunds and voids count against the day they were made.

use std::collections::BTreeMap;

use serde::Serialize;

use super::shift::{MethodTotal, TaxTotal, method_amounts};
use super::{PaymentMethod, Sale, SaleKind};

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct DayTotals {
    /// YYYY-MM-DD, or "total" for the whole period.
    pub day: String,
    pub sales_count: usize,
    pub refunds_count: usize,
    pub voids_count: usize,
    pub sales: i64,
    pub refunds: i64,
    pub voids: i64,
    /// Sales less refunds and voids.
    pub net: i64,
    pub tax: i64,
    pub discounts: i64,
    pub by_method: Vec<MethodTotal>,
    pub tax_by_rate: Vec<TaxTotal>,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct SalesReport {
    pub from: String,
    pub to: String,
    pub currency: Option<String>,
    pub days: Vec<DayTotals>,
    pub total: DayTotals,
}

#[derive(Default)]
struct Acc {
    counts: [usize; 3],
    amounts: [i64; 3],
    tax: i64,
    discounts: i64,
    methods: BTreeMap<&'static str, MethodTotal>,
    taxes: BTreeMap<u32, TaxTotal>,
}

impl Acc {
    fn add(&mut self, s: &Sale) {
        let (slot, sign) = match s.kind {
            SaleKind::Sale => (0, 1),
            SaleKind::Refund => (1, -1),
            SaleKind::Void => (2, -1),
        };
        self.counts[slot] += 1;
        self.amounts[slot] += s.total_minor;
        self.tax += sign * s.tax_minor;
        self.discounts += sign * s.discount_minor;
        for (key, (method, amount)) in method_amounts(s) {
            let m = self.methods.entry(key).or_insert(MethodTotal {
                method,
                sales: 0,
                refunds: 0,
                net: 0,
            });
            if sign > 0 {
                m.sales += amount;
            } else {
                m.refunds += amount;
            }
            m.net += sign * amount;
        }
        for l in &s.lines {
            let t = self.taxes.entry(l.tax_bps).or_insert(TaxTotal {
                rate_bps: l.tax_bps,
                gross: 0,
                tax: 0,
            });
            t.gross += sign * l.total_minor;
            t.tax += sign * l.tax_minor;
        }
    }

    fn finish(self, day: String) -> DayTotals {
        let mut methods = self.methods;
        for m in PaymentMethod::ALL {
            methods.entry(m.as_str()).or_insert(MethodTotal {
                method: m,
                sales: 0,
                refunds: 0,
                net: 0,
            });
        }
        DayTotals {
            day,
            sales_count: self.counts[0],
            refunds_count: self.counts[1],
            voids_count: self.counts[2],
            sales: self.amounts[0],
            refunds: self.amounts[1],
            voids: self.amounts[2],
            net: self.amounts[0] - self.amounts[1] - self.amounts[2],
            tax: self.tax,
            discounts: self.discounts,
            by_method: methods.into_values().collect(),
            tax_by_rate: self.taxes.into_values().collect(),
        }
    }
}

/// The report of the entries in `sales` whose UTC day (by `day_of`) is in `from..=to`
/// (each entry once, however many copies `sales` holds).
pub fn sales_report(
    sales: &[Sale],
    from: &str,
    to: &str,
    day_of: impl Fn(i64) -> String,
) -> SalesReport {
    let mut seen = std::collections::HashSet::new();
    let mut days: BTreeMap<String, Acc> = BTreeMap::new();
    let mut total = Acc::default();
    let mut currency = None;
    for s in sales {
        let day = day_of(s.at);
        if day.as_str() < from || day.as_str() > to || !seen.insert(s.id) {
            continue;
        }
        currency.get_or_insert_with(|| s.currency.code().to_owned());
        days.entry(day).or_default().add(s);
        total.add(s);
    }
    SalesReport {
        from: from.to_owned(),
        to: to.to_owned(),
        currency,
        days: days.into_iter().map(|(d, acc)| acc.finish(d)).collect(),
        total: total.finish("total".into()),
    }
}

/// The report as CSV: one row per day (and the total) and figure: `day,figure,key,count,amount,tax`.
pub fn sales_csv(report: &SalesReport) -> String {
    let mut out = String::from("day,figure,key,count,amount,tax\n");
    for d in report.days.iter().chain(std::iter::once(&report.total)) {
        for (key, count, amount) in [
            ("sales", d.sales_count, d.sales),
            ("refunds", d.refunds_count, d.refunds),
            ("voids", d.voids_count, d.voids),
        ] {
            out.push_str(&format!("{},kind,{key},{count},{amount},\n", d.day));
        }
        out.push_str(&format!(
            "{},net,all,{},{},{}\n",
            d.day,
            d.sales_count + d.refunds_count + d.voids_count,
            d.net,
            d.tax
        ));
        for m in &d.by_method {
            out.push_str(&format!(
                "{},payment_method,{},,{},\n",
                d.day,
                m.method.as_str(),
                m.net
            ));
        }
        for t in &d.tax_by_rate {
            out.push_str(&format!(
                "{},tax_rate,{},,{},{}\n",
                d.day,
                format_rate(t.rate_bps),
                t.gross,
                t.tax
            ));
        }
    }
    out
}

/// A rate in basis points as a percentage: 2000 → "20%", 550 → "5.5%".
pub fn format_rate(bps: u32) -> String {
    let whole = bps / 100;
    let frac = bps % 100;
    if frac == 0 {
        format!("{whole}%")
    } else if frac.is_multiple_of(10) {
        format!("{whole}.{}%", frac / 10)
    } else {
        format!("{whole}.{frac:02}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_print_as_percentages() {
        assert_eq!(format_rate(2000), "20%");
        assert_eq!(format_rate(550), "5.5%");
        assert_eq!(format_rate(1), "0.01%");
        assert_eq!(format_rate(0), "0%");
    }
}
