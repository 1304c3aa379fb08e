use proptest::prelude::*;

use super::*;
use crate::ledger::{CartLine, Payment, Priced, price_cart, price_refund, price_void};
use crate::{Currency, ProductId, SaleId};

#[derive(Clone, Debug)]
enum Op {
    /// Unit price, quantity, tax rate index, paid by card first (this much), cash over-tender.
    Sell {
        unit: i64,
        qty: i64,
        rate: usize,
        card: i64,
        extra_cash: i64,
    },
    /// Refund one unit of the n-th sale so far (modulo), by cash or card.
    Refund {
        pick: usize,
        cash: bool,
    },
    Void {
        pick: usize,
    },
    PayIn(i64),
    PayOut(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (1i64..50_000, 1i64..4, 0usize..3, 0i64..60_000, 0i64..5_000).prop_map(
            |(unit, qty, rate, card, extra_cash)| Op::Sell { unit, qty, rate, card, extra_cash }
        ),
        2 => (any::<usize>(), any::<bool>()).prop_map(|(pick, cash)| Op::Refund { pick, cash }),
        1 => any::<usize>().prop_map(|pick| Op::Void { pick }),
        1 => (1i64..20_000).prop_map(Op::PayIn),
        1 => (1i64..20_000).prop_map(Op::PayOut),
    ]
}

const RATES: [u32; 3] = [2000, 1000, 0];

struct Till {
    node: NodeId,
    shift: ShiftId,
    seq: i64,
    sales: Vec<Sale>,
    events: Vec<ShiftEvent>,
    /// The drawer counted independently of the report: what each operation moved.
    drawer: i64,
}

impl Till {
    fn entry(&mut self, kind: SaleKind, original: Option<SaleId>, p: Priced) -> Sale {
        self.seq += 1;
        let mut s = Sale {
            id: SaleId::new(),
            receipt: format!("N1-{:06}", self.seq),
            kind,
            original_id: original,
            at: self.seq,
            cashier: None,
            cashier_id: None,
            node_id: self.node,
            currency: Currency::EUR,
            lines: p.lines,
            subtotal_minor: p.subtotal_minor,
            discount_minor: p.discount_minor,
            tax_minor: p.tax_minor,
            total_minor: p.total_minor,
            payments: p.payments,
            change_minor: p.change_minor,
            patient_id: None,
            shift_id: Some(self.shift),
            reason: None,
            chain: None,
        };
        let prev = self
            .sales
            .last()
            .and_then(|l| l.chain.as_ref().map(|c| c.hash.clone()))
            .unwrap_or_else(|| crate::ledger::chain::GENESIS.to_owned());
        crate::ledger::chain::link(&mut s, self.seq, &prev);
        self.sales.push(s.clone());
        s
    }

    fn event(&mut self, kind: ShiftEventKind, amount: i64) {
        self.seq += 1;
        self.events.push(ShiftEvent {
            id: format!("e{:06}", self.seq),
            shift_id: self.shift,
            kind,
            amount_minor: amount,
            reason: "r".into(),
            at: self.seq,
            user: None,
            user_id: None,
            node_id: self.node,
        });
    }

    fn apply(&mut self, op: &Op) {
        let open_sales: Vec<Sale> = self
            .sales
            .iter()
            .filter(|s| {
                s.kind == SaleKind::Sale && !self.sales.iter().any(|o| o.original_id == Some(s.id))
            })
            .cloned()
            .collect();
        match *op {
            Op::Sell {
                unit,
                qty,
                rate,
                card,
                extra_cash,
            } => {
                let cart = [CartLine {
                    product_id: ProductId::new(),
                    sku: "SKU".into(),
                    name: "Cream".into(),
                    unit_minor: unit,
                    tax_bps: RATES[rate],
                    qty,
                    discount_minor: 0,
                }];
                let total = unit * qty;
                let card = card.min(total);
                let cash = total - card + extra_cash;
                let mut pays = Vec::new();
                if card > 0 {
                    pays.push(Payment {
                        method: PaymentMethod::Card,
                        amount_minor: card,
                    });
                }
                if cash > 0 {
                    pays.push(Payment {
                        method: PaymentMethod::Cash,
                        amount_minor: cash,
                    });
                }
                let Ok(priced) = price_cart(&cart, &pays) else {
                    return;
                };
                self.drawer += cash - priced.change_minor;
                self.entry(SaleKind::Sale, None, priced);
            }
            Op::Refund { pick, cash } => {
                if open_sales.is_empty() {
                    return;
                }
                let original = open_sales[pick % open_sales.len()].clone();
                let method = if cash {
                    PaymentMethod::Cash
                } else {
                    PaymentMethod::Card
                };
                let Ok(priced) = price_refund(&original, &[(0, 1)], &[0], method) else {
                    return;
                };
                if cash {
                    self.drawer -= priced.total_minor;
                }
                self.entry(SaleKind::Refund, Some(original.id), priced);
            }
            Op::Void { pick } => {
                if open_sales.is_empty() {
                    return;
                }
                let original = open_sales[pick % open_sales.len()].clone();
                let cash_in: i64 = original
                    .payments
                    .iter()
                    .filter(|p| p.method == PaymentMethod::Cash)
                    .map(|p| p.amount_minor)
                    .sum();
                self.drawer -= cash_in - original.change_minor;
                self.entry(SaleKind::Void, Some(original.id), price_void(&original));
            }
            Op::PayIn(a) => {
                self.drawer += a;
                self.event(ShiftEventKind::PayIn, a);
            }
            Op::PayOut(a) => {
                self.drawer -= a;
                self.event(ShiftEventKind::PayOut, a);
            }
        }
    }
}

