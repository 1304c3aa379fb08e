//! `staff.changed`: who changed the clinic's staff users or roles, when, from which node.
//!
//! Derived from the clinic document's history, one event per Automerge change that
//! writes under `users` or `roles` (the same test the hub's staff rule applies,
//! [`crate::store::rules::staff::touches_staff`]), keyed by the change's hash, so a
//! change seen again derives nothing new. What each change did to each user is read
//! from the document as of that change (`get_at`), not from its present state: a role
//! set to admin and later back to nurse shows as two events with their own roles.
//!
//! Who and where come from the change's provenance record
//! ([`dermis_model::provenance`]): the hub's staff rule has already checked that the
//! author named there was an active admin when the change arrived; the node is the one
//! the record names. Payloads carry ids, login names and roles, never password hashes
//! or display names.

use std::collections::BTreeMap;

use automerge::{AutoCommit, ChangeHash, ObjId, ReadDoc, Value};
use dermis_model::clinic::Clinic;
use dermis_model::provenance::{Author, Provenance};
use dermis_model::{ClinicId, Millis};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::events::{DerivedEvent, EventType};
use crate::store::rules::place::{Places, Touch};
use crate::store::rules::staff::touches_staff;

/// What one change did to one user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserChange {
    pub user_id: String,
    /// The login name as of the change (empty if the change left none).
    pub username: String,
    /// What changed: `added`, `role`, `active`, `password`, `username`, `display_name`,
    /// `removed`, or another field's name.
    pub what: Vec<String>,
    /// The user's role and whether they were active, as of the change.
    pub role: Option<String>,
    pub active: Option<bool>,
}

/// Who made a change, as its provenance record says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedBy {
    /// `user`, `operator`, `hub` or `unknown` (no readable provenance record).
    pub kind: String,
    pub user_id: Option<String>,
    /// The author's login name, when the clinic has them.
    pub username: Option<String>,
}

/// The `data` of a `staff.changed` event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffChange {
    pub clinic_id: ClinicId,
    /// The Automerge change's hash (hex).
    pub change: String,
    /// When the change was made, as its author's clock says (RFC 3339), if recorded.
    pub at: Option<String>,
    /// The same, in milliseconds since the epoch, for sorting.
    pub at_ms: Option<Millis>,
    pub by: ChangedBy,
    /// The node the change was made on, as its provenance record says.
    pub node_id: Option<String>,
    pub users: Vec<UserChange>,
    /// Whether the change also wrote the clinic's role definitions.
    #[serde(default)]
    pub roles: bool,
    /// The change's place in the clinic document's history (causal order): orders
    /// changes made within the same second.
    #[serde(default)]
    pub position: u64,
}

/// One `staff.changed` event per change of `doc` (a clinic document) that writes staff.
/// A change the document cannot place is skipped (the hub's rules refused any such push).
/// `current` (the clinic as it reads now, if it does) names the authors.
pub fn derive_staff(
    clinic: ClinicId,
    doc: &mut AutoCommit,
    current: Option<&Clinic>,
) -> Vec<DerivedEvent> {
    let changes = doc.get_changes(&[]);
    let doc: &AutoCommit = doc;
    let mut places = Places::new(doc);
    let mut out = Vec::new();
    for (position, change) in changes.iter().enumerate() {
        let Ok(placed) = places.place(change) else {
            continue;
        };
        let staff: Vec<&Touch> = placed.touches.iter().filter(|t| touches_staff(t)).collect();
        if staff.is_empty() {
            continue;
        }
        let mut users: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut roles = false;
        for touch in staff {
            match (touch.key(0), touch.key(1), touch.key(2)) {
                (Some("users"), Some(user), None) => {
                    let what = if touch.overwrites { "removed" } else { "added" };
                    note(&mut users, user, what);
                }
                (Some("users"), Some(user), Some(field)) => {
                    // Fields written into a user object this change made are its making.
                    let made = touch.obj(2).is_some_and(|obj| placed.created(obj));
                    if !made {
                        note(&mut users, user, field_name(field));
                    }
                }
                // Making the `users` map itself is part of making the clinic.
                (Some("users"), None, _) => {}
                _ => roles = true,
            }
        }
        if users.is_empty() && !roles {
            continue;
        }
        let heads = [placed.hash];
        let users = users
            .into_iter()
            .map(|(user_id, what)| user_as_of(doc, &heads, user_id, what))
            .collect();
        let data = StaffChange {
            clinic_id: clinic,
            change: placed.hash.to_string(),
            at: (change.timestamp() > 0)
                .then(|| dermis_model::rfc3339(change.timestamp().saturating_mul(1000))),
            at_ms: (change.timestamp() > 0).then(|| change.timestamp().saturating_mul(1000)),
            by: changed_by(placed.message.as_deref(), current),
            node_id: Provenance::decode(placed.message.as_deref())
                .ok()
                .and_then(|p| p.node)
                .map(|n| n.to_string()),
            users,
            roles,
            position: position as u64,
        };
        out.push(DerivedEvent {
            key: format!("staff.changed:{clinic}:{}", placed.hash),
            event_type: EventType::StaffChanged,
            data: serde_json::to_value(&data).unwrap_or_else(|_| json!({})),
        });
    }
    out
}

