//! Where each operation of a pushed change lands: the path of keys from the document's
//! root to the field it writes, with the object holding each key, read from the document
//! the push was applied to. The rules judge changes by these paths, so a change is judged
//! by what it does, whatever the document looks like after it.
//!
//! An object's path is looked up once per push ([`Places`] caches it): a change typing
//! into a note touches one Text object thousands of times.

use std::collections::HashMap;

use automerge::legacy::{self, ObjectId};
use automerge::{AutoCommit, Change, ChangeHash, ObjId, Prop, ReadDoc};

/// One step of a path: the object and the key within it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub obj: ObjId,
    /// `None` for a position in a list or text.
    pub key: Option<String>,
}

/// What one operation does, and where.
#[derive(Clone, Debug)]
pub struct Touch {
    /// From the root down; the last step is the field the operation writes.
    pub path: Vec<Step>,
    /// The operation replaces or deletes what its author saw there.
    pub overwrites: bool,
}

impl Touch {
    /// The key at depth `i` (0: a key of the root), if it is a map key.
    pub fn key(&self, i: usize) -> Option<&str> {
        self.path.get(i).and_then(|s| s.key.as_deref())
    }

    /// The object holding the key at depth `i`.
    pub fn obj(&self, i: usize) -> Option<&ObjId> {
        self.path.get(i).map(|s| &s.obj)
    }

    pub fn depth(&self) -> usize {
        self.path.len()
    }
}

/// One pushed change, decoded.
#[derive(Debug)]
pub struct Placed {
    pub hash: ChangeHash,
    /// The changes it was made on: what its author saw.
    pub deps: Vec<ChangeHash>,
    /// The raw message (read with `dermis_model::provenance::Provenance::decode`).
    pub message: Option<String>,
    pub touches: Vec<Touch>,
    actor: automerge::ActorId,
    start_op: u64,
    ops: u64,
}

impl Placed {
    /// Whether `obj` was created by this change (so writing into it is part of making it).
    pub fn created(&self, obj: &ObjId) -> bool {
        match obj {
            ObjId::Root => false,
            ObjId::Id(counter, actor, _) => {
                *actor == self.actor
                    && *counter >= self.start_op
                    && *counter < self.start_op.saturating_add(self.ops)
            }
        }
    }

    /// A short name for messages: the first 8 hex digits of the hash.
    pub fn short(&self) -> String {
        self.hash.to_string().chars().take(8).collect()
    }
}

/// A change the hub cannot place in its document: refused, never guessed.
#[derive(Debug, thiserror::Error)]
#[error("change {hash} writes to an object the document cannot place")]
pub struct Unplaced {
    pub hash: ChangeHash,
}

/// Objects already looked up in one document: each one's id in the document and the
/// steps from the root to it. A change writes many operations into few objects, and
/// looking one up (its id parsed from text, its parents walked) costs far more than the
/// operation it places.
pub struct Places<'a> {
    doc: &'a AutoCommit,
    paths: HashMap<ObjectId, (ObjId, Vec<Step>)>,
}

impl<'a> Places<'a> {
    pub fn new(doc: &'a AutoCommit) -> Self {
        Self {
            doc,
            paths: HashMap::new(),
        }
    }

    /// Decodes `change` (which `doc` holds) and places each of its operations.
    pub fn place(&mut self, change: &Change) -> Result<Placed, Unplaced> {
        let hash = change.hash();
        let expanded = change.decode();
        let mut touches = Vec::with_capacity(expanded.operations.len());
        for op in &expanded.operations {
            let (holder, path) = self.look_up(&op.obj).ok_or(Unplaced { hash })?;
            let mut path = path.to_vec();
            path.push(Step {
                obj: holder.clone(),
                key: match &op.key {
                    legacy::Key::Map(k) => Some(k.to_string()),
                    legacy::Key::Seq(_) => None,
                },
            });
            touches.push(Touch {
                path,
                overwrites: !op.pred.is_empty(),
            });
        }
        Ok(Placed {
            hash,
            deps: expanded.deps,
            message: expanded.message,
            touches,
            actor: expanded.actor_id,
            start_op: expanded.start_op.get(),
            ops: expanded.operations.len() as u64,
        })
    }

    fn import(&self, id: &legacy::OpId) -> Option<ObjId> {
        self.doc
            .import_obj(&format!("{}@{}", id.counter(), id.actor()))
            .ok()
    }

    /// `obj`'s id in the document and the steps from the root to it (none for the root).
    fn look_up(&mut self, obj: &ObjectId) -> Option<(&ObjId, &[Step])> {
        if !self.paths.contains_key(obj) {
            let found = match obj {
                ObjectId::Root => (ObjId::Root, Vec::new()),
                ObjectId::Id(id) => {
                    let exid = self.import(id)?;
                    let steps = self
                        .doc
                        .parents(&exid)
                        .ok()?
                        .path()
                        .into_iter()
                        .map(|(obj, prop)| Step {
                            obj,
                            key: match prop {
                                Prop::Map(k) => Some(k),
                                Prop::Seq(_) => None,
                            },
                        })
                        .collect();
                    (exid, steps)
                }
            };
            self.paths.insert(obj.clone(), found);
        }
        self.paths
            .get(obj)
            .map(|(id, steps)| (id, steps.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{ObjType, ROOT};

    #[test]
    fn operations_are_placed_by_path_and_what_they_replace() {
        let mut doc = AutoCommit::new();
        let outer = doc.put_object(ROOT, "encounters", ObjType::Map).unwrap();
        let enc = doc.put_object(&outer, "e1", ObjType::Map).unwrap();
        let note = doc.put_object(&enc, "plan", ObjType::Text).unwrap();
        doc.splice_text(&note, 0, 0, "ab").unwrap();
        doc.commit();
        doc.put(&enc, "status", "signed").unwrap();
        doc.commit();
        doc.put(&enc, "status", "draft").unwrap();
        doc.splice_text(&note, 1, 0, "x").unwrap();
        let hash = doc.commit().unwrap();
        let change = doc.get_change_by_hash(&hash).unwrap();
        let mut places = Places::new(&doc);
        let placed = places.place(&change).unwrap();
        let keys: Vec<Vec<Option<&str>>> = placed
            .touches
            .iter()
            .map(|t| (0..t.depth()).map(|i| t.key(i)).collect())
            .collect();
        assert_eq!(
            keys,
            vec![
                vec![Some("encounters"), Some("e1"), Some("status")],
                vec![Some("encounters"), Some("e1"), Some("plan"), None],
            ]
        );
        assert!(placed.touches[0].overwrites, "status replaces `signed`");
        assert!(
            !placed.touches[1].overwrites,
            "an insertion replaces nothing"
        );
        assert_eq!(placed.touches[0].obj(2), Some(&enc));
        assert!(!placed.created(&enc));
        assert_eq!(placed.deps.len(), 1);
    }

    #[test]
    fn objects_made_in_the_same_change_are_its_own() {
        let mut doc = AutoCommit::new();
        let map = doc.put_object(ROOT, "sales", ObjType::Map).unwrap();
        doc.commit();
        let entry = doc.put_object(&map, "s1", ObjType::Map).unwrap();
        doc.put(&entry, "total", 5).unwrap();
        let hash = doc.commit().unwrap();
        let change = doc.get_change_by_hash(&hash).unwrap();
        let placed = Places::new(&doc).place(&change).unwrap();
        assert!(placed.created(&entry));
        assert!(!placed.created(&map));
        assert!(!placed.created(&ObjId::Root));
    }
}
