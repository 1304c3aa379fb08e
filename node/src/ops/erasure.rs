//! Patient erasure and retention. `erase` removes a patient with everything recorded
//! about them on this node — the patient document (encounters, prescriptions, allergies,
//! photo records live in it) and its history, their appointments, the photo files
//! (originals, thumbnails, cached views) and every index and outbox row — and leaves a
//! tombstone: who, when, why, which id. Sales keep their lines and totals: the sales
//! index holds no patient link, and the id a ledger entry may still carry names nothing
//! once the patient document is gone everywhere (see docs/RUNBOOK.md, "Erasing a patient").

use dermis_model::clinic::{self, ErasureRecord, Permission};
use dermis_model::{DocId, DocType, ErrorCode, PatientId, ValidationErrors};
use serde::Serialize;

use super::unknown;
use crate::node::{Node, OpError, Session, doc_error};

/// Longest reason kept with a tombstone.
pub const MAX_REASON_CHARS: usize = 500;

/// Longest retention period a clinic may set.
pub const MAX_RETENTION_YEARS: u32 = 100;

fn invalid(field: &str, code: ErrorCode, message: &str) -> OpError {
    OpError::Invalid(ValidationErrors::single(field, code, message.to_owned()))
}

/// What an erasure removed on this node.
#[derive(Clone, Debug, Serialize)]
pub struct Erased {
    pub patient_id: PatientId,
    /// Documents removed: the patient's and their appointments'.
    pub documents: usize,
    /// Photo files removed from the data dir.
    pub files_removed: usize,
    /// Whether the WAL could be truncated at once (else at the next checkpoint).
    pub wal_truncated: bool,
}

/// Erases the patient `id` from this node (admins only). Without `confirmed` nothing is
/// done. The hub and the other nodes learn of it through the tombstone at the next sync.
pub fn erase(
    node: &mut Node,
    session: &Session,
    id: PatientId,
    reason: &str,
    confirmed: bool,
) -> Result<Erased, OpError> {
    session.require(Permission::ManageSettings)?;
    if !confirmed {
        return Err(invalid(
            "yes",
            ErrorCode::Required,
            "erasure cannot be undone; confirm with --yes",
        ));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(invalid(
            "reason",
            ErrorCode::Required,
            "say why the patient is erased",
        ));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(invalid(
            "reason",
            ErrorCode::TooLong,
            "the reason is too long (500 characters at most)",
        ));
    }
    let doc_id: DocId = id.into();
    match node.store.doc_heads(doc_id)? {
        Some((DocType::Patient, _)) => {}
        _ => return Err(unknown("id", ErrorCode::UnknownPatient, id)),
    }
    let record = ErasureRecord {
        patient_id: doc_id,
        at: crate::node::now(),
        by: erased_by(session),
        reason: reason.to_owned(),
    };
    let clinic_id = node.clinic_doc_id();
    let who = super::audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let doc = tx.edit(clinic_id)?.ok_or(OpError::NoClinic)?;
    // The record in the clinic document is what the hub and the other nodes receive;
    // committing it erases the patient here (`Tx::apply_recorded_erasures`).
    clinic::record_erasure(doc, &record).map_err(doc_error(clinic_id))?;
    // The one audit entry of an erasure (who, when, which id; the reason is in the
    // record), in the same transaction.
    super::audit::in_tx(
        &mut tx,
        &who,
        dermis_model::audit::AuditAction::Erase,
        super::audit::patient(id),
    )?;
    tx.commit()?;
    let tombstone = node
        .store
        .tombstones()?
        .into_iter()
        .find(|t| t.patient_id == doc_id)
        .ok_or_else(|| unknown("id", ErrorCode::UnknownPatient, id))?;
    let documents = usize::try_from(tombstone.documents).unwrap_or(0);
    let files_removed = remove_erased_files(node)?;
    let wal_truncated = node.store.scrub_after_erasure()?;
    Ok(Erased {
        patient_id: id,
        documents,
        files_removed,
        wal_truncated,
    })
}

fn erased_by(session: &Session) -> String {
    match &session.user {
        Some(u) => format!("{} ({})", u.username, u.id),
        None => session.operator_name.clone(),
    }
}

/// Removes the photo files of erased patients still on disk — the original, the local
/// gallery thumbnail and the cached views fetched from the hub — and returns how many
/// existed. Run after an erasure here, after each sync session (erasures learnt from the
/// hub) and when the node opens (an erasure interrupted before its files went).
pub fn remove_erased_files(node: &Node) -> Result<usize, OpError> {
    use crate::sync::photos::cache::fetched_path;
    use crate::sync::photos::http::Variant;
    let data_dir = node.data_dir();
    let mut removed = 0;
    for sha in node.store.take_erased_files()? {
        let paths = [
            crate::ops::photos::blob_path(data_dir, &sha),
            crate::ops::photos::thumb_path(data_dir, &sha),
            fetched_path(data_dir, &sha, Variant::Gallery),
            fetched_path(data_dir, &sha, Variant::Full),
            fetched_path(data_dir, &sha, Variant::Original),
        ];
        let mut all_gone = true;
        for path in paths {
            match std::fs::remove_file(&path) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    all_gone = false;
                    tracing::error!(path = %path.display(), error = %e, "cannot remove an erased photo file; will retry");
                }
            }
        }
        if all_gone {
            node.store.forget_erased_file(&sha)?;
        }
    }
    Ok(removed)
}

