//! The Postgres store's read-model queries ([`ReadModel`]), as the embedded store's:
//! every one scoped to one clinic, lists in a stable order with a cursor on (order key,
//! id), merged records answered as their keeper. Rows are written by `readmodel`.

use dermis_model::{ClinicId, Millis};
use sqlx::{PgConnection, Postgres, QueryBuilder, Row};
use uuid::Uuid;

use super::readmodel::keeper;
use super::{PgStore, pg};
use crate::readmodel::records::{
    AllergyRecord, AppointmentRecord, EncounterRecord, PatientRecord, PhotoRecord,
    PrescriptionRecord, ProductRecord, SaleRecord, StockRecord,
};
use crate::readmodel::stored::{self, Listed, fix_encounter, fix_photo, parse};
use crate::readmodel::{
    ClinicianVisits, Cursor, Page, PatientQuery, RangeQuery, ReadModel, RecordQuery, SalesDay,
    page_limit, paginate, report,
};
use crate::store::StoreError;

mod patient_search;

use patient_search::patients;

type Query = QueryBuilder<Postgres>;

fn select(columns: &str, table: &str, clinic: ClinicId) -> Query {
    let mut q = QueryBuilder::new(format!("SELECT {columns} FROM {table} WHERE clinic_id = "));
    q.push_bind(clinic.0);
    q
}

fn after(q: &mut Query, key: &str, cursor: Option<Cursor>) {
    if let Some(c) = cursor {
        q.push(format!(" AND ({key}, id) > ("));
        q.push_bind(c.key);
        q.push(", ");
        q.push_bind(c.id);
        q.push(")");
    }
}

fn order(q: &mut Query, key: &str, limit: Option<u32>) {
    q.push(format!(" ORDER BY {key}, id"));
    if let Some(l) = limit {
        q.push(format!(" LIMIT {}", u64::from(l) + 1));
    }
}

async fn rows(
    conn: &mut PgConnection,
    mut q: Query,
) -> Result<Vec<sqlx::postgres::PgRow>, StoreError> {
    q.build()
        .fetch_all(&mut *conn)
        .await
        .map_err(pg("read models"))
}

fn get<'r, T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>>(
    row: &'r sqlx::postgres::PgRow,
    i: usize,
) -> Result<T, StoreError> {
    row.try_get(i).map_err(pg("read models"))
}

async fn patient(
    conn: &mut PgConnection,
    clinic: ClinicId,
    id: Uuid,
) -> Result<Option<PatientRecord>, StoreError> {
    let keep = keeper(conn, clinic, id).await?;
    let row: Option<(String, i64)> =
        sqlx::query_as("SELECT data, updated_at FROM rm_patients WHERE clinic_id = $1 AND id = $2")
            .bind(clinic.0)
            .bind(keep)
            .fetch_optional(&mut *conn)
            .await
            .map_err(pg("read patient"))?;
    let Some((data, updated_at)) = row else {
        return Ok(None);
    };
    let mut p: PatientRecord = parse("rm_patients.data", &data)?;
    p.updated_at = updated_at;
    p.merged_into = None;
    p.allergies = allergies_of(conn, clinic, &[keep]).await?;
    Ok(Some(p))
}

/// The allergies in force of these owners ([`ReadModel::allergies_of`]).
async fn allergies_of(
    conn: &mut PgConnection,
    clinic: ClinicId,
    patients: &[Uuid],
) -> Result<Vec<AllergyRecord>, StoreError> {
    if patients.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(Uuid, Uuid, String, String, String)> = sqlx::query_as(
        "SELECT id, owner, substance, reaction, severity FROM rm_allergies
         WHERE clinic_id = $1 AND owner = ANY($2) ORDER BY substance COLLATE \"C\", id",
    )
    .bind(clinic.0)
    .bind(patients)
    .fetch_all(&mut *conn)
    .await
    .map_err(pg("read allergies"))?;
    Ok(stored::in_patient_order(
        patients,
        rows.into_iter().map(allergy_of).collect(),
    ))
}

fn allergy_of(
    (id, owner, substance, reaction, severity): (Uuid, Uuid, String, String, String),
) -> AllergyRecord {
    AllergyRecord {
        id,
        patient_id: owner,
        substance,
        reaction,
        severity,
    }
}

