//! Credentials a plan holds outside `planned_values` (IAM601): the state it was made from
//! (`prior_state`), each change's `before` and `after`, and the values of its input
//! `variables`. A plan of existing tokens carries their `full_token` there in clear text,
//! and a committed plan is a committed secret wherever in it the value sits: `planned_values`
//! may even omit it (a token being destroyed, a variable no resource reads).
//!
//! One finding per value: a value already reported (in `planned_values`, or earlier here)
//! is not reported again. The message names the JSON path, never the value.

use crate::frontend::credentials::{self, KeyClass};
use crate::model::FileModel;
use crate::source::{FileId, Span};
use crate::syntax::yaml::Node;

const MAX_MODULE_DEPTH: usize = 64;

pub fn report(root: &Node, file: FileId, model: &mut FileModel) {
    // A set, not a search of the credentials: a plan of thousands of tokens stays linear.
    let seen = model.credentials.iter().map(|c| c.fingerprint.clone()).collect();
    let mut found = Found { file, model, seen };
    if let Some(module) = root.get("prior_state").and_then(|s| s.get("values")).and_then(|v| v.get("root_module")) {
        found.module(module, "prior_state.values.root_module", 0);
    }
    if let Some(Node::Seq { items, .. }) = root.get("resource_changes") {
        for (i, change) in items.iter().enumerate() {
            let (Some(kind), Some(address)) =
                (change.get("type").and_then(Node::as_str), change.get("address").and_then(Node::as_str))
            else {
                continue;
            };
            if !kind.starts_with("kestra_") {
                continue;
            }
            for side in ["before", "after"] {
                if let Some(values) = change.get("change").and_then(|c| c.get(side)) {
                    found.values(values, address, &format!("resource_changes[{i}].change.{side}"));
                }
            }
        }
    }
    if let Some(Node::Map { entries, .. }) = root.get("variables") {
        for (k, v) in entries {
            let name = k.as_str().unwrap_or_default();
            let Some(KeyClass::Credential(kind)) = credentials::credential_key(name) else { continue };
            let Some(value) = v.get("value") else { continue };
            let context = format!("variable `{name}` at `variables.{name}.value` in a Terraform plan");
            found.record(value, kind, context);
        }
    }
}

struct Found<'m> {
    file: FileId,
    model: &'m mut FileModel,
    seen: std::collections::HashSet<String>,
}

impl Found<'_> {
    fn module(&mut self, module: &Node, path: &str, depth: usize) {
        if depth > MAX_MODULE_DEPTH {
            return;
        }
        if let Some(Node::Seq { items, .. }) = module.get("resources") {
            for (i, r) in items.iter().enumerate() {
                let (Some(kind), Some(address), Some(values)) =
                    (r.get("type").and_then(Node::as_str), r.get("address").and_then(Node::as_str), r.get("values"))
                else {
                    continue;
                };
                if kind.starts_with("kestra_") {
                    self.values(values, address, &format!("{path}.resources[{i}].values"));
                }
            }
        }
        if let Some(Node::Seq { items, .. }) = module.get("child_modules") {
            for (i, child) in items.iter().enumerate() {
                self.module(child, &format!("{path}.child_modules[{i}]"), depth + 1);
            }
        }
    }

    fn values(&mut self, values: &Node, address: &str, path: &str) {
        let Node::Map { entries, .. } = values else { return };
        for (k, v) in entries {
            let key = k.as_str().unwrap_or_default();
            let Some(KeyClass::Credential(kind)) = credentials::credential_key(key) else { continue };
            let context = format!("`{key}` of `{address}` at `{path}.{key}` in a Terraform plan");
            self.record(v, kind, context);
        }
    }

    fn record(&mut self, value: &Node, kind: crate::model::CredentialKind, context: String) {
        let Node::Scalar(s) = value else { return };
        if value.is_null() || !s.quoted {
            return;
        }
        let fingerprint = credentials::fingerprint(&s.text);
        if !self.seen.insert(fingerprint) {
            return;
        }
        // Inside the quotes, so that only the value is starred out.
        let span = Span::new(self.file, value.start() + 1, value.end().saturating_sub(1).max(value.start() + 1));
        credentials::record(self.model, span, kind, &s.text, context, None);
    }
}
