//! The Automerge layer shared by every document type: the root fields every document
//! carries (`type`, `schema`, `clinic_id`, `id`), typed readers that tolerate older
//! schemas, and writers that only touch a field when its value really changes (so that
//! saving an untouched form neither bloats history nor silently settles a conflict).

use automerge::{ActorId, AutoCommit, ReadDoc, transaction::Transactable};
use serde::Serialize;

use crate::{ClinicId, DocId, NodeId};

/// The newest document schema this build writes. Readers accept every version up to it.
pub const SCHEMA_VERSION: u64 = 1;

/// What a document holds. One document per aggregate (DESIGN.md).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum DocType {
    Clinic,
    Patient,
    Product,
    Ledger,
    Appointment,
}

impl DocType {
    pub const ALL: [DocType; 5] = [
        DocType::Clinic,
        DocType::Patient,
        DocType::Product,
        DocType::Ledger,
        DocType::Appointment,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            DocType::Clinic => "clinic",
            DocType::Patient => "patient",
            DocType::Product => "product",
            DocType::Ledger => "ledger",
            DocType::Appointment => "appointment",
        }
    }

    pub fn parse(s: &str) -> Option<DocType> {
        DocType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl std::fmt::Display for DocType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The root fields of every document.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DocMeta {
    pub doc_type: DocType,
    pub schema: u64,
    pub clinic_id: ClinicId,
    pub id: DocId,
}

impl DocMeta {
    pub fn new(doc_type: DocType, clinic_id: ClinicId, id: DocId) -> Self {
        DocMeta {
            doc_type,
            schema: SCHEMA_VERSION,
            clinic_id,
            id,
        }
    }
}

/// A document that does not have the shape its type promises.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("document field `{field}` is missing")]
    Missing { field: String },
    #[error("document field `{field}` should be {expected}")]
    WrongType {
        field: String,
        expected: &'static str,
    },
    #[error("document field `{field}` holds an invalid value")]
    Invalid { field: String },
    #[error("document is a {found:?}, expected a {expected}")]
    WrongDocType { expected: DocType, found: String },
    #[error(
        "document schema {found} is newer than this version of Dermis understands ({SCHEMA_VERSION})"
    )]
    TooNew { found: u64 },
    #[error("document is not readable")]
    Automerge {
        // Boxed: Automerge's error is large and every fallible call returns this type.
        #[source]
        source: Box<automerge::AutomergeError>,
    },
}

impl From<automerge::AutomergeError> for SchemaError {
    fn from(source: automerge::AutomergeError) -> Self {
        SchemaError::Automerge {
            source: Box::new(source),
        }
    }
}

/// The Automerge actor a node writes as. One actor per node keeps history compact; the
/// node's store serialises writers so the actor's sequence numbers never fork.
pub fn actor_for_node(node: NodeId) -> ActorId {
    ActorId::from(node.0.as_bytes().as_slice())
}

/// Empties the record of applied operations `doc` keeps for patches. Automerge 0.12
/// appends an event to it for every operation that `apply_changes`, `merge` or
/// `load_incremental` applies, though no patch was asked for (its batch apply does not
/// look whether the log is active), and never empties it; so a document kept loaded
/// while changes are applied to it grows with each, and every clone copies it all
/// (measured: after 2,000 applied changes a clone took 0.76 ms instead of 0.04 ms).
/// Call it after applying to a document that is kept or copied.
pub fn forget_applied(doc: &mut AutoCommit) {
    doc.reset_diff_cursor();
}

/// A new document holding only its root fields.
pub fn create(meta: &DocMeta, actor: ActorId) -> Result<AutoCommit, SchemaError> {
    let mut doc = AutoCommit::new().with_actor(actor);
    doc.put(automerge::ROOT, "type", meta.doc_type.as_str())?;
    doc.put(automerge::ROOT, "schema", meta.schema)?;
    doc.put(automerge::ROOT, "clinic_id", meta.clinic_id.to_string())?;
    doc.put(automerge::ROOT, "id", meta.id.to_string())?;
    Ok(doc)
}

/// Reads the root fields, refusing schemas newer than this build.
pub fn read_meta(doc: &impl ReadDoc) -> Result<DocMeta, SchemaError> {
    meta_of(&fields(doc, &automerge::ROOT)?)
}