fn note(users: &mut BTreeMap<String, Vec<String>>, user: &str, what: &str) {
    let list = users.entry(user.to_string()).or_default();
    if !list.iter().any(|w| w == what) {
        list.push(what.to_string());
    }
}

/// The event's name for a user field: the password hash is `password`.
fn field_name(field: &str) -> &str {
    match field {
        "password_hash" => "password",
        other => other,
    }
}

/// The user's login name, role and state as of `heads`.
fn user_as_of(
    doc: &AutoCommit,
    heads: &[ChangeHash],
    user_id: String,
    what: Vec<String>,
) -> UserChange {
    let obj = object_at(doc, &automerge::ROOT, "users", heads)
        .and_then(|users| object_at(doc, &users, &user_id, heads));
    let text = |key: &str| obj.as_ref().and_then(|o| scalar_at(doc, o, key, heads));
    UserChange {
        username: text("username")
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        role: text("role").and_then(|v| v.as_str().map(str::to_string)),
        active: text("active").and_then(|v| v.as_bool()),
        user_id,
        what,
    }
}

fn object_at(doc: &AutoCommit, obj: &ObjId, key: &str, heads: &[ChangeHash]) -> Option<ObjId> {
    match doc.get_at(obj, key, heads) {
        Ok(Some((Value::Object(_), id))) => Some(id),
        _ => None,
    }
}

fn scalar_at(
    doc: &AutoCommit,
    obj: &ObjId,
    key: &str,
    heads: &[ChangeHash],
) -> Option<automerge::ScalarValue> {
    match doc.get_at(obj, key, heads) {
        Ok(Some((Value::Scalar(s), _))) => Some(s.into_owned()),
        _ => None,
    }
}

