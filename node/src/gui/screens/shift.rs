//! The cash drawer's shift: open one with the float counted into the drawer; while it is
//! open, who opened it and when, the live X report, pay-ins and pay-outs (each with a
//! reason), and closing with the cash counted (see [`super::shift_close`]); the past
//! shifts with their differences, each Z report one click away and printable.

use std::path::PathBuf;

use dermis_model::ledger::{ShiftEventKind, ShiftReport};
use dermis_model::{Currency, ErrorCode, FieldError, Millis, Money, ShiftId, ValidationErrors};
use egui::{Color32, RichText, Ui};

use super::shift_close::{CloseDialog, PayDialog, close_dialog_ui, pay_dialog_ui};
use super::{Ctx, Nav, Screen};
use crate::gui::backend::{Command, ShiftCommand, ShiftReply, ShiftView, UiError};
use crate::gui::tr::Tr;
use crate::gui::widgets;
use crate::print::shift::{difference_word, rate_text};

/// Width of a column of amounts.
pub(super) const FIGURE_WIDTH: f32 = 120.0;

/// What the till shows about the shift: whether one is open, since when, by whom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShiftStatus {
    pub open: Option<(Millis, Option<String>)>,
}

#[derive(Debug, Default)]
pub struct ShiftState {
    pub view: Option<ShiftView>,
    /// The opening float as typed.
    pub float: String,
    pub errors: ValidationErrors,
    pub error: Option<UiError>,
    pub busy: bool,
    pub pay: Option<PayDialog>,
    pub close: Option<CloseDialog>,
    /// A shift's report shown instead of the screen: the Z report just made, or one
    /// chosen among the past shifts.
    pub report: Option<ShiftReport>,
    /// Where the shown report was printed, and whether a viewer opened it.
    pub printed: Option<(PathBuf, bool)>,
    pub printing: bool,
}

impl ShiftState {
    pub fn status(&self) -> Option<ShiftStatus> {
        self.view.as_ref().map(|v| ShiftStatus {
            open: v.open.as_ref().map(|r| (r.opened_at, r.opened_by.clone())),
        })
    }

    pub fn on_reply(&mut self, reply: ShiftReply) {
        match reply {
            ShiftReply::State(view) => {
                if view.open.is_some() {
                    self.float.clear();
                }
                self.view = Some(*view);
                self.busy = false;
                self.error = None;
                self.errors = ValidationErrors::default();
            }
            ShiftReply::Paid => self.pay = None,
            ShiftReply::Closed(z) => {
                self.close = None;
                self.show_report(*z);
            }
            ShiftReply::Report(r) => self.show_report(*r),
            ShiftReply::Printed { path, opened } => {
                self.printing = false;
                self.printed = Some((path, opened));
            }
        }
    }

    fn show_report(&mut self, report: ShiftReport) {
        self.report = Some(report);
        self.printed = None;
        self.printing = false;
    }

    /// A refused action: its dialog shows why, or the screen does.
    pub fn failed(&mut self, error: UiError) {
        self.busy = false;
        self.printing = false;
        if let Some(pay) = &mut self.pay {
            pay.failed(error);
        } else if let Some(close) = &mut self.close {
            close.failed(error);
        } else {
            match error {
                UiError::Invalid(errors) => self.errors = errors,
                other => self.error = Some(other),
            }
        }
    }
}

/// Parses a typed amount of `currency` as `field`; an empty text is an error too.
pub(super) fn parse_amount(text: &str, field: &str, currency: Currency) -> Result<i64, FieldError> {
    if text.trim().is_empty() {
        return Err(FieldError::new(field, ErrorCode::Required, "required"));
    }
    Money::parse(text, currency)
        .map(|m| m.minor)
        .map_err(|e| FieldError::new(field, ErrorCode::InvalidAmount, e.to_string()))
}

/// A figure right-aligned in a column of [`FIGURE_WIDTH`], so amounts line up.
pub(super) fn figure(ui: &mut Ui, text: impl Into<egui::WidgetText>) -> egui::Response {
    figure_in(ui, FIGURE_WIDTH, text)
}

/// A figure right-aligned in a column `width` wide.
pub(super) fn figure_in(
    ui: &mut Ui,
    width: f32,
    text: impl Into<egui::WidgetText>,
) -> egui::Response {
    ui.allocate_ui_with_layout(
        egui::vec2(width, ui.spacing().interact_size.y),
        egui::Layout::right_to_left(egui::Align::Center),
        |ui| {
            ui.set_min_width(width);
            ui.label(text)
        },
    )
    .inner
}

