//! The screens. Each keeps its own state (form inputs and the latest snapshot from the
//! backend) and draws it in a `*_ui` function that never does IO: it reads that state
//! and pushes commands and navigation requests into a [`Ctx`].

pub mod banner;
pub mod conflicts;
pub mod dashboard;
pub mod encounter;
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
pub mod sync;

use std::collections::VecDeque;

use dermis_model::clinic::Permission;
use dermis_model::{EncounterId, PatientId};

use super::backend::{Command, SessionInfo};
use super::tr::Tr;

/// Where the window can be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Screen {
    Dashboard,
    Patients,
    Patient,
    Encounter,
    Photos,
    Pos,
    Products,
    Sync,
    Conflicts,
    Settings,
}

impl Screen {
    /// The screens of the navigation bar, in order.
    pub const NAV: [Screen; 7] = [
        Screen::Dashboard,
        Screen::Patients,
        Screen::Pos,
        Screen::Products,
        Screen::Sync,
        Screen::Conflicts,
        Screen::Settings,
    ];

    /// A screen by its name (`DERMIS_GUI_SCREEN`): dashboard, patients, patient,
    /// encounter, photos, pos, products, sync, conflicts, settings.
    pub fn parse(name: &str) -> Option<Screen> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "dashboard" => Screen::Dashboard,
            "patients" => Screen::Patients,
            "patient" => Screen::Patient,
            "encounter" => Screen::Encounter,
            // `compare`: the photos, comparing the part with the most of them.
            "photos" | "compare" => Screen::Photos,
            "pos" => Screen::Pos,
            "products" => Screen::Products,
            "sync" => Screen::Sync,
            "conflicts" => Screen::Conflicts,
            "settings" => Screen::Settings,
            _ => return None,
        })
    }

    pub fn message_id(self) -> &'static str {
        match self {
            Screen::Dashboard => "gui-nav-dashboard",
            Screen::Patients | Screen::Patient => "gui-nav-patients",
            Screen::Encounter => "gui-encounter-title",
            Screen::Photos => "gui-photos-title",
            Screen::Pos => "gui-nav-pos",
            Screen::Products => "gui-nav-products",
            Screen::Sync => "gui-nav-sync",
            Screen::Conflicts => "gui-nav-conflicts",
            Screen::Settings => "gui-nav-settings",
        }
    }

    /// Whether `session` may open the screen at all.
    pub fn allowed(self, session: &SessionInfo) -> bool {
        match self {
            Screen::Dashboard | Screen::Sync | Screen::Conflicts | Screen::Settings => true,
            Screen::Patients | Screen::Patient => session.can(Permission::ViewPatients),
            Screen::Encounter | Screen::Photos => session.can(Permission::ViewClinical),
            Screen::Pos => session.can(Permission::Sell),
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
