//! What the window and the backend worker say to each other: commands the UI sends
//! (each one a user intent, checked again by the command layer) and the replies and
//! snapshots that come back. Everything here is plain data, `Send`, and free of SQLite.

use std::path::PathBuf;
use std::sync::Arc;

use dermis_model::clinic::{Permission, Role};
use dermis_model::encounter::{Encounter, EncounterForm};
use dermis_model::ledger::{MovementKind, Payment, PaymentMethod, Priced, Sale};
use dermis_model::patient::{Allergy, AllergyForm, AllergyStatus, Patient, PatientForm, Sex};
use dermis_model::product::ProductForm;
use dermis_model::{EncounterId, PatientId, PhotoId, ProductId, UserId, ValidationErrors};

pub use crate::ops::journal::{JournalPage, JournalSearch, SaleDetail};
use crate::ops::photos::PhotoListing;
use crate::ops::sales::ItemInput;
pub use crate::ops::till::ReceiptFormat;
pub use crate::store::drafts::DraftKey;
use crate::store::queries::{
    AppointmentRow, ConflictRow, DocSyncRow, DraftRow, EncounterRow, MovementRow, OutboxStats,
    PatientRow, ProductRow, SyncState,
};

/// The first-run form: a new clinic on this workstation and its first administrator.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetupForm {
    pub clinic_name: String,
    pub node_name: String,
    pub username: String,
    pub display_name: String,
    pub password: String,
}

/// Lists the UI asks to be refreshed as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The sync state alone, for the badge in the top bar.
    SyncStatus,
    Dashboard,
    Catalog,
    Sync,
    Conflicts,
    Users,
}

