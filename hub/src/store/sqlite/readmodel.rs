//! The embedded store's read-model writes: a document's rows replaced inside the
//! projection step's transaction (or `reproject`'s), merges applied to every row that
//! names a merged-away patient, and an erased patient's rows removed for good (the
//! erasure's own transaction calls [`erase_patient`]; later changes naming the patient
//! project nothing). The queries are in `readquery`.

use std::collections::{BTreeMap, HashSet};

use dermis_model::{ClinicId, Millis};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::{lite, parse_uuid};
use crate::readmodel::derive::{DocRows, Identity, PatientRows};
use crate::readmodel::records::SaleRecord;
use crate::readmodel::stored::{self, Erased};
use crate::store::StoreError;

pub(super) fn erased(conn: &Connection, clinic: ClinicId) -> Result<Erased, StoreError> {
    let c = clinic.to_string();
    let read = |sql: &str| -> Result<HashSet<Uuid>, StoreError> {
        let mut stmt = conn.prepare_cached(sql).map_err(lite("read erased ids"))?;
        let rows = stmt
            .query_map([&c], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(lite("read erased ids"))?;
        rows.iter().map(|id| parse_uuid("erased id", id)).collect()
    };
    Ok(Erased {
        docs: read("SELECT doc_id FROM erased_docs WHERE clinic_id = ?1")?,
        patients: read("SELECT patient_id FROM erasures WHERE clinic_id = ?1")?,
    })
}

fn opt(id: Option<Uuid>) -> Option<String> {
    id.map(|u| u.to_string())
}

/// The record `patient` answers as: its keeper when it was merged away.
fn keeper(conn: &Connection, clinic: &str, patient: Uuid) -> Result<Uuid, StoreError> {
    let keep: Option<String> = conn
        .prepare_cached("SELECT keep FROM rm_merges WHERE clinic_id = ?1 AND other = ?2")
        .and_then(|mut s| {
            s.query_row(params![clinic, patient.to_string()], |r| r.get(0))
                .optional()
        })
        .map_err(lite("resolve merge"))?;
    keep.map_or(Ok(patient), |k| parse_uuid("rm_merges.keep", &k))
}

/// Replaces what the read models hold for one document with `rows`.
pub(super) fn write_doc(
    conn: &Connection,
    clinic: ClinicId,
    doc_id: Uuid,
    rows: &DocRows,
    erased: &Erased,
    now: Millis,
) -> Result<(), StoreError> {
    let c = clinic.to_string();
    if erased.gone(doc_id, rows) {
        // An erased id projects nothing; whatever it left is removed again.
        if let DocRows::Patient(p) = rows {
            erase_patient(conn, clinic, p.patient.id)?;
        }
        conn.execute(
            "DELETE FROM rm_appointments WHERE clinic_id = ?1 AND id = ?2",
            params![c, doc_id.to_string()],
        )
        .map_err(lite("drop erased appointment"))?;
        return Ok(());
    }
    match rows {
        DocRows::Patient(p) => write_patient(conn, &c, p, now),
        DocRows::Product(p) => {
            let (data, hash) = stored::row_data(p);
            conn.prepare_cached(
                "INSERT INTO rm_products (clinic_id, id, sku, updated_at, hash, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (clinic_id, id) DO UPDATE SET sku = excluded.sku,
                   updated_at = CASE WHEN rm_products.hash = excluded.hash
                                THEN rm_products.updated_at ELSE excluded.updated_at END,
                   hash = excluded.hash, data = excluded.data",
            )
            .and_then(|mut s| s.execute(params![c, p.id.to_string(), p.sku, now, hash, data]))
            .map_err(lite("write product"))?;
            Ok(())
        }
        DocRows::Appointment(a) => {
            let owner = match a.patient_id {
                Some(p) => Some(keeper(conn, &c, p)?),
                None => None,
            };
            let (data, hash) = stored::row_data(a);
            conn.prepare_cached(
                "INSERT INTO rm_appointments (clinic_id, id, patient_id, owner, start_at, end_at,
                                              status, clinician_id, updated_at, hash, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (clinic_id, id) DO UPDATE SET patient_id = excluded.patient_id,
                   owner = excluded.owner, start_at = excluded.start_at,
                   end_at = excluded.end_at, status = excluded.status,
                   clinician_id = excluded.clinician_id,
                   updated_at = CASE WHEN rm_appointments.hash = excluded.hash
                                THEN rm_appointments.updated_at ELSE excluded.updated_at END,
                   hash = excluded.hash, data = excluded.data",
            )
            .and_then(|mut s| {
                s.execute(params![
                    c,
                    a.id.to_string(),
                    opt(a.patient_id),
                    opt(owner),
                    a.start,
                    a.end,
                    a.status,
                    opt(a.clinician_id),
                    now,
                    hash,
                    data
                ])
            })
            .map_err(lite("write appointment"))?;
            Ok(())
        }
        DocRows::Ledger(sales) => {
            for sale in sales {
                write_sale(conn, &c, sale, erased)?;
            }
            Ok(())
        }
        DocRows::Clinic(identity) => write_identity(conn, clinic, identity),
    }
}

fn write_patient(
    conn: &Connection,
    c: &str,
    rows: &PatientRows,
    now: Millis,
) -> Result<(), StoreError> {
    let p = &rows.patient;
    let id = p.id.to_string();
    let owner = keeper(conn, c, p.id)?;
    let merged_into = (owner != p.id).then(|| owner.to_string());
    let (data, hash) = stored::row_data(p);
    conn.prepare_cached(
        "INSERT INTO rm_patients (clinic_id, id, mrn, fold_first, fold_last, birth_date,
                                  phone_digits, created_at, updated_at, merged_into, hash, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (clinic_id, id) DO UPDATE SET mrn = excluded.mrn,
           fold_first = excluded.fold_first, fold_last = excluded.fold_last,
           birth_date = excluded.birth_date, phone_digits = excluded.phone_digits,
           created_at = excluded.created_at, merged_into = excluded.merged_into,
           updated_at = CASE WHEN rm_patients.hash = excluded.hash
                        THEN rm_patients.updated_at ELSE excluded.updated_at END,
           hash = excluded.hash, data = excluded.data",
    )
    .and_then(|mut s| {
        s.execute(params![
            c,
            id,
            p.mrn,
            rows.fold_first,
            rows.fold_last,
            p.birth_date,
            rows.phone_digits,
            p.created_at,
            now,
            merged_into,
            hash,
            data
        ])
    })
    .map_err(lite("write patient"))?;
    for table in stored::REPLACED_WITH_PATIENT {
        conn.prepare_cached(&patient_rows_sql(table))
            .and_then(|mut s| s.execute(params![c, id]))
            .map_err(lite("replace patient rows"))?;
    }
    {
        let mut term = conn
            .prepare_cached(
                "INSERT INTO rm_patient_terms (clinic_id, term, patient_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
            )
            .map_err(lite("write terms"))?;
        for t in &rows.terms {
            term.execute(params![c, t, id])
                .map_err(lite("write term"))?;
        }
        let mut allergy = conn
            .prepare_cached(
                "INSERT INTO rm_allergies (clinic_id, id, patient_id, owner, substance, reaction,
                                           severity) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT DO NOTHING",
            )
            .map_err(lite("write allergies"))?;
        for a in &p.allergies {
            allergy
                .execute(params![
                    c,
                    a.id.to_string(),
                    id,
                    owner.to_string(),
                    a.substance,
                    a.reaction,
                    a.severity
                ])
                .map_err(lite("write allergy"))?;
        }
    }
    let mut kept = Vec::new();
    for e in &rows.encounters {
        let eid = e.id.to_string();
        let (data, hash) = stored::row_data(e);
        conn.prepare_cached(
            "INSERT INTO rm_encounters (clinic_id, id, patient_id, owner, date, clinician,
                                        clinician_id, status, updated_at, hash, data)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (clinic_id, id) DO UPDATE SET patient_id = excluded.patient_id,
               owner = excluded.owner, date = excluded.date, clinician = excluded.clinician,
               clinician_id = excluded.clinician_id, status = excluded.status,
               updated_at = CASE WHEN rm_encounters.hash = excluded.hash
                            THEN rm_encounters.updated_at ELSE excluded.updated_at END,
               hash = excluded.hash, data = excluded.data",
        )
        .and_then(|mut s| {
            s.execute(params![
                c,
                eid,
                id,
                owner.to_string(),
                e.date,
                e.clinician,
                opt(e.clinician_id),
                e.status,
                now,
                hash,
                data
            ])
        })
        .map_err(lite("write encounter"))?;
        for (position, d) in e.diagnoses.iter().enumerate() {
            conn.prepare_cached(
                "INSERT INTO rm_diagnoses (clinic_id, encounter_id, position, patient_id, code, label)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            )
            .and_then(|mut s| s.execute(params![c, eid, position as i64, id, d.code, d.label]))
            .map_err(lite("write diagnosis"))?;
        }
        for r in &e.prescriptions {
            conn.prepare_cached(
                "INSERT INTO rm_prescriptions (clinic_id, id, encounter_id, patient_id, drug, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            )
            .and_then(|mut s| s.execute(params![c, r.id.to_string(), eid, id, r.drug, r.at]))
            .map_err(lite("write prescription"))?;
        }
        kept.push(eid);
    }
    drop_missing(conn, "rm_encounters", c, &id, &kept)?;
    let mut kept = Vec::new();
    for ph in &rows.photos {
        let pid = ph.id.to_string();
        let (data, hash) = stored::row_data(ph);
        conn.prepare_cached(
            "INSERT INTO rm_photos (clinic_id, id, patient_id, owner, sha256, body_part, taken_at,
                                    updated_at, hash, data)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (clinic_id, id) DO UPDATE SET patient_id = excluded.patient_id,
               owner = excluded.owner, sha256 = excluded.sha256, body_part = excluded.body_part,
               taken_at = excluded.taken_at,
               updated_at = CASE WHEN rm_photos.hash = excluded.hash
                            THEN rm_photos.updated_at ELSE excluded.updated_at END,
               hash = excluded.hash, data = excluded.data",
        )
        .and_then(|mut s| {
            s.execute(params![
                c,
                pid,
                id,
                owner.to_string(),
                ph.sha256,
                ph.body_part,
                ph.taken_at,
                now,
                hash,
                data
            ])
        })
        .map_err(lite("write photo"))?;
        kept.push(pid);
    }
    drop_missing(conn, "rm_photos", c, &id, &kept)
}

