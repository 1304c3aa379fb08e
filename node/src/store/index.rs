//! Index rows derived from documents, written in the same transaction as the document.
//! Lists, search and reports read these tables and never load documents.

use super::Exec;
use automerge::{AutoCommit, ChangeHash};
use dermis_model::derivation::{self, ConflictRow, Derivation, Row, Table, Value};
use dermis_model::doc::{Record, read_record};
use dermis_model::{DocId, DocType, Millis, ledger};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Transaction, params, params_from_iter};

use super::StoreError;

fn schema(id: DocId) -> impl FnOnce(dermis_model::SchemaError) -> StoreError {
    move |source| StoreError::Document { id, source }
}

/// What the caller already knows of the document it asks to index.
pub enum Known<'a> {
    /// The whole document, as read when it was checked, and the heads it was stored at
    /// if it was stored before.
    Read(Box<Record>, Option<&'a [ChangeHash]>),
    /// The heads the index was last written at.
    Since(&'a [ChangeHash]),
    /// Nothing: a document new to the store.
    Nothing,
}

impl<'a> Known<'a> {
    /// The heads the document was stored at, and its conflicts listed at.
    fn base(&self) -> Option<&'a [ChangeHash]> {
        match self {
            Known::Read(_, base) => *base,
            Known::Since(base) => Some(base),
            Known::Nothing => None,
        }
    }
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
    let base = known.base();
    let record = match known {
        Known::Read(r, _) => *r,
        // A stored ledger: the entries its new changes put in are what the index lacks
        // (the index took every earlier change in the transaction that stored it).
        Known::Since(base) if doc_type == DocType::Ledger => {
            let added = ledger::added_since(doc, base).map_err(schema(id))?;
            Record::Ledger(ledger::read_ledger_only(doc, &added).map_err(schema(id))?)
        }
        Known::Since(_) | Known::Nothing => read_record(doc, doc_type).map_err(schema(id))?,
    };
    match derivation::rows(&record) {
        Some((_, rows)) => write_rows(tx, id, &rows, now, Fresh::No, search)?,
        // The clinic document is small and read whole; its only index rows are the
        // resolved patient merges.
        None => index_merges(tx, id, doc)?,
    }
    // A document that had no conflict and gained only changes after its stored heads
    // has none now: its rows stay as they are (none) without reading its history.
    if let Some(base) = base
        && !has_conflicts(tx, id)?
        && !dermis_model::conflict::may_have_new_conflicts(doc, base)
    {
        return Ok(());
    }
    let conflicts = derivation::conflict_rows(doc).map_err(schema(id))?;
    write_conflicts(tx, id, doc_type, &conflicts, Fresh::No)
}

fn has_conflicts(tx: &Transaction<'_>, id: DocId) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM conflicts WHERE doc_id = ?1)")?
        .query_row([id.to_string()], |r| r.get(0))?)
}

/// Whether a document's index rows are written for the first time: a document new to
/// the store has none, so the deletes that clear its earlier rows are skipped (a first
/// sync writes thousands of such documents).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Fresh {
    Yes,
    No,
}

/// Patients' search rows (rowid, names, contacts), written together by [`write_search`]
/// once a transaction's documents are indexed. Full-text search keeps its new rows in
/// memory until a statement opens a savepoint, and then writes them out as a segment of
/// its own (merged later): written between the other index rows, every document made
/// a segment; written last, a transaction makes one.
#[derive(Default)]
pub struct SearchRows(Vec<(i64, String, String, Fresh)>);

pub fn write_search(tx: &Transaction<'_>, rows: SearchRows) -> Result<(), StoreError> {
    if rows.0.is_empty() {
        return Ok(());
    }
    let mut delete = tx.prepare_cached("DELETE FROM patients_fts WHERE rowid = ?1")?;
    let mut insert =
        tx.prepare_cached("INSERT INTO patients_fts(rowid, names, contacts) VALUES (?1, ?2, ?3)")?;
    for (rowid, names, contacts, fresh) in rows.0 {
        if fresh == Fresh::No {
            delete.execute([rowid])?;
        }
        insert.execute(params![rowid, names, contacts])?;
    }
    Ok(())
}

