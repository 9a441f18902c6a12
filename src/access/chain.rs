//! Labels for the links of a chain of grants, so that a finding shows every object that
//! produced it: the group membership, the binding, the role's grant.

use super::scope::namespace_of;
use super::{Hit, Link, Path};
use crate::finding::Label;
use crate::model::{ObjectRef, Text, Workspace};

/// `service account `ci`` or `user `jane@example.com``.
pub fn noun(ws: &Workspace, object: ObjectRef) -> String {
    let kind = match object {
        ObjectRef::ServiceAccount(_) => "service account",
        ObjectRef::User(_) => "user",
        ObjectRef::Group(_) => "group",
        ObjectRef::Role(_) => "role",
    };
    format!("{kind} `{}`", ws.display_name(object))
}

fn namespace_phrase(field: &Option<Text>) -> String {
    match namespace_of(field) {
        Some(Some(ns)) => format!("on namespace `{ns}`"),
        Some(None) => "with no namespace".to_string(),
        None => "on a namespace iamlint cannot evaluate".to_string(),
    }
}

/// The link that puts `principal` in the path's group, if the path goes through one.
pub fn membership_label(ws: &Workspace, principal: ObjectRef, path: &Path) -> Option<Label> {
    let (group, link) = path.via?;
    let group = ws.display_name(ObjectRef::Group(group));
    let who = ws.display_name(principal);
    Some(match link {
        Link::Field(span) => Label { span, message: format!("`{who}` is in group `{group}`") },
        Link::Membership(m) => Label {
            span: ws.memberships[m].origin.span,
            message: format!("this membership puts `{who}` in group `{group}`"),
        },
    })
}

pub fn binding_label(ws: &Workspace, principal: ObjectRef, path: &Path) -> Label {
    let b = &ws.bindings[path.binding];
    let to = match path.via {
        Some((g, _)) => noun(ws, ObjectRef::Group(g)),
        None => noun(ws, principal),
    };
    Label {
        span: b.origin.span,
        message: format!(
            "binds role `{}` to {to} {}",
            ws.display_name(ObjectRef::Role(path.role)),
            namespace_phrase(&b.namespace)
        ),
    }
}

pub fn grant_label(ws: &Workspace, hit: &Hit) -> Label {
    let role = &ws.roles[hit.path.role];
    let grant = &role.grants[hit.grant];
    let actions: Vec<&str> = hit.actions.iter().filter_map(|a| a.known()).map(String::as_str).collect();
    let role_scope = match namespace_of(&role.namespace) {
        Some(Some(ns)) => format!(" (namespace `{ns}`)"),
        _ => " (no namespace)".to_string(),
    };
    Label {
        span: grant.resource_type.span,
        message: format!(
            "role `{}`{role_scope} grants {}: {}",
            ws.display_name(ObjectRef::Role(hit.path.role)),
            grant.resource_type.known().map_or("?", String::as_str),
            actions.join(", ")
        ),
    }
}

/// Every link from the principal to the grant: membership, binding, grant.
pub fn hit_labels(ws: &Workspace, principal: ObjectRef, hit: &Hit) -> Vec<Label> {
    let mut labels: Vec<Label> = membership_label(ws, principal, hit.path).into_iter().collect();
    labels.push(binding_label(ws, principal, hit.path));
    labels.push(grant_label(ws, hit));
    labels
}

/// Drops repeated labels: a binding shared by two chains is shown once.
pub fn dedup(labels: Vec<Label>) -> Vec<Label> {
    let mut seen = std::collections::HashSet::new();
    labels.into_iter().filter(|l| seen.insert((l.span, l.message.clone()))).collect()
}

/// The stable identities of the paths that reach `principal`, sorted, once each: what a
/// baseline records of a chain finding, so that a new path to an account it recorded is
/// reported. A path is the principal, the group it goes through, the role and the binding's
/// namespace, each by address or value, never by line or by a manifest's list position
/// (`bindings[3]` moves when a binding is added above it).
pub fn identities<'a>(ws: &Workspace, principal: ObjectRef, paths: impl IntoIterator<Item = &'a Path>) -> Vec<String> {
    let who = &ws.origin(principal).address;
    let mut out: Vec<String> = paths
        .into_iter()
        .map(|path| {
            let via = path.via.map_or("", |(g, _)| ws.groups[g].origin.address.as_str());
            let namespace = match namespace_of(&ws.bindings[path.binding].namespace) {
                Some(Some(ns)) => ns,
                Some(None) => "",
                None => "\0unknown",
            };
            format!("{who}\0{via}\0{}\0{namespace}", ws.roles[path.role].origin.address)
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The identity of a super admin's one path to everything, beside `identities`.
pub fn super_admin_identity(ws: &Workspace, principal: ObjectRef) -> Vec<String> {
    vec![format!("{}\0super admin", ws.origin(principal).address)]
}

/// How a path reaches its principal, for `iamlint access`: `role x via group y`.
pub fn describe(ws: &Workspace, path: &Path) -> String {
    let role = ws.display_name(ObjectRef::Role(path.role));
    match path.via {
        Some((g, _)) => format!("{role} via group {}", ws.display_name(ObjectRef::Group(g))),
        None => format!("{role} (direct)"),
    }
}
