//! The appointment book's reads beyond the day's list: the patients an unlinked booking
//! (a Calendly invitee) may be, found by the same normalised email and phone keys the
//! duplicate finder uses.

use dermis_model::duplicates::{email_key, phone_key};
use rusqlite::Connection;

use super::StoreError;
use super::queries::{PATIENT_COLUMNS, PatientRow, patient_row};

/// Most patients offered for one booking.
const MATCHES_SHOWN: usize = 10;

/// Patients (not merged away) whose email or phone matches `email` or `phone` after
/// normalisation, each with whether the email and the phone matched. The phone key is
/// computed in Rust, so the scan reads only rows that have a phone or an email: the index
/// holds phones as typed ("06 12…", "+33 6 12…").
pub fn patients_by_contact(
    conn: &Connection,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<Vec<(PatientRow, bool, bool)>, StoreError> {
    let email = email.and_then(email_key);
    let phone = phone.and_then(phone_key);
    if email.is_none() && phone.is_none() {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PATIENT_COLUMNS} FROM patients p
         WHERE (p.phone IS NOT NULL OR p.email IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM patient_merges m WHERE m.id = p.id)
         ORDER BY p.last_name, p.first_name, p.id"
    ))?;
    let mut found = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let p = patient_row(row)?;
        let by_email = email.is_some() && p.email.as_deref().and_then(email_key) == email;
        let by_phone = phone.is_some() && p.phone.as_deref().and_then(phone_key) == phone;
        if by_email || by_phone {
            found.push((p, by_email, by_phone));
            if found.len() == MATCHES_SHOWN {
                break;
            }
        }
    }
    Ok(found)
}
