//! Canonical JSON: object keys sorted at every depth, so two converged replicas print
//! byte-identical exports whatever order they learned things in.

use serde::Serialize;
use serde_json::{Map, Value};

/// Rebuilds `value` with every object's keys in sorted order.
pub fn canonicalize(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut out = Map::new();
            for (k, v) in entries {
                out.insert(k, canonicalize(v));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonicalize).collect()),
        other => other,
    }
}

/// Pretty-printed canonical JSON of any serialisable value, ending with a new line.
pub fn to_canonical_string<T: Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let value = canonicalize(serde_json::to_value(value)?);
    let mut text = serde_json::to_string_pretty(&value)?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sorted_at_every_depth() {
        let value = serde_json::json!({"b": 1, "a": {"d": [{"z": 1, "y": 2}], "c": null}});
        let text = to_canonical_string(&value).expect("json");
        let a = text.find("\"a\"").expect("a");
        let b = text.find("\"b\"").expect("b");
        let y = text.find("\"y\"").expect("y");
        let z = text.find("\"z\"").expect("z");
        assert!(a < b && y < z, "{text}");
        assert!(text.ends_with("}\n"));
    }
}
