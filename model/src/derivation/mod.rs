//! A document's index derivation: the rows a store's index (lists, search, reports)
//! holds for it, computed from the read record and the document's conflicts, with no IO.
//!
//! One function ([`derive()`]) serves both sides so they cannot drift: the node writes its
//! index from it, and the hub's projector stores it (encoded, [`codec`]) so that a fresh
//! node's first sync can write index rows without loading each document (docs/SYNC.md,
//! revision 6). Rows leave out the document's own id (the writer knows it) and the
//! times a store stamps when it writes (`updated_at`).

pub mod codec;

use automerge::AutoCommit;
use serde::{Deserialize, Serialize};

use crate::conflict::{find_conflicts, may_have_conflicts};
use crate::doc::Record;
use crate::text::{fold, phone_digits};
use crate::validate::format_date;
use crate::{DocType, SchemaError, appointment, ledger, patient, product};

/// One column's value, as SQLite stores it (booleans are integers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Value {
        Value::Int(i64::from(v))
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Value {
        Value::Int(i64::from(v))
    }
}
impl From<u64> for Value {
    fn from(v: u64) -> Value {
        Value::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<usize> for Value {
    fn from(v: usize) -> Value {
        Value::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Int(i64::from(v))
    }
}
impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_owned())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// The index tables a derivation fills, each with a fixed number of columns (the
/// document's id, when the table has it, is added by the writer). Codes are the wire's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Table {
    /// first_name, last_name, middle_name, birth_date, sex, phone, email, mrn,
    /// allergy_count, encounter_count, photo_count, last_visit, created_at.
    Patient = 1,
    /// names, contacts: the full-text search row of the patient before it.
    PatientSearch = 2,
    /// id, date, clinician, complaint, status, diagnoses, signed_at.
    Encounter = 3,
    /// id, encounter_id, sha256, mime, size, body_part, tags, taken_at,
    /// thumbnails_ready, processing_error.
    Photo = 4,
    /// sku, name, category, price_minor, currency, barcode, active, reorder_level, tax_class.
    Product = 5,
    /// node_id, day.
    Ledger = 6,
    /// id, product_id, sku, kind, qty, delta, reason, user, at, node_id, sale_id.
    StockMovement = 7,
    /// id, receipt, kind, original_id, at, cashier, node_id, currency, subtotal_minor,
    /// discount_minor, tax_minor, total_minor, change_minor, patient_id, shift_id,
    /// chain_seq, reason.
    Sale = 8,
    /// sale_id, idx, product_id, sku, name, qty, unit_minor, discount_minor, tax_minor,
    /// total_minor, tax_bps.
    SaleLine = 9,
    /// sale_id, idx, method, amount_minor.
    SalePayment = 10,
    /// id, at, user, user_id, node_id, action, target_kind, target, patient_id, reason.
    AuditEntry = 11,
    /// id, shift_id, kind, amount_minor, reason, at, user, node_id.
    ShiftEvent = 12,
    /// patient_id, invitee_name, invitee_email, title, start_at, end_at, source, status,
    /// external_id, clinician_id, invitee_phone, cancel_reason.
    Appointment = 13,
}

impl Table {
    pub const ALL: [Table; 13] = [
        Table::Patient,
        Table::PatientSearch,
        Table::Encounter,
        Table::Photo,
        Table::Product,
        Table::Ledger,
        Table::StockMovement,
        Table::Sale,
        Table::SaleLine,
        Table::SalePayment,
        Table::AuditEntry,
        Table::ShiftEvent,
        Table::Appointment,
    ];

    pub fn columns(self) -> usize {
        match self {
            Table::Patient => 13,
            Table::PatientSearch => 2,
            Table::Encounter => 7,
            Table::Photo => 10,
            Table::Product => 9,
            Table::Ledger => 2,
            Table::StockMovement => 11,
            Table::Sale => 17,
            Table::SaleLine => 11,
            Table::SalePayment => 4,
            Table::AuditEntry => 10,
            Table::ShiftEvent => 8,
            Table::Appointment => 12,
        }
    }

    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: u8) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The document type whose derivation may hold this table's rows.
    pub fn doc_type(self) -> DocType {
        match self {
            Table::Patient | Table::PatientSearch | Table::Encounter | Table::Photo => {
                DocType::Patient
            }
            Table::Product => DocType::Product,
            Table::Ledger
            | Table::StockMovement
            | Table::Sale
            | Table::SaleLine
            | Table::SalePayment
            | Table::AuditEntry
            | Table::ShiftEvent => DocType::Ledger,
            Table::Appointment => DocType::Appointment,
        }
    }
}

/// One index row: its table and exactly `table.columns()` values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub table: Table,
    pub values: Vec<Value>,
}

/// One conflict as an index keeps it: path, values and sources as JSON text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConflictRow {
    pub path: String,
    pub values: String,
    pub sources: String,
}

/// Who wrote one of a conflict's values: `by` is `user` (with `user_id`), `operator`,
/// `hub` or `unknown`; `node_id` is the workstation; `at` is in milliseconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictSource {
    pub at: i64,
    pub by: String,
    pub user_id: Option<String>,
    pub node_id: Option<String>,
}

