//! A patient search on the embedded store: each term counted, rare terms' patients
//! intersected and checked against the common ones, a walk of the list only when every
//! term is common (the plan is `readmodel::search`'s).

use dermis_model::ClinicId;
use rusqlite::types::Value;
use rusqlite::{Connection, params};

use super::super::lite;
use super::Sql;
use crate::readmodel::derive::{prefix_end, query_terms};
use crate::readmodel::records::PatientRecord;
use crate::readmodel::search::{self, Plan};
use crate::readmodel::stored::parse;
use crate::readmodel::{Cursor, Page, PatientQuery, page_limit, paginate};
use crate::store::StoreError;

/// How many index entries match `term` as a prefix, counted up to
/// [`search::DRIVE_LIMIT`]: what [`search::plan`] chooses by.
fn count_term(conn: &Connection, clinic: ClinicId, term: &str) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "SELECT count(*) FROM (SELECT 1 FROM rm_patient_terms
           WHERE clinic_id = ?1 AND term >= ?2 AND term < ?3 LIMIT ?4)",
    )
    .and_then(|mut s| {
        s.query_row(
            params![
                clinic.to_string(),
                term,
                prefix_end(term),
                search::DRIVE_LIMIT
            ],
            |r| r.get(0),
        )
    })
    .map_err(lite("count a search term"))
}

pub(in crate::store::sqlite) fn patients(
    conn: &Connection,
    clinic: ClinicId,
    q: &PatientQuery,
) -> Result<Page<PatientRecord>, StoreError> {
    let limit = page_limit(q.limit);
    let cursor = Cursor::parse(q.cursor.as_deref())?;
    let terms = q.q.as_deref().map(query_terms).unwrap_or_default();
    let counts = terms
        .iter()
        .map(|t| count_term(conn, clinic, t))
        .collect::<Result<Vec<_>, _>>()?;
    let mut sql = match search::plan(&counts) {
        Plan::Nothing => {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
            });
        }
        Plan::Intersect => {
            // The rare terms' patients first (CROSS JOIN keeps that order of the loops).
            let mut sql = Sql::new("", clinic);
            let mut sets = Vec::new();
            for (term, _) in terms.iter().zip(&counts).filter(|(_, n)| search::rare(**n)) {
                let (from, to) = (sql.arg(term.clone()), sql.arg(prefix_end(term)));
                sets.push(format!(
                    "SELECT DISTINCT patient_id FROM rm_patient_terms \
                     WHERE clinic_id = ?1 AND term >= {from} AND term < {to}"
                ));
            }
            sql.text = format!(
                "SELECT data, updated_at FROM ({}) AS hit CROSS JOIN rm_patients \
                 ON rm_patients.clinic_id = ?1 AND rm_patients.id = hit.patient_id \
                 WHERE merged_into IS NULL",
                sets.join(" INTERSECT ")
            );
            sql
        }
        Plan::Walk => Sql::new(
            "SELECT data, updated_at FROM rm_patients WHERE clinic_id = ?1 AND merged_into IS NULL",
            clinic,
        ),
    };
    // The common terms (every term, on a walk), checked patient by patient.
    for (term, _) in terms
        .iter()
        .zip(&counts)
        .filter(|(_, n)| !search::rare(**n))
    {
        sql.and(
            "EXISTS (SELECT 1 FROM rm_patient_terms AS t
                      WHERE t.clinic_id = rm_patients.clinic_id
                        AND t.patient_id = rm_patients.id AND t.term >= ? AND t.term < ?)",
            [Value::Text(term.clone()), Value::Text(prefix_end(term))],
        );
    }
    if let Some(name) = q.name.as_deref() {
        let n = dermis_model::text::fold(name.trim());
        if !n.is_empty() {
            let end = prefix_end(&n);
            sql.and(
                "((fold_first >= ? AND fold_first < ?) OR (fold_last >= ? AND fold_last < ?))",
                [
                    Value::Text(n.clone()),
                    Value::Text(end.clone()),
                    Value::Text(n),
                    Value::Text(end),
                ],
            );
        }
    }
    if let Some(d) = q.birth_date.as_deref() {
        sql.and("birth_date = ?", [Value::Text(d.trim().to_owned())]);
    }
    if let Some(m) = q.mrn.as_deref() {
        sql.and("mrn = ?", [Value::Text(m.trim().to_owned())]);
    }
    if let Some(phone) = q.phone.as_deref() {
        let digits = dermis_model::text::phone_digits(phone);
        sql.and("instr(phone_digits, ?) > 0", [Value::Text(digits)]);
    }
    if let Some(since) = q.updated_since {
        sql.and("updated_at >= ?", [Value::Integer(since)]);
    }
    sql.after("updated_at", cursor);
    sql.order("updated_at", limit);
    let rows = sql.rows(conn, |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let items = rows
        .into_iter()
        .map(|(data, updated_at)| {
            let mut p: PatientRecord = parse("rm_patients.data", &data)?;
            p.updated_at = updated_at;
            p.allergies.clear();
            Ok(p)
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(paginate(items, limit, |p| Cursor {
        key: p.updated_at,
        id: p.id,
    }))
}
