//! The point of sale: a barcode / SKU field that adds a product on Enter (what a
//! scanner types), product search, the cart with per-line discounts, totals with the
//! included tax as the ledger prices them, split payment, change due, and the receipt.

use dermis_model::ledger::{Payment, PaymentMethod, Sale};
use dermis_model::{Currency, ErrorCode, FieldError, Money};
use egui::{RichText, Ui};

use super::Ctx;
use crate::gui::backend::{Command, QuoteView, UiError};
use crate::gui::widgets;
use crate::ops::sales::ItemInput;
use crate::store::queries::ProductRow;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CartEntry {
    pub sku: String,
    pub name: String,
    pub unit_minor: i64,
    pub qty: i64,
    pub discount: String,
    /// Stock on hand when the product was added, and its reorder level: the cart warns
    /// when the sale would empty the shelf or take it below the reorder level (selling
    /// anyway stays possible; the hub flags oversold stock).
    pub on_hand: i64,
    pub reorder_level: i64,
}

/// What the cart says about a line's stock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StockWarning {
    /// More in the cart than on the shelf.
    Out,
    /// The sale takes the shelf to or below the reorder level.
    Low,
}

impl CartEntry {
    pub fn stock_warning(&self) -> Option<StockWarning> {
        let left = self.on_hand - self.qty;
        if left < 0 {
            Some(StockWarning::Out)
        } else if left <= self.reorder_level {
            Some(StockWarning::Low)
        } else {
            None
        }
    }
}

#[derive(Debug, Default)]
pub struct PosState {
    pub scan: String,
    pub search: String,
    search_generation: u64,
    pub results: Vec<ProductRow>,
    pub cart: Vec<CartEntry>,
    /// Amounts typed for cash, card and other.
    pub payments: [String; 3],
    quote_generation: u64,
    pub quote: Option<QuoteView>,
    pub quote_error: Option<UiError>,
    pub scan_error: Option<UiError>,
    pub sale_error: Option<UiError>,
    pub receipt: Option<Sale>,
    /// The receipt printed from the confirmation (the journal's reprint path).
    pub print: super::journal::PrintState,
    pub busy: bool,
    /// The patient the sale is for, when the cashier attaches one.
    pub buyer: super::pos_buyer::BuyerState,
    dirty: bool,
    refocus_scan: bool,
    /// Whether a shift is open on this workstation (the Shift screen's state).
    pub shift: Option<super::shift::ShiftStatus>,
}

const METHODS: [PaymentMethod; 3] = [
    PaymentMethod::Cash,
    PaymentMethod::Card,
    PaymentMethod::Other,
];

impl PosState {
    /// The product search for what is typed now (the whole catalog when nothing is).
    pub fn find(&mut self) -> Command {
        self.search_generation += 1;
        Command::FindProducts {
            generation: self.search_generation,
            query: self.search.clone(),
        }
    }

    pub fn on_results(&mut self, generation: u64, rows: Vec<ProductRow>) {
        if generation == self.search_generation {
            self.results = rows;
        }
    }

    pub fn on_quote(&mut self, generation: u64, result: Result<QuoteView, UiError>) {
        if generation != self.quote_generation {
            return;
        }
        match result {
            Ok(quote) => {
                self.quote = Some(quote);
                self.quote_error = None;
            }
            Err(error) => {
                self.quote = None;
                self.quote_error = Some(error);
            }
        }
    }

    /// Adds one of a product, or one more of it.
    pub fn add(&mut self, product: &ProductRow) {
        match self.cart.iter_mut().find(|e| e.sku == product.sku) {
            Some(entry) => entry.qty += 1,
            None => self.cart.push(CartEntry {
                sku: product.sku.clone(),
                name: product.name.clone(),
                unit_minor: product.price_minor,
                qty: 1,
                discount: String::new(),
                on_hand: product.on_hand,
                reorder_level: product.reorder_level,
            }),
        }
        self.scan_error = None;
        self.dirty = true;
    }

    /// Whether the totals shown are those of the cart as it is now: nothing changed
    /// since the last quote was asked for, and it has come back.
    pub fn is_quoted(&self) -> bool {
        !self.dirty && (self.quote.is_some() || self.quote_error.is_some())
    }

