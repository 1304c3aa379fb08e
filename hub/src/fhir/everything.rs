//! `Patient/{id}/$everything`: one patient and every resource about them, in one
//! searchset Bundle, bounded by [`EVERYTHING_LIMIT`] (beyond, use `$export`).

use dermis_model::ClinicId;
use serde_json::{Value, json};
use uuid::Uuid;

use super::outcome::{FhirError, from_store};
use super::resources::{self, Links};
use super::search::{Kind, MAX_COUNT, entries_bundle, not_found, visit_resources};
use crate::readmodel::{RangeQuery, ReadModel, RecordQuery};

/// The most resources `$everything` puts in one Bundle.
pub const EVERYTHING_LIMIT: usize = 10_000;

/// `Patient/{id}/$everything`: the patient and every resource about them, in one Bundle
/// of at most [`EVERYTHING_LIMIT`] resources.
pub async fn everything<R: ReadModel + Sync>(
    rm: &R,
    clinic: ClinicId,
    links: &Links,
    id: &str,
) -> Result<Value, FhirError> {
    let uuid = Uuid::parse_str(id).map_err(|_| not_found(Kind::Patient))?;
    let patient = rm
        .patient(clinic, uuid)
        .await
        .map_err(from_store)?
        .ok_or_else(|| not_found(Kind::Patient))?;
    let mut out = vec![resources::patient(&patient)];
    out.extend(patient.allergies.iter().map(resources::allergy));
    let too_many = |n: usize| {
        if n > EVERYTHING_LIMIT {
            Err(FhirError::TooMany {
                limit: EVERYTHING_LIMIT,
            })
        } else {
            Ok(())
        }
    };
    let mut query = RecordQuery {
        patient: Some(patient.id),
        limit: MAX_COUNT,
        ..RecordQuery::default()
    };
    loop {
        let page = rm.encounters(clinic, &query).await.map_err(from_store)?;
        for visit in &page.items {
            for kind in [Kind::Encounter, Kind::Condition, Kind::MedicationRequest] {
                out.extend(visit_resources(kind, visit));
            }
        }
        too_many(out.len())?;
        match page.next_cursor {
            Some(next) => query.cursor = Some(next),
            None => break,
        }
    }
    query.cursor = None;
    loop {
        let page = rm.photos(clinic, &query).await.map_err(from_store)?;
        out.extend(page.items.iter().map(|p| resources::media(p, links)));
        too_many(out.len())?;
        match page.next_cursor {
            Some(next) => query.cursor = Some(next),
            None => break,
        }
    }
    let mut range = RangeQuery {
        patient: Some(patient.id),
        limit: MAX_COUNT,
        ..RangeQuery::default()
    };
    loop {
        let page = rm.appointments(clinic, &range).await.map_err(from_store)?;
        out.extend(page.items.iter().map(resources::appointment));
        too_many(out.len())?;
        match page.next_cursor {
            Some(next) => range.cursor = Some(next),
            None => break,
        }
    }
    let self_link = json!({
        "relation": "self",
        "url": format!("{}/Patient/{}/$everything", links.base, patient.id)
    });
    Ok(entries_bundle(links, "searchset", vec![self_link], out))
}
