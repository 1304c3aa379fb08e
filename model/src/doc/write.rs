//! Writers that only touch a field when its value really changes, so that saving an
//! untouched form neither bloats history nor silently settles a conflict.

use automerge::{
    AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value, transaction::Transactable,
};

use super::{SchemaError, str_list_at};
use crate::Millis;

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