    /// The barcode field takes the focus (the screen opened): a scanner's first code
    /// must land in it.
    pub fn focus_scan(&mut self) {
        self.refocus_scan = true;
    }

    pub fn on_sold(&mut self, sale: Sale) {
        self.receipt = Some(sale);
        self.print = Default::default();
        self.cart.clear();
        self.payments = Default::default();
        self.quote = None;
        self.busy = false;
        self.sale_error = None;
        self.buyer.clear();
    }

    pub fn failed_sale(&mut self, error: UiError) {
        self.busy = false;
        self.sale_error = Some(error);
    }

    pub fn failed_scan(&mut self, error: UiError) {
        self.scan_error = Some(error);
    }

    /// What is still due once the typed payments of the other methods than `method` are
    /// counted (a typed amount that does not parse counts as nothing).
    fn rest_for(&self, method: usize, currency: Currency) -> Option<i64> {
        let total = self.quote.as_ref()?.priced.total_minor;
        let others: i64 = self
            .payments
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != method)
            .filter_map(|(_, text)| Money::parse(text, currency).ok().map(|m| m.minor))
            .sum();
        Some((total - others).max(0))
    }

    /// "Exact cash" (`method` 0) or "Rest by card" (1): that payment field takes what
    /// the other payments leave due.
    pub fn pay_rest(&mut self, method: usize, currency: Currency) {
        if let (Some(rest), Some(field)) = (
            self.rest_for(method, currency),
            self.payments.get_mut(method),
        ) {
            *field = dermis_model::money::format_minor(rest, currency.exponent());
            self.dirty = true;
        }
    }

    /// The cart and payments as the ledger takes them, or the field errors of what was
    /// typed (amounts that do not parse).
    fn inputs(
        &self,
        currency: Currency,
    ) -> Result<(Vec<ItemInput>, Vec<Payment>), Vec<FieldError>> {
        let mut errors = Vec::new();
        let amount = |text: &str, field: String, errors: &mut Vec<FieldError>| -> i64 {
            if text.trim().is_empty() {
                return 0;
            }
            match Money::parse(text, currency) {
                Ok(m) => m.minor,
                Err(e) => {
                    errors.push(FieldError::new(
                        field,
                        ErrorCode::InvalidAmount,
                        e.to_string(),
                    ));
                    0
                }
            }
        };
        let items = self
            .cart
            .iter()
            .enumerate()
            .map(|(i, e)| ItemInput {
                sku: e.sku.clone(),
                qty: e.qty,
                discount_minor: amount(&e.discount, format!("item[{i}].discount"), &mut errors),
            })
            .collect();
        let payments = METHODS
            .iter()
            .zip(&self.payments)
            .enumerate()
            .filter_map(|(i, (method, text))| {
                let minor = amount(text, format!("payment[{i}]"), &mut errors);
                (minor != 0).then_some(Payment {
                    method: *method,
                    amount_minor: minor,
                })
            })
            .collect();
        if errors.is_empty() {
            Ok((items, payments))
        } else {
            Err(errors)
        }
    }
}

pub fn pos_ui(ui: &mut Ui, state: &mut PosState, ctx: &mut Ctx<'_>) {
    let currency = Currency::parse(&ctx.session.currency).unwrap_or(Currency::EUR);
    if state.receipt.is_some() {
        receipt_ui(ui, state, ctx);
        return;
    }
    ui.heading(ctx.t("gui-nav-pos"));
    super::shift::status_line_ui(ui, state.shift.as_ref(), ctx);
    ui.columns(2, |columns| {
        let [left, right] = columns else { return };
        find_ui(left, state, ctx);
        cart_ui(right, state, currency, ctx);
    });
    if state.dirty {
        state.dirty = false;
        state.quote = None;
        state.quote_error = None;
        if let Ok((items, payments)) = state.inputs(currency)
            && !items.is_empty()
        {
            state.quote_generation += 1;
            ctx.send(Command::Quote {
                generation: state.quote_generation,
                items,
                payments,
            });
        }
    }
}

