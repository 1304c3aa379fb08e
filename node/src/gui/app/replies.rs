//! Applying the backend's replies to the app: each snapshot goes to the screen that
//! shows it, each failure to the form that caused it.

use super::{DermisApp, Notice, Phase, Screens};
use crate::gui::backend::{Command, Op, PatientBanner, Reply, ShiftCommand, UiError, View};
use crate::gui::screens::login::{LoginState, SetupState};
use crate::gui::screens::{Nav, Screen, journal, patient};

impl DermisApp {
    pub(super) fn on_reply(&mut self, reply: Reply) {
        let s = &mut self.s;
        match reply {
            Reply::NeedsSetup => self.phase = Phase::Setup(SetupState::default()),
            Reply::Ready { clinic_name } => {
                self.phase = Phase::Login(LoginState {
                    clinic_name,
                    ..LoginState::default()
                });
                if let Some((username, password)) = self.dev.login.clone() {
                    if let Phase::Login(state) = &mut self.phase {
                        state.busy = true;
                    }
                    self.send(Command::Login { username, password });
                }
            }
            Reply::LoginFailed => match &mut self.phase {
                Phase::Login(state) => {
                    state.busy = false;
                    state.refused = true;
                    state.locked_until = None;
                }
                Phase::Locked(state) => {
                    state.busy = false;
                    state.refused = true;
                    state.locked_until = None;
                }
                _ => {}
            },
            Reply::LockedOut { until } => match &mut self.phase {
                Phase::Login(state) => {
                    state.busy = false;
                    state.refused = false;
                    state.locked_until = Some(until);
                }
                Phase::Locked(state) => {
                    state.busy = false;
                    state.refused = false;
                    state.locked_until = Some(until);
                }
                _ => {}
            },
            Reply::Unlocked => {
                if matches!(self.phase, Phase::Locked(_)) {
                    self.phase = Phase::Main;
                    self.last_input = std::time::Instant::now();
                    self.refresh();
                }
            }
            Reply::LoggedIn(info) => {
                self.session = Some(*info);
                self.phase = Phase::Main;
                self.last_input = std::time::Instant::now();
                self.s = Screens::default();
                self.notice = None;
                self.screen = Screen::Dashboard;
                self.refresh();
                self.dev_target = self.dev.screen.as_deref().and_then(Screen::parse);
                if let Some(target) = self.dev_target {
                    let first = match target {
                        Screen::Patient | Screen::Encounter | Screen::Photos => Screen::Patients,
                        other => other,
                    };
                    self.navigate(Nav::Show(first));
                }
            }
            Reply::LoggedOut => {
                let clinic_name = self
                    .session
                    .take()
                    .map(|s| s.clinic_name)
                    .unwrap_or_default();
                self.s = Screens::default();
                self.phase = Phase::Login(LoginState {
                    clinic_name,
                    ..LoginState::default()
                });
            }
            Reply::Dashboard(data) => {
                self.last_sync = Some(data.sync.clone());
                s.dashboard.data = Some(*data);
            }
            Reply::Patients { generation, rows } => s.patients.on_rows(generation, rows),
            Reply::Patient(view) => {
                if s.patient.id == Some(view.patient.id) {
                    let clinical = self
                        .session
                        .as_ref()
                        .is_some_and(|s| s.can(dermis_model::clinic::Permission::ViewClinical));
                    s.banner = Some(PatientBanner::of(&view.patient, clinical));
                    s.patient.view = Some(*view);
                }
            }
            Reply::Banner(banner) => s.banner = Some(*banner),
            Reply::SyncStatus(summary) => self.last_sync = Some(*summary),
            Reply::Draft { key, form, .. } => {
                if s.encounter.on_draft(key, *form) {
                    self.notice = Some(Notice::Info("gui-draft-restored"));
                }
            }
            Reply::PatientSaved { id } => {
                s.patients.form = None;
                self.notice = Some(Notice::Info("gui-saved"));
                if let Some(appointment) = s.appointments.link_after_register.take() {
                    // Registered from a Calendly invitee: link the booking, back to the book.
                    s.appointments.busy = true;
                    self.screen = Screen::Appointments;
                    self.send(Command::Book(crate::gui::backend::BookCommand::Link {
                        id: appointment,
                        patient: id,
                    }));
                } else {
                    self.s.patient.open(id);
                    self.screen = Screen::Patient;
                }
            }
            Reply::AllergyAdded { .. } => {
                s.patient.allergy = Default::default();
                s.patient.allergy_errors = Default::default();
                s.patient.allergy_busy = false;
            }
            Reply::EncounterSaved { patient, id } => {
                if s.encounter.patient == Some(patient) {
                    s.encounter.kept = None;
                    s.encounter.id = Some(id);
                }
                self.notice = Some(Notice::Info("gui-saved"));
            }
            Reply::Prescribed { encounter } => {
                if s.encounter.id == Some(encounter) {
                    s.encounter.rx.on_prescribed();
                }
                self.notice = Some(Notice::Info("gui-saved"));
            }
            Reply::Printed { path, opened } => self.notice = Some(Notice::Printed { path, opened }),
            Reply::Encounter(view) => {
                if s.encounter.id == Some(view.encounter.id) {
                    s.banner = Some(view.banner.clone());
                    s.encounter.on_view(*view);
                }
            }
            Reply::Photos {
                patient,
                photos,
                visits,
            } => s.photos.on_photos(patient, photos, visits),
            Reply::Thumbnail { key, picture } => s.photos.on_thumbnail(key, picture),
            Reply::PhotoImage { id, picture } => s.photos.on_full(id, picture),
            Reply::PhotosAdded {
                patient,
                added,
                failed,
            } => {
                s.photos.on_added(added, failed);
                // The gallery shows what was added: only the new photos are decoded.
                if added > 0
                    && s.photos.patient == Some(patient)
                    && let Some(load) = s.photos.load()
                {
                    self.send(load);
                }
            }
            Reply::Folder(listing) => s.photos.picker.on_listing(*listing),
            Reply::Products { generation, rows } => s.pos.on_results(generation, rows),
            Reply::Buyers { generation, rows } => s.pos.buyer.on_results(generation, rows),
            Reply::Scanned(product) => s.pos.add(&product),
            Reply::Quote { generation, result } => {
                s.pos.on_quote(generation, result.map(|q| *q));
            }
            Reply::Sold(sale) => {
                s.pos.on_sold(*sale);
                // The shift's X report counts the sale.
                self.send(Command::Shift(ShiftCommand::Load));
            }
            Reply::Journal { generation, page } => s.journal.on_page(generation, *page),
            Reply::SaleOpened(detail) => s.journal.on_opened(*detail),
            Reply::SaleReversed { original, entry } => s.journal.on_reversed(&original, entry),
            Reply::ReceiptWritten {
                receipt,
                format,
                path,
                opened,
            } => {
                let printed = journal::Printed {
                    receipt,
                    format,
                    path,
                    opened,
                };
                // The screen that asked, the till's receipt or the journal's sale.
                if s.pos.print.busy {
                    s.pos.print.on_written(printed);
                } else {
                    s.journal.print.on_written(printed);
                }
            }
            Reply::Catalog { products } => s.products.on_catalog(products),
            Reply::ProductSaved { id } => {
                s.products.on_saved(id);
                self.send(Command::Movements {
                    product_id: id.to_string(),
                });
            }
            Reply::StockMoved { .. } => s.products.on_stock_moved(),
            Reply::Movements { product_id, rows } => s.products.on_movements(product_id, rows),
            Reply::Sync(view) => {
                self.last_sync = Some(view.summary.clone());
                s.sync.view = Some(*view);
            }
            Reply::Conflicts(items) => s.conflicts.on_items(items),
            Reply::ConflictResolved => self.notice = Some(Notice::Info("gui-conflicts-resolved")),
            Reply::Users(users) => s.settings.on_users(users),
            Reply::UserChanged => s.settings.on_changed(),
            Reply::Shift(reply) => {
                s.shift.on_reply(reply);
                s.pos.shift = s.shift.status();
            }
            Reply::Clinic(reply) => s.settings.clinic.on_reply(reply, self.locale),
            Reply::StoreChanged => {
                if matches!(self.phase, Phase::Main) {
                    self.refresh();
                }
            }
            Reply::Book(reply) => s.appointments.on_reply(reply),
            Reply::Failed { op, error } => self.on_failed(op, error),
        }
    }