/// Everything an index holds of one (non-clinic) document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Derivation {
    pub doc_type: DocType,
    pub rows: Vec<Row>,
    pub conflicts: Vec<ConflictRow>,
}

/// The derivation of a loaded document whose record was read as `record`; `None` for
/// the clinic document, whose index rows (resolved merges) need the document itself.
pub fn derive(doc: &mut AutoCommit, record: &Record) -> Result<Option<Derivation>, SchemaError> {
    let Some((doc_type, rows)) = rows(record) else {
        return Ok(None);
    };
    Ok(Some(Derivation {
        doc_type,
        rows,
        conflicts: conflict_rows(doc)?,
    }))
}

/// The index rows of a record (no conflicts); `None` for a clinic.
pub fn rows(record: &Record) -> Option<(DocType, Vec<Row>)> {
    let mut out = Rows(Vec::new());
    let doc_type = match record {
        Record::Clinic(_) => return None,
        Record::Patient(p) => {
            patient_rows(p, &mut out);
            DocType::Patient
        }
        Record::Product(p) => {
            product_rows(p, &mut out);
            DocType::Product
        }
        Record::Ledger(l) => {
            ledger_rows(l, &mut out);
            DocType::Ledger
        }
        Record::Appointment(a) => {
            appointment_rows(a, &mut out);
            DocType::Appointment
        }
    };
    Some((doc_type, out.0))
}

struct Rows(Vec<Row>);

impl Rows {
    fn push<const N: usize>(&mut self, table: Table, values: [Value; N]) {
        debug_assert_eq!(table.columns(), N);
        self.0.push(Row {
            table,
            values: values.into(),
        });
    }
}

/// The text the search index holds for a patient: folded names, and contacts as words
/// plus every tail of the phone's bare digits, so "+33 6 12", "33612" and the local
/// "612" all find "+33 6 12 34 56 78".
pub fn search_text(p: &patient::Patient) -> (String, String) {
    let names = fold(&format!(
        "{} {} {}",
        p.first_name,
        p.middle_name.as_deref().unwrap_or(""),
        p.last_name
    ));
    let mut contacts = Vec::new();
    for phone in &p.phones {
        contacts.push(fold(phone));
        let digits = phone_digits(phone);
        for start in 0..digits.len().saturating_sub(2) {
            contacts.push(digits[start..].to_owned());
        }
    }
    if let Some(email) = &p.email {
        contacts.push(fold(email));
    }
    contacts.push(fold(&p.mrn));
    (names, contacts.join(" "))
}

fn patient_rows(p: &patient::Patient, out: &mut Rows) {
    let last_visit = p.encounters.iter().map(|e| e.date).max().map(format_date);
    out.push(
        Table::Patient,
        [
            p.first_name.clone().into(),
            p.last_name.clone().into(),
            p.middle_name.clone().into(),
            p.birth_date.map(format_date).into(),
            p.sex.as_str().into(),
            p.phones.first().cloned().into(),
            p.email.clone().into(),
            p.mrn.clone().into(),
            p.allergies.len().into(),
            p.encounters.len().into(),
            p.photos.len().into(),
            last_visit.into(),
            p.created_at.into(),
        ],
    );
    let (names, contacts) = search_text(p);
    out.push(Table::PatientSearch, [names.into(), contacts.into()]);
    for e in &p.encounters {
        let codes: Vec<&str> = e.diagnoses.iter().map(|d| d.code.as_str()).collect();
        out.push(
            Table::Encounter,
            [
                e.id.to_string().into(),
                format_date(e.date).into(),
                e.clinician.clone().into(),
                e.complaint.clone().into(),
                e.status.as_str().into(),
                codes.join(" ").into(),
                e.signed_at.into(),
            ],
        );
    }
    for ph in &p.photos {
        out.push(
            Table::Photo,
            [
                ph.id.to_string().into(),
                ph.encounter_id.map(|e| e.to_string()).into(),
                ph.sha256.clone().into(),
                ph.mime.as_str().into(),
                ph.size.into(),
                ph.body_part.as_str().into(),
                ph.tags.join(",").into(),
                ph.taken_at.into(),
                ph.thumbnails_ready.into(),
                ph.processing_error.clone().into(),
            ],
        );
    }
}

fn product_rows(p: &product::Product, out: &mut Rows) {
    out.push(
        Table::Product,
        [
            p.sku.clone().into(),
            p.name.clone().into(),
            p.category.clone().into(),
            p.price.minor.into(),
            p.price.currency.code().into(),
            p.barcode.clone().into(),
            p.active.into(),
            p.reorder_level.into(),
            p.tax_class.clone().into(),
        ],
    );
}

