//! Joining a hub's clinic with a one-time enrollment code. A fresh data dir becomes a
//! node of the hub's clinic; a standalone node that already holds data keeps all of it:
//! its documents move into the hub's clinic (an ordinary edit each, so they sync), and
//! its staff users are added to the hub's clinic document.

use std::path::Path;

use base64::Engine;
use dermis_model::clinic::{self, UserDraft};
use dermis_model::{ClinicId, DocId, DocType, NodeId};
use serde::{Deserialize, Serialize};

use super::link::{HubLink, LinkError, certificate_problem};
use super::state;
use crate::node::{Node, OpError, doc_error, now};
use crate::store::{Store, StoreError, queries};

#[derive(Debug, thiserror::Error)]
pub enum EnrollError {
    #[error("the hub at {url} could not be reached ({reason})")]
    Unreachable { url: String, reason: String },
    #[error("cannot enroll with the hub at {url}: {problem}")]
    Certificate { url: String, problem: String },
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error("the hub refused the enrollment code ({message})")]
    Refused { message: String },
    #[error("the hub's answer was not understood ({reason})")]
    BadAnswer { reason: String },
    #[error(
        "this node already belongs to clinic {clinic} of hub {hub}; use a new data dir to join another"
    )]
    AlreadyEnrolled { hub: String, clinic: ClinicId },
    #[error(transparent)]
    Op(#[from] OpError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Serialize)]
struct EnrollRequest<'a> {
    code: &'a str,
    node_name: &'a str,
}

#[derive(Deserialize, Debug)]
pub struct Enrolled {
    pub node_id: NodeId,
    pub clinic_id: ClinicId,
    pub clinic_name: String,
    pub node_number: u32,
    pub token: String,
    pub clinic_doc: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    message: Option<String>,
    error: Option<String>,
}

/// `http(s)://host:port` for a hub address given in any of the accepted forms.
pub fn http_base(hub: &str) -> String {
    let base = hub.trim().trim_end_matches('/');
    let base = base.strip_suffix("/sync").unwrap_or(base);
    if let Some(rest) = base.strip_prefix("wss://") {
        format!("https://{rest}")
    } else if let Some(rest) = base.strip_prefix("ws://") {
        format!("http://{rest}")
    } else if base.starts_with("http://") || base.starts_with("https://") {
        base.to_owned()
    } else {
        format!("http://{base}")
    }
}

/// Asks the hub for a node identity in exchange for the code.
pub async fn request(link: &HubLink, code: &str, node_name: &str) -> Result<Enrolled, EnrollError> {
    let url = format!("{}/api/enroll", link.base());
    let client =
        link.http_client(reqwest::Client::builder().timeout(std::time::Duration::from_secs(20)))?;
    let response = client
        .post(&url)
        .json(&EnrollRequest {
            code: code.trim(),
            node_name,
        })
        .send()
        .await
        .map_err(|e| match certificate_problem(&e) {
            Some(problem) => EnrollError::Certificate {
                url: link.base().to_owned(),
                problem,
            },
            None => EnrollError::Unreachable {
                url: url.clone(),
                reason: dermis_sync::driver::error_chain(&e),
            },
        })?;
    let status = response.status();
    if !status.is_success() {
        let body: Option<ErrorBody> = response.json().await.ok();
        let message = body
            .and_then(|b| b.message.or(b.error))
            .unwrap_or_else(|| status.to_string());
        return Err(EnrollError::Refused { message });
    }
    response
        .json::<Enrolled>()
        .await
        .map_err(|e| EnrollError::BadAnswer {
            reason: e.to_string(),
        })
}

