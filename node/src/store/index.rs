//! Index rows derived from documents, written in the same transaction as the document.
//! Lists, search and reports read these tables and never load documents.

use super::Exec;
use automerge::{AutoCommit, ChangeHash};
use dermis_model::conflict::{find_conflicts, may_have_conflicts};
use dermis_model::doc::{Record, read_record};
use dermis_model::text::{fold, phone_digits};
use dermis_model::validate::format_date;
use dermis_model::{DocId, DocType, Millis, appointment, ledger, patient, product};
use rusqlite::{Transaction, params};

use super::StoreError;

fn schema(id: DocId) -> impl FnOnce(dermis_model::SchemaError) -> StoreError {
    move |source| StoreError::Document { id, source }
}

/// What the caller already knows of the document it asks to index.
pub enum Known<'a> {
    /// The whole document, as read when it was checked.
    Read(Box<Record>),
    /// The heads the index was last written at.
    Since(&'a [ChangeHash]),
    /// Nothing: a document new to the store.
    Nothing,
}

/// Rewrites the index rows of one document, reading of it what `known` does not give.
pub fn reindex(
    tx: &Transaction<'_>,
    id: DocId,
    doc_type: DocType,
    doc: &mut AutoCommit,
    known: Known<'_>,
    now: Millis,
    search: &mut SearchRows,
) -> Result<(), StoreError> {
    let record = match known {
        Known::Read(r) => *r,
        // A stored ledger: the entries its new changes put in are what the index lacks
        // (the index took every earlier change in the transaction that stored it).
        Known::Since(base) if doc_type == DocType::Ledger => {
            let added = ledger::added_since(doc, base).map_err(schema(id))?;
            Record::Ledger(ledger::read_ledger_only(doc, &added).map_err(schema(id))?)
        }
        Known::Since(_) | Known::Nothing => read_record(doc, doc_type).map_err(schema(id))?,
    };
    match &record {
        Record::Patient(p) => index_patient(tx, id, p, now, search)?,
        Record::Product(p) => index_product(tx, id, p)?,
        Record::Ledger(l) => index_ledger(tx, id, l)?,
        Record::Appointment(a) => index_appointment(tx, id, a)?,
        // The clinic document is small and read whole; its only index rows are the
        // resolved patient merges.
        Record::Clinic(_) => index_merges(tx, id, doc)?,
    }
    index_conflicts(tx, id, doc_type, doc)
}

/// Patients' search rows (rowid, names, contacts), written together by [`write_search`]
/// once a transaction's documents are indexed. Full-text search keeps its new rows in
/// memory until a statement opens a savepoint, and then writes them out as a segment of
/// its own (merged later): written between the other index rows, every document made
/// a segment; written last, a transaction makes one.
#[derive(Default)]
pub struct SearchRows(Vec<(i64, String, String)>);

