//! A signed encounter is read-only; corrections are addenda (DESIGN.md). A change is
//! refused when it writes any field of an encounter other than its addenda, or replaces
//! or removes the encounter, while that encounter was signed in what the change's author
//! saw (its dependencies). No honest node makes such a change: the node refuses to edit
//! a signed encounter. An edit made offline before its author saw the signature is
//! concurrent with it, not after it, and is kept like any concurrent edit.

use std::collections::HashMap;

use automerge::{AutoCommit, ChangeHash, ObjId, ROOT, ReadDoc, ScalarValue, Value};

use super::Refusal;
use super::place::{Placed, Touch};

const ENCOUNTERS: &str = "encounters";
const ADDENDA: &str = "addenda";

/// Refuses `change` (applied to `doc`, a patient document) if it edits a signed encounter.
pub fn check(doc: &AutoCommit, change: &Placed) -> Result<(), Refusal> {
    let mut seen = Signed {
        doc,
        deps: &change.deps,
        cache: HashMap::new(),
    };
    for touch in change
        .touches
        .iter()
        .filter(|t| t.key(0) == Some(ENCOUNTERS))
    {
        if let Some((encounter, field)) = seen.forbidden(touch) {
            return Err(Refusal::SignedEncounter {
                change: change.short(),
                encounter,
                field,
            });
        }
    }
    Ok(())
}

/// Which state of the document a question is asked of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum At {
    /// What the change's author saw.
    Deps,
    /// The document with the push applied.
    Now,
}

/// Whether encounters were signed, as of one change's dependencies or now.
struct Signed<'a> {
    doc: &'a AutoCommit,
    deps: &'a [ChangeHash],
    cache: HashMap<(ObjId, At), bool>,
}

impl Signed<'_> {
    /// The encounter and field `touch` would change if that encounter was signed.
    fn forbidden(&mut self, touch: &Touch) -> Option<(String, String)> {
        let whole = || "the whole encounter".to_owned();
        match touch.depth() {
            // The encounters map itself, replaced or removed, or a second one written
            // beside it (without naming it, either may show).
            1 => {
                for at in self.states(&ROOT, ENCOUNTERS) {
                    for map in self.objects(&ROOT, ENCOUNTERS, at) {
                        let keys: Vec<String> = match at {
                            At::Deps => self.doc.keys_at(&map, self.deps).collect(),
                            At::Now => self.doc.keys(&map).collect(),
                        };
                        for key in keys {
                            if self.any_signed(&map, &key, at) {
                                return Some((key, whole()));
                            }
                        }
                    }
                }
                None
            }
            // An encounter replaced or removed under its id, or another written beside it.
            2 => {
                let map = touch.obj(1)?.clone();
                let key = touch.key(1)?;
                self.states(&map, key)
                    .into_iter()
                    .any(|at| self.any_signed(&map, key, at))
                    .then(|| (key.to_owned(), whole()))
            }
            // A field of an encounter, or something inside one.
            _ => {
                let field = touch.key(2);
                let inside_addenda =
                    field == Some(ADDENDA) && (touch.depth() > 3 || !touch.overwrites);
                if inside_addenda {
                    return None;
                }
                let encounter = touch.obj(2)?.clone();
                self.is_signed(&encounter, At::Deps).then(|| {
                    (
                        touch.key(1).unwrap_or("?").to_owned(),
                        field.unwrap_or("?").to_owned(),
                    )
                })
            }
        }
    }

    /// The states to look at for a write of `key` of `obj`: what the author saw, and now
    /// too when the key holds several values (one written beside another).
    fn states(&self, obj: &ObjId, key: &str) -> Vec<At> {
        let beside = self.doc.get_all(obj, key).map_or(0, |v| v.len()) > 1;
        if beside {
            vec![At::Deps, At::Now]
        } else {
            vec![At::Deps]
        }
    }

    fn any_signed(&mut self, obj: &ObjId, key: &str, at: At) -> bool {
        self.objects(obj, key, at)
            .iter()
            .any(|e| self.is_signed(e, at))
    }

    /// The objects under `key` of `obj`.
    fn objects(&self, obj: &ObjId, key: &str, at: At) -> Vec<ObjId> {
        let values = match at {
            At::Deps => self.doc.get_all_at(obj, key, self.deps),
            At::Now => self.doc.get_all(obj, key),
        };
        values
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(value, id)| matches!(value, Value::Object(_)).then_some(id))
            .collect()
    }

    fn is_signed(&mut self, encounter: &ObjId, at: At) -> bool {
        if let Some(known) = self.cache.get(&(encounter.clone(), at)) {
            return *known;
        }
        let values = match at {
            At::Deps => self.doc.get_all_at(encounter, "status", self.deps),
            At::Now => self.doc.get_all(encounter, "status"),
        };
        let signed = values.unwrap_or_default().iter().any(|(value, _)| {
            matches!(value, Value::Scalar(s)
                if matches!(s.as_ref(), ScalarValue::Str(s) if s.as_str() == "signed"))
        });
        self.cache.insert((encounter.clone(), at), signed);
        signed
    }
}
