//! What a node may change, through real sync sessions on both stores: changes forged
//! with Automerge directly (signed encounters edited, ledger entries rewritten, staff
//! changed without an admin, with forged or missing provenance) are refused as
//! `forbidden`, nothing of them is stored or reaches another node, and the node keeps
//! the document parked with the reason; honest changes pass.

use std::time::Duration;

use automerge::{AutoCommit, ChangeHash};
use dermis_hub::store::HubStore;
use dermis_hub::store::rules::forge::{self, EncounterForgery, LedgerForgery, by};
use dermis_model::clinic::Role;
use dermis_model::provenance::Provenance;
use dermis_model::{ClinicId, DocType, NodeId, UserId};
use dermis_sync::node_engine::Problem;
use dermis_sync::wire::ErrorCode;
use uuid::Uuid;

use super::common::node::{Link, TestNode};
use super::common::{Fixture, TestHub, create_clinic, enroll, eventually, hub_heads, options};
use crate::on_both_stores;

const LONG: Duration = Duration::from_secs(3600);

/// Two nodes of one clinic, connected and caught up.
struct Clinic {
    hub: TestHub,
    clinic: ClinicId,
    a: TestNode,
    la: Link,
    b: TestNode,
    _lb: Link,
}

async fn clinic<S: HubStore>(f: &Fixture<S>, name: &str) -> Clinic {
    let hub = TestHub::start(f.store.clone(), options(f.dir.path(), LONG)).await;
    let clinic = create_clinic(&f.store, name).await;
    let a = TestNode::new(&enroll(&f.store, &hub, clinic, "A").await);
    let b = TestNode::new(&enroll(&f.store, &hub, clinic, "B").await);
    let mut la = a.connect(&hub.ws()).await;
    let mut lb = b.connect(&hub.ws()).await;
    la.caught_up_after(0).await;
    lb.caught_up_after(0).await;
    Clinic {
        hub,
        clinic,
        a,
        la,
        b,
        _lb: lb,
    }
}

impl Clinic {
    fn node_a(&self) -> NodeId {
        NodeId(self.a.id)
    }

    /// Node A pushes its edit of `id`; waits until the hub and node B have `heads`.
    async fn accepted<S: HubStore>(&self, store: &S, id: Uuid, doc: &mut AutoCommit) {
        let mut heads: Vec<ChangeHash> = doc.get_heads();
        heads.sort();
        self.la.changed();
        eventually("the hub and node B to take an honest change", || async {
            hub_heads(store, self.clinic).await.get(&id) == Some(&heads)
                && self.b.heads().await.get(&id) == Some(&heads)
        })
        .await;
        assert_eq!(self.a.rejected(id).await, None);
    }

    /// Node A pushes its edit of `id`; waits for the refusal and checks that nothing of
    /// it reached the hub or node B, and that A keeps it parked with its reason.
    async fn refused<S: HubStore>(&mut self, store: &S, id: Uuid, what: &str) -> String {
        let hub_before = hub_heads(store, self.clinic).await.get(&id).cloned();
        let b_before = self.b.heads().await.get(&id).cloned();
        self.la.changed();
        let state = self
            .la
            .wait(what, |s| s.problems.iter().any(|p| p.doc_id() == id))
            .await;
        // The engine reports the refusal, then stores it.
        eventually(&format!("{what}: node A to keep the refusal"), || async {
            self.a.rejected(id).await.is_some()
        })
        .await;
        let reason = self.a.rejected(id).await.unwrap_or_default();
        assert_eq!(
            hub_heads(store, self.clinic).await.get(&id).cloned(),
            hub_before,
            "{what}: the hub stored nothing of it"
        );
        assert_eq!(
            self.b.heads().await.get(&id).cloned(),
            b_before,
            "{what}: node B received nothing of it"
        );
        let problems: Vec<_> = state.problems.iter().filter(|p| p.doc_id() == id).collect();
        assert!(
            problems.iter().all(|p| matches!(
                p,
                Problem::Refused {
                    code: ErrorCode::Forbidden,
                    ..
                }
            )),
            "{what}: refused as forbidden: {problems:?}"
        );
        assert!(self.la.is_open(), "{what}: the session goes on");
        reason
    }
}

