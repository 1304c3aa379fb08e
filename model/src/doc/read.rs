//! Typed readers that tolerate older schemas: a field of the wrong type is a
//! [`SchemaError`], an absent one `None` (or empty).

use std::borrow::Cow;

use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, Value};

use super::SchemaError;

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
