//! The sales journal: every sale, refund and void of the clinic's workstations, found by
//! receipt number, days, patient or product, newest first and a page at a time, with the
//! totals of all that was found (sales, refunds, voids, net, each payment method). A sale
//! opens with its lines, discounts, tax by rate, payments, change, cashier, patient, its
//! place in the receipt chain and its refunds and voids; from there it is printed again
//! (PDF to the system's viewer, or 48-column text), refunded line by line or voided
//! whole. Refunds and voids ask for a reason in a dialog that says what will happen; the
//! buttons a role may not use are disabled with the reason beside them, and the backend
//! refuses them too.

use std::path::PathBuf;

use dermis_model::clinic::Permission;
use dermis_model::ledger::{PaymentMethod, SaleKind};
use dermis_model::{ErrorCode, FieldError};
use egui::{RichText, Ui};

use super::Ctx;
use crate::gui::backend::{
    Command, JournalPage, JournalSearch, ReceiptFormat, SaleDetail, UiError,
};
use crate::gui::tr::Tr;
use crate::gui::widgets::column_width;
use crate::gui::{date_input, widgets};

mod dialog;
mod sale;
use crate::store::journal::{EntryStatus, JournalRow, JournalTotals};

const ROW_HEIGHT: f32 = 24.0;

/// A receipt printed from the window, as the backend reported it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Printed {
    pub receipt: String,
    pub format: ReceiptFormat,
    pub path: PathBuf,
    pub opened: bool,
}

/// Printing a receipt to a file: one at a time (a second click waits for the first).
#[derive(Debug, Default)]
pub struct PrintState {
    pub busy: bool,
    pub result: Option<Result<Printed, UiError>>,
}

impl PrintState {
    /// The command that prints `receipt` in `format`, unless a print is under way.
    pub fn request(&mut self, receipt: &str, format: ReceiptFormat) -> Option<Command> {
        if self.busy {
            return None;
        }
        self.busy = true;
        self.result = None;
        Some(Command::PrintReceipt {
            receipt: receipt.to_owned(),
            format,
        })
    }

    pub fn on_written(&mut self, printed: Printed) {
        self.busy = false;
        self.result = Some(Ok(printed));
    }

    pub fn failed(&mut self, error: UiError) {
        self.busy = false;
        self.result = Some(Err(error));
    }

    /// Where the last print went, or why it did not.
    pub fn outcome_ui(&self, ui: &mut Ui, tr: &Tr) {
        if self.busy {
            ui.spinner();
        }
        match &self.result {
            None => {}
            Some(Err(error)) => widgets::error_line(ui, &tr.ui_error(error)),
            Some(Ok(p)) => {
                let path = p.path.display().to_string();
                let args = [
                    ("receipt", p.receipt.as_str().into()),
                    ("path", path.into()),
                ];
                let (id, color) = match (p.format, p.opened) {
                    (ReceiptFormat::Pdf, true) => ("gui-journal-printed", widgets::ok_color(ui)),
                    (ReceiptFormat::Pdf, false) => {
                        ("gui-journal-printed-not-opened", widgets::warn_color(ui))
                    }
                    _ => ("gui-journal-saved-text", widgets::ok_color(ui)),
                };
                ui.label(RichText::new(tr.t_args(id, &args)).color(color));
            }
        }
    }
}

/// The refund being chosen: units per line, how the money goes back, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundForm {
    pub qty: Vec<i64>,
    pub method: PaymentMethod,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dialog {
    Refund(RefundForm),
    Void { reason: String },
}