fn changed_by(message: Option<&str>, clinic: Option<&Clinic>) -> ChangedBy {
    match Provenance::decode(message) {
        Ok(Provenance {
            author: Author::User(id),
            ..
        }) => ChangedBy {
            kind: "user".into(),
            user_id: Some(id.to_string()),
            username: clinic.and_then(|c| c.user(id)).map(|u| u.username.clone()),
        },
        Ok(Provenance {
            author: Author::Operator,
            ..
        }) => ChangedBy {
            kind: "operator".into(),
            user_id: None,
            username: None,
        },
        Ok(Provenance {
            author: Author::Hub,
            ..
        }) => ChangedBy {
            kind: "hub".into(),
            user_id: None,
            username: None,
        },
        Err(_) => ChangedBy {
            kind: "unknown".into(),
            user_id: None,
            username: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::rules::forge::{self, by};
    use dermis_model::clinic::{Role, read_clinic};
    use dermis_model::{NodeId, UserId};

    fn changes(doc: &mut AutoCommit, clinic: ClinicId) -> Vec<StaffChange> {
        let current = read_clinic(doc).ok();
        derive_staff(clinic, doc, current.as_ref())
            .into_iter()
            .map(|e| {
                assert_eq!(e.event_type, EventType::StaffChanged);
                serde_json::from_value(e.data).unwrap_or_else(|e| panic!("{e}"))
            })
            .collect()
    }

    #[test]
    fn each_staff_change_is_one_event_with_who_where_and_the_role_of_its_time() {
        let clinic = ClinicId::new();
        let node = NodeId::new();
        let (admin, nurse) = (UserId::new(), UserId::new());
        let mut doc = forge::clinic_doc(clinic).unwrap_or_else(|e| panic!("{e}"));
        forge::add_staff(
            &mut doc,
            admin,
            "boss",
            Role::Admin,
            by(Provenance::operator(node)).as_deref(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let as_admin = by(Provenance::user(admin, node));
        forge::add_staff(&mut doc, nurse, "nina", Role::Nurse, as_admin.as_deref())
            .unwrap_or_else(|e| panic!("{e}"));
        forge::rename_clinic(&mut doc, "Not staff", as_admin.as_deref())
            .unwrap_or_else(|e| panic!("{e}"));
        forge::set_role(&mut doc, nurse, Role::Admin, as_admin.as_deref())
            .unwrap_or_else(|e| panic!("{e}"));
        forge::set_role(&mut doc, nurse, Role::Nurse, as_admin.as_deref())
            .unwrap_or_else(|e| panic!("{e}"));
        forge::set_active(&mut doc, nurse, false, None).unwrap_or_else(|e| panic!("{e}"));
        forge::set_password(&mut doc, admin, as_admin.as_deref()).unwrap_or_else(|e| panic!("{e}"));

        let got = changes(&mut doc, clinic);
        type Row<'a> = (
            &'a str,
            &'a str,
            Vec<&'a str>,
            Option<&'a str>,
            Option<bool>,
        );
        let summary: Vec<Row> = got
            .iter()
            .map(|c| {
                let u = &c.users[0];
                (
                    c.by.kind.as_str(),
                    u.username.as_str(),
                    u.what.iter().map(String::as_str).collect(),
                    u.role.as_deref(),
                    u.active,
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("operator", "boss", vec!["added"], Some("admin"), Some(true)),
                ("user", "nina", vec!["added"], Some("nurse"), Some(true)),
                ("user", "nina", vec!["role"], Some("admin"), Some(true)),
                ("user", "nina", vec!["role"], Some("nurse"), Some(true)),
                (
                    "unknown",
                    "nina",
                    vec!["active"],
                    Some("nurse"),
                    Some(false)
                ),
                ("user", "boss", vec!["password"], Some("admin"), Some(true)),
            ],
            "the rename is not a staff change; roles are as of each change"
        );
        assert!(got.iter().all(|c| c.users.len() == 1 && !c.roles));
        assert_eq!(got[1].by.username.as_deref(), Some("boss"));
        assert_eq!(got[1].node_id, Some(node.to_string()));
        assert_eq!(got[4].node_id, None, "no provenance, no node");
        let json = serde_json::to_string(&got).unwrap_or_default();
        assert!(
            !json.contains("argon2"),
            "no password hash in events: {json}"
        );
    }

    #[test]
    fn the_same_history_derives_the_same_keys_and_timed_changes_say_when() {
        let clinic = ClinicId::new();
        let node = NodeId::new();
        let user = UserId::new();
        let mut doc = forge::clinic_doc(clinic).unwrap_or_else(|e| panic!("{e}"));
        dermis_model::clinic::add_user(
            &mut doc,
            user,
            &dermis_model::clinic::UserDraft {
                username: "tim".into(),
                display_name: "Tim".into(),
                role: Role::Doctor,
                password_hash: "$argon2id$x".into(),
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        doc.commit_with(Provenance::operator(node).commit_options(1_800_000_000_123));
        let keys = |doc: &mut AutoCommit| -> Vec<String> {
            derive_staff(clinic, doc, None)
                .into_iter()
                .map(|e| e.key)
                .collect()
        };
        let first = keys(&mut doc);
        assert_eq!(first.len(), 1);
        assert_eq!(first, keys(&mut doc));
        let got = changes(&mut doc, clinic);
        assert_eq!(got[0].at_ms, Some(1_800_000_000_000));
        assert_eq!(got[0].at.as_deref(), Some("2027-01-15T08:00:00Z"));
    }
}
