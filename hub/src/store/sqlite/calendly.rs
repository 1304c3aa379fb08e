//! [`CalendlyStore`] on the embedded store.

use dermis_model::{ClinicId, Millis};
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::{SqliteStore, lite, parse_uuid};
use crate::store::StoreError;
use crate::store::calendly::CalendlyStore;

impl CalendlyStore for SqliteStore {
    async fn calendly_claim(
        &self,
        key: &str,
        clinic: ClinicId,
        now: Millis,
        stale_before: Millis,
    ) -> Result<bool, StoreError> {
        let key = key.to_owned();
        self.call(move |conn| {
            let n = conn
                .execute(
                    "INSERT INTO calendly_events (key, clinic_id, handled_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (key) DO UPDATE SET handled_at = excluded.handled_at
                     WHERE calendly_events.done = 0 AND calendly_events.handled_at < ?4",
                    params![key, clinic.to_string(), now, stale_before],
                )
                .map_err(lite("claim calendly event"))?;
            Ok(n == 1)
        })
        .await
    }

    async fn calendly_done(&self, key: &str) -> Result<(), StoreError> {
        let key = key.to_owned();
        self.call(move |conn| {
            conn.execute("UPDATE calendly_events SET done = 1 WHERE key = ?1", [key])
                .map(drop)
                .map_err(lite("finish calendly event"))
        })
        .await
    }

    async fn calendly_handled(&self, key: &str) -> Result<bool, StoreError> {
        let key = key.to_owned();
        self.call(move |conn| {
            conn.query_row(
                "SELECT 1 FROM calendly_events WHERE key = ?1",
                [key],
                |_| Ok(()),
            )
            .optional()
            .map(|found| found.is_some())
            .map_err(lite("read calendly event"))
        })
        .await
    }

    async fn calendly_release(&self, key: &str) -> Result<(), StoreError> {
        let key = key.to_owned();
        self.call(move |conn| {
            conn.execute("DELETE FROM calendly_events WHERE key = ?1", [key])
                .map(drop)
                .map_err(lite("release calendly event"))
        })
        .await
    }

    async fn set_calendly_key(
        &self,
        clinic: ClinicId,
        sealed: &[u8],
        now: Millis,
    ) -> Result<(), StoreError> {
        let sealed = sealed.to_vec();
        self.call(move |conn| {
            let exists = conn
                .query_row(
                    "SELECT 1 FROM clinics WHERE id = ?1",
                    [clinic.to_string()],
                    |_| Ok(()),
                )
                .optional()
                .map_err(lite("read clinic"))?;
            if exists.is_none() {
                return Err(StoreError::UnknownClinic { id: clinic });
            }
            conn.execute(
                "INSERT INTO calendly_keys (clinic_id, sealed, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (clinic_id) DO UPDATE SET sealed = excluded.sealed,
                                                       updated_at = excluded.updated_at",
                params![clinic.to_string(), sealed, now],
            )
            .map(drop)
            .map_err(lite("store calendly key"))
        })
        .await
    }

    async fn calendly_key(&self, clinic: ClinicId) -> Result<Option<Vec<u8>>, StoreError> {
        self.call(move |conn| {
            conn.query_row(
                "SELECT sealed FROM calendly_keys WHERE clinic_id = ?1",
                [clinic.to_string()],
                |r| r.get(0),
            )
            .optional()
            .map_err(lite("read calendly key"))
        })
        .await
    }

    async fn remove_calendly_key(&self, clinic: ClinicId) -> Result<bool, StoreError> {
        self.call(move |conn| {
            conn.execute(
                "DELETE FROM calendly_keys WHERE clinic_id = ?1",
                [clinic.to_string()],
            )
            .map(|n| n > 0)
            .map_err(lite("remove calendly key"))
        })
        .await
    }

    async fn calendly_keys(&self) -> Result<Vec<(ClinicId, Millis)>, StoreError> {
        self.call(move |conn| {
            let mut stmt = conn
                .prepare("SELECT clinic_id, updated_at FROM calendly_keys ORDER BY clinic_id")
                .map_err(lite("list calendly keys"))?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Millis>(1)?)))
                .map_err(lite("list calendly keys"))?;
            let mut out = Vec::new();
            for row in rows {
                let (clinic, at) = row.map_err(lite("list calendly keys"))?;
                out.push((
                    ClinicId(parse_uuid("calendly_keys.clinic_id", &clinic)?),
                    at,
                ));
            }
            Ok(out)
        })
        .await
    }

    async fn calendly_link(
        &self,
        clinic: ClinicId,
        invitee_uri: &str,
        doc_id: Uuid,
    ) -> Result<(), StoreError> {
        let uri = invitee_uri.to_owned();
        self.call(move |conn| {
            conn.execute(
                "INSERT INTO calendly_invitees (clinic_id, invitee_uri, doc_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
                params![clinic.to_string(), uri, doc_id.to_string()],
            )
            .map(drop)
            .map_err(lite("link calendly invitee"))
        })
        .await
    }

    async fn calendly_appointment(
        &self,
        clinic: ClinicId,
        invitee_uri: &str,
    ) -> Result<Option<Uuid>, StoreError> {
        let uri = invitee_uri.to_owned();
        self.call(move |conn| {
            let doc: Option<String> = conn
                .query_row(
                    "SELECT doc_id FROM calendly_invitees WHERE clinic_id = ?1 AND invitee_uri = ?2",
                    params![clinic.to_string(), uri],
                    |r| r.get(0),
                )
                .optional()
                .map_err(lite("find calendly invitee"))?;
            doc.map(|d| parse_uuid("calendly_invitees.doc_id", &d))
                .transpose()
        })
        .await
    }
}