    fn on_failed(&mut self, op: Op, error: UiError) {
        let s = &mut self.s;
        match op {
            Op::Open => self.phase = Phase::Failed(error),
            Op::Login => {
                if let Phase::Login(state) = &mut self.phase {
                    state.busy = false;
                    state.error = Some(error);
                }
            }
            Op::Setup => {
                if let Phase::Setup(state) = &mut self.phase {
                    state.busy = false;
                    match error {
                        UiError::Invalid(errors) => state.errors = errors,
                        other => state.error = Some(other),
                    }
                }
            }
            Op::SavePatient => match &mut s.patients.form {
                Some(form) => form.failed(error),
                None => self.notice = Some(Notice::Error(error)),
            },
            Op::AddAllergy => patient::allergy_failed(&mut s.patient, error),
            Op::SaveEncounter | Op::Sign | Op::Addendum => s.encounter.failed(error),
            Op::Prescribe => s.encounter.rx.failed(error),
            Op::ImportPhoto => s.photos.failed(error),
            Op::Scan => s.pos.failed_scan(error),
            Op::Sell => s.pos.failed_sale(error),
            Op::Journal => s.journal.failed_search(error),
            Op::Reverse => s.journal.failed_reverse(error),
            // A receipt asked for by the till or the journal, else a visit's document.
            Op::Print => {
                if s.pos.print.busy {
                    s.pos.print.failed(error);
                } else if s.journal.print.busy {
                    s.journal.print.failed(error);
                } else {
                    self.notice = Some(Notice::Error(error));
                }
            }
            Op::SaveProduct => s.products.failed_save(error),
            Op::MoveStock => s.products.failed_move(error),
            Op::Resolve => s.conflicts.failed(error),
            Op::Shift => s.shift.failed(error),
            Op::Clinic => s.settings.clinic.failed(error),
            Op::Appointment => s.appointments.failed(error),
            Op::AddUser | Op::ChangeUser => {
                s.settings.failed(error);
                // Show the users as they are, not as the refused change drew them.
                self.send(Command::Refresh(View::Users));
            }
            Op::Load => {
                if self.screen == Screen::Encounter && s.encounter.view.is_none() {
                    s.encounter.failed(error.clone());
                }
                if s.journal.open_receipt.is_some() && s.journal.detail.is_none() {
                    // The entry could not be opened: back to the list, with why.
                    s.journal.close();
                }
                self.notice = Some(Notice::Error(error));
            }
        }
    }
}
