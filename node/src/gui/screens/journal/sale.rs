//! One entry of the journal opened: the sale, refund or void as its ledger holds it,
//! where it stands in its workstation's receipt chain, what was done to it since, and
//! the buttons that print it again, refund or void it (with the dialogs that ask why).

use dermis_model::clinic::Permission;
use dermis_model::ledger::{self, PaymentMethod, Sale, SaleKind, chain::EntryCheck};
use egui::{RichText, Ui};

use super::{
    Dialog, JournalState, ROW_HEIGHT, RefundForm, cells_row, heading, status_color, status_text,
};
use crate::gui::backend::{ReceiptFormat, SaleDetail, UiError};
use crate::gui::screens::Ctx;
use crate::gui::tr::Tr;
use crate::gui::widgets;
use crate::store::journal::EntryStatus;

pub(super) fn sale_ui(ui: &mut Ui, state: &mut JournalState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    if ui.button(tr.t("gui-journal-back")).clicked() {
        state.close();
        // The list again, with what changed while the sale was open.
        let command = state.search_command();
        ctx.send(command);
        return;
    }
    let Some(detail) = &state.detail else {
        ui.spinner();
        return;
    };
    let sale = &detail.sale;
    let code = sale.currency.code().to_owned();
    let title = match sale.kind {
        SaleKind::Sale => "gui-journal-sale-title",
        SaleKind::Refund => "gui-journal-refund-title",
        SaleKind::Void => "gui-journal-void-title",
    };
    ui.horizontal(|ui| {
        ui.heading(tr.t_args(title, &[("receipt", sale.receipt.as_str().into())]));
        let color = status_color(ui, detail.status);
        widgets::badge(
            ui,
            &status_text(detail.status, detail.original_receipt.as_deref(), tr),
            color,
        );
    });
    let mut open = None;
    ui.horizontal_wrapped(|ui| {
        ui.label(tr.datetime(sale.at));
        if let Some(cashier) = &sale.cashier {
            ui.label("·");
            ui.label(tr.t_args("gui-journal-cashier", &[("name", cashier.as_str().into())]));
        }
        if let Some(p) = &detail.patient {
            ui.label("·");
            ui.label(tr.t_args(
                "gui-journal-patient-line",
                &[
                    ("name", p.name.as_str().into()),
                    ("mrn", p.mrn.as_str().into()),
                ],
            ));
        }
    });
    if let Some(original) = &detail.original_receipt {
        ui.horizontal(|ui| {
            ui.label(tr.t("gui-journal-reverses"));
            if ui.link(original).clicked() {
                open = Some(original.clone());
            }
        });
    }
    if let Some(reason) = &sale.reason {
        ui.label(tr.t_args("gui-journal-reason", &[("reason", reason.as_str().into())]));
    }
    ui.add_space(6.0);
    lines_ui(ui, detail, &code, tr);
    ui.add_space(6.0);
    sums_ui(ui, sale, &code, tr);
    ui.add_space(6.0);
    chain_ui(ui, detail, tr);
    if sale.kind == SaleKind::Sale {
        ui.add_space(6.0);
        if let Some(receipt) = reversals_ui(ui, detail, &code, tr) {
            open = Some(receipt);
        }
    }
    ui.add_space(8.0);
    actions_ui(ui, state, ctx);
    if let Some(receipt) = open {
        let command = state.open(&receipt);
        ctx.send(command);
    }
    super::dialog::dialog_ui(ui, state, ctx);
}