fn find_ui(ui: &mut Ui, state: &mut PosState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    widgets::section(ui, &tr.t("gui-pos-scan"), |ui| {
        let scan = widgets::labelled_input(
            ui,
            &tr.t("field-barcode"),
            &tr.t("gui-pos-scan-hint"),
            &mut state.scan,
            340.0,
        );
        if state.refocus_scan {
            state.refocus_scan = false;
            scan.request_focus();
        }
        if widgets::submitted(ui, &scan) && !state.scan.trim().is_empty() {
            ctx.send(Command::Scan {
                code: std::mem::take(&mut state.scan).trim().to_owned(),
            });
            state.refocus_scan = true;
        }
        if let Some(error) = &state.scan_error {
            widgets::error_line(ui, &tr.ui_error(error));
        }
    });
    ui.add_space(8.0);
    widgets::section(ui, &tr.t("gui-pos-search"), |ui| {
        let search = widgets::labelled_input(
            ui,
            &tr.t("gui-pos-search-label"),
            &tr.t("gui-pos-search-hint"),
            &mut state.search,
            260.0,
        );
        if search.changed() {
            let command = state.find();
            ctx.send(command);
        }
        let mut chosen = None;
        let add = tr.t("gui-pos-add");
        egui::ScrollArea::vertical()
            .id_salt("pos-results")
            .max_height(420.0)
            .show(ui, |ui| {
                // Name, price and stock share what the button leaves.
                let width = (ui.available_width() - 110.0).max(200.0);
                for p in &state.results {
                    ui.horizontal(|ui| {
                        widgets::cell(ui, width * 0.6, 24.0, |ui| {
                            widgets::truncated(ui, format!("{} · {}", p.name, p.sku))
                        });
                        widgets::cell(ui, width * 0.17, 24.0, |ui| {
                            ui.label(tr.money(p.price_minor, &p.currency))
                        });
                        widgets::cell(ui, width * 0.23, 24.0, |ui| {
                            widgets::truncated(
                                ui,
                                tr.t_args("gui-pos-on-hand", &[("count", p.on_hand.into())]),
                            )
                        });
                        let button = ui.button(&add).accessible_name(format!("{add} {}", p.sku));
                        if button.clicked() {
                            chosen = Some(p.clone());
                        }
                    });
                }
            });
        if let Some(product) = chosen {
            state.add(&product);
        }
    });
}