/// Ledger rows in the order a writer needs them: each sale's lines and payments follow it.
fn ledger_rows(l: &ledger::Ledger, out: &mut Rows) {
    out.push(
        Table::Ledger,
        [l.node_id.to_string().into(), l.day.clone().into()],
    );
    for m in &l.movements {
        out.push(
            Table::StockMovement,
            [
                m.id.to_string().into(),
                m.product_id.to_string().into(),
                m.sku.clone().into(),
                m.kind.as_str().into(),
                m.qty.into(),
                m.delta().into(),
                m.reason.clone().into(),
                m.user.clone().into(),
                m.at.into(),
                m.node_id.to_string().into(),
                m.sale_id.map(|s| s.to_string()).into(),
            ],
        );
    }
    for a in &l.audit {
        out.push(
            Table::AuditEntry,
            [
                a.id.clone().into(),
                a.at.into(),
                a.user.clone().into(),
                a.user_id.map(|u| u.to_string()).into(),
                a.node_id.to_string().into(),
                a.action.as_str().into(),
                a.target.kind.clone().into(),
                a.target.id.clone().into(),
                a.target.patient.map(|p| p.to_string()).into(),
                a.reason.clone().into(),
            ],
        );
    }
    for e in &l.shifts {
        out.push(
            Table::ShiftEvent,
            [
                e.id.clone().into(),
                e.shift_id.to_string().into(),
                e.kind.as_str().into(),
                e.amount_minor.into(),
                e.reason.clone().into(),
                e.at.into(),
                e.user.clone().into(),
                e.node_id.to_string().into(),
            ],
        );
    }
    for s in &l.sales {
        let sid = s.id.to_string();
        out.push(
            Table::Sale,
            [
                sid.clone().into(),
                s.receipt.clone().into(),
                s.kind.as_str().into(),
                s.original_id.map(|o| o.to_string()).into(),
                s.at.into(),
                s.cashier.clone().into(),
                s.node_id.to_string().into(),
                s.currency.code().into(),
                s.subtotal_minor.into(),
                s.discount_minor.into(),
                s.tax_minor.into(),
                s.total_minor.into(),
                s.change_minor.into(),
                s.patient_id.map(|p| p.to_string()).into(),
                s.shift_id.map(|p| p.to_string()).into(),
                s.chain.as_ref().map(|c| c.seq).into(),
                s.reason.clone().into(),
            ],
        );
        for (i, l) in s.lines.iter().enumerate() {
            out.push(
                Table::SaleLine,
                [
                    sid.clone().into(),
                    i.into(),
                    l.product_id.to_string().into(),
                    l.sku.clone().into(),
                    l.name.clone().into(),
                    l.qty.into(),
                    l.unit_minor.into(),
                    l.discount_minor.into(),
                    l.tax_minor.into(),
                    l.total_minor.into(),
                    l.tax_bps.into(),
                ],
            );
        }
        for (i, p) in s.payments.iter().enumerate() {
            out.push(
                Table::SalePayment,
                [
                    sid.clone().into(),
                    i.into(),
                    p.method.as_str().into(),
                    p.amount_minor.into(),
                ],
            );
        }
    }
}

fn appointment_rows(a: &appointment::Appointment, out: &mut Rows) {
    out.push(
        Table::Appointment,
        [
            a.patient_id.map(|p| p.to_string()).into(),
            a.invitee_name.clone().into(),
            a.invitee_email.clone().into(),
            a.title.clone().into(),
            a.start.into(),
            a.end.into(),
            a.source.as_str().into(),
            a.status.as_str().into(),
            a.external_id.clone().into(),
            a.clinician_id.map(|c| c.to_string()).into(),
            a.invitee_phone.clone().into(),
            a.cancel_reason.clone().into(),
        ],
    );
}

/// The conflict rows of a document (none when its history never branched).
pub fn conflict_rows(doc: &mut AutoCommit) -> Result<Vec<ConflictRow>, SchemaError> {
    use crate::provenance::Author;
    if !may_have_conflicts(doc) {
        return Ok(Vec::new());
    }
    let conflicts = find_conflicts(doc)?;
    let sources = crate::conflict::sources(doc, &conflicts);
    Ok(conflicts
        .iter()
        .zip(sources)
        .map(|(c, values)| {
            let sources: Vec<Option<ConflictSource>> = values
                .into_iter()
                .map(|source| {
                    source.map(|s| {
                        let (by, user_id) = match s.provenance.map(|p| p.author) {
                            Some(Author::User(user)) => ("user", Some(user.to_string())),
                            Some(Author::Operator) => ("operator", None),
                            Some(Author::Hub) => ("hub", None),
                            None => ("unknown", None),
                        };
                        ConflictSource {
                            at: s.at,
                            by: by.to_owned(),
                            user_id,
                            node_id: s.provenance.and_then(|p| p.node).map(|n| n.to_string()),
                        }
                    })
                })
                .collect();
            ConflictRow {
                // Map keys may hold dots (ICD-10 codes), so the path is kept as a JSON array.
                path: serde_json::to_string(&c.path).unwrap_or_else(|_| "[]".into()),
                values: serde_json::to_string(&c.values).unwrap_or_else(|_| "[]".into()),
                sources: serde_json::to_string(&sources).unwrap_or_else(|_| "[]".into()),
            }
        })
        .collect())
}