/// A user intent. The backend runs them in order, except that a newer search (or
/// quote) makes an older one still waiting in the queue pointless, so it is skipped.
#[derive(Clone, Debug)]
pub enum Command {
    Login {
        username: String,
        password: String,
    },
    Logout,
    /// The window locked (idle, or the user asked): nothing but `Unlock` and `Logout` is
    /// served until the signed-in user gives their password again.
    Lock,
    Unlock {
        password: String,
    },
    Setup(SetupForm),
    /// Remember the window's language and theme on this workstation (allowed before
    /// signing in: the login screen has the language picker).
    SavePreferences(crate::gui::prefs::Preferences),
    Refresh(View),
    /// Patients matching `query` (recent ones when it is blank). `generation` lets the
    /// UI drop answers to queries the user has typed past.
    SearchPatients {
        generation: u64,
        query: String,
    },
    OpenPatient {
        id: PatientId,
    },
    SavePatient {
        id: Option<PatientId>,
        form: PatientForm,
    },
    AddAllergy {
        patient: PatientId,
        form: AllergyForm,
    },
    /// An allergy was entered in error.
    MarkAllergyInError {
        patient: PatientId,
        allergy: dermis_model::AllergyId,
        reason: String,
    },
    /// The patient was asked and knows of no allergy.
    RecordNoKnownAllergies {
        patient: PatientId,
    },
    /// Keep what is typed in a visit until it is saved (see `store::drafts`).
    KeepDraft {
        key: DraftKey,
        patient: PatientId,
        form: EncounterForm,
    },
    /// The draft kept for a visit, if any (answered with [`Reply::Draft`]).
    LoadDraft {
        key: DraftKey,
    },
    /// The user discarded the visit's unsaved changes.
    ForgetDraft {
        key: DraftKey,
    },
    /// Who a screen is about (name, age, record number, allergies): see [`PatientBanner`].
    LoadBanner {
        patient: PatientId,
    },
    OpenEncounter {
        id: EncounterId,
    },
    SaveEncounter {
        patient: PatientId,
        id: Option<EncounterId>,
        form: EncounterForm,
    },
    /// Prescribe on a draft visit (checked against the patient's allergies; a match
    /// is refused unless the form gives a reason to go ahead).
    Prescribe {
        encounter: EncounterId,
        form: dermis_model::prescription::PrescriptionForm,
    },
    /// Write a visit's document as a PDF in the workstation's printouts folder and open
    /// it with the system's viewer (which prints it).
    PrintDocument {
        encounter: EncounterId,
        kind: crate::print::document::Kind,
        locale: crate::i18n::Locale,
    },
    SignEncounter {
        id: EncounterId,
    },
    AddAddendum {
        id: EncounterId,
        text: String,
    },
    /// Import files as photos of one body part (and visit), each on its own: a file
    /// that is not an image does not stop the others.
    ImportPhotos {
        patient: PatientId,
        files: Vec<PathBuf>,
        body_part: String,
        tags: Vec<String>,
        encounter: Option<EncounterId>,
    },
    /// A patient's photos and the thumbnails the screen does not hold yet.
    LoadPhotos {
        patient: PatientId,
        /// Thumbnails the screen already holds: not decoded or sent again.
        have: Vec<ThumbnailKey>,
    },
    /// A folder's images and subfolders, for the photo import's file browser.
    ListFolder {
        path: PathBuf,
    },
    /// The original of a photo, scaled for the full view.
    LoadPhoto {
        id: PhotoId,
        sha256: String,
    },
    FindProducts {
        generation: u64,
        query: String,
    },
    /// Patients the till may attach a sale to (name or record number).
    FindBuyers {
        generation: u64,
        query: String,
    },
    /// A barcode or SKU typed or scanned at the till.
    Scan {
        code: String,
    },
    Quote {
        generation: u64,
        items: Vec<ItemInput>,
        payments: Vec<Payment>,
    },
    Sell {
        items: Vec<ItemInput>,
        payments: Vec<Payment>,
        /// The patient buying, when the cashier attached one.
        patient: Option<PatientId>,
    },
    /// The sales journal's entries matching `search`, from `offset`, with their totals.
    SearchJournal {
        generation: u64,
        search: JournalSearch,
        offset: usize,
    },
    /// A sale, refund or void by its receipt number, with what was done to it since.
    OpenSale {
        receipt: String,
    },
    /// Refund units of a sale's lines (SKU, quantity) in `method`, for `reason`.
    RefundSale {
        receipt: String,
        items: Vec<(String, i64)>,
        method: PaymentMethod,
        reason: String,
    },
    /// Void a whole sale, for `reason`.
    VoidSale {
        receipt: String,
        reason: String,
    },
    /// Write a receipt to a file (the receipts folder of the data directory) and, for a
    /// PDF, open it with the system's viewer.
    PrintReceipt {
        receipt: String,
        format: ReceiptFormat,
    },
    SaveProduct {
        id: Option<ProductId>,
        form: ProductForm,
    },
    MoveStock {
        sku: String,
        kind: MovementKind,
        qty: String,
        reason: String,
    },
    Movements {
        product_id: String,
    },
    ResolveConflict {
        doc_id: String,
        path: Vec<String>,
        value: serde_json::Value,
    },
    AddUser {
        username: String,
        display_name: String,
        role: String,
        password: String,
    },
    SetRole {
        id: UserId,
        role: Role,
    },
    SetActive {
        id: UserId,
        active: bool,
    },
    ResetPassword {
        id: UserId,
        password: String,
    },
    /// The cash-drawer shift of this workstation (`backend::shifts`).
    Shift(super::shifts::ShiftCommand),
    /// The clinic's details and tax settings (`backend::clinic`).
    Clinic(super::clinic::ClinicCommand),
    /// The appointment book (see `backend::calendar`).
    Book(BookCommand),
    /// Development aid for the screenshot script: write this file once every command
    /// sent before it has been answered.
    MarkReady {
        file: PathBuf,
    },
}

pub use super::calendar::{BookClinician, BookCommand, BookData, BookReply, ContactMatch};

/// Which action a failure belongs to, so the right form shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Open,
    Login,
    Setup,
    Load,
    SavePatient,
    AddAllergy,
    SaveEncounter,
    Sign,
    Addendum,
    Prescribe,
    Print,
    ImportPhoto,
    Scan,
    Sell,
    /// A journal search (its dates, say) was refused.
    Journal,
    /// A refund or void was refused.
    Reverse,
    /// A receipt could not be printed to a file.
    SaveProduct,
    MoveStock,
    Resolve,
    AddUser,
    ChangeUser,
    Shift,
    Clinic,
    /// Booking, moving, cancelling or linking an appointment.
    Appointment,
}

