//! Node tokens that rotate over an open session (`NODE_TOKEN_DAYS`, docs/SYNC.md
//! revision 3). A node has its token (`token_hash`) and, during a rotation, a next one
//! (`next_token_hash`): the hub writes the next token's hash before it sends the token,
//! the node keeps it and says so, and the node's first use of it
//! ([`super::HubStore::authenticate`]) makes it the node's token. Until then the old one
//! works, so a node that crashed before keeping the new token still gets in, and is
//! offered another.
//!
//! Only a session authenticated with the node's current token offers a next one: a node
//! that holds the next token would have connected with it.
//!
//! Checking a token writes only on the next token's first use: every other request (a
//! steady stream of syncs and photo transfers with the current token) is a read alone,
//! so it never waits for the database's write lock.

use std::future::Future;

use dermis_model::Millis;
use uuid::Uuid;

use super::StoreError;

/// See the module documentation.
pub trait NodeTokenStore {
    /// Records `token_hash` as the node's next token, replacing any earlier offer;
    /// `false` when the node is not active (revoked meanwhile).
    fn offer_node_token(
        &self,
        node: Uuid,
        token_hash: &str,
        now: Millis,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The node said it keeps its next token; `false` when it has none.
    fn node_token_stored(
        &self,
        node: Uuid,
        now: Millis,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}
