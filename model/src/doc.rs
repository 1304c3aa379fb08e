//! The Automerge layer shared by every document type: the root fields every document
//! carries (`type`, `schema`, `clinic_id`, `id`), typed readers that tolerate older
//! schemas, and writers that only touch a field when its value really changes (so that
//! saving an untouched form neither bloats history nor silently settles a conflict).

use std::borrow::Cow;

use automerge::{
    ActorId, AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value, transaction::Transactable,
};
use serde::Serialize;

use crate::{ClinicId, DocId, Millis, NodeId};

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

// ---- readers -------------------------------------------------------------------------

fn wrong(field: &str, expected: &'static str) -> SchemaError {
    SchemaError::WrongType {
        field: field.to_owned(),
        expected,
    }
}

/// What a map holds under a key: the value and, for an object, its id.
type Got<'v, 'a> = Option<(&'v Value<'a>, &'v ObjId)>;

fn got<'v, 'a>(found: &'v Option<(Value<'a>, ObjId)>) -> Got<'v, 'a> {
    found.as_ref().map(|(value, id)| (value, id))
}

/// A string field; also reads a Text object as its string.
pub fn str_at(doc: &impl ReadDoc, obj: &ObjId, key: &str) -> Result<Option<String>, SchemaError> {
    str_of(doc, key, got(&doc.get(obj, key)?))
}

fn str_of(doc: &impl ReadDoc, key: &str, got: Got<'_, '_>) -> Result<Option<String>, SchemaError> {
    match got {
        None => Ok(None),
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Str(s) => Ok(Some(s.to_string())),
            ScalarValue::Null => Ok(None),
            _ => Err(wrong(key, "a string")),
        },
        Some((Value::Object(ObjType::Text), id)) => Ok(Some(doc.text(id)?)),
        Some(_) => Err(wrong(key, "a string")),
    }
}

pub fn required_str(doc: &impl ReadDoc, obj: &ObjId, key: &str) -> Result<String, SchemaError> {
    str_at(doc, obj, key)?.ok_or_else(|| SchemaError::Missing {
        field: key.to_owned(),
    })
}

/// Text (a collaborative string) or an empty string when absent.
pub fn text_at(doc: &impl ReadDoc, obj: &ObjId, key: &str) -> Result<String, SchemaError> {
    Ok(str_at(doc, obj, key)?.unwrap_or_default())
}

pub fn i64_at(doc: &impl ReadDoc, obj: &ObjId, key: &str) -> Result<Option<i64>, SchemaError> {
    i64_of(key, got(&doc.get(obj, key)?))
}

fn i64_of(key: &str, got: Got<'_, '_>) -> Result<Option<i64>, SchemaError> {
    match got {
        None => Ok(None),
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Int(i) => Ok(Some(*i)),
            ScalarValue::Uint(u) => i64::try_from(*u)
                .map(Some)
                .map_err(|_| wrong(key, "an integer")),
            ScalarValue::Timestamp(t) => Ok(Some(*t)),
            ScalarValue::Counter(c) => Ok(Some(i64::from(c))),
            ScalarValue::Null => Ok(None),
            _ => Err(wrong(key, "an integer")),
        },
        Some(_) => Err(wrong(key, "an integer")),
    }
}

pub fn u64_at(doc: &impl ReadDoc, obj: &ObjId, key: &str) -> Result<Option<u64>, SchemaError> {
    u64_of(key, got(&doc.get(obj, key)?))
}

fn u64_of(key: &str, got: Got<'_, '_>) -> Result<Option<u64>, SchemaError> {
    match i64_of(key, got)? {
        None => Ok(None),
        Some(v) => u64::try_from(v)
            .map(Some)
            .map_err(|_| wrong(key, "a non-negative integer")),
    }
}

pub fn bool_at(doc: &impl ReadDoc, obj: &ObjId, key: &str) -> Result<Option<bool>, SchemaError> {
    bool_of(key, got(&doc.get(obj, key)?))
}

