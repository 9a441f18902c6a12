//! The JSON Schema of `.iamlint.yaml`, built from the same key table as the parser.

use super::{Shape, KEYS};
use crate::syntax::yaml::{self, Limits, Node};
use serde_json::{json, Value};

/// The JSON Schema of `.iamlint.yaml`, for editors (`iamlint config --schema`).
pub fn schema() -> Value {
    let rules = json!({"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": true});
    let globs = json!({"type": "array", "items": {"type": "string", "minLength": 1}});
    let mut properties = serde_json::Map::new();
    for key in KEYS {
        let mut property = match key.shape {
            Shape::Rules => rules.clone(),
            Shape::SeverityMap => json!({
                "type": "object",
                "additionalProperties": {"type": "string", "enum": ["error", "warning", "info"]}
            }),
            Shape::PerFileIgnores | Shape::ObjectIgnores => {
                json!({"type": "object", "additionalProperties": rules.clone()})
            }
            Shape::Duration => json!({"type": "string", "pattern": "^[-+]?[Pp]"}),
            Shape::Globs => globs.clone(),
            Shape::Path | Shape::Extend => json!({"type": "string", "minLength": 1}),
            Shape::Bool => json!({"type": "boolean"}),
            Shape::Int { min, max } => json!({"type": "integer", "minimum": min, "maximum": max}),
            Shape::Deployments => json!({
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {"roots": globs.clone(), "manifests": globs.clone()}
                }
            }),
        };
        let example: Value = yaml_example(key.example);
        let object = property.as_object_mut().expect("each property is an object");
        let description = match key.workspace {
            true => format!(
                "{} Workspace-wide: read from the run's configuration, ignored (with a warning) in a nested one.",
                key.description
            ),
            false => key.description.to_string(),
        };
        object.insert("description".into(), json!(description));
        object.insert("examples".into(), json!([example]));
        properties.insert(key.name.into(), property);
    }
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://raw.githubusercontent.com/iamlint/iamlint/main/iamlint.schema.json",
        "title": "iamlint configuration (.iamlint.yaml)",
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
    })
}

/// An example, written as YAML in `KEYS`, as a JSON value for the schema.
fn yaml_example(text: &str) -> Value {
    fn convert(node: &Node) -> Value {
        match node {
            Node::Scalar(s) if !s.quoted => {
                if let Some(b) = node.as_bool() {
                    json!(b)
                } else if let Ok(n) = s.text.parse::<u64>() {
                    json!(n)
                } else {
                    json!(s.text)
                }
            }
            Node::Scalar(s) => json!(s.text),
            Node::Seq { items, .. } => Value::Array(items.iter().map(convert).collect()),
            Node::Map { entries, .. } => Value::Object(
                entries.iter().map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), convert(v))).collect(),
            ),
        }
    }
    let docs = yaml::parse(text, Limits::default()).expect("KEYS examples are valid YAML");
    docs.first().map_or(Value::Null, convert)
}
