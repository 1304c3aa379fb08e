//! A patient search on Postgres: each term counted, rare terms' patients intersected
//! and checked against the common ones, a walk of the list only when every term is
//! common (the plan is `readmodel::search`'s).

use dermis_model::ClinicId;
use sqlx::PgConnection;

use super::super::pg;
use super::{Query, after, get, order, rows, select};
use crate::readmodel::derive::{prefix_end, query_terms};
use crate::readmodel::records::PatientRecord;
use crate::readmodel::search::{self, Plan};
use crate::readmodel::stored::parse;
use crate::readmodel::{Cursor, Page, PatientQuery, page_limit, paginate};
use crate::store::StoreError;

/// How many index entries match `term` as a prefix, counted up to
/// [`search::DRIVE_LIMIT`]: what [`search::plan`] chooses by.
async fn count_term(
    conn: &mut PgConnection,
    clinic: ClinicId,
    term: &str,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT 1 FROM rm_patient_terms \
         WHERE clinic_id = $1 AND term >= $2 AND term < $3 ORDER BY term LIMIT $4) AS hit",
    )
    .bind(clinic.0)
    .bind(term)
    .bind(prefix_end(term))
    .bind(search::DRIVE_LIMIT)
    .fetch_one(&mut *conn)
    .await
    .map_err(pg("count a search term"))
}

pub(super) async fn patients(
    conn: &mut PgConnection,
    clinic: ClinicId,
    query: &PatientQuery,
) -> Result<Page<PatientRecord>, StoreError> {
    let limit = page_limit(query.limit);
    let cursor = Cursor::parse(query.cursor.as_deref())?;
    let terms = query.q.as_deref().map(query_terms).unwrap_or_default();
    let mut tx = sqlx::Connection::begin(&mut *conn)
        .await
        .map_err(pg("search"))?;
    if !terms.is_empty() {
        // The plan is chosen here (see `search`): the planner only follows indexes, and
        // a count stops at its limit instead of reading a term's whole range.
        sqlx::raw_sql(
            "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; \
             SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off",
        )
        .execute(&mut *tx)
        .await
        .map_err(pg("search"))?;
    }
    let mut counts = Vec::with_capacity(terms.len());
    for term in &terms {
        counts.push(count_term(&mut tx, clinic, term).await?);
    }
    let mut q = match search::plan(&counts) {
        Plan::Nothing => {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
            });
        }
        // Materialized, so the planner cannot turn it back into a walk of the list.
        Plan::Intersect => {
            let mut q = Query::new("WITH hit AS MATERIALIZED (");
            let rare = terms.iter().zip(&counts).filter(|(_, n)| search::rare(**n));
            for (i, (term, _)) in rare.enumerate() {
                if i > 0 {
                    q.push(" INTERSECT ");
                }
                q.push("SELECT DISTINCT patient_id FROM rm_patient_terms WHERE clinic_id = ");
                q.push_bind(clinic.0);
                q.push(" AND term >= ");
                q.push_bind(term.clone());
                q.push(" AND term < ");
                q.push_bind(prefix_end(term));
            }
            q.push(
                ") SELECT data, updated_at FROM hit JOIN rm_patients \
                 ON rm_patients.id = hit.patient_id AND rm_patients.clinic_id = ",
            );
            q.push_bind(clinic.0);
            q
        }
        Plan::Walk => select("data, updated_at", "rm_patients", clinic),
    };
    q.push(" AND merged_into IS NULL");
    // The common terms (every term, on a walk), checked patient by patient.
    for (term, _) in terms
        .iter()
        .zip(&counts)
        .filter(|(_, n)| !search::rare(**n))
    {
        q.push(
            " AND EXISTS (SELECT 1 FROM rm_patient_terms AS t \
             WHERE t.clinic_id = rm_patients.clinic_id \
             AND t.patient_id = rm_patients.id AND t.term >= ",
        );
        q.push_bind(term.clone());
        q.push(" AND t.term < ");
        q.push_bind(prefix_end(term));
        // OFFSET 0 keeps it a check per patient (by `rm_patient_terms_patient`): as a
        // join, the planner read the common term's whole range once per search.
        q.push(" OFFSET 0)");
    }
    if let Some(name) = query.name.as_deref() {
        let n = dermis_model::text::fold(name.trim());
        if !n.is_empty() {
            let end = prefix_end(&n);
            q.push(" AND ((fold_first >= ");
            q.push_bind(n.clone());
            q.push(" AND fold_first < ");
            q.push_bind(end.clone());
            q.push(") OR (fold_last >= ");
            q.push_bind(n);
            q.push(" AND fold_last < ");
            q.push_bind(end);
            q.push("))");
        }
    }
    if let Some(d) = query.birth_date.as_deref() {
        q.push(" AND birth_date = ");
        q.push_bind(d.trim().to_owned());
    }
    if let Some(m) = query.mrn.as_deref() {
        q.push(" AND mrn = ");
        q.push_bind(m.trim().to_owned());
    }
    if let Some(phone) = query.phone.as_deref() {
        q.push(" AND strpos(phone_digits, ");
        q.push_bind(dermis_model::text::phone_digits(phone));
        q.push(") > 0");
    }
    if let Some(since) = query.updated_since {
        q.push(" AND updated_at >= ");
        q.push_bind(since);
    }
    after(&mut q, "updated_at", cursor);
    order(&mut q, "updated_at", Some(limit));
    let found = rows(&mut tx, q).await?;
    tx.commit().await.map_err(pg("search"))?;
    let items = found
        .iter()
        .map(|r| {
            let mut p: PatientRecord = parse("rm_patients.data", &get::<String>(r, 0)?)?;
            p.updated_at = get(r, 1)?;
            p.allergies.clear();
            Ok(p)
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(paginate(items, limit, |p| Cursor {
        key: p.updated_at,
        id: p.id,
    }))
}