fn bool_of(key: &str, got: Got<'_, '_>) -> Result<Option<bool>, SchemaError> {
    match got {
        None => Ok(None),
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Boolean(b) => Ok(Some(*b)),
            ScalarValue::Null => Ok(None),
            _ => Err(wrong(key, "a boolean")),
        },
        Some(_) => Err(wrong(key, "a boolean")),
    }
}

/// A map object at `key`, if present.
pub fn map_at(doc: &impl ReadDoc, obj: &ObjId, key: &str) -> Result<Option<ObjId>, SchemaError> {
    map_of(key, got(&doc.get(obj, key)?))
}

fn map_of(key: &str, got: Got<'_, '_>) -> Result<Option<ObjId>, SchemaError> {
    match got {
        None => Ok(None),
        Some((Value::Object(ObjType::Map), id)) => Ok(Some(id.clone())),
        Some(_) => Err(wrong(key, "a map")),
    }
}

/// A list of strings; absent reads as empty.
pub fn str_list_at(doc: &impl ReadDoc, obj: &ObjId, key: &str) -> Result<Vec<String>, SchemaError> {
    str_list_of(doc, key, got(&doc.get(obj, key)?))
}

fn str_list_of(
    doc: &impl ReadDoc,
    key: &str,
    got: Got<'_, '_>,
) -> Result<Vec<String>, SchemaError> {
    let Some(list) = list_of(key, got)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(doc.length(list));
    for index in 0..doc.length(list) {
        match doc.get(list, index)? {
            Some((Value::Scalar(s), _)) => match s.as_ref() {
                ScalarValue::Str(s) => out.push(s.to_string()),
                _ => return Err(wrong(key, "a list of strings")),
            },
            Some((Value::Object(ObjType::Text), id)) => out.push(doc.text(&id)?),
            _ => return Err(wrong(key, "a list of strings")),
        }
    }
    Ok(out)
}

fn list_of<'v>(key: &str, got: Got<'v, '_>) -> Result<Option<&'v ObjId>, SchemaError> {
    match got {
        None => Ok(None),
        Some((Value::Object(ObjType::List), id)) => Ok(Some(id)),
        Some(_) => Err(wrong(key, "a list")),
    }
}

/// The fields of one map object, read in one pass: a later lookup searches this list
/// instead of seeking through the document's op columns again, which a `get` per field
/// does (about ten times the cost for a patient's root:
/// `cargo run --release -p dermis-model --example patient_read`). Each key holds the
/// value `get` would give (the winner of a conflict); a counter is read with `get`, so
/// its increments count.
pub struct Fields<'d, D: ReadDoc> {
    doc: &'d D,
    /// Sorted by key.
    entries: Vec<(String, Option<(Value<'static>, ObjId)>)>,
}

pub fn fields<'d, D: ReadDoc>(doc: &'d D, obj: &ObjId) -> Result<Fields<'d, D>, SchemaError> {
    let mut entries = Vec::new();
    for item in doc.map_range(obj, ..) {
        let id = item.id();
        let value: Value<'static> = item.value.into();
        let found = if matches!(&value, Value::Scalar(s) if matches!(s.as_ref(), ScalarValue::Counter(_)))
        {
            doc.get(obj, item.key.as_ref())?
                .map(|(v, id)| (v.to_owned(), id))
        } else {
            Some((value, id))
        };
        entries.push((item.key.into_owned(), found));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Fields { doc, entries })
}