/// Why a command did not happen, reduced to what the UI translates. Causes are logged
/// by the backend, never shown: they may name files or carry database text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UiError {
    Invalid(ValidationErrors),
    Denied(Permission),
    /// The file to import could not be read.
    Unreadable,
    /// The store could not be read or written.
    Storage,
    /// The disk is full: nothing was saved.
    DiskFull,
    /// Another process holds the store.
    Busy,
    /// A photo image is neither on this node nor obtainable from the hub now.
    PhotoUnavailable,
    /// A file (a printed receipt) could not be written.
    Unwritable,
}

/// The signed-in user and what the window needs to know about the clinic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionInfo {
    pub user_id: Option<UserId>,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub clinic_name: String,
    pub node_name: String,
    pub currency: String,
    /// Tax classes of the clinic (for the product form).
    pub tax_classes: Vec<String>,
}

impl SessionInfo {
    pub fn can(&self, permission: Permission) -> bool {
        self.role.can(permission)
    }
}

/// Sync figures shown on the dashboard and the sync panel.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncSummary {
    pub state: SyncState,
    pub outbox: OutboxStats,
    /// The photo lane: originals not yet on the hub, and refused ones.
    pub photos: crate::store::photo_uploads::UploadFigures,
    /// Documents whose changes the hub refused, kept on this node with the reason.
    pub refused: Vec<crate::store::queries::RefusedDoc>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DashboardData {
    pub appointments: Vec<AppointmentRow>,
    pub recent: Vec<PatientRow>,
    pub sync: SyncSummary,
    pub low_stock: usize,
    pub conflicts: usize,
    /// Unsigned visits (for clinical roles; empty otherwise).
    pub drafts: Vec<DraftRow>,
}

/// A patient as the detail screen shows it (clinical parts empty without the right).
#[derive(Clone, Debug, PartialEq)]
pub struct PatientView {
    pub patient: Patient,
    pub encounters: Vec<EncounterRow>,
    /// What the patient bought at the till (and had refunded), newest first.
    pub purchases: Vec<crate::store::queries::SaleRow>,
    /// Local changes the hub has not confirmed.
    pub pending: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EncounterView {
    /// Whose visit it is (the patient's id and name are the banner's).
    pub banner: PatientBanner,
    pub encounter: Encounter,
    pub pending: bool,
}

/// Who a screen is about, shown above every screen about a patient so that a doctor never
/// writes a visit or a prescription without the allergies in view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatientBanner {
    pub id: PatientId,
    pub name: String,
    pub mrn: String,
    pub birth_date: Option<time::Date>,
    pub sex: Sex,
    /// `None` for a role that may not see clinical data (the chips are then not drawn at
    /// all, rather than drawn empty).
    pub allergies: Option<BannerAllergies>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BannerAllergies {
    pub status: AllergyStatus,
    pub listed: Vec<Allergy>,
}

impl PatientBanner {
    /// The banner of `patient` as read for a session; `clinical` says whether that session
    /// may see clinical data (the read left the allergies empty otherwise).
    pub fn of(patient: &Patient, clinical: bool) -> PatientBanner {
        PatientBanner {
            id: patient.id,
            name: patient.full_name(),
            mrn: patient.mrn.clone(),
            birth_date: patient.birth_date,
            sex: patient.sex,
            allergies: clinical.then(|| BannerAllergies {
                status: patient.allergy_status(),
                listed: patient.allergies.clone(),
            }),
        }
    }
}

/// A decoded image ready to become a texture.
pub type Picture = Arc<egui::ColorImage>;

/// Which picture a gallery thumbnail shows: a photo and the content (sha256) its
/// thumbnail is made from, so a kept texture is known to still fit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ThumbnailKey {
    pub id: PhotoId,
    pub sha256: String,
}

/// A staff user without the password hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRow {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncView {
    pub summary: SyncSummary,
    pub docs: Vec<DocSyncRow>,
}

/// A conflicting field and what the record is, in words a user recognises.
#[derive(Clone, Debug, PartialEq)]
pub struct ConflictItem {
    pub row: ConflictRow,
    /// The patient's name or the product's SKU and name, when the index knows them.
    pub subject: Option<String>,
    /// Who wrote each value, where and when, in the order of the row's values.
    pub sources: Vec<Option<ValueSourceView>>,
}