/// Writes a document's index rows (see [`derivation::rows`]). A patient's encounters and
/// photos are replaced whole; ledger rows are only ever added (entries are immutable).
fn write_rows(
    tx: &Transaction<'_>,
    id: DocId,
    rows: &[Row],
    now: Millis,
    fresh: Fresh,
    search: &mut SearchRows,
) -> Result<(), StoreError> {
    let id_text = id.to_string();
    let doc = || ToSqlOutput::Borrowed(ValueRef::Text(id_text.as_bytes()));
    let mut patient_rowid = None;
    for row in rows {
        let values = row.values.iter().map(value_ref);
        match row.table {
            Table::Patient => {
                let rowid: i64 = tx
                    .prepare_cached(
                        "INSERT INTO patients(id, first_name, last_name, middle_name, birth_date, sex, phone, email, mrn,
                              allergy_count, encounter_count, photo_count, last_visit, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         ON CONFLICT(id) DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name,
             middle_name = excluded.middle_name, birth_date = excluded.birth_date, sex = excluded.sex,
             phone = excluded.phone, email = excluded.email, mrn = excluded.mrn,
             allergy_count = excluded.allergy_count, encounter_count = excluded.encounter_count,
             photo_count = excluded.photo_count, last_visit = excluded.last_visit, updated_at = excluded.updated_at
         RETURNING rowid",
                    )?
                    .query_row(
                        params_from_iter(
                            std::iter::once(doc())
                                .chain(values)
                                .chain(std::iter::once(ToSqlOutput::Borrowed(ValueRef::Integer(now)))),
                        ),
                        |r| r.get(0),
                    )?;
                patient_rowid = Some(rowid);
                if fresh == Fresh::No {
                    tx.exec("DELETE FROM encounters WHERE patient_id = ?1", [&id_text])?;
                    tx.exec("DELETE FROM photos WHERE patient_id = ?1", [&id_text])?;
                }
            }
            Table::PatientSearch => {
                if let (Some(rowid), [Value::Text(names), Value::Text(contacts)]) =
                    (patient_rowid, row.values.as_slice())
                {
                    search
                        .0
                        .push((rowid, names.clone(), contacts.clone(), fresh));
                }
            }
            table => {
                let (sql, with_doc) = insert_sql(table);
                let mut stmt = tx.prepare_cached(sql)?;
                if with_doc {
                    stmt.execute(params_from_iter(std::iter::once(doc()).chain(values)))?;
                } else {
                    stmt.execute(params_from_iter(values))?;
                }
            }
        }
    }
    Ok(())
}

fn value_ref(v: &Value) -> ToSqlOutput<'_> {
    ToSqlOutput::Borrowed(match v {
        Value::Null => ValueRef::Null,
        Value::Int(i) => ValueRef::Integer(*i),
        Value::Text(s) => ValueRef::Text(s.as_bytes()),
    })
}