#[derive(Debug, Default)]
pub struct JournalState {
    pub search: JournalSearch,
    /// The generation of the last search sent; answers to older ones are dropped.
    generation: u64,
    offset: usize,
    pub page: Option<JournalPage>,
    pub loaded: bool,
    pub search_error: Option<UiError>,
    /// The receipt open (or being opened), so a refresh opens it again.
    pub open_receipt: Option<String>,
    pub detail: Option<SaleDetail>,
    pub dialog: Option<Dialog>,
    /// The dialog just opened: its reason field takes the keyboard.
    focus_reason: bool,
    /// A refund or void sent and not yet answered.
    pub busy: bool,
    pub reverse_error: Option<UiError>,
    /// The refund or void just written: (kind, receipt).
    pub done: Option<(SaleKind, String)>,
    pub print: PrintState,
    /// The dates start on today the first time the screen opens.
    started: bool,
}

impl JournalState {
    /// The search for what the form holds now, from the first page.
    pub fn search_command(&mut self) -> Command {
        if !self.started {
            self.started = true;
            let today = dermis_model::validate::format_date(crate::node::today());
            self.search.from.clone_from(&today);
            self.search.to = today;
        }
        self.generation += 1;
        Command::SearchJournal {
            generation: self.generation,
            search: self.search.clone(),
            offset: self.offset,
        }
    }

    /// What the screen asks for when it is shown or the store changed: the page, and
    /// the open sale again.
    pub fn refresh(&mut self) -> Vec<Command> {
        let mut out = vec![self.search_command()];
        if let Some(receipt) = &self.open_receipt {
            out.push(Command::OpenSale {
                receipt: receipt.clone(),
            });
        }
        out
    }

    pub fn on_page(&mut self, generation: u64, page: JournalPage) {
        if generation == self.generation {
            self.page = Some(page);
            self.loaded = true;
            self.search_error = None;
        }
    }

    pub fn failed_search(&mut self, error: UiError) {
        self.loaded = true;
        self.page = None;
        self.search_error = Some(error);
    }

    /// Opens the entry `receipt` (the list gives way to it).
    pub fn open(&mut self, receipt: &str) -> Command {
        if self.open_receipt.as_deref() != Some(receipt) {
            self.detail = None;
            self.dialog = None;
            self.done = None;
            self.reverse_error = None;
            self.print = PrintState::default();
        }
        self.open_receipt = Some(receipt.to_owned());
        Command::OpenSale {
            receipt: receipt.to_owned(),
        }
    }

    pub fn on_opened(&mut self, detail: SaleDetail) {
        if self.open_receipt.as_deref() == Some(detail.sale.receipt.as_str()) {
            self.detail = Some(detail);
        }
    }

    /// Back to the list.
    pub fn close(&mut self) {
        self.open_receipt = None;
        self.detail = None;
        self.dialog = None;
        self.done = None;
        self.reverse_error = None;
        self.print = PrintState::default();
    }

    pub fn on_reversed(&mut self, original: &str, entry: String) {
        let kind = match &self.dialog {
            Some(Dialog::Void { .. }) => SaleKind::Void,
            _ => SaleKind::Refund,
        };
        if self.open_receipt.as_deref() == Some(original) {
            self.done = Some((kind, entry));
        }
        self.busy = false;
        self.dialog = None;
        self.reverse_error = None;
    }

    pub fn failed_reverse(&mut self, error: UiError) {
        self.busy = false;
        self.reverse_error = Some(error);
    }

    /// Whether the screen shows what it was asked for.
    pub fn loaded(&self) -> bool {
        self.loaded && (self.open_receipt.is_none() || self.detail.is_some())
    }

    /// The receipt of the first entry on the page that is a sale something was done to
    /// (else the first entry): what the screenshot script opens.
    pub fn showcase(&self) -> Option<String> {
        let rows = &self.page.as_ref()?.rows;
        [
            EntryStatus::PartlyRefunded,
            EntryStatus::Refunded,
            EntryStatus::Voided,
        ]
        .iter()
        .find_map(|status| rows.iter().find(|r| r.status == *status))
        .or(rows.first())
        .map(|r| r.receipt.clone())
    }
}