pub fn write_search(tx: &Transaction<'_>, rows: SearchRows) -> Result<(), StoreError> {
    if rows.0.is_empty() {
        return Ok(());
    }
    let mut delete = tx.prepare_cached("DELETE FROM patients_fts WHERE rowid = ?1")?;
    let mut insert =
        tx.prepare_cached("INSERT INTO patients_fts(rowid, names, contacts) VALUES (?1, ?2, ?3)")?;
    for (rowid, names, contacts) in rows.0 {
        delete.execute([rowid])?;
        insert.execute(params![rowid, names, contacts])?;
    }
    Ok(())
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

fn index_patient(
    tx: &Transaction<'_>,
    id: DocId,
    p: &patient::Patient,
    now: Millis,
    search: &mut SearchRows,
) -> Result<(), StoreError> {
    let id_text = id.to_string();
    let last_visit = p.encounters.iter().map(|e| e.date).max().map(format_date);
    let rowid: i64 = tx.query_row(
        "INSERT INTO patients(id, first_name, last_name, middle_name, birth_date, sex, phone, email, mrn,
                              allergy_count, encounter_count, photo_count, last_visit, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         ON CONFLICT(id) DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name,
             middle_name = excluded.middle_name, birth_date = excluded.birth_date, sex = excluded.sex,
             phone = excluded.phone, email = excluded.email, mrn = excluded.mrn,
             allergy_count = excluded.allergy_count, encounter_count = excluded.encounter_count,
             photo_count = excluded.photo_count, last_visit = excluded.last_visit, updated_at = excluded.updated_at
         RETURNING rowid",
        params![
            id_text,
            p.first_name,
            p.last_name,
            p.middle_name,
            p.birth_date.map(format_date),
            p.sex.as_str(),
            p.phones.first(),
            p.email,
            p.mrn,
            p.allergies.len() as i64,
            p.encounters.len() as i64,
            p.photos.len() as i64,
            last_visit,
            p.created_at,
            now,
        ],
        |r| r.get(0),
    )?;
    let (names, contacts) = search_text(p);
    search.0.push((rowid, names, contacts));

    tx.exec("DELETE FROM encounters WHERE patient_id = ?1", [&id_text])?;
    let mut enc = tx.prepare_cached(
        "INSERT INTO encounters(id, patient_id, date, clinician, complaint, status, diagnoses, signed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for e in &p.encounters {
        let codes: Vec<&str> = e.diagnoses.iter().map(|d| d.code.as_str()).collect();
        enc.execute(params![
            e.id.to_string(),
            id_text,
            format_date(e.date),
            e.clinician,
            e.complaint,
            e.status.as_str(),
            codes.join(" "),
            e.signed_at
        ])?;
    }
    tx.exec("DELETE FROM photos WHERE patient_id = ?1", [&id_text])?;
    let mut ph = tx.prepare_cached(
        "INSERT INTO photos(id, patient_id, encounter_id, sha256, mime, size, body_part, tags, taken_at, thumbnails_ready, processing_error)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for ph_row in &p.photos {
        ph.execute(params![
            ph_row.id.to_string(),
            id_text,
            ph_row.encounter_id.map(|e| e.to_string()),
            ph_row.sha256,
            ph_row.mime.as_str(),
            ph_row.size as i64,
            ph_row.body_part.as_str(),
            ph_row.tags.join(","),
            ph_row.taken_at,
            ph_row.thumbnails_ready,
            ph_row.processing_error,
        ])?;
    }
    Ok(())
}

/// Rewrites `patient_merges` from the clinic document's merge records: few rows, and
/// one new merge can change where older ones end (a chain, a cycle), so all at once.
fn index_merges(tx: &Transaction<'_>, id: DocId, doc: &AutoCommit) -> Result<(), StoreError> {
    use dermis_model::merge;
    let records = merge::merges(doc).map_err(schema(id))?;
    if records.is_empty() {
        // Merges are only ever added: none recorded means no rows to write (and no
        // table touched in a store written before schema 10, as a migration test does).
        return Ok(());
    }
    let resolved = merge::resolve(&records);
    tx.exec("DELETE FROM patient_merges", [])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO patient_merges(id, into_id, merged_at, merged_by) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for r in &records {
        if let Some(into) = resolved.get(&r.other) {
            insert.execute(params![r.other.to_string(), into.to_string(), r.at, r.by])?;
        }
    }
    Ok(())
}

fn index_product(tx: &Transaction<'_>, id: DocId, p: &product::Product) -> Result<(), StoreError> {
    tx.exec(
        "INSERT INTO products(id, sku, name, category, price_minor, currency, barcode, active, reorder_level, tax_class)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT(id) DO UPDATE SET sku = excluded.sku, name = excluded.name, category = excluded.category,
             price_minor = excluded.price_minor, currency = excluded.currency, barcode = excluded.barcode,
             active = excluded.active, reorder_level = excluded.reorder_level, tax_class = excluded.tax_class",
        params![id.to_string(), p.sku, p.name, p.category, p.price.minor, p.price.currency.code(), p.barcode, p.active, p.reorder_level, p.tax_class],
    )?;
    Ok(())
}

/// Ledger entries are immutable, so rows are only ever added.
fn index_ledger(tx: &Transaction<'_>, id: DocId, l: &ledger::Ledger) -> Result<(), StoreError> {
    let id_text = id.to_string();
    tx.exec(
        "INSERT OR IGNORE INTO ledgers(doc_id, node_id, day) VALUES (?1, ?2, ?3)",
        params![id_text, l.node_id.to_string(), l.day],
    )?;
    let mut mv = tx.prepare_cached(
        "INSERT OR IGNORE INTO stock_movements(id, ledger_id, product_id, sku, kind, qty, delta, reason, user, at, node_id, sale_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for m in &l.movements {
        mv.execute(params![
            m.id.to_string(),
            id_text,
            m.product_id.to_string(),
            m.sku,
            m.kind.as_str(),
            m.qty,
            m.delta(),
            m.reason,
            m.user,
            m.at,
            m.node_id.to_string(),
            m.sale_id.map(|s| s.to_string()),
        ])?;
    }
    let mut sale = tx.prepare_cached(
        "INSERT OR IGNORE INTO sales(id, ledger_id, receipt, kind, original_id, at, cashier, node_id, currency,
                                     subtotal_minor, discount_minor, tax_minor, total_minor, change_minor,
                                     patient_id, shift_id, chain_seq, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )?;
    let mut line = tx.prepare_cached(
        "INSERT OR IGNORE INTO sale_lines(sale_id, idx, product_id, sku, name, qty, unit_minor, discount_minor, tax_minor, total_minor, tax_bps)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut audit = tx.prepare_cached(
        "INSERT OR IGNORE INTO audit_entries(ledger_id, id, at, user, user_id, node_id, action, target_kind, target, patient_id, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for a in &l.audit {
        let ledger = rusqlite::types::Value::from(id_text.clone());
        audit.execute(rusqlite::params_from_iter(
            std::iter::once(ledger).chain(super::audit::entry_columns(a)),
        ))?;
    }
    let mut shift = tx.prepare_cached(
        "INSERT OR IGNORE INTO shift_events(id, ledger_id, shift_id, kind, amount_minor, reason, at, user, node_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for e in &l.shifts {
        shift.execute(params![
            e.id,
            id_text,
            e.shift_id.to_string(),
            e.kind.as_str(),
            e.amount_minor,
            e.reason,
            e.at,
            e.user,
            e.node_id.to_string(),
        ])?;
    }
    let mut pay = tx.prepare_cached("INSERT OR IGNORE INTO sale_payments(sale_id, idx, method, amount_minor) VALUES (?1, ?2, ?3, ?4)")?;
    for s in &l.sales {
        let sid = s.id.to_string();
        let inserted = sale.execute(params![
            sid,
            id_text,
            s.receipt,
            s.kind.as_str(),
            s.original_id.map(|o| o.to_string()),
            s.at,
            s.cashier,
            s.node_id.to_string(),
            s.currency.code(),
            s.subtotal_minor,
            s.discount_minor,
            s.tax_minor,
            s.total_minor,
            s.change_minor,
            s.patient_id.map(|p| p.to_string()),
            s.shift_id.map(|p| p.to_string()),
            s.chain.as_ref().map(|c| c.seq),
            s.reason,
        ])?;
        if inserted == 0 {
            continue;
        }
        for (i, l) in s.lines.iter().enumerate() {
            line.execute(params![
                sid,
                i as i64,
                l.product_id.to_string(),
                l.sku,
                l.name,
                l.qty,
                l.unit_minor,
                l.discount_minor,
                l.tax_minor,
                l.total_minor,
                l.tax_bps,
            ])?;
        }
        for (i, p) in s.payments.iter().enumerate() {
            pay.execute(params![sid, i as i64, p.method.as_str(), p.amount_minor])?;
        }
    }
    Ok(())
}

fn index_appointment(
    tx: &Transaction<'_>,
    id: DocId,
    a: &appointment::Appointment,
) -> Result<(), StoreError> {
    tx.exec(
        "INSERT INTO appointments(id, patient_id, invitee_name, invitee_email, title, start_at, end_at, source, status, external_id,
             clinician_id, invitee_phone, cancel_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT(id) DO UPDATE SET patient_id = excluded.patient_id, invitee_name = excluded.invitee_name,
             invitee_email = excluded.invitee_email, title = excluded.title, start_at = excluded.start_at,
             end_at = excluded.end_at, source = excluded.source, status = excluded.status, external_id = excluded.external_id,
             clinician_id = excluded.clinician_id, invitee_phone = excluded.invitee_phone,
             cancel_reason = excluded.cancel_reason",
        params![
            id.to_string(),
            a.patient_id.map(|p| p.to_string()),
            a.invitee_name,
            a.invitee_email,
            a.title,
            a.start,
            a.end,
            a.source.as_str(),
            a.status.as_str(),
            a.external_id,
            a.clinician_id.map(|c| c.to_string()),
            a.invitee_phone,
            a.cancel_reason,
        ],
    )?;
    Ok(())
}

/// Each conflicting value's author, workstation and time, as the index keeps them.
fn conflict_sources(
    doc: &mut AutoCommit,
    conflicts: &[dermis_model::conflict::Conflict],
) -> Vec<Vec<Option<super::queries::ConflictSource>>> {
    use dermis_model::provenance::Author;
    dermis_model::conflict::sources(doc, conflicts)
        .into_iter()
        .map(|values| {
            values
                .into_iter()
                .map(|source| {
                    source.map(|s| {
                        let (by, user_id) = match s.provenance.map(|p| p.author) {
                            Some(Author::User(user)) => ("user", Some(user.to_string())),
                            Some(Author::Operator) => ("operator", None),
                            Some(Author::Hub) => ("hub", None),
                            None => ("unknown", None),
                        };
                        super::queries::ConflictSource {
                            at: s.at,
                            by: by.to_owned(),
                            user_id,
                            node_id: s.provenance.and_then(|p| p.node).map(|n| n.to_string()),
                        }
                    })
                })
                .collect()
        })
        .collect()
}

/// One conflict as the index keeps it: the path, values and sources as JSON.
pub struct ConflictIndexRow {
    path: String,
    values: String,
    sources: String,
}

/// The conflict rows of a document (none when its history never branched). Needs no
/// store, so a document received whole is read for them on a worker thread.
pub fn conflict_rows(id: DocId, doc: &mut AutoCommit) -> Result<Vec<ConflictIndexRow>, StoreError> {
    if !may_have_conflicts(doc) {
        return Ok(Vec::new());
    }
    let conflicts = find_conflicts(doc).map_err(schema(id))?;
    let sources = conflict_sources(doc, &conflicts);
    Ok(conflicts
        .iter()
        .zip(sources)
        .map(|(c, sources)| ConflictIndexRow {
            // Map keys may hold dots (ICD-10 codes), so the path is kept as a JSON array.
            path: serde_json::to_string(&c.path).unwrap_or_else(|_| "[]".into()),
            values: serde_json::to_string(&c.values).unwrap_or_else(|_| "[]".into()),
            sources: serde_json::to_string(&sources).unwrap_or_else(|_| "[]".into()),
        })
        .collect())
}

fn write_conflicts(
    tx: &Transaction<'_>,
    id: DocId,
    doc_type: DocType,
    rows: &[ConflictIndexRow],
) -> Result<(), StoreError> {
    let id_text = id.to_string();
    tx.exec("DELETE FROM conflicts WHERE doc_id = ?1", [&id_text])?;
    for row in rows {
        tx.exec(
            "INSERT INTO conflicts(doc_id, path, doc_type, values_json, sources_json) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                id_text,
                row.path,
                doc_type.as_str(),
                row.values,
                row.sources
            ],
        )?;
    }
    Ok(())
}

