//! Read, search and `$everything` over a [`ReadModel`], as FHIR: what each resource type
//! accepts, how its parameters become read-model queries, and the searchset Bundles
//! with their paging links. No HTTP here: [`super::http`] calls these with the caller's
//! clinic, so nothing of another clinic can ever be asked for.
//!
//! Paging: `_count` (1 to [`MAX_COUNT`], default [`DEFAULT_COUNT`]) and an opaque
//! `_cursor` the `next` link carries (the store's cursor, base64url). Condition and
//! MedicationRequest page by visit and AllergyIntolerance by patient, so a page may hold
//! more entries than `_count` (each visit's diagnoses stay together).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use dermis_model::ClinicId;
use dermis_model::validate::{day_start_millis, parse_stored_date};
use serde_json::{Value, json};
use uuid::Uuid;

use super::outcome::{FhirError, from_store};
use super::resources::{self, Links};
use crate::readmodel::records::EncounterRecord;
use crate::readmodel::{PatientQuery, RangeQuery, ReadModel, RecordQuery};

pub const DEFAULT_COUNT: u32 = 50;
pub const MAX_COUNT: u32 = 500;
/// Bounds on a query string, decided before any work.
const MAX_PARAMS: usize = 20;
const MAX_VALUE_CHARS: usize = 256;

/// The resource types this server serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Patient,
    Encounter,
    Condition,
    AllergyIntolerance,
    MedicationRequest,
    Media,
    Appointment,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Patient,
        Kind::Encounter,
        Kind::Condition,
        Kind::AllergyIntolerance,
        Kind::MedicationRequest,
        Kind::Media,
        Kind::Appointment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Patient => "Patient",
            Kind::Encounter => "Encounter",
            Kind::Condition => "Condition",
            Kind::AllergyIntolerance => "AllergyIntolerance",
            Kind::MedicationRequest => "MedicationRequest",
            Kind::Media => "Media",
            Kind::Appointment => "Appointment",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The search parameters it accepts (besides `_id`, `_count`, `_cursor`), with their
    /// FHIR types, as the CapabilityStatement lists them.
    pub fn params(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Kind::Patient => &[
                ("name", "string"),
                ("birthdate", "date"),
                ("identifier", "token"),
                ("phone", "token"),
            ],
            Kind::Encounter | Kind::Appointment => &[
                ("patient", "reference"),
                ("subject", "reference"),
                ("date", "date"),
            ],
            Kind::AllergyIntolerance => &[("patient", "reference")],
            Kind::Condition | Kind::MedicationRequest | Kind::Media => {
                &[("patient", "reference"), ("subject", "reference")]
            }
        }
    }
}

/// Parameters every search takes; `clinic` names the clinic of an admin who sees several
/// (the `Dermis-Clinic` header is preferred), `_format` only FHIR JSON.
const COMMON: [&str; 5] = ["_id", "_count", "_cursor", "_format", "clinic"];

/// A parsed search: what the caller asked for, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Search {
    pub id: Option<String>,
    pub count: u32,
    pub cursor: Option<String>,
    pub patient: Option<Uuid>,
    pub name: Option<String>,
    pub birth_date: Option<String>,
    pub identifier: Option<(Option<String>, String)>,
    pub phone: Option<String>,
    /// `[from, to)` in unix milliseconds.
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// The parameters as given (minus `_cursor`), for the Bundle's links.
    pub echo: Vec<(String, String)>,
}

fn one<'a>(params: &'a [(String, String)], name: &str) -> Result<Option<&'a str>, FhirError> {
    let mut values = params
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str());
    let first = values.next();
    if values.next().is_some() {
        return Err(FhirError::invalid(name, "given more than once"));
    }
    Ok(first.filter(|v| !v.is_empty()))
}

/// `2024-03-05` → its UTC midnight in unix milliseconds.
pub fn day_start(day: &str) -> Option<i64> {
    parse_stored_date(day).map(day_start_millis)
}

const DAY_MS: i64 = 86_400_000;

/// A `patient`/`subject` value: `Patient/<id>` or `<id>`.
fn patient_ref(param: &str, value: &str) -> Result<Uuid, FhirError> {
    let id = value.strip_prefix("Patient/").unwrap_or(value);
    Uuid::parse_str(id).map_err(|_| FhirError::invalid(param, "not a Patient id"))
}