fn cart_ui(ui: &mut Ui, state: &mut PosState, currency: Currency, ctx: &mut Ctx<'_>) {
    super::pos_buyer::buyer_ui(ui, &mut state.buyer, ctx);
    ui.add_space(6.0);
    let tr = ctx.tr;
    let code = currency.code().to_owned();
    let typed_errors = state.inputs(currency).err().unwrap_or_default();
    let error_of = |field: &str| -> Vec<String> {
        typed_errors
            .iter()
            .chain(state.quote_error.iter().flat_map(|e| match e {
                UiError::Invalid(v) => v.0.iter().collect::<Vec<_>>(),
                _ => Vec::new(),
            }))
            .filter(|e| e.field.starts_with(field))
            .map(|e| tr.field_error(e))
            .collect()
    };
    let mut changed = false;
    widgets::section(
        ui,
        &tr.count("items-count", state.cart.iter().map(|e| e.qty).sum()),
        |ui| {
            if state.cart.is_empty() {
                ui.weak(tr.t("gui-pos-empty"));
            }
            let mut remove = None;
            egui::Grid::new("cart")
                .striped(true)
                .num_columns(5)
                .show(ui, |ui| {
                    if !state.cart.is_empty() {
                        for id in [
                            "gui-pos-col-product",
                            "field-quantity",
                            "field-discount",
                            "gui-pos-col-total",
                        ] {
                            ui.strong(tr.t(id));
                        }
                        ui.label("");
                        ui.end_row();
                    }
                    for (i, entry) in state.cart.iter_mut().enumerate() {
                        ui.label(&entry.name);
                        ui.horizontal(|ui| {
                            if ui
                                .add_enabled(entry.qty > 1, egui::Button::new("−").small())
                                .on_hover_text(tr.t("gui-pos-less"))
                                .clicked()
                            {
                                entry.qty -= 1;
                                changed = true;
                            }
                            changed |= ui
                                .add(egui::DragValue::new(&mut entry.qty).range(1..=9999))
                                .on_hover_text(tr.t("field-quantity"))
                                .changed();
                            if ui
                                .add(egui::Button::new("+").small())
                                .on_hover_text(tr.t("gui-pos-more"))
                                .clicked()
                            {
                                entry.qty += 1;
                                changed = true;
                            }
                        });
                        changed |= ui
                            .add(
                                egui::TextEdit::singleline(&mut entry.discount).desired_width(70.0),
                            )
                            .accessible_name(tr.t("field-discount"))
                            .changed();
                        let line = state
                            .quote
                            .as_ref()
                            .and_then(|q| q.priced.lines.get(i))
                            .map(|l| tr.money(l.total_minor, &code))
                            .unwrap_or_else(|| tr.money(entry.unit_minor * entry.qty, &code));
                        ui.label(line);
                        if ui.small_button(tr.t("gui-remove")).clicked() {
                            remove = Some(i);
                        }
                        ui.end_row();
                        if let Some(warning) = entry.stock_warning() {
                            let id = match warning {
                                StockWarning::Out => "gui-pos-out-of-stock",
                                StockWarning::Low => "gui-pos-low-stock",
                            };
                            ui.label("");
                            ui.colored_label(
                                ui.visuals().warn_fg_color,
                                tr.t_args(id, &[("count", entry.on_hand.into())]),
                            );
                            ui.end_row();
                        }
                        for error in error_of(&format!("item[{i}]")) {
                            ui.label("");
                            widgets::error_line(ui, &error);
                            ui.end_row();
                        }
                    }
                });
            if let Some(i) = remove {
                state.cart.remove(i);
                changed = true;
            }
        },
    );
    ui.add_space(8.0);
    totals_ui(ui, state, &code, ctx);
    ui.add_space(8.0);
    let mut pay_rest = None;
    widgets::section(ui, &tr.t("gui-pos-payment"), |ui| {
        widgets::form_grid(ui, "payments", |ui| {
            for (i, method) in METHODS.iter().enumerate() {
                let label = tr.t(&format!("pay-{}", method.as_str()));
                changed |= widgets::text_row(
                    ui,
                    &label,
                    &mut state.payments[i],
                    &error_of(&format!("payment[{i}]")),
                )
                .changed();
            }
        });
        ui.horizontal(|ui| {
            let quoted = state.quote.is_some();
            if ui
                .add_enabled(quoted, egui::Button::new(tr.t("gui-pos-exact-cash")))
                .clicked()
            {
                pay_rest = Some(0);
            }
            if ui
                .add_enabled(quoted, egui::Button::new(tr.t("gui-pos-rest-card")))
                .clicked()
            {
                pay_rest = Some(1);
            }
        });
        if let Some(quote) = &state.quote {
            for error in &quote.payment_errors.0 {
                widgets::error_line(ui, &tr.field_error(error));
            }
        }
    });
    state.dirty |= changed;
    if let Some(method) = pay_rest {
        state.pay_rest(method, currency);
    }
    if let Some(error) = &state.sale_error {
        widgets::error_line(ui, &tr.ui_error(error));
    }
    let ready = !state.busy
        && !state.cart.is_empty()
        && state
            .quote
            .as_ref()
            .is_some_and(|q| q.payment_errors.is_empty());
    ui.horizontal(|ui| {
        let complete = egui::Button::new(RichText::new(tr.t("gui-pos-complete")).strong());
        if ui.add_enabled(ready, complete).clicked()
            && let Ok((items, payments)) = state.inputs(currency)
        {
            state.busy = true;
            state.sale_error = None;
            ctx.send(Command::Sell {
                items,
                payments,
                patient: state.buyer.patient(),
            });
        }
        if ui.button(tr.t("gui-pos-clear")).clicked() {
            state.cart.clear();
            state.payments = Default::default();
            state.quote = None;
            state.sale_error = None;
        }
        if state.busy {
            ui.spinner();
        }
    });
}

