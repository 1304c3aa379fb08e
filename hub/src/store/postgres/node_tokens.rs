//! The Postgres store's [`NodeTokenStore`].

use dermis_model::Millis;
use uuid::Uuid;

use super::{PgStore, pg, ts};
use crate::store::{NodeTokenStore, StoreError};

impl NodeTokenStore for PgStore {
    async fn offer_node_token(
        &self,
        node: Uuid,
        token_hash: &str,
        _now: Millis,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE nodes SET next_token_hash = $2, next_token_stored_at = NULL
             WHERE id = $1 AND status = 'active'",
        )
        .bind(node)
        .bind(token_hash)
        .execute(self.pool())
        .await
        .map_err(pg("offer a node token"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn node_token_stored(&self, node: Uuid, now: Millis) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE nodes SET next_token_stored_at = $2
             WHERE id = $1 AND next_token_hash IS NOT NULL",
        )
        .bind(node)
        .bind(ts(now))
        .execute(self.pool())
        .await
        .map_err(pg("record a kept node token"))?;
        Ok(done.rows_affected() > 0)
    }
}
