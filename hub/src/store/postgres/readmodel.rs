//! The Postgres store's read-model writes, as the embedded store's (`sqlite/readmodel`):
//! a document's rows replaced inside the projection step's transaction (or
//! `reproject`'s), merges applied to every row naming a merged-away patient, an erased
//! patient's rows removed for good. The queries are in `readquery`.

use std::collections::{BTreeMap, HashSet};

use dermis_model::{ClinicId, Millis};
use sqlx::PgConnection;
use uuid::Uuid;

use super::pg;
use crate::readmodel::derive::{DocRows, Identity, PatientRows};
use crate::readmodel::records::SaleRecord;
use crate::readmodel::stored::{self, Erased};
use crate::store::StoreError;

pub(super) async fn erased(
    conn: &mut PgConnection,
    clinic: ClinicId,
) -> Result<Erased, StoreError> {
    let docs: Vec<Uuid> = sqlx::query_scalar("SELECT doc_id FROM erased_docs WHERE clinic_id = $1")
        .bind(clinic.0)
        .fetch_all(&mut *conn)
        .await
        .map_err(pg("read erased ids"))?;
    let patients: Vec<Uuid> =
        sqlx::query_scalar("SELECT patient_id FROM erasures WHERE clinic_id = $1")
            .bind(clinic.0)
            .fetch_all(&mut *conn)
            .await
            .map_err(pg("read erased ids"))?;
    Ok(Erased {
        docs: docs.into_iter().collect(),
        patients: patients.into_iter().collect(),
    })
}

/// The record `patient` answers as: its keeper when it was merged away.
pub(super) async fn keeper(
    conn: &mut PgConnection,
    clinic: ClinicId,
    patient: Uuid,
) -> Result<Uuid, StoreError> {
    let keep: Option<Uuid> =
        sqlx::query_scalar("SELECT keep FROM rm_merges WHERE clinic_id = $1 AND other = $2")
            .bind(clinic.0)
            .bind(patient)
            .fetch_optional(&mut *conn)
            .await
            .map_err(pg("resolve merge"))?;
    Ok(keep.unwrap_or(patient))
}

async fn keeper_of(
    conn: &mut PgConnection,
    clinic: ClinicId,
    patient: Option<Uuid>,
) -> Result<Option<Uuid>, StoreError> {
    match patient {
        Some(p) => Ok(Some(keeper(conn, clinic, p).await?)),
        None => Ok(None),
    }
}

/// Replaces what the read models hold for one document with `rows`.
pub(super) async fn write_doc(
    conn: &mut PgConnection,
    clinic: ClinicId,
    doc_id: Uuid,
    rows: &DocRows,
    erased: &Erased,
    now: Millis,
) -> Result<(), StoreError> {
    if erased.gone(doc_id, rows) {
        // An erased id projects nothing; whatever it left is removed again.
        if let DocRows::Patient(p) = rows {
            erase_patient(conn, clinic, p.patient.id).await?;
        }
        sqlx::query("DELETE FROM rm_appointments WHERE clinic_id = $1 AND id = $2")
            .bind(clinic.0)
            .bind(doc_id)
            .execute(&mut *conn)
            .await
            .map_err(pg("drop erased appointment"))?;
        return Ok(());
    }
    match rows {
        DocRows::Patient(p) => write_patient(conn, clinic, p, now).await,
        DocRows::Product(p) => {
            let (data, hash) = stored::row_data(p);
            sqlx::query(
                "INSERT INTO rm_products (clinic_id, id, sku, updated_at, hash, data)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (clinic_id, id) DO UPDATE SET sku = excluded.sku,
                   updated_at = CASE WHEN rm_products.hash = excluded.hash
                                THEN rm_products.updated_at ELSE excluded.updated_at END,
                   hash = excluded.hash, data = excluded.data",
            )
            .bind(clinic.0)
            .bind(p.id)
            .bind(&p.sku)
            .bind(now)
            .bind(&hash)
            .bind(&data)
            .execute(&mut *conn)
            .await
            .map_err(pg("write product"))?;
            Ok(())
        }
        DocRows::Appointment(a) => {
            let owner = keeper_of(conn, clinic, a.patient_id).await?;
            let (data, hash) = stored::row_data(a);
            sqlx::query(
                "INSERT INTO rm_appointments (clinic_id, id, patient_id, owner, start_at, end_at,
                                              status, clinician_id, updated_at, hash, data)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (clinic_id, id) DO UPDATE SET patient_id = excluded.patient_id,
                   owner = excluded.owner, start_at = excluded.start_at,
                   end_at = excluded.end_at, status = excluded.status,
                   clinician_id = excluded.clinician_id,
                   updated_at = CASE WHEN rm_appointments.hash = excluded.hash
                                THEN rm_appointments.updated_at ELSE excluded.updated_at END,
                   hash = excluded.hash, data = excluded.data",
            )
            .bind(clinic.0)
            .bind(a.id)
            .bind(a.patient_id)
            .bind(owner)
            .bind(a.start)
            .bind(a.end)
            .bind(&a.status)
            .bind(a.clinician_id)
            .bind(now)
            .bind(&hash)
            .bind(&data)
            .execute(&mut *conn)
            .await
            .map_err(pg("write appointment"))?;
            Ok(())
        }
        DocRows::Ledger(sales) => write_sales(conn, clinic, sales, erased).await,
        DocRows::Clinic(identity) => write_identity(conn, clinic, identity).await,
    }
}

