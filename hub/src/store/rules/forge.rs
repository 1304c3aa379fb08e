//! Honest and forged documents for testing the rules: each forgery is a change no honest
//! node makes, written with Automerge directly (the node's own checks never run), with
//! whatever provenance message the test chooses, a missing or forged one included. The
//! unit tests beside the rules and the sync tests over real sockets share these.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, AutoCommit, ChangeHash, ObjId, ObjType, ROOT};
use dermis_model::clinic::{self, ClinicDraft, Role, UserDraft};
use dermis_model::encounter::{self, Author, EncounterDraft};
use dermis_model::ledger::{self, MovementKind, Sale, SaleKind, StockMovement};
use dermis_model::patient::{PatientDraft, create_patient};
use dermis_model::provenance::Provenance;
use dermis_model::{
    AddendumId, ClinicId, Currency, DocId, EncounterId, MovementId, NodeId, PatientId, ProductId,
    SaleId, SchemaError, UserId,
};

pub type Forged<T> = Result<T, SchemaError>;

/// Commits what is pending on `doc` with `message` (`None`: no message at all).
pub fn commit(doc: &mut AutoCommit, message: Option<&str>) -> Option<ChangeHash> {
    let mut options = CommitOptions::default();
    if let Some(m) = message {
        options.set_message(m);
    }
    doc.commit_with(options)
}

/// The message a change made by `p` carries.
pub fn by(p: Provenance) -> Option<String> {
    Some(p.encode())
}

fn map(doc: &AutoCommit, obj: &ObjId, key: &str) -> Forged<ObjId> {
    dermis_model::doc::map_at(doc, obj, key)?.ok_or_else(|| SchemaError::Missing {
        field: key.to_owned(),
    })
}

/// A patient with one encounter, signed.
pub struct Chart {
    pub id: PatientId,
    pub encounter: EncounterId,
    pub doc: AutoCommit,
    /// Heads before the encounter was made.
    pub before_encounter: Vec<ChangeHash>,
    /// Heads before it was signed.
    pub before_signing: Vec<ChangeHash>,
}

pub fn signed_chart(clinic: ClinicId, actor: ActorId, who: Provenance) -> Forged<Chart> {
    let id = PatientId::new();
    let draft = PatientDraft {
        first_name: "Ana".into(),
        last_name: "Test".into(),
        ..Default::default()
    };
    let mut doc = create_patient(id, clinic, &draft, "N1-1", 1_000, None, actor)?;
    commit(&mut doc, by(who).as_deref());
    let before_encounter = doc.get_heads();
    let encounter = EncounterId::new();
    let doctor = Author {
        id: None,
        name: "Dr Test".into(),
    };
    let visit = EncounterDraft {
        date: time::macros::date!(2026 - 01 - 05),
        complaint: "Itch".into(),
        subjective: "Two weeks".into(),
        objective: String::new(),
        assessment: String::new(),
        plan: "Emollients".into(),
        diagnoses: vec![encounter::Diagnosis {
            code: "L30.9".into(),
            label: "Dermatitis".into(),
        }],
    };
    encounter::add_encounter(&mut doc, encounter, &visit, &doctor, 2_000).map_err(schema)?;
    commit(&mut doc, by(who).as_deref());
    let before_signing = doc.get_heads();
    encounter::sign_encounter(&mut doc, encounter, &doctor, 3_000).map_err(schema)?;
    commit(&mut doc, by(who).as_deref());
    Ok(Chart {
        id,
        encounter,
        doc,
        before_encounter,
        before_signing,
    })
}

fn schema(e: encounter::EditError) -> SchemaError {
    match e {
        encounter::EditError::Schema(s) => s,
        encounter::EditError::Invalid(v) => SchemaError::Invalid {
            field: v.to_string(),
        },
    }
}

/// Ways to change a signed encounter that no honest node makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncounterForgery {
    EditNote,
    Unsign,
    DropDiagnosis,
    RemoveEncounter,
    ReplaceEncounters,
    /// Another encounter under the same id, written from a state before the first
    /// existed (so it names nothing it replaces).
    EncounterBeside,
}

impl EncounterForgery {
    pub const ALL: [EncounterForgery; 6] = [
        EncounterForgery::EditNote,
        EncounterForgery::Unsign,
        EncounterForgery::DropDiagnosis,
        EncounterForgery::RemoveEncounter,
        EncounterForgery::ReplaceEncounters,
        EncounterForgery::EncounterBeside,
    ];
}

