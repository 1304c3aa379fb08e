//! The embedded store's [`NodeTokenStore`].

use dermis_model::Millis;
use rusqlite::params;
use uuid::Uuid;

use super::{SqliteStore, lite};
use crate::store::{NodeTokenStore, StoreError};

impl NodeTokenStore for SqliteStore {
    async fn offer_node_token(
        &self,
        node: Uuid,
        token_hash: &str,
        _now: Millis,
    ) -> Result<bool, StoreError> {
        let token_hash = token_hash.to_owned();
        self.call(move |conn| {
            let n = conn
                .execute(
                    "UPDATE nodes SET next_token_hash = ?2, next_token_stored_at = NULL
                     WHERE id = ?1 AND status = 'active'",
                    params![node.to_string(), token_hash],
                )
                .map_err(lite("offer a node token"))?;
            Ok(n > 0)
        })
        .await
    }

    async fn node_token_stored(&self, node: Uuid, now: Millis) -> Result<bool, StoreError> {
        self.call(move |conn| {
            let n = conn
                .execute(
                    "UPDATE nodes SET next_token_stored_at = ?2
                     WHERE id = ?1 AND next_token_hash IS NOT NULL",
                    params![node.to_string(), now],
                )
                .map_err(lite("record a kept node token"))?;
            Ok(n > 0)
        })
        .await
    }
}