async fn write_patient(
    conn: &mut PgConnection,
    clinic: ClinicId,
    rows: &PatientRows,
    now: Millis,
) -> Result<(), StoreError> {
    let p = &rows.patient;
    let owner = keeper(conn, clinic, p.id).await?;
    let merged_into = (owner != p.id).then_some(owner);
    let (data, hash) = stored::row_data(p);
    sqlx::query(
        "INSERT INTO rm_patients (clinic_id, id, mrn, fold_first, fold_last, birth_date,
                                  phone_digits, created_at, updated_at, merged_into, hash, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (clinic_id, id) DO UPDATE SET mrn = excluded.mrn,
           fold_first = excluded.fold_first, fold_last = excluded.fold_last,
           birth_date = excluded.birth_date, phone_digits = excluded.phone_digits,
           created_at = excluded.created_at, merged_into = excluded.merged_into,
           updated_at = CASE WHEN rm_patients.hash = excluded.hash
                        THEN rm_patients.updated_at ELSE excluded.updated_at END,
           hash = excluded.hash, data = excluded.data",
    )
    .bind(clinic.0)
    .bind(p.id)
    .bind(&p.mrn)
    .bind(&rows.fold_first)
    .bind(&rows.fold_last)
    .bind(&p.birth_date)
    .bind(&rows.phone_digits)
    .bind(p.created_at)
    .bind(now)
    .bind(merged_into)
    .bind(&hash)
    .bind(&data)
    .execute(&mut *conn)
    .await
    .map_err(pg("write patient"))?;
    for table in stored::REPLACED_WITH_PATIENT {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE clinic_id = $1 AND patient_id = $2"
        )))
        .bind(clinic.0)
        .bind(p.id)
        .execute(&mut *conn)
        .await
        .map_err(pg("replace patient rows"))?;
    }
    sqlx::query(
        "INSERT INTO rm_patient_terms (clinic_id, term, patient_id)
         SELECT $1, t, $3 FROM UNNEST($2::text[]) AS t ON CONFLICT DO NOTHING",
    )
    .bind(clinic.0)
    .bind(&rows.terms)
    .bind(p.id)
    .execute(&mut *conn)
    .await
    .map_err(pg("write terms"))?;
    let col = |f: &dyn Fn(&crate::readmodel::records::AllergyRecord) -> String| -> Vec<String> {
        p.allergies.iter().map(f).collect()
    };
    let ids: Vec<Uuid> = p.allergies.iter().map(|a| a.id).collect();
    sqlx::query(
        "INSERT INTO rm_allergies (clinic_id, id, patient_id, owner, substance, reaction, severity)
         SELECT $1, a.id, $2, $3, a.substance, a.reaction, a.severity
         FROM UNNEST($4::uuid[], $5::text[], $6::text[], $7::text[])
              AS a (id, substance, reaction, severity)
         ON CONFLICT DO NOTHING",
    )
    .bind(clinic.0)
    .bind(p.id)
    .bind(owner)
    .bind(ids)
    .bind(col(&|a| a.substance.clone()))
    .bind(col(&|a| a.reaction.clone()))
    .bind(col(&|a| a.severity.clone()))
    .execute(&mut *conn)
    .await
    .map_err(pg("write allergies"))?;
    let mut kept = Vec::new();
    for e in &rows.encounters {
        let (data, hash) = stored::row_data(e);
        sqlx::query(
            "INSERT INTO rm_encounters (clinic_id, id, patient_id, owner, date, clinician,
                                        clinician_id, status, updated_at, hash, data)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (clinic_id, id) DO UPDATE SET patient_id = excluded.patient_id,
               owner = excluded.owner, date = excluded.date, clinician = excluded.clinician,
               clinician_id = excluded.clinician_id, status = excluded.status,
               updated_at = CASE WHEN rm_encounters.hash = excluded.hash
                            THEN rm_encounters.updated_at ELSE excluded.updated_at END,
               hash = excluded.hash, data = excluded.data",
        )
        .bind(clinic.0)
        .bind(e.id)
        .bind(p.id)
        .bind(owner)
        .bind(&e.date)
        .bind(&e.clinician)
        .bind(e.clinician_id)
        .bind(&e.status)
        .bind(now)
        .bind(&hash)
        .bind(&data)
        .execute(&mut *conn)
        .await
        .map_err(pg("write encounter"))?;
        for (position, d) in e.diagnoses.iter().enumerate() {
            sqlx::query(
                "INSERT INTO rm_diagnoses (clinic_id, encounter_id, position, patient_id, code, label)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            )
            .bind(clinic.0)
            .bind(e.id)
            .bind(position as i64)
            .bind(p.id)
            .bind(&d.code)
            .bind(&d.label)
            .execute(&mut *conn)
            .await
            .map_err(pg("write diagnosis"))?;
        }
        for r in &e.prescriptions {
            sqlx::query(
                "INSERT INTO rm_prescriptions (clinic_id, id, encounter_id, patient_id, drug, at)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            )
            .bind(clinic.0)
            .bind(r.id)
            .bind(e.id)
            .bind(p.id)
            .bind(&r.drug)
            .bind(r.at)
            .execute(&mut *conn)
            .await
            .map_err(pg("write prescription"))?;
        }
        kept.push(e.id);
    }
    drop_missing(conn, "rm_encounters", clinic, p.id, &kept).await?;
    let mut kept = Vec::new();
    for ph in &rows.photos {
        let (data, hash) = stored::row_data(ph);
        sqlx::query(
            "INSERT INTO rm_photos (clinic_id, id, patient_id, owner, sha256, body_part, taken_at,
                                    updated_at, hash, data)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (clinic_id, id) DO UPDATE SET patient_id = excluded.patient_id,
               owner = excluded.owner, sha256 = excluded.sha256, body_part = excluded.body_part,
               taken_at = excluded.taken_at,
               updated_at = CASE WHEN rm_photos.hash = excluded.hash
                            THEN rm_photos.updated_at ELSE excluded.updated_at END,
               hash = excluded.hash, data = excluded.data",
        )
        .bind(clinic.0)
        .bind(ph.id)
        .bind(p.id)
        .bind(owner)
        .bind(&ph.sha256)
        .bind(&ph.body_part)
        .bind(ph.taken_at)
        .bind(now)
        .bind(&hash)
        .bind(&data)
        .execute(&mut *conn)
        .await
        .map_err(pg("write photo"))?;
        kept.push(ph.id);
    }
    drop_missing(conn, "rm_photos", clinic, p.id, &kept).await
}

