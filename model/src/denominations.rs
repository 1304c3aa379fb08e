//! The notes and coins of a currency, for counting a cash drawer by denomination at the
//! end of a shift. Only what circulates is listed (no €500 note, no 1 kopeck coin); a
//! currency not listed here is counted as one amount.

use crate::Currency;

/// Paper or metal, for grouping the count as a cashier sorts the drawer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Form {
    Note,
    Coin,
}

/// One denomination: its value in the currency's minor units.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Denomination {
    pub minor: i64,
    pub form: Form,
}

const fn notes<const N: usize>(major: [i64; N], scale: i64) -> [Denomination; N] {
    let mut out = [Denomination {
        minor: 0,
        form: Form::Note,
    }; N];
    let mut i = 0;
    while i < N {
        out[i].minor = major[i] * scale;
        i += 1;
    }
    out
}

const fn coins<const N: usize>(minor: [i64; N]) -> [Denomination; N] {
    let mut out = [Denomination {
        minor: 0,
        form: Form::Coin,
    }; N];
    let mut i = 0;
    while i < N {
        out[i].minor = minor[i];
        i += 1;
    }
    out
}

const EUR_NOTES: [Denomination; 6] = notes([200, 100, 50, 20, 10, 5], 100);
const EUR_COINS: [Denomination; 8] = coins([200, 100, 50, 20, 10, 5, 2, 1]);
const USD_NOTES: [Denomination; 7] = notes([100, 50, 20, 10, 5, 2, 1], 100);
const USD_COINS: [Denomination; 5] = coins([100, 25, 10, 5, 1]);
const GBP_NOTES: [Denomination; 4] = notes([50, 20, 10, 5], 100);
const GBP_COINS: [Denomination; 8] = coins([200, 100, 50, 20, 10, 5, 2, 1]);
const RUB_NOTES: [Denomination; 8] = notes([5000, 2000, 1000, 500, 200, 100, 50, 10], 100);
const RUB_COINS: [Denomination; 5] = coins([1000, 500, 200, 100, 50]);
const UAH_NOTES: [Denomination; 7] = notes([1000, 500, 200, 100, 50, 20, 10], 100);
const UAH_COINS: [Denomination; 6] = coins([1000, 500, 200, 100, 50, 10]);
// The dram has no minor coin in use, but ISO 4217 gives it two decimals: amounts are
// kept in luma, so every value is scaled by 100.
const AMD_NOTES: [Denomination; 7] =
    notes([100_000, 50_000, 20_000, 10_000, 5000, 2000, 1000], 100);
const AMD_COINS: [Denomination; 6] = coins([50_000, 20_000, 10_000, 5000, 2000, 1000]);

/// The notes then the coins of `currency`, largest first; `None` for a currency this
/// table does not know (count the drawer as one amount).
pub fn denominations(currency: Currency) -> Option<Vec<Denomination>> {
    let (n, c): (&[Denomination], &[Denomination]) = match currency.code() {
        "EUR" => (&EUR_NOTES, &EUR_COINS),
        "USD" => (&USD_NOTES, &USD_COINS),
        "GBP" => (&GBP_NOTES, &GBP_COINS),
        "RUB" => (&RUB_NOTES, &RUB_COINS),
        "UAH" => (&UAH_NOTES, &UAH_COINS),
        "AMD" => (&AMD_NOTES, &AMD_COINS),
        _ => return None,
    };
    Some(n.iter().chain(c).copied().collect())
}

/// The value of a count: each denomination's value times how many were counted. `None`
/// when a count is negative or the sum does not fit.
pub fn counted(counts: &[(Denomination, i64)]) -> Option<i64> {
    counts.iter().try_fold(0i64, |sum, (d, n)| {
        if *n < 0 {
            return None;
        }
        sum.checked_add(d.minor.checked_mul(*n)?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clinic_currencies_have_their_notes_and_coins() {
        for code in ["EUR", "USD", "GBP", "RUB", "UAH", "AMD"] {
            let currency = Currency::parse(code).expect("code");
            let list = denominations(currency).expect(code);
            assert!(list.iter().any(|d| d.form == Form::Note), "{code}");
            assert!(list.iter().any(|d| d.form == Form::Coin), "{code}");
            // Largest first within each form, and no value twice in one form.
            for form in [Form::Note, Form::Coin] {
                let values: Vec<i64> = list
                    .iter()
                    .filter(|d| d.form == form)
                    .map(|d| d.minor)
                    .collect();
                assert!(values.windows(2).all(|w| w[0] > w[1]), "{code} {values:?}");
            }
        }
        let eur = denominations(Currency::EUR).expect("EUR");
        assert_eq!(eur[0].minor, 20_000);
        assert_eq!(eur.last().map(|d| d.minor), Some(1));
        let amd = denominations(Currency::AMD).expect("AMD");
        assert_eq!(amd[0].minor, 10_000_000, "a 100 000 dram note, in luma");
        assert!(denominations(Currency::parse("JPY").expect("JPY")).is_none());
    }

    #[test]
    fn a_count_adds_up_and_refuses_nonsense() {
        let eur = denominations(Currency::EUR).expect("EUR");
        let find = |minor| *eur.iter().find(|d| d.minor == minor).expect("value");
        // 2 × €50 + 3 × €1 coins + 7 × 5 cents = €103.35
        assert_eq!(
            counted(&[(find(5000), 2), (find(100), 3), (find(5), 7)]),
            Some(10_335)
        );
        assert_eq!(counted(&[]), Some(0));
        assert_eq!(counted(&[(find(5000), -1)]), None);
        assert_eq!(counted(&[(find(20_000), i64::MAX)]), None);
    }
}