pub fn journal_ui(ui: &mut Ui, state: &mut JournalState, ctx: &mut Ctx<'_>) {
    if state.open_receipt.is_some() {
        sale::sale_ui(ui, state, ctx);
        return;
    }
    ui.heading(ctx.t("gui-journal-title"));
    let before = state.search.clone();
    search_ui(ui, state, ctx);
    if state.search != before {
        state.offset = 0;
        if dates_ready(&state.search) {
            let command = state.search_command();
            ctx.send(command);
        }
    }
    if let Some(error) = &state.search_error {
        widgets::error_line(ui, &ctx.tr.ui_error(error));
    }
    ui.add_space(6.0);
    let Some(page) = &state.page else {
        if !state.loaded {
            ui.spinner();
        }
        return;
    };
    totals_ui(ui, &state.search, &page.totals, ctx);
    ui.add_space(6.0);
    if let Some(opened) = table_ui(ui, &page.rows, ctx) {
        let command = state.open(&opened);
        ctx.send(command);
        return;
    }
    if let Some(offset) = pager_ui(ui, page, ctx.tr) {
        state.offset = offset;
        let command = state.search_command();
        ctx.send(command);
    }
}

/// Whether both dates are blank or read as dates: a date half typed is not searched.
fn dates_ready(search: &JournalSearch) -> bool {
    [&search.from, &search.to].iter().all(|d| {
        d.trim().is_empty() || dermis_model::validate::parse_stored_date(d.trim()).is_some()
    })
}

fn date_errors(tr: &Tr, field: &str, text: &str, server: Option<&UiError>) -> Vec<String> {
    if !text.trim().is_empty() && dermis_model::validate::parse_stored_date(text.trim()).is_none() {
        return vec![tr.field_error(&FieldError::new(
            field,
            ErrorCode::InvalidDate,
            "not a date",
        ))];
    }
    match server {
        Some(UiError::Invalid(errors)) => tr.errors_for(errors, field),
        _ => Vec::new(),
    }
}

fn search_ui(ui: &mut Ui, state: &mut JournalState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let by_receipt = !state.search.receipt.trim().is_empty();
    widgets::section(ui, &tr.t("gui-journal-search"), |ui| {
        ui.horizontal_top(|ui| {
            widgets::form_grid(ui, "journal-search-text", |ui| {
                let receipt = widgets::text_row(
                    ui,
                    &tr.t("gui-journal-receipt"),
                    &mut state.search.receipt,
                    &[],
                );
                receipt.on_hover_text(tr.t("gui-journal-receipt-hint"));
                if ctx.can(Permission::ViewPatients) {
                    widgets::text_row(
                        ui,
                        &tr.t("gui-journal-patient"),
                        &mut state.search.patient,
                        &[],
                    )
                    .on_hover_text(tr.t("gui-journal-patient-hint"));
                }
                widgets::text_row(
                    ui,
                    &tr.t("gui-journal-product"),
                    &mut state.search.product,
                    &[],
                )
                .on_hover_text(tr.t("gui-journal-product-hint"));
            });
            ui.add_space(16.0);
            ui.vertical(|ui| {
                ui.add_enabled_ui(!by_receipt, |ui| {
                    widgets::form_grid(ui, "journal-search-dates", |ui| {
                        let errors = date_errors(
                            tr,
                            "from",
                            &state.search.from,
                            state.search_error.as_ref(),
                        );
                        date_input::date_row(
                            ui,
                            tr,
                            &tr.t("gui-journal-from"),
                            &mut state.search.from,
                            &errors,
                        );
                        let errors =
                            date_errors(tr, "to", &state.search.to, state.search_error.as_ref());
                        date_input::date_row(
                            ui,
                            tr,
                            &tr.t("gui-journal-to"),
                            &mut state.search.to,
                            &errors,
                        );
                    });
                    ui.horizontal(|ui| {
                        if ui.button(tr.t("gui-journal-today")).clicked() {
                            let today = dermis_model::validate::format_date(crate::node::today());
                            state.search.from.clone_from(&today);
                            state.search.to = today;
                        }
                        if ui.button(tr.t("gui-journal-all-dates")).clicked() {
                            state.search.from.clear();
                            state.search.to.clear();
                        }
                    });
                });
                if by_receipt {
                    ui.weak(tr.t("gui-journal-receipt-all-dates"));
                }
                if ui.button(tr.t("gui-journal-clear")).clicked() {
                    state.search.receipt.clear();
                    state.search.patient.clear();
                    state.search.product.clear();
                }
            });
        });
    });
}