fn lines_ui(ui: &mut Ui, detail: &SaleDetail, code: &str, tr: &Tr) {
    let sale = &detail.sale;
    let refunds = sale.kind == SaleKind::Sale;
    // Each line as the table shows it: name, SKU, then the figures.
    let rows: Vec<Vec<String>> = sale
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let mut row = vec![
                line.name.clone(),
                line.sku.clone(),
                tr.int(line.qty),
                tr.money(line.unit_minor, code),
                if line.discount_minor != 0 {
                    tr.money(-line.discount_minor, code)
                } else {
                    String::new()
                },
                ledger::report::format_rate(line.tax_bps),
                tr.money(line.total_minor, code),
            ];
            if refunds {
                let done = detail.refunded.get(i).copied().unwrap_or(0);
                row.push(if done > 0 {
                    tr.int(done)
                } else {
                    String::new()
                });
            }
            row
        })
        .collect();
    let mut titles = vec![
        "gui-journal-col-product",
        "gui-journal-col-sku",
        "gui-journal-col-qty",
        "gui-journal-col-unit",
        "gui-journal-col-discount",
        "gui-journal-col-tax",
        "gui-journal-col-line-total",
    ];
    if refunds {
        titles.push("gui-journal-col-refunded");
    }
    // Every column but the name as wide as its heading and widest figure; the name takes
    // what is left, within reason (beyond that the figures drift from their names).
    let mut widths: Vec<f32> = titles
        .iter()
        .enumerate()
        .map(|(c, id)| {
            super::column_width(
                ui,
                &tr.t(id),
                rows.iter().map(|r| r[c].as_str()),
                50.0,
                200.0,
            )
        })
        .collect();
    let gap = ui.spacing().item_spacing.x;
    let others: f32 = widths[1..].iter().sum::<f32>() + gap * (widths.len() as f32 - 1.0);
    widths[0] = (ui.available_width() - others).clamp(160.0, 380.0);
    let head = titles
        .iter()
        .zip(&widths)
        .enumerate()
        .map(|(c, (id, w))| (*w, c >= 2, heading(tr, ui, id)))
        .collect();
    cells_row(ui, false, head);
    for (i, row) in rows.into_iter().enumerate() {
        let cells = row
            .into_iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (text, w))| (*w, c >= 2, text.into()))
            .collect();
        cells_row(ui, i % 2 == 0, cells);
    }
}

/// Tax per rate: (rate, gross, tax).
fn tax_by_rate(sale: &Sale) -> Vec<(u32, i64, i64)> {
    let mut rates: Vec<(u32, i64, i64)> = Vec::new();
    for l in &sale.lines {
        match rates.iter_mut().find(|r| r.0 == l.tax_bps) {
            Some(r) => {
                r.1 += l.total_minor;
                r.2 += l.tax_minor;
            }
            None => rates.push((l.tax_bps, l.total_minor, l.tax_minor)),
        }
    }
    rates.sort_by_key(|r| std::cmp::Reverse(r.0));
    rates
}

fn sums_ui(ui: &mut Ui, sale: &Sale, code: &str, tr: &Tr) {
    const LABEL: f32 = 300.0;
    const AMOUNT: f32 = 120.0;
    let mut row = |label: String, minor: i64, strong: bool| {
        let (label, amount) = (RichText::new(label), RichText::new(tr.money(minor, code)));
        let (label, amount) = if strong {
            (label.strong(), amount.strong())
        } else {
            (label, amount)
        };
        cells_row(
            ui,
            false,
            vec![(LABEL, false, label.into()), (AMOUNT, true, amount.into())],
        );
    };
    row(tr.t("gui-pos-subtotal"), sale.subtotal_minor, false);
    if sale.discount_minor != 0 {
        row(tr.t("field-discount"), -sale.discount_minor, false);
    }
    row(tr.t("gui-pos-total"), sale.total_minor, true);
    for (bps, gross, tax) in tax_by_rate(sale) {
        row(
            tr.t_args(
                "gui-journal-tax-rate",
                &[
                    ("rate", ledger::report::format_rate(bps).into()),
                    ("amount", tr.money(gross, code).into()),
                ],
            ),
            tax,
            false,
        );
    }
    for p in &sale.payments {
        row(
            tr.t(&format!("pay-{}", p.method.as_str())),
            p.amount_minor,
            false,
        );
    }
    if sale.change_minor != 0 {
        row(tr.t("gui-journal-change"), sale.change_minor, false);
    }
}

fn chain_ui(ui: &mut Ui, detail: &SaleDetail, tr: &Tr) {
    let (text, color) = match detail.chain {
        EntryCheck::Unchained => (
            tr.t("gui-journal-chain-unchained"),
            ui.visuals().weak_text_color(),
        ),
        EntryCheck::Intact => match &detail.previous_receipt {
            Some(previous) => (
                tr.t_args(
                    "gui-journal-chain-intact",
                    &[("previous", previous.as_str().into())],
                ),
                widgets::ok_color(ui),
            ),
            None => (
                tr.t("gui-journal-chain-intact-first"),
                widgets::ok_color(ui),
            ),
        },
        EntryCheck::Edited => (
            tr.t("gui-journal-chain-edited"),
            ui.visuals().error_fg_color,
        ),
        EntryCheck::Reordered => (
            tr.t("gui-journal-chain-reordered"),
            ui.visuals().error_fg_color,
        ),
        EntryCheck::PreviousMissing => (tr.t("gui-journal-chain-missing"), widgets::warn_color(ui)),
    };
    ui.horizontal_wrapped(|ui| {
        ui.strong(tr.t("gui-journal-chain-title"));
        if let Some(link) = &detail.sale.chain {
            let short = &link.hash[..16.min(link.hash.len())];
            ui.monospace(format!("#{} · {short}…", link.seq))
                .on_hover_text(&link.hash);
        }
        ui.label(RichText::new(text).color(color));
    });
}

