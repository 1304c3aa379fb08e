//! The command-line grammar.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "dermis-node",
    version,
    about = "Dermis clinic workstation: patients, encounters, photos, point of sale, stock — offline first."
)]
pub struct Cli {
    /// Where this node keeps its data (default: the platform's data directory).
    #[arg(long, global = true, env = "DERMIS_NODE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Language of messages: en, ru, fr, uk, hy, es.
    #[arg(long, global = true, env = "DERMIS_LOCALE")]
    pub locale: Option<String>,
    /// Sign in as this staff user, with the password from DERMIS_PASSWORD or a prompt on
    /// the terminal. Needed once the clinic has staff users, by every command that reads
    /// or writes clinic data; comes before the command (`dermis-node --user anna patient
    /// list`), since `audit list --user` filters by user.
    #[arg(long, env = "DERMIS_USER", value_name = "NAME")]
    pub user: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create this node's store with a new clinic (a standalone node; it can join a hub later).
    Init {
        #[arg(long)]
        clinic_name: String,
        #[arg(long)]
        node_name: String,
        /// Also create the clinic's first admin with this user name (password from
        /// DERMIS_PASSWORD, else standard input); from then on commands sign in.
        #[arg(long, value_name = "USERNAME")]
        admin: Option<String>,
    },
    /// Patients.
    #[command(subcommand)]
    Patient(PatientCmd),
    /// Encounters (visits) with SOAP notes and diagnoses.
    #[command(subcommand)]
    Encounter(EncounterCmd),
    /// The product catalog.
    #[command(subcommand)]
    Product(ProductCmd),
    /// Stock movements and stock on hand.
    #[command(subcommand)]
    Stock(StockCmd),
    /// Point of sale.
    #[command(subcommand)]
    Sale(SaleCmd),
    /// Cash-drawer shifts: float, pay-ins and pay-outs, X and Z reports.
    #[command(subcommand)]
    Shift(ShiftCmd),
    /// Print a sale, refund or void.
    #[command(subcommand)]
    Receipt(ReceiptCmd),
    /// Reports for the accountant.
    #[command(subcommand)]
    Report(ReportCmd),
    /// Appointments.
    #[command(subcommand)]
    Appointment(AppointmentCmd),
    /// Prescriptions, written on a draft (unsigned) encounter.
    #[command(subcommand)]
    Prescription(PrescriptionCmd),
    /// Printable documents of a visit.
    #[command(subcommand)]
    Document(DocumentCmd),
    /// Staff users.
    #[command(subcommand)]
    User(UserCmd),
    /// Who did what: views, edits, signatures, exports, sign-ins (administrators).
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Fields changed concurrently on two nodes.
    #[command(subcommand)]
    Conflict(ConflictCmd),
    /// Fill the store with a realistic, seeded dataset for demos and benchmarks.
    Demo {
        #[arg(long, default_value_t = 100)]
        patients: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Sales to make (default: two per patient).
        #[arg(long)]
        sales: Option<usize>,
    },
    /// Print all clinic data as canonical JSON.
    Export {
        #[arg(long)]
        json: bool,
    },
    /// Clinic, node, counts and what is waiting for the hub.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Join a hub's clinic with a one-time enrollment code (a node with data keeps it).
    Enroll {
        /// The hub's address, e.g. <https://hub.example.org> (plain http:// only on this
        /// machine: localhost, 127.0.0.0/8, ::1)
        #[arg(long)]
        hub: String,
        #[arg(long)]
        code: String,
        #[arg(long)]
        node_name: Option<String>,
        /// Also trust this CA certificate (PEM) for the hub, besides the system's; kept
        /// for later syncs
        #[arg(long, value_name = "PATH", env = "DERMIS_HUB_CA_FILE")]
        ca_file: Option<PathBuf>,
        /// Accept a plain http:// hub on the local network on purpose: nothing is
        /// encrypted, and the hub's /admin shows this node as insecure
        #[arg(long)]
        allow_insecure_http: bool,
    },
    /// Sync with the hub: stay connected (default), or stop once caught up.
    Sync {
        /// Sync until caught up both ways, then exit (exit 1 if the hub cannot be reached).
        #[arg(long)]
        once: bool,
        /// With --once: seconds to wait for the hub before giving up.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
        /// Print what was exchanged (documents, bytes, time, peak memory) as JSON at the end.
        #[arg(long)]
        report: bool,
        /// With --once: also wait (up to --timeout) for photo uploads to finish; exit 1
        /// if some are still uploading then.
        #[arg(long)]
        photos: bool,
        /// Trust this CA certificate (PEM) for the hub from now on, instead of the one
        /// kept at enrollment (DERMIS_HUB_CA_FILE overrides both without keeping it)
        #[arg(long, value_name = "PATH")]
        ca_file: Option<PathBuf>,
        /// Accept the kept plain http:// hub on the local network on purpose (kept; for
        /// nodes enrolled before the loopback rule)
        #[arg(long)]
        allow_insecure_http: bool,
    },
    /// Skin photos of a patient.
    #[command(subcommand)]
    Photo(PhotoCmd),
    /// Write the store and every photo to one encrypted file (administrators; the
    /// passphrase from DERMIS_BACKUP_PASSPHRASE or a prompt). The node keeps working.
    Backup {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Make a working node in a new or empty --data-dir from a backup file.
    Restore {
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
    },
    /// Clinic settings (admins).
    #[command(subcommand)]
    Clinic(ClinicCmd),
    /// Open the desktop app (also what running without a command does).
    Gui,
}

#[derive(Debug, Args, Default)]
pub struct PatientFields {
    #[arg(long)]
    pub first_name: Option<String>,
    #[arg(long)]
    pub last_name: Option<String>,
    #[arg(long)]
    pub middle_name: Option<String>,
    /// YYYY-MM-DD
    #[arg(long)]
    pub birth_date: Option<String>,
    /// female, male, other or unknown
    #[arg(long)]
    pub sex: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub address: Option<String>,
    /// Medical record number (assigned automatically when omitted).
    #[arg(long)]
    pub mrn: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
    #[arg(long)]
    pub medical_history: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PatientCmd {
    /// Add a patient; prints the new id alone.
    Add(PatientFields),
    /// Change the given fields of a patient.
    Update {
        id: String,
        #[command(flatten)]
        fields: PatientFields,
    },
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Search by name, phone, email or record number (prefixes, any case, any accents).
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Add patients from JSON lines on standard input (fields as for `add`, e.g.
    /// {"first_name":"Anna","last_name":"Petrosyan","phone":"+374 10 123456"}), each in
    /// its own durable transaction; prints each new id as it is saved. A bad line stops
    /// the import with exit 2 and the line number; the lines before it are kept.
    Import,
    /// Record an allergy.
    Allergy {
        id: String,
        #[arg(long)]
        substance: String,
        #[arg(long, default_value = "")]
        reaction: String,
        #[arg(long, default_value = "unknown")]
        severity: String,
    },
    /// Record that the patient was asked and knows of no allergy ("No known allergies" on
    /// every screen, distinct from a chart where none were recorded). Refused (exit 2) while
    /// allergies are listed.
    NoKnownAllergies { id: String },
    /// Mark an allergy entered in error (a slip, the wrong patient): it stops counting
    /// everywhere and stays in the record with the reason, who and when; audited.
    AllergyError {
        id: String,
        #[arg(long)]
        allergy: String,
        #[arg(long)]
        reason: String,
    },
    /// Erase a patient for good (admins): the patient, their encounters, prescriptions,
    /// photos and appointments leave this node, then the hub and every other node at
    /// their next sync. Sales keep their lines and totals. Only a record of who erased
    /// which id, when and why remains.
    Erase {
        id: String,
        /// Why (kept with the erasure record).
        #[arg(long)]
        reason: Option<String>,
        /// Confirm: an erasure cannot be undone.
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    /// Patients with no visit for the clinic's retention period (`clinic set
    /// --retention-years N`) who were created before it began.
    DueForErasure {
        #[arg(long)]
        json: bool,
    },
    /// Pairs of likely duplicate records (same name and birth date, same phone or same
    /// email), each with a score from 0 to 1 and its reasons, best first.
    Duplicates {
        #[arg(long)]
        json: bool,
    },
    /// Merge OTHER into KEEP: OTHER's encounters, prescriptions, photos, allergies,
    /// appointments and sales show under KEEP on every node after sync; OTHER's id
    /// shows KEEP's record and says it was merged.
    Merge {
        keep: String,
        other: String,
        /// Confirm: the merge is applied on every node.
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PrescriptionCmd {
    /// Prescribe on a draft encounter; prints the prescription's id. A drug that
    /// matches one of the patient's allergies (the substance or its class) is refused
    /// unless --override-allergy gives a reason, which is recorded.
    Add {
        #[arg(long)]
        encounter: String,
        #[arg(long)]
        drug: String,
        #[arg(long)]
        dose: String,
        #[arg(long)]
        instructions: String,
        /// Units to dispense (1–10000).
        #[arg(long, value_name = "N")]
        quantity: Option<u32>,
        /// Repeats allowed (0–12).
        #[arg(long, value_name = "N")]
        refills: Option<u32>,
        /// Why the drug is prescribed despite a matching allergy.
        #[arg(long, value_name = "REASON")]
        override_allergy: Option<String>,
    },
    /// The patient's prescriptions, newest first.
    List {
        #[arg(long)]
        patient: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClinicCmd {
    /// Change clinic settings; each flag left out stays as it is.
    Set(ClinicSetArgs),
}

#[derive(Debug, Args, Default)]
pub struct ClinicSetArgs {
    /// Years a patient's record is kept after the last visit (1–100); see `patient
    /// due-for-erasure`.
    #[arg(long, value_name = "N")]
    pub retention_years: Option<u32>,
    /// The clinic's legal name, printed on receipts.
    #[arg(long, value_name = "N")]
    pub legal_name: Option<String>,
    /// The clinic's address, printed on receipts.
    #[arg(long, value_name = "A")]
    pub address: Option<String>,
    /// The clinic's tax (VAT) id, printed on receipts.
    #[arg(long, value_name = "T")]
    pub tax_id: Option<String>,
    /// The clinic's phone, printed on receipts.
    #[arg(long, value_name = "P")]
    pub phone: Option<String>,
    /// A tax class's rate, e.g. standard=20 or reduced=5.5 (percent); repeat for
    /// several.
    #[arg(long = "tax-rate", value_name = "CLASS=PERCENT")]
    pub tax_rates: Vec<String>,
    /// Whether product prices include tax (true, the default) or the till adds tax on
    /// top of them (false). Refunds keep the way their sale was priced.
    #[arg(long, value_name = "true|false")]
    pub prices_include_tax: Option<bool>,
}

#[derive(Debug, Subcommand)]
pub enum ShiftCmd {
    /// Open a shift on this workstation with the float counted into the drawer.
    Open {
        #[arg(long, allow_hyphen_values = true, value_name = "AMOUNT")]
        float: String,
    },
    /// Cash put into the drawer.
    PayIn {
        #[arg(long, allow_hyphen_values = true, value_name = "A")]
        amount: String,
        #[arg(long, value_name = "R")]
        reason: String,
    },
    /// Cash taken out of the drawer.
    PayOut {
        #[arg(long, allow_hyphen_values = true, value_name = "A")]
        amount: String,
        #[arg(long, value_name = "R")]
        reason: String,
    },
    /// The X report: the open shift so far.
    Report {
        #[arg(long)]
        json: bool,
    },
    /// Close the shift with the cash counted; prints the Z report.
    Close {
        #[arg(long, allow_hyphen_values = true, value_name = "AMOUNT")]
        counted: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReceiptCmd {
    /// Write a receipt: pdf, text (48 columns, 80 mm printers) or escpos (the byte
    /// stream for such a printer).
    Print {
        /// The receipt number, e.g. N1-000042.
        receipt: String,
        #[arg(long, value_name = "pdf|text|escpos")]
        format: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum DocumentCmd {
    /// Write a visit's prescription or summary as a PDF, in the `--locale` language
    /// (default: the clinic's): letterhead, patient with allergies, clinician, date, the
    /// document, a signature line.
    Pdf {
        #[arg(long)]
        encounter: String,
        #[arg(long, value_name = "prescription|summary")]
        kind: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// Sales, refunds and voids by day, payment method and tax rate (UTC days).
    Sales {
        /// YYYY-MM-DD
        #[arg(long)]
        from: String,
        /// YYYY-MM-DD (inclusive)
        #[arg(long)]
        to: String,
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        #[arg(long)]
        csv: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum EncounterCmd {
    /// Add an encounter; prints its id.
    Add {
        #[arg(long)]
        patient: String,
        /// YYYY-MM-DD (default: today)
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        complaint: Option<String>,
        #[arg(long)]
        subjective: Option<String>,
        #[arg(long)]
        objective: Option<String>,
        #[arg(long)]
        assessment: Option<String>,
        #[arg(long)]
        plan: Option<String>,
        /// ICD-10-CM code; repeat for several.
        #[arg(long = "diagnosis")]
        diagnoses: Vec<String>,
    },
    /// Sign an encounter: it becomes read-only.
    Sign { id: String },
    /// Add an addendum to a signed encounter.
    Addendum {
        id: String,
        #[arg(long)]
        text: String,
    },
    List {
        #[arg(long)]
        patient: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProductCmd {
    Add {
        #[arg(long)]
        sku: String,
        #[arg(long)]
        name: String,
        /// Price including tax, e.g. 12.50
        #[arg(long)]
        price: String,
        #[arg(long)]
        currency: Option<String>,
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        barcode: Option<String>,
        #[arg(long)]
        reorder_level: Option<String>,
        /// standard, reduced or zero (the clinic's tax classes)
        #[arg(long)]
        tax_class: Option<String>,
    },
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct MovementArgs {
    #[arg(long)]
    pub sku: String,
    /// Units (for adjust: a signed correction, e.g. -2).
    #[arg(long, allow_hyphen_values = true)]
    pub qty: String,
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Subcommand)]
pub enum StockCmd {
    /// Receive stock.
    In(MovementArgs),
    /// Take stock out (damaged, samples, ...).
    Out(MovementArgs),
    /// Correct stock after a count (signed quantity).
    Adjust(MovementArgs),
    /// Stock on hand per SKU.
    Show {
        #[arg(long)]
        sku: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SaleCmd {
    /// Sell; prints the receipt number.
    Add {
        /// SKU:QTY or SKU:QTY:DISCOUNT (a SKU or a barcode)
        #[arg(long = "item", required = true)]
        items: Vec<String>,
        /// METHOD:AMOUNT with METHOD cash, card or other
        #[arg(long = "pay")]
        payments: Vec<String>,
        /// The patient the sale is made to (their id).
        #[arg(long, value_name = "ID")]
        patient: Option<String>,
    },
    /// Check every workstation's receipt chain: exit 0 when intact, 1 naming the first
    /// broken receipt.
    Verify {
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Void a whole sale; prints the void's receipt number.
    Void {
        receipt: String,
        /// Why the sale is voided; recorded on the void and in the audit trail.
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
    /// Refund items of a sale; prints the refund's receipt number.
    Refund {
        receipt: String,
        /// SKU:QTY
        #[arg(long = "item", required = true)]
        items: Vec<String>,
        #[arg(long, default_value = "cash")]
        method: String,
        /// Why the items are refunded; recorded on the refund and in the audit trail.
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AppointmentCmd {
    /// Book an appointment; prints its id.
    Add {
        #[arg(long)]
        patient: Option<String>,
        #[arg(long)]
        invitee: Option<String>,
        /// RFC 3339, e.g. 2026-12-01T09:30:00Z
        #[arg(long)]
        start: String,
        #[arg(long, default_value_t = 30)]
        minutes: i64,
        #[arg(long, default_value = "")]
        title: String,
        /// The user name of the doctor or nurse the patient is booked with.
        #[arg(long)]
        clinician: Option<String>,
    },
    Cancel {
        id: String,
        /// Why (kept on the appointment).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Move the appointment to another time (and clinician); its length stays unless
    /// `--minutes` is given.
    Move {
        id: String,
        /// RFC 3339, e.g. 2026-12-01T10:00:00Z
        #[arg(long)]
        start: String,
        #[arg(long)]
        minutes: Option<i64>,
        #[arg(long)]
        clinician: Option<String>,
    },
    /// The patient has arrived (booked or marked no-show → checked in).
    CheckIn { id: String },
    /// The patient did not come (booked → no-show).
    NoShow { id: String },
    /// Link the appointment (a Calendly booking, say) to a patient record.
    Link {
        id: String,
        #[arg(long)]
        patient: String,
    },
    List {
        /// YYYY-MM-DD (default: from today, 30 days)
        #[arg(long)]
        from: Option<String>,
        #[arg(long, default_value_t = 30)]
        days: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Add a staff user; the password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        role: String,
    },
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConflictCmd {
    List {
        #[arg(long)]
        json: bool,
    },
    /// Keep one value: PATH is dot-separated (as listed), VALUE is taken as text.
    Resolve {
        doc: String,
        path: String,
        value: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PhotoCmd {
    /// Import a photo (JPEG, PNG or WebP); prints the photo id alone.
    Add {
        #[arg(long)]
        patient: String,
        #[arg(long)]
        file: PathBuf,
        /// Where on the body, e.g. face, upper_back, forearm.
        #[arg(long)]
        body_part: String,
        /// The visit the photo belongs to.
        #[arg(long)]
        encounter: Option<String>,
        /// A tag; repeat for several.
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Refuse files larger than this many bytes.
        #[arg(long, env = "DERMIS_MAX_PHOTO_BYTES")]
        max_bytes: Option<u64>,
    },
    /// A patient's photos, newest first, with what this node holds of each.
    List {
        #[arg(long)]
        patient: String,
        #[arg(long)]
        json: bool,
    },
    /// Fetch a photo's image into the local cache (from the hub when this node lacks
    /// it); prints the path of the file.
    Fetch {
        /// The photo id.
        id: String,
        /// full (the full view, longest side 1600), original, or gallery.
        #[arg(long, default_value = "full")]
        variant: String,
        /// Also copy the image to this path.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// The audit trail, newest first.
    List {
        /// Only entries about this patient's chart.
        #[arg(long)]
        patient: Option<String>,
        /// Only entries of this staff user (user name).
        #[arg(long)]
        user: Option<String>,
        /// Only entries from this day (YYYY-MM-DD, UTC) on.
        #[arg(long)]
        from: Option<String>,
        /// At most this many entries.
        #[arg(long, default_value_t = 1000)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}
