//! The app: which phase the window is in (opening, first run, login, signed in, locked),
//! the current screen and every screen's state, and the queue of commands for the
//! backend. One frame drains the replies that arrived, draws, then sends what the frame
//! queued; nothing in it waits on storage.
//!
//! Here: the state and the phase machine of one frame. Beside it: the signed-in frame
//! (`main_frame`), moving between screens and keeping them current (`navigation`),
//! applying replies (`replies`), the bars around every screen (`chrome`), the
//! development switches (`dev`) and what tests may ask (`probes`).

mod chrome;
mod dev;
mod main_frame;
mod navigation;
mod probes;
mod replies;

use std::collections::VecDeque;
use std::time::Duration;

use egui::Ui;

use super::backend::{
    Backend, BackendConfig, Command, PatientBanner, SessionInfo, SpawnError, SyncSummary, UiError,
};
use super::screens::login::{LockState, LoginState, SetupState};
use super::screens::{
    appointments, conflicts, dashboard, encounter, journal, login, patient, patients, photos, pos,
    products, settings, shift, sync,
};
use super::tr::{MissingMessages, Tr};
use super::{DevOptions, GuiOptions};
use crate::i18n::{Locale, Localizer};

pub use super::screens::{Nav, Screen};

/// Where the window is before and after signing in.
#[derive(Debug)]
pub(super) enum Phase {
    Starting,
    /// The store could not be opened.
    Failed(UiError),
    Setup(SetupState),
    Login(LoginState),
    Main,
    /// Signed in, but locked (idle or asked): the screens wait behind it.
    Locked(LockState),
}

#[derive(Debug, Default)]
pub(super) struct Screens {
    pub dashboard: dashboard::DashboardState,
    pub patients: patients::PatientsState,
    pub appointments: appointments::AppointmentsState,
    pub patient: patient::PatientState,
    pub encounter: encounter::EncounterState,
    pub photos: photos::PhotosState,
    pub pos: pos::PosState,
    pub journal: journal::JournalState,
    pub products: products::ProductsState,
    pub sync: sync::SyncState,
    pub conflicts: conflicts::ConflictsState,
    pub settings: settings::SettingsState,
    pub shift: shift::ShiftState,
    /// Who the patient screens are about; each draws it only when it is their patient.
    pub banner: Option<PatientBanner>,
}

/// A line shown above the current screen until the user moves on.
#[derive(Debug, Clone)]
pub(super) enum Notice {
    Info(&'static str),
    Error(UiError),
    /// A printout was saved to this file, and opened in a viewer or not.
    Printed {
        path: std::path::PathBuf,
        opened: bool,
    },
}

/// The desktop app. Also what the egui_kittest tests drive.
pub struct DermisApp {
    backend: Backend,
    localizer: Localizer,
    missing: MissingMessages,
    locale: Locale,
    dark: bool,
    applied_dark: Option<bool>,
    /// The language and theme as last remembered; a change is written once.
    remembered: (Locale, bool),
    phase: Phase,
    session: Option<SessionInfo>,
    screen: Screen,
    s: Screens,
    outbox: VecDeque<Command>,
    notice: Option<Notice>,
    /// Where the user asked to go from a visit with unsaved changes, until they say
    /// whether to discard them.
    leaving: Option<Nav>,
    last_sync: Option<SyncSummary>,
    dev: DevOptions,
    /// The screen `DERMIS_GUI_SCREEN` asked for, until it is shown with its data.
    dev_target: Option<Screen>,
    /// Frames drawn since the dev target was reached.
    dev_frames: u8,
    /// Idle time after which a signed-in window locks.
    lock_after: Duration,
    /// The last keyboard or pointer input.
    last_input: std::time::Instant,
}

impl std::fmt::Debug for DermisApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DermisApp")
            .field("locale", &self.locale)
            .field("phase", &self.phase)
            .field("screen", &self.screen)
            .finish_non_exhaustive()
    }
}

impl DermisApp {
    /// Starts the backend on `options.data_dir`; the window shows the login or first-run
    /// screen once the store is opened.
    pub fn new(options: GuiOptions) -> Result<DermisApp, SpawnError> {
        let backend = Backend::spawn(BackendConfig {
            data_dir: options.data_dir,
            max_photo_bytes: options.max_photo_bytes,
            viewer: options.viewer,
        })?;
        Ok(DermisApp {
            backend,
            localizer: Localizer::new(),
            missing: MissingMessages::default(),
            locale: options.locale,
            dark: options.dark,
            applied_dark: None,
            remembered: (options.locale, options.dark),
            phase: Phase::Starting,
            session: None,
            screen: Screen::Dashboard,
            s: Screens::default(),
            outbox: VecDeque::new(),
            notice: None,
            leaving: None,
            last_sync: None,
            dev: options.dev,
            dev_target: None,
            dev_frames: 0,
            lock_after: options.lock_after,
            last_input: std::time::Instant::now(),
        })
    }

