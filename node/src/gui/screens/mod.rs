//! The screens. Each keeps its own state (form inputs and the latest snapshot from the
//! backend) and draws it in a `*_ui` function that never does IO: it reads that state
//! and pushes commands and navigation requests into a [`Ctx`].

pub mod appointments;
pub mod banner;
pub mod conflicts;
pub mod dashboard;
pub mod encounter;
pub mod journal;
pub mod login;
pub mod patient;
pub mod patients;
pub mod photos;
pub mod pos;
pub mod pos_buyer;
pub mod prescribe;
pub mod products;
pub mod purchases;
pub mod settings;
pub mod settings_clinic;
pub mod shift;
pub mod shift_close;
pub mod sync;

use std::collections::VecDeque;

use dermis_model::clinic::Permission;
use dermis_model::{AppointmentId, EncounterId, PatientId};

use super::backend::{Command, SessionInfo};
use super::tr::Tr;

/// Where the window can be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Screen {
    Dashboard,
    Patients,
    Appointments,
    Patient,
    Encounter,
    Photos,
    Pos,
    Journal,
    Products,
    Sync,
    Conflicts,
    Settings,
    /// The cash drawer's shift: open, pay in and out, X and Z reports.
    Shift,
}

impl Screen {
    /// The screens of the navigation bar, in order.
    pub const NAV: [Screen; 10] = [
        Screen::Dashboard,
        Screen::Patients,
        Screen::Appointments,
        Screen::Pos,
        Screen::Journal,
        Screen::Shift,
        Screen::Products,
        Screen::Sync,
        Screen::Conflicts,
        Screen::Settings,
    ];

    /// A screen by its name (`DERMIS_GUI_SCREEN`): dashboard, patients, appointments,
    /// patient, encounter, photos, pos, journal (or sale: the journal with an entry open),
    /// shift, products, sync, conflicts, settings.
    pub fn parse(name: &str) -> Option<Screen> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "dashboard" => Screen::Dashboard,
            "patients" => Screen::Patients,
            "appointments" => Screen::Appointments,
            "patient" => Screen::Patient,
            "encounter" => Screen::Encounter,
            // `compare`: the photos, comparing the part with the most of them.
            "photos" | "compare" => Screen::Photos,
            "pos" => Screen::Pos,
            "journal" | "sale" => Screen::Journal,
            "products" => Screen::Products,
            "sync" => Screen::Sync,
            "conflicts" => Screen::Conflicts,
            "settings" => Screen::Settings,
            "shift" => Screen::Shift,
            _ => return None,
        })
    }

    pub fn message_id(self) -> &'static str {
        match self {
            Screen::Dashboard => "gui-nav-dashboard",
            Screen::Patients | Screen::Patient => "gui-nav-patients",
            Screen::Appointments => "gui-nav-appointments",
            Screen::Encounter => "gui-encounter-title",
            Screen::Photos => "gui-photos-title",
            Screen::Pos => "gui-nav-pos",
            Screen::Journal => "gui-nav-journal",
            Screen::Products => "gui-nav-products",
            Screen::Sync => "gui-nav-sync",
            Screen::Conflicts => "gui-nav-conflicts",
            Screen::Settings => "gui-nav-settings",
            Screen::Shift => "gui-nav-shift",
        }
    }

    /// The navigation bar's icon of the screen (a glyph of the bundled emoji fonts; a
    /// test checks each one is drawn).
    pub fn icon(self) -> &'static str {
        match self {
            Screen::Dashboard => "🏠",
            Screen::Patients | Screen::Patient => "👥",
            Screen::Appointments => "📅",
            Screen::Encounter => "📋",
            Screen::Photos => "📷",
            Screen::Pos => "💳",
            Screen::Shift => "💰",
            Screen::Journal => "📒",
            Screen::Products => "📦",
            Screen::Sync => "🔃",
            Screen::Conflicts => "⚠",
            Screen::Settings => "⚙",
        }
    }

    /// Whether `session` may open the screen at all.
    pub fn allowed(self, session: &SessionInfo) -> bool {
        match self {
            Screen::Dashboard | Screen::Sync | Screen::Conflicts | Screen::Settings => true,
            Screen::Patients | Screen::Patient | Screen::Appointments => {
                session.can(Permission::ViewPatients)
            }
            Screen::Encounter | Screen::Photos => session.can(Permission::ViewClinical),
            Screen::Pos | Screen::Journal | Screen::Shift => session.can(Permission::Sell),
            Screen::Products => {
                session.can(Permission::ManageStock) || session.can(Permission::ManageProducts)
            }
        }
    }
}

/// A request to move somewhere, acted on by the app after the frame is drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Nav {
    Show(Screen),
    OpenPatient(PatientId),
    NewPatient,
    EditPatient,
    OpenEncounter(EncounterId),
    NewEncounter {
        patient: PatientId,
        name: String,
    },
    /// The appointment book on the day of `at`, with the appointment chosen.
    ShowAppointment {
        id: AppointmentId,
        at: dermis_model::Millis,
    },
    /// The new-patient form, filled in (from a Calendly invitee, say).
    RegisterPatient(Box<dermis_model::patient::PatientForm>),
    /// The sales journal with the entry of this receipt number open.
    OpenSale(String),
    /// A patient's photos; `visit` is the visit new photos are linked to at first.
    Photos {
        patient: PatientId,
        name: String,
        visit: Option<EncounterId>,
    },
}

/// What a screen's `*_ui` function may use besides its own state.
pub struct Ctx<'a> {
    pub tr: &'a Tr,
    pub session: &'a SessionInfo,
    out: &'a mut VecDeque<Command>,
    nav: &'a mut Vec<Nav>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        tr: &'a Tr,
        session: &'a SessionInfo,
        out: &'a mut VecDeque<Command>,
        nav: &'a mut Vec<Nav>,
    ) -> Ctx<'a> {
        Ctx {
            tr,
            session,
            out,
            nav,
        }
    }

    /// Queues a command for the backend.
    pub fn send(&mut self, command: Command) {
        self.out.push_back(command);
    }

    pub fn go(&mut self, nav: Nav) {
        self.nav.push(nav);
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.session.can(permission)
    }

    pub fn t(&self, id: &str) -> String {
        self.tr.t(id)
    }
}

/// The current time, for "how long ago" labels.
pub fn now() -> dermis_model::Millis {
    dermis_model::now_millis()
}

#[cfg(test)]
mod tests {
    use egui::{Context, FontId, RawInput};

    use super::Screen;

    #[test]
    fn every_navigation_icon_is_drawn_by_the_bundled_fonts() {
        let ctx = Context::default();
        crate::gui::setup_context(&ctx);
        let screens: Vec<Screen> = Screen::NAV
            .into_iter()
            .chain([Screen::Patient, Screen::Encounter, Screen::Photos])
            .collect();
        ctx.run_ui(RawInput::default(), |ui| {
            for s in &screens {
                ui.label(s.icon());
            }
        })
        .drop_without_applying_deltas();
        ctx.fonts_mut(|fonts| {
            for s in &screens {
                for c in s.icon().chars() {
                    assert!(
                        fonts.has_glyph(&FontId::proportional(14.0), c),
                        "{s:?}'s icon {c:?} U+{:04X} has no glyph",
                        c as u32
                    );
                }
            }
        });
    }
}