/// Each table's statement, and whether the document's id comes first in it.
fn insert_sql(table: Table) -> (&'static str, bool) {
    match table {
        // Written with their own statements in `write_rows`.
        Table::Patient | Table::PatientSearch => ("", false),
        Table::Encounter => (
            "INSERT INTO encounters(patient_id, id, date, clinician, complaint, status, diagnoses, signed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            true,
        ),
        Table::Photo => (
            "INSERT INTO photos(patient_id, id, encounter_id, sha256, mime, size, body_part, tags, taken_at, thumbnails_ready, processing_error)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            true,
        ),
        Table::Product => (
            "INSERT INTO products(id, sku, name, category, price_minor, currency, barcode, active, reorder_level, tax_class)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT(id) DO UPDATE SET sku = excluded.sku, name = excluded.name, category = excluded.category,
             price_minor = excluded.price_minor, currency = excluded.currency, barcode = excluded.barcode,
             active = excluded.active, reorder_level = excluded.reorder_level, tax_class = excluded.tax_class",
            true,
        ),
        Table::Ledger => (
            "INSERT OR IGNORE INTO ledgers(doc_id, node_id, day) VALUES (?1, ?2, ?3)",
            true,
        ),
        Table::StockMovement => (
            "INSERT OR IGNORE INTO stock_movements(ledger_id, id, product_id, sku, kind, qty, delta, reason, user, at, node_id, sale_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            true,
        ),
        Table::Sale => (
            "INSERT OR IGNORE INTO sales(ledger_id, id, receipt, kind, original_id, at, cashier, node_id, currency,
                                     subtotal_minor, discount_minor, tax_minor, total_minor, change_minor,
                                     patient_id, shift_id, chain_seq, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            true,
        ),
        Table::SaleLine => (
            "INSERT OR IGNORE INTO sale_lines(sale_id, idx, product_id, sku, name, qty, unit_minor, discount_minor, tax_minor, total_minor, tax_bps)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            false,
        ),
        Table::SalePayment => (
            "INSERT OR IGNORE INTO sale_payments(sale_id, idx, method, amount_minor) VALUES (?1, ?2, ?3, ?4)",
            false,
        ),
        Table::AuditEntry => (
            "INSERT OR IGNORE INTO audit_entries(ledger_id, id, at, user, user_id, node_id, action, target_kind, target, patient_id, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            true,
        ),
        Table::ShiftEvent => (
            "INSERT OR IGNORE INTO shift_events(ledger_id, id, shift_id, kind, amount_minor, reason, at, user, node_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            true,
        ),
        Table::Appointment => (
            "INSERT INTO appointments(id, patient_id, invitee_name, invitee_email, title, start_at, end_at, source, status, external_id,
             clinician_id, invitee_phone, cancel_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT(id) DO UPDATE SET patient_id = excluded.patient_id, invitee_name = excluded.invitee_name,
             invitee_email = excluded.invitee_email, title = excluded.title, start_at = excluded.start_at,
             end_at = excluded.end_at, source = excluded.source, status = excluded.status, external_id = excluded.external_id,
             clinician_id = excluded.clinician_id, invitee_phone = excluded.invitee_phone,
             cancel_reason = excluded.cancel_reason",
            true,
        ),
    }
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

fn write_conflicts(
    tx: &Transaction<'_>,
    id: DocId,
    doc_type: DocType,
    rows: &[ConflictRow],
    fresh: Fresh,
) -> Result<(), StoreError> {
    let id_text = id.to_string();
    if fresh == Fresh::No {
        tx.exec("DELETE FROM conflicts WHERE doc_id = ?1", [&id_text])?;
    }
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

/// Everything the index holds of a document received whole, without the document: read
/// from the loaded document on any thread ([`Derived::read`]) or received with it from
/// the hub (docs/SYNC.md, revision 6). The store then writes the document's bytes and
/// these rows without holding the document (it is loaded again only when opened or
/// edited). Never for the clinic document, whose merge rows are read from the document.
pub struct Derived(Derivation);

impl Derived {
    /// The derivation of `doc`, read as `record`; `Err(record)` for a clinic document.
    pub fn read(
        id: DocId,
        doc: &mut AutoCommit,
        record: Record,
    ) -> Result<Result<Derived, Record>, StoreError> {
        match derivation::derive(doc, &record).map_err(schema(id))? {
            Some(d) => Ok(Ok(Derived(d))),
            None => Ok(Err(record)),
        }
    }

    /// A derivation received from the hub for a document of type `doc_type`; `None` when
    /// its rows are of another type (the document is then loaded instead).
    pub fn received(doc_type: DocType, derivation: Derivation) -> Option<Derived> {
        (derivation.doc_type == doc_type).then_some(Derived(derivation))
    }

    pub fn derivation(&self) -> &Derivation {
        &self.0
    }
}

/// Writes the index rows of a document received whole, from its [`Derived`]: a document
/// new to the store, so it has no earlier rows to clear.
pub fn write_derived(
    tx: &Transaction<'_>,
    id: DocId,
    doc_type: DocType,
    derived: &Derived,
    now: Millis,
    search: &mut SearchRows,
) -> Result<(), StoreError> {
    write_rows(tx, id, &derived.0.rows, now, Fresh::Yes, search)?;
    write_conflicts(tx, id, doc_type, &derived.0.conflicts, Fresh::Yes)
}