impl Search {
    /// Checks `params` for `kind`. Unknown parameters are refused unless `lenient`
    /// (`Prefer: handling=lenient`), then ignored.
    pub fn parse(
        kind: Kind,
        params: &[(String, String)],
        lenient: bool,
    ) -> Result<Search, FhirError> {
        if params.len() > MAX_PARAMS {
            return Err(FhirError::invalid(
                "query",
                format!("more than {MAX_PARAMS} parameters"),
            ));
        }
        let mut known: Vec<(String, String)> = Vec::new();
        for (k, v) in params {
            if v.chars().count() > MAX_VALUE_CHARS {
                return Err(FhirError::invalid(k.clone(), "too long"));
            }
            let ok = COMMON.contains(&k.as_str()) || kind.params().iter().any(|(p, _)| p == k);
            match (ok, lenient) {
                (true, _) => known.push((k.clone(), v.clone())),
                (false, true) => {}
                (false, false) => return Err(FhirError::UnknownParam { param: k.clone() }),
            }
        }
        let params = known;
        let mut s = Search {
            count: DEFAULT_COUNT,
            ..Search::default()
        };
        if let Some(count) = one(&params, "_count")? {
            let n: u32 = count
                .parse()
                .map_err(|_| FhirError::invalid("_count", "not a whole number"))?;
            s.count = n.clamp(1, MAX_COUNT);
        }
        if let Some(format) = one(&params, "_format")?
            && !matches!(
                format,
                "json" | "application/json" | "application/fhir+json"
            )
        {
            return Err(FhirError::invalid("_format", "only JSON is served"));
        }
        if let Some(cursor) = one(&params, "_cursor")? {
            let bytes = URL_SAFE_NO_PAD
                .decode(cursor)
                .map_err(|_| FhirError::invalid("_cursor", "not a cursor this server made"))?;
            s.cursor = Some(
                String::from_utf8(bytes)
                    .map_err(|_| FhirError::invalid("_cursor", "not a cursor this server made"))?,
            );
        }
        s.id = one(&params, "_id")?.map(str::to_owned);
        s.name = one(&params, "name")?.map(str::to_owned);
        s.phone = one(&params, "phone")?.map(str::to_owned);
        if let Some(date) = one(&params, "birthdate")? {
            let day = date.strip_prefix("eq").unwrap_or(date);
            day_start(day)
                .ok_or_else(|| FhirError::invalid("birthdate", "not a YYYY-MM-DD date"))?;
            s.birth_date = Some(day.to_owned());
        }
        if let Some(identifier) = one(&params, "identifier")? {
            s.identifier = Some(match identifier.split_once('|') {
                Some((system, value)) => (Some(system.to_owned()), value.to_owned()),
                None => (None, identifier.to_owned()),
            });
        }
        let patient = one(&params, "patient")?
            .map(|v| patient_ref("patient", v))
            .transpose()?;
        let subject = one(&params, "subject")?
            .map(|v| patient_ref("subject", v))
            .transpose()?;
        s.patient = match (patient, subject) {
            (Some(a), Some(b)) if a != b => return Ok(Search { count: 0, ..s }),
            (a, b) => a.or(b),
        };
        let dates: Vec<&str> = params
            .iter()
            .filter(|(k, _)| k == "date")
            .map(|(_, v)| v.as_str())
            .collect();
        if dates.len() > 2 {
            return Err(FhirError::invalid("date", "given more than twice"));
        }
        for date in dates {
            let (prefix, day) = match date.get(..2) {
                Some(p @ ("eq" | "ge" | "gt" | "le" | "lt")) => (p, &date[2..]),
                _ => ("eq", date),
            };
            let start = day_start(day)
                .ok_or_else(|| FhirError::invalid("date", "not a YYYY-MM-DD date"))?;
            let (from, to) = match prefix {
                "ge" => (Some(start), None),
                "gt" => (Some(start + DAY_MS), None),
                "lt" => (None, Some(start)),
                "le" => (None, Some(start + DAY_MS)),
                _ => (Some(start), Some(start + DAY_MS)),
            };
            s.from = s.from.max(from);
            s.to = match (s.to, to) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        s.echo = params.into_iter().filter(|(k, _)| k != "_cursor").collect();
        Ok(s)
    }

    fn in_window(&self, at: i64) -> bool {
        self.from.is_none_or(|from| at >= from) && self.to.is_none_or(|to| at < to)
    }

    fn record_query(&self) -> RecordQuery {
        RecordQuery {
            patient: self.patient,
            updated_since: None,
            limit: self.count,
            cursor: self.cursor.clone(),
        }
    }
}

/// One page of resources and the store cursor of the next.
pub struct Found {
    pub resources: Vec<Value>,
    pub next: Option<String>,
}

pub(super) fn visit_resources(kind: Kind, visit: &EncounterRecord) -> Vec<Value> {
    match kind {
        Kind::Encounter => vec![resources::encounter(visit)],
        Kind::Condition => visit
            .diagnoses
            .iter()
            .filter_map(|d| resources::condition(visit, d))
            .collect(),
        Kind::MedicationRequest => visit
            .prescriptions
            .iter()
            .map(resources::medication_request)
            .collect(),
        _ => Vec::new(),
    }
}

/// One page of `kind` matching `s` in `clinic`.
pub async fn find<R: ReadModel + Sync>(
    rm: &R,
    clinic: ClinicId,
    links: &Links,
    kind: Kind,
    s: &Search,
) -> Result<Found, FhirError> {
    if s.count == 0 {
        return Ok(Found {
            resources: Vec::new(),
            next: None,
        });
    }
    if let Some(id) = &s.id {
        // `_id` is a read that answers a Bundle: no paging, the other filters still apply.
        let one = read(rm, clinic, links, kind, id).await;
        let resource = match one {
            Ok(r) => Some(r),
            Err(FhirError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        let keep = resource.filter(|r| {
            let owner = r["subject"]["reference"]
                .as_str()
                .or(r["patient"]["reference"].as_str());
            s.patient.is_none_or(|p| {
                owner == Some(format!("Patient/{p}").as_str()) || kind == Kind::Patient
            })
        });
        return Ok(Found {
            resources: keep.into_iter().collect(),
            next: None,
        });
    }
    let clinic_uuid = clinic.0;
    match kind {
        Kind::Patient => {
            if let Some((Some(system), _)) = &s.identifier
                && *system != resources::mrn_system(clinic_uuid)
            {
                return Ok(Found {
                    resources: Vec::new(),
                    next: None,
                });
            }
            let query = PatientQuery {
                name: s.name.clone(),
                birth_date: s.birth_date.clone(),
                mrn: s.identifier.as_ref().map(|(_, v)| v.clone()),
                phone: s.phone.clone(),
                limit: s.count,
                cursor: s.cursor.clone(),
                ..PatientQuery::default()
            };
            let page = rm.patients(clinic, &query).await.map_err(from_store)?;
            Ok(Found {
                resources: page.items.iter().map(resources::patient).collect(),
                next: page.next_cursor,
            })
        }
        Kind::Encounter | Kind::Condition | Kind::MedicationRequest => {
            let page = rm
                .encounters(clinic, &s.record_query())
                .await
                .map_err(from_store)?;
            let resources = page
                .items
                .iter()
                .filter(|v| {
                    s.from.is_none() && s.to.is_none()
                        || day_start(&v.date).is_some_and(|at| s.in_window(at))
                })
                .flat_map(|v| visit_resources(kind, v))
                .collect();
            Ok(Found {
                resources,
                next: page.next_cursor,
            })
        }
        Kind::Media => {
            let page = rm
                .photos(clinic, &s.record_query())
                .await
                .map_err(from_store)?;
            Ok(Found {
                resources: page
                    .items
                    .iter()
                    .map(|p| resources::media(p, links))
                    .collect(),
                next: page.next_cursor,
            })
        }
        Kind::Appointment => {
            let query = RangeQuery {
                from: s.from,
                to: s.to,
                patient: s.patient,
                limit: s.count,
                cursor: s.cursor.clone(),
            };
            let page = rm.appointments(clinic, &query).await.map_err(from_store)?;
            Ok(Found {
                resources: page.items.iter().map(resources::appointment).collect(),
                next: page.next_cursor,
            })
        }
        Kind::AllergyIntolerance => {
            if let Some(patient) = s.patient {
                let found = rm.patient(clinic, patient).await.map_err(from_store)?;
                let resources = found
                    .map(|p| p.allergies.iter().map(resources::allergy).collect())
                    .unwrap_or_default();
                return Ok(Found {
                    resources,
                    next: None,
                });
            }
            let query = PatientQuery {
                limit: s.count,
                cursor: s.cursor.clone(),
                ..PatientQuery::default()
            };
            let page = rm.patients(clinic, &query).await.map_err(from_store)?;
            let ids: Vec<Uuid> = page.items.iter().map(|p| p.id).collect();
            let allergies = rm.allergies_of(clinic, &ids).await.map_err(from_store)?;
            Ok(Found {
                resources: allergies.iter().map(resources::allergy).collect(),
                next: page.next_cursor,
            })
        }
    }
}

pub(super) fn not_found(kind: Kind) -> FhirError {
    FhirError::NotFound {
        kind: kind.as_str().to_owned(),
    }
}

/// `GET /fhir/r4/{kind}/{id}`: the resource, or not found (ids of another clinic too).
pub async fn read<R: ReadModel + Sync>(
    rm: &R,
    clinic: ClinicId,
    links: &Links,
    kind: Kind,
    id: &str,
) -> Result<Value, FhirError> {
    if kind == Kind::Condition {
        let (visit, _) = resources::parse_condition_id(id).ok_or_else(|| not_found(kind))?;
        let visit = rm.encounter(clinic, visit).await.map_err(from_store)?;
        return visit
            .as_ref()
            .and_then(|v| {
                v.diagnoses
                    .iter()
                    .find(|d| resources::condition_id(v.id, &d.code) == id)
                    .and_then(|d| resources::condition(v, d))
            })
            .ok_or_else(|| not_found(kind));
    }
    let uuid = Uuid::parse_str(id).map_err(|_| not_found(kind))?;
    let found = match kind {
        Kind::Patient => rm
            .patient(clinic, uuid)
            .await
            .map_err(from_store)?
            .map(|p| resources::patient(&p)),
        Kind::Encounter => rm
            .encounter(clinic, uuid)
            .await
            .map_err(from_store)?
            .map(|e| resources::encounter(&e)),
        Kind::Appointment => rm
            .appointment(clinic, uuid)
            .await
            .map_err(from_store)?
            .map(|a| resources::appointment(&a)),
        Kind::MedicationRequest => rm
            .prescription(clinic, uuid)
            .await
            .map_err(from_store)?
            .map(|p| resources::medication_request(&p)),
        Kind::Media => rm
            .photo(clinic, uuid)
            .await
            .map_err(from_store)?
            .map(|p| resources::media(&p, links)),
        Kind::AllergyIntolerance => rm
            .allergy(clinic, uuid)
            .await
            .map_err(from_store)?
            .map(|a| resources::allergy(&a)),
        Kind::Condition => None,
    };
    found.ok_or_else(|| not_found(kind))
}

/// A searchset Bundle of `resources`, with `self` and (when there is more) `next` links
/// that repeat the search's parameters.
pub fn bundle(links: &Links, kind: Option<Kind>, s: &Search, found: Found) -> Value {
    let path = kind.map_or(String::new(), |k| format!("/{}", k.as_str()));
    let url = |cursor: Option<&str>| {
        let mut pairs = s.echo.clone();
        if let Some(c) = cursor {
            pairs.push(("_cursor".into(), URL_SAFE_NO_PAD.encode(c)));
        }
        let query: String = reqwest::Url::parse_with_params("http://x/", &pairs)
            .ok()
            .and_then(|u| u.query().map(str::to_owned))
            .unwrap_or_default();
        if query.is_empty() {
            format!("{}{path}", links.base)
        } else {
            format!("{}{path}?{query}", links.base)
        }
    };
    let mut link = vec![json!({ "relation": "self", "url": url(s.cursor.as_deref()) })];
    if let Some(next) = &found.next {
        link.push(json!({ "relation": "next", "url": url(Some(next)) }));
    }
    entries_bundle(links, "searchset", link, found.resources)
}

/// A Bundle of `type` holding `resources` as matches.
pub fn entries_bundle(links: &Links, kind: &str, link: Vec<Value>, resources: Vec<Value>) -> Value {
    let entry: Vec<Value> = resources
        .into_iter()
        .map(|r| {
            let full_url = format!(
                "{}/{}/{}",
                links.base,
                r["resourceType"].as_str().unwrap_or_default(),
                r["id"].as_str().unwrap_or_default()
            );
            json!({ "fullUrl": full_url, "resource": r, "search": { "mode": "match" } })
        })
        .collect();
    let mut out = json!({
        "resourceType": "Bundle",
        "type": kind,
        "timestamp": dermis_model::rfc3339(dermis_model::now_millis()),
    });
    if !link.is_empty() {
        out["link"] = Value::Array(link);
    }
    if !entry.is_empty() {
        out["entry"] = Value::Array(entry);
    }
    out
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