fn index_conflicts(
    tx: &Transaction<'_>,
    id: DocId,
    doc_type: DocType,
    doc: &mut AutoCommit,
) -> Result<(), StoreError> {
    let rows = conflict_rows(id, doc)?;
    write_conflicts(tx, id, doc_type, &rows)
}

/// Everything the index holds of a document received whole, read from the loaded
/// document on any thread: the store then writes the document's bytes and these rows
/// without holding the document (it is loaded again only when opened or edited). Not
/// for the clinic document, whose merge rows are read from the document itself.
pub struct Derived {
    record: Record,
    conflicts: Vec<ConflictIndexRow>,
}

impl Derived {
    /// The record and conflicts of `doc`; `None` for a clinic document.
    pub fn read(
        id: DocId,
        doc: &mut AutoCommit,
        record: Record,
    ) -> Result<Result<Derived, Record>, StoreError> {
        if matches!(record, Record::Clinic(_)) {
            return Ok(Err(record));
        }
        let conflicts = conflict_rows(id, doc)?;
        Ok(Ok(Derived { record, conflicts }))
    }

    /// The record, for a document loaded after all (see `Tx::ensure_loaded`).
    pub fn into_record(self) -> Record {
        self.record
    }
}

/// Writes the index rows of a document received whole, from what [`Derived::read`] read.
pub fn write_derived(
    tx: &Transaction<'_>,
    id: DocId,
    doc_type: DocType,
    derived: &Derived,
    now: Millis,
    search: &mut SearchRows,
) -> Result<(), StoreError> {
    match &derived.record {
        Record::Patient(p) => index_patient(tx, id, p, now, search)?,
        Record::Product(p) => index_product(tx, id, p)?,
        Record::Ledger(l) => index_ledger(tx, id, l)?,
        Record::Appointment(a) => index_appointment(tx, id, a)?,
        // Never derived (see `Derived::read`): its rows need the document.
        Record::Clinic(_) => {}
    }
    write_conflicts(tx, id, doc_type, &derived.conflicts)
}