impl<D: ReadDoc> Fields<'_, D> {
    fn got(&self, key: &str) -> Got<'_, 'static> {
        let i = self
            .entries
            .binary_search_by(|e| e.0.as_str().cmp(key))
            .ok()?;
        got(&self.entries[i].1)
    }

    /// The map's keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.0.as_str())
    }

    pub fn str(&self, key: &str) -> Result<Option<String>, SchemaError> {
        str_of(self.doc, key, self.got(key))
    }

    pub fn required_str(&self, key: &str) -> Result<String, SchemaError> {
        self.str(key)?.ok_or_else(|| SchemaError::Missing {
            field: key.to_owned(),
        })
    }

    /// Text (a collaborative string) or an empty string when absent.
    pub fn text(&self, key: &str) -> Result<String, SchemaError> {
        Ok(self.str(key)?.unwrap_or_default())
    }

    pub fn i64(&self, key: &str) -> Result<Option<i64>, SchemaError> {
        i64_of(key, self.got(key))
    }

    pub fn u64(&self, key: &str) -> Result<Option<u64>, SchemaError> {
        u64_of(key, self.got(key))
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>, SchemaError> {
        bool_of(key, self.got(key))
    }

    pub fn required_i64(&self, key: &str) -> Result<i64, SchemaError> {
        self.i64(key)?.ok_or_else(|| SchemaError::Missing {
            field: key.to_owned(),
        })
    }

    pub fn map(&self, key: &str) -> Result<Option<ObjId>, SchemaError> {
        map_of(key, self.got(key))
    }

    /// A list object at `key`, if present.
    pub fn list(&self, key: &str) -> Result<Option<ObjId>, SchemaError> {
        Ok(list_of(key, self.got(key))?.cloned())
    }

    pub fn str_list(&self, key: &str) -> Result<Vec<String>, SchemaError> {
        str_list_of(self.doc, key, self.got(key))
    }
}

/// The entries of a map object, as (key, map object id) pairs in key order. Entries that
/// are not maps are skipped: they cannot come from this schema.
pub fn map_entries(doc: &impl ReadDoc, map: &ObjId) -> Result<Vec<(String, ObjId)>, SchemaError> {
    Ok(map_entries_where(doc, map, |_| true))
}

/// The map entries of a map object whose key `wanted` accepts, in key order, read in one
/// pass (a `get` per key seeks the op columns again each time).
pub fn map_entries_where(
    doc: &impl ReadDoc,
    map: &ObjId,
    wanted: impl Fn(&str) -> bool,
) -> Vec<(String, ObjId)> {
    doc.map_range(map, ..)
        .filter(|item| wanted(&item.key))
        .filter(|item| matches!(item.value, automerge::ValueRef::Object(ObjType::Map)))
        .map(|item| (item.key.to_string(), item.id()))
        .collect()
}

/// The map object under `key` of a map of entries; `None` when absent or not a map
/// (skipped, as when listing with [`map_entries`]).
pub fn entry_at(doc: &impl ReadDoc, map: &ObjId, key: &str) -> Result<Option<ObjId>, SchemaError> {
    Ok(match doc.get(map, key)? {
        Some((Value::Object(ObjType::Map), id)) => Some(id),
        _ => None,
    })
}

/// The map objects of a list (other items skipped), read in one pass.
pub fn list_maps(doc: &impl ReadDoc, list: &ObjId) -> Vec<ObjId> {
    doc.list_range(list, ..)
        .filter(|item| matches!(item.value, automerge::ValueRef::Object(ObjType::Map)))
        .map(|item| item.id())
        .collect()
}

// ---- writers -------------------------------------------------------------------------

/// Writes a string unless the current value is already equal.
pub fn put_str(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    value: &str,
) -> Result<(), SchemaError> {
    let current = doc.get(obj, key)?;
    let same = matches!(&current, Some((Value::Scalar(s), _)) if matches!(s.as_ref(), ScalarValue::Str(c) if c.as_str() == value));
    if !same {
        doc.put(obj, key, value)?;
    }
    Ok(())
}

/// Writes a string, or deletes the field for `None`.
pub fn put_opt_str(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    value: Option<&str>,
) -> Result<(), SchemaError> {
    match value {
        Some(v) => put_str(doc, obj, key, v),
        None => {
            if doc.get(obj, key)?.is_some() {
                doc.delete(obj, key)?;
            }
            Ok(())
        }
    }
}

