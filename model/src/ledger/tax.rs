//! How a line's tax follows from its price: a clinic's prices either include tax (the
//! default, as shelf prices are in Europe: the customer pays the price, and the tax is
//! the part of it the clinic owes) or have tax added on top (as in a US shop: the
//! customer pays the price plus the tax).
//!
//! With prices including tax at rate r: tax = amount × r / (1 + r), total = amount.
//! With tax added: tax = amount × r, total = amount + tax. Both round half away from
//! zero, so a refund's tax mirrors the sale's.

use serde::Serialize;

use super::included_tax;

/// Whether the prices a clinic sets include tax. Clinics that never said keep
/// [`TaxMode::Included`], what Dermis did before the setting existed.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxMode {
    /// Prices include tax; a line's total is its price.
    #[default]
    Included,
    /// Tax is added on top of the price; a line's total is its price plus the tax.
    Added,
}

impl TaxMode {
    /// The mode of a clinic's `prices_include_tax` setting.
    pub fn from_prices_include_tax(included: bool) -> TaxMode {
        if included {
            TaxMode::Included
        } else {
            TaxMode::Added
        }
    }
}

/// Tax on top of a tax-exclusive amount (amount × r), rounded half away from zero;
/// saturates rather than wraps on amounts no till sees.
pub fn added_tax(amount_minor: i64, bps: u32) -> i64 {
    let num = i128::from(amount_minor).abs() * i128::from(bps);
    let tax = (2 * num + 10_000) / 20_000 * i128::from(amount_minor.signum());
    i64::try_from(tax).unwrap_or(if amount_minor < 0 { i64::MIN } else { i64::MAX })
}

/// A line's (tax, total) for `amount_minor` (price × quantity less discount) at `bps`.
/// `None` when the total would overflow.
pub fn line_tax(amount_minor: i64, bps: u32, mode: TaxMode) -> Option<(i64, i64)> {
    match mode {
        TaxMode::Included => Some((included_tax(amount_minor, bps), amount_minor)),
        TaxMode::Added => {
            let tax = added_tax(amount_minor, bps);
            Some((tax, amount_minor.checked_add(tax)?))
        }
    }
}

/// The mode a stored line was priced in, from its figures: a line whose total is more
/// than its price less discount had tax added. A line at a zero rate (or whose tax
/// rounded to nothing) reads as included, which prices it the same either way.
pub fn mode_of_line(qty: i64, unit_minor: i64, discount_minor: i64, total_minor: i64) -> TaxMode {
    let net = unit_minor
        .checked_mul(qty)
        .and_then(|g| g.checked_sub(discount_minor));
    match net {
        Some(net) if total_minor != net => TaxMode::Added,
        _ => TaxMode::Included,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_two_modes_by_table() {
        // (amount, rate in bps, mode, tax, total)
        let cases = [
            (1200, 2000, TaxMode::Included, 200, 1200),
            (1000, 2000, TaxMode::Included, 167, 1000),
            (1000, 2000, TaxMode::Added, 200, 1200),
            (999, 2000, TaxMode::Added, 200, 1199),
            (1000, 550, TaxMode::Added, 55, 1055),
            (1, 2000, TaxMode::Added, 0, 1),
            (3, 2000, TaxMode::Added, 1, 4),
            (1000, 0, TaxMode::Added, 0, 1000),
            (1000, 0, TaxMode::Included, 0, 1000),
            (-1000, 2000, TaxMode::Added, -200, -1200),
            (0, 2000, TaxMode::Added, 0, 0),
        ];
        for (amount, bps, mode, tax, total) in cases {
            assert_eq!(
                line_tax(amount, bps, mode),
                Some((tax, total)),
                "{amount} at {bps} bps, {mode:?}"
            );
        }
        assert_eq!(line_tax(i64::MAX, 2000, TaxMode::Added), None);
        assert_eq!(TaxMode::default(), TaxMode::Included);
        assert_eq!(TaxMode::from_prices_include_tax(false), TaxMode::Added);
    }

    #[test]
    fn a_stored_line_tells_its_mode() {
        assert_eq!(mode_of_line(2, 500, 100, 900), TaxMode::Included);
        assert_eq!(mode_of_line(2, 500, 100, 1080), TaxMode::Added);
        assert_eq!(mode_of_line(1, 500, 0, 500), TaxMode::Included);
        assert_eq!(mode_of_line(2, i64::MAX, 0, 1), TaxMode::Included);
    }

    proptest! {
        #[test]
        fn included_tax_is_the_share_of_the_price(amount in 0i64..10_000_000_000, bps in 0u32..=10_000) {
            let (tax, total) = line_tax(amount, bps, TaxMode::Included).expect("fits");
            prop_assert_eq!(total, amount);
            // tax / (total - tax) is the rate, to within half a minor unit of the tax.
            let exact = i128::from(amount) * i128::from(bps);
            let scaled = i128::from(tax) * i128::from(10_000 + bps);
            prop_assert!((2 * (scaled - exact)).abs() <= i128::from(10_000 + bps));
            prop_assert!(tax <= amount);
        }

        #[test]
        fn added_tax_is_the_rate_of_the_price(amount in 0i64..10_000_000_000, bps in 0u32..=10_000) {
            let (tax, total) = line_tax(amount, bps, TaxMode::Added).expect("fits");
            prop_assert_eq!(total, amount + tax);
            let exact = i128::from(amount) * i128::from(bps);
            prop_assert!((2 * (i128::from(tax) * 10_000 - exact)).abs() <= 10_000);
            // The line's mode can be read back from its figures when it had any tax.
            if tax != 0 {
                prop_assert_eq!(mode_of_line(1, amount, 0, total), TaxMode::Added);
            }
            prop_assert_eq!(mode_of_line(1, amount, 0, amount), TaxMode::Included);
        }

        #[test]
        fn a_refund_mirrors_the_sale(amount in -10_000_000_000i64..10_000_000_000, bps in 0u32..=10_000) {
            for mode in [TaxMode::Included, TaxMode::Added] {
                let (tax, total) = line_tax(amount, bps, mode).expect("fits");
                prop_assert_eq!(line_tax(-amount, bps, mode), Some((-tax, -total)));
            }
        }
    }
}