/// Removes the rows of `table` of the patient whose ids are not in `kept`.
async fn drop_missing(
    conn: &mut PgConnection,
    table: &str,
    clinic: ClinicId,
    patient: Uuid,
    kept: &[Uuid],
) -> Result<(), StoreError> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM {table} WHERE clinic_id = $1 AND patient_id = $2 AND id <> ALL($3)"
    )))
    .bind(clinic.0)
    .bind(patient)
    .bind(kept)
    .execute(&mut *conn)
    .await
    .map_err(pg("drop removed rows"))?;
    Ok(())
}

/// A ledger's entries, each kept once per id with its lines and payments. A ledger is
/// re-read whole on every change: the entries kept already are skipped with one query.
async fn write_sales(
    conn: &mut PgConnection,
    clinic: ClinicId,
    sales: &[SaleRecord],
    erased: &Erased,
) -> Result<(), StoreError> {
    let ids: Vec<Uuid> = sales.iter().map(|s| s.id).collect();
    let known: HashSet<Uuid> =
        sqlx::query_scalar("SELECT id FROM rm_sales WHERE clinic_id = $1 AND id = ANY($2)")
            .bind(clinic.0)
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await
            .map_err(pg("read kept sales"))?
            .into_iter()
            .collect();
    for sale in sales.iter().filter(|s| !known.contains(&s.id)) {
        let patient = erased.patient(sale.patient_id);
        let owner = keeper_of(conn, clinic, patient).await?;
        let mut stored = sale.clone();
        // The patient is a column (merges and erasures change it); the JSON the rest.
        stored.patient_id = None;
        let inserted = sqlx::query(
            "INSERT INTO rm_sales (clinic_id, id, kind, at, patient_id, owner, currency,
                                   total_minor, tax_minor, data)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
        )
        .bind(clinic.0)
        .bind(sale.id)
        .bind(&sale.kind)
        .bind(sale.at)
        .bind(patient)
        .bind(owner)
        .bind(&sale.currency)
        .bind(sale.total_minor)
        .bind(sale.tax_minor)
        .bind(stored::data(&stored))
        .execute(&mut *conn)
        .await
        .map_err(pg("write sale"))?;
        if inserted.rows_affected() == 0 {
            continue;
        }
        let n = sale.lines.len();
        let positions: Vec<i64> = (0..n as i64).collect();
        sqlx::query(
            "INSERT INTO rm_sale_lines (clinic_id, sale_id, position, product_id, sku, qty,
                                        tax_bps, tax_minor, total_minor)
             SELECT $1, $2, * FROM UNNEST($3::bigint[], $4::uuid[], $5::text[], $6::bigint[],
                                          $7::bigint[], $8::bigint[], $9::bigint[])
             ON CONFLICT DO NOTHING",
        )
        .bind(clinic.0)
        .bind(sale.id)
        .bind(&positions)
        .bind(sale.lines.iter().map(|l| l.product_id).collect::<Vec<_>>())
        .bind(sale.lines.iter().map(|l| l.sku.clone()).collect::<Vec<_>>())
        .bind(sale.lines.iter().map(|l| l.qty).collect::<Vec<_>>())
        .bind(
            sale.lines
                .iter()
                .map(|l| i64::from(l.tax_bps))
                .collect::<Vec<_>>(),
        )
        .bind(sale.lines.iter().map(|l| l.tax_minor).collect::<Vec<_>>())
        .bind(sale.lines.iter().map(|l| l.total_minor).collect::<Vec<_>>())
        .execute(&mut *conn)
        .await
        .map_err(pg("write sale lines"))?;
        let positions: Vec<i64> = (0..sale.payments.len() as i64).collect();
        sqlx::query(
            "INSERT INTO rm_sale_payments (clinic_id, sale_id, position, method, amount_minor)
             SELECT $1, $2, * FROM UNNEST($3::bigint[], $4::text[], $5::bigint[])
             ON CONFLICT DO NOTHING",
        )
        .bind(clinic.0)
        .bind(sale.id)
        .bind(&positions)
        .bind(
            sale.payments
                .iter()
                .map(|p| p.method.clone())
                .collect::<Vec<_>>(),
        )
        .bind(
            sale.payments
                .iter()
                .map(|p| p.amount_minor)
                .collect::<Vec<_>>(),
        )
        .execute(&mut *conn)
        .await
        .map_err(pg("write payments"))?;
    }
    Ok(())
}

