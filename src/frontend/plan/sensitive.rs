//! Every place a Terraform plan holds a sensitive value, starred. A plan repeats a
//! value many times: `planned_values`, `resource_changes[].change.before` and `.after`,
//! `prior_state`, `configuration` (`constant_value`), `variables`, `output_changes` and the
//! outputs each hold a copy, and a snippet may show any of them.
//!
//! A string is sensitive when its key looks like a credential (in any case or spelling:
//! `password`, `full_token`, `api_token`), when Terraform's own masks say so
//! (`sensitive_values` beside `values`, `before_sensitive`/`after_sensitive` beside
//! `before`/`after`, an output's `"sensitive": true`), or when it is the value of a variable
//! the configuration declares sensitive. Then every other string of the plan equal to one of
//! them is starred as well, wherever it is: a copy under a key iamlint does not know is
//! still the same secret.

use crate::frontend::credentials::credential_key;
use crate::model::FileModel;
use crate::source::{FileId, Span};
use crate::syntax::yaml::{Node, Scalar};
use std::collections::HashSet;

/// Deeper values are not searched for masks (the parser's depth limit applies first).
const MAX_DEPTH: usize = 512;

pub fn mark(root: &Node, file: FileId, model: &mut FileModel) {
    let mut found: Vec<&Scalar> = Vec::new();
    walk(root, 0, &mut found);
    for value in sensitive_variables(root) {
        strings(value, 0, &mut found);
    }
    let texts: HashSet<&str> = found.iter().map(|s| s.text.as_str()).collect();
    if texts.is_empty() {
        return;
    }
    let mut copies = Vec::new();
    strings(root, 0, &mut copies);
    for s in copies.into_iter().filter(|s| texts.contains(s.text.as_str())) {
        // Inside the quotes: the JSON around the value stays readable.
        model.secrets.push(Span::new(file, s.start + 1, s.end.saturating_sub(1).max(s.start + 1)));
    }
    model.secrets.sort();
    model.secrets.dedup();
}

fn walk<'a>(node: &'a Node, depth: usize, found: &mut Vec<&'a Scalar>) {
    if depth > MAX_DEPTH {
        return;
    }
    match node {
        Node::Map { entries, .. } => {
            if node.get("sensitive").and_then(Node::as_bool) == Some(true) {
                if let Some(value) = node.get("value") {
                    strings(value, depth, found);
                }
            }
            for (k, v) in entries {
                let key = k.as_str().unwrap_or_default();
                if credential_key(key).is_some() {
                    strings(v, depth, found);
                    continue;
                }
                let mask = match key {
                    "values" => node.get("sensitive_values"),
                    "before" => node.get("before_sensitive"),
                    "after" => node.get("after_sensitive"),
                    _ => None,
                };
                if let Some(mask) = mask {
                    masked(v, mask, depth, found);
                }
                walk(v, depth + 1, found);
            }
        }
        Node::Seq { items, .. } => items.iter().for_each(|i| walk(i, depth + 1, found)),
        Node::Scalar(_) => {}
    }
}

/// The strings of `value` that Terraform's mask marks: `true` marks all of a value, an
/// object or a list marks the parts it names.
fn masked<'a>(value: &'a Node, mask: &Node, depth: usize, found: &mut Vec<&'a Scalar>) {
    if depth > MAX_DEPTH {
        return;
    }
    match (mask, value) {
        (Node::Scalar(_), _) if mask.as_bool() == Some(true) => strings(value, depth, found),
        (Node::Map { entries, .. }, _) => {
            for (k, m) in entries {
                if let Some(v) = k.as_str().and_then(|k| value.get(k)) {
                    masked(v, m, depth + 1, found);
                }
            }
        }
        (Node::Seq { items: masks, .. }, Node::Seq { items, .. }) => {
            for (m, v) in masks.iter().zip(items) {
                masked(v, m, depth + 1, found);
            }
        }
        _ => {}
    }
}

/// Every string (quoted scalar) of a value.
fn strings<'a>(node: &'a Node, depth: usize, out: &mut Vec<&'a Scalar>) {
    if depth > MAX_DEPTH {
        return;
    }
    match node {
        Node::Scalar(s) if s.quoted => out.push(s),
        Node::Scalar(_) => {}
        Node::Seq { items, .. } => items.iter().for_each(|i| strings(i, depth + 1, out)),
        Node::Map { entries, .. } => entries.iter().for_each(|(_, v)| strings(v, depth + 1, out)),
    }
}

/// `variables.NAME.value` of each variable `configuration.root_module.variables` declares
/// `sensitive = true` (its name may say nothing of a credential).
fn sensitive_variables(root: &Node) -> Vec<&Node> {
    let declared = root.get("configuration").and_then(|c| c.get("root_module")).and_then(|m| m.get("variables"));
    let Some(Node::Map { entries, .. }) = declared else { return Vec::new() };
    entries
        .iter()
        .filter(|(_, v)| v.get("sensitive").and_then(Node::as_bool) == Some(true))
        .filter_map(|(k, _)| root.get("variables")?.get(k.as_str()?)?.get("value"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::yaml::{self, Limits};

    fn starred(text: &str) -> Vec<&str> {
        let root = yaml::parse(text, Limits::default()).unwrap().remove(0);
        let mut model = FileModel::default();
        mark(&root, FileId(0), &mut model);
        model.secrets.iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn keys_masks_outputs_variables_and_copies() {
        let plan = r#"{"a": {"Full_Token": "t1", "x": "t1"},
            "c": {"after": {"d": "s1", "e": "open"}, "after_sensitive": {"d": true}},
            "r": {"values": {"l": ["p", "q"]}, "sensitive_values": {"l": [false, true]}},
            "o": {"sensitive": true, "value": "o1"},
            "variables": {"v": {"value": "v1"}, "w": {"value": "open2"}},
            "configuration": {"root_module": {"variables": {"v": {"sensitive": true}}}},
            "copy": ["s1", "q", "o1", "v1", "open"]}"#;
        let mut shown = starred(plan);
        shown.sort();
        assert_eq!(shown, ["o1", "o1", "q", "q", "s1", "s1", "t1", "t1", "v1", "v1"]);
    }
}
