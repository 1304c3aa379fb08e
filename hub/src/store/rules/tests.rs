//! The rules through the apply path the stores use (`dermis_sync::apply`), on documents
//! built by the model and changes forged with Automerge directly ([`super::forge`]).

use std::cell::RefCell;

use automerge::{ActorId, AutoCommit, ChangeHash};
use dermis_model::clinic::Role;
use dermis_model::provenance::Provenance;
use dermis_model::{ClinicId, DocType, NodeId, PatientId, UserId};
use dermis_sync::apply::{self, ApplyError, Incoming, PushRules};
use dermis_sync::chunks::DocLimits;
use dermis_sync::wire::ErrorCode;
use uuid::Uuid;

use super::forge::{self, EncounterForgery, LedgerForgery, by};
use super::{HubRules, Refusal};

/// [`HubRules`], keeping the refusal it gave.
#[derive(Default)]
struct Kept(RefCell<Option<Refusal>>);

impl PushRules for Kept {
    fn check(&self, incoming: &Incoming<'_>) -> Result<(), ApplyError> {
        HubRules.judge(incoming).map_err(|r| {
            *self.0.borrow_mut() = Some(r.clone());
            r.into()
        })
    }

    fn needs_changes(&self, doc_type: DocType) -> bool {
        HubRules.needs_changes(doc_type)
    }
}

/// What the hub holding `stored` (`None`: nothing yet) decides about `pushed`, sent as
/// a node sends it: only what the hub lacks, or the whole document.
fn judge(
    stored: Option<&AutoCommit>,
    pushed: &mut AutoCommit,
    id: Uuid,
    doc_type: DocType,
    clinic: ClinicId,
) -> Result<(), Refusal> {
    let kept = Kept::default();
    let outcome = match stored {
        Some(stored) => {
            let heads: Vec<ChangeHash> = stored.clone().get_heads();
            let bytes = forge::push_bytes(pushed, &heads);
            apply::parse(&bytes, DocLimits::default())
                .and_then(|r| apply::apply_to_copy(stored, r, id, doc_type, clinic, &kept))
                .map(drop)
        }
        None => apply::parse(&pushed.save(), DocLimits::default())
            .and_then(|r| apply::load_new_record(r, id, doc_type, clinic, &kept))
            .map(drop),
    };
    match (outcome, kept.0.into_inner()) {
        (Ok(()), None) => Ok(()),
        (
            Err(ApplyError::Refused {
                code: ErrorCode::Forbidden,
                ..
            }),
            Some(refusal),
        ) => Err(refusal),
        (other, kept) => panic!("the push failed outside the rules: {other:?} {kept:?}"),
    }
}

fn node() -> (NodeId, ActorId, Provenance) {
    let node = NodeId::new();
    (
        node,
        dermis_model::doc::actor_for_node(node),
        Provenance::user(UserId::new(), node),
    )
}

#[test]
fn an_encounter_is_edited_signed_and_amended_honestly() {
    let clinic = ClinicId::new();
    let (_, actor, who) = node();
    let mut chart = forge::signed_chart(clinic, actor.clone(), who).unwrap();
    let id = chart.id.0;
    // The whole life at once, as a new document: drafts, signature, then an addendum.
    forge::addendum(&mut chart, who).unwrap();
    assert_eq!(
        judge(None, &mut chart.doc, id, DocType::Patient, clinic),
        Ok(())
    );
    // An addendum after the hub has the signature.
    let stored = chart.doc.clone();
    forge::addendum(&mut chart, who).unwrap();
    assert_eq!(
        judge(Some(&stored), &mut chart.doc, id, DocType::Patient, clinic),
        Ok(())
    );
    // An edit made offline before its author saw the signature is concurrent with it.
    let stored = chart.doc.clone();
    let (_, other, someone) = node();
    forge::concurrent_edit(&mut chart, other, someone).unwrap();
    assert_eq!(
        judge(Some(&stored), &mut chart.doc, id, DocType::Patient, clinic),
        Ok(())
    );
}

#[test]
fn every_change_to_a_signed_encounter_is_refused() {
    let clinic = ClinicId::new();
    for how in EncounterForgery::ALL {
        let (_, actor, who) = node();
        let mut chart = forge::signed_chart(clinic, actor, who).unwrap();
        let stored = chart.doc.clone();
        forge::forge_encounter(&mut chart, how, by(who).as_deref()).unwrap();
        let id = chart.id.0;
        let refused = judge(Some(&stored), &mut chart.doc, id, DocType::Patient, clinic);
        match refused {
            Err(Refusal::SignedEncounter { encounter, .. }) => {
                assert_eq!(encounter, chart.encounter.to_string(), "{how:?}")
            }
            other => panic!("{how:?} was not refused: {other:?}"),
        }
        // The same history sent whole to a hub that never saw the document.
        let refused = judge(None, &mut chart.doc, id, DocType::Patient, clinic);
        assert!(
            matches!(refused, Err(Refusal::SignedEncounter { .. })),
            "{how:?} sent whole: {refused:?}"
        );
    }
}

