//! Staff users: added by an admin, held in the clinic document with argon2id hashes, so
//! login works offline on every node of the clinic.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use dermis_model::audit::AuditAction;
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
    let who = super::audit::Actor::of(node, session);
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
    super::audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Create,
        super::audit::other("user", id),
    )?;
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
    let who = super::audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let doc = tx.edit(doc_id)?.ok_or(OpError::NoClinic)?;
    f(doc, doc_id)?;
    super::audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Update,
        super::audit::other("user", id),
    )?;
    tx.commit()?;
    Ok(())
}

/// Failed sign-ins allowed before the first lock.
pub const FREE_ATTEMPTS: u32 = 4;
/// The first lock; each further failure doubles it, up to [`MAX_LOCK_MS`].
pub const FIRST_LOCK_MS: i64 = 30_000;
pub const MAX_LOCK_MS: i64 = 60 * 60 * 1000;

/// How long the `failures`-th failure in a row locks the user name: nothing for the
/// first [`FREE_ATTEMPTS`], then 30 s, 1 min, 2 min, … up to an hour.
pub fn lock_after(failures: u32) -> i64 {
    if failures <= FREE_ATTEMPTS {
        return 0;
    }
    let doublings = (failures - FREE_ATTEMPTS - 1).min(20);
    FIRST_LOCK_MS
        .saturating_mul(1i64 << doublings)
        .min(MAX_LOCK_MS)
}

/// What a sign-in came to.
#[derive(Debug)]
pub enum Login {
    SignedIn(Session),
    /// Unknown user, disabled user or wrong password: one answer for all three.
    Refused,
    /// Too many failures: not checked until `until` (unix ms).
    LockedOut {
        until: i64,
    },
}

impl Login {
    /// The session, if the sign-in succeeded.
    pub fn session(self) -> Option<Session> {
        match self {
            Login::SignedIn(session) => Some(session),
            Login::Refused | Login::LockedOut { .. } => None,
        }
    }
}

/// Checks a login against the hashes synced to this node. The same answer is given for
/// an unknown user and a wrong password. Failures lock the user name on this node with
/// growing delays ([`lock_after`]); while locked, the password is not even checked, so
/// guessing costs the guesser the delay.
pub fn login(node: &mut Node, username: &str, password: &str) -> Result<Login, OpError> {
    let now = crate::node::now();
    let failures = node.store.sign_in_failures(username)?;
    if failures.locked_until > now {
        super::audit::record_failed_sign_in(node, username)?;
        return Ok(Login::LockedOut {
            until: failures.locked_until,
        });
    }
    match check(node, username, password)? {
        Some(session) => {
            if failures.count > 0 {
                node.store.clear_sign_in_failures(username)?;
            }
            let target = super::audit::other(
                "user",
                session
                    .user_id()
                    .map_or_else(String::new, |id| id.to_string()),
            );
            super::audit::record(node, &session, AuditAction::SignIn, target)?;
            Ok(Login::SignedIn(session))
        }
        None => {
            super::audit::record_failed_sign_in(node, username)?;
            let record = node
                .store
                .record_sign_in_failure(username, lock_after, now)?;
            Ok(if record.locked_until > now {
                Login::LockedOut {
                    until: record.locked_until,
                }
            } else {
                Login::Refused
            })
        }
    }
}

fn check(node: &mut Node, username: &str, password: &str) -> Result<Option<Session>, OpError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_grows_with_each_failure_and_stops_at_an_hour() {
        let locks: Vec<i64> = (1..=12).map(lock_after).collect();
        assert_eq!(&locks[..4], &[0, 0, 0, 0]);
        assert_eq!(locks[4], 30_000);
        assert_eq!(locks[5], 60_000);
        assert_eq!(locks[6], 120_000);
        assert!(locks.windows(2).all(|w| w[1] >= w[0]));
        assert_eq!(lock_after(40), MAX_LOCK_MS);
        assert_eq!(lock_after(u32::MAX), MAX_LOCK_MS);
    }
}