/// Widths of figure columns wide enough for their headings (which some languages make
/// long), at least [`FIGURE_WIDTH`].
pub(super) fn widths_for(ui: &Ui, headings: &[String]) -> Vec<f32> {
    headings
        .iter()
        .map(|h| {
            let galley = egui::WidgetText::from(RichText::new(h).strong()).into_galley(
                ui,
                Some(egui::TextWrapMode::Extend),
                f32::INFINITY,
                egui::TextStyle::Body,
            );
            (galley.size().x + 8.0).max(FIGURE_WIDTH)
        })
        .collect()
}

/// The colour of a drawer difference; the words beside it say the same for those who
/// do not see colours.
pub(super) fn difference_color(ui: &Ui, difference: i64) -> Color32 {
    match difference.signum() {
        0 => widgets::ok_color(ui),
        1 => widgets::warn_color(ui),
        _ => ui.visuals().error_fg_color,
    }
}

/// The difference as an amount and a word: "-€1.00 · Short: …".
pub(super) fn difference_text(tr: &Tr, difference: i64, code: &str) -> String {
    format!(
        "{} · {}",
        tr.money(difference, code),
        tr.t(difference_word(difference))
    )
}

/// The one line the till shows about the shift, leading to this screen.
pub fn status_line_ui(ui: &mut Ui, status: Option<&ShiftStatus>, ctx: &mut Ctx<'_>) {
    // One scope whatever it holds, so the widgets after it keep their ids (and the
    // barcode field its focus) when the shift's state arrives.
    ui.push_id("shift-status", |ui| {
        if let Some(status) = status {
            status_line_inner_ui(ui, status, ctx);
        }
    });
}

fn status_line_inner_ui(ui: &mut Ui, status: &ShiftStatus, ctx: &mut Ctx<'_>) {
    ui.horizontal(|ui| match &status.open {
        Some((at, by)) => {
            let text = ctx.tr.t_args(
                "gui-shift-open-since",
                &[
                    ("when", ctx.tr.time(*at).into()),
                    ("who", by.clone().unwrap_or_default().into()),
                ],
            );
            if ui.link(text).clicked() {
                ctx.go(Nav::Show(Screen::Shift));
            }
        }
        None => {
            ui.colored_label(widgets::warn_color(ui), ctx.t("gui-shift-pos-none"));
            if ui.link(ctx.t("gui-shift-pos-open-one")).clicked() {
                ctx.go(Nav::Show(Screen::Shift));
            }
        }
    });
}

pub fn shift_ui(ui: &mut Ui, state: &mut ShiftState, ctx: &mut Ctx<'_>) {
    let currency = Currency::parse(&ctx.session.currency).unwrap_or(Currency::EUR);
    if state.report.is_some() {
        report_screen_ui(ui, state, ctx);
        return;
    }
    ui.heading(ctx.t("gui-shift-title"));
    ui.add_space(4.0);
    let Some(view) = &state.view else {
        ui.spinner();
        return;
    };
    if let Some(error) = &state.error {
        widgets::error_line(ui, &ctx.tr.ui_error(error));
    }
    let open = view.open.clone();
    egui::ScrollArea::vertical()
        .id_salt("shift")
        .show(ui, |ui| {
            match &open {
                None => open_form_ui(ui, state, currency, ctx),
                Some(x) => open_shift_ui(ui, state, x, ctx),
            }
            ui.add_space(8.0);
            past_ui(ui, state, ctx);
        });
    if state.pay.is_some() {
        pay_dialog_ui(ui, state, currency, ctx);
    }
    if state.close.is_some() {
        close_dialog_ui(ui, state, currency, ctx);
    }
}

fn open_form_ui(ui: &mut Ui, state: &mut ShiftState, currency: Currency, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    widgets::section(ui, &tr.t("gui-shift-none"), |ui| {
        let errors: Vec<String> = state
            .errors
            .0
            .iter()
            .filter(|e| e.field == "float" || e.field == "shift")
            .map(|e| tr.field_error(e))
            .collect();
        widgets::form_grid(ui, "open-shift", |ui| {
            widgets::text_row(ui, &tr.t("gui-shift-float"), &mut state.float, &errors);
        });
        ui.weak(tr.t("gui-shift-float-hint"));
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            let open = ui.add_enabled(
                !state.busy,
                widgets::primary_button(ui, &tr.t("gui-shift-open")),
            );
            if open.clicked() {
                match parse_amount(&state.float, "float", currency) {
                    Ok(float_minor) => {
                        state.busy = true;
                        state.errors = ValidationErrors::default();
                        ctx.send(Command::Shift(ShiftCommand::Open { float_minor }));
                    }
                    Err(e) => state.errors = ValidationErrors(vec![e]),
                }
            }
            if state.busy {
                ui.spinner();
            }
        });
    });
}

