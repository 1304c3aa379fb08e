//! Conflicts: when two replicas set one scalar field concurrently, Automerge keeps both
//! values and picks a winner deterministically. Dermis never drops the loser silently:
//! this module lists every field holding more than one value, and resolving one writes
//! the chosen value, which syncs like any other edit.

use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, Value, transaction::Transactable};
use serde::Serialize;

use crate::doc::{SchemaError, scalar, scalar_json};

/// A field with concurrent values. `path` is the chain of map keys from the root
/// (`["phones"]`, `["encounters", "<id>", "complaint"]`); `values[0]` is the one shown
/// today (Automerge's winner).
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Conflict {
    pub path: Vec<String>,
    pub values: Vec<serde_json::Value>,
}

impl Conflict {
    pub fn path_string(&self) -> String {
        self.path.join(".")
    }
}

/// Whether the document's history could hold a conflict at all. Concurrent values need
/// concurrent changes; a history that is one chain (one head, no change with several
/// dependencies) has none, and checking that is far cheaper than walking every field.
pub fn may_have_conflicts(doc: &mut automerge::AutoCommit) -> bool {
    doc.get_heads().len() > 1 || doc.get_changes_meta(&[]).iter().any(|c| c.deps.len() > 1)
}

/// Every conflicting field in the document, in path order.
pub fn find_conflicts(doc: &impl ReadDoc) -> Result<Vec<Conflict>, SchemaError> {
    let mut out = Vec::new();
    walk(doc, &automerge::ROOT, &mut Vec::new(), &mut out)?;
    Ok(out)
}

fn describe(
    doc: &impl ReadDoc,
    value: &Value<'_>,
    id: &ObjId,
) -> Result<serde_json::Value, SchemaError> {
    Ok(match value {
        Value::Object(ObjType::Text) => serde_json::Value::String(doc.text(id)?),
        Value::Object(kind) => serde_json::Value::String(format!("<{kind:?}>")),
        other => scalar(other).map_or(serde_json::Value::Null, scalar_json),
    })
}

fn walk(
    doc: &impl ReadDoc,
    obj: &ObjId,
    path: &mut Vec<String>,
    out: &mut Vec<Conflict>,
) -> Result<(), SchemaError> {
    for key in doc.keys(obj) {
        let all = doc.get_all(obj, key.as_str())?;
        // Concurrent merge records (the clinic's `merges` map, or one merged id's entry)
        // are not a choice between values: every one is read (`merge::merges`), and
        // writing one value over them would drop the others.
        let merge_records = path.first().map_or(key == "merges", |k| k == "merges");
        if all.len() > 1 && !merge_records {
            let winner = doc.get(obj, key.as_str())?;
            let mut values = Vec::with_capacity(all.len());
            if let Some((value, id)) = &winner {
                values.push(describe(doc, value, id)?);
            }
            for (value, id) in &all {
                if winner.as_ref().is_some_and(|(_, w)| w == id) {
                    continue;
                }
                values.push(describe(doc, value, id)?);
            }
            path.push(key.clone());
            out.push(Conflict {
                path: path.clone(),
                values,
            });
            path.pop();
        }
        if let Some((Value::Object(ObjType::Map), child)) = doc.get(obj, key.as_str())? {
            path.push(key);
            walk(doc, &child, path, out)?;
            path.pop();
        }
    }
    Ok(())
}

/// Settles a conflict by writing `value` (one of the conflicting values, or any new one)
/// at `path`. Only scalar fields can be resolved this way.
pub fn resolve(
    doc: &mut AutoCommit,
    path: &[String],
    value: &serde_json::Value,
) -> Result<(), SchemaError> {
    let Some((last, parents)) = path.split_last() else {
        return Err(SchemaError::Invalid {
            field: String::new(),
        });
    };
    let mut obj = automerge::ROOT;
    for key in parents {
        obj = match doc.get(&obj, key.as_str())? {
            Some((Value::Object(ObjType::Map), id)) => id,
            _ => {
                return Err(SchemaError::Missing {
                    field: path.join("."),
                });
            }
        };
    }
    match value {
        serde_json::Value::String(s) => doc.put(&obj, last.as_str(), s.as_str())?,
        serde_json::Value::Bool(b) => doc.put(&obj, last.as_str(), *b)?,
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => doc.put(&obj, last.as_str(), i)?,
            None => {
                return Err(SchemaError::Invalid {
                    field: path.join("."),
                });
            }
        },
        serde_json::Value::Null => doc.delete(&obj, last.as_str())?,
        _ => {
            return Err(SchemaError::Invalid {
                field: path.join("."),
            });
        }
    }
    Ok(())
}
