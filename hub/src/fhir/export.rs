//! Bulk Data export (FHIR Bulk Data Access IG v2): `$export` at system level and
//! `Patient/$export`, run in the background by the hub's job queue.
//!
//! A kick-off queues one `fhir_export` job with the dedup key `fhir-export:<clinic>`, so a
//! clinic has at most one export queued or running; a second kick-off meanwhile answers
//! 429. The job writes one NDJSON file per resource type (split every [`FILE_LINES`]
//! lines) and then the manifest, all in the blob store under
//! `fhir-exports/<clinic>/<export>/`, so any hub instance can answer the status URL and
//! serve the files. The job survives the requester going away; if the hub stops mid-way,
//! the job's claim goes stale, the queue hands it back, and the export starts again from
//! the beginning (same keys, overwritten), so polling simply waits longer.
//!
//! The files live for `FHIR_EXPORT_HOURS`: the job queues an `fhir_export_expire` job for
//! then, which deletes them, and a poll after that time answers 404 even if it has not
//! run yet. `DELETE` on the status URL writes a cancel marker the job checks between
//! files, and deletes what was written.

use bytes::Bytes;
use dermis_model::{ClinicId, Millis};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::resources::{self, Links};
use super::search::{Kind, MAX_COUNT};
use crate::blobs::{BlobError, Blobs};
use crate::readmodel::{PatientQuery, RangeQuery, ReadModel, RecordQuery};
use crate::store::StoreError;

pub const JOB_KIND: &str = "fhir_export";
pub const EXPIRE_JOB_KIND: &str = "fhir_export_expire";
/// Lines per NDJSON file; a type with more gets several files.
pub const FILE_LINES: usize = 50_000;
/// Attempts of an export job before it is dead (the poll then answers 500).
pub const ATTEMPTS: u32 = 3;

/// Which resources an export covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// `$export`: everything of the clinic.
    System,
    /// `Patient/$export`: the patients and the resources about them.
    Patient,
}

/// The job's payload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportJob {
    pub export: Uuid,
    pub level: Level,
    /// Resource type names, in output order.
    pub types: Vec<String>,
    /// The kick-off URL, for the manifest's `request`.
    pub request: String,
    /// The server's `…/fhir/r4` URL, for the manifest's file URLs.
    pub base: String,
    /// When the kick-off was accepted (the manifest's `transactionTime`).
    pub at: Millis,
    /// How long the files are kept after the export ends, in milliseconds.
    pub ttl_ms: i64,
}

/// The expiry job's payload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpireJob {
    pub export: Uuid,
    pub keys: Vec<String>,
}

/// What the manifest lists for one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputFile {
    #[serde(rename = "type")]
    pub kind: String,
    pub url: String,
    pub count: u64,
}

/// The completion manifest (Bulk Data IG), and when its files go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub transaction_time: String,
    pub request: String,
    pub requires_access_token: bool,
    pub output: Vec<OutputFile>,
    pub error: Vec<OutputFile>,
    /// Unix milliseconds after which the files are gone (not part of the IG's manifest;
    /// the poll answers it as the `Expires` header).
    #[serde(rename = "dermisExpiresAt")]
    pub expires_at: Millis,
}

/// Why an export job could not finish.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("reading the read model")]
    Store {
        #[source]
        source: StoreError,
    },
    #[error("writing the export files")]
    Blobs {
        #[source]
        source: BlobError,
    },
}

impl From<StoreError> for ExportError {
    fn from(source: StoreError) -> Self {
        ExportError::Store { source }
    }
}

impl From<BlobError> for ExportError {
    fn from(source: BlobError) -> Self {
        ExportError::Blobs { source }
    }
}

/// The folder of an export's files.
pub fn prefix(clinic: ClinicId, export: Uuid) -> String {
    format!("fhir-exports/{clinic}/{export}")
}

pub fn manifest_key(clinic: ClinicId, export: Uuid) -> String {
    format!("{}/manifest.json", prefix(clinic, export))
}

pub fn cancel_key(clinic: ClinicId, export: Uuid) -> String {
    format!("{}/cancelled", prefix(clinic, export))
}

/// A file's name: `patient.ndjson`, then `patient-2.ndjson`, … (blob keys are lower-case).
pub fn file_name(kind: Kind, part: usize) -> String {
    let name = kind.as_str().to_ascii_lowercase();
    if part == 1 {
        format!("{name}.ndjson")
    } else {
        format!("{name}-{part}.ndjson")
    }
}

/// Whether `name` is one [`file_name`] makes (the download route checks it first).
pub fn valid_file_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".ndjson") else {
        return false;
    };
    let (kind, part) = match stem.split_once('-') {
        Some((k, p)) => (k, p.parse::<usize>().ok().filter(|n| *n >= 2)),
        None => (stem, Some(1)),
    };
    part.is_some()
        && Kind::ALL
            .iter()
            .any(|k| k.as_str().to_ascii_lowercase() == kind)
}

