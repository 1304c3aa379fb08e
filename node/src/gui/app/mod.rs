//! The app: which phase the window is in (opening, first run, login, signed in), the
//! current screen and every screen's state, navigation, and the queue of commands for
//! the backend. One frame drains the replies that arrived, draws, then sends what the
//! frame queued; nothing in it waits on storage.

mod chrome;
mod replies;

use std::collections::VecDeque;
use std::time::Duration;

use dermis_model::patient::PatientForm;
use egui::Ui;

use super::backend::{
    Backend, BackendConfig, ClinicCommand, Command, DraftKey, PatientBanner, SessionInfo,
    ShiftCommand, SpawnError, SyncSummary, UiError, View,
};
use super::screens::login::{LockState, LoginState, SetupState};
use super::screens::{
    Ctx, appointments, banner, conflicts, dashboard, encounter, journal, login, patient, patients,
    photos, pos, products, settings, settings_clinic, shift, sync,
};
use super::tr::{MissingMessages, Tr};
use super::{DevOptions, GuiOptions};
use crate::i18n::{Locale, Localizer};

pub use super::screens::{Nav, Screen};

/// How often unsaved typing in a visit is written to the store's drafts.
const KEEP_DRAFT_EVERY: Duration = Duration::from_secs(1);

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

    fn main_ui(&mut self, ui: &mut Ui, tr: &Tr, nav: &mut Vec<Nav>) {
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

    /// A move the user asked for: leaving a visit with unsaved changes asks first.
    fn request(&mut self, nav: Nav) {
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
                let keep = ui.add(super::widgets::primary_button(
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

    /// Moves to another screen (if the role may see it) and asks for its data.
    pub fn navigate(&mut self, nav: Nav) {
        let Some(session) = &self.session else { return };
        let target = match &nav {
            Nav::Show(screen) => *screen,
            Nav::OpenPatient(_) => Screen::Patient,
            Nav::NewPatient | Nav::EditPatient => Screen::Patients,
            Nav::OpenEncounter(_) | Nav::NewEncounter { .. } => Screen::Encounter,
            Nav::Photos { .. } => Screen::Photos,
            Nav::ShowAppointment { .. } => Screen::Appointments,
            Nav::RegisterPatient(_) => Screen::Patients,
            Nav::OpenSale(_) => Screen::Journal,
        };
        if !target.allowed(session) {
            return;
        }
        if !matches!(nav, Nav::RegisterPatient(_)) {
            // Registering from a booking was left: a later new patient is not its invitee.
            self.s.appointments.link_after_register = None;
        }
        self.notice = None;
        match nav {
            Nav::Show(screen) => {
                if screen == Screen::Patients {
                    self.s.patients.form = None;
                    self.s.patients.focus_search = true;
                }
                if screen == Screen::Pos {
                    self.s.pos.focus_scan();
                }
                self.screen = screen;
                self.refresh();
            }
            Nav::OpenPatient(id) => {
                self.s.patient.open(id);
                self.screen = Screen::Patient;
                self.send(Command::OpenPatient { id });
            }
            Nav::NewPatient => {
                self.s.patients.form = Some(patients::PatientFormState::new_patient());
                self.screen = Screen::Patients;
            }
            Nav::RegisterPatient(form) => {
                let mut state = patients::PatientFormState::new_patient();
                state.phone = form.phones.first().cloned().unwrap_or_default();
                state.form = *form;
                self.s.patients.form = Some(state);
                self.screen = Screen::Patients;
            }
            Nav::ShowAppointment { id, at } => {
                self.s.appointments.focus(id, at);
                self.screen = Screen::Appointments;
            }
            Nav::EditPatient => {
                if let Some(view) = self
                    .s
                    .patient
                    .view
                    .as_ref()
                    .filter(|_| self.s.patient.loaded())
                {
                    let form = PatientForm::from_patient(&view.patient);
                    self.s.patients.form =
                        Some(patients::PatientFormState::edit(view.patient.id, form));
                    self.screen = Screen::Patients;
                }
            }
            Nav::OpenEncounter(id) => {
                self.s.encounter = encounter::EncounterState::opening(id);
                self.screen = Screen::Encounter;
                self.send(Command::OpenEncounter { id });
                self.load_draft(DraftKey::Visit(id));
            }
            Nav::NewEncounter { patient, name } => {
                self.s.encounter = encounter::EncounterState::start(patient, name);
                self.screen = Screen::Encounter;
                self.send(Command::LoadBanner { patient });
                self.load_draft(DraftKey::New(patient));
            }
            Nav::Photos {
                patient,
                name,
                visit,
            } => {
                self.s.photos.open(patient, name, visit);
                self.screen = Screen::Photos;
                self.send(Command::LoadBanner { patient });
                self.send(Command::LoadPhotos { patient });
            }
            Nav::OpenSale(receipt) => {
                let open = self.s.journal.open(&receipt);
                if self.screen != Screen::Journal {
                    self.screen = Screen::Journal;
                    self.refresh();
                } else {
                    self.send(open);
                }
            }
        }
    }

    /// Asks for a visit's kept draft, for the roles that write visits.
    fn load_draft(&mut self, key: DraftKey) {
        if self
            .session
            .as_ref()
            .is_some_and(|s| s.can(dermis_model::clinic::Permission::EditClinical))
        {
            self.send(Command::LoadDraft { key });
        }
    }

    /// Keeps a visit's unsaved typing in the store about once a second, so a crash or a
    /// power cut loses at most the last second of it.
    fn keep_draft(&mut self, ctx: &egui::Context) {
        if !matches!(self.phase, Phase::Main) || self.screen != Screen::Encounter {
            return;
        }
        let e = &mut self.s.encounter;
        if let Some((key, patient)) = e.due_for_keeping(KEEP_DRAFT_EVERY) {
            e.kept = Some((e.form.clone(), std::time::Instant::now()));
            let form = e.form.clone();
            self.send(Command::KeepDraft { key, patient, form });
        } else if e.has_unsaved_changes() && e.kept.as_ref().is_some_and(|(f, _)| *f != e.form) {
            ctx.request_repaint_after(KEEP_DRAFT_EVERY);
        }
    }

    /// Asks the backend again for what the current screen shows.
    fn refresh(&mut self) {
        let admin = self
            .session
            .as_ref()
            .is_some_and(|s| s.can(dermis_model::clinic::Permission::ManageUsers));
        // The top bar's sync badge is on every screen: it follows every refresh, not only
        // the screens that show the sync state in full.
        if !matches!(
            self.screen,
            Screen::Dashboard | Screen::Sync | Screen::Settings
        ) {
            self.send(Command::Refresh(View::SyncStatus));
        }
        let settings_admin = self
            .session
            .as_ref()
            .is_some_and(|s| s.can(dermis_model::clinic::Permission::ManageSettings));
        if settings_admin && matches!(self.screen, Screen::Dashboard | Screen::Settings) {
            self.send(Command::Clinic(ClinicCommand::Load));
        }
        if matches!(self.screen, Screen::Pos | Screen::Shift) {
            self.send(Command::Shift(ShiftCommand::Load));
        }
        match self.screen {
            Screen::Dashboard => self.send(Command::Refresh(View::Dashboard)),
            Screen::Patients => {
                if self.s.patients.form.is_none() {
                    let search = self.s.patients.search_again();
                    self.send(search);
                }
            }
            Screen::Patient => {
                if let Some(id) = self.s.patient.id {
                    self.send(Command::OpenPatient { id });
                }
            }
            Screen::Encounter => {
                let e = &self.s.encounter;
                let unsaved = e.saved_form.as_ref() != Some(&e.form);
                match (e.id, unsaved, e.patient) {
                    (Some(id), false, _) => self.send(Command::OpenEncounter { id }),
                    (_, _, Some(patient)) => self.send(Command::LoadBanner { patient }),
                    _ => {}
                }
            }
            Screen::Photos => {
                if let Some(patient) = self.s.photos.patient {
                    self.send(Command::LoadBanner { patient });
                    self.send(Command::LoadPhotos { patient });
                }
            }
            Screen::Pos => {
                let find = self.s.pos.find();
                self.send(find);
            }
            Screen::Journal => {
                for command in self.s.journal.refresh() {
                    self.send(command);
                }
            }
            Screen::Products => self.send(Command::Refresh(View::Catalog)),
            Screen::Appointments => self.s.appointments.refresh(),
            Screen::Sync => self.send(Command::Refresh(View::Sync)),
            Screen::Conflicts => self.send(Command::Refresh(View::Conflicts)),
            Screen::Shift => {}
            Screen::Settings => {
                self.send(Command::Refresh(View::Sync));
                if admin {
                    self.send(Command::Refresh(View::Users));
                }
            }
        }
    }

    /// Whether the current screen has the data it shows.
    fn screen_loaded(&self) -> bool {
        let s = &self.s;
        match self.screen {
            Screen::Dashboard => s.dashboard.data.is_some(),
            Screen::Patients => s.patients.loaded || s.patients.form.is_some(),
            Screen::Patient => s.patient.loaded(),
            Screen::Encounter => s.encounter.loaded(),
            Screen::Photos => s.photos.loaded,
            Screen::Pos => true,
            Screen::Journal => s.journal.loaded(),
            Screen::Products => s.products.loaded,
            Screen::Appointments => s.appointments.loaded(),
            Screen::Sync => s.sync.view.is_some(),
            Screen::Conflicts => s.conflicts.items.is_some(),
            Screen::Shift => s.shift.view.is_some(),
            Screen::Settings => {
                let may = |p| self.session.as_ref().is_some_and(|s| s.can(p));
                use dermis_model::clinic::Permission::{ManageSettings, ManageUsers};
                (s.settings.users.is_some() || !may(ManageUsers))
                    && (s.settings.clinic.view.is_some() || !may(ManageSettings))
            }
        }
    }

    /// Drives the development switches: reach the asked-for screen, then write the ready
    /// file once it has been drawn with its data (or, without a login, once the login or
    /// first-run screen is up).
    fn dev_step(&mut self, ctx: &egui::Context) {
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
                    && let Some(next) = replies::dev_next(&self.s, self.screen, target)
                        .or_else(|| self.dev_sale(target))
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

    // The rest is for tests and benchmarks that drive the window frame by frame.

    /// Message ids the current languages lacked while drawing, as `locale:id`.
    pub fn missing_messages(&self) -> Vec<String> {
        self.missing
            .lock()
            .map(|m| m.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Whether every command has been sent, run and answered.
    pub fn is_idle(&mut self) -> bool {
        self.outbox.is_empty() && self.backend.is_idle()
    }

    /// Blocks until the backend has a reply, at most `timeout`.
    pub fn wait_for_backend(&mut self, timeout: Duration) -> bool {
        self.backend.wait_for_reply(timeout)
    }

    pub fn screen(&self) -> Screen {
        self.screen
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    pub fn set_locale(&mut self, locale: Locale) {
        self.locale = locale;
    }

    pub fn session(&self) -> Option<&SessionInfo> {
        self.session.as_ref()
    }

    /// How many of `sku` the till's cart holds.
    pub fn pos_cart_quantity(&self, sku: &str) -> Option<i64> {
        self.s.pos.cart.iter().find(|e| e.sku == sku).map(|e| e.qty)
    }

    /// How many lines the till's cart holds.
    pub fn pos_cart_lines(&self) -> usize {
        self.s.pos.cart.len()
    }

    /// Whether the till's cart, as it is now, has its totals quoted.
    pub fn pos_quoted(&self) -> bool {
        self.s.pos.is_quoted()
    }

    /// The receipt number the till shows after a sale.
    pub fn pos_receipt(&self) -> Option<&str> {
        self.s.pos.receipt.as_ref().map(|s| s.receipt.as_str())
    }

    /// Queues a command as if a screen had sent it: how tests reach the backend's own
    /// checks behind a button the window disables.
    #[doc(hidden)]
    pub fn send_command(&mut self, command: Command) {
        self.send(command);
    }

    /// The page of the sales journal on screen.
    pub fn journal_page(&self) -> Option<&crate::ops::journal::JournalPage> {
        self.s.journal.page.as_ref()
    }

    /// The journal's entry open, once loaded.
    pub fn journal_sale(&self) -> Option<&crate::ops::journal::SaleDetail> {
        self.s.journal.detail.as_ref()
    }

    /// Whether the login screen is showing.
    pub fn at_login(&self) -> bool {
        matches!(self.phase, Phase::Login(_))
    }

    /// Moves the last input `by` into the past, as if nobody had touched the window
    /// since: how tests reach the idle lock without waiting for it.
    #[doc(hidden)]
    pub fn backdate_last_input(&mut self, by: Duration) {
        self.last_input = self.last_input.checked_sub(by).unwrap_or(self.last_input);
    }

    /// Whether the lock screen is showing.
    pub fn is_locked(&self) -> bool {
        matches!(self.phase, Phase::Locked(_))
    }

    /// Whether the first-run screen is showing.
    pub fn at_setup(&self) -> bool {
        matches!(self.phase, Phase::Setup(_))
    }

    /// How many patients the search on screen found, once the answer to what is typed
    /// now has arrived (`None` while it is on its way): how benches see a search succeed.
    #[doc(hidden)]
    pub fn patients_found(&self) -> Option<usize> {
        let p = &self.s.patients;
        (p.loaded && p.shown == p.generation).then_some(p.rows.len())
    }

    /// Whether the current screen has its data and nothing is waiting.
    pub fn settled(&mut self) -> bool {
        self.is_idle() && (!matches!(self.phase, Phase::Main) || self.screen_loaded())
    }
}

impl eframe::App for DermisApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.app_ui(ui);
    }
}