/// Makes the forged change on `chart.doc`, committed with `message`.
pub fn forge_encounter(
    chart: &mut Chart,
    how: EncounterForgery,
    message: Option<&str>,
) -> Forged<()> {
    let doc = &mut chart.doc;
    let key = chart.encounter.to_string();
    let encounters = map(doc, &ROOT, "encounters")?;
    match how {
        EncounterForgery::EditNote => {
            let enc = map(doc, &encounters, &key)?;
            dermis_model::doc::put_text(doc, &enc, "plan", "Oral steroids")?;
        }
        EncounterForgery::Unsign => {
            let enc = map(doc, &encounters, &key)?;
            doc.put(&enc, "status", "draft")?;
        }
        EncounterForgery::DropDiagnosis => {
            let enc = map(doc, &encounters, &key)?;
            let dx = map(doc, &enc, "diagnoses")?;
            doc.delete(&dx, "L30.9")?;
        }
        EncounterForgery::RemoveEncounter => doc.delete(&encounters, key.as_str())?,
        EncounterForgery::ReplaceEncounters => {
            doc.put_object(ROOT, "encounters", ObjType::Map)?;
        }
        EncounterForgery::EncounterBeside => {
            let mut old = doc.fork_at(&chart.before_encounter)?;
            let encounters = map(&old, &ROOT, "encounters")?;
            let other = old.put_object(&encounters, key.as_str(), ObjType::Map)?;
            old.put(&other, "status", "draft")?;
            old.put(&other, "date", "2026-01-05")?;
            commit(&mut old, message);
            doc.merge(&mut old)?;
            return Ok(());
        }
    }
    commit(doc, message);
    Ok(())
}

/// An honest addendum to the signed encounter.
pub fn addendum(chart: &mut Chart, who: Provenance) -> Forged<()> {
    let author = Author {
        id: None,
        name: "Dr Test".into(),
    };
    encounter::add_addendum(
        &mut chart.doc,
        chart.encounter,
        AddendumId::new(),
        &author,
        "Patch test negative",
        4_000,
    )
    .map_err(schema)?;
    commit(&mut chart.doc, by(who).as_deref());
    Ok(())
}

/// An honest edit made offline before its author saw the signature, merged in.
pub fn concurrent_edit(chart: &mut Chart, actor: ActorId, who: Provenance) -> Forged<()> {
    let mut offline = chart.doc.fork_at(&chart.before_signing)?.with_actor(actor);
    let encounters = map(&offline, &ROOT, "encounters")?;
    let enc = map(&offline, &encounters, &chart.encounter.to_string())?;
    dermis_model::doc::put_text(&mut offline, &enc, "objective", "Plaques on both elbows")?;
    commit(&mut offline, by(who).as_deref());
    chart.doc.merge(&mut offline)?;
    Ok(())
}

/// A ledger holding one stock movement and one sale.
pub struct Books {
    pub id: DocId,
    pub node: NodeId,
    pub movement: MovementId,
    pub sale: SaleId,
    /// The id of an audit entry (someone viewed a chart).
    pub audit: String,
    /// The id of a shift event (a cash drawer opened with a float).
    pub shift_event: String,
    pub doc: AutoCommit,
    /// Heads before the sale was recorded.
    pub before_sale: Vec<ChangeHash>,
}

fn sale(kind: SaleKind, original: Option<SaleId>, node: NodeId, total: i64) -> Sale {
    Sale {
        id: SaleId::new(),
        receipt: "N1-000001".into(),
        kind,
        original_id: original,
        at: 5_000,
        cashier: None,
        cashier_id: None,
        node_id: node,
        currency: Currency::EUR,
        lines: vec![ledger::SaleLine {
            product_id: ProductId::new(),
            sku: "CREAM".into(),
            name: "Cream".into(),
            qty: 1,
            unit_minor: total,
            discount_minor: 0,
            tax_bps: 2000,
            tax_minor: ledger::included_tax(total, 2000),
            total_minor: total,
        }],
        subtotal_minor: total,
        discount_minor: 0,
        tax_minor: ledger::included_tax(total, 2000),
        total_minor: total,
        payments: vec![ledger::Payment {
            method: ledger::PaymentMethod::Cash,
            amount_minor: total,
        }],
        change_minor: 0,
        patient_id: None,
        shift_id: None,
        reason: None,
        chain: None,
    }
}