/// One conflicting value's origin as the screen names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueSourceView {
    pub who: Writer,
    pub workstation: Workstation,
    pub at: dermis_model::Millis,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Writer {
    /// A staff user, by display name (or "unknown user" when no longer in the clinic).
    User(Option<String>),
    Operator,
    Hub,
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Workstation {
    /// This workstation, by its name.
    This(String),
    /// Another one, by its receipt code when known, else the start of its id.
    Other(String),
    /// No workstation: the hub wrote it.
    None,
}

/// A priced cart. `payment_errors` are the problems with the payments alone, so the
/// totals can be shown while the cashier is still entering them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuoteView {
    pub priced: Priced,
    pub payment_errors: ValidationErrors,
}

#[derive(Clone, Debug)]
pub enum Reply {
    /// No store in the data directory: the first-run screen.
    NeedsSetup,
    /// The store is open; nobody is signed in.
    Ready {
        clinic_name: String,
    },
    LoginFailed,
    /// Too many failed sign-ins for that user name: no password is checked before
    /// `until` (unix ms).
    LockedOut {
        until: i64,
    },
    LoggedIn(Box<SessionInfo>),
    /// The signed-in user gave their password again: the window shows what it showed.
    Unlocked,
    LoggedOut,
    Dashboard(Box<DashboardData>),
    Patients {
        generation: u64,
        rows: Vec<PatientRow>,
    },
    Patient(Box<PatientView>),
    Buyers {
        generation: u64,
        rows: Vec<PatientRow>,
    },
    PatientSaved {
        id: PatientId,
    },
    AllergyAdded {
        patient: PatientId,
    },
    Encounter(Box<EncounterView>),
    Banner(Box<PatientBanner>),
    /// A visit's unsaved draft, kept from an earlier session of this user.
    Draft {
        key: DraftKey,
        form: Box<EncounterForm>,
        kept_at: i64,
    },
    SyncStatus(Box<SyncSummary>),
    Prescribed {
        encounter: EncounterId,
    },
    /// A printout was written to `path`; `opened` says whether a viewer took it.
    Printed {
        path: PathBuf,
        opened: bool,
    },
    EncounterSaved {
        patient: PatientId,
        id: EncounterId,
    },
    Photos {
        patient: PatientId,
        photos: Vec<PhotoListing>,
        /// The patient's visits, newest first, for linking photos to one.
        visits: Vec<crate::store::queries::EncounterRow>,
    },
    Thumbnail {
        key: ThumbnailKey,
        picture: Picture,
    },
    /// The full view of a photo, or why it cannot be shown.
    PhotoImage {
        id: PhotoId,
        picture: Result<Picture, UiError>,
    },
    PhotosAdded {
        patient: PatientId,
        added: usize,
        /// Files that were not imported: the file's name and why.
        failed: Vec<(String, UiError)>,
    },
    Folder(Box<crate::gui::backend::folders::FolderListing>),
    Products {
        generation: u64,
        rows: Vec<ProductRow>,
    },
    Scanned(Box<ProductRow>),
    Quote {
        generation: u64,
        result: Result<Box<QuoteView>, UiError>,
    },
    Sold(Box<Sale>),
    Journal {
        generation: u64,
        page: Box<JournalPage>,
    },
    SaleOpened(Box<SaleDetail>),
    /// A refund or void was written: `entry` is its receipt number, `original` the sale's.
    SaleReversed {
        original: String,
        entry: String,
    },
    /// A receipt was written to `path`; `opened` says whether the system's viewer took
    /// it (if not, the window shows the path).
    ReceiptWritten {
        receipt: String,
        format: ReceiptFormat,
        path: PathBuf,
        opened: bool,
    },
    Catalog {
        products: Vec<ProductRow>,
    },
    ProductSaved {
        id: ProductId,
    },
    StockMoved {
        sku: String,
    },
    Movements {
        product_id: String,
        rows: Vec<MovementRow>,
    },
    Sync(Box<SyncView>),
    Conflicts(Vec<ConflictItem>),
    ConflictResolved,
    Users(Vec<UserRow>),
    UserChanged,
    Shift(super::shifts::ShiftReply),
    Clinic(super::clinic::ClinicReply),
    /// The appointment book's answers (see `backend::calendar`).
    Book(BookReply),
    /// Another process (the CLI, the sync daemon) changed the store: refresh what is shown.
    StoreChanged,
    Failed {
        op: Op,
        error: UiError,
    },
}