async fn signed_encounters_stay_read_only<S: HubStore>(f: Fixture<S>) {
    let mut c = clinic(&f, "Signed").await;
    let store = f.store.clone();
    let who = Provenance::user(UserId::new(), c.node_a());
    let actor = dermis_model::doc::actor_for_node(c.node_a());

    // Honest: the signed chart, then an addendum.
    let mut chart =
        forge::signed_chart(c.clinic, actor.clone(), who).unwrap_or_else(|e| panic!("{e}"));
    let id = chart.id.0;
    c.a.put(id, DocType::Patient, chart.doc.clone()).await;
    c.accepted(&store, id, &mut chart.doc).await;
    forge::addendum(&mut chart, who).unwrap_or_else(|e| panic!("{e}"));
    c.a.replace(id, &chart.doc).await;
    c.accepted(&store, id, &mut chart.doc).await;

    for how in EncounterForgery::ALL {
        let mut chart =
            forge::signed_chart(c.clinic, actor.clone(), who).unwrap_or_else(|e| panic!("{e}"));
        let id = chart.id.0;
        c.a.put(id, DocType::Patient, chart.doc.clone()).await;
        c.accepted(&store, id, &mut chart.doc).await;
        forge::forge_encounter(&mut chart, how, by(who).as_deref())
            .unwrap_or_else(|e| panic!("{e}"));
        c.a.replace(id, &chart.doc).await;
        let reason = c.refused(&store, id, &format!("{how:?}")).await;
        assert!(
            reason.contains("signed encounter") && reason.contains(&chart.encounter.to_string()),
            "{how:?}: {reason}"
        );
    }
    c.hub.stop().await;
}

async fn recorded_ledger_entries_stay_as_recorded<S: HubStore>(f: Fixture<S>) {
    let mut c = clinic(&f, "Ledger").await;
    let store = f.store.clone();
    let who = Provenance::user(UserId::new(), c.node_a());

    let mut books = forge::books(c.clinic, c.node_a(), who).unwrap_or_else(|e| panic!("{e}"));
    let id = books.id.0;
    c.a.put(id, DocType::Ledger, books.doc.clone()).await;
    c.accepted(&store, id, &mut books.doc).await;
    forge::refund(&mut books, who).unwrap_or_else(|e| panic!("{e}"));
    c.a.replace(id, &books.doc).await;
    c.accepted(&store, id, &mut books.doc).await;

    for how in LedgerForgery::ALL {
        let mut books = forge::books(c.clinic, c.node_a(), who).unwrap_or_else(|e| panic!("{e}"));
        let id = books.id.0;
        c.a.put(id, DocType::Ledger, books.doc.clone()).await;
        c.accepted(&store, id, &mut books.doc).await;
        forge::forge_ledger(&mut books, how, by(who).as_deref()).unwrap_or_else(|e| panic!("{e}"));
        c.a.replace(id, &books.doc).await;
        let reason = c.refused(&store, id, &format!("{how:?}")).await;
        assert!(reason.contains("append-only"), "{how:?}: {reason}");
    }
    c.hub.stop().await;
}

