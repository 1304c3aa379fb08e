//! A node: its store plus who it is (node id, clinic, receipt prefix), and the session
//! (staff user and role) that every operation runs as. Operations live in `ops/`.

use std::path::{Path, PathBuf};

use automerge::ActorId;
use dermis_model::clinic::{self, Clinic, ClinicDraft, Permission, Role};
use dermis_model::encounter::Author;
use dermis_model::provenance::Provenance;
use dermis_model::{ClinicId, DocId, Millis, NodeId, UserId, ValidationErrors};

use crate::store::{Store, StoreError, Tx};

/// The store file inside a node's data directory.
pub const STORE_FILE: &str = "dermis-node.db";

/// Why an operation did not happen. Nothing is written in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum OpError {
    #[error("{0}")]
    Invalid(#[from] ValidationErrors),
    #[error("your role may not do this ({permission:?})")]
    Denied { permission: Permission },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("this node has no clinic yet; run `dermis-node init` or enroll with a hub")]
    NoClinic,
}

impl From<dermis_model::encounter::EditError> for OpError {
    fn from(e: dermis_model::encounter::EditError) -> Self {
        match e {
            dermis_model::encounter::EditError::Invalid(v) => OpError::Invalid(v),
            dermis_model::encounter::EditError::Schema(source) => {
                OpError::Store(StoreError::Document {
                    id: DocId(uuid::Uuid::nil()),
                    source,
                })
            }
        }
    }
}

/// A schema error while editing the document `id`.
pub fn doc_error(id: DocId) -> impl FnOnce(dermis_model::SchemaError) -> OpError {
    move |source| OpError::Store(StoreError::Document { id, source })
}

