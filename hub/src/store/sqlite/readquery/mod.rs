//! The embedded store's read-model queries (run by `readstore`, its
//! [`ReadModel`](crate::readmodel::ReadModel)): every one scoped to one clinic, lists in a stable order with a cursor on (order key, id), merged records
//! answered as their keeper. Rows are written by `readmodel`.

use dermis_model::{ClinicId, Millis};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use uuid::Uuid;

use super::{lite, parse_uuid};
use crate::readmodel::records::{
    AllergyRecord, AppointmentRecord, EncounterRecord, PatientRecord, PhotoRecord,
    PrescriptionRecord, ProductRecord, SaleRecord, StockRecord,
};
use crate::readmodel::stored::{self, Listed, fix_encounter, fix_photo, parse};
use crate::readmodel::{
    ClinicianVisits, Cursor, Page, RangeQuery, RecordQuery, page_limit, paginate, report,
};
use crate::store::StoreError;

mod patient_search;

pub(super) use patient_search::patients;

/// A query being built: SQL text and its parameters, in order.
struct Sql {
    text: String,
    args: Vec<Value>,
}

impl Sql {
    fn new(text: &str, clinic: ClinicId) -> Sql {
        Sql {
            text: text.to_owned(),
            args: vec![Value::Text(clinic.to_string())],
        }
    }

    /// Adds an argument; returns its placeholder (`?N`).
    fn arg(&mut self, v: String) -> String {
        self.args.push(Value::Text(v));
        format!("?{}", self.args.len())
    }

    /// Appends ` AND <cond>` where each `?` in `cond` takes the next argument.
    fn and(&mut self, cond: &str, args: impl IntoIterator<Item = Value>) {
        let mut out = String::new();
        let mut args = args.into_iter();
        for ch in cond.chars() {
            if ch == '?' {
                if let Some(a) = args.next() {
                    self.args.push(a);
                }
                out.push_str(&format!("?{}", self.args.len()));
            } else {
                out.push(ch);
            }
        }
        self.text.push_str(" AND ");
        self.text.push_str(&out);
    }

    fn after(&mut self, key: &str, cursor: Option<Cursor>) {
        if let Some(c) = cursor {
            self.and(
                &format!("({key} > ? OR ({key} = ? AND id > ?))"),
                [
                    Value::Integer(c.key),
                    Value::Integer(c.key),
                    Value::Text(c.id.to_string()),
                ],
            );
        }
    }

    fn order(&mut self, key: &str, limit: u32) {
        self.text.push_str(&format!(
            " ORDER BY {key}, id LIMIT {}",
            u64::from(limit) + 1
        ));
    }

    /// Runs the query; each row is (`data`, order key, then the extra columns).
    fn rows<T>(
        &self,
        conn: &Connection,
        map: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let mut stmt = conn
            .prepare_cached(&self.text)
            .map_err(lite("read models"))?;
        stmt.query_map(params_from_iter(self.args.iter()), map)
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(lite("read models"))
    }
}

fn text(v: Option<Uuid>) -> Value {
    v.map_or(Value::Null, |u| Value::Text(u.to_string()))
}

fn keeper(conn: &Connection, clinic: ClinicId, id: Uuid) -> Result<Uuid, StoreError> {
    let keep: Option<String> = conn
        .prepare_cached("SELECT keep FROM rm_merges WHERE clinic_id = ?1 AND other = ?2")
        .and_then(|mut s| {
            s.query_row(params![clinic.to_string(), id.to_string()], |r| r.get(0))
                .optional()
        })
        .map_err(lite("resolve merge"))?;
    keep.map_or(Ok(id), |k| parse_uuid("rm_merges.keep", &k))
}

fn owner(v: Option<String>) -> Result<Option<Uuid>, StoreError> {
    v.map(|o| parse_uuid("owner", &o)).transpose()
}

