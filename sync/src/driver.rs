//! Running engine store operations against a store. Shared by the node's and the hub's
//! real drivers and by the simulation, so all three interpret operations identically.

use dermis_model::ClinicId;

use crate::hub_engine::{HubStoreOp, HubStoreResult};
use crate::node_engine::{NodeStoreOp, NodeStoreResult};
use crate::store::{DocStore, NodeSyncStore, StoreFailure, StoreFault};

/// Documents to apply before the hub welcomed the node into a clinic: the engine asks
/// for none then, so this is a bug, not a state of the store.
#[derive(Debug, thiserror::Error)]
#[error("documents to apply before the hub's welcome")]
pub struct BeforeWelcome;

impl StoreFault for BeforeWelcome {}

/// Runs one node store operation. `clinic` is the clinic the hub welcomed the node into.
pub async fn run_node_op<S: NodeSyncStore>(
    store: &mut S,
    clinic: Option<ClinicId>,
    op: NodeStoreOp,
) -> NodeStoreResult {
    let result = match op {
        NodeStoreOp::OutboxBatch {
            max_docs,
            max_bytes,
        } => store
            .outbox_batch(max_docs, max_bytes)
            .await
            .map(NodeStoreResult::Outbox),
        NodeStoreOp::PushAcked(acks) => store
            .push_acked(&acks)
            .await
            .map(|()| NodeStoreResult::PushAcked),
        NodeStoreOp::PlanFetch(entries) => store
            .plan_fetch(&entries)
            .await
            .map(NodeStoreResult::Planned),
        NodeStoreOp::OutboxStats { now } => store
            .outbox_stats(now)
            .await
            .map(NodeStoreResult::OutboxStats),
        NodeStoreOp::StoreToken { token } => store
            .store_token(&token)
            .await
            .map(|()| NodeStoreResult::TokenStored),
        NodeStoreOp::ApplyDocs { docs, cursor } => match clinic {
            Some(clinic) => store
                .apply_docs(clinic, &docs, cursor)
                .await
                .map(NodeStoreResult::Applied),
            None => return NodeStoreResult::Failed(StoreFailure::of(BeforeWelcome)),
        },
    };
    result.unwrap_or_else(|e| NodeStoreResult::Failed(StoreFailure::of(e)))
}

/// Runs one hub store operation for a session of `clinic`.
pub async fn run_hub_op<S: DocStore>(
    store: &mut S,
    clinic: ClinicId,
    op: HubStoreOp,
) -> HubStoreResult {
    let result = match op {
        HubStoreOp::LatestSeq => store
            .latest_seq(clinic)
            .await
            .map(HubStoreResult::LatestSeq),
        HubStoreOp::Apply { docs } => store
            .apply(clinic, &docs)
            .await
            .map(HubStoreResult::Applied),
        HubStoreOp::ChangedSince { cursor, limit } => store
            .changed_since(clinic, cursor, limit)
            .await
            .map(HubStoreResult::Changes),
        HubStoreOp::Fetch { items, max_bytes } => store
            .fetch_some(clinic, &items, max_bytes)
            .await
            .map(HubStoreResult::Fetched),
        HubStoreOp::Derivations { items } => store
            .derivations(clinic, &items)
            .await
            .map(HubStoreResult::Derivations),
        HubStoreOp::Booked { from, to, limit } => store
            .booked_between(clinic, from, to, limit)
            .await
            .map(HubStoreResult::Booked),
    };
    result.unwrap_or_else(|e| HubStoreResult::Failed(StoreFailure::of(e)))
}

/// An error with its causes, for logs and status (never sent to a node).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Polls a future that never waits (the in-memory stores' futures) to completion.
/// Returns `None` if it would wait.
pub fn now_or_never<F: std::future::Future>(future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => Some(v),
        std::task::Poll::Pending => None,
    }
}
