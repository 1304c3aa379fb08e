//! A patient's purchases on their chart: what they bought at the till and what was
//! refunded or voided, newest first, each receipt with its total.

use egui::Ui;

use super::Ctx;
use crate::gui::backend::PatientView;
use crate::gui::widgets;

/// The width of the amount column: wide enough for a six-figure total in any locale.
const AMOUNT: f32 = 130.0;

pub fn purchases_ui(ui: &mut Ui, view: &PatientView, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    widgets::section(ui, &tr.t("gui-patient-purchases"), |ui| {
        if view.purchases.is_empty() {
            ui.weak(tr.t("gui-patient-no-purchases"));
            return;
        }
        egui::Grid::new("purchases")
            .striped(true)
            .num_columns(4)
            .show(ui, |ui| {
                widgets::header_row(
                    ui,
                    &[
                        tr.t("gui-col-time"),
                        tr.t("gui-col-receipt"),
                        tr.t("gui-col-status"),
                        tr.t("gui-col-amount"),
                    ],
                );
                for sale in &view.purchases {
                    ui.label(tr.datetime(sale.at));
                    ui.label(&sale.receipt);
                    let status = match (sale.kind.as_str(), sale.status.as_str()) {
                        ("refund", _) => tr.t("gui-purchase-refund"),
                        ("void", _) => tr.t("gui-purchase-void"),
                        (_, "voided") => tr.t("gui-purchase-voided"),
                        _ => tr.t("gui-purchase-sale"),
                    };
                    ui.label(status);
                    let sign = if sale.kind == "sale" { 1 } else { -1 };
                    widgets::figure(
                        ui,
                        AMOUNT,
                        tr.money(sign * sale.total_minor, &sale.currency),
                    );
                    ui.end_row();
                }
            });
    });
}