pub fn put_i64(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    value: i64,
) -> Result<(), SchemaError> {
    let current = doc.get(obj, key)?;
    let same = matches!(&current, Some((Value::Scalar(s), _)) if matches!(s.as_ref(), ScalarValue::Int(c) if *c == value));
    if !same {
        doc.put(obj, key, value)?;
    }
    Ok(())
}

pub fn put_bool(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    value: bool,
) -> Result<(), SchemaError> {
    let current = doc.get(obj, key)?;
    let same = matches!(&current, Some((Value::Scalar(s), _)) if matches!(s.as_ref(), ScalarValue::Boolean(c) if *c == value));
    if !same {
        doc.put(obj, key, value)?;
    }
    Ok(())
}

pub fn put_ts(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    value: Millis,
) -> Result<(), SchemaError> {
    let current = doc.get(obj, key)?;
    let same = matches!(&current, Some((Value::Scalar(s), _)) if matches!(s.as_ref(), ScalarValue::Timestamp(c) if *c == value));
    if !same {
        doc.put(obj, key, ScalarValue::Timestamp(value))?;
    }
    Ok(())
}

/// Sets a collaborative text field, creating the Text object when missing. Only the
/// difference is written, so two people editing one note offline merge by character.
pub fn put_text(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    value: &str,
) -> Result<(), SchemaError> {
    let text = match doc.get(obj, key)? {
        Some((Value::Object(ObjType::Text), id)) => id,
        _ => doc.put_object(obj, key, ObjType::Text)?,
    };
    if doc.text(&text)? != value {
        doc.update_text(&text, value)?;
    }
    Ok(())
}

/// The map at `key`, created when missing.
pub fn ensure_map(doc: &mut AutoCommit, obj: &ObjId, key: &str) -> Result<ObjId, SchemaError> {
    match doc.get(obj, key)? {
        Some((Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Ok(doc.put_object(obj, key, ObjType::Map)?),
    }
}

/// Replaces a list of strings when it differs, touching only the elements that changed.
pub fn put_str_list(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    values: &[String],
) -> Result<(), SchemaError> {
    let list = match doc.get(obj, key)? {
        Some((Value::Object(ObjType::List), id)) => id,
        _ => doc.put_object(obj, key, ObjType::List)?,
    };
    let current = str_list_at(doc, obj, key)?;
    if current == values {
        return Ok(());
    }
    let common = current
        .iter()
        .zip(values)
        .take_while(|(a, b)| a == b)
        .count();
    let remove = current.len() - common;
    let insert: Vec<ScalarValue> = values[common..]
        .iter()
        .map(|v| ScalarValue::Str(v.as_str().into()))
        .collect();
    doc.splice(&list, common, remove as isize, insert)?;
    Ok(())
}

/// A scalar as JSON, for conflict display and export of unknown fields.
pub fn scalar_json(value: &ScalarValue) -> serde_json::Value {
    match value {
        ScalarValue::Str(s) => serde_json::Value::String(s.to_string()),
        ScalarValue::Int(i) => (*i).into(),
        ScalarValue::Uint(u) => (*u).into(),
        ScalarValue::Timestamp(t) => (*t).into(),
        ScalarValue::Counter(c) => i64::from(c).into(),
        ScalarValue::Boolean(b) => (*b).into(),
        ScalarValue::F64(f) => {
            serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into)
        }
        ScalarValue::Null | ScalarValue::Bytes(_) | ScalarValue::Unknown { .. } => {
            serde_json::Value::Null
        }
    }
}

/// `Cow` helper so callers can match on borrowed scalars.
pub fn scalar<'a>(value: &'a Value<'a>) -> Option<&'a ScalarValue> {
    match value {
        Value::Scalar(Cow::Borrowed(s)) => Some(s),
        Value::Scalar(Cow::Owned(s)) => Some(s),
        Value::Object(_) => None,
    }
}

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
