//! Visit drafts kept as they are typed (`visit_drafts`): what a user wrote in a visit and
//! has not saved, given back when that user opens the visit again. Local to the
//! workstation; erased with the patient.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

/// Which visit a draft belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DraftKey {
    /// A new visit of this patient, not saved yet.
    New(dermis_model::PatientId),
    /// A stored visit.
    Visit(dermis_model::EncounterId),
}

impl DraftKey {
    fn text(self) -> String {
        match self {
            DraftKey::New(patient) => format!("new:{patient}"),
            DraftKey::Visit(id) => id.to_string(),
        }
    }
}

/// A draft as kept: the form as JSON and when it was written (ms since epoch).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptDraft {
    pub form: String,
    pub kept_at: i64,
}

/// Keeps (or replaces) `user`'s draft of `key`, in its own durable transaction.
pub fn keep(
    conn: &Connection,
    key: DraftKey,
    user: &str,
    patient: &str,
    form: &str,
    at: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO visit_drafts(key, user_key, patient_id, form, kept_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(key, user_key) DO UPDATE SET form = excluded.form, kept_at = excluded.kept_at",
    )?
    .execute(params![key.text(), user, patient, form, at])?;
    Ok(())
}

/// `user`'s draft of `key`, if one is kept.
pub fn kept(conn: &Connection, key: DraftKey, user: &str) -> Result<Option<KeptDraft>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT form, kept_at FROM visit_drafts WHERE key = ?1 AND user_key = ?2")?
        .query_row(params![key.text(), user], |r| {
            Ok(KeptDraft {
                form: r.get(0)?,
                kept_at: r.get(1)?,
            })
        })
        .optional()?)
}

/// Forgets `user`'s draft of `key` (saved, or discarded on purpose).
pub fn forget(conn: &Connection, key: DraftKey, user: &str) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM visit_drafts WHERE key = ?1 AND user_key = ?2")?
        .execute(params![key.text(), user])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use dermis_model::{EncounterId, PatientId};

    fn store() -> (tempfile::TempDir, crate::store::Store) {
        let dir = tempfile::tempdir().expect("temp");
        let store = crate::store::Store::create(&dir.path().join("store.db")).expect("store");
        (dir, store)
    }

    #[test]
    fn a_draft_is_kept_per_user_replaced_and_forgotten() {
        let (_dir, store) = store();
        let conn = store.conn();
        let patient = PatientId::new();
        let new = DraftKey::New(patient);
        let visit = DraftKey::Visit(EncounterId::new());
        let p = patient.to_string();
        keep(conn, new, "doctor", &p, r#"{"complaint":"Rash"}"#, 1).expect("keep");
        keep(conn, new, "nurse", &p, r#"{"complaint":"Itch"}"#, 2).expect("keep");
        keep(conn, visit, "doctor", &p, r#"{"plan":"Cream"}"#, 3).expect("keep");
        assert_eq!(
            kept(conn, new, "doctor").expect("read"),
            Some(KeptDraft {
                form: r#"{"complaint":"Rash"}"#.into(),
                kept_at: 1
            })
        );
        keep(conn, new, "doctor", &p, r#"{"complaint":"Rash, worse"}"#, 4).expect("again");
        assert_eq!(
            kept(conn, new, "doctor").expect("read").map(|d| d.kept_at),
            Some(4),
            "a newer draft replaces the older"
        );
        assert_eq!(
            kept(conn, new, "nurse").expect("read").map(|d| d.form),
            Some(r#"{"complaint":"Itch"}"#.into()),
            "each user has their own"
        );
        forget(conn, new, "doctor").expect("forget");
        assert_eq!(kept(conn, new, "doctor").expect("read"), None);
        assert!(kept(conn, visit, "doctor").expect("read").is_some());
    }
}