/// What the totals are of, in words.
fn totals_title(search: &JournalSearch, tr: &Tr) -> String {
    if !search.receipt.trim().is_empty() {
        return tr.t("gui-journal-totals-found");
    }
    let from = search.from.trim();
    let to = search.to.trim();
    match (from.is_empty(), to.is_empty()) {
        (true, true) => tr.t("gui-journal-totals-all"),
        (false, true) => tr.t_args(
            "gui-journal-totals-since",
            &[("from", tr.stored_date(from).into())],
        ),
        (true, false) => tr.t_args(
            "gui-journal-totals-until",
            &[("to", tr.stored_date(to).into())],
        ),
        (false, false) if from == to => tr.t_args(
            "gui-journal-totals-day",
            &[("day", tr.stored_date(from).into())],
        ),
        (false, false) => tr.t_args(
            "gui-journal-totals-days",
            &[
                ("from", tr.stored_date(from).into()),
                ("to", tr.stored_date(to).into()),
            ],
        ),
    }
}

/// A strong label at the right edge of a cell `width` wide.
fn figure(ui: &mut Ui, width: f32, text: impl Into<egui::WidgetText>) -> egui::Response {
    widgets::cell_right(ui, width, ROW_HEIGHT, |ui| ui.label(text))
}

fn totals_ui(ui: &mut Ui, search: &JournalSearch, totals: &JournalTotals, ctx: &Ctx<'_>) {
    let tr = ctx.tr;
    let code = ctx.session.currency.as_str();
    widgets::section(ui, &totals_title(search, tr), |ui| {
        ui.horizontal_top(|ui| {
            const LABEL: f32 = 150.0;
            const COUNT: f32 = 70.0;
            const AMOUNT: f32 = 130.0;
            ui.vertical(|ui| {
                ui.horizontal(|ui| {
                    widgets::cell(ui, LABEL, ROW_HEIGHT, |ui| ui.label(""));
                    widgets::cell_right(ui, COUNT, ROW_HEIGHT, |ui| {
                        widgets::header_label(ui, &tr.t("gui-journal-count"))
                    });
                    widgets::cell_right(ui, AMOUNT, ROW_HEIGHT, |ui| {
                        widgets::header_label(ui, &tr.t("gui-journal-amount"))
                    });
                });
                let rows = [
                    ("gui-journal-sales", Some(totals.sales_count), totals.sales),
                    (
                        "gui-journal-refunds",
                        Some(totals.refunds_count),
                        -totals.refunds,
                    ),
                    ("gui-journal-voids", Some(totals.voids_count), -totals.voids),
                    ("gui-journal-net", None, totals.net),
                ];
                for (id, count, amount) in rows {
                    ui.horizontal(|ui| {
                        let strong = count.is_none();
                        widgets::cell(ui, LABEL, ROW_HEIGHT, |ui| {
                            let text = RichText::new(tr.t(id));
                            ui.label(if strong { text.strong() } else { text })
                        });
                        widgets::cell_right(ui, COUNT, ROW_HEIGHT, |ui| {
                            ui.label(count.map(|n| tr.int(n)).unwrap_or_default())
                        });
                        let money = RichText::new(tr.money(amount, code));
                        figure(ui, AMOUNT, if strong { money.strong() } else { money });
                    });
                }
            });
            ui.add_space(32.0);
            ui.vertical(|ui| {
                ui.horizontal(|ui| {
                    widgets::cell(ui, LABEL, ROW_HEIGHT, |ui| {
                        widgets::header_label(ui, &tr.t("gui-journal-by-method"))
                    });
                });
                for m in &totals.by_method {
                    ui.horizontal(|ui| {
                        widgets::cell(ui, LABEL, ROW_HEIGHT, |ui| {
                            ui.label(tr.t_or(&format!("pay-{}", m.method), &m.method))
                        });
                        figure(ui, AMOUNT, tr.money(m.net, code));
                    });
                }
            });
        });
    });
}