#[test]
fn the_refusal_names_the_change_and_field_and_no_content() {
    let clinic = ClinicId::new();
    let (_, actor, who) = node();
    let mut chart = forge::signed_chart(clinic, actor, who).unwrap();
    let stored = chart.doc.clone();
    forge::forge_encounter(&mut chart, EncounterForgery::EditNote, None).unwrap();
    let id = chart.id.0;
    let refused = judge(Some(&stored), &mut chart.doc, id, DocType::Patient, clinic)
        .err()
        .unwrap();
    let text = ApplyError::from(refused.clone()).to_string();
    assert!(
        text.contains("plan") && text.contains(&chart.encounter.to_string()),
        "{text}"
    );
    assert!(
        !text.contains("Oral") && !text.contains("Emollients"),
        "{text}"
    );
    assert_eq!(ApplyError::from(refused).code(), ErrorCode::Forbidden);
}

#[test]
fn a_ledger_takes_new_entries() {
    let clinic = ClinicId::new();
    let (node, _, who) = node();
    let mut books = forge::books(clinic, node, who).unwrap();
    let id = books.id.0;
    assert_eq!(
        judge(None, &mut books.doc, id, DocType::Ledger, clinic),
        Ok(())
    );
    let stored = books.doc.clone();
    forge::refund(&mut books, who).unwrap();
    assert_eq!(
        judge(Some(&stored), &mut books.doc, id, DocType::Ledger, clinic),
        Ok(())
    );
}

#[test]
fn a_recorded_entry_is_never_altered_or_removed() {
    let clinic = ClinicId::new();
    for how in LedgerForgery::ALL {
        let (node, _, who) = node();
        let mut books = forge::books(clinic, node, who).unwrap();
        let stored = books.doc.clone();
        forge::forge_ledger(&mut books, how, by(who).as_deref()).unwrap();
        let id = books.id.0;
        let refused = judge(Some(&stored), &mut books.doc, id, DocType::Ledger, clinic);
        assert!(
            matches!(refused, Err(Refusal::LedgerEntry { .. })),
            "{how:?} was not refused: {refused:?}"
        );
        let whole = judge(None, &mut books.doc, id, DocType::Ledger, clinic);
        assert!(
            matches!(whole, Err(Refusal::LedgerEntry { .. })),
            "{how:?} sent whole: {whole:?}"
        );
    }
}

/// A clinic document with an active admin (added while the clinic was starting) and a
/// doctor, as the hub holds it.
struct Staffed {
    doc: AutoCommit,
    admin: UserId,
    doctor: UserId,
    node: NodeId,
}

fn staffed(clinic: ClinicId) -> Staffed {
    let node = NodeId::new();
    let mut doc = forge::clinic_doc(clinic).unwrap();
    let stored = doc.clone();
    let (admin, doctor) = (UserId::new(), UserId::new());
    let operator = by(Provenance::operator(node));
    forge::add_staff(&mut doc, admin, "anna", Role::Admin, operator.as_deref()).unwrap();
    // While the clinic has no admin, any node of the clinic may add its staff.
    assert_eq!(
        judge(Some(&stored), &mut doc, clinic.0, DocType::Clinic, clinic),
        Ok(())
    );
    let stored = doc.clone();
    let as_admin = by(Provenance::user(admin, node));
    forge::add_staff(&mut doc, doctor, "dora", Role::Doctor, as_admin.as_deref()).unwrap();
    assert_eq!(
        judge(Some(&stored), &mut doc, clinic.0, DocType::Clinic, clinic),
        Ok(())
    );
    Staffed {
        doc,
        admin,
        doctor,
        node,
    }
}

#[test]
fn an_active_admin_changes_staff_and_users_their_own_password() {
    let clinic = ClinicId::new();
    let mut s = staffed(clinic);
    let stored = s.doc.clone();
    let as_admin = by(Provenance::user(s.admin, s.node));
    forge::set_role(&mut s.doc, s.doctor, Role::Nurse, as_admin.as_deref()).unwrap();
    forge::set_password(&mut s.doc, s.doctor, as_admin.as_deref()).unwrap();
    let as_doctor = by(Provenance::user(s.doctor, s.node));
    forge::set_password(&mut s.doc, s.doctor, as_doctor.as_deref()).unwrap();
    // Settings are not staff: the operator may rename the clinic.
    let operator = by(Provenance::operator(s.node));
    forge::rename_clinic(&mut s.doc, "Renamed", operator.as_deref()).unwrap();
    assert_eq!(
        judge(Some(&stored), &mut s.doc, clinic.0, DocType::Clinic, clinic),
        Ok(())
    );
}

