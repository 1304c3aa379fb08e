//! Ledgers are append-only (DESIGN.md): a recorded stock movement, sale entry (sale,
//! refund, void), audit entry or shift event is never edited, replaced or removed; a correction is a
//! new entry. A
//! node writes each entry whole in one change, so a change may write inside an entry
//! only if it created that entry, may add an entry only under an id nobody used, and
//! may not replace the entry maps or the ledger's node and day.

use automerge::{AutoCommit, ObjId, ROOT, ReadDoc, ScalarValue, Value};

use super::Refusal;
use super::place::{Placed, Touch};

/// The maps that hold entries, and what their entries are called.
const ENTRY_MAPS: [(&str, &str); 4] = [
    ("movements", "stock movement"),
    ("sales", "sale"),
    (dermis_model::audit::AUDIT_MAP, "audit entry"),
    (dermis_model::ledger::shift::SHIFTS_MAP, "shift event"),
];
/// Fields set once, when the ledger is made.
const FIXED: [&str; 2] = ["node_id", "day"];

/// Refuses `change` (applied to `doc`, a ledger document) if it alters the record.
pub fn check(doc: &AutoCommit, change: &Placed) -> Result<(), Refusal> {
    for touch in &change.touches {
        let Some(top) = touch.key(0) else { continue };
        let refused = if let Some((_, kind)) = ENTRY_MAPS.iter().find(|(k, _)| *k == top) {
            entry_refused(doc, change, touch, top, kind)
        } else if FIXED.contains(&top) && touch.depth() == 1 {
            replaced(doc, &ROOT, top, touch).then(|| (top.to_owned(), String::new()))
        } else {
            None
        };
        if let Some((what, entry)) = refused {
            return Err(Refusal::LedgerEntry {
                change: change.short(),
                what,
                entry,
            });
        }
    }
    Ok(())
}

/// What an operation under one of the entry maps alters, if anything recorded.
fn entry_refused(
    doc: &AutoCommit,
    change: &Placed,
    touch: &Touch,
    map_key: &str,
    kind: &str,
) -> Option<(String, String)> {
    match touch.depth() {
        1 => {
            replaced(doc, &ROOT, map_key, touch).then(|| (format!("the {map_key}"), String::new()))
        }
        2 => {
            let map = touch.obj(1)?;
            let Some(id) = touch.key(1) else {
                return Some((kind.to_owned(), "?".to_owned()));
            };
            replaced(doc, map, id, touch).then(|| (kind_of(doc, map, id, kind), id.to_owned()))
        }
        _ => {
            let entry = touch.obj(2)?;
            let id = touch.key(1).unwrap_or("?");
            (!change.created(entry)).then(|| {
                let kind = touch
                    .obj(1)
                    .map_or_else(|| kind.to_owned(), |map| kind_of(doc, map, id, kind));
                (kind, id.to_owned())
            })
        }
    }
}

/// Whether `touch`, writing `key` of `obj`, takes the place of a value already there:
/// it overwrites or deletes one, or it was written beside one (a value written without
/// naming the one it replaces leaves two, and either may show).
fn replaced(doc: &AutoCommit, obj: &ObjId, key: &str, touch: &Touch) -> bool {
    touch.overwrites || doc.get_all(obj, key).map_or(0, |v| v.len()) > 1
}

/// `sale`, `refund` or `void` for a sale entry, read from the entry; else `kind`.
fn kind_of(doc: &AutoCommit, map: &ObjId, id: &str, kind: &str) -> String {
    let entry = doc
        .get_all(map, id)
        .unwrap_or_default()
        .into_iter()
        .find_map(|(value, obj)| matches!(value, Value::Object(_)).then_some(obj));
    let stored = entry
        .and_then(|e| doc.get(&e, "kind").ok().flatten())
        .and_then(|(value, _)| match value {
            Value::Scalar(s) => match s.as_ref() {
                ScalarValue::Str(s) if kind == "sale" => {
                    dermis_model::ledger::SaleKind::parse(s).map(|k| k.as_str().to_owned())
                }
                _ => None,
            },
            Value::Object(_) => None,
        });
    stored.unwrap_or_else(|| kind.to_owned())
}
