//! The Shift screen's dialogs: a pay-in or pay-out with its reason, and closing the
//! shift. Closing counts the drawer as one amount or note by note and coin by coin (the
//! clinic currency's denominations, summed as they are typed), shows the expected cash
//! and the difference in words as well as colour, and asks once more before the
//! irreversible close.

use dermis_model::denominations::{self, Denomination, Form};
use dermis_model::ledger::ShiftEventKind;
use dermis_model::{Currency, ErrorCode, FieldError, ValidationErrors};
use egui::{RichText, Ui};

use super::Ctx;
use super::shift::{ShiftState, difference_color, difference_text, figure, parse_amount};
use crate::gui::backend::{Command, ShiftCommand, UiError};
use crate::gui::widgets;

#[derive(Debug)]
pub struct PayDialog {
    pub kind: ShiftEventKind,
    pub amount: String,
    pub reason: String,
    pub errors: ValidationErrors,
    pub error: Option<UiError>,
    pub busy: bool,
}

impl PayDialog {
    pub fn new(kind: ShiftEventKind) -> PayDialog {
        PayDialog {
            kind,
            amount: String::new(),
            reason: String::new(),
            errors: ValidationErrors::default(),
            error: None,
            busy: false,
        }
    }

    pub fn failed(&mut self, error: UiError) {
        self.busy = false;
        match error {
            UiError::Invalid(errors) => self.errors = errors,
            other => self.error = Some(other),
        }
    }
}

#[derive(Debug, Default)]
pub struct CloseDialog {
    /// Counting note by note rather than typing one amount.
    pub by_denomination: bool,
    /// The cash counted, typed as one amount.
    pub total: String,
    /// How many of each denomination, as typed, in the order the currency lists them.
    pub counts: Vec<String>,
    /// The count is done; the cashier is asked once more before closing.
    pub confirming: bool,
    pub errors: ValidationErrors,
    pub error: Option<UiError>,
    pub busy: bool,
}

impl CloseDialog {
    pub fn failed(&mut self, error: UiError) {
        self.busy = false;
        self.confirming = false;
        match error {
            UiError::Invalid(errors) => self.errors = errors,
            other => self.error = Some(other),
        }
    }

    /// The cash counted, or why it cannot be read.
    fn counted(&self, currency: Currency, list: &[Denomination]) -> Result<i64, FieldError> {
        if !self.by_denomination || list.is_empty() {
            return parse_amount(&self.total, "counted", currency);
        }
        let mut pairs = Vec::with_capacity(list.len());
        for (d, typed) in list.iter().zip(self.counts.iter()) {
            let typed = typed.trim();
            let n = if typed.is_empty() {
                0
            } else {
                typed
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| {
                        FieldError::new("counted", ErrorCode::InvalidQuantity, "a count")
                            .with_param("min", 0)
                    })?
            };
            pairs.push((*d, n));
        }
        denominations::counted(&pairs)
            .ok_or_else(|| FieldError::new("counted", ErrorCode::InvalidAmount, "too large"))
    }
}