/// Applies the clinic document's identity facts: erased patients' rows removed, and the
/// merges table replaced, with every row naming a patient whose keeper changed moved to
/// its new keeper.
async fn write_identity(
    conn: &mut PgConnection,
    clinic: ClinicId,
    identity: &Identity,
) -> Result<(), StoreError> {
    for patient in &identity.erased {
        erase_patient(conn, clinic, *patient).await?;
    }
    let old: BTreeMap<Uuid, Uuid> =
        sqlx::query_as::<_, (Uuid, Uuid)>("SELECT other, keep FROM rm_merges WHERE clinic_id = $1")
            .bind(clinic.0)
            .fetch_all(&mut *conn)
            .await
            .map_err(pg("read merges"))?
            .into_iter()
            .collect();
    let new: BTreeMap<Uuid, Uuid> = identity.merges.iter().copied().collect();
    if old == new {
        return Ok(());
    }
    sqlx::query("DELETE FROM rm_merges WHERE clinic_id = $1")
        .bind(clinic.0)
        .execute(&mut *conn)
        .await
        .map_err(pg("replace merges"))?;
    let (others, keeps): (Vec<Uuid>, Vec<Uuid>) = new.iter().map(|(o, k)| (*o, *k)).unzip();
    sqlx::query(
        "INSERT INTO rm_merges (clinic_id, other, keep)
         SELECT $1, * FROM UNNEST($2::uuid[], $3::uuid[])",
    )
    .bind(clinic.0)
    .bind(&others)
    .bind(&keeps)
    .execute(&mut *conn)
    .await
    .map_err(pg("write merges"))?;
    let changed: HashSet<Uuid> = old
        .keys()
        .chain(new.keys())
        .filter(|k| old.get(*k) != new.get(*k))
        .copied()
        .collect();
    for other in changed {
        let keep = new.get(&other).copied();
        sqlx::query("UPDATE rm_patients SET merged_into = $3 WHERE clinic_id = $1 AND id = $2")
            .bind(clinic.0)
            .bind(other)
            .bind(keep)
            .execute(&mut *conn)
            .await
            .map_err(pg("mark merged patient"))?;
        let owner = keep.unwrap_or(other);
        for table in stored::OWNED {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE {table} SET owner = $3 WHERE clinic_id = $1 AND patient_id = $2"
            )))
            .bind(clinic.0)
            .bind(other)
            .bind(owner)
            .execute(&mut *conn)
            .await
            .map_err(pg("move merged rows"))?;
        }
    }
    Ok(())
}

