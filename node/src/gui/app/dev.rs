//! The development switches `DERMIS_GUI_SCREEN` and `DERMIS_GUI_READY_FILE`: walk to the
//! asked-for screen with real data, then tell a screenshot script once it is drawn.
//! Nothing here runs unless one is set (`DERMIS_GUI_LOGIN` signs in from `replies`).

use super::{DermisApp, Phase, Screens};
use crate::gui::backend::Command;
use crate::gui::screens::{Nav, Screen};

impl DermisApp {
    /// Drives the development switches: reach the asked-for screen, then write the ready
    /// file once it has been drawn with its data (or, without a login, once the login or
    /// first-run screen is up).
    pub(super) fn dev_step(&mut self, ctx: &egui::Context) {
        if self.dev.ready_file.is_none() && self.dev_target.is_none() {
            return;
        }
        // `DERMIS_GUI_SCREEN=lock`: the lock screen over the dashboard.
        let wants_lock = self
            .dev
            .screen
            .as_deref()
            .is_some_and(|s| s.trim().eq_ignore_ascii_case("lock"));
        let at_rest = match &self.phase {
            Phase::Main => {
                if let Some(target) = self.dev_target
                    && let Some(next) =
                        dev_next(&self.s, self.screen, target).or_else(|| self.dev_sale(target))
                {
                    self.navigate(next);
                    return;
                }
                let shown = self.dev_target.is_none_or(|target| self.screen == target)
                    && self.screen_loaded();
                if shown && wants_lock {
                    self.lock();
                    return;
                }
                let wants_compare = self.dev.screen.as_deref().map(str::trim) == Some("compare");
                if shown && wants_compare && self.s.photos.compare.is_none() {
                    let mut out = Vec::new();
                    if self.s.photos.compare_busiest(&mut |c| out.push(c)) {
                        out.into_iter().for_each(|c| self.send(c));
                        return;
                    }
                }
                shown
            }
            Phase::Locked(_) => wants_lock,
            Phase::Login(_) | Phase::Setup(_) => self.dev.login.is_none(),
            Phase::Starting | Phase::Failed(_) => false,
        };
        if !(at_rest && self.is_idle()) {
            self.dev_frames = 0;
            return;
        }
        // One more frame with the data on screen before telling the script.
        self.dev_frames = self.dev_frames.saturating_add(1);
        if self.dev_frames < 2 {
            ctx.request_repaint();
            return;
        }
        self.dev_target = None;
        if let Some(file) = self.dev.ready_file.take() {
            self.send(Command::MarkReady { file });
            self.flush(ctx);
        }
    }

    /// `DERMIS_GUI_SCREEN=sale`: once the journal shows its entries, open the first one
    /// something was done to (refunded or voided), else the first.
    fn dev_sale(&self, target: Screen) -> Option<Nav> {
        let wanted = self
            .dev
            .screen
            .as_deref()
            .is_some_and(|s| s.trim().eq_ignore_ascii_case("sale"));
        let j = &self.s.journal;
        (wanted
            && target == Screen::Journal
            && self.screen == Screen::Journal
            && j.loaded
            && j.open_receipt.is_none())
        .then(|| j.showcase().map(Nav::OpenSale))
        .flatten()
    }
}

/// The next step towards the screen `DERMIS_GUI_SCREEN` names, for screens that need a
/// patient: the first recent patient with visits (or photos), then its first visit.
fn dev_next(s: &Screens, screen: Screen, target: Screen) -> Option<Nav> {
    match (target, screen) {
        (Screen::Patient | Screen::Encounter | Screen::Photos, Screen::Patients)
            if s.patients.loaded =>
        {
            let rows = &s.patients.rows;
            let best = match target {
                Screen::Photos => rows.iter().find(|r| r.photo_count > 0),
                _ => rows.iter().find(|r| r.encounter_count > 0),
            };
            best.or(rows.first())
                .and_then(|r| r.id.parse().ok())
                .map(Nav::OpenPatient)
        }
        (Screen::Encounter, Screen::Patient) if s.patient.loaded() => s
            .patient
            .view
            .as_ref()?
            .encounters
            .first()
            .and_then(|e| e.id.parse().ok())
            .map(Nav::OpenEncounter),
        (Screen::Photos, Screen::Patient) if s.patient.loaded() => {
            let view = s.patient.view.as_ref()?;
            Some(Nav::Photos {
                patient: view.patient.id,
                name: view.patient.full_name(),
                visit: None,
            })
        }
        _ => None,
    }
}