pub(super) fn patient(
    conn: &Connection,
    clinic: ClinicId,
    id: Uuid,
) -> Result<Option<PatientRecord>, StoreError> {
    let keep = keeper(conn, clinic, id)?;
    let c = clinic.to_string();
    let row: Option<(String, i64)> = conn
        .prepare_cached("SELECT data, updated_at FROM rm_patients WHERE clinic_id = ?1 AND id = ?2")
        .and_then(|mut s| {
            s.query_row(params![c, keep.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .map_err(lite("read patient"))?;
    let Some((data, updated_at)) = row else {
        return Ok(None);
    };
    let mut p: PatientRecord = parse("rm_patients.data", &data)?;
    p.updated_at = updated_at;
    p.merged_into = None;
    p.allergies = allergies_of(conn, clinic, &[keep])?;
    Ok(Some(p))
}

/// Allergies in force of an (allergy's own) id or of owners, as an `AllergyRecord`.
const ALLERGY: &str = "SELECT id, owner, substance, reaction, severity FROM rm_allergies
                       WHERE clinic_id = ?1";

fn allergy_rows(sql: &Sql, conn: &Connection) -> Result<Vec<AllergyRecord>, StoreError> {
    let rows = sql.rows(conn, |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    rows.into_iter()
        .map(|(id, owner, substance, reaction, severity)| {
            Ok(AllergyRecord {
                id: parse_uuid("rm_allergies.id", &id)?,
                patient_id: parse_uuid("rm_allergies.owner", &owner)?,
                substance,
                reaction,
                severity,
            })
        })
        .collect()
}

pub(super) fn allergies_of(
    conn: &Connection,
    clinic: ClinicId,
    patients: &[Uuid],
) -> Result<Vec<AllergyRecord>, StoreError> {
    if patients.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(ALLERGY, clinic);
    let marks = vec!["?"; patients.len()].join(", ");
    sql.and(
        &format!("owner IN ({marks})"),
        patients.iter().map(|p| Value::Text(p.to_string())),
    );
    sql.text.push_str(" ORDER BY substance, id");
    Ok(stored::in_patient_order(
        patients,
        allergy_rows(&sql, conn)?,
    ))
}

pub(super) fn allergy(
    conn: &Connection,
    clinic: ClinicId,
    id: Uuid,
) -> Result<Option<AllergyRecord>, StoreError> {
    let mut sql = Sql::new(ALLERGY, clinic);
    sql.and("id = ?", [Value::Text(id.to_string())]);
    Ok(allergy_rows(&sql, conn)?.pop())
}

/// A list of a patient's (their keeper's) records, or all, by (`updated_at`, id).
fn records<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    clinic: ClinicId,
    table: &'static str,
    q: &RecordQuery,
) -> Result<Listed<T>, StoreError> {
    let limit = page_limit(q.limit);
    let cursor = Cursor::parse(q.cursor.as_deref())?;
    let mut sql = Sql::new(
        &format!("SELECT data, updated_at, owner FROM {table} WHERE clinic_id = ?1"),
        clinic,
    );
    if let Some(p) = q.patient {
        let keep = keeper(conn, clinic, p)?;
        sql.and("owner = ?", [text(Some(keep))]);
    }
    if let Some(since) = q.updated_since {
        sql.and("updated_at >= ?", [Value::Integer(since)]);
    }
    sql.after("updated_at", cursor);
    sql.order("updated_at", limit);
    let rows = sql.rows(conn, |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    let items = rows
        .into_iter()
        .map(|(data, at, o)| Ok((parse(table, &data)?, at, owner(o)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((items, limit))
}

pub(super) fn encounters(
    conn: &Connection,
    clinic: ClinicId,
    q: &RecordQuery,
) -> Result<Page<EncounterRecord>, StoreError> {
    Ok(stored::encounter_page(records(
        conn,
        clinic,
        "rm_encounters",
        q,
    )?))
}

pub(super) fn encounter(
    conn: &Connection,
    clinic: ClinicId,
    id: Uuid,
) -> Result<Option<EncounterRecord>, StoreError> {
    let row: Option<(String, i64, Option<String>)> = conn
        .prepare_cached(
            "SELECT data, updated_at, owner FROM rm_encounters WHERE clinic_id = ?1 AND id = ?2",
        )
        .and_then(|mut s| {
            s.query_row(params![clinic.to_string(), id.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
        })
        .map_err(lite("read encounter"))?;
    row.map(|(data, at, o)| {
        let mut e: EncounterRecord = parse("rm_encounters.data", &data)?;
        fix_encounter(&mut e, at, owner(o)?);
        Ok(e)
    })
    .transpose()
}

pub(super) fn photos(
    conn: &Connection,
    clinic: ClinicId,
    q: &RecordQuery,
) -> Result<Page<PhotoRecord>, StoreError> {
    Ok(stored::photo_page(records(conn, clinic, "rm_photos", q)?))
}

pub(super) fn photo(
    conn: &Connection,
    clinic: ClinicId,
    id: Uuid,
) -> Result<Option<PhotoRecord>, StoreError> {
    let row: Option<(String, Option<String>)> = conn
        .prepare_cached("SELECT data, owner FROM rm_photos WHERE clinic_id = ?1 AND id = ?2")
        .and_then(|mut s| {
            s.query_row(params![clinic.to_string(), id.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
        })
        .map_err(lite("read photo"))?;
    row.map(|(data, o)| {
        let mut p: PhotoRecord = parse("rm_photos.data", &data)?;
        fix_photo(&mut p, owner(o)?);
        Ok(p)
    })
    .transpose()
}

/// A prescription is read from its visit, so it is answered as the visit is.
pub(super) fn prescription(
    conn: &Connection,
    clinic: ClinicId,
    id: Uuid,
) -> Result<Option<PrescriptionRecord>, StoreError> {
    let visit: Option<String> = conn
        .prepare_cached(
            "SELECT encounter_id FROM rm_prescriptions WHERE clinic_id = ?1 AND id = ?2",
        )
        .and_then(|mut s| {
            s.query_row(params![clinic.to_string(), id.to_string()], |r| r.get(0))
                .optional()
        })
        .map_err(lite("read prescription"))?;
    let Some(visit) = visit else {
        return Ok(None);
    };
    let visit = encounter(
        conn,
        clinic,
        parse_uuid("rm_prescriptions.encounter_id", &visit)?,
    )?;
    Ok(visit.and_then(|v| v.prescriptions.into_iter().find(|p| p.id == id)))
}

pub(super) fn products(
    conn: &Connection,
    clinic: ClinicId,
    q: &RecordQuery,
) -> Result<Page<ProductRecord>, StoreError> {
    let limit = page_limit(q.limit);
    let cursor = Cursor::parse(q.cursor.as_deref())?;
    let mut sql = Sql::new(
        "SELECT data, updated_at FROM rm_products WHERE clinic_id = ?1",
        clinic,
    );
    if let Some(since) = q.updated_since {
        sql.and("updated_at >= ?", [Value::Integer(since)]);
    }
    sql.after("updated_at", cursor);
    sql.order("updated_at", limit);
    let rows = sql.rows(conn, |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let items = rows
        .into_iter()
        .map(|(data, at)| {
            let mut p: ProductRecord = parse("rm_products.data", &data)?;
            p.updated_at = at;
            Ok(p)
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(paginate(items, limit, |p| Cursor {
        key: p.updated_at,
        id: p.id,
    }))
}

pub(super) fn stock(conn: &Connection, clinic: ClinicId) -> Result<Vec<StockRecord>, StoreError> {
    let c = clinic.to_string();
    let mut stmt = conn
        .prepare_cached("SELECT data FROM rm_products WHERE clinic_id = ?1 ORDER BY sku, id")
        .map_err(lite("read products"))?;
    let products = stmt
        .query_map([&c], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(lite("read products"))?
        .iter()
        .map(|data| parse("rm_products.data", data))
        .collect::<Result<Vec<ProductRecord>, StoreError>>()?;
    let mut stmt = conn
        .prepare_cached("SELECT sku, on_hand FROM stock_levels WHERE clinic_id = ?1")
        .map_err(lite("read stock"))?;
    let levels = stmt
        .query_map([&c], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(lite("read stock"))?;
    Ok(stored::stock(products, levels))
}

/// A window's list of `table` ordered by `key`, with the keeper filter.
fn ranged(
    conn: &Connection,
    clinic: ClinicId,
    table: &str,
    key: &str,
    q: &RangeQuery,
    limit: Option<u32>,
) -> Result<Vec<(String, i64, Option<Uuid>)>, StoreError> {
    let cursor = Cursor::parse(q.cursor.as_deref())?;
    let mut sql = Sql::new(
        &format!("SELECT data, {key}, owner FROM {table} WHERE clinic_id = ?1"),
        clinic,
    );
    if let Some(from) = q.from {
        sql.and(&format!("{key} >= ?"), [Value::Integer(from)]);
    }
    if let Some(to) = q.to {
        sql.and(&format!("{key} < ?"), [Value::Integer(to)]);
    }
    if let Some(p) = q.patient {
        let keep = keeper(conn, clinic, p)?;
        sql.and("owner = ?", [text(Some(keep))]);
    }
    sql.after(key, cursor);
    match limit {
        Some(l) => sql.order(key, l),
        None => sql.text.push_str(&format!(" ORDER BY {key}, id")),
    }
    let rows = sql.rows(conn, |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    rows.into_iter()
        .map(|(d, k, o)| Ok((d, k, owner(o)?)))
        .collect()
}

pub(super) fn sale_rows(
    conn: &Connection,
    clinic: ClinicId,
    q: &RangeQuery,
    limit: Option<u32>,
) -> Result<Vec<SaleRecord>, StoreError> {
    ranged(conn, clinic, "rm_sales", "at", q, limit)?
        .into_iter()
        .map(|(data, _, o)| stored::sale(clinic, &data, o))
        .collect()
}

pub(super) fn appointments(
    conn: &Connection,
    clinic: ClinicId,
    q: &RangeQuery,
) -> Result<Page<AppointmentRecord>, StoreError> {
    let limit = page_limit(q.limit);
    let cursor = Cursor::parse(q.cursor.as_deref())?;
    let mut sql = Sql::new(
        "SELECT data, start_at, owner, updated_at FROM rm_appointments WHERE clinic_id = ?1",
        clinic,
    );
    if let Some(from) = q.from {
        sql.and("start_at >= ?", [Value::Integer(from)]);
    }
    if let Some(to) = q.to {
        sql.and("start_at < ?", [Value::Integer(to)]);
    }
    if let Some(p) = q.patient {
        let keep = keeper(conn, clinic, p)?;
        sql.and("owner = ?", [text(Some(keep))]);
    }
    sql.after("start_at", cursor);
    sql.order("start_at", limit);
    let rows = sql.rows(conn, |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    let items = rows
        .into_iter()
        .map(|(data, o, at)| stored::appointment(clinic, &data, at, owner(o)?))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(paginate(items, limit, |a| Cursor {
        key: a.start,
        id: a.id,
    }))
}

pub(super) fn appointment(
    conn: &Connection,
    clinic: ClinicId,
    id: Uuid,
) -> Result<Option<AppointmentRecord>, StoreError> {
    let row: Option<(String, i64, Option<String>)> = conn
        .prepare_cached(
            "SELECT data, updated_at, owner FROM rm_appointments WHERE clinic_id = ?1 AND id = ?2",
        )
        .and_then(|mut s| {
            s.query_row(params![clinic.to_string(), id.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
        })
        .map_err(lite("read appointment"))?;
    row.map(|(d, at, o)| stored::appointment(clinic, &d, at, owner(o)?))
        .transpose()
}

pub(super) fn visits(
    conn: &Connection,
    clinic: ClinicId,
    from: Millis,
    to: Millis,
) -> Result<Vec<ClinicianVisits>, StoreError> {
    let (first, last) = (report::day_of(from), report::day_of(to.saturating_sub(1)));
    let mut stmt = conn
        .prepare_cached(
            "SELECT clinician, clinician_id, status FROM rm_encounters
             WHERE clinic_id = ?1 AND date >= ?2 AND date <= ?3",
        )
        .map_err(lite("read visits"))?;
    let rows = stmt
        .query_map(params![clinic.to_string(), first, last], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(lite("read visits"))?;
    let rows = rows
        .into_iter()
        .map(|(n, id, s)| {
            Ok((
                n,
                id.map(|i| parse_uuid("clinician_id", &i)).transpose()?,
                s,
            ))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(report::visits_by_clinician(&rows))
}

pub(super) fn new_patients(
    conn: &Connection,
    clinic: ClinicId,
    from: Millis,
    to: Millis,
) -> Result<Vec<(String, u64)>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT created_at FROM rm_patients WHERE clinic_id = ?1 AND merged_into IS NULL
             AND created_at >= ?2 AND created_at < ?3",
        )
        .map_err(lite("read new patients"))?;
    let created = stmt
        .query_map(params![clinic.to_string(), from, to], |r| {
            r.get::<_, i64>(0)
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(lite("read new patients"))?;
    Ok(report::new_patients_by_day(&created))
}