/// Removes the rows of `table` of the patient whose ids are not in `kept`.
fn drop_missing(
    conn: &Connection,
    table: &str,
    c: &str,
    patient: &str,
    kept: &[String],
) -> Result<(), StoreError> {
    conn.prepare_cached(&drop_missing_sql(table))
        .and_then(|mut s| s.execute(params![c, patient, stored::data(&kept)]))
        .map_err(lite("drop removed rows"))?;
    Ok(())
}

/// The delete of every row of `table` of one patient (`?1` clinic, `?2` patient), through
/// the table's patient index for the reason [`drop_missing_sql`] gives.
fn patient_rows_sql(table: &str) -> String {
    format!(
        "DELETE FROM {table} INDEXED BY {table}_patient WHERE clinic_id = ?1 AND patient_id = ?2"
    )
}

/// [`drop_missing`]'s statement. It names the table's patient index: without it SQLite
/// (the bundled version, with no statistics) planned the delete over the primary key,
/// reading every row of the clinic for each patient document projected — quadratic in a
/// clinic's size. A 100,000-patient import spent three quarters of the store thread's
/// time here, and the projector fell a minute behind a 10,000-patient push.
fn drop_missing_sql(table: &str) -> String {
    format!(
        "DELETE FROM {table} INDEXED BY {table}_patient WHERE clinic_id = ?1 AND patient_id = ?2
         AND id NOT IN (SELECT value FROM json_each(?3))"
    )
}