/// Whether the tax of these totals was added on top of the prices rather than included
/// in them: only then does the total exceed what the lines came to.
fn tax_added(subtotal: i64, discount: i64, tax: i64, total: i64) -> bool {
    tax != 0 && total == subtotal - discount + tax
}

fn totals_ui(ui: &mut Ui, state: &PosState, code: &str, ctx: &Ctx<'_>) {
    let tr = ctx.tr;
    let Some(quote) = &state.quote else { return };
    let p = &quote.priced;
    egui::Grid::new("totals").num_columns(2).show(ui, |ui| {
        let mut row = |id: &str, minor: i64, strong: bool| {
            ui.label(tr.t(id));
            let text = RichText::new(tr.money(minor, code));
            ui.label(if strong {
                text.strong().size(18.0)
            } else {
                text
            });
            ui.end_row();
        };
        row("gui-pos-subtotal", p.subtotal_minor, false);
        row("field-discount", -p.discount_minor, false);
        // Tax added on top (a clinic whose prices exclude it) shows as such.
        let tax = if tax_added(
            p.subtotal_minor,
            p.discount_minor,
            p.tax_minor,
            p.total_minor,
        ) {
            "gui-pos-tax-added"
        } else {
            "gui-pos-tax"
        };
        row(tax, p.tax_minor, false);
        row("gui-pos-total", p.total_minor, true);
        row("gui-pos-paid", p.paid_minor, false);
        row("gui-pos-due", (p.total_minor - p.paid_minor).max(0), true);
        row("gui-pos-change", p.change_minor, true);
    });
}

fn receipt_ui(ui: &mut Ui, state: &mut PosState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let Some(sale) = &state.receipt else { return };
    let code = sale.currency.code().to_owned();
    ui.heading(tr.t_args(
        "gui-pos-receipt",
        &[("number", sale.receipt.as_str().into())],
    ));
    ui.label(tr.datetime(sale.at));
    if let Some(cashier) = &sale.cashier {
        ui.label(cashier);
    }
    ui.separator();
    egui::Grid::new("receipt-lines")
        .striped(true)
        .num_columns(3)
        .show(ui, |ui| {
            for line in &sale.lines {
                ui.label(format!("{} × {}", tr.int(line.qty), line.name));
                ui.label(if line.discount_minor > 0 {
                    tr.money(-line.discount_minor, &code)
                } else {
                    String::new()
                });
                ui.label(tr.money(line.total_minor, &code));
                ui.end_row();
            }
        });
    ui.separator();
    egui::Grid::new("receipt-totals")
        .num_columns(2)
        .show(ui, |ui| {
            let mut row = |label: String, minor: i64| {
                ui.label(label);
                ui.label(tr.money(minor, &code));
                ui.end_row();
            };
            row(tr.t("gui-pos-subtotal"), sale.subtotal_minor);
            row(tr.t("field-discount"), -sale.discount_minor);
            let tax = if tax_added(
                sale.subtotal_minor,
                sale.discount_minor,
                sale.tax_minor,
                sale.total_minor,
            ) {
                "gui-pos-tax-added"
            } else {
                "gui-pos-tax-included"
            };
            row(tr.t(tax), sale.tax_minor);
            row(tr.t("gui-pos-total"), sale.total_minor);
            for p in &sale.payments {
                row(tr.t(&format!("pay-{}", p.method.as_str())), p.amount_minor);
            }
            row(tr.t("gui-pos-change"), sale.change_minor);
        });
    ui.add_space(10.0);
    let receipt = sale.receipt.clone();
    let mut print = false;
    ui.horizontal(|ui| {
        print = ui
            .add_enabled(
                !state.print.busy,
                widgets::primary_button(ui, &tr.t("gui-journal-print")),
            )
            .clicked();
        if ui.button(tr.t("gui-pos-new-sale")).clicked() {
            state.receipt = None;
            state.print = Default::default();
            state.refocus_scan = true;
        }
    });
    state.print.outcome_ui(ui, tr);
    if print
        && let Some(command) = state
            .print
            .request(&receipt, crate::gui::backend::ReceiptFormat::Pdf)
    {
        ctx.send(command);
    }
}