/// The width of each column of the journal's table, for the width there is.
struct Columns {
    receipt: f32,
    when: f32,
    cashier: f32,
    patient: f32,
    items: f32,
    payment: f32,
    total: f32,
    status: f32,
}

/// What one row of the table shows, as text.
struct Shown {
    when: String,
    cashier: String,
    patient: String,
    items: String,
    payment: String,
    total: String,
    status: String,
}

impl Columns {
    /// Each column as wide as its widest text (heading included) within bounds, so a
    /// language with longer words or a status naming a receipt is not cut short; the
    /// items take what is left. In a narrow window all shrink together (texts are cut
    /// with an ellipsis, whole on hover) rather than push the status off the screen.
    fn fit(ui: &Ui, tr: &Tr, rows: &[JournalRow], shown: &[Shown], patients: bool) -> Columns {
        let column = |id: &str, texts: &mut dyn Iterator<Item = &str>, min: f32, max: f32| {
            column_width(ui, &tr.t(id), texts, min, max)
        };
        const ITEMS: f32 = 160.0;
        let mut c = Columns {
            receipt: column(
                "gui-journal-col-receipt",
                &mut rows.iter().map(|r| r.receipt.as_str()),
                70.0,
                130.0,
            ),
            when: column(
                "gui-journal-col-when",
                &mut shown.iter().map(|r| r.when.as_str()),
                90.0,
                200.0,
            ),
            cashier: column(
                "gui-journal-col-cashier",
                &mut shown.iter().map(|r| r.cashier.as_str()),
                70.0,
                140.0,
            ),
            patient: if patients {
                column(
                    "gui-journal-col-patient",
                    &mut shown.iter().map(|r| r.patient.as_str()),
                    70.0,
                    170.0,
                )
            } else {
                0.0
            },
            items: ITEMS,
            payment: column(
                "gui-journal-col-payment",
                &mut shown.iter().map(|r| r.payment.as_str()),
                60.0,
                170.0,
            ),
            total: column(
                "gui-journal-col-total",
                &mut shown.iter().map(|r| r.total.as_str()),
                70.0,
                140.0,
            ),
            status: column(
                "gui-journal-col-status",
                &mut shown.iter().map(|r| r.status.as_str()),
                80.0,
                240.0,
            ),
        };
        let count = if patients { 8.0 } else { 7.0 };
        let room = ui.available_width() - ui.spacing().item_spacing.x * (count - 1.0);
        let fixed = c.receipt + c.when + c.cashier + c.patient + c.payment + c.total + c.status;
        if room - fixed >= ITEMS {
            c.items = room - fixed;
        } else {
            let scale = (room / (fixed + ITEMS)).max(0.3);
            for w in [
                &mut c.receipt,
                &mut c.when,
                &mut c.cashier,
                &mut c.patient,
                &mut c.items,
                &mut c.payment,
                &mut c.total,
                &mut c.status,
            ] {
                *w *= scale;
            }
        }
        c
    }
}

/// A table row: striped every other row, as the window's other tables are.
fn striped<R>(ui: &mut Ui, stripe: bool, add: impl FnOnce(&mut Ui) -> R) -> R {
    if stripe {
        egui::Frame::new()
            .fill(ui.visuals().faint_bg_color)
            .show(ui, |ui| ui.horizontal(add).inner)
            .inner
    } else {
        ui.horizontal(add).inner
    }
}