/// A ledger entry, kept once per id with its lines and payments.
fn write_sale(
    conn: &Connection,
    c: &str,
    sale: &SaleRecord,
    erased: &Erased,
) -> Result<(), StoreError> {
    let patient = erased.patient(sale.patient_id);
    let owner = match patient {
        Some(p) => Some(keeper(conn, c, p)?),
        None => None,
    };
    let mut stored = sale.clone();
    // The patient is a column (merges and erasures change it); the JSON holds the rest.
    stored.patient_id = None;
    let inserted = conn
        .prepare_cached(
            "INSERT INTO rm_sales (clinic_id, id, kind, at, patient_id, owner, currency,
                                   total_minor, tax_minor, data)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO NOTHING",
        )
        .and_then(|mut s| {
            s.execute(params![
                c,
                sale.id.to_string(),
                sale.kind,
                sale.at,
                opt(patient),
                opt(owner),
                sale.currency,
                sale.total_minor,
                sale.tax_minor,
                stored::data(&stored)
            ])
        })
        .map_err(lite("write sale"))?;
    if inserted == 0 {
        return Ok(());
    }
    let sid = sale.id.to_string();
    for (position, l) in sale.lines.iter().enumerate() {
        conn.prepare_cached(
            "INSERT INTO rm_sale_lines (clinic_id, sale_id, position, product_id, sku, qty,
                                        tax_bps, tax_minor, total_minor)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
        )
        .and_then(|mut s| {
            s.execute(params![
                c,
                sid,
                position as i64,
                l.product_id.to_string(),
                l.sku,
                l.qty,
                l.tax_bps,
                l.tax_minor,
                l.total_minor
            ])
        })
        .map_err(lite("write sale line"))?;
    }
    for (position, p) in sale.payments.iter().enumerate() {
        conn.prepare_cached(
            "INSERT INTO rm_sale_payments (clinic_id, sale_id, position, method, amount_minor)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
        )
        .and_then(|mut s| s.execute(params![c, sid, position as i64, p.method, p.amount_minor]))
        .map_err(lite("write payment"))?;
    }
    Ok(())
}