/// A pay-in or pay-out: the amount and the reason, both required.
pub fn pay_dialog_ui(ui: &mut Ui, state: &mut ShiftState, currency: Currency, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let Some(pay) = &mut state.pay else { return };
    let (title, explain) = match pay.kind {
        ShiftEventKind::PayIn => ("gui-shift-pay-in", "gui-shift-pay-in-explain"),
        _ => ("gui-shift-pay-out", "gui-shift-pay-out-explain"),
    };
    let mut record = false;
    let mut cancel = false;
    let modal = egui::Modal::new(egui::Id::unique("shift-pay")).show(ui.ctx(), |ui| {
        ui.set_max_width(460.0);
        ui.heading(tr.t(title));
        ui.label(tr.t(explain));
        ui.add_space(6.0);
        let amount_errors = tr.errors_for(&pay.errors, "amount");
        let reason_errors = tr.errors_for(&pay.errors, "reason");
        widgets::form_grid(ui, "shift-pay-form", |ui| {
            let amount = widgets::text_row(
                ui,
                &tr.t("gui-shift-col-amount"),
                &mut pay.amount,
                &amount_errors,
            );
            if ui.ctx().memory(|m| m.focused()).is_none() {
                amount.request_focus();
            }
            widgets::text_row(ui, &tr.t("field-reason"), &mut pay.reason, &reason_errors);
        });
        if let Some(error) = &pay.error {
            widgets::error_line(ui, &tr.ui_error(error));
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            record = ui
                .add_enabled(
                    !pay.busy,
                    widgets::primary_button(ui, &tr.t("gui-shift-record")),
                )
                .clicked();
            cancel = ui.button(tr.t("gui-cancel")).clicked();
            if pay.busy {
                ui.spinner();
            }
        });
    });
    if record {
        let mut errors = ValidationErrors::default();
        let amount = parse_amount(&pay.amount, "amount", currency)
            .map_err(|e| errors.push(e))
            .ok();
        if pay.reason.trim().is_empty() {
            errors.push(FieldError::new("reason", ErrorCode::Required, "required"));
        }
        match amount {
            Some(amount_minor) if errors.is_empty() => {
                pay.busy = true;
                pay.error = None;
                pay.errors = ValidationErrors::default();
                ctx.send(Command::Shift(ShiftCommand::Pay {
                    kind: pay.kind,
                    amount_minor,
                    reason: pay.reason.trim().to_owned(),
                }));
            }
            _ => pay.errors = errors,
        }
    } else if (cancel || modal.should_close()) && !pay.busy {
        state.pay = None;
    }
}

/// Closing the shift: count, see the difference, confirm, close.
pub fn close_dialog_ui(ui: &mut Ui, state: &mut ShiftState, currency: Currency, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let code = currency.code().to_owned();
    let expected = state
        .view
        .as_ref()
        .and_then(|v| v.open.as_ref())
        .map(|x| x.expected_cash);
    let Some(close) = &mut state.close else {
        return;
    };
    let list = denominations::denominations(currency).unwrap_or_default();
    if close.counts.len() != list.len() {
        close.counts = vec![String::new(); list.len()];
    }
    let mut go_on = false;
    let mut cancel = false;
    let modal = egui::Modal::new(egui::Id::unique("shift-close")).show(ui.ctx(), |ui| {
        ui.set_max_width(560.0);
        ui.heading(tr.t("gui-shift-close-title"));
        ui.add_space(4.0);
        ui.add_enabled_ui(!close.confirming && !close.busy, |ui| {
            if !list.is_empty() {
                ui.horizontal(|ui| {
                    ui.radio_value(
                        &mut close.by_denomination,
                        false,
                        tr.t("gui-shift-count-total"),
                    );
                    ui.radio_value(
                        &mut close.by_denomination,
                        true,
                        tr.t("gui-shift-count-denominations"),
                    );
                });
            }
            if close.by_denomination && !list.is_empty() {
                denominations_ui(ui, close, &list, &code, ctx);
            } else {
                let errors = tr.errors_for(&close.errors, "counted");
                widgets::form_grid(ui, "shift-counted", |ui| {
                    widgets::text_row(ui, &tr.t("gui-shift-counted"), &mut close.total, &errors);
                });
            }
        });
        ui.add_space(6.0);
        let counted = close.counted(currency, &list);
        egui::Grid::new("shift-close-figures")
            .num_columns(2)
            .show(ui, |ui| {
                if let Some(expected) = expected {
                    ui.label(tr.t("gui-shift-expected"));
                    figure(ui, RichText::new(tr.money(expected, &code)).strong());
                    ui.end_row();
                }
                if let Ok(counted) = &counted {
                    ui.label(tr.t("gui-shift-counted"));
                    figure(ui, RichText::new(tr.money(*counted, &code)).strong());
                    ui.end_row();
                }
            });
        if let (Some(expected), Ok(counted)) = (expected, &counted) {
            let difference = counted - expected;
            ui.horizontal(|ui| {
                ui.label(tr.t("gui-shift-difference"));
                ui.label(
                    RichText::new(difference_text(tr, difference, &code))
                        .strong()
                        .size(17.0)
                        .color(difference_color(ui, difference)),
                );
            });
        }
        if close.by_denomination
            && let Err(e) = &counted
        {
            widgets::error_line(ui, &tr.field_error(e));
        }
        if let Some(error) = &close.error {
            widgets::error_line(ui, &tr.ui_error(error));
        }
        for e in close.errors.0.iter().filter(|e| e.field != "counted") {
            widgets::error_line(ui, &tr.field_error(e));
        }
        ui.add_space(8.0);
        if close.confirming {
            ui.label(RichText::new(tr.t("gui-shift-confirm")).color(widgets::warn_color(ui)));
            ui.add_space(4.0);
        }
        ui.horizontal(|ui| {
            let label = if close.confirming {
                "gui-shift-confirm-close"
            } else {
                "gui-shift-continue"
            };
            go_on = ui
                .add_enabled(
                    !close.busy && counted.is_ok(),
                    widgets::primary_button(ui, &tr.t(label)),
                )
                .clicked();
            let back = if close.confirming {
                "gui-back"
            } else {
                "gui-cancel"
            };
            cancel = ui.button(tr.t(back)).clicked();
            if close.busy {
                ui.spinner();
            }
        });
    });
    let counted = close.counted(currency, &list);
    if go_on {
        match counted {
            Ok(counted_minor) if close.confirming => {
                close.busy = true;
                close.error = None;
                close.errors = ValidationErrors::default();
                ctx.send(Command::Shift(ShiftCommand::Close { counted_minor }));
            }
            Ok(_) => close.confirming = true,
            Err(e) => close.errors = ValidationErrors(vec![e]),
        }
    } else if cancel && close.confirming {
        close.confirming = false;
    } else if (cancel || modal.should_close()) && !close.busy {
        state.close = None;
    }
}

