//! The report aggregates, as pure functions over rows a store read from its read-model
//! tables, so both stores total the same way (and as the node's own sales report does:
//! refunds and voids count against the day they were made, cash is net of change).

use std::collections::BTreeMap;

use dermis_model::Millis;
use uuid::Uuid;

use super::records::SaleRecord;
use super::{ClinicianVisits, SalesDay};

/// The UTC day of an instant, `YYYY-MM-DD`.
pub fn day_of(ms: Millis) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    dermis_model::validate::format_date(at.date())
}

#[derive(Default)]
struct Acc {
    counts: [u64; 3],
    amounts: [i64; 3],
    tax: i64,
    methods: BTreeMap<String, i64>,
    taxes: BTreeMap<u32, (i64, i64)>,
}

/// Sales by (UTC day, currency), oldest first; each entry counted once.
pub fn sales_by_day(sales: &[SaleRecord]) -> Vec<SalesDay> {
    let mut seen = std::collections::HashSet::new();
    let mut days: BTreeMap<(String, String), Acc> = BTreeMap::new();
    for s in sales {
        if !seen.insert(s.id) {
            continue;
        }
        let (slot, sign) = match s.kind.as_str() {
            "refund" => (1, -1),
            "void" => (2, -1),
            _ => (0, 1),
        };
        let acc = days.entry((day_of(s.at), s.currency.clone())).or_default();
        acc.counts[slot] += 1;
        acc.amounts[slot] += s.total_minor;
        acc.tax += sign * s.tax_minor;
        let mut change = s.change_minor;
        for p in &s.payments {
            let mut amount = p.amount_minor;
            if p.method == "cash" {
                // Change is given back in cash: the drawer keeps the payment less it.
                let back = change.min(amount);
                amount -= back;
                change -= back;
            }
            *acc.methods.entry(p.method.clone()).or_default() += sign * amount;
        }
        for l in &s.lines {
            let t = acc.taxes.entry(l.tax_bps).or_default();
            t.0 += sign * l.total_minor;
            t.1 += sign * l.tax_minor;
        }
    }
    days.into_iter()
        .map(|((day, currency), acc)| {
            let mut methods = acc.methods;
            for m in ["cash", "card", "other"] {
                methods.entry(m.to_owned()).or_insert(0);
            }
            SalesDay {
                day,
                currency,
                sales: acc.counts[0],
                refunds: acc.counts[1],
                voids: acc.counts[2],
                gross_minor: acc.amounts[0],
                refunds_minor: acc.amounts[1],
                voids_minor: acc.amounts[2],
                net_minor: acc.amounts[0] - acc.amounts[1] - acc.amounts[2],
                tax_minor: acc.tax,
                by_method: methods.into_iter().collect(),
                by_tax_rate: acc
                    .taxes
                    .into_iter()
                    .map(|(bps, (gross, tax))| (bps, gross, tax))
                    .collect(),
            }
        })
        .collect()
}

/// Visits per clinician from (clinician, clinician id, status) rows, most first, then by
/// name. A clinician with an id is counted under their id (names change).
pub fn visits_by_clinician(rows: &[(String, Option<Uuid>, String)]) -> Vec<ClinicianVisits> {
    let mut by: BTreeMap<(Option<Uuid>, String), ClinicianVisits> = BTreeMap::new();
    for (name, id, status) in rows {
        let key = match id {
            Some(id) => (Some(*id), String::new()),
            None => (None, name.clone()),
        };
        let entry = by.entry(key).or_insert_with(|| ClinicianVisits {
            clinician: name.clone(),
            clinician_id: *id,
            visits: 0,
            signed: 0,
        });
        entry.visits += 1;
        if status == "signed" {
            entry.signed += 1;
        }
    }
    let mut out: Vec<ClinicianVisits> = by.into_values().collect();
    out.sort_by(|a, b| {
        b.visits
            .cmp(&a.visits)
            .then_with(|| a.clinician.cmp(&b.clinician))
    });
    out
}

/// Patients created per UTC day, oldest first.
pub fn new_patients_by_day(created: &[Millis]) -> Vec<(String, u64)> {
    let mut by: BTreeMap<String, u64> = BTreeMap::new();
    for at in created {
        *by.entry(day_of(*at)).or_default() += 1;
    }
    by.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readmodel::records::{PaymentRecord, SaleLineRecord};

    fn sale(kind: &str, at: Millis, total: i64, change: i64) -> SaleRecord {
        SaleRecord {
            id: Uuid::now_v7(),
            clinic_id: Uuid::nil(),
            receipt: "N1-000001".into(),
            kind: kind.into(),
            original_id: None,
            at,
            node_id: Uuid::nil(),
            cashier: None,
            cashier_id: None,
            patient_id: None,
            currency: "EUR".into(),
            subtotal_minor: total,
            discount_minor: 0,
            tax_minor: total / 6,
            total_minor: total,
            change_minor: change,
            reason: None,
            lines: vec![SaleLineRecord {
                product_id: Uuid::nil(),
                sku: "A".into(),
                name: "A".into(),
                qty: 1,
                unit_minor: total,
                discount_minor: 0,
                tax_bps: 2000,
                tax_minor: total / 6,
                total_minor: total,
            }],
            payments: vec![PaymentRecord {
                method: "cash".into(),
                amount_minor: total + change,
            }],
        }
    }

    #[test]
    fn a_day_nets_refunds_and_cash_change() {
        let day = 1_800_000_000_000;
        let s = sale("sale", day, 1200, 300);
        let r = sale("refund", day + 1, 600, 0);
        let out = sales_by_day(&[s.clone(), s, r]);
        assert_eq!(out.len(), 1);
        let d = &out[0];
        assert_eq!((d.sales, d.refunds, d.voids), (1, 1, 0));
        assert_eq!(d.net_minor, 600);
        assert_eq!(d.tax_minor, 200 - 100);
        assert!(d.by_method.contains(&("cash".into(), 600)));
        assert_eq!(d.by_tax_rate, vec![(2000, 600, 100)]);
        assert_eq!(d.day, "2027-01-15");
    }
}