pub fn books(clinic: ClinicId, node: NodeId, who: Provenance) -> Forged<Books> {
    let id = DocId::new();
    let actor = dermis_model::doc::actor_for_node(node);
    let mut doc = ledger::create_ledger(id, clinic, node, "2026-01-05", actor)?;
    commit(&mut doc, by(who).as_deref());
    let movement = MovementId::new();
    ledger::append_movement(
        &mut doc,
        &StockMovement {
            id: movement,
            product_id: ProductId::new(),
            sku: "CREAM".into(),
            kind: MovementKind::In,
            qty: 12,
            reason: "delivery".into(),
            user: None,
            user_id: None,
            at: 4_000,
            node_id: node,
            sale_id: None,
        },
    )?;
    commit(&mut doc, by(who).as_deref());
    let before_sale = doc.get_heads();
    let sold = sale(SaleKind::Sale, None, node, 1_500);
    ledger::append_sale(&mut doc, &sold)?;
    commit(&mut doc, by(who).as_deref());
    let viewed = dermis_model::PatientId::new();
    let audit = dermis_model::audit::AuditEntry {
        id: "01a24400-0000-7000-8000-00000000a0d1".into(),
        at: 5_000,
        user: "dora".into(),
        user_id: None,
        node_id: node,
        action: dermis_model::audit::AuditAction::View,
        target: dermis_model::audit::AuditTarget {
            kind: "patient".into(),
            id: viewed.to_string(),
            patient: Some(viewed),
        },
        reason: None,
    };
    dermis_model::audit::append_audit(&mut doc, &audit)?;
    commit(&mut doc, by(who).as_deref());
    let opened = ledger::ShiftEvent {
        id: "01a24400-0000-7000-8000-00000000f10a".into(),
        shift_id: dermis_model::ShiftId::new(),
        kind: ledger::ShiftEventKind::Open,
        amount_minor: 10_000,
        reason: String::new(),
        at: 3_000,
        user: Some("mia".into()),
        user_id: None,
        node_id: node,
    };
    ledger::shift::append_shift_event(&mut doc, &opened)?;
    commit(&mut doc, by(who).as_deref());
    Ok(Books {
        id,
        node,
        movement,
        sale: sold.id,
        audit: audit.id,
        shift_event: opened.id,
        doc,
        before_sale,
    })
}

/// Ways to rewrite recorded entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LedgerForgery {
    EditMovementQty,
    RemoveSale,
    RewriteSaleTotal,
    ReplaceSales,
    ChangeDay,
    /// Another sale under the recorded sale's id, written from a state before it existed.
    SaleBeside,
    /// Someone's view of a chart rewritten as someone else's.
    RewriteAuditUser,
    /// A view of a chart removed from the trail.
    RemoveAuditEntry,
    /// The whole trail replaced by an empty one.
    ReplaceAudit,
    /// A shift's opening float rewritten (the Z report would hide a shortfall).
    RewriteShiftFloat,
    /// A pay-out or other shift event removed.
    RemoveShiftEvent,
}

impl LedgerForgery {
    pub const ALL: [LedgerForgery; 11] = [
        LedgerForgery::EditMovementQty,
        LedgerForgery::RemoveSale,
        LedgerForgery::RewriteSaleTotal,
        LedgerForgery::ReplaceSales,
        LedgerForgery::ChangeDay,
        LedgerForgery::SaleBeside,
        LedgerForgery::RewriteAuditUser,
        LedgerForgery::RemoveAuditEntry,
        LedgerForgery::ReplaceAudit,
        LedgerForgery::RewriteShiftFloat,
        LedgerForgery::RemoveShiftEvent,
    ];
}