/// The document's identity from its root's fields, refusing schemas newer than this build.
pub fn meta_of(root: &Fields<'_, impl ReadDoc>) -> Result<DocMeta, SchemaError> {
    let type_str = root.required_str("type")?;
    let doc_type = DocType::parse(&type_str).ok_or_else(|| SchemaError::Invalid {
        field: "type".into(),
    })?;
    let schema = root.u64("schema")?.unwrap_or(1);
    if schema > SCHEMA_VERSION {
        return Err(SchemaError::TooNew { found: schema });
    }
    let clinic_id = root
        .required_str("clinic_id")?
        .parse()
        .map_err(|_| SchemaError::Invalid {
            field: "clinic_id".into(),
        })?;
    let id = root
        .required_str("id")?
        .parse()
        .map_err(|_| SchemaError::Invalid { field: "id".into() })?;
    Ok(DocMeta {
        doc_type,
        schema,
        clinic_id,
        id,
    })
}

/// Reads the root fields and checks the document's type.
pub fn expect_type(doc: &impl ReadDoc, expected: DocType) -> Result<DocMeta, SchemaError> {
    expect_meta(&fields(doc, &automerge::ROOT)?, expected)
}

/// The document's identity from its root's fields, checking its type.
pub fn expect_meta(
    root: &Fields<'_, impl ReadDoc>,
    expected: DocType,
) -> Result<DocMeta, SchemaError> {
    let found = root.required_str("type")?;
    if found != expected.as_str() {
        return Err(SchemaError::WrongDocType { expected, found });
    }
    meta_of(root)
}

/// Moves a document to another clinic: used once, when a standalone node joins a hub.
pub fn set_clinic(doc: &mut AutoCommit, clinic: ClinicId) -> Result<(), SchemaError> {
    put_str(doc, &automerge::ROOT, "clinic_id", &clinic.to_string())
}

mod read;
mod write;

pub use read::*;
pub use write::*;

/// A whole document read with its type's reader.
#[derive(Clone, PartialEq, Debug)]
pub enum Record {
    Clinic(crate::clinic::Clinic),
    Patient(crate::patient::Patient),
    Product(crate::product::Product),
    Ledger(crate::ledger::Ledger),
    Appointment(crate::appointment::Appointment),
}

/// Reads a whole document with its type's reader.
pub fn read_record(doc: &AutoCommit, doc_type: DocType) -> Result<Record, SchemaError> {
    Ok(match doc_type {
        DocType::Clinic => Record::Clinic(crate::clinic::read_clinic(doc)?),
        DocType::Patient => Record::Patient(crate::patient::read_patient(doc)?),
        DocType::Product => Record::Product(crate::product::read_product(doc)?),
        DocType::Ledger => Record::Ledger(crate::ledger::read_ledger(doc)?),
        DocType::Appointment => Record::Appointment(crate::appointment::read_appointment(doc)?),
    })
}

/// Reads a whole document with its type's reader, so that a document which would break
/// readers elsewhere is refused where it enters (the hub checks every push with this).
pub fn check_readable(doc: &AutoCommit, doc_type: DocType) -> Result<(), SchemaError> {
    read_record(doc, doc_type).map(drop)
}

#[cfg(test)]
mod tests {
    use automerge::{ObjType, ScalarValue};

    use super::*;

    #[test]
    fn root_fields_round_trip() {
        let meta = DocMeta::new(DocType::Patient, ClinicId::new(), DocId::new());
        let doc = create(&meta, ActorId::random()).expect("create");
        assert_eq!(read_meta(&doc).expect("meta"), meta);
        assert!(matches!(
            expect_type(&doc, DocType::Product),
            Err(SchemaError::WrongDocType { .. })
        ));
    }