fn open_shift_ui(ui: &mut Ui, state: &mut ShiftState, x: &ShiftReport, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(tr.t_args(
                "gui-shift-open-since",
                &[
                    ("when", tr.datetime(x.opened_at).into()),
                    ("who", x.opened_by.clone().unwrap_or_default().into()),
                ],
            ))
            .strong(),
        );
    });
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        if ui.button(tr.t("gui-shift-pay-in")).clicked() {
            state.pay = Some(PayDialog::new(ShiftEventKind::PayIn));
        }
        if ui.button(tr.t("gui-shift-pay-out")).clicked() {
            state.pay = Some(PayDialog::new(ShiftEventKind::PayOut));
        }
        if ui.button(tr.t("gui-shift-print-x")).clicked() {
            state.printing = true;
            state.printed = None;
            state.report = Some(x.clone());
            ctx.send(print_command(x.shift_id, tr));
        }
        ui.add_space(16.0);
        if ui
            .add(widgets::primary_button(ui, &tr.t("gui-shift-close")))
            .clicked()
        {
            state.close = Some(CloseDialog::default());
        }
    });
    ui.add_space(6.0);
    report_ui(ui, x, ctx);
}

fn print_command(id: ShiftId, tr: &Tr) -> Command {
    Command::Shift(ShiftCommand::Print {
        id,
        locale: tr.locale,
    })
}

/// A label and its amount, right-aligned, as one row of a two-column grid.
fn money_row(ui: &mut Ui, label: String, text: RichText) {
    ui.label(label);
    figure(ui, text);
    ui.end_row();
}

/// The figures of an X or Z report.
pub fn report_ui(ui: &mut Ui, r: &ShiftReport, ctx: &Ctx<'_>) {
    let tr = ctx.tr;
    let code = ctx.session.currency.clone();
    let m = |minor: i64| RichText::new(tr.money(minor, &code));
    ui.columns(2, |columns| {
        let [left, right] = columns else { return };
        widgets::section(left, &tr.t("gui-shift-cash"), |ui| {
            egui::Grid::new("shift-cash")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    money_row(ui, tr.t("gui-shift-float"), m(r.opening_float));
                    money_row(ui, tr.t("gui-shift-cash-sales"), m(r.cash_sales));
                    money_row(ui, tr.t("gui-shift-cash-refunds"), m(-r.cash_refunds));
                    money_row(ui, tr.t("gui-shift-pay-ins"), m(r.pay_ins));
                    money_row(ui, tr.t("gui-shift-pay-outs"), m(-r.pay_outs));
                    money_row(
                        ui,
                        tr.t("gui-shift-expected"),
                        m(r.expected_cash).strong().size(17.0),
                    );
                    if let (Some(counted), Some(difference)) = (r.counted_cash, r.difference) {
                        money_row(ui, tr.t("gui-shift-counted"), m(counted));
                        let color = difference_color(ui, difference);
                        money_row(
                            ui,
                            tr.t("gui-shift-difference"),
                            m(difference).strong().color(color),
                        );
                    }
                });
            // The difference in words too, so it never rests on colour alone.
            if let Some(difference) = r.difference {
                let color = difference_color(ui, difference);
                ui.label(
                    RichText::new(tr.t(difference_word(difference)))
                        .strong()
                        .color(color),
                );
            }
        });
        left.add_space(8.0);
        widgets::section(left, &tr.t("gui-shift-receipts"), |ui| {
            egui::Grid::new("shift-counts")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    let range = match (&r.first_receipt, &r.last_receipt) {
                        (Some(first), Some(last)) => tr.t_args(
                            "gui-shift-receipt-range",
                            &[("first", first.into()), ("last", last.into())],
                        ),
                        _ => tr.t("gui-shift-no-receipts"),
                    };
                    ui.label(tr.t("gui-shift-receipts"));
                    ui.label(range);
                    ui.end_row();
                    let count = |ui: &mut Ui, id: &str, n: usize| {
                        ui.label(tr.t(id));
                        figure(ui, tr.int(n as i64));
                        ui.end_row();
                    };
                    count(ui, "gui-shift-sales-count", r.sales_count);
                    count(ui, "gui-shift-refunds-count", r.refunds_count);
                    count(ui, "gui-shift-voids-count", r.voids_count);
                    money_row(ui, tr.t("gui-shift-net-total"), m(r.net_total).strong());
                });
        });
        methods_ui(right, r, ctx);
        right.add_space(8.0);
        moves_ui(right, r, ctx);
    });
}

