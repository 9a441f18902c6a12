//! The access report: every service account and user with its effective permissions, by
//! namespace, the roles and groups they come from and the tokens that carry them. Sorted,
//! so that output is stable; `iamlint access` prints it and `access::diff` compares two.

use super::{chain, scope::Scope, AccessGraph, Principal};
use crate::model::{known_str, ObjectRef, Workspace};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Serialize)]
pub struct Report {
    pub version: u32,
    pub principals: Vec<Entry>,
}

#[derive(Serialize)]
pub struct Entry {
    pub kind: &'static str,
    pub name: String,
    /// The deployment (root module, or the configuration's name for it); None for a
    /// manifest object, which is in every deployment.
    pub deployment: Option<String>,
    pub tenant: String,
    pub path: String,
    pub line: usize,
    pub super_admin: bool,
    pub groups: Vec<String>,
    pub tokens: Vec<Token>,
    pub permissions: Vec<Row>,
    /// What hides part of the permissions (unresolved references, expressions).
    pub unknown: Vec<String>,
}

#[derive(Serialize)]
pub struct Token {
    pub name: String,
    pub path: String,
    pub line: usize,
}

#[derive(Serialize)]
pub struct Row {
    /// `null` for tenant-wide.
    pub namespace: Option<String>,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub actions: Vec<String>,
    pub via: Vec<String>,
}

pub fn report(ws: &Workspace) -> Report {
    let mut report = unmasked(ws);
    let secrets = ws.secret_masker();
    for e in &mut report.principals {
        e.mask(&secrets);
    }
    report
}

/// The report with names as written: `access::diff` matches principals by name across two
/// revisions, and stars the secrets of both once it has.
pub fn unmasked(ws: &Workspace) -> Report {
    let graph = AccessGraph::build(ws);
    let mut principals: Vec<Entry> =
        graph.principals().iter().filter(|p| in_scope(ws, p)).map(|p| entry(ws, p)).collect();
    principals.sort_by_cached_key(|e| {
        (
            e.deployment.clone(),
            e.tenant.clone(),
            e.kind != "service_account",
            e.name.to_lowercase(),
            e.name.clone(),
            e.path.clone(),
            e.line,
        )
    });
    Report { version: 1, principals }
}

impl Entry {
    /// Names come from the input, and one built from a sensitive value (a sensitive
    /// variable's default used as a name) would print a secret: its text is starred.
    pub fn mask(&mut self, secrets: &crate::redact::Masker) {
        let star = |s: &mut String| {
            if let std::borrow::Cow::Owned(m) = secrets.mask(s) {
                *s = m;
            }
        };
        star(&mut self.name);
        star(&mut self.tenant);
        star(&mut self.path);
        self.deployment.as_mut().map(star);
        self.groups.iter_mut().for_each(star);
        self.tokens.iter_mut().for_each(|t| {
            star(&mut t.name);
            star(&mut t.path);
        });
        for row in &mut self.permissions {
            row.namespace.as_mut().map(star);
            star(&mut row.resource_type);
            row.actions.iter_mut().for_each(star);
            row.via.iter_mut().for_each(star);
        }
        self.unknown.iter_mut().for_each(star);
    }
}

/// A principal is reported when it is written in a reported file, or when any link of a
/// chain reaching it is (the binding, role, group or membership): naming the file that adds
/// a binding shows the accounts it elevates, wherever they are written.
fn in_scope(ws: &Workspace, p: &Principal) -> bool {
    let reported = |span| ws.is_reported(span);
    reported(ws.origin(p.object).span)
        || p.paths.iter().any(|path| {
            reported(ws.bindings[path.binding].origin.span)
                || reported(ws.roles[path.role].origin.span)
                || path.via.is_some_and(|(g, link)| {
                    reported(ws.groups[g].origin.span)
                        || match link {
                            super::Link::Field(span) => reported(span),
                            super::Link::Membership(m) => reported(ws.memberships[m].origin.span),
                        }
                })
        })
}

fn location(ws: &Workspace, span: crate::source::Span) -> (String, usize) {
    let file = ws.sources.get(span.file);
    (file.display.clone(), file.position(span.start).line)
}

fn entry(ws: &Workspace, p: &Principal) -> Entry {
    let origin = ws.origin(p.object);
    let (path, line) = location(ws, origin.span);
    let groups: BTreeSet<String> = p.groups.iter().map(|(g, _)| ws.display_name(ObjectRef::Group(*g))).collect();
    let mut tokens: Vec<Token> = p
        .tokens
        .iter()
        .map(|&t| {
            let token = &ws.tokens[t];
            let (path, line) = location(ws, token.origin.span);
            Token {
                name: known_str(&token.name).map_or_else(|| token.origin.address.clone(), str::to_string),
                path,
                line,
            }
        })
        .collect();
    tokens.sort_by(|a, b| (&a.name, &a.path, a.line).cmp(&(&b.name, &b.path, b.line)));
    let mut rows: BTreeMap<(Scope, String), (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    let mut unknown: BTreeSet<String> = p.unknowns.iter().cloned().collect();
    for path in &p.paths {
        let how = chain::describe(ws, path);
        let Some(scope) = &path.scope else {
            unknown.insert(format!("{how} applies on a namespace iamlint cannot evaluate"));
            continue;
        };
        for grant in &ws.roles[path.role].grants {
            let Some(t) = grant.resource_type.known() else {
                unknown.insert(format!("{how} grants a resource type iamlint cannot evaluate"));
                continue;
            };
            let row = rows.entry((scope.clone(), t.clone())).or_default();
            for a in &grant.actions {
                match a.known() {
                    Some(a) => {
                        row.0.insert(a.clone());
                    }
                    None => {
                        unknown.insert(format!("{how} grants {t} an action iamlint cannot evaluate"));
                    }
                }
            }
            row.1.insert(how.clone());
        }
    }
    let permissions = rows
        .into_iter()
        .map(|((scope, t), (actions, via))| Row {
            namespace: match scope {
                Scope::Tenant => None,
                Scope::Namespace(ns) => Some(ns),
            },
            resource_type: t,
            actions: actions.into_iter().collect(),
            via: via.into_iter().collect(),
        })
        .collect();
    Entry {
        kind: match p.object {
            ObjectRef::User(_) => "user",
            _ => "service_account",
        },
        name: ws.display_name(p.object),
        deployment: origin.deployment.as_deref().map(str::to_string),
        tenant: origin.tenant.clone(),
        path,
        line,
        super_admin: p.super_admin.is_some(),
        groups: groups.into_iter().collect(),
        tokens,
        permissions,
        unknown: unknown.into_iter().collect(),
    }
}
