//! Moving between screens and keeping them current: where a navigation request leads
//! (if the role may go there), what each screen asks the backend for when shown or when
//! the store changed, whether it has its data yet, and a visit's drafts kept as typed.

use std::time::Duration;

use dermis_model::patient::PatientForm;

use super::{DermisApp, Phase};
use crate::gui::backend::{ClinicCommand, Command, DraftKey, ShiftCommand, View};
use crate::gui::screens::{Nav, Screen, encounter, patients};

/// How often unsaved typing in a visit is written to the store's drafts.
const KEEP_DRAFT_EVERY: Duration = Duration::from_secs(1);

impl DermisApp {
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
                if let Some(load) = self.s.photos.load() {
                    self.send(load);
                }
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
    pub(super) fn keep_draft(&mut self, ctx: &egui::Context) {
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
    pub(super) fn refresh(&mut self) {
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
                }
                if let Some(load) = self.s.photos.load() {
                    self.send(load);
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
    pub(super) fn screen_loaded(&self) -> bool {
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
}
