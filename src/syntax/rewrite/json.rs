//! JSON values: strict JSON data (manifests, `*.tfvars.json`) and Terraform JSON, whose
//! strings are templates (`${` interpolates, `$${` writes `${`).

use super::{reads_as, Replacement, Value};
use std::ops::Range;

enum Read {
    Null,
    Bool(bool),
    Str(String),
}

impl Read {
    fn value(&self) -> Value<'_> {
        match self {
            Read::Null => Value::Null,
            Read::Bool(b) => Value::Bool(*b),
            Read::Str(s) => Value::Str(s),
        }
    }
}

pub(super) fn replace(text: &str, at: Range<usize>, old: Value, new: Value, template: bool) -> Option<Replacement> {
    let written = read(&text[at.clone()], template)?;
    if !reads_as(written.value(), old) {
        return None;
    }
    let literal = match new {
        Value::Null => "null".to_string(),
        Value::Bool(b) if !matches!(written, Read::Str(_)) => b.to_string(),
        Value::Bool(b) => string(&b.to_string(), template),
        Value::Str(s) => string(s, template),
    };
    let back = read(&literal, template)?;
    if !reads_as(back.value(), new) {
        return None;
    }
    // A string stays a string with the same quotes: only what is between them changes.
    let replacement = match (&written, literal.strip_prefix('"').and_then(|l| l.strip_suffix('"'))) {
        (Read::Str(_), Some(inner)) => Replacement { range: at.start + 1..at.end - 1, text: inner.to_string() },
        _ => Replacement { range: at, text: literal },
    };
    Some(replacement)
}

/// A JSON string literal that reads as `s` (in Terraform JSON, as a template's text).
fn string(s: &str, template: bool) -> String {
    let s = if template { s.replace("${", "$${").replace("%{", "%%{") } else { s.to_string() };
    serde_json::to_string(&s).expect("a string serializes")
}

fn read(written: &str, template: bool) -> Option<Read> {
    match serde_json::from_str(written).ok()? {
        serde_json::Value::Null => Some(Read::Null),
        serde_json::Value::Bool(b) => Some(Read::Bool(b)),
        serde_json::Value::String(s) if template && (s.contains("${") || s.contains("%{")) => {
            super::hcl::literal_template(&s).map(Read::Str)
        }
        serde_json::Value::String(s) => Some(Read::Str(s)),
        _ => None,
    }
}