proptest! {
    #[test]
    fn the_z_report_adds_up(
        float in 0i64..50_000,
        ops in proptest::collection::vec(op(), 0..40),
        counted_delta in -1_000i64..1_000,
    ) {
        let mut till = Till {
            node: NodeId::new(),
            shift: ShiftId::new(),
            seq: 0,
            sales: Vec::new(),
            events: Vec::new(),
            drawer: 0,
        };
        till.event(ShiftEventKind::Open, float);
        for op in &ops {
            till.apply(op);
        }
        let x = shift_report(till.shift, &till.events, &till.sales).expect("open");
        prop_assert_eq!(x.report, "x");
        prop_assert_eq!(x.expected_cash, float + till.drawer);
        prop_assert_eq!(x.difference, None);

        let counted = x.expected_cash + counted_delta;
        till.event(ShiftEventKind::Close, counted);
        // Entries of another shift, and a second copy of every entry, change nothing.
        let mut other = till.sales.clone();
        for s in &mut other {
            s.id = SaleId::new();
            s.shift_id = Some(ShiftId::new());
        }
        let mut all = till.sales.clone();
        all.extend(other);
        all.extend(till.sales.iter().rev().cloned());
        let z = shift_report(till.shift, &till.events, &all).expect("open");
        prop_assert_eq!(z.report, "z");
        prop_assert_eq!(z.expected_cash, float + till.drawer);
        prop_assert_eq!(z.counted_cash, Some(counted));
        prop_assert_eq!(z.difference, Some(counted_delta));
        prop_assert_eq!(
            z.expected_cash,
            z.opening_float + z.cash_sales - z.cash_refunds + z.pay_ins - z.pay_outs
        );
        // Each entry exactly once, in receipt order.
        let receipts: Vec<&str> = z.sales.iter().map(|s| s.receipt.as_str()).collect();
        let mine: Vec<&str> = till.sales.iter().map(|s| s.receipt.as_str()).collect();
        prop_assert_eq!(&receipts, &mine);
        prop_assert_eq!(z.first_receipt.as_deref(), mine.first().copied());
        prop_assert_eq!(z.last_receipt.as_deref(), mine.last().copied());
        prop_assert_eq!(z.sales_count + z.refunds_count + z.voids_count, mine.len());
        // Methods and tax rates both add up to the net total.
        let by_method: i64 = z.by_method.iter().map(|m| m.net).sum();
        prop_assert_eq!(by_method, z.net_total);
        let by_rate: i64 = z.tax_by_rate.iter().map(|t| t.gross).sum();
        prop_assert_eq!(by_rate, z.net_total);
        let tax: i64 = till
            .sales
            .iter()
            .map(|s| if s.kind == SaleKind::Sale { s.tax_minor } else { -s.tax_minor })
            .sum();
        prop_assert_eq!(z.tax_by_rate.iter().map(|t| t.tax).sum::<i64>(), tax);
    }
}

#[test]
fn amounts_are_checked_by_name() {
    assert_eq!(
        validate_amount("float", -1).unwrap_err().0[0].field,
        "float"
    );
    assert!(validate_amount("float", 0).is_ok());
    let e = validate_pay(0, "").unwrap_err();
    let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["amount", "reason"]);
    assert_eq!(
        validate_pay(-5, "x").unwrap_err().0[0].code,
        ErrorCode::NegativeAmount
    );
}

#[test]
fn a_report_needs_the_opening() {
    assert!(shift_report(ShiftId::new(), &[], &[]).is_none());
}