/// Clinic settings given on the command line; each flag left out stays as it is.
#[derive(Clone, Debug, Default)]
pub struct ClinicSettings {
    pub retention_years: Option<u32>,
    /// What receipts print: (document key of `clinic::Business::FIELDS`, value).
    pub business: Vec<(&'static str, String)>,
    /// Tax class → rate in basis points.
    pub tax_rates: Vec<(String, u32)>,
    /// Whether prices include tax (else the till adds it on top).
    pub prices_include_tax: Option<bool>,
}

pub fn set_clinic(
    node: &mut Node,
    session: &Session,
    settings: &ClinicSettings,
) -> Result<(), OpError> {
    session.require(Permission::ManageSettings)?;
    if let Some(years) = settings.retention_years
        && !(1..=MAX_RETENTION_YEARS).contains(&years)
    {
        return Err(invalid(
            "retention-years",
            ErrorCode::InvalidQuantity,
            "retention is a number of years from 1 to 100",
        ));
    }
    let mut business = Vec::new();
    let mut errors = ValidationErrors::default();
    for (key, value) in &settings.business {
        match clinic::validate_business_field(key, value) {
            Ok(v) => business.push((*key, v)),
            Err(e) => errors.0.extend(e.0),
        }
    }
    for (class, bps) in &settings.tax_rates {
        if class.is_empty() || class.len() > 32 || *bps > 10_000 {
            errors.add(
                "tax-rate",
                ErrorCode::InvalidTaxRate,
                format!("tax class {class:?} must have a rate between 0 and 100 %"),
            );
        }
    }
    errors.into_result(())?;
    let id = node.clinic_doc_id();
    let mut tx = node.begin(session)?;
    let doc = tx.edit(id)?.ok_or(OpError::NoClinic)?;
    if let Some(years) = settings.retention_years {
        clinic::set_retention_years(doc, years).map_err(doc_error(id))?;
    }
    for (key, value) in &business {
        clinic::set_business_field(doc, key, value).map_err(doc_error(id))?;
    }
    for (class, bps) in &settings.tax_rates {
        clinic::set_tax_rate(doc, class, *bps).map_err(doc_error(id))?;
    }
    if let Some(included) = settings.prices_include_tax {
        clinic::set_prices_include_tax(doc, included).map_err(doc_error(id))?;
    }
    tx.commit()?;
    Ok(())
}

pub fn retention_years(node: &mut Node) -> Result<Option<u32>, OpError> {
    let id = node.clinic_doc_id();
    match node.store.with_doc(id, clinic::retention_years)? {
        Some(r) => r.map_err(doc_error(id)),
        None => Err(OpError::NoClinic),
    }
}

pub use crate::store::erasure::DueRow;

/// Patients with no visit for the clinic's retention period, created before it began.
pub fn due_for_erasure(
    node: &mut Node,
    session: &Session,
    today: time::Date,
) -> Result<(u32, Vec<DueRow>), OpError> {
    session.require(Permission::ManageSettings)?;
    let Some(years) = retention_years(node)? else {
        return Err(invalid(
            "retention-years",
            ErrorCode::Required,
            "the clinic has no retention period; set one with `clinic set --retention-years N`",
        ));
    };
    let cutoff = years_before(today, years);
    let cutoff_text = dermis_model::validate::format_date(cutoff);
    let cutoff_millis = cutoff.midnight().assume_utc().unix_timestamp() * 1000;
    let rows =
        crate::store::erasure::not_seen_since(node.store.conn(), &cutoff_text, cutoff_millis)?;
    Ok((years, rows))
}

/// The same day `years` earlier (28 February for 29 February).
fn years_before(day: time::Date, years: u32) -> time::Date {
    let year = day.year() - i32::try_from(years).unwrap_or(i32::MAX / 2);
    day.replace_year(year)
        .or_else(|_| time::Date::from_calendar_date(year, day.month(), 28))
        .unwrap_or(time::Date::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn retention_cutoff_is_the_same_day_years_before() {
        assert_eq!(
            years_before(date!(2026 - 12 - 05), 10),
            date!(2016 - 12 - 05)
        );
        assert_eq!(
            years_before(date!(2024 - 02 - 29), 1),
            date!(2023 - 02 - 28)
        );
    }
}
