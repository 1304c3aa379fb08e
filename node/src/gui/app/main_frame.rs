//! The signed-in window around the current screen: the top bar and navigation, the
//! notice line, the patient banner on a patient's screens, the screen itself, and the
//! question asked before a visit's unsaved changes are left behind.

use egui::Ui;

use super::{DermisApp, chrome};
use crate::gui::backend::Command;
use crate::gui::screens::{
    Ctx, Nav, Screen, appointments, banner, conflicts, dashboard, encounter, journal, patient,
    patients, photos, pos, products, settings, settings_clinic, shift, sync,
};
use crate::gui::tr::Tr;

impl DermisApp {
    /// The signed-in frame; what the user asked to move to goes into `nav`.
    pub(super) fn main_ui(&mut self, ui: &mut Ui, tr: &Tr, nav: &mut Vec<Nav>) {
        let Some(session) = self.session.clone() else {
            return;
        };
        let mut lock = false;
        chrome::top_bar_ui(
            ui,
            tr,
            &session,
            self.last_sync.as_ref(),
            &mut self.outbox,
            &mut lock,
        );
        if lock {
            self.lock();
            return;
        }
        chrome::nav_ui(ui, tr, &session, self.screen, nav);
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some(notice) = &self.notice {
                chrome::notice_ui(ui, tr, notice);
            }
            let s = &mut self.s;
            let about = match self.screen {
                Screen::Patient => s.patient.id,
                Screen::Encounter => s.encounter.patient,
                Screen::Photos => s.photos.patient,
                // The till with a patient attached: who is buying, in view.
                Screen::Pos => s.pos.buyer.patient(),
                _ => None,
            };
            if let Some(shown) = s.banner.as_ref().filter(|b| about == Some(b.id)) {
                banner::banner_ui(ui, shown, tr, crate::node::today());
            }
            let mut ctx = Ctx::new(tr, &session, &mut self.outbox, nav);
            match self.screen {
                Screen::Dashboard => {
                    settings_clinic::first_run_ui(ui, &mut s.settings.clinic, &mut ctx);
                    dashboard::dashboard_ui(ui, &s.dashboard, &mut ctx);
                }
                Screen::Patients => patients::patients_ui(ui, &mut s.patients, &mut ctx),
                Screen::Appointments => {
                    appointments::appointments_ui(ui, &mut s.appointments, &mut ctx)
                }
                Screen::Patient => patient::patient_ui(ui, &mut s.patient, &mut ctx),
                Screen::Encounter => encounter::encounter_ui(ui, &mut s.encounter, &mut ctx),
                Screen::Photos => photos::photos_ui(ui, &mut s.photos, &mut ctx),
                Screen::Pos => pos::pos_ui(ui, &mut s.pos, &mut ctx),
                Screen::Journal => journal::journal_ui(ui, &mut s.journal, &mut ctx),
                Screen::Products => products::products_ui(ui, &mut s.products, &mut ctx),
                Screen::Sync => sync::sync_ui(ui, &s.sync, &mut ctx),
                Screen::Conflicts => conflicts::conflicts_ui(ui, &mut s.conflicts, &mut ctx),
                Screen::Shift => shift::shift_ui(ui, &mut s.shift, &mut ctx),
                Screen::Settings => {
                    let prefs = settings::Preferences {
                        locale: &mut self.locale,
                        dark: &mut self.dark,
                        sync: self.last_sync.as_ref(),
                    };
                    settings::settings_ui(ui, &mut s.settings, prefs, &mut ctx);
                }
            }
        });
        self.leaving_ui(ui, tr, nav);
    }

    /// A move the user asked for: leaving a visit with unsaved changes asks first.
    pub(super) fn request(&mut self, nav: Nav) {
        if self.screen == Screen::Encounter && self.s.encounter.has_unsaved_changes() {
            self.leaving = Some(nav);
        } else {
            self.navigate(nav);
        }
    }

    /// Asks whether to discard a visit's unsaved changes; "Keep editing" (or Esc) stays.
    fn leaving_ui(&mut self, ui: &mut Ui, tr: &Tr, nav: &mut Vec<Nav>) {
        if self.leaving.is_none() {
            return;
        }
        let mut discard = false;
        let mut stay = false;
        let modal = egui::Modal::new(egui::Id::unique("leave-unsaved")).show(ui.ctx(), |ui| {
            ui.set_max_width(440.0);
            ui.heading(tr.t("gui-unsaved-title"));
            ui.add_space(4.0);
            ui.label(tr.t("gui-unsaved-explain"));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                let keep = ui.add(crate::gui::widgets::primary_button(
                    ui,
                    &tr.t("gui-unsaved-stay"),
                ));
                if ui.ctx().memory(|m| m.focused()).is_none() {
                    keep.request_focus();
                }
                stay = keep.clicked();
                discard = ui.button(tr.t("gui-unsaved-discard")).clicked();
            });
        });
        if discard {
            if let Some(key) = self.s.encounter.draft_key() {
                self.send(Command::ForgetDraft { key });
            }
            self.s.encounter.kept = None;
            self.s.encounter.discard_changes();
            nav.extend(self.leaving.take());
        } else if stay || modal.should_close() {
            self.leaving = None;
        }
    }
}
