//! Staff users: added by an admin, held in the clinic document with argon2id hashes, so
//! login works offline on every node of the clinic.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use dermis_model::clinic::{self, Permission, Role, UserDraft};
use dermis_model::{ErrorCode, UserId, ValidationErrors};

use super::unknown;
use crate::node::{Node, OpError, Session, SessionUser, doc_error};

/// An argon2id hash in PHC format.
pub fn hash_password(password: &str) -> Result<String, OpError> {
    let mut bytes = [0u8; 16];
    rand::Rng::fill(&mut rand::rng(), &mut bytes);
    let salt = SaltString::encode_b64(&bytes).map_err(|_| {
        ValidationErrors::single(
            "password",
            ErrorCode::WeakPassword,
            "the password could not be hashed",
        )
    })?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| {
            ValidationErrors::single(
                "password",
                ErrorCode::WeakPassword,
                "the password could not be hashed",
            )
            .into()
        })
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Adds a staff user. The first user of a clinic may be added by anyone at the
/// workstation (that is how a clinic starts); after that only an admin may.
pub fn add(
    node: &mut Node,
    session: &Session,
    username: &str,
    display_name: &str,
    role: &str,
    password: &str,
) -> Result<UserId, OpError> {
    let clinic = node.clinic()?;
    if !clinic.users.is_empty() {
        session.require(Permission::ManageUsers)?;
    }
    let (username, display_name, role) =
        clinic::validate_user(&clinic, username, display_name, role, password)?;
    let password_hash = hash_password(password)?;
    let id = UserId::new();
    let doc_id = node.clinic_doc_id();
    let mut tx = node.begin(session)?;
    let doc = tx.edit(doc_id)?.ok_or(OpError::NoClinic)?;
    clinic::add_user(
        doc,
        id,
        &UserDraft {
            username,
            display_name,
            role,
            password_hash,
        },
    )
    .map_err(doc_error(doc_id))?;
    tx.commit()?;
    Ok(id)
}

pub fn set_role(node: &mut Node, session: &Session, id: UserId, role: Role) -> Result<(), OpError> {
    session.require(Permission::ManageUsers)?;
    edit_user(node, session, id, |doc, doc_id| {
        clinic::set_user_role(doc, id, role).map_err(doc_error(doc_id))
    })
}

pub fn set_active(
    node: &mut Node,
    session: &Session,
    id: UserId,
    active: bool,
) -> Result<(), OpError> {
    session.require(Permission::ManageUsers)?;
    edit_user(node, session, id, |doc, doc_id| {
        clinic::set_user_active(doc, id, active).map_err(doc_error(doc_id))
    })
}

pub fn set_password(
    node: &mut Node,
    session: &Session,
    id: UserId,
    password: &str,
) -> Result<(), OpError> {
    if session.user_id() != Some(id) {
        session.require(Permission::ManageUsers)?;
    }
    if password.chars().count() < clinic::MIN_PASSWORD_CHARS {
        return Err(ValidationErrors::single(
            "password",
            ErrorCode::WeakPassword,
            "password is too short",
        )
        .into());
    }
    let hash = hash_password(password)?;
    edit_user(node, session, id, |doc, doc_id| {
        clinic::set_user_password(doc, id, &hash).map_err(doc_error(doc_id))
    })
}

fn edit_user(
    node: &mut Node,
    session: &Session,
    id: UserId,
    f: impl FnOnce(&mut automerge::AutoCommit, dermis_model::DocId) -> Result<(), OpError>,
) -> Result<(), OpError> {
    if node.clinic()?.user(id).is_none() {
        return Err(unknown("user", ErrorCode::InvalidId, id));
    }
    let doc_id = node.clinic_doc_id();
    let mut tx = node.begin(session)?;
    let doc = tx.edit(doc_id)?.ok_or(OpError::NoClinic)?;
    f(doc, doc_id)?;
    tx.commit()?;
    Ok(())
}

/// Checks a login against the hashes synced to this node. The same answer is given for
/// an unknown user and a wrong password.
pub fn login(node: &mut Node, username: &str, password: &str) -> Result<Option<Session>, OpError> {
    let clinic = node.clinic()?;
    let Some(user) = clinic.user_by_name(username).filter(|u| u.active) else {
        // Spend the same time as a real check, so timing does not reveal user names.
        verify_password(
            password,
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2bVq6qqvdLeO9VnAx8YhS6VrKuT0wH3f1+yD1qMV9oY",
        );
        return Ok(None);
    };
    if !verify_password(password, &user.password_hash) {
        return Ok(None);
    }
    Ok(Some(Session::user(SessionUser {
        id: user.id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
    })))
}