/// The sale's refunds and voids; the receipt of one the user opened, if any.
fn reversals_ui(ui: &mut Ui, detail: &SaleDetail, code: &str, tr: &Tr) -> Option<String> {
    let mut open = None;
    widgets::section(ui, &tr.t("gui-journal-reversals"), |ui| {
        if detail.reversals.is_empty() {
            ui.weak(tr.t("gui-journal-reversals-none"));
            return;
        }
        let shown: Vec<[String; 4]> = detail
            .reversals
            .iter()
            .map(|r| {
                [
                    tr.datetime(r.at),
                    r.cashier.clone().unwrap_or_default(),
                    tr.t(match r.kind {
                        SaleKind::Void => "gui-journal-kind-void",
                        _ => "gui-journal-kind-refund",
                    }),
                    tr.money(-r.total_minor, code),
                ]
            })
            .collect();
        let width = |id: &str, column: usize| {
            super::column_width(
                ui,
                &tr.t(id),
                shown.iter().map(|r| r[column].as_str()),
                60.0,
                220.0,
            )
        };
        let receipt = super::column_width(
            ui,
            &tr.t("gui-journal-col-receipt"),
            detail.reversals.iter().map(|r| r.receipt.as_str()),
            60.0,
            140.0,
        );
        let when = width("gui-journal-col-when", 0);
        let cashier = width("gui-journal-col-cashier", 1);
        let kind = width("gui-journal-col-kind", 2);
        let total = width("gui-journal-col-total", 3);
        let gap = ui.spacing().item_spacing.x;
        let reason =
            (ui.available_width() - receipt - when - cashier - kind - total - 6.0 * gap).max(120.0);
        cells_row(
            ui,
            false,
            vec![
                (receipt, false, heading(tr, ui, "gui-journal-col-receipt")),
                (when, false, heading(tr, ui, "gui-journal-col-when")),
                (cashier, false, heading(tr, ui, "gui-journal-col-cashier")),
                (kind, false, heading(tr, ui, "gui-journal-col-kind")),
                (total, true, heading(tr, ui, "gui-journal-col-total")),
                (reason, false, heading(tr, ui, "gui-journal-col-reason")),
            ],
        );
        for (i, (r, text)) in detail.reversals.iter().zip(&shown).enumerate() {
            super::striped(ui, i % 2 == 0, |ui| {
                widgets::cell(ui, receipt, ROW_HEIGHT, |ui| {
                    if ui.link(&r.receipt).clicked() {
                        open = Some(r.receipt.clone());
                    }
                });
                for (column, width) in [(0, when), (1, cashier), (2, kind)] {
                    widgets::cell(ui, width, ROW_HEIGHT, |ui| {
                        widgets::truncated(ui, &text[column])
                    });
                }
                super::figure(ui, total, &text[3]);
                widgets::cell(ui, reason, ROW_HEIGHT, |ui| {
                    let why = r.reason.clone().unwrap_or_default();
                    widgets::truncated(ui, why.clone()).on_hover_text(why);
                });
            });
        }
    });
    open
}

/// Why the refund button is off, if it is.
fn refund_blocked(detail: &SaleDetail, ctx: &Ctx<'_>) -> Option<String> {
    let tr = ctx.tr;
    if !ctx.can(Permission::Sell) {
        return Some(tr.ui_error(&UiError::Denied(Permission::Sell)));
    }
    match detail.status {
        EntryStatus::Voided => Some(tr.t("gui-journal-refund-voided")),
        _ if detail.refundable().iter().all(|q| *q == 0) => {
            Some(tr.t("gui-journal-refund-nothing-left"))
        }
        _ => None,
    }
}

