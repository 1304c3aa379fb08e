//! The frame around every screen once signed in: the top bar (clinic, user, sync state,
//! sign out), the navigation bar and the notice line.

use std::collections::VecDeque;

use egui::{RichText, Ui};

use super::Notice;
use crate::gui::backend::{Command, SessionInfo, SyncSummary};
use crate::gui::screens::{Nav, Screen};
use crate::gui::tr::Tr;
use crate::gui::widgets;

pub(super) fn top_bar_ui(
    ui: &mut Ui,
    tr: &Tr,
    session: &SessionInfo,
    sync: Option<&SyncSummary>,
    out: &mut VecDeque<Command>,
    lock: &mut bool,
) {
    egui::Panel::top("top-bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.strong(RichText::new(tr.t("app-name")).size(18.0));
            ui.label(&session.clinic_name);
            ui.weak(&session.node_name);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button(tr.t("gui-logout")).clicked() {
                    out.push_back(Command::Logout);
                }
                if ui
                    .button(tr.t("gui-lock"))
                    .on_hover_text(tr.t("gui-lock-hint"))
                    .clicked()
                {
                    *lock = true;
                }
                ui.label(format!(
                    "{} · {}",
                    session.display_name,
                    tr.role(session.role)
                ));
                if let Some(sync) = sync {
                    sync_badge_ui(ui, tr, sync);
                }
            });
        });
    });
}

fn sync_badge_ui(ui: &mut Ui, tr: &Tr, sync: &SyncSummary) {
    let pending = sync.outbox.count;
    let stale = widgets::sync_stale(ui, &sync.state);
    let (text, color) = if !sync.state.has_hub() {
        (tr.t("gui-sync-no-hub"), ui.visuals().weak_text_color())
    } else if stale {
        (tr.t("gui-sync-stale"), widgets::warn_color(ui))
    } else if sync.state.online == Some(true) {
        (tr.t("gui-sync-online"), widgets::ok_color(ui))
    } else {
        (tr.t("gui-sync-offline"), widgets::warn_color(ui))
    };
    // Laid out right to left after the buttons and the user: whatever room is left
    // before the workstation's name (in Armenian, not enough for both at 1280 pixels).
    if pending > 0 {
        widgets::badge_fitted(
            ui,
            &tr.count("changes-pending", pending),
            widgets::warn_color(ui),
        );
    }
    widgets::badge_fitted(ui, &text, color);
}

pub(super) fn nav_ui(
    ui: &mut Ui,
    tr: &Tr,
    session: &SessionInfo,
    current: Screen,
    nav: &mut Vec<Nav>,
) {
    egui::Panel::left("navigation")
        .resizable(false)
        .exact_size(200.0)
        .show(ui, |ui| {
            ui.add_space(8.0);
            for screen in Screen::NAV {
                if !screen.allowed(session) {
                    continue;
                }
                let selected = current == screen
                    || (screen == Screen::Patients
                        && matches!(
                            current,
                            Screen::Patient | Screen::Encounter | Screen::Photos
                        ));
                let name = tr.t(screen.message_id());
                let button =
                    egui::Button::selectable(selected, format!("{}   {name}", screen.icon()))
                        .min_size(egui::vec2(184.0, 28.0));
                // Screen readers (and tests) hear the name, not the pictogram.
                if ui.add(button).accessible_name(name).clicked() {
                    nav.push(Nav::Show(screen));
                }
            }
        });
}

pub(super) fn notice_ui(ui: &mut Ui, tr: &Tr, notice: &Notice) {
    match notice {
        Notice::Info(id) => {
            ui.label(RichText::new(tr.t(id)).color(widgets::ok_color(ui)));
        }
        Notice::Error(error) => widgets::error_line(ui, &tr.ui_error(error)),
        Notice::Printed { path, opened } => {
            let id = if *opened {
                "gui-printed"
            } else {
                "gui-printed-not-opened"
            };
            let text = tr.t_args(id, &[("path", path.display().to_string().into())]);
            ui.label(RichText::new(text).color(widgets::ok_color(ui)));
        }
    }
    ui.add_space(4.0);
}
