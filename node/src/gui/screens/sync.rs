//! The sync panel: the hub link as the sync daemon last reported it, what this node
//! still holds for the hub and since when, and for each recent record whether it has
//! reached the hub.

use egui::Ui;

use super::Ctx;
use super::dashboard::sync_summary_ui;
use crate::gui::backend::{Command, SyncView, View};
use crate::gui::widgets;
use crate::i18n::message_id;

#[derive(Debug, Default)]
pub struct SyncState {
    pub view: Option<SyncView>,
}

pub fn sync_ui(ui: &mut Ui, state: &SyncState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    ui.horizontal(|ui| {
        ui.heading(tr.t("gui-nav-sync"));
        if ui.button(tr.t("gui-refresh")).clicked() {
            ctx.send(Command::Refresh(View::Sync));
        }
    });
    let Some(view) = &state.view else {
        ui.spinner();
        return;
    };
    let sync = &view.summary;
    widgets::section(ui, &tr.t("gui-sync-status"), |ui| {
        sync_summary_ui(ui, sync, tr);
        egui::Grid::new("hub").num_columns(2).show(ui, |ui| {
            ui.label(tr.t("gui-sync-hub"));
            ui.label(
                sync.state
                    .hub_url
                    .clone()
                    .filter(|u| !u.trim().is_empty())
                    .unwrap_or_else(|| tr.t("gui-sync-no-hub")),
            );
            ui.end_row();
            ui.label(tr.t("gui-sync-last-error"));
            match &sync.state.last_error {
                Some(error) => widgets::error_line(ui, error),
                None => {
                    ui.label(tr.t("gui-none"));
                }
            }
            ui.end_row();
        });
    });
    ui.add_space(8.0);
    widgets::section(ui, &tr.t("gui-sync-records"), |ui| {
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                egui::Grid::new("sync-docs")
                    .striped(true)
                    .num_columns(4)
                    .show(ui, |ui| {
                        widgets::header_row(
                            ui,
                            &[
                                tr.t("gui-col-kind"),
                                tr.t("gui-col-record"),
                                tr.t("gui-col-changed"),
                                tr.t("gui-col-status"),
                            ],
                        );
                        for doc in &view.docs {
                            ui.label(tr.t(&message_id("gui-doc", &doc.doc_type)));
                            match &doc.label {
                                Some(label) => {
                                    ui.label(label).on_hover_text(&doc.id);
                                }
                                None => {
                                    // The end of a UUIDv7 is its random part; the start is a clock.
                                    let tail = doc.id.len().saturating_sub(12);
                                    ui.monospace(doc.id.get(tail..).unwrap_or(&doc.id))
                                        .on_hover_text(&doc.id);
                                }
                            }
                            ui.label(tr.datetime(doc.updated_at));
                            if doc.pending {
                                widgets::badge(
                                    ui,
                                    &tr.t("gui-sync-waiting"),
                                    widgets::warn_color(ui),
                                );
                            } else {
                                widgets::badge(ui, &tr.t("gui-sync-on-hub"), widgets::ok_color(ui));
                            }
                            ui.end_row();
                        }
                    });
            });
    });
}