fn methods_ui(ui: &mut Ui, r: &ShiftReport, ctx: &Ctx<'_>) {
    let tr = ctx.tr;
    let code = &ctx.session.currency;
    widgets::section(ui, &tr.t("gui-shift-by-method"), |ui| {
        egui::Grid::new("shift-methods")
            .num_columns(4)
            .striped(true)
            .show(ui, |ui| {
                let heads = [
                    tr.t("gui-shift-col-sales"),
                    tr.t("gui-shift-col-refunds"),
                    tr.t("gui-shift-col-net"),
                ];
                let w = widths_for(ui, &heads);
                ui.label(RichText::new(tr.t("gui-shift-col-method")).strong());
                for (head, width) in heads.iter().zip(&w) {
                    figure_in(ui, *width, RichText::new(head).strong());
                }
                ui.end_row();
                for t in &r.by_method {
                    ui.label(tr.t(&format!("pay-{}", t.method.as_str())));
                    figure_in(ui, w[0], tr.money(t.sales, code));
                    figure_in(ui, w[1], tr.money(-t.refunds, code));
                    figure_in(ui, w[2], tr.money(t.net, code));
                    ui.end_row();
                }
            });
    });
    ui.add_space(8.0);
    widgets::section(ui, &tr.t("gui-shift-by-rate"), |ui| {
        if r.tax_by_rate.is_empty() {
            ui.weak(tr.t("gui-shift-no-receipts"));
            return;
        }
        egui::Grid::new("shift-rates")
            .num_columns(3)
            .striped(true)
            .show(ui, |ui| {
                let heads = [tr.t("gui-shift-col-gross"), tr.t("gui-shift-col-tax")];
                let w = widths_for(ui, &heads);
                ui.label(RichText::new(tr.t("gui-shift-col-rate")).strong());
                for (head, width) in heads.iter().zip(&w) {
                    figure_in(ui, *width, RichText::new(head).strong());
                }
                ui.end_row();
                for t in &r.tax_by_rate {
                    ui.label(rate_text(t.rate_bps, tr.locale));
                    figure_in(ui, w[0], tr.money(t.gross, code));
                    figure_in(ui, w[1], tr.money(t.tax, code));
                    ui.end_row();
                }
            });
    });
}

fn moves_ui(ui: &mut Ui, r: &ShiftReport, ctx: &Ctx<'_>) {
    let tr = ctx.tr;
    let code = &ctx.session.currency;
    widgets::section(ui, &tr.t("gui-shift-moves"), |ui| {
        if r.pay_in_moves.is_empty() && r.pay_out_moves.is_empty() {
            ui.weak(tr.t("gui-shift-no-moves"));
            return;
        }
        egui::Grid::new("shift-moves")
            .num_columns(4)
            .striped(true)
            .show(ui, |ui| {
                ui.label(RichText::new(tr.t("gui-col-time")).strong());
                figure(ui, RichText::new(tr.t("gui-shift-col-amount")).strong());
                ui.label(RichText::new(tr.t("field-reason")).strong());
                ui.label(RichText::new(tr.t("gui-col-by")).strong());
                ui.end_row();
                let mut moves: Vec<_> = r
                    .pay_in_moves
                    .iter()
                    .map(|m| (m, 1))
                    .chain(r.pay_out_moves.iter().map(|m| (m, -1)))
                    .collect();
                moves.sort_by_key(|(m, _)| m.at);
                for (m, sign) in moves {
                    ui.label(tr.time(m.at));
                    figure(ui, tr.money(sign * m.amount, code));
                    ui.label(&m.reason);
                    ui.label(m.user.clone().unwrap_or_default());
                    ui.end_row();
                }
            });
    });
}

