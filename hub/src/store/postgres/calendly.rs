//! [`CalendlyStore`] on the Postgres store.

use dermis_model::{ClinicId, Millis};
use sqlx::Row;
use uuid::Uuid;

use super::{PgStore, ms, pg, ts};
use crate::store::calendly::CalendlyStore;
use crate::store::{HookStore, StoreError};

impl CalendlyStore for PgStore {
    async fn calendly_claim(
        &self,
        key: &str,
        clinic: ClinicId,
        now: Millis,
        stale_before: Millis,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO calendly_events (key, clinic_id, handled_at) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET handled_at = excluded.handled_at
             WHERE NOT calendly_events.done AND calendly_events.handled_at < $4",
        )
        .bind(key)
        .bind(clinic.0)
        .bind(ts(now))
        .bind(ts(stale_before))
        .execute(self.pool())
        .await
        .map_err(pg("claim calendly event"))?;
        Ok(done.rows_affected() == 1)
    }

    async fn calendly_done(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE calendly_events SET done = true WHERE key = $1")
            .bind(key)
            .execute(self.pool())
            .await
            .map_err(pg("finish calendly event"))?;
        Ok(())
    }

    async fn calendly_handled(&self, key: &str) -> Result<bool, StoreError> {
        let found: Option<i32> = sqlx::query_scalar("SELECT 1 FROM calendly_events WHERE key = $1")
            .bind(key)
            .fetch_optional(self.pool())
            .await
            .map_err(pg("read calendly event"))?;
        Ok(found.is_some())
    }

    async fn calendly_release(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM calendly_events WHERE key = $1")
            .bind(key)
            .execute(self.pool())
            .await
            .map_err(pg("release calendly event"))?;
        Ok(())
    }

    async fn set_calendly_key(
        &self,
        clinic: ClinicId,
        sealed: &[u8],
        now: Millis,
    ) -> Result<(), StoreError> {
        if !self.clinic_exists(clinic).await? {
            return Err(StoreError::UnknownClinic { id: clinic });
        }
        sqlx::query(
            "INSERT INTO calendly_keys (clinic_id, sealed, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (clinic_id) DO UPDATE SET sealed = excluded.sealed,
                                                   updated_at = excluded.updated_at",
        )
        .bind(clinic.0)
        .bind(sealed)
        .bind(ts(now))
        .execute(self.pool())
        .await
        .map_err(pg("store calendly key"))?;
        Ok(())
    }

    async fn calendly_key(&self, clinic: ClinicId) -> Result<Option<Vec<u8>>, StoreError> {
        sqlx::query_scalar("SELECT sealed FROM calendly_keys WHERE clinic_id = $1")
            .bind(clinic.0)
            .fetch_optional(self.pool())
            .await
            .map_err(pg("read calendly key"))
    }

    async fn remove_calendly_key(&self, clinic: ClinicId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM calendly_keys WHERE clinic_id = $1")
            .bind(clinic.0)
            .execute(self.pool())
            .await
            .map_err(pg("remove calendly key"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn calendly_keys(&self) -> Result<Vec<(ClinicId, Millis)>, StoreError> {
        let rows =
            sqlx::query("SELECT clinic_id, updated_at FROM calendly_keys ORDER BY clinic_id")
                .fetch_all(self.pool())
                .await
                .map_err(pg("list calendly keys"))?;
        rows.iter()
            .map(|row| -> Result<(ClinicId, Millis), sqlx::Error> {
                Ok((ClinicId(row.try_get(0)?), ms(row.try_get(1)?)))
            })
            .collect::<Result<_, _>>()
            .map_err(pg("list calendly keys"))
    }

    async fn calendly_link(
        &self,
        clinic: ClinicId,
        invitee_uri: &str,
        doc_id: Uuid,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO calendly_invitees (clinic_id, invitee_uri, doc_id) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(clinic.0)
        .bind(invitee_uri)
        .bind(doc_id)
        .execute(self.pool())
        .await
        .map_err(pg("link calendly invitee"))?;
        Ok(())
    }

    async fn calendly_appointment(
        &self,
        clinic: ClinicId,
        invitee_uri: &str,
    ) -> Result<Option<Uuid>, StoreError> {
        sqlx::query_scalar(
            "SELECT doc_id FROM calendly_invitees WHERE clinic_id = $1 AND invitee_uri = $2",
        )
        .bind(clinic.0)
        .bind(invitee_uri)
        .fetch_optional(self.pool())
        .await
        .map_err(pg("find calendly invitee"))
    }
}