/// A list of a patient's (their keeper's) records, or all, by (`updated_at`, id).
async fn records<T: serde::de::DeserializeOwned>(
    conn: &mut PgConnection,
    clinic: ClinicId,
    table: &'static str,
    query: &RecordQuery,
) -> Result<Listed<T>, StoreError> {
    let limit = page_limit(query.limit);
    let cursor = Cursor::parse(query.cursor.as_deref())?;
    let keep = match query.patient {
        Some(p) => Some(keeper(conn, clinic, p).await?),
        None => None,
    };
    let mut q = select("data, updated_at, owner", table, clinic);
    if let Some(k) = keep {
        q.push(" AND owner = ");
        q.push_bind(k);
    }
    if let Some(since) = query.updated_since {
        q.push(" AND updated_at >= ");
        q.push_bind(since);
    }
    after(&mut q, "updated_at", cursor);
    order(&mut q, "updated_at", Some(limit));
    let items = rows(conn, q)
        .await?
        .iter()
        .map(|r| Ok((parse(table, &get::<String>(r, 0)?)?, get(r, 1)?, get(r, 2)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((items, limit))
}

async fn sale_rows(
    conn: &mut PgConnection,
    clinic: ClinicId,
    query: &RangeQuery,
    limit: Option<u32>,
) -> Result<Vec<SaleRecord>, StoreError> {
    let cursor = Cursor::parse(query.cursor.as_deref())?;
    let keep = match query.patient {
        Some(p) => Some(keeper(conn, clinic, p).await?),
        None => None,
    };
    let mut q = select("data, owner", "rm_sales", clinic);
    range(&mut q, "at", query, keep);
    after(&mut q, "at", cursor);
    order(&mut q, "at", limit);
    rows(conn, q)
        .await?
        .iter()
        .map(|r| stored::sale(clinic, &get::<String>(r, 0)?, get(r, 1)?))
        .collect()
}

fn range(q: &mut Query, key: &str, query: &RangeQuery, keep: Option<Uuid>) {
    if let Some(from) = query.from {
        q.push(format!(" AND {key} >= "));
        q.push_bind(from);
    }
    if let Some(to) = query.to {
        q.push(format!(" AND {key} < "));
        q.push_bind(to);
    }
    if let Some(k) = keep {
        q.push(" AND owner = ");
        q.push_bind(k);
    }
}

impl ReadModel for PgStore {
    async fn patients(
        &self,
        clinic: ClinicId,
        query: &PatientQuery,
    ) -> Result<Page<PatientRecord>, StoreError> {
        let mut conn = self.pool().acquire().await.map_err(pg("acquire"))?;
        patients(&mut conn, clinic, query).await
    }

    async fn patient(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> Result<Option<PatientRecord>, StoreError> {
        let mut conn = self.pool().acquire().await.map_err(pg("acquire"))?;
        patient(&mut conn, clinic, id).await
    }

    async fn encounters(
        &self,
        clinic: ClinicId,
        query: &RecordQuery,
    ) -> Result<Page<EncounterRecord>, StoreError> {
        let mut conn = self.pool().acquire().await.map_err(pg("acquire"))?;
        Ok(stored::encounter_page(
            records(&mut conn, clinic, "rm_encounters", query).await?,
        ))
    }

    async fn encounter(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> Result<Option<EncounterRecord>, StoreError> {
        let row: Option<(String, i64, Option<Uuid>)> = sqlx::query_as(
            "SELECT data, updated_at, owner FROM rm_encounters WHERE clinic_id = $1 AND id = $2",
        )
        .bind(clinic.0)
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .map_err(pg("read encounter"))?;
        row.map(|(data, at, o)| {
            let mut e: EncounterRecord = parse("rm_encounters.data", &data)?;
            fix_encounter(&mut e, at, o);
            Ok(e)
        })
        .transpose()
    }

    async fn photos(
        &self,
        clinic: ClinicId,
        query: &RecordQuery,
    ) -> Result<Page<PhotoRecord>, StoreError> {
        let mut conn = self.pool().acquire().await.map_err(pg("acquire"))?;
        Ok(stored::photo_page(
            records(&mut conn, clinic, "rm_photos", query).await?,
        ))
    }

    async fn products(
        &self,
        clinic: ClinicId,
        query: &RecordQuery,
    ) -> Result<Page<ProductRecord>, StoreError> {
        let mut conn = self.pool().acquire().await.map_err(pg("acquire"))?;
        let limit = page_limit(query.limit);
        let cursor = Cursor::parse(query.cursor.as_deref())?;
        let mut q = select("data, updated_at", "rm_products", clinic);
        if let Some(since) = query.updated_since {
            q.push(" AND updated_at >= ");
            q.push_bind(since);
        }
        after(&mut q, "updated_at", cursor);
        order(&mut q, "updated_at", Some(limit));
        let items = rows(&mut conn, q)
            .await?
            .iter()
            .map(|r| {
                let mut p: ProductRecord = parse("rm_products.data", &get::<String>(r, 0)?)?;
                p.updated_at = get(r, 1)?;
                Ok(p)
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(paginate(items, limit, |p| Cursor {
            key: p.updated_at,
            id: p.id,
        }))
    }

    async fn stock(&self, clinic: ClinicId) -> Result<Vec<StockRecord>, StoreError> {
        let products: Vec<String> = sqlx::query_scalar(
            "SELECT data FROM rm_products WHERE clinic_id = $1 ORDER BY sku COLLATE \"C\", id",
        )
        .bind(clinic.0)
        .fetch_all(self.pool())
        .await
        .map_err(pg("read products"))?;
        let products = products
            .iter()
            .map(|data| parse("rm_products.data", data))
            .collect::<Result<Vec<ProductRecord>, StoreError>>()?;
        let levels: Vec<(String, i64)> =
            sqlx::query_as("SELECT sku, on_hand FROM stock_levels WHERE clinic_id = $1")
                .bind(clinic.0)
                .fetch_all(self.pool())
                .await
                .map_err(pg("read stock"))?;
        Ok(stored::stock(products, levels))
    }

    async fn sales(
        &self,
        clinic: ClinicId,
        query: &RangeQuery,
    ) -> Result<Page<SaleRecord>, StoreError> {
        let mut conn = self.pool().acquire().await.map_err(pg("acquire"))?;
        let limit = page_limit(query.limit);
        let items = sale_rows(&mut conn, clinic, query, Some(limit)).await?;
        Ok(paginate(items, limit, |s| Cursor {
            key: s.at,
            id: s.id,
        }))
    }

    async fn appointments(
        &self,
        clinic: ClinicId,
        query: &RangeQuery,
    ) -> Result<Page<AppointmentRecord>, StoreError> {
        let mut conn = self.pool().acquire().await.map_err(pg("acquire"))?;
        let limit = page_limit(query.limit);
        let cursor = Cursor::parse(query.cursor.as_deref())?;
        let keep = match query.patient {
            Some(p) => Some(keeper(&mut conn, clinic, p).await?),
            None => None,
        };
        let mut q = select("data, updated_at, owner", "rm_appointments", clinic);
        range(&mut q, "start_at", query, keep);
        after(&mut q, "start_at", cursor);
        order(&mut q, "start_at", Some(limit));
        let items = rows(&mut conn, q)
            .await?
            .iter()
            .map(|r| stored::appointment(clinic, &get::<String>(r, 0)?, get(r, 1)?, get(r, 2)?))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(paginate(items, limit, |a| Cursor {
            key: a.start,
            id: a.id,
        }))
    }

    async fn appointment(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> Result<Option<AppointmentRecord>, StoreError> {
        let row: Option<(String, i64, Option<Uuid>)> = sqlx::query_as(
            "SELECT data, updated_at, owner FROM rm_appointments WHERE clinic_id = $1 AND id = $2",
        )
        .bind(clinic.0)
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .map_err(pg("read appointment"))?;
        row.map(|(d, at, o)| stored::appointment(clinic, &d, at, o))
            .transpose()
    }

    async fn sales_by_day(
        &self,
        clinic: ClinicId,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<SalesDay>, StoreError> {
        let mut conn = self.pool().acquire().await.map_err(pg("acquire"))?;
        let q = RangeQuery {
            from: Some(from),
            to: Some(to),
            ..RangeQuery::default()
        };
        Ok(report::sales_by_day(
            &sale_rows(&mut conn, clinic, &q, None).await?,
        ))
    }

    async fn visits_by_clinician(
        &self,
        clinic: ClinicId,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<ClinicianVisits>, StoreError> {
        let (first, last) = (report::day_of(from), report::day_of(to.saturating_sub(1)));
        let rows: Vec<(String, Option<Uuid>, String)> = sqlx::query_as(
            "SELECT clinician, clinician_id, status FROM rm_encounters
             WHERE clinic_id = $1 AND date >= $2 AND date <= $3",
        )
        .bind(clinic.0)
        .bind(first)
        .bind(last)
        .fetch_all(self.pool())
        .await
        .map_err(pg("read visits"))?;
        Ok(report::visits_by_clinician(&rows))
    }

    async fn new_patients_by_day(
        &self,
        clinic: ClinicId,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let created: Vec<i64> = sqlx::query_scalar(
            "SELECT created_at FROM rm_patients WHERE clinic_id = $1 AND merged_into IS NULL
             AND created_at >= $2 AND created_at < $3",
        )
        .bind(clinic.0)
        .bind(from)
        .bind(to)
        .fetch_all(self.pool())
        .await
        .map_err(pg("read new patients"))?;
        Ok(report::new_patients_by_day(&created))
    }

    async fn prescription(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> Result<Option<PrescriptionRecord>, StoreError> {
        let visit: Option<Uuid> = sqlx::query_scalar(
            "SELECT encounter_id FROM rm_prescriptions WHERE clinic_id = $1 AND id = $2",
        )
        .bind(clinic.0)
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .map_err(pg("read prescription"))?;
        let Some(visit) = visit else {
            return Ok(None);
        };
        // Answered from its visit, as the visit is (its keeper as the patient).
        let visit = self.encounter(clinic, visit).await?;
        Ok(visit.and_then(|v| v.prescriptions.into_iter().find(|p| p.id == id)))
    }

    async fn photo(&self, clinic: ClinicId, id: Uuid) -> Result<Option<PhotoRecord>, StoreError> {
        let row: Option<(String, Option<Uuid>)> =
            sqlx::query_as("SELECT data, owner FROM rm_photos WHERE clinic_id = $1 AND id = $2")
                .bind(clinic.0)
                .bind(id)
                .fetch_optional(self.pool())
                .await
                .map_err(pg("read photo"))?;
        row.map(|(data, o)| {
            let mut p: PhotoRecord = parse("rm_photos.data", &data)?;
            fix_photo(&mut p, o);
            Ok(p)
        })
        .transpose()
    }

    async fn allergy(
        &self,
        clinic: ClinicId,
        id: Uuid,
    ) -> Result<Option<AllergyRecord>, StoreError> {
        let row: Option<(Uuid, Uuid, String, String, String)> = sqlx::query_as(
            "SELECT id, owner, substance, reaction, severity FROM rm_allergies
             WHERE clinic_id = $1 AND id = $2",
        )
        .bind(clinic.0)
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .map_err(pg("read allergy"))?;
        Ok(row.map(allergy_of))
    }

    async fn allergies_of(
        &self,
        clinic: ClinicId,
        patients: &[Uuid],
    ) -> Result<Vec<AllergyRecord>, StoreError> {
        let mut conn = self.pool().acquire().await.map_err(pg("acquire"))?;
        allergies_of(&mut conn, clinic, patients).await
    }

    async fn replace_read_models(
        &self,
        clinic: ClinicId,
        docs: Vec<(Uuid, crate::readmodel::derive::DocRows)>,
        now: Millis,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await.map_err(pg("begin"))?;
        // One rebuild of a clinic at a time, and none while the projector commits a step
        // of it: both take the clinic's projector cursor row.
        sqlx::query("SELECT seq FROM projector_cursors WHERE clinic_id = $1 FOR UPDATE")
            .bind(clinic.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(pg("lock projector cursor"))?;
        super::readmodel::clear_clinic(&mut tx, clinic).await?;
        let erased = super::readmodel::erased(&mut tx, clinic).await?;
        for (doc_id, rows) in crate::readmodel::derive::identity_first(&docs) {
            super::readmodel::write_doc(&mut tx, clinic, *doc_id, rows, &erased, now).await?;
        }
        tx.commit().await.map_err(pg("commit"))
    }
}