fn past_ui(ui: &mut Ui, state: &mut ShiftState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let code = ctx.session.currency.clone();
    let Some(view) = &state.view else { return };
    let mut open = None;
    widgets::section(ui, &tr.t("gui-shift-past"), |ui| {
        if view.past.iter().all(|s| s.closed_at.is_none()) {
            ui.weak(tr.t("gui-shift-past-none"));
            return;
        }
        egui::Grid::new("past-shifts")
            .num_columns(8)
            .striped(true)
            .show(ui, |ui| {
                let heads = [
                    tr.t("gui-shift-expected"),
                    tr.t("gui-shift-counted"),
                    tr.t("gui-shift-difference"),
                ];
                let w = widths_for(ui, &heads);
                ui.label(RichText::new(tr.t("gui-shift-opened")).strong());
                ui.label(RichText::new(tr.t("gui-shift-closed")).strong());
                ui.label(RichText::new(tr.t("gui-shift-col-cashier")).strong());
                for (head, width) in heads.iter().zip(&w) {
                    figure_in(ui, *width, RichText::new(head).strong());
                }
                ui.label("");
                ui.label("");
                ui.end_row();
                for s in view.past.iter().filter(|s| s.closed_at.is_some()) {
                    ui.label(tr.datetime(s.opened_at));
                    ui.label(s.closed_at.map(|at| tr.datetime(at)).unwrap_or_default());
                    let cashier = match (&s.opened_by, &s.closed_by) {
                        (Some(a), Some(b)) if a != b => format!("{a} → {b}"),
                        (Some(a), _) => a.clone(),
                        (None, b) => b.clone().unwrap_or_default(),
                    };
                    ui.label(cashier);
                    figure_in(ui, w[0], tr.money(s.expected_cash, &code));
                    figure_in(
                        ui,
                        w[1],
                        s.counted_cash
                            .map(|c| tr.money(c, &code))
                            .unwrap_or_default(),
                    );
                    // The amount in its column, and in words beside it: never colour alone.
                    let d = s.difference.unwrap_or(0);
                    let color = difference_color(ui, d);
                    figure_in(ui, w[2], RichText::new(tr.money(d, &code)).color(color));
                    let word = match d.signum() {
                        1 => "gui-shift-over-word",
                        -1 => "gui-shift-short-word",
                        _ => "gui-shift-balanced",
                    };
                    ui.label(RichText::new(tr.t(word)).color(color));
                    let view_button = ui
                        .button(tr.t("gui-shift-view"))
                        .on_hover_text(s.closed_at.map(|at| tr.datetime(at)).unwrap_or_default());
                    if view_button.clicked() {
                        open = Some(s.shift_id);
                    }
                    ui.end_row();
                }
            });
    });
    if let Some(id) = open {
        ctx.send(Command::Shift(ShiftCommand::Report { id }));
    }
}

/// A report on its own: the Z report just made, or a past shift's, with Print and Back.
fn report_screen_ui(ui: &mut Ui, state: &mut ShiftState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let Some(report) = state.report.clone() else {
        return;
    };
    let title = if report.closed_at.is_some() {
        "gui-shift-z-report"
    } else {
        "gui-shift-x-report"
    };
    ui.heading(tr.t(title));
    ui.label(match (report.closed_at, &report.closed_by) {
        (Some(at), by) => tr.t_args(
            "gui-shift-closed-at",
            &[
                ("when", tr.datetime(at).into()),
                ("who", by.clone().unwrap_or_default().into()),
            ],
        ),
        (None, _) => tr.t_args(
            "gui-shift-open-since",
            &[
                ("when", tr.datetime(report.opened_at).into()),
                ("who", report.opened_by.clone().unwrap_or_default().into()),
            ],
        ),
    });
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        let print = ui.add_enabled(
            !state.printing,
            widgets::primary_button(ui, &tr.t("gui-shift-print")),
        );
        if print.clicked() {
            state.printing = true;
            state.printed = None;
            ctx.send(print_command(report.shift_id, tr));
        }
        if ui.button(tr.t("gui-back")).clicked() {
            state.report = None;
            state.printed = None;
        }
        if state.printing {
            ui.spinner();
        }
    });
    if let Some((path, opened)) = &state.printed {
        let path = path.display().to_string();
        let id = if *opened {
            "gui-shift-printed"
        } else {
            "gui-shift-print-not-opened"
        };
        ui.label(tr.t_args(id, &[("path", path.into())]));
    }
    if let Some(error) = &state.error {
        widgets::error_line(ui, &tr.ui_error(error));
    }
    ui.add_space(6.0);
    egui::ScrollArea::vertical()
        .id_salt("shift-report")
        .show(ui, |ui| report_ui(ui, &report, ctx));
}
