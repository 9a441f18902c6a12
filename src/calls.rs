//! Which call a finding inside a child module comes from. A module several roots (or one
//! root several times) call is evaluated once per call, so a finding at the module's text
//! may hold for one caller only (a name the call passes) or for all (a literal the module
//! writes): each finding is labelled with the `module` block of the root that made the
//! instance, and findings that repeat at one span merge into one with every call labelled.

use crate::finding::{Finding, Label};
use crate::model::*;
use crate::source::{FileId, Span};
use std::collections::HashMap;
use std::sync::Arc;

/// An object of a module instance: where it is written and how it is named in messages.
struct Instanced<'w> {
    extent: Span,
    call: Span,
    instance: &'w Arc<str>,
    address: &'w str,
    name: Option<&'w str>,
}

/// Adds to each finding inside a child module the call (or calls) its instance comes from.
pub fn label(ws: &Workspace, findings: &mut [Finding]) {
    let mut by_file: HashMap<FileId, Vec<Instanced<'_>>> = HashMap::new();
    let objects = ws
        .service_accounts
        .iter()
        .map(|x| (&x.origin, known_str(&x.name)))
        .chain(ws.users.iter().map(|x| (&x.origin, known_str(&x.name))))
        .chain(ws.groups.iter().map(|x| (&x.origin, known_str(&x.name))))
        .chain(ws.roles.iter().map(|x| (&x.origin, known_str(&x.name))))
        .chain(ws.tokens.iter().map(|x| (&x.origin, known_str(&x.name))))
        .chain(ws.bindings.iter().map(|x| (&x.origin, None)))
        .chain(ws.memberships.iter().map(|x| (&x.origin, None)))
        .chain(ws.outputs.iter().map(|x| (&x.origin, None)));
    for (origin, name) in objects {
        let Some((call, instance)) = &origin.call else { continue };
        by_file.entry(origin.extent.file).or_default().push(Instanced {
            extent: origin.extent,
            call: *call,
            instance,
            address: &origin.address,
            name,
        });
    }
    if by_file.is_empty() {
        return;
    }
    for f in findings.iter_mut() {
        let Some(objects) = by_file.get(&f.span.file) else { continue };
        let within: Vec<&Instanced<'_>> = objects.iter().filter(|o| o.extent.contains(f.span)).collect();
        // Of several instances, those the finding names (by name or address) made it.
        let named: Vec<&Instanced<'_>> = within
            .iter()
            .copied()
            .filter(|o| f.message.contains(o.address) || o.name.is_some_and(|n| f.message.contains(&format!("`{n}`"))))
            .collect();
        let calls = if named.is_empty() { within } else { named };
        let mut added: Vec<(Span, &str)> = Vec::new();
        for o in calls {
            if added.len() >= MAX_CALLS || added.iter().any(|(s, i)| *s == o.call && *i == o.instance.as_ref()) {
                continue;
            }
            added.push((o.call, o.instance));
        }
        added.sort();
        for (span, instance) in added {
            let label = Label { span, message: format!("in `{instance}`, called here") };
            if !f.labels.contains(&label) {
                f.labels.push(label);
            }
        }
    }
}

/// Calls named on one finding: a module called for a hundred keys names a few.
const MAX_CALLS: usize = 5;