/// One row of a table laid out cell by cell: (width, right-aligned, text), each text cut
/// short to its cell.
fn cells_row(ui: &mut Ui, stripe: bool, cells: Vec<(f32, bool, egui::WidgetText)>) {
    striped(ui, stripe, |ui| {
        for (width, right, text) in cells {
            let label = egui::Label::new(text).truncate();
            if right {
                widgets::cell_right(ui, width, ROW_HEIGHT, |ui| ui.add(label));
            } else {
                widgets::cell(ui, width, ROW_HEIGHT, |ui| ui.add(label));
            }
        }
    });
}

/// A heading for [`cells_row`].
fn heading(tr: &Tr, ui: &Ui, id: &str) -> egui::WidgetText {
    RichText::new(tr.t(id))
        .strong()
        .color(ui.visuals().weak_text_color())
        .into()
}

fn status_text(row_status: EntryStatus, original: Option<&str>, tr: &Tr) -> String {
    let original = original.unwrap_or("?");
    match row_status {
        EntryStatus::Sale => tr.t("gui-journal-status-sale"),
        EntryStatus::PartlyRefunded => tr.t("gui-journal-status-partly-refunded"),
        EntryStatus::Refunded => tr.t("gui-journal-status-refunded"),
        EntryStatus::Voided => tr.t("gui-journal-status-voided"),
        EntryStatus::Refund => {
            tr.t_args("gui-journal-status-refund", &[("receipt", original.into())])
        }
        EntryStatus::Void => tr.t_args("gui-journal-status-void", &[("receipt", original.into())]),
    }
}

fn status_color(ui: &Ui, status: EntryStatus) -> egui::Color32 {
    match status {
        EntryStatus::Sale => ui.visuals().text_color(),
        EntryStatus::PartlyRefunded | EntryStatus::Refunded => widgets::warn_color(ui),
        EntryStatus::Voided => ui.visuals().error_fg_color,
        EntryStatus::Refund | EntryStatus::Void => ui.visuals().weak_text_color(),
    }
}