async fn only_an_active_admin_changes_staff<S: HubStore>(f: Fixture<S>) {
    let mut c = clinic(&f, "Staff").await;
    let store = f.store.clone();
    let id = c.clinic.0;
    let operator = by(Provenance::operator(c.node_a()));

    // The clinic starts: its first admin is added by a workstation's operator.
    let admin = UserId::new();
    let mut doc = c.a.copy(id).await;
    forge::add_staff(&mut doc, admin, "anna", Role::Admin, operator.as_deref())
        .unwrap_or_else(|e| panic!("{e}"));
    c.a.replace(id, &doc).await;
    c.accepted(&store, id, &mut doc).await;
    // From now on, the admin.
    let as_admin = by(Provenance::user(admin, c.node_a()));
    let doctor = UserId::new();
    forge::add_staff(&mut doc, doctor, "dora", Role::Doctor, as_admin.as_deref())
        .unwrap_or_else(|e| panic!("{e}"));
    forge::rename_clinic(&mut doc, "Staff (renamed)", operator.as_deref())
        .unwrap_or_else(|e| panic!("{e}"));
    c.a.replace(id, &doc).await;
    c.accepted(&store, id, &mut doc).await;

    let stranger = UserId::new();
    let forged: [(&str, Option<String>); 5] = [
        ("no provenance", None),
        ("a foreign message", Some("fixed typo".into())),
        ("the operator", operator.clone()),
        (
            "a user the clinic lacks",
            by(Provenance::user(stranger, c.node_a())),
        ),
        ("the doctor", by(Provenance::user(doctor, c.node_a()))),
    ];
    // Each forgery goes out from a node enrolled for it: a refused document stays
    // parked on the node that pushed it.
    for (who, message) in forged {
        let node = TestNode::new(&enroll(&store, &c.hub, c.clinic, who).await);
        let mut link = node.connect(&c.hub.ws()).await;
        link.caught_up_after(0).await;
        let mut forged = node.copy(id).await;
        forge::add_staff(
            &mut forged,
            UserId::new(),
            "mallory",
            Role::Admin,
            message.as_deref(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let hub_before = hub_heads(&store, c.clinic).await.get(&id).cloned();
        node.replace(id, &forged).await;
        link.changed();
        link.wait(who, |s| {
            s.problems.iter().any(|p| {
                matches!(p, Problem::Refused { doc_id, code: ErrorCode::Forbidden, .. } if *doc_id == id)
            })
        })
        .await;
        eventually(&format!("{who}: the node to keep the refusal"), || async {
            node.rejected(id).await.is_some()
        })
        .await;
        let reason = node.rejected(id).await.unwrap_or_default();
        assert!(reason.contains("only an active admin"), "{who}: {reason}");
        assert_eq!(
            hub_heads(&store, c.clinic).await.get(&id).cloned(),
            hub_before,
            "{who}: the hub stored nothing of it"
        );
        link.abort();
    }
    // The admin's own node, parked once, stays parked with its reason.
    forge::set_role(&mut doc, doctor, Role::Admin, operator.as_deref())
        .unwrap_or_else(|e| panic!("{e}"));
    c.a.replace(id, &doc).await;
    let reason = c.refused(&store, id, "a promotion by the operator").await;
    assert!(reason.contains("operator"), "{reason}");

    // What /admin/staff lists: the two accepted staff changes, who made them and on
    // which node; nothing of the refused ones, nor the rename.
    let clinics = [c.clinic];
    eventually("the projector to record the staff changes", || async {
        store
            .staff_changes(Some(&clinics), 50)
            .await
            .is_ok_and(|l| l.len() == 2)
    })
    .await;
    let listed = store
        .staff_changes(Some(&clinics), 50)
        .await
        .unwrap_or_default();
    type Seen = (String, Option<String>, Option<String>, String, Vec<String>);
    let seen: Vec<Seen> = listed
        .iter()
        .map(|s| {
            (
                s.by.kind.clone(),
                s.by.username.clone(),
                s.node_id.clone(),
                s.users[0].username.clone(),
                s.users[0].what.clone(),
            )
        })
        .collect();
    let node_a = Some(c.node_a().to_string());
    let added = vec!["added".to_string()];
    assert!(
        seen.contains(&(
            "operator".into(),
            None,
            node_a.clone(),
            "anna".into(),
            added.clone()
        )) && seen.contains(&(
            "user".into(),
            Some("anna".into()),
            node_a,
            "dora".into(),
            added
        )),
        "{seen:?}"
    );
    let other = create_clinic(&store, "Elsewhere").await;
    assert!(
        store
            .staff_changes(Some(&[other]), 50)
            .await
            .is_ok_and(|l| l.is_empty()),
        "another clinic's list is its own"
    );
    c.hub.stop().await;
}

on_both_stores!(
    signed_encounters_stay_read_only,
    recorded_ledger_entries_stay_as_recorded,
    only_an_active_admin_changes_staff,
);