/// Collects one type's NDJSON into files of [`FILE_LINES`] lines.
struct Writer<'a> {
    blobs: &'a Blobs,
    clinic: ClinicId,
    job: &'a ExportJob,
    kind: Kind,
    buf: Vec<u8>,
    lines: usize,
    per_file: usize,
    part: usize,
    out: Vec<OutputFile>,
    keys: Vec<String>,
}

impl<'a> Writer<'a> {
    fn new(
        blobs: &'a Blobs,
        clinic: ClinicId,
        job: &'a ExportJob,
        kind: Kind,
        per_file: usize,
    ) -> Self {
        Writer {
            blobs,
            clinic,
            job,
            kind,
            buf: Vec::new(),
            lines: 0,
            per_file: per_file.max(1),
            part: 0,
            out: Vec::new(),
            keys: Vec::new(),
        }
    }

    async fn push(&mut self, resource: &Value) -> Result<(), ExportError> {
        // serde_json writes no raw newlines inside a value: one resource, one line.
        self.buf.extend_from_slice(resource.to_string().as_bytes());
        self.buf.push(b'\n');
        self.lines += 1;
        if self.lines >= self.per_file {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), ExportError> {
        if self.lines == 0 {
            return Ok(());
        }
        self.part += 1;
        let name = file_name(self.kind, self.part);
        let key = format!("{}/{name}", prefix(self.clinic, self.job.export));
        let bytes = Bytes::from(std::mem::take(&mut self.buf));
        self.blobs
            .put(&key, bytes, "application/fhir+ndjson")
            .await?;
        self.out.push(OutputFile {
            kind: self.kind.as_str().to_owned(),
            url: format!(
                "{}/$export-file/{}/{}",
                self.job.base, self.job.export, name
            ),
            count: self.lines as u64,
        });
        self.keys.push(key);
        self.lines = 0;
        Ok(())
    }
}

/// The read-model lists an export walks, each once: a patient page becomes Patient and
/// AllergyIntolerance lines, a visit page Encounter, Condition and MedicationRequest
/// lines (one walk of the visits, not one per type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Patients,
    Encounters,
    Photos,
    Appointments,
}

impl Source {
    const ALL: [Source; 4] = [
        Source::Patients,
        Source::Encounters,
        Source::Photos,
        Source::Appointments,
    ];

    fn of(kind: Kind) -> Source {
        match kind {
            Kind::Patient | Kind::AllergyIntolerance => Source::Patients,
            Kind::Encounter | Kind::Condition | Kind::MedicationRequest => Source::Encounters,
            Kind::Media => Source::Photos,
            Kind::Appointment => Source::Appointments,
        }
    }
}

/// Writes every file of `job` (`per_file` lines at most: [`FILE_LINES`]) and then its
/// manifest; returns the manifest and every key written (for the expiry job), or `None`
/// when the export was cancelled meanwhile (checked before each list is walked; what
/// was written is deleted then). The manifest lists the files in the job's type order.
pub async fn write<R: ReadModel + Sync>(
    rm: &R,
    blobs: &Blobs,
    clinic: ClinicId,
    job: &ExportJob,
    per_file: usize,
    now: impl Fn() -> Millis,
) -> Result<Option<(Manifest, Vec<String>)>, ExportError> {
    let links = Links {
        base: job.base.clone(),
    };
    let mut writers: Vec<Writer<'_>> = job
        .types
        .iter()
        .filter_map(|t| Kind::parse(t))
        .map(|kind| Writer::new(blobs, clinic, job, kind, per_file))
        .collect();
    let written = |writers: &[Writer<'_>]| -> Vec<String> {
        writers.iter().flat_map(|w| w.keys.clone()).collect()
    };
    for source in Source::ALL {
        let mut group: Vec<&mut Writer<'_>> = writers
            .iter_mut()
            .filter(|w| Source::of(w.kind) == source)
            .collect();
        if group.is_empty() {
            continue;
        }
        if blobs.exists(&cancel_key(clinic, job.export)).await? {
            drop(group);
            delete_all(blobs, &written(&writers)).await;
            return Ok(None);
        }
        write_source(rm, clinic, &links, job.level, source, &mut group).await?;
        for w in group {
            w.flush().await?;
        }
    }
    let mut keys = written(&writers);
    let output = writers.into_iter().flat_map(|w| w.out).collect();
    let manifest = Manifest {
        transaction_time: dermis_model::rfc3339(job.at),
        request: job.request.clone(),
        requires_access_token: true,
        output,
        error: Vec::new(),
        expires_at: now().saturating_add(job.ttl_ms),
    };
    let body = serde_json::to_vec(&manifest).unwrap_or_default();
    let key = manifest_key(clinic, job.export);
    blobs
        .put(&key, Bytes::from(body), "application/json")
        .await?;
    keys.push(key);
    if blobs.exists(&cancel_key(clinic, job.export)).await? {
        delete_all(blobs, &keys).await;
        return Ok(None);
    }
    Ok(Some((manifest, keys)))
}