    fn tr(&self) -> Tr {
        Tr::new(self.localizer.clone(), self.locale, self.missing.clone())
    }

    /// Draws one frame.
    pub fn app_ui(&mut self, ui: &mut Ui) {
        self.backend.set_waker(ui.ctx());
        if self.applied_dark != Some(self.dark) {
            ui.ctx().set_theme(if self.dark {
                egui::Theme::Dark
            } else {
                egui::Theme::Light
            });
            self.applied_dark = Some(self.dark);
        }
        while let Some(reply) = self.backend.try_recv() {
            self.on_reply(reply);
        }
        self.lock_when_idle(ui.ctx());
        let tr = self.tr();
        let mut nav = Vec::new();
        match &mut self.phase {
            Phase::Starting => {
                egui::CentralPanel::default().show(ui, |ui| {
                    ui.vertical_centered(|ui| {
                        ui.add_space(80.0);
                        ui.heading(tr.t("app-name"));
                        ui.spinner();
                        ui.label(tr.t("gui-opening"));
                    });
                });
            }
            Phase::Failed(error) => {
                let error = error.clone();
                egui::CentralPanel::default().show(ui, |ui| {
                    ui.vertical_centered(|ui| {
                        ui.add_space(80.0);
                        ui.heading(tr.t("gui-open-failed"));
                        super::widgets::error_line(ui, &tr.ui_error(&error));
                    });
                });
            }
            Phase::Setup(state) => {
                egui::CentralPanel::default().show(ui, |ui| {
                    login::setup_ui(ui, state, &tr, &mut self.locale, &mut self.outbox);
                });
            }
            Phase::Login(state) => {
                egui::CentralPanel::default().show(ui, |ui| {
                    login::login_ui(ui, state, &tr, &mut self.locale, &mut self.outbox);
                });
            }
            Phase::Main => {
                // Ctrl+F (Cmd+F) finds a patient from anywhere.
                if ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::F)) {
                    nav.push(Nav::Show(Screen::Patients));
                }
                self.main_ui(ui, &tr, &mut nav);
            }
            Phase::Locked(state) => {
                egui::CentralPanel::default().show(ui, |ui| {
                    login::lock_ui(ui, state, &tr, &mut self.outbox);
                });
            }
        }
        for request in nav {
            self.request(request);
        }
        if self.locale != tr.locale {
            // Draw the next frame in the newly chosen language straight away.
            ui.ctx().request_repaint();
        }
        if self.remembered != (self.locale, self.dark) {
            self.remembered = (self.locale, self.dark);
            self.send(Command::SavePreferences(super::prefs::Preferences {
                locale: Some(self.locale),
                dark: self.dark,
            }));
        }
        self.keep_draft(ui.ctx());
        self.flush(ui.ctx());
        self.dev_step(ui.ctx());
    }

    /// Locks a signed-in window that has had no input for `lock_after`, and wakes up in
    /// time to do so when nothing else would draw a frame.
    fn lock_when_idle(&mut self, ctx: &egui::Context) {
        let input = ctx.input(|i| {
            i.events.iter().any(|e| {
                matches!(
                    e,
                    egui::Event::Key { .. }
                        | egui::Event::Text(_)
                        | egui::Event::PointerButton { .. }
                        | egui::Event::MouseWheel { .. }
                        | egui::Event::Paste(_)
                )
            }) || i.pointer.is_moving()
        });
        let now = std::time::Instant::now();
        if input {
            self.last_input = now;
        }
        if !matches!(self.phase, Phase::Main) {
            return;
        }
        let idle = now.saturating_duration_since(self.last_input);
        if idle >= self.lock_after {
            self.lock();
        } else {
            ctx.request_repaint_after(self.lock_after - idle);
        }
    }

    /// Locks the window now: the screens stay as they are behind the lock screen, and the
    /// backend serves nothing until the same user's password is given again.
    pub fn lock(&mut self) {
        let Some(session) = &self.session else { return };
        if !matches!(self.phase, Phase::Main) {
            return;
        }
        self.phase = Phase::Locked(LockState {
            display_name: session.display_name.clone(),
            ..LockState::default()
        });
        self.send(Command::Lock);
    }

    /// Sends what the frame queued, keeping whatever the full channel refused for the
    /// next frame.
    fn flush(&mut self, ctx: &egui::Context) {
        while let Some(command) = self.outbox.pop_front() {
            if let Err(command) = self.backend.try_send(command) {
                self.outbox.push_front(*command);
                ctx.request_repaint_after(Duration::from_millis(16));
                break;
            }
        }
    }

    fn send(&mut self, command: Command) {
        self.outbox.push_back(command);
    }
}

impl eframe::App for DermisApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.app_ui(ui);
    }
}
