//! The hub writing documents of its own: a photo's thumbnails are ready, a Calendly
//! booking became an appointment. The hub edits like any node would — it loads the
//! document, makes an Automerge change under its own actor, and stores the change
//! through the same strict apply path as a node's push — so the change gets a seq in
//! the clinic's change log, concurrent node edits merge with it, and connected nodes
//! are told at once.
//!
//! Each hub process edits under one random actor, so two instances never produce
//! changes that claim the same actor and sequence number.

use std::sync::OnceLock;

use automerge::{ActorId, AutoCommit};
use dermis_model::provenance::Provenance;
use dermis_model::{ClinicId, now_millis};
use dermis_sync::wire::{DocPush, FetchItem, PushOutcome};
use uuid::Uuid;

use crate::state::Hub;
use crate::store::{HubStore, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the clinic has no document {id}")]
    NotFound { id: Uuid },
    #[error("document {id} does not load")]
    Load {
        id: Uuid,
        #[source]
        source: automerge::AutomergeError,
    },
    /// What the edit itself reported (a schema mismatch, a missing entry).
    #[error("editing document {id}: {reason}")]
    Edit { id: Uuid, reason: String },
    /// The store refused the change; it is not applied.
    #[error("the store refused the change to document {id}: {reason}")]
    Refused { id: Uuid, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn hub_actor() -> ActorId {
    static ACTOR: OnceLock<ActorId> = OnceLock::new();
    ACTOR.get_or_init(ActorId::random).clone()
}

/// Loads the clinic's document `doc_id`, runs `edit` on it as the hub, and stores the
/// change. `Ok(None)` when `edit` changed nothing; otherwise the change's seq.
pub async fn edit_doc<S, F>(
    hub: &Hub<S>,
    clinic: ClinicId,
    doc_id: Uuid,
    edit: F,
) -> Result<Option<u64>, WriteError>
where
    S: HubStore,
    F: FnOnce(&mut AutoCommit) -> Result<(), String> + Send + 'static,
{
    let mut store = hub.store.clone();
    let fetched = store
        .fetch(
            clinic,
            &[FetchItem {
                doc_id,
                have: Vec::new(),
            }],
        )
        .await?
        .into_iter()
        .next()
        .flatten()
        .ok_or(WriteError::NotFound { id: doc_id })?;
    let data = fetched.data;
    // Loading, editing and saving is Automerge work: on the pool.
    let changes = hub
        .store
        .doc_pool()
        .run(move || -> Result<Option<Vec<u8>>, Box<WriteError>> {
            let mut doc = AutoCommit::load(&data)
                .map_err(|source| WriteError::Load { id: doc_id, source })?;
            doc.set_actor(hub_actor());
            let before = doc.get_heads();
            edit(&mut doc).map_err(|reason| WriteError::Edit { id: doc_id, reason })?;
            doc.commit_with(Provenance::hub().commit_options(now_millis()));
            Ok((doc.get_heads() != before).then(|| doc.save_after(&before)))
        })
        .await
        .map_err(|source| StoreError::Pool { source })?
        .map_err(|e| *e)?;
    let Some(changes) = changes else {
        return Ok(None);
    };
    store_push(hub, clinic, doc_id, fetched.doc_type, changes)
        .await
        .map(Some)
}

/// Stores a new document the hub built (its type is read from the document).
pub async fn create_doc<S: HubStore>(
    hub: &Hub<S>,
    clinic: ClinicId,
    doc_id: Uuid,
    doc: &mut AutoCommit,
) -> Result<u64, WriteError> {
    doc.set_actor(hub_actor());
    doc.commit_with(Provenance::hub().commit_options(now_millis()));
    let meta = dermis_model::doc::read_meta(doc).map_err(|e| WriteError::Edit {
        id: doc_id,
        reason: e.to_string(),
    })?;
    let doc_type = meta.doc_type.as_str().to_owned();
    store_push(hub, clinic, doc_id, doc_type, doc.save()).await
}

async fn store_push<S: HubStore>(
    hub: &Hub<S>,
    clinic: ClinicId,
    doc_id: Uuid,
    doc_type: String,
    data: Vec<u8>,
) -> Result<u64, WriteError> {
    let mut store = hub.store.clone();
    let push = DocPush {
        doc_id,
        doc_type,
        data,
    };
    let outcome = store.apply(clinic, &[push]).await?.into_iter().next();
    match outcome {
        Some(PushOutcome::Applied { seq, .. }) => {
            hub.registry.advance(clinic, seq);
            Ok(seq)
        }
        Some(PushOutcome::Rejected { message, .. }) => Err(WriteError::Refused {
            id: doc_id,
            reason: message,
        }),
        Some(PushOutcome::NeedFull) => Err(WriteError::Refused {
            id: doc_id,
            reason: "the store lacks the history the change depends on".into(),
        }),
        None => Err(WriteError::Refused {
            id: doc_id,
            reason: "the store answered nothing".into(),
        }),
    }
}