/// Why the void button is off, if it is: what the sale has been through first (that
/// holds for every role), then the role.
fn void_blocked(detail: &SaleDetail, ctx: &Ctx<'_>) -> Option<String> {
    let tr = ctx.tr;
    match detail.status {
        EntryStatus::Voided => Some(tr.t("gui-journal-void-voided")),
        EntryStatus::Refunded => Some(tr.t("gui-journal-refund-nothing-left")),
        EntryStatus::PartlyRefunded => Some(tr.t("gui-journal-void-refunded")),
        _ if !ctx.can(Permission::VoidSale) => {
            Some(tr.ui_error(&UiError::Denied(Permission::VoidSale)))
        }
        _ => None,
    }
}

/// The reasons shown under the buttons: each once, and for a voided sale only that it
/// was voided (nothing else is left to say).
fn reasons_shown(
    detail: &SaleDetail,
    refund: Option<&String>,
    void: Option<&String>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let both = if detail.status == EntryStatus::Voided {
        [refund, None]
    } else {
        [refund, void]
    };
    for why in both.into_iter().flatten() {
        if !out.contains(why) {
            out.push(why.clone());
        }
    }
    out
}

fn actions_ui(ui: &mut Ui, state: &mut JournalState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let Some(detail) = &state.detail else { return };
    let receipt = detail.sale.receipt.clone();
    let is_sale = detail.sale.kind == SaleKind::Sale;
    let refund_off = refund_blocked(detail, ctx);
    let void_off = void_blocked(detail, ctx);
    let mut dialog = None;
    let mut print = None;
    // What was just done, with its own receipt to print.
    if let Some((kind, entry)) = &state.done {
        let id = match kind {
            SaleKind::Void => "gui-journal-void-done",
            _ => "gui-journal-refund-done",
        };
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(tr.t_args(id, &[("receipt", entry.as_str().into())]))
                    .color(widgets::ok_color(ui)),
            );
            let label = tr.t_args(
                "gui-journal-print-entry",
                &[("receipt", entry.as_str().into())],
            );
            if ui
                .add_enabled(!state.print.busy, egui::Button::new(label))
                .clicked()
            {
                print = Some((entry.clone(), ReceiptFormat::Pdf));
            }
        });
    }
    ui.horizontal(|ui| {
        let printing = state.print.busy;
        if ui
            .add_enabled(
                !printing,
                widgets::primary_button(ui, &tr.t("gui-journal-print")),
            )
            .clicked()
        {
            print = Some((receipt.clone(), ReceiptFormat::Pdf));
        }
        if ui
            .add_enabled(!printing, egui::Button::new(tr.t("gui-journal-save-text")))
            .on_hover_text(tr.t("gui-journal-save-text-hint"))
            .clicked()
        {
            print = Some((receipt.clone(), ReceiptFormat::Text));
        }
        if is_sale {
            ui.add_space(16.0);
            let idle = !state.busy && state.dialog.is_none();
            let refund = ui.add_enabled(
                idle && refund_off.is_none(),
                egui::Button::new(tr.t("gui-journal-refund")),
            );
            if let Some(why) = &refund_off {
                refund.clone().on_disabled_hover_text(why);
            }
            if refund.clicked() {
                let method = detail
                    .sale
                    .payments
                    .first()
                    .map_or(PaymentMethod::Cash, |p| p.method);
                dialog = Some(Dialog::Refund(RefundForm {
                    qty: vec![0; detail.sale.lines.len()],
                    method,
                    reason: String::new(),
                }));
            }
            let void = ui.add_enabled(
                idle && void_off.is_none(),
                egui::Button::new(tr.t("gui-journal-void")),
            );
            if let Some(why) = &void_off {
                void.clone().on_disabled_hover_text(why);
            }
            if void.clicked() {
                dialog = Some(Dialog::Void {
                    reason: String::new(),
                });
            }
        }
    });
    if is_sale {
        for why in reasons_shown(detail, refund_off.as_ref(), void_off.as_ref()) {
            ui.weak(why);
        }
    }
    if state.dialog.is_none()
        && let Some(error) = &state.reverse_error
    {
        widgets::error_line(ui, &tr.ui_error(error));
    }
    state.print.outcome_ui(ui, tr);
    if let Some((receipt, format)) = print
        && let Some(command) = state.print.request(&receipt, format)
    {
        ctx.send(command);
    }
    if dialog.is_some() {
        state.dialog = dialog;
        state.focus_reason = true;
        state.reverse_error = None;
        state.done = None;
    }
}