pub fn forge_ledger(books: &mut Books, how: LedgerForgery, message: Option<&str>) -> Forged<()> {
    let doc = &mut books.doc;
    let sales = map(doc, &ROOT, "sales")?;
    match how {
        LedgerForgery::EditMovementQty => {
            let movements = map(doc, &ROOT, "movements")?;
            let m = map(doc, &movements, &books.movement.to_string())?;
            doc.put(&m, "qty", 2)?;
        }
        LedgerForgery::RemoveSale => doc.delete(&sales, books.sale.to_string().as_str())?,
        LedgerForgery::RewriteSaleTotal => {
            let s = map(doc, &sales, &books.sale.to_string())?;
            doc.put(&s, "total_minor", 1)?;
        }
        LedgerForgery::ReplaceSales => {
            doc.put_object(ROOT, "sales", ObjType::Map)?;
        }
        LedgerForgery::ChangeDay => doc.put(ROOT, "day", "2026-01-04")?,
        LedgerForgery::RewriteAuditUser => {
            let audit = map(doc, &ROOT, "audit")?;
            let entry = map(doc, &audit, &books.audit)?;
            doc.put(&entry, "user", "someone-else")?;
        }
        LedgerForgery::RemoveAuditEntry => {
            let audit = map(doc, &ROOT, "audit")?;
            doc.delete(&audit, books.audit.as_str())?;
        }
        LedgerForgery::ReplaceAudit => {
            doc.put_object(ROOT, "audit", ObjType::Map)?;
        }
        LedgerForgery::RewriteShiftFloat => {
            let shifts = map(doc, &ROOT, ledger::shift::SHIFTS_MAP)?;
            let event = map(doc, &shifts, &books.shift_event)?;
            doc.put(&event, "amount_minor", 0)?;
        }
        LedgerForgery::RemoveShiftEvent => {
            let shifts = map(doc, &ROOT, ledger::shift::SHIFTS_MAP)?;
            doc.delete(&shifts, books.shift_event.as_str())?;
        }
        LedgerForgery::SaleBeside => {
            let mut old = doc.fork_at(&books.before_sale)?;
            let mut fake = sale(SaleKind::Sale, None, books.node, 1);
            fake.id = books.sale;
            ledger::append_sale(&mut old, &fake)?;
            commit(&mut old, message);
            doc.merge(&mut old)?;
            return Ok(());
        }
    }
    commit(doc, message);
    Ok(())
}

/// An honest refund of the recorded sale: a new entry pointing at it.
pub fn refund(books: &mut Books, who: Provenance) -> Forged<()> {
    let r = sale(SaleKind::Refund, Some(books.sale), books.node, -1_500);
    ledger::append_sale(&mut books.doc, &r)?;
    commit(&mut books.doc, by(who).as_deref());
    Ok(())
}

/// A clinic document as the hub makes it: no staff yet.
pub fn clinic_doc(clinic: ClinicId) -> Forged<AutoCommit> {
    let draft = ClinicDraft::new("Forgery Clinic").map_err(|e| SchemaError::Invalid {
        field: e.to_string(),
    })?;
    let mut doc = clinic::create_clinic(clinic, &draft, ActorId::random())?;
    commit(&mut doc, by(Provenance::hub()).as_deref());
    Ok(doc)
}

/// Adds a staff user, committed with `message`.
pub fn add_staff(
    doc: &mut AutoCommit,
    id: UserId,
    username: &str,
    role: Role,
    message: Option<&str>,
) -> Forged<()> {
    clinic::add_user(
        doc,
        id,
        &UserDraft {
            username: username.into(),
            display_name: username.into(),
            role,
            password_hash: "$argon2id$forged".into(),
        },
    )?;
    commit(doc, message);
    Ok(())
}

pub fn set_role(doc: &mut AutoCommit, id: UserId, role: Role, message: Option<&str>) -> Forged<()> {
    clinic::set_user_role(doc, id, role)?;
    commit(doc, message);
    Ok(())
}

pub fn set_active(
    doc: &mut AutoCommit,
    id: UserId,
    active: bool,
    message: Option<&str>,
) -> Forged<()> {
    clinic::set_user_active(doc, id, active)?;
    commit(doc, message);
    Ok(())
}

pub fn set_password(doc: &mut AutoCommit, id: UserId, message: Option<&str>) -> Forged<()> {
    clinic::set_user_password(doc, id, "$argon2id$new")?;
    commit(doc, message);
    Ok(())
}

/// A settings change (not staff): the clinic's name.
pub fn rename_clinic(doc: &mut AutoCommit, name: &str, message: Option<&str>) -> Forged<()> {
    dermis_model::doc::put_str(doc, &ROOT, "name", name)?;
    commit(doc, message);
    Ok(())
}

/// The bytes a node would push for `doc` to a hub holding `hub_heads`.
pub fn push_bytes(doc: &mut AutoCommit, hub_heads: &[ChangeHash]) -> Vec<u8> {
    doc.save_after(hub_heads)
}

/// Records an erasure of `patient` in the clinic document, claiming `message`.
pub fn erase_patient(
    doc: &mut AutoCommit,
    patient: PatientId,
    message: Option<&str>,
) -> Forged<()> {
    clinic::record_erasure(
        doc,
        &clinic::ErasureRecord {
            patient_id: patient.into(),
            at: 1,
            by: "someone".into(),
            reason: "forged".into(),
        },
    )?;
    commit(doc, message);
    Ok(())
}
