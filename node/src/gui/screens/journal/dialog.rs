//! The dialogs that refund or void the sale open: what will happen in words (the amount,
//! where the money goes, the stock back on the shelf), the reason required, one write
//! per confirmation.

use dermis_model::ledger::{self, PaymentMethod, Sale};
use egui::Ui;

use super::{Dialog, JournalState};
use crate::gui::backend::{Command, UiError};
use crate::gui::screens::Ctx;
use crate::gui::tr::Tr;
use crate::gui::widgets;

/// A grid cell whose content sits at its right edge.
fn right<R>(ui: &mut Ui, add: impl FnOnce(&mut Ui) -> R) -> R {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), add)
        .inner
}

/// What the open dialog sends, when confirmed.
pub(super) fn dialog_ui(ui: &mut Ui, state: &mut JournalState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let focus = &mut state.focus_reason;
    let (Some(detail), Some(dialog)) = (&state.detail, &mut state.dialog) else {
        return;
    };
    let sale = &detail.sale;
    let code = sale.currency.code().to_owned();
    let busy = state.busy;
    let error = state.reverse_error.clone();
    let mut confirm = None;
    let mut cancel = false;
    // Enter in the reason field confirms, once everything is filled in.
    let mut entered = false;
    let modal = egui::Modal::new(egui::Id::unique("journal-reverse")).show(ui.ctx(), |ui| {
        // A fixed width: the dialog does not move under the pointer as its text changes.
        ui.set_width(600.0);
        match dialog {
            Dialog::Refund(form) => {
                ui.heading(tr.t_args(
                    "gui-journal-refund-dialog-title",
                    &[("receipt", sale.receipt.as_str().into())],
                ));
                ui.add_space(4.0);
                let left = detail.refundable();
                egui::Grid::new("journal-refund-lines")
                    .striped(true)
                    .num_columns(4)
                    .spacing([14.0, 4.0])
                    .show(ui, |ui| {
                        widgets::header_label(ui, &tr.t("gui-journal-col-product"));
                        right(ui, |ui| {
                            widgets::header_label(ui, &tr.t("gui-journal-col-sold"))
                        });
                        right(ui, |ui| {
                            widgets::header_label(ui, &tr.t("gui-journal-col-left"))
                        });
                        widgets::header_label(ui, &tr.t("gui-journal-col-refund"));
                        ui.end_row();
                        for (i, line) in sale.lines.iter().enumerate() {
                            let max = left.get(i).copied().unwrap_or(0);
                            let qty = &mut form.qty[i];
                            ui.label(&line.name);
                            right(ui, |ui| ui.label(tr.int(line.qty)));
                            right(ui, |ui| ui.label(tr.int(max)));
                            ui.horizontal(|ui| {
                                let name =
                                    format!("{} {}", tr.t("gui-journal-col-refund"), line.sku);
                                if ui
                                    .add_enabled(*qty > 0, egui::Button::new("−").small())
                                    .on_hover_text(tr.t("gui-pos-less"))
                                    .clicked()
                                {
                                    *qty -= 1;
                                }
                                ui.add_enabled(max > 0, egui::DragValue::new(qty).range(0..=max))
                                    .on_hover_text(&name)
                                    .widget_info(|| {
                                        egui::WidgetInfo::labeled(
                                            egui::Role::SpinButton,
                                            max > 0,
                                            &name,
                                        )
                                    });
                                if ui
                                    .add_enabled(*qty < max, egui::Button::new("+").small())
                                    .on_hover_text(tr.t("gui-pos-more"))
                                    .clicked()
                                {
                                    *qty += 1;
                                }
                            });
                            ui.end_row();
                        }
                    });
                if ui.button(tr.t("gui-journal-refund-all")).clicked() {
                    form.qty.clone_from(&left);
                }
                ui.add_space(6.0);
                let returns: Vec<(usize, i64)> = form
                    .qty
                    .iter()
                    .enumerate()
                    .filter(|(_, q)| **q > 0)
                    .map(|(i, q)| (i, *q))
                    .collect();
                let priced =
                    ledger::price_refund(sale, &returns, &detail.refunded, form.method).ok();
                widgets::form_grid(ui, "journal-refund-form", |ui| {
                    let options: Vec<(PaymentMethod, String)> = PaymentMethod::ALL
                        .iter()
                        .map(|m| (*m, tr.t(&format!("pay-{}", m.as_str()))))
                        .collect();
                    widgets::combo_row(
                        ui,
                        &tr.t("gui-journal-refund-method"),
                        &mut form.method,
                        &options,
                        &[],
                    );
                    let errors = reason_errors(error.as_ref(), tr);
                    let field =
                        widgets::text_row(ui, &tr.t("field-reason"), &mut form.reason, &errors)
                            .on_hover_text(tr.t("gui-journal-reason-hint"));
                    // Until it has it: the modal settles the focus on its first frame.
                    if *focus {
                        field.request_focus();
                        *focus = !field.has_focus();
                    }
                    entered = widgets::submitted(ui, &field);
                });
                ui.add_space(4.0);
                let amount = priced.as_ref().map(|p| tr.money(p.total_minor, &code));
                match &amount {
                    Some(amount) => {
                        ui.label(tr.t_args(
                            "gui-journal-refund-explain",
                            &[
                                ("amount", amount.as_str().into()),
                                (
                                    "method",
                                    tr.t(&format!("pay-{}", form.method.as_str())).into(),
                                ),
                                ("receipt", sale.receipt.as_str().into()),
                            ],
                        ));
                    }
                    None => {
                        ui.weak(tr.t("gui-journal-refund-none"));
                    }
                }
                other_error(ui, error.as_ref(), tr);
                let ready = !busy && amount.is_some() && !form.reason.trim().is_empty();
                ui.horizontal(|ui| {
                    let label = tr.t_args(
                        "gui-journal-refund-confirm",
                        &[("amount", amount.clone().unwrap_or_default().into())],
                    );
                    let clicked = ui
                        .add_enabled(ready, widgets::primary_button(ui, &label))
                        .clicked();
                    if ready && (clicked || entered) {
                        let items = returns
                            .iter()
                            .map(|(i, q)| (sale.lines[*i].sku.clone(), *q))
                            .collect();
                        confirm = Some(Command::RefundSale {
                            receipt: sale.receipt.clone(),
                            items,
                            method: form.method,
                            reason: form.reason.trim().to_owned(),
                        });
                    }
                    cancel = ui.button(tr.t("gui-cancel")).clicked();
                    if busy {
                        ui.spinner();
                    }
                });
            }
            Dialog::Void { reason } => {
                ui.heading(tr.t_args(
                    "gui-journal-void-dialog-title",
                    &[("receipt", sale.receipt.as_str().into())],
                ));
                ui.add_space(4.0);
                let payments = net_by_method(sale)
                    .into_iter()
                    .map(|(method, net)| {
                        format!(
                            "{} {}",
                            tr.t(&format!("pay-{}", method.as_str())),
                            tr.money(net, &code)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                ui.label(tr.t_args(
                    "gui-journal-void-explain",
                    &[
                        ("amount", tr.money(sale.total_minor, &code).into()),
                        ("payments", payments.into()),
                        ("receipt", sale.receipt.as_str().into()),
                    ],
                ));
                ui.add_space(6.0);
                widgets::form_grid(ui, "journal-void-form", |ui| {
                    let errors = reason_errors(error.as_ref(), tr);
                    let field = widgets::text_row(ui, &tr.t("field-reason"), reason, &errors)
                        .on_hover_text(tr.t("gui-journal-reason-hint"));
                    // Until it has it: the modal settles the focus on its first frame.
                    if *focus {
                        field.request_focus();
                        *focus = !field.has_focus();
                    }
                    entered = widgets::submitted(ui, &field);
                });
                other_error(ui, error.as_ref(), tr);
                let ready = !busy && !reason.trim().is_empty();
                ui.horizontal(|ui| {
                    let clicked = ui
                        .add_enabled(
                            ready,
                            widgets::primary_button(ui, &tr.t("gui-journal-void-confirm")),
                        )
                        .clicked();
                    if ready && (clicked || entered) {
                        confirm = Some(Command::VoidSale {
                            receipt: sale.receipt.clone(),
                            reason: reason.trim().to_owned(),
                        });
                    }
                    cancel = ui.button(tr.t("gui-cancel")).clicked();
                    if busy {
                        ui.spinner();
                    }
                });
            }
        }
    });
    if let Some(command) = confirm
        && !state.busy
    {
        // One write per confirmation: the button stays off until the answer comes.
        state.busy = true;
        state.reverse_error = None;
        ctx.send(command);
    } else if (cancel || modal.should_close()) && !state.busy {
        state.dialog = None;
        state.reverse_error = None;
    }
}

/// What a sale took per payment method, cash net of the change it gave: what a void
/// gives back.
fn net_by_method(sale: &Sale) -> Vec<(PaymentMethod, i64)> {
    let mut out: Vec<(PaymentMethod, i64)> = Vec::new();
    for p in &sale.payments {
        match out.iter_mut().find(|(m, _)| *m == p.method) {
            Some((_, sum)) => *sum += p.amount_minor,
            None => out.push((p.method, p.amount_minor)),
        }
    }
    if let Some((_, cash)) = out.iter_mut().find(|(m, _)| *m == PaymentMethod::Cash) {
        *cash -= sale.change_minor;
    }
    out.retain(|(_, net)| *net != 0);
    out
}

fn reason_errors(error: Option<&UiError>, tr: &Tr) -> Vec<String> {
    match error {
        Some(UiError::Invalid(errors)) => tr.errors_for(errors, "reason"),
        _ => Vec::new(),
    }
}

/// A refusal that is not about the reason (the role, a sale voided meanwhile).
fn other_error(ui: &mut Ui, error: Option<&UiError>, tr: &Tr) {
    match error {
        None => {}
        Some(UiError::Invalid(errors)) => {
            for e in errors.0.iter().filter(|e| e.field != "reason") {
                widgets::error_line(ui, &tr.field_error(e));
            }
        }
        Some(other) => widgets::error_line(ui, &tr.ui_error(other)),
    }
}
