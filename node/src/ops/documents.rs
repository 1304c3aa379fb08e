//! Clinical documents of a visit (a prescription, a visit summary) as PDF: the visit, its
//! patient and the clinic's letterhead are read here, the printing is audited, and the
//! layout is `crate::print::document`'s.

use dermis_model::EncounterId;
use dermis_model::ErrorCode;
use dermis_model::audit::AuditAction;
use dermis_model::clinic::Permission;

use super::{audit, unknown};
use crate::i18n::Locale;
use crate::node::{Node, OpError, Session};
use crate::print::document::{self, Kind, Source};
use crate::store::queries;

/// Why a document could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error(transparent)]
    Op(#[from] OpError),
    #[error("cannot lay out the PDF")]
    Pdf(#[source] crate::print::pdf::PdfError),
}

/// The PDF of `kind` for the visit `id`, in `locale`. A prescription document of a visit
/// without prescriptions is refused (field `prescriptions`), not printed blank.
pub fn pdf(
    node: &mut Node,
    session: &Session,
    id: EncounterId,
    kind: Kind,
    locale: Locale,
) -> Result<Vec<u8>, DocumentError> {
    session.require(Permission::ViewClinical)?;
    let missing = || unknown("encounter", ErrorCode::UnknownEncounter, id);
    let patient_id = queries::patient_of_encounter(node.store.conn(), &id.to_string())
        .map_err(OpError::Store)?
        .and_then(|p| p.parse().ok())
        .ok_or_else(missing)?;
    let patient = super::patients::get(node, session, patient_id)?;
    let encounter = patient
        .encounters
        .iter()
        .find(|e| e.id == id)
        .cloned()
        .ok_or_else(missing)?;
    if kind == Kind::Prescription && encounter.prescriptions.is_empty() {
        return Err(OpError::Invalid(dermis_model::ValidationErrors::single(
            "prescriptions",
            ErrorCode::Required,
            "the visit has no prescription to print",
        ))
        .into());
    }
    let business = super::till::business(node)?;
    let clinic = node.clinic()?;
    let bytes = document::pdf(
        kind,
        &Source {
            clinic_name: &clinic.name,
            business: &business,
            patient: &patient,
            encounter: &encounter,
        },
        locale,
    )
    .map_err(DocumentError::Pdf)?;
    audit::record(
        node,
        session,
        AuditAction::Print,
        audit::in_chart("encounter", id, patient_id),
    )?;
    Ok(bytes)
}
