//! Conflicts: when two replicas set one scalar field concurrently, Automerge keeps both
//! values and picks a winner deterministically. Dermis never drops the loser silently:
//! this module lists every field holding more than one value, and resolving one writes
//! the chosen value, which syncs like any other edit.

use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, Value, transaction::Transactable};
use serde::Serialize;

use crate::doc::{SchemaError, scalar, scalar_json};
use crate::provenance::Provenance;

/// A field with concurrent values. `path` is the chain of map keys from the root
/// (`["phones"]`, `["encounters", "<id>", "complaint"]`); `values[0]` is the one shown
/// today (Automerge's winner).
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Conflict {
    pub path: Vec<String>,
    pub values: Vec<serde_json::Value>,
    /// The operation behind each value, in the order of `values`: what [`sources`]
    /// traces back to the change, its author and its workstation.
    #[serde(skip)]
    pub ops: Vec<ObjId>,
}

/// Who wrote one of a conflict's values, on which workstation, and when: read from the
/// change that wrote it (its provenance record and its time).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ValueSource {
    /// When the change was made, in milliseconds (Automerge keeps seconds).
    pub at: crate::Millis,
    /// `None` when the change carries no Dermis provenance record (a foreign writer).
    pub provenance: Option<Provenance>,
}

/// The source of every value of every conflict, in the same order: one pass over the
/// document's change metadata, then a lookup per value. Conflicts are rare and small,
/// so this runs only for documents that have some.
pub fn sources(doc: &mut AutoCommit, conflicts: &[Conflict]) -> Vec<Vec<Option<ValueSource>>> {
    let metas = doc.get_changes_meta(&[]);
    let find = |op: &ObjId| -> Option<ValueSource> {
        let automerge::ObjId::Id(counter, actor, _) = op else {
            return None;
        };
        let meta = metas.iter().find(|m| {
            m.actor.as_ref() == actor && m.start_op <= *counter && *counter <= m.max_op
        })?;
        Some(ValueSource {
            at: meta.timestamp.saturating_mul(1000),
            provenance: Provenance::decode(meta.message.as_deref()).ok(),
        })
    };
    conflicts
        .iter()
        .map(|c| c.ops.iter().map(find).collect())
        .collect()
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

/// Whether changes applied after `base` (the heads a document had when its conflicts were
/// last listed) can have brought it a conflict it did not have then. Only concurrent
/// changes make conflicts: when `base` is one head, the document still has one head, and
/// every change since depends on exactly one change, those changes are one chain after
/// `base`, each written over everything before it. Reads the metadata of the new changes
/// only, where [`may_have_conflicts`] reads the whole history: a day ledger gains an
/// entry with every edit on its workstation, and reading its thousands of changes again
/// for each one was most of the cost of indexing it.
pub fn may_have_new_conflicts(
    doc: &mut automerge::AutoCommit,
    base: &[automerge::ChangeHash],
) -> bool {
    base.len() != 1
        || doc.get_heads().len() != 1
        || doc.get_changes_meta(base).iter().any(|c| c.deps.len() != 1)
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
            let mut ops = Vec::with_capacity(all.len());
            if let Some((value, id)) = &winner {
                values.push(describe(doc, value, id)?);
                ops.push(id.clone());
            }
            for (value, id) in &all {
                if winner.as_ref().is_some_and(|(_, w)| w == id) {
                    continue;
                }
                values.push(describe(doc, value, id)?);
                ops.push(id.clone());
            }
            path.push(key.clone());
            out.push(Conflict {
                path: path.clone(),
                values,
                ops,
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

#[cfg(test)]
mod tests {
    use automerge::{AutoCommit, ROOT, transaction::Transactable};

    use super::*;
    use crate::{NodeId, UserId};

    #[test]
    fn only_changes_concurrent_with_the_listed_heads_can_bring_new_conflicts() {
        let desk = NodeId::new();
        let edit = |doc: &mut AutoCommit, phone: &str| {
            doc.put(ROOT, "phone", phone).expect("put");
            doc.commit_with(Provenance::operator(desk).commit_options(1_000_000));
        };
        let mut n1 = AutoCommit::new();
        edit(&mut n1, "+33 1");
        let base = n1.get_heads();
        assert!(!may_have_new_conflicts(&mut n1, &base), "nothing since");
        for i in 0..3 {
            edit(&mut n1, &format!("+33 1{i}"));
        }
        assert!(
            !may_have_new_conflicts(&mut n1, &base),
            "one chain after base"
        );

        // A replica's edit made without seeing the last three: concurrent.
        let mut n2 = n1
            .fork_at(&base)
            .expect("fork")
            .with_actor(automerge::ActorId::random());
        edit(&mut n2, "+33 2");
        let listed = n1.get_heads();
        n1.merge(&mut n2).expect("merge");
        let two_heads = n1.get_heads();
        assert_eq!(two_heads.len(), 2);
        assert!(may_have_new_conflicts(&mut n1, &listed), "two heads");
        assert_eq!(find_conflicts(&n1).expect("conflicts").len(), 1);
        // An edit over both values: one head again, but its change depends on two.
        edit(&mut n1, "+33 3");
        assert!(
            may_have_new_conflicts(&mut n1, &listed),
            "a merge change since"
        );
        assert!(find_conflicts(&n1).expect("conflicts").is_empty());
        // After it, a chain again: nothing new can conflict, though the history holds a
        // merge (which `may_have_conflicts` goes on seeing at every edit).
        let resolved = n1.get_heads();
        edit(&mut n1, "+33 4");
        assert!(!may_have_new_conflicts(&mut n1, &resolved));
        assert!(may_have_conflicts(&mut n1));
        // Conflicts listed at two heads: always read again.
        assert!(may_have_new_conflicts(&mut n1, &two_heads));
    }

    #[test]
    fn each_conflicting_value_names_its_author_workstation_and_time() {
        let (anna, desk) = (UserId::new(), NodeId::new());
        let (boris, lab) = (UserId::new(), NodeId::new());
        let mut n1 = AutoCommit::new();
        n1.put(ROOT, "phone", "+33 1").expect("put");
        n1.commit_with(Provenance::operator(desk).commit_options(1_000_000));
        let mut n2 = n1.fork().with_actor(automerge::ActorId::random());
        n1.put(ROOT, "phone", "+33 2").expect("put");
        n1.commit_with(Provenance::user(anna, desk).commit_options(2_000_000));
        n2.put(ROOT, "phone", "+33 3").expect("put");
        n2.commit_with(Provenance::user(boris, lab).commit_options(3_000_000));
        n1.merge(&mut n2).expect("merge");

        let conflicts = find_conflicts(&n1).expect("conflicts");
        assert_eq!(conflicts.len(), 1);
        let found = sources(&mut n1, &conflicts);
        let by_value: Vec<(String, ValueSource)> = conflicts[0]
            .values
            .iter()
            .zip(&found[0])
            .map(|(v, s)| (v.as_str().unwrap_or("").to_owned(), s.expect("a source")))
            .collect();
        let of = |phone: &str| {
            by_value
                .iter()
                .find(|(v, _)| v == phone)
                .map(|(_, s)| *s)
                .expect("the value")
        };
        assert_eq!(of("+33 2").provenance, Some(Provenance::user(anna, desk)));
        assert_eq!(of("+33 2").at, 2_000_000);
        assert_eq!(of("+33 3").provenance, Some(Provenance::user(boris, lab)));
        assert_eq!(of("+33 3").at, 3_000_000);
    }
}