/// Who is acting. `user: None` is the local operator at the command line, who may do
/// everything (the CLI is an administration tool run on the workstation itself).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Session {
    pub user: Option<SessionUser>,
    /// Name recorded as author when there is no staff user.
    pub operator_name: String,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SessionUser {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

impl Session {
    pub fn operator() -> Session {
        let name = std::env::var("DERMIS_USER")
            .or_else(|_| std::env::var("USER"))
            .unwrap_or_else(|_| "operator".into());
        Session {
            user: None,
            operator_name: name,
        }
    }

    pub fn user(user: SessionUser) -> Session {
        Session {
            operator_name: user.display_name.clone(),
            user: Some(user),
        }
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.user.as_ref().is_none_or(|u| u.role.can(permission))
    }

    /// Refuses with `Denied` unless the session holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), OpError> {
        if self.can(permission) {
            Ok(())
        } else {
            Err(OpError::Denied { permission })
        }
    }

    pub fn author(&self) -> Author {
        match &self.user {
            Some(u) => Author {
                id: Some(u.id),
                name: u.display_name.clone(),
            },
            None => Author {
                id: None,
                name: self.operator_name.clone(),
            },
        }
    }

    pub fn user_id(&self) -> Option<UserId> {
        self.user.as_ref().map(|u| u.id)
    }

    /// What this session's changes on `node` carry: the staff user, else the operator.
    pub fn provenance(&self, node: NodeId) -> Provenance {
        match &self.user {
            Some(u) => Provenance::user(u.id, node),
            None => Provenance::operator(node),
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Identity {
    pub node_id: NodeId,
    pub node_name: String,
    /// Prefix of this node's receipt numbers and record numbers, e.g. `N3`.
    pub node_code: String,
    pub clinic_id: ClinicId,
}

pub struct Node {
    pub store: Store,
    pub identity: Identity,
    data_dir: PathBuf,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("identity", &self.identity)
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

/// The instant used for new records: the wall clock.
pub fn now() -> Millis {
    dermis_model::now_millis()
}

pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

fn read_identity(store: &Store) -> Result<Identity, OpError> {
    let get = |key: &str| -> Result<String, OpError> { store.meta(key)?.ok_or(OpError::NoClinic) };
    let parse_err = |key: &str| {
        OpError::Store(StoreError::NotAStore {
            path: store.path().to_owned(),
            reason: format!("meta {key} is damaged"),
        })
    };
    Ok(Identity {
        node_id: get("node_id")?.parse().map_err(|_| parse_err("node_id"))?,
        node_name: get("node_name")?,
        node_code: get("node_code")?,
        clinic_id: get("clinic_id")?
            .parse()
            .map_err(|_| parse_err("clinic_id"))?,
    })
}

impl Node {
    pub fn store_path(data_dir: &Path) -> PathBuf {
        data_dir.join(STORE_FILE)
    }

    pub fn open(data_dir: &Path) -> Result<Node, OpError> {
        let mut store = Store::open(&Self::store_path(data_dir))?;
        let identity = read_identity(&store)?;
        store.set_node(identity.node_id);
        // Photos imported before schema 3 get their upload rows (once per store). The
        // upload lane retries this, so a failure here only delays it.
        if let Err(error) = crate::sync::photos::backfill(store.conn(), data_dir) {
            tracing::warn!(%error, "could not record the uploads of older photos");
        }
        let node = Node {
            store,
            identity,
            data_dir: data_dir.to_owned(),
        };
        node.finish_erasures();
        Ok(node)
    }

    /// Removes what erasures left to do after their transaction: photo files, and the
    /// pre-erasure pages in the WAL. A failure only delays it to the next time.
    pub fn finish_erasures(&self) {
        if let Err(error) = crate::ops::erasure::remove_erased_files(self) {
            tracing::warn!(%error, "could not remove the files of erased patients yet");
        }
        if let Err(error) = self.store.scrub_after_erasure() {
            tracing::warn!(%error, "could not truncate the WAL after an erasure yet");
        }
    }

    /// Creates a standalone node with a new clinic. It can join a hub later.
    pub fn init(data_dir: &Path, clinic_name: &str, node_name: &str) -> Result<Node, OpError> {
        let draft = ClinicDraft::new(clinic_name)?;
        let mut errors = ValidationErrors::default();
        let node_name = dermis_model::validate::text_field(
            &mut errors,
            "node_name",
            node_name,
            true,
            100,
            false,
        );
        errors.into_result(())?;
        let node_name = node_name.unwrap_or_default();
        let mut store = Store::create(&Self::store_path(data_dir))?;
        let identity = Identity {
            node_id: NodeId::new(),
            node_name,
            node_code: "N1".into(),
            clinic_id: ClinicId::new(),
        };
        store.set_node(identity.node_id);
        let doc = clinic::create_clinic(
            identity.clinic_id,
            &draft,
            dermis_model::doc::actor_for_node(identity.node_id),
        )
        .map_err(doc_error(DocId(identity.clinic_id.0)))?;
        let mut tx = store.begin(now())?;
        tx.set_meta("format", "dermis-node")?;
        tx.set_meta("node_id", &identity.node_id.to_string())?;
        tx.set_meta("node_name", &identity.node_name)?;
        tx.set_meta("node_code", &identity.node_code)?;
        tx.set_meta("clinic_id", &identity.clinic_id.to_string())?;
        tx.set_meta("created_at", &now().to_string())?;
        tx.insert(
            DocId(identity.clinic_id.0),
            dermis_model::DocType::Clinic,
            doc,
        )?;
        tx.commit()?;
        Ok(Node {
            store,
            identity,
            data_dir: data_dir.to_owned(),
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Starts a write whose changes are recorded as made by `session` on this node.
    pub fn begin(&mut self, session: &Session) -> Result<Tx<'_>, StoreError> {
        let by = session.provenance(self.identity.node_id);
        self.store.begin_as(now(), by)
    }

    pub fn actor(&self) -> ActorId {
        self.store
            .actor()
            .cloned()
            .unwrap_or_else(|| dermis_model::doc::actor_for_node(self.identity.node_id))
    }

    pub fn clinic_doc_id(&self) -> DocId {
        DocId(self.identity.clinic_id.0)
    }

    pub fn clinic(&mut self) -> Result<Clinic, OpError> {
        let id = self.clinic_doc_id();
        match self.store.with_doc(id, clinic::read_clinic)? {
            Some(result) => result.map_err(doc_error(id)),
            None => Err(OpError::NoClinic),
        }
    }

    /// Re-reads identity after another process changed it (enrollment).
    pub fn reload_identity(&mut self) -> Result<(), OpError> {
        self.identity = read_identity(&self.store)?;
        Ok(())
    }
}
