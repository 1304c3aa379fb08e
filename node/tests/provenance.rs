//! Every change a node writes says who made it and on which node (the provenance record
//! of `dermis_model::provenance`): the signed-in staff user, in the window and at the
//! command line; the node's operator only while the clinic has no staff user yet.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::collections::HashMap;

use dermis_model::encounter::EncounterForm;
use dermis_model::patient::PatientForm;
use dermis_model::provenance::{Author, Provenance};
use dermis_model::{DocId, UserId};
use dermis_node::node::{Node, Session};
use dermis_node::ops;

/// Every change of every document in the store, with its provenance, by document.
fn provenance_by_doc(node: &mut Node) -> HashMap<DocId, Vec<Provenance>> {
    let ids: Vec<(String, String)> = {
        let mut stmt = node
            .store
            .conn()
            .prepare("SELECT id, doc_type FROM docs")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    ids.into_iter()
        .map(|(id, doc_type)| {
            let id: DocId = id.parse().unwrap();
            let all = node
                .store
                .with_doc_mut(id, |doc| {
                    doc.get_changes(&[])
                        .iter()
                        .map(|c| {
                            Provenance::of(c).unwrap_or_else(|e| {
                                panic!(
                                    "change {} of {doc_type} {id} has no provenance: {e}",
                                    c.hash()
                                )
                            })
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap()
                .unwrap();
            (id, all)
        })
        .collect()
}

fn patient(first: &str) -> PatientForm {
    PatientForm {
        first_name: first.into(),
        last_name: "Test".into(),
        ..Default::default()
    }
}

#[test]
fn the_window_and_the_cli_record_the_signed_in_user() {
    let dir = tempfile::tempdir().unwrap();
    let mut node = Node::init(dir.path(), "Provenance", "Desk").unwrap();
    let here = node.identity.node_id;
    // The first user is added at the workstation by its operator (how a clinic starts).
    let admin_id = ops::users::add(
        &mut node,
        &Session::operator(),
        "anna",
        "Anna Admin",
        "admin",
        "long enough",
    )
    .unwrap();
    let admin = ops::users::login(&mut node, "anna", "long enough")
        .unwrap()
        .session()
        .unwrap();
    let doctor_id = ops::users::add(
        &mut node,
        &admin,
        "dora",
        "Dr Dora",
        "doctor",
        "long enough",
    )
    .unwrap();
    let doctor = ops::users::login(&mut node, "dora", "long enough")
        .unwrap()
        .session()
        .unwrap();
    let p = ops::patients::add(&mut node, &admin, &patient("Ana")).unwrap();
    let form = EncounterForm {
        complaint: "Itch".into(),
        ..Default::default()
    };
    let e = ops::encounters::add(&mut node, &doctor, p, &form).unwrap();
    ops::encounters::sign(&mut node, &doctor, e).unwrap();
    drop(node);

    // The command line acts as the user it signed in as.
    let from_cli = common::ok_as(
        dir.path(),
        "dora",
        "long enough",
        &[
            "patient",
            "add",
            "--first-name",
            "Cli",
            "--last-name",
            "Made",
        ],
    );
    let from_cli: DocId = from_cli.parse().unwrap();

    let mut node = Node::open(dir.path()).unwrap();
    let by_doc = provenance_by_doc(&mut node);
    let user = |id: UserId| Provenance::user(id, here);
    let operator = Provenance::operator(here);
    assert_eq!(
        by_doc[&node.clinic_doc_id()],
        vec![operator, operator, user(admin_id)],
        "clinic created and first user added by the operator, the second by the admin"
    );
    assert_eq!(
        by_doc[&DocId(p.0)],
        vec![user(admin_id), user(doctor_id), user(doctor_id)],
        "patient by the admin, encounter and signature by the doctor"
    );
    assert_eq!(by_doc[&from_cli], vec![user(doctor_id)]);
    assert!(
        by_doc
            .values()
            .flatten()
            .all(|p| p.node == Some(here) && p.author != Author::Hub),
        "{by_doc:?}"
    );
}