/// Removes every read-model row of an erased patient: theirs, and their appointments';
/// sales keep their amounts but no longer name them.
pub(super) async fn erase_patient(
    conn: &mut PgConnection,
    clinic: ClinicId,
    patient: Uuid,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM rm_patients WHERE clinic_id = $1 AND id = $2")
        .bind(clinic.0)
        .bind(patient)
        .execute(&mut *conn)
        .await
        .map_err(pg("erase patient row"))?;
    for table in stored::ERASED_WITH_PATIENT {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE clinic_id = $1 AND patient_id = $2"
        )))
        .bind(clinic.0)
        .bind(patient)
        .execute(&mut *conn)
        .await
        .map_err(pg("erase patient rows"))?;
    }
    sqlx::query(
        "UPDATE rm_sales SET patient_id = NULL, owner = NULL
         WHERE clinic_id = $1 AND patient_id = $2",
    )
    .bind(clinic.0)
    .bind(patient)
    .execute(&mut *conn)
    .await
    .map_err(pg("unlink erased sales"))?;
    Ok(())
}

/// Removes every read-model row of a clinic (`reproject` writes them again).
pub(super) async fn clear_clinic(
    conn: &mut PgConnection,
    clinic: ClinicId,
) -> Result<(), StoreError> {
    for table in stored::TABLES {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE clinic_id = $1"
        )))
        .bind(clinic.0)
        .execute(&mut *conn)
        .await
        .map_err(pg("clear read models"))?;
    }
    Ok(())
}