/// Deletes `keys`, logging (not returning) a failure: what is left expires with the
/// export's folder.
pub async fn delete_all(blobs: &Blobs, keys: &[String]) {
    for key in keys {
        if let Err(e) = blobs.delete(key).await {
            tracing::warn!(error = %dermis_sync::driver::error_chain(&e), "cannot delete an export file");
        }
    }
}

/// Walks `source` once, page by page, each writer of `group` taking its type's lines.
async fn write_source<R: ReadModel + Sync>(
    rm: &R,
    clinic: ClinicId,
    links: &Links,
    level: Level,
    source: Source,
    group: &mut [&mut Writer<'_>],
) -> Result<(), ExportError> {
    match source {
        Source::Patients => {
            let allergies = group.iter().any(|w| w.kind == Kind::AllergyIntolerance);
            let mut query = PatientQuery {
                limit: MAX_COUNT,
                ..PatientQuery::default()
            };
            loop {
                let page = rm.patients(clinic, &query).await?;
                let found = if allergies {
                    let ids: Vec<Uuid> = page.items.iter().map(|p| p.id).collect();
                    rm.allergies_of(clinic, &ids).await?
                } else {
                    Vec::new()
                };
                for w in group.iter_mut() {
                    if w.kind == Kind::Patient {
                        for p in &page.items {
                            w.push(&resources::patient(p)).await?;
                        }
                    } else {
                        for a in &found {
                            w.push(&resources::allergy(a)).await?;
                        }
                    }
                }
                match page.next_cursor {
                    Some(next) => query.cursor = Some(next),
                    None => return Ok(()),
                }
            }
        }
        Source::Encounters => {
            let mut query = RecordQuery {
                limit: MAX_COUNT,
                ..RecordQuery::default()
            };
            loop {
                let page = rm.encounters(clinic, &query).await?;
                for w in group.iter_mut() {
                    for v in &page.items {
                        match w.kind {
                            Kind::Encounter => w.push(&resources::encounter(v)).await?,
                            Kind::Condition => {
                                for c in v
                                    .diagnoses
                                    .iter()
                                    .filter_map(|d| resources::condition(v, d))
                                {
                                    w.push(&c).await?;
                                }
                            }
                            _ => {
                                for p in &v.prescriptions {
                                    w.push(&resources::medication_request(p)).await?;
                                }
                            }
                        }
                    }
                }
                match page.next_cursor {
                    Some(next) => query.cursor = Some(next),
                    None => return Ok(()),
                }
            }
        }
        Source::Photos => {
            let mut query = RecordQuery {
                limit: MAX_COUNT,
                ..RecordQuery::default()
            };
            loop {
                let page = rm.photos(clinic, &query).await?;
                for w in group.iter_mut() {
                    for p in &page.items {
                        w.push(&resources::media(p, links)).await?;
                    }
                }
                match page.next_cursor {
                    Some(next) => query.cursor = Some(next),
                    None => return Ok(()),
                }
            }
        }
        Source::Appointments => {
            let mut query = RangeQuery {
                limit: MAX_COUNT,
                ..RangeQuery::default()
            };
            loop {
                let page = rm.appointments(clinic, &query).await?;
                for w in group.iter_mut() {
                    for a in &page.items {
                        // A patient-level export holds what is about a patient.
                        if level == Level::System || a.patient_id.is_some() {
                            w.push(&resources::appointment(a)).await?;
                        }
                    }
                }
                match page.next_cursor {
                    Some(next) => query.cursor = Some(next),
                    None => return Ok(()),
                }
            }
        }
    }
}

/// The types a kick-off's `_type` names (all of them when absent), checked.
pub fn parse_types(value: Option<&str>) -> Result<Vec<String>, super::FhirError> {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Ok(Kind::ALL.iter().map(|k| k.as_str().to_owned()).collect());
    };
    let mut types = Vec::new();
    for name in value.split(',').map(str::trim) {
        let kind = Kind::parse(name).ok_or_else(|| {
            super::FhirError::invalid("_type", "a resource type this server does not export")
        })?;
        if !types.iter().any(|t| t == kind.as_str()) {
            types.push(kind.as_str().to_owned());
        }
    }
    Ok(types)
}

#[cfg(test)]
#[path = "export_tests.rs"]
mod tests;