/// The drawer counted note by note: a row per denomination with its count and value.
fn denominations_ui(
    ui: &mut Ui,
    close: &mut CloseDialog,
    list: &[Denomination],
    code: &str,
    ctx: &Ctx<'_>,
) {
    let tr = ctx.tr;
    egui::ScrollArea::vertical()
        .id_salt("shift-denominations")
        .max_height(380.0)
        .show(ui, |ui| {
            egui::Grid::new("shift-denomination-grid")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    ui.label(RichText::new(tr.t("gui-shift-denomination")).strong());
                    figure(ui, RichText::new(tr.t("gui-shift-count")).strong());
                    figure(ui, RichText::new(tr.t("gui-shift-col-amount")).strong());
                    ui.end_row();
                    for (d, typed) in list.iter().zip(close.counts.iter_mut()) {
                        let value = tr.money(d.minor, code);
                        let form = match d.form {
                            Form::Note => "gui-shift-note",
                            Form::Coin => "gui-shift-coin",
                        };
                        ui.label(format!("{value} · {}", tr.t(form)));
                        ui.allocate_ui_with_layout(
                            egui::vec2(super::shift::FIGURE_WIDTH, ui.spacing().interact_size.y),
                            egui::Layout::right_to_left(egui::Align::Center),
                            |ui| {
                                ui.add(
                                    egui::TextEdit::singleline(typed)
                                        .desired_width(70.0)
                                        .align(egui::Align2::RIGHT_CENTER),
                                )
                                .accessible_name(
                                    tr.t_args("gui-shift-count-of", &[("value", value.into())]),
                                );
                            },
                        );
                        let n = typed.trim().parse::<i64>().ok().filter(|n| *n >= 0);
                        let line = n.and_then(|n| d.minor.checked_mul(n));
                        figure(
                            ui,
                            line.map(|v| tr.money(v, code)).unwrap_or_else(|| {
                                if typed.trim().is_empty() {
                                    String::new()
                                } else {
                                    "?".into()
                                }
                            }),
                        );
                        ui.end_row();
                    }
                });
        });
}