/// Applies the clinic document's identity facts: erased patients' rows removed, and the
/// merges table replaced, with every row naming a patient whose keeper changed moved to
/// its new keeper.
fn write_identity(
    conn: &Connection,
    clinic: ClinicId,
    identity: &Identity,
) -> Result<(), StoreError> {
    let c = clinic.to_string();
    for patient in &identity.erased {
        erase_patient(conn, clinic, *patient)?;
    }
    let old: BTreeMap<String, String> = {
        let mut stmt = conn
            .prepare_cached("SELECT other, keep FROM rm_merges WHERE clinic_id = ?1")
            .map_err(lite("read merges"))?;
        stmt.query_map([&c], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect::<Result<_, _>>())
            .map_err(lite("read merges"))?
    };
    let new: BTreeMap<String, String> = identity
        .merges
        .iter()
        .map(|(o, k)| (o.to_string(), k.to_string()))
        .collect();
    if old == new {
        return Ok(());
    }
    conn.execute("DELETE FROM rm_merges WHERE clinic_id = ?1", [&c])
        .map_err(lite("replace merges"))?;
    for (other, keep) in &new {
        conn.execute(
            "INSERT INTO rm_merges (clinic_id, other, keep) VALUES (?1, ?2, ?3)",
            params![c, other, keep],
        )
        .map_err(lite("write merge"))?;
    }
    let changed: HashSet<&String> = old
        .keys()
        .chain(new.keys())
        .filter(|k| old.get(*k) != new.get(*k))
        .collect();
    for other in changed {
        let keep = new.get(other);
        conn.execute(
            "UPDATE rm_patients SET merged_into = ?3 WHERE clinic_id = ?1 AND id = ?2",
            params![c, other, keep],
        )
        .map_err(lite("mark merged patient"))?;
        let owner = keep.unwrap_or(other);
        for table in stored::OWNED {
            conn.execute(
                &format!("UPDATE {table} SET owner = ?3 WHERE clinic_id = ?1 AND patient_id = ?2"),
                params![c, other, owner],
            )
            .map_err(lite("move merged rows"))?;
        }
    }
    Ok(())
}

/// Removes every read-model row of an erased patient: theirs, and their appointments';
/// sales keep their amounts but no longer name them.
pub(super) fn erase_patient(
    conn: &Connection,
    clinic: ClinicId,
    patient: Uuid,
) -> Result<(), StoreError> {
    let (c, p) = (clinic.to_string(), patient.to_string());
    conn.execute(
        "DELETE FROM rm_patients WHERE clinic_id = ?1 AND id = ?2",
        params![c, p],
    )
    .map_err(lite("erase patient row"))?;
    for table in stored::ERASED_WITH_PATIENT {
        conn.execute(&patient_rows_sql(table), params![c, p])
            .map_err(lite("erase patient rows"))?;
    }
    conn.execute(
        "UPDATE rm_sales SET patient_id = NULL, owner = NULL WHERE clinic_id = ?1 AND patient_id = ?2",
        params![c, p],
    )
    .map_err(lite("unlink erased sales"))?;
    Ok(())
}

/// Removes every read-model row of a clinic (`reproject` writes them again).
pub(super) fn clear_clinic(conn: &Connection, clinic: ClinicId) -> Result<(), StoreError> {
    for table in stored::TABLES {
        conn.execute(
            &format!("DELETE FROM {table} WHERE clinic_id = ?1"),
            [clinic.to_string()],
        )
        .map_err(lite("clear read models"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use crate::readmodel::stored::{ERASED_WITH_PATIENT, REPLACED_WITH_PATIENT};

    fn plan(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> String {
        let plan: Vec<String> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .and_then(|mut s| {
                s.query_map(args, |r| r.get(3))
                    .and_then(|rows| rows.collect::<Result<_, _>>())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        plan.join("; ")
    }

    /// The deletes of a patient's rows search them through the table's patient index,
    /// never every row of the clinic.
    #[test]
    fn a_patients_rows_are_found_through_the_patient_index() {
        let mut conn = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        super::super::migrate::run(&mut conn).unwrap_or_else(|e| panic!("{e}"));
        let mut plans = Vec::new();
        for table in ["rm_encounters", "rm_photos"] {
            let sql = super::drop_missing_sql(table);
            plans.push((table, plan(&conn, &sql, rusqlite::params!["c", "p", "[]"])));
        }
        for table in REPLACED_WITH_PATIENT.iter().chain(&ERASED_WITH_PATIENT) {
            let sql = super::patient_rows_sql(table);
            plans.push((table, plan(&conn, &sql, rusqlite::params!["c", "p"])));
        }
        for (table, plan) in plans {
            assert!(
                plan.contains(&format!(
                    "INDEX {table}_patient (clinic_id=? AND patient_id=?)"
                )),
                "{table}: {plan}"
            );
        }
    }
}