    /// What one pass over a map reads is what a `get` per key reads: conflicts resolved
    /// the same way, text objects, lists, maps, counters with their increments, wrong
    /// types refused, absent keys absent.
    #[test]
    fn fields_read_what_get_reads() {
        use automerge::transaction::Transactable;
        let mut a = AutoCommit::new().with_actor(ActorId::from([1u8; 16]));
        a.put(automerge::ROOT, "name", "Anna").expect("put");
        a.put(automerge::ROOT, "at", 5_i64).expect("put");
        let text = a
            .put_object(automerge::ROOT, "notes", ObjType::Text)
            .expect("text");
        a.splice_text(&text, 0, 0, "itchy rash").expect("splice");
        let list = a
            .put_object(automerge::ROOT, "phones", ObjType::List)
            .expect("list");
        a.insert(&list, 0, "+374 10 1").expect("insert");
        a.put_object(automerge::ROOT, "allergies", ObjType::Map)
            .expect("map");
        a.put(automerge::ROOT, "visits", ScalarValue::counter(1))
            .expect("counter");
        a.commit();
        let mut b = a.fork().with_actor(ActorId::from([2u8; 16]));
        a.put(automerge::ROOT, "name", "Anna A").expect("put");
        b.put(automerge::ROOT, "name", "Anna B").expect("put");
        b.increment(automerge::ROOT, "visits", 4)
            .expect("increment");
        a.merge(&mut b).expect("merge");

        let root = automerge::ROOT;
        let f = fields(&a, &root).expect("fields");
        for key in ["name", "notes", "missing"] {
            assert_eq!(
                f.str(key).expect("str"),
                str_at(&a, &root, key).expect("str")
            );
        }
        assert_eq!(f.str("name").expect("str").as_deref(), Some("Anna B"));
        assert_eq!(f.text("notes").expect("text"), "itchy rash");
        assert_eq!(f.i64("at").expect("i64"), Some(5));
        assert_eq!(f.i64("visits").expect("i64"), Some(5));
        assert_eq!(
            f.i64("visits").expect("i64"),
            i64_at(&a, &root, "visits").expect("i64")
        );
        assert_eq!(
            f.str_list("phones").expect("list"),
            vec!["+374 10 1".to_string()]
        );
        assert_eq!(
            f.map("allergies").expect("map"),
            map_at(&a, &root, "allergies").expect("map")
        );
        assert!(f.map("allergies").expect("map").is_some());
        assert!(matches!(f.i64("name"), Err(SchemaError::WrongType { .. })));
        assert!(matches!(f.str("at"), Err(SchemaError::WrongType { .. })));
        assert_eq!(f.i64("missing").expect("i64"), None);
    }

    #[test]
    fn newer_schemas_are_refused_not_misread() {
        let meta = DocMeta::new(DocType::Product, ClinicId::new(), DocId::new());
        let mut doc = create(&meta, ActorId::random()).expect("create");
        doc.put(automerge::ROOT, "schema", SCHEMA_VERSION + 1)
            .expect("put");
        assert!(matches!(read_meta(&doc), Err(SchemaError::TooNew { .. })));
    }

    #[test]
    fn unchanged_values_write_nothing() {
        let meta = DocMeta::new(DocType::Product, ClinicId::new(), DocId::new());
        let mut doc = create(&meta, ActorId::random()).expect("create");
        put_str(&mut doc, &automerge::ROOT, "name", "Cream").expect("put");
        put_text(&mut doc, &automerge::ROOT, "note", "a").expect("put");
        put_str_list(&mut doc, &automerge::ROOT, "tags", &["x".into()]).expect("put");
        doc.commit();
        let heads = doc.get_heads();
        put_str(&mut doc, &automerge::ROOT, "name", "Cream").expect("put");
        put_text(&mut doc, &automerge::ROOT, "note", "a").expect("put");
        put_str_list(&mut doc, &automerge::ROOT, "tags", &["x".into()]).expect("put");
        put_opt_str(&mut doc, &automerge::ROOT, "missing", None).expect("put");
        doc.commit();
        assert_eq!(doc.get_heads(), heads, "no change may be recorded");
    }

    #[test]
    fn string_lists_splice_only_the_difference() {
        let meta = DocMeta::new(DocType::Patient, ClinicId::new(), DocId::new());
        let mut doc = create(&meta, ActorId::random()).expect("create");
        let root = automerge::ROOT;
        put_str_list(
            &mut doc,
            &root,
            "phones",
            &["1".into(), "2".into(), "3".into()],
        )
        .expect("put");
        put_str_list(&mut doc, &root, "phones", &["1".into(), "4".into()]).expect("put");
        assert_eq!(
            str_list_at(&doc, &root, "phones").expect("read"),
            vec!["1", "4"]
        );
    }
}
