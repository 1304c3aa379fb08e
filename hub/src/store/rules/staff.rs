//! Staff users and their roles, in the clinic document, are changed only by an active
//! admin of the clinic: a change that writes anything under `users` (or `roles`) must
//! carry a provenance record naming a user who is an active admin in the clinic
//! document as the hub held it before the push. Two exceptions, both what an honest node
//! does: any active user may change their own password, and while the clinic has no
//! active admin at all, any node of the clinic may add its staff (how a clinic starts:
//! its first users are added at a workstation by its operator).

use dermis_model::UserId;
use dermis_model::clinic::{Clinic, Role};
use dermis_model::provenance::{Author, Provenance};

use super::Refusal;
use super::place::{Placed, Touch};

/// The clinic document's keys that hold staff and roles.
const STAFF_KEYS: [&str; 2] = ["users", "roles"];
/// The clinic document's record of patient erasures: admins only too (an erasure drops
/// the patient on every node), but not a staff change.
const ERASURES: &str = "erasures";
const PASSWORD: &str = "password_hash";

/// Who may change staff, read from the clinic document before the push.
#[derive(Debug)]
pub enum Staff {
    /// No stored clinic document, or one without an active admin: anyone may.
    Starting,
    Known(Clinic),
    /// The stored clinic document does not read: nobody may.
    Unreadable,
}

impl Staff {
    pub fn of(before: Option<&automerge::AutoCommit>) -> Staff {
        match before.map(dermis_model::clinic::read_clinic) {
            None => Staff::Starting,
            Some(Err(_)) => Staff::Unreadable,
            Some(Ok(clinic)) if !clinic.users.iter().any(is_admin) => Staff::Starting,
            Some(Ok(clinic)) => Staff::Known(clinic),
        }
    }
}

fn is_admin(user: &dermis_model::clinic::User) -> bool {
    user.active && user.role == Role::Admin
}

/// Whether `touch` writes staff or roles.
pub fn touches_staff(touch: &Touch) -> bool {
    touch.key(0).is_some_and(|k| STAFF_KEYS.contains(&k))
}

/// Whether `touch` writes what only an admin may: staff, roles or erasures.
fn admin_only(touch: &Touch) -> bool {
    touches_staff(touch) || touch.key(0) == Some(ERASURES)
}

/// Refuses `change` if it writes staff, roles or erasures without naming an active admin.
pub fn check(staff: &Staff, change: &Placed) -> Result<(), Refusal> {
    if !change.touches.iter().any(admin_only) {
        return Ok(());
    }
    let clinic = match staff {
        Staff::Starting => return Ok(()),
        Staff::Known(clinic) => clinic,
        Staff::Unreadable => {
            return Err(Refusal::Staff {
                change: change.short(),
                by: "anyone: the stored clinic document does not read".into(),
            });
        }
    };
    let claimed = Provenance::decode(change.message.as_deref());
    let user = match claimed {
        Ok(Provenance {
            author: Author::User(id),
            ..
        }) => clinic.user(id),
        _ => None,
    };
    let allowed = user.is_some_and(|u| is_admin(u) || (u.active && own_password(change, u.id)));
    if allowed {
        return Ok(());
    }
    let by = match (claimed, user) {
        (Err(e), _) => format!("no one it can name ({e})"),
        (Ok(p), _) if p.author == Author::Operator => "the operator of a node".into(),
        (Ok(p), _) if p.author == Author::Hub => "the hub (nodes do not write as the hub)".into(),
        (Ok(_), Some(u)) if !u.active => format!("user {}, who is not active", u.id),
        (Ok(_), Some(u)) => format!("user {}, who is not an admin", u.id),
        (Ok(_), None) => "a user the clinic does not have".into(),
    };
    Err(Refusal::Staff {
        change: change.short(),
        by,
    })
}

/// Whether every staff write of `change` is `user`'s own password.
fn own_password(change: &Placed, user: UserId) -> bool {
    let own = user.to_string();
    change.touches.iter().filter(|t| admin_only(t)).all(|t| {
        t.depth() == 3
            && t.key(0) == Some("users")
            && t.key(1) == Some(own.as_str())
            && t.key(2) == Some(PASSWORD)
    })
}