/// The message a forged staff change carries, given the clinic it is forged against.
type ClaimedBy = Box<dyn Fn(&Staffed) -> Option<String>>;

#[test]
fn staff_changes_not_made_by_an_active_admin_are_refused() {
    let clinic = ClinicId::new();
    let node = NodeId::new();
    let stranger = UserId::new();
    let cases: Vec<(&str, ClaimedBy)> = vec![
        ("no message", Box::new(|_| None)),
        ("a foreign message", Box::new(|_| Some("fixed typo".into()))),
        (
            "a malformed record",
            Box::new(|_| Some("dermis/1 by=user:nope".into())),
        ),
        (
            "the operator",
            Box::new(move |_| by(Provenance::operator(node))),
        ),
        ("the hub", Box::new(|_| by(Provenance::hub()))),
        (
            "a user the clinic lacks",
            Box::new(move |_| by(Provenance::user(stranger, node))),
        ),
        (
            "a doctor",
            Box::new(move |s| by(Provenance::user(s.doctor, node))),
        ),
    ];
    for (who, message) in &cases {
        let mut s = staffed(clinic);
        let stored = s.doc.clone();
        let message = message(&s);
        forge::add_staff(
            &mut s.doc,
            UserId::new(),
            "mallory",
            Role::Admin,
            message.as_deref(),
        )
        .unwrap();
        let refused = judge(Some(&stored), &mut s.doc, clinic.0, DocType::Clinic, clinic);
        assert!(
            matches!(refused, Err(Refusal::Staff { .. })),
            "a new admin by {who}: {refused:?}"
        );
    }
    // A doctor may not promote themselves, nor set another user's password.
    let mut s = staffed(clinic);
    let stored = s.doc.clone();
    let as_doctor = by(Provenance::user(s.doctor, s.node));
    forge::set_role(&mut s.doc, s.doctor, Role::Admin, as_doctor.as_deref()).unwrap();
    assert!(matches!(
        judge(Some(&stored), &mut s.doc, clinic.0, DocType::Clinic, clinic),
        Err(Refusal::Staff { .. })
    ));
    let mut s = staffed(clinic);
    let stored = s.doc.clone();
    let as_doctor = by(Provenance::user(s.doctor, s.node));
    forge::set_password(&mut s.doc, s.admin, as_doctor.as_deref()).unwrap();
    assert!(matches!(
        judge(Some(&stored), &mut s.doc, clinic.0, DocType::Clinic, clinic),
        Err(Refusal::Staff { .. })
    ));
}

#[test]
fn an_admin_deactivated_before_the_push_is_no_longer_one() {
    let clinic = ClinicId::new();
    let mut s = staffed(clinic);
    let second = UserId::new();
    let as_admin = by(Provenance::user(s.admin, s.node));
    forge::add_staff(&mut s.doc, second, "sam", Role::Admin, as_admin.as_deref()).unwrap();
    let as_second = by(Provenance::user(second, s.node));
    forge::set_active(&mut s.doc, s.admin, false, as_second.as_deref()).unwrap();
    let stored = s.doc.clone();
    forge::set_role(&mut s.doc, s.doctor, Role::Admin, as_admin.as_deref()).unwrap();
    let refused = judge(Some(&stored), &mut s.doc, clinic.0, DocType::Clinic, clinic);
    assert!(
        matches!(&refused, Err(Refusal::Staff { by, .. }) if by.contains("not active")),
        "{refused:?}"
    );
}

#[test]
fn only_an_active_admin_records_a_patient_erasure() {
    let clinic = ClinicId::new();
    let node = NodeId::new();
    let mut s = staffed(clinic);
    for (who, message) in [
        ("the operator", by(Provenance::operator(node))),
        ("a doctor", by(Provenance::user(s.doctor, node))),
        ("no one", None),
    ] {
        let mut doc = s.doc.clone();
        forge::erase_patient(&mut doc, PatientId::new(), message.as_deref()).unwrap();
        let refused = judge(Some(&s.doc), &mut doc, clinic.0, DocType::Clinic, clinic);
        assert!(
            matches!(refused, Err(Refusal::Staff { .. })),
            "an erasure by {who}: {refused:?}"
        );
    }
    let stored = s.doc.clone();
    let as_admin = by(Provenance::user(s.admin, s.node));
    forge::erase_patient(&mut s.doc, PatientId::new(), as_admin.as_deref()).unwrap();
    assert_eq!(
        judge(Some(&stored), &mut s.doc, clinic.0, DocType::Clinic, clinic),
        Ok(())
    );
}