/// Enrolls the node in `data_dir` (creating it when empty) with the hub's answer.
pub fn apply(
    data_dir: &Path,
    link: &HubLink,
    enrolled: &Enrolled,
    node_name: &str,
) -> Result<Node, EnrollError> {
    let clinic_doc = base64::engine::general_purpose::STANDARD
        .decode(enrolled.clinic_doc.trim())
        .map_err(|e| EnrollError::BadAnswer {
            reason: format!("clinic document: {e}"),
        })?;
    let path = Node::store_path(data_dir);
    let fresh = !path.exists();
    let mut store = if fresh {
        Store::create(&path)?
    } else {
        Store::open(&path)?
    };
    store.set_node(enrolled.node_id);
    let old_clinic: Option<ClinicId> = store.meta("clinic_id")?.and_then(|c| c.parse().ok());
    if let (Some(old), Some(old_hub)) = (old_clinic, state::get(store.conn(), state::HUB_URL)?)
        && old != enrolled.clinic_id
    {
        return Err(EnrollError::AlreadyEnrolled {
            hub: old_hub,
            clinic: old,
        });
    }
    let new_clinic_doc = DocId(enrolled.clinic_id.0);
    let mut tx = store.begin(now())?;
    if fresh {
        tx.set_meta("format", "dermis-node")?;
        tx.set_meta("created_at", &now().to_string())?;
    }
    tx.apply_remote(
        new_clinic_doc,
        DocType::Clinic,
        enrolled.clinic_id,
        &clinic_doc,
    )?;
    if let Some(old) = old_clinic.filter(|old| *old != enrolled.clinic_id) {
        // A standalone node joins: move its documents into the hub's clinic.
        let old_doc = DocId(old.0);
        let old_users = match tx.doc(old_doc)? {
            Some(doc) => clinic::read_clinic(doc).map_err(doc_error(old_doc))?.users,
            None => Vec::new(),
        };
        let hub_users = match tx.doc(new_clinic_doc)? {
            Some(doc) => {
                clinic::read_clinic(doc)
                    .map_err(doc_error(new_clinic_doc))?
                    .users
            }
            None => Vec::new(),
        };
        if let Some(doc) = tx.edit(new_clinic_doc)? {
            for user in old_users
                .iter()
                .filter(|u| hub_users.iter().all(|h| h.username != u.username))
            {
                let draft = UserDraft {
                    username: user.username.clone(),
                    display_name: user.display_name.clone(),
                    role: user.role,
                    password_hash: user.password_hash.clone(),
                };
                clinic::add_user(doc, user.id, &draft).map_err(doc_error(new_clinic_doc))?;
                if !user.active {
                    clinic::set_user_active(doc, user.id, false)
                        .map_err(doc_error(new_clinic_doc))?;
                }
            }
        }
        for doc_type in [
            DocType::Patient,
            DocType::Product,
            DocType::Ledger,
            DocType::Appointment,
        ] {
            for id in queries::doc_ids(tx.sql(), doc_type.as_str())? {
                let Ok(id) = id.parse::<DocId>() else {
                    continue;
                };
                if let Some(doc) = tx.edit(id)? {
                    dermis_model::doc::set_clinic(doc, enrolled.clinic_id)
                        .map_err(doc_error(id))?;
                }
            }
        }
        // The standalone clinic document never left this node; its users now live in the hub's.
        crate::store::sync_rows::forget_local_doc(tx.sql(), &old_doc.to_string())?;
    }
    tx.set_meta("node_id", &enrolled.node_id.to_string())?;
    tx.set_meta("node_name", node_name)?;
    tx.set_meta("node_code", &format!("N{}", enrolled.node_number))?;
    tx.set_meta("clinic_id", &enrolled.clinic_id.to_string())?;
    state::set(tx.sql(), state::HUB_URL, link.base())?;
    match link.transport() {
        super::link::Transport::InsecureHttp => {
            state::set(tx.sql(), state::HUB_ALLOW_INSECURE_HTTP, "true")?;
        }
        _ => state::clear(tx.sql(), state::HUB_ALLOW_INSECURE_HTTP)?,
    }
    match link.ca_pem().map(String::from_utf8_lossy) {
        Some(pem) => state::set(tx.sql(), state::HUB_CA_PEM, &pem)?,
        None => state::clear(tx.sql(), state::HUB_CA_PEM)?,
    }
    state::set(tx.sql(), state::HUB_TOKEN, &enrolled.token)?;
    state::clear(tx.sql(), state::LAST_ERROR)?;
    tx.commit()?;
    drop(store);
    Ok(Node::open(data_dir)?)
}