/// "Sun cream × 2, Lip balm" with the quantity only where it is more than one.
fn items_summary(items: &[(String, i64)], tr: &Tr) -> String {
    items
        .iter()
        .map(|(name, qty)| {
            if *qty == 1 {
                name.clone()
            } else {
                format!("{name} × {}", tr.int(*qty))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn methods_text(methods: &[String], tr: &Tr) -> String {
    methods
        .iter()
        .map(|m| tr.t_or(&format!("pay-{m}"), m))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The table of entries; the receipt the user opened, if any.
fn table_ui(ui: &mut Ui, rows: &[JournalRow], ctx: &Ctx<'_>) -> Option<String> {
    let tr = ctx.tr;
    let patients = ctx.can(Permission::ViewPatients);
    if rows.is_empty() {
        ui.weak(tr.t("gui-journal-empty"));
        return None;
    }
    let shown: Vec<Shown> = rows
        .iter()
        .map(|row| {
            let sign = if row.kind == "sale" { 1 } else { -1 };
            Shown {
                when: tr.datetime(row.at),
                cashier: row.cashier.clone().unwrap_or_default(),
                patient: row
                    .patient
                    .as_ref()
                    .map(|(name, _)| name.clone())
                    .unwrap_or_default(),
                items: items_summary(&row.items, tr),
                payment: methods_text(&row.methods, tr),
                total: tr.money(sign * row.total_minor, &row.currency),
                status: status_text(row.status, row.original_receipt.as_deref(), tr),
            }
        })
        .collect();
    let cols = Columns::fit(ui, tr, rows, &shown, patients);
    let header = |ui: &mut Ui, width: f32, id: &str| {
        widgets::cell(ui, width, ROW_HEIGHT, |ui| {
            widgets::header_label(ui, &tr.t(id));
        });
    };
    ui.horizontal(|ui| {
        header(ui, cols.receipt, "gui-journal-col-receipt");
        header(ui, cols.when, "gui-journal-col-when");
        header(ui, cols.cashier, "gui-journal-col-cashier");
        if patients {
            header(ui, cols.patient, "gui-journal-col-patient");
        }
        header(ui, cols.items, "gui-journal-col-items");
        header(ui, cols.payment, "gui-journal-col-payment");
        widgets::cell_right(ui, cols.total, ROW_HEIGHT, |ui| {
            widgets::header_label(ui, &tr.t("gui-journal-col-total"));
        });
        header(ui, cols.status, "gui-journal-col-status");
    });
    ui.separator();
    let mut opened = None;
    egui::ScrollArea::vertical()
        .id_salt("journal-rows")
        .auto_shrink([false, true])
        .max_height((ui.available_height() - 40.0).max(200.0))
        .show(ui, |ui| {
            for (i, (row, text)) in rows.iter().zip(&shown).enumerate() {
                striped(ui, i % 2 == 1, |ui| {
                    widgets::cell(ui, cols.receipt, ROW_HEIGHT, |ui| {
                        if ui.link(&row.receipt).clicked() {
                            opened = Some(row.receipt.clone());
                        }
                    });
                    widgets::cell(ui, cols.when, ROW_HEIGHT, |ui| {
                        widgets::truncated(ui, &text.when)
                    });
                    widgets::cell(ui, cols.cashier, ROW_HEIGHT, |ui| {
                        widgets::truncated(ui, &text.cashier)
                    });
                    if patients {
                        widgets::cell(ui, cols.patient, ROW_HEIGHT, |ui| {
                            let shown = widgets::truncated(ui, &text.patient);
                            if let Some((_, mrn)) = &row.patient {
                                shown.on_hover_text(mrn);
                            }
                        });
                    }
                    widgets::cell(ui, cols.items, ROW_HEIGHT, |ui| {
                        widgets::truncated(ui, &text.items).on_hover_text(&text.items);
                    });
                    widgets::cell(ui, cols.payment, ROW_HEIGHT, |ui| {
                        widgets::truncated(ui, &text.payment)
                    });
                    figure(ui, cols.total, &text.total);
                    widgets::cell(ui, cols.status, ROW_HEIGHT, |ui| {
                        let color = status_color(ui, row.status);
                        let shown = ui.add(
                            egui::Label::new(RichText::new(&text.status).color(color)).truncate(),
                        );
                        if let Some(reason) = &row.reason {
                            shown.on_hover_text(reason);
                        }
                    });
                });
            }
        });
    opened
}

/// "1–50 of 987" with the previous and next pages; the offset to go to, if asked.
fn pager_ui(ui: &mut Ui, page: &JournalPage, tr: &Tr) -> Option<usize> {
    let total = usize::try_from(page.totals.entries).unwrap_or(0);
    let per = crate::ops::journal::PAGE;
    if total <= per && page.offset == 0 {
        return None;
    }
    let mut to = None;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                page.offset > 0,
                egui::Button::new(tr.t("gui-journal-previous")),
            )
            .clicked()
        {
            to = Some(page.offset.saturating_sub(per));
        }
        let first = page.offset + 1;
        let last = page.offset + page.rows.len();
        ui.label(tr.t_args(
            "gui-journal-range",
            &[
                ("first", tr.int(first as i64).into()),
                ("last", tr.int(last as i64).into()),
                ("total", tr.int(total as i64).into()),
            ],
        ));
        if ui
            .add_enabled(last < total, egui::Button::new(tr.t("gui-journal-next")))
            .clicked()
        {
            to = Some(page.offset + per);
        }
    });
    to
}
